"""The audit viewer's filter (GET, kept in the URL so that a filtered list can be shared)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from pantau.core.forms import BootstrapFormMixin
from pantau.organisations import selectors_audit as sel
from pantau.organisations.audit_teks import action_choices

# Dates as Indonesians type them (31/12/2025, 31-12-2025) and as the ISO form (2025-12-31).
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_ERROR = _("Tanggal tidak dikenali. Tulis seperti 31/12/2025.")


class TanggalTeks(forms.DateField):
    widget = forms.TextInput(attrs={"placeholder": _("hh/bb/tttt"), "inputmode": "numeric"})
    default_error_messages = {"invalid": DATE_ERROR}

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATE_FORMATS, **kwargs)


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    pelaku = forms.CharField(label=_("Pelaku (nama pengguna)"), required=False, max_length=150)
    opd = forms.ModelChoiceField(
        label=_("OPD"),
        queryset=sel.Opd.objects.none(),
        required=False,
        empty_label=_("Semua"),
        error_messages={"invalid_choice": _("OPD ini tidak ada di pemda ini.")},
    )
    aksi = forms.ChoiceField(
        label=_("Aksi"),
        required=False,
        error_messages={"invalid_choice": _("Aksi ini tidak dikenal.")},
    )
    jenis = forms.ChoiceField(
        label=_("Jenis objek"),
        required=False,
        error_messages={"invalid_choice": _("Jenis objek ini tidak dikenal.")},
    )
    objek = forms.CharField(label=_("Objek (ID atau nama)"), required=False, max_length=100)
    dari = TanggalTeks(label=_("Dari tanggal"), required=False)
    sampai = TanggalTeks(label=_("Sampai tanggal"), required=False)

    def __init__(self, *args, pemda, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = sel.opd_options(pemda=pemda)
        self.fields["pelaku"].widget.attrs["list"] = "pelaku-daftar"
        self.fields["aksi"].choices = [("", _("Semua")), *action_choices()]
        self.fields["jenis"].choices = [("", _("Semua")), *sel.type_options()]

    def clean(self):
        data = super().clean()
        dari, sampai = data.get("dari"), data.get("sampai")
        if dari and sampai and dari > sampai:
            self.add_error("sampai", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return data

    def saringan(self) -> sel.Saringan:
        """The filter to apply: only the fields that are valid (an invalid field is named
        beside it and left out; nothing fails)."""
        data = self.cleaned_data if self.is_bound else {}
        valid = {k: v for k, v in data.items() if k not in self.errors}
        return sel.Saringan(
            pelaku=(valid.get("pelaku") or "").strip(),
            opd=valid.get("opd"),
            aksi=valid.get("aksi") or "",
            jenis=valid.get("jenis") or "",
            objek=(valid.get("objek") or "").strip(),
            dari=valid.get("dari"),
            sampai=valid.get("sampai"),
            q=(valid.get("q") or "").strip(),
        )

    def in_words(self) -> list[tuple[str, str]]:
        """The applied filter as (label, value) for a download's title block."""
        out = []
        for name, field in self.fields.items():
            if name in self.errors or not self.is_bound:
                continue
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                value = dict(field.choices).get(value, value)
            if isinstance(value, dt.date):
                value = f"{value:%d/%m/%Y}"
            out.append((str(field.label), str(value)))
        return out
