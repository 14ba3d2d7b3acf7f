"""新生注册: the school enters a new pupil, the town office approves (镇制度 三; 办法 第四–七条)."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import SchoolClass
from students.codes import IdType
from students.identity import normalise_id_number, parse_id_number
from students.models import EnrolmentSpell, Student
from students.services import assign_national_number
from transfers.forms import DATE_INPUT, KeepsPersonalNumbers
from transfers.kinds import KINDS, register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.models import ChangeRequest, Evidence
from transfers.selectors import id_number_holder, possible_duplicates
from transfers.uploads import check_evidence


@dataclass
class RegistrationPayload(Payload):
    school_class: int | None = None  # id of the class entered, looked up again on approval
    grade: int | None = None


def grade_one_cutoff(entry_date) -> date:
    """A grade 1 pupil must be 6 by 31 August of the entry year (义务教育法 第十一条)."""
    return date(entry_date.year - 6, 8, 31)


class RegistrationForm(KeepsPersonalNumbers, forms.ModelForm):
    """The 学生基本信息表 of a new pupil, with the class they enter. Checks the ID number (GB 11643), its
    agreement with birth date and sex, the grade-1 age rule and the duplicate rules (DOMAIN Registration)."""

    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None)
    commitment_letter = forms.FileField(
        label=_("Parents' signed commitment letter (承诺书), for a grade 1 child under 6 (PDF, JPEG or PNG)"),
        required=False,
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked: this is not the same child as the pupil named above"), required=False
    )

    class Meta:
        model = Student
        fields = [
            "name", "former_name", "sex", "birth_date", "id_type", "id_number", "ethnicity", "nationality",
            "overseas_status", "birthplace", "native_place", "household_place", "household_type", "home_address",
            "phone", "health", "only_child", "left_behind", "migrant_worker_child", "orphan", "disabled",
            "inclusive_education", "preschool", "entry_date", "entry_method", "boarding",
        ]  # fmt: skip
        widgets = {"birth_date": DATE_INPUT, "entry_date": DATE_INPUT}

    def __init__(self, *args, school, attached=(), amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.attached = set(attached)
        self.fields["school_class"].queryset = school.classes.all()
        self.fields["id_number"].help_text = _(
            "Required for a resident ID card (居民身份证); a pupil without one gets a J national number."
        )
        self.duplicate_schools = []
        self._hide_personal_numbers()

    def clean_id_number(self):
        number = normalise_id_number(self.cleaned_data["id_number"]) or self.kept.get("id_number", "")
        if self.cleaned_data.get("id_type") == IdType.RESIDENT:
            if not number:
                raise ValidationError(gettext("Enter the number of the resident ID card (居民身份证)."))
            self.id_info = parse_id_number(number)
        if not number:
            return number
        holder = id_number_holder(number, exclude=self.instance if self.instance.pk else None)
        if holder is not None:
            raise ValidationError(
                gettext("This ID number already has a record at %(school)s; one pupil has one record (一人一籍).")
                % {"school": holder.name}
            )
        return number

    def clean_commitment_letter(self):
        letter = self.cleaned_data.get("commitment_letter")
        if letter:
            self.commitment_check = check_evidence(letter)
        return letter

    def evidence(self):
        """The checked uploads to attach to the request, as (kind, upload, check) triples."""
        letter = self.cleaned_data.get("commitment_letter")
        if not letter:
            return []
        return [(Evidence.Kind.COMMITMENT_LETTER, letter, self.commitment_check)]

    def clean(self):
        data = super().clean()
        info = getattr(self, "id_info", None)
        if info is not None and data.get("birth_date") and data["birth_date"] != info.birth_date:
            self.add_error(
                "birth_date",
                gettext("The birth date does not match the ID number, which gives %(date)s.")
                % {"date": info.birth_date.isoformat()},
            )
        if info is not None and data.get("sex") and data["sex"] != info.sex:
            self.add_error("sex", gettext("The sex does not match the ID number (its 17th digit)."))
        school_class = data.get("school_class")
        if school_class and data.get("birth_date") and data.get("entry_date"):
            self._check_with_kind(data, school_class)
        if data.get("name") and data.get("birth_date") and data.get("sex"):
            self.duplicate_schools = possible_duplicates(
                name=data["name"],
                birth_date=data["birth_date"],
                sex=data["sex"],
                exclude=self.instance if self.instance.pk else None,
            )
            if self.duplicate_schools and not data.get("confirm_not_duplicate"):
                self.add_error(
                    "confirm_not_duplicate",
                    gettext(
                        "A pupil with the same name, birth date and sex has a record at %(schools)s. "
                        "Tick the box if this is a different child."
                    )
                    % {"schools": "、".join(school.name for school in self.duplicate_schools)},
                )
        return data

    def _check_with_kind(self, data, school_class):
        """The registration kind's rules on what was typed (the grade-1 age cut-off): its `validate`, with
        the letter uploaded here or already attached to the request."""
        draft = ChangeRequest(
            kind=Registration.code, school=self.school,
            student=Student(birth_date=data["birth_date"], entry_date=data["entry_date"]),
            payload=RegistrationPayload(school_class=school_class.pk, grade=school_class.grade).to_json(),
        )  # fmt: skip
        attached = self.attached | ({Evidence.Kind.COMMITMENT_LETTER} if data.get("commitment_letter") else set())
        try:
            KINDS[Registration.code].validate(draft, attached=attached)
        except ChangeRefused as refusal:
            self.add_error(refusal.field if refusal.field in self.fields else None, str(refusal))

    def payload(self):
        school_class = self.cleaned_data["school_class"]
        return RegistrationPayload(school_class=school_class.pk, grade=school_class.grade)


@register
class Registration(ChangeKind):
    """Chain: the school's town office. Rules: the pupil has no national number and is on no register yet;
    the class exists at the school; a grade 1 pupil is 6 by 31 August of the entry year, or the parents'
    signed commitment letter (承诺书) is attached. The form, the Excel import and the service all check these
    here. Effect: the pupil gets the national number (G + ID number, or a J number without one) and an open
    enrolment spell in the chosen class — they are now 在籍. Deadline: 15 working days. The spell starts on
    the day of approval, not on the entry date (which stays on the pupil as 入学年月), so figures "as of" an
    earlier day never change after they were printed."""

    code = "registration"
    label = _("New-student registration")
    position = 10
    deadline_working_days = 15
    Payload = RegistrationPayload
    starts_from = "new_pupil"
    form_class = RegistrationForm
    creates_pupil = True

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        student = request.student
        on_register = bool(student.pk) and student.spells.filter(ended_on__isnull=True).exists()
        self._check(request, attached, on_register=lambda _pk: on_register, school_class=rules.school_class)

    def validate_many(self, requests):
        """The same rules for a whole import: the pupils on a register and the classes named read in a few
        queries for the batch instead of two per pupil."""
        students = sorted({request.student.pk for request in requests if request.student.pk})
        registered = set()
        for start in range(0, len(students), 1000):
            registered |= set(
                EnrolmentSpell.objects.filter(student__in=students[start : start + 1000], ended_on__isnull=True)
                .values_list("student", flat=True)
            )  # fmt: skip
        named = {self.data(request).school_class for request in requests} - {None}
        classes = {found.pk: found for found in SchoolClass.objects.filter(pk__in=named).select_related("school")}

        def school_class(class_id, school):
            found = classes.get(class_id)
            return found if found is not None and found.school_id == school.pk else rules.school_class(None, school)

        problems = {}
        for position, request in enumerate(requests):
            try:
                self._check(request, frozenset(), on_register=registered.__contains__, school_class=school_class)
            except ChangeRefused as refusal:
                problems[position] = str(refusal)
        return problems

    def _check(self, request, attached, *, on_register, school_class):
        """The registration's rules, in order: no national number yet, not on a register, a class of the
        school, the grade-1 age cut-off (or the parents' commitment letter)."""
        student = request.student
        if student.national_number:
            raise ChangeRefused(gettext("This pupil already has a national student number."))
        if on_register(student.pk):
            raise ChangeRefused(gettext("This pupil is already on a school's register."))
        refuse_under_age(student, school_class(self.data(request).school_class, request.school), attached)

    def apply(self, request, *, actor):
        student = request.student
        assign_national_number(student, region=request.school.authority.code[:6])
        student.save(update_fields=["national_number"])
        school_class = rules.school_class(self.data(request).school_class, request.school)
        EnrolmentSpell.objects.create(
            student=student, school=request.school, school_class=school_class, grade=school_class.grade,
            started_on=timezone.localdate(), entry_reason=EnrolmentSpell.EntryReason.REGISTRATION,
        )  # fmt: skip

    def form_kwargs(self, *, school=None, request=None, **context):
        attached = set(request.evidence.values_list("kind", flat=True)) if request is not None else ()
        return {"school": school, "attached": attached}

    def amend_initial(self, request):
        return {"school_class": self.data(request).school_class}


def refuse_under_age(student, school_class, attached):
    if school_class.grade != 1 or not student.birth_date or not student.entry_date:
        return
    cutoff = grade_one_cutoff(student.entry_date)
    if student.birth_date > cutoff and Evidence.Kind.COMMITMENT_LETTER not in attached:
        raise ChangeRefused(
            gettext(
                "A grade 1 pupil must be 6 by 31 August of the entry year (born on or before %(cutoff)s). "
                "For a younger child, upload the parents' signed commitment letter (承诺书) on the new-pupil form."
            )
            % {"cutoff": cutoff.isoformat()},
            field="commitment_letter",
        )
