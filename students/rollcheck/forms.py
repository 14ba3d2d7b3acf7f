"""Forms of the roll reconciliation page; they check input, the services in students.rollcheck.services act."""

from django import forms
from django.utils.translation import gettext_lazy as _

from students.models import RollDiscrepancy


def _actions(kind):
    return [("", "---------")] + [(a.value, a.label) for a in RollDiscrepancy.ACTIONS[kind]]


class AbsentForm(forms.Form):
    """有籍无生: a pupil of the class list who is not in the classroom."""

    spell = forms.ChoiceField(label=_("Registered but absent"))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=_actions(RollDiscrepancy.Kind.ABSENT), required=False)

    def __init__(self, *args, roll, **kwargs):
        super().__init__(*args, **kwargs)
        listed = {d.student_id for d in roll.absent}
        self.fields["spell"].choices = [("", "---------")] + [
            (spell.pk, f"{spell.student.name} {spell.school_number}" if spell.school_number else spell.student.name)
            for spell in roll.pupils
            if spell.student_id not in listed
        ]
        self.auto_id = f"id_absent_{roll.school_class.pk}_%s"


class UnregisteredForm(forms.Form):
    """有生无籍: a child in the classroom who is on no register here."""

    name = forms.CharField(label=_("Present but unregistered: name"), max_length=50)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=_actions(RollDiscrepancy.Kind.UNREGISTERED), required=False)

    def __init__(self, *args, school_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"id_unregistered_{school_class.pk}_%s"


class ExplainForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, discrepancy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = _actions(discrepancy.kind)
        self.initial = {"reason": discrepancy.reason, "action": discrepancy.action}
        self.auto_id = f"id_discrepancy_{discrepancy.pk}_%s"


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=[(s, s) for s in ("submit", "sign", "return", "receive", "reopen")])
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
