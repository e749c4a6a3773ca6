from django import forms
from django.utils.translation import gettext_lazy as _

from pantau.core.classification import KelasKip, Klasifikasi, Pengecualian
from pantau.core.forms import TanggalInput
from pantau.opendata import skema
from pantau.opendata.models import PERIODE_BERURUTAN, Dataset, Topik
from pantau.opendata.services import META_FIELDS

META = META_FIELDS  # the fields the services accept: one list


class DatasetForm(forms.ModelForm):
    topik = forms.ModelMultipleChoiceField(
        Topik.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Topik")
    )
    lisensi = forms.ChoiceField(
        label=_("Lisensi"),
        choices=[
            ("cc-by", "CC BY 4.0"),
            ("cc-by-sa", "CC BY-SA 4.0"),
            ("cc-zero", "CC0 1.0"),
            ("odc-by", "ODC-By 1.0"),
            ("other-open", _("Lain (terbuka)")),
        ],
    )

    class Meta:
        model = Dataset
        fields = ["nama", *META]
        widgets = {
            "periode_awal": TanggalInput(),
            "periode_akhir": TanggalInput(),
            "deskripsi": forms.Textarea(attrs={"rows": 3}),
            "konsep": forms.Textarea(attrs={"rows": 2}),
            "definisi": forms.Textarea(attrs={"rows": 2}),
            "metode": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, edit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if edit:
            del self.fields["nama"]
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                css = "form-check-input"
            else:
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        awal, akhir = data.get("periode_awal"), data.get("periode_akhir")
        if awal and akhir and akhir < awal:  # the database rule, beside the field it is about
            self.add_error("periode_akhir", PERIODE_BERURUTAN)
        return data

    def validate_unique(self):
        """Uniqueness of the name is the service's check (with a message for people)."""


class UploadForm(forms.Form):
    berkas = forms.FileField(label=_("Berkas CSV atau XLSX"))
    catatan = forms.CharField(label=_("Catatan perubahan"), required=False, max_length=500)


# A select that keeps to the width of its card on a phone (Bootstrap's form-select).
SELECT = forms.Select(attrs={"class": "form-select"})


class PublishForm(forms.Form):
    kelas_kip = forms.ChoiceField(
        label=_("Kelas informasi publik"), choices=KelasKip.choices, widget=SELECT
    )
    catatan = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    kolom_sel_kecil = forms.MultipleChoiceField(
        label=_("Kolom jumlah orang (sel kecil disamarkan)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, versi=None, dataset=None, **kwargs):
        """Every column of the version to publish can be marked as a person count (a count may
        have arrived as text in an older version); those the producer declared are always
        suppressed (`wajib`, shown ticked and fixed)."""
        super().__init__(*args, **kwargs)
        fields = versi.skema.get("fields", []) if versi is not None else []
        self.fields["kolom_sel_kecil"].choices = [
            (f["name"], f"{f.get('title') or f['name']} ({skema.type_name(f.get('type', ''))})")
            for f in fields
        ]
        self.wajib = skema.counts(dataset.skema) if dataset is not None else set()
        if dataset is not None:
            self.fields["kolom_sel_kecil"].initial = sorted({*dataset.kolom_sel_kecil, *self.wajib})


class ReturnForm(forms.Form):
    catatan = forms.CharField(
        label=_("Apa yang harus diperbaiki"), widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    klasifikasi = forms.ChoiceField(
        label=_("Klasifikasi baru"),
        choices=[
            (Klasifikasi.TERBATAS, Klasifikasi.TERBATAS.label),
            (Klasifikasi.RAHASIA, Klasifikasi.RAHASIA.label),
        ],
        widget=SELECT,
    )
    dasar_pengecualian = forms.ChoiceField(
        label=_("Dasar pengecualian"), choices=Pengecualian.choices, widget=SELECT
    )
    alasan = forms.CharField(
        label=_("Alasan (uji konsekuensi)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class KlasifikasiForm(forms.Form):
    """One level for a sub kegiatan, indicator or piece of evidence (or a selection of them).
    Which of the other fields is needed depends on the level; the service checks that rule and
    answers in the user's language, so the fields here are all optional."""

    klasifikasi = forms.ChoiceField(
        label=_("Klasifikasi"), choices=Klasifikasi.choices, widget=forms.RadioSelect
    )
    kelas_kip = forms.ChoiceField(
        label=_("Kelas informasi publik (jika publik)"),
        choices=[("", "—"), *KelasKip.choices],
        required=False,
    )
    dasar_pengecualian = forms.ChoiceField(
        label=_("Dasar pengecualian (jika terbatas atau rahasia)"),
        choices=[("", "—"), *Pengecualian.choices],
        required=False,
    )
    alasan = forms.CharField(
        label=_("Alasan (uji konsekuensi)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SkemaForm(forms.Form):
    """The declared schema, one group of fields per column: title, type and whether it counts
    people. The column names come from the file (or the declared schema) and are not edited
    here. Once the dataset was published, types are fixed and a person-count mark stays."""

    def __init__(self, *args, kolom: list[dict], terbit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kolom = kolom
        for i, f in enumerate(kolom):
            self.fields[f"judul_{i}"] = forms.CharField(
                label=_("Judul"),
                required=False,
                max_length=skema.MAX_TITLE,
                initial=f.get("title", ""),
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"jenis_{i}"] = forms.ChoiceField(
                label=_("Jenis"),
                choices=skema.TYPE_CHOICES,
                initial=f.get("type", "string"),
                disabled=terbit,
                widget=SELECT,
            )
            self.fields[f"orang_{i}"] = forms.BooleanField(
                label=_("Jumlah orang (sel kecil disamarkan saat terbit)"),
                required=False,
                initial=bool(f.get("jumlah_orang")),
                disabled=terbit and bool(f.get("jumlah_orang")),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def columns(self):
        """(column, its bound fields) for the template."""
        return [
            (f, self[f"judul_{i}"], self[f"jenis_{i}"], self[f"orang_{i}"])
            for i, f in enumerate(self.kolom)
        ]

    def declared(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "name": f["name"],
                "title": data[f"judul_{i}"],
                "type": data[f"jenis_{i}"],
                "jumlah_orang": data[f"orang_{i}"],
            }
            for i, f in enumerate(self.kolom)
        ]
