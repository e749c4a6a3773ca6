"""Forms shared by every app: the login form, the money and number fields, the date input,
and the renderer that shows every field with all of its errors beside it."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from pantau.core.numbers import (
    decimal_places_of,
    format_exact,
    format_money,
    number_example,
    to_decimal,
)


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


# ---------------------------------------------------------------- one way to enter and show forms


class PantauBoundField(BoundField):
    """Bootstrap's invalid state on every field with an error (`is-invalid`, next to Django's
    own aria-invalid and aria-describedby pointing at the error text)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden:
            css = attrs.get("class") or widget.attrs.get("class", "")
            attrs["class"] = f"{css} is-invalid".strip()
        return attrs


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown where it belongs: beside the field it names, else above the
    form. The service's messages are already in the user's language."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class PantauFormRenderer(DjangoTemplates):
    """Every form field renders through `core/forms/field.html`: label, input, help and all of
    its errors beside it, in the user's language (settings.FORM_RENDERER)."""

    field_template_name = "core/forms/field.html"
    bound_field_class = PantauBoundField


class TanggalInput(forms.DateInput):
    """The phone's date picker (`type=date`), which reads and writes ISO dates only: a date
    written in the page's language would load as an empty field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class AngkaInput(forms.TextInput):
    """A number typed as the language writes it (a text input: `type=number` cannot take
    1.250.000,50). A stored number is shown exactly; what the user typed is shown as typed."""

    def __init__(self, attrs=None):
        base = {"class": "form-control", "inputmode": "decimal", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})})

    def display(self, value: Decimal) -> str:
        return format_exact(value)

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, Decimal | int):
            return self.display(Decimal(value))
        return str(value)


class RupiahInput(AngkaInput):
    def display(self, value: Decimal) -> str:
        return format_money(value)


class AngkaField(forms.Field):
    """A decimal number read with `core.numbers.to_decimal` (the active language's way of
    writing numbers) and checked against the database column's digits and decimals, so that a
    value is stored exactly as typed or refused with a message, never rounded."""

    widget = AngkaInput
    default_error_messages = {
        "required": _("Wajib diisi."),
        "places": _("Paling banyak %(n)s angka di belakang koma."),
        "digits": _("Angka terlalu besar."),
        "min": _("Tidak boleh kurang dari %(n)s."),
        "max": _("Tidak boleh lebih dari %(n)s."),
    }

    def __init__(self, *, max_digits=18, decimal_places=2, min_value=None, max_value=None, **kw):
        self.max_digits, self.decimal_places = max_digits, decimal_places
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kw)

    def to_python(self, value):
        if isinstance(value, Decimal) or value is None:
            return value
        if not str(value).strip():
            return None
        try:
            return to_decimal(str(value), label=str(self.label or ""))
        except ValidationError:
            raise ValidationError(
                _("'%(value)s' bukan angka yang sah: tulis misalnya %(example)s.")
                % {"value": str(value).strip(), "example": self.example()},
                code="invalid",
            ) from None

    def example(self) -> str:
        if self.max_value is not None and self.max_value <= 100:  # a percentage: no millions
            return _("%(a)s atau %(b)s") % {
                "a": format_exact(Decimal("87.5")),
                "b": format_exact(Decimal(100)),
            }
        return number_example()

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if decimal_places_of(value) > self.decimal_places:
            raise ValidationError(
                self.error_messages["places"] % {"n": self.decimal_places}, code="places"
            )
        whole = value.adjusted() + 1 if abs(value) >= 1 else 0  # digits before the comma
        if whole > self.max_digits - self.decimal_places:
            raise ValidationError(self.error_messages["digits"], code="digits")
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                self.error_messages["min"] % {"n": format_exact(self.min_value)}, code="min"
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["max"] % {"n": format_exact(self.max_value)}, code="max"
            )


class RupiahField(AngkaField):
    """The one money field: Rupiah to the cent (Decimal 18,2), never negative, shown again
    exactly as stored (1.250.000,50 stays 1.250.000,50)."""

    widget = RupiahInput

    def __init__(self, **kw):
        kw.setdefault("min_value", Decimal(0))
        super().__init__(max_digits=18, decimal_places=2, **kw)

    def example(self) -> str:
        return _("%(a)s atau %(b)s") % {
            "a": format_money(Decimal(1250000)),
            "b": format_money(Decimal("1250000.50")),
        }


class BootstrapFormMixin:
    """Bootstrap's classes on every widget of a form (form-control, form-select,
    form-check-input), so that templates render fields with `as_field_group` only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)
