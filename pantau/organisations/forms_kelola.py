"""Forms of the admin's people and organisation screens and of the profile page. They parse
and check the input; every write is a service (services_kelola)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pantau.core.forms import BootstrapFormMixin, TanggalInput
from pantau.organisations import codes
from pantau.organisations.choices import JenisOpd, Role
from pantau.organisations.models import Opd

OPD_FORM_FIELDS = [
    "kode",
    "nama",
    "singkatan",
    "jenis",
    "bidang_urusan",
    "wilayah",
    "kepala_nama",
    "kepala_nip",
]


class AccountForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        help_text=_("Huruf, angka dan . @ + - _ saja; mis. siti.dinkes."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("Nama depan"), max_length=150)
    last_name = forms.CharField(label=_("Nama belakang"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices)
    opd = forms.ModelChoiceField(
        label=_("OPD"),
        queryset=Opd.objects.none(),
        required=False,
        help_text=_("Wajib untuk Kepala OPD dan Operator OPD; kosong untuk peran lain."),
    )
    jabatan = forms.CharField(label=_("Jabatan"), max_length=150, required=False)

    def __init__(self, *args, opds, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = opds
        if edit:
            del self.fields["username"]


def _nip_field(label) -> forms.CharField:
    """A NIP input: 18 digits, grouped by spaces as on the SK if wished (the services store the
    digits), checked in BKN's layout."""
    return forms.CharField(
        label=label,
        max_length=24,
        required=False,
        validators=[codes.validate_nip],
        help_text=_("18 angka; boleh dikelompokkan dengan spasi seperti di SK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class OpdForm(BootstrapFormMixin, forms.ModelForm):
    kepala_nip = _nip_field(_("NIP kepala"))

    class Meta:
        model = Opd
        fields = OPD_FORM_FIELDS

    def __init__(self, *args, wilayah, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].queryset = wilayah
        # a pasted code with spaces around it is trimmed by the form, not cut by the browser
        self.fields["kode"].widget.attrs["maxlength"] = str(
            Opd._meta.get_field("kode").max_length + 10
        )

    def clean_kepala_nip(self) -> str:
        return codes.normalise_nip(self.cleaned_data["kepala_nip"])


class RiwayatForm(BootstrapFormMixin, forms.Form):
    tanggal = forms.DateField(label=_("Tanggal berlaku"), widget=TanggalInput())
    dasar_hukum = forms.CharField(
        label=_("Dasar hukum"),
        max_length=300,
        help_text=_("Mis. Perda Nomor 5 Tahun 2026 tentang Perangkat Daerah."),
    )
    catatan = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(RiwayatForm):
    asal = forms.ModelMultipleChoiceField(
        label=_("OPD yang dilebur"),
        queryset=Opd.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    tujuan = forms.ModelChoiceField(
        label=_("Dilebur ke OPD yang ada"),
        queryset=Opd.objects.none(),
        required=False,
        help_text=_("Atau kosongkan dan isi OPD baru di bawah."),
    )
    kode = forms.CharField(label=_("Kode OPD baru"), max_length=22, required=False)
    nama = forms.CharField(label=_("Nama OPD baru"), max_length=200, required=False)
    singkatan = forms.CharField(label=_("Singkatan OPD baru"), max_length=40, required=False)
    jenis = forms.ChoiceField(
        label=_("Jenis OPD baru"), choices=[("", "—"), *JenisOpd.choices], required=False
    )
    bidang_urusan = forms.CharField(
        label=_("Bidang urusan OPD baru"), max_length=200, required=False
    )

    def __init__(self, *args, opds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asal"].queryset = opds
        self.fields["tujuan"].queryset = opds

    def baru(self) -> dict | None:
        data = self.cleaned_data
        if data.get("tujuan"):
            return None
        return {
            k: data.get(k) or "" for k in ("kode", "nama", "singkatan", "jenis", "bidang_urusan")
        }


class SplitForm(RiwayatForm):
    """Two to five new OPDs, and for each account of the OPD the new OPD it moves to."""

    def __init__(self, *args, jumlah: int, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.jumlah = jumlah
        for i in range(jumlah):
            n = i + 1
            self.fields[f"kode_{i}"] = forms.CharField(
                label=_("Kode OPD baru %(n)d") % {"n": n}, max_length=22
            )
            self.fields[f"nama_{i}"] = forms.CharField(
                label=_("Nama OPD baru %(n)d") % {"n": n}, max_length=200
            )
            self.fields[f"singkatan_{i}"] = forms.CharField(
                label=_("Singkatan OPD baru %(n)d") % {"n": n}, max_length=40
            )
            self.fields[f"jenis_{i}"] = forms.ChoiceField(
                label=_("Jenis OPD baru %(n)d") % {"n": n}, choices=JenisOpd.choices
            )
            self.fields[f"bidang_urusan_{i}"] = forms.CharField(
                label=_("Bidang urusan OPD baru %(n)d") % {"n": n}, max_length=200, required=False
            )
        choices = [(str(i), _("OPD baru %(n)d") % {"n": i + 1}) for i in range(jumlah)]
        self.members = list(members)
        for m in self.members:
            self.fields[f"anggota_{m.user_id}"] = forms.TypedChoiceField(
                label=_("%(u)s pindah ke") % {"u": m.user.get_full_name() or m.user.get_username()},
                choices=choices,
                coerce=int,
            )
        for name in self.fields:
            self.fields[name].widget.attrs.setdefault(
                "class",
                "form-select"
                if isinstance(self.fields[name].widget, forms.Select)
                else "form-control",
            )

    def baru(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {k: d[f"{k}_{i}"] for k in ("kode", "nama", "singkatan", "jenis", "bidang_urusan")}
            for i in range(self.jumlah)
        ]

    def anggota(self) -> dict[int, int]:
        return {m.user_id: self.cleaned_data[f"anggota_{m.user_id}"] for m in self.members}


class ProfilForm(BootstrapFormMixin, forms.Form):
    first_name = forms.CharField(label=_("Nama depan"), max_length=150)
    last_name = forms.CharField(label=_("Nama belakang"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    nip = _nip_field(_("NIP"))
    telepon = forms.CharField(
        label=_("Telepon"),
        max_length=20,
        required=False,
        validators=[codes.validate_phone],
        help_text=_("Mis. 0812 3456 7890 atau +62 812 3456 7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    jabatan = forms.CharField(label=_("Jabatan"), max_length=150, required=False)
