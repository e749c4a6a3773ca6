"""Several funding sources per sub kegiatan (issue 11 §3): amounts add up to the version's pagu,
the largest is the main source, a pagu change needs its new sources, the guard holds."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pantau.planning import services as ps
from pantau.planning.models import DokumenRencana, SubKegiatan, SumberDanaSubKegiatan
from pantau.planning.plan_content import plan_diff
from pantau.planning.services_dokumen import (
    dokumen_content_for_diff,
    dokumen_create,
    dokumen_revisi_open,
    dokumen_transition,
    dokumen_usulan_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def masters():
    return {
        kode: ps.sumber_dana_create(actor=None, kode=kode, nama=nama)
        for kode, nama in (("DAU", "Dana Alokasi Umum"), ("DAK", "DAK Fisik"), ("PAD", "PAD"))
    }


def _rows(total):
    each = Decimal(total // 12)
    kas = [each] * 11 + [Decimal(total) - each * 11]
    return [(k, Decimal(m * 8) if m < 12 else Decimal(100)) for m, k in enumerate(kas, start=1)]


class TestSumberDanaRinciSet:
    def test_sources_add_up_and_the_largest_is_the_main_source(self, world, masters):
        sub = world.a.sub2  # pagu 300 jt
        ps.sumber_dana_rinci_set(
            actor=None,
            sub_kegiatan=sub,
            tahap="murni",
            rows=[(masters["DAU"], "100.000.000"), (masters["DAK"], Decimal(200_000_000))],
        )
        assert SubKegiatan.objects.get(pk=sub.pk).sumber_dana == masters["DAK"]
        assert SumberDanaSubKegiatan.objects.filter(sub_kegiatan=sub).count() == 2

    @pytest.mark.parametrize(
        "rows",
        [
            [("DAU", 100_000_000)],
            [("DAU", 150_000_000), ("DAU", 150_000_000)],
            [("DAU", 400_000_000), ("DAK", -100_000_000)],
        ],
    )
    def test_wrong_sources_are_refused_and_nothing_is_written(self, world, masters, rows):
        with pytest.raises(ValidationError):
            ps.sumber_dana_rinci_set(
                actor=None,
                sub_kegiatan=world.a.sub2,
                tahap="murni",
                rows=[(masters[k], Decimal(j)) for k, j in rows],
            )
        assert not SumberDanaSubKegiatan.objects.exists()
        assert SubKegiatan.objects.get(pk=world.a.sub2.pk).sumber_dana is None

    def test_a_pagu_change_needs_its_new_sources(self, world, masters):
        sub = world.a.sub2
        ps.sumber_dana_rinci_set(
            actor=None, sub_kegiatan=sub, tahap="murni", rows=[(masters["DAU"], 300_000_000)]
        )
        with pytest.raises(ValidationError, match="Sumber dana versi murni"):
            ps.sub_kegiatan_update(actor=None, sub_kegiatan=sub, pagu_murni=250_000_000)
        ps.sub_kegiatan_update(
            actor=None,
            sub_kegiatan=sub,
            pagu_murni=250_000_000,
            sumber={"murni": [(masters["PAD"], 50_000_000), (masters["DAU"], 200_000_000)]},
        )
        assert SubKegiatan.objects.get(pk=sub.pk).pagu_murni == Decimal(250_000_000)

    def test_the_guard_holds(self, world, masters):
        doc = dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
        DokumenRencana.objects.filter(pk=doc.pk).update(status="divalidasi")
        with pytest.raises(ValidationError, match="tidak dapat diubah"):
            ps.sumber_dana_rinci_set(
                actor=None,
                sub_kegiatan=world.a.sub2,
                tahap="murni",
                rows=[(masters["DAU"], 300_000_000)],
            )


class TestPlanImportChecksTheSources:
    """The bulk path runs the rule of `sub_kegiatan_update` (`budget_consistency_errors`)."""

    def _tree(self, pagu):
        sub = {"kode": "1.02.02.2.01.0002", "pagu_murni": Decimal(pagu)}
        kegiatan = {"kode": "1.02.02.2.01", "sub_kegiatan": [sub]}
        return [{"kode": "1.02.02", "kegiatan": [kegiatan]}]

    def test_a_pagu_change_against_stored_sources_is_refused_and_nothing_changes(
        self, world, masters
    ):
        from pantau.audit.models import AuditEvent
        from pantau.planning.imports import plan_import

        sub = world.a.sub2
        ps.sumber_dana_rinci_set(
            actor=None, sub_kegiatan=sub, tahap="murni", rows=[(masters["DAU"], 300_000_000)]
        )
        events = AuditEvent.objects.count()
        with pytest.raises(ValidationError) as exc:
            plan_import(
                actor=None,
                tahun_anggaran=world.a.ta,
                opd=world.a.dinkes,
                programs=self._tree(250_000_000),
            )
        assert any(
            m.startswith("1.02.02.2.01.0002: Sumber dana versi murni") for m in exc.value.messages
        )
        assert SubKegiatan.objects.get(pk=sub.pk).pagu_murni == Decimal(300_000_000)
        assert AuditEvent.objects.count() == events

    def test_the_same_pagu_or_no_sources_imports(self, world, masters):
        from pantau.planning.imports import plan_import

        a = world.a
        ps.sumber_dana_rinci_set(
            actor=None, sub_kegiatan=a.sub2, tahap="murni", rows=[(masters["DAU"], 300_000_000)]
        )
        result = plan_import(
            actor=None, tahun_anggaran=a.ta, opd=a.dinkes, programs=self._tree(300_000_000)
        )
        assert result.updated == 0
        SumberDanaSubKegiatan.objects.all().delete()
        result = plan_import(
            actor=None, tahun_anggaran=a.ta, opd=a.dinkes, programs=self._tree(250_000_000)
        )
        assert result.updated == 1
        assert SubKegiatan.objects.get(pk=a.sub2.pk).pagu_murni == Decimal(250_000_000)


class TestSourcesInARevision:
    def test_a_pergeseran_moves_the_sources_on_locking_and_shows_them(self, world, masters):
        # the same pagu, paid from other sources (a pergeseran keeps the OPD's total)
        a = world.a
        ps.sumber_dana_rinci_set(
            actor=None, sub_kegiatan=a.sub, tahap="murni", rows=[(masters["DAU"], 600_000_000)]
        )
        doc = dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes)
        for name in ("ajukan", "validasi", "kunci"):
            doc = dokumen_transition(actor=None, dokumen=doc, name=name)
        v2 = dokumen_revisi_open(actor=None, dokumen=doc, jenis="pergeseran")
        with pytest.raises(ValidationError, match="rincian sumber dana"):
            dokumen_usulan_set(
                actor=None,
                dokumen=v2,
                sub_kegiatan=a.sub,
                pagu=600_000_000,
                rows=_rows(600_000_000),
            )
        v2 = dokumen_usulan_set(
            actor=None,
            dokumen=v2,
            sub_kegiatan=a.sub,
            pagu=600_000_000,
            rows=_rows(600_000_000),
            sumber=[(masters["DAU"], 300_000_000), (masters["PAD"], 300_000_000)],
        )
        row = plan_diff(*dokumen_content_for_diff(v2))["rows"][0]
        assert row["rincian_sebelum"] == {"DAU": Decimal(600_000_000)}
        assert row["rincian_sesudah"] == {"DAU": Decimal(300_000_000), "PAD": Decimal(300_000_000)}
        assert SumberDanaSubKegiatan.objects.get(sub_kegiatan=a.sub).jumlah == Decimal(600_000_000)
        for name in ("ajukan", "validasi", "kunci"):
            v2 = dokumen_transition(actor=None, dokumen=v2, name=name)
        amounts = dict(
            SumberDanaSubKegiatan.objects.filter(sub_kegiatan=a.sub).values_list(
                "sumber_dana__kode", "jumlah"
            )
        )
        assert amounts == {"DAU": Decimal(300_000_000), "PAD": Decimal(300_000_000)}


def test_the_edit_screen_saves_sources_and_location(client, world, masters):
    from pantau.organisations.models import Wilayah

    a = world.a
    kec = Wilayah.objects.filter(pemda=a.pemda, tingkat="kecamatan").first()
    client.force_login(a.users["operator_opd"])
    url = reverse("planning:sub-kegiatan-edit", args=[a.dinkes.pk, 2026, a.sub2.pk])
    data = {"pagu": "300.000.000", "sd_0": "DAU", "sdj_0": "200.000.000", "sd_1": "PAD"}
    data["sdj_1"] = "100.000.000"
    data |= {"latitude": "-5,32", "longitude": "123,59"}
    if kec is not None:
        data["kecamatan"] = str(kec.pk)
    for m in range(1, 13):
        data[f"kas_{m}"] = "25.000.000"
        data[f"fisik_{m}"] = str(m * 8 if m < 12 else 100)
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    sub = SubKegiatan.objects.get(pk=a.sub2.pk)
    assert sub.sumber_dana == masters["DAU"] and sub.latitude == Decimal("-5.32")
    assert sub.kecamatan == kec
    data["sdj_1"] = "1"
    r = client.post(url, data)
    assert r.status_code == 400 and "harus sama dengan pagu" in r.content.decode()
    assert SumberDanaSubKegiatan.objects.get(sub_kegiatan=sub, sumber_dana__kode="PAD").jumlah == (
        Decimal(100_000_000)
    )
