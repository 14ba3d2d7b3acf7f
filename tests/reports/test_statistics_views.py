"""The statistics pages (reports.statistics.views): the date field, the charts' data beside their tables, bad
dates; every table's Excel export with its header block and rows, logged with its row count; the town's
semester summary PDF (read back with pypdf), logged; the navigation entry."""

import io
import json
import re
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import Event
from tests.conftest import client_for
from tests.reports.test_statistics import Town, _grow, at

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def late_november():
    with time_machine.travel(at(2026, 11, 25, 10)):
        yield


@pytest.fixture
def town(db):
    return Town()


@pytest.fixture
def officer(client, town):
    client.force_login(town.officer)
    return client


def _page(client, town, **params):
    return client.get(reverse("authority_statistics", args=[town.town.pk]), params)


def test_the_town_page_shows_the_figures_with_charts_and_tables(officer, town):
    response = _page(officer, town, on="2026-10-14")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="form-label" for="id_on">' in html
    assert 'id="id_on"' in html and 'value="2026-10-14"' in html
    assert response.context["day"] == date(2026, 10, 14)
    summary = {key: value for key, _label, value in response.context["summary"]}
    assert summary["pupils"] == 7 and summary["schools"] == 2 and summary["oversized"] == 1
    # the grades chart's data is JSON beside its container, read by our own script; the table beneath agrees
    assert 'data-chart-data="chart-grades-data"' in html
    chart = response.context["sections"][0]["chart"]
    assert chart["id"] == "chart-grades" and sum(chart["series"][0]["data"] + chart["series"][1]["data"]) == 7
    embedded = re.search(r'<script id="chart-grades-data" type="application/json">(.*?)</script>', html)
    assert json.loads(embedded.group(1)) == chart
    assert 'data-testid="table-grades"' in html and 'data-testid="table-schools"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/js/statistics.js" in html
    assert "http://" not in html.split("<main", 1)[1] and "https://" not in html.split("<main", 1)[1]
    assert 'data-flagged="true"' in html  # the oversized class of X stands out
    assert f'href="{reverse("school_statistics", args=[town.x.code])}?on=2026-10-14"' in html


def test_the_day_defaults_to_today_and_bad_dates_say_so(officer, town):
    assert _page(officer, town).context["day"] == date(2026, 11, 25)
    response = _page(officer, town, on="2026-13-40")
    assert response.status_code == 200 and response.context["day"] == date(2026, 11, 25)
    assert response.context["form"].errors["on"]
    assert 'value="2026-13-40"' in response.content.decode()  # what was typed is kept
    future = _page(officer, town, on="2026-12-01")
    assert future.context["form"].errors["on"] and future.context["day"] == date(2026, 11, 25)


def test_the_school_page_for_its_registrar(client, world):
    response = client_for(client, world, "registrar").get(reverse("school_statistics", args=[world.school_a.code]))
    assert response.status_code == 200
    slugs = [section["table"].slug for section in response.context["sections"]]
    assert "schools" not in slugs and slugs[:2] == ["grades", "flags"]
    assert response.context["pdf_url"] is None


def grades_title(sections):
    return sections[0]["table"].title


def _workbook(response):
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def test_every_table_exports_with_a_header_block_and_is_logged(officer, town):
    url = reverse("authority_statistics_export", args=[town.town.pk, "all"])
    response = officer.get(url, {"on": "2026-10-14"})
    book = _workbook(response)
    page_tables = _page(officer, town, on="2026-10-14").context["sections"]
    assert len(book.sheetnames) == len(page_tables)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == grades_title(page_tables) and rows[1][1] == "东湖镇教办"  # title, scope
    assert rows[2][1].date() == date(2026, 10, 14)  # figures as of
    assert str(town.officer) in rows[4]  # exported by
    grades = page_tables[0]["table"]
    header = rows[6]
    assert list(header) == [label for label, _numeric in grades.columns]
    body = rows[7 : 7 + len(grades.rows)]
    assert [list(row) for row in body] == [row.cells for row in grades.rows]
    assert rows[7 + len(grades.rows)][-1] == 7  # the total row
    event = Event.objects.get(action="transfers.statistics.exported")
    assert event.actor == town.officer and event.target_repr == "东湖镇教办"
    assert event.data == {"table": "all", "on": "2026-10-14", "rows": sum(len(s["table"]) for s in page_tables)}


def test_one_table_exports_alone(officer, town):
    url = reverse("authority_statistics_export", args=[town.town.pk, "schools"])
    book = _workbook(officer.get(url, {"on": "2026-10-14"}))
    assert len(book.sheetnames) == 1
    values = [row for row in book.active.iter_rows(values_only=True)]
    codes_listed = [row[0] for row in values[7:9]]
    assert codes_listed == sorted([town.x.code, town.y.code])
    assert Event.objects.get(action="transfers.statistics.exported").data["rows"] == 2
    assert officer.get(reverse("authority_statistics_export", args=[town.town.pk, "nonsense"])).status_code == 404
    assert officer.get(url, {"on": "yesterday"}).status_code == 400
    assert Event.objects.filter(action="transfers.statistics.exported").count() == 1


def test_the_school_export(client, world):
    client = client_for(client, world, "registrar")
    url = reverse("school_statistics_export", args=[world.school_a.code, "classes"])
    book = _workbook(client.get(url))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][1] == world.school_a.name
    assert rows[7][:3] == (world.school_a.name, str(world.class_a), 1)


@pytest.mark.slow
def test_the_semester_summary_pdf(officer, town):
    response = officer.get(reverse("authority_statistics_pdf", args=[town.town.pk]), {"on": "2026-10-14"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("东湖镇教办", "2026-10-14", "甲小学", "乙学校", str(town.autumn)):
        assert expected in text, expected
    event = Event.objects.get(action="transfers.statistics.printed")
    assert event.data["on"] == "2026-10-14" and event.data["semester_id"] == town.autumn.pk


def test_the_navigation_has_a_statistics_entry_for_users_with_grants(client, world):
    response = client_for(client, world, "officer").get(reverse("home"))
    assert f'href="{reverse("statistics")}"' in response.content.decode()
    redirect = client.get(reverse("statistics"))
    assert redirect["Location"] == reverse("authority_statistics", args=[world.town1.pk])
    admin = client_for(client, world, "administrator").get(reverse("statistics"))
    assert admin.status_code == 200
    assert {scope.pk for scope, _url in admin.context["scopes"]} == {world.town1.pk, world.town2.pk, world.county.pk}


def test_the_summary_pdf_prints_each_total_once_however_many_pages(officer, town):
    """Issue 18 item 15: a table running over pages prints its total row once, at its end — not on every
    page under the last grade, where it reads as a wrong sum."""

    _grow(town, schools=12, classes=6, pupils=1)
    response = officer.get(reverse("authority_statistics_pdf", args=[town.town.pk]), {"on": "2026-10-14"})
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) > 2
    with translation.override(settings.LANGUAGE_CODE):
        total = gettext("Total")
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    total_rows = [line for line in lines if line.startswith(total + " ")]  # a header cell stands alone
    assert len(total_rows) >= 4
    assert len(set(total_rows)) == len(total_rows), total_rows


def test_a_table_s_cells_read_as_the_template_would_show_them(settings):
    """The cells are built in Python (reports' statistics_cells): counts as digits, grouped in thousands when the
    site groups numbers, a day as YYYY-MM-DD, nothing as a dash, text escaped, a link and the flag said in words."""
    from reports.statistics.tables import Row, Table
    from reports.templatetags.statistics_cells import row_cells, total_cells

    table = Table(
        "t", "T", [("School", False), ("Pupils", True), ("Day", False), ("Average", True)],
        [Row(["<b>一小</b>", 1234, date(2026, 9, 1), None], flagged=True, links={0: "/schools/1/"})],
        total=["Total", 1234, "", 2.5], flag_label="Over the cap",
    )  # fmt: skip
    row = table.rows[0]
    with translation.override("en"):
        assert row_cells(table, row) == (
            '<td><a href="/schools/1/">&lt;b&gt;一小&lt;/b&gt;</a> <span class="badge text-bg-warning">Over the cap'
            '</span></td><td class="text-end">1234</td><td>2026-09-01</td><td class="text-end">—</td>'
        )
        assert total_cells(table) == (
            '<th scope="row">Total</th><td class="fw-semibold text-end">1234</td><td class="fw-semibold"></td>'
            '<td class="fw-semibold text-end">2.5</td>'
        )
        settings.USE_THOUSAND_SEPARATOR = True
        assert '<td class="text-end">1,234</td>' in row_cells(table, row)
