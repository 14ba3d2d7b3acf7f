"""Signals of the change requests, for the apps above transfers (archives) to react without transfers
importing them (DESIGN §2: dependencies point one way)."""

from django.dispatch import Signal

# Sent inside the approving transaction, after the kind's effect: request, actor.
request_approved = Signal()
