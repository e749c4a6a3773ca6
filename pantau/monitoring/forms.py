"""The monthly report form (phone and desktop) and the grid's rows: money through the one money
field, numbers read and shown exactly, every error beside its field."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pantau.core.forms import AngkaField, RupiahField, add_service_errors
from pantau.core.numbers import format_exact, int_param

MAX_FILES = 10
TEXT = {"class": "form-control", "rows": 2}


class BuktiInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class BuktiField(forms.FileField):
    """Photos and PDFs of one submission: at most MAX_FILES, each within the size limit, refused
    before a huge file is read into memory. The content is checked by the evidence service."""

    widget = BuktiInput

    def __init__(self, **kw):
        attrs = {
            "class": "form-control",
            "multiple": True,
            "accept": "image/jpeg,image/png,image/webp,application/pdf",
            "capture": "environment",
        }
        super().__init__(required=False, widget=BuktiInput(attrs=attrs), **kw)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_FILES:
            raise ValidationError(_("Paling banyak %(n)d berkas sekali kirim.") % {"n": MAX_FILES})
        limit = max(settings.UPLOAD_MAX_PHOTO_MB, settings.UPLOAD_MAX_PDF_MB) * 1024 * 1024
        too_big = [f.name for f in uploads if f.size > limit]
        if too_big:
            raise ValidationError(
                [
                    _("Berkas %(n)s lebih dari %(mb)d MB.")
                    % {"n": name, "mb": limit // (1024 * 1024)}
                    for name in too_big
                ]
            )
        return uploads


class LaporanForm(forms.Form):
    """One sub kegiatan's monthly report: what the form shows is what is saved (and submitted)."""

    keuangan = RupiahField(
        label=_("Realisasi keuangan bulan ini (Rp)"),
        help_text=_("Uang yang dibayarkan (SP2D) dalam bulan ini saja, contoh 1.250.000."),
    )
    fisik = AngkaField(
        label=_("Realisasi fisik kumulatif (%)"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    kendala = forms.CharField(
        label=_("Kendala / permasalahan"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    tindak_lanjut = forms.CharField(
        label=_("Tindak lanjut"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    penjelasan = forms.CharField(
        label=_("Penjelasan atas peringatan"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_(
            "Wajib bila ada peringatan, misalnya fisik turun atau fisik dan keuangan berselisih jauh."
        ),
    )
    bukti = BuktiField(
        label=_("Foto lapangan dan dokumen"),
        help_text=_(
            "Foto JPEG/PNG/WebP maks. 10 MB, PDF maks. 20 MB. Waktu dan lokasi GPS foto dibaca otomatis."
        ),
    )

    def __init__(self, *args, indikator=(), fisik_help: str = "", **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.fields["keuangan"].widget.attrs.update({"placeholder": "1.250.000"})
        self.fields["fisik"].widget.attrs.update({"placeholder": "45,5"})
        self.fields["fisik"].help_text = fisik_help
        self.indikator_names = []
        for row in indikator:
            ind = row.indikator
            name = f"indikator-{ind.pk}"
            hint = [_("Target") + " " + format_exact(row.target), str(ind.get_rumus_display())]
            if row.sebelumnya is not None:
                hint.append(_("sebelumnya") + " " + format_exact(row.sebelumnya))
            self.fields[name] = AngkaField(
                label=f"{ind.nama} ({ind.satuan})",
                required=False,
                max_digits=18,
                decimal_places=4,
                help_text=" · ".join(hint),
            )
            self.initial.setdefault(name, row.nilai)
            self.indikator_names.append(name)

    def clean(self):
        data = super().clean()
        unknown = [  # a value for an indicator that is not this sub kegiatan's is refused
            key
            for key in self.data
            if key.startswith("indikator-")
            and int_param(key.removeprefix("indikator-")) is not None
            and key not in self.fields
            and str(self.data[key]).strip()
        ]
        if unknown:
            raise ValidationError(_("Indikator tidak dikenal untuk sub kegiatan ini."))
        return data

    @property
    def indikator_fields(self):
        return [self[name] for name in self.indikator_names]

    def service_fields(self) -> dict:
        """The cleaned values as `monitoring.services.laporan_kirim` takes them."""
        data = self.cleaned_data
        values = {k: data[k] for k in ("keuangan", "fisik")}
        values.update({k: data[k].strip() for k in ("kendala", "tindak_lanjut", "penjelasan")})
        values["indikator"] = {
            name.removeprefix("indikator-"): "" if data[name] is None else data[name]
            for name in self.indikator_names
        }
        return values

    def add_service_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc)

    def field_errors(self) -> dict[str, list[str]]:
        return {name: [str(m) for m in errors] for name, errors in self.errors.items()}

    def all_errors(self) -> list[str]:
        out = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            out.extend(f"{label}: {m}" if label else str(m) for m in errors)
        return out


class BarisGridForm(forms.Form):
    """One row of the desktop grid; its fields are named `keuangan-<sub id>` and so on."""

    keuangan = RupiahField(label=_("Keuangan"), required=False)
    fisik = AngkaField(
        label=_("Fisik"),
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    kendala = forms.CharField(label=_("Kendala"), required=False)

    def __init__(self, *args, kode: str = "", **kwargs):
        kwargs.setdefault("auto_id", "id_%s")
        super().__init__(*args, **kwargs)
        self.short_labels = {name: str(f.label) for name, f in self.fields.items()}
        for name, size in (("keuangan", 14), ("fisik", 6), ("kendala", 20)):
            field = self.fields[name]
            field.widget.attrs.update({"class": "form-control form-control-sm", "size": size})
            field.label = f"{field.label} {kode}".strip()

    def add_prefix(self, field_name: str) -> str:
        return f"{field_name}-{self.prefix}" if self.prefix else field_name

    @property
    def filled(self) -> bool:
        """A row the user filled in (an empty row is left alone, not refused)."""
        return any(
            str(self.data.get(self.add_prefix(k), "")).strip() for k in ("keuangan", "fisik")
        )

    def clean(self):
        data = super().clean()
        for name in ("keuangan", "fisik"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("Wajib diisi."))
        return data

    def messages(self) -> list[str]:
        return [
            f"{self.short_labels[name]}: {m}" if name in self.short_labels else str(m)
            for name, errors in self.errors.items()
            for m in errors
        ]
