"""bandit, the security linter, over the application, its settings and scripts (decision 0032;
configured in pyproject.toml [tool.bandit]): no finding that is not marked `# nosec <id>` with
its reason. It runs with `make lint` too."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BANDIT = [str(Path(sys.executable).parent / "bandit"), "-q", "-c", "pyproject.toml", "-r"]


def _bandit(*paths, cwd=ROOT):
    return subprocess.run(
        [*BANDIT, *paths], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


class TestBandit:
    def test_no_unmarked_finding(self):
        result = _bandit("pantau", "config", "scripts")
        assert result.returncode == 0, result.stdout[-6000:]

    def test_a_finding_fails(self, tmp_path):
        """The same configuration fails on a shell command built from input."""
        (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
        (tmp_path / "bad.py").write_text(
            "import subprocess\n\n\ndef run(name):\n"
            "    return subprocess.call('ls ' + name, shell=True)\n"
        )
        result = _bandit("bad.py", cwd=tmp_path)
        assert result.returncode == 1
        assert "B602" in result.stdout
