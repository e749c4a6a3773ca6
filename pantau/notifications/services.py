"""Notifications: created by the task queue, never inside the request that caused them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.notifications.models import Notifikasi
from pantau.organisations.choices import Role
from pantau.organisations.models import Membership

log = logging.getLogger(__name__)


def notify_transition(*, realisasi, name: str, actor, catatan: str) -> None:
    """`monitoring.transition_done`, after commit: queue the notices of a workflow step."""
    if name not in {"submit", "approve", "return_opd", "return_bappeda", "verify"}:
        return
    from pantau.notifications.tasks import send_transition_notice

    send_transition_notice(realisasi.pk, name, actor.pk if actor else None, catatan)


def notify_bulk_verify(*, realisasi_ids: list[int], actor) -> None:
    """`monitoring.reports_verified_in_bulk`, after commit: one notice task per OPD of the run."""
    from pantau.monitoring.models import Realisasi
    from pantau.notifications.tasks import send_bulk_verify_notice

    by_opd: dict[int, list[int]] = {}
    for pk, opd_id in Realisasi.objects.filter(pk__in=realisasi_ids).values_list("pk", "opd_id"):
        by_opd.setdefault(opd_id, []).append(pk)
    for opd_id, ids in sorted(by_opd.items()):
        send_bulk_verify_notice(opd_id, sorted(ids), actor.pk if actor else None)


def notify_reopen(*, opening) -> None:
    """`monitoring.period_reopened`, after commit: queue the notice of a reopened period."""
    from pantau.notifications.tasks import send_reopen_notice

    send_reopen_notice(opening.pk)


@transaction.atomic
def reopen_notice(*, opening_id: int) -> list[Notifikasi]:
    """Tell the OPD's operators and head that a period was reopened, until when, and why."""
    from django.utils.formats import date_format

    from pantau.monitoring.models import PembukaanPeriode

    o = PembukaanPeriode.objects.select_related("periode__tahun_anggaran", "opd").get(pk=opening_id)
    judul = _("Periode %(p)s dibuka kembali") % {"p": o.periode}
    isi = _(
        "Periode %(p)s dibuka kembali untuk %(opd)s sampai %(d)s. Alasan: %(a)s. Laporan yang "
        "sudah diverifikasi tetap berlaku; koreksi dibuat sebagai versi baru dan diverifikasi lagi."
    ) % {
        "p": o.periode,
        "opd": o.opd.singkatan,
        "d": date_format(o.berlaku_sampai, "j F Y"),
        "a": o.alasan,
    }
    users = recipients(
        pemda_id=o.pemda_id, opd_id=o.opd_id, roles={Role.OPERATOR_OPD, Role.KEPALA_OPD}
    )
    return notifikasi_create(
        users=users,
        pemda_id=o.pemda_id,
        judul=judul,
        isi=isi,
        url=reverse("monitoring:daftar") + f"?tahun={o.periode.tahun_anggaran.tahun}"
        f"&bulan={o.periode.bulan}",
        kunci=f"pembukaan:{o.pk}",
    )


def notify_dokumen(*, dokumen, name: str, actor, catatan: str) -> None:
    """`planning.dokumen_transition`, after commit: queue the notice to the next person."""
    from pantau.notifications.tasks import send_dokumen_notice

    send_dokumen_notice(dokumen.pk, name, catatan)


DOKUMEN_NOTICE_ROLES = {
    "ajukan": {Role.VERIFIKATOR},
    "validasi": {Role.VERIFIKATOR, Role.ADMIN},
    "kunci": {Role.OPERATOR_OPD, Role.KEPALA_OPD},
    "kembalikan": {Role.OPERATOR_OPD, Role.KEPALA_OPD},
}


@transaction.atomic
def dokumen_notice(*, dokumen_id: int, name: str, catatan: str) -> list[Notifikasi]:
    """Tell the next person about a plan version's step: Bappeda that it waits for validation
    or locking, the OPD that it was locked or returned (with the note)."""
    from pantau.planning.models import DokumenRencana

    d = DokumenRencana.objects.select_related("opd", "tahun_anggaran").get(pk=dokumen_id)
    args = {"opd": d.opd.singkatan, "v": d.versi, "t": d.tahun_anggaran.tahun}
    texts = {
        "ajukan": _("Rencana %(opd)s TA %(t)s versi %(v)s diajukan: menunggu validasi Bappeda."),
        "validasi": _("Rencana %(opd)s TA %(t)s versi %(v)s divalidasi: siap dikunci."),
        "kunci": _("Rencana %(opd)s TA %(t)s versi %(v)s dikunci sebagai DPA dan berlaku."),
        "kembalikan": _("Rencana %(opd)s TA %(t)s versi %(v)s dikembalikan dengan catatan: %(c)s"),
    }
    isi = texts[name] % {**args, "c": catatan}
    roles = DOKUMEN_NOTICE_ROLES[name]
    opd_id = d.opd_id if name in {"kunci", "kembalikan"} else None
    users = recipients(pemda_id=d.pemda_id, opd_id=opd_id, roles=roles)
    return notifikasi_create(
        users=users,
        pemda_id=d.pemda_id,
        judul=isi[:200],
        isi=isi,
        url=reverse("planning:rencana-opd", args=[d.opd_id, d.tahun_anggaran.tahun]),
        kunci=f"dokumen:{d.pk}:{name}:{d.updated_at.timestamp():.0f}",
    )


def recipients(*, pemda_id: int, opd_id: int | None, roles: set[str]):
    qs = Membership.objects.filter(pemda_id=pemda_id, role__in=roles, user__is_active=True)
    if opd_id is not None:
        qs = qs.filter(opd_id=opd_id)
    return get_user_model().objects.filter(pk__in=qs.values("user_id"))


@transaction.atomic
def notifikasi_create(
    *, users, pemda_id: int, judul: str, isi: str, url: str = "", kunci: str = ""
) -> list[Notifikasi]:
    """Create in-app notifications (skipping duplicates by key) and send their e-mails."""
    created = []
    for user in users:
        key = f"{kunci}:{user.pk}" if kunci else None
        if key and Notifikasi.objects.filter(kunci=key).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notifikasi.objects.create(
                        pemda_id=pemda_id, user=user, judul=judul, isi=isi, url=url, kunci=key
                    )
                )
        except IntegrityError:  # a concurrent worker created it first
            continue
    if created:
        audit_record(
            actor=None,
            action="notifikasi.send",
            object_type="notifications.notifikasi",
            object_repr=judul[:200],
            pemda_id=pemda_id,
            changes={"_summary": {"users": [n.user_id for n in created], "kunci": kunci}},
        )
    ids = [n.pk for n in created if n.user.email]
    if ids:  # e-mail leaves only after the rows are committed, and never twice
        transaction.on_commit(lambda: _send_emails(ids))
    return created


def _send_emails(ids: list[int]) -> int:
    """Send the e-mail copy of these notifications once each (guarded by email_terkirim)."""
    sent = 0
    for note in Notifikasi.objects.filter(pk__in=ids, email_terkirim=False).select_related("user"):
        try:
            send_mail(
                note.judul,
                f"{note.isi}\n\n{settings.PANTAU_BASE_URL}{note.url}",
                None,
                [note.user.email],
            )
        except OSError:
            log.exception("e-mail to %s failed", note.user.email)
            continue
        Notifikasi.objects.filter(pk=note.pk).update(email_terkirim=True)
        sent += 1
    return sent


@transaction.atomic
def transition_notice(
    *, realisasi_id: int, name: str, catatan: str, actor_id: int | None = None
) -> list[Notifikasi]:
    """The notices of a workflow step; the person who took it is named with their position.
    A submission goes to the OPD's head and an approval to Bappeda (`notices_antrian`), a return
    or a verification to the OPD."""
    if name in {"submit", "approve"}:
        from pantau.notifications.services_antrian import waiting_notice

        return waiting_notice(realisasi_id=realisasi_id, name=name, actor_id=actor_id)
    from django.contrib.auth import get_user_model

    from pantau.monitoring.models import Realisasi
    from pantau.organisations.selectors import person_label

    r = Realisasi.objects.select_related("sub_kegiatan", "periode__tahun_anggaran", "opd").get(
        pk=realisasi_id
    )
    url = reverse("monitoring:laporan", args=[r.sub_kegiatan_id, r.periode.bulan])
    actor = (
        get_user_model().objects.prefetch_related("memberships__opd").filter(pk=actor_id).first()
        if actor_id
        else None
    )
    oleh = person_label(actor, pemda_id=r.pemda_id)
    if name == "verify":
        judul = _("Laporan diverifikasi: %(sub)s") % {"sub": r.sub_kegiatan.nama[:120]}
        isi = _("Laporan %(periode)s untuk %(sub)s telah diverifikasi Bappeda.") % {
            "periode": r.periode,
            "sub": r.sub_kegiatan.kode,
        }
        roles = {Role.OPERATOR_OPD, Role.KEPALA_OPD}
    else:
        judul = _("Laporan dikembalikan: %(sub)s") % {"sub": r.sub_kegiatan.nama[:120]}
        isi = _("Laporan %(periode)s untuk %(sub)s dikembalikan dengan catatan: %(c)s") % {
            "periode": r.periode,
            "sub": r.sub_kegiatan.kode,
            "c": catatan,
        }
        roles = (
            {Role.OPERATOR_OPD} if name == "return_opd" else {Role.OPERATOR_OPD, Role.KEPALA_OPD}
        )
    if oleh:
        isi = f"{isi} ({_('oleh %(orang)s') % {'orang': oleh}})"
    users = recipients(pemda_id=r.pemda_id, opd_id=r.opd_id, roles=roles)
    return notifikasi_create(users=users, pemda_id=r.pemda_id, judul=judul, isi=isi, url=url)


@transaction.atomic
def send_reminders(*, today=None) -> int:
    """Remind OPDs with missing reports in the days before each cut-off. Returns notices sent."""
    from pantau.monitoring.selectors import missing_reports_by_opd
    from pantau.monitoring.workflow import today_in
    from pantau.organisations.models import Pemda

    sent = 0
    for pemda in Pemda.objects.filter(aktif=True):
        day = today or today_in(pemda)
        for periode, opd, missing in missing_reports_by_opd(pemda=pemda, today=day):
            users = recipients(
                pemda_id=pemda.pk, opd_id=opd.pk, roles={Role.OPERATOR_OPD, Role.KEPALA_OPD}
            )
            judul = _("Pengingat: laporan %(p)s belum lengkap") % {"p": periode}
            isi = _("%(n)d sub kegiatan %(opd)s belum diajukan. Batas waktu: %(d)s.") % {
                "n": missing,
                "opd": opd.singkatan,
                "d": periode.batas_waktu.strftime("%d-%m-%Y"),
            }
            sent += len(
                notifikasi_create(
                    users=users,
                    pemda_id=pemda.pk,
                    judul=judul,
                    isi=isi,
                    url=reverse("monitoring:daftar"),
                    kunci=f"pengingat:{periode.pk}:{opd.pk}:{day.isoformat()}",
                )
            )
    return sent


@transaction.atomic
def notifikasi_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notifikasi.objects.filter(user=user, dibaca_pada__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    marked = list(qs.values_list("pk", flat=True))
    if marked:
        qs.update(dibaca_pada=timezone.now())
        audit_record(
            actor=user,
            action="notifikasi.read",
            object_type="notifications.notifikasi",
            changes={"_summary": {"ids": marked}},
        )
    return len(marked)
