"""Reads of the audit log, always scoped (STYLE 2)."""

from django.db.models import Q

from audit.models import Event


def events_in_scope(*, school_ids=None, authority_ids=()):
    """The events a reader may search: every event (`school_ids` None: an administrator), or those about
    the given schools — as the school an event concerns (`school_pk`) or as the other school of a transfer
    (`other_school_pk`), so the sending and the receiving town both see it — and those targeting the given
    authorities (a town's exports and prints). Events about no school (logins, role grants, pupil-list
    exports across schools, the audit search itself) are an administrator's alone.

    The ids are given as lists, not subqueries, so each condition is one index scan and PostgreSQL ORs them
    as bitmaps: a town's search reads the town's events, not the county's (issue 14)."""
    if school_ids is None:
        return Event.objects.all()
    school_ids = list(school_ids)
    condition = Q(school_pk__in=school_ids) | Q(other_school_pk__in=school_ids)
    authority_ids = [str(pk) for pk in authority_ids]
    if authority_ids:
        condition |= Q(target_type="registry.authority", target_id__in=authority_ids)
    return Event.objects.filter(condition)
