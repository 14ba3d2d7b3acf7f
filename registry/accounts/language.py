"""Chinese unless the user chooses (issue 21): the interface is in zh-hans whatever the browser's
Accept-Language says; English only when the user picks it with the language selector. The choice is kept
in the language cookie and, for a signed-in user, on the account (User.language), so it follows the user
to another computer and a shared school PC with an English Windows still opens in Chinese."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


def chosen_language(request):
    """The account's language, else the cookie's, else zh-hans; never the browser's Accept-Language."""
    user = getattr(request, "user", None)
    for language in (
        getattr(user, "language", "") if user is not None and user.is_authenticated else "",
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
    ):
        if language and check_for_language(language) and language in dict(settings.LANGUAGES):
            return language
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware with the browser's language left out (it comes after the authentication
    middleware, to read the account's choice)."""

    def process_request(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


@require_POST
def set_language(request):
    """The language selector: Django's set_language (cookie, redirect to `next`), and the choice kept on the
    signed-in user's account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        isinstance(response, HttpResponseRedirect)
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response
