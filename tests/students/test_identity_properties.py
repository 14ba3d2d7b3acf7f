"""Property tests (Hypothesis) of GB 11643 ID numbers and masking: any valid 17 digits with the check
character the standard defines are accepted, every other check character refused, the birth date and sex
read back; a masked number never shows 6 or more consecutive digits of it."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from students.identity import PROVINCE_CODES, mask_id_number, mask_national_number, parse_id_number

WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))  # the standard's definition, not the module's table
TABLE = "10X98765432"
TODAY = date(2026, 11, 30)
FAST = settings(max_examples=150, deadline=None)


def standard_check(first17):
    return TABLE[sum(int(a) * w for a, w in zip(first17, WEIGHTS, strict=True)) % 11]


first_seventeen = st.builds(
    lambda province, county, born, sequence: f"{province}{county:04d}{born:%Y%m%d}{sequence:03d}",
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(0, 9999),
    st.dates(date(1900, 1, 1), TODAY),
    st.integers(0, 999),
)


@FAST
@given(first_seventeen)
def test_the_standards_check_character_is_accepted_and_the_number_read_back(first17):
    info = parse_id_number(first17 + standard_check(first17), today=TODAY)
    assert info.number == first17 + standard_check(first17)
    assert info.birth_date == date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    assert info.sex == ("1" if int(first17[16]) % 2 else "2")
    assert info.region == first17[:6]


@FAST
@given(first_seventeen, st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused(first17, given_check):
    if given_check == standard_check(first17):
        return
    try:
        parse_id_number(first17 + given_check, today=TODAY)
    except ValidationError as refused:
        assert refused.code == "check_digit"
    else:
        raise AssertionError(f"{first17}{given_check} was accepted")


@FAST
@given(first_seventeen)
def test_a_masked_number_shows_no_run_of_six_of_its_digits(first17):
    number = first17 + standard_check(first17)
    for masked in (mask_id_number(number), mask_national_number("G" + number)):
        assert len(masked) == len(number) + masked.startswith("G")
        assert not re.search(r"[0-9X]{6}", masked)


@FAST
@given(st.text(alphabet="0123456789X", min_size=1, max_size=30))
def test_a_masked_value_of_any_length_shows_no_run_of_six_digits(value):
    assert not re.search(r"[0-9X]{6}", mask_id_number(value))
