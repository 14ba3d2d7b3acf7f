"""Passwords are stored with Argon2id at OWASP's parameters (registry.accounts.hashers); a password stored
before (PBKDF2) still signs its user in and is stored again with Argon2id."""

from django.conf import settings as project_settings
from django.contrib.auth.hashers import make_password
from django.test.utils import override_settings

from tests.factories import TEST_PASSWORD

REAL_HASHERS = project_settings.PASSWORD_HASHERS  # the conftest's fast hasher is set per test, not here


@override_settings(PASSWORD_HASHERS=REAL_HASHERS)
def test_a_new_password_is_stored_with_argon2id_at_owasps_parameters(world):
    user = world.users["registrar"]
    user.set_password("Xueji-2026-autumn")
    user.save()
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password("Xueji-2026-autumn") and not user.check_password("Xueji-2026-Autumn")


@override_settings(PASSWORD_HASHERS=REAL_HASHERS)
def test_a_pbkdf2_password_from_before_signs_in_and_is_stored_again_with_argon2id(client, world):
    user = world.users["registrar"]
    user.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
