"""Forms of the bulk pages: they say what is wrong and where, and do not act."""

from django import forms
from django.utils.translation import gettext_lazy as _

from students.models import Student
from transfers.kinds.forms import ClassChoice, reason_field


class ClassChoiceForm(forms.Form):
    """Which class's pupils to move."""

    from_class = ClassChoice(label=_("Class"), queryset=None)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_class"].queryset = school.classes.order_by("grade", "number")


class PupilChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ClassMoveForm(forms.Form):
    """转班 in bulk: the pupils of one class who move, the class of the same grade they join, and why."""

    pupils = PupilChoice(label=_("Pupils who move"), queryset=None, widget=forms.CheckboxSelectMultiple)
    school_class = ClassChoice(label=_("New class"), queryset=None)
    reason = reason_field()

    def __init__(self, *args, from_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = Student.objects.filter(
            spells__school_class=from_class, spells__ended_on__isnull=True
        ).order_by("name", "pk")
        self.fields["school_class"].queryset = (
            from_class.school.classes.filter(grade=from_class.grade).exclude(pk=from_class.pk).order_by("number")
        )


class IntakeForm(forms.Form):
    """分班 of the grade-1 intake: why (recorded with every class change)."""

    reason = forms.CharField(label=_("Reason"), max_length=300, initial=_("Placement of the new intake"))
