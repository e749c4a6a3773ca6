"""Fixtures shared by every test: two pemdas with a small real plan each, and users per role."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from pantau.monitoring.services import tahun_anggaran_open
from pantau.organisations.choices import JenisOpd, Role
from pantau.organisations.services import membership_set, opd_create, pemda_create, user_create
from pantau.planning.services import (
    kegiatan_create,
    nomenklatur_load,
    program_create,
    rencana_set,
    sub_kegiatan_create,
)

PASSWORD = "uji-rahasia-2026"
YEAR = 2026
NOMEN_ROWS = [
    ("1", "URUSAN WAJIB PELAYANAN DASAR", "urusan"),
    ("1.02", "URUSAN PEMERINTAHAN BIDANG KESEHATAN", "bidang_urusan"),
    ("1.02.02", "PROGRAM PEMENUHAN UPAYA KESEHATAN", "program"),
    ("1.02.02.02.01", "Penyediaan Fasilitas Pelayanan Kesehatan", "kegiatan"),
    ("1.02.02.2.01.0001", "Pembangunan Rumah Sakit", "sub_kegiatan"),
    ("1.02.02.2.01.0002", "Pembangunan Puskesmas", "sub_kegiatan"),
    ("1.02.02.2.01.0003", "Pembangunan Fasilitas Kesehatan Lainnya", "sub_kegiatan"),
    ("1.03", "URUSAN PEMERINTAHAN BIDANG PU", "bidang_urusan"),
    ("1.03.03", "PROGRAM PENGELOLAAN DAN PENGEMBANGAN SISTEM PENYEDIAAN AIR MINUM", "program"),
    ("1.03.03.2.01", "Pengelolaan dan Pengembangan SPAM", "kegiatan"),
    ("1.03.03.2.01.0001", "Pembangunan SPAM Jaringan Perpipaan", "sub_kegiatan"),
]


def _write_nomen(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["kode", "nomenklatur", "tingkat", "kode_asli_sumber"])
        for kode, nama, tingkat in NOMEN_ROWS:
            writer.writerow([kode, nama, tingkat, kode])
    return path


@pytest.fixture
def nomen_csv(tmp_path: Path) -> Path:
    return _write_nomen(tmp_path / "nomenklatur.csv")


class World:
    """A small, fully built world: pemda A (Wakatobi-like) and pemda B, each with OPDs,
    a fiscal year with periods, a plan and one user per role."""

    def __init__(self, nomen_csv: Path) -> None:
        nomenklatur_load(actor=None, path=nomen_csv, tahun=YEAR)
        self.a = self._pemda("74.07", "Kabupaten Uji A", "a")
        self.b = self._pemda("74.01", "Kabupaten Uji B", "b")

    def _pemda(self, kode: str, nama: str, tag: str):
        pemda = pemda_create(actor=None, kode=kode, nama=nama)
        ns = type("Tenant", (), {})()
        ns.pemda = pemda
        ns.dinkes = opd_create(
            actor=None,
            pemda=pemda,
            kode="1.02.0.00.0.00.01.0000",
            nama=f"Dinas Kesehatan {tag.upper()}",
            singkatan=f"Dinkes-{tag}",
            jenis=JenisOpd.DINAS,
            bidang_urusan="1.02",
        )
        ns.pupr = opd_create(
            actor=None,
            pemda=pemda,
            kode="1.03.0.00.0.00.01.0000",
            nama=f"Dinas PUPR {tag.upper()}",
            singkatan=f"PUPR-{tag}",
            jenis=JenisOpd.DINAS,
            bidang_urusan="1.03",
        )
        ns.ta = tahun_anggaran_open(actor=None, pemda=pemda, tahun=YEAR)
        ns.program = program_create(actor=None, tahun_anggaran=ns.ta, opd=ns.dinkes, kode="1.02.02")
        ns.kegiatan = kegiatan_create(actor=None, program=ns.program, kode="1.02.02.2.01")
        ns.sub = sub_kegiatan_create(
            actor=None,
            kegiatan=ns.kegiatan,
            kode="1.02.02.2.01.0001",
            pagu_murni=Decimal("600000000"),
        )
        ns.sub2 = sub_kegiatan_create(
            actor=None,
            kegiatan=ns.kegiatan,
            kode="1.02.02.2.01.0002",
            pagu_murni=Decimal("300000000"),
        )
        rencana_set(
            actor=None,
            sub_kegiatan=ns.sub,
            tahap="murni",
            rows=[(Decimal(50_000_000), Decimal(m * 8)) for m in range(1, 13)],
        )
        p_pupr = program_create(actor=None, tahun_anggaran=ns.ta, opd=ns.pupr, kode="1.03.03")
        k_pupr = kegiatan_create(actor=None, program=p_pupr, kode="1.03.03.2.01")
        ns.sub_pupr = sub_kegiatan_create(
            actor=None, kegiatan=k_pupr, kode="1.03.03.2.01.0001", pagu_murni=Decimal("100000000")
        )
        ns.users = {}
        for role in Role:
            opd = ns.dinkes if role in {Role.KEPALA_OPD, Role.OPERATOR_OPD} else None
            user = user_create(actor=None, username=f"{role.value}.{tag}", password=PASSWORD)
            membership_set(actor=None, user=user, pemda=pemda, role=role, opd=opd)
            ns.users[role.value] = user
        return ns


def verify_report(
    tenant, report, *, approve_note: str = "", verify_note: str = "", skip_submit: bool = False
):
    """A monthly report through its workflow: submitted by the operator (unless it already
    is), approved by the head of OPD, verified by Bappeda (the tenant's users of those roles)."""
    from pantau.monitoring.services import realisasi_transition

    if not skip_submit:
        realisasi_transition(actor=tenant.users["operator_opd"], realisasi=report, name="submit")
    realisasi_transition(
        actor=tenant.users["kepala_opd"], realisasi=report, name="approve", catatan=approve_note
    )
    return realisasi_transition(
        actor=tenant.users["verifikator"], realisasi=report, name="verify", catatan=verify_note
    )


def verified(tenant, sub, bulan: int, keuangan, fisik, **extra):
    """A verified monthly report of `sub`, loaded as a verified history (the bulk path): the
    shortest way to a report that counts on both bases."""
    from pantau.monitoring.models import Realisasi
    from pantau.monitoring.services import realisasi_import

    realisasi_import(
        actor=None,
        tahun_anggaran=tenant.ta,
        historical=True,
        rows=[
            {
                "sub_kegiatan": sub,
                "bulan": bulan,
                "keuangan": Decimal(keuangan),
                "fisik": Decimal(fisik),
                "status": "diverifikasi",
                **extra,
            }
        ],
    )
    return Realisasi.objects.get(sub_kegiatan=sub, periode__bulan=bulan)


def classify(tenant, obj, level: str, *, alasan: str = "Sedang diperiksa.", dasar: str = "17a"):
    """The tenant's Walidata sets an item's level: publik as berkala (Pasal 9), terbatas or
    rahasia with the given Pasal 17 basis and reason. Returns the item as saved."""
    from pantau.opendata.services import klasifikasi_set

    publik = level == "publik"
    return klasifikasi_set(
        actor=tenant.users["admin"],
        obj=obj,
        klasifikasi=level,
        kelas_kip="berkala" if publik else "",
        dasar_pengecualian="" if publik else dasar,
        alasan="" if publik else alasan,
    )


# --- one world per test module (the suite's largest cost was building it for every test) ---------
#
# Building the World takes some 900 queries (0.3 s on SQLite, 0.6 s on PostgreSQL). A test module's
# tests that use it share one build: it is made once, inside an outer transaction opened before the
# first such test's own transaction (pytest sets up module fixtures first), so each test's changes
# roll back to it as before and the build itself is rolled back when the module's last sharing test
# ends. Each test gets its own deep copy of the Python objects, so an instance one test changed in
# memory never reaches the next. Tests that need real commits (transactional_db, live_server) build
# their own world as before, outside any transaction. `pytest_collection_modifyitems` below runs a
# module's other database tests before its sharing ones, so none of them sees the shared rows.


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


def _shares_world(item) -> bool:
    return "world" in getattr(item, "fixturenames", ()) and not _transactional(item)


class _SharedWorld:
    """The module's world and the outer transaction that holds it."""

    def __init__(self, blocker, path: Path) -> None:
        from django.db import transaction

        self._blocker = blocker
        with blocker.unblock():
            self._atomic = transaction.atomic(using="default")
            self._atomic._from_testcase = True  # as Django's TestCase marks its own atomics
            self._atomic._module_scope = True  # held on purpose across tests (_left_open_check)
            self._atomic.__enter__()
            try:
                with _as_in_a_test(path.parent):
                    self.world = World(path)
            except BaseException:
                self.close()
                raise

    @property
    def open(self) -> bool:
        return self._atomic is not None

    def close(self) -> None:
        if self._atomic is None:
            return
        from django.db import transaction

        atomic, self._atomic = self._atomic, None
        with self._blocker.unblock():
            transaction.set_rollback(True, using="default")
            atomic.__exit__(None, None, None)


_shared_worlds: list[_SharedWorld] = []


def _as_in_a_test(tmp: Path):
    """The settings the autouse fixtures below give every test (they are function-scoped, so
    not yet in force when a module's world is built)."""
    from django.test import override_settings
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    return override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        PRIVATE_ROOT=tmp / "private",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )


@pytest.fixture(scope="module")
def _module_world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    if not _shares_world(request._pyfuncitem):
        yield None
        return
    from django.db import connection

    if connection.in_atomic_block:  # never inside another test's transaction
        yield None
        return
    path = tmp_path_factory.mktemp("nomenklatur") / "nomenklatur.csv"
    _write_nomen(path)
    shared = _SharedWorld(django_db_blocker, path)
    _shared_worlds.append(shared)
    yield shared
    shared.close()
    _shared_worlds.remove(shared)


@pytest.fixture
def world(request, _module_world, db, nomen_csv) -> World:
    import copy

    if _module_world is not None and _module_world.open and _shares_world(request.node):
        return copy.deepcopy(_module_world.world)
    return World(nomen_csv)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # the next test does not share this module's world (another kind in the same module, e.g. a
    # transactional one pytest-django runs last): the shared rows go before it starts
    same_module = getattr(nextitem, "module", None) is getattr(item, "module", None)
    if nextitem is None or not _shares_world(nextitem) or not same_module:
        try:
            for shared in list(_shared_worlds):
                shared.close()
        finally:
            _left_open_check(item)


def _left_open_check(item) -> None:
    """After the shared worlds are closed: no transaction may stay open on the connection when
    the next test does not share a world (one left open would hold every later test inside it
    and lock the SQLite file for other connections). Said loudly, with the test that left it,
    and rolled back so that the rest of the run is not poisoned."""
    from django.db import connections

    for alias in connections:
        conn = connections[alias]
        if conn.connection is None or not conn.in_atomic_block:
            continue
        if any(getattr(block, "_module_scope", False) for block in conn.atomic_blocks):
            continue  # a module fixture's own world, held across its tests on purpose
        import warnings

        warnings.warn(
            f"{item.nodeid} left a transaction open on {alias!r}: rolled back", stacklevel=1
        )
        conn.atomic_blocks.clear()
        conn.savepoint_ids.clear()
        conn.in_atomic_block = False
        conn.needs_rollback = False
        conn.close()


def _db_order(item) -> int:
    """pytest-django's order: 0 database tests, 1 transactional ones, 2 the rest."""
    if _transactional(item):
        return 1
    names = getattr(item, "fixturenames", ())
    return 0 if item.get_closest_marker("django_db") or "db" in names else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's ordering: within each module's run of database tests, the tests that
    share the module's world come last (stable otherwise)."""
    out, run, key = [], [], None
    for item in items:
        k = (item.nodeid.split("::")[0], _db_order(item))
        if k != key and run:
            out.extend(sorted(run, key=_shares_world))
            run = []
        key = k
        run.append(item)
    out.extend(sorted(run, key=_shares_world))
    items[:] = out


# --- the second factor (decision 0027) -----------------------------------------------------------

TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 4226's test key, in hex


def needs_second_factor(user) -> bool:
    """The rule of pantau.organisations.faktor, read afresh (never the per-request cache)."""
    from pantau.organisations.choices import SECOND_FACTOR_ROLES
    from pantau.organisations.models import Membership

    return (
        user.is_superuser
        or Membership.objects.filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()
    )


def second_factor_device(user, *, create: bool = True):
    """The person's confirmed authenticator app; a test one (TEST_TOTP_KEY) when they have none
    and `create` (None then)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None and create:
        # a fixture, not a service: no audit event, so that tests counting events stay exact
        device = TOTPDevice.objects.create(user=user, name="Uji", key=TEST_TOTP_KEY)
    return device


def totp_code(device) -> str:
    """A code the device accepts now and for at least one whole time step more: of the current
    step or the next (not the one before: the server accepts that only until the current step
    ends, which may be a second away; a browser journey on a loaded machine then had its code
    refused now and then, CI of session 10), the earliest of them later than the last one used
    (django-otp refuses a step twice); waits for the next step when both are used up. Computed
    with django-otp's own HOTP."""
    import time

    from django_otp.oath import hotp

    device.refresh_from_db()
    while True:
        now = int((time.time() - device.t0) // device.step) + device.drift
        for t in range(now, now + device.tolerance + 1):
            if t > device.last_t:
                return f"{hotp(device.bin_key, t, digits=device.digits):0{device.digits}d}"
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.05)


def verify_test_session(client, user) -> None:
    """After client.login / force_login: the session is verified by the person's app, as after
    the code at /masuk/verifikasi/ (a person whose role requires it gets a test app first)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = second_factor_device(user, create=needs_second_factor(user))
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True)
def _second_factor_signed_in(request, monkeypatch):
    """Tests sign in with client.login / force_login as before and get a verified session
    (verify_test_session). Tests of the second factor itself are marked `second_factor` and go
    through the real steps."""
    if request.node.get_closest_marker("second_factor"):
        return
    from django.test import Client

    original = Client._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        verify_test_session(self, user)

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 at production strength costs ~0.5 s per user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _login_with_request(monkeypatch):
    # django-axes counts every sign-in by username + address, so `authenticate` needs the
    # request; Django's test `client.login()` passes none. Give it one from 127.0.0.1, as the
    # axes documentation advises, so that the lockout stays switched on in every test.
    from django.test import Client, RequestFactory

    login = Client.login

    def with_request(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/masuk/"))
        return login(self, **credentials)

    monkeypatch.setattr(Client, "login", with_request)


@pytest.fixture(autouse=True)
def _tasks_immediate(settings, tmp_path):
    # Run queued tasks in-process (huey immediate mode) and keep private files per test.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _ratelimit_clock_stands_still(monkeypatch):
    """django-ratelimit counts in fixed windows of the wall clock (each key's window ends at its
    own second of the period): calls of one test that straddle a window's end start a new count,
    so a "3/m" limit was not reached now and then on a loaded machine (stop 20's CI: the fourth
    public search answered 200). Within a test that clock stands still at the test's start."""
    import time
    import types

    import django_ratelimit.core

    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))


class Clock:
    """Controls django.utils.timezone.now() for deadline tests (pemda time zone: WITA)."""

    def __init__(self, monkeypatch) -> None:
        self._monkeypatch = monkeypatch

    def set(self, text: str) -> None:
        import datetime as dt
        import zoneinfo

        from django.utils import timezone

        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))
        self._monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_category_cache():
    from django.core.cache import cache, caches

    from pantau.evaluation.categories import _cache
    from pantau.opendata.public import forget_hosts

    _cache.clear()
    cache.clear()  # row ids are reused between tests: no cached answer may survive one
    caches["shared"].clear()  # nor a rate-limit count
    forget_hosts()
    yield
    _cache.clear()
    cache.clear()
    caches["shared"].clear()
    forget_hosts()


class Catalogue:
    """Open data of pemda A: three public datasets (one with 300 rows), one terbatas and one
    rahasia dataset whose every text carries a unique canary string, a terbatas sub kegiatan
    and indicator, and pemda B's own public dataset (never in A's catalogue)."""

    def __init__(self, world: World) -> None:
        import datetime as dt

        from pantau.opendata import services as od
        from pantau.opendata.models import Topik
        from pantau.organisations.services import pemda_update

        self.canaries: list[str] = []
        self.world = world
        for ns, host in ((world.a, ""), (world.b, "data.b.example")):
            pemda_update(
                actor=None,
                pemda=ns.pemda,
                walidata_nama=f"Walidata {ns.pemda.nama}",
                walidata_email=f"data@{ns.pemda.kode}.example",
                domain_publik=host,
            )
            ns.pemda.refresh_from_db()
        admin_a = world.a.users["admin"]
        # get_or_create: a transactional test's flush removes the rows the migration loaded
        kesehatan, _ = Topik.objects.get_or_create(
            nama="kesehatan", defaults={"judul": "Kesehatan", "tema_eu": "HEAL"}
        )
        self.public = []
        specs = [
            (
                "jumlah-puskesmas-2025",
                "Jumlah Puskesmas per Kecamatan 2025",
                world.a.dinkes,
                "kecamatan,jumlah\nWangi-Wangi,3\nKaledupa,2\nTomia,2\n",
            ),
            (
                "kunjungan-wisatawan-2025",
                "Kunjungan Wisatawan 2025",
                world.a.pupr,
                "bulan,kunjungan,asal\n1,1200,domestik\n2,1350,domestik\n3,900,mancanegara\n",
            ),
            (
                "realisasi-harian-2025",
                "Realisasi Harian 2025",
                world.a.dinkes,
                "nomor,nilai,keterangan\n"
                + "".join(f"{i},{i * 10},baris {i}\n" for i in range(1, 301)),
            ),
        ]
        for nama, judul, opd, body in specs:
            ds = self._dataset(od, admin_a, opd, nama, judul, body, [kesehatan])
            od.dataset_submit(actor=admin_a, dataset=ds)
            self.public.append(od.dataset_publish(actor=admin_a, dataset=ds, kelas_kip="berkala"))
        # restricted and confidential: canaries everywhere a value can live
        self.terbatas = self._dataset(
            od,
            admin_a,
            world.a.dinkes,
            "stok-obat-terbatas",
            self.canary("judul-terbatas"),
            f"kode,catatan\nA1,{self.canary('sel-terbatas')}\n",
            [kesehatan],
            deskripsi=self.canary("deskripsi-terbatas"),
        )
        self.rahasia = self._dataset(
            od,
            admin_a,
            world.a.dinkes,
            "kasus-rahasia",
            self.canary("judul-rahasia"),
            f"kode,catatan\nB1,{self.canary('sel-rahasia')}\n",
            [kesehatan],
            deskripsi=self.canary("deskripsi-rahasia"),
        )
        od.klasifikasi_set(
            actor=None,
            obj=self.rahasia,
            klasifikasi="rahasia",
            dasar_pengecualian="17h",
            alasan=self.canary("alasan-rahasia"),
        )
        # a published dataset that was then withdrawn
        withdrawn = self._dataset(
            od,
            admin_a,
            world.a.pupr,
            "ditarik-kemudian",
            self.canary("judul-ditarik"),
            f"kode,catatan\nC1,{self.canary('sel-ditarik')}\n",
            [kesehatan],
        )
        od.dataset_submit(actor=admin_a, dataset=withdrawn)
        od.dataset_publish(actor=admin_a, dataset=withdrawn, kelas_kip="berkala")
        od.dataset_withdraw(
            actor=admin_a,
            dataset=withdrawn,
            klasifikasi="terbatas",
            dasar_pengecualian="17i",
            alasan=self.canary("alasan-ditarik"),
        )
        # pemda B's public dataset: never in A's catalogue
        admin_b = world.b.users["admin"]
        b = self._dataset(
            od,
            admin_b,
            world.b.dinkes,
            "dataset-pemda-b",
            self.canary("judul-pemda-b"),
            f"kode,catatan\nD1,{self.canary('sel-pemda-b')}\n",
            [kesehatan],
        )
        od.dataset_submit(actor=admin_b, dataset=b)
        od.dataset_publish(actor=admin_b, dataset=b, kelas_kip="berkala")
        self.period = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))

    def canary(self, label: str) -> str:
        value = f"KANARI{len(self.canaries):03d}x{label.replace('-', '')}"
        self.canaries.append(value)
        return value

    def _dataset(self, od, actor, opd, nama, judul, body, topik, deskripsi=None):
        import datetime as dt

        ds = od.dataset_create(
            actor=actor,
            opd=opd,
            nama=nama,
            judul=judul,
            deskripsi=deskripsi or f"Deskripsi {judul}: data contoh untuk pengujian katalog.",
            frekuensi="tahunan",
            periode_awal=dt.date(2025, 1, 1),
            periode_akhir=dt.date(2025, 12, 31),
            tahun=2025,
            kata_kunci="uji, kesehatan",
            topik=topik,
        )
        from pantau.opendata.services_tabel import versi_upload

        # the producer confirms the schema proposed from the file as shown
        versi_upload(
            actor=actor,
            dataset=ds,
            content=body.encode(),
            filename=f"{nama}.csv",
            terima_usulan=True,
        )
        return ds


@pytest.fixture
def catalogue(world) -> Catalogue:
    return Catalogue(world)
