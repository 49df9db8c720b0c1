"""Soundness of the checker: never a false "holds" (regions, undefined points, sums, tiny differences),
and one verdict model with one exit code per verdict in every mode."""

from __future__ import annotations

import pytest

from derive.check import check_claim
from derive.check.sampling import claim_seeds
from nnderive.cli import main

NOT_HOLDS = [  # false (or meaningless) claims a careless sampler calls "holds"
    r"\frac{d}{dx} c\max(0,x) = c",                            # one side of the kink only
    r"\frac{d}{dx}\begin{cases} x & x > 0 \\ a(e^{x}-1) & x \le 0 \end{cases}"
    r" = \begin{cases} 1 & x > 0 \\ e^{x} & x \le 0 \end{cases}",  # wrong ELU derivative, two symbols
    r"\max(0, x - 1000) = 0",                                  # the other region is far away
    r"|x - 500| = x - 500",
    r"\sum_{i=1}^{n} i^2 = 9n - 13",                           # true at n = 2 and n = 3 only
    r"\sum_{i=1}^{n} 2^i = 2^{n+1} - 3",
    r"\frac{d}{dx}\frac{1}{x-x} = 0",                          # undefined everywhere
    r"(0 \cdot \frac{1}{0})^{2} = 1",
    r"\ln(x) + \ln(-x) = \ln(-x^2)",                           # never defined over the reals
    r"e^{x} = e^{x} + 10^{-50}",                               # a tiny difference is a difference
    r"x = x + 10^{-40}",
    r"\sqrt{x^2} = x",
    r"\sqrt[n]{x^n} = x",                                    # false at n = 2, x = -1 (a fraction n hides it)
    r"\frac{d}{dx}\sin(128x) = \cos(128x)",
    r"\operatorname{sign}(x) = 1",
    r"\frac{d}{dx}|x| = 1",
    r"\ln(e^{200} + 1) = 200",                                # e^{-200} hidden under a large term in a log
    r"\begin{cases} 0 & x = 0 \\ 1 & \text{otherwise} \end{cases}"
    r" = \begin{cases} 0 & x \ge 0 \\ 1 & x < 0 \end{cases}",  # '=' in a condition is not '>='
    r"x^2 + 1 > 2x",                                           # a strict inequality equal at x = 1
    r"\sigma'(z) < \frac{1}{4}",                                # ... equal at z = 0
    r"\sum_{k=1}^{\infty} \frac{1}{k} = 2",                     # a divergent series has no value
    r"(x^{a})^{b} = x^{ab}",                                    # false at x < 0, a = 2, b = 1/2 only
    r"\sin x + \cos x < \sqrt{2}",                               # equal at pi/4 only (irrational)
    r"\sin x + \cos x \le \sqrt{2} - 10^{-15}",                  # false near pi/4 only
]


@pytest.mark.parametrize("claim", NOT_HOLDS)
def test_false_claims_never_hold(claim):
    assert check_claim(claim).verdict != "holds"


HOLDS = [  # true claims that need more than one region or a careful definition of "defined"
    r"\frac{d}{dx}\begin{cases} x & x > 0 \\ a(e^{x}-1) & x \le 0 \end{cases}"
    r" = \begin{cases} 1 & x > 0 \\ a e^{x} & x \le 0 \end{cases}",
    r"\max(0, x - 1000) + \min(0, x - 1000) = x - 1000",
    r"|x| = \max(x, -x)",
    r"\frac{x}{x} = 1",
    r"\log(x^2) = 2\log|x|",
    r"\sum_{i=1}^{n} i^3 = \left(\frac{n(n+1)}{2}\right)^2",
    r"\frac{d}{dx}\sin(128x) = 128\cos(128x)",
    r"\sin^2 x + \cos^2 x = 1",
]


@pytest.mark.parametrize("claim", HOLDS)
def test_true_claims_hold(claim):
    r = check_claim(claim)
    assert r.verdict == "holds", r.summary()


def test_one_sided_domain_is_said():
    r = check_claim(r"\log(x^2) = 2\log x")
    assert r.verdict == "holds" and "left side is defined but the right side is not" in r.summary()


def test_seeds_come_from_the_claim_and_are_several():
    assert claim_seeds("a") == claim_seeds("a") and claim_seeds("a") != claim_seeds("b")
    assert len(set(claim_seeds("a"))) == 3
    r1, r2 = check_claim(r"\sigma'(z) = \sigma(z)(1+\sigma(z))"), check_claim(r"\sigma'(z) = \sigma(z)(1+\sigma(z))")
    assert r1.counterexample == r2.counterexample


def test_method_is_named():
    assert check_claim(r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}").method.startswith("symbolic proof")
    assert "points from 3 seeds" in check_claim(r"\sin^2 x + \cos^2 x = 1").method
    r = check_claim(r"\left(\sum_{k=1}^{n} x_k\right)^2 = \sum_{k=1}^{n} x_k^2 + 2\sum_{k=1}^{n}\sum_{j=1}^{k-1} x_j x_k")
    assert r.verdict == "checked" and "checked only for n =" in r.summary()


@pytest.mark.parametrize("argv, code", [
    ([r"\frac{d}{dx} x^2 = 2x"], 0),                       # holds
    ([r"\frac{d}{dx} x^2 = 3x"], 1),                       # fails
    ([r"\frac{d}{dx} x^2 = -2x"], 1),                      # fails, right up to a sign: still a failure
    ([r"\frac{d}{dx} (x^2"], 2),                           # error: cannot be read
    ([r"\log 0 = 1"], 4),                                  # not-checkable
    ([r"\theta := \theta - 1"], 4),                        # not-checkable (an assignment)
    ([r"\left(\sum_{k=1}^{n} x_k\right)^2 = \sum_{k=1}^{n} x_k^2 + 2\sum_{k=1}^{n}\sum_{j=1}^{k-1} x_j x_k"], 4),
    ([r"\sum_{i=1}^{n} i^2 = 30", "--at", "n=4"], 0),      # --at sets a sum's bound
    ([r"\sum_{i=1}^{n} i^2 = 31", "--at", "n=4"], 1),
])
def test_exit_codes(argv, code, capsys):
    assert main(["check", *argv]) == code
    out = capsys.readouterr()
    assert "Traceback" not in out.err


def test_sign_slip_is_reported_as_what_it_is(capsys):
    assert main(["check", r"\frac{d}{dx} x^2 = -2x"]) == 1
    assert "fails (right up to a sign)" in capsys.readouterr().out


# Held-out traps (tests/corpus/heldout_scalar.toml) and the mechanism each one needs: never "holds" and
# never the weaker "checked" (a false claim must not be reported as checked either).
NEVER_HOLD_OR_CHECKED = [
    (r"\frac{d}{dx}\ln(-x^2 - 1) = \frac{2x}{x^2 + 1}", "a derivative exists only where its function does"),
    (r"\lfloor x + \frac{1}{2} \rfloor = \lceil x - \frac{1}{2} \rceil", "floor arguments at whole values"),
    (r"\lfloor -x \rfloor = -\lfloor x \rfloor - 1", "wrong at every integer, nowhere else"),
    (r"\sum_{k=1}^{n} k^3 = \frac{n^2(n+1)^2}{4} + \left\lfloor \frac{n}{8} \right\rfloor", "n >= 8 only"),
    (r"\sum_{k=1}^{n} k^4 = \frac{21n^4 - 100n^3 + 270n^2 - 329n + 144}{6}", "a quartic fit to n = 1..5"),
    (r"\sum_{k=1}^{n} k^2 = \frac{n(n+1)(2n+1)}{6} + \binom{n-1}{6}", "agrees for n = 1..6"),
    (r"\prod_{k=2}^{n} \left(1 - \frac{1}{k^2}\right) = \frac{n+1}{2n} + \frac{(n-1)(n-2)(n-3)}{n^4}",
     "a product in rising factorials"),
    (r"\max(-10, \min(10, x)) = x", "nested max/min (if-then-else conditions)"),
    (r"(x + 10^{6})^2 = x^2 + 2 \cdot 10^{6} x + 10^{12} + 1", "a difference of 1 in 10^12"),
    (r"e^{x + 10^{-13}} = e^{x}(1 + 10^{-13})", "a difference of 5e-27 relative"),
    (r"\sqrt[3]{x} = \sqrt[3]{|x|}", "an odd root of a negative number is real"),
    (r"\ln(1 + e^{x}) = \max(0, x) + \ln(1 + e^{-x})", "the stable softplus with one sign wrong"),
    (r"\frac{d}{dx}|x + 2| = \operatorname{sign}(x)", "a kink at -2, not 0"),
    (r"\ln(-x) = -\ln x", "never both defined"),
    # tests/corpus/heldout_adversarial.toml's traps, each with the mechanism that catches it
    (r"\max(x, \sqrt{5}) = \begin{cases} x & x > 2.236 \\ \sqrt{5} & x \le 2.236 \end{cases}",
     "two boundaries 7e-5 apart: a point inside the gap between neighbouring boundaries"),
    (r"\frac{d}{dx}|x - e| = \begin{cases} 1 & x > 2.7182818 \\ -1 & x < 2.7182818 \end{cases}",
     "a gap of 3e-8 beside an irrational kink (its boundary kept to 12 digits)"),
    (r"\sum_k \left\lfloor \frac{k}{7} \right\rfloor x_k^2 = 0", "a term that starts at the 7th entry: length 8"),
    (r"\sum_k \binom{k+1}{8} x_k = 0", "zero up to length 6"),
    (r"\left(\sum_k x_k\right)^2 \le 6 \sum_k x_k^2", "tight at equal entries (Cauchy-Schwarz): tied points"),
]


@pytest.mark.parametrize("claim, why", NEVER_HOLD_OR_CHECKED)
def test_held_out_traps_never_hold(claim, why):
    r = check_claim(claim)
    assert r.verdict not in ("holds", "checked", "conditional"), (why, r.summary())


HOLD_TOO = [  # true claims of the same shapes: the mechanisms above must not turn them into failures
    r"\Gamma(x + 40) = (x + 39)\Gamma(x + 39)",                  # 3.8e46 on both sides: a relative tolerance
    r"\lfloor 2x \rfloor = \lfloor x \rfloor + \left\lfloor x + \frac{1}{2} \right\rfloor",
    r"\lfloor -x \rfloor = -\lceil x \rceil",
    r"\prod_{k=1}^{n} \left(1 + \frac{1}{k}\right) = n + 1",
    r"\sum_{k=1}^{n} k \cdot k! = (n+1)! - 1",                              # the sum takes the whole product
    r"\frac{d}{dx} x \cdot e^{x} = (x+1)e^{x}",
    r"\frac{d}{dx}\ln(-x) = \frac{1}{x}",                                     # defined for x < 0
    r"\max(x, y) \min(x, y) = xy",
    r"\max(x, \sqrt{5}) = \begin{cases} x & x > \sqrt{5} \\ \sqrt{5} & x \le \sqrt{5} \end{cases}",  # gap points
]


@pytest.mark.parametrize("claim", HOLD_TOO)
def test_true_claims_of_the_same_shapes_hold(claim):
    r = check_claim(claim)
    assert r.verdict == "holds", r.summary()


def test_undefined_function_differentiated_is_said():
    r = check_claim(r"\frac{d}{dx}\sqrt{-1 - x^2} = 0")
    assert r.verdict == "not-checkable" and "outside the domain of the function differentiated" in r.summary()


def test_whole_number_symbols_are_swept():
    r = check_claim(r"\sum_{k=1}^{n} \lfloor k/2 \rfloor = \lfloor n^2/4 \rfloor")
    assert r.verdict == "checked" and "12, 15, 20, 30" in r.summary()


@pytest.mark.parametrize("claim, verdict", [
    # indefinite integrals: checked by differentiating (the constant C drops out); F counts where defined
    (r"\int x e^x \, dx = (x-1)e^x + C", "holds"),
    (r"\int \frac{1}{x} dx = \ln|x| + C", "holds"),
    (r"\int (x + y) dx = \int x dx + \int y dx", "holds"),
    (r"\int \cos x \, dx = -\sin x + C", "fails"),
    (r"\int |x| dx = \frac{x^2}{2} + C", "fails"),                # wrong for x < 0 only
    (r"\int 0 \, dx = \operatorname{sign}(x)", "fails"),    # F' = 0 away from a jump; sign jumps where 0 is defined
    (r"\int \sqrt{-1-x^2} dx = x + C", "not-checkable"),
    # two-sided limits exist only when both one-sided limits agree
    (r"\lim_{x \to 0} \frac{|x|}{x} = 1", "fails"),
    (r"\lim_{x \to 0^+} \frac{|x|}{x} = 1", "holds"),
    (r"\lim_{x \to 0} \frac{1}{x} = \infty", "fails"),
    (r"\lim_{x \to 0} \frac{1}{x^2} = \infty", "holds"),
    (r"\lim_{x \to 3} \lfloor x \rfloor = 3", "fails"),
    # cases without 'otherwise' are undefined only where no case applies
    (r"\frac{d}{dz}\max(0.01z, z) = \begin{cases} 1 & z > 0 \\ 0.01 & z < 0 \end{cases}", "holds"),
    (r"\frac{d}{dx}\max(0.01x, x) = \begin{cases} 1 & x > 0 \\ 0.1 & x < 0 \end{cases}", "fails"),
    # a derivative is not claimed at a corner of its function; elsewhere on a boundary values count
    (r"\frac{d}{dx}\max(0, x - 3) = \frac{1 + \operatorname{sign}(x - 3)}{2}", "holds"),
    (r"\frac{d}{dx}\max(0, x)^2 = 2\max(0, x)", "holds"),
    (r"\frac{d}{dx}|x| = 1", "fails"),
    (r"\begin{cases} 1 & x \ge 4 \\ 0 & x < 4 \end{cases} = \frac{1 + \operatorname{sign}(x - 4)}{2}", "fails"),
])
def test_antiderivatives_limits_and_partial_cases(claim, verdict):
    assert check_claim(claim).verdict == verdict


CHECKED_IN_WORDS = [  # true sums without an upper limit: the weak verdict, which says what was checked
    r"\left(\sum_k x_k\right)^2 \le \left(\sum_k 1\right) \sum_k x_k^2",
    r"\sum_k \delta_{ik} x_k = x_i",
]


@pytest.mark.parametrize("claim", CHECKED_IN_WORDS)
def test_unbounded_sums_are_checked_in_words(claim):
    r = check_claim(claim)
    assert r.verdict == "checked", r.summary()
    assert "checked only for K = 1, 2, 3, 4, 6, 8" in r.summary() and "not proved" in r.summary()


# Documents (--doc): a worked number wrong in the 4th decimal of a document that rounds to 4, a square of a
# defined name (a power, not a new name), a definition redefined later (the lines after it use the new one).
WORKED = "Every value is rounded to 4 decimals.\n\n$$x = 0.5$$\n\n$$z = 4x + 1$$\n\n$$a = \\sigma(z)$$\n\n"
DOC_LINES = [
    (WORKED + "$$a = 0.9526$$\n", {9: "holds"}),                    # sigma(3) = 0.952574...: rounds to it
    (WORKED + "$$a = 0.9525$$\n", {9: "fails"}),                    # wrong in the 4th decimal
    (WORKED + "$$a^2 = 0.9074$$\n", {9: "holds"}),                  # 0.907397...: a power of a defined a
    (WORKED + "$$a^2 = 0.9075$$\n", {9: "fails"}),
    ("$$g(t) = t^2$$\n\n$$g'(t) = 2t$$\n\n$$g(t) = t^3$$\n\n$$g'(t) = 2t$$\n",
     {3: "holds", 5: "ambiguous", 7: "fails"}),                      # the last line is about t^3
    ("$$g(t) = t^2$$\n\n$$g(t) = t \\cdot t$$\n\n$$g'(t) = 2t$$\n", {3: "holds", 5: "holds"}),  # a restatement
]


@pytest.mark.parametrize("text, expect", DOC_LINES)
def test_document_lines(text, expect):
    from derive.check.documents import check_equations

    got = {line: verdict for line, verdict, _claim, _note in check_equations(text)}
    assert {k: got.get(k) for k in expect} == expect, got


# A conditional hold names a condition that is sufficient: under a cost the author gives, the output
# activation that makes the claim true with THAT cost (never an output paired with another cost).
QUAD = r"C = \frac{1}{2}\sum_j (y_j - a^L_j)^2"
BCE = r"C = -\sum_j \left[y_j \ln a^L_j + (1 - y_j) \ln(1 - a^L_j)\right]"
CONDITIONS = [
    (r"\frac{\partial C}{\partial z^L} = a^L - y", [QUAD], "identity", "cross-entropy"),
    (r"\frac{\partial C}{\partial z^L_k} = a^L_k - y_k", [BCE], "sigmoid", "squared"),
]


@pytest.mark.parametrize("claim, givens, named, never", CONDITIONS)
def test_condition_is_sufficient_under_a_given_cost(claim, givens, named, never):
    r = check_claim(claim, givens=givens)
    assert r.verdict == "conditional" and named in r.condition and never not in r.condition, r.summary()


@pytest.mark.parametrize("mode", ["single", "doc"])
def test_unreadable_equation_is_an_error_in_every_mode(mode, tmp_path, capsys):
    claim = r"\frac{d}{dx} (x^2 = 2x"             # an unclosed bracket: a single claim exits 2, so does --doc
    if mode == "doc":
        p = tmp_path / "d.md"
        p.write_text(f"$${claim}$$\n", encoding="utf-8")
        assert main(["check", "--doc", str(p), "--jobs", "1"]) == 2
        assert "error" in capsys.readouterr().out
    else:
        assert main(["check", claim]) == 2
