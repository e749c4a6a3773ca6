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


def test_a_delete_event_names_every_row_that_goes_with_it(world):
    """Every change is traceable: the cash plan, funding sources and indicators of a sub
    kegiatan, and a program's indicators with their Renstra target and its sasaran links, are
    listed in the delete event (the roll-up rows, derived, are not)."""
    from conftest import YEAR
    from pantau.planning.models import RencanaBulanan
    from pantau.planning.services import indikator_create
    from pantau.planning.services_renstra import (
        periode_renstra_create,
        program_sasaran_set,
        renstra_indikator_set,
        sasaran_create,
    )

    a = world.a
    plan = sorted(RencanaBulanan.objects.filter(sub_kegiatan=a.sub).values_list("pk", flat=True))
    assert plan
    sub_kegiatan_delete(actor=None, sub_kegiatan=a.sub)
    removed = AuditEvent.objects.get(action="sub_kegiatan.delete").changes["_removed"]
    assert [r["id"] for r in removed["planning.rencanabulanan"]] == plan
    assert removed["planning.rencanabulanan"][0]["sub_kegiatan_id"] == a.sub.pk
    assert not any(label.startswith("evaluation.") for label in removed)

    keg = a.sub_pupr.kegiatan
    program = keg.program
    periode = periode_renstra_create(
        actor=None, opd=a.pupr, tahun_awal=YEAR - 1, tahun_akhir=YEAR + 3
    )
    s1 = sasaran_create(actor=None, periode=periode, kode="S1", uraian="Jalan mantap")
    program_sasaran_set(actor=None, program=program, sasaran=[s1])
    outcome = indikator_create(
        actor=None, induk=program, nama="Kemantapan jalan", satuan="%", rumus=1, target_tahunan=70
    )
    renstra_indikator_set(actor=None, indikator=outcome, target_k="80")
    sub_kegiatan_delete(actor=None, sub_kegiatan=a.sub_pupr)
    kegiatan_delete(actor=None, kegiatan=keg)
    program_delete(actor=None, program=program)
    removed = AuditEvent.objects.get(action="program.delete").changes["_removed"]
    assert [r["id"] for r in removed["planning.indikator"]] == [outcome.pk]
    assert removed["planning.targetrenstra"][0]["target_k"] == "80"
    assert removed["planning.programsasaran"][0]["sasaran_id"] == s1.pk
    assert rollup.check() == []


def test_the_audit_page_shows_what_went_with_a_deletion(client, world):
    sub_kegiatan_delete(actor=None, sub_kegiatan=world.a.sub)
    event = AuditEvent.objects.get(action="sub_kegiatan.delete")
    client.force_login(world.a.users["auditor"])
    page = client.get(reverse("audit:detail", args=[event.pk])).content.decode()
    assert "Sebelum dihapus" in page and "Ikut terhapus" in page
    assert "rencana bulanan" in page and "planning.rencanabulanan" not in page
