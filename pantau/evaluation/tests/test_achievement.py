"""Hand-computed cases of docs/domain.md §8–9: each formula type, edge cases, each boundary."""

from decimal import Decimal as D  # noqa: N817 - short name keeps the tables readable

import pytest

from pantau.evaluation.achievement import capaian, capaian_indikator, rata_rata, realisasi_periode
from pantau.evaluation.categories import kategori_for, kategori_load, parse_rule
from pantau.planning.choices import Rumus

POS, NEG, PCT, END = Rumus.TREN_POSITIF, Rumus.TREN_NEGATIF, Rumus.PERSENTASE, Rumus.NILAI_AKHIR


@pytest.mark.parametrize(
    ("rumus", "target", "values", "realisasi", "persen"),
    [
        # worked examples of §8
        (
            POS,
            D(1200),
            [D(200), D(350), D(400), D(300)],
            D(1250),
            D(1250) / D(1200) * 100,
        ),  # 104.17%
        (NEG, D(20), [D(24), D(23), D(22), D(21)], D(21), D(20) / D(21) * 100),  # 95.24%
        (PCT, D(90), [D(40), D(62), D(84)], D(84), D(84) / D(90) * 100),  # 93.33%
        (END, D(80), [D(76)], D(76), D(95)),
        # nilai akhir may go down: the latest value counts
        (END, D(80), [D(90), D(60)], D(60), D(75)),
    ],
)
def test_formula_types(rumus, target, values, realisasi, persen):
    result = capaian_indikator(rumus, target, values)
    assert result.realisasi == realisasi
    assert result.persen == persen


def test_rounded_worked_examples():
    assert round(capaian_indikator(POS, D(1200), [D(200), D(350), D(400), D(300)]).persen, 2) == D(
        "104.17"
    )
    assert round(capaian_indikator(NEG, D(20), [D(24), D(23), D(22), D(21)]).persen, 2) == D(
        "95.24"
    )
    assert round(capaian_indikator(PCT, D(90), [D(84)]).persen, 2) == D("93.33")


@pytest.mark.parametrize(
    ("rumus", "target", "realisasi", "persen", "catatan"),
    [
        (POS, D(0), D(5), None, "target_nol"),
        (PCT, D(0), D(0), None, "target_nol"),
        (END, D(0), D(3), None, "target_nol"),
        (NEG, D(0), D(0), D(100), ""),
        (NEG, D(5), D(0), None, "perlu_tinjauan"),
        (NEG, D(0), D(5), D(0), ""),
        (POS, D(10), D(0), D(0), ""),  # zero realisation is a real 0%
        (POS, D(10), None, None, "tanpa_data"),
        (POS, None, D(3), None, "tanpa_target"),
    ],
)
def test_edge_cases(rumus, target, realisasi, persen, catatan):
    result = capaian(rumus, target, realisasi)
    assert (result.persen, result.catatan) == (persen, catatan)


def test_realisasi_periode():
    assert realisasi_periode(POS, []) is None
    assert realisasi_periode(POS, [D(1), D(2)]) == D(3)
    assert realisasi_periode(PCT, [D(1), D(2)]) == D(2)


def test_average_excludes_undefined():
    items = [capaian(POS, D(10), D(10)), capaian(POS, D(0), D(1)), capaian(POS, D(10), D(5))]
    assert rata_rata(items) == D(75)
    assert rata_rata([capaian(POS, D(0), D(1))]) is None


@pytest.mark.django_db
class TestCategories:
    @pytest.mark.parametrize(
        ("value", "label"),
        [
            (D("150"), "Sangat Tinggi"),
            (D("91"), "Sangat Tinggi"),
            (D("90.999"), "Tinggi"),
            (D("90.5"), "Tinggi"),
            (D("76"), "Tinggi"),
            (D("75.99"), "Sedang"),
            (D("66"), "Sedang"),
            (D("65.5"), "Rendah"),
            (D("51"), "Rendah"),
            (D("50.999"), "Sangat Rendah"),
            (D("0"), "Sangat Rendah"),
            (D("-5"), "Sangat Rendah"),
        ],
    )
    def test_capaian_p86_boundaries(self, value, label):
        assert kategori_for(value).label == label

    @pytest.mark.parametrize(
        ("value", "label"),
        [
            (D("100"), "AA"),
            (D("90.01"), "AA"),
            (D("90"), "A"),
            (D("80"), "BB"),
            (D("30.5"), "C"),
            (D("30"), "D"),
            (D("0"), "D"),
        ],
    )
    def test_akip_is_lower_exclusive_upper_inclusive(self, value, label):
        assert kategori_for(value, "akip_permenpanrb_88_2021").label == label

    def test_outside_any_range_and_undefined(self):
        assert kategori_for(D("101"), "akip_permenpanrb_88_2021") is None
        assert kategori_for(None) is None

    @pytest.mark.parametrize(
        ("value", "label"),
        [
            (D("4.2"), "Memuaskan"),
            (D("4.19"), "Sangat Baik"),
            (D("2.6"), "Baik"),
            (D("1.79"), "Kurang"),
        ],
    )
    def test_spbe(self, value, label):
        assert kategori_for(value, "indeks_spbe_permenpanrb_59_2020").label == label

    def test_colours_come_from_data(self):
        assert kategori_for(D(95)).warna == "#29af28"

    def test_reload_from_file_is_audited_and_refuses_overlap(self, tmp_path):
        from pantau.audit.models import AuditEvent

        good = tmp_path / "k.csv"
        good.write_text(
            "skema,label,batas_bawah,batas_atas,aturan_batas,catatan,sumber\n"
            "uji,Baik,50,,>=50,,s\nuji,Buruk,,50,x<50,,s\n"
        )
        assert kategori_load(actor=None, path=good) == 2
        assert kategori_for(D(50), "uji").label == "Baik"
        assert AuditEvent.objects.filter(action="kategori.load").exists()
        bad = tmp_path / "bad.csv"
        bad.write_text(
            "skema,label,batas_bawah,batas_atas,aturan_batas,catatan,sumber\n"
            "uji,Baik,50,,>=50,,s\nuji,Buruk,,50,x<=50,,s\n"
        )
        with pytest.raises(Exception, match="lebih dari satu kategori"):
            kategori_load(actor=None, path=bad)
        assert kategori_for(D(50), "uji").label == "Baik"  # nothing changed


@pytest.mark.parametrize(
    ("rule", "lo", "hi", "expected"),
    [
        (">=91", D(91), None, (True, False)),
        ("76<=x<91 (tertulis)", D(76), D(91), (True, False)),
        ("90<x<=100", D(90), D(100), (False, True)),
        ("0<=x<=30", D(0), D(30), (True, True)),
        ("x<=50", None, D(51), (True, False)),
        ("x<1.8", D(0), D("1.8"), (True, False)),
    ],
)
def test_parse_rule(rule, lo, hi, expected):
    assert parse_rule(rule, lo, hi) == expected


@pytest.mark.parametrize(
    ("rumus", "targets", "triwulan", "expected"),
    [
        # persentase, annual target 90 and no quarterly target: only the year end is assessed
        (PCT, [None, None, None, None], 1, None),
        (PCT, [None, None, None, None], 3, None),
        (PCT, [None, None, None, None], 4, D(90)),
        (PCT, [None, D(50), None, None], 2, D(50)),  # a quarter's own target counts
        (PCT, [None, D(50), None, None], 1, None),
        (NEG, [D(24), None, None, None], 1, D(24)),
        # tren positif (annual 1200): quarterly targets summed when all are set, no pro rata
        (POS, [None, None, None, None], 1, None),
        (POS, [None, None, None, None], 4, D(1200)),
        (POS, [D(200), D(300), D(400), D(300)], 2, D(500)),
        (POS, [D(200), D(300), D(400), D(300)], 4, D(1200)),
        (POS, [D(200), None, None, None], 1, D(200)),
        (POS, [D(200), None, None, None], 2, None),
        (POS, [D(200), None, None, None], 4, D(1200)),
    ],
)
def test_target_per_quarter(rumus, targets, triwulan, expected):
    from pantau.evaluation.achievement import target_triwulan

    annual = D(90) if rumus == PCT else D(1200) if rumus == POS else D(20)
    assert target_triwulan(rumus, annual, targets, triwulan) == expected


@pytest.mark.django_db
def test_no_target_is_not_assessed_whatever_was_entered():
    result = capaian(PCT, None, D(20))
    assert (result.persen, result.catatan, result.realisasi) == (None, "tanpa_target", D(20))
    assert capaian(PCT, None, None).catatan == "tanpa_target"
    assert kategori_for(result.persen) is None  # not Sangat Rendah


@pytest.mark.django_db
def test_category_of_the_unrounded_figure():
    # 90 999,96 of 100 000 = 90,99996%: Tinggi (76 <= x < 91). Rounded to four decimals it
    # would read 91,0000 and fall into Sangat Tinggi.
    exact = capaian(POS, D(100_000), D("90999.96")).persen
    assert exact == D("90.99996")
    assert kategori_for(exact).label == "Tinggi"
    assert kategori_for(exact.quantize(D("0.0001"))).label == "Sangat Tinggi"


def test_official_category_names_follow_the_reader_language():
    from django.utils import translation

    from pantau.evaluation.models import KategoriPenilaian

    with translation.override("en"):
        assert KategoriPenilaian(label="Sangat Tinggi").nama == "Very high"
        assert KategoriPenilaian(label="Kurang").nama == "Poor"
        assert KategoriPenilaian(label="AA").nama == "AA"  # letters (AKIP) as stored
        assert KategoriPenilaian(label="Skala pemda").nama == "Skala pemda"
    with translation.override("id"):
        assert KategoriPenilaian(label="Sangat Tinggi").nama == "Sangat Tinggi"
