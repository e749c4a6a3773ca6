from decimal import Decimal as D  # noqa: N817 - short name keeps the tables readable

import pytest

from pantau.evaluation.ranking import Bobot, Skor, peringkat, skor
from pantau.evaluation.warnings import Ambang, status_fisik, uang_tanpa_fisik


@pytest.mark.parametrize(
    ("rencana", "realisasi", "status"),
    [
        (D(50), D(50), "hijau"),
        (D(50), D(60), "hijau"),
        (D(50), D(40), "kuning"),  # exactly 10 behind in period I: not yet critical
        (D(50), D("39.99"), "kritis"),
        (D(70), D(59), "kritis"),  # 70 belongs to period I (project decision): 11 behind
        (D(70), D(60), "kuning"),
        (D("70.01"), D("65.01"), "kuning"),  # period II: 5 behind is not critical
        (D("70.01"), D(65), "kritis"),
        (D(100), D(94), "kritis"),
        (None, D(10), "tanpa_rencana"),
        (D(10), None, "kuning"),  # nothing reported counts as 0
    ],
)
def test_status_fisik(rencana, realisasi, status):
    assert status_fisik(rencana, realisasi) == status


def test_thresholds_are_settings():
    strict = Ambang(batas_rencana=D(50), deviasi_awal=D(2), deviasi_akhir=D(1))
    assert status_fisik(D(40), D(37), strict) == "kritis"
    assert status_fisik(D(60), D("58.5"), strict) == "kritis"


def test_money_without_physical_progress():
    assert uang_tanpa_fisik(D(80), D(10))
    assert not uang_tanpa_fisik(D(30), D(10))
    assert not uang_tanpa_fisik(None, D(0))
    assert uang_tanpa_fisik(D(30), None)


def test_score_is_weighted_and_clipped():
    b = Bobot(D(40), D(20), D(20), D(20))
    assert (
        skor({"capaian": D(120), "serapan": D(50), "fisik": D(60), "ketepatan": D(100)}, b)
        == (D(100) * 40 + D(50) * 20 + D(60) * 20 + D(100) * 20) / 100
    )
    # an undefined component drops out with its weight
    assert skor({"capaian": None, "serapan": D(50), "fisik": D(50), "ketepatan": D(50)}, b) == D(50)
    assert skor({}, b) is None


def test_ranking_order_ties_and_unscored():
    b = Bobot()
    items = [
        Skor("A", {"serapan": D(50)}),
        Skor("B", {"serapan": D(90)}),
        Skor("C", {"serapan": D(50)}),
        Skor("D", {}),
    ]
    ranked = peringkat(items, b)
    assert [(i.key, i.peringkat) for i in ranked] == [("B", 1), ("A", 2), ("C", 2), ("D", None)]
    assert "capaian" in ranked[0].catatan
