"""Who is told of a roll reconciliation's steps (issue 17), as notice rules of registry.notifications.dispatch.

Rules (校制度 学期会审): submitted — the school's headteacher, who signs (`rollcheck.sign`); signed — the
school's town office, which receives (`rollcheck.receive`); sent back by the headteacher — the registrar who
prepares (`rollcheck.prepare`), with the reason; received or reopened by the town office — the school's
registrar and headteacher, with the reason of a reopening. Each at the check's own school only.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.models import Notification
from registry.notifications.dispatch import Notice, notice_rule
from students import events
from students.models import RollCheck

# step → (the capabilities told, the title, the inbox text)
_TOLD = {
    "submitted": (("rollcheck.sign",), _("A roll reconciliation waits for your signature"),
                  _("The roll reconciliation %(check)s was submitted for your signature.")),
    "signed": (("rollcheck.receive",), _("A signed roll reconciliation waits to be received"),
               _("The roll reconciliation %(check)s was signed by the headteacher.")),
    "returned": (("rollcheck.prepare",), _("Your roll reconciliation was sent back"),
                 _("The headteacher sent the roll reconciliation %(check)s back. Reason: %(reason)s")),
    "received": (("rollcheck.prepare", "rollcheck.sign"), _("Your roll reconciliation was received"),
                 _("The town office received the roll reconciliation %(check)s.")),
    "reopened": (("rollcheck.prepare", "rollcheck.sign"), _("Your roll reconciliation was reopened"),
                 _("The town office reopened the roll reconciliation %(check)s. Reason: %(reason)s")),
}  # fmt: skip


@notice_rule(events.ROLL_CHECK)
def roll_check_step(event):
    step = event.data.get("step")
    told = _TOLD.get(step)
    check = RollCheck.objects.select_related("school", "semester").filter(pk=event.target_id).first()
    if told is None or check is None:
        return []
    capabilities, title, body = told
    return [
        Notice(
            kind=Notification.Kind.ROLL_CHECK,
            key=f"roll-check-{step}:{event.pk}",
            title=str(title),
            body=str(body) % {"check": check, "reason": event.data.get("reason", "")},
            link=reverse("roll_check", args=[check.school.code, check.semester_id]),
            capability=capability,
            scope=check.school,
        )
        for capability in capabilities
    ]
