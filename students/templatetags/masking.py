"""Masking of personal numbers on every page: ID numbers, national student numbers and phone numbers
are shown masked unless the page was rendered after an audited reveal (`revealed` true)."""

from django import template

from students.identity import mask_national_number
from students.identity import mask_phone as mask_phone_number

register = template.Library()


@register.filter
def mask_id(value, revealed=False):
    """An ID number or a national student number, masked unless revealed."""
    return (value or "") if revealed else mask_national_number(value or "")


@register.filter
def mask_phone(value, revealed=False):
    return (value or "") if revealed else mask_phone_number(value)
