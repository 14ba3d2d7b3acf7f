"""The one permission layer: every view reads organisation and pupil data through these functions.

Scopes are django-guardian object permissions on School and Authority rows, read here row by row (grants_of,
once per user object), so a model-wide permission never opens every school. Anything outside a
user's scope is simply not in the queryset, which makes it a 404 in the views (DESIGN §4).
"""

from django.db.models import Q
from guardian.models import UserObjectPermission

from registry.models import Authority, School, SchoolClass
from registry.roles import (
    AUTHORITY_ROLE_PERMISSIONS,
    CAPABILITIES,
    ROLE_BY_CODENAME,
    SCHOOL_ROLE_PERMISSIONS,
    Grant,
    Role,
)


def grants_of(user) -> list[Grant]:
    """Every role the user holds with its scope object, in a fixed order; cached on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_xueji_grants", None)
    if cached is not None:
        return cached
    rows = list(
        UserObjectPermission.objects.filter(user=user, permission__codename__in=ROLE_BY_CODENAME).values_list(
            "permission__codename", "permission__content_type__model", "object_pk"
        )
    )
    school_ids = {int(pk) for _codename, model, pk in rows if model == "school"}
    authority_ids = {int(pk) for _codename, model, pk in rows if model == "authority"}
    schools = School.objects.in_bulk(school_ids) if school_ids else {}
    authorities = Authority.objects.in_bulk(authority_ids) if authority_ids else {}
    grants = [Grant(Role.ADMINISTRATOR)] if user.is_superuser else []
    for codename, model, pk in sorted(rows):
        role = ROLE_BY_CODENAME[codename]
        if model == "school" and int(pk) in schools:
            grants.append(Grant(role, school=schools[int(pk)]))
        elif model == "authority" and int(pk) in authorities:
            grants.append(Grant(role, authority=authorities[int(pk)]))
    order = list(Role)
    grants.sort(key=lambda grant: (order.index(grant.role), str(grant.scope or "")))
    user._xueji_grants = grants
    return grants


def forget_grants(user):
    """Drop what is cached on the user object (grants_of, officer_authorities) after a role changed."""
    user.__dict__.pop("_xueji_grants", None)
    user.__dict__.pop("_xueji_officer_authorities", None)


def _with_descendants(authority_ids):
    """The given authorities and every authority below them (the tree is a few levels deep)."""
    found = set(authority_ids)
    frontier = set(authority_ids)
    while frontier:
        frontier = set(Authority.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def authorities_visible_to(user):
    """Authorities a town officer acts for, and those below them; all of them for an administrator."""
    if not user.is_authenticated:
        return Authority.objects.none()
    if user.is_superuser:
        return Authority.objects.all()
    return Authority.objects.filter(pk__in=officer_authorities(user))


def schools_visible_to(user):
    """Schools the user acts for: their own school (school roles), the schools of their authority
    (officers), every school (administrators)."""
    if not user.is_authenticated:
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    own = {grant.school.pk for grant in grants_of(user) if grant.school is not None}
    return School.objects.filter(Q(pk__in=own) | Q(authority__in=officer_authorities(user)))


def classes_visible_to(user):
    return SchoolClass.objects.filter(school__in=schools_visible_to(user).values("pk"))


def roles_at(user, school) -> set[Role]:
    """The roles through which the user acts for `school` (its own staff, its town's officers, admins)."""
    roles = set()
    for grant in grants_of(user):
        if grant.role == Role.ADMINISTRATOR or grant.school == school:
            roles.add(grant.role)
        elif grant.role == Role.OFFICER and school.authority_id in officer_authorities(user):
            roles.add(grant.role)
    return roles


def can(user, capability, scope) -> bool:
    """Whether the user holds `capability` (registry.roles.CAPABILITIES) at `scope`: at a School through the
    roles they act for it with (roles_at: its staff, its town's officers, administrators); at an Authority
    as an officer of it or of one above it, or as an administrator. No scope (None) holds nothing. The one
    question every write right and role-gated page asks."""
    allowed = CAPABILITIES[capability]
    if scope is None:
        return False
    if isinstance(scope, Authority):
        return bool(_roles_at_authority(user, scope) & allowed)
    return bool(roles_at(user, scope) & allowed)


def can_anywhere(user, capability) -> bool:
    """Whether the user holds `capability` through any role they hold anywhere (pages with no school or
    authority in their address, such as the audit search)."""
    return any(grant.role in CAPABILITIES[capability] for grant in grants_of(user))


def schools_where(user, capability) -> list:
    """The schools at which the user holds `capability` as one of their own staff (a school role granted
    there), in grant order; a town officer's or an administrator's reach is not listed."""
    schools = []
    for grant in grants_of(user):
        if grant.school is not None and grant.role in CAPABILITIES[capability] and grant.school not in schools:
            schools.append(grant.school)
    return schools


def _roles_at_authority(user, authority) -> set[Role]:
    roles = {Role.ADMINISTRATOR} if any(grant.role == Role.ADMINISTRATOR for grant in grants_of(user)) else set()
    if acts_for_authority(user, authority):
        roles.add(Role.OFFICER)
    return roles


def acts_for_authority(user, authority) -> bool:
    """Whether the user is a town officer of `authority` or of an authority above it."""
    return authority.pk in officer_authorities(user)


def officer_authorities(user) -> frozenset[int]:
    """Ids of the authorities the user decides for as a town officer, and those below them; cached on the user
    object like grants_of."""
    cached = getattr(user, "_xueji_officer_authorities", None)
    if cached is None:
        granted = [grant.authority.pk for grant in grants_of(user) if grant.role == Role.OFFICER]
        cached = user._xueji_officer_authorities = frozenset(_with_descendants(granted) if granted else ())
    return cached


def role_holders(roles, scope_pks=None) -> dict[tuple[Role, int], list]:
    """The active users holding each of `roles`, by (role, scope pk), in one query.

    `roles` are all school roles (scopes are School pks) or all officer (Authority pks); `scope_pks`
    narrows to those scopes, None means every scope. Only direct holders count: the officers of a town
    office, not those of the county above it. Used to address reminders (registry.notifications.reminders).
    """
    roles = set(roles)
    if roles <= set(SCHOOL_ROLE_PERMISSIONS):
        model, codenames = "school", {SCHOOL_ROLE_PERMISSIONS[role] for role in roles}
    elif roles <= set(AUTHORITY_ROLE_PERMISSIONS):
        model, codenames = "authority", {AUTHORITY_ROLE_PERMISSIONS[role] for role in roles}
    else:
        raise ValueError("role_holders takes school roles or authority roles, not both")
    rows = UserObjectPermission.objects.filter(
        permission__codename__in=codenames,
        permission__content_type__app_label="registry",
        permission__content_type__model=model,
        user__is_active=True,
    )
    if scope_pks is not None:
        scope_pks = {str(pk) for pk in scope_pks}
        if not scope_pks:
            return {}
        rows = rows.filter(object_pk__in=scope_pks)
    holders = {}
    for row in rows.select_related("user", "permission").order_by("user__username", "pk"):
        holders.setdefault((ROLE_BY_CODENAME[row.permission.codename], int(row.object_pk)), []).append(row.user)
    return holders


def users_with_role(role, scope) -> list:
    """The active users holding `role` on `scope` (a School for school roles, an Authority for officers)."""
    return role_holders([role], [scope.pk]).get((role, scope.pk), [])
