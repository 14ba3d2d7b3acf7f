"""国籍/地区: the national template stores nationality as the GB/T 2659 (ISO 3166-1) three-letter code
("CHN"); people read its name in their language. Names and their Chinese come from pycountry's ISO 3166
tables and translations, not from a list kept by hand."""

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language, to_locale


@lru_cache(maxsize=8)
def _catalogue(locale):
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


def _locale():
    language = get_language() or "zh-hans"
    return "zh_CN" if language.startswith("zh") else to_locale(language)


def label(code):
    """The country's name for a three-letter code, in the active language ("CHN" → 中国 / China); an unknown
    code is shown as given."""
    country = pycountry.countries.get(alpha_3=(code or "").upper())
    if country is None:
        return code
    return _catalogue(_locale()).gettext(country.name)
