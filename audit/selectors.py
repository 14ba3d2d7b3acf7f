"""Reads of the audit log, always scoped (STYLE 2)."""

from django.db.models import Q

from audit.models import Event


def events_in_scope(*, school_ids=None, authority_ids=()):
    """The events a reader may search: every event (`school_ids` None: an administrator), or those about
    the given schools (`Event.school_pk`) and those targeting the given authorities (a town's exports and
    prints). Events about no school (logins, role grants, pupil-list exports across schools, the audit
    search itself) are an administrator's alone."""
    if school_ids is None:
        return Event.objects.all()
    condition = Q(school_pk__in=school_ids)
    authority_ids = [str(pk) for pk in authority_ids]
    if authority_ids:
        condition |= Q(target_type="registry.authority", target_id__in=authority_ids)
    return Event.objects.filter(condition)
