"""The pupil list and a pupil's page: scoped, searchable, with ID numbers masked until an audited reveal."""

import re
from io import BytesIO

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Event
from tests.conftest import client_for
from tests.factories import EnrolmentSpellFactory, StudentFactory

FULL_ID = re.compile(r"\d{17}[\dX]")


def test_registrar_lists_only_own_schools_pupils(client, world):
    page = client_for(client, world, "registrar").get(reverse("pupil_list")).content.decode()
    assert world.pupils["own"].name in page
    assert world.pupils["sibling"].name not in page and world.pupils["other"].name not in page


def test_officer_lists_every_pupil_of_the_town(client, world):
    page = client_for(client, world, "officer").get(reverse("pupil_list")).content.decode()
    assert world.pupils["own"].name in page and world.pupils["sibling"].name in page
    assert world.pupils["other"].name not in page


def test_no_full_id_number_in_list_or_detail_html(client, world):
    client = client_for(client, world, "officer")
    pupil = world.pupils["own"]
    for url in (reverse("pupil_list"), reverse("pupil_detail", args=[pupil.pk])):
        html = client.get(url).content.decode()
        assert not FULL_ID.search(html), url
        assert pupil.id_number[:4] + "**********" + pupil.id_number[-4:] in html


def test_search_by_name_id_tail_and_national_number(client, world):
    client = client_for(client, world, "officer")
    own, sibling = world.pupils["own"], world.pupils["sibling"]
    for query in (own.name, own.id_number[-6:], own.national_number, "　" + own.id_number[-4:] + " "):
        page = client.get(reverse("pupil_list"), {"q": query}).content.decode()
        assert own.name in page and sibling.name not in page, query


def test_reveal_needs_a_reason_and_is_logged(client, world):
    client = client_for(client, world, "registrar")
    pupil = world.pupils["own"]
    url = reverse("reveal_id_numbers", args=[pupil.pk])
    page = client.post(url, {"reason": ""}).content.decode()
    assert pupil.id_number not in page
    assert "invalid-feedback" in page
    assert not Event.objects.filter(action="students.id_number.revealed").exists()

    page = client.post(url, {"reason": "核对户口簿"}).content.decode()
    assert pupil.id_number in page
    guardian = pupil.guardians.get()
    assert guardian.id_number in page and guardian.phone in page
    event = Event.objects.get(action="students.id_number.revealed")
    assert (event.actor, event.target_id, event.data) == (
        world.users["registrar"],
        str(pupil.pk),
        {"reason": "核对户口簿"},
    )


def test_headteacher_sees_the_pupil_without_a_reveal_form(client, world):
    page = client_for(client, world, "headteacher").get(reverse("pupil_detail", args=[world.pupils["own"].pk]))
    assert page.status_code == 200
    assert reverse("reveal_id_numbers", args=[world.pupils["own"].pk]) not in page.content.decode()


def test_pupil_list_queries_do_not_grow_with_rows(client, world):
    client = client_for(client, world, "officer")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pupil_list"))
    for _ in range(30):
        EnrolmentSpellFactory(student=StudentFactory(), school_class=world.class_a)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("pupil_list"))
    assert len(re.findall(r'href="/pupils/\d+/"', page.content.decode())) == 32
    assert len(many) == len(few)


def test_the_pages_of_the_list_follow_its_order_and_stop_at_the_cap(client, world):
    """Each page shows its own rows in the list's order (school, grade, class, name), none twice and none lost;
    past the last page the last page is shown."""
    from students.paging import CappedPaginator
    from students.views import _filtered_spells

    for name in ["赵六", "钱七", "孙八", "李九", "周十", "吴一"]:
        EnrolmentSpellFactory(student=StudentFactory(name=name), school_class=world.class_a)
    request = RequestFactory().get(reverse("pupil_list"))
    request.user = world.users["officer"]
    _form, spells = _filtered_spells(request)
    everyone = list(spells)
    assert len(everyone) == 8  # the world's two pupils of town 1 and these six
    pages = CappedPaginator(spells, 3, max_pages=2)
    assert [list(pages.page(n)) for n in (1, 2)] == [everyone[:3], everyone[3:6]]
    assert pages.capped and pages.num_pages == 2
    assert list(pages.get_page(9)) == everyone[3:6]


def test_search_by_pinyin_and_initials(client, world):
    zhang = StudentFactory(name="张三丰")
    EnrolmentSpellFactory(student=zhang, school_class=world.class_a)
    zeng = StudentFactory(name="曾小贤")
    EnrolmentSpellFactory(student=zeng, school_class=world.class_a)
    client = client_for(client, world, "registrar")
    for query, found, not_found in (("zsf", zhang, zeng), ("ZhangSan", zhang, zeng), ("zxx", zeng, zhang),
                                    ("cxx", zeng, zhang), ("zengxiao", zeng, zhang)):  # fmt: skip
        page = client.get(reverse("pupil_list"), {"q": query}).content.decode()
        assert found.name in page and not_found.name not in page, query


def test_export_has_the_filtered_rows_masked_and_is_logged(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(client, world, "officer").get(reverse("pupil_export"), {"q": world.pupils["own"].name})
    assert response["Content-Disposition"].startswith('attachment; filename="pupils-')
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == str(world.users["officer"])
    data = [row for row in rows[4:] if row and row[0]]
    pupil = world.pupils["own"]
    assert [row[0] for row in data] == [pupil.name]
    assert data[0][3] == pupil.id_number[:4] + "**********" + pupil.id_number[-4:]
    event = Event.objects.get(action="students.list.exported")
    assert (event.actor, event.data["rows"], event.data["filters"]) == (world.users["officer"], 1, {"q": pupil.name})


def test_pupil_page_shows_requests_and_a_masked_timeline(client, world):
    from transfers.services import approve_step, current_step

    request = world.registrations["own"]
    approve_step(current_step(request), actor=world.users["officer"])
    html = client_for(client, world, "registrar").get(reverse("pupil_detail", args=[request.student.pk])).content
    html = html.decode()
    assert reverse("request_detail", args=[request.pk]) in html
    assert "学籍号：— → G" in html  # the approval gave the national number, shown masked
    assert str(world.users["officer"]) in html
    assert not FULL_ID.search(html)


def test_pupil_page_title_is_the_pupils_name(client, world):
    pupil = world.pupils["own"]
    html = client_for(client, world, "registrar").get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip() == f"{pupil.name} · 学籍管理系统"


def test_the_school_filter_lists_the_schools_in_scope_read_with_one_plain_query(client, world):
    """The filter's schools are read in one ordinary SELECT (registry.fields.PlainChoiceIterator), not through
    a server-side cursor (DECLARE/FETCH/CLOSE on PostgreSQL), and the choice keeps what the user chose."""
    client = client_for(client, world, "officer")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("pupil_list"), {"school": world.school_b.code}).content.decode()
    assert not any(query["sql"].startswith("DECLARE") for query in captured)
    options = re.findall(
        r'<option value="(\w*)"( selected)?>([^<]*)</option>', page.split('name="school"')[1].split("</select>")[0]
    )
    assert [code for code, _selected, _name in options] == ["", world.school_a.code, world.school_b.code]
    assert [code for code, selected, _name in options if selected] == [world.school_b.code]


def test_filter_by_school_grade_and_class(client, world):
    client = client_for(client, world, "officer")
    own, sibling = world.pupils["own"], world.pupils["sibling"]
    page = client.get(reverse("pupil_list"), {"school": world.school_b.code}).content.decode()
    assert sibling.name in page and own.name not in page
    world.class_a.number, world.class_b.number = 3, 4
    world.class_a.save()
    world.class_b.save()
    page = client.get(reverse("pupil_list"), {"class_number": 3, "grade": 1}).content.decode()
    assert own.name in page and sibling.name not in page
    page = client.get(reverse("pupil_list"), {"school": world.school_c.code}).content.decode()
    assert world.pupils["other"].name not in page  # another town's school is not a choice


def test_an_invalid_filter_says_so_and_lists_or_exports_nobody(client, world):
    client = client_for(client, world, "registrar")
    own = world.pupils["own"]
    page = client.get(reverse("pupil_list"), {"grade": "x"}).content.decode()
    assert "invalid-feedback" in page and own.name not in page
    assert own.name in client.get(reverse("pupil_list")).content.decode()
    workbook = load_workbook(BytesIO(client.get(reverse("pupil_export"), {"grade": "x"}).content))
    assert own.name not in [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]


def test_deep_pages_stop_at_the_cap_and_the_count_says_more_than(client, world, monkeypatch):
    monkeypatch.setattr("students.paging.MAX_PAGES", 2)
    for _ in range(41):
        EnrolmentSpellFactory(student=StudentFactory(), school_class=world.class_a)
    client = client_for(client, world, "officer")  # 43 pupils on the town's register, 20 a page, 2 pages at most
    page = client.get(reverse("pupil_list"), {"per_page": 20, "page": 1000}).content.decode()
    assert len(re.findall(r'href="/pupils/\d+/"', page)) == 20  # the last page shown, not an error or nothing
    count = re.search(r'<p class="text-muted">(.*?)</p>', page, re.S).group(1)
    assert "40" in count and "43" not in count  # "more than 40", not the exact number
    monkeypatch.setattr("students.paging.MAX_PAGES", 3)
    page = client.get(reverse("pupil_list"), {"per_page": 20, "page": 3}).content.decode()
    assert len(re.findall(r'href="/pupils/\d+/"', page)) == 3
