"""Filling the 学生基本信息表 of a new pupil in the browser, as a registrar types it (the registration journeys)."""

DEFAULT_DETAILS = [
    ("出生地", "安徽省示范县"),
    ("籍贯", "安徽省示范县"),
    ("户口所在地", "安徽省示范县东湖镇"),
    ("家庭住址", "东湖镇幸福路 20 号"),
    ("联系电话", "13812345670"),
    ("入学日期", "2026-09-01"),
]


def fill_new_pupil(page, *, name, sex, id_number, birth, guardians, details=DEFAULT_DETAILS, school_class="1年级(1)班"):
    """Fill every field of the new-pupil form (`guardians`: (name, relation, phone) of each family member)."""
    page.get_by_label("姓名").first.fill(name)
    page.get_by_label("性别").select_option(label=sex)
    page.get_by_label("身份证件号").first.fill(id_number)
    page.get_by_label("出生日期").fill(birth.isoformat())
    for label, value in details:
        page.get_by_label(label, exact=True).first.fill(value)
    page.get_by_label("户口性质").select_option(label="农业")
    page.get_by_label("班级").select_option(label=school_class)
    for index, (guardian, relation, phone) in enumerate(guardians):
        page.locator(f"#id_guardians-{index}-name").fill(guardian)
        page.locator(f"#id_guardians-{index}-relation").select_option(label=relation)
        page.locator(f"#id_guardians-{index}-phone").fill(phone)
