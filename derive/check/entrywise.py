"""Entry-wise shorthands of local partials: dz/db = 1 and dz/dW = a read entry by entry, as textbooks mean them.

\\frac{\\partial z_2}{\\partial b_2} = 1 is, taken literally, a 3x3 Jacobian against a scalar, and
\\frac{\\partial z_2}{\\partial W_2} = a_1 a higher-order tensor against a vector. Authors mean the
nonzero entries: dz_i/db_i = 1, dz_i/dW_{ij} = (a_1)_j, every other entry 0. This module decides
that reading on the witness networks: every entry dz_i/dP_{pq} is computed, the ones with p != i
must vanish and the ones with p = i must equal the right side's entry q (or the scalar).
"""

from __future__ import annotations

import sympy as sp

from .compare import Result
from .interpret import Interpreter
from .syntax import Node
from .tree import juxt_items
from .values import is_mat, norm


def _partial_parts(lhs: Node):
    """(numerator node, denominator node) of \\frac{\\partial Q}{\\partial P}, or None."""
    items = juxt_items(lhs)
    if not items or len(items) != 1 or items[0].kind != "postfix" or items[0].scripts:
        return None
    frac = items[0].args[0]
    if frac.kind != "frac":
        return None
    num, den = juxt_items(frac.args[1]), juxt_items(frac.args[2])
    if not num or not den or len(num) != 2 or len(den) != 2:
        return None
    if not all(x[0].kind == "postfix" and not x[0].scripts and x[0].args[0].kind in ("command", "letter")
               and str(x[0].args[0].args[0]) in ("\\partial", "d") for x in (num, den)):
        return None
    return num[1], den[1]


def _zero(e) -> bool:
    e = sp.expand(e)
    if e == 0:
        return True
    return sp.simplify(e) == 0


def entrywise(claim: str, rel, sides, spec, profile, defs, witnesses, make_ctx) -> Result | None:
    """A Result 'holds' (with the note) when the claim holds as an entry-wise shorthand, else None."""
    parts = _partial_parts(sides[0]) if len(sides) == 2 else None
    if parts is None:
        return None
    num, den = parts
    shapes = []
    for widths in witnesses:
        ctx = make_ctx(spec, widths, 1, profile, defs)
        try:
            q = norm(Interpreter(ctx, rel.source).value(num))
            p = norm(Interpreter(ctx, rel.source).value(den))
            r = norm(Interpreter(ctx, rel.source).value(sides[1]))
        except Exception:  # noqa: BLE001 - not this reading: the claim's own verdict stands
            return None
        q, p = (v if is_mat(v) else sp.Matrix([[v]]) for v in (q, p))   # a 1-1-1 witness's 1x1 values
        if q.shape[1] != 1:
            return None
        params = set(ctx.param_symbols())
        if not all(isinstance(x, sp.Symbol) and x in params for x in p):
            return None      # the shorthand is for parameters (W, b), not intermediate quantities
        n = q.shape[0]
        if p.shape[0] != n:
            return None
        cols = p.shape[1]
        if cols == 1:
            want = [r] if not is_mat(r) else None
        elif is_mat(r) and sorted(r.shape) == [1, cols]:
            want = list(r)
        else:
            want = None
        if want is None:
            return None
        for i in range(n):
            for a in range(n):
                for b in range(cols):
                    d = sp.diff(q[i], p[a, b])
                    target = want[b] if a == i else 0
                    if not _zero(d - target):
                        return None
        shapes.append((n, cols))
    src = rel.source
    what = "every entry (i, j)" if shapes and shapes[0][1] > 1 else "every entry i"
    note = (f"an entry-wise shorthand: {src} holds for {what} of the derivative"
            f" ({'the entries with another row index are 0' if shapes and shapes[0][1] > 1 else 'the Jacobian is the identity times the right side'});"
            " taken as a matrix equation the sides have different shapes")
    return Result(claim, "holds", "entry-wise, symbolically on the witness networks", [note])
