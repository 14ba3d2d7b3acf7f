"""Confirmation before what cannot be undone (issue 17), derived from the permission matrix: every POST a row
marks `irreversible` answers the confirmation page and changes no row of the database until it carries
`confirmed=1`, then acts; and nobody the row refuses is shown the confirmation page (it names the pupil)."""

import re
from html import unescape

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.conftest import ROLES, client_for
from tests.permission_matrix import MATRIX, SCOPES


@pytest.fixture
def world(shared_world):
    return shared_world


IRREVERSIBLE = [(name, action) for name, route in sorted(MATRIX.items()) for action in route.irreversible]
ROW_IS_IRREVERSIBLE = sorted(
    name for name, route in MATRIX.items() if any(action.request is None for action in route.irreversible)
)
NOT_COMPARED = {"sessions"}  # the signed-in user's session row, refreshed by any request


def database():
    """Every row of every table, as values: what a POST may have changed."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.app_label not in NOT_COMPARED
    }


def _is_confirm_page(response):
    return response.status_code == 200 and 'data-testid="confirm-page"' in response.content.decode()


def problems_of(world, name, action):
    """What is wrong with one irreversible action's confirmation (empty when it asks first, then acts)."""
    route = MATRIX[name]
    client = client_for(Client(), world, action.role)
    if action.request is None:
        url, data = route.url(world, "own"), dict(route.data or {})
    else:
        url, data = action.request(world)
    problems = []
    before = database()
    first = client.post(url, data)
    if not _is_confirm_page(first):
        problems.append(f"without confirmed=1: {first.status_code}, not the confirmation page")
    changed = [label for label, rows in database().items() if rows != before.get(label)]
    if changed:
        problems.append(f"without confirmed=1 it changed {changed}")
    if 'name="confirmed" value="1"' not in first.content.decode():
        problems.append("the confirmation page does not post confirmed=1")
    second = client.post(url, {**data, "confirmed": "1"})
    if _is_confirm_page(second):
        problems.append("with confirmed=1 it asks again")
    if database() == before:
        problems.append("with confirmed=1 nothing changed")
    return problems


@pytest.mark.parametrize(("name", "action"), IRREVERSIBLE, ids=[f"{n}-{a.name}" for n, a in IRREVERSIBLE])
def test_an_irreversible_post_asks_first_and_changes_nothing_until_confirmed(world, name, action):
    assert problems_of(world, name, action) == []


@pytest.mark.parametrize("name", ROW_IS_IRREVERSIBLE)
def test_nobody_the_row_refuses_is_asked(world, name):
    """Who may not act gets the row's refusal (403, 404, the login page), never the confirmation page."""
    route = MATRIX[name]
    asked = []
    urls = {scope: route.url(world, scope) for scope in SCOPES}
    for role in ROLES:
        for scope in SCOPES:
            expected = route.expect(role, scope)
            if expected < 400 and role != "anonymous":
                continue
            response = client_for(Client(), world, role).post(urls[scope], route.data or {})
            if response.status_code != expected or _is_confirm_page(response):
                asked.append((role, scope, response.status_code))
    assert asked == []


def test_the_check_catches_a_view_that_forgets_to_ask(world, monkeypatch):
    """Receiving a hand-over without its confirmation step: the same test finds that the first POST already
    recorded the paper file as received."""
    name = "hand_over_received"
    (action,) = MATRIX[name].irreversible
    monkeypatch.setattr("archives.views.confirmation_page", lambda request, **sentence: None)
    problems = problems_of(world, name, action)
    assert "without confirmed=1: 302, not the confirmation page" in problems
    assert any(problem.startswith("without confirmed=1 it changed") and "archives.HandOver" in problem
               for problem in problems)  # fmt: skip


def test_every_irreversible_action_of_the_issue_is_declared():
    """The matrix marks the actions issue 17 names (approve, reject, sign, receive, reopen, withdraw, remove,
    bulk actions) that this branch guards; a row losing its mark fails here."""
    declared = {(name, action.name) for name, action in IRREVERSIBLE}
    assert {
        ("roll_check_step", "sign"), ("roll_check_step", "return"), ("roll_check_step", "receive"),
        ("roll_check_step", "reopen"), ("roll_check_discrepancy", "remove"), ("withdraw_request", "withdraw"),
        ("graduation", "submit"), ("graduation_approve", "approve"), ("promotion", "promote"),
        ("class_moves", "move"), ("intake_classes", "place"), ("access_decide", "approve"),
        ("access_decide", "refuse"), ("hand_over_received", "receive"), ("document_supersede", "supersede"),
        ("staff_revoke", "revoke"), ("staff_active", "disable"),
    } <= declared  # fmt: skip


def _page_of_hand_over(world):
    from archives.models import HandOver

    return reverse("archive_detail", args=[HandOver.objects.get(sent_at__isnull=False).archive_id])


def _page_of_submitted_check(world):
    from students.models import RollCheck

    semester = RollCheck.objects.get(school=world.school_a, state=RollCheck.State.SUBMITTED).semester_id
    return reverse("roll_check", args=[world.school_a.code, semester])


BUTTON_PAGES = {  # where the button of an irreversible action is (a sample of each app's pages)
    ("roll_check_step", "sign"): _page_of_submitted_check,
    ("graduation", "submit"): lambda world: reverse("graduation", args=[world.school_a.code]),
    ("withdraw_request", "withdraw"): lambda world: reverse("request_detail", args=[world.registrations["own"].pk]),
    ("hand_over_received", "receive"): _page_of_hand_over,
    ("staff_active", "disable"): lambda world: reverse("staff_detail", args=[world.users["registrar"].pk]),
}


@pytest.mark.parametrize(("name", "action_name"), sorted(BUTTON_PAGES), ids=["-".join(k) for k in sorted(BUTTON_PAGES)])
def test_the_button_s_dialog_says_what_the_confirmation_page_says(world, name, action_name):
    """With JavaScript the button's data-xj-confirm is all the user reads before acting: it is the page's
    sentence, naming the same pupil, school or account."""
    route = MATRIX[name]
    action = next(action for action in route.irreversible if action.name == action_name)
    client = client_for(Client(), world, action.role)
    url, data = (route.url(world, "own"), route.data or {}) if action.request is None else action.request(world)
    page = client.get(BUTTON_PAGES[name, action_name](world)).content.decode()
    asked = client.post(url, data).content.decode()
    sentence = unescape(re.search(r'data-testid="confirm-what">(.*?)</p>', asked, re.S).group(1))
    assert sentence in [unescape(value) for value in re.findall(r'data-xj-confirm="([^"]*)"', page)]
