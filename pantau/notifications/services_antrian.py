"""Notices of the work queues (issue 11 §6, decision 0025): a submitted report to the head of
its OPD, an approved one to Bappeda's verifikators, a bulk verification to each OPD once.

Against flooding: a person who still has an unread notice of the same queue and OPD gets no
second one (the first one leads into the queue, where "Berikutnya" walks through the rest), and
a bulk run sends one notice per OPD. A `rahasia` report is announced only to people who may read
it. Created by the task queue after the step committed, like every notice.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from pantau.notifications.models import Notifikasi
from pantau.notifications.services import notifikasi_create, recipients
from pantau.organisations.choices import Role

LIST_MAX = 20


def _actor_label(actor_id: int | None, pemda_id: int) -> str:
    from django.contrib.auth import get_user_model

    from pantau.organisations.selectors import person_label

    if not actor_id:
        return ""
    actor = get_user_model().objects.prefetch_related("memberships__opd").filter(pk=actor_id)
    return person_label(actor.first(), pemda_id=pemda_id)


@transaction.atomic
def waiting_notice(*, realisasi_id: int, name: str, actor_id: int | None) -> list[Notifikasi]:
    """A report entered a queue: submitted (to the OPD's head) or approved (to Bappeda)."""
    from pantau.monitoring.models import Realisasi
    from pantau.monitoring.queues import PERSETUJUAN, VERIFIKASI, Antrian
    from pantau.organisations.rahasia import may_read_rahasia

    r = Realisasi.objects.select_related("sub_kegiatan", "periode__tahun_anggaran", "opd").get(
        pk=realisasi_id
    )
    values = {"periode": r.periode, "sub": r.sub_kegiatan.kode, "opd": r.opd.singkatan}
    if name == "submit":
        jenis, antrian = PERSETUJUAN, Antrian(jenis=PERSETUJUAN)
        users = recipients(pemda_id=r.pemda_id, opd_id=r.opd_id, roles={Role.KEPALA_OPD})
        judul = _("Laporan menunggu persetujuan: %(sub)s") % {"sub": r.sub_kegiatan.nama[:120]}
        isi = (
            _("Laporan %(periode)s untuk %(sub)s diajukan dan menunggu persetujuan Anda.") % values
        )
    else:
        jenis, antrian = VERIFIKASI, Antrian(jenis=VERIFIKASI, opd=r.opd_id)
        users = recipients(pemda_id=r.pemda_id, opd_id=None, roles={Role.VERIFIKATOR})
        judul = _("Laporan %(opd)s menunggu verifikasi") % values
        isi = (
            _(
                "Laporan %(periode)s untuk %(sub)s (%(opd)s) disetujui kepala OPD dan menunggu "
                "verifikasi."
            )
            % values
        )
    oleh = _actor_label(actor_id, r.pemda_id)
    if oleh:
        isi = f"{isi} ({_('oleh %(orang)s') % {'orang': oleh}})"
    prefix = f"antrian:{jenis}:{r.opd_id}:"
    unread = set(
        Notifikasi.objects.filter(
            kunci__startswith=prefix, dibaca_pada__isnull=True, user__in=users
        ).values_list("user_id", flat=True)
    )
    users = [u for u in users if u.pk not in unread and may_read_rahasia(u, r.sub_kegiatan)]
    step = r.riwayat.order_by("-id").values_list("id", flat=True).first() or 0
    url = reverse("monitoring:laporan", args=[r.sub_kegiatan_id, r.periode.bulan])
    return notifikasi_create(
        users=users,
        pemda_id=r.pemda_id,
        judul=judul,
        isi=isi,
        url=f"{url}?{antrian.query()}",
        kunci=f"{prefix}{r.pk}:{step}",
    )


@transaction.atomic
def bulk_verify_notice(
    *, opd_id: int, realisasi_ids: list[int], actor_id: int | None
) -> list[Notifikasi]:
    """One notice to an OPD's operators and head for all of its reports of one bulk run."""
    from pantau.monitoring.models import Realisasi, RiwayatStatus

    reports = list(
        Realisasi.objects.filter(pk__in=realisasi_ids, opd_id=opd_id)
        .select_related("sub_kegiatan", "periode__tahun_anggaran", "opd")
        .order_by("periode__bulan", "sub_kegiatan__kode")
    )
    if not reports:
        return []
    first = reports[0]
    names = [f"{r.sub_kegiatan.kode} ({r.periode})" for r in reports[:LIST_MAX]]
    if len(reports) > LIST_MAX:
        names.append(_("dan %(n)d lainnya") % {"n": len(reports) - LIST_MAX})
    judul = _("%(n)d laporan %(opd)s diverifikasi Bappeda") % {
        "n": len(reports),
        "opd": first.opd.singkatan,
    }
    isi = _("Bappeda memverifikasi laporan berikut: %(daftar)s.") % {"daftar": "; ".join(names)}
    oleh = _actor_label(actor_id, first.pemda_id)
    if oleh:
        isi = f"{isi} ({_('oleh %(orang)s') % {'orang': oleh}})"
    last_step = (
        RiwayatStatus.objects.filter(realisasi__in=reports)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    digest = hashlib.sha256(",".join(str(r.pk) for r in reports).encode()).hexdigest()[:16]
    url = reverse("monitoring:daftar") + (
        f"?opd={opd_id}&tahun={first.periode.tahun_anggaran.tahun}&bulan={first.periode.bulan}"
    )
    return notifikasi_create(
        users=recipients(
            pemda_id=first.pemda_id, opd_id=opd_id, roles={Role.OPERATOR_OPD, Role.KEPALA_OPD}
        ),
        pemda_id=first.pemda_id,
        judul=judul,
        isi=isi,
        url=url,
        kunci=f"massal:{opd_id}:{digest}:{last_step}",
    )
