"""保管期限 (镇制度 六(二)3; 办法 第九条): a former school's copy past its town's period is due; only the town
office's decision destroys or hands it over; the register and the stub record what, when and whose
decision; the final school's archive is never due unless the town sets a period for it."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from archives.models import ArchiveCopy, Disposal, RegisterEntry, RetentionPolicy
from archives.retention.selectors import due_copies, due_final_archives, policy_of
from archives.retention.services import decide_disposal, request_disposal, set_policy
from archives.selectors import archives_visible_to
from archives.services import ArchiveRefused, ensure_archive
from audit.models import Event
from registry.models import Notification
from tests.conftest import client_for
from tests.transfers.kinds_helpers import pupil_in, transfer_to_c

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _copy_kept_for(world, *, years, days=0):
    """A pupil of school A transferred to school C; school A's copy dated `years` years (+ `days`) ago."""
    pupil = pupil_in(world.school_a, grade=3)
    archive = ensure_archive(pupil)
    transfer_to_c(world, pupil)
    since = timezone.now() - timedelta(days=365 * years + years // 4 + days)
    ArchiveCopy.objects.filter(archive=archive).update(since=since)
    return archive


def _left_school(world, *, years_ago):
    """A pupil whose schooling ended at school A `years_ago` years ago: school A holds the final archive."""
    pupil = pupil_in(world.school_a, grade=6)
    archive = ensure_archive(pupil)
    left = TODAY - timedelta(days=366 * years_ago)
    pupil.spells.update(started_on=left - timedelta(days=6 * 365), ended_on=left, exit_reason="graduated")
    return archive


def test_a_former_schools_copy_past_its_retention_is_in_the_due_list(client, world):
    due = _copy_kept_for(world, years=RetentionPolicy.DEFAULT_COPY_YEARS, days=2)
    kept = _copy_kept_for(world, years=RetentionPolicy.DEFAULT_COPY_YEARS - 1)
    policy = policy_of(world.town1)
    assert [copy.archive_id for copy in due_copies([world.school_a.pk], policy)] == [due.pk]
    page = client_for(client, world, "archivist").get(reverse("school_retention", args=[world.school_a.code])).text
    listed = page.split('data-testid="due-copies"')[1].split("</table>")[0]
    assert due.student.name in listed and kept.student.name not in listed
    # the town shortens the period: the other copy is due too
    set_policy(world.town1, copy_years=5, final_archive_years=None, actor=world.users["officer"])
    assert due_copies([world.school_a.pk], policy_of(world.town1)).count() == 2


def test_a_final_archive_never_appears_by_default_and_cannot_be_requested(client, world):
    final = _left_school(world, years_ago=40)
    assert not due_final_archives([world.school_a.pk], policy_of(world.town1)).exists()
    client = client_for(client, world, "archivist")
    page = client.get(reverse("school_retention", args=[world.school_a.code])).text
    assert 'data-testid="final-permanent"' in page and final.student.name not in page
    with translation.override("en"), pytest.raises(ArchiveRefused, match="not past its retention"):  # after a page
        request_disposal(archive=final, school=world.school_a, item="final", action="destroy", reason="期满",
                         actor=world.users["archivist"])  # fmt: skip
    # only the town's configuration makes it due
    set_policy(world.town1, copy_years=10, final_archive_years=30, actor=world.users["officer"])
    assert [a.pk for a in due_final_archives([world.school_a.pk], policy_of(world.town1))] == [final.pk]
    recent = _left_school(world, years_ago=3)
    assert recent.pk not in {a.pk for a in due_final_archives([world.school_a.pk], policy_of(world.town1))}


def test_destruction_needs_the_town_offices_decision_then_the_register_and_stub_record_it(
    client, world, django_capture_on_commit_callbacks
):
    archive = _copy_kept_for(world, years=12)
    archivist, officer = world.users["archivist"], world.users["officer"]
    client = client_for(client, world, "archivist")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disposal_new", args=[world.school_a.code]),
                    {"archive": archive.pk, "item": "copy", "action": "destroy", "reason": "保管期满"})  # fmt: skip
    disposal = Disposal.objects.get(archive=archive)
    assert (disposal.state, disposal.school, disposal.requested_by) == ("pending", world.school_a, archivist)
    # asked, not destroyed: the former school still reads its copy
    assert ArchiveCopy.objects.filter(archive=archive, school=world.school_a).exists()
    assert archives_visible_to(archivist).filter(pk=archive.pk).exists()
    with pytest.raises(PermissionDenied):  # the school cannot decide its own request
        decide_disposal(disposal, actor=archivist, approve=True)
    assert Notification.objects.filter(recipient=officer, kind="request", link__contains="retention").exists()
    # the officer's POST without the confirmation changes nothing
    officer_client = client_for(client, world, "officer")
    url = reverse("disposal_decide", args=[disposal.pk])
    unconfirmed = officer_client.post(url, {"decision": "carry_out"})
    assert unconfirmed.status_code == 200 and "此操作不可撤销" in unconfirmed.text  # the page's language
    disposal.refresh_from_db()
    assert disposal.state == "pending" and ArchiveCopy.objects.filter(archive=archive).exists()
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(url, {"decision": "carry_out", "confirmed": "1"})
    disposal.refresh_from_db()
    assert (disposal.state, disposal.decided_by) == ("carried_out", officer) and disposal.decided_at is not None
    assert not ArchiveCopy.objects.filter(archive=archive, school=world.school_a).exists()
    assert not archives_visible_to(archivist).filter(pk=archive.pk).exists()
    archive.refresh_from_db()
    assert archive.school == world.school_c and archive.documents.exists()  # the final archive is untouched
    lines = RegisterEntry.objects.filter(archive=archive, school=world.school_a, action="retention")
    assert [line.user for line in lines.order_by("pk")] == [archivist, officer]
    # in the language of the officer who decided
    assert lines.order_by("pk").last().what.startswith("经镇教办决定已执行：销毁 — ")
    assert Event.objects.filter(action="archives.retention.decided", data__state="carried_out").exists()
    assert disposal.history.first().history_user == officer
    # the stub: what, when, by whose decision — on the school's page and the town's
    client.force_login(archivist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    stubs = client.get(reverse("school_retention", args=[world.school_a.code])).text.split('data-testid="stubs"')[1]
    assert archive.student.name in stubs and str(officer) in stubs and f"{disposal.decided_at:%Y}" in stubs
    told = Notification.objects.filter(recipient=archivist, kind="request", title="镇教办已处理您提出的销毁或移交申请")
    assert told.exists()
    with translation.override("en"), pytest.raises(ArchiveRefused, match="already decided"):
        decide_disposal(disposal, actor=officer, approve=False, note="晚了")


def test_a_refusal_needs_a_reason_and_keeps_the_copy(world):
    archive = _copy_kept_for(world, years=11)
    disposal = request_disposal(archive=archive, school=world.school_a, item="copy", action="hand_over",
                                reason="移交县档案馆", actor=world.users["registrar"])  # fmt: skip
    with pytest.raises(ArchiveRefused, match="reason for refusing"):
        decide_disposal(disposal, actor=world.users["officer"], approve=False)
    decide_disposal(disposal, actor=world.users["officer"], approve=False, note="县档案馆尚未接收")
    assert Disposal.objects.get(pk=disposal.pk).state == "refused"
    assert ArchiveCopy.objects.filter(archive=archive, school=world.school_a).exists()
    # refused, it is due again and may be asked again
    assert due_copies([world.school_a.pk], policy_of(world.town1)).get().pending is None


def test_a_copy_within_its_period_cannot_be_asked_for(world):
    archive = _copy_kept_for(world, years=2)
    with pytest.raises(ArchiveRefused, match="not past its retention"):
        request_disposal(archive=archive, school=world.school_a, item="copy", action="destroy", reason="x",
                         actor=world.users["archivist"])  # fmt: skip
    assert not Disposal.objects.exists()


def test_a_final_archive_destroyed_by_the_towns_rule_leaves_its_catalogue(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    from archives.models import ArchiveDocument

    archive = _left_school(world, years_ago=31)
    document = ArchiveDocument.objects.create(
        archive=archive, type="award", title="三好学生奖状", document_date=date(1995, 6, 1), source="uploaded",
        file=ContentFile(b"%PDF-1.4 award", name="award.pdf"), added_by=world.users["archivist"],
    )  # fmt: skip
    stored = tmp_path / document.file.name
    assert stored.exists()
    set_policy(world.town1, copy_years=10, final_archive_years=30, actor=world.users["officer"])
    disposal = request_disposal(archive=archive, school=world.school_a, item="final", action="destroy",
                                reason="镇教办规定期满", actor=world.users["archivist"])  # fmt: skip
    decide_disposal(disposal, actor=world.users["officer"], approve=True)
    document.refresh_from_db()
    assert not stored.exists() and document.file.name == "" and document.title == "三好学生奖状"
    assert not due_final_archives([world.school_a.pk], policy_of(world.town1)).exists()
    page = client_for(client, world, "archivist").get(reverse("archive_detail", args=[archive.pk])).text
    stub = page.split('data-testid="disposals"')[1].split("</table>")[0]
    assert archive.student.name in stub and str(world.users["officer"]) in stub and "镇教办规定期满" in stub
    assert "三好学生奖状" in page  # the catalogue stays


def test_the_town_officer_sets_the_periods_and_a_wrong_value_is_kept_with_its_message(client, world):
    client = client_for(client, world, "officer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("retention_policy", args=[world.town1.pk])
    refused = client.post(url, {"copy_years": "0", "final_archive_years": ""})
    assert refused.status_code == 200 and "greater than or equal to 1" in refused.text and 'value="0"' in refused.text
    assert not RetentionPolicy.objects.exists()
    client.post(url, {"copy_years": "15", "final_archive_years": ""})
    policy = RetentionPolicy.objects.get(authority=world.town1)
    assert (policy.copy_years, policy.final_archive_years) == (15, None)
    assert policy.history.first().history_user == world.users["officer"]
    assert Event.objects.filter(action="archives.retention.policy_set").exists()
    with pytest.raises(PermissionDenied):
        set_policy(world.town1, copy_years=1, final_archive_years=1, actor=world.users["registrar"])
