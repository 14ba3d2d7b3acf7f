"""The capability table (registry.roles.CAPABILITIES) asked through registry.scoping.can and the {% can %}
tag: at a school through the roles held there, at an authority as its officer (or one above it), and with
no scope through any role held anywhere."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from registry.roles import Role
from registry.scoping import can, can_anywhere, schools_where
from registry.services import grant_role


def test_at_a_school_each_right_goes_to_the_roles_the_table_names(world):
    users = world.users
    assert can(users["registrar"], "request.initiate", world.school_a)
    assert not can(users["registrar"], "request.initiate", world.school_b)  # not their school
    assert not can(users["headteacher"], "request.initiate", world.school_a)
    assert not can(users["officer"], "request.initiate", world.school_a)
    assert can(users["officer"], "request.decide_as_authority", world.school_b)  # a school of their town
    assert not can(users["officer"], "request.decide_as_authority", world.school_c)
    assert can(users["administrator"], "id_number.reveal", world.school_c)
    assert not can(users["administrator"], "request.decide_as_authority", world.school_a)
    assert not can(users["headteacher"], "id_number.reveal", world.school_a)
    assert can(users["archivist"], "id_number.print", world.school_a)
    assert not can(users["norole"], "archive.read_register", world.school_a)


def test_at_an_authority_its_officers_and_those_above_it_decide(world):
    users = world.users
    assert can(users["officer"], "request.decide_as_authority", world.town1)
    assert not can(users["officer"], "request.decide_as_authority", world.county)  # the county above
    assert not can(users["officer"], "request.decide_as_authority", world.town2)
    county_officer = users["norole"]
    grant_role(county_officer, Role.OFFICER, world.county, actor=users["administrator"])
    county_officer = type(county_officer).objects.get(pk=county_officer.pk)  # grants are cached per object
    assert can(county_officer, "request.decide_as_authority", world.town2)
    assert not can(users["registrar"], "request.decide_as_authority", world.town1)
    assert not can(users["administrator"], "request.decide_as_authority", world.town1)
    assert can(users["administrator"], "audit.search", world.town1)


def test_with_no_scope_any_role_held_anywhere_counts(world):
    assert can_anywhere(world.users["officer"], "audit.search")
    assert can_anywhere(world.users["administrator"], "audit.search")
    assert not can_anywhere(world.users["registrar"], "audit.search")
    assert not can(world.users["administrator"], "audit.search", None)  # no scope is not "anywhere"
    assert schools_where(world.users["headteacher"], "archive.decide_access") == [world.school_a]
    assert schools_where(world.users["officer"], "archive.decide_access") == []  # officers are no school's staff
    with pytest.raises(KeyError):
        can_anywhere(world.users["administrator"], "archive.destroy")  # a right the table does not name


def _render(source, user, **context):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load capabilities %}" + source).render(Context({"request": request, **context}))


def test_the_template_tag_asks_the_table(world):
    source = '{% can "request.initiate" school as may %}{{ may|yesno:"yes,no" }}'
    assert _render(source, world.users["registrar"], school=world.school_a) == "yes"
    assert _render(source, world.users["headteacher"], school=world.school_a) == "no"
    assert _render(source, world.users["registrar"], school=world.school_b) == "no"
    missing = '{% can "request.initiate" current.school as may %}{{ may|yesno:"yes,no" }}'
    assert _render(missing, world.users["registrar"], current=None) == "no"  # no school: never "anywhere"
    assert _render('{% can "audit.search" as may %}{{ may|yesno:"yes,no" }}', world.users["officer"]) == "yes"
