"""转出 and 转入 across the system's edge (transfers.kinds.transfer_out_external, transfer_in_external): each rule's
refusal matched whole and nothing saved, the effects on the pupil's record, the request page's rows, the
four-copy form's ends and the forms a registrar fills in (a returned 转入 keeps its national number and scan)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from students.identity import mask_national_number
from students.models import EnrolmentSpell, Student
from tests.conftest import PDF, client_for
from tests.factories import (
    EnrolmentSpellFactory,
    SchoolClassFactory,
    SemesterFactory,
    StudentFactory,
    TransferWindowFactory,
)
from tests.transfers.kinds_helpers import approve_all, evidence, pupil_in
from tests.transfers.test_registration_views import GOOD_ID, form_data
from transfers.kinds import KINDS, ChangeRefused
from transfers.kinds.transfer_out_external import TransferOutExternalForm
from transfers.models import ChangeRequest, Evidence
from transfers.services import current_step, reject_step, submit_request

OUT = ChangeRequest.Kind.TRANSFER_OUT_EXTERNAL
IN = ChangeRequest.Kind.TRANSFER_IN_EXTERNAL
DESTINATION = {"destination_school": "浙江省某市实验小学", "destination_authority": "某市教育局", "reason": "随迁"}


@pytest.fixture
def english():
    """The rules' messages are matched in English (the msgids); the UI shows them in Chinese."""
    with translation.override("en"):
        yield


def _outside_every_window():
    """Today falls in a semester whose only transfer window closed weeks ago."""
    today = timezone.localdate()
    semester = SemesterFactory(school_year=today.year - 1, starts_on=today - timedelta(days=60),
                               ends_on=today + timedelta(days=60))  # fmt: skip
    TransferWindowFactory(semester=semester, opens_on=today - timedelta(days=60), closes_on=today - timedelta(days=50))


OUTSIDE_WINDOW = (
    "This is outside the semester's transfer windows. Give the reason for an exception; the town office decides "
    "on it with the request."
)


def _transfer_out(world, pupil, school=None, **payload):
    return submit_request(
        kind=OUT, student=pupil, school=school or world.school_a, payload={**DESTINATION, **payload},
        actor=world.users["registrar"], evidence=evidence(Evidence.Kind.TRANSFER_FORM_SCAN),
    )  # fmt: skip


# --- 转出 --------------------------------------------------------------------------------------------------------


def test_a_transfer_out_is_refused_with_each_rules_whole_message_and_nothing_saved(world, english):
    """The pupil must be on the sending school's register, not suspended, not in a graduating year, with a
    destination named (spaces are not a name), inside a transfer window or with the exception's reason."""
    elsewhere = world.pupils["other"]  # on school C's register
    with pytest.raises(ChangeRefused) as refused:
        _transfer_out(world, elsewhere)
    assert str(refused.value) == f"{elsewhere.name} is not on the register of {world.school_a}."
    suspended = pupil_in(world.school_a, grade=4)
    suspended.suspensions.create(started_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=90),
                                 reason="病休")  # fmt: skip
    with pytest.raises(ChangeRefused) as refused:
        _transfer_out(world, suspended)
    assert str(refused.value) == (
        f"{suspended.name} is suspended; a transfer or guest study is not possible during a suspension."
    )
    leaver = pupil_in(world.school_a, grade=6)
    with pytest.raises(ChangeRefused) as refused:
        _transfer_out(world, leaver)
    assert str(refused.value) == "Grade 6 is a graduating year: a transfer is normally not possible."
    pupil = pupil_in(world.school_a, grade=4)
    with pytest.raises(ChangeRefused) as refused:
        _transfer_out(world, pupil, destination_school="   ")
    assert str(refused.value) == "Name the school the pupil transfers to."
    _outside_every_window()
    with pytest.raises(ChangeRefused) as refused:
        _transfer_out(world, pupil, exception_reason="  ")
    assert str(refused.value) == OUTSIDE_WINDOW
    assert not ChangeRequest.objects.filter(kind=OUT).exists()
    request = _transfer_out(world, pupil, exception_reason="父母工作调动")
    assert request.state == ChangeRequest.State.PENDING


def test_an_approved_transfer_out_closes_only_the_pupils_open_spell_today(world):
    pupil = pupil_in(world.school_a, grade=4)
    earlier = EnrolmentSpellFactory(student=pupil, school_class=world.class_b,
                                    started_on=timezone.localdate() - timedelta(days=900),
                                    ended_on=timezone.localdate() - timedelta(days=400),
                                    exit_reason="transferred_out")  # fmt: skip
    request = _transfer_out(world, pupil)
    assert [step.authority for step in request.steps.all()] == [world.town1]
    approve_all(request, world.users["officer"])
    spell = pupil.spells.get(ended_on=timezone.localdate())
    assert spell.school == world.school_a and spell.exit_reason == "transferred_out"
    assert not EnrolmentSpell.objects.filter(student=pupil, ended_on__isnull=True).exists()
    earlier.refresh_from_db()
    assert earlier.ended_on == timezone.localdate() - timedelta(days=400)


def test_the_transfer_out_request_page_and_form_name_the_destination_reason_and_exception(world, english):
    kind = KINDS[OUT]
    pupil = pupil_in(world.school_a, grade=4)
    request = _transfer_out(world, pupil, exception_reason="父母工作调动")
    assert kind.details(request) == [
        ("Destination school", "浙江省某市实验小学"),
        ("Its education bureau", "某市教育局"),
        ("Reason", "随迁"),
        ("Exception requested (outside the transfer window)", "父母工作调动"),
    ]
    assert kind.slip_ends(request) == (world.school_a, "浙江省某市实验小学", "某市教育局")
    assert (kind.start_label(suspended=False), kind.start_label(suspended=True)) == ("Transfer out of the system", None)
    assert kind.start_label() == "Transfer out of the system"
    scan = SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf")
    form = TransferOutExternalForm({**DESTINATION, "exception_reason": "父母工作调动"}, {"transfer_form_scan": scan})
    assert form.is_valid(), form.errors
    assert kind.Payload.from_json(form.payload().to_json()) == kind.Payload(
        destination_school="浙江省某市实验小学", destination_authority="某市教育局", reason="随迁",
        exception_reason="父母工作调动",
    )  # fmt: skip
    assert [item[0] for item in form.evidence()] == [Evidence.Kind.TRANSFER_FORM_SCAN]


# --- 转入 --------------------------------------------------------------------------------------------------------

ORIGIN = {"origin_school": "外省某小学", "origin_authority": "外省某局", "reason": "迁居"}


def _transfer_in(world, student, number, school_class=None, **payload):
    school_class = school_class or world.class_a
    return submit_request(
        kind=IN, student=student, school=world.school_a,
        payload={"school_class": school_class.pk, "grade": school_class.grade, "national_number": number,
                 **ORIGIN, **payload},
        actor=world.users["registrar"], evidence=evidence(Evidence.Kind.TRANSFER_FORM_SCAN),
    )  # fmt: skip


def test_a_transfer_in_is_refused_with_each_rules_whole_message_and_nothing_saved(world, english):
    """The number the pupil brings is a letter G, J or L and 18 characters, held by nobody else; the class is
    one of the school's, under its cap; inside a transfer window or with the exception's reason."""
    newcomer = StudentFactory(national_number=None)
    digits = newcomer.id_number
    wrong_format = "Enter the pupil's national student number: a letter G, J or L and 18 characters."
    for number in ("", f"X{digits}", f"1{digits}", f"G{digits[:17]}", f"G{digits}0"):
        with pytest.raises(ChangeRefused) as refused:
            _transfer_in(world, newcomer, number)
        assert str(refused.value) == wrong_format, number
    taken = world.pupils["other"].national_number
    with pytest.raises(ChangeRefused) as refused:
        _transfer_in(world, newcomer, taken)
    assert str(refused.value) == f"The national student number {taken} is already in use."
    with pytest.raises(ChangeRefused) as refused:
        _transfer_in(world, newcomer, f"G{digits}", school_class=world.class_c)  # another school's class
    assert str(refused.value) == f"Choose a class of {world.school_a}."
    world.school_a.class_size_cap = 1
    world.school_a.save()
    with pytest.raises(ChangeRefused) as refused:
        _transfer_in(world, newcomer, f"G{digits}")  # class A already has the world's own pupil
    assert str(refused.value) == (
        f"{world.class_a} already has 1 pupils, the class-size cap of {world.school_a}; choose another class."
    )
    world.school_a.class_size_cap = 45
    world.school_a.save()
    _outside_every_window()
    with pytest.raises(ChangeRefused) as refused:
        _transfer_in(world, newcomer, f"G{digits}")
    assert str(refused.value) == OUTSIDE_WINDOW
    assert not ChangeRequest.objects.filter(kind=IN).exists()
    for letter in "GJL":
        request = _transfer_in(world, StudentFactory(national_number=None), f"{letter}{digits}",
                               exception_reason="随父母迁居")  # fmt: skip
        assert request.state == ChangeRequest.State.PENDING


def test_a_pupil_put_on_a_register_meanwhile_is_not_enrolled_twice(world, english):
    """At the final approval the rules are checked again: a pupil who is on a register by then is refused."""
    newcomer = StudentFactory(national_number=None)
    request = _transfer_in(world, newcomer, f"G{newcomer.id_number}")
    EnrolmentSpellFactory(student=newcomer, school_class=world.class_b)
    with pytest.raises(ChangeRefused) as refused:
        approve_all(request, world.users["officer"])
    assert str(refused.value) == "This pupil is already on a school's register."
    assert newcomer.spells.count() == 1


def test_an_approved_transfer_in_keeps_the_number_and_enrols_the_pupil_today(world, english):
    school_class = SchoolClassFactory(school=world.school_a, grade=4)
    newcomer = StudentFactory(national_number=None)
    number = f"L{newcomer.id_number}"
    ended = EnrolmentSpellFactory(student=newcomer, school_class=world.class_b,
                                  started_on=timezone.localdate() - timedelta(days=900),
                                  ended_on=timezone.localdate() - timedelta(days=400),
                                  exit_reason="withdrawn")  # fmt: skip
    request = _transfer_in(world, newcomer, number, school_class=school_class)
    approve_all(request, world.users["officer"])
    newcomer.refresh_from_db()
    assert newcomer.national_number == number
    spell = newcomer.spells.exclude(pk=ended.pk).get()
    assert (spell.school, spell.school_class, spell.grade, spell.started_on, spell.ended_on, spell.entry_reason) == (
        world.school_a,
        school_class,
        4,
        timezone.localdate(),
        None,
        "transfer_in",
    )


def test_the_transfer_in_request_page_names_where_the_pupil_comes_from(world, english):
    kind = KINDS[IN]
    newcomer = StudentFactory(national_number=None)
    number = f"G{newcomer.id_number}"
    request = _transfer_in(world, newcomer, number, exception_reason="随父母迁居")
    assert kind.details(request) == [
        ("Coming from", "外省某小学"),
        ("Its education bureau", "外省某局"),
        ("National student number", number),
        ("Reason", "迁居"),
        ("Exception requested (outside the transfer window)", "随父母迁居"),
    ]
    assert kind.amend_initial(request) == {
        "school_class": world.class_a.pk, "transfer_national_number": number, "transfer_reason": "迁居",
        "origin_school": "外省某小学", "origin_authority": "外省某局",
    }  # fmt: skip
    assert kind.form_kwargs(school=world.school_a, request=request) == {"school": world.school_a}


def _scan():
    return SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf")


def test_a_returned_transfer_in_is_amended_keeping_its_number_and_scan(client, world):
    """The registrar types the number in any case with spaces around it; it is kept upper case. Amending a
    returned request shows the number masked, needs neither it nor the scan again, and keeps both."""
    registrar = client_for(client, world, "registrar")
    number = f"G{GOOD_ID}"
    data = form_data(world, transfer_national_number=f"  {number.lower()} ", origin_school="外省某小学",
                     origin_authority="外省某局", transfer_reason="随父母迁居")  # fmt: skip
    response = registrar.post(reverse("transfer_in_external_new", args=[world.school_a.code]),
                              {**data, "transfer_form_scan": _scan()})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    request = ChangeRequest.objects.get(kind=IN)
    assert request.payload == {
        "school_class": world.class_a.pk, "grade": world.class_a.grade, "national_number": number,
        "origin_school": "外省某小学", "origin_authority": "外省某局", "reason": "随父母迁居", "exception_reason": "",
    }  # fmt: skip
    assert list(request.evidence.values_list("kind", "original_name")) == [
        (Evidence.Kind.TRANSFER_FORM_SCAN, "form.pdf")
    ]
    reject_step(current_step(request), actor=world.users["officer"], reason="请补充")

    kind = KINDS[IN]
    with translation.override("en"):
        form = kind.form_class(instance=request.student, initial=kind.amend_initial(request), amending=True,
                               **kind.form_kwargs(school=world.school_a, request=request))  # fmt: skip
        field = form.fields["transfer_national_number"]
        assert (field.required, form.initial["transfer_national_number"], str(field.help_text)) == (
            False, "", f"Now {mask_national_number(number)}. Leave empty to keep it; enter a new one to change it."
        )  # fmt: skip
    assert form.fields["transfer_form_scan"].required is False
    assert kind.form_class(school=world.school_a).fields["transfer_form_scan"].required is True
    page = registrar.get(reverse("registration_amend", args=[request.pk])).content.decode()
    assert mask_national_number(number) in page and number not in page
    assert 'value="外省某局"' in page

    student = request.student
    amended = form_data(world, name=student.name, sex=student.sex, birth_date=student.birth_date.isoformat(),
                        id_number=student.id_number, transfer_national_number="", origin_school="外省另一小学",
                        origin_authority="外省某局", transfer_reason="随父母迁居",
                        **{"guardians-INITIAL_FORMS": "2"})  # fmt: skip
    for index, guardian in enumerate(student.guardians.order_by("pk")):
        amended[f"guardians-{index}-id"] = guardian.pk
        amended[f"guardians-{index}-student"] = student.pk
    second_grade = SchoolClassFactory(school=world.school_a, grade=2)
    amended["school_class"] = second_grade.pk
    response = registrar.post(reverse("registration_amend", args=[request.pk]), amended)
    assert response.status_code == 302, response.content.decode()[:3000]
    request.refresh_from_db()
    assert (request.state, request.round) == (ChangeRequest.State.PENDING, 2)
    assert (request.payload["national_number"], request.payload["origin_school"]) == (number, "外省另一小学")
    assert (request.payload["school_class"], request.payload["grade"]) == (second_grade.pk, 2)
    assert request.evidence.count() == 1
    assert not Student.objects.filter(national_number=number).exists()  # until the approval


def test_the_window_is_judged_on_the_day_the_transfer_out_or_in_was_submitted(world):
    """Submitted inside a window that closed before the approval: both are approved without an exception."""
    today = timezone.localdate()
    semester = SemesterFactory(school_year=today.year - 1, starts_on=today - timedelta(days=60),
                               ends_on=today + timedelta(days=60))  # fmt: skip
    window = TransferWindowFactory(semester=semester, opens_on=today - timedelta(days=10), closes_on=today)
    leaving = _transfer_out(world, pupil_in(world.school_a, grade=4))
    newcomer = StudentFactory(national_number=None)
    arriving = _transfer_in(world, newcomer, f"G{newcomer.id_number}")
    ChangeRequest.objects.filter(pk__in=[leaving.pk, arriving.pk]).update(
        submitted_at=timezone.now() - timedelta(days=2)
    )
    window.closes_on = today - timedelta(days=1)
    window.save()
    for request in (leaving, arriving):
        request.refresh_from_db()
        assert approve_all(request, world.users["officer"]).state == ChangeRequest.State.APPROVED
