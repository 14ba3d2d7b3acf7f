"""The daily deadline reminders (registry.notifications.reminders): who is reminded of what, once a day, by e-mail too.

The world is built on 1 September 2026 (its registrations' town-office steps are due on 21 September); each
test passes the day it reminds for. Texts are checked in English (LANGUAGE_CODE = "en")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import Notification
from registry.notifications.reminders import send_daily_reminders
from registry.roles import Role
from registry.services import grant_role
from registry.tasks import send_daily_reminders_task
from students.models import Suspension
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, UserFactory
from transfers.models import ApprovalStep, ChangeRequest


@pytest.fixture(autouse=True)
def first_of_september():
    with time_machine.travel(datetime(2026, 9, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def staff(world):
    """More people who must not get the school A / town 1 reminders: town 2's officer, the county's officer,
    school B's headteacher (and the world's registrars of B and C)."""
    admin = world.users["administrator"]
    people = {
        "officer_town2": UserFactory(username="officer_town2"),
        "officer_county": UserFactory(username="officer_county"),
        "headteacher_b": UserFactory(username="headteacher_b"),
    }
    grant_role(people["officer_town2"], Role.OFFICER, world.town2, actor=admin)
    grant_role(people["officer_county"], Role.OFFICER, world.county, actor=admin)
    grant_role(people["headteacher_b"], Role.HEADTEACHER, world.school_b, actor=admin)
    return people


def _pupil(school):
    return EnrolmentSpellFactory(school_class=SchoolClassFactory(school=school)).student


def _request(world, school, *parties, kind=ChangeRequest.Kind.SUSPENSION, state=ChangeRequest.State.PENDING):
    """A pending request of a new pupil of `school` with one undecided step per (party, due_on)."""
    request = ChangeRequest.objects.create(
        kind=kind,
        student=_pupil(school),
        school=school,
        state=state,
        initiated_by=world.registrations["own"].initiated_by,
        submitted_at=timezone.now(),
    )
    steps = []
    for position, (party, due_on) in enumerate(parties, start=1):
        is_school = party in (world.school_a, world.school_b, world.school_c)
        steps.append(
            ApprovalStep.objects.create(
                request=request,
                round=1,
                position=position,
                school=party if is_school else None,
                authority=None if is_school else party,
                due_on=due_on,
            )
        )
    return steps


def _suspension(school, ends_on, **fields):
    return Suspension.objects.create(
        student=_pupil(school), started_on=date(2025, 10, 1), ends_on=ends_on, reason="病休", **fields
    )


def recipients(key):
    return set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))


def the(key, username):
    return Notification.objects.get(key=key, recipient__username=username)


# --- approval steps ----------------------------------------------------------------------------------------


def test_authority_step_due_in_two_working_days_reminds_that_authoritys_officers_only(world, staff):
    (step,) = _request(world, world.school_a, (world.town1, date(2026, 9, 30)))
    send_daily_reminders(date(2026, 9, 28))
    assert recipients(f"step-due:{step.pk}") == {"officer"}
    reminder = the(f"step-due:{step.pk}", "officer")
    assert reminder.title == "Suspension due on 2026-09-30"
    assert reminder.body.endswith("awaits your decision by 2026-09-30. 2 working days left.")
    assert step.request.student.name in reminder.body and world.school_a.name in reminder.body
    assert reminder.link == f"/requests/{step.request.pk}/"
    assert reminder.day == date(2026, 9, 28) and reminder.read_at is None


def test_school_step_reminds_that_schools_registrars_and_headteachers(world, staff):
    """A transfer into school A waits first for the sending school B, then for town 1: only B's registrar
    and headteacher hear of it, and nobody yet of town 1's later step."""
    first, second = _request(
        world,
        world.school_a,
        (world.school_b, date(2026, 9, 28)),
        (world.town1, date(2026, 9, 29)),
        kind=ChangeRequest.Kind.TRANSFER,
    )
    send_daily_reminders(date(2026, 9, 28))
    assert recipients(f"step-due:{first.pk}") == {"registrar_sibling", "headteacher_b"}
    assert the(f"step-due:{first.pk}", "headteacher_b").body.endswith("It is due today.")
    assert recipients(f"step-due:{second.pk}") == set()


def test_working_days_skip_the_national_day_holiday(world, staff):
    """30 Sep 2026 → 9 Oct is two working days (1–7 Oct are off); → 12 Oct is four (10 Oct is a make-up day)."""
    (soon,) = _request(world, world.school_a, (world.town1, date(2026, 10, 9)))
    (later,) = _request(world, world.school_a, (world.town1, date(2026, 10, 12)))
    send_daily_reminders(date(2026, 9, 30))
    assert recipients(f"step-due:{soon.pk}") == {"officer"}
    assert recipients(f"step-due:{later.pk}") == set()


def test_overdue_step_says_by_how_many_working_days(world, staff):
    """Due Thursday 24 Sep 2026; 25–27 Sep is the Mid-Autumn Festival, so on Tuesday 29 Sep it is two working
    days overdue."""
    (step,) = _request(world, world.school_c, (world.town2, date(2026, 9, 24)))
    send_daily_reminders(date(2026, 9, 29))
    reminder = the(f"step-due:{step.pk}", "officer_town2")
    assert reminder.title == "Overdue: Suspension, due on 2026-09-24"
    assert reminder.body.endswith("it was due on 2026-09-24. Overdue by 2 working days.")
    assert recipients(f"step-due:{step.pk}") == {"officer_town2"}


def test_decided_returned_and_distant_steps_are_not_reminded(world, staff):
    (distant,) = _request(world, world.school_a, (world.town1, date(2026, 10, 9)))  # 4 working days
    (returned,) = _request(world, world.school_a, (world.town1, date(2026, 9, 20)), state="returned")
    (decided,) = _request(world, world.school_a, (world.town1, date(2026, 9, 20)))
    ApprovalStep.objects.filter(pk=decided.pk).update(
        decision="approved", decided_by=world.users["officer"], decided_at=timezone.now()
    )
    send_daily_reminders(date(2026, 9, 28))
    for step in (distant, returned, decided):
        assert recipients(f"step-due:{step.pk}") == set()


# --- suspensions, late registrations, national deadlines --------------------------------------------------


def test_suspension_ending_within_30_days_reminds_the_pupils_school_registrars(world, staff):
    ending = _suspension(world.school_a, date(2026, 10, 20))
    distant = _suspension(world.school_a, date(2026, 11, 1))
    resumed = _suspension(world.school_a, date(2026, 9, 20), ended_on=date(2026, 9, 18))
    send_daily_reminders(date(2026, 9, 30))
    assert recipients(f"suspension-ending:{ending.pk}") == {"registrar"}
    reminder = the(f"suspension-ending:{ending.pk}", "registrar")
    assert reminder.title == "A suspension ends on 2026-10-20"
    assert reminder.body.startswith(f"The suspension of {ending.student.name} ends on 2026-10-20, in 20 days.")
    assert reminder.link == f"/pupils/{ending.student.pk}/"
    assert recipients(f"suspension-ending:{distant.pk}") == set()
    assert recipients(f"suspension-ending:{resumed.pk}") == set()


def test_overdue_suspension_is_flagged_until_a_resumption_is_under_review(world, staff):
    overdue = _suspension(world.school_b, date(2026, 9, 25))
    send_daily_reminders(date(2026, 9, 30))
    assert recipients(f"suspension-ending:{overdue.pk}") == {"registrar_sibling"}
    reminder = the(f"suspension-ending:{overdue.pk}", "registrar_sibling")
    assert reminder.title == "Overdue: a suspension ended on 2026-09-25"
    assert "ended on 2026-09-25, 5 days ago, and the pupil has not resumed" in reminder.body
    ChangeRequest.objects.create(
        kind=ChangeRequest.Kind.RESUMPTION,
        student=overdue.student,
        school=world.school_b,
        initiated_by=world.registrations["sibling"].initiated_by,
        submitted_at=timezone.now(),
    )
    send_daily_reminders(date(2026, 10, 1))
    assert not Notification.objects.filter(key=f"suspension-ending:{overdue.pk}", day=date(2026, 10, 1)).exists()


def test_pupils_unregistered_a_month_after_entry_remind_the_schools_registrars(world, staff):
    """The world's three registrations are of pupils who entered on 1 September and are still open."""
    send_daily_reminders(date(2026, 9, 30))
    assert not Notification.objects.filter(key__startswith="unregistered:").exists()
    returned = world.registrations["sibling"]
    ChangeRequest.objects.filter(pk=returned.pk).update(state="returned")
    approved = world.registrations["other"]
    ChangeRequest.objects.filter(pk=approved.pk).update(state="approved", closed_at=timezone.now())
    send_daily_reminders(date(2026, 10, 2))
    own = world.registrations["own"]
    assert recipients(f"unregistered:{own.student.pk}") == {"registrar"}
    assert recipients(f"unregistered:{returned.student.pk}") == {"registrar_sibling"}
    assert recipients(f"unregistered:{approved.student.pk}") == set()
    reminder = the(f"unregistered:{returned.student.pk}", "registrar_sibling")
    assert reminder.title == "A pupil who entered on 2026-09-01 is still not registered"
    assert reminder.body.endswith("returned for amendment: correct it and submit it again.")
    assert reminder.link == f"/requests/{returned.pk}/"


@pytest.mark.parametrize(
    "today,days", [(date(2026, 9, 16), 14), (date(2026, 9, 23), 7), (date(2026, 9, 27), 3), (date(2026, 9, 29), 1)]
)
def test_every_registrar_is_reminded_of_30_september_on_the_milestone_days(world, staff, today, days):
    send_daily_reminders(today)
    assert recipients("deadline:2026-09-30") == {"registrar", "registrar_sibling", "registrar_other"}
    reminder = the("deadline:2026-09-30", "registrar_other")
    assert reminder.title == (
        "National deadline 2026-09-30: new pupils entered and the other grades' status changes done"
    )
    assert f"in {days} day" in reminder.body


def test_deadline_day_itself_and_graduation_deadline(world, staff):
    send_daily_reminders(date(2026, 9, 30))
    assert the("deadline:2026-09-30", "registrar").body.startswith("Today, 2026-09-30, is the national deadline")
    send_daily_reminders(date(2026, 7, 24))
    assert recipients("deadline:2026-07-31") == {"registrar", "registrar_sibling", "registrar_other"}
    assert "graduation done" in the("deadline:2026-07-31", "registrar").title


def test_no_deadline_reminder_between_milestones(world, staff):
    send_daily_reminders(date(2026, 9, 17))
    send_daily_reminders(date(2026, 9, 10))
    assert not Notification.objects.filter(key__startswith="deadline:", day__year=2026).exists()


def test_registrar_of_two_schools_gets_one_deadline_reminder(world, staff):
    grant_role(world.users["registrar"], Role.REGISTRAR, world.school_b, actor=world.users["administrator"])
    send_daily_reminders(date(2026, 9, 16))
    assert Notification.objects.filter(key="deadline:2026-09-30", recipient=world.users["registrar"]).count() == 1


# --- once a day, by e-mail -----------------------------------------------------------------------------------


@pytest.fixture
def addresses(world, staff):
    for user in [*world.users.values(), *staff.values(), *(r.initiated_by for r in world.registrations.values())]:
        if user is not None:
            user.email = f"{user.username}@school.example"
            user.save(update_fields=["email"])


def test_running_the_task_twice_a_day_creates_and_mails_each_reminder_once(world, staff, addresses):
    (step,) = _request(world, world.school_a, (world.town1, date(2026, 9, 30)))
    suspension = _suspension(world.school_a, date(2026, 10, 10))
    send_daily_reminders_task.delay("2026-09-29")
    created, mailed = Notification.objects.count(), len(mail.outbox)
    assert recipients(f"step-due:{step.pk}") == {"officer"}
    assert recipients(f"suspension-ending:{suspension.pk}") == {"registrar"}
    assert recipients("deadline:2026-09-30") == {"registrar", "registrar_sibling", "registrar_other"}
    # one digest per person: the officers (their steps and the world's overdue registrations), and the three
    # registrars (the deadline, the suspension)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "officer@school.example",
        "officer_town2@school.example",
        "registrar@school.example",
        "registrar_other@school.example",
        "registrar_sibling@school.example",
    ]
    assert send_daily_reminders_task.delay("2026-09-29").get() == {"created": 0, "recipients": 0, "mailed": 0}
    assert Notification.objects.count() == created and len(mail.outbox) == mailed

    send_daily_reminders_task.delay("2026-09-30")
    assert Notification.objects.filter(key=f"step-due:{step.pk}", day=date(2026, 9, 30)).count() == 1
    assert Notification.objects.filter(key=f"suspension-ending:{suspension.pk}", day=date(2026, 9, 30)).count() == 1
    assert len(mail.outbox) == 2 * mailed


def test_a_reminder_created_by_a_concurrent_run_is_not_mailed_again(world, staff, addresses):
    """Another worker inserted the registrar's deadline reminder a moment earlier and mailed it: this run
    leaves it alone."""
    Notification.objects.create(
        recipient=world.users["registrar"], key="deadline:2026-09-30", day=date(2026, 9, 16), title="…",
        emailed_at=timezone.now(),
    )  # fmt: skip
    Notification.objects.filter(recipient=world.users["registrar"], emailed_at__isnull=True).update(
        read_at=timezone.now()
    )  # the world's earlier reminder: read, so not in a digest
    send_daily_reminders(date(2026, 9, 16))
    assert "registrar@school.example" not in [message.to[0] for message in mail.outbox]
    assert "registrar_sibling@school.example" in [message.to[0] for message in mail.outbox]


def test_the_mail_is_a_digest_naming_no_pupil_with_a_link_to_the_inbox(world, staff, addresses, settings):
    settings.SITE_URL = "https://xueji.example"
    first = _suspension(world.school_a, date(2026, 10, 1))
    second = _suspension(world.school_a, date(2026, 10, 2))
    send_daily_reminders(date(2026, 9, 16))
    (message,) = [message for message in mail.outbox if message.to == ["registrar@school.example"]]
    assert message.subject == "Xueji: 4 new notifications"  # and the world's unread reminder of 2025
    assert "https://xueji.example/notifications/" in message.body
    assert "A suspension ends on 2026-10-01" in message.body and "A suspension ends on 2026-10-02" in message.body
    assert first.student.name not in message.body and second.student.name not in message.body


def test_people_without_an_address_get_the_reminder_in_the_inbox_only(world, staff):
    send_daily_reminders(date(2026, 9, 16))
    assert recipients("deadline:2026-09-30") == {"registrar", "registrar_sibling", "registrar_other"}
    assert mail.outbox == []


def test_a_run_takes_the_same_number_of_queries_however_many_items(world, staff):
    def items(count, day):
        for _ in range(count):
            _request(world, world.school_a, (world.town1, day))
            _request(world, world.school_c, (world.school_c, day), kind=ChangeRequest.Kind.TRANSFER)
            _suspension(world.school_b, day)

    items(2, date(2026, 9, 17))
    with CaptureQueriesContext(connection) as few:
        send_daily_reminders(date(2026, 9, 16))
    items(10, date(2026, 9, 18))
    with CaptureQueriesContext(connection) as many:
        send_daily_reminders(date(2026, 9, 17))
    assert Notification.objects.filter(day=date(2026, 9, 17)).count() > 30
    # 16 Sep is a deadline milestone (every registrar), 17 Sep is not: at most the same number of queries
    # (the morning digest's claim and read included)
    assert len(many) <= len(few) <= 12, [query["sql"] for query in few.captured_queries]


def test_beat_runs_the_registered_task_every_morning_at_seven_beijing_time(settings):
    from registry.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["daily-reminders"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_management_command_for_a_machine_without_beat(world, staff, capsys):
    call_command("send_reminders", "--date", "2026-09-16")
    call_command("send_reminders", "--date", "2026-09-16")
    assert capsys.readouterr().out.splitlines() == [
        "3 reminders created for 3 people; 0 digests mailed.",
        "0 reminders created for 0 people; 0 digests mailed.",
    ]
