"""The town officer's form: which items of an information change need the town office's approval."""

from django import forms
from django.utils.translation import gettext_lazy

from transfers.kinds.information_change.fields import items


class PolicyForm(forms.Form):
    """The town officer's list: one checkbox per item; the key fields are always ticked and cannot be untied."""

    approval = forms.MultipleChoiceField(
        label=gettext_lazy("Needs the town office's approval"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approval"].choices = [(item, text) for item, text in items()]
