"""What the kinds that take a pupil off the register share: closing the enrolment spell."""

from transfers.kinds import rules


def close_spell(request, reason, ended_on):
    """Close the pupil's open spell at the request's school with `reason`, never before it began."""
    spell = rules.enrolled_spell(request.student, request.school)
    spell.ended_on = max(ended_on, spell.started_on)
    spell.exit_reason = reason
    spell.save(update_fields=["ended_on", "exit_reason"])
