"""The documented production build (issue 10 §3; docs/operations.md "Production build"): the
production settings pass `manage.py check --deploy` without a warning, and `collectstatic`
with them does not stop on a source map a vendor file names but nobody copied. The whole
build served under gunicorn is checked by scripts/prod_smoke.py (a part of scripts/test-all.sh)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU_")}
    env.update(
        PANTAU_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="pantau.example",
        PANTAU_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL="",
        REDIS_URL="",
        DJANGO_SETTINGS_MODULE="config.settings",
        **extra,
    )
    return env


def production_settings(tmp_path: Path, *names: str, **extra) -> dict:
    code = (
        "import json, sys, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({n: getattr(settings, n) for n in sys.argv[1:]}, default=list))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=ROOT,
        env=production_env(tmp_path, **extra),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_the_production_defaults(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_settings_follow_the_environment(tmp_path):
    names = ("SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS")
    assert production_settings(tmp_path, *names) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000,
    }
    changed = production_settings(
        tmp_path,
        *names,
        PANTAU_SSL_REDIRECT="0",
        PANTAU_PROXY_SSL_HEADER="HTTP_X_FORWARDED_SCHEME",
        PANTAU_HSTS_SECONDS="3600",
    )
    assert changed == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_SCHEME", "https"],
        "SECURE_HSTS_SECONDS": 3600,
    }


@pytest.fixture
def vendor_tree(tmp_path):
    source = tmp_path / "src"
    (source / "vendor" / "lib").mkdir(parents=True)
    # names a map nobody copied (leaflet.js.map once), and one that is there
    (source / "vendor" / "lib" / "lib.js").write_text(
        "var a=1;\n" * 200 + "//# sourceMappingURL=lib.js.map\n"
    )
    (source / "vendor" / "lib" / "lib.css").write_text(
        ".x{background:url(img.png)}\n/*# sourceMappingURL=lib.css.map */\n"
    )
    (source / "vendor" / "lib" / "lib.css.map").write_text("{}")
    (source / "vendor" / "lib" / "img.png").write_bytes(b"\x89PNG\r\n")
    return source


def test_collectstatic_in_production_survives_a_missing_source_map(tmp_path, settings, vendor_tree):
    backend = production_settings(tmp_path, "STORAGES")["STORAGES"]["staticfiles"]["BACKEND"]
    settings.STATICFILES_DIRS = [vendor_tree]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": backend}}
    call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    assert manifest["vendor/lib/lib.js"] != "vendor/lib/lib.js"  # hashed
    css = (tmp_path / "static" / manifest["vendor/lib/lib.css"]).read_text()
    assert f'url("{manifest["vendor/lib/img.png"].split("/")[-1]}")' in css  # url()s hashed
    assert "sourceMappingURL=lib.css.map" in css  # left as it is, resolves to the copied map
    assert (tmp_path / "static" / "vendor/lib/lib.css.map").exists()
    assert (tmp_path / "static" / (manifest["vendor/lib/lib.js"] + ".br")).exists()  # Brotli
