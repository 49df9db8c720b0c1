"""check --doc: the document formats, worked numbers, the summary, exit codes and the limits."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from derive.check.docread import MAX_BYTES, equations, find_math
from derive.check.documents import run_doc
from derive.check.worked import stated_rounding
from nnderive.cli import main

ROOT = Path(__file__).resolve().parents[1]

MD = """# Draft

Inline $x^2 + 1$ is no claim, $\\frac{d}{dx} x^3 = 3x^2$ is one.

$$
\\frac{d}{dx} \\sin(x) = \\cos(x)
$$

\\[ \\frac{d}{dx} e^{2x} = 2e^{2x} \\]

```python
y = 3   # code, never read: $a = b$
```

A price of \\$5 and \\$6 is no math.
"""

TEX = r"""\documentclass{article}
\begin{document}
\begin{align*}
\frac{d}{dx} x^2 &= 2x \label{eq:a} \\
\frac{d}{dx} x^3 &= 3x \tag{b}
\end{align*}
\begin{equation}
M = \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}
\end{equation}
\begin{tikzpicture} \node at (0,0) {input\\$n_{0} = 3$}; \end{tikzpicture}
% a comment: $x = y$
\begin{gather}
(x+1)^2 = x^2 + 2x + 1
\end{gather}
\end{document}
"""

NOTEBOOK = {"cells": [
    {"cell_type": "markdown", "source": ["Intro\n", "$$\\frac{d}{dx} x^2 = 2x$$\n"]},
    {"cell_type": "code", "source": ["# $$\\frac{d}{dx} x^2 = 5x$$ is code\n"]},
    {"cell_type": "markdown", "source": "text\n\n$$\\frac{d}{dx} x^2 = 3x$$\n"},
], "nbformat": 4, "nbformat_minor": 5}

MYST = """---
title: t
---
```{math}
:label: eq1
\\frac{d}{dx} x^2 = 2x
```
"""

DOCS = [  # (file name, text, exit code, lines that must appear in the output)
    ("d.md", MD, 0, ["d.md:3: holds: \\frac{d}{dx} x^3 = 3x^2", "d.md:6: holds", "d.md:9: holds", "3 equations"]),
    ("d.tex", TEX, 1, ["d.tex:4: holds: \\frac{d}{dx} x^2 = 2x", "d.tex:5: fails: \\frac{d}{dx} x^3 = 3x",
                       "d.tex:13: holds", "failing:\n  ", "d.tex:5: \\frac{d}{dx} x^3 = 3x"]),
    ("n.ipynb", json.dumps(NOTEBOOK), 1, ["n.ipynb:cell 1:2: holds", "n.ipynb:cell 3:3: fails", "2 equations"]),
    ("q.qmd", "---\ntitle: q\n---\n\n$$\\frac{d}{dx} x^2 = 2x$$\n", 0, ["q.qmd:5: holds"]),
    ("m.md", MYST, 0, ["m.md:6: holds: \\frac{d}{dx} x^2 = 2x"]),
    ("e.md", "no math at all\n", 0, ["no equations found"]),
    ("u.md", "$$\\frac{dL}{dy} = 0$$\n", 2, ["error", "L is not defined"]),       # as a single claim
    ("v.md", "$$\\frac{d}{dx} \\frac{1}{x - x} = 0$$\n", 4, ["not-checkable"]),
]


@pytest.mark.parametrize("name, text, code, words", DOCS)
def test_doc_formats(tmp_path, capsys, name, text, code, words):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    got = main(["check", "--doc", str(p), "--jobs", "1"])
    out = capsys.readouterr().out.replace(str(tmp_path) + "/", "")
    assert got == code, out
    for w in words:
        assert w in out, (w, out)
    assert "is code" not in out and "n_{0}" not in out and "x = y$" not in out


def test_matrix_rows_keep_their_columns():
    eqs = equations("latex", TEX)
    assert any("1 & 2" in e.text for e in eqs)


PROSE = "The rounding: the outputs of the activation function are rounded to 4 decimals as soon as computed.\n\n"
WORKED = r"""\begin{aligned}
x &= \begin{bmatrix} 1 \\ 4 \\ 5 \end{bmatrix} \\ T &= \begin{bmatrix} 0.1 \\ 0.05 \end{bmatrix} \\
W^{1} &= \begin{bmatrix} 0.1 & 0.3 & 0.5 \\ 0.2 & 0.4 & 0.6 \end{bmatrix}, \quad b^{1} = \begin{bmatrix} 0.5 \\ 0.5 \end{bmatrix} \\
W^{2} &= \begin{bmatrix} 0.7 & 0.9 \\ 0.8 & 0.1 \end{bmatrix}, \quad b^{2} = \begin{bmatrix} 0.5 \\ 0.5 \end{bmatrix}
\end{aligned}
"""


@pytest.mark.parametrize("line, verdict", [
    ("h^{1} = \\begin{bmatrix} 0.9866 \\\\ 0.9950 \\end{bmatrix}", "holds"),
    ("h^{1} = \\begin{bmatrix} 0.9867 \\\\ 0.9950 \\end{bmatrix}", "fails"),     # one digit off
    ("E = 5.7370", "holds"),             # from the rounded activations (exactly: 5.7373)
    ("E = 5.7373", "fails"),
    ("E = 5.74", "holds"),               # rounded to the digits it shows
])
def test_worked_numbers_at_the_documents_values(tmp_path, capsys, line, verdict):
    p = tmp_path / "w.md"
    p.write_text(PROSE + "$$\n" + WORKED + "\n$$\n\n$$" + line + "$$\n", encoding="utf-8")
    run_doc(p, spec_path=ROOT / "examples/article003_3_2_2.toml", jobs=1)
    rows = [r for r in capsys.readouterr().out.splitlines() if r.startswith(str(p) + ":") and r.split(":")[1].isdigit()]
    assert rows[-1].split(": ")[1] == verdict, rows[-1]


@pytest.mark.parametrize("text, mode", [
    ("the outputs of the activation function (h^1) are rounded to 4 decimals", "activations"),
    ("Here we round the output value of the sigmoid function to 4 decimals", "activations"),
    ("Every value is rounded to 4 decimals as soon as it is computed. (Other readings: activation outputs"
     " rounded.)", "every"),
    ("Every value is computed exactly; nothing is rounded before it is used again", "none"),
    ("no word about it", "none"),
])
def test_stated_rounding(text, mode):
    assert stated_rounding(text) == mode


def test_definitions_used_by_later_lines(tmp_path, capsys):
    p = tmp_path / "d.md"
    p.write_text("$$L = (y - 500)^2$$\n\n$$\\frac{dL}{dy} = 2(y - 500)$$\n\n$$n_{0} = 3$$ $$n_{1} = 2$$\n"
                 "$$n_{0} + n_{1} = 5$$\n$$e = 1, \\dots, 100$$\n", encoding="utf-8")
    assert run_doc(p, jobs=1) == 0
    out = capsys.readouterr().out
    assert ":1: definition" in out and ":3: holds" in out and ":6: holds" in out and "skipped: e = 1" in out


@pytest.mark.parametrize("text", ["\\[" + "x " * 100_000, "$$" + "a" * 200_000, "$" * 100_000,
                                  "\\begin{tikzpicture}" * 20_000, "\\\\" * 100_000 + "$x$"])
def test_scanning_is_linear(text):
    t0 = time.perf_counter()
    find_math("latex", text)
    find_math("markdown", text)
    assert time.perf_counter() - t0 < 2.0


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_bytes(b"x" * (MAX_BYTES + 1)), "larger than 2 MB"),
    (lambda p: p.write_bytes(b"\xff\xfe$$x$$"), "not UTF-8"),
    (lambda p: p.write_text('{"cells": 3}'), "not a Jupyter notebook"),
    (lambda p: None, "file not found"),
])
def test_bad_documents_one_line_exit_2(tmp_path, capsys, make, words):
    p = tmp_path / ("d.ipynb" if "Jupyter" in words else "d.md")
    make(p)
    assert main(["check", "--doc", str(p)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["--timeout", "nan"], ["--timeout", "0"], ["--timeout", "inf"], ["--jobs", "0"]])
def test_bad_options_exit_2(capsys, args):
    assert main(["check", "x = x", *args]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_time_limit_per_equation_keeps_the_rest(tmp_path, capsys):
    p = tmp_path / "t.md"
    slow = "\\int_{0}^{1} e^{-x^{2}} \\sin(x^{3} + e^{x}) \\log(2 + \\cos(x^{5})) dx = 0.2"
    p.write_text(f"$$\\frac{{d}}{{dx}} x^2 = 2x$$\n\n$${slow}$$\n\n$$\\frac{{d}}{{dx}} x^3 = 3x^2$$\n")
    run_doc(p, timeout=0.5, jobs=1)
    out = capsys.readouterr().out
    assert ":1: holds" in out and ":5: holds" in out


def test_round_trip_worked_example(tmp_path, capsys):
    """Issue 9.5 on the worked example nnderive latex writes (benchmarks/check_roundtrip.py checks
    whole documents of every example spec): every number it shows holds at the values it states,
    with the rounding it states, and a changed digit fails."""
    spec = ROOT / "examples/article003_3_2_2.toml"
    doc = tmp_path / "a3.md"
    assert main(["latex", str(spec), "-o", str(doc), "--format", "md", "--example",
                 str(ROOT / "examples/worked_examples/article003.toml")]) in (0, 4)
    capsys.readouterr()
    sections = doc.read_text(encoding="utf-8").split("\n## ")
    worked = next(sec for sec in sections if "a worked example" in sec.splitlines()[0].lower())
    part = tmp_path / "worked.md"
    part.write_text("## " + worked, encoding="utf-8")
    assert run_doc(part, spec_path=spec, jobs=1) == 0
    rows = [r for r in capsys.readouterr().out.splitlines() if r.startswith(str(part) + ":")
            and r.split(":")[1].isdigit()]
    holds = [r for r in rows if r.split(": ")[1] == "holds"]
    assert len(holds) >= 14 and any("E = 5.7370" in r for r in holds), rows
    part.write_text("## " + worked.replace("5.7370", "5.7380"), encoding="utf-8")
    assert run_doc(part, spec_path=spec, jobs=1) == 1
