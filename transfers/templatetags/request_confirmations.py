"""The confirmation sentences of a request's irreversible buttons (transfers.changes.confirmations), for
the buttons' data-xj-confirm."""

from django import template

from transfers.changes.confirmations import withdrawal_sentence

register = template.Library()
register.simple_tag(withdrawal_sentence)
