"""Masking of personal numbers on every page: ID numbers and phone numbers are shown masked unless the
page was rendered after an audited reveal."""

from django import template

from students.identity import mask_id_number

register = template.Library()


@register.filter
def mask_id(value, revealed=False):
    return value if revealed else mask_id_number(value or "")


@register.filter
def mask_phone(value, revealed=False):
    value = value or ""
    if revealed or len(value) < 7:
        return value if revealed else "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
