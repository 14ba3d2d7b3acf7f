"""Every role change is in the audit log with who made it — through grant_role, which the staff pages use
(tests/registry/test_staff.py); the admin can change roles no longer."""

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


def test_the_admin_has_no_object_permission_page_any_more(client, world):
    """Roles are granted on the staff pages only (issue 15): guardian's raw page is gone from the admin."""
    client.force_login(world.users["administrator"])
    url = reverse("admin:registry_school_change", args=[world.school_b.pk])
    assert client.get(url).status_code == 200
    assert client.get(url + "permissions/").status_code in (302, 404)


def test_the_user_admin_page_cannot_make_an_administrator_or_disable(client, world):
    admin = world.users["administrator"]
    clerk = UserFactory(username="clerk")
    client.force_login(admin)
    url = reverse("admin:registry_user_change", args=[clerk.pk])
    form = {"username": clerk.username, "full_name": "改名", "is_superuser": "on", "is_active": ""}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.full_name == "改名"
    assert not clerk.is_superuser and clerk.is_active
    assert _role_events(clerk) == []
