"""Indicators of programs (outcome) and kegiatan (output) on screen (issue 11 §3): added, changed
and deleted with the rules of the sub kegiatan's indicators (same services, guard and access)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import YEAR
from pantau.audit.models import AuditEvent
from pantau.planning import services as ps
from pantau.planning.choices import JenisIndikator, Rumus
from pantau.planning.models import DokumenRencana, Indikator
from pantau.planning.services_dokumen import dokumen_create

pytestmark = pytest.mark.django_db

DATA = {
    "nama": "Angka kematian ibu turun",
    "satuan": "kasus",
    "rumus": "1",
    "target_tahunan": "8",
    "target_tw4": "8",
}


def _login(client, world, role="operator_opd", tenant="a"):
    client.force_login(getattr(world, tenant).users[role])
    return client


def _url(world, tingkat, induk, ind=None, opd=None):
    a = world.a
    opd = opd or a.dinkes
    if ind is None:
        return reverse("planning:indikator-induk-tambah", args=[opd.pk, YEAR, tingkat, induk.pk])
    return reverse("planning:indikator-induk-ubah", args=[opd.pk, YEAR, tingkat, induk.pk, ind.pk])


class TestAddChangeDelete:
    @pytest.mark.parametrize(
        ("tingkat", "jenis"), [("program", JenisIndikator.OUTCOME), ("kegiatan", "output")]
    )
    @pytest.mark.parametrize("role", ["operator_opd", "kepala_opd", "admin"])
    def test_added_with_its_type_audited_and_shown(self, client, world, tingkat, jenis, role):
        a = world.a
        induk = a.program if tingkat == "program" else a.kegiatan
        c = _login(client, world, role)
        r = c.post(_url(world, tingkat, induk), DATA)
        assert r.status_code == 302 and r.url == reverse(
            "planning:rencana-opd", args=[a.dinkes.pk, YEAR]
        )
        ind = Indikator.objects.get(**{tingkat: induk})
        assert ind.jenis == jenis and ind.target_tahunan == Decimal(8)
        assert AuditEvent.objects.filter(action="indikator.create", object_id=str(ind.pk)).exists()
        page = c.get(reverse("planning:rencana-opd", args=[a.dinkes.pk, YEAR])).content.decode()
        assert "Angka kematian ibu turun" in page
        assert _url(world, tingkat, induk, ind) in page

    def test_changed_and_deleted(self, client, world):
        a = world.a
        ind = ps.indikator_create(
            actor=None,
            induk=a.program,
            nama="Cakupan",
            satuan="%",
            rumus=Rumus.PERSENTASE,
            target_tahunan=80,
        )
        c = _login(client, world)
        assert c.get(_url(world, "program", a.program, ind)).status_code == 200
        r = c.post(
            _url(world, "program", a.program, ind),
            {
                **DATA,
                "nama": "Cakupan",
                "satuan": "%",
                "rumus": "2",
                "target_tahunan": "90",
                "target_tw4": "90",
            },
        )
        assert r.status_code == 302
        assert Indikator.objects.get(pk=ind.pk).target_tahunan == Decimal(90)
        r = c.post(
            reverse("planning:hapus", args=[a.dinkes.pk, YEAR]),
            {"jenis": "indikator", "pk": ind.pk},
        )
        assert r.status_code == 302 and not Indikator.objects.filter(pk=ind.pk).exists()

    def test_wrong_targets_are_refused_and_nothing_is_written(self, client, world):
        a = world.a
        c = _login(client, world)
        r = c.post(_url(world, "kegiatan", a.kegiatan), {**DATA, "target_tahunan": "-1"})
        assert r.status_code == 400 and "negatif" in r.content.decode()
        r = c.post(_url(world, "kegiatan", a.kegiatan), {**DATA, "rumus": ""})
        assert r.status_code == 400
        assert not Indikator.objects.filter(kegiatan=a.kegiatan).exists()

    def test_refused_while_the_version_is_submitted(self, client, world):
        a = world.a
        doc = dokumen_create(actor=None, tahun_anggaran=a.ta, opd=a.dinkes)
        DokumenRencana.objects.filter(pk=doc.pk).update(status="diajukan")
        r = _login(client, world).post(_url(world, "program", a.program), DATA)
        assert r.status_code == 400 and "tidak dapat diubah" in r.content.decode()
        assert not Indikator.objects.filter(program=a.program).exists()


class TestAccess:
    @pytest.mark.parametrize(
        ("role", "tenant"),
        [("operator_opd", "a"), ("verifikator", "a"), ("auditor", "a"), ("admin", "b")],
    )
    def test_not_found_for_another_opd_another_pemda_or_a_reader(self, client, world, role, tenant):
        a = world.a
        c = _login(client, world, role, tenant)
        pupr_program = a.sub_pupr.kegiatan.program
        urls = [_url(world, "program", pupr_program, opd=a.pupr)]
        if role != "operator_opd":  # readers and other pemdas do not reach the Dinkes' either
            urls.append(_url(world, "program", a.program))
        for url in urls:
            assert c.get(url).status_code == 404
            assert c.post(url, DATA).status_code == 404
        assert not Indikator.objects.filter(program__isnull=False).exists()

    def test_a_parent_of_another_opd_or_level_is_not_found(self, client, world):
        a = world.a
        c = _login(client, world)
        pupr_program = a.sub_pupr.kegiatan.program
        for url in (
            _url(world, "program", pupr_program),  # the PUPR's program under the Dinkes' plan
            _url(world, "kegiatan", a.sub_pupr.kegiatan),  # and its kegiatan
            _url(world, "sub_kegiatan", a.sub),  # only program and kegiatan here
        ):
            assert c.post(url, DATA).status_code == 404
        assert not Indikator.objects.exists()

    def test_an_indicator_of_another_parent_is_not_found(self, client, world):
        a = world.a
        other = ps.indikator_create(
            actor=None, induk=a.sub, nama="Gedung", satuan="unit", rumus=1, target_tahunan=1
        )
        r = _login(client, world).get(_url(world, "program", a.program, other))
        assert r.status_code == 404
