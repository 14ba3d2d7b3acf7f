import dataclasses

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from registry.roles import CAPABILITIES
from tests.conftest import ROLES, client_for
from tests.permission_matrix import MATRIX, SCOPES, needs


@pytest.fixture
def world(shared_world):
    """Built once for the module (tests/conftest.py `shared_world`); each test's changes roll back."""
    return shared_world


UNDECLARED_NAMESPACES = {"admin"}  # Django's admin site checks is_staff itself (test_admin_is_staff_only)


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in UNDECLARED_NAMESPACES:
                continue
            yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name, so the matrix cannot declare it"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_declared_in_the_matrix():
    names = set(_url_names(get_resolver().url_patterns))
    assert names - set(MATRIX) == set(), "views missing from tests/permission_matrix.py"
    assert set(MATRIX) - names == set(), "matrix rows for URLs that no longer exist"


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, world, name, role, scope):
    route = MATRIX[name]
    client = client_for(client, world, role)
    url = route.url(world, scope)
    response = getattr(client, route.method)(url, _acting_data(route))
    expected = route.expect(role, scope)
    assert response.status_code == expected, f"{role} ({scope} scope) {route.method.upper()} {url}"
    if expected == 302 and role == "anonymous" and route.method == "get":
        assert response["Location"].startswith("/accounts/login/")


def _acting_data(route):
    """The row's fields; a POST that asks for confirmation first is posted confirmed, so that the row checks
    who may act (tests/test_confirmations.py checks who is asked)."""
    confirmed = {"confirmed": "1"} if route.irreversible and route.method == "post" else {}
    return {**(route.data or {}), **confirmed}


def _mismatches(world, route):
    """Every (role, scope, status, expected) of a route's row that does not answer as the row expects."""
    found = []
    for role in ROLES:
        for scope in SCOPES:
            client = client_for(Client(), world, role)
            status = getattr(client, route.method)(route.url(world, scope), _acting_data(route)).status_code
            if status != route.expect(role, scope):
                found.append((role, scope, status, route.expect(role, scope)))
    return found


def test_the_matrix_rows_name_capabilities_of_the_table():
    named = {capability for route in MATRIX.values() for capability in getattr(route.expect, "capabilities", ())}
    assert named, "no row reads the capability table"
    assert named <= set(CAPABILITIES)


def test_the_matrix_catches_a_view_that_forgets_its_capability(world, monkeypatch):
    """The upload page asked no capability (anyone who sees the archive would get the form back): the row
    derived from "archive.manage" fails for the headteacher and the officer, who see the archive."""
    route = MATRIX["document_upload"]
    assert _mismatches(world, route) == []
    monkeypatch.setattr("archives.views.can_manage", lambda user, archive: True)
    wrong = {(role, scope) for role, scope, _status, _expected in _mismatches(world, route)}
    assert {("headteacher", "own"), ("officer", "own"), ("officer", "sibling"), ("administrator", "own")} <= wrong


def test_an_expectation_read_from_another_capability_fails(world):
    """Deciding on an access request declared with the wrong capability ("archive.manage": the archivist
    instead of the headteacher) is caught: the table, not the row, says who passes."""
    route = dataclasses.replace(MATRIX["access_decide"], expect=needs("archive.manage", granted=302))
    wrong = {(role, scope) for role, scope, _status, _expected in _mismatches(world, route)}
    assert wrong == {("headteacher", "own"), ("archivist", "own")}


@pytest.mark.parametrize("role,expected", [("registrar", 302), ("officer", 302), ("administrator", 200)])
def test_admin_is_staff_only(client, world, role, expected):
    response = client_for(client, world, role).get("/admin/")
    assert response.status_code == expected
