from django import forms
from django.db.models import Exists, Q
from django.db.models.functions import Reverse
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext_lazy as _

from registry.fields import SchoolChoiceField
from students.identity import normalise_id_number
from students.models import SchoolNumber, Student
from students.school_numbers.selectors import current_school_numbers


class PupilFilterForm(forms.Form):
    """The pupil list's search and filters (school, grade, class number); `filter_qs` narrows a queryset of
    open enrolment spells. `schools` are the schools the user may choose from (their scope)."""

    q = forms.CharField(
        label=_("Name, pinyin or initials, national number, or last digits of the ID number"),
        help_text=_("A school number (学号) finds its pupil too."),
        required=False,
        max_length=50,
    )
    school = SchoolChoiceField(
        label=_("School"), required=False, queryset=None, to_field_name="code", empty_label=_("All schools")
    )
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All grades"))] + [(g, g) for g in range(1, 10)],
    )
    class_number = forms.IntegerField(label=_("Class number"), required=False, min_value=1)

    per_page = forms.TypedChoiceField(
        label=_("Rows per page"), required=False, coerce=int, empty_value=50,
        choices=[(n, n) for n in (50, 20, 100, 200)],
    )  # fmt: skip

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("code")

    def page_size(self):
        return (self.cleaned_data.get("per_page") if self.is_valid() else None) or 50

    @staticmethod
    def _search_condition(query):
        """One condition chosen by the query's shape, so that each search can use its own index:
        a national number, the tail of an ID number, pinyin or its initials, or a name."""
        number = normalise_id_number(query).upper()
        if len(number) == 19 and number[0] in "GJL":
            # "not removed" as the unique index one_record_per_national_number says it, for it to be used
            return Q(student__national_number=number, student__removed_at__isnull=True)
        if number[:-1].isdigit() and (number[-1].isdigit() or number[-1] == "X"):
            # the tail as the head of the reversed number (a range scan of students_student_id_tail), or a
            # school number (the partial index current_numbers); the few pupils those indexes find come first,
            # then each spell is held to its own school's number
            head = number[::-1]
            candidates = (
                Student.objects.filter(StartsWith(Reverse("id_number"), head))
                .values("pk")
                .union(SchoolNumber.objects.filter(number=number, retired_on__isnull=True).values("student"))
            )
            return Q(student__in=candidates) & (
                Q(StartsWith(Reverse("student__id_number"), head))
                | Q(Exists(current_school_numbers().filter(number=number)))
            )
        if query.isascii() and query.isalpha():
            key = "|" + query.lower()
            return Q(student__name_pinyin__contains=key) | Q(student__name_initials__contains=key)
        return Q(student__name__contains=query) | Q(student__former_name__contains=query)

    def filter_qs(self, spells):
        """The spells the filters choose; none while a filter is invalid (its message says which), so a
        mistyped filter never lists or exports more than was asked for."""
        if not self.is_bound:
            return spells
        if not self.is_valid():
            return spells.none()
        query = self.cleaned_data["q"].strip()
        if query:
            spells = spells.filter(self._search_condition(query))
        if self.cleaned_data["school"]:
            spells = spells.filter(school=self.cleaned_data["school"])
        if self.cleaned_data["grade"]:
            spells = spells.filter(grade=self.cleaned_data["grade"])
        if self.cleaned_data["class_number"]:
            spells = spells.filter(school_class__number=self.cleaned_data["class_number"])
        return spells


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for showing the full ID numbers"),
        max_length=200,
        error_messages={"required": _("Say why you need the full ID numbers; the reason is logged.")},
    )
