"""GB 11643-1999 check characters from the standard's own definition, computed here and not by
`students.identity.check_digit`: weights W_i = 2^(i-1) mod 11 for positions 18…2 read right to left, i.e.
7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 left to right, and the check character for S = Σ a_i·W_i by S mod 11
from the table "1 0 X 9 8 7 6 5 4 3 2" — plus the standard's published example number."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from students.identity import parse_id_number

STANDARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
STANDARD_TABLE = {0: "1", 1: "0", 2: "X", 3: "9", 4: "8", 5: "7", 6: "6", 7: "5", 8: "4", 9: "3", 10: "2"}
TODAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def reference_check_character(first17: str) -> str:
    return STANDARD_TABLE[sum(int(a) * w for a, w in zip(first17, STANDARD_WEIGHTS, strict=True)) % 11]


def test_the_weights_are_the_iso_7064_mod_11_2_powers_of_two():
    assert STANDARD_WEIGHTS == tuple(2 ** (17 - i) % 11 for i in range(17))


def test_the_standards_own_example_is_accepted():
    # GB 11643-1999 附录 A: 北京市朝阳区, born 1949-12-31, sequence 002 (a woman), check character X
    info = parse_id_number("11010519491231002X", today=TODAY)
    assert (info.region, info.birth_date, info.sex) == ("110105", date(1949, 12, 31), "2")
    assert reference_check_character("11010519491231002") == "X"


def _prefix_with_remainder(remainder):
    """A 17-digit prefix (region 110105, born 2015-06-01) whose weighted sum leaves `remainder` mod 11."""
    for sequence in range(1000):
        first17 = f"11010520150601{sequence:03d}"
        if sum(int(a) * w for a, w in zip(first17, STANDARD_WEIGHTS, strict=True)) % 11 == remainder:
            return first17
    raise AssertionError(remainder)


@pytest.mark.parametrize("remainder", range(11))
def test_every_row_of_the_check_character_table(remainder):
    """Each of the eleven remainders: the standard's check character is accepted and the ten others refused."""
    first17 = _prefix_with_remainder(remainder)
    right = STANDARD_TABLE[remainder]
    assert parse_id_number(first17 + right, today=TODAY).number == first17 + right
    for wrong in sorted(set("0123456789X") - {right}):
        with pytest.raises(ValidationError) as refused:
            parse_id_number(first17 + wrong, today=TODAY)
        assert refused.value.code == "check_digit"
        assert f"should be {right}, not {wrong}" in refused.value.messages[0]
