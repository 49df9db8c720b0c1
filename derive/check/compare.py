"""Comparing the two sides of a claim: exact values at random rational points, then a 50-digit check; verdicts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from ..errors import NNDeriveError, VerificationError
from ..primitives import Primitive, SoftmaxEntry
from .interpret import Interpreter
from .syntax import Node
from .tree import juxt_items
from .values import is_mat, norm

VERDICTS = ("holds", "fails", "holds-with-convention", "ambiguous", "not-checkable")
DEFAULT_TIMEOUT = 60.0
POINTS = 3
TOL = sp.Float(10) ** -30


class ClaimError(NNDeriveError):
    """A claim, definition or claims file cannot be used as given (exit code 2)."""


class NotCheckable(Exception):
    """The claim is well-formed but has no checkable meaning (a tensor, an assignment, ...)."""


@dataclass
class Result:
    """The outcome of checking one claim."""

    claim: str
    verdict: str
    method: str = ""
    notes: list[str] = field(default_factory=list)
    counterexample: str = ""
    correct: str = ""
    convention: str = ""
    seconds: float = 0.0

    def exit_code(self) -> int:
        return 0 if self.verdict == "holds" else (2 if self.verdict == "error" else 1)

    def summary(self) -> str:
        parts = []
        if self.method:
            parts.append(self.method)
        if self.convention:
            parts.append(f"right up to {self.convention}")
        if self.counterexample:
            parts.append("counterexample: " + self.counterexample)
        if self.correct:
            parts.append("correct: " + self.correct)
        parts.extend(self.notes)
        return "; ".join(parts)

    # Jupyter's rich display: `check_claim(...)` as the last line of a cell shows the claim typeset
    def _repr_markdown_(self) -> str:
        from ..present.writers import MdWriter

        text = MdWriter().text
        shown = "fails" if self.verdict == "holds-with-convention" else self.verdict
        lines = [f"**{shown}**: ${self.claim}$" if self.claim else f"**{shown}**", ""]
        for label, value, math in (("shown by", self.method, False), ("convention", self.convention and
                                   f"right up to {self.convention}", False),
                                   ("counterexample", self.counterexample, False),
                                   ("correct (as derived)", self.correct, True)):
            if value:
                lines.append(f"- {label}: " + (f"${value}$" if math else text(value)))
        lines += [f"- note: {text(n)}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def _repr_latex_(self) -> str:
        shown = "fails" if self.verdict == "holds-with-convention" else self.verdict
        return f"$${self.claim} \\qquad \\text{{({shown})}}$$"


# ---------------------------------------------------------------------------------------------
# Evaluation and comparison


def _explicit(e):
    """Primitives -> closed forms (for the numeric confirmation)."""
    if is_mat(e):
        return e.applyfunc(_explicit)
    if not isinstance(e, sp.Basic):
        return e
    return e.replace(lambda x: isinstance(x, Primitive) and not isinstance(x, SoftmaxEntry),
                     lambda x: type(x).explicit(*x.args)).replace(
        lambda x: isinstance(x, SoftmaxEntry), lambda x: SoftmaxEntry.explicit(*x.args))


def _rand_rational(rng: random.Random) -> sp.Rational:
    num = rng.choice([i for i in range(-9, 10) if i != 0])
    return sp.Rational(num, rng.randint(2, 7))


def _exact(e, env: dict, seed: int):
    from ..evaluate import ExactEvaluator

    ev = ExactEvaluator(seed)
    ev.env.update(env)
    return ev(e)


def _numeric(e, subs: dict):
    v = _explicit(e).xreplace(subs)
    return sp.N(v, 50)


def _fmt_num(v) -> str:
    if isinstance(v, Fraction):
        v = sp.Rational(v.numerator, v.denominator)
    if isinstance(v, sp.Rational) and v.q < 1000:
        return str(v)
    try:
        txt = str(sp.N(sp.Float(v, 50), 12))
    except (TypeError, ValueError):
        return str(v)
    mant, e, exp = txt.partition("e")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    return mant + (e + exp if e else "")


def _entries(v):
    if is_mat(v):
        return [((i, j), v[i, j]) for i in range(v.shape[0]) for j in range(v.shape[1])]
    return [((), v)]


@dataclass
class Comparison:
    """Whether two values agree at every tried point, and where they do not."""

    equal: bool
    how: str = ""
    where: str = ""
    lhs_value: str = ""
    rhs_value: str = ""
    ratio: object = None
    transposed: bool = False


def compare_values(lhs, rhs, symbols: list, rng: random.Random, points: int = POINTS,
                   values_for=None, scalar: bool = False) -> Comparison:
    """Compare two values (shapes already equal) at random rational points.

    Exact rational evaluation first (transcendental values are shared random atoms, so agreement
    proves the identity given the primitives' derivatives); a disagreement is confirmed at 50
    digits with the closed forms before it counts.
    """
    lhs, rhs = norm(lhs), norm(rhs)
    diff_entries = []
    exact_ok = True
    compared = 0
    for _point in range(points):
        for _attempt in range(8):
            subs = values_for(rng) if values_for else {s: _rand_rational(rng) for s in symbols}
            env = {s: Fraction(int(v.p), int(v.q)) for s, v in subs.items()}
            seed = rng.randrange(1 << 30)
            try:
                bad = []
                for (idx, a), (_, b) in zip(_entries(lhs), _entries(rhs)):
                    if _exact(a, env, seed) != _exact(b, env, seed):
                        bad.append(idx)
                break
            except (ZeroDivisionError, VerificationError, TypeError, ValueError, KeyError,
                    IndexError, AttributeError):
                bad = None
                continue
        if bad is None:
            exact_ok = False
            bad = [idx for idx, _ in _entries(lhs)]
        else:
            compared += len(_entries(lhs)) - len(bad)
        for idx in bad:
            a = lhs[idx] if idx else lhs
            b = rhs[idx] if idx else rhs
            try:
                na, nb = _numeric(a, subs), _numeric(b, subs)
            except (TypeError, ValueError, ZeroDivisionError):
                continue
            if not (na.is_number and nb.is_number):
                names = sorted({str(x) for v in (na, nb) for x in v.free_symbols} | {
                    str(type(f)) for v in (na, nb) for f in v.atoms(sp.Function) if not f.is_number})
                raise NotCheckable("the sides do not evaluate to numbers: "
                                   + (", ".join(names) if names else "something") + " is not defined"
                                   " (a letter followed by parentheses is a product unless the letter is defined"
                                   " with --given; for the step function write \\operatorname{H}(z) or"
                                   " \\mathbb{1}[z > 0])")
            if na.has(sp.nan, sp.zoo) or nb.has(sp.nan, sp.zoo):
                continue
            compared += 1
            if abs(na - nb) > TOL * (1 + abs(na) + abs(nb)):
                ratio = (na / nb) if nb != 0 else None
                shown = [s for s in sorted(subs, key=str) if _appears(s, a, b)]
                where = ", ".join(f"{s} = {subs[s]}" for s in shown[:8])
                if len(shown) > 8:
                    where += f", ... ({len(shown)} values, seed-reproducible)"
                if idx:
                    where = (where + "; " if where else "") + f"entry ({idx[0] + 1}, {idx[1] + 1})"
                return Comparison(False, where=where, lhs_value=_fmt_num(na), rhs_value=_fmt_num(nb),
                                  ratio=ratio)
            exact_ok = False
        diff_entries.append(len(bad))
    if not compared:
        raise NotCheckable("the sides are undefined at every tried point (a division by zero?)")
    how = (f"exact rational evaluation at {points} random point(s)" if exact_ok
           else f"evaluation to 50 digits at {points} random point(s)")
    return Comparison(True, how=how)


def _appears(s, a, b) -> bool:
    return any(s in getattr(x, "free_symbols", set()) for x in (a, b))


def _ratio_convention(ratios: list, batch: int | None = None) -> str:
    """Name the convention when lhs/rhs is one constant at every point."""
    rs = [r for r in ratios if r is not None]
    if len(rs) < 2:
        return ""
    r0 = rs[0]
    if any(abs(r - r0) > sp.Float(10) ** -20 * (1 + abs(r0)) for r in rs):
        return ""
    c = sp.nsimplify(sp.N(r0, 30), rational=True, tolerance=1e-20)
    if batch and batch > 1 and c == sp.Rational(1, batch):
        return "a 1/N factor (the loss averages over the batch; the right side omits 1/N)"
    if batch and batch > 1 and c == batch:
        return "a 1/N factor (the right side divides by N, but the loss sums over the batch)"
    if c == -1:
        return "a sign"
    if c in (2, sp.Rational(1, 2)):
        return f"a constant factor {c} (the left side is {c} times the right side)"
    if c.is_Rational and c != 0 and abs(c.p) < 100 and c.q < 100:
        return f"a constant factor {c} (the left side is {c} times the right side)"
    return ""


# ---------------------------------------------------------------------------------------------
# Scalar claims


def _interp_side(ctx, node: Node, source: str):
    it = Interpreter(ctx, source)
    return it.value(node), it.alg.notes


def _has_derivative(node) -> bool:
    if not isinstance(node, Node):
        return False
    if node.kind == "frac":
        items = juxt_items(node.args[1])
        if items and items[0].kind == "postfix" and (
                (items[0].args[0].kind == "letter" and str(items[0].args[0].args[0]) == "d")
                or (items[0].args[0].kind == "command" and str(items[0].args[0].args[0]) == "\\partial")):
            return True
    if node.kind == "postfix" and any(s[0] == "prime" for s in node.scripts):
        return True
    return any(_has_derivative(a) for a in node.args if isinstance(a, Node)) or any(
        _has_derivative(s[1]) for s in node.scripts if len(s) > 1)
