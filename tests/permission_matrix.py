"""Every URL of the application, with who may open it, in which scope.

Each entry gives the request to make for a scope ("own": school A / town 1, "sibling": school B in the
same town / the county above town 1, "other": school C / town 2) and the status each role must get.
tests/test_permission_matrix.py fails for a URL pattern that has no entry here, so a new view cannot
ship without its row. The admin site is left to Django's own staff check (tested separately).

No role rule is written here: a route that needs a right names its capability (`needs("archive.manage")`)
and the roles that get through are read from registry.roles.CAPABILITIES. What this file does know is the
world's layout (tests/conftest.py: the school roles act for school A, the officer for town 1 with schools A
and B, the administrator everywhere), i.e. which school each role reaches in each scope.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from registry.roles import CAPABILITIES, Role

SCOPES = ["own", "sibling", "other"]
SCHOOL_ROLES = ("registrar", "headteacher", "archivist")


@dataclass(frozen=True)
class Irreversible:
    """A POST of the route that cannot be undone (issue 17): without `confirmed=1` it answers the confirmation
    page and changes nothing; with it, it acts (tests/test_confirmations.py). Made by the world's user of
    `role` (school A / town 1). `request(world) -> (url, data)` sets up what the action needs (an object in
    the right state, other fields); None: the row's own POST in the "own" scope."""

    name: str
    role: str
    request: Callable | None = None


@dataclass(frozen=True)
class Route:
    url: Callable  # (world, scope) -> path
    expect: Callable  # (role, scope) -> HTTP status
    method: str = "get"
    data: dict | None = None
    irreversible: tuple[Irreversible, ...] = ()


def _school(world, scope):
    return {"own": world.school_a, "sibling": world.school_b, "other": world.school_c}[scope]


def _class(world, scope):
    return {"own": world.class_a, "sibling": world.class_b, "other": world.class_c}[scope]


def _authority(world, scope):
    return {"own": world.town1, "sibling": world.county, "other": world.town2}[scope]


def any_signed_in(role, scope):
    return 302 if role == "anonymous" else 200


def any_role(role, scope):
    return {"anonymous": 302, "norole": 403}.get(role, 200)


def reaches_school(role, scope) -> bool:
    """Whether the world's user of `role` acts for the scope's school (registry.scoping.roles_at)."""
    if role == "administrator":
        return True
    if role == "officer":
        return scope in ("own", "sibling")
    return role in SCHOOL_ROLES and scope == "own"


def school_scoped(role, scope):
    """A school's page: its own staff, its town's officers, administrators; 404 for everyone else."""
    if role == "anonymous":
        return 302
    return 200 if reaches_school(role, scope) else 404


def holds(role, capability) -> bool:
    """Whether `role` carries `capability` in the capability table (anonymous and norole carry none)."""
    return role not in ("anonymous", "norole") and Role(role) in CAPABILITIES[capability]


def needs(*capabilities, granted=200):
    """A page of the scope's school (or of its pupil, request, archive…) that needs one of `capabilities`
    there: a holder who reaches the school gets `granted` (302 for a POST that redirects back), anyone else
    who sees the school 403, everyone else 404 (anonymous: to the login page)."""

    def expect(role, scope):
        status = school_scoped(role, scope)
        if status != 200:
            return status
        return granted if any(holds(role, capability) for capability in capabilities) else 403

    expect.capabilities = capabilities
    return expect


def needs_anywhere(capability):
    """A page with no school in its address that needs `capability` wherever the user holds it."""

    def expect(role, scope):
        if role == "anonymous":
            return 302
        return 200 if holds(role, capability) else 403

    expect.capabilities = (capability,)
    return expect


def needs_anywhere_for_school(capability):
    """A list page filtered to the scope's school (`?school=`): `capability` held anywhere, then the school must
    be in reach (404 otherwise, like another town's object)."""

    def expect(role, scope):
        status = needs_anywhere(capability)(role, scope)
        if status != 200:
            return status
        return 200 if reaches_school(role, scope) else 404

    expect.capabilities = (capability,)
    return expect


def one_scope_redirects(role, scope):
    """The statistics entry: a user with one scope is sent to it (302), an administrator chooses (200)."""
    if role == "administrator":
        return 200
    return {"norole": 403}.get(role, 302)


def authority_scoped(role, scope):
    """An authority's page: its own officers and administrators; 404 for everyone else."""
    if role == "anonymous":
        return 302
    if role == "administrator":
        return 200
    if role == "officer":
        return 200 if scope == "own" else 404
    return 404


def authority_needs(capability):
    """An authority's page that needs `capability` there: those who see the authority (`authority_scoped`) and
    hold it get 200, others who see it 403, everyone else 404."""

    def expect(role, scope):
        status = authority_scoped(role, scope)
        if status != 200:
            return status
        return 200 if holds(role, capability) else 403

    expect.capabilities = (capability,)
    return expect


def _staff_member(world, scope):
    """A registrar of the scope's school: school A's (own), B's (sibling, same town), C's (other town)."""
    from registry.models import User

    return User.objects.get(
        username={"own": "registrar", "sibling": "registrar_sibling", "other": "registrar_other"}[scope]
    )


def _onboarding_job(world, scope):
    """An onboarding job of the scope's school (建档导入), checked and waiting for its import."""
    from students.models import OnboardingJob

    job, _created = OnboardingJob.objects.get_or_create(
        school=_school(world, scope), filename="roster.xlsx",
        defaults={"created_by": world.users["administrator"], "state": "checked", "report": {"new": 1}},
    )  # fmt: skip
    return job


def manages_staff(granted=200):
    """A staff account's page: those holding "staff.manage" who reach the account's school (its town's
    officers, administrators) get `granted`, others holding it 404, anyone without it 403."""

    def expect(role, scope):
        if role == "anonymous":
            return 302
        if not holds(role, "staff.manage"):
            return 403
        return granted if reaches_school(role, scope) else 404

    expect.capabilities = ("staff.manage",)
    return expect


def _roll_check(world, scope):
    """A draft reconciliation of the scope's school for the autumn 2026 semester."""
    from datetime import date

    from registry.models import Semester
    from students.models import RollCheck, RollCheckClass

    semester, _created = Semester.objects.get_or_create(
        school_year=2026, term=1, defaults={"starts_on": date(2026, 9, 1), "ends_on": date(2027, 1, 22)}
    )
    check, created = RollCheck.objects.get_or_create(
        school=_school(world, scope), semester=semester, defaults={"check_date": date(2026, 10, 15)}
    )
    if created:
        RollCheckClass.objects.create(reconciliation=check, school_class=_class(world, scope))
    return check


def _discrepancy(world, scope):
    check = _roll_check(world, scope)
    found, _created = check.discrepancies.get_or_create(
        kind="unregistered", name="王小明", defaults={"school_class": _class(world, scope)}
    )
    return found


def own_print_job(role, scope):
    """A print job is its requester's alone (each scope's is its school's archivist's; only school A's is a
    world user): for anyone else, administrators included, it does not exist (404)."""
    if role == "anonymous":
        return 302
    return 200 if role == "archivist" and scope == "own" else 404


def _print_archive(world, scope):
    from archives.services import ensure_archive

    return ensure_archive(world.pupils[scope])


def _print_job(world, scope, *, ready=False):
    """A print of the scope's pupil's archive, requested by the scope's archivist (made with the ORM; the
    world has neither archives nor archivists outside school A: both are created here)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from archives.models import PrintJob
    from registry.roles import Role
    from registry.services import grant_role
    from tests.factories import UserFactory

    archive = _print_archive(world, scope)
    archivist = world.users["archivist"]
    if scope != "own":
        archivist = UserFactory(username=f"archivist_{scope}")
        grant_role(archivist, Role.ARCHIVIST, archive.school, actor=world.users["administrator"])
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    return PrintJob.objects.create(
        school=archive.school, requested_by=archivist, archive=archive, reason="转学调档",
        state=PrintJob.State.READY if ready else PrintJob.State.QUEUED,
        file=SimpleUploadedFile("print.pdf", pdf) if ready else "", finished_at=timezone.now() if ready else None,
    )  # fmt: skip


def own_notification(role, scope):
    """A notification is its recipient's alone (each scope's is its school's registrar's): marking it read
    sends the recipient back to the inbox (302); for anyone else it does not exist (404)."""
    if role == "anonymous":
        return 302
    return 302 if role == "registrar" and scope == "own" else 404


def _signed_roll_check(world, scope):
    """A signed reconciliation of the scope's school for the autumn 2025 semester (signature row made with
    the ORM: only school A has a headteacher in the world)."""
    from datetime import date

    from django.utils import timezone

    from registry.models import Semester
    from students.models import RollCheck, RollCheckClass, RollCheckSignature
    from students.rollcheck.services import snapshot_hash, snapshot_of

    semester, _created = Semester.objects.get_or_create(
        school_year=2025, term=1, defaults={"starts_on": date(2025, 9, 1), "ends_on": date(2026, 1, 22)}
    )
    check, created = RollCheck.objects.get_or_create(
        school=_school(world, scope),
        semester=semester,
        defaults={"check_date": date(2025, 10, 15), "state": RollCheck.State.SIGNED},
    )
    if created:
        RollCheckClass.objects.create(reconciliation=check, school_class=_class(world, scope), present=0)
        snapshot = snapshot_of(check)
        RollCheckSignature.objects.create(
            reconciliation=check, signed_by=world.users["administrator"], signed_at=timezone.now(),
            snapshot=snapshot, snapshot_hash=snapshot_hash(snapshot),
        )  # fmt: skip
    return check


def redirects_in_scope(role, scope):
    status = school_scoped(role, scope)
    return 302 if status == 200 else status


def _archive(world, scope):
    """The scope's pupil's archive (the world has none: created here, at the pupil's school)."""
    from archives.services import ensure_archive

    return ensure_archive(world.pupils[scope])


def _archive_document(world, scope):
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from archives.models import ArchiveDocument

    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    return ArchiveDocument.objects.create(
        archive=_archive(world, scope), type="evidence", title="户口簿复印件", document_date=date(2026, 9, 1),
        source="uploaded", file=SimpleUploadedFile("hukou.pdf", pdf), content_type="application/pdf",
        size=len(pdf), sha256="0" * 64, added_by=world.users["administrator"],
    )  # fmt: skip


def _loan(world, scope):
    from datetime import date

    from archives.models import Loan

    return Loan.objects.create(
        archive=_archive(world, scope), borrower="王老师", purpose="核对学籍", taken_on=date(2026, 3, 2),
        recorded_by=world.users["administrator"],
    )  # fmt: skip


def _hand_over(world, scope, *, sent):
    """A hand-over of the scope's archive: from the scope's school (sent=False: waiting to be sent) or to it
    (sent=True: sent by the other school, waiting to be received). Made with the ORM."""
    from django.utils import timezone

    from archives.models import HandOver

    school, elsewhere = _school(world, scope), (world.school_b if scope == "other" else world.school_c)
    return HandOver.objects.create(
        archive=_archive(world, scope), change_request=world.registrations[scope],
        from_school=elsewhere if sent else school, to_school=school if sent else elsewhere,
        sent_at=timezone.now() if sent else None, sent_by=world.users["administrator"] if sent else None,
    )  # fmt: skip


def _access_request(world, scope):
    from archives.models import AccessRequest

    return AccessRequest.objects.create(
        archive=_archive(world, scope), requested_by=world.users["administrator"],
        requesting_school=world.school_b if scope == "other" else world.school_c, reason="核对转学材料",
    )  # fmt: skip


def _submitted_roll_check(world):
    """School A's draft (autumn 2026) counted in full and submitted to the headteacher, through the services."""
    from students.rollcheck import services

    check, registrar = _roll_check(world, "own"), world.users["registrar"]
    rolls = services.class_rolls(check)
    services.set_headcounts(check, {roll.school_class.pk: roll.registered for roll in rolls}, actor=registrar)
    services.submit_roll_check(check, actor=registrar)
    return reverse("roll_check_step", args=[check.pk])


def _graduation_submission(world):
    """A pupil of school A's last grade, to be submitted for graduation."""
    from tests.transfers.kinds_helpers import pupil_in

    pupil_in(world.school_a, grade=max(world.school_a.grades))
    return reverse("graduation", args=[world.school_a.code]), {}


def _graduations_submitted(world):
    from transfers.bulk.services import submit_graduations

    _graduation_submission(world)
    submit_graduations(world.school_a, actor=world.users["registrar"])
    return reverse("graduation_approve", args=[world.school_a.code]), {}


def _class_move(world):
    """The own pupil moves from class A to another class of its grade."""
    from tests.factories import SchoolClassFactory

    to_class = SchoolClassFactory(school=world.school_a, grade=world.class_a.grade)
    url = reverse("class_moves", args=[world.school_a.code]) + f"?from_class={world.class_a.pk}"
    return url, {
        "pupils": [world.pupils["own"].pk],
        "school_class": to_class.pk,
        "reason": "家长申请",
        "step": "confirm",
    }


def _intake(world):
    """Three grade 1 pupils in class A and an empty second grade 1 class: the intake deals them out."""
    from tests.factories import EnrolmentSpellFactory, SchoolClassFactory

    SchoolClassFactory(school=world.school_a, grade=1)
    for _ in range(2):
        EnrolmentSpellFactory(school_class=world.class_a)
    return reverse("intake_classes", args=[world.school_a.code]), {"reason": "新生分班"}


def _supersede(world):
    wrong, right = _archive_document(world, "own"), _archive_document(world, "own")
    return reverse("document_supersede", args=[wrong.pk]), {"replacement": right.pk, "reason": "扫描不清晰"}


MATRIX = {
    "roll_check": Route(
        lambda w, s: reverse("roll_check", args=[_school(w, s).code, _roll_check(w, s).semester_id]), school_scoped
    ),
    "roll_check_headcounts": Route(
        lambda w, s: reverse("roll_check_headcounts", args=[_roll_check(w, s).pk]),
        needs("rollcheck.prepare", granted=302),
        method="post",
    ),
    "roll_check_absent": Route(
        lambda w, s: reverse("roll_check_absent", args=[_roll_check(w, s).pk]),
        needs("rollcheck.prepare", granted=302),
        method="post",
    ),
    "roll_check_unregistered": Route(
        lambda w, s: reverse("roll_check_unregistered", args=[_roll_check(w, s).pk]),
        needs("rollcheck.prepare", granted=302),
        method="post",
        data={"name": "李小红"},
    ),
    "roll_check_discrepancy": Route(
        lambda w, s: reverse("roll_check_discrepancy", args=[_discrepancy(w, s).pk]),
        needs("rollcheck.prepare", "rollcheck.sign", granted=302),
        method="post",
        data={"reason": "随父母务工", "action": "guest_study"},
        irreversible=(
            Irreversible(
                "remove",
                "registrar",
                lambda w: (reverse("roll_check_discrepancy", args=[_discrepancy(w, "own").pk]), {"remove": "1"}),
            ),
        ),
    ),
    "roll_check_step": Route(
        lambda w, s: reverse("roll_check_step", args=[_roll_check(w, s).pk]),
        needs("rollcheck.prepare", granted=302),
        method="post",
        data={"step": "submit"},
        irreversible=(
            Irreversible("sign", "headteacher", lambda w: (_submitted_roll_check(w), {"step": "sign"})),
            Irreversible(
                "return", "headteacher", lambda w: (_submitted_roll_check(w), {"step": "return", "reason": "人数有误"})
            ),
            Irreversible(
                "receive",
                "officer",
                lambda w: (reverse("roll_check_step", args=[_signed_roll_check(w, "own").pk]), {"step": "receive"}),
            ),
            Irreversible(
                "reopen",
                "officer",
                lambda w: (
                    reverse("roll_check_step", args=[_signed_roll_check(w, "own").pk]),
                    {"step": "reopen", "reason": "实到人数填错"},
                ),
            ),
        ),
    ),
    "change_new": Route(
        lambda w, s: reverse("change_new", args=[w.pupils[s].pk, "suspension"]), needs("request.initiate")
    ),
    "information_change": Route(
        lambda w, s: reverse("information_change", args=[w.pupils[s].pk]), needs("request.initiate")
    ),
    "information_policy": Route(
        lambda w, s: reverse("information_policy", args=[_authority(w, s).pk]), authority_needs("information.configure")
    ),
    "incoming_new": Route(
        lambda w, s: reverse("incoming_new", args=[_school(w, s).code, "transfer"]), needs("request.initiate")
    ),
    "transfer_in_external_new": Route(
        lambda w, s: reverse("transfer_in_external_new", args=[_school(w, s).code]), needs("request.initiate")
    ),
    "graduation": Route(
        lambda w, s: reverse("graduation", args=[_school(w, s).code]),
        needs("request.initiate", "request.decide_as_authority"),
        irreversible=(Irreversible("submit", "registrar", _graduation_submission),),
    ),
    "graduation_approve": Route(
        lambda w, s: reverse("graduation_approve", args=[_school(w, s).code]),
        needs("request.decide_as_authority", granted=302),
        method="post",
        irreversible=(Irreversible("approve", "officer", _graduations_submitted),),
    ),
    "promotion": Route(
        lambda w, s: reverse("promotion", args=[_school(w, s).code]),
        needs("request.initiate"),
        irreversible=(
            Irreversible("promote", "registrar", lambda w: (reverse("promotion", args=[w.school_a.code]), {})),
        ),
    ),
    "class_moves": Route(
        lambda w, s: reverse("class_moves", args=[_school(w, s).code]),
        needs("request.initiate"),
        irreversible=(Irreversible("move", "registrar", _class_move),),
    ),
    "school_number_format": Route(
        lambda w, s: reverse("school_number_format", args=[_school(w, s).code]), needs("school_number.configure")
    ),
    "intake_classes": Route(
        lambda w, s: reverse("intake_classes", args=[_school(w, s).code]),
        needs("request.initiate"),
        irreversible=(Irreversible("place", "registrar", _intake),),
    ),
    "withdraw_request": Route(
        lambda w, s: reverse("withdraw_request", args=[w.registrations[s].pk]),
        needs("request.initiate", granted=302),
        method="post",
        data={"reason": "家长决定暂缓入学"},
        irreversible=(Irreversible("withdraw", "registrar"),),
    ),
    "print_new": Route(lambda w, s: reverse("print_new", args=[_print_archive(w, s).pk]), needs("archive.print")),
    "print_class": Route(
        lambda w, s: reverse("print_class", args=[_class(w, s).school.code, _class(w, s).pk]), needs("archive.print")
    ),
    "print_job": Route(lambda w, s: reverse("print_job", args=[_print_job(w, s).pk]), own_print_job),
    "print_download": Route(
        lambda w, s: reverse("print_download", args=[_print_job(w, s, ready=True).pk]), own_print_job
    ),
    "print_register": Route(
        lambda w, s: reverse("print_register", args=[_school(w, s).code]), needs("archive.read_register")
    ),
    "home": Route(lambda w, s: reverse("home"), any_signed_in),
    "login": Route(lambda w, s: reverse("login"), lambda role, scope: 200),
    "logout": Route(lambda w, s: reverse("logout"), lambda role, scope: 302, method="post"),
    "password_change": Route(lambda w, s: reverse("password_change"), any_signed_in),
    "password_change_done": Route(lambda w, s: reverse("password_change_done"), any_signed_in),
    "two_factor_setup": Route(lambda w, s: reverse("two_factor_setup"), any_signed_in),
    # without a confirmed device there is no code to enter: back to the home page (anonymous: to log in)
    "two_factor_verify": Route(lambda w, s: reverse("two_factor_verify"), lambda role, scope: 302),
    "session_keep_alive": Route(
        lambda w, s: reverse("session_keep_alive"),
        lambda role, scope: 302 if role == "anonymous" else 204,
        method="post",
    ),
    "set_language": Route(
        lambda w, s: reverse("set_language"), lambda role, scope: 302, method="post", data={"language": "en"}
    ),
    "semester_list": Route(lambda w, s: reverse("semester_list"), any_role),
    "school_detail": Route(lambda w, s: reverse("school_detail", args=[_school(w, s).code]), school_scoped),
    "class_detail": Route(
        lambda w, s: reverse("class_detail", args=[_class(w, s).school.code, _class(w, s).pk]), school_scoped
    ),
    "pupil_list": Route(lambda w, s: reverse("pupil_list"), any_role),
    "problem_records": Route(
        lambda w, s: reverse("problem_records") + f"?school={_school(w, s).pk}",
        needs_anywhere_for_school("problems.review"),
    ),
    "problem_keep": Route(
        lambda w, s: reverse("problem_keep", args=[w.pupils[s].pk, "missing_fields"]), needs("problems.review")
    ),
    "problem_remove": Route(
        lambda w, s: reverse("problem_remove", args=[w.pupils[s].pk]),
        needs("problems.remove", granted=302),
        method="post",
        data={"reason": "重复录入"},
        irreversible=(Irreversible("remove", "administrator"),),
    ),
    "pupil_export": Route(lambda w, s: reverse("pupil_export"), any_role),
    "pupil_detail": Route(lambda w, s: reverse("pupil_detail", args=[w.pupils[s].pk]), school_scoped),
    "reveal_id_numbers": Route(
        lambda w, s: reverse("reveal_id_numbers", args=[w.pupils[s].pk]),
        needs("id_number.reveal"),
        method="post",
        data={"reason": "核对转学材料"},
    ),
    "registration_new": Route(
        lambda w, s: reverse("registration_new", args=[_school(w, s).code]), needs("request.initiate")
    ),
    "registration_import": Route(
        lambda w, s: reverse("registration_import", args=[_school(w, s).code]), needs("request.initiate")
    ),
    "registration_template": Route(
        lambda w, s: reverse("registration_template", args=[_school(w, s).code]), needs("request.initiate")
    ),
    "evidence_download": Route(lambda w, s: reverse("evidence_download", args=[w.evidence[s].pk]), school_scoped),
    "transfer_form": Route(lambda w, s: reverse("transfer_form", args=[w.transfer_forms[s].pk]), school_scoped),
    "transfer_form_download": Route(
        lambda w, s: reverse("transfer_form_download", args=[w.transfer_forms[s].pk]), school_scoped
    ),
    "transfer_form_verify": Route(  # public: anyone may check a paper form's code
        lambda w, s: reverse("transfer_form_verify") + f"?code={w.transfer_forms[s].verification_code}",
        lambda role, scope: 200,
    ),
    "import_job": Route(lambda w, s: reverse("import_job", args=[w.import_jobs[s].pk]), needs("request.initiate")),
    "onboarding_upload": Route(
        lambda w, s: reverse("onboarding_upload", args=[_school(w, s).code]), needs("pupil.onboard")
    ),
    "onboarding_job": Route(
        lambda w, s: reverse("onboarding_job", args=[_onboarding_job(w, s).pk]), needs("pupil.onboard")
    ),
    "onboarding_import": Route(
        lambda w, s: reverse("onboarding_import", args=[_onboarding_job(w, s).pk]),
        needs("pupil.onboard", granted=302),
        method="post",
        irreversible=(Irreversible("import", "officer"),),
    ),
    "national_export": Route(
        lambda w, s: reverse("national_export", args=[_school(w, s).code]), needs("pupil.export_national")
    ),
    "approval_queue": Route(lambda w, s: reverse("approval_queue"), any_role),
    "request_detail": Route(lambda w, s: reverse("request_detail", args=[w.registrations[s].pk]), school_scoped),
    "registration_amend": Route(
        lambda w, s: reverse("registration_amend", args=[w.registrations[s].pk]), needs("request.initiate", granted=302)
    ),
    "approve_request": Route(
        lambda w, s: reverse("approve_request", args=[w.registrations[s].pk]),
        needs("request.decide_as_authority", granted=302),
        method="post",
    ),
    "reject_request": Route(
        lambda w, s: reverse("reject_request", args=[w.registrations[s].pk]),
        needs("request.decide_as_authority", granted=302),
        method="post",
        data={"reason": "户口簿复印件不清晰"},
    ),
    "notifications": Route(lambda w, s: reverse("notifications"), any_signed_in),
    "notification_read": Route(
        lambda w, s: reverse("notification_read", args=[w.notifications[s].pk]), own_notification, method="post"
    ),
    "notifications_read_all": Route(
        lambda w, s: reverse("notifications_read_all"), lambda role, scope: 302, method="post"
    ),
    "notification_settings": Route(lambda w, s: reverse("notification_settings"), any_signed_in),
    "authority_detail": Route(lambda w, s: reverse("authority_detail", args=[_authority(w, s).pk]), authority_scoped),
    "roll_check_pdf": Route(lambda w, s: reverse("roll_check_pdf", args=[_signed_roll_check(w, s).pk]), school_scoped),
    "town_roll_checks": Route(
        lambda w, s: (
            reverse("town_roll_checks", args=[_authority(w, s).pk])
            + f"?semester={_signed_roll_check(w, 'own').semester_id}"
        ),
        authority_scoped,
    ),
    "town_roll_checks_export": Route(
        lambda w, s: (
            reverse("town_roll_checks_export", args=[_authority(w, s).pk])
            + f"?semester={_signed_roll_check(w, 'own').semester_id}"
        ),
        authority_scoped,
    ),
    "statistics": Route(lambda w, s: reverse("statistics"), one_scope_redirects),
    "school_statistics": Route(lambda w, s: reverse("school_statistics", args=[_school(w, s).code]), school_scoped),
    "school_statistics_export": Route(
        lambda w, s: reverse("school_statistics_export", args=[_school(w, s).code, "grades"]), school_scoped
    ),
    "authority_statistics": Route(
        lambda w, s: reverse("authority_statistics", args=[_authority(w, s).pk]), authority_scoped
    ),
    "authority_statistics_export": Route(
        lambda w, s: reverse("authority_statistics_export", args=[_authority(w, s).pk, "schools"]), authority_scoped
    ),
    "authority_statistics_pdf": Route(
        lambda w, s: reverse("authority_statistics_pdf", args=[_authority(w, s).pk]), authority_scoped
    ),
    "archive_list": Route(lambda w, s: reverse("archive_list"), any_role),
    "pupil_archive": Route(lambda w, s: reverse("pupil_archive", args=[w.pupils[s].pk]), redirects_in_scope),
    "archive_detail": Route(lambda w, s: reverse("archive_detail", args=[_archive(w, s).pk]), school_scoped),
    "document_download": Route(
        lambda w, s: reverse("document_download", args=[_archive_document(w, s).pk]), school_scoped
    ),
    "document_upload": Route(
        lambda w, s: reverse("document_upload", args=[_archive(w, s).pk]),
        needs("archive.manage"),
        method="post",
        data={"type": "evidence", "title": "户口簿复印件"},
    ),
    "document_supersede": Route(
        lambda w, s: reverse("document_supersede", args=[_archive_document(w, s).pk]),
        needs("archive.manage"),
        method="post",
        data={"reason": "扫描不清晰"},
        irreversible=(Irreversible("supersede", "archivist", _supersede),),
    ),
    "archive_location": Route(
        lambda w, s: reverse("archive_location", args=[_archive(w, s).pk]),
        needs("archive.manage", granted=302),
        method="post",
        data={"room": "档案室", "cabinet": "3", "box": "12", "volume": "2026-001"},
    ),
    "loan_new": Route(
        lambda w, s: reverse("loan_new", args=[_archive(w, s).pk]),
        needs("archive.manage", granted=302),
        method="post",
        data={"borrower": "王老师", "purpose": "核对学籍", "taken_on": "2026-03-02"},
    ),
    "loan_return": Route(
        lambda w, s: reverse("loan_return", args=[_loan(w, s).pk]),
        needs("archive.manage", granted=302),
        method="post",
        irreversible=(Irreversible("return", "archivist"),),
    ),
    "hand_over_sent": Route(
        lambda w, s: reverse("hand_over_sent", args=[_hand_over(w, s, sent=False).pk]),
        needs("archive.manage", granted=302),
        method="post",
        irreversible=(Irreversible("send", "archivist"),),
    ),
    "hand_over_received": Route(
        lambda w, s: reverse("hand_over_received", args=[_hand_over(w, s, sent=True).pk]),
        needs("archive.manage", granted=302),
        method="post",
        irreversible=(Irreversible("receive", "archivist"),),
    ),
    "access_request_new": Route(lambda w, s: reverse("access_request_new"), needs_anywhere("archive.request_access")),
    "access_decide": Route(
        lambda w, s: reverse("access_decide", args=[_access_request(w, s).pk]),
        needs("archive.decide_access", granted=302),
        method="post",
        data={"decision": "approve"},
        irreversible=(
            Irreversible("approve", "headteacher"),
            Irreversible(
                "refuse",
                "headteacher",
                lambda w: (reverse("access_decide", args=[_access_request(w, "own").pk]), {"decision": "refuse"}),
            ),
        ),
    ),
    "audit_search": Route(
        lambda w, s: reverse("audit_search") + f"?school={_school(w, s).pk}", needs_anywhere("audit.search")
    ),
    "audit_export": Route(
        lambda w, s: reverse("audit_export") + f"?school={_school(w, s).pk}", needs_anywhere("audit.search")
    ),
    "staff_list": Route(lambda w, s: reverse("staff_list"), needs_anywhere("staff.manage")),
    "staff_new": Route(lambda w, s: reverse("staff_new"), needs_anywhere("staff.manage")),
    "staff_import": Route(lambda w, s: reverse("staff_import"), needs_anywhere("staff.manage")),
    "staff_import_template": Route(lambda w, s: reverse("staff_import_template"), needs_anywhere("staff.manage")),
    "staff_detail": Route(lambda w, s: reverse("staff_detail", args=[_staff_member(w, s).pk]), manages_staff()),
    # an empty grant form comes back with its errors (200); nothing is granted
    "staff_grant": Route(
        lambda w, s: reverse("staff_grant", args=[_staff_member(w, s).pk]), manages_staff(), method="post"
    ),
    "staff_revoke": Route(
        lambda w, s: reverse("staff_revoke", args=[_staff_member(w, s).pk]),
        manages_staff(302),
        method="post",
        irreversible=(
            Irreversible(
                "revoke",
                "officer",
                lambda w: (
                    reverse("staff_revoke", args=[_staff_member(w, "own").pk]),
                    {"role": "registrar", "where": f"school:{w.school_a.pk}"},
                ),
            ),
        ),
    ),
    "staff_active": Route(
        lambda w, s: reverse("staff_active", args=[_staff_member(w, s).pk]),
        manages_staff(302),
        method="post",
        data={"active": "0"},
        irreversible=(Irreversible("disable", "officer"),),
    ),
    "staff_password": Route(
        lambda w, s: reverse("staff_password", args=[_staff_member(w, s).pk]),
        manages_staff(),
        method="post",
        irreversible=(Irreversible("reset", "officer"),),
    ),
}
