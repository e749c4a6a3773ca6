"""Language: Bahasa Indonesia unless the user chose English (cookie set by /i18n/setlang/).

The browser's Accept-Language is ignored on purpose: many phones in Wakatobi run an English
system locale while their users expect the Indonesian interface (docs/decisions/0003).
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if lang not in self.available:
            lang = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = lang
        # override() restores the thread's previous language afterwards, so one English request
        # never leaks into the next request (or task) served by the same thread.
        with translation.override(lang):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        patch_vary_headers(response, ["Cookie"])
        return response
