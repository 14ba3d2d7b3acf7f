"""The town statistics in a real browser: officer1 follows the navigation's statistics entry to the town page,
the charts render (ECharts from static/vendor: a <canvas> inside each container; screenshot), the tables beneath
agree with the summary, and the Excel download opens with its header block."""

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from registry.models import Authority
from tests.e2e.conftest import DEMO_PUPILS_PER_CLASS, load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e


def test_officer_sees_the_town_charts_and_downloads_the_excel(page, live_server, transactional_db, tmp_path):
    load_demo()
    town = Authority.objects.get(code="341199101")
    external = []
    page.on("request", lambda request: external.append(request.url) if not request.url.startswith(live_server.url)
            and not request.url.startswith("data:") else None)  # fmt: skip
    log_in(page, live_server, "officer1")
    page.locator(f'nav a[href="{reverse("statistics")}"]').click()  # the navigation's entry
    expect(page).to_have_url(f"{live_server.url}{reverse('authority_statistics', args=[town.pk])}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(town.name)

    for chart in ("chart-grades", "chart-months", "chart-approval-times"):
        container = page.get_by_test_id(chart)
        expect(container.locator("canvas")).to_have_count(1)
        expect(container).to_have_attribute("data-rendered", "true")
    grades = page.get_by_test_id("chart-grades")
    drawn = grades.locator("canvas").evaluate(
        "canvas => { const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;"
        " let inked = 0; for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) inked++; } return inked; }"
    )
    assert drawn > 5000  # bars, axes and labels, not an empty canvas
    shot = tmp_path / "town-statistics.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    chart_shot = tmp_path / "chart-grades.png"
    grades.screenshot(path=str(chart_shot))
    assert chart_shot.stat().st_size > 5_000

    pupils = int(page.get_by_test_id("summary-pupils").inner_text())
    table_total = page.get_by_test_id("table-grades").locator("tfoot td").last.inner_text()
    assert int(table_total) == pupils == 39 * DEMO_PUPILS_PER_CLASS  # the 39 classes of 东湖镇's four demo schools

    with page.expect_download() as download_info:
        page.get_by_test_id("export-all").click()
    path = tmp_path / "statistics.xlsx"
    download_info.value.save_as(path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == town.name  # scope
    assert "吴审核" in rows[4]  # exported by officer1
    assert rows[-1][-1] == pupils  # the grades table's total row
    assert [row[-1] for row in rows[7:-1]] == [
        int(cell) for cell in page.get_by_test_id("table-grades").locator("tbody tr td:last-child").all_inner_texts()
    ]  # the same numbers as the page's table
    assert len(book.sheetnames) >= 8
    assert external == []  # nothing loaded from the internet
