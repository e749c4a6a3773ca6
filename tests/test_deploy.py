"""deploy/ (issue 13 §4, decision 0035): the systemd units pass `systemd-analyze verify`, the
nginx site passes `nginx -t` rendered from the very file into a temporary prefix, and the env
example names every setting production needs, each documented."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "pantau.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def render_units(target: Path) -> list[Path]:
    """The units with the install paths pointing at this checkout (its .venv holds the same
    console scripts as /opt/pantau/.venv), the template as one instance."""
    out = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        text = unit.read_text()
        assert "/opt/pantau/.venv/bin/" in text and "/etc/pantau/pantau.env" in text
        text = text.replace("/opt/pantau", str(ROOT))
        text = text.replace("/etc/pantau/pantau.env", str(DEPLOY / "pantau.env.example"))
        name = unit.name.replace("@.service", "@8001.service")
        (target / unit.name).write_text(text)
        if name != unit.name:
            (target / name).write_text(text)
        out.append(target / name)
    return out


def _once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} not exactly once in {SITE.name}"
    return text.replace(old, new)


def render_site(prefix: Path, *, port: int, upstreams: tuple[int, int], static: Path) -> Path:
    """deploy/nginx/pantau.conf with the operator's parts replaced (ports, host name,
    certificate, static folder, logs), wrapped in a main nginx.conf of the prefix. The
    upstream and proxy directives stay as they are."""
    site = SITE.read_text()
    site = _once(site, "server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} ")
    site = _once(site, "server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[1]} ")
    # the plain-HTTP redirect server is not needed on loopback: the test speaks TLS
    site = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", site, count=1, flags=re.S)
    assert "listen 80" not in site
    site = _once(site, "    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{port} ssl http2;\n")
    site = _once(site, "    listen [::]:443 ssl http2;\n", "")
    site = site.replace("pantau.wakatobikab.go.id", "127.0.0.1")
    site = _once(site, "/etc/ssl/pantau/fullchain.pem", str(prefix / "cert.pem"))
    site = _once(site, "/etc/ssl/pantau/privkey.pem", str(prefix / "key.pem"))
    site = _once(site, "/var/lib/pantau/static/", f"{static}/")
    site = _once(site, "/var/log/nginx/pantau.access.log", str(prefix / "access.log"))
    site = _once(site, "/var/log/nginx/pantau.error.log", str(prefix / "error.log"))
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-keyout", str(prefix / "key.pem"), "-out", str(prefix / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (prefix / "pantau.conf").write_text(site)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
        "daemon off;\nevents { worker_connections 256; }\nhttp {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    client_body_temp_path {prefix}/body;\n    proxy_temp_path {prefix}/proxy;\n"
        f"    fastcgi_temp_path {prefix}/fcgi;\n    uwsgi_temp_path {prefix}/uwsgi;\n"
        f"    scgi_temp_path {prefix}/scgi;\n    access_log {prefix}/access.log;\n"
        f"    include {prefix}/pantau.conf;\n}}\n"
    )
    return prefix / "nginx.conf"


def test_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    units = render_units(tmp_path)
    if analyze is None:  # without systemd: at least every ExecStart names a program that exists
        for unit in units:
            for command in re.findall(r"^Exec\w+=(\S+)", unit.read_text(), re.M):
                assert os.access(command, os.X_OK), f"{unit.name}: {command}"
        return
    result = subprocess.run(
        [analyze, "verify", *map(str, units)], capture_output=True, text=True, check=False
    )
    # unknown keys and bad values are warnings with exit 0: any output fails too
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and "pantau" in line
    ]
    assert result.returncode == 0 and not complaints, result.stdout + result.stderr


def test_units_run_the_projects_commands():
    web = (DEPLOY / "systemd" / "pantau-web@.service").read_text()
    worker = (DEPLOY / "systemd" / "pantau-worker.service").read_text()
    assert "--config python:config.gunicorn --bind 127.0.0.1:%i config.wsgi:application" in web
    assert (ROOT / "config" / "gunicorn.py").exists()
    assert "ExecStart=/opt/pantau/.venv/bin/pantau run_huey" in worker
    for unit in (web, worker):
        assert "User=pantau" in unit and "ReadWritePaths=/var/lib/pantau" in unit
    # the operations guide creates that user and those paths
    guide = (ROOT / "docs" / "operations.md").read_text()
    for needed in ("useradd", "/var/lib/pantau", "/etc/pantau/pantau.env", "/opt/pantau"):
        assert needed in guide


def test_nginx_site_passes_nginx_t(tmp_path):
    if NGINX is None:
        pytest.skip("nginx tidak terpasang (make setup-nginx) / nginx not installed")
    static = tmp_path / "static"
    static.mkdir()
    conf = render_site(tmp_path, port=8329, upstreams=(8327, 8328), static=static)
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_nginx_site_matches_the_settings():
    site = SITE.read_text()
    size = re.search(r"client_max_body_size (\d+)m;", site)
    assert size and int(size.group(1)) == settings.UPLOAD_MAX_REQUEST_MB
    # exactly the headers Pantau trusts, overwritten (not appended from the client)
    assert "proxy_set_header X-Real-IP $remote_addr;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "proxy_set_header X-Request-ID $request_id;" in site
    assert "$proxy_add_x_forwarded_for" not in site
    env = (DEPLOY / "pantau.env.example").read_text()
    assert "PANTAU_CLIENT_IP_HEADER=HTTP_X_REAL_IP" in env
    assert "PANTAU_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO" in env
    # private files are never served by nginx itself
    for folder in ("private", "media"):
        assert f"/var/lib/pantau/{folder}" not in site


def test_env_example_has_every_production_setting_and_each_is_documented():
    env = (DEPLOY / "pantau.env.example").read_text()
    names = re.findall(r"^([A-Z][A-Z0-9_]+)=", env, re.M)
    assert len(names) == len(set(names))
    for needed in (
        "PANTAU_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL",
        "REDIS_URL", "PANTAU_DATA_DIR", "PANTAU_BACKUP_DIRS", "PANTAU_BACKUP_KEY_FILE",
        "PANTAU_BASE_URL", "EMAIL_HOST",
    ):  # fmt: skip
        assert needed in names, needed
    assert re.search(r"^PANTAU_DEBUG=0$", env, re.M)
    guide = (ROOT / "docs" / "operations.md").read_text()
    for name in names:
        assert f"`{name}`" in guide, f"{name} not documented in docs/operations.md"
