"""A person whose password an admin set (a temporary one) chooses their own before anything
else: every page but the password change, sign-out and static files leads there."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "pantau_wajib_ganti_sandi"


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._must_change(request, user):
            allowed = (reverse("akun:sandi"), reverse("logout"), "/static/", "/i18n/", "/sw.js")
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
