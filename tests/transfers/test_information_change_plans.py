"""An information change's plan (transfers.kinds.information_change.plans), rule by rule: what a family member's
change may be and the message each refusal gives, what an addition or a removal records, that an unchanged value
is no change, and what applying a pupil's changes does to the record beside the fields asked for (the former
name, the search keys, the ID type and the national number)."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import translation

from students.identity import make_id_number
from students.models import Guardian, Student
from tests.factories import GuardianFactory, StudentFactory
from transfers.kinds import ChangeRefused
from transfers.kinds.information_change import InformationChange, _check_identity
from transfers.kinds.information_change.fields import (
    GUARDIAN_FIELDS,
    MEMBERS,
    PUPIL_FIELDS,
    Seen,
    as_text,
    display,
    fingerprint,
    items,
    matches,
)
from transfers.kinds.information_change.plans import GuardianOp, Plan, apply_plan, build_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are matched in English (the msgids); the UI shows them in Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def pupil():
    pupil = StudentFactory(name="王小明", id_number=make_id_number("341199", date(2018, 3, 5), 123, "1"), sex="1",
                           birth_date=date(2018, 3, 5))  # fmt: skip
    pupil.national_number = f"G{pupil.id_number}"
    pupil.save()
    GuardianFactory(student=pupil, name="王强", relation="51", phone="13700001111")
    GuardianFactory(student=pupil, name="李芳", relation="52", phone="13700002222")
    return pupil


def _refusal(pupil, guardians, **kwargs):
    with pytest.raises(ChangeRefused) as refused:
        build_plan(pupil, guardians=guardians, **kwargs)
    return str(refused.value), refused.value.field


def _father(pupil):
    return pupil.guardians.get(name="王强")


# a family member's change: what it may be ------------------------------------------------------------------


def test_a_change_that_is_neither_edit_addition_nor_removal_is_refused(pupil):
    assert _refusal(pupil, [{"action": "replace", "guardian": _father(pupil).pk}]) == (
        "A family member's change must be an edit, an addition or a removal.",
        "guardians",
    )


@pytest.mark.parametrize("action", ["edit", "remove"])
def test_a_member_who_is_not_the_pupils_is_refused(pupil, action):
    stranger = GuardianFactory(name="外人")  # another pupil's family member
    for guardian in (stranger.pk, "not a number", None):
        assert _refusal(pupil, [{"action": action, "guardian": guardian, "changes": {"phone": "13900000000"}}]) == (
            "This family member is not on the pupil's record (any more).",
            "guardians",
        )


def test_a_field_a_family_member_does_not_have_is_refused_by_name(pupil):
    father = _father(pupil)
    assert _refusal(pupil, [{"action": "edit", "guardian": father.pk, "changes": {"school_class": "3"}}]) == (
        "school_class cannot be changed here.",
        "guardians",
    )


def test_a_bad_value_names_the_members_field_on_the_form(pupil):
    father = _father(pupil)
    message, field = _refusal(pupil, [{"action": "edit", "guardian": father.pk, "changes": {"relation": "99x"}}])
    assert field == f"guardian-{father.pk}-relation"
    message, field = _refusal(pupil, [{"action": "add", "changes": {"name": "王奶奶", "relation": "99x"}}])
    assert field == "guardian-new-relation"


def test_removing_a_member_without_adding_another_is_refused_naming_the_template_rule(pupil):
    mother = pupil.guardians.get(name="李芳")
    assert _refusal(pupil, [{"action": "remove", "guardian": mother.pk}]) == (
        "The 学生基本信息表 needs at least two family members or guardians: add the new one in the same change "
        "before removing one.",
        "guardians",
    )


# a pupil's own fields ---------------------------------------------------------------------------------------


def _pupil_refusal(pupil, changes, **kwargs):
    with pytest.raises(ChangeRefused) as refused:
        build_plan(pupil, changes, **kwargs)
    return str(refused.value), refused.value.field


def test_a_pupil_field_an_information_change_does_not_touch_is_refused_by_name(pupil):
    """The national number is derived, never typed in: asking to change it is refused, naming it on the form."""
    assert _pupil_refusal(pupil, {"national_number": "G1"}) == ("national_number cannot be changed here.",
                                                                "national_number")  # fmt: skip


def test_a_pupils_value_saved_by_someone_else_meanwhile_names_the_field_and_the_value_now(pupil):
    pupil.phone = "13812345678"
    pupil.save()
    seen = {"phone": "13700009999"}  # what the registrar saw; the record says 13812345678
    assert _pupil_refusal(pupil, {"phone": "13911112222"}, expected=seen) == (
        "phone was changed by someone else while you were editing: it is now “138****5678”. Check it and save again.",
        "phone",
    )


def _wrong_check_digit():
    number = make_id_number("341199", date(2018, 3, 5), 456, "1")
    return number, number[:-1] + ("0" if number[-1] != "0" else "1")


def test_a_pupils_new_resident_id_number_must_pass_gb_11643_with_or_without_its_type(pupil):
    number, wrong = _wrong_check_digit()
    refusal = (f"New ID number: The check digit should be {number[-1]}, not {wrong[-1]}.", "id_number")
    assert _pupil_refusal(pupil, {"id_number": wrong}) == refusal
    assert _pupil_refusal(pupil, {"id_number": wrong, "id_type": "1"}) == refusal  # the type given as well
    pupil.id_type = "6"  # the record's document is a passport; a new number without a type is a resident one
    assert _pupil_refusal(pupil, {"id_number": wrong}) == refusal
    assert _pupil_refusal(pupil, {"id_number": wrong, "id_type": "1"}) == refusal
    assert build_plan(pupil, {"id_number": number, "id_type": "1"}).changes == {"id_number": number, "id_type": "1"}


def test_a_pupils_new_number_of_another_document_is_not_checked_as_a_resident_id_card(pupil):
    plan = build_plan(pupil, {"id_number": "H12345678", "id_type": "6"})
    assert (plan.changes, plan.previous) == ({"id_number": "H12345678", "id_type": "6"},
                                             {"id_number": pupil.id_number, "id_type": "1"})  # fmt: skip


# what an edit, an addition and a removal record ------------------------------------------------------------


def test_an_edit_keeps_only_the_values_that_change_with_the_old_ones(pupil):
    father = _father(pupil)
    plan = build_plan(pupil, guardians=[
        {"action": "edit", "guardian": father.pk, "changes": {"phone": "13900003333", "name": "王强"}},
        {"action": "edit", "guardian": str(pupil.guardians.get(name="李芳").pk), "changes": {"phone": "13700002222"}},
    ])  # fmt: skip
    assert plan.guardians == [
        GuardianOp("edit", father.pk, {"phone": "13900003333"}, {"phone": "13700001111"}, "王强（Father）")
    ]  # the mother's phone is unchanged: no change at all for her
    assert plan.items() == {"guardian.phone"}


def test_an_addition_and_a_removal_record_who_they_are(pupil):
    mother = pupil.guardians.get(name="李芳")
    plan = build_plan(pupil, guardians=[
        {"action": "add", "changes": {"name": "王奶奶", "relation": "62", "phone": "13500004444"}},
        {"action": "remove", "guardian": mother.pk},
    ])  # fmt: skip
    added, removed = plan.guardians
    assert (added.action, added.guardian, added.previous, added.member) == ("add", None, {}, "王奶奶")
    assert added.changes["name"] == "王奶奶" and added.changes["phone"] == "13500004444"
    assert (removed.action, removed.guardian, removed.changes, removed.member) == (
        "remove",
        mother.pk,
        {},
        "李芳（Mother）",
    )
    assert removed.previous["name"] == "李芳" and removed.previous["phone"] == "13700002222"
    assert plan.items() == {"guardian.members"}


def test_a_value_saved_by_someone_else_meanwhile_names_the_member_and_the_value_now(pupil):
    father = _father(pupil)
    seen = {f"guardian-{father.pk}-phone": "13700009999"}  # what the registrar saw; the record says 13700001111
    message, field = _refusal(
        pupil, [{"action": "edit", "guardian": father.pk, "changes": {"phone": "13900003333"}}], expected=seen
    )
    assert message == ("王强 · phone was changed by someone else while you were editing: it is now “137****1111”. "
                       "Check it and save again.")  # fmt: skip
    assert field == f"guardian-{father.pk}-phone"


def test_the_items_of_a_plan_are_every_pupil_field_and_every_members_change():
    plan = Plan(changes={"phone": "1"}, guardians=[GuardianOp("edit", 1, {"name": "x"}), GuardianOp("add", None)])
    assert plan.items() == {"phone", "guardian.name", "guardian.members"}


def test_a_stored_change_reads_back_with_its_defaults():
    assert GuardianOp.from_json({}) == GuardianOp(action="", guardian=None, changes={}, previous={}, member="")
    stored = {"action": "edit", "guardian": 7, "changes": {"phone": "1"}, "previous": {"phone": "2"},
              "member": "王强（父亲）"}  # fmt: skip
    assert GuardianOp.from_json(stored) == GuardianOp("edit", 7, {"phone": "1"}, {"phone": "2"}, "王强（父亲）")
    assert GuardianOp.from_json(stored).to_json() == stored


# applying a pupil's changes ---------------------------------------------------------------------------------


def test_a_new_name_keeps_the_old_one_as_the_former_name_and_is_found_by_its_pinyin(pupil):
    apply_plan(pupil, build_plan(pupil, {"name": "王晓明"}))
    pupil.refresh_from_db()
    assert (pupil.name, pupil.former_name) == ("王晓明", "王小明")
    assert "|wangxiaoming|" in pupil.name_pinyin and "|wxm|" in pupil.name_initials  # 王 is also read yù
    assert pupil.name_folded == "王晓明"


def test_a_former_name_given_with_the_new_name_is_the_one_kept(pupil):
    apply_plan(pupil, build_plan(pupil, {"name": "王晓明", "former_name": "王二"}))
    pupil.refresh_from_db()
    assert (pupil.name, pupil.former_name) == ("王晓明", "王二")


def test_a_change_without_a_new_name_leaves_the_former_name_and_keys(pupil):
    initials = pupil.name_initials
    apply_plan(pupil, Plan(changes={"name": "王小明", "phone": "13812345678"}))  # the name as it is
    pupil.refresh_from_db()
    assert (pupil.former_name, pupil.phone, pupil.name_initials) == ("", "13812345678", initials)


def test_a_new_resident_id_number_re_derives_the_national_number(pupil):
    number = make_id_number("341199", date(2018, 3, 5), 456, "1")
    pupil.id_type, pupil.national_number = "A", "J2018000001"  # a passport holder's temporary number
    pupil.save()
    apply_plan(pupil, build_plan(pupil, {"id_number": number}))
    pupil.refresh_from_db()
    assert (pupil.id_number, pupil.id_type, pupil.national_number) == (number, "1", f"G{number}")


def test_a_national_number_of_another_kind_is_not_re_derived(pupil):
    number = make_id_number("341199", date(2018, 3, 5), 456, "1")
    pupil.national_number = "L1234567890123456"
    pupil.save()
    apply_plan(pupil, build_plan(pupil, {"id_number": number}))
    pupil.refresh_from_db()
    assert (pupil.id_number, pupil.national_number) == (number, "L1234567890123456")


def test_an_id_number_given_with_another_id_type_keeps_that_type_and_the_national_number(pupil):
    national = pupil.national_number
    apply_plan(pupil, Plan(changes={"id_number": "H12345678", "id_type": "6"}))
    pupil.refresh_from_db()
    assert (pupil.id_number, pupil.id_type, pupil.national_number) == ("H12345678", "6", national)


# applying a family member's change ------------------------------------------------------------------------


def test_an_addition_an_edit_and_a_removal_are_made_on_the_record(pupil):
    father, mother = _father(pupil), pupil.guardians.get(name="李芳")
    plan = build_plan(pupil, guardians=[
        {"action": "add", "changes": {"name": " 王奶奶 ", "relation": "62", "phone": "13500004444"}},
        {"action": "edit", "guardian": father.pk, "changes": {"phone": "13900003333", "employer": "示范县农机站"}},
        {"action": "remove", "guardian": mother.pk},
    ])  # fmt: skip
    apply_plan(pupil, plan)
    members = {guardian.name: guardian for guardian in pupil.guardians.all()}
    assert sorted(members) == ["王奶奶", "王强"]
    assert (members["王奶奶"].relation, members["王奶奶"].phone) == ("62", "13500004444")
    assert (members["王强"].phone, members["王强"].employer) == ("13900003333", "示范县农机站")


def test_a_member_gone_since_the_plan_was_made_is_refused(pupil):
    father = _father(pupil)
    plan = build_plan(pupil, guardians=[{"action": "edit", "guardian": father.pk, "changes": {"phone": "13900003333"}}])
    father.delete()
    with pytest.raises(ChangeRefused) as refused:
        apply_plan(pupil, plan)
    assert (str(refused.value), refused.value.field) == (
        "This family member is not on the pupil's record (any more).",
        "guardians",
    )


# the identity rules of the kind ----------------------------------------------------------------------------


def _identity_refusal(pupil, changes):
    with pytest.raises(ChangeRefused) as refused:
        _check_identity(pupil, changes)
    return str(refused.value), refused.value.field


def test_a_new_id_number_must_pass_gb_11643(pupil):
    number = make_id_number("341199", date(2018, 3, 5), 456, "1")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    message, field = _identity_refusal(pupil, {"id_number": wrong})
    assert message.startswith("ID number: ") and "check" in message and field == "id_number"


def test_a_new_id_number_held_by_another_pupil_is_refused(pupil):
    other = StudentFactory(id_number=make_id_number("341199", date(2018, 3, 5), 456, "1"), birth_date=date(2018, 3, 5))
    assert _identity_refusal(pupil, {"id_number": other.id_number}) == (
        "The new ID number already belongs to another pupil's record (一人一籍).",
        "id_number",
    )


def test_the_birth_date_and_sex_must_agree_with_the_id_number(pupil):
    assert _identity_refusal(pupil, {"birth_date": "2018-03-06"}) == (
        "The birth date does not match the ID number, which gives 2018-03-05.",
        "birth_date",
    )
    assert _identity_refusal(pupil, {"sex": "2"}) == ("The sex does not match the ID number (its 17th digit).", "sex")
    girl = make_id_number("341199", date(2018, 4, 1), 456, "2")
    assert _identity_refusal(pupil, {"id_number": girl, "birth_date": "2018-04-01"}) == (
        "The sex does not match the ID number (its 17th digit).",
        "sex",
    )


def test_agreeing_changes_and_other_documents_pass(pupil):
    girl = make_id_number("341199", date(2018, 4, 1), 456, "2")
    _check_identity(pupil, {"id_number": girl, "birth_date": "2018-04-01", "sex": "2"})
    _check_identity(pupil, {"id_number": "H12345678", "id_type": "6"})  # not a resident ID card: not GB 11643
    pupil.id_type = "6"
    _check_identity(pupil, {"birth_date": "2018-03-06"})  # the record's own document is not a resident ID card


# the town's list splits a plan; the request shows it ---------------------------------------------------------


def test_a_members_listed_fields_go_to_the_town_office_and_the_others_to_the_registrar(pupil):
    father = _father(pupil)
    plan = build_plan(pupil, {"phone": "13811112222"}, [
        {"action": "edit", "guardian": father.pk, "changes": {"name": "王大强", "phone": "13900003333"}},
    ])  # fmt: skip
    direct, decided = plan.split({"guardian.name"})
    assert (direct.changes, [op.changes for op in direct.guardians]) == ({"phone": "13811112222"},
                                                                          [{"phone": "13900003333"}])  # fmt: skip
    assert (decided.changes, [(op.changes, op.previous) for op in decided.guardians]) == (
        {},
        [({"name": "王大强"}, {"name": "王强"})],
    )


def test_a_forged_plan_naming_another_pupils_member_changes_nothing(pupil):
    stranger = GuardianFactory(name="外人", phone="13600000000")
    with pytest.raises(ChangeRefused):
        apply_plan(pupil, Plan(guardians=[GuardianOp("edit", stranger.pk, {"phone": "13900003333"})]))
    stranger.refresh_from_db()
    assert stranger.phone == "13600000000"


def test_a_relation_changed_meanwhile_is_named_by_its_label(pupil):
    father = _father(pupil)
    seen = {f"guardian-{father.pk}-relation": "52"}
    message, _field = _refusal(
        pupil, [{"action": "edit", "guardian": father.pk, "changes": {"relation": "62"}}], expected=seen
    )
    assert "it is now “Father”" in message


def test_a_new_id_number_without_a_type_is_checked_as_a_resident_id_card(pupil):
    pupil.id_type = "6"  # the record's document is not a resident ID card, the new number is one
    number = make_id_number("341199", date(2018, 3, 5), 456, "1")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    message, field = _identity_refusal(pupil, {"id_number": wrong})
    assert message.startswith("ID number: ") and field == "id_number"


def test_the_request_page_shows_old_and_new_and_the_reason(pupil):
    request = SimpleNamespace(payload={
        "changes": {"phone": ""}, "previous": {"phone": "13812345678"}, "reason": "家长来电", "guardians": [],
    })  # fmt: skip
    rows = InformationChange().details(request)
    assert rows[-1] == ("Reason", "家长来电")
    assert rows[0][1] == "138****5678 → —"  # masked as on every page
    assert InformationChange().form_kwargs(student=pupil, request=None)["approval_only"] is True
    assert InformationChange().form_kwargs(student=pupil, request=request)["asked"].reason == "家长来电"


# the fields: how a value typed or imported is read, and how it is shown ----------------------------------


@pytest.mark.parametrize("raw", [True, "1", "true", "on", "yes", " YES ", "On"])
def test_a_yes_or_no_field_takes_yes_as_a_form_or_a_sheet_writes_it(pupil, raw):
    assert build_plan(pupil, {"only_child": raw}).changes == {"only_child": "1"}


@pytest.mark.parametrize("raw", [False, "0", "false", "off", "no", "", " NO ", "Off"])
def test_a_yes_or_no_field_takes_no_as_a_form_or_a_sheet_writes_it(pupil, raw):
    pupil.only_child = True
    assert build_plan(pupil, {"only_child": raw}).changes == {"only_child": "0"}


def test_a_yes_or_no_field_refuses_anything_else_naming_the_field(pupil):
    for raw in ("maybe", "2", None):
        with pytest.raises(ChangeRefused) as refused:
            build_plan(pupil, {"only_child": raw})
        assert (str(refused.value), refused.value.field) == ("only child: choose yes or no.", "only_child")
    with pytest.raises(ChangeRefused) as refused:
        build_plan(pupil, {"orphan": "maybe"})
    assert (str(refused.value), refused.value.field) == ("orphan: choose yes or no.", "orphan")


def test_a_value_is_read_without_its_surrounding_spaces_and_a_bad_one_is_refused_whole(pupil):
    assert build_plan(pupil, {"home_address": "  东湖镇新街 8 号 "}).changes == {"home_address": "东湖镇新街 8 号"}
    with pytest.raises(ChangeRefused) as refused:
        build_plan(pupil, {"boarding": "7"})
    assert (str(refused.value), refused.value.field) == ("boarding: Value '7' is not a valid choice.", "boarding")
    with pytest.raises(ChangeRefused) as refused:
        build_plan(pupil, {"home_address": "   "})
    assert (str(refused.value), refused.value.field) == ("home address: This field cannot be blank.", "home_address")


def test_an_id_number_typed_with_full_width_digits_spaces_and_a_small_x_is_stored_as_the_card_prints_it(pupil):
    number = make_id_number("341199", date(2018, 3, 5), 456, "1")
    typed = " ".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)
    assert build_plan(pupil, {"id_number": typed}).changes == {"id_number": number}
    father = _father(pupil)
    plan = build_plan(pupil, guardians=[{"action": "edit", "guardian": father.pk, "changes": {"id_number": typed}}])
    assert plan.guardians[0].changes == {"id_number": number}


def test_a_family_members_id_number_must_pass_gb_11643_unless_left_blank(pupil):
    father = _father(pupil)
    father.id_number = make_id_number("341199", date(1985, 1, 2), 111, "1")
    father.save()
    wrong = father.id_number[:-1] + ("0" if father.id_number[-1] != "0" else "1")
    message, field = _refusal(pupil, [{"action": "edit", "guardian": father.pk, "changes": {"id_number": wrong}}])
    expected = f"ID number: The check digit should be {father.id_number[-1]}, not {wrong[-1]}."
    assert (message, field) == (expected, f"guardian-{father.pk}-id_number")
    plan = build_plan(pupil, guardians=[{"action": "edit", "guardian": father.pk, "changes": {"id_number": ""}}])
    assert plan.guardians[0].changes == {"id_number": ""}


def test_values_are_kept_as_text_and_compared_as_the_page_saw_them():
    assert [as_text(value) for value in (True, False, date(2018, 3, 5), None, "", 7, "王")] == [
        "1", "0", "2018-03-05", "", "", "7", "王",
    ]  # fmt: skip
    assert matches(date(2018, 3, 5), "2018-03-05") and matches(None, "") and not matches("a", "b")
    assert matches(True, Seen(fingerprint("1"))) and not matches(False, Seen(fingerprint("1")))
    assert fingerprint("13700001111") != fingerprint("13700001112") and "13700001111" not in fingerprint("13700001111")


def test_values_are_shown_as_people_read_them():
    assert display(Student, "only_child", "1") == "yes" and display(Student, "only_child", True) == "yes"
    assert display(Student, "only_child", "0") == "no" and display(Student, "only_child", "") == "no"
    assert display(Student, "boarding", "2") == "Boarder" and display(Student, "boarding", "9") == "9"
    assert display(Guardian, "relation", "51") == "Father"
    assert display(Student, "home_address", None) == "" and display(Student, "home_address", "东湖") == "东湖"
    assert display(Student, "phone", "13812345678") == "138****5678" and display(Guardian, "phone", None) == ""
    assert display(Student, "id_number", None) == "" and display(Guardian, "id_number", "") == ""


def test_the_towns_list_offers_every_field_by_its_label_in_the_forms_order():
    listed = [(item, str(text)) for item, text in items()]
    assert listed[0] == ("name", "full name") and listed[len(PUPIL_FIELDS) - 1] == ("boarding", "boarding")
    assert [item for item, _text in listed] == [*PUPIL_FIELDS, *(f"guardian.{n}" for n in GUARDIAN_FIELDS), MEMBERS]
    assert listed[len(PUPIL_FIELDS)] == ("guardian.name", "Family member's full name")
    assert listed[-1] == ("guardian.members", "Adding or removing a family member")


def test_the_request_page_names_each_change_and_each_family_member_with_old_and_new_as_people_read_them():
    request = SimpleNamespace(payload={
        "changes": {"boarding": "2", "only_child": "1", "home_address": "东湖镇新街 8 号", "health": "20"},
        "previous": {"boarding": "1", "only_child": "0"},  # an old value not stored shows as none
        "reason": "家长申请",
        "guardians": [
            {"action": "add", "changes": {"name": "张丽", "relation": "52", "phone": "13700003333"}},
            {"action": "remove", "guardian": 8, "previous": {"name": "王强", "relation": "51", "phone": "13700001111"},
             "member": "王强（Father）"},
            {"action": "edit", "guardian": 9, "changes": {"relation": "62", "phone": "13900004444", "employer": "农场"},
             "previous": {"relation": "61", "phone": "13900005555"}, "member": "李芳（Mother）"},
            {"action": "edit", "guardian": 10, "changes": {"relation": "52"}, "member": "张丽（Mother）"},
            {"action": "add", "changes": {}},  # an addition stored without its values still gets its row
        ],
    })  # fmt: skip
    assert InformationChange().details(request) == [
        ("boarding", "Day pupil → Boarder"),
        ("only child", "no → yes"),
        ("home address", "— → 东湖镇新街 8 号"),
        ("health", "— → Fair or weak"),
        ("New family member", "— → 张丽（Mother）137****3333"),
        ("Family member removed", "王强（Father）137****1111 → —"),
        ("李芳（Mother） · relation", "Paternal grandfather → Paternal grandmother"),
        ("李芳（Mother） · phone", "139****5555 → 139****4444"),
        ("李芳（Mother） · employer", "— → 农场"),
        ("张丽（Mother） · relation", "— → Mother"),
        ("New family member", "— → （）"),
        ("Reason", "家长申请"),
    ]
