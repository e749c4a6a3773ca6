"""Early warnings (docs/domain.md §10, issue: leadership dashboard).

- kritis (SSUK kontrak kritis; thresholds are pemda settings):
  period I (planned progress at most the boundary, default 70%): behind plan by more than X
  points (default 10); period II (above the boundary): behind by more than Y points (default 5),
  or behind by at most Y points while the projection says the work will not be finished by
  31 December (see `proyeksi_fisik`);
- uang tanpa fisik: financial progress ahead of physical progress by more than the pemda's gap;
- di atas rencana kas: cumulative spending above the cumulative cash plan (anggaran kas);
- belum melapor: no report for a month whose cut-off has passed.
Critical lists sort by `keparahan` (severity), never by code.
Pure functions: the figures come from the roll-up rows, the thresholds from the pemda.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HIJAU, KUNING, KRITIS, TANPA_RENCANA = "hijau", "kuning", "kritis", "tanpa_rencana"
HUNDRED = Decimal(100)

# Warning levels, most severe first in every critical list (RingkasanSubKegiatan.tingkat_peringatan)
TANPA_PERINGATAN, DI_ATAS_KAS, UANG_TANPA_FISIK, PERINGATAN_KRITIS = 0, 1, 2, 3


@dataclass(frozen=True)
class Ambang:
    batas_rencana: Decimal = Decimal(70)
    deviasi_awal: Decimal = Decimal(10)
    deviasi_akhir: Decimal = Decimal(5)
    selisih_uang_fisik: Decimal = Decimal(25)

    @classmethod
    def of(cls, pemda) -> Ambang:
        return cls(
            batas_rencana=pemda.kritis_batas_rencana,
            deviasi_awal=pemda.kritis_deviasi_awal,
            deviasi_akhir=pemda.kritis_deviasi_akhir,
            selisih_uang_fisik=pemda.selisih_fisik_keuangan_maks,
        )


def proyeksi_fisik(fisik: Decimal, fisik_bulan_lalu: Decimal, bulan: int) -> Decimal:
    """Physical progress projected at 31 December by linear extrapolation of the last month's
    progress rate: fisik + (fisik − fisik a month earlier) × months left.

    The SSUK's default is the last 4 weeks' rate; Pantau has one cumulative figure per month,
    so the last month is the equivalent (decision 0011). A month without a report carries the
    previous figure, i.e. no progress shown that month. January's previous figure is 0."""
    return fisik + (fisik - fisik_bulan_lalu) * (12 - bulan)


def status_fisik(
    rencana: Decimal | None,
    realisasi: Decimal | None,
    ambang: Ambang = Ambang(),
    *,
    proyeksi: Decimal | None = None,
    target_akhir: Decimal = HUNDRED,
) -> str:
    """hijau (on or ahead of plan), kuning (behind but not critical), kritis, or tanpa_rencana.

    `proyeksi` is the projected progress at 31 December and `target_akhir` the plan's target
    for December (100 for work planned to finish within the year): in period II a sub kegiatan
    behind plan by at most Y points is still kritis when the projection falls short of it."""
    if rencana is None:
        return TANPA_RENCANA
    behind = rencana - (realisasi or Decimal(0))
    if behind <= 0:
        return HIJAU
    if rencana <= ambang.batas_rencana:
        return KRITIS if behind > ambang.deviasi_awal else KUNING
    if behind > ambang.deviasi_akhir:
        return KRITIS
    if proyeksi is not None and proyeksi < target_akhir:
        return KRITIS  # third condition: will not be finished by the end of the fiscal year
    return KUNING


def uang_tanpa_fisik(
    persen_keuangan: Decimal | None, fisik: Decimal | None, ambang: Ambang = Ambang()
) -> bool:
    """Money spent without matching physical progress."""
    if persen_keuangan is None:
        return False
    return persen_keuangan - (fisik or Decimal(0)) > ambang.selisih_uang_fisik


def di_atas_rencana_kas(realisasi: Decimal, rencana_kas: Decimal | None) -> bool:
    """Cumulative spending above the cumulative cash plan (any amount: the cash plan is what the
    SPD releases; spending beyond it needs an explanation). No plan, no warning."""
    return rencana_kas is not None and realisasi > rencana_kas


def keparahan(
    *,
    status: str,
    rencana: Decimal | None,
    fisik: Decimal,
    uang: bool,
    atas_kas: bool,
    pagu: Decimal,
    realisasi: Decimal,
    rencana_kas: Decimal | None,
) -> tuple[int, Decimal | None]:
    """(level, points) of a sub kegiatan's most serious warning, for sorting critical lists:
    kritis first, by points behind plan; then money without physical progress, by the gap
    between financial and physical progress; then spending above the cash plan, by the excess
    in points of the pagu. Larger is more severe; (0, None) without a warning. Points are
    rounded to 2 decimals (they only order the lists)."""
    if status == KRITIS and rencana is not None:
        return PERINGATAN_KRITIS, _q2(rencana - fisik)
    if uang and pagu:
        return UANG_TANPA_FISIK, _q2(realisasi * HUNDRED / pagu - fisik)
    if atas_kas and rencana_kas is not None and pagu:
        return DI_ATAS_KAS, _q2((realisasi - rencana_kas) * HUNDRED / pagu)
    return TANPA_PERINGATAN, None


def _q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
