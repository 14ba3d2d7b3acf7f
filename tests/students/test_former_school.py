"""A school keeps the record of a pupil who moved on as it stood when the pupil left: what the next school
records afterwards (a new address, a new phone, its class, its requests) is not the old school's to read."""

from django.urls import reverse
from django.utils import translation

from audit.history import acting_as
from tests.factories import GuardianFactory
from tests.transfers.kinds_helpers import pupil_in, transfer_to_c


def _pupil_with_guardian(world):
    pupil = pupil_in(world.school_a, grade=3)
    GuardianFactory(student=pupil, employer="东湖镇纺织厂")
    return pupil


def _later_changes_at_c(pupil, registrar_c):
    """What school C records after the transfer."""
    with acting_as(registrar_c, "家长来校更新"):
        pupil.home_address = "青山镇新村 9 号"
        pupil.save()
        guardian = pupil.guardians.first()
        guardian.employer = "青山镇卫生院"
        guardian.save()


def test_the_old_school_reads_the_record_as_it_stood_when_the_pupil_left(client, world):
    pupil = _pupil_with_guardian(world)
    old_address = pupil.home_address
    old_employer = pupil.guardians.first().employer
    request = transfer_to_c(world, pupil)
    old_class = pupil.spells.get(ended_on__isnull=False).school_class
    _later_changes_at_c(pupil, request.initiated_by)

    client.force_login(world.users["registrar"])  # school A's
    page = client.get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert 'data-testid="as-left"' in page
    assert old_address in page and "青山镇新村" not in page
    assert old_employer in page and "青山镇卫生院" not in page
    history = page.split('data-testid="enrolment-history"')[1].split("</table>")[0]
    assert world.school_a.name in history and str(old_class) in history
    assert world.school_c.name not in history  # the new school's spell and class are its own
    assert "家长来校更新" not in page  # nor the later change in the timeline


def test_the_new_school_and_the_town_offices_read_the_record_as_it_is(client, world):
    pupil = _pupil_with_guardian(world)
    request = transfer_to_c(world, pupil)
    _later_changes_at_c(pupil, request.initiated_by)
    with translation.override("zh-hans"):
        client.force_login(world.users["administrator"])
        page = client.get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert 'data-testid="as-left"' not in page
    assert "青山镇新村" in page and "青山镇卫生院" in page and "家长来校更新" in page


def test_a_pupil_still_at_the_school_is_shown_as_is(client, world):
    pupil = world.pupils["own"]
    client.force_login(world.users["registrar"])
    page = client.get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert 'data-testid="as-left"' not in page and pupil.home_address in page
