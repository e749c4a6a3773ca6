"""Single-row rules of the plan, called from the models' clean() (and so by full_clean()).

Every message is in Bahasa Indonesia through gettext, so English users read it in English.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pantau.organisations.choices import TingkatWilayah
from pantau.organisations.codes import validate_nip
from pantau.planning import codes
from pantau.planning.choices import JenisIndikator, Rumus

HUNDRED = Decimal("100")
BIDANG = re.compile(r"\b([1-8]\.\d{2})\b")
# Nomenclature shared by every urusan (SIPD writes it as X.XX...; docs/domain.md §3.2).
LINTAS_URUSAN = "X.XX"


def opd_bidang_urusan(opd) -> list[str]:
    """The bidang urusan an OPD holds, from its `bidang_urusan` field ("2.16; 2.20; 2.21",
    names after the code allowed). Empty when the field is empty: then nothing is restricted."""
    return BIDANG.findall(opd.bidang_urusan or "")


def bidang_urusan_error(kode: str, opd) -> str | None:
    """Why a plan code (program, kegiatan or sub kegiatan) may not be in this OPD's plan: its
    bidang urusan (U.BB) is not one the OPD holds. Cross-urusan codes (X.XX) are allowed for
    every OPD, and an OPD without recorded bidang urusan is not restricted."""
    bidang = opd_bidang_urusan(opd)
    prefix = ".".join((kode or "").strip().split(".")[:2])
    if not bidang or prefix.upper() == LINTAS_URUSAN or prefix in bidang:
        return None
    return _(
        "Kode %(kode)s berada di bidang urusan %(b)s, di luar bidang urusan %(opd)s (%(daftar)s)."
    ) % {"kode": kode, "b": prefix, "opd": opd.singkatan or opd.nama, "daftar": ", ".join(bidang)}


def _check_nomenklatur(obj, tingkat: str, errors: dict) -> None:
    nomen = obj.nomenklatur if obj.nomenklatur_id else None
    if nomen is None:
        return
    if nomen.tingkat != tingkat or nomen.kode != obj.kode:
        errors.setdefault("kode", []).append(
            _("Kode %(kode)s tidak sama dengan nomenklatur yang dirujuk (%(ref)s).")
            % {"kode": obj.kode, "ref": nomen.kode}
        )
    year = obj.tahun_anggaran.tahun if obj.tahun_anggaran_id else None
    if year is not None and nomen.tahun != year:
        errors.setdefault("kode", []).append(
            _("Nomenklatur tahun %(n)s tidak boleh dipakai di TA %(t)s.")
            % {"n": nomen.tahun, "t": year}
        )


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def check_program(program) -> None:
    errors: dict[str, list[str]] = {}
    try:
        codes.validate(program.kode, "program")
    except ValidationError as exc:
        errors["kode"] = exc.messages
    _check_nomenklatur(program, "program", errors)
    if program.opd_id and program.opd.pemda_id != program.pemda_id:
        errors.setdefault("opd", []).append(_("OPD milik pemda lain."))
    if program.opd_id and program.kode:
        message = bidang_urusan_error(program.kode, program.opd)
        if message:
            errors.setdefault("kode", []).append(message)
    if program.tahun_anggaran_id and program.tahun_anggaran.pemda_id != program.pemda_id:
        errors.setdefault("tahun_anggaran", []).append(_("Tahun anggaran milik pemda lain."))
    _raise(errors)


def check_kegiatan(kegiatan) -> None:
    errors: dict[str, list[str]] = {}
    if not kegiatan.program_id:
        return
    program = kegiatan.program
    try:
        codes.validate_child(kegiatan.kode, "kegiatan", program.kode)
    except ValidationError as exc:
        errors["kode"] = exc.messages
    if kegiatan.pemda_id != program.pemda_id:
        errors.setdefault("program", []).append(_("Program milik pemda lain."))
    nomen = kegiatan.nomenklatur if kegiatan.nomenklatur_id else None
    if nomen is not None and (
        nomen.kode != kegiatan.kode or nomen.tahun != program.tahun_anggaran.tahun
    ):
        errors.setdefault("kode", []).append(
            _("Kode %(kode)s tidak sama dengan nomenklatur yang dirujuk (%(ref)s).")
            % {"kode": kegiatan.kode, "ref": nomen.kode}
        )
    _raise(errors)


def check_sub_kegiatan(sub) -> None:
    errors: dict[str, list[str]] = {}
    if sub.kegiatan_id:
        kegiatan = sub.kegiatan
        try:
            codes.validate_child(sub.kode, "sub_kegiatan", kegiatan.kode)
        except ValidationError as exc:
            errors["kode"] = exc.messages
        program = kegiatan.program
        if sub.opd_id != program.opd_id or sub.tahun_anggaran_id != program.tahun_anggaran_id:
            errors.setdefault("kegiatan", []).append(
                _(
                    "Sub kegiatan harus berada di OPD dan tahun anggaran yang sama dengan kegiatannya."
                )
            )
        if sub.pemda_id != kegiatan.pemda_id:
            errors.setdefault("kegiatan", []).append(_("Kegiatan milik pemda lain."))
    _check_nomenklatur(sub, "sub_kegiatan", errors)
    for field in ("pagu_murni", "pagu_perubahan"):
        value = getattr(sub, field)
        if value is not None and value < 0:
            errors.setdefault(field, []).append(_("Pagu tidak boleh negatif."))
    if sub.kecamatan_id:
        kec = sub.kecamatan
        if kec.pemda_id != sub.pemda_id or kec.tingkat != TingkatWilayah.KECAMATAN:
            errors.setdefault("kecamatan", []).append(_("Pilih kecamatan dari pemda ini."))
    if sub.desa_id:
        desa = sub.desa
        if desa.tingkat != TingkatWilayah.DESA_KELURAHAN or desa.induk_id != sub.kecamatan_id:
            errors.setdefault("desa", []).append(
                _("Desa/kelurahan harus berada di kecamatan yang dipilih.")
            )
    if (sub.latitude is None) != (sub.longitude is None):
        errors.setdefault("latitude", []).append(_("Isi lintang dan bujur bersama-sama."))
    try:
        validate_nip(sub.pptk_nip)
    except ValidationError as exc:
        errors.setdefault("pptk_nip", []).extend(exc.messages)
    _raise(errors)


def _level_of(indikator) -> str | None:
    for name in ("program", "kegiatan", "sub_kegiatan"):
        if getattr(indikator, f"{name}_id"):
            return name
    return None


def check_indikator(indikator) -> None:
    """Targets must be of the indicator's type (docs/domain.md §8)."""
    errors: dict[str, list[str]] = {}
    level = _level_of(indikator)
    if level is not None:
        expected = JenisIndikator.OUTCOME if level == "program" else JenisIndikator.OUTPUT
        if indikator.jenis != expected:
            errors.setdefault("jenis", []).append(
                _(
                    "Indikator program adalah outcome; indikator kegiatan dan sub kegiatan adalah output."
                )
            )
        parent = getattr(indikator, level)
        parent_opd = parent.opd_id if level != "kegiatan" else parent.program.opd_id
        if parent_opd != indikator.opd_id or parent.pemda_id != indikator.pemda_id:
            errors.setdefault("opd", []).append(
                _("Indikator harus milik OPD yang sama dengan induknya.")
            )
    _raise(errors)
    _check_targets(indikator)


def _check_targets(indikator) -> None:
    rumus = indikator.rumus
    annual = indikator.target_tahunan
    quarters = indikator.targets_triwulan
    given = [q for q in quarters if q is not None]
    errors: list[str] = []
    if annual is None:
        raise ValidationError({"target_tahunan": _("Target tahunan wajib diisi.")})
    values = [annual, *given]
    if any(not v.is_finite() for v in values):
        raise ValidationError({"target_tahunan": _("Target harus berupa angka.")})
    if any(v < 0 for v in values):
        errors.append(_("Target tidak boleh negatif."))
    is_percent = rumus == Rumus.PERSENTASE or indikator.satuan.strip() in {"%", "persen"}
    if is_percent and any(v > HUNDRED for v in values):
        errors.append(_("Target berupa persentase harus di antara 0 dan 100."))
    if rumus == Rumus.TREN_POSITIF:
        if len(given) == 4 and sum(given) != annual:
            errors.append(
                _(
                    "Untuk tren positif, target triwulan dijumlahkan: TW I–IV (%(sum)s) harus "
                    "sama dengan target tahunan (%(annual)s)."
                )
                % {"sum": sum(given), "annual": annual}
            )
    else:
        if rumus == Rumus.PERSENTASE and given != sorted(given):
            errors.append(
                _("Target persentase kumulatif tidak boleh turun dari triwulan ke triwulan.")
            )
        if quarters[3] is not None and quarters[3] != annual:
            errors.append(
                _(
                    "Target TW IV (%(tw4)s) harus sama dengan target tahunan (%(annual)s) untuk rumus ini."
                )
                % {"tw4": quarters[3], "annual": annual}
            )
    if errors:
        raise ValidationError({"target_tahunan": errors})
