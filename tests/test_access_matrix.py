"""The access matrix (R4, issue 12 §3): every URL pattern × every role × every object variant.

Every pattern of the URL configuration (walked recursively, the Django admin and the CKAN API
included) has a row in `ROWS` saying which kind of object its arguments name and who may GET
and POST it. Each test visits one row as one role, for every object variant of the row's kind
(own OPD, other OPD, other pemda, rahasia, terbatas; see tests/access_matrix_world.py), and
checks that exactly the allowed cells succeed and that every other cell answers 403, 404, 405
or a redirect to the sign-in page, and changes nothing (row counts of every table and the last
audit event id, compared around each refused request). No cell may answer 500.

A new URL pattern without a row fails `test_every_url_pattern_has_a_row`, which prints the line
to add. How to read and add a row: docs/security.md, section "Access matrix".
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix_world import VARIANTS, MatrixWorld

# each test runs in a savepoint of the module's transaction (the world is built once)
pytestmark = pytest.mark.django_db

ROLES = (
    "anon",
    "pimpinan",
    "admin",
    "verifikator",
    "auditor",
    "kepala_opd",
    "operator_opd",
    "admin_b",  # the admin of pemda B, trying pemda A's objects
    "superuser",
)
WIDE = {"pimpinan", "admin", "verifikator", "auditor"}  # read every OPD of their pemda
OPD_BOUND = {"kepala_opd", "operator_opd"}  # bound to OPD Dinkes of pemda A
RAHASIA_WIDE = {"pimpinan", "admin", "auditor"}  # read every rahasia item of their pemda
OWN_OPD = {"own", "rahasia", "terbatas"}  # variants that belong to OPD Dinkes


# --- who may: predicates over (role, where) ------------------------------------------------
# `where` is the variant seen from the role: admin_b sees pemda B's object as "own" (with the
# rights of an admin) and every object of pemda A as "other_pemda".


class P:
    def __init__(self, test, text: str) -> None:
        self.test, self.text = test, text

    def __call__(self, role: str, where: str) -> bool:
        return self.test(role, where)

    def __or__(self, other: P) -> P:
        return P(lambda r, w: self(r, w) or other(r, w), f"{self.text} | {other.text}")

    def __and__(self, other: P) -> P:
        return P(lambda r, w: self(r, w) and other(r, w), f"{self.text} & {other.text}")

    def __repr__(self) -> str:
        return self.text


def _reads(role: str, where: str) -> bool:
    if where == "other_pemda" or role not in WIDE | OPD_BOUND:
        return False
    if role in WIDE:
        return where != "rahasia" or role in RAHASIA_WIDE
    return where in OWN_OPD or where == "none"


def roles(*names: str) -> P:
    return P(lambda r, w: r in names, f"roles{names}")


def at(*wheres: str) -> P:
    return P(lambda r, w: w in wheres, f"at{wheres}")


ANYONE = P(lambda r, w: True, "ANYONE")
NOBODY = P(lambda r, w: False, "NOBODY")
SIGNED = P(lambda r, w: r != "anon", "SIGNED")
MEMBER = P(lambda r, w: r in WIDE | OPD_BOUND, "MEMBER")  # any role in a pemda
READ = P(_reads, "READ")  # the pemda read scope, with the rahasia rule
SUPER = roles("superuser")
OWN_PEMDA = at("none", "own", "other_opd", "rahasia", "terbatas")
OPERATOR = roles("operator_opd") & READ  # writes the reports of the own OPD
VERIF = roles("verifikator") & READ  # verifies the reports it may read
ADMIN = roles("admin") & OWN_PEMDA
PUBLIC_OBJ = at("own", "other_opd", "none")  # published objects of pemda A on its portal


AS_GET = P(lambda r, w: False, "AS_GET")  # POST answers like GET and may change nothing


@dataclass(frozen=True)
class Row:
    """`get`: who may read the page. `post`: who may write through it (AS_GET: nobody, the
    page answers a POST like a GET). `sees`: who may read the object a POST-only URL names
    (default: `get`); such a reader may be refused in words (422, a redirect back with a
    message), anyone else must get 403/404/sign-in. No POST of a non-writer changes anything.
    `query`: added to the path. `open`: sign-in and sign-out pages, only checked for no 500."""

    kind: str  # the object kind the URL arguments name (access_matrix_world.KINDS)
    get: P
    post: P
    sees: P | None = None
    query: str = ""
    open: bool = False
    public: bool = False  # the public portal: every role is a visitor, variants as they are

    def reader(self, role: str, where: str) -> bool:
        return (self.sees or self.get)(role, where)


R = Row
CSV = "?format=csv"
STAFF = roles("admin", "superuser")  # the Django admin (admins: reference_admin_grant)
DASHBOARD = roles(*WIDE) & OWN_PEMDA
KEPALA_Q = roles("kepala_opd") & OWN_PEMDA
VERIF_Q = roles("verifikator") & OWN_PEMDA
OPERATOR_Q = roles("operator_opd") & OWN_PEMDA
PRODUCER = (roles(*OPD_BOUND) & READ) | ADMIN  # open data and plan editing: own OPD or admin
CLASSIFIER = roles("admin", "verifikator") & READ  # Walidata and Bappeda set the levels
AUDIT_VIEW = roles("admin", "auditor") & OWN_PEMDA
JOB_OWNER = (roles("operator_opd") & at("own")) | (roles("admin") & OWN_PEMDA)
# fmt: off
ROWS: dict[str, Row] = {
    # sign-in, language, account
    "login": R("none", ANYONE, ANYONE, open=True),
    "logout": R("none", NOBODY, ANYONE, open=True),
    "set_language": R("none", ANYONE, ANYONE, open=True),
    "akun:profil": R("none", SIGNED, SIGNED),
    "akun:sandi": R("none", SIGNED, SIGNED),
    # the second factor (decision 0027): the person's own authenticator only
    "masuk-verifikasi": R("none", SIGNED, SIGNED),
    "akun:2fa": R("none", SIGNED, SIGNED),
    "akun:2fa-mulai": R("none", NOBODY, SIGNED),
    "akun:2fa-qr": R("none", NOBODY, NOBODY),  # 404 outside an enrolment in progress
    "akun:2fa-konfirmasi": R("none", NOBODY, SIGNED),
    "akun:2fa-pemulihan": R("none", SIGNED, SIGNED),
    "akun:2fa-pemulihan-unduh": R("none", NOBODY, NOBODY),  # 404 once the codes were shown
    "akun:2fa-pemulihan-baru": R("none", NOBODY, SIGNED),
    "akun:2fa-nonaktif": R("none", NOBODY, SIGNED),
    "akun:sesi": R("none", SIGNED, SIGNED),  # POST answers like GET; never_cache
    "akun:sesi-akhiri": R("sesi", NOBODY, roles("operator_opd") & at("own")),  # own session only
    "akun:sesi-akhiri-lain": R("none", NOBODY, SIGNED),
    "akun:sandi-lupa": R("none", ANYONE, ANYONE),
    "akun:sandi-lupa-terkirim": R("none", ANYONE, NOBODY),
    "akun:sandi-reset": R("reset", ANYONE, ANYONE),
    "akun:sandi-reset-selesai": R("none", ANYONE, NOBODY),
    # OPD pages (evaluation)
    "organisations:opd-list": R("none", SIGNED, AS_GET),
    "organisations:opd-list-unduh": R("none", MEMBER, AS_GET, query=CSV),
    "organisations:opd-detail": R("opd", READ, AS_GET),
    "organisations:opd-detail-unduh": R("opd", READ, AS_GET, query=CSV),
    # monitoring
    "monitoring:daftar": R("none", MEMBER, AS_GET),
    "monitoring:daftar-unduh": R("none", MEMBER, AS_GET, query=CSV),
    "monitoring:grid": R("none", OPERATOR_Q, OPERATOR_Q),
    "monitoring:impor-realisasi": R("none", MEMBER, NOBODY),  # the upload posts to impor:index
    "monitoring:templat-realisasi": R("none", MEMBER, AS_GET),
    "monitoring:kepatuhan": R("none", DASHBOARD, AS_GET),
    "monitoring:kepatuhan-unduh": R("none", DASHBOARD, AS_GET, query=CSV),
    "monitoring:antrian-persetujuan": R("none", KEPALA_Q, AS_GET),
    "monitoring:antrian-verifikasi": R("none", VERIF_Q, AS_GET),
    "monitoring:verifikasi-massal": R(
        "verify_bulk", NOBODY, VERIF, sees=roles("verifikator")  # outcome per report on its page
    ),
    "monitoring:buka-periode": R("buka", NOBODY, ADMIN & at("own", "other_opd")),
    "monitoring:laporan": R("laporan", READ, OPERATOR),
    "monitoring:langkah": R("report", NOBODY, OPERATOR, sees=READ),  # body: langkah=submit
    "monitoring:riwayat": R("sub_id", READ, AS_GET),
    "monitoring:bukti": R("bukti", READ, AS_GET),
    "monitoring:bukti-hapus": R("bukti", OPERATOR, OPERATOR, sees=READ),
    "monitoring:bukti-berkas": R("bukti_berkas", READ, AS_GET),
    # planning
    "planning:rencana": R("none", SIGNED, AS_GET),  # a redirect to the own plan or OPD list
    "planning:rencana-opd": R("plan", READ, AS_GET),
    "planning:dokumen-aksi": R("plan", NOBODY, PRODUCER, sees=READ),
    "planning:tambah": R("plan", PRODUCER, PRODUCER),
    "planning:hapus": R("plan", NOBODY, NOBODY, sees=PRODUCER),  # names its item in the body
    "planning:indikator-tambah": R("plan_sub", PRODUCER, PRODUCER),
    "planning:indikator-ubah": R("plan_ind", PRODUCER, PRODUCER),
    "planning:indikator-induk-tambah": R("plan_induk", PRODUCER, PRODUCER),
    "planning:indikator-induk-ubah": R("plan_induk_ind", PRODUCER, PRODUCER),
    "planning:sub-kegiatan-edit": R("plan_sub", PRODUCER, PRODUCER),
    # the Renstra data of the plan year (decision 0038): read like the plan, edited by its editors
    "planning:renstra": R("plan", READ, PRODUCER),
    "planning:renstra-program": R("plan_program", PRODUCER, PRODUCER),
    "planning:renstra-indikator": R("plan_outcome", PRODUCER, PRODUCER),
    # official reports (issue 14, decision 0039): an OPD's for its people and the pemda-wide
    # roles, the pemda's for the pemda-wide roles; asking for one (POST) is open to its readers
    "reports:index": R("none", SIGNED, AS_GET),
    "reports:opd": R("laporan_opd", READ, READ),
    # E.81's footer texts: the OPD's head and operators write, the pemda-wide roles read
    "reports:e81-catatan": R("laporan_e81", READ, roles(*OPD_BOUND) & READ),
    "reports:pemda": R("laporan_pemda", DASHBOARD, DASHBOARD),
    "reports:arsip": R("laporan_resmi", READ, AS_GET),
    "reports:unduh": R("laporan_resmi", READ, AS_GET),
    # the archive (issue 14 §5): signing and a new version are POSTs of the report's readers,
    # refused in words to a reader of the wrong role (the matrix's reports are unsigned drafts
    # of a Form B: its head of OPD may sign; none is final, so a new version is refused)
    "reports:tanda-tangan": R("laporan_resmi", NOBODY, roles("kepala_opd") & READ, sees=READ),
    "reports:perbedaan": R("laporan_resmi", READ, AS_GET),
    "reports:versi-baru": R("laporan_resmi", NOBODY, NOBODY, sees=READ),
    "impor:index": R("none", MEMBER, MEMBER),
    "impor:templat": R("none", roles("admin", *OPD_BOUND), AS_GET),
    "impor:detail": R("job", JOB_OWNER, AS_GET),
    "impor:jalankan": R("job", NOBODY, JOB_OWNER),
    "impor:galat-csv": R("job", JOB_OWNER, AS_GET),
    "sipd:pemetaan": R("none", roles("admin", "verifikator"), roles("admin", "verifikator")),
    "sipd:pemetaan-unduh": R("none", roles("admin", "verifikator"), AS_GET),
    # dashboards
    "evaluation:dasbor": R("none", DASHBOARD, AS_GET),
    "evaluation:rincian": R("rincian", DASHBOARD, AS_GET),
    "evaluation:rincian-unduh": R("rincian", DASHBOARD, AS_GET, query=CSV),
    "evaluation:peringkat-unduh": R("none", DASHBOARD, AS_GET, query=CSV),
    "notifications:daftar": R("none", SIGNED, SIGNED),  # POST marks the own notices read
    # open-data management (Satu Data)
    "opendata-kelola:daftar": R("none", SIGNED, AS_GET),
    "opendata-kelola:baru": R("none", MEMBER, roles("admin", *OPD_BOUND)),
    "opendata-kelola:klasifikasi": R(  # the list of the own pemda, ids in the body
        "klasifikasi_bulk", roles("admin", "verifikator"), CLASSIFIER
    ),
    "opendata-kelola:klasifikasi-sub": R("klasifikasi_sub", CLASSIFIER, AS_GET),
    "opendata-kelola:klasifikasi-ubah": R("klasifikasi_ubah", NOBODY, CLASSIFIER),
    "opendata-kelola:detail": R("dataset", READ, AS_GET),
    "opendata-kelola:ubah": R("dataset", READ, PRODUCER),
    "opendata-kelola:unggah": R("dataset", NOBODY, PRODUCER, sees=READ),
    "opendata-kelola:skema": R("dataset", PRODUCER, PRODUCER),
    "opendata-kelola:langkah": R("dataset_step", NOBODY, PRODUCER, sees=READ),
    # pemda administration (kelola)
    # the audit trail: the admin and the Inspektorat of the pemda; GET only (405 on POST)
    "audit:daftar": R("none", AUDIT_VIEW, NOBODY),
    "audit:unduh": R("none", AUDIT_VIEW, NOBODY, query=CSV),
    "audit:detail": R("audit", AUDIT_VIEW, NOBODY),
    "kelola:index": R("none", ANYONE, AS_GET),  # a redirect to the account list
    "kelola:akun-list": R("kelola", ADMIN | SUPER, AS_GET),
    "kelola:akun-baru": R("kelola", ADMIN | SUPER, ADMIN | SUPER),
    "kelola:akun-impor": R("kelola", ADMIN | SUPER, ADMIN | SUPER),
    "kelola:akun-templat": R("kelola", ADMIN | SUPER, AS_GET),
    "kelola:akun-detail": R("person", ADMIN | SUPER, ADMIN | SUPER),
    "kelola:akun-aktif": R("person", NOBODY, ADMIN | SUPER),
    "kelola:akun-reset-sandi": R("person", NOBODY, ADMIN | SUPER),
    "kelola:akun-buka-kunci": R("person", NOBODY, ADMIN | SUPER),
    "kelola:akun-reset-2fa": R("person", NOBODY, ADMIN | SUPER),
    "kelola:opd-list": R("kelola", ADMIN | SUPER, AS_GET),
    "kelola:opd-baru": R("kelola", ADMIN | SUPER, ADMIN | SUPER),
    "kelola:opd-lebur": R("kelola", ADMIN | SUPER, ADMIN | SUPER),
    "kelola:opd-detail": R("opd_kelola", ADMIN | SUPER, ADMIN | SUPER),
    "kelola:opd-aktif": R("opd_kelola", NOBODY, ADMIN | SUPER),
    "kelola:opd-pecah": R("opd_kelola", ADMIN | SUPER, ADMIN | SUPER),
    # CKAN Action API (public data only; its write actions answer 403 in the envelope)
    # the monitors' health check (issue 13): no sign-in, read-only (judged healthy here, see
    # _healthy_instance: the matrix world has no backup)
    "healthz": R("none", ANYONE, NOBODY),
    "api": R("none", ANYONE, NOBODY),
    "api/": R("none", ANYONE, NOBODY),
    "api/3": R("none", ANYONE, NOBODY),
    "api/3/": R("none", ANYONE, NOBODY),
    "api/action/<str:name>": R("api_action", ANYONE, AS_GET),
    "api/3/action/<str:name>": R("api_action", ANYONE, AS_GET),
    # public portal (pemda A's published objects only)
    "opendata:beranda": R("none", ANYONE, NOBODY),
    "opendata:opd": R("opd_publik", PUBLIC_OBJ, NOBODY, public=True),
    "opendata:kegiatan-list": R("none", ANYONE, NOBODY),
    "opendata:kegiatan": R("kegiatan_publik", PUBLIC_OBJ, NOBODY, public=True),
    "opendata:foto": R("foto_publik", NOBODY, NOBODY, public=True),  # no photo of a verified report
    "opendata:publikasi": R("none", ANYONE, NOBODY),
    "opendata:dataset-list": R("none", ANYONE, NOBODY),
    "opendata:dataset": R("dataset_nama", PUBLIC_OBJ, NOBODY, public=True),
    "opendata:datapackage": R("dataset_nama", PUBLIC_OBJ, NOBODY, public=True),
    "opendata:download": R("download", PUBLIC_OBJ, NOBODY, public=True),
    "opendata:sitemap": R("none", ANYONE, NOBODY),
    "opendata:catalog": R("rdf", ANYONE, NOBODY),
    "opendata:dataset-rdf": R("dataset_rdf", PUBLIC_OBJ, NOBODY, public=True),
    "service-worker": R("none", ANYONE, AS_GET),
    "manifest": R("none", ANYONE, AS_GET),
    "favicon.ico": R("none", ANYONE, AS_GET),
    "core:home": R("none", ANYONE, AS_GET),
    "core:luring": R("none", ANYONE, AS_GET),
    "core:pasang": R("none", NOBODY, NOBODY),  # only on a clean install
    "^media/(?P<path>.*)$": R("media", NOBODY, NOBODY),  # DEBUG only
    # Django admin: the site's own pages
    "admin:index": R("none", STAFF, AS_GET),
    "admin:login": R("none", ANYONE, ANYONE, open=True),
    "admin:logout": R("none", NOBODY, SIGNED, open=True),
    "admin:password_change": R("none", STAFF, STAFF),
    "admin:password_change_done": R("none", STAFF, NOBODY),
    "admin:autocomplete": R("none", NOBODY, NOBODY),  # 403 without its parameters
    "admin:jsi18n": R("none", STAFF, NOBODY),
    "admin:view_on_site": R("view_on_site", NOBODY, NOBODY),  # no model has a public URL
    "admin:app_list": R("admin_app", STAFF, AS_GET),
    "admin:<url>": R("admin_catch_all", NOBODY, NOBODY),
}
# Django admin model families: one row per model, expanded below to its changelist, add,
# change, delete, history and object redirect pages (and the user's password page).
# (kind of the object, who may view, add, change, delete)
ADMIN_MODELS: dict[str, tuple[str, P, P, P, P]] = {
    "auth_group": ("admin_group", SUPER, SUPER, SUPER, SUPER),
    "audit_auditevent": ("admin_audit", SUPER | ADMIN, NOBODY, NOBODY, NOBODY),
    "organisations_pemda": ("admin_pemda", SUPER | ADMIN, SUPER, SUPER | ADMIN, SUPER),
    "organisations_wilayah": ("admin_wilayah", SUPER | ADMIN, SUPER | ADMIN, SUPER | ADMIN, SUPER),
    "organisations_opd": ("admin_opd", SUPER | ADMIN, SUPER | ADMIN, SUPER | ADMIN, SUPER),
    "organisations_membership": (
        "admin_membership", SUPER | ADMIN, SUPER | ADMIN, SUPER | ADMIN, SUPER | ADMIN,
    ),
    "auth_user": ("admin_user", SUPER | ADMIN, SUPER, SUPER, SUPER),
    "planning_nomenklatur": ("admin_nomenklatur", SUPER | ADMIN, SUPER, SUPER, SUPER),
    "planning_sumberdana": ("admin_sumberdana", SUPER | ADMIN, SUPER, SUPER, SUPER),
    "planning_tahunanggaran": ("admin_ta", SUPER | ADMIN, SUPER, SUPER, SUPER),
    "opendata_topik": ("admin_topik", SUPER, SUPER, SUPER, SUPER),
}
# fmt: on
def _admin_rows() -> dict[str, Row]:
    rows = {}
    for model, (kind, view, add, change, delete) in ADMIN_MODELS.items():
        rows[f"admin:{model}_changelist"] = R("none", view, AS_GET)
        rows[f"admin:{model}_add"] = R("none", add, add)
        rows[f"admin:{model}_change"] = R(kind, view, change)
        rows[f"admin:{model}_delete"] = R(kind, delete, delete)
        rows[f"admin:{model}_history"] = R(kind, view, AS_GET)
        # /admin/<app>/<model>/<id>/ redirects any staff user to the change page (names nothing)
        rows[f"admin:{model}_redirect"] = R(kind, STAFF, AS_GET)
    rows["admin:auth_user_password_change"] = R("admin_user_pw", SUPER, SUPER)
    return rows


ALL_ROWS = {**ROWS, **_admin_rows()}


# --- the URL configuration ----------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # the row key: namespaced name, else the route
    route: str
    name: str | None


def url_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(resolver, prefix: str, namespace: str | None):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                found.append(Pattern(_key(route, name, namespace), route, name))

    walk(get_resolver(), "", None)
    return found


def _key(route: str, name: str | None, namespace: str | None) -> str:
    if name:
        return name
    if namespace == "admin":  # the admin's unnamed object redirect and catch-all
        model = route.split("/")[1:3]
        if route.endswith("<path:object_id>/") and len(model) == 2:
            return f"admin:{model[0]}_{model[1]}_redirect"
        return "admin:<url>"
    return route


def _suggestion(pattern: Pattern) -> str:
    kind = "none" if "<" not in pattern.route else "KIND"
    return f'    "{pattern.key}": R("{kind}", NOBODY, NOBODY),  # {pattern.route}'


class TestEveryUrlHasARow:
    def test_every_url_pattern_has_a_row(self):
        missing = [p for p in url_patterns() if p.key not in ALL_ROWS]
        assert not missing, (
            "URL patterns without a row in the access matrix (tests/test_access_matrix.py, "
            "ROWS; docs/security.md 'Access matrix'). Add, with who may GET and POST:\n"
            + "\n".join(_suggestion(p) for p in missing)
        )

    def test_every_row_names_a_url_pattern(self):
        keys = {p.key for p in url_patterns()}
        stale = sorted(k for k in ALL_ROWS if k not in keys)
        assert not stale, f"rows for URL patterns that no longer exist: {stale}"

    def test_a_pattern_without_a_row_is_named_with_the_line_to_add(self):
        pattern = Pattern("baru:halaman", "baru/<int:pk>/", "baru:halaman")
        assert pattern.key not in ALL_ROWS
        assert _suggestion(pattern) == (
            '    "baru:halaman": R("KIND", NOBODY, NOBODY),  # baru/<int:pk>/'
        )


# --- the world, built once per module -------------------------------------------------------


@pytest.fixture(autouse=True)
def _tasks_immediate(settings, matrix_world):
    # overrides the root conftest's: private files stay where the module's world wrote them
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    settings.PRIVATE_ROOT = matrix_world.private_root
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("matrix")
    private = folder / "private"
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            # one signed-in session per role serves the whole module (test_cell): no idle end
            SESSION_IDLE_MINUTES=24 * 60,
            PRIVATE_ROOT=private,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        from huey.contrib.djhuey import HUEY

        HUEY.immediate = True
        atomic = transaction.atomic()
        atomic._module_scope = True  # held across the module's tests (conftest._left_open_check)
        atomic.__enter__()
        try:
            world = MatrixWorld(folder)
            world.private_root = private
            world.tables = _tables()
            world.audit_table = _audit_table()
            world.sessions = _sessions(world)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _tables() -> list[str]:
    skip = {"django_session"}  # signing in writes a session: not a change of data
    return sorted(t for t in connection.introspection.table_names() if t not in skip)


def _audit_table() -> str:
    from pantau.audit.models import AuditEvent

    return AuditEvent._meta.db_table


# Audit events a read writes by design: the record of a rahasia read and of an export.
READ_AUDIT_ACTIONS = ("rahasia.read", "daftar.ekspor")


def fingerprint(world) -> tuple:
    """Row counts of every table (audit events other than the records of reads) and the last
    such audit event id, in one query."""
    q = connection.ops.quote_name
    audit = q(world.audit_table)
    reads = ", ".join(f"'{a}'" for a in READ_AUDIT_ACTIONS)
    counted = [t for t in world.tables if t != world.audit_table]
    parts = [f"(SELECT COUNT(*) FROM {q(t)})" for t in counted]  # noqa: S608
    parts.append(f"(SELECT COUNT(*) FROM {audit} WHERE action NOT IN ({reads}))")  # noqa: S608
    parts.append(f"(SELECT MAX(id) FROM {audit} WHERE action NOT IN ({reads}))")  # noqa: S608
    with connection.cursor() as cursor:  # names from the introspection, no input
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def _changed(world, before: tuple, after: tuple) -> str:
    names = [t for t in world.tables if t != world.audit_table]
    names += ["audit events (not reads)", "max(audit id)"]
    return ", ".join(
        f"{n} {a}->{b}" for n, a, b in zip(names, before, after, strict=True) if a != b
    )


# --- one cell ---------------------------------------------------------------------------------

LOGIN_PATHS = ("/masuk/", "/admin/login/")


def refused(response, *, admin: bool) -> bool:
    """403, 404, 405 or a redirect to a sign-in page (the admin's own "does not exist" is a
    redirect to its index)."""
    status = response.status_code
    if status in (403, 404, 405):
        return True
    if status in (301, 302, 303):
        location = response.get("Location", "")
        if any(location.startswith(p) for p in LOGIN_PATHS):
            return True
        if admin and location.rstrip("/") == "/admin":
            return True
    return False


def seen_as(role: str, variant: str) -> tuple[str, str]:
    """(the rights, the variant) a role acts with: admin_b is an admin whose own object is
    pemda B's and to whom every object of pemda A is another pemda's."""
    if role == "admin_b":
        if variant == "other_pemda":
            return "admin", "own"
        if variant == "none":
            return "admin", "none"
        return "admin", "other_pemda"
    return role, variant


def variants_of(world, kind: str) -> list[tuple[str, dict]]:
    out = []
    for variant in ("none", *VARIANTS):
        kwargs = world.kwargs(kind, variant)
        if kwargs is not None:
            out.append((variant, kwargs))
    return out


def _path(pattern: Pattern, kwargs: dict) -> str:
    if pattern.name and pattern.key == pattern.name:
        return reverse(pattern.name, kwargs=kwargs)
    return "/" + _fill(pattern.route, kwargs)


def _fill(route: str, kwargs: dict) -> str:
    import re

    route = route.replace("^", "").replace("$", "").replace("(?P<path>.*)", kwargs.get("path", ""))
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


PATTERNS = {p.key: p for p in url_patterns()}
OBSERVE = os.environ.get("PANTAU_MATRIX_OBSERVE")  # write every cell's outcome to this file


def _visit(client, world, pattern, row, role, variant, kwargs, method) -> str | None:
    """None when the cell behaves as the matrix says, else what went wrong."""
    rights, where = (role, variant) if row.public else seen_as(role, variant)
    kwargs = dict(kwargs)
    body = kwargs.pop("_body", {})
    path = _path(pattern, kwargs) + row.query
    if method == "GET":
        allowed, reader = row.get(rights, where), row.get(rights, where)
    else:
        allowed, reader = row.post(rights, where), row.reader(rights, where)
    with transaction.atomic():
        before = fingerprint(world)
        try:
            response = client.get(path, body) if method == "GET" else client.post(path, body)
        except Exception as exc:  # a 500 is a finding, reported with its cell
            transaction.set_rollback(True)
            return f"{method} {path}: 500 ({type(exc).__name__}: {exc})"
        after = fingerprint(world) if method == "POST" and not allowed else before
        transaction.set_rollback(True)
    if OBSERVE:
        with open(OBSERVE, "a", encoding="utf-8") as fh:
            loc = response.get("Location", "")
            fh.write(f"{pattern.key}\t{role}\t{variant}\t{method}\t{response.status_code}\t{loc}\n")
    status = response.status_code
    if status >= 500:
        return f"{method} {path}: {status}"
    if row.open:
        return None
    no = refused(response, admin=pattern.key.startswith("admin:"))
    if allowed and no:
        return f"{method} {path}: allowed but answered {status}"
    if not allowed and not reader and not no:
        return f"{method} {path}: refused by the matrix but answered {status}"
    if method == "GET" and not allowed and not no:
        return f"{method} {path}: refused by the matrix but answered {status}"
    if before != after:
        return f"{method} {path}: not allowed to write but changed {_changed(world, before, after)}"
    return None


@pytest.fixture(autouse=True)
def _healthy_instance(settings, tmp_path):
    """/healthz answers 503 without a recent backup; the matrix judges who may read it, so
    its age and disk thresholds are off here (pantau/backup/tests test the health itself)."""
    settings.BACKUP_DIRS = [str(tmp_path)]
    settings.HEALTH_BACKUP_MAX_HOURS = 0
    settings.HEALTH_VERIFY_MAX_DAYS = 0
    settings.HEALTH_MIN_FREE_MB = 0


def _sessions(world) -> dict[str, str]:
    """One signed-in (and second-factor verified) session per role for the whole module, made
    in the module's transaction so that it outlives every test's own."""
    from conftest import verify_test_session

    keys = {}
    for role in ROLES:
        if role == "anon":
            continue
        client = Client()
        client.force_login(world.users[role])
        verify_test_session(client, world.users[role])
        keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def _signed_in(world, role: str) -> Client:
    """A client of `role` on the module's session of that role: each test starts from its
    cookie again (a visit that signed out or cycled the key was rolled back in the database,
    not in the cookie jar)."""
    client = Client()
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


# When make test runs both engines, the SQLite part visits every URL as these roles and leaves
# the other cells (marked matrix_rest) to the PostgreSQL part (decision 0042): the access
# decisions are Python (views, selectors, scopes) that both engines run alike, and these roles
# are the outsiders of a single-regency install: anonymous, an OPD-bound writer, a pemda-wide
# reader, the admin of another pemda. Alone (PostgreSQL not reachable), SQLite visits them all.
SQLITE_ROLES = ("anon", "operator_opd", "verifikator", "admin_b")
CASES = [
    pytest.param(
        key,
        role,
        id=f"{key}-{role}",
        marks=() if role in SQLITE_ROLES else pytest.mark.matrix_rest,
    )
    for key in sorted(ALL_ROWS)
    if key in PATTERNS
    for role in ROLES
]


@pytest.mark.parametrize(("key", "role"), CASES)
def test_cell(key, role, matrix_world, django_db_blocker):
    pattern, row = PATTERNS[key], ALL_ROWS[key]
    with django_db_blocker.unblock():
        client = _signed_in(matrix_world, role)
        problems = []
        for variant, kwargs in variants_of(matrix_world, row.kind):
            for method in ("GET", "POST"):
                problem = _visit(client, matrix_world, pattern, row, role, variant, kwargs, method)
                if problem:
                    problems.append(f"[{role} × {variant}] {problem}")
    assert not problems, f"{key} ({pattern.route}):\n" + "\n".join(problems)
