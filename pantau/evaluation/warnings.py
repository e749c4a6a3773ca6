"""Early warnings (docs/domain.md §10, issue: leadership dashboard).

- kritis: physical progress behind the S-curve by more than X points while planned progress is at
  most the boundary (default 70%), or by more than Y points above it (SSUK kontrak kritis;
  defaults X = 10, Y = 5; all three are pemda settings);
- uang tanpa fisik: financial progress ahead of physical progress by more than the pemda's gap;
- belum melapor: no report for a month whose cut-off has passed.
Pure functions: the figures come from the roll-up rows, the thresholds from the pemda.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

HIJAU, KUNING, KRITIS, TANPA_RENCANA = "hijau", "kuning", "kritis", "tanpa_rencana"


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


def status_fisik(
    rencana: Decimal | None, realisasi: Decimal | None, ambang: Ambang = Ambang()
) -> str:
    """hijau (on or ahead of plan), kuning (behind but not critical), kritis, or tanpa_rencana."""
    if rencana is None:
        return TANPA_RENCANA
    behind = rencana - (realisasi or Decimal(0))
    if behind <= 0:
        return HIJAU
    limit = ambang.deviasi_awal if rencana <= ambang.batas_rencana else ambang.deviasi_akhir
    return KRITIS if behind > limit else KUNING


def uang_tanpa_fisik(
    persen_keuangan: Decimal | None, fisik: Decimal | None, ambang: Ambang = Ambang()
) -> bool:
    """Money spent without matching physical progress."""
    if persen_keuangan is None:
        return False
    return persen_keuangan - (fisik or Decimal(0)) > ambang.selisih_uang_fisik
