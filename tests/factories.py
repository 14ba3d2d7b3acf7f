"""factory-boy factories for every model; tests build exactly the rows they need."""

from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory, Password

from registry.models import Authority, School, SchoolClass, Semester, TransferWindow, User
from students import codes
from students.identity import make_id_number
from students.models import EnrolmentSpell, Guardian, Student
from students.pinyin import folded, search_keys

TEST_PASSWORD = "Xueji-test-password-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"职员{n}")
    password = Password(TEST_PASSWORD)


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"第{n}县教育局")
    code = factory.Sequence(lambda n: f"{340100 + n:06d}")
    level = Authority.Level.COUNTY
    parent = None


class TownFactory(DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"第{n}镇教办")
    code = factory.Sequence(lambda n: f"{340100101 + n:09d}")
    level = Authority.Level.TOWN
    parent = factory.SubFactory(CountyFactory)


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"{2100000000 + n:010d}")
    name = factory.Sequence(lambda n: f"第{n}小学")
    stage = School.Stage.PRIMARY
    authority = factory.SubFactory(TownFactory)


class SchoolClassFactory(DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    grade = 1
    number = factory.Sequence(lambda n: n + 1)
    entry_year = 2026
    homeroom_teacher = "王老师"


class SemesterFactory(DjangoModelFactory):
    class Meta:
        model = Semester

    school_year = factory.Sequence(lambda n: 2026 + n)
    term = Semester.Term.AUTUMN
    starts_on = factory.LazyAttribute(lambda o: date(o.school_year, 9, 1))
    ends_on = factory.LazyAttribute(lambda o: date(o.school_year + 1, 1, 22))


class TransferWindowFactory(DjangoModelFactory):
    class Meta:
        model = TransferWindow

    semester = factory.SubFactory(SemesterFactory)
    opens_on = factory.LazyAttribute(lambda o: o.semester.starts_on)
    closes_on = factory.LazyAttribute(lambda o: date(o.semester.starts_on.year, 9, 14))


class StudentFactory(DjangoModelFactory):
    class Meta:
        model = Student

    name = factory.Sequence(lambda n: f"学生{n}")
    name_folded = factory.LazyAttribute(lambda o: folded(o.name))
    name_pinyin = factory.LazyAttribute(lambda o: search_keys(o.name)[0])
    name_initials = factory.LazyAttribute(lambda o: search_keys(o.name)[1])
    sex = codes.Sex.MALE
    birth_date = factory.Sequence(lambda n: date(2019, 9, 1) + timedelta(days=n % 365))
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number("341199", o.birth_date, (2 * n + 1) % 1000, o.sex)
    )
    national_number = factory.LazyAttribute(lambda o: f"G{o.id_number}")
    birthplace = "安徽省示范县"
    native_place = "安徽省示范县"
    household_place = "安徽省示范县东湖镇"
    household_type = codes.HouseholdType.AGRICULTURAL
    home_address = "东湖镇幸福路 8 号"
    phone = "13812345678"
    entry_date = date(2026, 9, 1)


class GuardianFactory(DjangoModelFactory):
    class Meta:
        model = Guardian

    student = factory.SubFactory(StudentFactory)
    name = "家长"
    relation = codes.GuardianRelation.MOTHER
    id_number = make_id_number("341199", date(1990, 5, 4), 222, "2")
    phone = "13987654321"


class EnrolmentSpellFactory(DjangoModelFactory):
    """An open spell: the pupil is on the register of the class's school."""

    class Meta:
        model = EnrolmentSpell

    student = factory.SubFactory(StudentFactory)
    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.LazyAttribute(lambda o: o.school_class.school)
    grade = factory.LazyAttribute(lambda o: o.school_class.grade)
    started_on = date(2026, 9, 1)
    entry_reason = EnrolmentSpell.EntryReason.REGISTRATION
