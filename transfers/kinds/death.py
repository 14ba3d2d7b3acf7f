"""死亡: a pupil's death, reported by the school with the certificate (DOMAIN Status changes)."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.models import EnrolmentSpell
from transfers.forms import DATE_INPUT
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.forms import ChangeForm, evidence_field
from transfers.kinds.leaving import close_spell
from transfers.models import Evidence


@dataclass
class DeathPayload(Payload):
    died_on: date | None = None


class DeathForm(ChangeForm):
    """死亡: the date and the certificate."""

    died_on = forms.DateField(label=gettext_lazy("Date of death"), widget=DATE_INPUT)
    death_certificate = evidence_field(gettext_lazy("Death certificate"))
    evidence_fields = {"death_certificate": Evidence.Kind.DEATH_CERTIFICATE}

    def payload(self):
        return DeathPayload(died_on=self.cleaned_data["died_on"])


@register
class Death(ChangeKind):
    """Death (死亡), reported by the school with the certificate within 10 working days of learning of it;
    the town office approves. Effect: the spell closes (deceased) on the day of the decision; the date of
    death stays in the request."""

    code = "death"
    change_type_code = "51"
    label = gettext_lazy("Death")
    position = 80
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.DEATH_CERTIFICATE,)
    Payload = DeathPayload
    starts_from = "pupil"
    form_class = DeathForm
    menu_style = "danger"

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        spell = rules.enrolled_spell(request.student, request.school)
        died_on = self.data(request).died_on
        if died_on is None or died_on > timezone.localdate():
            raise ChangeRefused(_("Give the date of death (not in the future)."))
        if died_on < spell.started_on:
            raise ChangeRefused(_("The date of death is before the pupil joined this school."))

    def apply(self, request, *, actor):
        # The register closes on the day of the decision (figures for past days stay as printed); the date of
        # death stays in the request.
        close_spell(request, EnrolmentSpell.ExitReason.DECEASED, timezone.localdate())

    def details(self, request):
        died_on = self.data(request).died_on
        return [(_("Date of death"), died_on.isoformat() if died_on else "")]
