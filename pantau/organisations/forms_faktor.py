"""Forms of the second factor (decision 0027): they read the typed code; django-otp and
services_faktor judge it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pantau.core.forms import BootstrapFormMixin


class KodeForm(BootstrapFormMixin, forms.Form):
    kode = forms.CharField(
        label=_("Kode"),
        max_length=40,
        help_text=_(
            "Kode 6 angka dari aplikasi autentikator, atau salah satu kode pemulihan Anda."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )


class KonfirmasiForm(BootstrapFormMixin, forms.Form):
    kode = forms.CharField(
        label=_("Kode 6 angka dari aplikasi"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class NonaktifForm(BootstrapFormMixin, forms.Form):
    kode = forms.CharField(
        label=_("Kode dari aplikasi atau kode pemulihan"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )
    sandi = forms.CharField(
        label=_("atau kata sandi Anda"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
