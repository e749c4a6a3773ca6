"""The `pantau` console script and its loaders."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pantau.demo.plan import DATA
from pantau.organisations.models import Wilayah
from pantau.planning.models import Nomenklatur

pytestmark = pytest.mark.django_db


def test_load_wilayah_command(capsys):
    call_command(
        "load_wilayah", str(DATA / "wakatobi_wilayah_kepmendagri_2025.csv"), sumber="Kepmendagri"
    )
    assert "109 baru" in capsys.readouterr().out
    assert Wilayah.objects.count() == 109


def test_load_wilayah_bad_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("kode,nama\n74.07,X\n")
    with pytest.raises(CommandError, match="tidak memuat kolom"):
        call_command("load_wilayah", str(bad))
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("load_wilayah", str(tmp_path / "missing.csv"))
    assert Wilayah.objects.count() == 0


def test_load_nomenklatur_command(capsys, nomen_csv):
    call_command("load_nomenklatur", str(nomen_csv), tahun=2027)
    assert "11 baru" in capsys.readouterr().out
    assert Nomenklatur.objects.filter(tahun=2027).count() == 11


def test_console_script_maps_two_words_and_runs_django(tmp_path):
    script = Path(sys.executable).with_name("pantau")
    result = subprocess.run(
        [str(script), "help", "demo"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PANTAU_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "--if-empty" in result.stdout
