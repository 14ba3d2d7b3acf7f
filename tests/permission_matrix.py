"""Every URL of the application, with who may open it, in which scope.

Each entry gives the request to make for a scope ("own": school A / town 1, "sibling": school B in the
same town / the county above town 1, "other": school C / town 2) and the status each role must get.
tests/test_permission_matrix.py fails for a URL pattern that has no entry here, so a new view cannot
ship without its row. The admin site is left to Django's own staff check (tested separately).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

SCOPES = ["own", "sibling", "other"]


@dataclass(frozen=True)
class Route:
    url: Callable  # (world, scope) -> path
    expect: Callable  # (role, scope) -> HTTP status
    method: str = "get"
    data: dict | None = None


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


def school_scoped(role, scope):
    """A school's page: its own staff, its town's officers, administrators; 404 for everyone else."""
    if role == "anonymous":
        return 302
    if role == "administrator":
        return 200
    if role == "officer":
        return 200 if scope in ("own", "sibling") else 404
    if role in ("registrar", "headteacher", "archivist"):
        return 200 if scope == "own" else 404
    return 404


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


def reveal_scoped(role, scope):
    """Showing full ID numbers: registrars of the pupil's school, its town's officers, administrators.
    The school's headteacher and archivist see the pupil but may not reveal (403)."""
    if role in ("headteacher", "archivist") and scope == "own":
        return 403
    return school_scoped(role, scope)


def registrar_only(role, scope):
    """A registrar's page of their school: others in scope are refused (403), out of scope is 404."""
    status = school_scoped(role, scope)
    if status == 200 and role != "registrar":
        return 403
    return status


def registrar_amends(role, scope):
    """Amending a registration (the fixture's is pending, so the registrar is sent back to it)."""
    status = registrar_only(role, scope)
    return 302 if status == 200 else status


def registrar_or_officer(role, scope):
    """Graduation: the school's registrar submits, its town's officers approve; others in scope 403."""
    status = school_scoped(role, scope)
    if status == 200 and role not in ("registrar", "officer"):
        return 403
    return status


def officer_approves_graduations(role, scope):
    status = registrar_or_officer(role, scope)
    if status == 200:
        return 302 if role == "officer" else 403
    return status


def registrar_or_headteacher_posts(role, scope):
    """Explaining a difference: the registrar (draft) or the headteacher (submitted) — a refusal of the
    state comes back to the page (302); other roles in scope 403."""
    status = school_scoped(role, scope)
    if status == 200:
        return 302 if role in ("registrar", "headteacher") else 403
    return status


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


def archivist_prints(role, scope):
    """Printing a pupil's archive or a class: the school's archivist; others who see it 403, the rest 404."""
    status = school_scoped(role, scope)
    if status == 200 and role != "archivist":
        return 403
    return status


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


def officer_decides(role, scope):
    """A decision: the town's officers only (302 back to the queue); others in scope 403."""
    status = school_scoped(role, scope)
    if status == 200:
        return 302 if role == "officer" else 403
    return status


def _signed_roll_check(world, scope):
    """A signed reconciliation of the scope's school for the autumn 2025 semester (signature row made with
    the ORM: only school A has a headteacher in the world)."""
    from datetime import date

    from django.utils import timezone

    from registry.models import Semester
    from students.models import RollCheck, RollCheckClass, RollCheckSignature
    from students.roll_checks import snapshot_hash, snapshot_of

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


def archive_keepers(role, scope):
    """An archive's documents and paper file: the holding school's archivist or registrar; others who see
    the archive 403. The matrix posts an incomplete form, shown again with its errors (200)."""
    status = school_scoped(role, scope)
    if status == 200 and role not in ("registrar", "archivist"):
        return 403
    return status


def archive_keepers_record(role, scope):
    """As archive_keepers, with a complete form: recorded, back to the archive (302)."""
    status = archive_keepers(role, scope)
    return 302 if status == 200 else status


def redirects_in_scope(role, scope):
    status = school_scoped(role, scope)
    return 302 if status == 200 else status


def school_staff(role, scope):
    """Asking to read another school's archive: a school's registrar, headteacher or archivist."""
    if role == "anonymous":
        return 302
    return 200 if role in ("registrar", "headteacher", "archivist") else 403


def access_deciders(role, scope):
    """Deciding on an access request: the holding school's registrar or headteacher (302); others 403/404."""
    status = school_scoped(role, scope)
    if status == 200:
        return 302 if role in ("registrar", "headteacher") else 403
    return status


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


def town_office_or_administrator(role, scope):
    """The audit search: town officers (their town's events only: tests/audit/test_search.py) and
    administrators; every other role 403. The school filter of another town is not a choice (200, no rows)."""
    if role == "anonymous":
        return 302
    return 200 if role in ("officer", "administrator") else 403


MATRIX = {
    "roll_check": Route(
        lambda w, s: reverse("roll_check", args=[_school(w, s).code, _roll_check(w, s).semester_id]), school_scoped
    ),
    "roll_check_headcounts": Route(
        lambda w, s: reverse("roll_check_headcounts", args=[_roll_check(w, s).pk]), registrar_amends, method="post"
    ),
    "roll_check_absent": Route(
        lambda w, s: reverse("roll_check_absent", args=[_roll_check(w, s).pk]), registrar_amends, method="post"
    ),
    "roll_check_unregistered": Route(
        lambda w, s: reverse("roll_check_unregistered", args=[_roll_check(w, s).pk]),
        registrar_amends,
        method="post",
        data={"name": "李小红"},
    ),
    "roll_check_discrepancy": Route(
        lambda w, s: reverse("roll_check_discrepancy", args=[_discrepancy(w, s).pk]),
        registrar_or_headteacher_posts,
        method="post",
        data={"reason": "随父母务工", "action": "guest_study"},
    ),
    "roll_check_step": Route(
        lambda w, s: reverse("roll_check_step", args=[_roll_check(w, s).pk]),
        registrar_amends,
        method="post",
        data={"step": "submit"},
    ),
    "change_new": Route(lambda w, s: reverse("change_new", args=[w.pupils[s].pk, "suspension"]), registrar_only),
    "incoming_new": Route(lambda w, s: reverse("incoming_new", args=[_school(w, s).code, "transfer"]), registrar_only),
    "transfer_in_external_new": Route(
        lambda w, s: reverse("transfer_in_external_new", args=[_school(w, s).code]), registrar_only
    ),
    "graduation": Route(lambda w, s: reverse("graduation", args=[_school(w, s).code]), registrar_or_officer),
    "graduation_approve": Route(
        lambda w, s: reverse("graduation_approve", args=[_school(w, s).code]),
        officer_approves_graduations,
        method="post",
    ),
    "promotion": Route(lambda w, s: reverse("promotion", args=[_school(w, s).code]), registrar_only),
    "withdraw_request": Route(
        lambda w, s: reverse("withdraw_request", args=[w.registrations[s].pk]),
        registrar_amends,
        method="post",
        data={"reason": "家长决定暂缓入学"},
    ),
    "print_new": Route(lambda w, s: reverse("print_new", args=[_print_archive(w, s).pk]), archivist_prints),
    "print_class": Route(
        lambda w, s: reverse("print_class", args=[_class(w, s).school.code, _class(w, s).pk]), archivist_prints
    ),
    "print_job": Route(lambda w, s: reverse("print_job", args=[_print_job(w, s).pk]), own_print_job),
    "print_download": Route(
        lambda w, s: reverse("print_download", args=[_print_job(w, s, ready=True).pk]), own_print_job
    ),
    "print_register": Route(lambda w, s: reverse("print_register", args=[_school(w, s).code]), school_scoped),
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
    "pupil_export": Route(lambda w, s: reverse("pupil_export"), any_role),
    "pupil_detail": Route(lambda w, s: reverse("pupil_detail", args=[w.pupils[s].pk]), school_scoped),
    "reveal_id_numbers": Route(
        lambda w, s: reverse("reveal_id_numbers", args=[w.pupils[s].pk]),
        reveal_scoped,
        method="post",
        data={"reason": "核对转学材料"},
    ),
    "registration_new": Route(lambda w, s: reverse("registration_new", args=[_school(w, s).code]), registrar_only),
    "registration_import": Route(
        lambda w, s: reverse("registration_import", args=[_school(w, s).code]), registrar_only
    ),
    "registration_template": Route(
        lambda w, s: reverse("registration_template", args=[_school(w, s).code]), registrar_only
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
    "import_job": Route(lambda w, s: reverse("import_job", args=[w.import_jobs[s].pk]), registrar_only),
    "approval_queue": Route(lambda w, s: reverse("approval_queue"), any_role),
    "request_detail": Route(lambda w, s: reverse("request_detail", args=[w.registrations[s].pk]), school_scoped),
    "registration_amend": Route(
        lambda w, s: reverse("registration_amend", args=[w.registrations[s].pk]), registrar_amends
    ),
    "approve_request": Route(
        lambda w, s: reverse("approve_request", args=[w.registrations[s].pk]), officer_decides, method="post"
    ),
    "reject_request": Route(
        lambda w, s: reverse("reject_request", args=[w.registrations[s].pk]),
        officer_decides,
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
        archive_keepers,
        method="post",
        data={"type": "evidence", "title": "户口簿复印件"},
    ),
    "document_supersede": Route(
        lambda w, s: reverse("document_supersede", args=[_archive_document(w, s).pk]),
        archive_keepers,
        method="post",
        data={"reason": "扫描不清晰"},
    ),
    "archive_location": Route(
        lambda w, s: reverse("archive_location", args=[_archive(w, s).pk]),
        archive_keepers_record,
        method="post",
        data={"room": "档案室", "cabinet": "3", "box": "12", "volume": "2026-001"},
    ),
    "loan_new": Route(
        lambda w, s: reverse("loan_new", args=[_archive(w, s).pk]),
        archive_keepers_record,
        method="post",
        data={"borrower": "王老师", "purpose": "核对学籍", "taken_on": "2026-03-02"},
    ),
    "loan_return": Route(
        lambda w, s: reverse("loan_return", args=[_loan(w, s).pk]), archive_keepers_record, method="post"
    ),
    "hand_over_sent": Route(
        lambda w, s: reverse("hand_over_sent", args=[_hand_over(w, s, sent=False).pk]),
        archive_keepers_record,
        method="post",
    ),
    "hand_over_received": Route(
        lambda w, s: reverse("hand_over_received", args=[_hand_over(w, s, sent=True).pk]),
        archive_keepers_record,
        method="post",
    ),
    "access_request_new": Route(lambda w, s: reverse("access_request_new"), school_staff),
    "access_decide": Route(
        lambda w, s: reverse("access_decide", args=[_access_request(w, s).pk]),
        access_deciders,
        method="post",
        data={"decision": "approve"},
    ),
    "audit_search": Route(
        lambda w, s: reverse("audit_search") + f"?school={_school(w, s).pk}", town_office_or_administrator
    ),
    "audit_export": Route(
        lambda w, s: reverse("audit_export") + f"?school={_school(w, s).pk}", town_office_or_administrator
    ),
}
