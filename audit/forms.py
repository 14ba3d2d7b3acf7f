"""The audit search's filters (STYLE 5: a form validates, `filter_qs` narrows the events)."""

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import types
from registry.fields import SchoolChoiceField


class EventFilterForm(forms.Form):
    """Filters of the audit search: operator, school, pupil, action and a date range (both days included).
    `schools` are the schools the user may choose from (their scope)."""

    user = forms.CharField(label=_("Operator (name or user name)"), required=False, max_length=150)
    school = SchoolChoiceField(label=_("School"), required=False, queryset=None, empty_label=_("All schools"))
    pupil = forms.CharField(
        label=_("Pupil (name or record number)"),
        required=False,
        max_length=50,
        help_text=_("A record number finds every event about that pupil; a name finds events naming it."),
    )
    action = forms.ChoiceField(label=_("Operation"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("code")
        self.fields["action"].choices = [("", _("All operations"))] + [
            (code, types.describe(code)) for code in types.registered_actions()
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the date range is before its start."))
        return cleaned

    def filter_qs(self, events):
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if operator := data["user"].strip():
            events = events.filter(Q(actor_name__icontains=operator) | Q(actor_full_name__icontains=operator))
        if data["school"] is not None:
            events = events.filter(school_pk=data["school"].pk)
        pupil = data["pupil"].strip()
        if pupil.isdigit():
            events = events.filter(Q(pupil_pk=int(pupil)) | Q(target_type="students.student", target_id=pupil))
        elif pupil:
            events = events.filter(
                Q(pupil_pk__isnull=False) | Q(target_type="students.student"), target_repr__icontains=pupil
            )
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(occurred_at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            events = events.filter(occurred_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        return events

    def described(self) -> dict:
        """The filters in use, as JSON-ready values (logged with the search and written on the export)."""
        if not self.is_valid():
            return {}
        described = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            described[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return described


def describe_filters(filters: dict) -> str:
    """Filters as logged by `described()`, in words of the current language ("操作人：赵学籍；…")."""
    labels = {name: field.label for name, field in EventFilterForm.base_fields.items()}
    parts = []
    for name, value in filters.items():
        if name == "action":
            value = types.describe(value)
        parts.append(_("%(label)s: %(value)s") % {"label": labels.get(name, name), "value": value})
    return str(_("; ")).join(str(part) for part in parts) if parts else str(_("no filters"))


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _filters(event):
    return {"filters": describe_filters(event.data.get("filters") or {})}


SEARCHED = types.register(
    "audit.searched", _("{actor} searched the audit log ({filters}; {rows} events)"), values=_filters
)
EXPORTED = types.register(
    "audit.exported", _("{actor} exported {rows} audit events to Excel ({filters})"), values=_filters
)
