"""`make security` (decision 0032): a Pantau server with the demo data on a fresh data directory
(SQLite) on 127.0.0.1, canaries in every restricted value (seed.py), then

1. the canary crawler: every public page, API answer, export and feed as an anonymous visitor,
   and every page as each demo role and as the admin of another pemda, with the canaries that
   role is not entitled to; any canary, 500 or stack trace text is a finding;
2. sqlmap against every search and filter parameter of targets.csv, with the session of the
   row's role; any injection point or 500 is a finding.

Prints a summary and exits 1 on any finding. Only 127.0.0.1 is contacted."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from scripts.security import scan  # noqa: E402
from scripts.security.seed import OTHER_PEMDA_ADMIN  # noqa: E402

BIN = Path(sys.executable).parent
DEMO_PASSWORD = "pantau-demo-2026"  # printed by `pantau demo` # nosec B105
DEMO_USERS = {
    "pimpinan": "bupati",
    "admin": "admin.kominfo",
    "verifikator": "verifikator.bappeda",
    "kepala_opd": "kepala.dinkes",
    "operator_opd": "operator.dinkes",
    "auditor": "auditor.inspektorat",
}
SIGNED_IN_START = [
    "/",
    "/dasbor/",
    "/monitoring/",
    "/monitoring/kepatuhan/",
    "/monitoring/antrian/verifikasi/",
    "/monitoring/antrian/persetujuan/",
    "/monitoring/impor-realisasi/",
    "/rencana/",
    "/opd/",
    "/satu-data/",
    "/satu-data/klasifikasi/",
    "/kelola/",
    "/kelola/akun/",
    "/kelola/opd/",
    "/impor/",
    "/notifikasi/",
    "/akun/",
]


def _demo_totp():
    """The demo's second-factor code (issue 12 §1, `pantau.demo.keys`), when the demo has one."""
    try:
        from pantau.demo.keys import demo_totp_code
    except ImportError:
        return None
    return demo_totp_code


def forbidden(canaries: list[dict], who: str, username: str, dinkes: int) -> set[str]:
    """The canaries a person must never see (seed.py names each one's scope). Anonymous and
    another pemda's admin: all of them. Rahasia values: only pimpinan, admin, auditor and the
    OPD's own roles (docs/security.md, Rahasia data). OPD-scoped values (reports, notes,
    evidence): the OPD's own roles and the pemda-wide roles. Personal data: the person and the
    admin. Secrets: nobody."""
    if who in ("anonim", "admin pemda lain"):
        return {c["value"] for c in canaries}
    opd_role = who in ("kepala_opd", "operator_opd")

    def hidden(c: dict) -> bool:
        scope = c["scope"]
        if scope == "secret":
            return True
        if scope == "person":
            return who != "admin" and c["user"] != username
        if scope == "rahasia":
            return who == "verifikator" or (opd_role and c["opd"] != dinkes)
        if scope == "opd":
            return opd_role and c["opd"] != dinkes
        return False

    return {c["value"] for c in canaries if hidden(c)}


def _free(port: int) -> None:
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use: stop what runs there first")


def _run(cmd: list[str], env: dict) -> None:
    print("==", " ".join(cmd[1:] if cmd[0] == sys.executable else cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own commands # nosec B603


def _wait(base: str, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit("the server stopped while starting")
        try:
            requests.get(base + "/publik/", timeout=5)
            return
        except requests.ConnectionError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer within 60 s")


def _anonymous_start(base: str) -> list[str]:
    api = "/api/3/action/"
    start = ["/", "/publik/", "/publik/kegiatan/", "/publik/publikasi/", "/dataset/"]
    start += ["/sitemap.xml", "/catalog.ttl", "/catalog.jsonld", "/catalog.rdf", "/catalog.xml"]
    start += [api + c for c in ("package_list", "package_search?rows=1000", "organization_list")]
    start += [api + "group_list?all_fields=true", api + "tag_list", api + "status_show"]
    start += [api + "license_list", api + "organization_list?all_fields=true"]
    for name in requests.get(base + api + "package_list", timeout=30).json()["result"]:
        start.append(api + f"package_show?id={name}")
    return start


def crawl_all(base: str, canaries: list[dict], ids: dict, limit: int) -> list[str]:
    findings: list[str] = []
    runs = [("anonim", "", requests.Session(), _anonymous_start(base))]
    for role, username in DEMO_USERS.items():
        session = scan.login(base, username, DEMO_PASSWORD, totp=_demo_totp())
        runs.append((role, username, session, SIGNED_IN_START))
    other = scan.login(base, *OTHER_PEMDA_ADMIN)
    runs.append(("admin pemda lain", OTHER_PEMDA_ADMIN[0], other, SIGNED_IN_START))
    for who, username, session, start in runs:
        bad = forbidden(canaries, who, username, ids["dinkes"])
        result = scan.crawl(base, start, session=session, canaries=bad, who=who, limit=limit)
        print(
            f"   {who}: {result.fetched} halaman/pages, {len(bad)} kanari dilarang/forbidden, "
            f"{len(result.findings)} temuan/findings",
            flush=True,
        )
        findings += result.findings
    return findings


def placeholders(base: str, ids: dict) -> dict[str, str]:
    """Real ids for the {...} of targets.csv, read from the server's own API."""
    api = base + "/api/3/action/"
    first = {
        k: requests.get(api + f"{k}_list", timeout=30).json()["result"][0]
        for k in ("organization", "group")
    }
    dataset = requests.get(api + "package_list", timeout=30).json()["result"][0]
    package = requests.get(api + f"package_show?id={dataset}", timeout=30).json()["result"]
    return {
        "{opd}": str(ids["dinkes"]),
        "{pemda}": str(ids["pemda"]),
        "{dataset}": dataset,
        "{resource}": package["resources"][0]["id"],
        "{organization}": first["organization"],
        "{group}": first["group"],
    }


def sqlmap_all(base: str, ids: dict, out: Path, level: int, risk: int) -> list[str]:
    findings: list[str] = []
    cookies = {
        r: scan.cookie_header(scan.login(base, u, DEMO_PASSWORD, totp=_demo_totp()))
        for r, u in DEMO_USERS.items()
    }
    cookies["anon"] = ""
    values = placeholders(base, ids)
    for n, target in enumerate(scan.targets()):
        path = target.path
        for key, value in values.items():
            path = path.replace(key, value)
        t = scan.Target(target.role, path, target.params)
        status = requests.get(base + path, headers={"Cookie": cookies[t.role]}, timeout=60)
        if status.status_code != 200:
            findings.append(f"sqlmap target {path} as {t.role} answered {status.status_code}")
            continue
        result = scan.sqlmap(
            base, t, cookie=cookies[t.role], out=out / f"t{n:02d}", level=level, risk=risk
        )
        print(
            f"   sqlmap {t.role} {path.split('?')[0]} {','.join(t.params)}: "
            f"{len(result.findings)} temuan/findings",
            flush=True,
        )
        findings += result.findings
    return findings


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=8107)
    p.add_argument("--level", type=int, default=2, help="sqlmap --level (1-5)")
    p.add_argument("--risk", type=int, default=1, help="sqlmap --risk (1-3)")
    p.add_argument("--limit", type=int, default=600, help="pages per crawl and person")
    p.add_argument("--skip-sqlmap", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the data directory")
    p.add_argument(
        "--demo-from", type=Path, help="copy this data directory of a fresh `pantau demo` run"
    )
    args = p.parse_args()
    _free(args.port)
    base = f"http://127.0.0.1:{args.port}"
    data = Path(tempfile.mkdtemp(prefix="pantau-security-"))
    env = {
        **os.environ,
        "PANTAU_DATA_DIR": str(data),
        "DATABASE_URL": "",
        # sqlmap's thousands of requests are not a flood: the open-data API and search limits
        # (issue 12 §2) do not apply to this machine
        "PANTAU_OPENDATA_API_RATE": "off",
        "PANTAU_RATE_SEARCH": "off",
        "PANTAU_RATE_EXEMPT": "127.0.0.1",
    }
    pantau = str(BIN / "pantau")
    server = None
    try:
        if args.demo_from:  # a copy of a demo data directory (quicker when run again)
            shutil.copytree(args.demo_from, data, dirs_exist_ok=True)
        _run([pantau, "migrate", "--noinput", "-v", "0"], env)
        _run([pantau, "demo", "--if-empty"], env)
        _run(
            [sys.executable, str(Path(__file__).parent / "seed.py"), str(data / "canaries.json")],
            env,
        )
        seeded = json.loads((data / "canaries.json").read_text())
        log = (data / "server.log").open("w")
        server = subprocess.Popen(  # noqa: S603 - our own server # nosec B603
            [pantau, "runserver", f"127.0.0.1:{args.port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait(base, server)
        print(f"== crawler dengan kanari / canary crawler ({base})", flush=True)
        findings = crawl_all(base, seeded["canaries"], seeded["ids"], args.limit)
        if not args.skip_sqlmap:
            print("== sqlmap", flush=True)
            findings += sqlmap_all(base, seeded["ids"], data / "sqlmap", args.level, args.risk)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    print("\n=================== Ringkasan / Summary ===================")
    for f in findings:
        print("TEMUAN / FINDING:", f)
    print(f"{len(findings)} temuan / findings" + ("" if findings else ": bersih / clean"))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
