"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS)."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


def character_classes(password) -> int:
    """How many of the four kinds of character the password uses: upper-case letters, lower-case
    letters, digits, and anything else (symbols, spaces, Chinese characters)."""
    kinds = [
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c in string.digits for c in password),
        any(not (c.isupper() or c.islower() or c in string.digits) for c in password),
    ]
    return sum(kinds)


class CharacterClassesValidator:
    """The password mixes at least `min_classes` (3) of the four kinds of character: upper-case, lower-case,
    digits, symbols. Issue 7 (等保 2.0 identification: passwords of sufficient complexity; ASVS 2.1)
    together with MinimumLengthValidator(12) and CommonPasswordValidator."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must contain at least %(count)d of these kinds of character: upper-case letters, "
            "lower-case letters, digits, symbols.",
            "Your password must contain at least %(count)d of these kinds of character: upper-case letters, "
            "lower-case letters, digits, symbols.",
            self.min_classes,
        ) % {"count": self.min_classes}
