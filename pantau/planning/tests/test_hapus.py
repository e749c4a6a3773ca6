"""Deleting parts of a plan: refused once reports exist, a program or kegiatan only when empty,
the guard holds, audited, and the roll-ups follow."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import verified
from pantau.audit.models import AuditEvent
from pantau.evaluation import rollup
from pantau.planning.models import DokumenRencana, Kegiatan, Program, SubKegiatan
from pantau.planning.services_dokumen import dokumen_create
from pantau.planning.services_hapus import kegiatan_delete, program_delete, sub_kegiatan_delete

pytestmark = pytest.mark.django_db


def test_a_sub_kegiatan_without_reports_is_deleted_audited_and_the_rollups_follow(world):
    sub_kegiatan_delete(actor=world.a.users["operator_opd"], sub_kegiatan=world.a.sub2)
    assert not SubKegiatan.objects.filter(pk=world.a.sub2.pk).exists()
    assert AuditEvent.objects.filter(action="sub_kegiatan.delete").count() == 1
    assert rollup.check() == []


def test_a_sub_kegiatan_with_reports_is_not_deleted(world):
    verified(world.a, world.a.sub, 1, Decimal(10_000_000), Decimal(5))
    with pytest.raises(ValidationError, match="sudah punya laporan"):
        sub_kegiatan_delete(actor=None, sub_kegiatan=world.a.sub)
    assert SubKegiatan.objects.filter(pk=world.a.sub.pk).exists()
    assert not AuditEvent.objects.filter(action="sub_kegiatan.delete").exists()


def test_a_program_or_kegiatan_with_children_is_not_deleted(world):
    with pytest.raises(ValidationError, match="Hapus dulu kegiatan"):
        program_delete(actor=None, program=world.a.program)
    with pytest.raises(ValidationError, match="Hapus dulu sub kegiatan"):
        kegiatan_delete(actor=None, kegiatan=world.a.kegiatan)
    assert Program.objects.filter(pk=world.a.program.pk).exists()


def test_an_empty_kegiatan_and_program_are_deleted(world):
    keg = world.a.sub_pupr.kegiatan
    sub_kegiatan_delete(actor=None, sub_kegiatan=world.a.sub_pupr)
    kegiatan_delete(actor=None, kegiatan=keg)
    program_delete(actor=None, program=keg.program)
    assert not Kegiatan.objects.filter(pk=keg.pk).exists()
    assert rollup.check() == []


def test_deleting_is_guarded(world):
    doc = dokumen_create(actor=None, tahun_anggaran=world.a.ta, opd=world.a.dinkes)
    DokumenRencana.objects.filter(pk=doc.pk).update(status="dikunci")
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        sub_kegiatan_delete(actor=None, sub_kegiatan=world.a.sub2)
    assert SubKegiatan.objects.filter(pk=world.a.sub2.pk).exists()


def test_delete_on_screen_own_opd_only(client, world):
    a = world.a
    client.force_login(a.users["operator_opd"])
    url = reverse("planning:hapus", args=[a.pupr.pk, 2026])
    assert client.post(url, {"jenis": "sub_kegiatan", "pk": a.sub_pupr.pk}).status_code == 404
    url = reverse("planning:hapus", args=[a.dinkes.pk, 2026])
    assert client.post(url, {"jenis": "sub_kegiatan", "pk": a.sub_pupr.pk}).status_code == 404
    assert client.post(url, {"jenis": "sub_kegiatan", "pk": a.sub2.pk}).status_code == 302
    assert not SubKegiatan.objects.filter(pk=a.sub2.pk).exists()
    assert SubKegiatan.objects.filter(pk=a.sub_pupr.pk).exists()
