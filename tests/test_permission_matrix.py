import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import ROLES, client_for
from tests.permission_matrix import MATRIX, SCOPES


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
    response = getattr(client, route.method)(url, route.data or {})
    expected = route.expect(role, scope)
    assert response.status_code == expected, f"{role} ({scope} scope) {route.method.upper()} {url}"
    if expected == 302 and role == "anonymous" and route.method == "get":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role,expected", [("registrar", 302), ("officer", 302), ("administrator", 200)])
def test_admin_is_staff_only(client, world, role, expected):
    response = client_for(client, world, role).get("/admin/")
    assert response.status_code == expected
