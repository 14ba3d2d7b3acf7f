"""Rosters in the national template for the tests: rows of valid pupils with G, L and J numbers, written as
.xlsx (openpyxl) or .xls (xlwt, as the national system exports)."""

from datetime import date, timedelta
from io import BytesIO

import openpyxl
import xlwt

from students.identity import make_id_number
from students.national.columns import HEADERS, SHEET_TITLE, pupil_cells

REGION = "341102"


def pupil_row(n, *, grade=3, class_number=1, form="G"):
    """The values of pupil `n` (distinct numbers for distinct n): a G number (resident ID), an L number (resident
    ID, not yet checked nationally) or a J number (no ID number; a family member's is given)."""
    birth = date(2016, 1, 1) + timedelta(days=n % 300)
    sex = "1" if n % 2 else "2"
    id_number = make_id_number(REGION, birth, (n // 300) * 2 % 1000, sex)
    values = {
        "name": f"建档生{n}", "sex": sex, "birth_date": birth, "birthplace": "341102000000",
        "native_place": "安徽省滁州市", "ethnicity": "01", "nationality": "CHN", "id_type": "1",
        "id_number": id_number, "overseas_status": "00", "health": "10", "former_name": "",
        "household_place": "341102000000", "household_type": "1", "national_number": "G" + id_number,
        "grade": grade, "class_number": class_number, "entry_date": date(2026 - grade + 1, 9, 1),
        "entry_method": "11", "boarding": "1", "home_address": f"东湖镇{n}号", "phone": f"139{n:08d}",
        "only_child": n % 3 == 0, "preschool": True, "left_behind": "0", "migrant_worker_child": False,
        "orphan": False, "inclusive_education": False, "disabled": False,
        "guardian1_name": f"父{n}", "guardian1_relation": "51", "guardian1_id_number": "",
        "guardian1_phone": f"138{n:08d}", "guardian1_employer": "", "guardian2_name": f"母{n}",
        "guardian2_relation": "52", "guardian2_id_number": "", "guardian2_phone": f"137{n:08d}",
        "guardian2_employer": "东湖镇农场",
    }  # fmt: skip
    if form == "L":
        values["national_number"] = f"L{REGION}{birth:%Y%m%d}{n % 10000:04d}"
    elif form == "J":
        values.update(
            id_type="Z",
            id_number="",
            national_number="J" + make_id_number(REGION, birth, 900 + n % 50 * 2, sex),
            guardian1_id_number=make_id_number(REGION, date(1988, 5, 5), n % 999, "1"),
        )
    return values


def cells(values):
    return pupil_cells(values, full_numbers=True)


def xlsx(rows, *, header=HEADERS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(header)
    for row in rows:
        sheet.append(cells(row) if isinstance(row, dict) else row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls(rows):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(SHEET_TITLE)
    for column, header in enumerate(HEADERS):
        sheet.write(0, column, header)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(cells(row) if isinstance(row, dict) else row):
            sheet.write(index, column, value)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
