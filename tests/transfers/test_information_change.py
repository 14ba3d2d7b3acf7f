"""信息变更 (issue 16): the town's list decides what the registrar changes directly and what goes to the town
office; the service refuses a direct edit of a listed field whatever the page shows; a save does not overwrite
a value someone else changed meanwhile (simultaneous saves on PostgreSQL: test_information_change_races.py);
another school's pupil is a 404; the key-information change is the strict case and its stored requests still
display and decide."""

import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import Event
from registry.models import School, Semester, User
from reports.statistics import figures as statistics
from students.identity import make_id_number
from students.models import Guardian
from tests.conftest import PDF, ROLES, client_for
from tests.factories import GuardianFactory, SemesterFactory, StudentFactory
from tests.permission_matrix import MATRIX, SCOPES
from tests.test_permission_matrix import _acting_data
from tests.transfers.kinds_helpers import approve_all, evidence
from transfers.information.services import change_information, edit_directly, set_approval_fields
from transfers.kinds import ChangeRefused
from transfers.kinds.information_change.fields import PUPIL_FIELDS, Seen, fingerprint
from transfers.kinds.information_change.forms import InformationChangeForm
from transfers.kinds.information_change.policy import DEFAULT_APPROVAL, approval_fields
from transfers.models import ChangeRequest
from transfers.services import current_step, reject_step, submit_request

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are matched in English (the msgids); the UI shows them in Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(shared_world):
    """The module's world (tests/conftest.py `shared_world`); each test's changes roll back."""
    return shared_world


def _proof():
    return SimpleUploadedFile("hukou.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def pupil(world):
    """School A's pupil, with two family members (the template requires two)."""
    pupil = world.pupils["own"]
    GuardianFactory(student=pupil, name="王强", relation="51", phone="13700001111")
    return pupil


# the town's list --------------------------------------------------------------------------------------------


def test_a_direct_field_is_saved_at_once_with_the_actor_in_history_and_an_audit_event(world, pupil):
    registrar = world.users["registrar"]
    father = pupil.guardians.get(name="王强")
    outcome = change_information(
        pupil, actor=registrar, changes={"boarding": "2", "only_child": True},
        guardians=[{"action": "edit", "guardian": father.pk, "changes": {"phone": "13900002222"}}],
        reason="家长来电更正",
    )  # fmt: skip
    assert outcome.request is None and not ChangeRequest.objects.filter(student=pupil, kind="information_change")
    assert [row[0] for row in outcome.applied] == ["boarding", "only child", "王强（Father） · phone"]
    assert outcome.applied[2][1:] == ("137****1111", "139****2222")  # masked
    pupil.refresh_from_db()
    father.refresh_from_db()
    assert (pupil.boarding, pupil.only_child, father.phone) == ("2", True, "13900002222")
    assert pupil.history.latest().history_user == registrar
    assert father.history.latest().history_user == registrar
    event = Event.objects.get(action="transfers.information.edited")
    assert (event.actor, event.pupil_pk, event.school_pk) == (registrar, pupil.pk, world.school_a.pk)
    assert event.data["reason"] == "家长来电更正" and "guardian.phone" in event.data["items"]


def test_a_listed_field_opens_a_request_for_the_town_office_and_changes_on_approval(world, pupil):
    old_address = pupil.home_address
    outcome = change_information(
        pupil, actor=world.users["registrar"], changes={"home_address": "东湖镇新街 8 号", "boarding": "2"},
        reason="搬家", evidence=_proof(),
    )  # fmt: skip
    request = outcome.request
    assert [row[0] for row in outcome.applied] == ["boarding"]  # the unlisted part at once
    assert (request.kind, request.payload["changes"]) == ("information_change", {"home_address": "东湖镇新街 8 号"})
    assert [(step.school, step.authority) for step in request.steps.all()] == [(None, world.town1)]
    assert request.evidence.get().kind == "identity_proof"
    pupil.refresh_from_db()
    assert pupil.home_address == old_address  # not before the town office approves
    assert ("home address", f"{old_address} → 东湖镇新街 8 号") in ChangeRequest.Kind(request.kind).details(request)
    approve_all(request, world.users["officer"])
    pupil.refresh_from_db()
    assert pupil.home_address == "东湖镇新街 8 号"
    assert pupil.history.latest().history_user == world.users["officer"]


def test_the_towns_list_is_honoured_and_the_key_fields_always_go_to_the_town_office(world, pupil):
    set_approval_fields(world.town1, ["phone"], actor=world.users["officer"])  # address unticked, phone ticked
    assert approval_fields(world.town1) >= {"phone", "name", "id_number"} and "home_address" not in approval_fields(
        world.town1
    )
    assert approval_fields(world.town2) == DEFAULT_APPROVAL  # another town keeps the default
    outcome = change_information(
        pupil, actor=world.users["registrar"], reason="更正", evidence=_proof(),
        changes={"home_address": "东湖镇新街 9 号", "phone": "13600003333", "name": "王新名"},
    )  # fmt: skip
    assert [row[0] for row in outcome.applied] == ["home address"]
    assert set(outcome.request.payload["changes"]) == {"phone", "name"}
    event = Event.objects.get(action="transfers.information.policy_changed")
    assert event.actor == world.users["officer"] and "phone" in event.data["items"]


def test_the_service_refuses_a_direct_edit_of_a_listed_field_and_changes_nothing(world, pupil):
    mother = pupil.guardians.exclude(name="王强").get()
    with pytest.raises(ChangeRefused, match="needs the approval of 东湖镇教办") as refused:
        edit_directly(pupil, actor=world.users["registrar"], changes={"boarding": "2", "home_address": "别处"},
                      reason="更正")  # fmt: skip
    assert refused.value.field == "home_address"
    with pytest.raises(ChangeRefused, match="needs the approval"):
        edit_directly(pupil, actor=world.users["registrar"], reason="更正",
                      guardians=[{"action": "edit", "guardian": mother.pk, "changes": {"name": "李四"}}])  # fmt: skip
    with pytest.raises(ChangeRefused, match="needs the approval"):
        edit_directly(pupil, actor=world.users["registrar"], reason="更正", guardians=[
            {"action": "remove", "guardian": mother.pk},
            {"action": "add", "changes": {"name": "王奶奶", "relation": "62", "phone": "13500004444"}}])  # fmt: skip
    pupil.refresh_from_db()
    assert (pupil.boarding, pupil.guardians.count()) == ("1", 2)
    assert not Event.objects.filter(action="transfers.information.edited").exists()


def test_all_or_nothing_when_the_town_offices_part_lacks_its_proof(world, pupil):
    with pytest.raises(ChangeRefused, match="proof of the new details"):
        change_information(pupil, actor=world.users["registrar"], changes={"boarding": "2", "home_address": "别处"},
                           reason="更正")  # fmt: skip
    pupil.refresh_from_db()
    assert pupil.boarding == "1" and not ChangeRequest.objects.filter(kind="information_change").exists()


def test_bad_values_are_refused_naming_the_field(world, pupil):
    registrar = world.users["registrar"]
    with pytest.raises(ChangeRefused, match="boarding") as refused:
        edit_directly(pupil, actor=registrar, changes={"boarding": "7"}, reason="更正")
    assert refused.value.field == "boarding"
    with pytest.raises(ChangeRefused, match="cannot be changed here"):
        edit_directly(pupil, actor=registrar, changes={"national_number": "G1"}, reason="更正")
    with pytest.raises(ChangeRefused, match="reason"):
        edit_directly(pupil, actor=registrar, changes={"boarding": "2"}, reason=" ")
    father = pupil.guardians.get(name="王强")
    with pytest.raises(ChangeRefused, match="ID number"):
        bad_id = {"action": "edit", "guardian": father.pk, "changes": {"id_number": "123"}}
        edit_directly(pupil, actor=registrar, reason="更正", guardians=[bad_id])


def test_a_request_whose_every_value_is_the_records_already_is_refused_and_not_opened(world, pupil):
    """A request for the town office must change something: the registrar is told every value is the record's."""
    father = pupil.guardians.get(name="王强")
    unchanged = {"changes": {"home_address": pupil.home_address}, "reason": "更正",
                 "guardians": [{"action": "edit", "guardian": father.pk, "changes": {"name": "王强"}}]}  # fmt: skip
    with pytest.raises(ChangeRefused) as refused:
        submit_request(kind="information_change", student=pupil, school=world.school_a, payload=unchanged,
                       actor=world.users["registrar"], evidence=evidence("identity_proof"))  # fmt: skip
    assert str(refused.value) == "Change at least one field: every value given is the one on the record already."
    assert not ChangeRequest.objects.filter(student=pupil).exists()


def test_a_request_for_a_pupil_on_another_schools_register_is_refused(world):
    """School A's registrar cannot open the town office's request for a pupil school B has on its register."""
    pupil = world.pupils["sibling"]
    with pytest.raises(ChangeRefused) as refused:
        submit_request(kind="information_change", student=pupil, school=world.school_a,
                       actor=world.users["registrar"], payload={"changes": {"home_address": "别处"}, "reason": "搬家"},
                       evidence=evidence("identity_proof"))  # fmt: skip
    assert str(refused.value) == f"{pupil} is not on the register of {world.school_a}."
    assert not ChangeRequest.objects.filter(student=pupil).exists()


# family members ---------------------------------------------------------------------------------------------


def test_a_family_member_is_added_and_another_removed_with_the_town_offices_approval(world, pupil):
    mother = pupil.guardians.exclude(name="王强").get()
    with pytest.raises(ChangeRefused, match="at least two family members"):
        change_information(pupil, actor=world.users["registrar"], reason="监护人变更", evidence=_proof(),
                           guardians=[{"action": "remove", "guardian": mother.pk}])  # fmt: skip
    outcome = change_information(
        pupil, actor=world.users["registrar"], reason="监护人变更", evidence=_proof(),
        guardians=[{"action": "remove", "guardian": mother.pk},
                   {"action": "add", "changes": {"name": "王奶奶", "relation": "62", "phone": "13500004444"}}],
    )  # fmt: skip
    details = dict(ChangeRequest.Kind("information_change").details(outcome.request))
    assert details["New family member"] == "— → 王奶奶（Paternal grandmother）135****4444"
    assert details["Family member removed"].startswith("家长（Mother）")
    approve_all(outcome.request, world.users["officer"])
    assert sorted(pupil.guardians.values_list("name", flat=True)) == ["王奶奶", "王强"]
    assert Guardian.history.filter(id=mother.pk, history_type="-").get().history_user == world.users["officer"]


def test_removing_a_family_member_directly_is_confirmed_first(client, world, pupil):
    """Where the town leaves family members to the school, a removal is saved at once: it is confirmed first."""
    set_approval_fields(world.town1, [], actor=world.users["officer"])
    mother = pupil.guardians.exclude(name="王强").get()
    client = client_for(client, world, "registrar")
    url = reverse("information_change", args=[pupil.pk]) + "?only=direct"
    page = client.get(url)
    assert "data-xj-confirm=" in page.text
    form = page.context["form"]
    data = {key: field.initial for key, field in form.fields.items() if field.initial not in (None, False)}
    data.update({f"guardian-{mother.pk}-remove": "on", "guardian-new-name": "王奶奶", "guardian-new-relation": "62",
                 "guardian-new-phone": "13500004444", "reason": "监护人变更"})  # fmt: skip
    asked = client.post(url, data)
    assert asked.status_code == 200 and 'name="confirmed" value="1"' in asked.text
    assert pupil.guardians.filter(pk=mother.pk).exists()  # nothing changed before the confirmation
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    assert sorted(pupil.guardians.values_list("name", flat=True)) == ["王奶奶", "王强"]


# concurrent saves -------------------------------------------------------------------------------------------


def test_a_value_changed_meanwhile_is_refused_not_overwritten(world, pupil):
    """Two registrars open the page at once; the first saves; the second's save of the same field is refused."""
    seen = {"native_place": Seen(fingerprint(pupil.native_place))}
    edit_directly(pupil, actor=world.users["registrar"], changes={"native_place": "安徽省合肥市"}, reason="更正",
                  expected=seen)  # fmt: skip
    with pytest.raises(ChangeRefused, match="changed by someone else"):
        edit_directly(pupil, actor=world.users["registrar"], changes={"native_place": "安徽省芜湖市"}, reason="更正",
                      expected=seen)  # fmt: skip
    pupil.refresh_from_db()
    assert pupil.native_place == "安徽省合肥市"


def test_the_page_tells_who_saves_second_the_new_value_and_lets_them_save_again(client, world, pupil):
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("information_change", args=[pupil.pk]) + "?only=direct"
    form = client.get(url).context["form"]
    data = {key: field.initial for key, field in form.fields.items() if field.initial not in (None, False)}
    edit_directly(pupil, actor=world.users["registrar"], changes={"native_place": "安徽省合肥市"}, reason="先保存")
    refused = client.post(url, {**data, "native_place": "安徽省芜湖市", "reason": "后保存"})
    assert refused.status_code == 200 and "it is now “安徽省合肥市”" in refused.text
    pupil.refresh_from_db()
    assert pupil.native_place == "安徽省合肥市"
    again = refused.context["form"].data.copy()
    assert client.post(url, again).status_code == 302  # told, the user saves deliberately
    pupil.refresh_from_db()
    assert pupil.native_place == "安徽省芜湖市"


# scope ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["sibling", "other"])
def test_another_schools_pupil_is_a_404_and_the_service_refuses(client, world, scope):
    client = client_for(client, world, "registrar")
    assert client.get(reverse("information_change", args=[world.pupils[scope].pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        edit_directly(world.pupils[scope], actor=world.users["registrar"], changes={"boarding": "2"}, reason="x")


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["request_detail", "registration_amend", "approve_request", "reject_request",
                                  "withdraw_request"])  # fmt: skip
def test_an_information_change_request_follows_the_permission_matrix(client, world, name, role, scope):
    """The matrix declares the request pages with a registration; an information change's answer the same way."""
    registrar = world.users["registrar"] if scope == "own" else User.objects.get(username=f"registrar_{scope}")
    outcome = change_information(world.pupils[scope], actor=registrar, changes={"home_address": "新街 8 号"},
                                 reason="搬家", evidence=_proof())  # fmt: skip
    route = MATRIX[name]
    url = reverse(name, args=[outcome.request.pk])
    response = getattr(client_for(client, world, role), route.method)(url, _acting_data(route))
    assert response.status_code == route.expect(role, scope), f"{role} ({scope} scope) {url}"


# the pages --------------------------------------------------------------------------------------------------


def test_the_pupils_page_offers_edit_and_request_a_change(client, world, pupil):
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("pupil_detail", args=[pupil.pk])).text
    url = reverse("information_change", args=[pupil.pk])
    assert f'href="{url}?only=direct"' in page and f'href="{url}?only=approval"' in page
    assert "Needs the town office's approval: full name、sex、birth date" in page
    headteacher = client_for(client, world, "headteacher")
    assert "?only=direct" not in headteacher.get(reverse("pupil_detail", args=[pupil.pk])).text
    direct = client_for(client, world, "registrar").get(f"{url}?only=direct").text
    assert 'name="boarding"' in direct and 'name="home_address"' not in direct and 'name="identity_proof"' not in direct
    approval = client.get(f"{url}?only=approval").text
    assert 'name="home_address"' in approval and 'name="boarding"' not in approval


def test_the_page_takes_values_from_the_address_and_saves_the_direct_part(client, world, pupil):
    client = client_for(client, world, "registrar")
    url = reverse("information_change", args=[pupil.pk])
    page = client.get(url, {"native_place": "安徽省合肥市", "reason": "确认表更正", "next": "/pupils/"})
    assert 'value="安徽省合肥市"' in page.text and "确认表更正" in page.text
    form = page.context["form"]
    data = {key: value for key, value in form.initial.items()}
    data.update({key: field.initial for key, field in form.fields.items() if field.initial is not None})
    data = {key: ("1" if value is True else value) for key, value in data.items() if value is not False}
    response = client.post(f"{url}?next=/pupils/", data)
    assert response.status_code == 302 and response["Location"] == "/pupils/"
    pupil.refresh_from_db()
    assert pupil.native_place == "安徽省合肥市"
    assert pupil.history.latest().history_user == world.users["registrar"]


def test_the_town_officer_sets_the_list_on_the_towns_page(client, world):
    client = client_for(client, world, "officer")
    url = reverse("information_policy", args=[world.town1.pk])
    assert re.search(r'value="home_address" id="[^"]+" checked', client.get(url).text)
    response = client.post(url, {"approval": ["phone", "guardian.phone"]})
    assert response.status_code == 302
    assert approval_fields(world.town1) == {"phone", "guardian.phone", "name", "sex", "birth_date", "id_type",
                                            "id_number", "ethnicity"}  # fmt: skip


def test_a_returned_request_is_amended_and_resubmitted_from_its_page(client, world, pupil):
    outcome = change_information(pupil, actor=world.users["registrar"], changes={"home_address": "东湖镇新街 8 号"},
                                 reason="搬家", evidence=_proof())  # fmt: skip
    request = outcome.request
    reject_step(current_step(request), actor=world.users["officer"], reason="门牌号与房产证不符")
    client = client_for(client, world, "registrar")
    amend = reverse("registration_amend", args=[request.pk])
    page = client.get(amend)
    assert page.status_code == 200 and 'value="东湖镇新街 8 号"' in page.text  # what was asked
    form = page.context["form"]
    data = {key: field.initial for key, field in form.fields.items() if field.initial not in (None, False)}
    data.update({"home_address": "东湖镇新街 18 号", "reason": "按房产证更正门牌号"})
    assert client.post(amend, data).status_code == 302
    request.refresh_from_db()
    assert (request.state, request.round) == ("pending", 2)
    assert request.payload["changes"] == {"home_address": "东湖镇新街 18 号"}
    approve_all(request, world.users["officer"])
    pupil.refresh_from_db()
    assert pupil.home_address == "东湖镇新街 18 号"


# the strict case and statistics -----------------------------------------------------------------------------


def test_a_stored_key_change_still_displays_and_decides(client, world, pupil):
    new_id = make_id_number("341199", pupil.birth_date, 777, pupil.sex)
    request = submit_request(
        kind="key_change", student=pupil, school=world.school_a, actor=world.users["registrar"],
        payload={"changes": {"id_number": new_id}, "previous": {"id_number": pupil.id_number}, "reason": "户口簿更正"},
        evidence=evidence("identity_proof"),
    )  # fmt: skip
    client = client_for(client, world, "officer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("request_detail", args=[request.pk])).text
    assert "Key-information change" in page and f"{new_id[:4]}**********{new_id[-4:]}" in page and new_id not in page
    approve_all(request, world.users["officer"])
    pupil.refresh_from_db()
    assert (pupil.id_number, pupil.national_number) == (new_id, f"G{new_id}")


def test_a_new_id_number_is_shown_masked_old_and_new_on_the_request_page(client, world, pupil):
    old_id, new_id = pupil.id_number, make_id_number("341199", pupil.birth_date, 779, pupil.sex)
    outcome = change_information(pupil, actor=world.users["registrar"], changes={"id_number": new_id},
                                 reason="户口簿更正", evidence=_proof())  # fmt: skip
    page = client_for(client, world, "officer").get(reverse("request_detail", args=[outcome.request.pk])).text
    assert f"{old_id[:4]}**********{old_id[-4:]} → {new_id[:4]}**********{new_id[-4:]}" in page
    assert new_id not in page and old_id not in page
    approve_all(outcome.request, world.users["officer"])
    pupil.refresh_from_db()
    assert (pupil.id_number, pupil.national_number) == (new_id, f"G{new_id}")


def test_a_key_field_through_the_information_change_keeps_the_key_rules(world, pupil):
    wrong = make_id_number("341199", pupil.birth_date + timedelta(days=3), 777, pupil.sex)
    with pytest.raises(ChangeRefused, match="birth date does not match"):
        change_information(pupil, actor=world.users["registrar"], changes={"id_number": wrong}, reason="更正",
                           evidence=_proof())  # fmt: skip
    with pytest.raises(ChangeRefused, match="another pupil"):
        change_information(pupil, actor=world.users["registrar"], reason="更正", evidence=_proof(),
                           changes={"id_number": world.pupils["other"].id_number})  # fmt: skip


def test_the_kind_appears_in_the_statistics_with_its_code(world, pupil):
    if not Semester.objects.filter(starts_on__lte=TODAY, ends_on__gte=TODAY).exists():
        SemesterFactory(school_year=TODAY.year + 50, starts_on=TODAY - timedelta(days=30),
                        ends_on=TODAY + timedelta(days=30))  # fmt: skip
    outcome = change_information(pupil, actor=world.users["registrar"], changes={"home_address": "东湖镇新街 8 号"},
                                 reason="搬家", evidence=_proof())  # fmt: skip
    approve_all(outcome.request, world.users["officer"])
    changes = {f.kind: f for f in statistics.figures(School.objects.filter(pk=world.school_a.pk), TODAY).changes}
    assert (changes["information_change"].change_type_code, changes["information_change"].approved) == ("99", 1)


# the page's form (transfers.kinds.information_change.forms) -------------------------------------------------


def _form(pupil, data=None, files=None, **kwargs):
    return InformationChangeForm(data, files, student=pupil, **kwargs)


def _filled(form, **changed):
    """What the browser posts for `form` as shown, with `changed` typed over it."""
    data = {key: field.initial for key, field in form.fields.items() if field.initial not in (None, False)}
    return {key: ("1" if value is True else value) for key, value in {**data, **changed}.items()}


def test_the_form_shows_each_field_with_todays_value_and_personal_numbers_only_masked(world, pupil):
    father = pupil.guardians.get(name="王强")
    form = _form(pupil)
    assert [str(title) for title, _fields in form.groups()] == [
        "Basic information", *(str(member) for member in pupil.guardians.all()), "New family member",
    ]  # fmt: skip
    assert list(form.fields)[-3:] == ["reason", "identity_proof", "seen"]
    assert [bound.name for bound in form.groups()[0][1]] == list(PUPIL_FIELDS)
    home, phone, name = form.fields["home_address"], form.fields["phone"], form.fields["name"]
    assert (home.initial, home.required, home.help_text) == (
        pupil.home_address,
        True,
        "Needs the town office's approval.",
    )
    assert (name.required, form.fields["former_name"].required) == (True, False)
    assert (phone.initial, phone.required) == ("", False)
    assert phone.help_text == "Now 138****5678. Leave empty to keep it; enter a new one to change it."
    member = form.fields[f"guardian-{father.pk}-phone"]
    assert (str(member.label), member.initial, member.help_text) == (
        "王强（Father） · phone", "", "Now 137****1111. Leave empty to keep it; enter a new one to change it.",
    )  # fmt: skip
    assert form.fields[f"guardian-{father.pk}-name"].help_text == "Needs the town office's approval."
    remove = form.fields[f"guardian-{father.pk}-remove"]
    assert (str(remove.label), remove.initial, remove.required) == (
        "Remove 王强（Father） from the record",
        False,
        False,
    )
    new = form.fields["guardian-new-relation"]
    assert (str(new.label), new.initial, new.required) == ("New family member: relation", "", False)
    seen = json.loads(form.fields["seen"].initial)
    assert seen["home_address"] == fingerprint(pupil.home_address) and seen["phone"] == fingerprint(pupil.phone)
    assert seen[f"guardian-{father.pk}-phone"] == fingerprint("13700001111") and "13700001111" not in str(seen)
    assert len(seen) == len(PUPIL_FIELDS) + 5 * pupil.guardians.count()


def test_the_direct_part_and_the_town_offices_part_show_only_their_fields(world, pupil):
    father = pupil.guardians.get(name="王强")
    direct = _form(pupil, only="direct")
    assert "boarding" in direct.fields and "home_address" not in direct.fields and "identity_proof" not in direct.fields
    assert f"guardian-{father.pk}-phone" in direct.fields and f"guardian-{father.pk}-remove" not in direct.fields
    assert "guardian-new-name" not in direct.fields
    assert [str(title) for title, _fields in direct.groups()][0] == "Basic information"
    approval = _form(pupil, approval_only=True, only="direct")
    assert "home_address" in approval.fields and "boarding" not in approval.fields
    assert "identity_proof" in approval.fields and "guardian-new-name" in approval.fields
    assert list(_form(pupil, only="anything")) and "boarding" in _form(pupil, only="anything").fields
    assert "home_address" in _form(pupil, only="anything").fields
    nothing_direct = _form(pupil, only="direct", fields=("home_address",), family=False)
    assert nothing_direct.groups() == [] and list(nothing_direct.fields) == ["reason", "seen"]


def test_the_form_starts_from_the_address_or_from_what_a_returned_request_asked(world, pupil):
    father = pupil.guardians.get(name="王强")
    prefilled = _form(pupil, prefill={"home_address": "别处", "reason": "确认表更正", "guardian-new-name": "王奶奶",
                                      f"guardian-{father.pk}-employer": "农场"})  # fmt: skip
    assert prefilled.fields["home_address"].initial == "别处" and prefilled.fields["reason"].initial == "确认表更正"
    assert prefilled.fields["guardian-new-name"].initial == "王奶奶"
    assert prefilled.fields[f"guardian-{father.pk}-employer"].initial == "农场"
    new_id = make_id_number("341199", pupil.birth_date, 779, pupil.sex)
    asked = SimpleNamespace(changes={"home_address": "东湖镇新街 8 号", "id_number": new_id}, reason="搬家", guardians=[
        {"action": "remove", "guardian": father.pk},
        {"action": "add", "changes": {"name": "王奶奶", "relation": "62"}},
    ])  # fmt: skip
    form = _form(pupil, asked=asked, approval_only=True, amending=True)
    assert form.fields["home_address"].initial == "东湖镇新街 8 号" and form.fields["reason"].initial == "搬家"
    assert form.fields["id_number"].initial == ""
    assert form.fields["id_number"].help_text == (
        f"Now {pupil.id_number[:4]}**********{pupil.id_number[-4:]}. Leave empty to keep it; enter a new one to "
        f"change it. The returned request asked for {new_id[:4]}**********{new_id[-4:]}: enter it again to keep "
        "asking for it. Needs the town office's approval."
    )
    assert form.fields[f"guardian-{father.pk}-remove"].initial is True
    assert (form.fields["guardian-new-name"].initial, form.fields["guardian-new-relation"].initial) == ("王奶奶", "62")
    assert form.fields["guardian-new-phone"].initial == ""
    assert _form(pupil, asked=SimpleNamespace(reason="")).fields["reason"].initial is None


def test_the_form_gives_only_what_changes_and_keeps_a_personal_number_left_empty(world, pupil):
    father, mother = pupil.guardians.get(name="王强"), pupil.guardians.exclude(name="王强").get()
    shown = _form(pupil)
    data = _filled(shown, home_address="东湖镇新街 8 号", boarding="2", only_child="1", reason="搬家")
    data.update(
        {
            f"guardian-{father.pk}-employer": "农场",
            f"guardian-{mother.pk}-remove": "on",
            "guardian-new-name": "王奶奶",
            "guardian-new-relation": "62",
            "guardian-new-phone": "13500004444",
        }
    )
    form = _form(pupil, data, {"identity_proof": _proof()})
    assert form.is_valid(), form.errors
    assert form.changes() == {"home_address": "东湖镇新街 8 号", "boarding": "2", "only_child": True}
    ops = {mother.pk: {"action": "remove", "guardian": mother.pk},
           father.pk: {"action": "edit", "guardian": father.pk, "changes": {"employer": "农场"}}}  # fmt: skip
    added = {"name": "王奶奶", "relation": "62", "id_number": "", "phone": "13500004444", "employer": ""}
    assert form.guardians() == [
        *(ops[member.pk] for member in pupil.guardians.all()),
        {"action": "add", "changes": added},
    ]
    assert form.expected()["home_address"] == Seen(fingerprint(pupil.home_address))
    payload = form.payload()
    assert payload["changes"] == {"home_address": "东湖镇新街 8 号", "boarding": "2", "only_child": "1"}
    assert payload["previous"] == {"home_address": pupil.home_address, "boarding": "1", "only_child": "0"}
    assert payload["reason"] == "搬家" and len(payload["guardians"]) == 3
    new_phone = _form(pupil, _filled(shown, phone="13900009999", reason="换号"))
    assert new_phone.is_valid(), new_phone.errors
    assert new_phone.changes() == {"phone": "13900009999"} and new_phone.guardians() == []
    unchanged = _form(pupil, _filled(shown, reason="核对"))
    assert unchanged.is_valid() and unchanged.changes() == {} and unchanged.guardians() == []


def test_a_change_for_the_town_office_needs_its_proof_unless_a_returned_request_keeps_it(world, pupil):
    shown = _form(pupil)
    to_town = _filled(shown, home_address="东湖镇新街 8 号", reason="搬家")
    refused = _form(pupil, to_town)
    assert not refused.is_valid()
    assert refused.errors == {"identity_proof": [
        "Attach the proof of the new details: these changes go to the town office, which decides on the evidence."
    ]}  # fmt: skip
    father = pupil.guardians.get(name="王强")
    member = _form(pupil, _filled(shown, reason="更名", **{f"guardian-{father.pk}-name": "王刚"}))
    assert list(member.errors) == ["identity_proof"]
    removal = _form(pupil, _filled(shown, reason="去世", **{f"guardian-{father.pk}-remove": "on"}))
    assert list(removal.errors) == ["identity_proof"]
    assert _form(pupil, to_town, amending=True).is_valid()
    assert _form(pupil, _filled(shown, boarding="2", reason="住校")).is_valid()  # the school's own field
    direct = _form(pupil, only="direct")
    assert _form(pupil, _filled(direct, boarding="2", reason="住校"), only="direct").is_valid()
    blank = _form(pupil, _filled(shown, home_address="", reason="搬家"))
    assert list(blank.errors) == ["home_address"]


def test_a_page_whose_remembered_values_are_unreadable_expects_nothing_and_a_refused_save_remembers_the_new_ones(
    world, pupil
):
    shown = _form(pupil)
    unreadable = _form(pupil, _filled(shown, seen="not json", reason="x"))
    assert unreadable.is_valid() and unreadable.expected() == {}
    odd = _form(pupil, _filled(shown, seen='{"phone": 5, "boarding": "abc"}', reason="x"))
    assert odd.is_valid() and odd.expected() == {"boarding": Seen("abc")}
    form = _form(pupil, _filled(shown, boarding="2", reason="住校"))
    assert form.is_valid()
    edit_directly(pupil, actor=world.users["registrar"], changes={"native_place": "安徽省合肥市"}, reason="先保存")
    form.refresh_seen()
    assert json.loads(form.data["seen"])["native_place"] == fingerprint("安徽省合肥市")
    father = pupil.guardians.get(name="王强")
    assert json.loads(form.data["seen"])[f"guardian-{father.pk}-phone"] == fingerprint("13700001111")


def test_the_forms_fields_are_those_the_town_leaves_to_the_school_or_decides_each_labelled(world, pupil):
    father = pupil.guardians.get(name="王强")
    form = _form(pupil)
    assert 'type="date"' in str(form["birth_date"]) and 'type="date"' not in str(form["name"])
    assert str(form.fields["home_address"].label) == "Home address"
    assert form.fields[f"guardian-{father.pk}-relation"].help_text == "Needs the town office's approval."
    assert form.fields[f"guardian-{father.pk}-employer"].help_text == ""
    member = dict(form.groups())[str(father)]
    assert [bound.name for bound in member][-2:] == [f"guardian-{father.pk}-employer", f"guardian-{father.pk}-remove"]
    direct = _form(pupil, only="direct")
    assert f"guardian-{father.pk}-name" not in direct.fields and f"guardian-{father.pk}-relation" not in direct.fields
    assert _form(pupil, only="anything").only is None  # an unknown part in the address: the whole form
    keyword = InformationChangeForm(data=_filled(form, boarding="2", reason="住校"), student=pupil)
    assert keyword.is_bound and keyword.is_valid() and keyword.changes() == {"boarding": "2"}


def test_a_pupil_off_every_register_has_every_field_decided_by_the_town_office(world):
    stranger = StudentFactory()
    form = _form(stranger)
    assert form.fields["boarding"].help_text == "Needs the town office's approval."


def test_a_returned_requests_change_to_a_family_member_fills_that_members_field(world, pupil):
    father = pupil.guardians.get(name="王强")
    asked = SimpleNamespace(changes={}, guardians=[{"action": "edit", "guardian": father.pk,
                                                    "changes": {"employer": "农场"}}])  # fmt: skip
    form = _form(pupil, asked=asked, amending=True)
    assert form.fields[f"guardian-{father.pk}-employer"].initial == "农场"
    assert form.fields[f"guardian-{father.pk}-name"].initial == "王强" and form.fields["reason"].initial is None


def test_which_changes_need_the_proof_counts_the_pupils_and_the_members_together(world, pupil):
    father = pupil.guardians.get(name="王强")
    shown = _form(pupil)
    both = _form(pupil, _filled(shown, home_address="东湖镇新街 8 号", reason="搬家",
                                **{f"guardian-{father.pk}-employer": "农场"}))  # fmt: skip
    assert list(both.errors) == ["identity_proof"]
    member_only = _form(pupil, _filled(shown, reason="换工作", **{f"guardian-{father.pk}-employer": "农场"}))
    assert member_only.is_valid(), member_only.errors


def test_an_amended_request_refuses_a_value_saved_by_someone_else_meanwhile(world, pupil):
    shown = _form(pupil, approval_only=True)
    form = _form(
        pupil, _filled(shown, home_address="东湖镇新街 8 号", reason="搬家"), approval_only=True, amending=True
    )
    assert form.is_valid(), form.errors
    type(pupil).objects.filter(pk=pupil.pk).update(home_address="别处")  # the town office corrected it meanwhile
    pupil.refresh_from_db()
    with pytest.raises(ChangeRefused, match="changed by someone else"):
        form.payload()
