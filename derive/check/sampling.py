"""Deciding lhs = rhs by sampling: seeded points that cover every region, undefined points never counted.

Points are drawn from several seeds derived from the claim's text (never one lucky draw). Every
switch of the claim (a piecewise condition, |.|, sign, a step, max, ReLU; found while evaluating)
must be seen on both sides at points where both sides are defined: where random points miss a
side, a search along each variable finds the boundary and adds points just beyond it and on it.
At each point both sides are computed exactly (rationals; transcendental values as random atoms)
and to high precision under real semantics; a point where either side is undefined does not count.
Two sides agree at a point when their untainted exact values are equal, when their atom values
are equal (an identity of the algebra), or when they agree to the precision every term of every
sum needs, at two precisions.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from .pointeval import ExactEvaluator, Inexact, RealEvaluator, Undefined, Unsupported
from .roots import _numeric_roots, _Point, nodes  # noqa: F401
from .sweeps import Sweeps, _admissible, _text  # noqa: F401

SEEDS = 3
MAX_DIGITS = 3000
CONFIRM_SPREAD = 8   # terms this many orders apart: every agreeing point confirmed (Sampler._agree)


def claim_seeds(key: str, n: int = SEEDS) -> list[int]:
    """n seeds derived from the claim's text: the same claim is always tried at the same points."""
    h = hashlib.sha256(key.encode("utf-8")).digest()
    return [int.from_bytes(h[4 * i:4 * i + 4], "big") for i in range(n)]


def draw(rng: random.Random, sym) -> Fraction:
    """A value for one symbol: whole numbers for integer symbols, else a mix of magnitudes."""
    if getattr(sym, "is_integer", False):
        if sym.is_positive:
            return Fraction(rng.randint(1, 9))
        if sym.is_nonnegative:
            return Fraction(rng.randint(0, 9))
        return Fraction(rng.choice([i for i in range(-6, 7) if i]))
    r = rng.random()
    sign = -1 if rng.random() < 0.5 else 1
    if sym.is_positive:
        sign = 1
    if r < 0.55:
        v = Fraction(rng.randint(1, 9), rng.randint(2, 7))
    elif r < 0.75:
        v = Fraction(rng.randint(1, 9), rng.randint(11, 60))
    elif r < 0.93:
        v = Fraction(rng.randint(11, 60), rng.randint(2, 7))
    else:
        v = Fraction(rng.randint(100, 999), rng.randint(1, 3))
    return sign * v


@dataclass
class Outcome:
    """What sampling found: 'equal', 'differ', 'kink' (differ only on a boundary) or 'undecided'."""

    status: str
    points: int = 0
    tried: int = 0
    exact: bool = True
    digits: int = 0
    switches: int = 0
    uncovered: list[str] = field(default_factory=list)
    where: dict = field(default_factory=dict)
    entry: tuple = ()
    lhs_value: object = None
    rhs_value: object = None
    ratios: list = field(default_factory=list)
    one_sided: str = ""
    reason: str = ""
    integers: dict = field(default_factory=dict)   # integer symbol -> values at agreeing points

    def how(self) -> str:
        kind = "exact rational evaluation" if self.exact else f"evaluation to {self.digits} digits"
        regions = ""
        if self.switches:
            regions = f", covering both sides of {self.switches} switch{'es' if self.switches > 1 else ''}"
            regions += " (cases, |.|, max, steps)"
        return f"{kind} at {self.points} points from {SEEDS} seeds{regions}"


def _constant_digits(exprs) -> int:
    d = 1
    for e in exprs:
        for r in nodes(e):
            if isinstance(r, sp.Rational):
                d = max(d, len(str(abs(r.p))), len(str(r.q)))
    return d


class Sampler(Sweeps):
    """Compares entry pairs (index, lhs, rhs) at seeded points; see the module docstring."""

    # two more differing points after the first, so that a constant ratio (a sign, 1/N) can be named;
    # a caller that needs only the verdict (a condition search) turns it off
    name_ratios = True

    def __init__(self, pairs, symbols, key: str, values_for=None, min_points: int = 8,
                 max_tries: int = 80, search_vars: int | None = None, conditions: list = (),
                 domains: list = (), differentiated: list = ()):
        self.pairs = pairs
        self.symbols = sorted(symbols, key=str)
        self.key = key
        self.values_for = values_for
        self.min_points = min_points
        self.max_tries = max_tries
        self.search_vars = search_vars
        self.conditions = list(conditions)   # the claim is stated only where these hold
        self.domains = list(domains)         # ... and where these are defined (functions differentiated)
        self.differentiated = list(differentiated)   # (f, x): no derivative claimed where f has a corner
        # Symbols in an exponent or a root index: at a fractional value a negative base is undefined,
        # so fractions alone would decide x^n, \sqrt[n]{x^n} only for positive bases. Whole values
        # (even ones most often) reach the negative bases too.
        self.exponent_symbols = sorted({f for _, a, b in pairs for e in (a, b) for q in nodes(e)
                                        if isinstance(q, sp.Pow) for f in q.exp.free_symbols
                                        if isinstance(f, sp.Symbol) and not f.is_integer}, key=str)
        # Arguments of floor, ceiling, frac and mod: these jump wherever the argument is a whole
        # number, so a claim wrong only at integers (or half-integers, \lfloor x + 1/2 \rfloor) is
        # tried exactly there (and just beside), not left to a lucky draw.
        self.lattice = sorted({a for _, l, r in pairs for e in (l, r) for a in _lattice_args(e)}, key=str)
        self.switches: dict = {}        # switch -> signs seen at compared (defined) points
        self.digits = max(40, 30 + 2 * _constant_digits([e for _, a, b in pairs for e in (a, b)]))
        self.exact_all = True
        self.max_digits_used = self.digits
        self.equal_points = 0
        self.tried = 0
        self.undefined: dict[str, int] = {}
        self.one_sided = ""
        self.differ: list = []          # (point, entry, lhs, rhs) at non-boundary points
        self.kink: list = []            # the same at boundary points
        self.seed_counts: dict[int, int] = {}
        self.nonzero_agree = 0          # points where the sides agree and are not 0 (ratio 1 there)
        self.integers: dict = {}
        self.confirmed: set = set()     # (seed, entry, region) agreements confirmed at the higher precision
        self.sweeping = False           # True at the magnitude sweep's extra points (sweeps.Sweeps)
        self._exact_at = None           # (env, seed, ExactEvaluator) of the point being compared
        self._region = None             # (seed, entry, switch signs) of the entry being compared

    # -- one point

    # One pass (a point's sides computed once, at the confirming precision, and judged by both tests)
    # is off: a cancellation (1 - \sigma(x) at x = 222) leaves fewer correct digits than the precision
    # the tolerance assumes, so \ln(1 - \sigma(x)) = \ln\sigma(x) - x failed; the first precision's
    # evaluation finds the cancellation (an undefined or disagreeing value) and raises the precision.
    one_pass = False

    def _point_digits(self) -> int:
        return 2 * self.digits + 20 if self.one_pass else self.digits

    def _exact_for(self, env, seed) -> ExactEvaluator:
        """The point's exact evaluator: the one of its exact pass, shared by the real passes' exact switch
        signs and the agreement test, so that no subexpression is computed in rationals twice (its values
        depend only on the point and the seed; its memo is what is shared; those uses need no switches)."""
        got = self._exact_at
        if got is not None and got[0] is env and got[1] == seed:
            return got[2]
        ev = ExactEvaluator(dict(env), seed)
        self._exact_at = (env, seed, ev)
        return ev

    def _evaluate(self, env, seed):
        switches: dict = {}
        sides = []
        with mpmath.workdps(self._point_digits()):
            for idx, a, b in self.pairs:
                vals = []
                for e in (a, b):
                    ev = RealEvaluator(dict(env), seed, switches)
                    ev.exact = self._exact_for(env, seed)
                    try:
                        vals.append((ev(e), ev.mag, ev.small))
                    except Undefined as u:
                        vals.append(u)
                sides.append((idx, a, b, vals))
        return sides, switches

    def compare_point(self, pt: _Point, seed: int) -> str:
        self.tried += 1
        if self.conditions and not self._inside(pt, seed):
            self.undefined["outside the stated condition"] = self.undefined.get("outside the stated condition", 0) + 1
            return "undefined"
        if self.domains and not self._in_domain(pt, seed):
            why = "outside the domain of the function differentiated"
            self.undefined[why] = self.undefined.get(why, 0) + 1
            return "undefined"
        got = self._exact_point(pt, seed)
        if got is not None:
            return got
        sides, switches = self._evaluate(pt.env, seed)
        for _idx, a, b, vals in sides:
            bad = [v for v in vals if isinstance(v, Undefined)]
            if bad:
                return self._undefined(pt, a, b, [isinstance(v, Undefined) for v in vals], bad[0])
        point_exact = True
        region = frozenset((g, frozenset(signs)) for g, signs in switches.items())
        for idx, a, b, vals in sides:
            (va, ma, sa), (vb, mb, sb) = vals
            # the region is an attribute, not an argument: samplers that override _agree (inequalities) ignore it
            self._region = (seed, idx, region)
            verdict = self._agree(a, b, va, vb, max(ma, mb), min(sa, sb), pt.env, seed)
            self._region = None
            if verdict is None:
                return "unresolved"
            eq, exact = verdict
            point_exact = point_exact and exact
            if not eq:
                if pt.boundary and self._corner(pt, seed):
                    return "undefined"
                (self.kink if pt.boundary else self.differ).append((pt.env, idx, va, vb))
                return "differ"
        return self._equal(pt, [(v[0][0],) for _, _, _, v in sides], switches, point_exact, seed)

    def _inside(self, pt: _Point, seed: int) -> bool:
        try:
            with mpmath.workdps(self.digits):
                ev = RealEvaluator(dict(pt.env), seed)
                return all(ev.truth(c) for c in self.conditions)
        except (Undefined, Unsupported):
            return False

    def _corner(self, pt: _Point, seed: int) -> bool:
        """A function differentiated has no derivative here (its one-sided difference quotients
        disagree, or it is undefined beside the point): the derivative is not claimed at this point."""
        why = "a corner of the function differentiated (no derivative there)"
        for f, v in self.differentiated:
            if v not in pt.env:
                continue
            h = Fraction(1, 10 ** 12)
            x0 = pt.env[v]
            try:
                with mpmath.workdps(60):
                    vals = [RealEvaluator({**pt.env, v: x0 + d}, seed)(f) for d in (-h, 0, h)]
            except (Undefined, Unsupported, ZeroDivisionError, ValueError, TypeError):
                self.undefined[why] = self.undefined.get(why, 0) + 1
                return True
            left, right = (vals[1] - vals[0]) * 10 ** 12, (vals[2] - vals[1]) * 10 ** 12
            if abs(left - right) > mpmath.mpf(10) ** -6 * (1 + abs(left) + abs(right)):
                self.undefined[why] = self.undefined.get(why, 0) + 1
                return True
        return False

    def _in_domain(self, pt: _Point, seed: int) -> bool:
        # in rationals first: an exact value is decisive either way (an Undefined there is a division by zero
        # or a logarithm of an exact non-positive number); an atom inside a logarithm or a root
        # (domain_unknown), a branch on an atom or an unknown expression leaves it to the real evaluation, as
        # before. An evaluator of its own: a shared one's memo would skip the switches and unknown domains
        # that the point's exact pass records.
        ev = ExactEvaluator(dict(pt.env), seed)
        try:
            for d in self.domains:
                ev(d)
            if not ev.domain_unknown:
                return True
        except Undefined:
            return False
        except (Inexact, Unsupported, ZeroDivisionError, OverflowError, ValueError):
            pass
        try:
            with mpmath.workdps(self.digits):
                ev = RealEvaluator(dict(pt.env), seed)
                for d in self.domains:
                    ev(d)
        except Undefined:
            return False
        except Unsupported:
            return True      # an expression no evaluator knows restricts nothing it can see
        return True

    def _exact_point(self, pt: _Point, seed: int):
        """The point decided in rationals alone, or None when real evaluation is needed (an atom
        inside a logarithm or a branch, or sides that differ only as atoms)."""
        got = self._exact_rows(pt, seed)
        if got is None or isinstance(got, str):
            return got
        rows, switches = got
        for idx, _a, _b, ((xa, ta), (xb, tb)) in rows:
            if xa != xb:
                if ta or tb:
                    return None
                if pt.boundary and self._corner(pt, seed):
                    return "undefined"
                (self.kink if pt.boundary else self.differ).append((pt.env, idx, xa, xb))
                return "differ"
        return self._equal(pt, [(xa,) for _, _, _, ((xa, _), _) in rows], switches, True, seed)

    def _exact_rows(self, pt: _Point, seed: int):
        """([(idx, a, b, [(exact, tainted), (exact, tainted)])], switches) at the point; None when
        rationals cannot decide it; 'undefined' where a side is undefined there."""
        switches: dict = {}
        # fresh for every exact pass (switches, unknown domains recorded as it computes, never from a memo)
        ev = ExactEvaluator(dict(pt.env), seed, switches)
        self._exact_at = (pt.env, seed, ev)
        rows = []
        try:
            for idx, a, b in self.pairs:
                vals = []
                for e in (a, b):
                    try:
                        vals.append(ev(e))
                    except Undefined as u:
                        vals.append(u)
                rows.append((idx, a, b, vals))
        except (Inexact, Unsupported, ZeroDivisionError, OverflowError, ValueError):
            return None
        if ev.domain_unknown:
            return None
        for _idx, a, b, vals in rows:
            bad = [v for v in vals if isinstance(v, Undefined)]
            if bad:
                return self._undefined(pt, a, b, [isinstance(v, Undefined) for v in vals], bad[0])
        return rows, switches

    def _undefined(self, pt, a, b, which, reason) -> str:
        if which.count(True) == 1 and not self.one_sided:
            bad, good = ("left", "right") if which[0] else ("right", "left")
            self.one_sided = (f"at {_fmt_env(pt.env, a, b)} the {good} side is defined but the {bad} side"
                              f" is not ({reason})")
        self.undefined[str(reason)] = self.undefined.get(str(reason), 0) + 1
        return "undefined"

    def _equal(self, pt, values, switches, exact, seed) -> str:
        for s, v in pt.env.items():
            if isinstance(s, sp.Symbol) and s.is_integer:
                self.integers.setdefault(str(s), set()).add(int(v))
        for g, signs in switches.items():
            self.switches.setdefault(g, set()).update(signs)
        self.equal_points += 1
        if any(v[0] != 0 for v in values):
            self.nonzero_agree += 1
        self.exact_all = self.exact_all and exact
        self.seed_counts[seed] = self.seed_counts.get(seed, 0) + 1
        return "equal"

    def _agree(self, a, b, va, vb, mag, small, env, seed):
        """(equal, decided exactly) at this point, or None when the precision needed is too high.

        ``self._region``: (seed, entry, the signs of every switch at the point), set by compare_point. An
        agreement is confirmed at the higher precision once per region: within one region each side is one
        analytic formula, and a difference that is not 0 shows at the first precision wherever every term
        is resolved (the spread of the terms' sizes is small); where it is not, every point is confirmed,
        as before."""
        try:
            ex = self._exact_for(env, seed)
            (xa, ta), (xb, tb) = ex(a), ex(b)
            if xa == xb:
                if abs(va - vb) <= self._tol(self.digits, max(mag, abs(va), abs(vb))):
                    return True, True
            elif not ta and not tb:
                return False, True
        except (Inexact, Unsupported, Undefined, ZeroDivisionError, OverflowError):
            pass
        # relative to the largest term and to the values themselves (a product or quotient of large
        # factors, gamma(61)/gamma(31)^2, carries the relative error of its factors)
        if abs(va - vb) > self._tol(self.digits, max(mag, abs(va), abs(vb))):
            if abs(va - vb) > max(mag, abs(va), abs(vb)) * mpmath.mpf(10) ** -6:
                return False, False
            # a near miss may be rounding: an ill-conditioned function (arccos(cos x) at x = 10^-9 loses
            # 9 digits) or a term below the precision (ln sigma(1000), 1 - e^{-1000} rounded to 1)
            return self._near_miss(a, b, env, seed, mag, small)
        # agreement to the first precision: confirm where every term of every sum is resolved
        spread = 0 if not small or small == mpmath.inf or not mag else float(mpmath.log10(mag / small))
        region = self._region
        if region is not None and spread <= CONFIRM_SPREAD and region in self.confirmed:
            return True, False
        digits = int(max(2 * self.digits + 20, 30 + spread + self.digits))
        if digits > MAX_DIGITS or (self.sweeping and digits > 2 * self.digits + 20):
            # (at the magnitude sweep's extra points, e^{10^6} beside 1, an agreement to the first digits
            # is not confirmed at thousands more: such a point decides nothing, the random ones decide)
            return None
        self.max_digits_used = max(self.max_digits_used, digits)
        if self.one_pass and digits <= self._point_digits():
            # the point was evaluated to these digits already: va and vb are what _difference would compute
            d2, tol = va - vb, self._tol(self._point_digits(), max(mag, abs(va), abs(vb)))
        else:
            got = self._difference(a, b, env, seed, digits)
            if got is None:
                return None
            d2, tol = got
        if abs(d2) > tol:
            return False, False
        if spread > 20 and d2 != 0:
            # a large term inside a logarithm (\ln(e^{1000} + 1) - 1000 = e^{-1000}): the tolerance by
            # the largest term is too loose there. A real difference stays the same at more digits;
            # rounding noise shrinks with them. The second term of a cancellation (ln sigma(1000):
            # 1/(1 + u) = 1 - u + u^2 with u = e^{-1000}) needs twice the spread: 60 digits more kept
            # its truncation the same, a false fail.
            with mpmath.workdps(digits + 60 + int(spread)):
                try:
                    d3 = RealEvaluator(env, seed)(a) - RealEvaluator(env, seed)(b)
                except Undefined:
                    return None
            if abs(d3 - d2) <= abs(d2) * mpmath.mpf(10) ** -20:
                return False, False
        if region is not None:
            self.confirmed.add(region)
        return True, False

    def _near_miss(self, a, b, env, seed, mag, small):
        """(equal, False) for sides that differ by little at the first precision, judged at three higher
        precisions (each term of every sum resolved, then 60 and 120 digits more): equal when the
        difference shrinks by 30 orders at each step (noise), a difference when it does not (a real
        difference stays as it is once resolved); None beyond MAX_DIGITS."""
        spread = 0 if not small or small == mpmath.inf or not mag else float(mpmath.log10(mag / small))
        first = int(max(2 * self.digits + 20, 30 + spread + self.digits))
        if first + 120 > MAX_DIGITS:
            return None
        d = []
        for digits in (first, first + 60, first + 120):
            got = self._difference(a, b, env, seed, digits)
            if got is None:
                return None
            d.append(abs(got[0]))
        self.max_digits_used = max(self.max_digits_used, first + 120)
        if d[1] <= d[0] * mpmath.mpf(10) ** -30 and d[2] <= d[1] * mpmath.mpf(10) ** -30:
            return True, False
        return False, False

    def _difference(self, a, b, env, seed, digits):
        """(lhs - rhs, the tolerance for it) at the given digits, or None where a side is undefined."""
        with mpmath.workdps(digits):
            try:
                ea, eb = RealEvaluator(env, seed), RealEvaluator(env, seed)
                wa, wb = ea(a), eb(b)
            except Undefined:
                return None
            return wa - wb, self._tol(digits, max(ea.mag, eb.mag, abs(wa), abs(wb)))

    @staticmethod
    def _tol(digits, mag):
        scale = mag if mag else mpmath.mpf(1)
        return scale * mpmath.mpf(10) ** (-(digits - 12))

    # -- points

    def _random_point(self, rng) -> _Point:
        if self.values_for is not None:
            env = {s: Fraction(int(v.p), int(v.q)) for s, v in self.values_for(rng).items()}
            for s in self.symbols:
                env.setdefault(s, draw(rng, s))
            return _Point(env)
        env = {s: draw(rng, s) for s in self.symbols}
        for s in self.exponent_symbols:
            if s in env and rng.random() < 0.5:
                env[s] = Fraction(rng.choice([2, 4, -2, 3, 1, -1] if not s.is_positive else [2, 4, 3, 1]))
        return _Point(env)

    def run(self) -> Outcome:
        seeds = claim_seeds(self.key)
        per_seed = max(2, math.ceil(self.min_points / len(seeds)))
        base = None
        for seed in seeds:
            rng = random.Random(seed)
            got, tries = 0, 0
            while got < per_seed and tries < self.max_tries // len(seeds):
                tries += 1
                pt = self._random_point(rng)
                status = self.compare_point(pt, seed)
                if status == "differ":
                    if self.name_ratios:
                        self._more_ratios(rng, seed)
                    return self._outcome()
                if status == "equal":
                    got += 1
                    base = base or pt
        if self.equal_points and self.switches:
            self._cover(base, seeds[0])
        if self.equal_points and not self.differ and self.lattice:
            self._cover_lattice(base, seeds[0])
        if self.equal_points and not self.differ:
            self._sweep_integers(base, seeds[0])
        if self.equal_points and not self.differ and self.exponent_symbols:
            self._sweep_exponents(base, seeds[0])
        if self.equal_points and not self.differ and self.values_for is None:
            self._sweep_magnitudes(base, seeds[0])
        if self.differ and self.name_ratios:
            self._more_ratios(random.Random(seeds[0] + 1), seeds[0])
        return self._outcome()

    def _outcome(self) -> Outcome:
        if self.differ:
            env, idx, va, vb = self.differ[0]
            ratios = []
            if not self.nonzero_agree:  # a constant ratio other than 1 is only possible if none agree
                for _, _, a, b in self.differ[:3]:
                    ratios.append(a / b if b else None)
            return Outcome("differ", self.equal_points, self.tried, where=env, entry=idx, lhs_value=va,
                           rhs_value=vb, ratios=ratios, one_sided=self.one_sided)
        uncovered = [f"{_text(g)} {'>' if s > 0 else '<'} 0" for g, signs in sorted(self.switches.items(),
                                                                                       key=lambda x: _text(x[0]))
                     for s in (1, -1) if s not in signs and g.free_symbols]   # a constant has one sign
        enough = self.equal_points >= self.min_points and len(self.seed_counts) >= min(SEEDS, 2)
        if self.kink and enough:
            env, idx, va, vb = self.kink[0]
            return Outcome("kink", self.equal_points, self.tried, where=env, entry=idx, lhs_value=va,
                           rhs_value=vb, one_sided=self.one_sided)
        if not enough:
            why = ", ".join(f"{k} ({n} points)" for k, n in sorted(self.undefined.items()))
            reason = (f"the sides are defined at only {self.equal_points} of {self.tried} tried points"
                      + (f": {why}" if why else ""))
            return Outcome("undecided", self.equal_points, self.tried, reason=reason, one_sided=self.one_sided)
        return Outcome("equal", self.equal_points, self.tried, exact=self.exact_all, digits=self.max_digits_used,
                       switches=len(self.switches), uncovered=uncovered, one_sided=self.one_sided,
                       integers={k: sorted(v) for k, v in self.integers.items()})


def _lattice_args(e) -> list:
    """Arguments whose whole values are jumps: floor(u), ceiling(u), frac(u), Mod(a, b) as a/b."""
    out = []
    for q in nodes(e) if isinstance(e, sp.Basic) else ():
        if isinstance(q, (sp.floor, sp.ceiling, sp.frac)) and q.args[0].free_symbols:
            out.append(q.args[0])
        elif isinstance(q, sp.Mod) and q.free_symbols:
            out.append(q.args[0] / q.args[1])
    return out


def _fmt_env(env, *exprs) -> str:
    used = set()
    for e in exprs:
        used |= getattr(e, "free_symbols", set())
    shown = [s for s in sorted(env, key=str) if s in used] or sorted(env, key=str)
    return ", ".join(f"{s} = {env[s]}" for s in shown[:6])
