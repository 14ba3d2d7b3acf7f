"""The scoping layer: each role's querysets hold exactly its scope."""

from guardian.shortcuts import assign_perm

from audit.models import Event
from registry.roles import Role
from registry.scoping import classes_visible_to, grants_of, schools_visible_to
from registry.services import grant_role, revoke_role


def test_school_roles_see_only_their_school(world):
    for role in ("registrar", "headteacher", "archivist"):
        assert list(schools_visible_to(world.users[role])) == [world.school_a]
        assert list(classes_visible_to(world.users[role])) == [world.class_a]


def test_officer_sees_every_school_of_the_town(world):
    assert set(schools_visible_to(world.users["officer"])) == {world.school_a, world.school_b}


def test_county_officer_sees_every_town(world):
    county_officer = world.users["norole"]
    grant_role(county_officer, Role.OFFICER, world.county, actor=world.users["administrator"])
    assert set(schools_visible_to(county_officer)) == {world.school_a, world.school_b, world.school_c}


def test_a_model_wide_permission_does_not_open_every_school(world):
    user = world.users["norole"]
    assign_perm("registry.act_as_registrar", user)  # global, not on a row
    assert not schools_visible_to(user).exists()


def test_grant_and_revoke_are_audited(world):
    admin = world.users["administrator"]
    user = world.users["norole"]
    grant_role(user, Role.REGISTRAR, world.school_b, actor=admin)
    assert [g.role for g in grants_of(user)] == [Role.REGISTRAR]
    revoke_role(user, Role.REGISTRAR, world.school_b, actor=admin)
    assert grants_of(user) == []
    assert not schools_visible_to(user).exists()
    granted, revoked = Event.objects.filter(target_type="registry.user", target_id=str(user.pk)).order_by("id")
    assert (granted.action, revoked.action) == ("registry.role.granted", "registry.role.revoked")
    assert granted.data == {"role": "registrar", "scope": world.school_b.name}
