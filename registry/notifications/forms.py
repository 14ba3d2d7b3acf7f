"""The inbox's one form: whether new notifications also come by e-mail."""

from django import forms

from registry.models import User


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email_notifications"]
