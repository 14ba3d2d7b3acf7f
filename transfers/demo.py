"""Demo pending registrations: a few new grade-1 pupils submitted by each demo registrar, so that each
town office's queue has work in it. A school that already has registrations is left alone."""

import random

from registry.scoping import grants_of
from students.demo import IdNumbersFromDatabase, make_pupil
from transfers.models import ChangeRequest
from transfers.registration import register_pupil


def build_pending_registrations(registrars, *, school_year, per_school=3, seed=2027):
    rng = random.Random(seed)
    ids = IdNumbersFromDatabase()
    created = 0
    for registrar in registrars:
        for grant in grants_of(registrar):
            school = grant.school
            if school is None or ChangeRequest.objects.filter(school=school, kind="registration").exists():
                continue
            first_class = school.classes.order_by("grade", "number").first()
            for _ in range(per_school):
                student, guardians = make_pupil(rng, ids, first_class, school_year=school_year)
                register_pupil(student, guardians, first_class, actor=registrar)
                created += 1
    return created
