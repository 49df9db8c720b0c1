"""Explanations of failing claims (issue 9.6): the slip named in words, the claim corrected in its own notation."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.check import check_claim, format_result
from derive.check.slips import RULES, Claim, display_names, notation_info
from derive.present.notation import PROFILES
from derive.spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
A004 = load_spec(ROOT / "examples/article004_4_2_3.toml")
INTERNAL = ("hat_", "w1_", "w2_", "b1_", "b2_", "x_1_", "witness", "2-3-2 network")

# ---------------------------------------------------------------------------------------------
# The rules, one rewrite each, on the claim's own text (fast: no checking)

RULE_CASES = [
    # rule, claim, a rewritten right side the rule must offer, words in its description
    ("transpose", r"\frac{\partial L}{\partial W_{2}} = \delta_{2} a_{1}", r"\delta_{2} a_{1}^{T}", "missing transpose"),
    ("transpose", r"\frac{\partial C}{\partial w^{l}} = \delta^{l} (a^{l-1})^{\top}", r"\delta^{l} a^{l-1}",
     "extra transpose"),
    ("transpose", r"dW^{[l]} = dZ^{[l]} A^{[l-1]}", r"dZ^{[l]} (A^{[l-1]})^{T}", "missing transpose"),
    ("transpose", r"\frac{\partial L}{\partial W^{1}} = x (\delta^{1})^{T}", r"\delta^{1} x^{T}", "transposed layout"),
    ("order", r"\frac{\partial L}{\partial W_{2}} = a_{1}^{T} \delta_{2}", r"\delta_{2} a_{1}^{T}", "wrong order"),
    ("sign", r"\frac{d}{dx}\tanh x = 1 + \tanh^2 x", r"1 - \tanh^2 x", "sign slip"),
    ("sign", r"\delta^L = (y - a^L) \odot \sigma'(z^L)", r"-(y - a^L) \odot \sigma'(z^L)", "wrong sign"),
    ("factor", r"\frac{\partial L}{\partial b} = \frac{1}{N} \delta", r"\delta", "extra 1/N"),
    ("factor", r"\frac{\partial L}{\partial w} = \frac{1}{2} x", r"x", "extra factor 1/2"),
    ("factor", r"\frac{\partial C}{\partial b} = \delta", r"\frac{1}{N} \delta", "missing 1/N"),
    ("factor", r"\frac{d}{dx} x^2 = x", "2 x", "missing factor 2"),
    ("derivative", r"\delta^{l} = (w^{l+1})^T \delta^{l+1}", r"\odot \sigma'(z^{l})",
     "missing activation-derivative"),
    ("derivative", r"\delta_{2} = -(y - a_2) * \sigma(z_2)", r"-(y - a_2) * \sigma'(z_{2})", "activation itself",
     "article004"),
    ("derivative", r"\delta_{2} = -(y - a_2) * \sigma'(z_2) * \sigma'(z_2)", r"-(y - a_2) * \sigma'(z_2)",
     "extra activation-derivative"),
    ("index", r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_j \delta^l_k", r"a^{l-1}_k \delta^l_j", "index swap"),
    ("index", r"\frac{\partial C}{\partial b^l_j} = \sum_k \delta^l_k", r"\delta^l_j", "should not be there"),
    ("index", r"z_j = \sum_{j} w_{jk} x_k + b_j", r"\sum_{k} w_{jk} x_j", "wrong index"),
]


@pytest.mark.parametrize("rule, claim, rewrite, words, profile", [c + ("default",) * (5 - len(c)) for c in RULE_CASES])
def test_each_rule_offers_the_repair(rule, claim, rewrite, words, profile):
    c = Claim.read(claim)
    info = notation_info(claim, PROFILES[profile])
    info.setdefault("samples", "N")
    if rule == "derivative" and not info["derivatives"]:
        info["derivatives"] = ["\\sigma'(z^{l})"]
    offered = list(RULES[rule](c, info))
    norm = [(rhs.replace(" ", ""), w) for rhs, w in offered]
    hits = [w for r, w in norm if rewrite.replace(" ", "") in r]
    assert hits, (rewrite, offered)
    assert any(words in w for w in hits), (words, hits)


def test_rules_never_rewrite_the_left_side():
    claim = r"\frac{\partial L}{\partial W_{2}} = \delta_{2} a_{1}"
    c = Claim.read(claim)
    for rule in RULES.values():
        for rhs, _ in rule(c, notation_info(claim, PROFILES["article004"], A004)):
            assert c.with_rhs(rhs).startswith(r"\frac{\partial L}{\partial W_{2}} =")


# ---------------------------------------------------------------------------------------------
# End to end: the checker names the slip and writes the corrected claim

SCALAR_CASES = [
    # claim, words of the slip, corrected claim (spaces ignored)
    (r"\frac{d}{dx}\sigma(x) = \sigma(x)(1+\sigma(x))", "sign", r"\frac{d}{dx}\sigma(x) = \sigma(x)(1-\sigma(x))"),
    (r"\frac{d}{dx}\tanh(x) = 1 + \tanh^2(x)", "sign", r"\frac{d}{dx}\tanh(x) = 1 - \tanh^2(x)"),
    (r"\frac{d}{dx} x^2 = x", "missing factor 2", r"\frac{d}{dx} x^2 = 2 x"),
    (r"\frac{d}{dx} (5x+3)^2 = -10(5x+3)", "sign", r"\frac{d}{dx} (5x+3)^2 = 10(5x+3)"),
    (r"\frac{\partial}{\partial \hat{y}} \frac{(y - \hat{y})^2}{2} = (y - \hat{y})", "sign",
     r"\frac{\partial}{\partial \hat{y}} \frac{(y - \hat{y})^2}{2} = -(y - \hat{y})"),
    (r"\frac{d}{dz} \frac{1}{2}(y - z)^2 = -2(y - z)", "extra factor 2", r"\frac{d}{dz} \frac{1}{2}(y - z)^2 = -(y - z)"),
    (r"\frac{d}{dx}\tanh x = 1 - \tanh x", "wrong derivative of the activation", None),
]


@pytest.mark.parametrize("claim, words, corrected", SCALAR_CASES)
def test_scalar_slips(claim, words, corrected):
    r = check_claim(claim)
    assert r.verdict == "fails"
    assert words in r.slip, (r.slip, r.corrected)
    if corrected:
        assert r.corrected.replace(" ", "") == corrected.replace(" ", "")
    text = format_result(r)
    assert not any(bad in text for bad in INTERNAL), text


def test_no_slip_is_invented():
    r = check_claim(r"\frac{d}{dx} \sin x = x")
    assert r.verdict == "fails" and r.slip == "" and r.corrected == ""


NETWORK_CASES = [
    # claim (article 004's notation), words, corrected (spaces ignored), words the counterexample has
    (r"\frac{\partial L}{\partial W_{2}} = \delta_{2} a_{1}", "missing transpose",
     r"\frac{\partial L}{\partial W_{2}} = \delta_{2} a_{1}^{T}", ("4-2-3", "3×1", "2×1")),
    (r"\delta_{1} = W_{2}^{T} \delta_{2}", "missing activation-derivative factor",
     r"\delta_{1} = W_{2}^{T} \delta_{2} \odot \operatorname{ReLU}'(z_{1})", ("(W_{1})_{11}",)),
]


@pytest.mark.parametrize("claim, words, corrected, said", NETWORK_CASES)
def test_network_slips_at_the_users_widths(claim, words, corrected, said):
    r = check_claim(claim, spec=A004)
    assert r.verdict == "fails"
    assert words in r.slip
    assert r.corrected.replace(" ", "") == corrected.replace(" ", "")
    for s in said:
        assert s in r.counterexample, r.counterexample
    assert "witness" not in r.counterexample and "2×3" not in r.counterexample


A000 = load_spec(ROOT / "examples/article000_3_5_2.toml")     # half_sse: the loss sums over the batch
A003 = load_spec(ROOT / "examples/article003_3_2_2.toml")     # mse: the loss is a mean over the batch


@pytest.mark.parametrize("spec, notation, claim, slip, convention", [
    # article 000 spells the error term as dl/dz: of a mean loss it carries the 1/N already
    (A003, "article000", r"\frac{\partial \ell}{\partial \mathbf{w}^{2}} = \frac{1}{N} \frac{\partial\ell}{\partial"
     r" \vec{z}^{2}} (\vec{y}^{1})^{\top}", "a doubled 1/N (the loss is already a mean", "counts the 1/N twice"),
    # the per-sample delta under a summed loss: nothing divides by N
    (A000, "default", r"\frac{\partial L}{\partial W^{2}} = \frac{1}{N} \delta^{2} (a^{1})^{\top}",
     "an extra 1/N (the loss sums over the samples)", "the loss sums over the batch"),
])
def test_an_extra_one_over_n_is_named_by_its_cause(spec, notation, claim, slip, convention):
    """A right side 1/N too small: under a summed loss the 1/N does not belong; under a mean loss whose
    derivative the claim uses, the 1/N is there twice (the loss does not sum)."""
    r = check_claim(claim, spec=spec, notation=notation)
    assert r.verdict == "fails" and slip in r.slip and convention in r.convention, (r.slip, r.convention)
    assert "\\frac{1}{N}" not in r.corrected and r.corrected


def test_generic_network_slip_in_nielsens_notation():
    r = check_claim(r"\delta^{l} = (w^{l+1})^T \delta^{l+1}")
    assert r.verdict == "fails"
    assert "missing activation-derivative factor" in r.slip
    assert r.corrected.replace(" ", "") == r"\delta^{l}=(w^{l+1})^T\delta^{l+1}\odot\sigma'(z^{l})"
    assert not any(bad in format_result(r) for bad in ("w1_", "b1_", "hat_"))


DISPLAY = [
    ("w2_1_3 = 1/2", "article004", "(W_{2})_{13} = 1/2"),
    ("b1_2 = -1", "default", "(b^{1})_{2} = -1"),
    ("x_3_1 = 2", "default", "x_{3} = 2"),
    ("hat_{y} - y", None, r"\hat{y} - y"),
    ("hat_y = 3", None, r"\hat{y} = 3"),
]


@pytest.mark.parametrize("text, profile, shown", DISPLAY)
def test_internal_names_are_shown_in_the_notation(text, profile, shown):
    assert display_names(text, PROFILES[profile] if profile else None) == shown
