"""休学, 复学, 退学, 死亡, 借读, 关键信息变更: each kind's chain, effect, rejection path and rules."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from registry.models import Semester
from registry.roles import Role
from registry.services import grant_role
from students.identity import make_id_number
from students.models import EnrolmentSpell, GuestStudy, Suspension
from students.status import Status, status_of
from tests.conftest import PDF, client_for
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, SemesterFactory, UserFactory
from tests.transfers.kinds_helpers import approve_all, evidence, pupil_in
from transfers.decisions import approval_sentence
from transfers.kinds import KINDS, ChangeRefused, kind_of
from transfers.kinds.guest_study import GuestStudyForm, GuestStudyPayload
from transfers.kinds.leaving import close_spell
from transfers.kinds.resumption import ResumptionForm
from transfers.kinds.suspension import SuspensionForm
from transfers.kinds.withdrawal import WithdrawalForm
from transfers.models import ChangeRequest, Evidence
from transfers.services import current_step, reject_step, resubmit_request, submit_request
from transfers.uploads import check_evidence

Kind = ChangeRequest.Kind
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are matched in English (the msgids); the UI shows them in Chinese."""
    with translation.override("en"):
        yield


def _submit(world, kind, pupil, payload, proof=None, school=None, actor=None, **extra):
    return submit_request(
        kind=kind, student=pupil, school=school or world.school_a, payload=payload,
        actor=actor or world.users["registrar"], evidence=evidence(proof) if proof else (), **extra,
    )  # fmt: skip


def _suspend(world, pupil, starts_on=TODAY, days=180, **payload):
    return _submit(
        world, Kind.SUSPENSION, pupil,
        {"starts_on": starts_on.isoformat(), "ends_on": (starts_on + timedelta(days=days)).isoformat(),
         "reason": "病休", **payload},
        Evidence.Kind.MEDICAL_CERTIFICATE,
    )  # fmt: skip


# 休学 -------------------------------------------------------------------------------------------------


def test_suspension_is_approved_by_the_town_office_and_keeps_the_record(world):
    pupil = pupil_in(world.school_a)
    request = _suspend(world, pupil)
    assert [(s.school, s.authority) for s in request.steps.all()] == [(None, world.town1)]
    approve_all(request, world.users["officer"])
    suspension = pupil.suspensions.get()
    assert (suspension.started_on, suspension.ended_on, suspension.reason) == (TODAY, None, "病休")
    spells = list(pupil.spells.all())
    assert spells[0].ended_on is None  # still on the register
    assert status_of(spells, suspended=True) == Status.SUSPENDED


def test_a_suspension_needs_the_hospital_certificate(world):
    pupil = pupil_in(world.school_a)
    with pytest.raises(ChangeRefused, match="Hospital certificate"):
        _submit(world, Kind.SUSPENSION, pupil, {"starts_on": TODAY.isoformat(),
                "ends_on": (TODAY + timedelta(days=30)).isoformat(), "reason": "病休"})  # fmt: skip
    assert not Evidence.objects.filter(request__student=pupil).exists()


def test_a_suspension_lasts_at_most_a_year_and_extensions_at_most_two_in_a_row(world):
    pupil = pupil_in(world.school_a)
    with pytest.raises(ChangeRefused, match="at most one year"):
        _suspend(world, pupil, days=400)
    approve_all(_suspend(world, pupil, days=360), world.users["officer"])
    suspension = pupil.suspensions.get()
    extend = {"extends": suspension.pk}
    with pytest.raises(ChangeRefused, match="at most one year"):
        _suspend(world, pupil, days=360 + 400, **extend)
    approve_all(_suspend(world, pupil, days=700, **extend), world.users["officer"])
    suspension.refresh_from_db()
    assert suspension.ends_on == TODAY + timedelta(days=700)
    with pytest.raises(ChangeRefused, match="two years"):
        _suspend(world, pupil, days=800, **extend)
    request = _suspend(world, pupil, days=800, exception_reason="治疗需延长，医院证明", **extend)
    assert request.state == ChangeRequest.State.PENDING


def test_no_suspension_in_the_graduating_semester(world):
    pupil = pupil_in(world.school_a, grade=6)
    spring = SemesterFactory(term=Semester.Term.SPRING, school_year=TODAY.year - 1,
                             starts_on=TODAY - timedelta(days=10), ends_on=TODAY + timedelta(days=100))  # fmt: skip
    assert spring.term == Semester.Term.SPRING
    with pytest.raises(ChangeRefused, match="graduating semester"):
        _suspend(world, pupil)


def test_a_rejected_suspension_changes_nothing_and_can_be_resubmitted(world):
    pupil = pupil_in(world.school_a)
    request = _suspend(world, pupil)
    reject_step(current_step(request), actor=world.users["officer"], reason="证明非县级以上医院出具")
    assert not Suspension.objects.filter(student=pupil).exists()
    resubmit_request(request, actor=world.users["registrar"], evidence=evidence(Evidence.Kind.MEDICAL_CERTIFICATE))
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.PENDING


# 复学 -------------------------------------------------------------------------------------------------


def _suspended_pupil(world, grade=3):
    pupil = pupil_in(world.school_a, grade=grade)
    Suspension.objects.create(student=pupil, started_on=TODAY - timedelta(days=300), ends_on=TODAY, reason="病休")
    return pupil


def test_resumption_places_the_pupil_with_the_next_cohort(world):
    pupil = _suspended_pupil(world)
    new_class = SchoolClassFactory(school=world.school_a, grade=3)
    request = _submit(world, Kind.RESUMPTION, pupil, {"school_class": new_class.pk, "reason": "康复"},
                      Evidence.Kind.RECOVERY_CERTIFICATE)  # fmt: skip
    approve_all(request, world.users["officer"])
    assert pupil.suspensions.get().ended_on == TODAY
    old, new = pupil.spells.order_by("pk")
    assert (old.exit_reason, new.school_class, new.entry_reason) == ("placed", new_class, "resumption")


def test_resumption_refuses_a_pupil_who_is_not_suspended_or_a_grade_that_does_not_fit(world):
    pupil = pupil_in(world.school_a, grade=3)
    same = pupil.spells.get().school_class
    with pytest.raises(ChangeRefused, match="not suspended"):
        _submit(world, Kind.RESUMPTION, pupil, {"school_class": same.pk}, Evidence.Kind.RECOVERY_CERTIFICATE)
    pupil = _suspended_pupil(world)
    too_high = SchoolClassFactory(school=world.school_a, grade=5)
    with pytest.raises(ChangeRefused, match="grade 3"):
        _submit(world, Kind.RESUMPTION, pupil, {"school_class": too_high.pk}, Evidence.Kind.RECOVERY_CERTIFICATE)


# 退学 and 死亡 ------------------------------------------------------------------------------------------


def test_withdrawal_needs_a_listed_reason_and_an_explanation(world):
    pupil = pupil_in(world.school_a)
    with pytest.raises(ChangeRefused, match="Choose the reason"):
        _submit(world, Kind.WITHDRAWAL, pupil, {"reason": "不想读了"}, Evidence.Kind.APPLICATION)
    with pytest.raises(ChangeRefused, match="no pupil may be made to leave"):
        _submit(world, Kind.WITHDRAWAL, pupil, {"reason_code": "other", "reason": ""}, Evidence.Kind.APPLICATION)
    request = _submit(world, Kind.WITHDRAWAL, pupil, {"reason_code": "abroad", "reason": "随父母出国定居"},
                      Evidence.Kind.APPLICATION)  # fmt: skip
    approve_all(request, world.users["officer"])
    spell = pupil.spells.get()
    assert (spell.ended_on, spell.exit_reason) == (TODAY, "withdrawn")
    assert status_of([spell]) == Status.WITHDRAWN


def test_a_rejected_withdrawal_keeps_the_pupil_on_the_register(world):
    pupil = pupil_in(world.school_a)
    request = _submit(world, Kind.WITHDRAWAL, pupil, {"reason_code": "other", "reason": "家长要求"},
                      Evidence.Kind.APPLICATION)  # fmt: skip
    reject_step(current_step(request), actor=world.users["officer"], reason="义务教育阶段不得劝退，请核实")
    assert pupil.spells.get().ended_on is None


def test_death_closes_the_spell_on_the_day_of_the_decision_with_the_certificate(world):
    pupil = pupil_in(world.school_a)
    died_on = TODAY - timedelta(days=3)
    with pytest.raises(ChangeRefused, match="Death certificate"):
        _submit(world, Kind.DEATH, pupil, {"died_on": died_on.isoformat()})
    with pytest.raises(ChangeRefused, match="not in the future"):
        _submit(world, Kind.DEATH, pupil, {"died_on": (TODAY + timedelta(days=1)).isoformat()},
                Evidence.Kind.DEATH_CERTIFICATE)  # fmt: skip
    request = _submit(world, Kind.DEATH, pupil, {"died_on": died_on.isoformat()}, Evidence.Kind.DEATH_CERTIFICATE)
    step = current_step(request)
    assert step.due_on is not None
    approve_all(request, world.users["officer"])
    spell = pupil.spells.get()
    assert (spell.ended_on, spell.exit_reason) == (TODAY, "deceased")  # figures for past days stay put
    assert request.payload["died_on"] == died_on.isoformat()


def test_only_the_pupils_own_school_reports_a_change(world):
    pupil = pupil_in(world.school_b)
    with pytest.raises(ChangeRefused, match="not on the register"):
        _submit(world, Kind.DEATH, pupil, {"died_on": TODAY.isoformat()}, Evidence.Kind.DEATH_CERTIFICATE)


# 借读 -------------------------------------------------------------------------------------------------


def _guest(world, pupil, host_class, **payload):
    return _submit(
        world, Kind.GUEST_STUDY, pupil, {"school_class": host_class.pk, "reason": "父母在本镇务工", **payload},
        Evidence.Kind.HOUSEHOLD_PROOF, school=host_class.school, actor=UserFactory(username="registrar_other"),
        counterpart_school=world.school_a,
    )  # fmt: skip


def test_guest_study_keeps_the_record_at_the_home_school(world):
    pupil = pupil_in(world.school_a, grade=4)
    host_class = SchoolClassFactory(school=world.school_c, grade=4)
    request = _guest(world, pupil, host_class)
    assert [step.authority for step in request.steps.all()] == [world.town2]
    from registry.roles import Role
    from registry.services import grant_role

    officer2 = UserFactory(username="officer2")
    grant_role(officer2, Role.OFFICER, world.town2, actor=world.users["administrator"])
    approve_all(request, officer2)
    guest = GuestStudy.objects.get(student=pupil)
    assert (guest.host_school, guest.host_class, guest.ended_on) == (world.school_c, host_class, None)
    assert pupil.spells.get().school == world.school_a  # the record stays


def test_guest_study_is_refused_in_primary_grade_6_and_for_a_guest_elsewhere(world):
    with pytest.raises(ChangeRefused, match="grade 6"):
        _guest(world, pupil_in(world.school_a, grade=6), SchoolClassFactory(school=world.school_c, grade=6))
    pupil = pupil_in(world.school_a, grade=4)
    GuestStudy.objects.create(student=pupil, host_school=world.school_b, started_on=TODAY)
    with pytest.raises(ChangeRefused, match="already a guest"):
        _guest(world, pupil, SchoolClassFactory(school=world.school_c, grade=4))


# 关键信息变更 -------------------------------------------------------------------------------------------


def test_a_new_id_number_rederives_the_national_number_and_history_keeps_the_old(world):
    pupil = pupil_in(world.school_a)
    old_id, old_number = pupil.id_number, pupil.national_number
    new_id = make_id_number("341199", pupil.birth_date, 777, pupil.sex)
    payload = {"changes": {"id_number": new_id, "name": "王新名"},
               "previous": {"id_number": old_id, "name": pupil.name}, "reason": "户口簿更正"}  # fmt: skip
    request = _submit(world, Kind.KEY_CHANGE, pupil, payload, Evidence.Kind.IDENTITY_PROOF)
    approve_all(request, world.users["officer"])
    old_name = payload["previous"]["name"]
    pupil.refresh_from_db()
    assert (pupil.id_number, pupil.national_number, pupil.name, pupil.former_name) == (
        new_id, f"G{new_id}", "王新名", old_name
    )  # fmt: skip
    assert "|wangxinming|" in pupil.name_pinyin
    before = pupil.history.order_by("history_date")[0]
    assert (before.id_number, before.national_number) == (old_id, old_number)
    assert pupil.history.latest().history_user == world.users["officer"]


def test_key_change_rules(world):
    pupil = pupil_in(world.school_a)
    nothing = r"^Change at least one of name, sex, birth date, ID number or ethnicity\.$"
    with pytest.raises(ChangeRefused, match=nothing):
        _submit(world, Kind.KEY_CHANGE, pupil, {"changes": {"name": pupil.name}}, Evidence.Kind.IDENTITY_PROOF)
    wrong_date = make_id_number("341199", date(2015, 1, 1), 777, pupil.sex)
    with pytest.raises(ChangeRefused, match="birth date does not match"):
        _submit(world, Kind.KEY_CHANGE, pupil, {"changes": {"id_number": wrong_date}}, Evidence.Kind.IDENTITY_PROOF)
    with pytest.raises(ChangeRefused, match="another pupil"):
        _submit(world, Kind.KEY_CHANGE, pupil, {"changes": {"id_number": world.pupils["other"].id_number}},
                Evidence.Kind.IDENTITY_PROOF)  # fmt: skip
    with pytest.raises(ChangeRefused, match="New ID number"):
        _submit(world, Kind.KEY_CHANGE, pupil, {"changes": {"id_number": "34119920190901123X"}},
                Evidence.Kind.IDENTITY_PROOF)  # fmt: skip
    with pytest.raises(ChangeRefused, match="proof of the new details"):
        _submit(world, Kind.KEY_CHANGE, pupil, {"changes": {"name": "新名字"}})


def test_a_rejected_key_change_changes_nothing(world):
    pupil = pupil_in(world.school_a)
    name = pupil.name
    request = _submit(world, Kind.KEY_CHANGE, pupil, {"changes": {"name": "新名字"}}, Evidence.Kind.IDENTITY_PROOF)
    reject_step(current_step(request), actor=world.users["officer"], reason="证明材料与申请不符")
    pupil.refresh_from_db()
    assert pupil.name == name
    assert EnrolmentSpell.objects.filter(student=pupil, ended_on__isnull=True).exists()


# What the request page lists (kind.details) ----------------------------------------------------------------


def _details(kind, payload):
    """The rows the request page shows for a request of `kind` with `payload` (unsaved: only its payload is read)."""
    request = ChangeRequest(kind=kind, payload=payload)
    return kind_of(request).details(request)


def test_the_request_page_lists_a_withdrawals_reason_from_the_list_and_its_explanation():
    assert _details(Kind.WITHDRAWAL, {"reason_code": "abroad", "reason": "随父母出国定居"}) == [
        ("Reason", "Going to live abroad"),
        ("Explanation", "随父母出国定居"),
    ]
    assert _details(Kind.WITHDRAWAL, {"reason_code": "gone", "reason": ""}) == [("Reason", ""), ("Explanation", "")]


def test_the_request_page_lists_the_date_of_death():
    assert _details(Kind.DEATH, {"died_on": "2026-03-02"}) == [("Date of death", "2026-03-02")]
    assert _details(Kind.DEATH, {}) == [("Date of death", "")]


def test_the_request_page_lists_a_resumptions_remarks():
    assert _details(Kind.RESUMPTION, {"school_class": 1, "reason": "已康复"}) == [("Reason", "已康复")]


def test_a_suspended_pupils_page_offers_an_extension_and_a_resumption_instead_of_a_suspension():
    suspension, resumption = KINDS[Kind.SUSPENSION], KINDS[Kind.RESUMPTION]
    assert (suspension.start_label(suspended=False), resumption.start_label(suspended=False)) == ("Suspension", None)
    assert (suspension.start_label(suspended=True), resumption.start_label(suspended=True)) == (
        "Extend the suspension",
        "Resumption",
    )


def test_the_resumption_form_offers_the_grade_left_then_the_grade_above_in_class_order(world):
    later = [SchoolClassFactory(school=world.school_a, grade=3, number=n) for n in (5, 4, 3, 2)]  # made first
    pupil = pupil_in(world.school_a, grade=3, number=1)
    spell = pupil.spells.get()
    above = SchoolClassFactory(school=world.school_a, grade=4, number=1)
    SchoolClassFactory(school=world.school_a, grade=2, number=1)
    SchoolClassFactory(school=world.school_a, grade=5, number=1)
    form = ResumptionForm(spell=spell)
    assert list(form.fields["school_class"].queryset) == [spell.school_class, *reversed(later), above]
    assert form.fields["school_class"].initial == spell.school_class_id
    assert ResumptionForm(spell=spell, initial={"school_class": above.pk}).fields["school_class"].initial == above.pk


def test_withdrawal_and_death_refuse_with_their_whole_message_and_only_at_the_pupils_school(world):
    pupil = pupil_in(world.school_a)
    with pytest.raises(ChangeRefused, match=r"^Choose the reason for the withdrawal\.$"):
        _submit(world, Kind.WITHDRAWAL, pupil, {"reason": "不想读了"}, Evidence.Kind.APPLICATION)
    with pytest.raises(
        ChangeRefused, match=r"^Explain the withdrawal: in compulsory education no pupil may be made to leave school\.$"
    ):
        _submit(world, Kind.WITHDRAWAL, pupil, {"reason_code": "other", "reason": "不读"}, Evidence.Kind.APPLICATION)
    with pytest.raises(ChangeRefused, match=r"^Give the date of death \(not in the future\)\.$"):
        _submit(world, Kind.DEATH, pupil, {}, Evidence.Kind.DEATH_CERTIFICATE)
    joined = pupil.spells.get().started_on
    with pytest.raises(ChangeRefused, match=r"^The date of death is before the pupil joined this school\.$"):
        _submit(world, Kind.DEATH, pupil, {"died_on": (joined - timedelta(days=1)).isoformat()},
                Evidence.Kind.DEATH_CERTIFICATE)  # fmt: skip
    elsewhere = pupil_in(world.school_b)
    with pytest.raises(ChangeRefused, match="is not on the register of"):
        _submit(world, Kind.WITHDRAWAL, elsewhere, {"reason_code": "abroad", "reason": "随父母出国定居"},
                Evidence.Kind.APPLICATION)  # fmt: skip
    assert not ChangeRequest.objects.filter(student__in=[pupil, elsewhere]).exists()


def test_closing_a_spell_for_another_schools_request_leaves_the_pupils_register_alone(world):
    """The effect's own check (defence in depth: `validate` ran first): a request of school B never closes the
    pupil's place at school A."""
    pupil = pupil_in(world.school_a)
    stray = ChangeRequest(kind=Kind.WITHDRAWAL, student=pupil, school=world.school_b)
    with pytest.raises(ChangeRefused, match="is not on the register of"):
        close_spell(stray, EnrolmentSpell.ExitReason.WITHDRAWN, TODAY)
    spell = pupil.spells.get()
    assert (spell.school, spell.ended_on, spell.exit_reason) == (world.school_a, None, "")


def test_a_death_on_the_day_the_pupil_joined_is_reported(world):
    pupil = pupil_in(world.school_a)
    joined = pupil.spells.get().started_on
    request = _submit(world, Kind.DEATH, pupil, {"died_on": joined.isoformat()}, Evidence.Kind.DEATH_CERTIFICATE)
    assert request.state == ChangeRequest.State.PENDING


def test_the_request_page_lists_a_suspension_or_an_extension_with_its_exception():
    asked = {"starts_on": "2026-12-01", "ends_on": "2027-03-01", "reason": "病休"}
    assert _details(Kind.SUSPENSION, asked) == [
        ("From", "2026-12-01"), ("Planned end", "2027-03-01"), ("Reason", "病休"),
    ]  # fmt: skip
    assert _details(Kind.SUSPENSION, {**asked, "extends": 5, "exception_reason": "治疗需延长"}) == [
        ("Extension of the current suspension", "2026-12-01"), ("Planned end", "2027-03-01"), ("Reason", "病休"),
        ("Exception requested (over two years)", "治疗需延长"),
    ]  # fmt: skip
    assert _details(Kind.SUSPENSION, {}) == [("From", ""), ("Planned end", ""), ("Reason", "")]


def _suspension_form(suspension=None, **data):
    """The suspension form as amended (its certificate kept, so no upload needed)."""
    return SuspensionForm(data={"reason": "病休", "exception_reason": "", **data}, suspension=suspension, amending=True)


def test_the_suspension_form_wants_the_last_day_after_the_first():
    same_day = _suspension_form(starts_on="2026-12-01", ends_on="2026-12-01")
    assert not same_day.is_valid()
    assert same_day.errors == {"ends_on": ["The last day must be after the first day."]}
    form = _suspension_form(starts_on="2026-12-01", ends_on="2026-12-02", exception_reason="治疗需要")
    assert form.is_valid(), form.errors
    payload = form.payload()
    assert (payload.starts_on, payload.ends_on, payload.exception_reason, payload.extends) == (
        date(2026, 12, 1), date(2026, 12, 2), "治疗需要", None,
    )  # fmt: skip


def test_a_kinds_form_checks_each_upload_by_its_content_and_names_the_upload_it_refuses():
    """What every kind's form shares (transfers.kinds.forms.ChangeForm): a new request needs its evidence, an amended
    one keeps what it had; an upload is checked by its content, refused on its own field; only checked uploads are
    passed on as evidence."""
    dates = {"starts_on": "2026-12-01", "ends_on": "2026-12-02", "reason": "病休"}
    missing = SuspensionForm(data=dates)
    assert not missing.is_valid() and missing.errors == {"medical_certificate": ["This field is required."]}
    amended = _suspension_form(**dates)
    assert amended.is_valid() and amended.evidence() == []
    executable = SimpleUploadedFile("病历.pdf", b"MZ\x90\x00" + b"\0" * 300, content_type="application/pdf")
    refused = SuspensionForm(data=dates, files={"medical_certificate": executable})
    assert not refused.is_valid()
    assert refused.errors == {
        "medical_certificate": ["Only PDF, JPEG or PNG files are accepted; this file is something else."]
    }
    certificate = SimpleUploadedFile("病历.pdf", PDF, content_type="application/pdf")
    form = SuspensionForm(data=dates, files={"medical_certificate": certificate})
    assert form.is_valid(), form.errors
    ((kind, upload, checked),) = form.evidence()
    assert (kind, upload.name, checked) == (Evidence.Kind.MEDICAL_CERTIFICATE, "病历.pdf", check_evidence(certificate))
    long = _suspension_form(**{**dates, "reason": "病" * 301})
    assert long.errors == {"reason": ["Ensure this value has at most 300 characters (it has 301)."]}
    assert _suspension_form(**{**dates, "reason": "病" * 300}).is_valid()


def test_a_kinds_form_shows_its_reason_box_and_what_an_upload_may_be():
    form = WithdrawalForm()
    reason, application = form["reason"], form["application"]
    assert (str(reason.label), str(application.label)) == ("Explanation", "Guardian's written application")
    assert 'rows="2"' in str(reason) and 'maxlength="300"' in str(reason)
    assert str(application.help_text) == "PDF, JPEG or PNG, at most 10 MB." and application.field.required
    assert str(SuspensionForm()["reason"].label) == "Reason"


def test_an_extension_keeps_the_suspensions_first_day_and_names_the_suspension(world):
    suspension = _suspended_pupil(world).suspensions.get()
    form = _suspension_form(suspension, starts_on="2020-01-01", ends_on=(TODAY + timedelta(days=90)).isoformat())
    assert (form.fields["starts_on"].initial, form.fields["starts_on"].disabled) == (suspension.started_on, True)
    assert form.is_valid(), form.errors
    payload = form.payload()
    assert (payload.starts_on, payload.extends) == (suspension.started_on, suspension.pk)


def _resume(world, pupil, school_class, school=None):
    return _submit(world, Kind.RESUMPTION, pupil, {"school_class": school_class.pk, "reason": "康复"},
                   Evidence.Kind.RECOVERY_CERTIFICATE, school=school)  # fmt: skip


def test_resumption_refusals_say_why_in_full(world):
    pupil = pupil_in(world.school_a, grade=3)
    own = pupil.spells.get().school_class
    with pytest.raises(ChangeRefused, match=rf"^{pupil.name} is not suspended\.$"):
        _resume(world, pupil, own)
    later = TODAY + timedelta(days=5)
    Suspension.objects.create(student=pupil, started_on=later, ends_on=later + timedelta(days=60), reason="病休")
    before = (
        rf"^The suspension of {pupil.name} begins on {later.isoformat()}; a resumption cannot be dated before it\.$"
    )
    with pytest.raises(ChangeRefused, match=before):
        _resume(world, pupil, own)
    pupil = _suspended_pupil(world)
    with pytest.raises(ChangeRefused, match=r"^Place the pupil in grade 3 \(the next cohort\) or grade 4\.$"):
        _resume(world, pupil, SchoolClassFactory(school=world.school_a, grade=2))
    elsewhere = _suspended_pupil(world)
    elsewhere.spells.update(school=world.school_b, school_class=SchoolClassFactory(school=world.school_b, grade=3))
    with pytest.raises(ChangeRefused, match="is not on the register of"):
        _resume(world, elsewhere, SchoolClassFactory(school=world.school_a, grade=3))


def test_resumption_into_the_grade_above_and_the_class_size_cap_of_another_class_only(world):
    pupil = _suspended_pupil(world)
    assert _resume(world, pupil, SchoolClassFactory(school=world.school_a, grade=4)).state == "pending"
    world.school_a.class_size_cap = 1
    world.school_a.save()
    full = SchoolClassFactory(school=world.school_a, grade=3)
    EnrolmentSpellFactory(school_class=full)
    other = _suspended_pupil(world)  # alone in their class, which is at the cap of 1
    with pytest.raises(ChangeRefused, match="class-size cap"):
        _resume(world, other, full)
    assert _resume(world, other, other.spells.get().school_class).state == "pending"


def _suspended_since(world, days_ago, ends_in=0, grade=3):
    pupil = pupil_in(world.school_a, grade=grade)
    current = Suspension.objects.create(student=pupil, started_on=TODAY - timedelta(days=days_ago),
                                        ends_on=TODAY + timedelta(days=ends_in), reason="病休")  # fmt: skip
    return pupil, current


def test_the_suspension_rules_refuse_with_their_whole_message(world):
    pupil = pupil_in(world.school_a)
    no_dates = r"^Give the first day and the planned last day of the suspension\.$"
    with pytest.raises(ChangeRefused, match=no_dates):
        _suspend(world, pupil, days=0)
    with pytest.raises(ChangeRefused, match=no_dates):
        _submit(world, Kind.SUSPENSION, pupil, {"ends_on": TODAY.isoformat(), "reason": "病休"},
                Evidence.Kind.MEDICAL_CERTIFICATE)  # fmt: skip
    with pytest.raises(ChangeRefused, match=rf"^{pupil.name} has no suspension to extend\.$"):
        _suspend(world, pupil, extends=1)
    with pytest.raises(ChangeRefused, match=r"^A suspension \(or an extension\) lasts at most one year\.$"):
        _suspend(world, pupil, days=367)
    with pytest.raises(ChangeRefused, match=r"^Give the reason for the suspension\.$"):
        _suspend(world, pupil, reason=" ")
    assert _suspend(world, pupil, days=366).state == ChangeRequest.State.PENDING  # one year exactly
    suspended, current = _suspended_since(world, 10, ends_in=20)
    with pytest.raises(ChangeRefused, match=rf"^{suspended.name} is already suspended; request an extension\.$"):
        _suspend(world, suspended)
    with pytest.raises(ChangeRefused, match=rf"^An extension must end after {current.ends_on.isoformat()}\.$"):
        _suspend(world, suspended, days=20, extends=current.pk)
    elsewhere = pupil_in(world.school_b)
    with pytest.raises(ChangeRefused, match="is not on the register of"):
        _suspend(world, elsewhere)


def test_two_years_of_suspension_run_from_the_first_day_of_the_run(world):
    """An extension is measured from the suspension's own first day (not the day asked for) and from any
    suspension that ended the day before it began; two years exactly need no exception."""
    pupil, current = _suspended_since(world, 400)
    assert _suspend(world, pupil, days=331, extends=current.pk).state == ChangeRequest.State.PENDING  # 731 days
    pupil, current = _suspended_since(world, 400)
    over = r"^Consecutive suspension is normally at most two years; give the reason for an exception\.$"
    with pytest.raises(ChangeRefused, match=over):
        _suspend(world, pupil, days=332, extends=current.pk)
    for gap, refused in ((1, True), (2, False)):
        pupil, current = _suspended_since(world, 400)
        Suspension.objects.create(student=pupil, started_on=TODAY - timedelta(days=800), reason="病休",
                                  ends_on=current.started_on - timedelta(days=gap),
                                  ended_on=current.started_on - timedelta(days=gap))  # fmt: skip
        if refused:  # ended the day before: one run of more than two years
            with pytest.raises(ChangeRefused, match=over):
                _suspend(world, pupil, days=300, extends=current.pk)
        else:  # a day back at school between them: a new run
            assert _suspend(world, pupil, days=300, extends=current.pk).state == ChangeRequest.State.PENDING


def test_a_graduating_pupil_is_suspended_outside_the_spring_term_but_not_in_it(world):
    pupil = pupil_in(world.school_a, grade=6)
    assert Semester.containing(TODAY) is None
    assert _suspend(world, pupil).state == ChangeRequest.State.PENDING
    pupil = pupil_in(world.school_a, grade=6)
    SemesterFactory(term=Semester.Term.SPRING, school_year=TODAY.year - 1,
                    starts_on=TODAY - timedelta(days=10), ends_on=TODAY + timedelta(days=100))  # fmt: skip
    with pytest.raises(ChangeRefused, match=r"^A pupil cannot be suspended in the graduating semester\.$"):
        _suspend(world, pupil)


def test_guest_study_refusals_say_why_in_full(world):
    """借读's rules (GuestStudy.validate), each refusal matched whole: a host other than the home school, the
    pupil on the home school's register and not suspended, not in primary grade 6, not already a guest (an
    ended guest study does not count), a class of the host school under its cap, a reason."""
    pupil = pupil_in(world.school_a, grade=4)
    host_class = SchoolClassFactory(school=world.school_c, grade=4)
    for home in (world.school_c, None):
        with pytest.raises(ChangeRefused, match=r"^Guest study is at a school other than the pupil's own\.$"):
            _submit(world, Kind.GUEST_STUDY, pupil, {"school_class": host_class.pk, "reason": "务工"},
                    Evidence.Kind.HOUSEHOLD_PROOF, school=world.school_c, counterpart_school=home,
                    actor=UserFactory(username="registrar_other"))  # fmt: skip
    elsewhere = pupil_in(world.school_b, grade=4)
    with pytest.raises(ChangeRefused, match=rf"^{elsewhere.name} is not on the register of 甲小学\.$"):
        _guest(world, elsewhere, host_class)
    with pytest.raises(ChangeRefused, match=r"^Guest study is not possible in primary grade 6, the graduating year\.$"):
        _guest(world, pupil_in(world.school_a, grade=6), SchoolClassFactory(school=world.school_c, grade=6))
    home_class = SchoolClassFactory(school=world.school_a, grade=4)
    with pytest.raises(ChangeRefused, match=r"^Choose a class of 丙小学\.$"):
        _submit(world, Kind.GUEST_STUDY, pupil, {"school_class": home_class.pk, "reason": "务工"},
                Evidence.Kind.HOUSEHOLD_PROOF, school=world.school_c, counterpart_school=world.school_a,
                actor=UserFactory(username="registrar_other"))  # fmt: skip
    with pytest.raises(ChangeRefused, match=r"^Give the reason for the guest study\.$"):
        _guest(world, pupil, host_class, reason="  ")
    GuestStudy.objects.create(student=pupil, host_school=world.school_b, started_on=TODAY - timedelta(days=90),
                              ended_on=TODAY - timedelta(days=30))  # fmt: skip
    assert _guest(world, pupil, host_class).state == ChangeRequest.State.PENDING  # the ended one does not count
    other = pupil_in(world.school_a, grade=4)
    GuestStudy.objects.create(student=other, host_school=world.school_b, started_on=TODAY)
    with pytest.raises(ChangeRefused, match=rf"^{other.name} is already a guest pupil at a school\.$"):
        _guest(world, other, host_class)
    suspended = pupil_in(world.school_a, grade=4)
    Suspension.objects.create(student=suspended, started_on=TODAY, ends_on=TODAY + timedelta(days=30), reason="病休")
    with pytest.raises(ChangeRefused, match=rf"^{suspended.name} is suspended; a transfer or guest study is not"):
        _guest(world, suspended, host_class)


def test_guest_study_in_a_full_host_class_is_refused_naming_it(world):
    world.school_c.class_size_cap = 1
    world.school_c.save()
    host_class = SchoolClassFactory(school=world.school_c, grade=4)
    EnrolmentSpellFactory(school_class=host_class)
    with pytest.raises(ChangeRefused, match=rf"^{host_class} already has 1 pupils, the class-size cap of 丙小学; "):
        _guest(world, pupil_in(world.school_a, grade=4), host_class)


def test_an_approved_guest_study_runs_from_the_approval_until_the_planned_end(world):
    pupil = pupil_in(world.school_a, grade=4)
    host_class = SchoolClassFactory(school=world.school_c, grade=4)
    officer2 = UserFactory()
    grant_role(officer2, Role.OFFICER, world.town2, actor=world.users["administrator"])
    approve_all(_guest(world, pupil, host_class, ends_on="2027-01-15"), officer2)
    guest = GuestStudy.objects.get()
    assert (guest.student, guest.host_school, guest.host_class) == (pupil, world.school_c, host_class)
    assert (guest.started_on, guest.ends_on, guest.ended_on) == (TODAY, date(2027, 1, 15), None)


def test_the_request_page_lists_the_home_and_host_schools_the_planned_end_and_the_reason(world):
    payload = {"school_class": 1, "ends_on": "2027-01-15", "reason": "父母在本镇务工"}
    request = ChangeRequest(kind=Kind.GUEST_STUDY, school=world.school_c, counterpart_school=world.school_a,
                            payload=payload)  # fmt: skip
    rows = [("Home school (keeps the record)", "甲小学"), ("Host school", "丙小学"), ("Planned end", "2027-01-15"),
            ("Reason", "父母在本镇务工")]  # fmt: skip
    assert kind_of(request).details(request) == rows
    request.payload = {"school_class": 1, "reason": "父母在本镇务工"}
    assert kind_of(request).details(request)[2] == ("Planned end", "")


def test_the_guest_study_form_offers_the_host_classes_of_the_pupils_grade_and_binds_the_payload(world):
    later = [SchoolClassFactory(school=world.school_c, grade=4, number=n) for n in (3, 2)]
    SchoolClassFactory(school=world.school_c, grade=5, number=1)
    SchoolClassFactory(school=world.school_a, grade=4, number=9)
    spell = pupil_in(world.school_a, grade=4).spells.get()
    kwargs = KINDS[Kind.GUEST_STUDY].form_kwargs(school=world.school_c, spell=spell)
    assert kwargs == {"school": world.school_c, "grade": 4}
    assert list(GuestStudyForm(**kwargs).fields["school_class"].queryset) == list(reversed(later))
    entered = {"school_class": later[0].pk, "ends_on": "2027-01-15", "reason": "父母在本镇务工"}
    form = GuestStudyForm(entered, {"proof": evidence(Evidence.Kind.HOUSEHOLD_PROOF)[0][1]}, **kwargs)
    assert form.is_valid(), form.errors
    assert form.payload() == GuestStudyPayload(school_class=later[0].pk, grade=4, ends_on=date(2027, 1, 15),
                                               reason="父母在本镇务工")  # fmt: skip


def test_graduation_refusals_name_the_pupil_and_the_last_grade_and_an_approval_closes_the_record(world):
    """毕业 (Graduation.validate and apply): only a pupil of the school's last grade (a primary school's grade 6),
    on its register and not suspended, graduates; the approval closes the record today as graduated."""
    fifth = pupil_in(world.school_a, grade=5)
    with pytest.raises(ChangeRefused, match=rf"^{fifth.name} is in grade 5, not the last grade of 甲小学\.$"):
        _submit(world, Kind.GRADUATION, fifth, {})
    elsewhere = pupil_in(world.school_b, grade=6)
    with pytest.raises(ChangeRefused, match=rf"^{elsewhere.name} is not on the register of 甲小学\.$"):
        _submit(world, Kind.GRADUATION, elsewhere, {})
    suspended = pupil_in(world.school_a, grade=6)
    Suspension.objects.create(student=suspended, started_on=TODAY, ends_on=TODAY + timedelta(days=30), reason="病休")
    with pytest.raises(ChangeRefused, match=rf"^{suspended.name} is suspended and cannot graduate\.$"):
        _submit(world, Kind.GRADUATION, suspended, {})
    leaver = pupil_in(world.school_a, grade=6)
    approve_all(_submit(world, Kind.GRADUATION, leaver, {}), world.users["officer"])
    spell = leaver.spells.get()
    assert (spell.ended_on, spell.exit_reason) == (TODAY, EnrolmentSpell.ExitReason.GRADUATED)


# What every kind shares (transfers.kinds.base) ------------------------------------------------------------


def test_a_stored_payload_reads_back_typed_with_blank_optional_values_as_none(world):
    """An optional date or id left blank on a form is stored and read back as none (not refused as invalid); a
    reason given as null reads as empty; dates are stored as ISO text and read back as dates."""
    pupil = pupil_in(world.school_a)
    request = _suspend(world, pupil, extends="", exception_reason=None)
    assert request.payload == {"starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=180)).isoformat(),
                               "reason": "病休", "exception_reason": "", "extends": None}  # fmt: skip
    data = kind_of(request).data(request)
    assert (data.starts_on, data.ends_on, data.exception_reason, data.extends) == (
        TODAY, TODAY + timedelta(days=180), "", None
    )  # fmt: skip


def test_each_stored_value_reads_back_as_its_fields_type():
    """The rules and the request page read a payload typed: a blank or null value as the field's empty value
    (none for an optional date or id, {} or [] for the information change's lists, "" for text), an id as a
    number, a date as a date, text as text; unknown keys are ignored and a missing key takes the default."""
    suspension = KINDS["suspension"].Payload
    assert suspension.from_json({"starts_on": "2026-09-01", "ends_on": date(2027, 1, 31), "extends": "12",
                                 "reason": None, "exception_reason": "", "unknown": "ignored"}) == suspension(
        starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 31), reason="", exception_reason="", extends=12
    )  # fmt: skip
    assert suspension.from_json({"starts_on": "", "extends": None}) == suspension()
    assert suspension.from_json(None) == suspension()
    change = KINDS["information_change"].Payload
    assert change.from_json({"changes": "", "previous": None, "guardians": "", "reason": 7}) == change(reason="7")
    read = change.from_json({"changes": [("name", "王晓明")], "guardians": ({"action": "add"},), "reason": "更名"})
    assert (read.changes, read.guardians, read.reason) == ({"name": "王晓明"}, [{"action": "add"}], "更名")
    assert change.from_json(read) is read
    assert suspension(starts_on=date(2026, 9, 1), extends=3).to_json() == {
        "starts_on": "2026-09-01", "ends_on": None, "reason": "", "exception_reason": "", "extends": 3,
    }  # fmt: skip


@pytest.mark.parametrize(("payload", "field"), [({"extends": "the last one"}, "extends"),
                                                ({"ends_on": "2026-02-30"}, "ends_on")])  # fmt: skip
def test_a_payload_value_that_is_not_of_its_type_is_refused_naming_it(world, payload, field):
    pupil = pupil_in(world.school_a)
    with pytest.raises(ChangeRefused) as refused:
        _suspend(world, pupil, **payload)
    assert str(refused.value) == f"The request's {field} is not valid."
    assert not ChangeRequest.objects.filter(student=pupil).exists()


def test_the_officers_confirmation_of_a_withdrawal_says_the_record_changes_at_once(world):
    pupil = pupil_in(world.school_a)
    request = _submit(world, Kind.WITHDRAWAL, pupil, {"reason_code": "abroad", "reason": "随父母出国定居"},
                      Evidence.Kind.APPLICATION)  # fmt: skip
    assert approval_sentence(request, current_step(request)) == (
        f"Approving completes the Withdrawal of {pupil.name}: the record changes at once."
    )


def test_a_returned_withdrawal_is_amended_from_what_was_asked(client, world):
    pupil = pupil_in(world.school_a)
    request = _submit(world, Kind.WITHDRAWAL, pupil, {"reason_code": "abroad", "reason": "随父母出国定居"},
                      Evidence.Kind.APPLICATION)  # fmt: skip
    reject_step(current_step(request), actor=world.users["officer"], reason="请补充出国证明")
    page = client_for(client, world, "registrar").get(reverse("registration_amend", args=[request.pk]))
    assert page.status_code == 200 and "随父母出国定居" in page.text
    assert page.context["form"].initial == {"reason_code": "abroad", "reason": "随父母出国定居"}
