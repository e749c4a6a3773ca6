"""The Renstra sheets of the plan workbook (decision 0038): Periode Renstra, Sasaran, Sasaran
Program, Target Renstra and Realisasi Renstra. Written by the export, read by the import with the
same one-round, cell-referenced error report; optional, so that files made from an older template
still import. An indicator is named as on the Indikator sheet: Tingkat, Kode Induk, Nama."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from pantau.core.tabular import read_int, read_number, read_optional_number, read_text
from pantau.organisations.models import Opd
from pantau.planning import codes
from pantau.planning.models import (
    RENSTRA_MAX_TAHUN,
    Indikator,
    PeriodeRenstra,
    ProgramSasaran,
    RealisasiRenstra,
    Sasaran,
    TahunAnggaran,
    TargetRenstra,
)
from pantau.planning.services_renstra import read_k, read_rp

PERIODE, SASARAN, SASARAN_PROGRAM, TARGET, REALISASI = (
    "Periode Renstra",
    "Sasaran",
    "Sasaran Program",
    "Target Renstra",
    "Realisasi Renstra",
)
IND_KEY = ["Kode OPD", "Tingkat", "Kode Induk", "Nama Indikator"]
RENSTRA_COLUMNS = {
    PERIODE: ["Kode OPD", "Tahun Awal", "Tahun Akhir"],
    SASARAN: ["Kode OPD", "Kode Sasaran", "Sasaran", "Indikator Sasaran"],
    SASARAN_PROGRAM: ["Kode OPD", "Kode Program", "Kode Sasaran"],
    TARGET: [*IND_KEY, "Satuan", "Target Renstra (K)", "Target Renstra (Rp)"],
    REALISASI: [*IND_KEY, "Tahun", "Realisasi (K)", "Realisasi (Rp)"],
}
RENSTRA_SHEETS = set(RENSTRA_COLUMNS)
LEVELS = {"Program": "program", "Kegiatan": "kegiatan"}
LABEL = {v: k for k, v in LEVELS.items()}


def renstra_instructions() -> list[str]:
    return [
        _(
            "Periode Renstra: satu baris per OPD, tahun awal dan akhir (1–6 tahun, biasanya 5) "
            "yang mencakup tahun rencana ini."
        ),
        _(
            "Sasaran: kode, uraian dan indikator sasaran Renstra OPD; Sasaran Program: sasaran "
            "yang dilayani tiap program (boleh lebih dari satu baris per program)."
        ),
        _(
            "Target Renstra: target akhir periode per indikator program/kegiatan, K dalam satuan "
            "indikatornya dan Rp paling banyak 2 desimal; Realisasi Renstra: realisasi tahun-tahun "
            "lalu dalam periode (sebelum tahun rencana)."
        ),
    ]


# ---------------------------------------------------------------- export


def _level(i: Indikator) -> str:
    return "program" if i.program_id else "kegiatan"


def renstra_export_rows(*, tahun_anggaran: TahunAnggaran, opds: list[Opd]) -> dict[str, list]:
    """The rows of the Renstra sheets for these OPDs and the year, in a stable order."""
    ta = tahun_anggaran
    kode_opd = {o.pk: o.kode for o in opds}
    rows: dict[str, list] = {name: [] for name in RENSTRA_COLUMNS}
    periods = PeriodeRenstra.objects.filter(
        opd__in=opds, tahun_awal__lte=ta.tahun, tahun_akhir__gte=ta.tahun
    )
    for p in sorted(periods, key=lambda p: kode_opd[p.opd_id]):
        rows[PERIODE].append([kode_opd[p.opd_id], p.tahun_awal, p.tahun_akhir])
    sasaran = Sasaran.objects.filter(periode__in=periods).select_related("periode")
    for s in sorted(sasaran, key=lambda s: (kode_opd[s.periode.opd_id], s.kode)):
        rows[SASARAN].append([kode_opd[s.periode.opd_id], s.kode, s.uraian, s.indikator or None])
    links = ProgramSasaran.objects.filter(
        program__tahun_anggaran=ta, program__opd__in=opds
    ).select_related("program", "sasaran")
    for link in sorted(
        links, key=lambda x: (kode_opd[x.program.opd_id], x.program.kode, x.sasaran.kode)
    ):
        rows[SASARAN_PROGRAM].append(
            [kode_opd[link.program.opd_id], link.program.kode, link.sasaran.kode]
        )
    targets = TargetRenstra.objects.filter(
        indikator__tahun_anggaran=ta, indikator__opd__in=opds
    ).select_related("indikator__program", "indikator__kegiatan")
    order = {"program": 0, "kegiatan": 1}

    def key(i: Indikator):
        return (kode_opd[i.opd_id], order[_level(i)], i.induk.kode, i.nama, i.pk)

    def ident(i: Indikator) -> list:
        return [kode_opd[i.opd_id], LABEL[_level(i)], i.induk.kode, i.nama]

    for t in sorted(targets, key=lambda t: key(t.indikator)):
        i = t.indikator
        rows[TARGET].append([*ident(i), i.satuan, t.target_k.normalize(), t.target_rp])
    years = RealisasiRenstra.objects.filter(
        indikator__tahun_anggaran=ta, indikator__opd__in=opds
    ).select_related("indikator__program", "indikator__kegiatan")
    for r in sorted(years, key=lambda r: (*key(r.indikator), r.tahun)):
        rows[REALISASI].append(
            [*ident(r.indikator), r.tahun, r.realisasi_k.normalize(), r.realisasi_rp]
        )
    return rows


# ---------------------------------------------------------------- import: reading the sheets


class RenstraReader:
    """Reads the Renstra sheets for a plan file's `_Reader` (its OPDs, errors and indicator
    specs); `specs` (opd id -> what `renstra_import` writes) holds the rows without errors."""

    def __init__(self, reader) -> None:
        self.r = reader
        self.ta = reader.ta
        self.specs: dict[int, dict] = {}
        self.seen: set[tuple] = set()
        # what is stored, read once per OPD (nothing the reading does writes it)
        self._periode: dict[int, PeriodeRenstra | None] = {}
        self._sasaran: dict[int, dict[str, Sasaran]] = {}
        self._links: dict[int, set[tuple[str, str]]] = {}
        self._targets: dict[int, dict[int, TargetRenstra]] = {}
        self._years: dict[int, dict[tuple[int, int], RealisasiRenstra]] = {}

    def spec(self, opd: Opd) -> dict:
        return self.specs.setdefault(
            opd.pk,
            {"periode": None, "sasaran": {}, "program_sasaran": {}, "target": {}, "realisasi": {}},
        )

    def _dup(self, key: tuple, sheet: str, number: int) -> bool:
        if key in self.seen:
            self.r.err.add(sheet, number, "", _("Baris ganda di lembar ini."))
            return True
        self.seen.add(key)
        return False

    def _stored_periode(self, opd: Opd) -> PeriodeRenstra | None:
        if opd.pk not in self._periode:
            self._periode[opd.pk] = PeriodeRenstra.objects.filter(
                opd=opd, tahun_awal__lte=self.ta.tahun, tahun_akhir__gte=self.ta.tahun
            ).first()
        return self._periode[opd.pk]

    def _stored_sasaran(self, opd: Opd) -> dict[str, Sasaran]:
        """The sasaran of the OPD's stored period containing the year, by code."""
        if opd.pk not in self._sasaran:
            periode = self._stored_periode(opd)
            self._sasaran[opd.pk] = (
                {}
                if periode is None
                else {s.kode: s for s in Sasaran.objects.filter(periode=periode)}
            )
        return self._sasaran[opd.pk]

    def _stored_links(self, opd: Opd) -> set[tuple[str, str]]:
        """(program code, sasaran code) of the OPD's stored programs of the year."""
        if opd.pk not in self._links:
            self._links[opd.pk] = set(
                ProgramSasaran.objects.filter(
                    program__tahun_anggaran=self.ta, program__opd=opd
                ).values_list("program__kode", "sasaran__kode")
            )
        return self._links[opd.pk]

    def _stored_targets(self, opd: Opd) -> dict[int, TargetRenstra]:
        """The stored Renstra targets of the OPD's indicators of the year, by indicator."""
        if opd.pk not in self._targets:
            self._targets[opd.pk] = {
                t.indikator_id: t
                for t in TargetRenstra.objects.filter(
                    indikator__opd=opd, indikator__tahun_anggaran=self.ta
                )
            }
        return self._targets[opd.pk]

    def _stored_years(self, opd: Opd) -> dict[tuple[int, int], RealisasiRenstra]:
        """The stored earlier years of the OPD's indicators of the year, by (indicator, year)."""
        if opd.pk not in self._years:
            self._years[opd.pk] = {
                (r.indikator_id, r.tahun): r
                for r in RealisasiRenstra.objects.filter(
                    indikator__opd=opd, indikator__tahun_anggaran=self.ta
                )
            }
        return self._years[opd.pk]

    def periode_of(self, opd: Opd) -> tuple[int, int] | None:
        """The period of the OPD this import works with: the file's, else the stored one."""
        in_file = self.specs.get(opd.pk, {}).get("periode")
        if in_file:
            return in_file
        stored = self._stored_periode(opd)
        return (stored.tahun_awal, stored.tahun_akhir) if stored else None

    def periode(self, number: int, raw: tuple) -> None:
        v, out, opd = self.r.row(PERIODE, number, raw)
        e, before = self.r.err, len(self.r.err)
        awal = e.check(PERIODE, number, "B", read_int, v["Tahun Awal"], label="Tahun Awal")
        akhir = e.check(PERIODE, number, "C", read_int, v["Tahun Akhir"], label="Tahun Akhir")
        out.kode = f"{awal}–{akhir}"
        if awal is not None and akhir is not None:
            if not 0 <= akhir - awal < RENSTRA_MAX_TAHUN:
                e.add(
                    PERIODE,
                    number,
                    "C",
                    _("Periode Renstra harus 1 sampai 6 tahun (biasanya 5)."),
                )
            elif not awal <= self.ta.tahun <= akhir:
                e.add(
                    PERIODE,
                    number,
                    "B",
                    _("Periode Renstra harus mencakup tahun rencana %(t)s.") % {"t": self.ta.tahun},
                )
        if opd is not None:
            self._dup((PERIODE, opd.pk), PERIODE, number)
        if len(e) > before or opd is None:
            out.outcome = "galat"
            return
        self.spec(opd)["periode"] = (awal, akhir)
        stored = self._stored_periode(opd)
        out.outcome = _outcome(
            stored, stored and (stored.tahun_awal, stored.tahun_akhir) == (awal, akhir)
        )

    def sasaran(self, number: int, raw: tuple) -> None:
        v, out, opd = self.r.row(SASARAN, number, raw)
        e, before = self.r.err, len(self.r.err)
        kode, uraian = read_text(v["Kode Sasaran"]), " ".join(read_text(v["Sasaran"]).split())
        out.kode = kode
        if not kode:
            e.add(SASARAN, number, "B", _("Kode sasaran wajib diisi."))
        elif len(kode) > 30:
            e.add(SASARAN, number, "B", _("Kode sasaran paling panjang 30 karakter."))
        if not uraian:
            e.add(SASARAN, number, "C", _("Uraian sasaran wajib diisi."))
        indikator = " ".join(read_text(v["Indikator Sasaran"]).split())
        if len(uraian) > 500 or len(indikator) > 500:
            e.add(
                SASARAN, number, "C", _("Uraian dan indikator sasaran paling panjang 500 karakter.")
            )
        if opd is not None:
            self._dup((SASARAN, opd.pk, kode), SASARAN, number)
            if self.periode_of(opd) is None:
                e.add(
                    SASARAN,
                    number,
                    "A",
                    _("Isi periode Renstra OPD ini di lembar Periode Renstra."),
                )
        if len(e) > before or opd is None:
            out.outcome = "galat"
            return
        self.spec(opd)["sasaran"][kode] = (uraian, indikator)
        stored = self._stored_sasaran(opd).get(kode)
        out.outcome = _outcome(
            stored, stored and (stored.uraian, stored.indikator) == (uraian, indikator)
        )

    def _sasaran_known(self, opd: Opd, kode: str) -> bool:
        if kode in self.specs.get(opd.pk, {}).get("sasaran", {}):
            return True
        return kode in self._stored_sasaran(opd)  # periods never overlap: the stored one

    def sasaran_program(self, number: int, raw: tuple) -> None:
        v, out, opd = self.r.row(SASARAN_PROGRAM, number, raw)
        e, before = self.r.err, len(self.r.err)
        program = codes.normalise(read_text(v["Kode Program"]))
        sasaran = read_text(v["Kode Sasaran"])
        out.kode = f"{program} {sasaran}"
        if opd is not None:
            known = (opd.pk, program) in self.r.programs or program in self.r.existing[
                opd.pk
            ].programs
            if not known:
                e.add(
                    SASARAN_PROGRAM,
                    number,
                    "B",
                    _("Program %(k)s tidak ada di rencana ini.") % {"k": program},
                )
            if not self._sasaran_known(opd, sasaran):
                e.add(
                    SASARAN_PROGRAM,
                    number,
                    "C",
                    _("Sasaran %(k)s tidak ada di lembar Sasaran atau Renstra OPD ini.")
                    % {"k": sasaran},
                )
            self._dup((SASARAN_PROGRAM, opd.pk, program, sasaran), SASARAN_PROGRAM, number)
        if len(e) > before or opd is None:
            out.outcome = "galat"
            return
        self.spec(opd)["program_sasaran"].setdefault(program, []).append(sasaran)
        stored = (program, sasaran) in self._stored_links(opd)
        out.outcome = _outcome(stored or None, True)

    def _indikator(self, sheet: str, number: int, v: dict, opd: Opd | None):
        """(level, induk kode, nama, satuan) of the row's indicator, on the file's Indikator
        sheet or stored; None with the error placed."""
        e = self.r.err
        level = LEVELS.get(read_text(v["Tingkat"]))
        induk = codes.normalise(read_text(v["Kode Induk"]))
        nama = read_text(v["Nama Indikator"])
        if level is None:
            e.add(sheet, number, "B", _("Tingkat harus Program atau Kegiatan."))
            return None
        if opd is None:
            return None
        spec = self.r.indikator_specs.get((opd.pk, level, induk, nama))
        stored = self.r.existing[opd.pk].indikator.get((level, induk, nama))
        if spec is None and stored is None:
            e.add(
                sheet,
                number,
                "D",
                _("Indikator '%(n)s' dari %(k)s tidak ada di lembar Indikator atau rencana ini.")
                % {"n": nama, "k": induk},
            )
            return None
        satuan = spec["satuan"] if spec is not None else stored.satuan
        return level, induk, nama, satuan

    def target(self, number: int, raw: tuple) -> None:
        v, out, opd = self.r.row(TARGET, number, raw)
        e, before = self.r.err, len(self.r.err)
        found = self._indikator(TARGET, number, v, opd)
        out.kode = f"{read_text(v['Kode Induk'])} {read_text(v['Nama Indikator'])}"[:80]
        k = e.check(TARGET, number, "F", _k, v["Target Renstra (K)"], label="Target Renstra (K)")
        rp = e.check(
            TARGET, number, "G", _rp, v["Target Renstra (Rp)"], label="Target Renstra (Rp)"
        )
        if found is not None:
            satuan = read_text(v["Satuan"])
            if satuan != found[3]:
                e.add(
                    TARGET,
                    number,
                    "E",
                    _(
                        "Satuan '%(s)s' bukan satuan indikator ini (%(u)s); target Renstra "
                        "ditulis dalam satuan indikatornya."
                    )
                    % {"s": satuan, "u": found[3]},
                )
            if self.periode_of(opd) is None:
                e.add(
                    TARGET, number, "A", _("Isi periode Renstra OPD ini di lembar Periode Renstra.")
                )
            self._dup((TARGET, opd.pk, *found[:3]), TARGET, number)
        if len(e) > before or found is None:
            out.outcome = "galat"
            return
        self.spec(opd)["target"][found[:3]] = (k, rp)
        ind = self.r.existing[opd.pk].indikator.get(found[:3])
        stored = self._stored_targets(opd).get(ind.pk) if ind else None
        out.outcome = _outcome(stored, stored and (stored.target_k, stored.target_rp) == (k, rp))

    def realisasi(self, number: int, raw: tuple) -> None:
        v, out, opd = self.r.row(REALISASI, number, raw)
        e, before = self.r.err, len(self.r.err)
        found = self._indikator(REALISASI, number, v, opd)
        tahun = e.check(REALISASI, number, "E", read_int, v["Tahun"], label="Tahun")
        out.kode = f"{read_text(v['Kode Induk'])} {read_text(v['Nama Indikator'])} {tahun}"[:80]
        k = e.check(REALISASI, number, "F", _k, v["Realisasi (K)"], label="Realisasi (K)")
        rp = e.check(REALISASI, number, "G", _rp, v["Realisasi (Rp)"], label="Realisasi (Rp)")
        if found is not None and tahun is not None:
            periode = self.periode_of(opd)
            if periode is None:
                e.add(
                    REALISASI,
                    number,
                    "A",
                    _("Isi periode Renstra OPD ini di lembar Periode Renstra."),
                )
            elif not periode[0] <= tahun < self.ta.tahun:
                e.add(
                    REALISASI,
                    number,
                    "E",
                    _("Tahun realisasi harus %(a)s sampai %(b)s: tahun lalu dalam periode Renstra.")
                    % {"a": periode[0], "b": self.ta.tahun - 1},
                )
            self._dup((REALISASI, opd.pk, *found[:3], tahun), REALISASI, number)
            has_target = found[:3] in self.specs.get(opd.pk, {}).get("target", {})
            stored = self.r.existing[opd.pk].indikator.get(found[:3])
            if not has_target and not (stored and stored.pk in self._stored_targets(opd)):
                e.add(
                    REALISASI,
                    number,
                    "D",
                    _("Isi dulu target Renstra indikator ini di lembar Target Renstra."),
                )
        if len(e) > before or found is None:
            out.outcome = "galat"
            return
        self.spec(opd)["realisasi"].setdefault(found[:3], {})[tahun] = (k, rp)
        ind = self.r.existing[opd.pk].indikator.get(found[:3])
        stored = self._stored_years(opd).get((ind.pk, tahun)) if ind else None
        out.outcome = _outcome(
            stored, stored and (stored.realisasi_k, stored.realisasi_rp) == (k, rp)
        )


def _outcome(stored, same) -> str:
    """A row's outcome against what is stored: new, unchanged or changed."""
    if stored is None:
        return "baru"
    return "tetap" if same else "diubah"


def _k(value, *, label: str) -> Decimal:
    return read_k(read_number(value, label=label), label=label)


def _rp(value, *, label: str) -> Decimal | None:
    number = read_optional_number(value, label=label)
    return None if number is None else read_rp(number, label=label)
