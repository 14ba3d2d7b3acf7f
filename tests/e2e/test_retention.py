"""Archive retention (保管期限) in a real browser: archivist1 finds, on the school's retention page, the copy
their school kept of a pupil who moved on twelve years ago, and asks the town office to destroy it; officer1
carries it out from the town's page after the confirmation dialog; the school's page then shows the stub
(what, when, by whose decision) and the archive register the two lines."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from archives.models import ArchiveCopy, ArchiveFile, Disposal
from archives.services import ensure_archive
from registry.models import School
from students.models import Student
from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e

SCHOOL = "2134119901"  # archivist1's school, in officer1's town


def _copy_kept_twelve_years():
    """A demo pupil's archive now held by another school of the town, archivist1's school keeping a copy
    since the hand-over twelve years ago (made with the ORM)."""
    school = School.objects.get(code=SCHOOL)
    other = School.objects.filter(authority=school.authority).exclude(pk=school.pk).first()
    pupil = Student.objects.filter(spells__school=school).order_by("name_pinyin", "pk").first()
    archive = ensure_archive(pupil)
    ArchiveFile.objects.filter(pk=archive.pk).update(school=other)
    copy = ArchiveCopy.objects.create(archive=archive, school=school)
    ArchiveCopy.objects.filter(pk=copy.pk).update(since=timezone.now() - timedelta(days=12 * 366))
    return pupil, school


def test_archivist_asks_and_officer_destroys_a_copy_past_its_retention(page, live_server, transactional_db):
    load_demo()
    pupil, school = _copy_kept_twelve_years()

    log_in(page, live_server, "archivist1")
    page.goto(live_server.url + reverse("archive_list"))
    page.get_by_role("link", name=f"{school.name} 档案保管期限").click()
    expect(page.get_by_test_id("final-permanent")).to_be_visible()  # the final archives are kept for ever
    row = page.get_by_test_id("due-copies").locator("tbody tr").filter(has_text=pupil.name)
    expect(row).to_have_count(1)
    row.get_by_label("销毁或移交").select_option(label="销毁")
    row.get_by_label("原因").fill("原学校副本保管期满")
    row.get_by_role("button", name="报镇教办").click()
    expect(page.get_by_test_id("waiting")).to_contain_text(pupil.name)
    assert ArchiveCopy.objects.filter(archive__student=pupil, school=school).exists()  # asked, not destroyed
    page.get_by_role("button", name="退出登录").click()

    log_in(page, live_server, "officer1")
    page.goto(live_server.url + reverse("authority_detail", args=[school.authority_id]))
    page.get_by_role("link", name="档案保管期限：期限设置、到期清单、销毁与移交").click()
    waiting = page.get_by_test_id("waiting").locator("tbody tr").filter(has_text=pupil.name)
    waiting.get_by_role("button", name="同意并执行").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("此操作不可撤销")
    dialog.get_by_role("button", name="同意并执行").click()
    expect(page.get_by_test_id("stubs")).to_contain_text(pupil.name)
    disposal = Disposal.objects.get(archive__student=pupil)
    assert disposal.state == "carried_out" and disposal.decided_by.username == "officer1"
    assert not ArchiveCopy.objects.filter(archive__student=pupil, school=school).exists()
    page.get_by_role("button", name="退出登录").click()

    log_in(page, live_server, "archivist1")
    page.goto(live_server.url + reverse("school_retention", args=[school.code]))
    expect(page.get_by_test_id("stubs")).to_contain_text(pupil.name)
    page.goto(live_server.url + reverse("print_register", args=[school.code]))
    lines = page.get_by_test_id("archive-register").locator("tbody tr").filter(has_text=pupil.name)
    expect(lines.filter(has_text="经镇教办决定已执行")).to_have_count(1)
    expect(lines.filter(has_text="已报镇教办")).to_have_count(1)
