"""Forms of archive retention: they check input and keep what was typed; the services act."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archives.models import Disposal


class RetentionPolicyForm(forms.Form):
    copy_years = forms.IntegerField(
        label=_("Years a former school keeps its copy"), min_value=1, max_value=100,
        help_text=_("Counted from the hand-over of the archive on a transfer (electronic backup and paper "
                    "photocopies)."),
    )  # fmt: skip
    final_archive_years = forms.IntegerField(
        label=_("Years the final school keeps the archive"), min_value=1, max_value=100, required=False,
        help_text=_("Leave empty to keep final archives permanently (办法 第九条: the last school keeps the "
                    "archive permanently). Counted from the day the pupil left their last school."),
    )  # fmt: skip


class DisposalRequestForm(forms.Form):
    """The keeping school asks its town office to destroy or hand over one item of the due list."""

    archive = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.ChoiceField(choices=Disposal.Item.choices, widget=forms.HiddenInput)
    action = forms.ChoiceField(label=_("Destroy or hand over"), choices=Disposal.Action.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, prefix_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_id:
            self.auto_id = f"id_{prefix_id}_%s"


class DisposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("carry_out", "carry_out"), ("refuse", "refuse")])
    note = forms.CharField(label=_("Note (required to refuse)"), max_length=300, required=False)
