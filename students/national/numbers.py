"""The form of a national student number (学籍号, DOMAIN.md "Number forms"), as the onboarding import checks
it before keeping it as given (一人一号，终身不变: Xueji never rewrites a number the national system issued):

- ``G`` + a valid ID number (GB 11643-1999: length, region, birth date, check digit). It may differ from the
  pupil's present ID number (a G number stays when the ID number is later corrected), so the two are not
  compared here; the problem-records page lists the ones that disagree.
- ``L`` + the 6-digit area code of the school + the 8-digit birth date + 4 digits: temporary, until the
  national duplicate check passes.
- ``J`` + an 18-character code built like an ID number (area, birth date, sequence, check digit) for a
  pupil without a usable ID number.

19 characters each. The birth date an L or J number carries must be the pupil's (`embedded_birth_date`).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from students.identity import PROVINCE_CODES, check_digit, normalise_id_number, parse_id_number
from students.spreadsheet.cells import CellError, shown

LENGTH = 19


def _date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def check_national_number(number: str) -> str:
    """The normalised number if its form is right; raises CellError saying what is wrong and how to fix it."""
    number = normalise_id_number(number).upper()
    letter, code = number[:1], number[1:]
    if letter not in ("G", "L", "J"):
        raise CellError(_("A national student number starts with G, L or J, not %(value)s.") % {"value": shown(number)})
    if len(number) != LENGTH:
        raise CellError(
            _("A national student number has %(length)d characters (%(letter)s and 18 more), not %(count)d.")
            % {"length": LENGTH, "letter": letter, "count": len(number)}
        )
    if letter == "G":
        try:
            parse_id_number(code)
        except ValidationError as error:
            message = _("A G number is G and a valid ID number: %(problem)s") % {"problem": error.messages[0]}
            raise CellError(message) from None
        return number
    digits = code if letter == "L" else code[:17]
    if not digits.isdigit() or not digits.isascii():
        raise CellError(
            _("An %(letter)s number has only digits after the letter%(check)s.")
            % {"letter": letter, "check": _(" (the last may be X)") if letter == "J" else ""}
        )
    if code[:2] not in PROVINCE_CODES:
        raise CellError(_("The area code %(area)s of the number is not a province's.") % {"area": code[:6]})
    if _date(code[6:14]) is None:
        raise CellError(
            _("Characters 8 to 15 of the number, %(digits)s, are not a birth date.") % {"digits": code[6:14]}
        )
    if letter == "J" and code[17] != check_digit(code[:17]):
        raise CellError(
            _("The check digit of the J number should be %(expected)s, not %(given)s.")
            % {"expected": check_digit(code[:17]), "given": code[17]}
        )
    return number


def national_number_from_cell(value) -> str:
    """A cell holding a national number (text; a number typed into a General cell has lost its letter)."""
    if not isinstance(value, str):
        raise CellError(_("A national student number starts with G, L or J, not %(value)s.") % {"value": shown(value)})
    return check_national_number(value)


def embedded_birth_date(number: str) -> date | None:
    """The birth date an L or J number carries (None for a G number, whose ID number may since have changed)."""
    if number[:1] in ("L", "J"):
        return _date(number[7:15])
    return None
