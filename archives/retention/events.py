"""Audit event types of archive retention, and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

POLICY_SET = types.register(
    "archives.retention.policy_set",
    _("{actor} set the retention of {target}: copies {copy_years} years, final archives {final}"),
)
DISPOSAL_REQUESTED = types.register(
    "archives.retention.requested", _("{actor} asked the town office to {action}: {what} ({reason})")
)
DISPOSAL_DECIDED = types.register("archives.retention.decided", _("{actor} decided “{action}: {what}”: {decision}"))


def policy_set(policy, *, actor):
    return record(
        POLICY_SET,
        actor=actor,
        target=policy.authority,
        data={"copy_years": policy.copy_years, "final": policy.final_archive_years or "∞"},
    )


def disposal_requested(disposal, *, actor):
    """A school asked its town office to destroy or hand over something past its retention."""
    return record(
        DISPOSAL_REQUESTED,
        actor=actor,
        target=disposal,
        data={"disposal": disposal.pk, "action": disposal.get_action_display(), "what": disposal.what,
              "reason": disposal.reason},
        school=disposal.school_id,
        pupil=disposal.archive.student_id,
    )  # fmt: skip


def disposal_decided(disposal, *, actor):
    """The town office carried out or refused a destruction or hand-over."""
    return record(
        DISPOSAL_DECIDED,
        actor=actor,
        target=disposal,
        data={"disposal": disposal.pk, "action": disposal.get_action_display(), "what": disposal.what,
              "decision": disposal.get_state_display(), "state": disposal.state, "note": disposal.decision_note},
        school=disposal.school_id,
        pupil=disposal.archive.student_id,
    )  # fmt: skip
