"""SIPD records → the plan trees `plan_import` takes, one per OPD (decision 0023).

Every problem is recorded with its table, record and SIPD field; a record with a problem is
left out of the trees, so that a dry run can still check the rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pantau.core.numbers import format_rupiah
from pantau.core.tabular import CellErrors
from pantau.organisations.models import Opd
from pantau.planning import codes
from pantau.planning.choices import JenisPemetaanSipd as J
from pantau.planning.choices import TahapAnggaran
from pantau.planning.models import Indikator, Nomenklatur
from pantau.planning.sipd.pemetaan import Pemetaan, key
from pantau.planning.sipd.reader import BL, DANA, INDIKATOR, KAS, LOKASI, MONTH_FIELDS
from pantau.planning.sipd.values import inactive, number, text
from pantau.planning.validation import bidang_urusan_error

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
PROGRESS_EVERY = 100
SATUAN_MAX = Indikator._meta.get_field("satuan").max_length


@dataclass
class Outcome:
    """What becomes of one data_sub_keg_bl record (the dry run's row)."""

    row: int
    kode_sbl: str
    kode: str = ""
    nama: str = ""
    opd: str = ""
    pagu: Decimal | None = None
    status: str = "siap"  # siap, galat, dilewati
    catatan: list[str] = field(default_factory=list)


@dataclass
class _Sub:
    outcome: Outcome
    opd: Opd
    spec: dict
    pagu: Decimal  # the pagu of the stage the SIPD data is in
    dana: list = field(default_factory=list)
    lokasi: list = field(default_factory=list)
    kas: list[Decimal] | None = None
    kas_rows: list[int] = field(default_factory=list)
    failed: bool = False


@dataclass
class Conversion:
    plans: dict[Opd, list[dict]]
    errors: CellErrors
    outcomes: list[Outcome]


class _Run:
    def __init__(self, records, mapping: Pemetaan, tahun: int, progress) -> None:
        self.records, self.mapping, self.tahun = records, mapping, tahun
        self.errors = CellErrors()
        self.outcomes: list[Outcome] = []
        self.subs: dict[str, _Sub] = {}
        self.skipped: set[str] = set()  # kode_sbl of inactive or refused records
        self.progress = progress
        self.total, self.done = len(records), 0
        self.nomen = {n.kode: n for n in Nomenklatur.objects.filter(tahun=tahun)}

    def tick(self) -> None:
        self.done += 1
        if self.progress and (self.done % PROGRESS_EVERY == 0 or self.done == self.total):
            self.progress(self.done, self.total)

    def error(self, record, column: str, message, sub: _Sub | None = None) -> None:
        self.errors.add(record.table, record.number, column, message)
        if sub is not None:
            sub.failed = True
            sub.outcome.status = "galat"

    def read(self, record, name: str, reader):
        try:
            return reader(record, name)
        except ValidationError as exc:
            self.errors.add_validation(record.table, record.number, name, exc)
            return None

    # ---------------------------------------------------------------- data_sub_keg_bl

    def sub_code(self, record, name: str) -> str:
        """A SIPD code with the `X.XX` of cross-urusan nomenclature replaced by the record's
        bidang urusan (as wp-sipd stores it), then normalised (`.02.` level → `.2.`)."""
        kode = text(record, name)
        bidang = text(record, "kode_bidang_urusan")
        if kode.upper().startswith("X.XX") and bidang:
            kode = bidang + kode[4:]
        return codes.normalise(kode)

    def bl(self, record) -> None:
        sbl = text(record, "kode_sbl")
        outcome = Outcome(row=record.number, kode_sbl=sbl, nama=text(record, "nama_sub_giat"))
        self.outcomes.append(outcome)
        if inactive(record):
            outcome.status = "dilewati"
            outcome.catatan.append(_("Dihapus di SIPD (active = 0)."))
            self.skipped.add(sbl)
            return
        before = len(self.errors)
        if not sbl:
            self.error(record, "kode_sbl", _("kode_sbl wajib diisi."))
        elif sbl in self.subs or sbl in self.skipped:
            self.error(record, "kode_sbl", _("kode_sbl %(v)s ganda.") % {"v": sbl})
        tahun = text(record, "tahun_anggaran")
        if tahun and tahun != str(self.tahun):
            self.error(
                record,
                "tahun_anggaran",
                _("Tahun anggaran %(v)s, bukan %(t)s.") % {"v": tahun, "t": self.tahun},
            )
        kode = self.sub_code(record, "kode_sub_giat")
        outcome.kode = kode
        nomen = self.nomen.get(kode)
        if nomen is None or nomen.tingkat != "sub_kegiatan":
            self.error(
                record,
                "kode_sub_giat",
                _("Kode sub kegiatan %(k)s tidak ada dalam nomenklatur tahun %(t)s.")
                % {"k": kode or "-", "t": self.tahun},
            )
            kegiatan = program = None
        else:
            outcome.nama = nomen.nama
            kegiatan = codes.parent(kode)
            program = codes.parent(kegiatan)
            for name, derived in (("kode_giat", kegiatan), ("kode_program", program)):
                given = self.sub_code(record, name)
                if given and given != derived:
                    self.error(
                        record,
                        name,
                        _("%(f)s %(v)s tidak sesuai dengan kode_sub_giat %(k)s.")
                        % {"f": name, "v": given, "k": kode},
                    )
        opd = self.mapping.find(
            J.UNIT, record.values.get("id_sub_skpd"), record.values.get("kode_sub_skpd")
        )
        if opd is None:
            self.error(
                record,
                "id_sub_skpd",
                _(
                    "Unit SIPD id_sub_skpd %(id)s / kode_sub_skpd %(kode)s (%(nama)s) belum "
                    "dipetakan ke OPD."
                )
                % {
                    "id": text(record, "id_sub_skpd") or "-",
                    "kode": text(record, "kode_sub_skpd") or "-",
                    "nama": text(record, "nama_sub_skpd") or "-",
                },
            )
        else:
            outcome.opd = opd.nama
            message = bidang_urusan_error(kode, opd) if kode else None
            if message:  # the rule of planning/validation.py, checked here per record
                self.error(record, "kode_sub_giat", message)
        spec, pagu = self.pagu(record)
        outcome.pagu = pagu
        if len(self.errors) > before or pagu is None or kegiatan is None or opd is None:
            outcome.status = "galat"
            if sbl:
                self.skipped.add(sbl)
            return
        spec = {"kode": kode, **spec, "indikator": []}
        self.subs[sbl] = _Sub(outcome, opd, spec, pagu)

    def pagu(self, record) -> tuple[dict, Decimal | None]:
        pagu = self.read(record, "pagu", number)
        if pagu is not None and pagu < 0:
            self.error(record, "pagu", _("pagu tidak boleh negatif."))
            pagu = None
        if self.mapping.tahap == TahapAnggaran.PERUBAHAN:
            murni = self.read(record, "pagumurni", number)
            if murni is None or pagu is None:
                return {}, None
            return {"pagu_murni": murni, "pagu_perubahan": pagu}, pagu
        return {"pagu_murni": pagu}, pagu

    # ---------------------------------------------------------------- child tables

    def owner(self, record) -> _Sub | None:
        """The sub kegiatan a child record points to; an error when kode_sbl is unknown."""
        sbl = text(record, "kode_sbl")
        sub = self.subs.get(sbl)
        if sub is None and sbl not in self.skipped:
            self.error(
                record,
                "kode_sbl",
                _("kode_sbl %(v)s tidak ada di data_sub_keg_bl.") % {"v": sbl or "-"},
            )
        return sub

    def dana(self, record) -> None:
        sub = self.owner(record)
        if sub is None or inactive(record):
            return
        amount = self.read(record, "pagudana", number)
        found = self.mapping.find(
            J.DANA, record.values.get("kodedana"), record.values.get("namadana")
        )
        if found is None:
            self.error(
                record,
                "kodedana",
                _("Sumber dana SIPD %(kode)s %(nama)s belum dipetakan.")
                % {"kode": text(record, "kodedana") or "-", "nama": text(record, "namadana")},
                sub,
            )
        if amount is None:
            sub.failed, sub.outcome.status = True, "galat"
        elif found is not None:
            sub.dana.append((found, amount, record))

    def lokasi(self, record) -> None:
        sub = self.owner(record)
        if sub is None or inactive(record):
            return
        kec = desa = None
        if text(record, "idcamat") or text(record, "camatteks"):
            kec = self.mapping.find(
                J.KECAMATAN, record.values.get("idcamat"), record.values.get("camatteks")
            )
            if kec is None:
                self.error(
                    record,
                    "idcamat",
                    _("Kecamatan SIPD %(id)s %(nama)s belum dipetakan.")
                    % {"id": text(record, "idcamat") or "-", "nama": text(record, "camatteks")},
                    sub,
                )
        if text(record, "idlurah") or text(record, "lurahteks"):
            desa = self.mapping.find(
                J.DESA, record.values.get("idlurah"), record.values.get("lurahteks")
            )
            if desa is None:
                self.error(
                    record,
                    "idlurah",
                    _("Desa/kelurahan SIPD %(id)s %(nama)s belum dipetakan.")
                    % {"id": text(record, "idlurah") or "-", "nama": text(record, "lurahteks")},
                    sub,
                )
            elif kec is not None and desa.induk_id != kec.pk:
                self.error(
                    record,
                    "idlurah",
                    _("Desa/kelurahan %(d)s tidak berada di kecamatan %(k)s.")
                    % {"d": desa.nama, "k": kec.nama},
                    sub,
                )
        if kec is not None:
            sub.lokasi.append((kec, desa))

    def indikator(self, record) -> None:
        sub = self.owner(record)
        if sub is None or inactive(record):
            return
        nama, satuan = text(record, "outputteks"), text(record, "satuanoutput")
        target = self.read(record, "targetoutput", number)
        ok = target is not None
        for name, value in (("outputteks", nama), ("satuanoutput", satuan)):
            if not value:
                self.error(record, name, _("%(f)s wajib diisi.") % {"f": name}, sub)
                ok = False
        if len(satuan) > SATUAN_MAX:
            self.error(
                record,
                "satuanoutput",
                _("satuanoutput lebih dari %(n)s karakter.") % {"n": SATUAN_MAX},
                sub,
            )
            ok = False
        if not ok:
            sub.failed, sub.outcome.status = True, "galat"
            return
        rumus = self.mapping.find(J.RUMUS, satuan) or self.mapping.rumus_bawaan
        sub.spec["indikator"].append(
            {"nama": nama, "satuan": satuan, "rumus": int(rumus), "target_tahunan": target}
        )

    def kas(self, record) -> None:
        if key(record.values.get("type")) != key(self.mapping.jenis_kas):
            return  # pendapatan, pembiayaan, ...: not the spending plan of a sub kegiatan
        sub = self.owner(record)
        if sub is None or inactive(record):
            return
        months = [self.read(record, name, number) for name in MONTH_FIELDS]
        if any(m is None for m in months):
            sub.failed, sub.outcome.status = True, "galat"
            return
        sub.kas = [a + b for a, b in zip(sub.kas or [Decimal(0)] * 12, months, strict=True)]
        sub.kas_rows.append(record.number)

    # ---------------------------------------------------------------- per sub kegiatan

    def finish(self, sub: _Sub) -> None:
        if sub.dana:
            total = sum((amount for _d, amount, _r in sub.dana), Decimal(0))
            if total != sub.pagu:
                first = sub.dana[0][2]
                self.error(
                    first,
                    "pagudana",
                    _(
                        "Jumlah pagudana kode_sbl %(s)s (Rp %(t)s) tidak sama dengan pagu "
                        "(Rp %(p)s)."
                    )
                    % {
                        "s": sub.outcome.kode_sbl,
                        "t": format_rupiah(total),
                        "p": format_rupiah(sub.pagu),
                    },
                    sub,
                )
            main = max(sub.dana, key=lambda d: d[1])[0]
            sub.spec["sumber_dana"] = main
            if len({d.pk for d, _a, _r in sub.dana}) > 1:
                sub.outcome.catatan.append(
                    _("Beberapa sumber dana; yang terbesar dicatat: %(n)s.") % {"n": main.nama}
                )
        kecamatan = {k.pk: k for k, _d in sub.lokasi}
        if len(kecamatan) == 1:
            sub.spec["kecamatan"] = next(iter(kecamatan.values()))
            desa = {d.pk if d else None: d for _k, d in sub.lokasi}
            if len(desa) == 1 and None not in desa:
                sub.spec["desa"] = next(iter(desa.values()))
        elif len(kecamatan) > 1:
            sub.outcome.catatan.append(_("Lokasi di beberapa kecamatan; lokasi tidak diisi."))
        if sub.kas is not None:
            self.rencana(sub)
        else:
            sub.outcome.catatan.append(_("Tanpa anggaran kas."))

    def rencana(self, sub: _Sub) -> None:
        total = sum(sub.kas, Decimal(0))
        where = (KAS, sub.kas_rows[0], "bulan_1")
        if total != sub.pagu:
            self.errors.add(
                *where,
                _(
                    "Jumlah anggaran kas bulan_1–bulan_12 kode_sbl %(s)s (Rp %(t)s) tidak sama "
                    "dengan pagu (Rp %(p)s)."
                )
                % {
                    "s": sub.outcome.kode_sbl,
                    "t": format_rupiah(total),
                    "p": format_rupiah(sub.pagu),
                },
            )
            sub.failed, sub.outcome.status = True, "galat"
            return
        if any(m < 0 for m in sub.kas):
            self.errors.add(*where, _("Anggaran kas bulanan tidak boleh negatif."))
            sub.failed, sub.outcome.status = True, "galat"
            return
        sub.spec["rencana"] = {self.mapping.tahap: derived_plan(sub.kas, sub.pagu)}
        sub.outcome.catatan.append(_("Target fisik diturunkan dari anggaran kas kumulatif."))

    def run(self) -> Conversion:
        tables = self.records.tables
        for record in tables[BL]:
            self.bl(record)
            self.tick()
        for table, handler in (
            (DANA, self.dana),
            (LOKASI, self.lokasi),
            (INDIKATOR, self.indikator),
            (KAS, self.kas),
        ):
            for record in tables[table]:
                handler(record)
                self.tick()
        seen: dict[tuple[int, str], str] = {}
        for sbl, sub in self.subs.items():
            self.finish(sub)
            pair = (sub.opd.pk, sub.spec["kode"])
            if pair in seen:
                self.errors.add(
                    BL,
                    sub.outcome.row,
                    "kode_sub_giat",
                    _("Sub kegiatan %(k)s juga ada pada kode_sbl %(o)s di OPD yang sama.")
                    % {"k": pair[1], "o": seen[pair]},
                )
                sub.failed, sub.outcome.status = True, "galat"
            seen[pair] = sbl
        return Conversion(self.trees(), self.errors, self.outcomes)

    def trees(self) -> dict[Opd, list[dict]]:
        grouped: dict[Opd, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        for sub in self.subs.values():
            if sub.failed:
                continue
            kegiatan = codes.parent(sub.spec["kode"])
            grouped[sub.opd][codes.parent(kegiatan)][kegiatan].append(sub.spec)
        return {
            opd: [
                {
                    "kode": p,
                    "kegiatan": [
                        {"kode": k, "sub_kegiatan": sorted(subs, key=lambda s: s["kode"])}
                        for k, subs in sorted(kegiatan.items())
                    ],
                }
                for p, kegiatan in sorted(programs.items())
            ]
            for opd, programs in sorted(grouped.items(), key=lambda item: item[0].kode)
        }


def derived_plan(kas: list[Decimal], pagu: Decimal) -> list[tuple[Decimal, Decimal]]:
    """The 12 months of (anggaran kas, target fisik): SIPD has no physical target, so it is
    derived as the cumulative cash plan in percent of the pagu (2 decimals, half up; 0 when the
    pagu is 0), which reaches 100 in the month the cash plan is complete."""
    out, cumulative = [], Decimal(0)
    for amount in kas:
        cumulative += amount
        fisik = (cumulative / pagu * HUNDRED).quantize(CENT, ROUND_HALF_UP) if pagu else Decimal(0)
        out.append((amount, fisik))
    return out


def sipd_convert(records, mapping: Pemetaan, tahun: int, progress=None) -> Conversion:
    return _Run(records, mapping, tahun, progress).run()


def sipd_to_plan(records, mapping: Pemetaan, tahun_anggaran: int, progress=None):
    """`(plans_by_opd, CellErrors)`: the plan trees of `plan_import`, one list of programs per
    OPD, and every problem of the records by table, record and field."""
    conversion = sipd_convert(records, mapping, tahun_anggaran, progress)
    return conversion.plans, conversion.errors
