"""Every audit action code written by the source has a plain-language description (issue 12 §5).

The codes are read from the source (not listed by hand): every `action=` keyword and every
assignment to a variable `action`, with the string values it can take (literals, `a if c else
b`, `"x." + ("y" if c else "z")`). Codes built with an f-string are expanded by `EXPANSIONS`
from the values the code can put in (the workflow's steps, the import job's modes and
statuses, ...); an f-string not listed there fails the test, so a new family is not missed.
"""

import ast
import itertools
from pathlib import Path

import pytest
from django.contrib import admin
from django.utils import translation

from pantau.audit.models import AuditEvent
from pantau.organisations import audit_teks
from pantau.organisations.admin_base import AuditedAdmin

ROOT = Path(__file__).resolve().parents[2]


def _transitions():
    from pantau.monitoring.workflow import TRANSITIONS

    return list(TRANSITIONS)


def _dokumen():
    from pantau.planning.services_dokumen import LANGKAH

    return [*LANGKAH, "create", "open", "usulan_set"]


def _impor():
    from pantau.planning.models import ImportJob

    return [f"{m}.{s}" for m in ImportJob.Mode.values for s in ("selesai", "gagal")]


def _riwayat():
    from pantau.organisations.models import OpdRiwayat

    return [value for value, _label in OpdRiwayat._meta.get_field("jenis").flatchoices]


def _classified():
    from django.apps import apps

    from pantau.core.classification import Terklasifikasi

    return [m._meta.model_name for m in apps.get_models() if issubclass(m, Terklasifikasi)]


def _backup_kinds():
    from pantau.backup.models import BackupRun

    return list(BackupRun.Kind.values)


# f-string template (placeholders as {}) -> the codes it can produce
EXPANSIONS = {
    "backup.{}": lambda: [f"backup.{k}" for k in _backup_kinds()],
    "backup.{}.selesai": lambda: [f"backup.{k}.selesai" for k in _backup_kinds()],
    "backup.{}.terputus": lambda: [f"backup.{k}.terputus" for k in _backup_kinds()],
    "realisasi.{}": lambda: [f"realisasi.{n}" for n in _transitions()],
    "dokumen_rencana.{}": lambda: [f"dokumen_rencana.{n}" for n in _dokumen()],
    "impor.{}.{}": lambda: [f"impor.{x}" for x in _impor()],
    "opd.{}": lambda: [f"opd.{j}" for j in _riwayat()],
    "{}.klasifikasi": lambda: [f"{m}.klasifikasi" for m in _classified()],
    "{}.{}.admin": lambda: [
        f"{model._meta.model_name}.{verb}.admin"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, AuditedAdmin)
        for verb in ("create", "update", "delete")
    ],
}


def _values(node) -> list[str]:
    """The strings an expression can evaluate to; f-strings as templates with {}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _values(node.body) + _values(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a, b in itertools.product(_values(node.left), _values(node.right))]
    if isinstance(node, ast.JoinedStr):
        return ["".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)]
    return []


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name == "add_argument":
                    continue
                for kw in node.keywords:
                    if kw.arg == "action":
                        codes.update(_values(kw.value))
                if name == "_action" and node.args:  # the audited admin's "<model>.<verb>.admin"
                    codes.add("{}.{}.admin")
                if name == "_audit" and len(node.args) >= 3 and "dokumen" in path.name:
                    codes.add("dokumen_rencana.{}")
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "action" for t in targets):
                    codes.update(_values(node.value))
    expanded: set[str] = set()
    for code in codes:
        if "{}" in code:
            assert code in EXPANSIONS, f"add the f-string action {code!r} to EXPANSIONS"
            expanded.update(EXPANSIONS[code]())
        elif code and "." in code:
            expanded.add(code)
    return expanded


class TestEveryActionIsDescribed:
    def test_the_source_yields_the_known_codes(self):
        codes = _codes_in_source()
        # a sample of codes from every kind of site: literal, conditional, concatenated,
        # f-string family, the audited admin, this viewer's own download
        for code in (
            "rahasia.read",
            "membership.update",
            "user.password_reset",
            "realisasi.submit",
            "impor.uji.gagal",
            "pemda.update.admin",
            "audit.ekspor",
        ):
            assert code in codes

    def test_every_code_has_a_description(self):
        missing = sorted(c for c in _codes_in_source() if audit_teks.entry_for(c) is None)
        assert missing == [], f"add these to audit_teks.AKSI: {missing}"

    @pytest.mark.parametrize("lang", ["id", "en"])
    def test_every_sentence_formats(self, lang):
        event = AuditEvent(actor_label="dinkes.op", action="", object_repr="Juni 2026")
        with translation.override(lang):
            for code in [*audit_teks.AKSI, *audit_teks.POLA]:
                event.action = code.replace("*", "sub_kegiatan")
                text = audit_teks.describe(event, "operator_opd")
                assert "%(" not in text and "dinkes.op" in text

    def test_the_fallback_still_reads(self):
        event = AuditEvent(actor_label="sistem", action="aksi.baru", object_repr="Objek X")
        with translation.override("id"):
            assert audit_teks.describe(event) == "Sistem mencatat aksi.baru pada Objek X"

    def test_the_example_sentence(self):
        event = AuditEvent(
            actor_label="dinkes.op",
            action="realisasi.submit",
            object_repr="1.02.02.2.01.0001 · Juni 2026",
        )
        with translation.override("id"):
            assert (
                audit_teks.describe(event, "operator_opd")
                == "Operator dinkes.op mengajukan laporan 1.02.02.2.01.0001 · Juni 2026"
            )
        with translation.override("en"):
            assert audit_teks.describe(event, "operator_opd").startswith("Operator dinkes.op")
