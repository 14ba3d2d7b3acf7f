"""One cell of the import into its checked value, by its column's kind (text, date, ID number, code, yes/no,
number): a value Excel holds as another type, or one the column cannot take, raises CellError with the message
naming what is wrong."""

import functools
import re
import unicodedata
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from students import codes
from students.identity import normalise_id_number, parse_id_number
from students.spreadsheet.columns import (
    FALSE_WORDS,
    TRUE_WORDS,
    Column,
    chinese_label,
)

# --- reading rows ------------------------------------------------------------------------------------------


class CellError(Exception):
    """A cell its column cannot take; the message says why."""


_EDGE_JUNK = " \t\r\n\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff"
_HEADER_MARKS = "★☆*"


def header_key(text) -> str:
    """A header compared without spaces, width differences or a leading/trailing required mark."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))
    value = "".join(value.split()).translate(dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff")))
    return value.strip(_HEADER_MARKS)


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_EDGE_JUNK))


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_text(value, column: Column) -> str:
    """Text as typed. A cell Excel holds as a date, time, yes/no or (except in a phone column) a number is
    refused: Excel turned what was typed into something else, and its text would be a guess (issue 18.16)."""
    if isinstance(value, datetime | date | time | timedelta):
        raise CellError(
            _("Text expected, but Excel holds this cell as a date or time (%(value)s); format the column as text "
              "and type it again.") % {"value": shown(value)}
        )  # fmt: skip
    if isinstance(value, bool):
        raise CellError(_("Text expected, but Excel holds this cell as TRUE/FALSE; type the text itself."))
    if isinstance(value, int | float):
        if not column.digits or (isinstance(value, float) and not value.is_integer()):
            raise CellError(
                _("Text expected, but Excel holds this cell as the number %(value)s; format the column as text "
                  "and type it again.") % {"value": shown(value)}
            )  # fmt: skip
        text = _number_text(value)
    elif not isinstance(value, str):
        raise CellError(_("Text expected; type the text itself."))
    else:
        text = value.strip(_EDGE_JUNK)
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(
            _("At most %(max)d characters, not %(count)d.") % {"max": column.max_length, "count": len(text)}
        )
    return text


_DATE_PATTERNS = [
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
]
_MIDNIGHT = re.compile(r"\s+0?0:00(:00)?$")


def _to_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)  # 20191008 typed into a General cell
    elif isinstance(value, str):
        text = _MIDNIGHT.sub("", unicodedata.normalize("NFKC", value).strip(_EDGE_JUNK))
        text = "".join(text.split())
    else:
        text = None
    if text is not None:
        for pattern in _DATE_PATTERNS:
            match = pattern.fullmatch(text)
            if match:
                try:
                    return date(*map(int, match.groups()))
                except ValueError:
                    break
    raise CellError(_("Not a date: %(value)s; write it as 2019-10-08.") % {"value": shown(value)})


def _to_id_number(value, *, resident: bool) -> str:
    """A resident ID number is validated by GB 11643-1999; any other document's number is only normalised."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, float):
        raise CellError(
            _(
                "Excel stored this ID number as a number and kept only 15 digits; format the column as text "
                "and type the number again."
            )
        )
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise CellError(_("Not an ID number: %(value)s.") % {"value": shown(value)})
    if not resident:
        number = normalise_id_number(value).upper()
        if len(number) > 18:
            raise CellError(_("At most %(max)d characters, not %(count)d.") % {"max": 18, "count": len(number)})
        return number
    try:
        return parse_id_number(value).number
    except ValidationError as error:
        raise CellError(error.messages[0]) from None


def _choice_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


@functools.lru_cache(maxsize=64)
def _choice_aliases(choices, language) -> dict[str, str]:
    """Every accepted spelling (normalised) → its code: the code, the Chinese and the current-language label,
    "code label", and for 民族 the name without 族 ("汉" for "汉族"). Spellings shared by two codes are dropped."""
    found: dict[str, set[str]] = {}
    for value, label in choices.choices:
        labels = {chinese_label(label), str(label)}
        if choices is codes.Ethnicity:
            labels |= {name[:-1] for name in labels if name.endswith("族") and len(name) > 1}
        spellings = {value} | labels | {f"{value}{name}" for name in labels}
        for spelling in spellings:
            found.setdefault(_choice_key(spelling), set()).add(value)
    return {key: next(iter(values)) for key, values in found.items() if len(values) == 1}


def to_choice(value, column: Column) -> str:
    choices = column.choices
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        text = None
    if text is not None:
        key = _choice_key(text)
        code = _choice_aliases(choices, translation.get_language()).get(key)
        if code is not None:
            return code
        if key.isdigit():  # 1 for "01": zero-padded to a code length, if exactly one code then fits
            padded = {key.zfill(len(code)) for code in choices.values} & set(choices.values)
            if len(padded) == 1:
                return padded.pop()
    raise CellError(_("Unknown value %(value)s; choose from the list.") % {"value": shown(value)})


def _to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        text = _number_text(value)
    elif isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", value).split()).upper()
    else:
        text = ""
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("Not yes or no: %(value)s; write 是 or 否.") % {"value": shown(value)})


_INTEGER = re.compile(r"[+-]?\d+(\.0*)?")


def _to_int(value, column: Column) -> int:
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", value).split())
        if _INTEGER.fullmatch(text):
            number = int(text.split(".")[0])
    if number is None:
        raise CellError(_("Not a whole number: %(value)s.") % {"value": shown(value)})
    low, high = column.min_value, column.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if high is None:
            message = _("Must be at least %(min)d, not %(value)d.") % {"min": low, "value": number}
        elif low is None:
            message = _("Must be at most %(max)d, not %(value)d.") % {"max": high, "value": number}
        else:
            message = _("Must be between %(min)d and %(max)d, not %(value)d.") % {
                "min": low,
                "max": high,
                "value": number,
            }
        raise CellError(message)
    return number


def shown(value) -> str:
    """A cell value as quoted back in an error message (bounded, so a huge cell cannot flood the report)."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        text = value.date().isoformat()
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = _number_text(value)
    else:
        text = str(value).strip(_EDGE_JUNK)
    return text if len(text) <= 40 else text[:40] + "…"


def convert(value, column: Column, *, resident_id: bool = True):
    if column.kind == "text":
        return to_text(value, column)
    if column.kind == "date":
        return _to_date(value)
    if column.kind == "id_number":
        return _to_id_number(value, resident=resident_id)
    if column.kind == "choice":
        return to_choice(value, column)
    if column.kind == "bool":
        return _to_bool(value)
    return _to_int(value, column)
