"""History change reasons are stored as codes with their parameters and rendered in the reader's language
(issue 18 item 11: "建立了记录（registration submitted）", "（request #10 approved）", "（demo data）")."""

import re

from django.utils import translation

from audit import reasons
from audit.timeline import history_timeline
from tests.transfers.kinds_helpers import approve_all

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def test_a_registration_and_its_approval_read_in_chinese_on_the_timeline(world):
    request = world.registrations["own"]
    approve_all(request, world.users["officer"])
    pupil = request.student
    stored = set(pupil.history.values_list("history_change_reason", flat=True))
    assert "transfers.registration" in stored  # a code, not a sentence
    assert f'transfers.request.approved {{"request":{request.pk}}}' in stored
    with translation.override("zh-hans"):
        shown = [entry.reason for entry in history_timeline(pupil.history.all())]
    assert "新生学籍注册" in shown and f"申请 #{request.pk} 已批准" in shown
    assert not [reason for reason in shown if ASCII_WORD.search(reason)]
    with translation.override("en"):
        assert f"request #{request.pk} approved" in [e.reason for e in history_timeline(pupil.history.all())]


def test_reasons_stored_before_codes_are_read_in_the_readers_language():
    with translation.override("zh-hans"):
        assert reasons.render("registration submitted") == "提交新生注册申请"
        assert reasons.render("request #10 approved") == "申请 #10 已批准"
        assert reasons.render("transfer submitted") == "提交转学申请"
        assert reasons.render("demo data") == "演示数据"
        assert reasons.render("核对后更正") == "核对后更正"  # typed by a person: shown as it is
