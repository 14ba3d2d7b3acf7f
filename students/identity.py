"""The citizen ID number (居民身份证号码) rule of GB 11643-1999.

An ID number has 18 characters: a 6-digit administrative region code (GB/T 2260), the 8-digit date of birth
(YYYYMMDD), a 3-digit sequence whose last digit is odd for a man and even for a woman, and a check character
computed over the first 17 digits with ISO 7064 MOD 11-2 (``X`` stands for 10).

This module is pure Python (no models): it normalises what people type or paste, parses and validates a number
(raising Django's ``ValidationError`` with one message and code per rule), masks a number for display, and
builds valid numbers for demo data and tests. Whether the birth date and sex in the number agree with the
pupil's form is the caller's check; ``parse_id_number`` returns both for that purpose.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

ID_NUMBER_LENGTH = 18

# ISO 7064 MOD 11-2: weight of position i (1-based, left to right) is 2**(18 - i) mod 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # indexed by (weighted sum mod 11)

# First two digits: the province-level divisions of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macao).
PROVINCE_CODES = frozenset(
    f"{code:02d}"
    for low, high in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 82))
    for code in range(low, high + 1)
)

EARLIEST_BIRTH_DATE = date(1900, 1, 1)

SEX_MALE = "1"
SEX_FEMALE = "2"

_ASCII_DIGITS = frozenset("0123456789")
# Invisible characters that often come along with text pasted from spreadsheets or web pages.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(frozen=True)
class IdNumberInfo:
    """What a valid ID number says: the normalised number, its 6-digit region code, birth date and sex
    ("1" male, "2" female, the codes of ``students.codes.Sex``)."""

    number: str
    region: str
    birth_date: date
    sex: str


def normalise_id_number(raw: str) -> str:
    """The number as it should be stored: NFKC-normalised (full-width digits and letters become ASCII),
    with all whitespace (including the ideographic space U+3000) and zero-width characters removed, and a
    trailing lower-case ``x`` upper-cased. Does not validate."""
    value = unicodedata.normalize("NFKC", raw).translate(_INVISIBLE)
    value = "".join(value.split())
    if value.endswith("x"):
        value = value[:-1] + "X"
    return value


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character ("0"–"9" or "X") for the first 17 digits of an ID number."""
    if len(first17) != ID_NUMBER_LENGTH - 1 or not set(first17) <= _ASCII_DIGITS:
        raise ValueError(f"check_digit() needs exactly 17 ASCII digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumberInfo:
    """Normalise and validate an ID number, returning what it says.

    The rules are checked in this order and the first failure raises ``ValidationError`` with its code:
    "length" (not 18 characters), "characters" (not 17 digits then a digit or X), "region" (the first two
    digits are not a province-level code), "birth_date" (characters 7–14 are not a real date between
    1900-01-01 and ``today``, by default today's local date) and "check_digit" (the last character does not
    match; the message names the expected one).
    """
    number = normalise_id_number(raw)

    if len(number) != ID_NUMBER_LENGTH:
        raise ValidationError(
            _("An ID number has 18 characters, not %(count)d.") % {"count": len(number)},
            code="length",
        )

    for position, char in enumerate(number, start=1):
        if char in _ASCII_DIGITS or (position == ID_NUMBER_LENGTH and char == "X"):
            continue
        raise ValidationError(
            _(
                'The character "%(char)s" at position %(position)d is not allowed: an ID number has 17 digits '
                "followed by a digit or X."
            )
            % {"char": char, "position": position},
            code="characters",
        )

    province = number[:2]
    if province not in PROVINCE_CODES:
        raise ValidationError(
            _("The ID number starts with %(code)s, which is not a province-level region code.") % {"code": province},
            code="region",
        )

    digits = number[6:14]
    try:
        birth_date = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValidationError(
            _("Characters 7 to 14 of the ID number, %(digits)s, are not a valid date of birth.") % {"digits": digits},
            code="birth_date",
        ) from None
    if today is None:
        today = timezone.localdate()
    if birth_date > today:
        raise ValidationError(
            _("The date of birth in the ID number, %(date)s, is in the future.") % {"date": birth_date.isoformat()},
            code="birth_date",
        )
    if birth_date < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The date of birth in the ID number, %(date)s, is before 1900.") % {"date": birth_date.isoformat()},
            code="birth_date",
        )

    expected = check_digit(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The check digit should be %(expected)s, not %(given)s.") % {"expected": expected, "given": number[17]},
            code="check_digit",
        )

    sex = SEX_MALE if int(number[16]) % 2 else SEX_FEMALE
    return IdNumberInfo(number=number, region=number[:6], birth_date=birth_date, sex=sex)


def mask_id_number(value: str) -> str:
    """The number as shown on screens and paper: an 18-character number keeps its first 4 and last 4
    characters (``3201**********1234``); any other non-empty value keeps at most its last 4 characters (never
    more than half of it) and masks the rest. Empty stays empty."""
    if not value:
        return ""
    if len(value) == ID_NUMBER_LENGTH:
        return value[:4] + "*" * (ID_NUMBER_LENGTH - 8) + value[-4:]
    keep = min(4, len(value) // 2)
    return "*" * (len(value) - keep) + value[len(value) - keep :]


def make_id_number(region: str, birth_date: date, sequence: int, sex: str) -> str:
    """A valid ID-number-shaped code (J national numbers, demo data, test factories): the 6-digit region,
    the birth date, the 3-digit sequence (0–999) with its last digit nudged by one if needed so it is odd
    for "1" (male) and even for "2" (female), and the check character. The region is not checked against
    the province list."""
    if len(region) != 6 or not set(region) <= _ASCII_DIGITS:
        raise ValueError(f"region must be 6 ASCII digits, got {region!r}")
    if not 0 <= sequence <= 999:
        raise ValueError(f"sequence must be between 0 and 999, got {sequence!r}")
    if sex not in (SEX_MALE, SEX_FEMALE):
        raise ValueError(f'sex must be "1" or "2", got {sex!r}')
    if (sequence % 2 == 1) != (sex == SEX_MALE):
        sequence ^= 1  # flips the parity of the last digit and stays within 0–999
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def mask_national_number(value: str) -> str:
    """A national student number (a letter + an ID-number-shaped code) masked like an ID number."""
    if len(value or "") == 19 and value[0].isalpha():
        return value[0] + mask_id_number(value[1:])
    return mask_id_number(value or "")


def mask_phone(value: str) -> str:
    """A phone number with the middle digits masked: 138****5678. A number too short to hide four characters
    between its first three and last four (a landline without its area code, 555-1234) keeps only its last
    four; one shorter than seven characters is masked entirely."""
    value = value or ""
    if len(value) < 7:
        return "*" * len(value)
    if len(value) < 11:
        return "*" * (len(value) - 4) + value[-4:]
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """A name as shown to the public: the first and last characters kept, the others masked (张*明, 欧**锋);
    a two-character name keeps its first (李*), a single character is masked entirely. Works by character,
    so a rare name character outside the Basic Multilingual Plane (𠮷) counts as one."""
    value = (value or "").strip()
    if len(value) <= 1:
        return "*" * len(value)
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
