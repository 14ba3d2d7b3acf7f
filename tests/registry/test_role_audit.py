"""Every role change is in the audit log with who made it — through grant_role, guardian's object-permission
pages in the admin, or the administrator flag on the user's admin page."""

from django.urls import reverse

from audit.models import Event
from registry.roles import Role
from registry.services import grant_role, revoke_role
from tests.factories import UserFactory


def _role_events(user):
    return list(
        Event.objects.filter(action__startswith="registry.role.", target_id=str(user.pk)).values_list(
            "action", "actor_name", "data"
        )
    )


def test_grant_role_records_one_event_naming_the_actor(world):
    admin = world.users["administrator"]
    clerk = UserFactory(username="clerk")
    grant_role(clerk, Role.ARCHIVIST, world.school_b, actor=admin)
    revoke_role(clerk, Role.ARCHIVIST, world.school_b, actor=admin)
    assert _role_events(clerk) == [
        ("registry.role.granted", admin.get_username(), {"role": "archivist", "scope": str(world.school_b)}),
        ("registry.role.revoked", admin.get_username(), {"role": "archivist", "scope": str(world.school_b)}),
    ]


def test_a_role_given_on_the_admins_object_permission_page_is_audited(client, world):
    admin = world.users["administrator"]
    clerk = UserFactory(username="clerk")
    client.force_login(admin)
    url = reverse("admin:registry_school_permissions_manage_user", args=[world.school_b.pk, clerk.pk])
    response = client.post(url, {"permissions": ["act_as_registrar"]})
    assert response.status_code == 302
    assert clerk.has_perm("registry.act_as_registrar", world.school_b)
    assert _role_events(clerk) == [
        ("registry.role.granted", admin.get_username(), {"role": "registrar", "scope": str(world.school_b)}),
    ]
    client.post(url, {"permissions": ["act_as_archivist"]})  # registrar unticked, archivist ticked
    assert sorted(_role_events(clerk)[1:]) == [
        ("registry.role.granted", admin.get_username(), {"role": "archivist", "scope": str(world.school_b)}),
        ("registry.role.revoked", admin.get_username(), {"role": "registrar", "scope": str(world.school_b)}),
    ]


def test_making_an_administrator_on_the_user_page_is_audited(client, world):
    admin = world.users["administrator"]
    clerk = UserFactory(username="clerk")
    client.force_login(admin)
    url = reverse("admin:registry_user_change", args=[clerk.pk])
    form = {
        "username": clerk.username,
        "full_name": clerk.full_name,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": clerk.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": clerk.date_joined.strftime("%H:%M:%S"),
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.is_superuser
    assert _role_events(clerk) == [
        ("registry.role.granted", admin.get_username(), {"role": "administrator", "scope": ""})
    ]
    form.pop("is_superuser")
    client.post(url, form)
    assert _role_events(clerk)[-1] == (
        "registry.role.revoked",
        admin.get_username(),
        {"role": "administrator", "scope": ""},
    )
