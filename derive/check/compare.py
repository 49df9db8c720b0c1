"""Verdicts and results, and comparing the two sides of a claim by seeded sampling (``sampling``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from ..errors import NNDeriveError
from ..primitives import Primitive, SoftmaxEntry
from .interpret import Interpreter
from .syntax import Node, NotCheckableError
from .tree import juxt_items
from .values import is_mat, norm

# The checker's verdicts and their exit codes ("error" is a statement that cannot be read), the same in single, --file and --doc mode:
#   holds (0): proved symbolically, or equal at many seeded points covering every region;
#   fails (1): a counterexample (possibly "right up to" a sign, a factor, a transpose: said so);
#   error (2): the input cannot be read;
#   ambiguous, not-checkable, checked (only for n = 1..K, not proved), conditional (true only for
#   some activations/losses, which are named) (4): not decided either way.
CHECK_VERDICTS = ("holds", "fails", "ambiguous", "not-checkable", "checked", "conditional")
EXIT_CODES = {"holds": 0, "fails": 1, "error": 2, "ambiguous": 4, "not-checkable": 4, "checked": 4,
              "conditional": 4}
# A claims catalogue's judgements may also say a claim is right up to a convention of the article.
VERDICTS = ("holds", "fails", "holds-with-convention", "ambiguous", "not-checkable")
DEFAULT_TIMEOUT = 60.0


class ClaimError(NNDeriveError):
    """A claim, definition or claims file cannot be used as given (exit code 2)."""


# The claim is well-formed but has no checkable meaning (a tensor, an assignment, an integral
# SymPy cannot do): one exception for every stage.
NotCheckable = NotCheckableError


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
    slip: str = ""                               # the classic slip the failure is, in words (``slips``)
    corrected: str = ""                          # the claim repaired, in its own notation (``slips``)
    condition: str = ""                          # for 'conditional': what the claim holds for
    parts: list = field(default_factory=list)    # a line of several statements: each one's Result

    def exit_code(self) -> int:
        return EXIT_CODES.get(self.verdict, 4)

    def shown_verdict(self) -> str:
        """The verdict as printed: a failure right up to a convention says which."""
        if self.verdict == "fails" and self.convention:
            return f"fails (right up to {self.convention.split(' (')[0]})"
        return self.verdict

    def summary(self) -> str:
        parts = []
        if self.method:
            parts.append(self.method)
        if self.convention:
            parts.append(f"right up to {self.convention}")
        if self.slip:
            parts.append("slip: " + self.slip)
        if self.corrected:
            parts.append("corrected: " + self.corrected)
        if self.counterexample:
            parts.append("counterexample: " + self.counterexample)
        if self.correct and not self.corrected:
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


def _fmt_num(v) -> str:
    if isinstance(v, Fraction):
        v = sp.Rational(v.numerator, v.denominator)
    if isinstance(v, sp.Rational) and v.q < 1000 and abs(v.p) < 10**12:
        return str(v)
    try:
        import mpmath

        if isinstance(v, mpmath.mpf):
            txt = mpmath.nstr(v, 12)
        else:
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
    ratios: list = field(default_factory=list)
    kink: bool = False
    undecided: str = ""
    notes: list = field(default_factory=list)
    env: dict = field(default_factory=dict)
    integers: dict = field(default_factory=dict)


def compare_values(lhs, rhs, symbols: list, key: str, values_for=None, min_points: int = 8,
                   search_vars: int | None = None, conditions: list = (), domains: list = (),
                   differentiated: list = (), sampler=None, name_ratios: bool = True) -> Comparison:
    """Compare two values (shapes already equal) by seeded sampling (``sampling.Sampler``).

    Comparison.equal is True only when the sides agree at enough defined points from every seed
    and on both sides of every switch; ``undecided`` says why when too few points were defined.
    ``domains``: expressions that must be defined at a point for it to count (the functions a
    derivative differentiates); ``differentiated``: (function, variable) pairs of first derivatives,
    whose kinks are not points of the derivative. ``sampler``: another Sampler class (inequalities);
    ``name_ratios``: look for a constant ratio of the sides where they differ (False: the verdict alone is
    wanted, as in a search over conditions).
    """
    from .sampling import Sampler

    lhs, rhs = norm(lhs), norm(rhs)
    pairs = [(idx, a, b) for (idx, a), (_, b) in zip(_entries(lhs), _entries(rhs))]
    pairs = [(idx, _plain(a), _plain(b)) for idx, a, b in pairs]
    # entries of indexed families (x[k]) get their values from the point's seed, not as symbols
    from .sampling import nodes

    parts = [nodes(a) | nodes(b) for _, a, b in pairs]      # graph walks: network values are deep
    labels = {i.base.label for ns in parts for i in ns if isinstance(i, sp.Indexed)}
    symbols = [s for s in symbols if isinstance(s, sp.Symbol) and s not in labels]
    known = set(symbols) | labels
    binding = any(getattr(x, "bound_symbols", None) for ns in parts for x in ns)
    free = ({x for _, a, b in pairs for x in a.free_symbols | b.free_symbols} if binding else
            {x for ns in parts for x in ns if isinstance(x, sp.Symbol)})
    foreign = sorted({str(x) for x in free if x not in known and isinstance(x, sp.Symbol)})
    domains = [d for d in (_plain(d) for d in domains) if d.free_symbols <= known]
    if foreign:
        raise NotCheckable("the sides do not evaluate to numbers: " + ", ".join(foreign)
                           + (" is" if len(foreign) == 1 else " are") + " not defined (a letter followed by"
                           " parentheses is a product unless the letter is defined with --given; for the step"
                           " function write \\operatorname{H}(z) or \\mathbb{1}[z > 0])")
    try:
        smp = (sampler or Sampler)(pairs, symbols, key, values_for=values_for, min_points=min_points,
                                   search_vars=search_vars, conditions=list(conditions), domains=domains,
                                   differentiated=[(_plain(f), v) for f, v in differentiated
                                                   if _plain(f).free_symbols <= known])
        smp.name_ratios = name_ratios
        out = smp.run()
    except Exception as e:  # noqa: BLE001 - an evaluator gap is "not decided", never a verdict
        from .pointeval import Unsupported

        if isinstance(e, Unsupported):
            raise NotCheckable(f"the sides cannot be evaluated at points ({e})") from None
        raise
    notes = [out.one_sided] if out.one_sided else []
    if out.uncovered and not conditions:
        notes.append("no defined point was found where " + ", ".join(out.uncovered[:3])
                     + (" (and more)" if len(out.uncovered) > 3 else ""))
    if out.status == "equal":
        return Comparison(True, how=out.how(), notes=notes, integers=out.integers)
    if out.status == "undecided":
        return Comparison(False, undecided=out.reason, notes=notes)
    where = _where(out.where, pairs, out.entry)
    ratio = None
    if out.ratios and out.ratios[0] is not None:
        ratio = out.ratios[0]
    return Comparison(False, where=where, lhs_value=_fmt_num(out.lhs_value), rhs_value=_fmt_num(out.rhs_value),
                      ratio=ratio, ratios=out.ratios, kink=out.status == "kink", notes=notes, env=out.where)


def _plain(e):
    return sp.sympify(e) if not isinstance(e, sp.Basic) else e


def _shown_name(s) -> str:
    """A symbol as the claim spells it: lambda is \\lambda (TeX names of the network's entries pass as they are)."""
    name = str(s)
    if name.isalpha() and len(name) > 1:
        tex = sp.latex(sp.Symbol(name))
        if tex == "\\" + name:
            return tex
    return name


def _where(env, pairs, entry) -> str:
    used = set()
    for _, a, b in pairs:
        used |= a.free_symbols | b.free_symbols
    shown = [s for s in sorted(env, key=str) if s in used]
    where = ", ".join(f"{_shown_name(s)} = {sp.Rational(env[s].numerator, env[s].denominator)}"
                      for s in shown[:8])
    if len(shown) > 8:
        where += f", ... ({len(shown)} values, seed-reproducible)"
    if entry:
        where = (where + "; " if where else "") + f"entry ({entry[0] + 1}, {entry[1] + 1})"
    return where


def _appears(s, a, b) -> bool:
    return any(s in getattr(x, "free_symbols", set()) for x in (a, b))


def _ratio_convention(ratios: list, batch: int | None = None, mean: bool | None = None) -> str:
    """Name the convention when lhs/rhs is one constant at every point; ``mean``: whether the loss
    averages over the batch (True), sums (False) or is not known (None), which says why a 1/N is off."""
    rs = [r for r in ratios if r is not None]
    if len(rs) < 2:
        return ""
    rs = [sp.Rational(r.numerator, r.denominator) if isinstance(r, Fraction) else sp.Float(str(r), 30)
          for r in rs]
    r0 = rs[0]
    if any(abs(r - r0) > sp.Float(10) ** -20 * (1 + abs(r0)) for r in rs):
        return ""
    c = r0 if r0.is_Rational else sp.nsimplify(r0, rational=True, tolerance=1e-20)
    if batch and batch > 1 and c in (batch, sp.Rational(1, batch)):
        return "a 1/N factor (" + _batch_factor_cause(c == batch, mean) + ")"
    if c == 1:
        return ""
    if c == -1:
        return "a sign"
    if c in (2, sp.Rational(1, 2)):
        return f"a constant factor {c} (the left side is {c} times the right side)"
    if c.is_Rational and c != 0 and abs(c.p) < 100 and c.q < 100:
        return f"a constant factor {c} (the left side is {c} times the right side)"
    return ""


def loss_is_mean(spec) -> bool | None:
    """Whether a spec's loss averages over the batch (None: a generic network, whose cost is not known)."""
    batch = getattr(getattr(spec, "conventions", None), "batch", None)
    return None if batch is None else batch == "mean"


def _batch_factor_cause(extra: bool, mean: bool | None) -> str:
    """Why the right side is 1/N (``extra``) or N times the left side, from how the loss reduces the batch:
    an extra 1/N under a mean loss is the mean's 1/N counted twice (a derivative of the loss, such as
    dL/dz, already carries it), not a loss that sums."""
    if extra:
        if mean:
            return ("the right side counts the 1/N twice: the loss is already a mean over the batch, so a"
                    " derivative of it carries its 1/N")
        if mean is False:
            return "the right side divides by N, but the loss sums over the batch"
        return "the right side is 1/N times the left side"
    if mean:
        return "the loss averages over the batch; the right side omits 1/N"
    if mean is False:
        return "the right side is N times the left side, though the loss sums over the batch and has no 1/N"
    return "the right side is N times the left side"


# ---------------------------------------------------------------------------------------------
# Scalar claims


def _interp_side(ctx, node: Node, source: str, reading: str = "primary", spots: list | None = None):
    """One side's value and notes; where a spelling has two readings, ``spots`` collects them."""
    it = Interpreter(ctx, source, reading=reading)
    v = it.value(node)
    if spots is not None:
        spots.extend(x for x in it.ambiguities if x not in spots)
    return v, it.alg.notes


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
