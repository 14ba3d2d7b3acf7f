"""The import template and the defended workbook reader (students.spreadsheet)."""

import zipfile
from datetime import date, datetime
from io import BytesIO

import openpyxl
import pytest
from django.utils import translation

from students.codes import Ethnicity
from students.identity import check_digit, make_id_number
from students.models import Guardian, SchoolNumber, Student
from students.spreadsheet import (
    COLUMNS,
    COLUMNS_BY_KEY,
    SpreadsheetRefused,
    build_template,
    open_workbook,
    read_rows,
)
from students.spreadsheet import cells as sheet_cells
from students.spreadsheet import columns as sheet_columns

PUPIL_ID = make_id_number("320102", date(2018, 3, 1), 12, "1")
FATHER_ID = make_id_number("320102", date(1988, 5, 17), 31, "1")
MOTHER_ID = make_id_number("320104", date(1990, 11, 2), 42, "2")


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted by their English msgid, whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield


def good_row(**changes):
    """One pupil as a school would type it (the drop-down "code label" forms), by Column.key."""
    row = {
        "name": "张小明",
        "former_name": None,
        "sex": "1 男",
        "birth_date": date(2018, 3, 1),
        "id_type": "1 居民身份证",
        "id_number": PUPIL_ID,
        "ethnicity": "01 汉族",
        "nationality": "CHN",
        "overseas_status": "00 否",
        "birthplace": "江苏省南京市",
        "native_place": "江苏省南京市",
        "household_place": "江苏省南京市玄武区",
        "household_type": "2 非农业",
        "home_address": "南京市玄武区北京东路1号",
        "phone": "13800138000",
        "health": "10 健康或良好",
        "only_child": "是",
        "left_behind": "0 非留守",
        "migrant_worker_child": "否",
        "orphan": "否",
        "disabled": "否",
        "inclusive_education": "否",
        "preschool": "是",
        "grade": 1,
        "class_number": 2,
        "entry_date": date(2024, 9, 1),
        "entry_method": "11 就近入学",
        "boarding": "1 走读",
        "guardian1_name": "张大伟",
        "guardian1_relation": "51 父亲",
        "guardian1_id_number": FATHER_ID,
        "guardian1_phone": "13900139000",
        "guardian1_employer": "南京某公司",
        "guardian2_name": "李芳",
        "guardian2_relation": "52 母亲",
        "guardian2_id_number": MOTHER_ID,
        "guardian2_phone": "13700137000",
        "guardian2_employer": None,
        "school_number": None,
    }
    row.update(changes)
    return row


def xlsx(rows, headers=None):
    """A workbook whose first row is `headers` (by default the template's) and then `rows`, each a dict by
    Column.key (or a list, written as it is)."""
    headers = headers or [column.template_header for column in COLUMNS]
    keys = [_KEY_BY_HEADER.get(header) for header in headers]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row if isinstance(row, list) else [row.get(key) if key else None for key in keys])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_KEY_BY_HEADER = {column.template_header: column.key for column in COLUMNS}


def read(data):
    workbook = open_workbook(BytesIO(data))
    try:
        return read_rows(workbook)
    finally:
        workbook.close()


def read_one(**changes):
    (result,) = read(xlsx([good_row(**changes)]))
    return result


def errors_of(result, header):
    return [message for column, message in result.errors if column == header]


def refusal(data):
    with pytest.raises(SpreadsheetRefused) as excinfo:
        read(data)
    return str(excinfo.value)


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def replace_part(data, name, content):
    """The workbook `data` with its ZIP entry `name` replaced."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    entries[name] = content
    return zip_bytes(entries)


# --- the template ------------------------------------------------------------------------------------------


def test_columns_are_in_the_national_order_and_fit_the_database():
    keys = [column.key for column in COLUMNS]
    assert keys[:4] == ["name", "former_name", "sex", "birth_date"]
    assert keys[28:38] == [
        f"guardian{n}_{field}" for n in (1, 2) for field in ("name", "relation", "id_number", "phone", "employer")
    ]
    assert keys[38:] == ["school_number"]  # the school's own number comes after the national columns
    assert len(COLUMNS) == 39
    for column in COLUMNS:
        if column.kind != "text":
            continue
        model, name = (Guardian, column.key.split("_", 1)[1]) if column.key.startswith("guardian") else (
            Student, column.key)  # fmt: skip
        if column.key == "school_number":
            model, name = SchoolNumber, "number"
        assert column.max_length == model._meta.get_field(name).max_length, column.key
    optional = {column.header for column in COLUMNS if not column.required}
    assert optional == {
        "曾用名", "留守儿童", "随迁子女", "孤儿", "残疾", "随班就读",
        "家庭成员1身份证件号", "家庭成员1工作单位", "家庭成员2身份证件号", "家庭成员2工作单位", "学号",
    }  # fmt: skip


def test_template_has_every_header_marked_and_drop_downs_from_the_hidden_code_sheet():
    workbook = openpyxl.load_workbook(BytesIO(build_template()))
    sheet = workbook["学生信息"]
    assert workbook.sheetnames == ["学生信息", "代码表"]
    assert workbook["代码表"].sheet_state == "hidden"
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column.template_header for column in COLUMNS]
    assert headers[0] == "★姓名" and headers[1] == "曾用名"
    assert sheet["A1"].font.b and not sheet["B1"].font.b
    assert sheet.freeze_panes == "A2"

    letter = openpyxl.utils.get_column_letter([c.key for c in COLUMNS].index("ethnicity") + 1)
    (validation,) = [dv for dv in sheet.data_validations.dataValidation if str(dv.sqref) == f"{letter}2:{letter}10001"]
    assert validation.type == "list"
    sheet_name, cells = validation.formula1.split("!")
    assert sheet_name == "'代码表'"
    options = [row[0].value for row in workbook["代码表"][cells.replace("$", "")]]
    assert options[0] == "01 汉族" and options[-1] == "98 外国血统中国籍人士"
    assert len(options) == len(Ethnicity.choices)

    validated = {str(dv.sqref).split(":")[0] for dv in sheet.data_validations.dataValidation}
    for index, column in enumerate(COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        assert (f"{letter}2" in validated) == (column.kind in ("choice", "bool")), column.key
    bool_letter = openpyxl.utils.get_column_letter([c.key for c in COLUMNS].index("only_child") + 1)
    (yes_no,) = [dv for dv in sheet.data_validations.dataValidation if str(dv.sqref).startswith(f"{bool_letter}2:")]
    assert yes_no.formula1 == '"是,否"'

    for key in ("id_number", "phone", "guardian1_id_number", "guardian2_phone"):
        letter = openpyxl.utils.get_column_letter([c.key for c in COLUMNS].index(key) + 1)
        assert sheet.column_dimensions[letter].number_format == "@", key
        assert sheet.column_dimensions[letter].width >= 16


def test_an_empty_template_reads_as_no_rows():
    assert read(build_template()) == []


def test_template_filled_with_two_pupils_reads_back_without_errors():
    workbook = openpyxl.load_workbook(BytesIO(build_template()))
    sheet = workbook["学生信息"]
    second = good_row(
        name="王丽", sex="2 女", birth_date=date(2017, 12, 30),
        id_number=make_id_number("320104", date(2017, 12, 30), 8, "2"),
        ethnicity="03 回族", grade=2, class_number=1, only_child="否", left_behind=None,
        guardian1_relation="63 外祖父", guardian1_id_number=None,
    )  # fmt: skip
    for row_number, row in enumerate([good_row(), second], start=2):
        for index, column in enumerate(COLUMNS, start=1):
            sheet.cell(row=row_number, column=index, value=row[column.key])
    buffer = BytesIO()
    workbook.save(buffer)

    first, other = read(buffer.getvalue())
    assert first.ok and other.ok, (first.errors, other.errors)
    assert (first.row_number, other.row_number) == (2, 3)
    assert first.values == {
        "name": "张小明", "former_name": None, "sex": "1", "birth_date": date(2018, 3, 1), "id_type": "1",
        "id_number": PUPIL_ID, "ethnicity": "01", "nationality": "CHN", "overseas_status": "00",
        "birthplace": "江苏省南京市", "native_place": "江苏省南京市", "household_place": "江苏省南京市玄武区",
        "household_type": "2", "home_address": "南京市玄武区北京东路1号", "phone": "13800138000", "health": "10",
        "only_child": True, "left_behind": "0", "migrant_worker_child": False, "orphan": False, "disabled": False,
        "inclusive_education": False, "preschool": True, "grade": 1, "class_number": 2,
        "entry_date": date(2024, 9, 1), "entry_method": "11", "boarding": "1",
        "guardian1_name": "张大伟", "guardian1_relation": "51", "guardian1_id_number": FATHER_ID,
        "guardian1_phone": "13900139000", "guardian1_employer": "南京某公司",
        "guardian2_name": "李芳", "guardian2_relation": "52", "guardian2_id_number": MOTHER_ID,
        "guardian2_phone": "13700137000", "guardian2_employer": None, "school_number": None,
    }  # fmt: skip
    assert other.values["sex"] == "2" and other.values["ethnicity"] == "03"
    assert other.values["only_child"] is False and other.values["left_behind"] is None
    assert other.values["guardian1_relation"] == "63" and other.values["guardian1_id_number"] is None
    assert (other.values["grade"], other.values["class_number"]) == (2, 1)


# --- refusing the whole file -------------------------------------------------------------------------------


def refused_on_open(data):
    with pytest.raises(SpreadsheetRefused) as excinfo:
        open_workbook(BytesIO(data))
    return str(excinfo.value)


def test_old_xls_is_refused_with_a_save_as_hint():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    assert refused_on_open(data) == (
        "This is an old .xls file; save it as .xlsx (Excel 2007 or later) and upload again."
    )


def test_password_protected_xlsx_is_not_called_an_old_xls():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100
    assert "password" in refused_on_open(data)


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200,  # a Windows program renamed .xlsx
        "姓名,性别\n张三,男\n".encode(),  # a CSV renamed .xlsx
        b"PK\x03\x04 not really a zip at all",  # the signature and nothing behind it
    ],
)
def test_a_renamed_file_is_not_a_workbook(data):
    assert refused_on_open(data) == "This file is not an Excel .xlsx workbook (a renamed file?)."


def test_empty_and_oversized_files_are_refused(monkeypatch):
    assert refused_on_open(b"") == "The file is empty."
    monkeypatch.setattr(sheet_columns, "MAX_UPLOAD_BYTES", 1000)
    assert "larger than" in refused_on_open(b"PK\x03\x04" + b"\0" * 1000)


def test_a_zip_that_is_not_a_workbook_is_refused():
    data = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>"})
    assert refused_on_open(data) == "This file is not an Excel .xlsx workbook (a renamed file?)."


def test_xlsb_and_ods_get_their_own_save_as_hint():
    assert ".xlsb" in refused_on_open(zip_bytes({"xl/workbook.bin": b"\0"}))
    ods = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})
    assert ".ods" in refused_on_open(ods)


def test_a_zip_with_too_many_entries_is_refused():
    entries = {"xl/workbook.xml": "<workbook/>"} | {f"xl/media/image{n}.png": b"x" for n in range(100)}
    assert refused_on_open(zip_bytes(entries)) == (
        "The file holds 101 parts; an Excel workbook has at most 100. It cannot be imported."
    )


def test_a_zip_bomb_is_refused_before_it_is_expanded():
    bomb = zip_bytes({"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": bytes(20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert "zip bomb" in refused_on_open(bomb)


def test_too_much_uncompressed_data_is_refused_even_at_a_modest_ratio(monkeypatch):
    monkeypatch.setattr(sheet_columns, "MAX_UNCOMPRESSED_BYTES", 10_000)
    data = zip_bytes({"xl/workbook.xml": "<workbook/>", "xl/big.bin": bytes(20_000)}, zipfile.ZIP_STORED)
    assert "zip bomb" in refused_on_open(data)


def test_a_damaged_workbook_is_refused():
    data = zip_bytes({"xl/workbook.xml": "<workbook", "[Content_Types].xml": "<Types"})
    assert "could not be read" in refused_on_open(data)


def test_xml_entities_are_refused():
    data = xlsx([good_row()])
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    hostile = '<!DOCTYPE worksheet [<!ENTITY boom "boom">]>' + sheet_xml.replace("<v>1</v>", "<v>&boom;</v>")
    assert "DTD or entities" in refused_on_open(replace_part(data, "xl/worksheets/sheet1.xml", hostile))


def test_openpyxl_without_defusedxml_is_a_setup_fault(monkeypatch):
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError):
        open_workbook(BytesIO(xlsx([good_row()])))


def test_too_many_rows_are_refused_on_opening(monkeypatch):
    monkeypatch.setattr(sheet_columns, "MAX_ROWS", 3)
    data = xlsx([good_row() for _ in range(4)])
    assert refused_on_open(data) == "The file has 4 rows; at most 3 can be imported at once."
    assert len(read(xlsx([good_row() for _ in range(3)]))) == 3


def test_too_many_rows_are_refused_while_reading_whatever_the_file_declares(monkeypatch):
    workbook = open_workbook(BytesIO(xlsx([good_row() for _ in range(4)])))
    monkeypatch.setattr(sheet_columns, "MAX_ROWS", 3)
    with pytest.raises(SpreadsheetRefused, match="more than 3 rows"):
        read_rows(workbook)
    workbook.close()


def test_a_missing_required_column_is_refused_by_name():
    headers = [column.template_header for column in COLUMNS if column.key not in ("sex", "grade", "orphan")]
    message = refusal(xlsx([], headers))
    assert message == "Required columns are missing from the first row: 性别、年级. Start from the import template."


def test_a_column_given_twice_is_refused():
    headers = [column.template_header for column in COLUMNS] + ["民族"]
    assert refusal(xlsx([], headers)) == "The column 民族 appears more than once; keep only one."


def test_columns_are_found_by_header_with_or_without_the_star_in_any_order():
    columns = list(reversed(COLUMNS))
    headers = [f" {column.header}\u3000" if n % 2 else f"★ {column.header}" for n, column in enumerate(columns)]
    headers = [header.replace("/", "／") for header in headers]  # typed with a full-width slash
    headers.insert(3, "备注")  # a column the template does not have is ignored
    row = good_row()
    values = [row[column.key] for column in columns]
    values.insert(3, "转自外省")
    (result,) = read(xlsx([values], headers))
    assert result.ok, result.errors
    assert result.values["nationality"] == "CHN" and result.values["ethnicity"] == "01"


def test_missing_optional_columns_read_as_none():
    headers = [column.template_header for column in COLUMNS if column.required]
    row = good_row()
    (result,) = read(xlsx([[row[column.key] for column in COLUMNS if column.required]], headers))
    assert result.ok, result.errors
    assert result.values["former_name"] is None and result.values["orphan"] is None


# --- row by row --------------------------------------------------------------------------------------------


def test_empty_rows_are_skipped_and_rows_keep_their_excel_numbers():
    data = xlsx([good_row(), {}, ["", "\u3000", None], good_row(name="李四")])
    first, second = read(data)
    assert (first.row_number, second.row_number) == (2, 5)
    assert second.values["name"] == "李四"


def test_an_empty_required_cell_is_reported_and_an_empty_optional_one_is_not():
    result = read_one(name="  ", phone=None, guardian2_relation="", former_name="", orphan=None)
    assert not result.ok
    assert result.errors == [("姓名", "Required."), ("联系电话", "Required."), ("家庭成员2关系", "Required.")]
    assert result.values["name"] is None and result.values["orphan"] is None


def test_a_formula_is_not_accepted():
    result = read_one(name='=CONCAT("张","三")', grade="=1+1")
    assert errors_of(result, "姓名") == ["Formulas are not accepted; enter the value itself."]
    assert errors_of(result, "年级") == ["Formulas are not accepted; enter the value itself."]
    assert result.values["grade"] is None


def test_a_formula_cell_from_excel_is_not_accepted():
    workbook = openpyxl.load_workbook(BytesIO(xlsx([good_row()])))
    workbook.active["X2"] = "=1"  # 年级 (column 24)
    assert workbook.active["X1"].value == "★年级"
    buffer = BytesIO()
    workbook.save(buffer)
    (result,) = read(buffer.getvalue())
    assert result.errors == [("年级", "Formulas are not accepted; enter the value itself.")]


def test_a_bad_check_digit_names_the_expected_digit():
    first17 = PUPIL_ID[:17]
    expected = check_digit(first17)
    wrong = "0" if expected != "0" else "1"
    result = read_one(id_number=first17 + wrong)
    assert errors_of(result, "身份证件号") == [f"The check digit should be {expected}, not {wrong}."]
    assert result.values["id_number"] is None


def test_id_numbers_are_normalised_and_checked_for_family_members_too():
    spaced = " ".join([PUPIL_ID[:6], PUPIL_ID[6:14], PUPIL_ID[14:]])
    result = read_one(id_number=spaced, guardian2_id_number="1234")
    assert result.values["id_number"] == PUPIL_ID
    assert errors_of(result, "家庭成员2身份证件号") == ["An ID number has 18 characters, not 4."]


def test_an_id_number_typed_as_a_number():
    # A spreadsheet cell holds a double: Excel (and openpyxl) keep 15 significant digits of an 18-digit number.
    rounded = read_one(guardian1_id_number=int(FATHER_ID))
    assert errors_of(rounded, "家庭成员1身份证件号") == [
        "Excel stored this ID number as a number and kept only 15 digits; format the column as text and type "
        "the number again."
    ]
    # An exact integer (a file written by another program) is taken digit for digit.
    assert sheet_cells.convert(int(FATHER_ID), COLUMNS_BY_KEY["guardian1_id_number"]) == FATHER_ID


def test_the_id_number_must_agree_with_birth_date_and_sex():
    result = read_one(birth_date=date(2018, 3, 2), sex="女")
    assert errors_of(result, "身份证件号") == [
        "The ID number gives the birth date 2018-03-01, but 出生日期 says 2018-03-02.",
        "The ID number is that of a 男 pupil (its 17th digit), but 性别 says 女.",
    ]


def test_other_documents_are_not_checked_as_resident_id_numbers():
    result = read_one(id_type="A 护照", id_number="e1234 5678")
    assert result.ok, result.errors
    assert (result.values["id_type"], result.values["id_number"]) == ("A", "E12345678")


def test_id_type_other_allows_a_blank_number_only_with_a_family_members_id():
    assert read_one(id_type="Z", id_number=None).ok
    result = read_one(id_type="Z 其他", id_number=None, guardian1_id_number=None, guardian2_id_number=None)
    assert result.errors == [
        ("身份证件号", "Without an ID number for the pupil, a family member's ID number is required.")
    ]
    assert errors_of(read_one(id_number=None), "身份证件号") == ["Required."]


@pytest.mark.parametrize(
    "typed, code",
    [("01 汉族", "01"), ("01", "01"), (1, "01"), (1.0, "01"), ("1", "01"), ("汉族", "01"), ("汉", "01"),
     ("  03\u3000回族 ", "03"), ("03回族", "03"), ("98", "98"), ("外国血统中国籍人士", "98")],
)  # fmt: skip
def test_a_code_is_accepted_as_code_label_or_both(typed, code):
    result = read_one(ethnicity=typed)
    assert result.ok, result.errors
    assert result.values["ethnicity"] == code


def test_codes_of_other_tables():
    result = read_one(overseas_status=0, id_type="a 护照", id_number="E1", health=10, boarding="住校")
    assert result.ok, result.errors
    keys = ("overseas_status", "id_type", "health", "boarding")
    assert [result.values[key] for key in keys] == ["00", "A", "10", "2"]
    assert read_one(overseas_status=1).values["overseas_status"] == "1"


@pytest.mark.parametrize("typed", ["汉人", "99", 100, "01 蒙古族", True])
def test_an_unknown_ethnicity_is_reported(typed):
    result = read_one(ethnicity=typed)
    shown = {True: "True", 100: "100"}.get(typed, typed)
    assert result.errors == [("民族", f"Unknown value {shown}; choose from the list.")]
    assert result.values["ethnicity"] is None


@pytest.mark.parametrize(
    "typed",
    ["2019-10-08", "2019/10/8", "2019.10.08", "20191008", "2019年10月8日", "２０１９年１０月８日", " 2019-10-8 ",
     "2019-10-08 00:00:00", 20191008, date(2019, 10, 8), datetime(2019, 10, 8, 0, 0)],
)  # fmt: skip
def test_date_forms(typed):
    result = read_one(entry_date=typed)
    assert result.ok, result.errors
    assert result.values["entry_date"] == date(2019, 10, 8)


@pytest.mark.parametrize("typed", ["2019-13-01", "2019-02-30", "10/08/2019", "十月八日", "2019", 43746])
def test_not_a_date(typed):
    result = read_one(entry_date=typed)
    assert result.errors == [("入学日期", f"Not a date: {typed}; write it as 2019-10-08.")]


@pytest.mark.parametrize(
    "typed, expected",
    [("是", True), ("否", False), ("Y", True), ("n", False), (1, True), (0, False), ("1", True), ("0", False),
     ("true", True), ("FALSE", False), ("√", True), (True, True), (False, False), (1.0, True)],
)  # fmt: skip
def test_bool_forms(typed, expected):
    result = read_one(only_child=typed, orphan=typed)
    assert result.ok, result.errors
    assert result.values["only_child"] is expected and result.values["orphan"] is expected


def test_not_a_bool():
    result = read_one(only_child="也许")
    assert result.errors == [("是否独生子女", "Not yes or no: 也许; write 是 or 否.")]


@pytest.mark.parametrize("typed, expected", [(3, 3), ("3", 3), (3.0, 3), ("３", 3), (" 9 ", 9), ("3.0", 3)])
def test_whole_numbers(typed, expected):
    assert read_one(grade=typed).values["grade"] == expected


@pytest.mark.parametrize(
    "grade, class_number, errors",
    [
        (0, 1, [("年级", "Must be between 1 and 9, not 0.")]),
        (10, 1, [("年级", "Must be between 1 and 9, not 10.")]),
        (3, 0, [("班号", "Must be at least 1, not 0.")]),
        (2.5, "二班", [("年级", "Not a whole number: 2.5."), ("班号", "Not a whole number: 二班.")]),
    ],
)
def test_whole_numbers_out_of_range_or_not_numbers(grade, class_number, errors):
    assert read_one(grade=grade, class_number=class_number).errors == errors


def test_text_is_stripped_and_numbers_become_digits():
    result = read_one(name="\u3000张小明 ", phone=13800138000, guardian1_phone=13900139000.0, home_address=" 1号 ")
    assert result.ok, result.errors
    values = result.values
    assert (values["name"], values["phone"], values["guardian1_phone"]) == ("张小明", "13800138000", "13900139000")
    assert values["home_address"] == "1号"


def test_text_longer_than_the_database_column_is_reported():
    result = read_one(name="张" * 51)
    assert result.errors == [("姓名", "At most 50 characters, not 51.")]


def test_an_excel_error_value_is_not_accepted():
    workbook = openpyxl.load_workbook(BytesIO(xlsx([good_row()])))
    cell = workbook.active["A2"]
    cell.value, cell.data_type = "#N/A", "e"
    buffer = BytesIO()
    workbook.save(buffer)
    (result,) = read(buffer.getvalue())
    assert result.errors == [("姓名", "The cell shows the Excel error #N/A; enter the value itself.")]


def test_every_column_key_is_in_the_values():
    assert set(read_one().values) == set(COLUMNS_BY_KEY)


def test_a_sheet_damaged_after_its_first_rows_is_refused():
    data = xlsx([good_row(), good_row()])
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    damaged = replace_part(data, "xl/worksheets/sheet1.xml", sheet_xml[: sheet_xml.index('<row r="3"') + 20])
    assert "could not be read" in refused_on_open(damaged)  # the upload's row scan reads the whole sheet


def test_an_ordinary_workbook_can_be_read_too():
    workbook = openpyxl.load_workbook(BytesIO(xlsx([good_row(), good_row(name="李四")])))
    first, second = read_rows(workbook)
    assert first.ok and second.values["name"] == "李四"


# --- cells Excel turned into something else (issue 18.16) ---------------------------------------------------


def test_a_date_in_the_name_column_is_refused_not_imported_as_its_text():
    result = read_one(name=datetime(2019, 10, 8))
    assert result.errors == [
        ("姓名", "Text expected, but Excel holds this cell as a date or time (2019-10-08); format the column as "
                 "text and type it again.")
    ]  # fmt: skip
    assert result.values["name"] is None


@pytest.mark.parametrize("key", ["name", "former_name", "birthplace", "home_address", "guardian2_name", "nationality"])
def test_every_text_column_refuses_a_number_or_a_date(key):
    header = COLUMNS_BY_KEY[key].header
    assert errors_of(read_one(**{key: 2019}), header) == [
        "Text expected, but Excel holds this cell as the number 2019; format the column as text and type it again."
    ]
    assert len(errors_of(read_one(**{key: date(2019, 10, 8)}), header)) == 1
    assert errors_of(read_one(**{key: True}), header) == [
        "Text expected, but Excel holds this cell as TRUE/FALSE; type the text itself."
    ]


def test_a_phone_number_typed_as_a_number_is_still_taken_but_not_a_fraction():
    assert read_one(phone=13800138000).values["phone"] == "13800138000"
    assert errors_of(read_one(guardian1_phone=138.5), "家庭成员1联系电话") == [
        "Text expected, but Excel holds this cell as the number 138.5; format the column as text and type it again."
    ]


# --- content types other than a plain workbook (issue 18.17) ------------------------------------------------

MACRO_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)


def as_content_type(data, content_type, extra=None):
    """The workbook `data` declaring its workbook part as `content_type`, with `extra` parts added."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].decode().replace(MACRO_TYPES[0], content_type)
    entries.update(extra or {})
    return zip_bytes(entries)


def test_a_macro_enabled_workbook_is_refused():
    xlsm = as_content_type(xlsx([good_row()]), MACRO_TYPES[1], {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
    assert refused_on_open(xlsm) == (
        "This workbook contains macros (.xlsm); macros are not accepted. In Excel, save it as “Excel Workbook "
        "(*.xlsx)” and upload again."
    )
    # macros hidden in a package that calls itself a plain workbook are refused too
    assert "macros" in refused_on_open(replace_part(xlsx([good_row()]), "xl/vbaProject.bin", b"macro"))


@pytest.mark.parametrize(
    "content_type, message",
    [
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml", "template (.xltx)"),
        ("application/vnd.ms-excel.template.macroEnabled.main+xml", "macros"),
        ("application/vnd.ms-excel.addin.macroEnabled.main+xml", "not an Excel .xlsx workbook"),
    ],
)
def test_templates_and_add_ins_are_refused(content_type, message):
    assert message in refused_on_open(as_content_type(xlsx([good_row()]), content_type))


# --- a file of 900,000 formatted empty rows (issue 14) ------------------------------------------------------


def formatted_empty_rows(count=900_000):
    """One pupil, then `count` empty rows carrying a format (what Excel writes after formatting whole rows),
    while the sheet's dimension still says A1:AL2: about 4.7 MB, 70 MB of XML."""
    data = xlsx([good_row()])
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    blank = "".join(f'<row r="{n}" spans="1:38" s="0" customFormat="1"><c r="A{n}" s="0"/></row>'
                    for n in range(3, count + 3))  # fmt: skip
    return replace_part(data, "xl/worksheets/sheet1.xml", sheet_xml.replace("</sheetData>", blank + "</sheetData>"))


def test_a_file_of_900000_formatted_empty_rows_is_refused_early_in_bounded_memory():
    import time
    import tracemalloc

    data = formatted_empty_rows()
    assert 3_000_000 < len(data) < 10_000_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = refused_on_open(data)
    finally:
        elapsed = time.perf_counter() - started
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert message == (
        "The sheet has more than 1000 empty rows in a row (rows with formatting only, up to row 1003). Delete the "
        "empty rows below the pupils and upload again."
    )
    assert elapsed < 2, elapsed
    assert peak < 50 * 2**20, peak  # the file's bytes and a bounded scan; no openpyxl workbook


def refused_on_read_without_the_scan(data):
    """The refusal of a file opened without the row scan (the import task's way: its upload was scanned in the
    web request), from the reader's own row bounds."""
    workbook = open_workbook(BytesIO(data), scan=False)
    try:
        with pytest.raises(SpreadsheetRefused) as excinfo:
            read_rows(workbook)
    finally:
        workbook.close()
    return str(excinfo.value)


def test_the_reader_itself_refuses_900000_formatted_empty_rows_after_the_first_thousand():
    import time

    data = formatted_empty_rows()
    started = time.perf_counter()
    message = refused_on_read_without_the_scan(data)
    assert message == (
        "The sheet has more than 1000 empty rows in a row (rows with formatting only, up to row 1003). Delete the "
        "empty rows below the pupils and upload again."
    )
    assert time.perf_counter() - started < 5  # a thousand rows read, not 900,000 (about 80 s)


def test_the_reader_skips_a_gap_in_the_row_numbers_without_counting_it_as_empty_rows(monkeypatch):
    monkeypatch.setattr(sheet_columns, "MAX_BLANK_ROWS", 2)
    workbook = openpyxl.load_workbook(BytesIO(xlsx([good_row()])))
    workbook.active["A5000"] = "x"  # a row far below: rows 3–4999 are not in the sheet at all
    buffer = BytesIO()
    workbook.save(buffer)
    (pupil, stray) = read(buffer.getvalue())
    assert pupil.ok and stray.row_number == 5000


def test_a_few_formatted_empty_rows_below_the_pupils_are_fine(monkeypatch):
    monkeypatch.setattr(sheet_columns, "MAX_BLANK_ROWS", 50)
    (result,) = read(formatted_empty_rows(50))
    assert result.ok


def test_many_rows_in_all_are_refused_even_without_a_long_empty_run(monkeypatch):
    monkeypatch.setattr(sheet_columns, "MAX_ROWS", 3)
    monkeypatch.setattr(sheet_columns, "MAX_BLANK_ROWS", 2)
    data = xlsx([good_row(), {}, {}, good_row(), {}, good_row(), {}, good_row()])  # dimension A1:AL9
    assert refused_on_open(data) == "The file has 8 rows; at most 3 can be imported at once."
    # the reader alone stops at the first row past MAX_ROWS + MAX_BLANK_ROWS + the header
    assert refused_on_read_without_the_scan(data) == "The file has 6 rows; at most 3 can be imported at once."
