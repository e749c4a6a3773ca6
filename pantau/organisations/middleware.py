"""Sign-in gates: the second factor (decision 0027) and the temporary password.

A person whose password an admin set (a temporary one) chooses their own before anything
else: every page but the password change, sign-out and static files leads there."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "pantau_wajib_ganti_sandi"


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._must_change(request, user):
            allowed = (
                reverse("akun:sandi"),
                reverse("logout"),
                reverse("masuk-verifikasi"),  # the second factor comes first
                "/static/",
                "/i18n/",
                "/sw.js",
            )
            if not request.path.startswith(allowed):
                # no flash message here: a background request (the service worker, a poll)
                # would leave it behind for a later page; the password page says it itself
                return redirect("akun:sandi")
        return self.get_response(request)

    @staticmethod
    def _must_change(request, user) -> bool:
        # read once per session, at sign-in (remember_password_flag); an admin's reset changes
        # the password hash, which ends every open session, so the flag cannot go stale
        if SESSION_KEY not in request.session:  # a session from before this feature
            remember_password_flag(request=request, user=user)
        return request.session[SESSION_KEY]


def remember_password_flag(sender=None, *, request, user, **kwargs) -> None:
    """At sign-in (Django's `user_logged_in`): note in the session whether the person must
    first choose a new password."""
    from pantau.organisations.selectors_kelola import must_change_password

    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = must_change_password(user=user)


# --- the second factor ------------------------------------------------------------------------

# What a signed-in session no device has verified still reaches: signing in and out, the
# surfaces open to visitors (the public portal, the CKAN API, static files, the offline page).
_OPEN_VIEWS = {
    "login",
    "logout",
    "set_language",
    "service-worker",
    "manifest",
    "core:luring",
    "masuk-verifikasi",
    "pantau.core.views.favicon",
}
_PUBLIC_MODULES = {"pantau.opendata.portal", "pantau.opendata.api"}
# ... and, for a person whose role requires a second factor and who has none, its enrolment
# (and the change of a temporary password, which comes first)
_ENROL_VIEWS = {"akun:2fa", "akun:2fa-mulai", "akun:2fa-qr", "akun:2fa-konfirmasi", "akun:sandi"}


def _open(path: str, stage: str) -> bool:
    from pantau.organisations.faktor import ENROL

    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.view_name in _OPEN_VIEWS or match.namespace == "opendata":
        return True
    if getattr(match.func, "__module__", "") in _PUBLIC_MODULES:
        return True
    return stage == ENROL and match.view_name in _ENROL_VIEWS


def _next_for(request) -> str:
    if request.headers.get("HX-Request"):
        # an htmx fragment is no page to come back to: the page it was asked from is
        current = request.headers.get("HX-Current-URL", "")
        if current and url_has_allowed_host_and_scheme(
            current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(current)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return "/"
    return request.get_full_path() if request.method == "GET" else "/"


class SecondFactorMiddleware:
    """Every page waits for the second factor: a signed-in person with an authenticator app
    enters its code at `/masuk/verifikasi/` first; a person whose role requires one and who has
    none enrols at `/akun/2fa/` first. Visitors' surfaces stay open. An htmx request gets 403
    with `HX-Redirect` (htmx goes to the page; nothing is swapped into the fragment); any other
    request a redirect. Nothing is changed on the way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            from pantau.organisations.faktor import VERIFY, stage

            where = stage(user)
            if where is not None and not _open(request.path_info, where):
                target = reverse("masuk-verifikasi" if where == VERIFY else "akun:2fa")
                target += "?" + urlencode({"next": _next_for(request)})
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=403)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        return self.get_response(request)
