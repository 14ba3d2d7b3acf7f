"""Issue 18 item 12: the Chinese catalogue reads right — people are labelled 姓名 (not 名称, a thing's name),
the end of an enrolment spell is 结束日期 and a request's closing time 办结时间 (not 截止日期, a deadline)."""

import re

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import client_for
from transfers.models import ChangeRequest


def _headers(html):
    return re.findall(r"<th[^>]*>([^<]+)</th>", html)


def test_people_are_labelled_by_full_name_in_chinese(client, world):
    registrar = client_for(client, world, "registrar")
    listing = registrar.get(reverse("pupil_list")).content.decode()
    assert "姓名" in _headers(listing) and "名称" not in _headers(listing)
    detail = registrar.get(reverse("pupil_detail", args=[world.pupils["own"].pk])).content.decode()
    assert "姓名" in _headers(detail) and "名称" not in _headers(detail)  # the guardians' table
    assert "结束日期" in _headers(detail) and "截止日期" not in _headers(detail)  # the enrolment spells


def test_times_are_not_called_deadlines():
    with translation.override("zh-hans"):
        assert str(ChangeRequest._meta.get_field("closed_at").verbose_name) == "办结时间"
        assert gettext("To") != "截止日期" and gettext("Name") == "姓名"
