"""What the pupils add to the home page's sections (registry.organisation.home): the key figure of the
user's school, town or county — pupils on the register today, boys and girls — in one aggregate query."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from registry.organisation.home import home_contributor
from registry.roles import Role
from registry.scoping import schools_visible_to
from students.codes import Sex
from students.selectors import spells_on_register


@home_contributor
def pupils_on_the_register(user, grant, section):
    spells = spells_on_register(section["today"])
    if grant.school is not None:
        spells = spells.filter(school=grant.school)
    elif grant.role == Role.OFFICER:
        spells = spells.filter(school__authority=grant.authority)
    else:
        spells = spells.filter(school__in=schools_visible_to(user).values("pk"))
    counts = spells.aggregate(
        total=Count("pk"),
        boys=Count("pk", filter=Q(student__sex=Sex.MALE)),
        girls=Count("pk", filter=Q(student__sex=Sex.FEMALE)),
    )
    section["figures"] += [
        (_("Pupils on the register"), counts["total"]),
        (_("Boys"), counts["boys"]),
        (_("Girls"), counts["girls"]),
    ]
