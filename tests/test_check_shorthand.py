"""Shapes in words, limits of activations and entry-wise shorthands (issue 14.4), and the catalogue's new entries."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from derive.check import ClaimError, check_claim
from derive.check.wording import shape_in_words
from derive.spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
A004 = ROOT / "examples/article004_4_2_3.toml"
SPEC = load_spec(A004)

WORDED = [
    ("W_2 is 3\\times 2", "W_2 \\in \\mathbb{R}^{3 \\times 2}"),
    ("W_2 \\text{ is } 3 \\times 2", "W_2 \\in \\mathbb{R}^{3 \\times 2}"),
    ("b_1 \\text{ is a } 2 \\times 1 \\text{ vector}", "b_1 \\in \\mathbb{R}^{2 \\times 1}"),
    ("\\frac{\\partial L}{\\partial W_1}: 2 \\times 4", "\\frac{\\partial L}{\\partial W_1} \\in \\mathbb{R}^{2 \\times 4}"),
    ("W^{[l]} \\text{ has shape } 4 \\times 3", "W^{[l]} \\in \\mathbb{R}^{4 \\times 3}"),
    ("x = 3 \\times 2", None),             # an equation, not a shape
    ("\\sigma(z) = 1", None),
    ("a_{is} = 2 \\times 3", None),
]


@pytest.mark.parametrize("text, read", WORDED)
def test_shapes_in_words(text, read):
    assert shape_in_words(text) == read


SHAPES = [
    ("W_2 is 3\\times 2", "holds"),
    ("W_2 is 2\\times 3", "fails"),
    ("b_1 \\text{ is } 2 \\times 1", "holds"),
    ("b_1 \\text{ is } 1 \\times 2", "fails"),
    ("\\delta_2 a_1^{T} \\text{ is } 3 \\times 2", "holds"),
    ("\\frac{\\partial L}{\\partial W_1}: 2 \\times 4", "holds"),
]


@pytest.mark.parametrize("claim, verdict", SHAPES)
def test_shape_claims_against_the_spec(claim, verdict):
    assert check_claim(claim, spec=SPEC).verdict == verdict


def test_shape_claim_in_letters_the_notation_lacks_is_refused():
    # b_1 is not a symbol of the default notation (b^{1}): an unknown number, never "1x1, fails"
    with pytest.raises(ClaimError, match="not a symbol of the default notation"):
        check_claim("b_1 \\text{ is } 2 \\times 1", spec=SPEC, notation="default")


def test_shape_claim_from_the_command_line():
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run([sys.executable, "-m", "nnderive", "check", "W_2 is 3\\times 2", "--spec", str(A004)],
                        capture_output=True, text=True, env=env, cwd=ROOT)
    assert ok.returncode == 0 and ok.stdout.startswith("holds"), ok.stdout + ok.stderr
    bad = subprocess.run([sys.executable, "-m", "nnderive", "check", "W_2 is 3\\times 2"],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert bad.returncode == 2 and "--spec" in bad.stderr and "Traceback" not in bad.stderr


LIMITS = [
    ("\\lim_{z\\to\\infty}\\sigma(z) = 1", "holds"),
    ("\\lim_{z\\to -\\infty}\\sigma(z) = 0", "holds"),
    ("\\lim_{z\\to -\\infty}\\tanh(z) = -1", "holds"),
    ("\\lim_{z\\to\\infty}\\tanh(z) = 1", "holds"),
    ("\\lim_{z\\to\\infty}\\tanh(z) = 0", "fails"),
    ("\\lim_{z\\to -\\infty}\\sigma(z) = \\frac{1}{2}", "fails"),
    ("\\lim_{x\\to 0}\\frac{\\sigma(x) - \\sigma(0)}{x} = \\frac{1}{4}", "holds"),
]


@pytest.mark.parametrize("claim, verdict", LIMITS)
def test_limits_of_activations(claim, verdict):
    assert check_claim(claim).verdict == verdict


ENTRYWISE = [
    ("\\frac{\\partial z_2}{\\partial b_2} = 1", "holds"),
    ("\\frac{\\partial z_2}{\\partial W_2} = a_1", "holds"),
    ("\\frac{\\partial z_1}{\\partial W_1} = x", "holds"),
    ("\\frac{\\partial z_2}{\\partial b_2} = 2", "fails"),         # entry-wise it would be 1
    ("\\frac{\\partial z_2}{\\partial W_2} = x", "not-checkable"),  # neither literally nor entry-wise
    ("\\frac{\\partial z_2}{\\partial a_1} = W_2", "holds"),         # a true Jacobian, no shorthand needed
]


@pytest.mark.parametrize("claim, verdict", ENTRYWISE)
def test_entrywise_shorthands(claim, verdict):
    r = check_claim(claim, spec=SPEC)
    assert r.verdict == verdict, r.summary()
    shorthand = any("entry-wise shorthand" in n for n in r.notes)
    assert shorthand == (verdict == "holds" and "a_1} = W" not in claim)


# every statement issue 14 lists as missing is in the catalogue, with its verdict
CATALOGUED = [
    ("004", "one-hot 0", "holds"), ("004", "one-hot 7", "holds"), ("004", "argmax reading", "holds"),
    ("004", "sigmoid at 0", "holds"), ("004", "softmax sums to 1", "holds"),
    ("004", "sigmoid asymptote at +infinity", "holds"), ("004", "sigmoid asymptote at -infinity", "holds"),
    ("004", "tanh asymptote at -infinity", "holds"), ("004", "dz2/dW2", "holds"), ("004", "dz2/db2", "holds"),
    ("004", "dz2/da1", "holds"), ("004", "first bias", "holds"),
    ("000", "Figure 2, batch gradient descent", "holds"), ("000", "Figure 2, stochastic gradient descent", "holds"),
    ("000", "Figure 2, mini-batch gradient descent", "holds"),
    ("003", "activation of all neurons", "fails"),
]


def test_catalogue_has_every_listed_statement():
    doc = tomllib.loads((ROOT / "derive/check/catalogue/articles.toml").read_text(encoding="utf-8"))
    have = {(e.get("article"), e.get("equation")): e for e in doc["claim"]}
    for article, equation, expected in CATALOGUED:
        e = have.get((article, equation))
        assert e is not None, (article, equation)
        assert e["expected"] == expected and e.get("note"), (article, equation)
    contradiction = have[("003", "activation of all neurons")]
    assert contradiction["judgement"] == "ambiguous" and "contradicts" in contradiction["note"]
    for eq in ("dz2/dW2", "dz2/db2"):
        assert "entry-wise" in have[("004", eq)]["note"]
