"""The first-run screen's form (`/pasang/`)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pantau.core.forms import BootstrapFormMixin


class PasangForm(BootstrapFormMixin, forms.Form):
    kode = forms.CharField(
        label=_("Kode pemasangan"),
        max_length=64,
        help_text=_(
            "Dibaca operator server dengan perintah `pantau pasang_kode` (atau berkas "
            "kode-pasang.txt di PANTAU_DATA_DIR)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    tahun = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    wilayah_pilihan = forms.ChoiceField(
        label=_("Berkas wilayah"),
        choices=[
            ("bawaan", _("Bawaan: Kabupaten Wakatobi (Kepmendagri 2025)")),
            ("unggah", _("Unggah berkas wilayah pemda sendiri (CSV)")),
        ],
        initial="bawaan",
        required=False,  # not sent: the bundled file
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    wilayah_berkas = forms.FileField(
        label=_("Berkas wilayah (CSV)"),
        required=False,
        help_text=_(
            "CSV UTF-8 dengan judul kolom kode, nama, tingkat, jenis, kode_induk; tepat satu "
            "baris kabupaten/kota, lalu kecamatan dan desa/kelurahan."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    pemda_kode = forms.CharField(
        label=_("Kode pemda (boleh kosong)"),
        max_length=16,
        required=False,
        help_text=_(
            "Jika diisi, dicocokkan dengan baris kabupaten/kota di berkas, misalnya 74.07."
        ),
    )
    pemda_nama = forms.CharField(
        label=_("Nama pemda (boleh kosong)"),
        max_length=200,
        required=False,
        help_text=_("Jika diisi, dicocokkan dengan nama di berkas."),
    )
    nomenklatur_berkas = forms.FileField(
        label=_("Berkas nomenklatur sendiri (CSV, boleh kosong)"),
        required=False,
        help_text=_(
            "Kosong: nomenklatur bawaan (Kepmendagri 050-5889). Judul kolom kode, nomenklatur, "
            "tingkat."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    admin_first_name = forms.CharField(label=_("Nama depan admin"), max_length=150)
    admin_last_name = forms.CharField(
        label=_("Nama belakang admin"), max_length=150, required=False
    )
    admin_jabatan = forms.CharField(label=_("Jabatan"), max_length=150, required=False)
    admin_email = forms.EmailField(label=_("E-mail admin"), required=False)
    admin_username = forms.CharField(
        label=_("Nama pengguna admin"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    admin_password = forms.CharField(
        label=_("Kata sandi admin"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    admin_password2 = forms.CharField(
        label=_("Ulangi kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        if (
            data.get("admin_password")
            and data.get("admin_password2") is not None
            and data["admin_password"] != data["admin_password2"]
        ):
            self.add_error("admin_password2", _("Kedua kata sandi tidak sama."))
        if data.get("wilayah_pilihan") == "unggah" and not data.get("wilayah_berkas"):
            self.add_error("wilayah_berkas", _("Pilih berkas wilayah yang akan diunggah."))
        return data
