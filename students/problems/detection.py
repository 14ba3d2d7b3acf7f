"""Finding problem records (问题学籍) with set-based queries, so the county's 100,000 pupils are never walked
one by one in Python: each check is one or two statements (GROUP BY, a CASE over the ID number's digits)
that return only the flagged rows; Python then reads those few rows to say what is wrong.

The kinds (DOMAIN National-system details, duplicate types; issue 15): the same ID number on two records
(an ID number, or the one inside a `G` national number); the same name, sex and birth date where one of the
records has no ID number; both such records on the registers of two schools; an ID number that breaks
GB 11643 (students.identity: region, birth date, check digit) or disagrees with the record's birth date or
sex; a required field of the national template empty (DOMAIN Code tables, ★); a `G` national number that is
not `G` + the ID number. Only pupils on a register (an open enrolment spell) are listed, at that school;
the duplicate checks compare them with every record in the county.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Mod, Replace, Substr, Upper
from django.utils.translation import gettext as _

from students import codes
from students.identity import CHECK_CHARACTERS, PROVINCE_CODES, WEIGHTS, parse_id_number
from students.models import EnrolmentSpell, Guardian, ProblemKind, Student
from students.models.pupil import (
    REQUIRED_TEXT_FIELDS,
    foreign_g_number,
    id_number_in_another_spelling,
    incomplete_record,
)

TWO_FAMILY_MEMBERS = 2


@dataclass
class Problem:
    """One problem of one pupil on a register: what kind, at which school, what is wrong (`detail`), the
    schools of the other records it concerns, and the fingerprint that a kept problem is keyed by."""

    kind: str
    student_id: int
    school_id: int
    detail: str
    fingerprint: str
    other_schools: list = field(default_factory=list)

    @property
    def kind_label(self):
        return ProblemKind(self.kind).label


def fingerprint(*parts) -> str:
    """A short key of the values that make a problem what it is."""
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]


def find_problems(school_ids, *, kinds=None, student_ids=None) -> list[Problem]:
    """Every problem of the pupils on the registers of `school_ids` (of `kinds`, default all; only of
    `student_ids` when given), ordered by school, kind and pupil."""
    kinds = set(kinds or ProblemKind.values)
    register = EnrolmentSpell.objects.filter(ended_on__isnull=True, school_id__in=school_ids)
    if student_ids is not None:
        register = register.filter(student_id__in=student_ids)
    found = []
    if kinds & {ProblemKind.SAME_ID_NUMBER, ProblemKind.SAME_PERSON, ProblemKind.TWO_SCHOOLS}:
        found += _duplicates(register, kinds)
    if ProblemKind.INVALID_ID_NUMBER in kinds:
        found += _invalid_id_numbers(register)
    if ProblemKind.MISSING_FIELDS in kinds:
        found += _missing_fields(register)
    if ProblemKind.NATIONAL_NUMBER in kinds:
        found += _national_number_mismatches(register)
    order = list(ProblemKind.values)
    found.sort(key=lambda problem: (problem.school_id, order.index(problem.kind), problem.student_id))
    return found


# Duplicates --------------------------------------------------------------------------------------------


def _id_number_groups():
    """{ID number: {student ids}} for every ID number held by two or more records not removed, counting the
    ID number inside each `G` national number.

    The database already holds one record per stored ID number (`one_record_per_id_number`), so a duplicate
    needs a number stored in another spelling (a lower-case x) or a `G` number that is not its record's own
    ID number: those few keys are read from their partial indexes, then the records holding them through the
    unique index — never a scan or a GROUP BY over the county."""
    table = connection.ops.quote_name(Student._meta.db_table)
    spelt, spelt_params = _odd_keys(id_number_in_another_spelling(), Upper("id_number"))
    inside, inside_params = _odd_keys(foreign_g_number(), Substr("national_number", 2))
    sql = f"""
        WITH odd (student_id, k) AS ({spelt} UNION ALL {inside}),
        keys AS (
            SELECT student_id, k FROM odd
            UNION
            SELECT id, id_number FROM {table}
             WHERE removed_at IS NULL AND id_number <> '' AND id_number IN (SELECT k FROM odd)
        )
        SELECT k, student_id FROM keys
         WHERE k IN (SELECT k FROM keys GROUP BY k HAVING COUNT(DISTINCT student_id) > 1)
    """  # noqa: S608 (the table name is the model's, the rest the ORM's)
    groups = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*spelt_params, *inside_params])
        for key, student_id in cursor.fetchall():
            groups.setdefault(key, set()).add(student_id)
    return groups


def _odd_keys(condition, key):
    """The SQL (and parameters) of (id, key) for the records under `condition`, the condition of a partial
    index, written by the ORM as the index's is, so that the database reads the index."""
    rows = Student.all_records.filter(condition).annotate(k=key).order_by().values_list("pk", "k")
    return rows.query.sql_with_params()


def _same_person_groups():
    """{(name, sex, birth date): {student ids}} for the records not removed that share a name (in simplified
    characters), sex and birth date with a record without an ID number. Starts from the few records without
    one (partial index `without_id_number`) and finds their namesakes through the `same_person` index, so the
    county is never scanned nor grouped."""
    table = connection.ops.quote_name(Student._meta.db_table)
    name = "COALESCE(NULLIF({0}.name_folded, ''), {0}.name)"
    sql = f"""
        SELECT {name.format("n")}, n.sex, n.birth_date, n.id, s.id FROM {table} n
          JOIN {table} s ON {name.format("s")} = {name.format("n")} AND s.sex = n.sex
                        AND s.birth_date = n.birth_date AND s.id <> n.id AND s.removed_at IS NULL
         WHERE n.id_number = '' AND n.removed_at IS NULL
    """  # noqa: S608 (the table name is the model's)
    groups = {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for person_name, sex, birth_date, first, second in cursor.fetchall():
            groups.setdefault((person_name, sex, str(birth_date)), set()).update((first, second))
    return groups


def _duplicates(register, kinds):
    id_groups = _id_number_groups() if kinds & {ProblemKind.SAME_ID_NUMBER, ProblemKind.TWO_SCHOOLS} else {}
    person_groups = _same_person_groups() if kinds & {ProblemKind.SAME_PERSON, ProblemKind.TWO_SCHOOLS} else {}
    members = set().union(*id_groups.values(), *person_groups.values())
    if not members:
        return []
    registered = EnrolmentSpell.objects.filter(ended_on__isnull=True, student_id__in=members)
    schools = {
        pk: (school, name) for pk, school, name in registered.values_list("student_id", "school", "school__name")
    }
    listed = dict(register.filter(student_id__in=members).values_list("student_id", "school_id"))
    found = []
    groups = [(ProblemKind.SAME_ID_NUMBER, key, ids) for key, ids in id_groups.items()]
    groups += [(ProblemKind.SAME_PERSON, key, ids) for key, ids in person_groups.items()]
    for kind, key, ids in groups:
        ordered = sorted(ids)
        on_registers = {schools[pk][0] for pk in ordered if pk in schools}
        for pk in ordered:
            if pk not in listed:
                continue
            others = [
                schools[other][1] if other in schools else _("not on a register") for other in ordered if other != pk
            ]
            if kind in kinds:
                detail = (
                    _("Another record holds the same ID number.")
                    if kind == ProblemKind.SAME_ID_NUMBER
                    else _("Another record has the same name, sex and birth date, and one of them has no ID number.")
                )
                found.append(Problem(kind, pk, listed[pk], detail, fingerprint(kind, key, *ordered), others))
            if ProblemKind.TWO_SCHOOLS in kinds and len(on_registers) > 1:
                detail = _("The same pupil is on the registers of %(count)d schools.") % {"count": len(on_registers)}
                found.append(
                    Problem(ProblemKind.TWO_SCHOOLS, pk, listed[pk], detail, fingerprint("two", *ordered), others)
                )
    return _unique(found)


def _unique(problems):
    """One problem per pupil, kind and fingerprint, and one "on two registers" per pupil (found through the ID
    number first, else through the name)."""
    seen, kept = set(), []
    for problem in problems:
        key = (problem.student_id, problem.kind)
        if problem.kind != ProblemKind.TWO_SCHOOLS:
            key += (problem.fingerprint,)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


# ID numbers --------------------------------------------------------------------------------------------

SHAPE = r"^[0-9]{17}[0-9X]$"


def _digit(position):
    return Cast(Substr("student__id_number", position, 1), IntegerField())


def id_number_fault():
    """The first rule a pupil's resident ID number breaks, as an SQL expression: "shape", "region",
    "birth_date" (not the record's), "sex" (not the record's), "check_digit", or "" when it is sound. A CASE
    evaluates its branches in order, so the digits are read as numbers only once the shape is right; the
    record's birth date is compared as text (an ISO date without its dashes)."""
    total = sum(_digit(position) * weight for position, weight in enumerate(WEIGHTS, start=1))
    expected = Substr(Value(CHECK_CHARACTERS), Mod(total, 11) + 1, 1)
    return Case(
        When(~Q(student__id_number__regex=SHAPE), then=Value("shape")),
        When(~Q(province__in=sorted(PROVINCE_CODES)), then=Value("region")),
        When(~Q(id_birth_date=Replace(Cast("student__birth_date", CharField()), Value("-"))), then=Value("birth_date")),
        When(
            Q(id_sex_digit=1, student__sex=codes.Sex.FEMALE) | Q(id_sex_digit=0, student__sex=codes.Sex.MALE),
            then=Value("sex"),
        ),
        When(~Q(check_character=expected), then=Value("check_digit")),
        default=Value(""),
        output_field=CharField(),
    )


def _invalid_id_numbers(register):
    rows = (
        register.filter(student__id_type=codes.IdType.RESIDENT)
        .exclude(student__id_number="")
        .alias(
            province=Substr("student__id_number", 1, 2),
            id_birth_date=Substr("student__id_number", 7, 8),
            id_sex_digit=Mod(_digit(17), 2),
            check_character=Substr("student__id_number", 18, 1),
        )
        .annotate(fault=id_number_fault())
        .exclude(fault="")
        .values_list("student_id", "school_id", "student__id_number", "student__birth_date", "student__sex", "fault")
    )
    found = []
    for student_id, school_id, number, birth_date, sex, fault in rows:
        detail = _id_number_message(number, birth_date, sex, fault)
        found.append(
            Problem(ProblemKind.INVALID_ID_NUMBER, student_id, school_id, detail, fingerprint(number, birth_date, sex))
        )
    return found


def _id_number_message(number, birth_date, sex, fault):
    """What is wrong with the number, in students.identity's words where it is a GB 11643 rule."""
    try:
        parse_id_number(number)
    except ValidationError as error:
        return error.messages[0]
    if fault == "birth_date":
        return _("The birth date in the ID number, %(number_date)s, is not the record's, %(record_date)s.") % {
            "number_date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
            "record_date": birth_date.isoformat(),
        }
    return _("The sex in the ID number is not the record's (%(sex)s).") % {"sex": codes.Sex(sex).label}


# Required fields ---------------------------------------------------------------------------------------


def _missing_fields(register):
    """The register's pupils with a required field empty, no class, or fewer than two family members. Starts
    from the register (the town's open spells): the incomplete records come from their partial index, the
    family members are counted per pupil through the guardians' index, so the cost follows the town."""
    family = (
        Guardian.objects.filter(student_id=OuterRef("student_id"))
        .order_by()
        .values("student_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    empty = (
        Q(student_id__in=Student.all_records.filter(incomplete_record()).values("pk"))
        | Q(school_class__isnull=True)
        | Q(family__lt=TWO_FAMILY_MEMBERS)
    )
    rows = list(register.alias(family=Coalesce(Subquery(family), 0)).filter(empty).select_related("student"))
    if not rows:
        return []
    counts = dict(
        Guardian.objects.filter(student_id__in=[spell.student_id for spell in rows])
        .values("student_id")
        .annotate(n=Count("pk"))
        .values_list("student_id", "n")
    )
    found = []
    for spell in rows:
        student = spell.student
        missing = [Student._meta.get_field(name) for name in REQUIRED_TEXT_FIELDS if not getattr(student, name)]
        labels = [str(field.verbose_name) for field in missing]
        names = [field.name for field in missing]
        if not student.id_number and student.id_type != codes.IdType.OTHER:
            labels.append(str(Student._meta.get_field("id_number").verbose_name))
            names.append("id_number")
        if spell.school_class_id is None:
            labels.append(_("class"))
            names.append("class")
        if counts.get(student.pk, 0) < TWO_FAMILY_MEMBERS:
            labels.append(_("two family members"))
            names.append("family")
        detail = _("Missing: %(fields)s.") % {"fields": "、".join(labels)}
        found.append(Problem(ProblemKind.MISSING_FIELDS, student.pk, spell.school_id, detail, fingerprint(*names)))
    return found


# National numbers --------------------------------------------------------------------------------------


def _national_number_mismatches(register):
    rows = (
        register.filter(student__national_number__startswith="G")
        .alias(inside=Substr("student__national_number", 2))
        .exclude(inside=F("student__id_number"))
        .values_list("student_id", "school_id", "student__national_number", "student__id_number")
    )
    found = []
    for student_id, school_id, national_number, id_number in rows:
        detail = (
            _("The national number is G + an ID number that is not the record's.")
            if id_number
            else _("The national number is G + an ID number but the record has none.")
        )
        found.append(
            Problem(ProblemKind.NATIONAL_NUMBER, student_id, school_id, detail, fingerprint(national_number, id_number))
        )
    return found
