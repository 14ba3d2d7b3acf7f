"""registry.confirmation: a POST without confirmed=1 gets the confirmation page and changes nothing."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from registry.confirmation import confirmation_page


def _post(data):
    request = RequestFactory().post("/requests/7/approve/?next=/queue/", data, HTTP_REFERER="http://testserver/queue/")
    request.user = None
    return request


@pytest.mark.django_db
def test_an_unconfirmed_post_gets_the_page_that_reposts_its_fields():
    calls = []

    def view(request):
        page = confirmation_page(request, what="将为 林小雨 生成学籍号", action="批准")
        if page:
            return page
        calls.append(request.POST["comment"])
        return HttpResponse("done")

    response = view(_post({"comment": "同意", "ids": ["1", "2"]}))
    html = response.content.decode()
    assert calls == []
    assert "将为 林小雨 生成学籍号" in html
    assert 'action="/requests/7/approve/?next=/queue/"' in html
    assert '<input type="hidden" name="comment" value="同意">' in html
    assert html.count('name="ids"') == 2
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert 'href="http://testserver/queue/"' in html

    assert view(_post({"comment": "同意", "confirmed": "1"})).content == b"done"
    assert calls == ["同意"]


@pytest.mark.django_db
def test_the_cancel_link_never_points_to_another_site():
    request = RequestFactory().post("/x/", {}, HTTP_REFERER="https://evil.example/")
    request.user = None
    html = confirmation_page(request, what="…", action="OK").content.decode()
    assert "evil.example" not in html
