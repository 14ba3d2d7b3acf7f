"""The queue's filters and sort: kind, school, overdue / due soon, the pupil's name (as the pupil search reads
it: characters, or pinyin and its initials), and one of four orders. Every filter is a condition on the step,
its request or its pupil, so the page stays one query over the indexed steps plus the page's rows; the "due
soon" bound is one date computed once (the working-day calendar), never a per-row computation."""

from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.fields import SchoolChoiceField
from registry.organisation.working_days import WorkingDayCalendar, add_working_days
from transfers.kinds import KINDS

DUE_SOON_WORKING_DAYS = 3
SORTS = {
    "due": ("due_on", "request__submitted_at", "pk"),
    "submitted": ("request__submitted_at", "pk"),
    "school": ("request__school__code", "due_on", "request__submitted_at", "pk"),
    "name": ("request__student__name_pinyin", "request__student__name", "pk"),
}
QUEUE_FIELDS = ("kind", "school", "due", "q", "sort")


class QueueFilterForm(forms.Form):
    """Narrows and orders `requests_awaiting(user)`. `schools`: the schools the user may choose from."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    school = SchoolChoiceField(
        label=_("School"), required=False, queryset=None, to_field_name="code", empty_label=_("All schools")
    )
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any deadline")), ("overdue", _("Overdue")), ("soon", _("Due within 3 working days"))],
    )
    q = forms.CharField(label=_("Pupil's name, pinyin or initials"), required=False, max_length=50)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("due", _("Due date")), ("submitted", _("Submitted")), ("school", _("School")), ("name", _("Name"))],
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("code")
        self.fields["kind"].choices = [("", _("All kinds"))] + [(kind.code, kind.label) for kind in KINDS.values()]

    def filter(self, steps):
        """The steps the filters choose, in the chosen order; none while a filter is invalid (its message says
        which), so a mistyped filter never shows, or bulk-approves, more than was asked for."""
        if not self.is_bound:
            return steps.order_by(*SORTS["due"])
        if not self.is_valid():
            return steps.none()
        data = self.cleaned_data
        if data["kind"]:
            steps = steps.filter(request__kind=data["kind"])
        if data["school"]:
            steps = steps.filter(Q(request__school=data["school"]) | Q(request__counterpart_school=data["school"]))
        today = timezone.localdate()
        if data["due"] == "overdue":
            steps = steps.filter(due_on__lt=today)
        elif data["due"] == "soon":
            steps = steps.filter(due_on__gte=today, due_on__lte=add_working_days(today, DUE_SOON_WORKING_DAYS))
        query = data["q"].strip()
        if query:
            steps = steps.filter(name_condition(query))
        return steps.order_by(*SORTS[data["sort"] or "due"])

    def query_string(self):
        """The filters as a query string (to come back to the same queue, or to find the next request in it);
        "sort=due" for the unfiltered queue."""
        if self.is_bound and not self.is_valid():
            return ""
        values = {name: self.data.get(name, "") for name in QUEUE_FIELDS}
        values["sort"] = values["sort"] or "due"  # never empty: a request page opened from the queue knows it
        return urlencode({name: value for name, value in values.items() if value})


def name_condition(query):
    """The pupil search's reading of a name: pinyin or its initials when typed in Latin letters, otherwise the
    characters of the name or the former name."""
    if query.isascii() and query.isalpha():
        key = "|" + query.lower()
        return Q(request__student__name_pinyin__contains=key) | Q(request__student__name_initials__contains=key)
    return Q(request__student__name__contains=query) | Q(request__student__former_name__contains=query)


def add_days_left(steps):
    """Working days left until each step's due date (negative when overdue): one calendar (one query for the
    administrator's overrides) and one lookup in its cumulative index per step."""
    steps = [step for step in steps if step.due_on]
    if not steps:
        return
    today = timezone.localdate()
    dates = [today] + [step.due_on for step in steps]
    calendar = WorkingDayCalendar(min(dates), max(dates))
    for step in steps:
        step.days_left = calendar.working_days_between(today, step.due_on)
