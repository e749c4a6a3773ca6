"""The content of an OPD's plan as plain JSON (kept with a locked version), a revision's
proposed content, and the difference between two versions (decision 0020)."""

from __future__ import annotations

import copy
from decimal import Decimal

from pantau.planning.choices import TahapAnggaran
from pantau.planning.models import (
    Indikator,
    RencanaBulanan,
    SubKegiatan,
    SumberDanaSubKegiatan,
    TahunAnggaran,
)


def _s(value) -> str | None:
    return None if value is None else str(value)


def plan_content(*, opd_id: int, tahun_anggaran: TahunAnggaran) -> dict:
    """Every sub kegiatan of the OPD and year: pagu, main funding source, cash plan and
    physical target per budget version, and its indicators."""
    subs = list(
        SubKegiatan.objects.filter(opd_id=opd_id, tahun_anggaran=tahun_anggaran)
        .select_related("sumber_dana")
        .order_by("kode")
    )
    content: dict = {"tahap": tahun_anggaran.tahap, "subs": {}}
    for sub in subs:
        content["subs"][str(sub.pk)] = {
            "kode": sub.kode,
            "nama": sub.nama,
            "klasifikasi": sub.klasifikasi,
            "pagu_murni": _s(sub.pagu_murni),
            "pagu_perubahan": _s(sub.pagu_perubahan),
            "sumber_dana": sub.sumber_dana.nama if sub.sumber_dana else "",
            "rencana": {},
            "sumber": {},
            "indikator": {},
        }
    for f in SumberDanaSubKegiatan.objects.filter(sub_kegiatan__in=subs).select_related(
        "sumber_dana"
    ):
        sources = content["subs"][str(f.sub_kegiatan_id)]["sumber"].setdefault(f.tahap, {})
        sources[f.sumber_dana.kode] = str(f.jumlah)
    for r in RencanaBulanan.objects.filter(sub_kegiatan__in=subs).order_by("tahap", "bulan"):
        plan = content["subs"][str(r.sub_kegiatan_id)]["rencana"].setdefault(r.tahap, [])
        plan.append([str(r.anggaran_kas), str(r.target_fisik)])
    for ind in Indikator.objects.filter(sub_kegiatan__in=subs).order_by("id"):
        content["subs"][str(ind.sub_kegiatan_id)]["indikator"][str(ind.pk)] = {
            "nama": ind.nama,
            "klasifikasi": ind.klasifikasi,
            "satuan": ind.satuan,
            "rumus": ind.rumus,
            "target": [_s(t) for t in (ind.target_tahunan, *ind.targets_triwulan)],
        }
    return content


def proposed_content(before: dict, usulan: dict, *, tahap: str) -> dict:
    """The previous version's content with a revision's proposal laid over it."""
    after = copy.deepcopy(before)
    after["tahap"] = (
        TahapAnggaran.PERUBAHAN if tahap == TahapAnggaran.PERUBAHAN else before["tahap"]
    )
    field = "pagu_perubahan" if tahap == TahapAnggaran.PERUBAHAN else "pagu_murni"
    for key, entry in usulan.items():
        sub = after["subs"].get(key)
        if sub is None:
            continue
        sub[field] = entry["pagu"]
        sub["rencana"][tahap] = entry["rencana"]
        if entry.get("sumber") is not None:
            sub.setdefault("sumber", {})[tahap] = dict(entry["sumber"])
    return after


def pagu_berlaku(sub: dict, tahap: str) -> Decimal:
    if tahap == TahapAnggaran.PERUBAHAN and sub.get("pagu_perubahan") is not None:
        return Decimal(sub["pagu_perubahan"])
    return Decimal(sub["pagu_murni"])


def rencana_berlaku(sub: dict, tahap: str) -> list:
    return sub["rencana"].get(tahap) or sub["rencana"].get(TahapAnggaran.MURNI) or []


def sumber_berlaku(sub: dict, tahap: str) -> dict:
    sources = sub.get("sumber", {})
    found = sources.get(tahap) or sources.get(TahapAnggaran.MURNI) or {}
    return {k: Decimal(v) for k, v in found.items()}


def plan_diff(before: dict | None, after: dict) -> dict:
    """Per sub kegiatan: pagu in force, funding source, months whose cash plan or physical
    target changed, indicators added, removed or changed; with the totals."""
    before = before or {"tahap": after["tahap"], "subs": {}}
    rows = []
    keys = list(after["subs"]) + [k for k in before["subs"] if k not in after["subs"]]
    for key in keys:
        a, b = after["subs"].get(key), before["subs"].get(key)
        row = _diff_row(a, b, before["tahap"], after["tahap"])
        if row["status"] != "sama":
            rows.append(row)
    total_before = sum(
        (pagu_berlaku(s, before["tahap"]) for s in before["subs"].values()), Decimal(0)
    )
    total_after = sum((pagu_berlaku(s, after["tahap"]) for s in after["subs"].values()), Decimal(0))
    return {
        "rows": rows,
        "total_sebelum": total_before,
        "total_sesudah": total_after,
        "selisih": total_after - total_before,
    }


def _diff_row(a: dict | None, b: dict | None, tahap_b: str, tahap_a: str) -> dict:
    ref = a or b
    row = {"kode": ref["kode"], "nama": ref["nama"], "bulan": [], "indikator": []}
    row["pagu_sebelum"] = pagu_berlaku(b, tahap_b) if b else None
    row["pagu_sesudah"] = pagu_berlaku(a, tahap_a) if a else None
    if a is None or b is None:
        row["status"] = "dihapus" if a is None else "baru"
        return row
    row["sumber_sebelum"], row["sumber_sesudah"] = b["sumber_dana"], a["sumber_dana"]
    row["rincian_sebelum"] = sumber_berlaku(b, tahap_b)
    row["rincian_sesudah"] = sumber_berlaku(a, tahap_a)
    plan_b, plan_a = rencana_berlaku(b, tahap_b), rencana_berlaku(a, tahap_a)
    for month in range(12):
        old = plan_b[month] if month < len(plan_b) else None
        new = plan_a[month] if month < len(plan_a) else None
        if _norm(old) != _norm(new):
            row["bulan"].append({"bulan": month + 1, "sebelum": old, "sesudah": new})
    for ind_key in list(a["indikator"]) + [k for k in b["indikator"] if k not in a["indikator"]]:
        ia, ib = a["indikator"].get(ind_key), b["indikator"].get(ind_key)
        if ia != ib:
            status = "baru" if ib is None else "dihapus" if ia is None else "berubah"
            row["indikator"].append({"status": status, "nama": (ia or ib)["nama"]})
    changed = (
        row["pagu_sebelum"] != row["pagu_sesudah"]
        or row["sumber_sebelum"] != row["sumber_sesudah"]
        or row["rincian_sebelum"] != row["rincian_sesudah"]
        or row["bulan"]
        or row["indikator"]
    )
    row["status"] = "berubah" if changed else "sama"
    return row


def _norm(month: list | None):
    return None if month is None else tuple(Decimal(v) for v in month)
