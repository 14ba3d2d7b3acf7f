import os
import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

from registry.models import Notification
from registry.roles import Role
from registry.services import grant_role
from tests.factories import (
    EnrolmentSpellFactory,
    GuardianFactory,
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    TownFactory,
    UserFactory,
)
from transfers.models import Evidence, ImportJob, TransferForm
from transfers.registration import register_pupil


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` (real concurrency) run only against PostgreSQL, tests marked `sqlite` (the
    embedded default's own paths) only against SQLite; the others are deselected and said so at the end,
    never counted as passed. `make test` runs the first on SQLite, CI the second on PostgreSQL."""
    from django.db import connection

    needs = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    not_here = [item for item in items if item.get_closest_marker(needs)]
    if not_here:
        config.hook.pytest_deselected(items=not_here)
        items[:] = [item for item in items if not item.get_closest_marker(needs)]
        config._xueji_not_run = (needs, [item.nodeid for item in not_here])
    items[:] = _longest_first(items, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))


def _longest_first(items, workers):
    """The order the suite runs in. `--dist worksteal` (make test) gives each worker an equal contiguous share
    of this list and lets a worker that finishes take the rest of another's share from its end; so each
    share starts with its part of the browser journeys (whole modules, dealt to the share with the fewest so
    far, the started `make run` stack first of all), then the short tests in file order, which are what gets
    taken at the end — no journey is left to run alone while the other worker waits."""
    modules = {}
    for item in items:
        if item.get_closest_marker("e2e"):
            modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    dealt = [[] for _ in range(workers)]
    for module in sorted(modules, key=lambda name: ("test_make_run" not in name, -len(modules[name]))):
        min(dealt, key=len).extend(modules[module])
    others = [item for item in items if not item.get_closest_marker("e2e")]
    ordered, taken = [], 0
    for share in range(workers):
        rest = max(len(items) * (share + 1) // workers - len(ordered) - len(dealt[share]), 0)
        ordered += dealt[share] + others[taken : taken + rest]
        taken += rest
    return ordered + others[taken:]


def pytest_terminal_summary(terminalreporter, config):
    needs, nodeids = getattr(config, "_xueji_not_run", ("", []))
    how = {"postgresql": "needs PostgreSQL; set DATABASE_URL", "sqlite": "needs SQLite; unset DATABASE_URL"}
    for nodeid in nodeids:
        terminalreporter.write_line(f"NOT RUN ({how[needs]}): {nodeid}", yellow=True)


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a page a test asked for in English must not leave the next test,
    run in the same thread, speaking English."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2id's deliberate cost is for attackers, not for the test suite (tests/registry/test_password_hashing.py
    checks the real hashers)."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

ROLES = ["anonymous", "norole", "registrar", "headteacher", "archivist", "officer", "administrator"]


@dataclass
class World:
    """Two towns of one county. Town 1 has schools A (the school roles' own) and B; town 2 has school C.
    The officer acts for town 1, so A and B are in their scope and C is not."""

    town1: object
    town2: object
    school_a: object
    school_b: object
    school_c: object
    class_a: object
    class_b: object
    class_c: object
    users: dict
    pupils: dict  # "own" (in class A), "sibling" (class B), "other" (class C)
    registrations: dict  # a pending registration submitted by each school's registrar, by scope
    import_jobs: dict  # an import job of each school, by scope
    evidence: dict  # a commitment letter on each school's registration, by scope
    transfer_forms: dict  # a ready four-copy form on each school's request (scope is what matters), by scope
    notifications: dict  # a notification for each school's registrar, by scope
    sessions: dict = field(default_factory=dict)  # a signed-in session key by role (the module's world only)

    @property
    def county(self):
        return self.town1.parent


@pytest.fixture
def world(db):
    """A fresh world for each test (tests that commit, or that change it in ways a savepoint cannot undo)."""
    return build_world()


@contextmanager
def rolled_back_after(django_db_blocker):
    """A transaction around a module's shared data, rolled back when the module is done; each test's own `db`
    transaction is a savepoint in it, so no test sees another's changes."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world per test module (see `rolled_back_after`). Its files (evidence, forms) live in one media
    folder for the module."""
    media_root = tmp_path_factory.mktemp("world-media")
    with rolled_back_after(django_db_blocker):
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        ):
            built = build_world()
            built.sessions = _signed_in_sessions(built)
        yield built, media_root


@pytest.fixture
def shared_world(_module_world, db, settings):
    """The module's world for a test that only reads it or changes it inside its own transaction (the
    permission matrix, the masking scan): built once per module instead of once per test. A copy of the
    Python objects, so what a test changes in them (refresh_from_db, last_login) stays with that test."""
    built, media_root = _module_world
    settings.MEDIA_ROOT = media_root
    return pickle.loads(pickle.dumps(built))  # a deep copy (pickle's is several times faster than deepcopy's)


def build_world() -> World:
    town1 = TownFactory(name="东湖镇教办")
    town2 = TownFactory(name="青山镇教办", parent=town1.parent)
    school_a = SchoolFactory(name="甲小学", authority=town1)
    school_b = SchoolFactory(name="乙小学", authority=town1)
    school_c = SchoolFactory(name="丙小学", authority=town2)
    admin = UserFactory(username="admin")
    users = {"anonymous": None, "norole": UserFactory(username="norole"), "administrator": admin}
    grant_role(admin, Role.ADMINISTRATOR, actor=admin)
    for role in (Role.REGISTRAR, Role.HEADTEACHER, Role.ARCHIVIST):
        users[role.value] = UserFactory(username=role.value)
        grant_role(users[role.value], role, school_a, actor=admin)
    users["officer"] = UserFactory(username="officer")
    grant_role(users["officer"], Role.OFFICER, town1, actor=admin)
    classes = {
        "own": SchoolClassFactory(school=school_a),
        "sibling": SchoolClassFactory(school=school_b),
        "other": SchoolClassFactory(school=school_c),
    }
    pupils = {scope: EnrolmentSpellFactory(school_class=cls).student for scope, cls in classes.items()}
    for pupil in pupils.values():
        GuardianFactory(student=pupil)
    registrars = {"own": users["registrar"]}
    for scope, school in (("sibling", school_b), ("other", school_c)):
        registrars[scope] = UserFactory(username=f"registrar_{scope}")
        grant_role(registrars[scope], Role.REGISTRAR, school, actor=admin)
    registrations = {
        scope: register_pupil(
            StudentFactory.build(national_number=None),
            GuardianFactory.build_batch(2, student=None),
            school_class,
            actor=registrars[scope],
        )  # fmt: skip
        for scope, school_class in classes.items()
    }
    return World(
        town1=town1,
        town2=town2,
        school_a=school_a,
        school_b=school_b,
        school_c=school_c,
        class_a=classes["own"],
        class_b=classes["sibling"],
        class_c=classes["other"],
        users=users,
        pupils=pupils,
        registrations=registrations,
        evidence={
            scope: Evidence.objects.create(
                request=request,
                kind="commitment_letter",
                file=SimpleUploadedFile("letter.pdf", PDF),
                original_name="letter.pdf",
                content_type="application/pdf",
                size=len(PDF),
                sha256="0" * 64,
                uploaded_by=request.initiated_by,
            )  # fmt: skip
            for scope, request in registrations.items()
        },
        import_jobs={
            scope: ImportJob.objects.create(school=cls.school, created_by=registrars[scope], filename="class.xlsx")
            for scope, cls in classes.items()
        },
        transfer_forms={
            scope: TransferForm.objects.create(
                request=request,
                issue=1,
                serial=f"ZX2026-{request.pk:06d}-1",
                verification_code=f"WORLD{scope.upper()}",
                state=TransferForm.State.READY,
                file=SimpleUploadedFile("form.pdf", PDF),
            )
            for scope, request in registrations.items()
        },
        notifications={
            scope: Notification.objects.create(
                recipient=user, key="deadline:2025-07-31", day="2025-07-31", title="国家截止日期 2025-07-31"
            )
            for scope, user in registrars.items()
        },
    )


def _signed_in_sessions(world):
    """A session for each of the world's users, made once with the module's world: a test of the shared world
    sends its cookie instead of logging in again (what a session row a test changes is rolled back with it)."""
    sessions = {}
    for role, user in world.users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return sessions


def client_for(client, world, role):
    """The test client, logged in as the world's user of `role` (or anonymous)."""
    user = world.users[role]
    if user is None:
        return client
    if role in world.sessions:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
    else:
        client.force_login(user)
    return client
