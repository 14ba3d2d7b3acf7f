"""Who did what when: the hash-chained event log and the history wiring.

`audit.record(...)` is the one way to write an event; it lives in audit.events and is re-exported here
lazily, because this package is imported before Django's app registry is ready.
"""


def record(action, *, actor, target=None, data=None, request=None, school=None, pupil=None, other_school=None):
    from audit.events import record as record_event

    return record_event(
        action,
        actor=actor,
        target=target,
        data=data,
        request=request,
        school=school,
        pupil=pupil,
        other_school=other_school,
    )
