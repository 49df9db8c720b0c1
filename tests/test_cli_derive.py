"""`nnderive derive`, `--version` and `--help` as a user runs them."""

import subprocess
import sys
from pathlib import Path

import pytest

from derive import __version__
from nnderive.cli import main

ROOT = Path(__file__).parent.parent


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "derive" in capsys.readouterr().out


@pytest.mark.parametrize("spec, expect", [
    ("article004_4_2_3.toml", ["W1", "2x4", "dL_dW1", "step(Z1)", "verified:", "derived and verified in"]),
    ("digits_64_32_10.toml", ["delta2 = A2 - Y", "32x64", "output-softmax-fused"]),
    ("article000_3_5_2.toml", ["delta2 = A2 - Y", "A1 ⊙ (1 - A1)", "half_sse"]),
])
def test_derive_summary(capsys, spec, expect):
    assert main(["derive", str(ROOT / "examples" / spec)]) == 0
    out = capsys.readouterr().out
    for text in expect:
        assert text in out


def test_console_entry_point_runs_as_a_module():
    r = subprocess.run([sys.executable, "-m", "nnderive", "derive", str(ROOT / "examples/article003_3_2_2.toml")],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert "gradients (matrix form)" in r.stdout
