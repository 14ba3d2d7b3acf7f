"""The GB 11643-1999 ID number rules (students.identity) and the national code tables (students.codes)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from students.codes import Ethnicity, Sex
from students.identity import (
    IdNumberInfo,
    check_digit,
    make_id_number,
    mask_id_number,
    mask_name,
    mask_national_number,
    mask_phone,
    normalise_id_number,
    parse_id_number,
)

TODAY = date(2025, 9, 1)
TEXTBOOK = "11010519491231002X"  # the example printed in GB 11643-1999


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted by their English msgid, whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield


def refusal(raw, today=TODAY):
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number(raw, today=today)
    error = excinfo.value
    assert len(error.messages) == 1
    return error.code, error.messages[0]


def with_check(first17):
    return first17 + check_digit(first17)


# --- valid numbers -------------------------------------------------------------------------------------------


def test_textbook_example_is_valid():
    info = parse_id_number(TEXTBOOK, today=TODAY)
    assert info == IdNumberInfo(number=TEXTBOOK, region="110105", birth_date=date(1949, 12, 31), sex="2")


def test_check_digit_matches_the_standard():
    assert check_digit("11010519491231002") == "X"
    assert check_digit("32010220180305123") == with_check("32010220180305123")[-1]
    with pytest.raises(ValueError, match="needs exactly 17 ASCII digits"):
        check_digit("1234")
    with pytest.raises(ValueError):
        check_digit("1101051949123100X")


def test_made_number_is_valid():
    number = make_id_number("320102", date(2018, 3, 5), 123, Sex.MALE)
    assert len(number) == 18
    assert number[:17] == "32010220180305123"
    info = parse_id_number(number, today=TODAY)
    assert info.number == number
    assert info.region == "320102"
    assert info.birth_date == date(2018, 3, 5)
    assert info.sex == "1"


@pytest.mark.parametrize("sex", ["1", "2"])
@pytest.mark.parametrize("sequence", [0, 1, 122, 123, 998, 999])
def test_make_id_number_round_trips_for_both_sexes(sex, sequence):
    number = make_id_number("440305", date(2019, 2, 28), sequence, sex)
    info = parse_id_number(number, today=TODAY)
    assert info.sex == sex
    assert info.birth_date == date(2019, 2, 28)
    assert info.region == "440305"
    assert abs(int(number[14:17]) - sequence) <= 1  # only the last digit is nudged, and only if needed


def test_make_id_number_adjusts_only_the_parity():
    assert make_id_number("320102", date(2018, 3, 5), 123, "2")[14:17] == "122"
    assert make_id_number("320102", date(2018, 3, 5), 122, "2")[14:17] == "122"
    assert make_id_number("320102", date(2018, 3, 5), 122, "1")[14:17] == "123"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("32010", date(2018, 3, 5), 1, "1"), "region must be 6 ASCII digits"),
        (("32010A", date(2018, 3, 5), 1, "1"), "region must be 6 ASCII digits"),
        (("320102", date(2018, 3, 5), 1000, "1"), "sequence must be between 0 and 999"),
        (("320102", date(2018, 3, 5), -1, "1"), "sequence must be between 0 and 999"),
        (("320102", date(2018, 3, 5), 1, "3"), 'sex must be "1" or "2"'),
    ],
)
def test_make_id_number_refuses_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        make_id_number(*args)


def test_a_national_number_is_masked_like_the_id_number_inside_it():
    assert mask_national_number("G11010519491231002X") == "G1101**********002X"
    assert mask_national_number("1234567890123456789") == "*" * 15 + "6789"  # 19 characters, no letter first
    assert mask_national_number("G123") == "**23"  # a letter first, but not 19 characters
    assert mask_national_number(None) == mask_national_number("") == ""


# --- normalisation -------------------------------------------------------------------------------------------


def test_full_width_spaces_and_lower_case_x_are_normalised():
    typed = "１１０１０５\u3000１９４９１２３１ 002ｘ"
    assert normalise_id_number(typed) == TEXTBOOK
    assert parse_id_number(typed, today=TODAY).number == TEXTBOOK


def test_lower_case_x_and_surrounding_whitespace():
    assert normalise_id_number(" 11010519491231002x\t\n") == TEXTBOOK
    assert normalise_id_number("\ufeff1101 0519 4912 3100 2X\u200b") == TEXTBOOK


# --- each rule and its message -------------------------------------------------------------------------------


def test_length_says_how_many_characters_were_given():
    assert refusal("1101051949123100") == ("length", "An ID number has 18 characters, not 16.")
    assert refusal(TEXTBOOK + "1") == ("length", "An ID number has 18 characters, not 19.")
    assert refusal("") == ("length", "An ID number has 18 characters, not 0.")


def test_characters():
    code, message = refusal("1101051949A231002X")
    assert code == "characters"
    assert message == (
        'The character "A" at position 11 is not allowed: an ID number has 17 digits followed by a digit or X.'
    )
    assert refusal("11010519491231002Y")[0] == "characters"
    assert refusal("1101051949123100X2")[0] == "characters"  # X only as the last character
    assert refusal("11010519491231002\u0663")[0] == "characters"  # a non-ASCII digit


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "38", "47", "55", "66", "70", "72", "80", "83", "99"])
def test_region_refused(province):
    code, message = refusal(with_check(province + "010520180305123"))
    assert code == "region"
    assert message == f"The ID number starts with {province}, which is not a province-level region code."


@pytest.mark.parametrize(
    "province",
    ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82"],
)
def test_region_accepted(province):
    assert parse_id_number(with_check(province + "010520180305123"), today=TODAY).region == province + "0105"


def test_february_30_refused():
    code, message = refusal(with_check("32010220180230123"))
    assert code == "birth_date"
    assert message == "Characters 7 to 14 of the ID number, 20180230, are not a valid date of birth."


def test_leap_day():
    assert parse_id_number(with_check("32010220160229123"), today=TODAY).birth_date == date(2016, 2, 29)
    assert refusal(with_check("32010220170229123"))[0] == "birth_date"
    assert refusal(with_check("32010220181301123"))[0] == "birth_date"
    assert refusal(with_check("32010220180100123"))[0] == "birth_date"


def test_future_birth_date_refused():
    tomorrow = make_id_number("320102", date(2025, 9, 2), 1, "1")
    code, message = refusal(tomorrow)
    assert code == "birth_date"
    assert message == "The date of birth in the ID number, 2025-09-02, is in the future."
    born_today = make_id_number("320102", TODAY, 1, "1")
    assert parse_id_number(born_today, today=TODAY).birth_date == TODAY


def test_today_defaults_to_the_local_date():
    next_year = date.today().year + 1
    code, _message = refusal(make_id_number("320102", date(next_year, 1, 1), 1, "1"), today=None)
    assert code == "birth_date"


def test_birth_before_1900_refused():
    code, message = refusal(make_id_number("320102", date(1899, 12, 31), 1, "1"))
    assert code == "birth_date"
    assert message == "The date of birth in the ID number, 1899-12-31, is before 1900."
    assert parse_id_number(make_id_number("320102", date(1900, 1, 1), 1, "1"), today=TODAY)


def test_wrong_check_digit_names_the_right_one():
    assert refusal("110105194912310025") == ("check_digit", "The check digit should be X, not 5.")
    number = make_id_number("320102", date(2018, 3, 5), 123, "1")
    wrong = "X" if number[-1] != "X" else "0"
    assert refusal(number[:17] + wrong) == ("check_digit", f"The check digit should be {number[-1]}, not {wrong}.")


def test_rules_are_checked_in_order():
    # bad region, bad date and bad check digit at once: the region is reported first
    assert refusal("000105201802301230")[0] == "region"
    # bad date and bad check digit: the date first
    assert refusal("320102201802301230")[0] == "birth_date"


# --- masking -------------------------------------------------------------------------------------------------


def test_mask_18_characters():
    assert mask_id_number("320102201803051234") == "3201**********1234"
    assert mask_id_number(TEXTBOOK) == "1101**********002X"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("", ""),
        ("1", "*"),
        ("12", "*2"),
        ("1234", "**34"),
        ("12345678", "****5678"),
        ("E12345678", "*****5678"),
        ("320102180305123", "***********5123"),  # a first-generation 15-digit number
        ("G320102201803051234", "***************1234"),
    ],
)
def test_mask_short_and_odd_values(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),  # a mobile number: the operator prefix and the last four kept
        ("0771-5551234", "077*****1234"),  # a landline with its area code
        ("12345678901", "123****8901"),  # eleven characters: four hidden between the first three and last four
        ("5551234", "***1234"),  # a landline without its area code: only its last four
        ("0771555123", "******5123"),
        ("123456", "******"),  # shorter than seven: nothing shown
        ("", ""),
        (None, ""),
    ],
)
def test_a_phone_number_keeps_its_first_three_and_last_four_digits(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张小明", "张*明"),
        ("欧阳小锋", "欧**锋"),
        ("李明", "李*"),
        ("李", "*"),
        ("  王𠮷华 ", "王*华"),  # spaces around it dropped; 𠮷 (outside the BMP) is one character
        ("", ""),
        (None, ""),
    ],
)
def test_a_name_keeps_its_first_and_last_characters(value, masked):
    assert mask_name(value) == masked


# --- code tables ---------------------------------------------------------------------------------------------


def test_ethnicity_table():
    assert len(Ethnicity) == 58
    with translation.override("zh-hans"):  # GB 3304's names; the English interface has its own catalogue
        assert Ethnicity("01").label == "汉族"
        assert Ethnicity("56").label == "基诺族"
        assert Ethnicity.FOREIGN_ORIGIN.label == "外国血统中国籍人士"
    assert Ethnicity("01").label == "Han"
    assert Ethnicity.HAN == "01"
    assert Ethnicity.JINO == "56"
    assert [member.value for member in Ethnicity] == [f"{n:02d}" for n in range(1, 57)] + ["97", "98"]


def test_sex_codes_match_identity():
    assert Sex.MALE == "1"
    assert Sex.FEMALE == "2"
    assert parse_id_number(TEXTBOOK, today=TODAY).sex == Sex.FEMALE


def test_check_digit_message_in_chinese_names_the_right_digit():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as caught:
            parse_id_number("110105194912310025")
    assert caught.value.messages == ["校验位应为 X，而不是 5。"]
