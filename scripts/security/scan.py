"""The attack tests' two tools against a live Pantau server (decision 0032): sqlmap against every
search and filter parameter listed in targets.csv, and a crawler that follows every link and
fails on a canary string, a 500 or stack trace text. Used by `make security`
(scripts/security/run.py, the demo data) and by its fast part in make test
(tests/test_attack.py, the test world). Both talk to 127.0.0.1 only."""

from __future__ import annotations

import csv
import io
import re
import subprocess  # nosec B404
import sys
import zipfile
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

HERE = Path(__file__).resolve().parent
TARGETS = HERE / "targets.csv"
SQLMAP = Path(sys.executable).parent / "sqlmap"
LINK = re.compile(r'(?:href|src|action|hx-get)="([^"#]+)"')
LOC = re.compile(r"<loc>([^<]+)</loc>")
# Text that only an unhandled error puts on a page (Django's technical pages, a Python
# traceback, a database driver's message).
STACK_TRACE = re.compile(
    r"Traceback \(most recent call last\)|Exception Value:|OperationalError|ProgrammingError"
    r"|IntegrityError|DatabaseError|sqlite3\.|psycopg\.|django\.db\.|File \"/[^\"]+\.py\", line"
)
# Never followed while crawling: sign-out ends the session, the admin is Django's own.
# The canaries of conftest.py and seed.py: KANARI, a unique number, x, a label. Their number
# alone counts as a hit, so a canary cut short on a page (an ellipsis) is still found.
TAGGED = re.compile(r"KANARI\d+x[a-z]*")
TAG = re.compile(r"KANARI\d+x")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SKIP = ("/static/", "/keluar", "/admin/", "/i18n/")


@dataclass(frozen=True)
class Target:
    role: str
    path: str
    params: tuple[str, ...]


def targets(*, fast: bool = False) -> list[Target]:
    """The rows of targets.csv; with fast, only the rows with fast parameters, and those."""
    lines = [ln for ln in TARGETS.read_text().splitlines() if not ln.startswith("#")]
    out = []
    for r in csv.DictReader(lines):
        params = r["fast"] if fast else r["params"]
        if params:
            out.append(Target(r["role"], r["path"], tuple(params.split(","))))
    return out


def _local(base: str) -> None:
    if urlsplit(base).hostname not in LOOPBACK:
        raise SystemExit(f"only this machine (127.0.0.1) may be scanned, not {base}")


@dataclass
class SqlmapResult:
    target: Target
    findings: list[str] = field(default_factory=list)
    output: str = ""


def sqlmap(
    base: str,
    target: Target,
    *,
    cookie: str,
    out: Path,
    level: int = 1,
    risk: int = 1,
    technique: str = "BEUST",
    dbms: str = "",
    timeout: int = 600,
) -> SqlmapResult:
    """One sqlmap run on one target's parameters. A finding is any injection point sqlmap
    reports (its stdout and the `log` file of its output folder) and any HTTP 500 it met."""
    _local(base)
    cmd = [
        sys.executable,
        str(SQLMAP),
        "-u",
        base + target.path,
        "-p",
        ",".join(target.params),
        "--batch",
        "--flush-session",
        "--disable-coloring",
        f"--level={level}",
        f"--risk={risk}",
        f"--technique={technique}",
        "--time-sec=2",
        "--threads=4",
        "--timeout=15",
        "--retries=1",
        "--output-dir",
        str(out),
        "--answers=follow=N",  # never follow a redirect off the page under test
        "--skip-waf",
    ]
    if cookie:
        cmd += ["--cookie", cookie]
    if dbms:  # only this database's payloads (the fast part)
        cmd += [f"--dbms={dbms}"]
    proc = subprocess.run(  # noqa: S603 - our own sqlmap, arguments from targets.csv # nosec B603
        cmd, capture_output=True, text=True, timeout=timeout, check=False
    )
    text = proc.stdout + proc.stderr
    result = SqlmapResult(target, findings=sqlmap_findings(text, out), output=text)
    if proc.returncode != 0 and "[CRITICAL]" in text and "all tested parameters" not in text:
        # sqlmap stops with CRITICAL also when nothing is injectable ("all tested parameters
        # do not appear to be injectable"); any other critical stop means the run did not test
        criticals = [ln for ln in text.splitlines() if "[CRITICAL]" in ln]
        result.findings.append("sqlmap could not test: " + " | ".join(criticals)[:500])
    return result


_CLAIM = re.compile(r"parameter '(?P<p>[^']+)' (?:is|appears to be) '[^']+' injectable")
_CHECK = re.compile(r"checking if the injection point on \S+ parameter '(?P<p>[^']+)' is a false")
_REFUTED = "false positive or unexploitable injection point detected"


def _unrefuted_claims(text: str) -> list[str]:
    """The lines where sqlmap says a parameter "appears to be injectable", less those its own
    false-positive check then refuted. The heuristic first pass compares a true, a false and
    the original page; a page whose text varies between requests (a loaded server, a nonce)
    can fool it, and sqlmap re-checks such a claim with more boolean expressions before it
    reports an injection point. A claim it did not refute stays a finding."""
    open_claims: dict[str, list[str]] = {}
    checking = None
    for line in text.splitlines():
        if m := _CLAIM.search(line):
            open_claims.setdefault(m.group("p"), []).append(m.group(0))
        elif m := _CHECK.search(line):
            checking = m.group("p")
        elif _REFUTED in line and checking and open_claims.get(checking):
            open_claims[checking].pop()
            checking = None
    return [f"sqlmap: {claim}" for claims in open_claims.values() for claim in claims]


def sqlmap_findings(text: str, out: Path) -> list[str]:
    """Every injection point sqlmap names (its output and the `log` files of its output folder,
    where it writes the points it found) and every HTTP 500 it met."""
    findings = []
    for pattern in (
        r"sqlmap identified the following injection point",
        r"Parameter: \S+ \((?:GET|POST|URI|Cookie)\)",
    ):
        findings += [f"sqlmap: {m.group(0)}" for m in re.finditer(pattern, text)]
    findings += _unrefuted_claims(text)
    for m in re.finditer(r"HTTP error codes detected during run:\s*(.+)", text):
        if "500" in m.group(1):
            findings.append(f"sqlmap met a server error: {m.group(1).strip()}")
    for log in out.glob("*/log"):
        if log.read_text().strip():
            findings.append(f"sqlmap log {log}: {log.read_text()[:500]}")
    return findings


def texts(response: requests.Response) -> list[str]:
    """The body as text, and for an XLSX (a zip) every part inside it."""
    body = response.content
    out = [body.decode("utf-8", "replace")]
    if body[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                out += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        except zipfile.BadZipFile:
            pass
    return out


@dataclass
class CrawlResult:
    who: str
    fetched: int = 0
    findings: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


def crawl(
    base: str,
    start: Iterable[str],
    *,
    session: requests.Session,
    canaries: Iterable[str],
    who: str,
    limit: int = 1500,
    allowed_canary: Callable[[str, str], bool] | None = None,
) -> CrawlResult:
    """Fetches every start URL and every same-site link found on HTML and XML answers (GET
    only). A finding: a canary in any answer (XLSX contents included), a status of 500 or
    above, stack trace text."""
    _local(base)
    canaries = set(canaries)
    tagged = {TAG.match(c).group(0): c for c in canaries if TAGGED.fullmatch(c)}
    literal = canaries - set(tagged.values())
    result = CrawlResult(who)
    queue, seen = deque(start), set()
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = session.get(base + url, allow_redirects=False, timeout=60)
        result.fetched += 1
        result.statuses[url] = response.status_code
        if response.status_code >= 500:
            result.findings.append(f"{who}: {response.status_code} at {url}")
        for text in texts(response):
            if STACK_TRACE.search(text):
                hit = STACK_TRACE.search(text).group(0)
                result.findings.append(f"{who}: stack trace text {hit!r} at {url}")
            hits = {tagged[m.group(0)] for m in TAG.finditer(text) if m.group(0) in tagged}
            hits |= {c for c in literal if c in text}
            for canary in sorted(hits):
                if not (allowed_canary and allowed_canary(canary, url)):
                    result.findings.append(f"{who}: canary {canary} at {url}")
        if response.is_redirect:
            queue.append(_same_site(base, url, response.headers["Location"]) or "/")
        ctype = response.headers.get("Content-Type", "")
        if ctype.startswith(("text/html", "application/xml", "text/xml")):
            body = response.text
            for link in LINK.findall(body) + LOC.findall(body):
                path = _same_site(base, url, link.replace("&amp;", "&"))
                if path and not path.startswith(SKIP) and path not in seen:
                    queue.append(path)
    return result


def _same_site(base: str, url: str, link: str) -> str | None:
    parts = urlsplit(urljoin(base + url, link))
    if parts.netloc != urlsplit(base).netloc:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _form_post(s: requests.Session, base: str, path: str, data: dict) -> requests.Response:
    page = s.get(base + path, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError(f"form {path} without a CSRF token")
    return s.post(
        base + path,
        data={**data, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": base + path},
        allow_redirects=False,
        timeout=30,
    )


def login(
    base: str, username: str, password: str, *, totp: Callable[[], str] | None = None
) -> requests.Session:
    """A session signed in through the sign-in form, as a person does (CSRF token included);
    when the server asks for the second factor (/masuk/verifikasi/), `totp` gives the code."""
    _local(base)
    s = requests.Session()
    r = _form_post(s, base, "/masuk/", {"username": username, "password": password})
    if r.status_code == 302 and "/masuk/verifikasi/" in r.headers.get("Location", ""):
        if totp is None:
            raise RuntimeError(f"{username} needs a second factor and no code was given")
        r = _form_post(s, base, "/masuk/verifikasi/", {"kode": totp()})
    if r.status_code != 302 or "sessionid" not in s.cookies:
        raise RuntimeError(f"sign-in as {username} failed ({r.status_code})")
    return s


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)
