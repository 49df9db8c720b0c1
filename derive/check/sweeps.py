"""Where the sampler looks beyond its random points: lattices, whole numbers, magnitudes, exponents and boundaries.

A mixin of ``sampling.Sampler``: each sweep adds points through ``compare_point`` and stops at the first
that differs (the sampler's outcome then names it).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import mpmath

from .pointeval import Inexact, RealEvaluator, Undefined, Unsupported
from .regions import magnitude_points
from .roots import _boundary_points, _plain_summand, _Point, gap_points


class Sweeps:
    """The sampler's searches (``self`` is a ``sampling.Sampler``)."""

    def _cover_lattice(self, base: _Point, seed: int):
        """Points where a floor/ceiling/frac/mod argument is a whole number (and just beside it)."""
        tried = 0
        for u in self.lattice:
            try:
                with mpmath.workdps(30):
                    u0 = RealEvaluator(dict(base.env), seed)(u)
            except (Undefined, Unsupported):
                continue
            k0 = int(mpmath.floor(u0))
            for v in [s for s in sorted(u.free_symbols, key=str) if s in base.env][:3]:
                for k in dict.fromkeys((k0, k0 + 1, k0 - 1, 0, 1)):
                    for pt in _boundary_points(u - k, v, base, seed):
                        if tried > 120:
                            return
                        if not _admissible(v, pt.env[v]):
                            continue
                        tried += 1
                        # a jump of a floor is a value, not a convention: a difference there counts
                        if self.compare_point(_Point(pt.env), seed) == "differ":
                            return

    def _sweep_integers(self, base: _Point, seed: int):
        """Whole-number symbols (sum limits, n!) at 0..12 and a few larger values, the others at the
        base point: a closed form that agrees for n = 1..5 (a polynomial fit) fails at 6 or later."""
        for s in [q for q in self.symbols if getattr(q, "is_integer", False) and q in base.env][:3]:
            lo = 1 if s.is_positive else (0 if s.is_nonnegative else -6)
            for val in list(range(lo, 13)) + [15, 20, 30]:
                if self.compare_point(_Point({**base.env, s: Fraction(val)}), seed) == "differ":
                    return

    def _sweep_magnitudes(self, base: _Point, seed: int):
        """Each real variable from 10^-9 to 10^6, both signs (regions.magnitude_points): random draws
        are moderate, so arccos(cos x) = |x| (wrong beyond pi) or floor(|x|/10^5) = 0 held."""
        pending = getattr(self, "unresolved", None)      # InequalitySampler's undecidable points
        self.sweeping = True
        try:
            self._magnitudes(base, seed, pending)
        finally:
            self.sweeping = False

    def _magnitudes(self, base: _Point, seed: int, pending):
        for env in magnitude_points(self.symbols, base.env, _admissible):
            kept = len(pending) if pending is not None else 0
            try:
                if self.compare_point(_Point(env), seed) == "differ":
                    return
            except (Undefined, Unsupported, Inexact, OverflowError, ValueError, ZeroDivisionError):
                pass
            if pending is not None:
                # an extra point the precision cannot settle (tanh(-10^5) = -1 + 2e-86859 against -1)
                # decides nothing either way: the claim is judged on the others
                del pending[kept:]

    def _sweep_exponents(self, base: _Point, seed: int):
        """Exponent symbols at whole values and halves together, the bases negated as well:
        (x^a)^b = x^{ab} fails only at a negative x with a even and b a half (a = 2, b = 1/2),
        which independent random draws almost never meet."""
        import itertools

        values = [Fraction(2), Fraction(1, 2), Fraction(3, 2), Fraction(3), Fraction(-1), Fraction(1, 3)]
        exps = self.exponent_symbols[:2]
        others = [s for s in self.symbols if s not in exps and s in base.env]
        flips = [base.env] + ([{**base.env, **{s: -base.env[s] for s in others if not s.is_positive}}]
                              if others else [])
        for env in flips:
            for combo in itertools.product(values, repeat=len(exps)):
                pt = _Point({**env, **dict(zip(exps, combo))})
                if any(not _admissible(s, pt.env[s]) for s in exps):
                    continue
                if self.compare_point(pt, seed) == "differ":
                    return

    def _more_ratios(self, rng, seed):
        """Two more differing points, so that a constant ratio (a sign, a factor) can be named."""
        for _ in range(12):
            if len(self.differ) >= 3:
                return
            self.compare_point(self._random_point(rng), seed)

    def _cover(self, base: _Point, seed: int):
        """Points on both sides of (and on) every switch boundary, searching along each variable."""
        searched = 0
        found: dict = {}                 # variable -> the boundaries along it, for the gaps between them
        for g in sorted(self.switches, key=_text):
            # a plain summand first (a unit's bias in its pre-activation): the boundary along it is exact
            variables = [s for s in sorted(g.free_symbols, key=lambda x: (not _plain_summand(g, x), str(x)))
                         if s in base.env]
            if self.search_vars is not None:
                variables = variables[:self.search_vars]
            for v in variables:
                if searched > 60:
                    return
                searched += 1
                for pt in _boundary_points(g, v, base, seed, found.setdefault(v, [])):
                    if not _admissible(v, pt.env[v]):
                        continue
                    status = self.compare_point(pt, seed)
                    if status == "differ" and not pt.boundary:
                        return
        for v in sorted(found, key=str):
            for pt in gap_points(found[v], v, base):
                if _admissible(v, pt.env[v]) and self.compare_point(pt, seed) == "differ":
                    return


@lru_cache(maxsize=4096)
def _text(g) -> str:
    """str(g), remembered: switches are sorted by their text at every sampled claim, and a deep
    network's switch prints as a tree exponentially larger than its graph."""
    return str(g)


def _admissible(sym, val: Fraction) -> bool:
    """val respects what the symbol is (a whole number, >= 0, > 0)."""
    if getattr(sym, "is_integer", False) and val.denominator != 1:
        return False
    if getattr(sym, "is_positive", False) and val <= 0:
        return False
    return not (getattr(sym, "is_nonnegative", False) and val < 0)
