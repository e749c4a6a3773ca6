"""Every row of a dashboard drill-down for its download (issue 11 §5): the page's queryset in
the page's order, not one page of 50, prepared and audited as `rincian_halaman` does for a page
(an indicator row gets its achievement and category; each rahasia item is recorded as read)."""

from __future__ import annotations

from pantau.evaluation.achievement import CATATAN, capaian
from pantau.evaluation.categories import kategori_for
from pantau.evaluation.selectors import Rincian


def rincian_semua(*, user, rincian: Rincian) -> list:
    from pantau.organisations.rahasia import audit_rahasia_list

    rows = list(rincian.rows)
    if rincian.jenis == "indikator":
        for row in rows:
            row.hasil = capaian(row.indikator.rumus, row.target, row.realisasi)
            row.kategori = kategori_for(row.hasil.persen)
            row.catatan_label = CATATAN.get(row.hasil.catatan, "")
        shown = [r.indikator for r in rows]
        shown += [i.sub_kegiatan for i in shown if i.sub_kegiatan_id]
    else:
        shown = [r.sub_kegiatan for r in rows]
    audit_rahasia_list(user=user, objs=shown, where=f"unduhan rincian dasbor ({rincian.jenis})")
    return rows
