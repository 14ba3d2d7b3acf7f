"""The demo town's organisation: one county, two town offices, eight schools with their classes, two
semesters and one account per role. Idempotent: what exists is left as it is."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from audit.history import acting_as
from registry.models import Authority, School, SchoolClass, Semester, TransferWindow
from registry.roles import Role
from registry.scoping import grants_of
from registry.services import grant_role

COUNTY = ("341199", "示范县教育局")
TOWNS = [("341199101", "东湖镇教办"), ("341199102", "青山镇教办")]
# (code, name, stage, town index, classes per grade)
SCHOOLS = [
    ("2134119901", "东湖镇中心小学", School.Stage.PRIMARY, 0, 2),
    ("2134119902", "东湖镇第二小学", School.Stage.PRIMARY, 0, 2),
    ("2134119903", "东湖镇柳塘小学", School.Stage.PRIMARY, 0, 1),
    ("2134119904", "东湖镇初级中学", School.Stage.JUNIOR, 0, 3),
    ("2134119905", "青山镇中心小学", School.Stage.PRIMARY, 1, 2),
    ("2134119906", "青山镇石桥小学", School.Stage.PRIMARY, 1, 1),
    ("2134119907", "青山镇初级中学", School.Stage.JUNIOR, 1, 3),
    ("2134119908", "青山镇九年一贯制学校", School.Stage.NINE_YEAR, 1, 1),
]
SEMESTERS = [
    (
        2025,
        2,
        date(2026, 3, 2),
        date(2026, 7, 10),
        [(date(2026, 3, 2), date(2026, 3, 13)), (date(2026, 6, 29), date(2026, 7, 10))],
    ),
    (
        2026,
        1,
        date(2026, 9, 1),
        date(2027, 1, 22),
        [(date(2026, 9, 1), date(2026, 9, 14)), (date(2027, 1, 11), date(2027, 1, 22))],
    ),
]
CURRENT_SCHOOL_YEAR = 2026
TEACHER_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
TEACHER_GIVEN = ["丽华", "建国", "海燕", "志强", "秀英", "明", "静", "伟", "芳", "军"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role
    scope: str | None  # a school code, an authority code, or None for the administrator


ACCOUNTS = [
    DemoAccount("admin", "系统管理员", Role.ADMINISTRATOR, None),
    DemoAccount("registrar1", "赵学籍", Role.REGISTRAR, "2134119901"),
    DemoAccount("registrar2", "钱学籍", Role.REGISTRAR, "2134119902"),
    DemoAccount("registrar3", "孙学籍", Role.REGISTRAR, "2134119905"),
    DemoAccount("headteacher1", "李校长", Role.HEADTEACHER, "2134119901"),
    DemoAccount("archivist1", "周档案", Role.ARCHIVIST, "2134119901"),
    DemoAccount("officer1", "吴审核", Role.OFFICER, "341199101"),
    DemoAccount("officer2", "郑审核", Role.OFFICER, "341199102"),
]


def _ensure_admin(password):
    User = get_user_model()
    admin, created = User.objects.get_or_create(username="admin", defaults={"full_name": "系统管理员"})
    if created:
        admin.set_password(password)
        admin.is_staff = admin.is_superuser = True
        admin.save()
    return admin


def _ensure_organisation():
    county, _ = Authority.objects.get_or_create(
        code=COUNTY[0], defaults={"name": COUNTY[1], "level": Authority.Level.COUNTY}
    )
    towns = [
        Authority.objects.get_or_create(
            code=code, defaults={"name": name, "level": Authority.Level.TOWN, "parent": county}
        )[0]
        for code, name in TOWNS
    ]
    teacher = 0
    for code, name, stage, town, per_grade in SCHOOLS:
        school, created = School.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "stage": stage,
                "authority": towns[town],
                "class_size_cap": 50 if stage == School.Stage.JUNIOR else 45,
            },
        )
        if not created:
            continue
        first_grade = min(school.grades)
        for grade in school.grades:
            for number in range(1, per_grade + 1):
                teacher += 1
                SchoolClass.objects.create(
                    school=school,
                    grade=grade,
                    number=number,
                    entry_year=CURRENT_SCHOOL_YEAR - (grade - first_grade),
                    homeroom_teacher=TEACHER_SURNAMES[teacher % len(TEACHER_SURNAMES)]
                    + TEACHER_GIVEN[teacher % len(TEACHER_GIVEN)],
                )
    for school_year, term, starts_on, ends_on, windows in SEMESTERS:
        semester, created = Semester.objects.get_or_create(
            school_year=school_year, term=term, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        if created:
            for opens_on, closes_on in windows:
                TransferWindow.objects.create(semester=semester, opens_on=opens_on, closes_on=closes_on)


def _ensure_accounts(admin, password):
    User = get_user_model()
    for account in ACCOUNTS:
        if account.role == Role.ADMINISTRATOR:
            continue
        user, created = User.objects.get_or_create(username=account.username, defaults={"full_name": account.full_name})
        if created:
            user.set_password(password)
            user.save()
        if account.role == Role.OFFICER:
            scope = Authority.objects.get(code=account.scope)
        else:
            scope = School.objects.get(code=account.scope)
        if not any(g.role == account.role and g.scope == scope for g in grants_of(user)):
            grant_role(user, account.role, scope, actor=admin)


def build_organisation(password):
    """Create what is missing of the demo county, towns, schools, classes, semesters and accounts;
    return the administrator. Pupils and requests come from the students and transfers apps' demos."""
    admin = _ensure_admin(password)
    with acting_as(admin, reason="registry.demo"):
        _ensure_organisation()
        _ensure_accounts(admin, password)
    return admin
