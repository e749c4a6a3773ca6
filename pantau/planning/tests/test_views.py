"""The plan screens per role: own OPD, another OPD, another pemda (404), a visitor."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pantau.planning.models import DokumenRencana, RencanaBulanan, SubKegiatan
from pantau.planning.services_dokumen import dokumen_create

pytestmark = pytest.mark.django_db
YEAR = 2026


def _client(client, world, role, tenant="a"):
    client.force_login(getattr(world, tenant).users[role])
    return client


def _post_rows(pagu, kas=None):
    kas = kas if kas is not None else Decimal(pagu) / 12
    data = {"pagu": str(pagu), "pptk_nama": "Wa Ode Sari", "pptk_nip": "198001012005012001"}
    for m in range(1, 13):
        data[f"kas_{m}"] = str(kas)
        data[f"fisik_{m}"] = str(Decimal(m * 100) / 12 if m < 12 else 100)
    return data


class TestPlanPage:
    def test_the_operator_sees_the_plan_of_their_own_opd(self, client, world):
        a = world.a
        c = _client(client, world, "operator_opd")
        r = c.get(reverse("planning:rencana-opd", args=[a.dinkes.pk, YEAR]))
        assert r.status_code == 200
        assert a.sub.kode in r.content.decode()
        assert reverse("planning:sub-kegiatan-edit", args=[a.dinkes.pk, YEAR, a.sub.pk]) in (
            r.content.decode()
        )
        assert c.get(reverse("planning:rencana")).url == reverse(
            "planning:rencana-opd", args=[a.dinkes.pk, YEAR]
        )

    @pytest.mark.parametrize(
        ("role", "tenant", "opd"),
        [
            ("operator_opd", "a", "pupr"),
            ("kepala_opd", "a", "pupr"),
            ("verifikator", "b", "dinkes"),
        ],
    )
    def test_another_opd_or_pemda_is_not_found(self, client, world, role, tenant, opd):
        target = getattr(world.a, opd)
        c = _client(client, world, role, tenant)
        assert c.get(reverse("planning:rencana-opd", args=[target.pk, YEAR])).status_code == 404
        sub = world.a.sub if opd == "dinkes" else world.a.sub_pupr
        url = reverse("planning:sub-kegiatan-edit", args=[target.pk, YEAR, sub.pk])
        assert c.post(url, _post_rows(1200)).status_code == 404
        assert (
            c.post(
                reverse("planning:dokumen-aksi", args=[target.pk, YEAR]), {"aksi": "buat"}
            ).status_code
            == 404
        )
        assert not DokumenRencana.objects.exists()

    def test_a_visitor_is_sent_to_sign_in(self, client, world):
        url = reverse("planning:rencana-opd", args=[world.a.dinkes.pk, YEAR])
        r = client.get(url)
        assert r.status_code == 302 and "next=" in r.url

    def test_the_verifikator_reads_but_cannot_edit(self, client, world):
        a = world.a
        c = _client(client, world, "verifikator")
        r = c.get(reverse("planning:rencana-opd", args=[a.dinkes.pk, YEAR]))
        assert r.status_code == 200
        assert "sub-kegiatan/" not in r.content.decode()
        url = reverse("planning:sub-kegiatan-edit", args=[a.dinkes.pk, YEAR, a.sub.pk])
        assert c.post(url, _post_rows(1200)).status_code == 404
        assert SubKegiatan.objects.get(pk=a.sub.pk).pagu_murni == Decimal(600_000_000)


class TestSubEdit:
    def test_the_operator_changes_pagu_and_cash_plan(self, client, world):
        a = world.a
        c = _client(client, world, "operator_opd")
        url = reverse("planning:sub-kegiatan-edit", args=[a.dinkes.pk, YEAR, a.sub2.pk])
        assert c.get(url).status_code == 200
        r = c.post(url, _post_rows(240_000_000))
        assert r.status_code == 302
        sub = SubKegiatan.objects.get(pk=a.sub2.pk)
        assert (sub.pagu_murni, sub.pptk_nama) == (Decimal(240_000_000), "Wa Ode Sari")
        assert RencanaBulanan.objects.filter(sub_kegiatan=sub, tahap="murni").count() == 12

    def test_a_cash_plan_that_does_not_add_up_is_refused_and_nothing_changes(self, client, world):
        a = world.a
        c = _client(client, world, "operator_opd")
        url = reverse("planning:sub-kegiatan-edit", args=[a.dinkes.pk, YEAR, a.sub2.pk])
        r = c.post(url, _post_rows(240_000_000, kas=1))
        assert r.status_code == 400
        assert "harus sama dengan pagu" in r.content.decode()
        assert SubKegiatan.objects.get(pk=a.sub2.pk).pagu_murni == Decimal(300_000_000)

    def test_a_submitted_plan_cannot_be_edited_on_screen(self, client, world):
        a = world.a
        doc = dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes)
        DokumenRencana.objects.filter(pk=doc.pk).update(status="diajukan")
        c = _client(client, world, "operator_opd")
        url = reverse("planning:sub-kegiatan-edit", args=[a.dinkes.pk, YEAR, a.sub2.pk])
        r = c.post(url, _post_rows(240_000_000))
        assert r.status_code == 400
        assert SubKegiatan.objects.get(pk=a.sub2.pk).pagu_murni == Decimal(300_000_000)


class TestSteps:
    def test_the_path_on_screen(self, client, world):
        a = world.a
        url = reverse("planning:dokumen-aksi", args=[a.dinkes.pk, YEAR])
        _client(client, world, "operator_opd").post(url, {"aksi": "buat"})
        _client(client, world, "kepala_opd").post(url, {"aksi": "ajukan"})
        _client(client, world, "verifikator").post(url, {"aksi": "validasi"})
        c = _client(client, world, "admin")
        c.post(url, {"aksi": "kunci"})
        assert DokumenRencana.objects.get().status == "dikunci"
        _client(client, world, "operator_opd").post(url, {"aksi": "pergeseran"})
        page = client.get(reverse("planning:rencana-opd", args=[a.dinkes.pk, YEAR]))
        assert "Usulkan perubahan" in page.content.decode()
        edit = reverse("planning:sub-kegiatan-edit", args=[a.dinkes.pk, YEAR, a.sub2.pk])
        assert client.post(edit, _post_rows(240_000_000)).status_code == 302
        assert SubKegiatan.objects.get(pk=a.sub2.pk).pagu_murni == Decimal(300_000_000)
        page = client.get(reverse("planning:rencana-opd", args=[a.dinkes.pk, YEAR]))
        assert f'data-diff-row="{a.sub2.kode}"' in page.content.decode()

    def test_the_operator_cannot_submit(self, client, world):
        a = world.a
        dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes)
        url = reverse("planning:dokumen-aksi", args=[a.dinkes.pk, YEAR])
        r = _client(client, world, "operator_opd").post(url, {"aksi": "ajukan"}, follow=True)
        assert "tidak berwenang" in r.content.decode()
        assert DokumenRencana.objects.get().status == "draft"

    def test_a_return_without_a_note_is_refused(self, client, world):
        a = world.a
        doc = dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes)
        DokumenRencana.objects.filter(pk=doc.pk).update(status="diajukan")
        url = reverse("planning:dokumen-aksi", args=[a.dinkes.pk, YEAR])
        _client(client, world, "verifikator").post(url, {"aksi": "kembalikan", "catatan": " "})
        assert DokumenRencana.objects.get().status == "diajukan"


class TestAddFromNomenclature:
    def test_search_lists_only_the_level_under_the_parent_and_not_what_is_there(
        self, client, world
    ):
        a = world.a
        c = _client(client, world, "operator_opd")
        url = reverse("planning:tambah", args=[a.dinkes.pk, YEAR])
        r = c.get(
            url,
            {"tingkat": "sub_kegiatan", "induk": a.kegiatan.pk, "q": "Lainnya"},
            headers={"HX-Request": "true"},
        )
        body = r.content.decode()
        assert r.status_code == 200 and "<html" not in body
        assert "1.02.02.2.01.0003" in body and "1.02.02.2.01.0001" not in body
        r = c.get(url, {"tingkat": "program"})  # 1.03.03 is outside the Dinkes' bidang urusan
        assert "1.03.03" not in r.content.decode() and "1.02.02</span>" not in r.content.decode()
        a.dinkes.bidang_urusan = "1.02; 1.03"
        a.dinkes.save(update_fields=["bidang_urusan"])
        r = c.get(url, {"tingkat": "program"})
        assert "1.03.03" in r.content.decode() and "1.02.02</span>" not in r.content.decode()

    def test_adding_a_sub_kegiatan_from_the_nomenclature(self, client, world):
        a = world.a
        c = _client(client, world, "operator_opd")
        url = reverse("planning:tambah", args=[a.dinkes.pk, YEAR])
        data = {"tingkat": "sub_kegiatan", "induk": a.kegiatan.pk, "kode": "1.02.02.2.01.0003"}
        r = c.post(url, {**data, "pagu": "0"})
        sub = SubKegiatan.objects.get(kode="1.02.02.2.01.0003", opd=a.dinkes)
        assert r.url == reverse("planning:sub-kegiatan-edit", args=[a.dinkes.pk, YEAR, sub.pk])
        r = c.post(url, {**data, "kode": "9.99.99.2.01.0001"})
        assert r.status_code == 400
        assert SubKegiatan.objects.filter(opd=a.dinkes).count() == 3

    def test_a_parent_of_another_opd_is_not_found(self, client, world):
        a = world.a
        pupr_kegiatan = a.sub_pupr.kegiatan
        c = _client(client, world, "operator_opd")
        url = reverse("planning:tambah", args=[a.dinkes.pk, YEAR])
        r = c.post(
            url, {"tingkat": "sub_kegiatan", "induk": pupr_kegiatan.pk, "kode": "1.03.03.2.01.0001"}
        )
        assert r.status_code == 404
        assert c.get(reverse("planning:tambah", args=[a.pupr.pk, YEAR])).status_code == 404

    def test_adding_is_refused_while_submitted(self, client, world):
        a = world.a
        doc = dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes)
        DokumenRencana.objects.filter(pk=doc.pk).update(status="diajukan")
        c = _client(client, world, "operator_opd")
        r = c.post(
            reverse("planning:tambah", args=[a.dinkes.pk, YEAR]),
            {"tingkat": "program", "kode": "1.03.03"},
        )
        assert r.status_code == 400 and "tidak dapat diubah" in r.content.decode()


class TestIndicators:
    def _data(self, **extra):
        return {
            "nama": "Gedung selesai",
            "satuan": "unit",
            "rumus": "1",
            "target_tahunan": "2",
            "target_tw4": "2",
            **extra,
        }

    def test_add_and_change_an_indicator(self, client, world):
        from pantau.planning.models import Indikator

        a = world.a
        c = _client(client, world, "operator_opd")
        url = reverse("planning:indikator-tambah", args=[a.dinkes.pk, YEAR, a.sub.pk])
        assert c.post(url, self._data()).status_code == 302
        ind = Indikator.objects.get(sub_kegiatan=a.sub)
        assert (ind.rumus, ind.target_tahunan, ind.target_tw1) == (1, Decimal(2), None)
        edit = reverse("planning:indikator-ubah", args=[a.dinkes.pk, YEAR, a.sub.pk, ind.pk])
        assert (
            c.post(edit, self._data(rumus="2", target_tahunan="1,5", target_tw4="1,5")).status_code
            == 302
        )
        ind.refresh_from_db()
        assert (ind.rumus, ind.target_tahunan) == (2, Decimal("1.5"))

    def test_bad_input_is_refused_and_nothing_is_written(self, client, world):
        from pantau.planning.models import Indikator

        a = world.a
        c = _client(client, world, "operator_opd")
        url = reverse("planning:indikator-tambah", args=[a.dinkes.pk, YEAR, a.sub.pk])
        assert c.post(url, self._data(rumus="9")).status_code == 400
        assert c.post(url, self._data(target_tahunan="dua")).status_code == 400
        assert not Indikator.objects.exists()

    def test_another_opds_indicator_is_not_found(self, client, world):
        a = world.a
        c = _client(client, world, "operator_opd")
        url = reverse("planning:indikator-tambah", args=[a.pupr.pk, YEAR, a.sub_pupr.pk])
        assert c.post(url, self._data()).status_code == 404
        url = reverse("planning:indikator-tambah", args=[a.dinkes.pk, YEAR, a.sub_pupr.pk])
        assert c.post(url, self._data()).status_code == 404


class TestRahasia:
    def test_a_rahasia_sub_kegiatan_is_hidden_from_bappeda_in_tree_and_difference(
        self, client, world
    ):
        from conftest import classify
        from pantau.audit.models import AuditEvent
        from pantau.planning.services_dokumen import (
            dokumen_revisi_open,
            dokumen_transition,
            dokumen_usulan_set,
        )

        a = world.a
        classify(a, a.sub2, "rahasia")
        doc = dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes)
        for name in ("ajukan", "validasi", "kunci"):
            doc = dokumen_transition(actor=None, dokumen=doc, name=name)
        v2 = dokumen_revisi_open(actor=None, dokumen=doc, jenis="pergeseran")
        rows = [(Decimal(20_000_000), Decimal(m * 8 if m < 12 else 100)) for m in range(1, 13)]
        dokumen_usulan_set(actor=None, dokumen=v2, sub_kegiatan=a.sub2, pagu=240_000_000, rows=rows)
        url = reverse("planning:rencana-opd", args=[a.dinkes.pk, YEAR])
        body = _client(client, world, "verifikator").get(url).content.decode()
        assert a.sub2.kode not in body and a.sub.kode in body
        body = _client(client, world, "operator_opd").get(url).content.decode()
        assert f'data-diff-row="{a.sub2.kode}"' in body
        assert AuditEvent.objects.filter(action="rahasia.read").exists()
