from django import forms
from django.utils.translation import gettext_lazy as _

from pantau.planning.choices import Rumus, TahapAnggaran

SELECT = {"class": "form-select"}


class PemetaanSipdForm(forms.Form):
    tahap = forms.ChoiceField(
        label=_("Tahap data SIPD"),
        choices=TahapAnggaran.choices,
        widget=forms.Select(attrs=SELECT),
    )
    jenis_kas = forms.CharField(
        label=_("Jenis baris anggaran kas (kolom type)"),
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Biasanya belanja."),
    )
    rumus_bawaan = forms.TypedChoiceField(
        label=_("Rumus capaian bawaan indikator"),
        choices=Rumus.choices,
        coerce=int,
        widget=forms.Select(attrs=SELECT),
    )
    nilai = forms.CharField(
        label=_("Nilai pemetaan (CSV: jenis,nilai_sipd,tujuan)"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 12, "spellcheck": "false", "class": "form-control font-monospace"}
        ),
        help_text=_(
            "Satu baris per nilai SIPD. jenis: unit, dana, kecamatan, desa atau rumus; tujuan: "
            "kode OPD, kode sumber dana, kode wilayah atau rumus 1–4."
        ),
    )
