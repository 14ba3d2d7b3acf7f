"""The officer's review page shows the whole 学生基本信息表 (issue 17): every column of the national template
(students.spreadsheet.columns — so a column added there must appear here), the family members in full with
their numbers masked, the evidence viewable in the page (audited, under a strict policy), and the pupil's
earlier requests."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from audit.models import Event
from students.identity import mask_id_number, mask_phone
from students.models import Student
from students.spreadsheet.columns import COLUMNS
from tests.conftest import client_for
from transfers.events import EVIDENCE_DOWNLOADED
from transfers.models import ChangeRequest, Evidence
from transfers.services import reject_step, withdraw_request

# DOMAIN.md, Registration 3: the fields of the 学生基本信息表 (镇制度 三(二)1, 五(一)2), as template columns.
DOMAIN_FIELDS = {
    "name", "sex", "birth_date", "id_type", "id_number", "ethnicity", "nationality", "birthplace", "native_place",
    "household_place", "household_type", "home_address", "phone", "entry_date", "grade", "class_number",
    "entry_method", "boarding", "health", "only_child", "left_behind", "migrant_worker_child", "orphan", "disabled",
    "inclusive_education", "preschool", "guardian1_name", "guardian1_relation", "guardian1_id_number",
    "guardian1_phone", "guardian1_employer",
}  # fmt: skip
PUPIL = {
    "former_name": "林雨", "ethnicity": "03", "nationality": "CHN", "overseas_status": "1",
    "birthplace": "安徽省合肥市", "native_place": "福建省莆田市", "household_place": "安徽省示范县东湖镇林村",
    "household_type": "2",
    "home_address": "东湖镇幸福路 18 号", "phone": "13812340000", "health": "30", "only_child": True,
    "left_behind": "2", "migrant_worker_child": True, "orphan": False, "disabled": True, "inclusive_education": True,
    "preschool": False, "entry_date": date(2026, 9, 1), "entry_method": "12", "boarding": "2",
}  # fmt: skip


def _cell(page, key):
    """The text shown for template column `key` (the first element carrying it)."""
    return page.split(f'data-column="{key}">', 1)[1].split("</", 1)[0]


def _expected(instance, key, kind):
    value = getattr(instance, key)
    if key == "id_number":
        return mask_id_number(value)
    if key == "phone":
        return mask_phone(value)
    if key == "nationality":
        return "中国"
    if kind == "choice":
        return str(dict(type(instance)._meta.get_field(key).choices)[value])
    if kind == "bool":
        return "是" if value else "否"
    if kind == "date":
        return value.isoformat()
    return value or "—"


def test_the_template_columns_cover_domains_field_list():
    assert DOMAIN_FIELDS <= {column.key for column in COLUMNS}


def test_the_reviewed_registration_shows_every_template_field(client, world):
    request = world.registrations["own"]
    Student.objects.filter(pk=request.student_id).update(**PUPIL)
    request.student.guardians.update(employer="示范县人民医院")
    student = Student.objects.get(pk=request.student_id)
    guardians = list(student.guardians.order_by("pk"))
    page = client_for(client, world, "officer").get(reverse("request_detail", args=[request.pk])).content.decode()

    with translation.override("zh-hans"):
        for column in COLUMNS:
            if column.key == "grade":
                assert _cell(page, "grade") == str(world.class_a.grade)
            elif column.key == "class_number":
                assert _cell(page, "class_number") == str(world.class_a)
            elif column.key == "school_number":
                assert _cell(page, "school_number") == "—"  # given on approval, in the school's format
            elif column.key.startswith("guardian1_"):
                key = column.key.removeprefix("guardian1_")
                cells = page.split(f'data-column="{key}">')[-len(guardians):]
                shown = [cell.split("</", 1)[0] for cell in cells]
                assert shown == [_expected(guardian, key, column.kind) for guardian in guardians], column.key
            elif not column.key.startswith("guardian"):
                assert _cell(page, column.key) == _expected(student, column.key, column.kind), column.key
    for label in ("出生地", "籍贯", "国籍/地区", "健康状况", "是否独生子女", "留守儿童", "随迁子女", "工作单位"):
        assert f">{label}<" in page
    assert student.id_number not in page and guardians[0].id_number not in page  # masked, never in full
    assert mask_id_number(guardians[0].id_number) in page and "示范县人民医院" in page


def test_evidence_images_are_shown_in_the_page_and_pdfs_open_in_the_browser_both_audited(client, world):
    request = world.registrations["own"]
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    scan = Evidence.objects.create(
        request=request, kind=Evidence.Kind.HOUSEHOLD_PROOF, file=SimpleUploadedFile("hukou.png", buffer.getvalue()),
        original_name="户口簿.png", content_type="image/png", size=len(buffer.getvalue()), sha256="0" * 64,
        uploaded_by=request.initiated_by,
    )  # fmt: skip
    letter = world.evidence["own"]  # a PDF
    officer = client_for(client, world, "officer")
    page = officer.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert f'src="{reverse("evidence_view", args=[scan.pk])}"' in page
    assert f'href="{reverse("evidence_view", args=[letter.pk])}" target="_blank" rel="noopener"' in page
    assert f'src="{reverse("evidence_view", args=[letter.pk])}"' not in page  # a PDF is never framed in the page

    shown = officer.get(reverse("evidence_view", args=[scan.pk]))
    assert shown["Content-Type"] == "image/png" and shown["Content-Disposition"].startswith("inline;")
    policy = shown["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert shown["X-Frame-Options"] == "DENY" and shown["X-Content-Type-Options"] == "nosniff"
    assert b"".join(shown.streaming_content) == buffer.getvalue()
    pdf = officer.get(reverse("evidence_view", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("inline;")
    audited = Event.objects.filter(action=EVIDENCE_DOWNLOADED, actor=world.users["officer"])
    shown_inline = sorted(event.data["document"] for event in audited if event.data.get("inline"))
    assert shown_inline == ["letter.pdf", "户口簿.png"]


def test_a_document_of_an_unexpected_type_is_never_shown_inline(client, world):
    odd = world.evidence["own"]
    Evidence.objects.filter(pk=odd.pk).update(content_type="text/html")
    response = client_for(client, world, "officer").get(reverse("evidence_view", args=[odd.pk]))
    assert response.status_code == 404


def test_the_pupils_earlier_requests_are_listed(client, world):
    request = world.registrations["own"]
    reject_step(request.steps.get(), actor=world.users["officer"], reason="材料不全")
    withdraw_request(request, actor=world.users["registrar"], reason="家长另择学校")
    again = ChangeRequest.objects.create(
        kind=request.kind, student=request.student, school=request.school, payload=request.payload,
        initiated_by=world.users["registrar"], submitted_at=request.submitted_at,
    )  # fmt: skip
    page = client_for(client, world, "officer").get(reverse("request_detail", args=[again.pk])).content.decode()
    earlier = page.split('data-testid="earlier-requests"')[1].split("</ul>")[0]
    assert reverse("request_detail", args=[request.pk]) in earlier and "已撤回" in earlier
