"""Demo pupils: valid GB 11643 ID numbers, realistic names, two guardians each. `build_pupils` puts about
forty registered pupils in every demo class; `make_pupil` gives one unsaved new pupil (for pending
registrations). Deterministic (seeded); a class that already has pupils is left alone, so running the
demo twice changes nothing."""

import random
from datetime import date, timedelta

from audit.bulk import create_with_history
from students import codes
from students.identity import make_id_number
from students.models import EnrolmentSpell, Guardian, Student
from students.services import refresh_search_keys

REGION = "341199"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭"
    "陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
BOY_CHARACTERS = "浩宇轩然子涵博文俊杰梓睿一诺明辰泽瑞天佑思远嘉铭承志晨阳宏伟鑫磊浩然家豪"
GIRL_CHARACTERS = "欣怡梓萱诗涵雨桐可馨子琪紫嫣思彤佳怡语嫣一诺若曦梦瑶雅静晓雪婉清心悦欣妍"
EMPLOYERS = [
    "个体经营",
    "东湖镇农业合作社",
    "示范县人民医院",
    "外出务工（浙江）",
    "示范县第一中学",
    "务农",
    "示范县供电公司",
]
STREETS = ["幸福路", "中山路", "人民路", "建设路", "解放路", "新华街", "文化路", "青山大道"]


def _given_name(rng, sex):
    characters = BOY_CHARACTERS if sex == codes.Sex.MALE else GIRL_CHARACTERS
    return "".join(rng.choice(characters) for _ in range(rng.choice((1, 2, 2, 2))))


def _phone(rng):
    return rng.choice(("138", "139", "137", "150", "151", "158", "187", "188")) + f"{rng.randrange(10**8):08d}"


class _IdNumbers:
    """Hands out unique ID numbers: one running sequence per birth date."""

    def __init__(self):
        self.sequence = {}

    def next(self, birth_date, sex):
        sequence = self.sequence.get(birth_date, 0)
        self.sequence[birth_date] = sequence + 2
        return make_id_number(REGION, birth_date, sequence + (1 if sex == codes.Sex.MALE else 0), sex)


def _birth_date(rng, grade, school_year):
    """Six by 31 August of the entry year: grade 1 in school year Y was born Sept Y-7 .. Aug Y-6."""
    earliest = date(school_year - 6 - grade, 9, 1)
    return earliest + timedelta(days=rng.randrange(365))


class IdNumbersFromDatabase(_IdNumbers):
    """_IdNumbers that continues after the sequences already used in the database."""

    def __init__(self):
        super().__init__()
        for taken in Student.objects.exclude(id_number="").values_list("id_number", flat=True):
            birth = date(int(taken[6:10]), int(taken[10:12]), int(taken[12:14]))
            self.sequence[birth] = max(self.sequence.get(birth, 0), int(taken[14:17]) + 2)


def make_pupil(rng, ids, school_class, *, school_year):
    """An unsaved pupil of `school_class` (no national number) and their two unsaved guardians."""
    sex = rng.choice((codes.Sex.MALE, codes.Sex.FEMALE))
    birth = _birth_date(rng, school_class.grade, school_year)
    id_number = ids.next(birth, sex)
    surname = rng.choice(SURNAMES)
    town = school_class.school.authority.name.removesuffix("教办")
    student = Student(
        name=surname + _given_name(rng, sex),
        sex=sex,
        birth_date=birth,
        id_number=id_number,
        ethnicity="01" if rng.random() < 0.96 else rng.choice(("03", "08", "15", "06")),
        birthplace="安徽省示范县",
        native_place="安徽省示范县",
        household_place=f"安徽省示范县{town}",
        household_type=rng.choice(codes.HouseholdType.values),
        home_address=f"示范县{town}{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
        phone=_phone(rng),
        only_child=rng.random() < 0.3,
        left_behind=rng.choices(codes.LeftBehind.values, weights=(80, 15, 5))[0],
        migrant_worker_child=rng.random() < 0.05,
        entry_date=date(school_year - (school_class.grade - min(school_class.school.grades)), 9, 1),
        boarding=codes.Boarding.DAY,
    )
    refresh_search_keys(student)
    guardians = []
    for relation, parent_sex in ((codes.GuardianRelation.FATHER, codes.Sex.MALE),
                                 (codes.GuardianRelation.MOTHER, codes.Sex.FEMALE)):  # fmt: skip
        parent_birth = date(birth.year - rng.randrange(24, 36), rng.randrange(1, 13), rng.randrange(1, 29))
        family_name = surname if relation == codes.GuardianRelation.FATHER else rng.choice(SURNAMES)
        guardians.append(
            Guardian(
                name=family_name + _given_name(rng, parent_sex),
                relation=relation,
                id_number=ids.next(parent_birth, parent_sex),
                phone=_phone(rng),
                employer=rng.choice(EMPLOYERS),
            )
        )
    return student, guardians


def build_pupils(classes, *, school_year, per_class, actor, seed=2026):
    """Enrol `per_class` pupils (already registered: G + ID number) in every class of `classes` that has
    no pupils yet. Bulk-created, with history rows naming `actor`."""
    occupied = set(
        EnrolmentSpell.objects.filter(ended_on__isnull=True, school_class__in=classes).values_list(
            "school_class_id", flat=True
        )
    )
    rng = random.Random(seed)
    ids = IdNumbersFromDatabase()
    students, guardians, spells = [], [], []
    for school_class in classes:
        if school_class.pk in occupied:
            continue
        for _ in range(per_class):
            student, family = make_pupil(rng, ids, school_class, school_year=school_year)
            student.national_number = f"G{student.id_number}"
            students.append(student)
            spells.append((student, school_class))
            guardians.extend((student, guardian) for guardian in family)
    if not students:
        return 0
    created = create_with_history(students, Student, actor=actor, reason="registry.demo")
    by_id_number = {student.id_number: student for student in created}
    if any(student.pk is None for student in created):
        by_id_number = Student.objects.in_bulk([s.id_number for s in students], field_name="id_number")
    for student, guardian in guardians:
        guardian.student = by_id_number[student.id_number]
    create_with_history([guardian for _, guardian in guardians], Guardian, actor=actor, reason="registry.demo")
    create_with_history(
        [
            EnrolmentSpell(
                student=by_id_number[student.id_number],
                school=school_class.school,
                school_class=school_class,
                grade=school_class.grade,
                started_on=student.entry_date,
                entry_reason=EnrolmentSpell.EntryReason.REGISTRATION,
            )
            for student, school_class in spells
        ],
        EnrolmentSpell,
        actor=actor,
        reason="registry.demo",
    )
    return len(students)
