from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Nama pengguna"),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
                "class": "form-control",
            }
        ),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control"}
        ),
    )
    error_messages = {
        "invalid_login": _("Nama pengguna atau kata sandi salah. Periksa lalu coba lagi."),
        "inactive": _("Akun ini tidak aktif. Hubungi admin Diskominfo."),
    }
