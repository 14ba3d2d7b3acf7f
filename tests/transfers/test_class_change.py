"""转班 (change-type code 29): a pupil moved by the registrar with the reason, at once (no approval chain);
several moved at once after a preview; the class-size cap refuses naming the class and its cap; the roll
check and the statistics count the old class up to the day before; the kind is listed with its code."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation

from registry.models import School, Semester
from reports.statistics import figures as statistics
from reports.statistics import tables as statistics_tables
from students.models import EnrolmentSpell
from students.rollcheck.services import class_rolls, start_roll_check
from tests.conftest import ROLES, client_for
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, SemesterFactory
from tests.permission_matrix import SCOPES, needs
from transfers.bulk.class_moves import move_pupils, preview_moves
from transfers.kinds import KINDS, ChangeRefused
from transfers.kinds.class_change import ClassChangeForm
from transfers.models import ChangeRequest
from transfers.services import submit_request

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def classes(world):
    """School A's grade-3 classes 1 and 2; class 1 has three pupils, class 2 one."""
    one = SchoolClassFactory(school=world.school_a, grade=3, number=1)
    two = SchoolClassFactory(school=world.school_a, grade=3, number=2)
    pupils = [EnrolmentSpellFactory(school_class=one).student for _ in range(3)]
    EnrolmentSpellFactory(school_class=two)
    return one, two, pupils


def _move(world, pupil, to_class, reason="家长申请，便于照顾"):
    return submit_request(
        kind="class_change", student=pupil, school=world.school_a, actor=world.users["registrar"],
        payload={"school_class": to_class.pk, "reason": reason},
    )  # fmt: skip


def test_one_pupil_moved_with_the_reason_at_once(world, classes):
    one, two, pupils = classes
    request = _move(world, pupils[0], two)
    assert request.state == ChangeRequest.State.APPROVED and not request.steps.exists()
    old, new = EnrolmentSpell.objects.filter(student=pupils[0]).order_by("pk")
    assert (old.school_class, old.ended_on, old.exit_reason) == (one, TODAY, "placed")
    assert (new.school_class, new.started_on, new.ended_on, new.entry_reason) == (two, TODAY, None, "class_change")
    assert request.history.first().history_user == world.users["registrar"]


def test_the_reason_and_the_same_grade_are_required(world, classes):
    one, _two, pupils = classes
    with pytest.raises(ChangeRefused, match="Give the reason"):
        _move(world, pupils[0], SchoolClassFactory(school=world.school_a, grade=3, number=3), reason="  ")
    with pytest.raises(ChangeRefused, match="keeps the grade: choose a grade 3 class"):
        _move(world, pupils[0], SchoolClassFactory(school=world.school_a, grade=4, number=1))
    with pytest.raises(ChangeRefused, match="already in Grade 3 Class 1"):
        _move(world, pupils[0], one)
    assert EnrolmentSpell.objects.filter(student=pupils[0]).count() == 1


def test_the_class_size_cap_refuses_naming_the_class_and_its_cap(world, classes):
    _one, two, pupils = classes
    world.school_a.class_size_cap = 1
    world.school_a.save()
    with pytest.raises(ChangeRefused) as refused:
        _move(world, pupils[0], two)
    assert "Grade 3 Class 2 already has 1 pupils, the class-size cap of 甲小学" in str(refused.value)
    assert not ChangeRequest.objects.filter(student=pupils[0]).exists()


def test_the_roll_check_and_the_statistics_count_the_old_class_until_the_day_before(world, classes):
    one, two, pupils = classes
    _move(world, pupils[0], two)
    semester = Semester.objects.filter(starts_on__lte=TODAY, ends_on__gte=TODAY).first() or SemesterFactory(
        school_year=TODAY.year + 50, starts_on=TODAY - timedelta(days=30), ends_on=TODAY + timedelta(days=30)
    )
    check = start_roll_check(world.school_a, semester, actor=world.users["registrar"],
                             check_date=TODAY - timedelta(days=1))  # fmt: skip
    registered = {roll.school_class: roll.registered for roll in class_rolls(check)}
    assert (registered[one], registered[two]) == (3, 1)

    def by_class(day):
        rows = statistics.figures(School.objects.filter(pk=world.school_a.pk), day).classes
        return {(row["grade"], row["number"]): row["pupils"] for row in rows if row["grade"] == 3}

    assert by_class(TODAY - timedelta(days=1)) == {(3, 1): 3, (3, 2): 1}
    assert by_class(TODAY) == {(3, 1): 2, (3, 2): 2}
    changes = {f.kind: f for f in statistics.figures(School.objects.filter(pk=world.school_a.pk), TODAY).changes}
    assert (changes["class_change"].change_type_code, changes["class_change"].approved) == ("29", 1)
    figures = statistics.figures(School.objects.filter(pk=world.school_a.pk), TODAY)
    table = statistics_tables.tables(figures, town=False)["changes"]
    row = next(r for r in table.rows if r.cells[0] == "Class change")
    assert row.cells[1:3] == ["29", 1]


def test_the_registrar_moves_one_pupil_from_the_pupils_page(client, world, classes):
    _one, two, pupils = classes
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("change_new", args=[pupils[0].pk, "class_change"])
    page = client.get(url)
    assert page.status_code == 200 and "Save" in page.text
    refused = client.post(url, {"school_class": two.pk, "reason": ""})
    assert "This field is required" in refused.text
    moved = client.post(url, {"school_class": two.pk, "reason": "家长申请"}, follow=True)
    assert f"Class change of {pupils[0].name} was recorded." in moved.text
    assert "Grade 3 Class 1 → Grade 3 Class 2" in moved.text and "家长申请" in moved.text
    timeline = client.get(reverse("pupil_detail", args=[pupils[0].pk])).text
    assert f"{world.school_a.name} submitted the request: Class change" in timeline


def test_a_bulk_move_with_preview(client, world, classes):
    one, two, pupils = classes
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("class_moves", args=[world.school_a.code]) + f"?from_class={one.pk}"
    data = {"pupils": [pupils[0].pk, pupils[1].pk], "school_class": two.pk, "reason": "分班调整"}
    preview = client.post(url, {**data, "step": "preview"})
    assert 'data-testid="class-move-preview"' in preview.text and "Move these pupils" in preview.text
    assert EnrolmentSpell.objects.filter(school_class=two, ended_on__isnull=True).count() == 1  # nothing moved yet
    asked = client.post(url, {**data, "step": "confirm"})  # the confirmation page names who moves
    assert 'data-testid="confirm-page"' in asked.text and pupils[0].name in asked.text
    assert EnrolmentSpell.objects.filter(school_class=two, ended_on__isnull=True).count() == 1  # still nothing
    client.post(url, {**data, "step": "confirm", "confirmed": "1"})
    in_two = EnrolmentSpell.objects.filter(school_class=two, ended_on__isnull=True).values_list("student", flat=True)
    assert set(in_two) >= {pupils[0].pk, pupils[1].pk}
    assert ChangeRequest.objects.filter(kind="class_change", state="approved").count() == 2


def test_a_bulk_move_above_the_cap_is_refused_in_the_preview_and_moves_nobody(client, world, classes):
    one, two, pupils = classes
    world.school_a.class_size_cap = 2
    world.school_a.save()
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("class_moves", args=[world.school_a.code]) + f"?from_class={one.pk}"
    data = {"pupils": [p.pk for p in pupils[:2]], "school_class": two.pk, "reason": "分班调整"}
    preview = client.post(url, {**data, "step": "preview"})
    assert "Grade 3 Class 2 has 1 pupils; 2 more would exceed 2, the class-size cap of 甲小学." in preview.text
    assert "Move these pupils" not in preview.text
    client.post(url, {**data, "step": "confirm", "confirmed": "1"})
    assert EnrolmentSpell.objects.filter(school_class=two, ended_on__isnull=True).count() == 1
    assert not ChangeRequest.objects.filter(kind="class_change").exists()


def test_the_grade_1_intake_is_dealt_evenly_to_the_classes(client, world):
    one = SchoolClassFactory(school=world.school_a, grade=1, number=1)
    two = SchoolClassFactory(school=world.school_a, grade=1, number=2)
    for sex, name in [("1", "甲"), ("1", "乙"), ("2", "丙"), ("2", "丁")]:
        EnrolmentSpellFactory(school_class=one, student__sex=sex, student__name=name)
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("intake_classes", args=[world.school_a.code])
    assert 'data-testid="intake-preview"' in client.get(url).text
    assert EnrolmentSpell.objects.filter(school_class=two).count() == 0  # the preview moves nobody
    client.post(url, {"reason": "新生分班", "confirmed": "1"})
    grade_1 = EnrolmentSpell.objects.filter(school__pk=world.school_a.pk, grade=1, ended_on__isnull=True)
    sizes = sorted(grade_1.values("school_class").annotate(n=Count("pk")).values_list("n", flat=True))
    assert sizes == [1, 2, 2]  # the world's class, one and two: five pupils dealt evenly to three classes
    sexes = {number: {s.student.sex for s in grade_1.filter(school_class__number=number)} for number in (1, 2)}
    assert sexes[one.number] and len(sexes[one.number] | sexes[two.number]) == 2  # boys and girls spread
    moved = EnrolmentSpell.objects.filter(entry_reason="class_change", student__change_requests__kind="class_change")
    assert ChangeRequest.objects.filter(kind="class_change", payload__reason="新生分班").count() == moved.count() >= 2


def test_an_intake_too_large_for_its_classes_is_refused_naming_the_cap(client, world):
    one = SchoolClassFactory(school=world.school_a, grade=1, number=1)
    for _ in range(4):
        EnrolmentSpellFactory(school_class=one)
    world.school_a.class_size_cap = 2
    world.school_a.save()
    client = client_for(client, world, "registrar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("intake_classes", args=[world.school_a.code])
    page = client.get(url).text
    pupils = EnrolmentSpell.objects.filter(school__pk=world.school_a.pk, grade=1, ended_on__isnull=True).count()
    classes = world.school_a.classes.filter(grade=1).count()
    assert pupils > 2 * classes
    refusal = (
        f"{pupils} grade 1 pupils do not fit in {classes} classes of at most 2 pupils (the class-size cap of 甲小学)"
    )
    assert refusal in page
    client.post(url, {"reason": "新生分班", "confirmed": "1"})
    assert not ChangeRequest.objects.filter(kind="class_change").exists()


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", ROLES)
def test_the_class_change_page_follows_the_permission_matrix(client, world, role, scope):
    """The matrix declares change_new with one kind; the class change's page answers the same way: the
    registrar of the pupil's school 200, anyone else who sees the school 403, everyone else 404."""
    url = reverse("change_new", args=[world.pupils[scope].pk, "class_change"])
    response = client_for(client, world, role).get(url)
    assert response.status_code == needs("request.initiate")(role, scope), f"{role} ({scope} scope) {url}"


def test_the_class_change_form_offers_the_other_classes_of_the_grade_in_order(world, classes):
    one, two = classes[0], classes[1]
    four = SchoolClassFactory(school=world.school_a, grade=3, number=4)
    three = SchoolClassFactory(school=world.school_a, grade=3, number=3)
    SchoolClassFactory(school=world.school_a, grade=4, number=1)
    spell = classes[2][0].spells.get()
    form = ClassChangeForm(data={"school_class": three.pk, "reason": "家长申请"}, spell=spell)
    assert list(form.fields["school_class"].queryset) == [two, three, four]
    assert form.is_valid(), form.errors
    assert form.payload().school_class == three.pk
    assert one not in form.fields["school_class"].queryset


def test_the_class_change_form_names_each_class_it_offers(world, classes):
    one, two = classes[0], classes[1]
    spell = classes[2][0].spells.get()
    form = ClassChangeForm(spell=spell)
    assert [str(label) for _pk, label in form.fields["school_class"].choices] == ["---------", str(two)]
    assert str(two) != str(one)


def test_a_suspended_pupil_is_not_offered_a_class_change():
    kind = KINDS["class_change"]
    assert (kind.start_label(suspended=False), kind.start_label(suspended=True)) == ("Class change", None)


def test_the_request_page_names_the_former_and_the_new_class_and_the_reason(world, classes):
    one, two, pupils = classes
    request = _move(world, pupils[0], two, reason="家长申请")
    request.payload = {**request.payload, "from_class": one.pk}  # as the form records it
    kind = KINDS["class_change"]
    assert kind.details(request) == [("Former class", str(one)), ("New class", str(two)), ("Reason", "家长申请")]
    request.payload = {**request.payload, "from_class": None, "school_class": 0}  # classes no longer found
    assert kind.details(request) == [("Former class", ""), ("New class", ""), ("Reason", "家长申请")]


def test_class_change_refusals_say_why_on_the_field_they_belong_to(world, classes):
    one, two, pupils = classes
    other_grade = SchoolClassFactory(school=world.school_a, grade=4)
    cases = [
        (two, " ", r"^Give the reason for the class change\.$", "reason"),
        (one, "家长申请", rf"^{pupils[0].name} is already in {one}\.$", "school_class"),
        (other_grade, "家长申请", r"^A class change keeps the grade: choose a grade 3 class\.$", "school_class"),
    ]
    for to_class, reason, message, field in cases:
        with pytest.raises(ChangeRefused, match=message) as refused:
            _move(world, pupils[0], to_class, reason=reason)
        assert refused.value.field == field
    elsewhere = EnrolmentSpellFactory(school_class=SchoolClassFactory(school=world.school_b, grade=3)).student
    with pytest.raises(ChangeRefused, match="is not on the register of"):
        _move(world, elsewhere, two)


def test_the_class_size_cap_counts_only_the_pupils_now_in_the_class_and_refuses_in_full(world, classes):
    """班额 (rules.refuse_full_class): a pupil who left the class and the pupils of other classes do not count,
    a class fills up to its cap exactly, and the refusal is the whole message naming the class, its cap and
    the school."""
    _one, two, pupils = classes
    world.school_a.class_size_cap = 3
    world.school_a.save()
    EnrolmentSpellFactory(school_class=two, ended_on=TODAY - timedelta(days=1), exit_reason="withdrawn")
    _move(world, pupils[0], two)
    _move(world, pupils[1], two)  # the third place: class 2 is now at its cap
    with pytest.raises(
        ChangeRefused,
        match=r"^Grade 3 Class 2 already has 3 pupils, the class-size cap of 甲小学; choose another class\.$",
    ):
        _move(world, pupils[2], two)
    assert EnrolmentSpell.objects.filter(school_class=two, ended_on__isnull=True).count() == 3


def test_a_bulk_move_may_fill_a_class_to_its_cap_and_one_above_it_is_refused_in_full(world, classes):
    """The cap for pupils moved together (rules.refuse_full_class with `arriving`): the preview refuses
    three into a class of one under a cap of three with the whole message, and lets two fill it exactly."""
    one, two, pupils = classes
    world.school_a.class_size_cap = 3
    world.school_a.save()
    assert preview_moves(pupils, one, two).refusal == (
        "Grade 3 Class 2 has 1 pupils; 3 more would exceed 3, the class-size cap of 甲小学."
    )
    assert preview_moves(pupils[:2], one, two).refusal is None
    moved = move_pupils(pupils[:2], two, reason="分班调整", actor=world.users["registrar"])
    assert [request.state for request in moved] == [ChangeRequest.State.APPROVED] * 2
    assert EnrolmentSpell.objects.filter(school_class=two, ended_on__isnull=True).count() == 3
