"""Masking of personal numbers on every page: ID numbers and phone numbers are shown masked unless the
page was rendered after an audited reveal."""

from django import template

from students.identity import mask_id_number

register = template.Library()


@register.filter
def mask_id(value, revealed=False):
    """An ID number, or a national student number (a letter + an ID-number-shaped code), masked."""
    value = value or ""
    if revealed:
        return value
    if len(value) == 19 and value[0].isalpha():
        return value[0] + mask_id_number(value[1:])
    return mask_id_number(value)


@register.filter
def mask_phone(value, revealed=False):
    value = value or ""
    if revealed or len(value) < 7:
        return value if revealed else "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
