"""Chinese first: pages speak Chinese unless the user picked English.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a
town official on an English-language phone would get English pages. Pages
use the language chosen with the switcher (its cookie) or Chinese; the API
still honours Accept-Language, for clients that ask for English errors.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import get_supported_language_variant


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            language = get_supported_language_variant(chosen)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
