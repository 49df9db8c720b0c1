"""Round trip (issue 9.5): what `nnderive latex` writes holds when `nnderive check --doc` reads it back.

The documents name their spec and notation (front matter, `% nnderive:` lines), so --doc needs no
option. One whole small document is checked end to end; every notation profile and both formats are
read back (spec and notation found, every equation read and classified, every worked number and
scalar claim checked); random small specs have their worked examples checked; and a deliberately
wrong line in a generated document fails. benchmarks/check_roundtrip.py checks whole documents of
every example spec, every profile and random specs (too slow for the suite).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from derive.check.docread import front_matter
from derive.check.documents import _run_tasks, plan
from derive.check.syntax import LatexError, parse
from derive.pipeline import derive
from derive.present.document import document
from derive.present.notation import PROFILES
from derive.present.worked_example import compute, random_example
from derive.spec import load_spec
from nnderive.cli import main

OK = ("holds", "definition", "skipped")
SMALL = """[network]
name = "{name}"
layers = {layers}
activations = {acts}
loss = "{loss}"

[conventions]
layout = "{layout}"
relu_prime_at_zero = {h0}
"""


def _spec(folder: Path, name="net", layers=(1, 1), acts=("linear",), loss="half_sse", layout="column",
          h0=0.0) -> Path:
    p = folder / f"{name}.toml"
    p.write_text(SMALL.format(name=name, layers=list(layers), acts=list(acts), loss=loss, layout=layout, h0=h0),
                 encoding="utf-8")
    return p


def _write(spec: Path, doc: Path, *extra) -> Path:
    assert main(["latex", str(spec), "-o", str(doc), "--random-example", "3", *extra]) == 0
    return doc


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """A 2-2-1 ReLU network derived once (its documents are written in every profile and format)."""
    spec = load_spec(_spec(tmp_path_factory.mktemp("two"), "two", (2, 2, 1), ("relu", "linear"), "half_mse"))
    d = derive(spec)
    return d, compute(d, random_example(spec, 3), 4)


def _bad(rows) -> list[str]:
    return [f"{r.where}: {r.verdict}: {r.claim} ({r.note})" for r in rows if r.verdict.split(" ")[0] not in OK]


def test_a_whole_document_holds_with_no_options(tmp_path, capsys):
    """Every equation of a generated document (network, chain rule, matrix form, initialisation, update,
    worked example) holds, is a definition or a skipped step: `check --doc FILE` and nothing else."""
    doc = _write(_spec(tmp_path, "one", (1, 1), ("sigmoid",), "half_sse"), tmp_path / "docs" / "one.md")
    capsys.readouterr()
    code = main(["check", "--doc", str(doc), "--jobs", "2"])
    out = capsys.readouterr().out
    rows = [ln for ln in out.splitlines() if ln.startswith(str(doc) + ":") and ln.split(":")[1].isdigit()]
    bad = [r for r in rows if r.split(": ")[1].split(" ")[0] not in OK]
    assert code == 0 and len(rows) > 40 and not bad, "\n".join(bad) or out[-2000:]


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_every_profile_is_read_back(two, profile, fmt):
    """Each profile and format: the document names its spec (relative to itself) and notation, every
    equation is read, and everything decided without the network (definitions, worked numbers of the
    example, scalar claims) holds."""
    d, example = two
    doc = Path(d.spec.source).parent / "out" / profile / f"two.{fmt}"
    document(d, fmt, profile, example, doc).write(doc)
    fm, _ = front_matter(doc.read_text(encoding="utf-8"))
    assert fm == {"spec": "../../two.toml", "notation": profile}
    rows, tasks, got_spec, _ = plan(doc)
    assert got_spec is not None and got_spec.layers == (2, 2, 1) and got_spec.notation.profile == profile
    unread = []
    for _, (claim, *_rest), _ in tasks:
        try:
            parse(claim)
        except LatexError as e:
            unread.append(f"{claim}: {str(e).splitlines()[0]}")
    assert not unread, "\n".join(unread)
    decided = [r for r in rows if r.verdict != "pending"]
    assert not _bad(decided), "\n".join(_bad(decided))
    assert sum(r.verdict == "holds" for r in decided) >= 10     # the worked example's numbers
    scalar = [t for t in tasks if "(z)" in t[1][0] and "_{" not in t[1][0] and "^{" not in t[1][0]]
    _run_tasks(rows, scalar, 30, 1)       # ReLU'(z) = H(z), H(0) = 0: read with the document's H
    assert scalar and not _bad([rows[i] for i, _, _ in scalar]), "\n".join(_bad([rows[i] for i, _, _ in scalar]))


@pytest.mark.parametrize("seed", [11, 12])
def test_random_specs_worked_examples_hold(tmp_path, seed):
    """Random small networks (activations, loss, layout, ReLU'(0), profile): every number of the worked
    example holds at the values the document states, with the rounding it states."""
    rng = random.Random(seed)
    depth = rng.randint(1, 2)
    layers = [rng.randint(1, 3) for _ in range(depth + 1)]
    loss = rng.choice(["half_sse", "mse", "bce", "cce"])
    out = {"bce": "sigmoid", "cce": "softmax"}.get(loss, rng.choice(["linear", "sigmoid", "tanh", "relu"]))
    layers[-1] = max(layers[-1], 2) if out == "softmax" else layers[-1]
    acts = [rng.choice(["sigmoid", "tanh", "relu", "softplus"]) for _ in range(depth - 1)] + [out]
    spec = _spec(tmp_path, f"r{seed}", layers, acts, loss, rng.choice(["column", "row"]), rng.choice([0.0, 1.0]))
    doc = _write(spec, tmp_path / f"r{seed}.{rng.choice(['md', 'tex'])}", "--notation", rng.choice(sorted(PROFILES)))
    rows, _, _, _ = plan(doc)
    decided = [r for r in rows if r.verdict != "pending"]
    assert not _bad(decided), f"{layers} {acts} {loss}\n" + "\n".join(_bad(decided))
    assert sum(r.verdict == "holds" for r in decided) >= 8


@pytest.mark.parametrize("loss, old, new, start, end", [
    # the stated convention for H(0) contradicted, with the definition of H and the ReLU derivative
    ("half_mse", "H(0) = 0", "H(0) = 1", "Its derivative is written with the unit step", "## 5."),
    # a local partial of the chain rule with its indices exchanged (a network claim)
    ("half_mse", "\\frac{\\partial z_{2,i}}{\\partial a_{1,j}} = W_{2,ij}",
     "\\frac{\\partial z_{2,i}}{\\partial a_{1,j}} = W_{2,ji}", "using $", "\n\n"),
    # a worked number: the step the update takes, alpha/N, with N = 1
    ("half_sse", "\\alpha/N = 0.1", "\\alpha/N = 0.2", "Concrete numbers for one learning step", "\n\n"),
    # the chain rule, path by path, with the path through unit 2 of layer 2 left out
    ("half_mse", "&\\quad + \\frac{\\partial L_{n}}{\\partial z_{2,2}} \\frac{\\partial z_{2,2}}{\\partial a_{1,j}} \\frac{"
     "\\partial a_{1,j}}{\\partial z_{1,j}} \\frac{\\partial z_{1,j}}{\\partial W_{1,jk}} \\\\\n", "", "Layer 1: the weight",
     "using $"),
])
def test_a_wrong_line_in_a_generated_document_fails(tmp_path, capsys, loss, old, new, start, end):
    """A generated document with one line changed: that line fails (and the others of its part hold)."""
    doc = _write(_spec(tmp_path, "three", (2, 2, 2), ("relu", "sigmoid"), loss), tmp_path / "three.md",
                 "--notation", "article004")
    text = doc.read_text(encoding="utf-8")
    assert old in text
    front = text[:text.index("## 1.")]            # the front matter and title: the spec and notation
    k = text.index(old)
    part = tmp_path / "part.md"
    part.write_text(front + text[text.rindex(start, 0, k):text.index(end, k)].replace(old, new), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--doc", str(part), "--jobs", "2"]) == 1
    out = capsys.readouterr().out
    failing = out.split("failing:")[-1]
    shown = new or "\\frac{\\partial L_{n}}{\\partial W_{1,jk}} = \\frac{\\partial L_{n}}{\\partial z_{2,1}}"
    assert f"fails: {shown}" in out and failing.count("part.md:") == 1, out[-3000:]


def test_a_mean_loss_in_a_profile_whose_error_term_is_dloss_dz(tmp_path, capsys):
    """Article 000 spells the error term as the derivative of the batch loss, d l / d z. For a mean loss
    that derivative carries the loss's 1/N: the document puts it in the error terms and not again in the
    gradients (it printed (1/N) dl/dz y^T, 1/N twice), and its worked example (a batch of two) shows the
    error terms with it. Every equation of the document holds when read back."""
    spec = load_spec(_spec(tmp_path, "mean", (1, 1, 1), ("tanh", "linear"), "mse"))
    d = derive(spec)
    one = random_example(spec, 5)
    ex = compute(d, type(one)(one.x.row_join(-one.x / 2), one.y.row_join(one.y / 3), one.params, one.alpha,
                              "two samples"), 4)
    doc = tmp_path / "mean.md"
    document(d, "md", "article000", ex, doc).write(doc)
    text = doc.read_text(encoding="utf-8")
    assert "\\frac{1}{N} \\frac{\\partial\\ell}" not in text and "\\frac{1}{N} \\sum_{n=1}^{N} \\left(\\frac" not in text
    assert "\\frac{\\partial\\ell}{\\partial \\vec{z}^{2}} = \\frac{1}{N} \\left(" in text
    capsys.readouterr()
    code = main(["check", "--doc", str(doc), "--jobs", "2"])
    out = capsys.readouterr().out
    rows = [ln for ln in out.splitlines() if ln.startswith(str(doc) + ":") and ln.split(":")[1].isdigit()]
    bad = [r for r in rows if r.split(": ")[1].split(" ")[0] not in OK]
    worked = [r for r in rows if "\\frac{\\partial\\ell}{\\partial \\vec{z}^{2}} = \\begin{bmatrix}" in r]
    assert code == 0 and not bad and worked and worked[0].split(": ")[1] == "holds", "\n".join(bad) or out[-2000:]
