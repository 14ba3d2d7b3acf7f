"""The roll check's signature (issue 22): refused while a difference has an action but no reason; the
snapshot's hash is over canonical JSON, so a database that reorders keys (PostgreSQL jsonb) keeps it valid."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from students.models import RollCheckSignature
from students.rollcheck.services import (
    RollCheckRefused,
    add_unregistered,
    explain,
    set_headcounts,
    sign_roll_check,
    snapshot_hash,
    start_roll_check,
    submit_roll_check,
)
from tests.conftest import client_for
from tests.factories import EnrolmentSpellFactory, SemesterFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def submitted(world):
    """School A's autumn 2026 check, submitted: class A has 2 on the register and 3 present — the third an
    unregistered child, 王小明, named with an action but no reason yet."""
    EnrolmentSpellFactory(school_class=world.class_a)
    registrar = world.users["registrar"]
    check = start_roll_check(world.school_a, SemesterFactory(school_year=2026), actor=registrar,
                             check_date=date(2026, 10, 15))  # fmt: skip
    set_headcounts(check, {c.school_class_id: 0 for c in check.classes.all()} | {world.class_a.pk: 3}, actor=registrar)
    child = add_unregistered(check, world.class_a, "王小明", actor=registrar, action="guest_study")
    submit_roll_check(check, actor=registrar)
    return check, child


def test_a_difference_with_an_action_but_no_reason_cannot_be_signed(submitted, world):
    check, child = submitted
    with pytest.raises(RollCheckRefused, match="王小明"):
        sign_roll_check(check, actor=world.users["headteacher"])
    assert not RollCheckSignature.objects.exists()
    explain(child, actor=world.users["headteacher"], reason="随父母务工来本镇，尚未转入", action="guest_study")
    assert sign_roll_check(check, actor=world.users["headteacher"]).snapshot["present"] == 3


def test_the_hash_does_not_depend_on_the_order_of_keys():
    snapshot = {"school": "东湖小学", "classes": [{"class": "一年级1班", "registered": 2, "present": 3}], "present": 3}
    reordered = {"present": 3, "classes": [{"present": 3, "registered": 2, "class": "一年级1班"}], "school": "东湖小学"}
    assert snapshot_hash(reordered) == snapshot_hash(snapshot)
    assert snapshot_hash({**snapshot, "present": 4}) != snapshot_hash(snapshot)


@pytest.mark.postgresql
def test_the_stored_snapshot_read_back_from_jsonb_still_matches_its_hash(submitted, world):
    check, child = submitted
    explain(child, actor=world.users["headteacher"], reason="借读", action="guest_study")
    signed = sign_roll_check(check, actor=world.users["headteacher"])
    stored = RollCheckSignature.objects.get(pk=signed.pk)
    assert list(stored.snapshot) != list(signed.snapshot)  # jsonb gave the keys back in its own order
    assert snapshot_hash(stored.snapshot) == stored.snapshot_hash


def test_the_page_says_so_when_the_stored_snapshot_no_longer_matches_its_hash(client, submitted, world):
    check, child = submitted
    explain(child, actor=world.users["headteacher"], reason="借读", action="guest_study")
    signed = sign_roll_check(check, actor=world.users["headteacher"])
    page = reverse("roll_check", args=[world.school_a.code, check.semester_id])
    browser = client_for(client, world, "headteacher")
    assert 'data-testid="snapshot-altered"' not in browser.get(page).content.decode()
    RollCheckSignature.objects.filter(pk=signed.pk).update(snapshot={**signed.snapshot, "present": 2})
    html = browser.get(page).content.decode()
    assert 'data-testid="snapshot-altered"' in html
    assert 'role="alert"' in html
