"""Tests for `nnderive latex`: the printer, the document, pdflatex compilation, goldens, worked examples.

Golden files live in tests/golden/; after an intended change regenerate them with
    NNDERIVE_UPDATE_GOLDEN=1 python -m pytest tests/test_latex.py -k golden
and review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from derive.engine import equation_tags
from derive.errors import NNDeriveError
from derive.pipeline import derive
from derive.present import builder, document
from derive.present.document import render, write_atomic
from derive.present.latex_printer import element, latex
from derive.present.worked_example import (
    ExampleValues,
    compute,
    example_from_dict,
    load_example,
    random_example,
    round_value,
)
from derive.present.writers import TexWriter
from derive.spec import build_spec, load_spec
from nnderive.cli import main

try:
    from tests.latex_checks import compile_and_check, source_problems
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from latex_checks import compile_and_check, source_problems

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
SPECS = [p for p in EXAMPLES if not p.name.startswith("worked_example")]
EXAMPLE_003 = ROOT / "examples" / "worked_examples" / "article003.toml"
GOLDEN = Path(__file__).resolve().parent / "golden"

_cache: dict = {}


def derived(path: Path):
    if path not in _cache:
        _cache[path] = derive(load_spec(path))
    return _cache[path]


def need_pdflatex():
    if shutil.which("pdflatex"):
        return
    if os.environ.get("CI"):
        pytest.fail("pdflatex is missing on CI: apt-get install --no-install-recommends texlive-latex-base "
                    "texlive-latex-recommended texlive-pictures latexmk lmodern")
    pytest.skip("pdflatex not installed")


# ---------------------------------------------------------------------------------------------
# printer


def test_printer_maps_names_through_profiles():
    W1 = sp.MatrixSymbol("W1", 2, 3)
    assert latex(W1, "default") == "W^{1}"
    assert latex(W1, "article000") == r"\mathbf{w}^{1}"
    assert latex(W1, "article004") == "W_{1}"
    assert latex(sp.MatrixSymbol("delta1", 2, 1), "default") == r"\delta^{1}"
    assert latex(sp.MatrixSymbol("A0", 3, 1), "default") == "x"
    assert latex(sp.MatrixSymbol("Y", 3, 1), "article003") == "T"
    assert latex(sp.Symbol("L"), "article000") == r"\ell"
    assert latex(sp.MatrixSymbol("dL_dW1", 2, 3), "default") == r"\frac{\partial L}{\partial W^{1}}"
    assert latex(sp.MatrixSymbol("dL_dW1", 2, 3), "article004") == r"\frac{\partial L}{\partial W_{1}}"


def test_printer_nodes():
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    eqs = {e.name: latex(e.rhs, "default") for e in d.forward + d.backward + d.gradients}
    assert eqs["forward_a1"] == r"\sigma\left(z^{1}\right)"
    assert r"\odot" in eqs["delta1"] and r"(W^{2})^{\top}" in eqs["delta1"]
    assert r"\left(\mathbf{1} - a^{1}\right)" in eqs["delta1"]
    d4 = derived(ROOT / "examples" / "article004_4_2_3.toml")
    assert r"H\left(z_{1}\right)" in latex(d4.equation("delta1").rhs, "article004")
    dg = derived(ROOT / "examples" / "digits_64_32_10.toml")
    assert latex(dg.equation("forward_a2").rhs) == r"\operatorname{softmax}\left(z^{2}\right)"


def test_element_merges_subscripts():
    assert element("W^{1}", "jk") == "W^{1}_{jk}"
    assert element("W_{1}", "jk") == "W_{1,jk}"
    assert element(r"\vec{z}^{2}", "j") == "z^{2}_{j}"
    assert element(r"\frac{\partial\ell}{\partial \vec{z}^{1}}", "j").startswith(r"\left(\frac")


def test_printer_is_deterministic():
    d = derived(ROOT / "examples" / "article004_4_2_3.toml")
    assert render(d, "tex") == render(derive(d.spec), "tex")


# ---------------------------------------------------------------------------------------------
# the document


@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_every_tag_used_once(fmt):
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    text = render(d, fmt)
    tags = re.findall(r"\\tag\{([^}]*)\}", text)
    assert sorted(tags) == sorted(equation_tags(d).values())


def test_document_contents():
    d = derived(ROOT / "examples" / "article004_4_2_3.toml")
    tex = render(d, "tex")
    assert r"\documentclass" in tex and r"\begin{tikzpicture}" in tex
    assert r"2 \times 4" in tex  # article 004: the gradient of W1 is 2 x 4
    assert "H(0) = 0" in tex  # the ReLU convention at 0
    # the summary as the writer sets it (widths such as 2-3-2 unbreakable)
    assert TexWriter().text(d.verification.summary().split(";")[0]) in tex
    assert "Algorithm." in tex


def test_hidden_chain_rule_expanded_or_summed():
    small = render(derived(ROOT / "examples" / "article003_3_2_2.toml"), "tex")
    assert r"\delta^{2}_{1} W^{2}_{1j}" in small and r"\delta^{2}_{2} W^{2}_{2j}" in small
    wide = render(derived(ROOT / "examples" / "digits_64_32_10.toml"), "tex")
    assert r"\sum_{i=1}^{10} \delta^{2}_{i} W^{2}_{ij}" in wide


def test_notation_profiles_change_symbols():
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    t000 = render(d, "tex", "article000")
    t004 = render(d, "tex", "article004")
    assert r"\mathbf{w}^{1}" in t000 and r"\vec{y}^{true}" in t000
    assert "W_{1}" in t004 and "W^{1}" not in t004
    assert "P^{1}" in render(d, "tex")  # the spec's own profile: article 003's P and h


def test_spec_overrides_apply():
    spec = build_spec([2, 3, 1], ["tanh", "linear"], "half_sse", notation={"target": r"\mathbf{t}"})
    tex = render(derive(spec), "tex")
    assert r"$\mathbf{t}$ & targets" in tex and "t_{in}" in tex


def test_sum_loss_notes_article000_mean():
    tex = render(derived(ROOT / "examples" / "article000_3_5_2.toml"), "tex")
    assert r"\alpha \frac{1}{N}" in tex


def test_wide_layers_drawn_with_vdots():
    tex = render(derived(ROOT / "examples" / "mnist_784_128_10.toml"), "tex")
    assert r"$\vdots$" in tex and "n_{0} = 784" in tex


def _table(tex: str, caption: str) -> str:
    """The LaTeX of the table with this caption, from the group that opens it to its end."""
    m = re.search(r"\{\n(?:\\renewcommand\{\\arraystretch\}\{[\d.]+\}\n)?\\begin\{longtable\}\{l+\}\n"
                  r"\\caption\{" + re.escape(caption) + r".*?\\end\{longtable\}\n\}", tex, re.S)
    assert m, f"no table captioned {caption!r}"
    return m.group(0)


def test_shapes_table_lists_every_quantity():
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    table = _table(render(d, "tex"), "Shapes of the matrices")
    symbols = re.findall(r"^\$(.*?)\$ & ", table, re.M)
    assert symbols == ["x",
                       "W^{1}", r"\frac{\partial E}{\partial W^{1}}", "b^{1}", r"\frac{\partial E}{\partial b^{1}}",
                       "P^{1}", "h^{1}", r"\delta^{1}",
                       "W^{2}", r"\frac{\partial E}{\partial W^{2}}", "b^{2}", r"\frac{\partial E}{\partial b^{2}}",
                       "P^{2}", "h^{2}", r"\delta^{2}",
                       "T", "O"]
    assert r"$h^{1}$ & activations of layer 1 & $n_{1} \times N$ & $2 \times N$ \\" in table
    assert r"$x$ & inputs & $n_{0} \times N$ & $3 \times N$ \\" in table
    # the row layout: one sample per row, every activation listed with its transposed shape
    spec = build_spec([2, 3, 1], ["tanh", "linear"], "half_sse", conventions={"layout": "row"})
    table = _table(render(derive(spec), "tex"), "Shapes of the matrices")
    assert r"$a^{1}$ & activations of layer 1 & $N \times n_{1}$ & $N \times 3$ \\" in table
    assert r"$a^{2}$ & activations of layer 2 & $N \times n_{2}$ & $N \times 1$ \\" in table
    md = render(derive(spec), "md")
    assert r"| $a^{1}$ | activations of layer 1 | $N \times n_{1}$ | $N \times 3$ |" in md


def test_tall_tables_get_taller_rows():
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    ex = compute(d, load_example(EXAMPLE_003, d.spec), 4)
    tex = render(d, "tex", example=ex)
    stretch = "{\n" + rf"\renewcommand{{\arraystretch}}{{{builder.TALL_ROWS:g}}}" + "\n\\begin{longtable}"
    assert builder.TALL_ROWS >= 1.5
    # fractions in the shapes and rounding tables: rows stretched, locally (inside a group)
    assert _table(tex, "Shapes of the matrices").startswith(stretch)
    rounding = _table(tex, "Shown digits under each reading of rounding")
    assert rounding.startswith(stretch) and r"\frac{\partial E}{\partial W^{2}_{11}}" in rounding
    # the notation table has no fractions and keeps its normal rows
    assert not _table(tex, "Notation").startswith(stretch)
    assert tex.count(r"\renewcommand{\arraystretch}") == 2


def test_tables_stay_where_the_text_refers_to_them():
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    ex = compute(d, load_example(EXAMPLE_003, d.spec), 4)
    tex = render(d, "tex", example=ex)
    # no floats that LaTeX could move to a later page: tables are longtables (which break across pages)
    assert r"\begin{table}" not in tex and tex.count(r"\begin{longtable}") == 3
    assert r"\usepackage{longtable}" in tex
    assert "listed in the table below; the values above are those with activation outputs rounded." in tex
    # a sentence ending with a colon is followed right away by the display it announces
    lines = tex.splitlines()
    for i, ln in enumerate(lines):
        if ln.endswith(":") and not ln.startswith("%"):
            nxt = next(x for x in lines[i + 1:] if x.strip())
            assert nxt.startswith((r"\begin{equation", r"\begin{center}")), (ln, nxt)


def _tiny_tex(path: Path, body: str = "Hello.") -> Path:
    path.write_text("\\documentclass{article}\n\\begin{document}\n" + body + "\n\\end{document}\n")
    return path


@pytest.mark.parametrize("latexmk", [True, False], ids=["latexmk", "pdflatex"])
def test_compile_pdf_leaves_only_the_pdf(tmp_path, monkeypatch, latexmk):
    need_pdflatex()
    if latexmk and not shutil.which("latexmk"):
        pytest.skip("latexmk not installed")
    if not latexmk:
        which = shutil.which
        monkeypatch.setattr(document.shutil, "which", lambda n: None if n == "latexmk" else which(n))
    tex = _tiny_tex(tmp_path / "doc.tex")
    (tmp_path / "other.txt").write_text("kept")
    assert document.compile_pdf(tex) == tmp_path / "doc.pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.pdf", "doc.tex", "other.txt"]
    assert (tmp_path / "doc.pdf").read_bytes().startswith(b"%PDF")


def test_compile_pdf_failure_keeps_only_the_log(tmp_path):
    need_pdflatex()
    tex = _tiny_tex(tmp_path / "bad.tex", r"\undefinedmacro")
    with pytest.raises(document.DocumentError) as e:
        document.compile_pdf(tex)
    log = tmp_path / "bad.log"
    assert f"full log: {log}" in str(e.value) and "Undefined control sequence" in str(e.value)
    assert "Undefined control sequence" in log.read_text(errors="replace")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.log", "bad.tex"]
    # once the error is fixed, the kept log of the failed build goes away too
    _tiny_tex(tex, "Fixed.")
    assert document.compile_pdf(tex).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.pdf", "bad.tex"]


def _compile(tmp_path: Path, name: str, text: str) -> str:
    need_pdflatex()
    tex = tmp_path / f"{name}.tex"
    tex.write_text(text)
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    log = (tmp_path / f"{name}.log").read_text(errors="replace")
    assert r.returncode == 0, "\n".join(ln for ln in log.splitlines() if ln.startswith("!"))[:2000]
    assert "Undefined control sequence" not in log
    assert not re.search(r"^! ", log, re.M)
    assert (tmp_path / f"{name}.pdf").stat().st_size > 10_000
    return log


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_every_example_compiles(spec, tmp_path):
    """Every example spec compiles, and neither its source (tex and md) nor its PDF has what a
    typesetter would reject (tests/latex_checks.py: stacked superscripts, 1e-06, overfull boxes,
    split short tables, identifiers broken at a hyphen)."""
    need_pdflatex()
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    d = derived(spec)
    example = None
    if max(d.spec.layers) <= 10:
        example = compute(d, random_example(d.spec, 7), 4)
    tex = render(d, "tex", example=example)
    problems = source_problems(tex, "tex") + source_problems(render(d, "md", example=example), "md")
    problems += compile_and_check(tmp_path, spec.stem, tex)
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize("profile", ["default", "article000", "article003", "article004"])
def test_profiles_compile(profile, tmp_path):
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    ex = compute(d, load_example(EXAMPLE_003, d.spec), 4)
    _compile(tmp_path, profile, render(d, "tex", profile, ex))


def test_cli_writes_tex_md_and_pdf(tmp_path, capsys):
    out = tmp_path / "a.tex"
    args = ["latex", str(ROOT / "examples" / "article003_3_2_2.toml"), "-o", str(out),
            "--example", str(EXAMPLE_003)]
    assert main(args) == 0
    assert r"\tag{10a}" in out.read_text()
    assert main(["latex", str(ROOT / "examples" / "article003_3_2_2.toml"), "-o", str(tmp_path / "a.md"),
                 "--random-example", "3", "--notation", "article004"]) == 0
    # the front matter names the spec and the notation (nnderive check --doc reads them), then the comment
    # (relative to the document when the two share a folder below the root, else absolute)
    spec = (ROOT / "examples" / "article003_3_2_2.toml").resolve()
    head = (tmp_path / "a.md").read_text().split("\n")
    assert head[:2] == ["---", "nnderive:"] and head[3:5] == ["  notation: article004", "---"], head[:6]
    assert head[2].startswith("  spec: ") and head[5].startswith("<!--"), head[:6]
    assert (tmp_path / head[2][len("  spec: "):]).resolve() == spec
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    if shutil.which("pdflatex"):
        assert main(args + ["--pdf"]) == 0
        assert (tmp_path / "a.pdf").exists()
        # the build files (.aux, .log, .fls, .fdb_latexmk) stay in a temporary directory
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a-network.svg", "a.md", "a.pdf", "a.tex"]
        assert f"wrote {tmp_path / 'a.pdf'}" in capsys.readouterr().out


def test_cli_pdf_without_tex_writes_the_tex_and_says_how_to_compile(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(document.shutil, "which", lambda name: None)
    rc = main(["latex", str(ROOT / "examples" / "article003_3_2_2.toml"), "-o", str(tmp_path / "a.tex"),
               "--pdf"])
    assert rc == 4  # the .tex is written, the PDF is not: neither success (0) nor bad input (2)
    assert (tmp_path / "a.tex").read_text().startswith("% Generated by nnderive")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tex"]
    out, err = capsys.readouterr()
    assert f"wrote {tmp_path / 'a.tex'}" in out
    assert "apt-get install --no-install-recommends texlive-latex-base texlive-latex-recommended" in err
    assert "lmodern" in err and f"`latexmk -pdf a.tex` (or `pdflatex a.tex` twice) in {tmp_path}" in err
    # bad input still fails before anything is written, with exit code 2
    assert main(["latex", str(ROOT / "examples" / "article003_3_2_2.toml"), "-o", str(tmp_path / "b.md"),
                 "--pdf"]) == 2
    assert not (tmp_path / "b.md").exists()


def test_write_atomic_replaces(tmp_path):
    p = tmp_path / "x.tex"
    write_atomic(p, "one")
    write_atomic(p, "two")
    assert p.read_text() == "two" and len(list(tmp_path.iterdir())) == 1


# ---------------------------------------------------------------------------------------------
# golden files


@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_golden_article003(fmt):
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    ex = compute(d, load_example(EXAMPLE_003, d.spec), 4)
    text = render(d, fmt, example=ex)
    path = GOLDEN / f"article003_3_2_2.{fmt}"
    if os.environ.get("NNDERIVE_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"missing golden {path}; run with NNDERIVE_UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{path} differs; if intended, rerun with NNDERIVE_UPDATE_GOLDEN=1"


# ---------------------------------------------------------------------------------------------
# worked example: exact values against an independent float64 numpy computation


def _np_act(name, z):
    return {"sigmoid": lambda v: 1 / (1 + np.exp(-v)), "linear": lambda v: v,
            "relu": lambda v: np.maximum(v, 0), "tanh": np.tanh,
            "softmax": lambda v: np.exp(v - v.max(0)) / np.exp(v - v.max(0)).sum(0)}[name](z)


def _np_act_prime(name, z, a):
    return {"sigmoid": a * (1 - a), "linear": np.ones_like(z), "relu": (z > 0) * 1.0,
            "tanh": 1 - a ** 2}[name]


def _numpy_step(spec, ex: ExampleValues, round_activations: int | None = None):
    """Forward, loss, backward and update in float64, written from the textbook formulas; with
    round_activations, every non-identity activation output is rounded to that many decimals at once."""
    f = lambda m: np.array(m.tolist(), dtype=float)  # noqa: E731
    x, y = f(ex.x), f(ex.y)
    N = x.shape[1]
    W = [None] + [f(ex.params[f"W{l}"]) for l in range(1, spec.depth + 1)]
    b = [None] + [f(ex.params[f"b{l}"]) for l in range(1, spec.depth + 1)]
    a, z = [x], [None]
    for l in range(1, spec.depth + 1):
        z.append(W[l] @ a[-1] + b[l])
        a.append(_np_act(spec.activations[l - 1].name, z[-1]))
        if round_activations is not None and spec.activations[l - 1].name != "linear":
            a[-1] = np.round(a[-1], round_activations)
    out, L = a[-1], spec.depth
    loss = {"mse": lambda: ((out - y) ** 2).sum() / N, "half_mse": lambda: ((out - y) ** 2).sum() / (2 * N),
            "half_sse": lambda: ((out - y) ** 2).sum() / 2,
            "cce": lambda: -(y * np.log(out)).sum() / N}[spec.loss]()
    if spec.loss == "cce":
        delta = out - y
    else:
        dl = {"mse": 2 * (out - y), "half_mse": out - y, "half_sse": out - y}[spec.loss]
        delta = dl * _np_act_prime(spec.activations[L - 1].name, z[L], out)
    scale = 1.0 if spec.loss == "half_sse" else 1.0 / N
    grads = {}
    for l in range(L, 0, -1):
        grads[f"dL_dW{l}"] = scale * delta @ a[l - 1].T
        grads[f"dL_db{l}"] = scale * delta.sum(1, keepdims=True)
        if l > 1:
            delta = (W[l].T @ delta) * _np_act_prime(spec.activations[l - 2].name, z[l - 1], a[l - 1])
    alpha = float(ex.alpha)
    new = {f"W{l}_new": W[l] - alpha * grads[f"dL_dW{l}"] for l in range(1, L + 1)}
    new.update({f"b{l}_new": b[l] - alpha * grads[f"dL_db{l}"] for l in range(1, L + 1)})
    vals = {f"A{l}": a[l] for l in range(1, L + 1)}
    vals.update({f"Z{l}": z[l] for l in range(1, L + 1)})
    return loss, {**vals, **grads, **new}


@pytest.mark.parametrize("name,seed", [("article003_3_2_2", None), ("article004_4_2_3", 11),
                                       ("article000_3_5_2", 5)])
@pytest.mark.parametrize("rounding", ["none", "activations"])
def test_worked_example_matches_numpy(name, seed, rounding):
    d = derived(ROOT / "examples" / f"{name}.toml")
    ex = load_example(EXAMPLE_003, d.spec) if seed is None else random_example(d.spec, seed)
    w = compute(d, ex, 4, rounding)
    assert w.mode == rounding
    loss, ref = _numpy_step(d.spec, ex, 4 if rounding == "activations" else None)
    assert float(w.loss.exact[0, 0]) == pytest.approx(loss, rel=1e-12, abs=1e-12)
    for q in w.forward + w.gradients + w.updated:
        got = np.array(q.exact.tolist(), dtype=float)
        np.testing.assert_allclose(got, ref[q.name], rtol=1e-12, atol=1e-12, err_msg=q.name)


def test_worked_example_batch_and_softmax():
    spec = build_spec([3, 4, 3], ["tanh", "softmax"], "cce")
    d = derive(spec)
    ex = example_from_dict({"x": [[0.5, -1, 2], [1, 0.25, -0.5]], "y": [[0, 1, 0], [1, 0, 0]],
                            "W1": [[0.1 * (i + j) - 0.3 for j in range(3)] for i in range(4)],
                            "b1": [0.1, -0.1, 0.2, 0], "W2": [[0.2, -0.4, 0.3, 0.1]] * 3,
                            "b2": [0, 0.1, -0.1], "alpha": 0.5}, spec, "batch.toml")
    w = compute(d, ex, 4, "none")
    loss, ref = _numpy_step(spec, ex)
    assert float(w.loss.exact[0, 0]) == pytest.approx(loss, rel=1e-12)
    for q in w.gradients + w.updated:
        np.testing.assert_allclose(np.array(q.exact.tolist(), dtype=float), ref[q.name], rtol=1e-11,
                                   atol=1e-12, err_msg=q.name)


def test_shown_values_are_rounded_exactly():
    assert str(round_value(sp.Rational(5, 100000), 4)) == "1/10000"  # a tie rounds away from zero
    assert str(round_value(-sp.Rational(5, 100000), 4)) == "-1/10000"
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    w = compute(d, load_example(EXAMPLE_003, d.spec), 4)
    assert w.forward[0].shown == (("4.3000",), ("5.3000",))
    text = render(d, "tex", example=w)
    assert "4.3000" in text and "0.02" in text


def test_rounding_note_when_rounding_changes_digits():
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    w = compute(d, load_example(EXAMPLE_003, d.spec), 4)
    # exact sigma(4.3) = 0.98661..., rounded 0.9866; the rounding error reaches W^1's gradient
    assert any(c.name == "dL_dW1" for c in w.rounding)
    text = render(d, "tex", example=w)
    assert "Rounding note." in text and "(exact and every intermediate rounded) give other digits for" in text
    assert "the values above are those with activation outputs rounded." in text


def _dW2_12(d, rounding=None, path=EXAMPLE_003):
    w = compute(d, load_example(path, d.spec), 4, rounding)
    return next(q for q in w.gradients if q.name == "dL_dW2").shown[0][1], w


def test_article003_rounds_as_the_article_says_by_default(tmp_path):
    """Article 003 rounds the sigmoid outputs to 4 decimals; every later value comes from them. The
    three readings differ in dE/dW^2_12 (3.9524 from rounded sigmoid outputs, 3.9523 when every
    intermediate is rounded, 3.9526 exactly), each reproduced by a float64 computation of that reading."""
    d = derived(ROOT / "examples" / "article003_3_2_2.toml")
    ex = load_example(EXAMPLE_003, d.spec)
    assert ex.rounding == "activations"  # the example file says so, and it is the default anyway
    readings = {}
    for rounding in ("activations", "every", "none"):
        shown, w = _dW2_12(d, rounding)
        readings[rounding] = shown
        assert w.mode == rounding and len(w.rounding) > 0
        assert all(c.readings[0] == (rounding, _shown_entry(w, c)) for c in w.rounding)  # its own digits first
    h = 1 / (1 + np.exp(-np.array([4.3, 5.3])))
    for rounding, h1 in (("activations", np.round(h, 4)), ("none", h)):
        o1 = 0.7 * h1[0] + 0.9 * h1[1] + 0.5
        assert readings[rounding] == f"{2 * (o1 - 0.1) * h1[1]:.4f}"
    assert len(set(readings.values())) == 3
    # the default, without the file's key, is the article's reading
    bare = tmp_path / "bare.toml"
    bare.write_text(re.sub(r"(?m)^rounding = .*$", "", EXAMPLE_003.read_text()))
    assert load_example(bare, d.spec).rounding is None
    assert _dW2_12(d, None, bare)[0] == readings["activations"]
    # the document says which reading it shows, and lists the others' digits
    for rounding, says in (("activations", "The rounding follows \\mbox{article~003}~[1], which rounds the sigmoid outputs"
                            " to 4 decimals: the outputs of the activation function ($h^{1}$) are rounded"),
                           ("every", "Every value is rounded to 4 decimals as soon as it is computed"),
                           ("none", "nothing is rounded before it is used again")):
        tex = render(d, "tex", example=compute(d, ex, 4, rounding))
        assert says in tex
        row = next(ln for ln in tex.splitlines() if ln.startswith(r"$\frac{\partial E}{\partial W^{2}_{12}}$ &"))
        assert row.split(" & ")[1] == f"${readings[rounding]}$"


def _shown_entry(w, c):
    q = next(q for q in w.forward + (w.loss,) + w.backward + w.gradients + w.updated if q.name == c.name)
    return q.shown[c.row][c.col]


def test_rounding_from_the_file_and_the_command_line(tmp_path, capsys):
    every = tmp_path / "every.toml"
    every.write_text(EXAMPLE_003.read_text().replace('rounding = "activations"', 'rounding = "every"'))
    spec = ROOT / "examples" / "article003_3_2_2.toml"
    out = tmp_path / "a.md"
    assert main(["latex", str(spec), "-o", str(out), "--example", str(every)]) == 0
    assert "Every value is rounded to 4 decimals as soon as it is computed" in out.read_text()
    assert main(["latex", str(spec), "-o", str(out), "--example", str(every), "--rounding", "none"]) == 0
    assert "nothing is rounded before it is used again" in out.read_text()  # the flag wins over the file
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE_003.read_text().replace('rounding = "activations"', 'rounding = "some"'))
    assert main(["latex", str(spec), "-o", str(out), "--example", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: key 'rounding': expected one of activations, every, none, got 'some'" in err
    # the command line offers exactly the readings the worked example knows
    from derive.present.worked_example import ROUNDINGS
    from nnderive.cli import build_parser

    latex_parser = build_parser()._subparsers._group_actions[0].choices["latex"]
    flag = next(a for a in latex_parser._actions if a.dest == "rounding")
    assert tuple(flag.choices) == tuple(ROUNDINGS)


def test_no_rounding_note_when_nothing_changes():
    # linear layers on values with one decimal: every intermediate is exact at 4 decimals
    spec = build_spec([2, 2, 1], ["linear", "linear"], "mse")
    d = derive(spec)
    ex = example_from_dict({"x": [0.5, -0.5], "y": [0.1], "W1": [[0.1, 0.2], [0.3, -0.1]], "b1": [0.1, 0],
                            "W2": [[0.5, 0.5]], "b2": [0.0], "alpha": 0.1}, spec, "lin.toml")
    w = compute(d, ex, 4)
    assert w.rounding == () and w.rounded_layers == ()
    md = render(d, "md", example=w)
    assert "(exact and every intermediate rounded) give the same digits everywhere." in md
    assert "no layer has an activation other than the identity" in md


@pytest.mark.parametrize("doc,key,problem", [
    ({"x": [1, 2], "y": [0, 1], "W1": [[0] * 3] * 2, "b1": [0, 0], "W2": [[0, 0]] * 2, "b2": [0, 0]},
     "x", "expected a list of 3 numbers"),
    ({"x": [1, 2, 3], "y": [0, 1], "W1": [[0] * 3] * 3, "b1": [0, 0], "W2": [[0, 0]] * 2, "b2": [0, 0]},
     "W1", "expected 2 rows of 3 numbers"),
    ({"x": [1, 2, 3], "y": [0, 1], "W1": [[0] * 3] * 2, "b1": [0, 0], "W2": [[0, 0]] * 2, "b2": [0, 0],
      "gamma": 1}, "gamma", "unknown key"),
    ({"x": [1, 2, 3], "y": [0, 1], "W1": [[0] * 3] * 2, "b1": [0, 0], "W2": [[0, 0]] * 2},
     "b2", "missing required key"),
    ({"x": [1, "a", 3], "y": [0, 1], "W1": [[0] * 3] * 2, "b1": [0, 0], "W2": [[0, 0]] * 2, "b2": [0, 0]},
     "x[1]", "not a number"),
])
def test_bad_example_names_file_key_problem(doc, key, problem, tmp_path):
    import tomllib  # noqa: F401  (the file is written as TOML below)

    spec = load_spec(ROOT / "examples" / "article003_3_2_2.toml")
    path = tmp_path / "bad.toml"
    lines = []
    for k, v in doc.items():
        lines.append(f"{k} = {v!r}".replace("'", '"'))
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(NNDeriveError) as e:
        load_example(path, spec)
    msg = str(e.value)
    assert str(path) in msg and f"'{key}'" in msg and problem in msg


def test_example_too_wide_is_refused():
    d = derived(ROOT / "examples" / "mnist_784_128_10.toml")
    with pytest.raises(NNDeriveError, match="at most 10"):
        random_example(d.spec, 1)


# ---------------------------------------------------------------------------------------------
# self-contained documents: every citation resolves, the initialisation is the generated code's


def _body_and_references(text: str, fmt: str) -> tuple[str, list[str]]:
    head = r"\section*{References}" if fmt == "tex" else "## References"
    assert text.count(head) <= 1
    body, _, refs = text.partition(head)
    body = re.sub(r"\\mbox\{([^{}]*)\}", r"\1", body)  # unbreakable names: their text
    entries = re.findall(r"^\\item\[\{\[(\d+)\]\}\] (.*)$" if fmt == "tex" else r"^\\\[(\d+)\\\] (.*)$", refs, re.M)
    assert [int(n) for n, _ in entries] == list(range(1, len(entries) + 1))
    return body, [e for _, e in entries]


@pytest.mark.parametrize("fmt", ["tex", "md"])
@pytest.mark.parametrize("layers,acts,loss,own", [
    ([5, 7, 4, 3], ["tanh", "relu", "softmax"], "cce", False),  # a user's own network
    ([2, 3, 1], ["sigmoid", "linear"], "half_sse", False),     # a user's, with a sum loss
    ([3, 2, 2], ["sigmoid", "linear"], "mse", True),            # article 003's network
    ([4, 2, 3], ["relu", "sigmoid"], "half_mse", True),         # article 004's network
])
def test_every_citation_names_its_source(layers, acts, loss, own, fmt):
    from derive.present.sources import SOURCES

    key = (tuple(layers), tuple(acts), loss)
    if key not in _cache:
        _cache[key] = derive(build_spec(layers, acts, loss))
    text = render(_cache[key], fmt)
    body, refs = _body_and_references(text, fmt)
    tie = "~" if fmt == "tex" else "\u00a0"
    br = (r"\[", r"\]") if fmt == "tex" else (r"\\\[", r"\\\]")
    # every article the text names carries a number, and the numbers count up in order of first use
    assert not re.search(rf"[Aa]rticle[ {tie}]\d{{3}}(?!{tie}{br[0]})", body), "an article named without a citation"
    cited = re.findall(rf"{tie}{br[0]}(\d+){br[1]}", body)
    assert sorted(set(map(int, cited))) == list(range(1, len(refs) + 1))
    assert [int(c) for c in dict.fromkeys(cited)] == list(range(1, len(refs) + 1))
    # each number's entry is the source the text names with it
    for m in re.finditer(rf"([A-Za-z]+(?: [a-z]+)*?|article{tie}\d{{3}}){tie}{br[0]}(\d+){br[1]}", body):
        label = m.group(1).replace(tie, " ")
        src = next((s for s in SOURCES.values() if label.endswith(s.label)), None)
        if src is not None:
            assert refs[int(m.group(2)) - 1].startswith(TexWriter().text(src.reference[0].upper())), (label, m.group(2))
    # statements that hold for any network point to an article only in an article's own network's document
    pointers = ["one path through each of them (article", "(called $\\delta$ in article", "all at once (article"]
    assert any(p.replace(" article", " article") in body.replace(tie, " ") for p in pointers) is own
    # the initialisation papers are always cited, with their titles
    assert "Understanding the difficulty of training deep feedforward neural networks" in text
    if loss == "half_sse" or own:  # article 000's 1/N (a sum loss) or its iterations per epoch
        assert any("How Neural Networks Learn, with 1 Complete Example" in r for r in refs)


def test_initialisation_is_the_generated_codes():
    from codegen.emit import generate

    spec = build_spec([3, 4, 2], ["relu", "sigmoid"], "bce", training={"seed": 7, "dtype": "float32"})
    tex = render(derive(spec), "tex")
    src = generate(spec).source
    stds = [float(x) for x in re.findall(r"rng\.standard_normal\(\(\d+, \d+\)\) \* ([\d.e-]+)\)", src)]
    assert len(stds) == 2
    # the variances the document states, layer by layer, are the code's (sigma = the code's factor)
    shown = re.findall(r"\\sigma_\{(\d)\}\^\{2\} &= (\\frac\{2\}\{[\d +]+\}) (?:=|\\approx) [\d.]+, \\qquad "
                       r"\\sigma_\{\d\} (?:=|\\approx) ([\d.]+)", tex)
    assert [(l, f) for l, f, _ in shown] == [("1", r"\frac{2}{3}"), ("2", r"\frac{2}{4 + 2}")]
    for (_, _, sigma), std in zip(shown, stds):
        assert float(sigma) == pytest.approx(std, abs=5e-5)
    text = re.sub(r"\\mbox\{([^{}]*)\}", r"\1", tex).replace("~", " ")
    assert "He (Kaiming) normal, after He et al. [" in text and "for layer 1, whose activation is the rectified" in text
    assert "Glorot (Xavier) normal, after Glorot and Bengio [" in text and "for layer 2, whose activation is the logistic" in text
    assert r"\texttt{np.random.default\_rng(seed)}" in tex and "(here $7$)" in tex and r"\texttt{float32}" in tex
    assert r"W^{l}_{jk} \sim \mathcal{N}\left(0, \sigma_{l}^{2}\right)" in tex
    # the algorithm's first step points to that section
    sec = re.findall(r"\\section\{(.*?)\}", tex).index("The initial parameters") + 1
    assert f"as in Section {sec} (normal, seed $7$)" in tex
