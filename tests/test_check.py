"""Tests for derive.check: scalar and network claims, conventions, the CLI, time limits and --doc."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from derive.check import ClaimError, check_claim, run_limited
from derive.spec import load_spec
from nnderive.cli import main

ROOT = Path(__file__).resolve().parents[1]
A000 = load_spec(ROOT / "examples/article000_3_5_2.toml")
A003 = load_spec(ROOT / "examples/article003_3_2_2.toml")
A004 = load_spec(ROOT / "examples/article004_4_2_3.toml")


@pytest.mark.parametrize("claim, givens, at, verdict", [
    (r"\sigma'(z) = \sigma(z)(1-\sigma(z))", [], [], "holds"),
    (r"\sigma'(z) = \sigma(z)(1+\sigma(z))", [], [], "fails"),
    (r"\frac{d}{dx}(5x+3)^2 = 50x+30", [], [], "holds"),
    (r"\frac{d}{dx}(5x+3)^2 = 50x+3", [], [], "fails"),
    (r"\frac{dL}{dy} = -300", ["L = (y-500)^2"], ["y=350"], "holds"),
    (r"\frac{dL}{dy} = 200", ["L = (y-500)^2"], ["y=600"], "holds"),
    (r"\frac{dL}{dy} = -200", ["L = (y-500)^2"], ["y=600"], "fails"),
    (r"\frac{d}{dz}\frac{1}{1+e^{-z}} = \sigma(z)(1-\sigma(z))", [], [], "holds"),
    (r"\tanh'(z) = 1-\tanh^{2}(z)", [], [], "holds"),
    (r"\tanh'(z) = 1-\tanh(z)", [], [], "fails"),
    (r"\frac{d}{dx}\max(0,x) = \begin{cases} 0 & \text{if } x \le 0 \\ 1 & \text{if } x > 0\end{cases}", [], [],
     "holds"),
    (r"\frac{d}{dx} x\Phi(x) = \Phi(x) + x\phi(x)", [], [], "holds"),
    (r"\operatorname{GELU}'(x) = \Phi(x)", [], [], "fails"),
    (r"\phi'(x) = -x\phi(x)", [], [], "holds"),
    (r"\operatorname{softplus}'(x) = \sigma(x)", [], [], "holds"),
    (r"\frac{d}{dx}\ln(1+e^{x}) = \sigma(x)", [], [], "holds"),
    (r"\frac{d}{dx}\log x = \frac{1}{x}", [], [], "holds"),
    (r"\frac{d}{dx}\exp(2x) = 2\exp(2x)", [], [], "holds"),
    (r"\frac{\partial}{\partial x_j}\operatorname{softmax}_i(x_1,x_2,x_3) = "
     r"\operatorname{softmax}_i(x_1,x_2,x_3)(\delta_{ij} - \operatorname{softmax}_j(x_1,x_2,x_3))", [], [], "holds"),
    (r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", [], [], "holds"),
    (r"\sum_{i=1}^{n} i = \frac{n^2}{2}", [], [], "fails"),
    (r"h'(x) = f'(g(x))g'(x)", ["f(x) = x^2", "g(x) = 5x+3", "h(x) = (5x+3)^2"], [], "holds"),
    (r"\frac{\partial f}{\partial y} = x^2", ["f = x^2 y"], [], "holds"),
    (r"-\sum_{k=1}^{n} y_i \log p_i = 0", [], [], "ambiguous"),
    ("2 + 2 = 4", [], [], "holds"),
    ("2 + 2 = 5", [], [], "fails"),
])
def test_scalar_claims(claim, givens, at, verdict):
    assert check_claim(claim, givens=givens, at=at).verdict == verdict


@pytest.mark.parametrize("claim, convention", [
    (r"\frac{d}{dx} x^2 = -2x", "a sign"),
    (r"\frac{d}{dx} \frac{x^2}{2} = 2x", "a constant factor 1/2"),
    (r"\frac{d}{dx} x^2 = x", "a constant factor 2"),
])
def test_scalar_conventions_are_named(claim, convention):
    r = check_claim(claim)
    assert r.verdict == "fails" and r.convention.startswith(convention)


def test_failure_has_counterexample_and_correct_form():
    r = check_claim(r"\sigma'(z) = \sigma(z)(1+\sigma(z))")
    assert "z = " in r.counterexample and "left side" in r.counterexample
    assert r"\sigma" in r.correct and "1 -" in r.correct


@pytest.mark.parametrize("claim, spec, notation, verdict, needle", [
    (r"\frac{\partial L}{\partial W^{2}} = \delta^{2}(a^{1})^{T}", A000, "default", "holds", ""),
    (r"\frac{\partial L}{\partial W^{2}} = \delta^{2}(a^{1})^{T}", A004, "default", "holds", "1/N"),
    (r"\frac{\partial L}{\partial W^{2}} = (a^{2}-y)(a^{1})^{T}", A000, "default", "holds", ""),
    (r"\frac{\partial L}{\partial W^{2}} = (a^{2}-y)(a^{1})^{T}", A004, "default", "fails", "left side"),
    (r"\frac{\partial L}{\partial W^{1}} = (\delta^{1})^{T} x", A003, "default", "fails", "1×2 by a 3×1"),
    (r"\frac{\partial L}{\partial W^{1}} = x (\delta^{1})^\top", A003, "default", "holds-with-convention", "3×2"),
    (r"\delta^{1} = (W^{2})^{T}\delta^{2} \odot \sigma'(z^{1})", A003, "default", "holds", ""),
    (r"\frac{\partial L}{\partial b^{2}} = \sum^{N} \delta^{2}", A003, "default", "holds-with-convention", "1/N"),
    (r"\frac{\partial L}{\partial b^{2}} = \frac{1}{N}\sum_{n=1}^{N} \delta^{2}_{n}", A003, "default", "holds", ""),
    (r"\frac{\partial \ell}{\partial \vec{y}^{pred}} = \sum_k(\vec{y}_k^{pred} - \vec{y}_k^{true})", A000,
     "article000", "ambiguous", "single sample"),
    (r"\delta_1 = W_2^T(-(y-a_2)*\sigma'(z_2))*R'(z_1)", A004, "article004", "holds", ""),
    # without --notation the spec's own [notation] profile is used (E, h, P in article 003)
    (r"\frac{\partial E}{\partial W^{1}} = \delta^{1} x^{T}", A003, None, "holds", ""),
    (r"\frac{\partial E}{\partial W^{2}} = \delta^{2} (h^{1})^{T}", A003, None, "holds", ""),
    (r"\delta_1 = W_2^T(-(y-a_2)*\sigma'(z_2))*R'(z_1)", A004, None, "holds", ""),
    (r"\frac{\partial \ell}{\partial \mathbf{w}^{2}} = \frac{\partial \ell}{\partial \vec{z}^{2}} (\vec{y}^{1})^{T}",
     A000, None, "holds", ""),
])
def test_network_claims(claim, spec, notation, verdict, needle):
    r = check_claim(claim, spec=spec, notation=notation)
    # "holds-with-convention": the verdict is fails, right up to a named convention
    assert (r.verdict, bool(r.convention)) == (("fails", True) if verdict == "holds-with-convention" else (verdict, False))
    assert needle in r.summary() + r.counterexample


@pytest.mark.parametrize("argv, code, needle", [
    ([r"\sigma'(z) = \sigma(z)(1-\sigma(z))"], 0, "holds"),
    ([r"\sigma'(z) = \sigma(z)(1+\sigma(z))"], 1, "counterexample"),
    ([r"\frac{dL}{dy} = -300", "--given", "L = (y-500)^2", "--at", "y=350"], 0, "holds"),
    ([r"\frac{d}{dx} (5x+3"], 2, "column"),
    (["9^{9^{9^{9}}} = 1"], 2, "too large"),
    (['__import__("os")'], 2, "not accepted"),
    (["x = 1", "--notation", "nope"], 2, "unknown notation"),
])
def test_cli(argv, code, needle, capsys):
    assert main(["check", *argv]) == code
    out = capsys.readouterr()
    assert needle in out.out + out.err


def test_cli_network_and_json_report(tmp_path, capsys):
    rep = tmp_path / "r.json"
    code = main(["check", r"\frac{\partial L}{\partial W^{2}} = \delta^{2}(a^{1})^{T}", "--spec",
                 str(ROOT / "examples/article000_3_5_2.toml"), "--notation", "default", "-o", str(rep)])
    assert code == 0 and '"holds"' in rep.read_text()


def _sleep(claim):
    time.sleep(5)


def test_time_limit_stops_a_slow_check():
    t0 = time.perf_counter()
    with pytest.raises(ClaimError, match="longer than") as e:
        run_limited(_sleep, "x", timeout=0.5)
    assert time.perf_counter() - t0 < 3
    assert "time limit reached" in str(e.value) and "--timeout" in str(e.value)


def test_cli_time_limit_says_how_to_raise_it(capsys):
    code = main(["check", r"\frac{\partial L}{\partial W^{2}} = \delta^{2}(a^{1})^{T}", "--spec",
                 str(ROOT / "examples/digits_64_32_10.toml"), "--timeout", "0.05"])
    err = capsys.readouterr().err
    assert code == 2
    assert "time limit reached" in err and "0.05 s" in err and "--timeout" in err


def test_doc_mode_on_draft(capsys):
    code = main(["check", "--doc", str(ROOT / "examples/drafts/draft.md")])
    out = [line for line in capsys.readouterr().out.splitlines() if line.startswith(str(ROOT))]
    rows = [line for line in out if line.count(": ") >= 2 and line.split(":")[1].strip().isdigit()]
    verdicts = [line.split(": ")[1] for line in rows]
    assert code == 1
    assert verdicts == ["holds", "holds", "fails", "holds"]
    assert rows[2].startswith(str(ROOT / "examples/drafts/draft.md") + ":25:")    # the line of the equation itself
