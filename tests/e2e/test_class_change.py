"""A class change (转班) in a real browser: registrar1 opens a pupil's page, starts the class change, picks
the new class and gives the reason, saves; the request page shows it approved at once with old → new class,
and the pupil's open spell is in the new class."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from students.models import EnrolmentSpell
from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e

SCHOOL = "2134119901"  # registrar1's school in the demo


def _pupil_with_a_sibling_class():
    """An enrolled pupil of the school whose grade has another class under the cap, and that class."""
    for spell in EnrolmentSpell.objects.filter(school__code=SCHOOL, ended_on__isnull=True).select_related(
        "school", "school_class", "student"
    ):
        for other in spell.school.classes.filter(grade=spell.grade).exclude(pk=spell.school_class_id):
            if other.spells.filter(ended_on__isnull=True).count() < spell.school.class_size_cap:
                return spell, other
    raise AssertionError("the demo has no grade with two classes")


def test_registrar_moves_a_pupil_to_another_class(page, live_server, transactional_db):
    load_demo()
    spell, new_class = _pupil_with_a_sibling_class()
    log_in(page, live_server, "registrar1")
    page.goto(live_server.url + reverse("pupil_detail", args=[spell.student.pk]))
    page.get_by_role("link", name="转班").click()
    page.get_by_label("转入班级").select_option(label=str(new_class))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_label("原因")).to_have_attribute("aria-invalid", "true")  # the reason is required
    expect(page.get_by_label("转入班级")).to_have_value(str(new_class.pk))  # and the class chosen is kept
    page.get_by_label("原因").fill("家长申请，便于接送")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("request-state")).to_have_text("已通过")
    expect(page.get_by_test_id("class-change")).to_have_text(f"{spell.school_class} → {new_class}")
    assert EnrolmentSpell.objects.get(student=spell.student, ended_on__isnull=True).school_class == new_class
