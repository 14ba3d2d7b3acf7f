"""JY/T 1001 学籍异动类别码 as a reference table (issue 22): the codes each kind of change carries into the national
exports and the statistics, checked against the standard's table as DOMAIN.md transcribes it — written out here,
not read from the kinds, so a wrong code in a kind (or a kind given another's code) fails."""

import pytest

from transfers.kinds import KINDS
from transfers.national.changes import TRANSFER_IN, TRANSFER_OUT

# JY/T 1001 学籍异动类别 (DOMAIN.md "Change-type codes"): 11 休学, 12 复学, 13 停学, 17 恢复学籍, 19 保留学籍,
# 21 转出, 22 转入, 29 转班级, 31 退学, 42 开除学籍, 51 死亡, 99 其他.
JYT_1001 = {
    "11": "休学", "12": "复学", "13": "停学", "17": "恢复学籍", "19": "保留学籍", "21": "转出", "22": "转入",
    "29": "转班级", "31": "退学", "42": "开除学籍", "51": "死亡", "99": "其他",
}  # fmt: skip

# Which category of the standard each of Xueji's kinds is (blank: not a 学籍异动 of the standard — a registration,
# a graduation, guest study — so it is left out of the change list).
EXPECTED = {
    "suspension": "休学",
    "resumption": "复学",
    "transfer_out_external": "转出",
    "transfer_in_external": "转入",
    "class_change": "转班级",
    "withdrawal": "退学",
    "death": "死亡",
    "information_change": "其他",  # 信息变更 has no category of its own
    "key_change": "其他",  # the information change's strict case
    "registration": "",
    "graduation": "",
    "guest_study": "",
    "transfer": "",  # between two of our schools: 转出 at the sending school, 转入 at the receiving one
}
BY_NAME = {name: code for code, name in JYT_1001.items()}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_kind_carries_the_standards_code_for_its_category(kind):
    expected = EXPECTED[kind]
    assert KINDS[kind].change_type_code == (BY_NAME[expected] if expected else "")


def test_every_registered_kind_is_in_the_reference_table():
    assert set(KINDS) - {"commendation"} <= set(EXPECTED)  # commendation: the test-only kind of test_kind_registry


def test_a_transfer_between_our_schools_is_out_then_in():
    assert (JYT_1001[TRANSFER_OUT], JYT_1001[TRANSFER_IN]) == ("转出", "转入")


def test_no_kind_uses_the_expulsion_code_in_compulsory_education():
    """开除学籍 (42) is not allowed in compulsory education (DOMAIN.md): no kind may carry it."""
    assert all(kind.change_type_code != BY_NAME["开除学籍"] for kind in KINDS.values())
