"""Signed-in sessions (decision 0026): the idle timeout and the absolute lifetime, the list of a
person's sessions (`/akun/sesi/`), and ending them.

Each session carries its start and last-seen moments (real time, `time.time()`, so that a test
clock moving the domain's "now" does not sign anyone out) and a random token set at sign-in; its
`SesiMasuk` row is found by the token's SHA-256 (the token lives in the session's data, so it
survives Django's `cycle_key()` at a password change; neither token nor key is stored in the
row, so a copy of the table signs no one in). The middleware signs a session out when it is past either limit, when
its row was ended (by `akhiri_sesi`: a password, role or OPD change, a deactivation, or the
person themself), or when it has no row or no start (a session from before this feature, or
a forged one). Signing out flushes the session, which deletes it from whatever session engine
is configured. Nothing here depends on the engine: rows are found by the key's hash, and a
session's data is removed the next time its cookie comes back (or by `clearsessions` once its
cookie age, `SESSION_COOKIE_AGE`, has passed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from pantau.audit.services import audit_record
from pantau.core import logs
from pantau.core.clientip import client_address
from pantau.organisations.models import Membership, SesiMasuk

TOKEN = "pantau_sesi_id"  # noqa: S105 - a session key name, not a secret # nosec B105
START = "pantau_sesi_mulai"
SEEN = "pantau_sesi_terakhir"
PEMDA = "pantau_sesi_pemda"  # the pemda named on this session's log lines (decision 0035)
TOUCH_EVERY_S = 60  # last-seen is written at most once a minute per session


def kunci_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(session_key: str | None) -> str | None:
    """The token in the data of the session with this key (any session engine)."""
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return store.get(TOKEN)


def _now() -> dt.datetime:
    return dt.datetime.fromtimestamp(time.time(), tz=dt.UTC)


def perangkat(user_agent: str) -> str:
    """A short, human summary of a User-Agent ("Chrome, Android"), for the person to recognise
    their own devices; the full string is not kept."""
    ua = user_agent or ""
    browsers = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    systems = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    browser = next((name for token, name in browsers if token in ua), "")
    system = next((name for token, name in systems if token in ua), "")
    summary = ", ".join(p for p in (browser, system) if p)
    return summary or ua[:60] or _("tidak dikenal")


def _pemda_id(user) -> int | None:
    return Membership.objects.filter(user=user).values_list("pemda_id", flat=True).first()


def sesi_mulai(sender=None, *, request, user, **kwargs) -> None:
    """At sign-in (Django's `user_logged_in`): stamp the session and start its row. Session
    plumbing, not a domain write: the sign-in itself is audited by the audit app."""
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    token = secrets.token_urlsafe(32)
    now = time.time()
    session[TOKEN] = token
    session[START] = now
    session[SEEN] = now
    session[PEMDA] = _pemda_id(user)
    moment = _now()
    SesiMasuk.objects.update_or_create(
        kunci_hash=kunci_hash(token),
        defaults={
            "user": user,
            "alamat": client_address(request)[:45],
            "perangkat": perangkat(request.META.get("HTTP_USER_AGENT", ""))[:120],
            "dibuat": moment,
            "terakhir": moment,
            "berakhir": None,
            "alasan": "",
        },
    )


def sesi_selesai(sender=None, *, request, user, **kwargs) -> None:
    """At sign-out (Django's `user_logged_out`): the row of this session is ended."""
    session = getattr(request, "session", None)
    token = session.get(TOKEN) if session is not None else None
    if token:
        SesiMasuk.objects.filter(kunci_hash=kunci_hash(token), berakhir__isnull=True).update(
            berakhir=_now(), alasan="keluar"
        )


@transaction.atomic
def akhiri_sesi(user, *, kecuali: str | None = None, alasan: str, actor=None) -> int:
    """End every open session of `user` except the one whose key is `kecuali` (the caller's own,
    when a person changes their own password or ends their other sessions). Returns how many
    ended; audited when any did. Each ended session is anonymous at its next request."""
    rows = SesiMasuk.objects.filter(user=user, berakhir__isnull=True)
    keep = token_of(kecuali)
    if keep:
        rows = rows.exclude(kunci_hash=kunci_hash(keep))
    ended = rows.update(berakhir=_now(), alasan=alasan[:40])
    if ended:
        audit_record(
            actor=actor,
            action="sesi.akhiri",
            obj=user,
            changes={"sesi_berakhir": [None, ended], "alasan": [None, alasan]},
            pemda_id=_pemda_id(user),
        )
    return ended


@transaction.atomic
def sesi_akhiri_satu(*, actor, pk: int) -> int:
    """The person ends one of their own sessions (its id from their session list; another
    person's id is not found: 404, as if it did not exist). Returns 1 when it ended, 0 when it
    had ended already."""
    row = SesiMasuk.objects.filter(pk=pk, user=actor).first()
    if row is None:
        raise Http404
    if row.berakhir is not None:
        return 0
    SesiMasuk.objects.filter(pk=row.pk).update(berakhir=_now(), alasan="diakhiri-pemilik")
    audit_record(
        actor=actor,
        action="sesi.akhiri",
        obj=actor,
        changes={
            "sesi_berakhir": [None, 1],
            "alasan": [None, "diakhiri-pemilik"],
            "perangkat": [None, row.perangkat],
        },
        pemda_id=_pemda_id(actor),
    )
    return 1


def sesi_list(*, user, current_token: str | None) -> list[SesiMasuk]:
    """The person's open sessions, newest activity first; `ini` marks the one of this request.
    A session past its idle or absolute limit is not listed (it can no longer be used)."""
    now = _now()
    idle = now - dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    oldest = now - dt.timedelta(hours=settings.SESSION_MAX_HOURS)
    rows = list(
        SesiMasuk.objects.filter(
            user=user, berakhir__isnull=True, terakhir__gte=idle, dibuat__gte=oldest
        ).order_by("-terakhir", "-pk")
    )
    mine = kunci_hash(current_token) if current_token else None
    for row in rows:
        row.ini = row.kunci_hash == mine
    return rows


def _end_here(request, *, row: SesiMasuk | None, alasan: str, message: str | None) -> None:
    if row is not None and row.berakhir is None:
        SesiMasuk.objects.filter(pk=row.pk).update(berakhir=_now(), alasan=alasan)
    logout(request)  # flushes: the session is deleted from its store
    if message:
        messages.info(request, message)


def ended_message(alasan: str) -> str:
    """What the sign-in page says to a browser whose session was ended elsewhere (`akhiri_sesi`,
    the session list), by the recorded reason. (A password change or a deactivation never gets
    here: Django already finds such a session's user gone, and the page shows no note.)"""
    if alasan in {"ganti-peran", "peran-dicabut"}:
        return _(
            "Sesi Anda diakhiri karena peran atau OPD akun Anda diubah admin. Silakan masuk lagi."
        )
    if alasan == "diakhiri-pemilik":
        return _("Sesi ini diakhiri dari daftar sesi akun Anda. Silakan masuk lagi.")
    return _("Sesi Anda sudah diakhiri. Silakan masuk lagi.")


class SesiMiddleware:
    """After authentication: sign out a session past its limits or ended elsewhere; keep its
    last-seen moment (at most once a minute)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    @staticmethod
    def _check(request) -> None:
        session = request.session
        token = session.get(TOKEN)
        row = SesiMasuk.objects.filter(kunci_hash=kunci_hash(token)).first() if token else None
        start, seen = session.get(START), session.get(SEEN)
        if (
            row is None
            or row.berakhir is not None
            or row.user_id != request.user.pk
            or start is None
            or seen is None
        ):
            # a session ended elsewhere says why on the sign-in page; any other stale or forged
            # session is simply anonymous
            ended = row is not None and row.berakhir is not None and row.user_id == request.user.pk
            _end_here(
                request,
                row=row,
                alasan="tidak-sah",
                message=ended_message(row.alasan) if ended else None,
            )
            return
        now = time.time()
        if now - float(start) > settings.SESSION_MAX_HOURS * 3600:
            msg = _("Sesi Anda berakhir karena sudah %(jam)s jam sejak masuk. Silakan masuk lagi.")
            _end_here(
                request,
                row=row,
                alasan="batas-umur",
                message=msg % {"jam": settings.SESSION_MAX_HOURS},
            )
            return
        if now - float(seen) > settings.SESSION_IDLE_MINUTES * 60:
            msg = _(
                "Sesi Anda berakhir karena tidak ada aktivitas selama %(menit)s menit. "
                "Silakan masuk lagi."
            )
            _end_here(
                request,
                row=row,
                alasan="tidak-aktif",
                message=msg % {"menit": settings.SESSION_IDLE_MINUTES},
            )
            return
        logs.bind(pemda=session.get(PEMDA))
        if now - float(seen) > TOUCH_EVERY_S:
            session[SEEN] = now
            SesiMasuk.objects.filter(pk=row.pk).update(terakhir=_now())
