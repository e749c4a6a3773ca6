"""Formulir E.81 through the archive (issue 14 "Done when"): the head of the OPD signs the
quarter's E.81 ("Disusun"), the footer texts are then fixed, Bappeda's verifier signs
("Dievaluasi") and the report is final, with both signatures in the PDF; a later change of the
texts is a difference against the signed version, and a new version opens them again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pantau.core.storage import open_private
from pantau.reports import diff
from pantau.reports.jobs import laporan_run
from pantau.reports.selectors import Permintaan, tabel_for
from pantau.reports.selectors_e81 import e81_catatan_editable
from pantau.reports.services_arsip import laporan_new_version, laporan_sign
from pantau.reports.services_e81 import e81_catatan_save
from pantau.reports.tables import Tabel
from pantau.reports.tests.test_arsip import _pdf_text, _person
from pantau.reports.tests.test_e81 import _kw
from pantau.reports.tests.test_golden import _made
from pantau.reports.tests.worlds import e81

TEXTS = {
    "faktor_pendorong": "Dukungan puskesmas keliling.",
    "faktor_penghambat": "Cuaca buruk di bulan Juni.",
    "tindak_lanjut_triwulan": "Menambah tenaga kerja.",
    "tindak_lanjut_renja": "Target cakupan ditinjau ulang.",
}


def _save(a, who="kepala_opd", **changes):
    return e81_catatan_save(
        actor=a.users[who],
        opd=a.dinkes,
        tahun_anggaran=a.ta,
        triwulan=2,
        texts={**TEXTS, **changes},
    )


def test_e81_signed_by_the_opd_then_bappeda_fixed_texts_difference_and_new_version(world):
    a = e81(world)
    kepala = _person(a.users["kepala_opd"], "Wa Ode", "Sitti", "197501012000032001")
    verif = _person(a.users["verifikator"], "La Ode", "Amir", "196801011990031002")
    _save(a)
    kw = _kw(a)
    laporan, _data = _made(kepala, "pdf", **kw)
    assert laporan.jenis == "e81" and laporan.tahap == "draf"
    assert e81_catatan_editable(opd=a.dinkes, tahun_anggaran=a.ta, triwulan=2)

    # Bappeda may not sign first: the OPD's head signs first ("Disusun")
    with pytest.raises(ValidationError):
        laporan_sign(actor=verif, laporan=laporan, tempat="Wangi-Wangi")
    laporan = laporan_sign(actor=kepala, laporan=laporan, tempat="Wangi-Wangi")
    assert laporan.tahap == "draf" and laporan.tanda_tangan.count() == 1

    # signed by the OPD: the footer texts are fixed, in words, nothing changed
    assert not e81_catatan_editable(opd=a.dinkes, tahun_anggaran=a.ta, triwulan=2)
    with pytest.raises(ValidationError) as refused:
        _save(a, faktor_pendorong="Diubah setelah ditandatangani.")
    assert "sudah ditandatangani" in " ".join(refused.value.messages)
    from pantau.reports.models import E81Catatan

    assert (
        E81Catatan.objects.get(opd=a.dinkes, triwulan=2).faktor_pendorong
        == TEXTS["faktor_pendorong"]
    )

    laporan = laporan_sign(actor=verif, laporan=laporan, tempat="Wangi-Wangi")
    assert laporan.tahap == "final" and laporan.tanda_tangan.count() == 2
    snapshot = Tabel.dari_json(laporan.tabel)
    text = _pdf_text(open_private(laporan.berkas).read_bytes())
    if text is not None:
        for words in ("Wa Ode Sitti", "197501012000032001", "La Ode Amir", "196801011990031002",
                      "Wangi-Wangi", "Dukungan puskesmas keliling."):  # fmt: skip
            assert words in text, words

    # the data change later (a new quarter note cannot be saved; a plan change can): here the
    # signed snapshot is compared with today's table after the texts are written on version 2
    nxt = None
    with pytest.raises(ValidationError):  # nothing changed: no new version
        nxt = laporan_new_version(actor=kepala, laporan=laporan)
    assert nxt is None
    from pantau.planning.models import TargetRenstra

    target = TargetRenstra.objects.order_by("pk").first()
    assert target is not None
    TargetRenstra.objects.filter(pk=target.pk).update(target_k=target.target_k + 7)
    today, _r = tabel_for(user=kepala, p=Permintaan(**kw))
    assert not diff.beda(snapshot, today).kosong  # column 5 (target Renstra) changed
    v2 = laporan_new_version(actor=kepala, laporan=laporan)
    assert v2.versi == 2 and v2.pendahulu_id == laporan.pk and v2.tahap == "draf"
    v2 = laporan_run(v2.pk)
    assert v2.status == "selesai", v2.pesan
    # version 2 is an unsigned draft: the texts open again, the signed version 1 stays final
    assert e81_catatan_editable(opd=a.dinkes, tahun_anggaran=a.ta, triwulan=2)
    _save(a, faktor_pendorong="Ditulis ulang untuk versi 2.")
    laporan.refresh_from_db()
    assert laporan.tahap == "final" and laporan.tanda_tangan.count() == 2
