"""Chinese unless the user chooses (issue 21): the browser's language is not asked; the selector's choice is
kept on the account and follows the user to another browser; the code tables and punctuation follow it."""

from django.urls import reverse
from django.utils import translation

from students.codes import Ethnicity, GuardianRelation
from tests.factories import TEST_PASSWORD, UserFactory


def test_an_english_browser_without_a_choice_gets_chinese(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page
    assert "用户名" in page and "Username" not in page


def test_the_choice_is_kept_on_the_account_and_follows_the_user(client, db):
    user = UserFactory(username="registrar9")
    client.post(reverse("login"), {"username": "registrar9", "password": TEST_PASSWORD})
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    user.refresh_from_db()
    assert user.language == "en"

    other_browser = client.__class__()
    other_browser.post(reverse("login"), {"username": "registrar9", "password": TEST_PASSWORD})
    page = other_browser.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in page and "Log out" in page


def test_code_table_labels_and_punctuation_in_english():
    with translation.override("en"):
        assert str(Ethnicity.HAN.label) == "Han"
        assert str(GuardianRelation.FATHER.label) == "Father"
        assert translation.gettext(": ") == ": "
    with translation.override("zh-hans"):
        assert str(Ethnicity.HAN.label) == "汉族"
        assert translation.gettext(": ") == "："
