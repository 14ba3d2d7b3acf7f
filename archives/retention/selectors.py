"""What is past its retention (保管期限), read set-based for one town's schools (DOMAIN Archives):
- a former school's read-only copy (ArchiveCopy: its electronic backup and paper photocopies, 办法 第九条),
  its town's `copy_years` after the hand-over;
- the final school's archive only when its town set `final_archive_years` (default: kept permanently,
  办法 第九条, 校制度), that many years after the pupil left their last register.
Something already carried out is gone from the list (its Disposal is the stub); a pending request is shown
with it. Nothing here writes."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from archives.models import ArchiveCopy, ArchiveFile, Disposal, RetentionPolicy
from students.models import EnrolmentSpell


def policy_of(authority):
    """The town's retention policy, or the defaults (copies 10 years, final archives permanently)."""
    return RetentionPolicy.objects.filter(authority=authority).first() or RetentionPolicy(authority=authority)


def years_before(day, years):
    """The same calendar day `years` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day, years):
    return years_before(day, -years)


def _pending(item, archive):
    """The pk of the request waiting for the outer row's (archive, school), or None."""
    return Subquery(
        Disposal.objects.filter(
            archive=OuterRef(archive), school=OuterRef("school"), item=item, state=Disposal.State.PENDING
        ).values("pk")[:1]
    )


def _day_after(day):
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def due_copies(schools, policy, *, today=None):
    """Read-only copies kept by `schools` (one town's) whose retention has ended by `today`, oldest first,
    annotated `pending` (the pk of the request waiting for the town office, or None)."""
    cutoff = years_before(today or timezone.localdate(), policy.copy_years)
    return (
        ArchiveCopy.objects.filter(school__in=schools, since__lt=_day_after(cutoff))
        .annotate(pending=_pending(Disposal.Item.COPY, "archive"))
        .select_related("archive__student", "archive__school", "school")
        .order_by("since", "pk")
    )


def due_final_archives(schools, policy, *, today=None):
    """Final archives held by `schools` whose pupil left their last register `final_archive_years` ago or
    more — none at all while the town keeps final archives permanently (the default). Annotated `left_on`
    and `pending`; one already disposed of is not listed."""
    if not policy.final_archive_years:
        return ArchiveFile.objects.none()
    cutoff = years_before(today or timezone.localdate(), policy.final_archive_years)
    open_spell = EnrolmentSpell.objects.filter(student=OuterRef("student"), ended_on__isnull=True)
    disposed = Disposal.objects.filter(
        archive=OuterRef("pk"), item=Disposal.Item.FINAL, state=Disposal.State.CARRIED_OUT
    )
    return (
        ArchiveFile.objects.filter(school__in=schools)
        .exclude(Exists(open_spell))
        .exclude(Exists(disposed))
        .annotate(left_on=Max("student__spells__ended_on"))
        .filter(left_on__lte=cutoff)
        .annotate(pending=_pending(Disposal.Item.FINAL, "pk"))
        .select_related("student", "school")
        .order_by("left_on", "pk")
    )


def stubs(schools):
    """What was destroyed or handed over at `schools`, newest first: the stubs."""
    return (
        Disposal.objects.filter(school__in=schools, state=Disposal.State.CARRIED_OUT)
        .select_related("archive__student", "school", "requested_by", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def waiting(schools):
    """Requests of `schools` waiting for their town office, oldest first."""
    return (
        Disposal.objects.filter(school__in=schools, state=Disposal.State.PENDING)
        .select_related("archive__student", "school", "requested_by")
        .order_by("requested_at", "pk")
    )


@dataclass(frozen=True)
class DueItem:
    """One thing past its retention, as a request names it."""

    item: str
    archive: ArchiveFile
    school: object
    kept_since: object
    due_on: object


def due_item(*, item, archive, school, policy, today=None):
    """The item if it is past its retention today (by the rules above), else None."""
    schools = [school.pk]
    if item == Disposal.Item.COPY:
        copy = due_copies(schools, policy, today=today).filter(archive=archive).first()
        if copy is None:
            return None
        since = timezone.localdate(copy.since)
        return DueItem(item, archive, school, since, years_after(since, policy.copy_years))
    if item == Disposal.Item.FINAL:
        final = due_final_archives(schools, policy, today=today).filter(pk=archive.pk).first()
        if final is None:
            return None
        return DueItem(item, archive, school, final.left_on, years_after(final.left_on, policy.final_archive_years))
    return None
