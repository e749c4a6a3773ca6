"""Every user's own account pages (`/akun/`): the profile, changing the password, and the
forgotten-password reset by e-mail (Django's views with Pantau's templates; the new password
is written by `services_kelola.password_set`, audited)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pantau.core.forms import add_service_errors
from pantau.organisations import masuk, sesi
from pantau.organisations import selectors_kelola as sel
from pantau.organisations import services_kelola as svc
from pantau.organisations.forms_kelola import ProfilForm
from pantau.organisations.middleware import SESSION_KEY
from pantau.organisations.selectors import memberships_for_user


@login_required
def profil(request):
    user = request.user
    p = sel.profil_for(user=user)
    memberships = list(memberships_for_user(user=user))
    form = ProfilForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "nip": p.nip,
            "telepon": p.telepon,
            "jabatan": memberships[0].jabatan if memberships else "",
        },
    )
    if not memberships:
        del form.fields["jabatan"]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.profil_update(actor=user, user=user, **d)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Profil disimpan."))
            return redirect("akun:profil")
    return render(request, "organisations/profil.html", {"form": form, "memberships": memberships})


class SandiGantiView(auth_views.PasswordChangeView):
    template_name = "organisations/sandi_ganti.html"
    success_url = reverse_lazy("akun:profil")

    def get_context_data(self, **kwargs):
        # a temporary password set by the admin: say why every page leads here
        return super().get_context_data(
            wajib_ganti=bool(self.request.session.get(SESSION_KEY)), **kwargs
        )

    def form_valid(self, form):
        try:
            svc.password_set(
                actor=self.request.user,
                user=self.request.user,
                password=form.cleaned_data["new_password1"],
                kecuali=self.request.session.session_key,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, self.request.user)
        self.request.session[SESSION_KEY] = False
        messages.success(self.request, _("Kata sandi diganti."))
        return HttpResponseRedirect(self.get_success_url())


class SandiLupaView(auth_views.PasswordResetView):
    template_name = "organisations/sandi_lupa.html"
    email_template_name = "organisations/email/sandi_reset.txt"
    subject_template_name = "organisations/email/sandi_reset_subjek.txt"
    success_url = reverse_lazy("akun:sandi-lupa-terkirim")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        masuk.password_reset_requested(email=email, users=list(form.get_users(email)))
        return super().form_valid(form)


class SandiResetView(auth_views.PasswordResetConfirmView):
    template_name = "organisations/sandi_reset.html"
    success_url = reverse_lazy("akun:sandi-reset-selesai")

    def form_valid(self, form):
        try:
            svc.password_set(
                actor=None, user=form.user, password=form.cleaned_data["new_password1"], how="reset"
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


@never_cache
@login_required
def sesi_list(request):
    """The person's open sessions (this one marked), each with a button to end it."""
    rows = sesi.sesi_list(user=request.user, current_token=request.session.get(sesi.TOKEN))
    return render(
        request,
        "organisations/sesi_list.html",
        {
            "sesi": rows,
            "lain": any(not r.ini for r in rows),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "max_hours": settings.SESSION_MAX_HOURS,
        },
    )


@login_required
@require_POST
def sesi_akhiri(request, pk: int):
    if sesi.sesi_akhiri_satu(actor=request.user, pk=pk):
        messages.success(request, _("Sesi diakhiri."))
    else:
        messages.error(request, _("Sesi itu tidak ada atau sudah berakhir."))
    return redirect("akun:sesi")


@login_required
@require_POST
def sesi_akhiri_lain(request):
    ended = sesi.akhiri_sesi(
        request.user,
        kecuali=request.session.session_key,
        alasan="diakhiri-pemilik",
        actor=request.user,
    )
    messages.success(request, _("%(n)s sesi lain diakhiri.") % {"n": ended})
    return redirect("akun:sesi")
