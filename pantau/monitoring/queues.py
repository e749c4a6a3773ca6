"""Work queues (issue 11 §6, decision 0025): the reports a head of OPD has to approve and the
reports Bappeda has to verify, read through the same scope and classification as every other
page. A report the user may not read (`rahasia` for a non-reader, another OPD, another pemda) is
never listed, counted or reached by "next".

Order (stated on the pages and in the user guide): the longest-waiting first, by the moment the
report entered its present state (its submission for the head, its approval or submission for
Bappeda), then OPD code, sub kegiatan code, month and id, so that the order is total and stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from pantau.core.numbers import int_param
from pantau.monitoring.choices import StatusRealisasi as S
from pantau.monitoring.models import Realisasi, RiwayatStatus
from pantau.organisations.access import scope_for
from pantau.organisations.choices import Role

PERSETUJUAN = "persetujuan"
VERIFIKASI = "verifikasi"
VERIFY_STATUSES = (S.DISETUJUI, S.DIAJUKAN)
PAGE_SIZE = 25
ORDER = ("menunggu_sejak", "opd__kode", "sub_kegiatan__kode", "periode__bulan", "pk")


@dataclass(frozen=True)
class Antrian:
    """A queue and its filter, read from a query string and written back into links."""

    jenis: str = VERIFIKASI
    status: str = S.DISETUJUI  # verification queue only: disetujui (default) or diajukan
    opd: int | None = None
    tahun: int | None = None
    bulan: int | None = None
    peringatan: str = ""  # "ada", "tanpa" or "" (both)
    q: str = ""

    @classmethod
    def from_query(cls, data, jenis: str | None = None) -> Antrian:
        jenis = jenis or data.get("antrian", "")
        if jenis not in {PERSETUJUAN, VERIFIKASI}:
            raise Http404
        status = data.get("status", S.DISETUJUI)
        return cls(
            jenis=jenis,
            status=status if status in VERIFY_STATUSES else S.DISETUJUI,
            opd=int_param(data.get("opd")),
            tahun=int_param(data.get("tahun"), lo=2000, hi=2100),
            bulan=int_param(data.get("bulan"), lo=1, hi=12),
            peringatan=data.get("peringatan", "")
            if data.get("peringatan") in {"ada", "tanpa"}
            else "",
            q=(data.get("q") or "").strip()[:100],
        )

    def params(self, **extra) -> dict[str, str]:
        """The filter as query parameters (defaults left out), plus `extra`."""
        values = {
            "antrian": self.jenis,
            "status": self.status if self.jenis == VERIFIKASI else "",
            "opd": self.opd or "",
            "tahun": self.tahun or "",
            "bulan": self.bulan or "",
            "peringatan": self.peringatan,
            "q": self.q,
        }
        values.update(extra)
        return {k: str(v) for k, v in values.items() if v not in ("", None)}

    def query(self, **extra) -> str:
        return urlencode(self.params(**extra))


def queue_role(user, jenis: str) -> str:
    return Role.KEPALA_OPD if jenis == PERSETUJUAN else Role.VERIFIKATOR


def _base(user, jenis: str) -> QuerySet[Realisasi]:
    """The reports this user works on in this queue, before the filter: the head's own OPDs in
    pemdas where the user is head, or every OPD of the pemdas where the user is verifikator;
    always without what the user may not read."""
    from pantau.organisations.rahasia import rahasia_visible_q

    scope = scope_for(user)
    role = queue_role(user, jenis)
    pemdas = [p for p, r in scope.roles.items() if r == role]
    if jenis == PERSETUJUAN:
        where = Q(pemda_id__in=pemdas, opd_id__in=scope.opd_ids, status=S.DIAJUKAN)
    else:
        where = Q(pemda_id__in=[p for p in pemdas if p in scope.pemda_ids])
    since = RiwayatStatus.objects.filter(realisasi=OuterRef("pk"), ke=OuterRef("status"))
    return (
        Realisasi.objects.filter(where)
        .filter(rahasia_visible_q(user, "sub_kegiatan__"))
        .annotate(
            menunggu_sejak=Coalesce(
                Subquery(since.order_by("-created_at", "-id").values("created_at")[:1]),
                F("updated_at"),
            )
        )
    )


def may_use(user, jenis: str) -> bool:
    role = queue_role(user, jenis)
    return role in scope_for(user).roles.values()


def queue_reports(*, user, antrian: Antrian) -> QuerySet[Realisasi]:
    """The queue's reports with the filter applied, in the stated order."""
    qs = _base(user, antrian.jenis)
    if antrian.jenis == VERIFIKASI:
        qs = qs.filter(status=antrian.status)
    if antrian.opd:
        qs = qs.filter(opd_id=antrian.opd)
    if antrian.tahun:
        qs = qs.filter(periode__tahun_anggaran__tahun=antrian.tahun)
    if antrian.bulan:
        qs = qs.filter(periode__bulan=antrian.bulan)
    if antrian.peringatan == "ada":
        qs = qs.exclude(peringatan=[])
    elif antrian.peringatan == "tanpa":
        qs = qs.filter(peringatan=[])
    if antrian.q:
        text = antrian.q
        qs = qs.filter(
            Q(sub_kegiatan__kode__icontains=text)
            | Q(sub_kegiatan__nama__icontains=text)
            | Q(opd__nama__icontains=text)
            | Q(opd__singkatan__icontains=text)
        )
    return qs.select_related(
        "opd", "sub_kegiatan__tahun_anggaran", "periode__tahun_anggaran"
    ).order_by(*ORDER)


def approval_count(*, user) -> int:
    """How many reports of the head's OPDs wait for their approval ("N laporan menunggu
    persetujuan"); 0 for anyone who is not a head of OPD."""
    if not may_use(user, PERSETUJUAN):
        return 0
    return _base(user, PERSETUJUAN).count()


def verification_count(*, user) -> int:
    """How many approved reports wait for this verifikator."""
    if not may_use(user, VERIFIKASI):
        return 0
    return _base(user, VERIFIKASI).filter(status=S.DISETUJUI).count()


def queue_counts(*, user) -> dict[str, int]:
    """The banners of the home and reports pages."""
    return {
        "antrian_persetujuan": approval_count(user=user),
        "antrian_verifikasi": verification_count(user=user),
    }


def queue_place(*, user, antrian: Antrian, current_pk: int) -> tuple[int, int]:
    """This report's place in the queue (1-based) and the queue's length; place 0 when it is
    not (or no longer) in it."""
    ids = list(queue_reports(user=user, antrian=antrian).values_list("pk", flat=True))
    return (ids.index(current_pk) + 1 if current_pk in ids else 0), len(ids)


def next_report(*, user, antrian: Antrian, current_pk: int) -> Realisasi | None:
    """The report after this one in the queue (with its filter); when this one is the last (or
    has left the queue), the first waiting one that is not this one."""
    ids = list(queue_reports(user=user, antrian=antrian).values_list("pk", flat=True))
    if current_pk in ids:
        at = ids.index(current_pk)
        ids = ids[at + 1 :] + ids[:at]
    ids = [i for i in ids if i != current_pk]
    if not ids:
        return None
    return Realisasi.objects.select_related("periode").get(pk=ids[0])


def opd_choices(*, user, antrian: Antrian):
    """The OPDs the queue's filter offers: those of the user's scope for this queue."""
    from pantau.organisations.models import Opd

    scope = scope_for(user)
    role = queue_role(user, antrian.jenis)
    pemdas = [p for p, r in scope.roles.items() if r == role]
    qs = Opd.objects.filter(pemda_id__in=pemdas, aktif=True)
    if antrian.jenis == PERSETUJUAN:
        qs = qs.filter(pk__in=scope.opd_ids)
    return qs.order_by("kode")


def version_token(report: Realisasi) -> str:
    """What a list showed of a report: its state, version and last change. A bulk step refuses
    a report whose token moved since the list was drawn."""
    return f"{report.status}.{report.versi}.{report.updated_at.timestamp():.6f}"


def queue_page(*, user, antrian: Antrian, number):
    """One page of the queue (`PAGE_SIZE` reports) with the figures a decision needs; a
    `rahasia` report a reader sees listed is recorded like every rahasia read."""
    from django.core.paginator import Paginator

    from pantau.organisations.rahasia import audit_rahasia_list

    page = Paginator(queue_reports(user=user, antrian=antrian), PAGE_SIZE).get_page(number)
    for report in page.object_list:
        report.tanda = version_token(report)
    audit_rahasia_list(
        user=user, objs=[r.sub_kegiatan for r in page.object_list], where=f"antrian {antrian.jenis}"
    )
    return page


def queue_years(*, user, antrian: Antrian) -> list[int]:
    from pantau.monitoring.models import PeriodeLaporan

    pemdas = [p for p, r in scope_for(user).roles.items() if r == queue_role(user, antrian.jenis)]
    return list(
        PeriodeLaporan.objects.filter(pemda_id__in=pemdas)
        .values_list("tahun_anggaran__tahun", flat=True)
        .distinct()
        .order_by("-tahun_anggaran__tahun")
    )
