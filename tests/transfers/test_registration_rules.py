"""新生注册's rules as the registrar's form and the officer meet them, matched whole (issue 22: tests that fail when
a rule breaks): the grade-1 age cut-off of 31 August and the commitment letter, the ID number's agreement with
birth date and sex on their own fields, a number kept or left blank, the duplicate warning naming every school,
the refusals of a pupil already registered, and what the officer is told the approval will do."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from students.identity import make_id_number
from tests.conftest import PDF
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, StudentFactory
from tests.transfers.kinds_helpers import evidence, pupil_in
from tests.transfers.test_registration_views import BIRTH, form_data
from transfers.kinds import KINDS, ChangeRefused
from transfers.kinds.registration import RegistrationForm
from transfers.models import ChangeRequest, Evidence
from transfers.services import attach_evidence

REGISTRATION = KINDS["registration"]
YOUNG = "A grade 1 pupil must be 6 by 31 August of the entry year (born on or before 2020-08-31). For a younger " \
        "child, upload the parents' signed commitment letter (承诺书) on the new-pupil form."  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are matched in English (the msgids)."""
    with translation.override("en"):
        yield


def _form(world, files=None, school_class=None, **fields):
    born = fields.pop("born", None)
    if born is not None:
        fields.update(birth_date=born.isoformat(), id_number=make_id_number("341199", born, 555, "2"))
    data = form_data(world, school_class=(school_class or world.class_a).pk, **fields)
    return RegistrationForm(data=data, files=files, school=world.school_a)


def _letter():
    return {"commitment_letter": SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf")}


def test_a_grade_1_pupil_must_be_six_by_31_august_of_the_entry_year(world):
    """Entering grade 1 on 1 September 2026: born on 31 August 2020 is old enough; born a day later needs the
    commitment letter, and the whole message stands on the letter's field."""
    assert world.class_a.grade == 1
    on_the_day = _form(world, born=date(2020, 8, 31))
    assert on_the_day.is_valid(), on_the_day.errors
    a_day_late = _form(world, born=date(2020, 9, 1))
    assert not a_day_late.is_valid()
    assert a_day_late.errors == {"commitment_letter": [YOUNG]}


def test_a_younger_child_is_registered_with_the_letter_uploaded_or_already_attached(world):
    """The letter uploaded on the form, or attached to the returned request being amended, satisfies the rule."""
    uploaded = _form(world, files=_letter(), born=date(2020, 9, 1))
    assert uploaded.is_valid(), uploaded.errors
    assert [(kind, upload.name) for kind, upload, _check in uploaded.evidence()] == [
        (Evidence.Kind.COMMITMENT_LETTER, "承诺书.pdf")
    ]
    data = form_data(world, birth_date="2020-09-01", id_number=make_id_number("341199", date(2020, 9, 1), 555, "2"))
    attached = RegistrationForm(data=data, school=world.school_a, attached=[Evidence.Kind.COMMITMENT_LETTER])
    assert attached.is_valid(), attached.errors
    assert attached.evidence() == []


def test_the_age_cut_off_is_for_grade_1_only(world):
    """A child entering a higher grade is not held to grade 1's cut-off (a class of another grade is chosen)."""
    grade_2 = SchoolClassFactory(school=world.school_a, grade=2)
    form = _form(world, school_class=grade_2, born=date(2020, 9, 1))
    assert form.is_valid(), form.errors
    assert (form.payload().school_class, form.payload().grade) == (grade_2.pk, 2)


def test_birth_date_and_sex_that_disagree_with_the_id_number_are_refused_on_their_fields(world):
    form = _form(world, birth_date="2019-10-09", sex="1")
    assert not form.is_valid()
    assert form.errors["birth_date"] == ["The birth date does not match the ID number, which gives 2019-10-08."]
    assert form.errors["sex"] == ["The sex does not match the ID number (its 17th digit)."]
    assert set(form.errors) == {"birth_date", "sex"}


def test_a_form_without_a_birth_date_says_so_instead_of_looking_for_namesakes(world):
    """The duplicate check needs name, birth date and sex: without a birth date the form only asks for it."""
    form = _form(world, birth_date="")
    assert not form.is_valid()
    assert form.errors["birth_date"] == ["This field is required."]
    assert "confirm_not_duplicate" not in form.errors


def test_a_pupil_without_an_id_document_number_is_saved_without_one(world):
    """身份证件类型 其他: the number may be left blank and stays blank (no placeholder is stored)."""
    form = _form(world, id_type="Z", id_number="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == ""


def test_the_resident_id_card_needs_its_number_on_its_field(world):
    form = _form(world, id_number="")
    assert not form.is_valid()
    assert form.errors == {"id_number": ["Enter the number of the resident ID card (居民身份证)."]}


def test_an_id_number_held_elsewhere_names_only_the_school(world):
    form = _form(world, id_number=world.pupils["other"].id_number)
    assert not form.is_valid()
    assert form.errors["id_number"] == [
        "This ID number already has a record at 丙小学; one pupil has one record (一人一籍)."
    ]


def test_a_returned_registration_keeps_its_id_number_when_the_input_is_left_empty(world):
    """Amending: the ID number input starts empty; left empty, the saved number is kept (and is not taken for
    another pupil's: the pupil's own record is not a duplicate of itself)."""
    student = world.registrations["own"].student
    data = form_data(world, name=student.name, sex=student.sex, birth_date=student.birth_date.isoformat(),
                     id_number="", confirm_not_duplicate="")  # fmt: skip
    form = RegistrationForm(data=data, instance=student, school=world.school_a)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == student.id_number
    assert form.duplicate_schools == []


def test_the_new_pupil_form_explains_when_the_id_number_is_required(world):
    form = RegistrationForm(school=world.school_a)
    assert form.fields["id_number"].help_text == (
        "Required for a resident ID card (居民身份证); a pupil without one gets a J national number."
    )
    assert list(form.fields["school_class"].queryset) == list(world.school_a.classes.all())
    assert form.duplicate_schools == []


def test_the_duplicate_warning_names_every_school_with_a_namesake(world):
    """Same name, birth date and sex at two schools: both are named, and the box must be ticked."""
    for school_class in (world.class_c, SchoolClassFactory(school=world.school_b)):
        EnrolmentSpellFactory(
            student=StudentFactory(name="林小雨", sex="2", birth_date=BIRTH), school_class=school_class
        )
    form = _form(world)
    assert not form.is_valid()
    assert sorted(school.name for school in form.duplicate_schools) == ["丙小学", "乙小学"]
    (message,) = form.errors["confirm_not_duplicate"]
    schools = "、".join(school.name for school in form.duplicate_schools)
    assert message == (
        f"A pupil with the same name, birth date and sex has a record at {schools}. "
        "Tick the box if this is a different child."
    )
    assert _form(world, confirm_not_duplicate="on").is_valid()


def _draft(world, student, school_class=None):
    school_class = school_class or world.class_a
    return ChangeRequest(kind="registration", school=school_class.school, student=student,
                         payload={"school_class": school_class.pk, "grade": school_class.grade})  # fmt: skip


def test_a_pupil_with_a_national_number_or_on_a_register_is_not_registered_again(world):
    with pytest.raises(ChangeRefused, match=r"^This pupil already has a national student number\.$"):
        REGISTRATION.validate(_draft(world, world.pupils["own"]))
    on_register = pupil_in(world.school_b)
    on_register.national_number = None
    with pytest.raises(ChangeRefused, match=r"^This pupil is already on a school's register\.$"):
        REGISTRATION.validate(_draft(world, on_register))
    left = pupil_in(world.school_b)
    left.national_number = None
    left.spells.update(ended_on=date(2026, 10, 1), exit_reason="withdrawn")
    REGISTRATION.validate(_draft(world, left))  # back after leaving: registered again


def test_the_officer_is_told_the_number_and_the_class_the_approval_gives(world):
    request = world.registrations["own"]
    student = request.student
    assert REGISTRATION.approval_effect(request) == (
        f"{student.name} will get a national student number (G…) and be enrolled in 甲小学 {world.class_a}."
    )
    student.id_number = ""
    assert REGISTRATION.approval_effect(request) == (
        f"{student.name} will get a national student number (J…) and be enrolled in 甲小学 {world.class_a}."
    )
    request.payload = {**request.payload, "school_class": world.class_c.pk}  # not a class of the school (any more)
    assert REGISTRATION.approval_effect(request) == (
        f"{student.name} will get a national student number (J…) and be enrolled in 甲小学 ."
    )


def test_an_amended_registration_starts_from_its_class_and_its_attached_letter(world):
    """A returned registration's form opens on the class entered and knows the letter already attached, so
    an under-age child's registration is amended without uploading the letter again."""
    request = world.registrations["own"]
    assert REGISTRATION.amend_initial(request) == {"school_class": world.class_a.pk}
    request.evidence.all().delete()
    kwargs = REGISTRATION.form_kwargs(school=world.school_a, request=request)
    assert kwargs == {"school": world.school_a, "attached": set()}
    attach_evidence(request, evidence(Evidence.Kind.COMMITMENT_LETTER), actor=world.users["registrar"])
    assert REGISTRATION.form_kwargs(school=world.school_a, request=request) == {
        "school": world.school_a, "attached": {Evidence.Kind.COMMITMENT_LETTER}
    }  # fmt: skip
    assert REGISTRATION.form_kwargs(school=world.school_a) == {"school": world.school_a, "attached": ()}


def test_a_registration_batch_refuses_each_pupil_on_a_register_and_registers_one_who_left(world):
    """validate_many (the import's rules): the batch's first pupil (the lowest id) on a register is refused like
    any other, and a pupil whose record at another school was closed is registered again, as `validate` does."""
    grade_3 = SchoolClassFactory(school=world.school_a, grade=3)
    on_register = pupil_in(world.school_b)  # created first: the lowest id of the batch
    left = pupil_in(world.school_b)
    left.spells.update(ended_on=date(2026, 10, 1), exit_reason="withdrawn")
    new = StudentFactory(national_number=None)
    for pupil in (on_register, left):
        pupil.national_number = None
    requests = [_draft(world, pupil, grade_3) for pupil in (new, on_register, left)]
    assert REGISTRATION.validate_many(requests) == {1: "This pupil is already on a school's register."}
