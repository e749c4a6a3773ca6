"""Building a report (`laporan_run`, called by the task queue or, for an OPD's report, by the
request) and its progress, as the import jobs do it (decision 0021): ticks go to the
`shared` cache (one SQLite file for every process, or Redis), since the build runs in its own
transaction and a tick written to the row would stay invisible to the page polling it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

PROGRESS_TTL = 2 * 24 * 3600


def _key(pk: int, part: str) -> str:
    return f"laporan:{pk}:{part}"


def progress_tick(pk: int) -> Callable[[int, int], None]:
    cache = caches["shared"]

    def tick(done: int, total: int) -> None:
        cache.set_many(
            {
                _key(pk, "done"): int(done),
                _key(pk, "total"): int(total),
                _key(pk, "beat"): int(timezone.now().timestamp()),
            },
            PROGRESS_TTL,
        )

    return tick


def progress_of(pk: int) -> tuple[int, int] | None:
    got = caches["shared"].get_many([_key(pk, "done"), _key(pk, "total")])
    if _key(pk, "total") not in got:
        return None
    return got.get(_key(pk, "done"), 0), got[_key(pk, "total")]


def with_live_progress(laporan):
    if laporan.berjalan and (live := progress_of(laporan.pk)):
        laporan.progress_done, laporan.progress_total = live
    return laporan


def render_file(laporan, table, *, versi: str) -> bytes:
    """The report's file from a table (a fresh build, or a signed report's stored snapshot)."""
    from pantau.reports.choices import Format
    from pantau.reports.pdf import tabel_pdf
    from pantau.reports.xlsx import tabel_xlsx

    if laporan.format == Format.XLSX:
        return tabel_xlsx(table, judul_lembar=str(laporan.get_jenis_display()))
    return tabel_pdf(table, pemda=laporan.pemda, versi=versi)


def _render(laporan, actor, tick):
    from pantau.reports.selectors import permintaan_of, tabel_for
    from pantau.reports.ttd import blok_kosong

    tick(1, 3)
    table, rahasia = tabel_for(user=actor, p=permintaan_of(laporan))
    if not table.tanda_tangan:  # the empty signature block its kind needs (reports.ttd)
        table.tanda_tangan = blok_kosong(
            jenis=laporan.jenis,
            opd_id=laporan.opd_id,
            opd_nama=laporan.opd.nama if laporan.opd else "",
        )
    versi = table.versi()
    tick(2, 3)
    data = render_file(laporan, table, versi=versi)
    tick(3, 3)
    laporan.nama_berkas = f"{table.nama_berkas}.{laporan.format}"
    return data, table, rahasia


def laporan_run(laporan_id: int):
    """Build a queued report with the rights of whoever asked for it (never the system's):
    the table, the file (stored atomically in private storage), then the row marked done. A
    crash before the row is marked leaves it `berjalan` (failed later, the file unlisted)."""
    from pantau.core.storage import remove, store
    from pantau.reports.choices import Status
    from pantau.reports.models import LaporanResmi
    from pantau.reports.services import laporan_done, laporan_failed

    laporan = LaporanResmi.objects.select_related("tahun_anggaran__pemda", "opd", "pemda").get(
        pk=laporan_id
    )
    # only one worker takes a queued report, however often it was queued
    taken = LaporanResmi.objects.filter(pk=laporan.pk, status=Status.ANTRI).update(
        status=Status.BERJALAN, updated_at=timezone.now()
    )
    if not taken:
        laporan.refresh_from_db()
        return laporan
    actor = get_user_model().objects.filter(pk=laporan.dibuat_oleh_id, is_active=True).first()
    if actor is None:
        message = _("Akun yang meminta laporan ini tidak aktif lagi.")
        return laporan_failed(laporan=laporan, message=message)
    name = ""
    try:
        from django.utils import translation

        with translation.override(laporan.bahasa):
            data, table, rahasia = _render(laporan, actor, progress_tick(laporan.pk))
        name = store(data, suffix=f".{laporan.format}")
        return laporan_done(
            laporan=laporan, actor=actor, name=name, data=data, tabel=table, rahasia=rahasia
        )
    except Exception as exc:  # a report that cannot be built is marked failed, in words
        remove(name)
        log.exception("laporan %s gagal dibuat", laporan.pk)
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else ""
        return laporan_failed(
            laporan=laporan, actor=actor, message=message or _("Laporan gagal dibuat; coba lagi.")
        )


def laporan_enqueue(laporan) -> None:
    """Hand a queued report to the task queue once the asking transaction has committed."""
    from django.db import transaction

    from pantau.reports.tasks import build_laporan

    transaction.on_commit(lambda: build_laporan(laporan.pk))
