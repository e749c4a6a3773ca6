"""Rules of docs/architecture.md that a reviewer would otherwise have to remember."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PANTAU = ROOT / "pantau"
# Models whose rows are scoped by tenancy / OPD: views must reach them through selectors or access.
PROTECTED = {
    "Opd",
    "Wilayah",
    "Membership",
    "Program",
    "Kegiatan",
    "SubKegiatan",
    "RencanaBulanan",
    "Indikator",
    "TahunAnggaran",
    "PeriodeLaporan",
    "Realisasi",
    "RealisasiIndikator",
    "AuditEvent",
}


def _view_modules():
    return sorted(PANTAU.glob("*/views*.py")) + sorted(PANTAU.glob("*/api.py"))


@pytest.mark.parametrize("path", _view_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_do_not_query_protected_models_directly(path):
    tree = ast.parse(path.read_text())
    offenders = [
        f"{path.name}:{node.lineno} {node.value.id}.objects"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
        and node.value.id in PROTECTED
    ]
    assert not offenders, "use a selector or access_<entity>() instead: " + ", ".join(offenders)


def test_views_and_commands_do_not_save_domain_models():
    offenders = []
    for path in list(PANTAU.glob("*/views*.py")) + list(PANTAU.glob("*/management/commands/*.py")):
        text = path.read_text()
        for match in re.finditer(
            r"\.(save|delete)\(\)|objects\.(create|update|bulk_create)\(", text
        ):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, "writes belong in services: " + ", ".join(offenders)


WRITE_METHODS = {
    "save",
    "create",
    "bulk_create",
    "update",
    "bulk_update",
    "delete",
    "get_or_create",
    "update_or_create",
}
AUDITED_CALLS = {"audit_record", "save_audited"}
SERVICE_SUFFIXES = (
    "_create",
    "_update",
    "_set",
    "_save",
    "_add",
    "_remove",
    "_transition",
    "_open",
    "_import",
    "_load",
    "_grant",
    "_reopen",
    "_kirim",
)


def _calls(func: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            target = node.func
            names.add(
                target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            )
    return names


def _service_modules():
    # pantau/audit/services.py is the audit mechanism itself and is left out.
    modules = (
        sorted(PANTAU.glob("*/services.py"))
        + sorted(PANTAU.glob("*/services_*.py"))
        + sorted(PANTAU.glob("*/imports.py"))
    )
    return [m for m in modules if m.parent.name != "audit"]


@pytest.mark.parametrize("path", _service_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_public_writes_are_atomic_and_audited(path):
    """A public function of a service module that writes must be atomic and leave an audit
    event itself or through another (audited) service."""
    tree = ast.parse(path.read_text())
    problems = []
    for func in [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
    ]:
        calls = _calls(func)
        # private helpers of the same module count as part of the function
        for helper in [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in calls]:
            calls |= _calls(helper)
        if not calls & WRITE_METHODS and not any(c.endswith(SERVICE_SUFFIXES) for c in calls):
            continue  # reads only
        atomic = any("atomic" in ast.unparse(d) for d in func.decorator_list)
        audited = bool(calls & AUDITED_CALLS) or any(
            c.endswith(SERVICE_SUFFIXES) and c != func.name for c in calls
        )
        if not atomic:
            problems.append(f"{func.name}: writes without @transaction.atomic")
        if not audited:
            problems.append(f"{func.name}: writes without an audit event")
    assert not problems, problems


def test_project_never_reads_shared_folder():
    result = subprocess.run(
        [
            "git",
            "grep",
            "--untracked",
            "-nE",
            # (the pattern is written so that this line does not match itself)
            r"\.\.[/]shared|[/]shared[/]data",
            "--",
            ":!*.md",
            ":!docs",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr  # 1 = no match; anything else = git failed
    hits = result.stdout.strip().splitlines()
    assert not hits, hits


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_environment_setting_is_documented():
    settings_src = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r"""os\.environ(?:\.get)?\(\s*["']([A-Z_]+)["']""", settings_src))
    names |= set(re.findall(r"""env_(?:bool|list)\(\s*["']([A-Z_]+)["']""", settings_src))
    names |= set(re.findall(r'"([A-Z_]+)" not in os\.environ', settings_src))
    ops = (ROOT / "docs" / "operations.md").read_text()
    missing = sorted(n for n in names if f"`{n}`" not in ops)
    assert names and not missing, f"undocumented settings: {missing}"


def test_production_refuses_unsafe_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(PANTAU_DEBUG="0", ALLOWED_HOSTS="pantau.example")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_templates_compile():
    from django.template.loader import get_template

    for path in PANTAU.rglob("templates/**/*.html"):
        name = str(path).split("/templates/", 1)[1]
        get_template(name)


# The public side of the open-data app: everything an anonymous visitor reaches.
PUBLIC_MODULES = [
    "api.py",
    *sorted(f"ckan/{p.name}" for p in (PANTAU / "opendata" / "ckan").glob("*.py")),
    "portal.py",
    "metadata.py",
    "fq.py",
    "ids.py",
    "dcat.py",
    "ratelimit.py",
    "http.py",
]
PUBLIC_MAY_IMPORT = {
    "pantau.opendata",
    "pantau.opendata.public",
    "pantau.opendata.ckan",
    "pantau.opendata.fq",
    "pantau.opendata.ids",
    "pantau.opendata.metadata",
    "pantau.opendata.api",
    "pantau.opendata.dcat",
    "pantau.opendata.ratelimit",
    "pantau.opendata.http",
    "pantau.opendata.ckan.base",
    "pantau.opendata.ckan.datastore",
    "pantau.opendata.ckan.dicts",
    "pantau.opendata.ckan.params",
    "pantau.opendata.ckan.search",
    "pantau.opendata.ckan.site",
    "pantau.opendata.ckan.tags",
    "pantau.opendata.ckan.text",
    "pantau.core.storage",
    "pantau.core.numbers",
    "pantau.core.spreadsheets",  # CSV formula neutralisation of downloads (no database)
    "pantau.core.clientip",  # the caller's address, shared with the sign-in lockout (no database)
    "pantau.core.dbrouter",  # the replica_readable mark: where reads go, not what they read
}


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_code_reads_only_through_the_opendata_gate(name):
    """Issue 5: every public page, API, export and feed reads through opendata.public; public
    code never imports a model or another app's selectors, and never touches a manager."""
    problems = _gate_problems(name, (PANTAU / "opendata" / name).read_text())
    assert not problems, "read through pantau.opendata.public: " + ", ".join(problems)


def _gate_problems(name: str, text: str) -> list[str]:
    tree = ast.parse(text)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pantau"):
            modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if (
                not any(m in PUBLIC_MAY_IMPORT for m in modules[1:])
                and node.module not in PUBLIC_MAY_IMPORT
            ):
                problems.append(f"{name}:{node.lineno} imports {node.module}")
        if isinstance(node, ast.Import):
            problems += [
                f"{name}:{node.lineno} imports {a.name}"
                for a in node.names
                if a.name.startswith("pantau")
            ]
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"):
            problems.append(f"{name}:{node.lineno} uses a model manager")
    return problems


@pytest.mark.parametrize(
    "line",
    [
        "from pantau.planning.models import SubKegiatan",
        "from pantau.monitoring import selectors",
        "import pantau.opendata.models",
        "x = Dataset.objects.all()",
    ],
)
def test_the_public_gate_check_can_fail(line):
    original = (PANTAU / "opendata" / "ids.py").read_text()
    assert _gate_problems("ids.py", original + "\n" + line + "\n")


# --- layers (docs/architecture.md "Layers and the hand-off", decision 0018) ----------------------


def _layer_contract() -> dict:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return contract


def test_every_app_has_a_layer():
    """A new app cannot escape the order: every package under pantau/ is one of the layers."""
    layers = set(_layer_contract()["layers"])
    apps = {f"pantau.{p.parent.name}" for p in PANTAU.glob("*/__init__.py")}
    assert apps - layers == set(), "add these apps to [tool.importlinter] layers"


def test_imports_point_down_the_layers():
    """import-linter's layers contract over every import of pantau and config (function-level
    imports included; the apps' tests excluded): a module imports only its layer or below."""
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Layers point down KEPT" in result.stdout


def test_the_layer_check_can_fail(tmp_path):
    """The same check on a copy of the code where core imports evaluation inside a function."""
    import shutil

    skip = shutil.ignore_patterns("static", "templates", "locale", "fixtures", "__pycache__")
    for name in ("pantau", "config"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / "pantau" / "core" / "numbers.py").open("a") as f:
        f.write(
            "\n\ndef _upward():\n    from pantau.evaluation import rollup\n\n    return rollup\n"
        )
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "pantau.core is not allowed to import pantau.evaluation" in result.stdout


def _row_locks_without_of(text: str) -> list[int]:
    """Line numbers of `select_for_update(...)` calls that do not name the rows they lock."""
    out = []
    for node in ast.walk(ast.parse(text)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "select_for_update"
            and not any(k.arg == "of" for k in node.keywords)
        ):
            out.append(node.lineno)
    return out


def test_row_locks_name_their_rows():
    """Every `select_for_update` says `of=("self",)` (or which rows): without it, PostgreSQL
    locks every row the query joins (`select_related`) FOR UPDATE, the pemda's among them,
    and each audit event's foreign-key check at commit then waits for it (a deadlock under
    the month-end load, monitoring/tests/test_row_locks.py)."""
    bad = []
    for f in PANTAU.rglob("*.py"):
        if "tests" not in f.parts and "migrations" not in f.parts:
            bad += [f"{f.relative_to(PANTAU)}:{n}" for n in _row_locks_without_of(f.read_text())]
    assert bad == []


def test_the_row_lock_rule_can_fail():
    text = 'X.objects.select_for_update().get(pk=1)\nY.objects.select_for_update(of=("self",))\n'
    assert _row_locks_without_of(text) == [1]
