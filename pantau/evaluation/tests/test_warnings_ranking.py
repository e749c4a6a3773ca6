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


def test_projection_is_last_months_rate_extrapolated():
    from pantau.evaluation.warnings import proyeksi_fisik

    # October 88%, September 85%: 3 points a month, two months left -> 94% at 31 December
    assert proyeksi_fisik(D(88), D(85), 10) == D(94)
    assert proyeksi_fisik(D(20), D(0), 1) == D(20) + D(20) * 11  # January starts from 0
    assert proyeksi_fisik(D(97), D(95), 12) == D(97)  # December: what is done is done
    assert proyeksi_fisik(D(50), D(50), 6) == D(50)  # no progress shown this month


@pytest.mark.parametrize(
    ("rencana", "realisasi", "proyeksi", "target_akhir", "status"),
    [
        # period II, behind by at most Y = 5 points: kritis only when the year will not finish
        (D(90), D(88), D(94), D(100), "kritis"),
        (D(90), D(88), D(100), D(100), "kuning"),
        (D(90), D(85), D("99.99"), D(100), "kritis"),  # exactly Y behind: the third condition
        (D(90), D(84), D(120), D(100), "kritis"),  # more than Y behind: kritis whatever
        (D(90), D(90), D(50), D(100), "hijau"),  # on plan is not behind
        # a plan that ends below 100 in December (multi-year work) is measured against itself
        (D(75), D(72), D(80), D(80), "kuning"),
        (D(75), D(72), D("79.5"), D(80), "kritis"),
        # period I: the projection plays no part
        (D(60), D(55), D(60), D(100), "kuning"),
        (D(70), D(65), D(60), D(100), "kuning"),  # 70 belongs to period I
        (D(90), D(88), None, D(100), "kuning"),  # no projection, no third condition
    ],
)
def test_kontrak_kritis_third_condition(rencana, realisasi, proyeksi, target_akhir, status):
    assert status_fisik(rencana, realisasi, proyeksi=proyeksi, target_akhir=target_akhir) == status


def test_above_cash_plan():
    from pantau.evaluation.warnings import di_atas_rencana_kas

    assert di_atas_rencana_kas(D("500000000.01"), D(500_000_000))
    assert not di_atas_rencana_kas(D(500_000_000), D(500_000_000))
    assert not di_atas_rencana_kas(D(1), None)  # no plan, no warning


def test_severity_orders_levels_then_size():
    from pantau.evaluation.warnings import keparahan

    common = {"pagu": D(1000), "realisasi": D(800), "rencana_kas": D(500)}
    kritis = keparahan(
        status="kritis", rencana=D(60), fisik=D(48), uang=True, atas_kas=True, **common
    )
    assert kritis == (3, D(12))  # 60 - 48 points behind; its other warnings do not add up
    uang = keparahan(
        status="kuning", rencana=D(60), fisik=D(52), uang=True, atas_kas=True, **common
    )
    assert uang == (2, D(28))  # 800 / 1000 = 80% spent against 52% physical
    kas = keparahan(status="hijau", rencana=D(60), fisik=D(70), uang=False, atas_kas=True, **common)
    assert kas == (1, D(30))  # (800 - 500) / 1000 = 30% of the pagu above the cash plan
    none = keparahan(
        status="hijau", rencana=None, fisik=D(70), uang=False, atas_kas=False, **common
    )
    assert none == (0, None)
    assert sorted([kas, kritis, uang], reverse=True) == [kritis, uang, kas]


def test_score_terms_are_shown_as_scored():
    from pantau.evaluation.ranking import rincian_skor

    # capaian 120,456% rounds to 120,46 and is clipped to 100; serapan 80,004 -> 80,00; fisik
    # undefined drops out with its weight; ketepatan 50.
    # skor = (100 x 25 + 80 x 25 + 50 x 25) / (25 + 25 + 25) = 5 750 / 75 = 76,666...
    komponen = {"capaian": D("120.456"), "serapan": D("80.004"), "fisik": None, "ketepatan": D(50)}
    terms = {k.nama: k for k in rincian_skor(komponen, Bobot())}
    assert (terms["capaian"].nilai, terms["capaian"].dinilai) == (D("120.456"), D(100))
    assert terms["capaian"].terpotong and not terms["serapan"].terpotong
    assert terms["serapan"].dinilai == D("80.00")
    assert not terms["fisik"].dihitung and terms["fisik"].hasil_kali is None
    assert terms["ketepatan"].hasil_kali == D(1250)
    (item,) = peringkat([Skor("A", komponen)], Bobot())
    assert (item.jumlah_hasil_kali, item.jumlah_bobot) == (D(5750), D(75))
    assert item.nilai == D(5750) / D(75)
    # a weight of 0 leaves a defined component out of the formula too
    (item,) = peringkat([Skor("A", komponen)], Bobot(D(0), D(25), D(25), D(25)))
    assert (item.jumlah_hasil_kali, item.jumlah_bobot) == (D(3250), D(50))
