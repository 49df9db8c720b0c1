"""Where command output goes: latex -o must agree with --format, and a closed pipe ends a command quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnderive.cli import main
from nnderive.commands.latex import output_format

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples" / "article003_3_2_2.toml"


@pytest.mark.parametrize("output, fmt, expected", [
    (None, None, "tex"), (None, "md", "md"), ("a.tex", None, "tex"), ("a.md", None, "md"),
    ("a.markdown", None, "md"), ("a.TEX", "tex", "tex"), ("notes.txt", "md", "md"),
])
def test_output_format_from_the_suffix(output, fmt, expected):
    assert output_format(output, fmt) == expected


@pytest.mark.parametrize("argv, needle", [
    (["-o", "out.pdf"], "-o out.pdf: nnderive latex writes LaTeX or Markdown source, not a PDF; use"
                        " -o out.tex --pdf"),
    (["--format", "tex", "-o", "x.md"], "-o x.md: the suffix .md means md but --format is tex"),
    (["--format", "md", "-o", "x.tex"], "-o x.tex: the suffix .tex means tex but --format is md"),
    (["-o", "x.txt"], "cannot tell the format from the suffix .txt"),
])
def test_a_suffix_that_contradicts_the_format_is_an_error(tmp_path, monkeypatch, capsys, argv, needle):
    monkeypatch.chdir(tmp_path)
    assert main(["latex", str(SPEC), *argv]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing derived


def test_a_closed_pipe_ends_quietly(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "nnderive", "derive", str(SPEC)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    proc.stdout.close()  # the reader is gone before the first line (`... | head -0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert err == "", err
