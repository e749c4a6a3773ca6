"""A person whose password an admin set (a temporary one) chooses their own before anything
else: every page but the password change, sign-out and static files leads there."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_KEY = "pantau_wajib_ganti_sandi"


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._must_change(request, user):
            allowed = (reverse("akun:sandi"), reverse("logout"), "/static/", "/i18n/", "/sw.js")
            if not request.path.startswith(allowed):
                messages.warning(request, _("Ganti kata sandi sementara Anda sebelum melanjutkan."))
                return redirect("akun:sandi")
        return self.get_response(request)

    @staticmethod
    def _must_change(request, user) -> bool:
        # once per session: the flag is set by an admin's reset, which ends every session
        if SESSION_KEY not in request.session:
            from pantau.organisations.selectors_kelola import must_change_password

            request.session[SESSION_KEY] = must_change_password(user=user)
        return request.session[SESSION_KEY]
