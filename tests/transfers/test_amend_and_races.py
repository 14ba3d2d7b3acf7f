"""Issue 18 items 1–3: every kind is amended and resubmitted after a return (same request, next round,
evidence kept); concurrent starts for one pupil end in the rule's message; a resumption cannot come before
the suspension it ends began."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone, translation

from registry.models import SchoolClass
from registry.roles import Role
from registry.services import grant_role
from tests.factories import SchoolClassFactory, UserFactory
from tests.transfers.kinds_helpers import approve_all, evidence, pupil_in
from transfers.kinds import ChangeRefused
from transfers.models import ChangeRequest, Evidence
from transfers.services import current_step, reject_step, submit_request

TODAY = timezone.localdate()


def _start(world, kind, pupil, payload, proof=None, school=None, actor=None, **extra):
    return submit_request(
        kind=kind, student=pupil, school=school or world.school_a, payload=payload,
        actor=actor or world.users["registrar"], evidence=evidence(proof) if proof else (), **extra,
    )  # fmt: skip


def _suspension(world, pupil):
    return _start(world, "suspension", pupil, {"starts_on": TODAY.isoformat(),
                  "ends_on": (TODAY + timedelta(days=30)).isoformat(), "reason": "病休"},
                  Evidence.Kind.MEDICAL_CERTIFICATE)  # fmt: skip


def _other_registrar(world):
    user = UserFactory(username="registrar_c")
    grant_role(user, Role.REGISTRAR, world.school_c, actor=world.users["administrator"])
    return user


# kind → (start the request, returning (request, initiating user), the amended form's POST data)
def _setup(world, kind):
    pupil = pupil_in(world.school_a)
    registrar = world.users["registrar"]
    if kind == "suspension":
        return (
            _suspension(world, pupil),
            registrar,
            {"starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=60)).isoformat(), "reason": "病休延长"},
        )
    if kind == "resumption":
        approve_all(_suspension(world, pupil), world.users["officer"])
        spell = pupil.spells.get()
        return _start(world, "resumption", pupil, {"school_class": spell.school_class_id, "reason": "康复"},
                      Evidence.Kind.RECOVERY_CERTIFICATE), registrar, {
            "school_class": spell.school_class_id, "reason": "已康复"}  # fmt: skip
    if kind == "withdrawal":
        return (
            _start(
                world, kind, pupil, {"reason_code": "abroad", "reason": "随父母出国定居"}, Evidence.Kind.APPLICATION
            ),
            registrar,
            {"reason_code": "illness", "reason": "重病无法就读"},
        )
    if kind == "death":
        return (
            _start(world, kind, pupil, {"died_on": TODAY.isoformat()}, Evidence.Kind.DEATH_CERTIFICATE),
            registrar,
            {"died_on": TODAY.isoformat()},
        )
    if kind == "key_change":
        data = {"name": "改名后", "sex": pupil.sex, "birth_date": pupil.birth_date.isoformat(),
                "ethnicity": pupil.ethnicity, "reason": "户口簿更正"}  # fmt: skip
        return _start(world, kind, pupil, {"changes": {"name": "改名前"}, "previous": {"name": pupil.name},
                      "reason": "更正"}, Evidence.Kind.IDENTITY_PROOF), registrar, data  # fmt: skip
    if kind == "transfer_out_external":
        data = {"destination_school": "外省某小学", "destination_authority": "外省某局", "reason": "迁居",
                "exception_reason": "父母工作调动"}  # fmt: skip
        return (
            _start(world, kind, pupil, data, Evidence.Kind.TRANSFER_FORM_SCAN),
            registrar,
            {**data, "reason": "随父母迁居"},
        )
    if kind == "graduation":
        pupil = pupil_in(world.school_a, grade=max(world.school_a.grades))
        return _start(world, kind, pupil, {}), registrar, {}
    receiving = _other_registrar(world)
    grade = pupil.spells.get().grade
    if kind == "guest_study":
        host = SchoolClassFactory(school=world.school_c, grade=grade)
        data = {"school_class": host.pk, "reason": "随父母务工", "ends_on": ""}
        return (
            _start(
                world,
                kind,
                pupil,
                data,
                Evidence.Kind.HOUSEHOLD_PROOF,
                school=world.school_c,
                counterpart_school=world.school_a,
                actor=receiving,
            ),
            receiving,
            {**data, "reason": "务工"},
        )
    target = SchoolClassFactory(school=world.school_c, grade=grade)
    data = {"school_class": target.pk, "reason": "随父母迁居", "exception_reason": "父母工作调动"}
    return (
        _start(
            world,
            kind,
            pupil,
            data,
            Evidence.Kind.HOUSEHOLD_PROOF,
            school=world.school_c,
            counterpart_school=world.school_a,
            actor=receiving,
        ),
        receiving,
        {**data, "reason": "就近入学"},
    )


AMENDABLE = ["suspension", "resumption", "withdrawal", "death", "key_change", "transfer_out_external",
             "graduation", "transfer", "guest_study"]  # fmt: skip


@pytest.mark.parametrize("kind", AMENDABLE)
def test_every_kind_is_amended_and_resubmitted_after_a_return(client, world, kind):
    request, initiator, data = _setup(world, kind)
    decider = world.users["registrar"] if kind == "transfer" else world.users["officer"]
    if kind == "guest_study":
        decider = UserFactory(username="officer_c")
        grant_role(decider, Role.OFFICER, world.town2, actor=world.users["administrator"])
    reject_step(current_step(request), actor=decider, reason="请补充说明")
    evidence_before = request.evidence.count()
    forms_before = request.transfer_forms.count()
    client.force_login(initiator)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    amend = reverse("registration_amend", args=[request.pk])
    assert amend in page
    assert client.get(amend).status_code == 200
    response = client.post(amend, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    request.refresh_from_db()
    assert (request.state, request.round) == (ChangeRequest.State.PENDING, 2)
    assert request.evidence.count() == evidence_before  # kept, nothing uploaded again
    assert request.transfer_forms.count() == forms_before  # a transfer keeps its four-copy form
    assert current_step(request).round == 2 and current_step(request).position == 1
    if data.get("reason"):
        assert request.payload["reason"] == data["reason"]
    # every field the registrar filled in is in the amended request, and a class comes with its grade
    typed = {key: str(value) for key, value in data.items() if key in request.payload and value != ""}
    assert {key: str(request.payload[key]) for key in typed} == typed
    if "school_class" in data:
        assert request.payload["grade"] == SchoolClass.objects.get(pk=data["school_class"]).grade


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["suspension", "withdrawal", "transfer"])
def test_simultaneous_starts_for_one_pupil_end_in_the_rules_message(world, kind):
    """Twenty registrars (or one double click) starting a request for one pupil at the same moment: one
    request, and every other start gets the one-open-request message — never a database error."""
    starts = []
    for n in range(20):
        request_args = _start_args(world, kind, n)
        starts.append(request_args)
    barrier = threading.Barrier(len(starts))
    outcomes = []

    def start(arguments):
        try:
            barrier.wait()
            with translation.override("en"):
                submit_request(**arguments)
            outcomes.append("started")
        except ChangeRefused as refusal:
            outcomes.append("refused" if "already has an open request" in str(refusal) else str(refusal))
        except Exception as error:  # noqa: BLE001 — the test reports what a user would have seen as a 500
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(arguments,)) for arguments in starts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 19 + ["started"]
    assert ChangeRequest.objects.filter(student=world.pupils["own"]).count() == 1


def _start_args(world, kind, n):
    pupil = world.pupils["own"]
    if kind == "transfer":
        if not hasattr(world, "_receiving"):
            world._receiving = _other_registrar(world)
            world._target = SchoolClassFactory(school=world.school_c, grade=pupil.spells.get().grade)
        return dict(kind=kind, student=pupil, school=world.school_c, counterpart_school=world.school_a,
                    actor=world._receiving, evidence=(), payload={
                        "school_class": world._target.pk, "reason": "迁居", "exception_reason": "调动"})  # fmt: skip
    payloads = {
        "suspension": ({"starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=30)).isoformat(),
                        "reason": "病休"}, Evidence.Kind.MEDICAL_CERTIFICATE),
        "withdrawal": ({"reason_code": "abroad", "reason": "随父母出国定居"}, Evidence.Kind.APPLICATION),
    }  # fmt: skip
    payload, proof = payloads[kind]
    return dict(kind=kind, student=pupil, school=world.school_a, actor=world.users["registrar"],
                payload=payload, evidence=evidence(proof))  # fmt: skip


def test_a_resumption_before_the_suspension_began_is_refused(world):
    pupil = pupil_in(world.school_a)
    later = TODAY + timedelta(days=10)
    suspension = _start(world, "suspension", pupil, {"starts_on": later.isoformat(),
                        "ends_on": (later + timedelta(days=60)).isoformat(), "reason": "病休"},
                        Evidence.Kind.MEDICAL_CERTIFICATE)  # fmt: skip
    approve_all(suspension, world.users["officer"])
    with translation.override("en"), pytest.raises(ChangeRefused, match="cannot be dated before"):
        _start(world, "resumption", pupil, {"school_class": pupil.spells.get().school_class_id, "reason": "康复"},
               Evidence.Kind.RECOVERY_CERTIFICATE)  # fmt: skip
    assert pupil.suspensions.get().ended_on is None
