"""The demo builds a realistic Wakatobi through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from pantau.audit.models import AuditEvent
from pantau.demo.generate import DEMO_PASSWORD, build_demo, demo_exists
from pantau.monitoring.models import Realisasi
from pantau.organisations.models import Membership, Opd, Wilayah
from pantau.planning.models import Program, SubKegiatan, TahunAnggaran

pytestmark = pytest.mark.django_db


def test_demo_builds_wakatobi():
    assert not demo_exists()
    result = build_demo(today=dt.date(2026, 11, 28), log=lambda _m: None)
    pemda = result.pemda
    assert demo_exists()
    assert Wilayah.objects.filter(pemda=pemda, tingkat="kecamatan").count() == 8
    assert Wilayah.objects.filter(pemda=pemda, tingkat="desa_kelurahan").count() == 100
    assert Opd.objects.filter(pemda=pemda).count() == 31
    assert list(
        TahunAnggaran.objects.filter(pemda=pemda).order_by("tahun").values_list("tahun", flat=True)
    ) == [2024, 2025, 2026]
    for year, info in result.years.items():
        assert 1200 <= info["sub_kegiatan"] <= 1700, year
        assert Decimal(800_000_000_000) <= info["pagu"] <= Decimal(1_000_000_000_000), year
    # every role has a demo account that can sign in
    roles = set(Membership.objects.filter(pemda=pemda).values_list("role", flat=True))
    assert roles == {"pimpinan", "admin", "verifikator", "kepala_opd", "operator_opd", "auditor"}
    assert get_user_model().objects.get(username="bupati").check_password(DEMO_PASSWORD)
    # the roles that require a second factor have the published demo key (decision 0027)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pantau.demo.keys import demo_totp_key_hex

    keyed = TOTPDevice.objects.filter(confirmed=True, key=demo_totp_key_hex())
    assert set(keyed.values_list("user__username", flat=True)) == {
        "bupati",
        "admin.kominfo",
        "verifikator.bappeda",
    }
    # realisation exists up to the current month, nothing after it
    current = Realisasi.objects.filter(periode__tahun_anggaran__tahun=2026)
    assert not current.filter(periode__bulan=12).exists()
    assert current.filter(periode__bulan=11, status="draft").exists()
    assert current.filter(periode__bulan=10).values("status").distinct().count() >= 3
    # variety: some OPDs far behind, some on track (financial realisation of 2025 per OPD)
    from pantau.evaluation import rollup
    from pantau.evaluation.models import RingkasanOpd
    from pantau.evaluation.progress import from_opd_row

    ta_2025 = TahunAnggaran.objects.get(pemda=pemda, tahun=2025)
    per_opd = [
        from_opd_row(r) for r in RingkasanOpd.objects.filter(tahun_anggaran=ta_2025, bulan=12)
    ]
    shares = sorted(p.persen_keuangan for p in per_opd)
    assert rollup.check(pemda=pemda) == []  # the demo's roll-ups match its raw rows
    assert shares[0] < 75 and shares[-1] > 90
    # submitted reports carry their first-submission time; some came in late
    verified = Realisasi.objects.filter(periode__tahun_anggaran=ta_2025, status="diverifikasi")
    assert not verified.filter(diajukan_pada__isnull=True).exists()
    late = [
        r
        for r in verified.select_related("periode")[:3000]
        if r.diajukan_pada.date() > r.periode.batas_waktu
    ]
    assert late
    # every row passes the rules: cumulative money never above pagu
    for sub in SubKegiatan.objects.filter(tahun_anggaran__tahun=2025).select_related(
        "tahun_anggaran"
    )[:200]:
        spent = sum(r.keuangan for r in sub.realisasi_set.all())
        assert spent <= sub.pagu
    assert AuditEvent.objects.filter(action="plan.import").count() >= 90
    # Renstra data for E.81 (decision 0038): a period per planning OPD, sasaran, targets
    from pantau.planning.models import (
        PeriodeRenstra,
        ProgramSasaran,
        RealisasiRenstra,
        TargetRenstra,
    )

    planning = Opd.objects.filter(pemda=pemda, id__in=SubKegiatan.objects.values("opd_id"))
    assert PeriodeRenstra.objects.filter(pemda=pemda).count() == planning.count()
    assert set(PeriodeRenstra.objects.values_list("tahun_awal", "tahun_akhir")) == {(2023, 2027)}
    ta_2026 = TahunAnggaran.objects.get(pemda=pemda, tahun=2026)
    programs = Program.objects.filter(tahun_anggaran=ta_2026)
    assert (
        ProgramSasaran.objects.filter(program__in=programs).values("program").distinct().count()
        == programs.count()
    )
    targets = TargetRenstra.objects.filter(indikator__tahun_anggaran=ta_2026)
    assert targets.count() >= 300
    assert not targets.filter(target_rp__isnull=True).exists()
    years = set(
        RealisasiRenstra.objects.filter(indikator__tahun_anggaran=ta_2026).values_list(
            "tahun", flat=True
        )
    )
    assert years == {2023, 2024, 2025}
    # a meaningful Formulir E.81: Dinkes, TW III 2026, as Bappeda reads it
    from pantau.reports.selectors import Permintaan, tabel_for

    dinkes = Opd.objects.get(pemda=pemda, singkatan="Dinkes")
    bappeda_user = get_user_model().objects.get(username="verifikator.bappeda")
    table, _rahasia = tabel_for(user=bappeda_user, p=Permintaan("e81", ta_2026, dinkes, 9, 3))
    rows = [b for b in table.baris if b.tingkat != "kosong"]
    assert len(rows) >= 10 and rows[0].tingkat == "program", [
        (b.tingkat, b.sel["uraian"]) for b in rows[:5]
    ]
    assert sum(b.sel["target_renstra_k"] is not None for b in rows) >= 3
    kaki = {k.key: k.isi for k in table.kaki}
    assert "indikator yang capaiannya terdefinisi" in kaki["rata_rata"]
    assert kaki["predikat"] in {"Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah"}
    signer = table.tanda_tangan[1]
    assert signer.jabatan.startswith("Kepala Badan Perencanaan") and signer.nama
    assert signer.tempat == "Wangi-Wangi"
