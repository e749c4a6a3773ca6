"""Roll-up tables kept current on every write (docs/quality.md: dashboards never scan raw rows).

`refresh_subs(sub_ids)` recomputes the twelve month rows of the given sub kegiatan from the raw
rows and then the month rows of their OPDs; services call it inside their own transaction. A
fixed number of queries per call, whatever the number of sub kegiatan. `check()` recomputes
everything and lists the differences (`pantau evaluation check`).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace as Row

from django.db import connection, transaction
from django.db.models import Q

from pantau.core.bulk import insert_rows
from pantau.evaluation.choices import Dasar
from pantau.evaluation.models import RingkasanOpd, RingkasanSubKegiatan
from pantau.evaluation.warnings import (
    KRITIS,
    Ambang,
    di_atas_rencana_kas,
    keparahan,
    proyeksi_fisik,
    status_fisik,
    uang_tanpa_fisik,
)
from pantau.planning.choices import TahapAnggaran

ZERO = Decimal(0)
BASES = (Dasar.TERVERIFIKASI, Dasar.DILAPORKAN)
SUB_FIELDS = [
    "pagu",
    "pagu_murni",
    "realisasi",
    "rencana_kas",
    "target_fisik",
    "fisik",
    "dilaporkan",
    "status_fisik",
    "uang_tanpa_fisik",
    "melebihi_pagu",
    "proyeksi_fisik",
    "di_atas_rencana_kas",
    "tingkat_peringatan",
    "keparahan",
]
OPD_SUMS = [  # Decimal sums of the sub kegiatan rows
    "pagu",
    "pagu_murni",
    "realisasi",
    "pagu_rencana",
    "realisasi_rencana",
    "rencana_kas",
    "fisik_x_pagu",
    "fisik_x_pagu_rencana",
    "target_fisik_x_pagu",
]
OPD_COUNTS = [  # counts of sub kegiatan rows
    "jumlah_sub",
    "dilaporkan",
    "kritis",
    "uang_tanpa_fisik",
    "melebihi_pagu",
    "di_atas_rencana_kas",
]
OPD_FIELDS = OPD_SUMS + OPD_COUNTS


def tahap_pada(ta, bulan: int) -> str:
    """The budget version in force at the end of month `bulan` of the fiscal year: murni until
    the month the APBD-P was enacted, perubahan from that month on (docs/domain.md §6)."""
    if ta.tahap != TahapAnggaran.PERUBAHAN:
        return TahapAnggaran.MURNI
    enacted = ta.tanggal_perubahan
    if enacted is None or (enacted.year, enacted.month) <= (ta.tahun, bulan):
        return TahapAnggaran.PERUBAHAN
    return TahapAnggaran.MURNI


def counted_figures(status, keuangan, fisik, keuangan_resmi, fisik_resmi):
    """The (money, physical) a report contributes to each basis, or None where it does not
    count: the verified basis reads the official version, the as-reported basis the working
    version once it is submitted (else the official one while a correction is drafted)."""
    from pantau.monitoring.selectors import SUBMITTED

    official = None if keuangan_resmi is None else (keuangan_resmi, fisik_resmi)
    reported = (keuangan, fisik) if status in SUBMITTED else official
    return {Dasar.TERVERIFIKASI: official, Dasar.DILAPORKAN: reported}


def compute_subs(sub_ids: Iterable[int]) -> list[Row]:
    """The month rows (both bases) of the given sub kegiatan, from the raw rows (4 queries)."""
    return _compute_subs(sub_ids)[0]


def _compute_subs(sub_ids: Iterable[int]) -> tuple[list[Row], set[int]]:
    """`compute_subs`'s rows and the sub kegiatan whose second basis's rows are copies of the
    first's but for `dasar` (neither basis has a counted report: every sub kegiatan of a new
    plan); `refresh_subs` writes those copies in SQL from the first basis's stored rows."""
    from pantau.monitoring.models import Realisasi
    from pantau.planning.models import RencanaBulanan, SubKegiatan

    subs = _plan_subs(SubKegiatan.objects.filter(pk__in=list(sub_ids)))
    if not subs:
        return [], set()
    ids = [s.pk for s in subs]
    reports: dict[tuple[int, str], dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for sub_id, bulan, *figures in Realisasi.objects.filter(sub_kegiatan_id__in=ids).values_list(
        "sub_kegiatan_id",
        "periode__bulan",
        "status",
        "keuangan",
        "fisik",
        "keuangan_resmi",
        "fisik_resmi",
    ):
        for dasar, counted in counted_figures(*figures).items():
            if counted is not None:
                reports[(sub_id, dasar)][bulan] = counted
    plans: dict[tuple[int, str], dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for sub_id, tahap, bulan, kas, target in RencanaBulanan.objects.filter(
        sub_kegiatan_id__in=ids
    ).values_list("sub_kegiatan_id", "tahap", "bulan", "anggaran_kas", "target_fisik"):
        plans[(sub_id, tahap)][bulan] = (kas, target)
    rows, copied = [], set()
    for sub in subs:
        budget = _budget_months(sub, plans)
        ambang = sub.ambang
        unreported: list = []  # a basis without counted reports: the plan's rows alone, the
        for dasar in BASES:  # same on every such basis but for `dasar` (a new plan: both)
            reported = reports[(sub.pk, dasar)]
            if not reported and unreported:
                rows += [Row(**{**vars(r), "dasar": dasar}) for r in unreported]
                copied.add(sub.pk)
                continue
            months = _sub_months(sub, dasar, reported, budget, ambang)
            if not reported:
                unreported = months
            rows += months
    return rows, copied


@dataclass(slots=True)
class _SubPlan:
    """What the month rows read of a sub kegiatan, its year and its pemda's thresholds (plain
    values: model instances of the sub kegiatan, year, OPD and pemda cost more to build than
    the rows computed from them)."""

    pk: int
    pemda_id: int
    tahun_anggaran_id: int
    opd_id: int
    pagu_murni: Decimal
    pagu_perubahan: Decimal | None
    tahun_anggaran: Row
    ambang: Ambang

    def pagu_for(self, tahap: str) -> Decimal:
        from pantau.planning.models import SubKegiatan

        return SubKegiatan.pagu_for(self, tahap)  # type: ignore[arg-type]


_SUB_COLUMNS = ("pk", "pemda_id", "tahun_anggaran_id", "opd_id", "pagu_murni", "pagu_perubahan")
_YEAR_COLUMNS = ("tahun", "tahap", "tanggal_perubahan")
_AMBANG_COLUMNS = (  # Ambang.of reads these of the OPD's pemda
    "kritis_batas_rencana",
    "kritis_deviasi_awal",
    "kritis_deviasi_akhir",
    "selisih_fisik_keuangan_maks",
)


def _plan_subs(queryset) -> list[_SubPlan]:
    """The sub kegiatan of `queryset` (its order) as `_SubPlan`s, one query; the year and the
    thresholds built once per distinct value."""
    years: dict[tuple, Row] = {}
    thresholds: dict[tuple, Ambang] = {}
    out = []
    for values in queryset.values_list(
        *_SUB_COLUMNS,
        "tahun_anggaran_id",
        *(f"tahun_anggaran__{c}" for c in _YEAR_COLUMNS),
        *(f"opd__pemda__{c}" for c in _AMBANG_COLUMNS),
    ):
        n = len(_SUB_COLUMNS)
        year_key, ambang_key = values[n : n + 4], values[n + 4 :]
        if year_key not in years:
            years[year_key] = Row(
                pk=year_key[0], **dict(zip(_YEAR_COLUMNS, year_key[1:], strict=True))
            )
        if ambang_key not in thresholds:
            thresholds[ambang_key] = Ambang.of(
                Row(**dict(zip(_AMBANG_COLUMNS, ambang_key, strict=True)))
            )
        out.append(_SubPlan(*values[:n], years[year_key], thresholds[ambang_key]))
    return out


def _budget_months(sub, plans: dict) -> list[tuple]:
    """Per month (1–12): the pagu, the cumulative cash plan (None without a plan), the month's
    physical target and the plan's December target, of the budget version in force at the
    month's end (murni before the APBD-P's month; the perubahan plan's cumulative cash plan
    covers the earlier months, as the DPPA does). The same on both bases, computed once."""
    ta = sub.tahun_anggaran
    murni_plan = plans.get((sub.pk, TahapAnggaran.MURNI)) or {}
    cumulative: dict[str, list[Decimal]] = {}
    out = []
    for bulan in range(1, 13):
        tahap = tahap_pada(ta, bulan)
        plan = plans.get((sub.pk, tahap)) or murni_plan
        key = tahap if (sub.pk, tahap) in plans else TahapAnggaran.MURNI
        if key not in cumulative:
            running, sums = ZERO, []
            for m in range(1, 13):
                running += plan[m][0] if m in plan else ZERO
                sums.append(running)
            cumulative[key] = sums
        month_plan = plan.get(bulan)
        december = plan.get(12)
        out.append(
            (
                sub.pagu_for(tahap),
                cumulative[key][bulan - 1] if plan else None,
                month_plan[1] if month_plan else None,
                december[1] if december else Decimal(100),
            )
        )
    return out


def _sub_months(sub, dasar, reported: dict, budget: list, ambang) -> list[Row]:
    """Twelve month rows of one sub kegiatan on one basis."""
    rows, spent, last_fisik = [], ZERO, ZERO
    for bulan, (pagu, kas, target, target_akhir) in enumerate(budget, start=1):
        figures = reported.get(bulan)
        before = last_fisik
        if figures is not None:
            spent += figures[0]
            last_fisik = figures[1]
        row = Row(
            pemda_id=sub.pemda_id,
            tahun_anggaran_id=sub.tahun_anggaran_id,
            opd_id=sub.opd_id,
            sub_kegiatan_id=sub.pk,
            dasar=dasar,
            bulan=bulan,
            pagu=pagu,
            pagu_murni=sub.pagu_murni,
            realisasi=spent,
            rencana_kas=kas,
            target_fisik=target,
            fisik=last_fisik,
            dilaporkan=figures is not None,
            proyeksi_fisik=(
                proyeksi_fisik(last_fisik, before, bulan) if target is not None else None
            ),
            uang_tanpa_fisik=uang_tanpa_fisik(
                spent * 100 / pagu if pagu else None, last_fisik, ambang
            ),
            di_atas_rencana_kas=di_atas_rencana_kas(spent, kas),
            melebihi_pagu=spent > pagu,
        )
        _set_warning(row, ambang, target_akhir)
        rows.append(row)
    return rows


def _set_warning(row: Row, ambang: Ambang, target_akhir: Decimal) -> None:
    """The row's physical status and its most serious warning (evaluation.warnings)."""
    row.status_fisik = status_fisik(
        row.target_fisik, row.fisik, ambang, proyeksi=row.proyeksi_fisik, target_akhir=target_akhir
    )
    row.tingkat_peringatan, row.keparahan = keparahan(
        status=row.status_fisik,
        rencana=row.target_fisik,
        fisik=row.fisik,
        uang=row.uang_tanpa_fisik,
        atas_kas=row.di_atas_rencana_kas,
        pagu=row.pagu,
        realisasi=row.realisasi,
        rencana_kas=row.rencana_kas,
    )


def aggregate_opd(rows: Iterable) -> list[Row]:
    """OPD month rows summed from sub kegiatan month rows (computed or stored)."""
    out: dict[tuple[int, int, str, int], Row] = {}
    for r in rows:
        key = (r.opd_id, r.tahun_anggaran_id, r.dasar, r.bulan)
        o = out.get(key)
        if o is None:
            o = out[key] = Row(
                pemda_id=r.pemda_id,
                opd_id=r.opd_id,
                tahun_anggaran_id=r.tahun_anggaran_id,
                dasar=r.dasar,
                bulan=r.bulan,
                **dict.fromkeys(OPD_SUMS, ZERO),
                **dict.fromkeys(OPD_COUNTS, 0),
            )
        o.pagu += r.pagu
        o.pagu_murni += r.pagu_murni
        o.realisasi += r.realisasi
        o.fisik_x_pagu += r.pagu * r.fisik
        if r.target_fisik is not None:
            o.pagu_rencana += r.pagu
            o.realisasi_rencana += r.realisasi
            o.rencana_kas += r.rencana_kas or ZERO
            o.fisik_x_pagu_rencana += r.pagu * r.fisik
            o.target_fisik_x_pagu += r.pagu * r.target_fisik
        o.jumlah_sub += 1
        o.dilaporkan += int(r.dilaporkan)
        o.kritis += int(r.status_fisik == KRITIS)
        o.uang_tanpa_fisik += int(r.uang_tanpa_fisik)
        o.melebihi_pagu += int(r.melebihi_pagu)
        o.di_atas_rencana_kas += int(r.di_atas_rencana_kas)
    return list(out.values())


def _replace(stale, rows: list, *, copied: Iterable[int] = (), key: str = "") -> None:
    """Replace the roll-up rows selected by `stale` with freshly computed ones (derived rows:
    written as plain column values, `pantau.core.bulk`). `copied`: the `key` values (sub
    kegiatan, indicators) whose second basis's rows equal the first's but for `dasar`; those
    are written by the database from the first basis's rows just inserted (`_copy_basis`)."""
    stale.delete()
    copied = set(copied)
    if copied:
        second = BASES[1]
        rows = [r for r in rows if r.dasar != second or getattr(r, key) not in copied]
    insert_rows(stale.model, rows)
    if copied:
        _copy_basis(stale.model, key, sorted(copied))


def _copy_basis(model, key: str, ids: list[int]) -> None:
    """`INSERT ... SELECT`: the first basis's rows of these keys copied to the second basis,
    every other column as stored (the same values `insert_rows` would write for the copy)."""
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    select = ", ".join("%s" if f.attname == "dasar" else ops.quote_name(f.column) for f in fields)
    where = ops.quote_name(model._meta.get_field(key).column)
    dasar = ops.quote_name(model._meta.get_field("dasar").column)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {select} FROM {table} "  # noqa: S608 - names from the model # nosec B608
                f"WHERE {where} IN ({marks}) AND {dasar} = %s",
                [str(BASES[1].value), *part, str(BASES[0].value)],
            )


class _Deferred(threading.local):
    subs: set | None = None
    indicators: set | None = None


_deferred = _Deferred()


@contextmanager
def deferred():
    """Bulk loads (the scale generator): collect the refreshes asked for inside the block and
    run them once, in chunks, at its end, in the block's transaction. The rows are the same as
    with immediate refreshes; only the number of recomputations changes."""
    if _deferred.subs is not None:  # nested: the outer block refreshes
        yield
        return
    _deferred.subs, _deferred.indicators = set(), set()
    try:
        with transaction.atomic():
            yield
            subs, indicators = _deferred.subs, _deferred.indicators
            _deferred.subs = _deferred.indicators = None
            ordered = sorted(subs)
            for start in range(0, len(ordered), 1000):
                refresh_subs(ordered[start : start + 1000])
            refresh_indicators(indicators)
    finally:
        _deferred.subs = _deferred.indicators = None


def refresh_subs(sub_ids: Iterable[int]) -> None:
    """Recompute the roll-up rows of these sub kegiatan and of their OPDs (same transaction)."""
    ids = set(sub_ids)
    if not ids:
        return
    if _deferred.subs is not None:
        _deferred.subs |= ids
        return
    with transaction.atomic():
        rows, copied = _compute_subs(ids)
        pairs = {(r.opd_id, r.tahun_anggaran_id) for r in rows}
        # the OPDs' other sub rows, read before the replace (which touches only these ids' rows):
        # a new plan's OPDs have none yet, so the query finds an empty table part
        others = _other_sub_rows(pairs, ids)
        _replace(
            RingkasanSubKegiatan.objects.filter(sub_kegiatan_id__in=ids),
            rows,
            copied=copied,
            key="sub_kegiatan_id",
        )
        if pairs:
            _replace(RingkasanOpd.objects.filter(_pairs_q(pairs)), aggregate_opd([*rows, *others]))


def refresh_reports(sub_ids: Iterable[int]) -> None:
    """After a workflow step or a reopening: the roll-ups of these sub kegiatan and of every
    indicator whose counted values follow their reports (their own, and those of the program
    and kegiatan above them)."""
    from pantau.planning.models import Indikator, SubKegiatan

    ids = set(sub_ids)
    if not ids:
        return
    refresh_subs(ids)
    parents = SubKegiatan.objects.filter(pk__in=ids)
    refresh_indicators(
        Indikator.objects.filter(
            Q(sub_kegiatan_id__in=ids)
            | Q(kegiatan_id__in=parents.values("kegiatan_id"))
            | Q(program_id__in=parents.values("kegiatan__program_id"))
        ).values_list("pk", flat=True)
    )


def refresh_opds(pairs: Iterable[tuple[int, int]], *, fresh: tuple | None = None) -> None:
    """Recompute the OPD month rows of these (opd, fiscal year) pairs from their sub rows.
    `fresh` = (sub ids, their rows just computed): those are summed from memory, only the other
    sub rows of the OPDs are read back."""
    pairs = set(pairs)
    if not pairs:
        return
    rows: list = []
    if fresh is not None:
        ids, rows = fresh
        stored = _other_sub_rows(pairs, ids)
    else:
        stored = list(RingkasanSubKegiatan.objects.filter(_pairs_q(pairs)))
    _replace(RingkasanOpd.objects.filter(_pairs_q(pairs)), aggregate_opd([*rows, *stored]))


def _pairs_q(pairs) -> Q:
    where = Q()
    for opd_id, ta_id in pairs:
        where |= Q(opd_id=opd_id, tahun_anggaran_id=ta_id)
    return where


def _other_sub_rows(pairs, ids) -> list:
    """The stored sub rows of these (opd, fiscal year) pairs but for the sub kegiatan `ids`."""
    if not pairs:
        return []
    return list(
        RingkasanSubKegiatan.objects.filter(_pairs_q(pairs)).exclude(sub_kegiatan_id__in=ids)
    )


def refresh_year(tahun_anggaran) -> None:
    """Rebuild every roll-up row of one fiscal year (after a change of budget version, say)."""
    from pantau.evaluation.models import RingkasanIndikator
    from pantau.planning.models import Indikator, SubKegiatan

    ids = list(
        SubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran).values_list("pk", flat=True)
    )
    if _deferred.subs is not None:  # a bulk load: its end recomputes every row asked for
        _deferred_year(tahun_anggaran, ids)
        return
    with transaction.atomic():
        RingkasanSubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran).exclude(
            sub_kegiatan_id__in=ids
        ).delete()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            _replace(
                RingkasanSubKegiatan.objects.filter(sub_kegiatan_id__in=chunk), compute_subs(chunk)
            )
        _replace(
            RingkasanOpd.objects.filter(tahun_anggaran=tahun_anggaran),
            aggregate_opd(RingkasanSubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran)),
        )
        indicators = list(
            Indikator.objects.filter(tahun_anggaran=tahun_anggaran).values_list("pk", flat=True)
        )
        RingkasanIndikator.objects.filter(tahun_anggaran=tahun_anggaran).exclude(
            indikator_id__in=indicators
        ).delete()
        for start in range(0, len(indicators), 1000):
            refresh_indicators(indicators[start : start + 1000])


def _deferred_year(tahun_anggaran, ids: list[int]) -> None:
    """`refresh_year` inside `deferred()`: the rows of sub kegiatan and indicators no longer in
    the year go now, every other one is recomputed at the block's end (refresh_subs gives the
    OPD rows of the year's OPDs; an OPD left without sub kegiatan loses its rows now)."""
    from pantau.evaluation.models import RingkasanIndikator
    from pantau.planning.models import Indikator, SubKegiatan

    RingkasanSubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran).exclude(
        sub_kegiatan_id__in=ids
    ).delete()
    RingkasanOpd.objects.filter(tahun_anggaran=tahun_anggaran).exclude(
        opd_id__in=SubKegiatan.objects.filter(tahun_anggaran=tahun_anggaran).values("opd_id")
    ).delete()
    indicators = list(
        Indikator.objects.filter(tahun_anggaran=tahun_anggaran).values_list("pk", flat=True)
    )
    RingkasanIndikator.objects.filter(tahun_anggaran=tahun_anggaran).exclude(
        indikator_id__in=indicators
    ).delete()
    _deferred.subs |= set(ids)
    _deferred.indicators |= set(indicators)


@dataclass
class Difference:
    table: str
    key: tuple
    field: str
    stored: object
    computed: object

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.field} tersimpan={self.stored} dihitung={self.computed}"


def _compare(table, stored: dict, computed: dict, fields) -> list[Difference]:
    diffs = []
    for key in sorted(set(stored) | set(computed), key=str):
        a, b = stored.get(key), computed.get(key)
        if a is None or b is None:
            diffs.append(
                Difference(
                    table, key, "(baris)", "ada" if a else "tidak ada", "ada" if b else "tidak ada"
                )
            )
            continue
        for f in fields:
            if getattr(a, f) != getattr(b, f):
                diffs.append(Difference(table, key, f, getattr(a, f), getattr(b, f)))
    return diffs


def check(*, pemda=None, chunk: int = 500) -> list[Difference]:
    """Recompute every roll-up row from the raw rows and list the differences with the stored ones."""
    from pantau.planning.models import SubKegiatan

    subs = SubKegiatan.objects.all() if pemda is None else SubKegiatan.objects.filter(pemda=pemda)
    ids = list(subs.values_list("pk", flat=True))
    diffs: list[Difference] = []
    computed_all: list[RingkasanSubKegiatan] = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        computed = compute_subs(part)
        computed_all += computed
        stored = {
            (r.sub_kegiatan_id, r.dasar, r.bulan): r
            for r in RingkasanSubKegiatan.objects.filter(sub_kegiatan_id__in=part)
        }
        diffs += _compare(
            "sub",
            stored,
            {(r.sub_kegiatan_id, r.dasar, r.bulan): r for r in computed},
            SUB_FIELDS,
        )
    orphan = RingkasanSubKegiatan.objects.exclude(sub_kegiatan_id__in=ids)
    if pemda is not None:
        orphan = orphan.filter(pemda=pemda)
    diffs += [
        Difference("sub", (r.sub_kegiatan_id, r.dasar, r.bulan), "(baris)", "ada", "tidak ada")
        for r in orphan
    ]
    opd_stored = (
        RingkasanOpd.objects.all() if pemda is None else RingkasanOpd.objects.filter(pemda=pemda)
    )
    diffs += check_indicators(pemda=pemda)
    diffs += _compare(
        "opd",
        {(r.opd_id, r.tahun_anggaran_id, r.dasar, r.bulan): r for r in opd_stored},
        {(r.opd_id, r.tahun_anggaran_id, r.dasar, r.bulan): r for r in aggregate_opd(computed_all)},
        OPD_FIELDS,
    )
    return diffs


# ---------------------------------------------------------------- indicators


def quarter_target(ind, triwulan: int) -> Decimal | None:
    """The target up to quarter n (evaluation.achievement.target_triwulan); None: the quarter
    cannot be assessed."""
    from pantau.evaluation.achievement import target_triwulan

    return target_triwulan(ind.rumus, ind.target_tahunan, ind.targets_triwulan, triwulan)


def compute_indicators(ind_ids: Iterable[int]):
    """The quarter rows (both bases) of the given indicators, from the raw rows (4 queries)."""
    return _compute_indicators(ind_ids)[0]


def _compute_indicators(ind_ids: Iterable[int]) -> tuple[list[Row], set[int]]:
    """`compute_indicators`'s rows and the indicators whose second basis's rows are copies of
    the first's but for `dasar`: with no counted value on either basis the quarter rows depend
    on the target alone (every indicator of a new plan)."""
    from pantau.evaluation.achievement import capaian, realisasi_periode
    from pantau.monitoring.models import RealisasiIndikator
    from pantau.planning.models import Indikator

    indicators = list(Indikator.objects.filter(pk__in=list(ind_ids)))
    counted = _counted_indicator_months(indicators)
    values: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(dict)
    for ind_id, bulan, nilai, nilai_resmi in RealisasiIndikator.objects.filter(
        indikator__in=indicators
    ).values_list("indikator_id", "periode__bulan", "nilai", "nilai_resmi"):
        for dasar in BASES:
            value = counted(ind_id, bulan, dasar, nilai, nilai_resmi)
            if value is not None:
                values[(ind_id, dasar)][bulan] = value
    rows, copied = [], set()
    for ind in indicators:
        first: list[Row] = []
        for dasar in BASES:
            if first and not values.get((ind.pk, dasar)) and not values.get((ind.pk, BASES[0])):
                rows += [Row(**{**vars(r), "dasar": dasar}) for r in first]
                copied.add(ind.pk)
                continue
            series_all = sorted(values[(ind.pk, dasar)].items())
            for tw in range(1, 5):
                series = [v for m, v in series_all if m <= tw * 3]
                target = quarter_target(ind, tw)
                result = capaian(ind.rumus, target, realisasi_periode(ind.rumus, series))
                row = Row(
                    pemda_id=ind.pemda_id,
                    tahun_anggaran_id=ind.tahun_anggaran_id,
                    opd_id=ind.opd_id,
                    indikator_id=ind.pk,
                    dasar=dasar,
                    triwulan=tw,
                    target=_q4(target),
                    realisasi=_q4(result.realisasi),
                    capaian=_q4(result.persen),
                    catatan=result.catatan,
                )
                rows.append(row)
                if dasar == BASES[0]:
                    first.append(row)
    return rows, copied


def indikator_nilai_bulanan(indicators, dasar: str) -> dict[int, dict[int, Decimal]]:
    """Per indicator, the values of each month that count on one basis (the same rule the
    quarter rows follow, `_counted_indicator_months`): {indikator id: {bulan: nilai}}. For the
    reports that show each quarter's own value (Formulir E.81 columns 8–11). Two queries."""
    from pantau.monitoring.models import RealisasiIndikator

    indicators = list(indicators)
    if not indicators:
        return {}
    counted = _counted_indicator_months(indicators)
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for ind_id, bulan, nilai, nilai_resmi in RealisasiIndikator.objects.filter(
        indikator__in=indicators
    ).values_list("indikator_id", "periode__bulan", "nilai", "nilai_resmi"):
        value = counted(ind_id, bulan, dasar, nilai, nilai_resmi)
        if value is not None:
            out[ind_id][bulan] = value
    return dict(out)


def _counted_indicator_months(indicators):
    """How an indicator value counts on each basis (decision 0010):

    - an indicator of a sub kegiatan follows that sub kegiatan's report of the month: its value
      is frozen with the verified version (`nilai_resmi`), and as reported it counts once the
      report is submitted (else its verified value while a correction is drafted);
    - an indicator of a program or kegiatan has no report of its own: its value of a month
      counts as verified once every report of that month under it that was submitted has a
      verified version (at least one), and as reported once one of them was submitted. Drafts
      that were never submitted are not reports yet and change nothing.
    Returns counted(ind_id, bulan, dasar, nilai, nilai_resmi) -> the value or None. One query.
    """
    from pantau.monitoring.models import Realisasi
    from pantau.monitoring.selectors import SUBMITTED

    by_id = {i.pk: i for i in indicators}
    sub_submitted: dict[tuple[int, int], bool] = {}  # (sub, month) -> the report is submitted
    parent_state: dict[tuple[str, int, int], list[bool]] = {}  # -> [all verified, any]
    subs = {i.sub_kegiatan_id for i in indicators if i.sub_kegiatan_id}
    programs = {i.program_id for i in indicators if i.program_id}
    kegiatan = {i.kegiatan_id for i in indicators if i.kegiatan_id}
    if subs or programs or kegiatan:
        for sub_id, keg_id, prog_id, bulan, status, resmi in Realisasi.objects.filter(
            Q(sub_kegiatan_id__in=subs)
            | Q(sub_kegiatan__kegiatan_id__in=kegiatan)
            | Q(sub_kegiatan__kegiatan__program_id__in=programs)
        ).values_list(
            "sub_kegiatan_id",
            "sub_kegiatan__kegiatan_id",
            "sub_kegiatan__kegiatan__program_id",
            "periode__bulan",
            "status",
            "keuangan_resmi",
        ):
            sub_submitted[(sub_id, bulan)] = status in SUBMITTED
            if status not in SUBMITTED and resmi is None:
                continue  # a draft never submitted
            for key in (("k", keg_id, bulan), ("p", prog_id, bulan)):
                old = parent_state.get(key, [True, True])
                parent_state[key] = [old[0] and resmi is not None, True]

    def counted(ind_id, bulan, dasar, nilai, nilai_resmi):
        ind = by_id[ind_id]
        if ind.sub_kegiatan_id:
            if dasar == Dasar.TERVERIFIKASI:
                return nilai_resmi
            submitted = sub_submitted.get((ind.sub_kegiatan_id, bulan), False)
            return nilai if submitted else nilai_resmi
        key = ("k", ind.kegiatan_id, bulan) if ind.kegiatan_id else ("p", ind.program_id, bulan)
        state = parent_state.get(key)
        if state is None:
            return None
        return nilai if state[0 if dasar == Dasar.TERVERIFIKASI else 1] else None

    return counted


def _q4(value: Decimal | None) -> Decimal | None:
    """Four decimals, as stored for display and the consistency check. A rounded achievement
    can cross a category boundary (90.99996 → 91.0000), so categories are never decided on it:
    target and realisasi are stored exactly (sums of four-decimal values) and the selectors
    recompute the full-precision achievement from them (evaluation.achievement.capaian)."""
    return None if value is None else value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def refresh_indicators(ind_ids: Iterable[int]) -> None:
    from pantau.evaluation.models import RingkasanIndikator

    ids = set(ind_ids)
    if not ids:
        return
    if _deferred.indicators is not None:
        _deferred.indicators |= ids
        return
    with transaction.atomic():
        rows, copied = _compute_indicators(ids)
        _replace(
            RingkasanIndikator.objects.filter(indikator_id__in=ids),
            rows,
            copied=copied,
            key="indikator_id",
        )


def check_indicators(*, pemda=None) -> list[Difference]:
    from pantau.evaluation.models import RingkasanIndikator
    from pantau.planning.models import Indikator

    qs = Indikator.objects.all() if pemda is None else Indikator.objects.filter(pemda=pemda)
    ids = list(qs.values_list("pk", flat=True))
    diffs = []
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        stored = {
            (r.indikator_id, r.dasar, r.triwulan): r
            for r in RingkasanIndikator.objects.filter(indikator_id__in=part)
        }
        computed = {(r.indikator_id, r.dasar, r.triwulan): r for r in compute_indicators(part)}
        diffs += _compare(
            "indikator", stored, computed, ["target", "realisasi", "capaian", "catatan"]
        )
    return diffs
