"""What an officer's decision on a step will do, in the sentence the confirmation shows before it (issue 17:
confirmation before what cannot be undone). An approval that is not the chain's last passes the request on
to the next party; the last one applies the kind's effect (ChangeKind.approval_effect); a rejection returns
the request to its school with the reason."""

from django.utils.translation import gettext as _

from transfers.kinds import kind_of


def approval_sentence(request, step):
    following = (
        request.steps.filter(round=request.round, position__gt=step.position)
        .select_related("school", "authority")
        .order_by("position")
        .first()
    )
    if following is not None:
        return _("Your approval passes the %(kind)s of %(name)s on to %(party)s, who decide next.") % {
            "kind": request.get_kind_display(), "name": request.student.name, "party": following.party,
        }  # fmt: skip
    return kind_of(request).approval_effect(request)


def rejection_sentence(request):
    return _(
        "The %(kind)s of %(name)s goes back to %(school)s with your reason; they may amend and resubmit it."
    ) % {"kind": request.get_kind_display(), "name": request.student.name, "school": request.school.name}
