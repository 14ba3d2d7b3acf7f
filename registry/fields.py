"""Form fields shared by the apps' forms."""

from django import forms
from django.forms.models import ModelChoiceIterator


class PlainChoiceIterator(ModelChoiceIterator):
    """Reads the choices with one ordinary query. Django's iterator reads them with `.iterator()`, which on
    PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE: three round trips) — meant for long results,
    not for the few schools of a filter shown on every list page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class SchoolChoiceField(forms.ModelChoiceField):
    """A choice of one of the schools in the user's scope (the form sets the queryset), read in one query."""

    iterator = PlainChoiceIterator
