"""Every change of archive retention (保管期限, 镇制度 六(二)3; 办法 第九条): the town's periods, a school's
request to destroy or hand over (移交) what is past its retention, and the town office's decision, which
alone carries it out. Rules: nothing is destroyed without a recorded decision; the final archive only when
the town's policy gives it a period; the request and the decision are lines of the school's archive
register and audit events; what is carried out leaves its Disposal as the stub (what, when, whose decision).
Each function takes the acting user, runs in a transaction and writes history."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import ArchiveCopy, Disposal, RegisterEntry, RetentionPolicy
from archives.retention import events
from archives.retention.selectors import due_item, policy_of
from archives.services import ArchiveRefused, record
from audit.history import acting_as
from registry.scoping import can
from registry.transitions import transition
from transfers.models import Evidence


def set_policy(authority, *, copy_years, final_archive_years, actor):
    """The town officer sets how long the town's former schools keep their copies, and whether (and how
    long) its final archives are kept rather than permanently."""
    if not can(actor, "retention.configure", authority):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor, reason="archives.retention.policy"):
        policy, _created = RetentionPolicy.objects.select_for_update().get_or_create(authority=authority)
        policy.copy_years, policy.final_archive_years = copy_years, final_archive_years or None
        policy.save()
        events.policy_set(policy, actor=actor)
    return policy


def describe(due):
    """The stub's sentence: what it is, whose, kept since when."""
    values = {"pupil": due.archive.student.name, "since": due.kept_since.isoformat(), "school": due.school}
    if due.item == Disposal.Item.COPY:
        return _("%(school)s's copy of the archive of %(pupil)s, kept since %(since)s") % values
    return _("The archive of %(pupil)s at %(school)s, the pupil having left on %(since)s") % values


def request_disposal(*, archive, school, item, action, reason, actor):
    """The keeping school's archivist or registrar asks its town office to destroy or hand over an item
    past its retention (refused for anything not due, and for a final archive kept permanently)."""
    if not can(actor, "retention.request", school):
        raise PermissionDenied
    if not reason.strip():
        raise ArchiveRefused(_("Give the reason for the destruction or hand-over."))
    with transaction.atomic(), acting_as(actor, reason="archives.retention.requested"):
        due = due_item(item=item, archive=archive, school=school, policy=policy_of(school.authority))
        if due is None:
            raise ArchiveRefused(_("This is not past its retention period; it is kept."))
        if (
            Disposal.objects.select_for_update()
            .filter(archive=archive, school=school, item=item, state=Disposal.State.PENDING)
            .exists()
        ):
            raise ArchiveRefused(_("A request for this already waits for the town office."))
        disposal = Disposal.objects.create(
            archive=archive, school=school, item=item, action=action, what=describe(due)[:300],
            kept_since=due.kept_since, due_on=due.due_on, reason=reason.strip(), requested_by=actor,
        )  # fmt: skip
        record(archive, user=actor, action=RegisterEntry.Action.RETENTION, school=school, why=disposal.reason,
               what=_("Requested from the town office: %(action)s — %(what)s")
               % {"action": disposal.get_action_display(), "what": disposal.what})  # fmt: skip
        events.disposal_requested(disposal, actor=actor)
    return disposal


def decide_disposal(disposal, *, actor, approve, note=""):
    """The town office carries out (irreversibly) or refuses a waiting request. Carrying out re-checks that
    the item is still past its retention under the town's policy of today."""
    if not can(actor, "retention.decide", disposal.school):
        raise PermissionDenied
    if not approve and not note.strip():
        raise ArchiveRefused(_("Give the reason for refusing."))
    state = Disposal.State.CARRIED_OUT if approve else Disposal.State.REFUSED
    with transaction.atomic(), acting_as(actor, reason="archives.retention.decided", disposal=disposal.pk):
        if approve and due_item(item=disposal.item, archive=disposal.archive, school=disposal.school,
                                policy=policy_of(disposal.school.authority)) is None:  # fmt: skip
            raise ArchiveRefused(_("This is no longer past its retention period under the town's policy."))
        won = transition(disposal, expected={"state": Disposal.State.PENDING}, actor=actor,
                         changes={"state": state, "decided_by": actor, "decided_at": timezone.now(),
                                  "decision_note": note.strip()[:300]})  # fmt: skip
        if not won:
            raise ArchiveRefused(_("This request was already decided by %(who)s.") % {"who": disposal.decided_by})
        if approve:
            _carry_out(disposal)
        done = _("Carried out by the town office's decision") if approve else _("Refused by the town office")
        record(disposal.archive, user=actor, action=RegisterEntry.Action.RETENTION, school=disposal.school,
               why=disposal.decision_note or disposal.reason,
               what=_("%(done)s: %(action)s — %(what)s")
               % {"done": done, "action": disposal.get_action_display(), "what": disposal.what})  # fmt: skip
        events.disposal_decided(disposal, actor=actor)
    return disposal


def _carry_out(disposal):
    """A former school's copy: the school no longer reads the archive (its paper photocopies are destroyed
    or handed over on paper, by this decision). A final archive: its stored files leave the system (the
    evidence of the pupil's requests stays with the requests); the catalogue of documents stays as the stub
    of what was in it."""
    if disposal.item == Disposal.Item.COPY:
        ArchiveCopy.objects.filter(archive=disposal.archive_id, school=disposal.school_id).delete()
        return
    documents = list(disposal.archive.documents.exclude(file=""))
    kept = set(Evidence.objects.filter(file__in=[d.file.name for d in documents]).values_list("file", flat=True))
    for document in documents:
        name = document.file.name
        if name not in kept:
            document.file.storage.delete(name)
        document.file = ""
        document.save(update_fields=["file"])
