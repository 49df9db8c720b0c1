"""`nnderive check`: decide whether a LaTeX claim about derivatives or a network's backprop holds.

A claim is parsed by ``derive.latex_parse`` (never evaluated as Python) and given a meaning:
scalar claims over real symbols, or network claims in which W^l, b^l, z^l, a^l, x, y, L and
delta^l (spelled as a notation profile spells them) are explicit SymPy matrices of a small witness
instance of the spec. Both sides are compared shape first, then exactly at random rational points
(transcendental values as shared random atoms, as in ``derive.verify``), with a 50-digit numeric
confirmation before anything is called false. Every check runs in a worker process with a time
limit (``--timeout``), so no input can hang the command.

Network claims are read in the spec's own ``[notation]`` profile (with its overrides) unless
``--notation`` names another. A symbol that a claim differentiates as a function (the L of
\\frac{dL}{dy}, the f of f'(x)) must be defined (``--given``, a network quantity of the notation, or a
known function): it is never silently a constant. A layer written as a number must exist.

Claims files (``--file``) are TOML: one ``[[claim]]`` table per claim, only ``printed`` required;
``load_claims`` documents every key.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import random
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import sympy as sp
from lark import Token

from .errors import NNDeriveError, VerificationError
from .fileio import atomic_write_text
from .latex_parse import (
    Definitions,
    Interpreter,
    LatexError,
    Node,
    OutOfRange,
    ScalarContext,
    ShapeMismatch,
    _is_label,
    all_letters,
    atom_key,
    decor_scripts,
    fmt_shape,
    free_index_letters,
    index_as_number,
    is_mat,
    iter_nodes,
    juxt_items,
    norm,
    parse,
    plain_text,
    read_assignment,
    read_definition,
    relation_parts,
    sum_index_problems,
    summation_letters,
)
from .primitives import Primitive, SoftmaxEntry, loss_entry

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
    from .verify import ExactEvaluator

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


def _latex(v, notation=None) -> str:
    from .latex_printer import latex

    try:
        if is_mat(v):
            return latex(sp.ImmutableMatrix(v), notation)
        return latex(v, notation)
    except Exception:  # pragma: no cover - printing must never hide a verdict
        return str(v)


def _instantiations(rel: Node, defs: Definitions) -> list[dict[str, int]]:
    """Values for free index letters and sum sizes: n in {2, 3}, free indices over 1..n."""
    sums = summation_letters(rel)
    subs = free_index_letters(rel) - sums
    sizes = set()
    given_letters = set()
    for body in list(defs.symbols.values()) + [f.body for f in defs.functions.values()]:
        given_letters |= all_letters(body)
    for letter in all_letters(rel) | given_letters:
        if letter in ("n", "m", "M", "K") and letter not in defs.symbols:
            sizes.add(letter)
    size_letters = sorted(sizes)
    free = sorted(l for l in subs if l not in size_letters and l not in defs.symbols)
    if not free and not size_letters:
        return [{}]
    out = []
    for size in (2, 3):
        base = {s: size for s in size_letters}
        combos = [dict(base)]
        for letter in free:
            combos = [dict(c, **{letter: v}) for c in combos for v in range(1, size + 1)]
        out.extend(combos)
    return out[:40]


ASSIGNMENTS = (":=", "\\leftarrow", "\\gets")
EQUALITIES = ("=", "\\approx", "\\equiv")


def _relation_kind(rel: Node, network: bool) -> str:
    """'equation', 'assignment' or 'shape' for the relation symbols of a claim; ClaimError otherwise."""
    sides, ops = relation_parts(rel)
    if not ops:
        raise ClaimError("a claim needs '=' (for example \\sigma'(z) = \\sigma(z)(1-\\sigma(z)))")
    if any(o in ASSIGNMENTS for o in ops):
        return "assignment"
    if "\\in" in ops:
        if ops != ["\\in"]:
            raise ClaimError("a shape claim has the form QUANTITY \\in \\mathbb{R}^{m \\times n}, alone")
        if not network:
            raise ClaimError("a shape claim (\\in \\mathbb{R}^{m \\times n}) is about a network quantity:"
                             " give --spec")
        return "shape"
    bad = [o for o in ops if o not in EQUALITIES]
    if bad:
        raise ClaimError(f"'{bad[0]}' states an inequality; only equations (=, \\approx, \\equiv) are checked")
    return "equation"


def _bare_functions(rel: Node) -> dict:
    """Functions differentiated by name (\\frac{d\\sigma}{dz}): a bare \\sigma then means \\sigma(z)."""
    out: dict = {}
    it = Interpreter(ScalarContext(), "")
    for n in iter_nodes(rel):
        if n.kind == "frac":
            try:
                parts = it.derivative_parts(n)
            except LatexError:
                parts = None
            if parts and parts[0] and len(parts[0]) == 1 and not parts[0][0].scripts:
                try:
                    head = it.function_head(parts[0][0])
                except LatexError:
                    head = None
                if head is not None and head[1] not in out:
                    out[head[1]] = parts[1]
    return out


def check_scalar(claim: str, givens: list[str] = (), at: list[str] = (), seed: int = 20261122,
                 h0=0) -> Result:
    t0 = time.perf_counter()
    rel = parse(claim)
    src = rel.source
    sides, ops = relation_parts(rel)
    if _relation_kind(rel, network=False) == "assignment":
        return Result(claim, "not-checkable", notes=["an assignment (:=, \\leftarrow) is an algorithm step, not"
                                                     " an identity"] + rel.notes)
    defs = Definitions()
    for g in givens:
        read_definition(g, defs)
    fixed = dict(read_assignment(a) for a in at)
    problems = sum_index_problems(rel)
    bare = _bare_functions(rel)
    rng = random.Random(seed)
    methods, notes, verdict = [], list(rel.notes), "holds"
    bad: Result | None = None
    insts = _instantiations(rel, defs)
    for inst in insts:
        for k in range(len(sides) - 1):
            try:
                res = _check_scalar_pair(claim, sides[k], sides[k + 1], defs, fixed, inst, rng, h0, src, bare)
            except OutOfRange:
                continue
            notes.extend(n for n in res.notes if n not in notes)
            if res.verdict != "holds":
                bad = res
                break
            if res.method not in methods:
                methods.append(res.method)
        if bad:
            break
    if bad:
        bad.notes = list(dict.fromkeys(notes + bad.notes))
        if inst:
            bad.counterexample = (", ".join(f"{k} = {v}" for k, v in inst.items()) + "; "
                                  + bad.counterexample)
        bad.seconds = time.perf_counter() - t0
        if problems:
            bad.notes = problems + bad.notes
            bad.verdict = "ambiguous"
        return bad
    method = "; ".join(methods)
    if insts != [{}]:
        method += f" (for {len(insts)} choices of the sizes and free indices: " + ", ".join(
            sorted({k for i in insts for k in i})) + ")"
    r = Result(claim, verdict, method, notes, seconds=time.perf_counter() - t0)
    if problems:
        r.verdict = "ambiguous"
        r.notes = problems + r.notes
    return r


def _undefined(v) -> bool:
    vals = list(v) if is_mat(v) else [v]
    return any(isinstance(e, sp.Basic) and e.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for e in vals)


def _check_scalar_pair(claim, ln, rn, defs, fixed, inst, rng, h0, src=None, bare=None) -> Result:
    src = claim if src is None else src
    ctx = ScalarContext(defs, h0)
    ctx.bare_functions = bare or {}
    ctx.indices.update(inst)
    lhs, n1 = _interp_side(ctx, ln, src)
    rhs, n2 = _interp_side(ctx, rn, src)
    for side, v in (("left", lhs), ("right", rhs)):
        if _undefined(v):
            raise ClaimError(f"the {side} side is undefined (a division by zero, or the logarithm of 0?):"
                             f" it evaluates to {v}")
    notes = list(dict.fromkeys(n1 + n2))
    if fixed:
        sub = {ctx.sym(k): v for k, v in fixed.items()}
        lhs = lhs.xreplace(sub) if not is_mat(lhs) else lhs.applyfunc(lambda e: e.xreplace(sub))
        rhs = rhs.xreplace(sub) if not is_mat(rhs) else rhs.applyfunc(lambda e: e.xreplace(sub))
    if is_mat(lhs) or is_mat(rhs):
        if fmt_shape(lhs) != fmt_shape(rhs):
            return Result(claim, "fails", notes=notes,
                          counterexample=f"the left side is {fmt_shape(lhs)}, the right side {fmt_shape(rhs)}")
    at_txt = (" at " + ", ".join(f"{k} = {v}" for k, v in fixed.items())) if fixed else ""

    def held(method):
        kink = _kink_convention(lhs, rhs, h0) if not fixed else ""
        if kink:
            return Result(claim, "fails", method, notes, convention=kink[0], counterexample=kink[1])
        return Result(claim, "holds", method, notes)
    diff = sp.expand(lhs - rhs) if not is_mat(lhs) else (lhs - rhs).applyfunc(sp.expand)
    if (diff == 0) if not is_mat(diff) else diff.is_zero_matrix:
        return held("symbolic proof (the sides expand to the same expression)" + at_txt)
    symbols = sorted(set().union(*[getattr(e, "free_symbols", set()) for e in
                                   (list(lhs) if is_mat(lhs) else [lhs]) + (list(rhs) if is_mat(rhs) else [rhs])]),
                     key=str)
    cmp = compare_values(lhs, rhs, symbols, rng)
    if cmp.equal:
        how = cmp.how if symbols else "exact evaluation"
        if not symbols or cmp.how.startswith("exact"):
            return held(how + at_txt)
        if _simplifies_to_zero(lhs - rhs):
            return held("symbolic proof via simplify" + at_txt)
        return held(how + at_txt)
    if _simplifies_to_zero(lhs - rhs):  # pragma: no cover - numeric disagreement is decisive
        return held("symbolic proof via simplify" + at_txt)
    ratios = [cmp.ratio]
    for _ in range(2):
        c2 = compare_values(lhs, rhs, symbols, rng, points=1)
        ratios.append(c2.ratio if not c2.equal else None)
    # without free symbols every point is the same point: a constant ratio says nothing
    convention = _ratio_convention(ratios) if symbols else ""
    where = (cmp.where + at_txt) if cmp.where else (at_txt.strip() if fixed else "every point")
    cx = f"{where}: left side = {cmp.lhs_value}, right side = {cmp.rhs_value}"
    correct = ""
    if _has_derivative(ln) and not _has_derivative(rn):
        correct = _latex(_tidy(lhs))
    elif _has_derivative(rn) and not _has_derivative(ln):
        correct = _latex(_tidy(rhs))
    return Result(claim, "fails", "", notes, counterexample=cx, correct=correct, convention=convention)


KINKED = (sp.Piecewise, sp.Abs, sp.sign, sp.Heaviside)


def _kink_convention(lhs, rhs, h0) -> tuple[str, str] | None:
    """Sides equal almost everywhere may differ where a symbol is 0 (ReLU'(0), a step's value at 0):
    (convention, where) when they do, since random points never hit the kink."""
    from .primitives import LeakyReLU, ReLU, Step

    kinds = KINKED + (ReLU, LeakyReLU, Step)
    if is_mat(lhs) or is_mat(rhs) or not any(isinstance(e, sp.Basic) and e.has(*kinds) for e in (lhs, rhs)):
        return None
    symbols = sorted(set(getattr(lhs, "free_symbols", set())) | set(getattr(rhs, "free_symbols", set())), key=str)
    if len(symbols) != 1:
        return None
    x = symbols[0]
    try:
        a = _numeric(lhs, {x: sp.Integer(0)})
        b = _numeric(rhs, {x: sp.Integer(0)})
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not (a.is_number and b.is_number) or a.has(sp.nan, sp.zoo) or b.has(sp.nan, sp.zoo) or abs(a - b) < TOL:
        return None
    return (f"the value at the kink {x} = 0 (a convention: the checker takes ReLU'(0) = step(0) = {h0};"
            " elsewhere the sides agree)",
            f"{x} = 0: left side = {_fmt_num(a)}, right side = {_fmt_num(b)}")


def _tidy(e):
    if is_mat(e):
        return e.applyfunc(_tidy)
    try:
        cands = [e, sp.factor(e), sp.expand(e)]
    except Exception:  # pragma: no cover
        return e
    return min(cands, key=lambda x: (sp.count_ops(x), len(str(x))))


def _simplifies_to_zero(d) -> bool:
    if is_mat(d):
        return all(_simplifies_to_zero(x) for x in d)
    try:
        e = _explicit(d)
        if sp.count_ops(e) > 300:
            return False
        return sp.simplify(e) == 0
    except Exception:  # pragma: no cover - simplify may fail on exotic forms
        return False


# ---------------------------------------------------------------------------------------------
# Network claims


PROFILE_FUNCTIONS = {  # letters a profile's articles use for activations, beyond the template
    "article004": {"R": "relu", "g": "output"},
    "article003": {"purelin": "linear"},
}
SAMPLE_LETTERS = {"default": "n", "article000": "k", "article003": "n", "article004": "k"}


@dataclass
class RoleEntry:
    role: str
    key: tuple
    layer_pos: str | None   # 'sup', 'sub' or None
    label: str | None       # fixed superscript label ('pred', 'true')


def profile_roles(profile) -> list[RoleEntry]:
    """The atoms of a notation profile: base letter, where the layer goes, fixed labels."""
    out = []
    for role, tmpl in profile.templates:
        if role == "activation":
            continue
        if "\\frac" in tmpl:
            continue  # a derivative spelling (article 000's delta): read as a derivative
        text = tmpl.replace("@", "l")
        rel = parse(text, "notation template")
        items = juxt_items(rel)
        if not items or len(items) != 1:
            continue
        post = items[0]
        key = atom_key(post)
        layer_pos, label = None, None
        for s in decor_scripts(post):
            if s[0] in ("sup", "sub"):
                t = plain_text(s[1])
                if t == "l":
                    layer_pos = s[0]
                elif t:
                    label = t
        out.append(RoleEntry(role, key, layer_pos, label))
    if profile.name.startswith("default"):
        out.append(RoleEntry("act", ("a", False), "sup", None))
        # batch matrices written in capitals (one sample per column): A^{l}, Z^{l}, X, Y, \Delta^{l}
        out += [RoleEntry("act", ("A", False), "sup", None), RoleEntry("preact", ("Z", False), "sup", None),
                RoleEntry("input", ("X", False), None, None), RoleEntry("target", ("Y", False), None, None),
                RoleEntry("delta", ("Delta", False), "sup", None)]
    return out


def activation_spelling(profile):
    tmpl = profile.template("activation").replace("@", "l")
    rel = parse(tmpl, "notation template")
    items = juxt_items(rel)
    post = items[0]
    pos = None
    for s in decor_scripts(post):
        if s[0] in ("sup", "sub") and plain_text(s[1]) == "l":
            pos = s[0]
    return atom_key(post), pos


class NetworkContext(ScalarContext):
    """Meaning for network claims: the profile's symbols are explicit matrices of one witness."""

    network = True

    def __init__(self, spec, widths, batch, profile, defs=None, seed=0):
        super().__init__(defs, spec.conventions.relu_prime_at_zero)
        from .engine import _entry, activation_of

        self.spec = spec.with_widths(tuple(widths))
        self.widths = tuple(widths)
        self.depth_L = len(widths) - 1
        self.batch = batch
        self.profile = profile
        self.roles = profile_roles(profile)
        self.act_key, self.act_pos = activation_spelling(profile)
        self.extra_funcs = PROFILE_FUNCTIONS.get(profile.name.split("+")[0], {})
        self.sample_letter = SAMPLE_LETTERS.get(profile.name.split("+")[0], "n")
        self.sample_letters: set[str] = set()
        self._activation_of = activation_of
        self._entry = _entry
        self.cut: tuple | None = None
        self.cut_syms: dict = {}
        self._build_params()
        self._forward_cache: dict = {}

    # -- the network

    def _build_params(self):
        w, B = self.widths, self.batch
        S = self.sym
        self.X = sp.Matrix(w[0], B, lambda k, n: S(f"x_{k + 1}_{n + 1}"))
        self.Y = sp.Matrix(w[-1], B, lambda i, n: S(f"y_{i + 1}_{n + 1}"))
        self.W, self.b = {}, {}
        for l in range(1, self.depth_L + 1):
            self.W[l] = sp.Matrix(w[l], w[l - 1], lambda j, k, l=l: S(f"w{l}_{j + 1}_{k + 1}"))
            self.b[l] = sp.Matrix(w[l], 1, lambda j, _, l=l: S(f"b{l}_{j + 1}"))

    def param_symbols(self) -> list:
        out = list(self.X) + list(self.Y)
        for l in self.W:
            out += list(self.W[l]) + list(self.b[l])
        return out

    def act_fn(self, l: int):
        entry = self._entry(self.spec, l)
        if entry.vector_valued:
            def soft(v):
                if not is_mat(v):
                    raise ShapeMismatch("softmax needs a vector")
                cols = [sp.Matrix([SoftmaxEntry(k, *list(v[:, n])) for k in range(v.shape[0])])
                        for n in range(v.shape[1])]
                return sp.Matrix.hstack(*cols)
            soft.vector_aware = True
            return soft
        return lambda z: self._activation_of(self.spec, l, z)

    def forward(self):
        """Z, A (dicts by layer) under the current cut (a quantity replaced by fresh symbols)."""
        key = self.cut
        if key in self._forward_cache:
            return self._forward_cache[key]
        Z, A = {}, {0: self.X}
        if key == ("act", 0):
            A[0] = self.cut_syms[key]
        for l in range(1, self.depth_L + 1):
            z = self.W[l] * A[l - 1] + self.b[l] * sp.ones(1, self.batch)
            if key == ("preact", l):
                z = self.cut_syms[key]
            Z[l] = z
            f = self.act_fn(l)
            a = f(z) if getattr(f, "vector_aware", False) else z.applyfunc(f)
            if key == ("act", l):
                a = self.cut_syms[key]
            A[l] = a
        self._forward_cache[key] = (Z, A)
        return Z, A

    def loss(self, reduced=True):
        Z, A = self.forward()
        entry = loss_entry(self.spec.loss)
        out = A[self.depth_L]
        total = sp.Add(*[entry.sample_loss(list(out[:, n]), list(self.Y[:, n])) for n in range(self.batch)])
        if reduced and self.spec.conventions.batch == "mean":
            total = total / self.batch
        return total

    def delta(self, l: int):
        """The engine's error term: d(sum of the samples' losses)/dz^l (no 1/N)."""
        saved = self.cut
        Z0, _ = self.forward()
        key = ("preact", l)
        syms = sp.Matrix(Z0[l].shape[0], Z0[l].shape[1], lambda i, n: sp.Dummy(f"z{l}_{i}_{n}"))
        self.cut, self.cut_syms = key, {key: syms}
        self._forward_cache.pop(key, None)
        try:
            Lsum = self.loss(reduced=False)
        finally:
            self.cut = saved
        d = syms.applyfunc(lambda s: sp.diff(Lsum, s))
        back = {s: v for s, v in zip(syms, Z0[l])}
        self._forward_cache.pop(key, None)
        return d.applyfunc(lambda e: e.xreplace(back))

    # -- symbols

    def _layer(self, sarg, interp) -> int:
        t = plain_text(sarg)
        if t == "L":
            return self.depth_L
        if t is not None and t.isdigit():
            return int(t)
        sub = ScalarContext()
        sub.indices = dict(self.indices)
        sub.indices["L"] = self.depth_L
        v = Interpreter(sub, interp.src).script_value(sarg)
        if is_mat(v) or not v.is_Integer:
            raise interp.err("a layer must be a number, L, or an index letter", sarg)
        return int(v)

    def resolve(self, post: Node, interp):
        """(role, layer, remaining scripts) for an atom of the profile, or None."""
        key = atom_key(post)
        if key is None:
            return None
        scripts = list(decor_scripts(post))
        best = None
        for ent in self.roles:
            if ent.key != key:
                continue
            rest = list(scripts)
            layer = None
            literal = False
            ok = True
            if ent.label is not None:
                hit = [s for s in rest if s[0] == "sup" and plain_text(s[1]) == ent.label]
                if not hit:
                    continue
                rest.remove(hit[0])
            if ent.layer_pos is not None:
                hit = [s for s in rest if s[0] == ent.layer_pos and not _is_label(s[1])
                       and not (s[0] == "sup" and plain_text(s[1]) == "T")]
                if not hit:
                    ok = False
                else:
                    layer = self._layer(hit[0][1], interp)
                    literal = (plain_text(hit[0][1]) or "").isdigit()
                    rest.remove(hit[0])
            if not ok:
                continue
            if any(s[0] == "sup" and _is_label(s[1]) for s in rest):
                continue
            score = len(scripts) - len(rest)
            if best is None or score > best[0]:
                best = (score, ent.role, layer, rest, literal)
        if best is None:
            return None
        if best[4]:
            self._check_literal_layer(best[1], best[2], post, interp)
        return best[1], best[2], best[3]

    def _check_literal_layer(self, role, layer, post, interp):
        """A layer written as a number (W^{3}) must exist: a user error, not an index range to search."""
        L = self.depth_L
        lo = 0 if role == "act" else 1
        if role in ("weight", "bias", "preact", "delta", "act") and not lo <= layer <= L:
            name = (post.text or self.profile.symbol(role, layer)).strip()
            extra = f" (and {self.profile.symbol('act', 0)}, the input)" if role == "act" else ""
            raise interp.err(f"{name} does not exist: the network has layers 1..{L}{extra}", post)

    def role_value(self, role, layer):
        L = self.depth_L
        Z, A = self.forward()
        if role in ("weight", "bias", "preact", "delta") and not (layer is not None and 1 <= layer <= L):
            raise OutOfRange(f"layer {layer}")
        if role == "act" and not (layer is not None and 0 <= layer <= L):
            raise OutOfRange(f"layer {layer}")
        if role == "weight":
            return self.W[layer]
        if role == "bias":
            return self.b[layer] if self.batch == 1 else self.b[layer]
        if role == "preact":
            return Z[layer]
        if role == "act":
            return A[layer]
        if role == "input":
            return A[0]
        if role == "target":
            return self.Y
        if role == "output":
            return A[L]
        if role == "loss":
            return self.loss()
        if role == "delta":
            return self.delta(layer)
        raise OutOfRange(role)

    def scalar_symbol(self, post, interp):
        key = atom_key(post)
        got = index_as_number(self, post)
        if got is not None:
            return got
        if key == ("N", False) and not post.scripts:
            return sp.Integer(self.batch), []
        if key and key[0] == "1" or (post.args[0].kind == "decor" and key and key[0].isdigit()):
            return sp.ones(*self._ones_shape()), list(post.scripts)
        got = self.resolve(post, interp)
        if got is None:
            return super()._scalar_symbol_base(post, interp)
        role, layer, rest = got
        val = self.role_value(role, layer)
        subs = [s for s in rest if s[0] == "sub"]
        others = [s for s in rest if s[0] != "sub"]
        for s in subs:
            val = self.select(val, s[1], role, interp)
        return val, others

    def undefined_numerator(self, post, var, interp):
        key = atom_key(post)
        if key == ("N", False) or self.resolve(post, interp) is not None:
            return None
        return super().undefined_numerator(post, var, interp)

    def undefined_hint(self, name: str) -> str:
        loss = self.profile.template("loss")
        return (f"it is not a symbol of the {self.profile.name} notation (whose loss is {loss});"
                f" give it with --given '{name} = ...' or choose the notation with --notation")

    def _ones_shape(self):
        return (self.widths[-1], self.batch)

    def select(self, val, sarg, role, interp):
        """A subscript on a network symbol: a sample (column), a unit (row) or an entry."""
        t = plain_text(sarg)
        letters = [t] if t and len(t) == 1 and t.isalpha() else []
        idx = interp.index_label(sarg).split(",")
        if not all(x.isdigit() for x in idx):
            raise interp.err(f"the index {','.join(idx)} is not bound (sum over it or use a number)", sarg)
        nums = [int(x) for x in idx]
        if not is_mat(val):
            raise interp.err("a scalar has no entries to select", sarg)
        if letters and letters[0] in self.sample_letters:
            if not 1 <= nums[0] <= val.shape[1]:
                raise OutOfRange("sample")
            return val[:, nums[0] - 1]
        if len(nums) == 2:
            i, j = nums
            if not (1 <= i <= val.shape[0] and 1 <= j <= val.shape[1]):
                raise OutOfRange("entry")
            return val[i - 1, j - 1]
        i = nums[0]
        if not 1 <= i <= val.shape[0]:
            raise OutOfRange("row")
        row = val[i - 1, :]
        return norm(row)

    # -- functions

    def is_function_name(self, key, post):
        if key is None:
            return False
        if key == self.act_key or key[0] in self.extra_funcs:
            return True
        return super().is_function_name(key, post)

    def function(self, key, post, interp):
        if key == self.act_key or key[0] in self.extra_funcs:
            layer = None
            consumed = None
            if key == self.act_key and self.act_pos:
                for s in post.scripts:
                    if s[0] == self.act_pos and plain_text(s[1]) not in (None, "T") or (
                            s[0] == self.act_pos and plain_text(s[1]) is None):
                        layer = self._layer(s[1], interp)
                        consumed = self.act_pos
                        break
            name = self.extra_funcs.get(key[0])
            if name == "output":
                layer = self.depth_L
            ctx = self

            def f(z, layer=layer, name=name):
                if name not in (None, "output"):
                    from .primitives import activation_entry

                    return activation_entry(name).apply(z, None, ctx.h0)
                lay = layer if layer is not None else ctx.infer_layer(z)
                return ctx.act_fn(lay)(z)
            f.consumes = consumed
            if layer is None and name is None:
                # f'(z^{1}): the layer is the one whose pre-activation is the argument
                def bind(arg, f=f):
                    lay = ctx.infer_layer(arg)
                    return lambda z: f(z, layer=lay)
                f.bind = bind
            return f, key[0]
        return super().function(key, post, interp)

    def infer_layer(self, z) -> int:
        """Which layer's activation a bare f means: the layer whose pre-activation is the argument."""
        Z, _ = self.forward()
        for l, Zl in Z.items():
            if is_mat(z) and z.shape == Zl.shape and z == Zl:
                return l
            if not is_mat(z) and any(z == e for e in Zl):
                return l
        raise LatexError("cannot tell which layer's activation is meant; write its layer"
                         f" ({self.profile.symbol('activation', 1)})")

    # -- sums

    def sum(self, var, lo, hi, rest, interp, node):
        hi_text = plain_text(hi) if hi is not None else None
        batch_sum = (hi is not None and "N" in (hi_text or _letters_of(hi))) or (
            hi is None and lo is None and var == self.sample_letter)
        if var is None:
            if hi is not None and hi_text == "N":
                v = interp.juxt(rest)
                if not is_mat(v):
                    return v * self.batch
                return norm(v * sp.ones(v.shape[1], 1))
            raise interp.err("a sum needs an index, or an upper limit N for a sum over the batch", node)
        saved = self.indices.get(var)
        total = sp.Integer(0)
        if batch_sum:
            self.sample_letters.add(var)
            lo_v = int(interp.value(lo)) if lo is not None else 1
            values = range(lo_v, lo_v + self.batch)
            shift = 1 - lo_v
        else:
            lo_v = int(interp.value(lo)) if lo is not None else 1
            if hi is not None:
                sub = ScalarContext()
                sub.indices = dict(self.indices)
                hv = Interpreter(sub, interp.src).script_value(hi)
                if is_mat(hv) or not hv.is_Integer:
                    raise interp.err("a sum over units needs a numeric upper limit or none", node)
                values = range(lo_v, int(hv) + 1)
            else:
                values = range(lo_v, lo_v + 64)
            shift = 0
        try:
            for v in values:
                self.indices[var] = v + shift
                try:
                    term = interp.juxt(rest)
                except OutOfRange:
                    if hi is None and not batch_sum and v > lo_v:
                        break
                    if hi is not None and not batch_sum and v > lo_v:
                        raise ShapeMismatch(f"the sum over {var} runs to {values[-1]}, but its summand has no"
                                            f" entry {v} (the last is {v - 1})") from None
                    raise
                total = interp.alg.add(total, term)
        finally:
            if saved is None:
                self.indices.pop(var, None)
            else:
                self.indices[var] = saved
        return total

    # -- derivatives

    def derivative_variable_value(self, var, interp):
        return interp.value(var)

    def derivative(self, thunk, var, order, interp, node):
        if order != 1:
            raise NotCheckable("second derivatives of network quantities are not checked")
        got = self.resolve(var, interp) if var.kind == "postfix" else None
        if got is None:
            try:
                return super().derivative(thunk, var, order, interp, node)
            except LatexError as e:
                if getattr(e, "plain", "") != "differentiate with respect to a plain symbol":
                    raise
                p = self.profile
                raise interp.err(f"{(var.text or 'this').strip()} is not a symbol of the {p.name} notation (its"
                                 f" weights are {p.symbol('weight')}, biases {p.symbol('bias')}); write it so,"
                                 " or choose the notation with --notation", var) from None
        role, layer, rest = got
        if role in ("loss", "delta"):
            raise interp.err("cannot differentiate with respect to the loss or an error term", var)
        if any(s[0] == "sup" for s in rest):
            raise interp.err("differentiate with respect to a plain network symbol", var)
        if role in ("weight", "bias", "input", "target"):
            base = self.role_value(role, layer)
            sel = base
            for s in rest:
                sel = self.select(sel, s[1], role, interp)
            body = thunk()
            return self._d(body, sel, interp)
        # an intermediate quantity: rebuild the network with it as fresh symbols
        if role == "output":
            role, layer = "act", self.depth_L
        Z0, A0 = self.forward()
        actual = Z0[layer] if role == "preact" else A0[layer]
        key = (role, layer)
        fresh = sp.Matrix(actual.shape[0], actual.shape[1], lambda i, n: sp.Dummy(f"{role}{layer}_{i}_{n}"))
        saved_cut, saved_syms = self.cut, self.cut_syms
        self.cut, self.cut_syms = key, {key: fresh}
        self._forward_cache.pop(key, None)
        try:
            sel = fresh
            for s in rest:
                sel = self.select(sel, s[1], role, interp)
            interp._bare = False
            body = thunk()
            d = self._d(body, sel, interp, elementwise=getattr(interp, "_bare", False))
        finally:
            self.cut, self.cut_syms = saved_cut, saved_syms
            self._forward_cache.pop(key, None)
        back = dict(zip(list(fresh), list(actual)))
        return d.applyfunc(lambda e: e.xreplace(back)) if is_mat(d) else d.xreplace(back)

    def _d(self, body, var, interp, elementwise=False):
        body, var = norm(body), norm(var)
        if not is_mat(var):
            return body.applyfunc(lambda e: sp.diff(e, var)) if is_mat(body) else sp.diff(body, var)
        if not is_mat(body):
            return var.applyfunc(lambda s: sp.diff(body, s))
        if elementwise and body.shape == var.shape:
            return sp.Matrix(body.shape[0], body.shape[1], lambda i, j: sp.diff(body[i, j], var[i, j]))
        if body.shape[1] == 1 and var.shape[1] == 1:
            return sp.Matrix(body.shape[0], var.shape[0], lambda i, j: sp.diff(body[i], var[j]))
        raise NotCheckable(f"the derivative of a {fmt_shape(body)} matrix by a {fmt_shape(var)} matrix is"
                           " a higher-order tensor; write the chain rule with the error terms instead")


def _letters_of(node) -> str:
    return "".join(sorted(all_letters(node))) if isinstance(node, Node) else ""


# make a bare function name in a derivative's numerator elementwise in network mode
_orig_numerator = Interpreter.numerator_value


def _numerator_value(self, items, var):
    if len(items) == 1 and getattr(self.ctx, "network", False):
        head = self.function_head(items[0])
        if head is not None:
            self._bare = True
    return _orig_numerator(self, items, var)


Interpreter.numerator_value = _numerator_value  # type: ignore[method-assign]


def _mentions_batch(rel: Node, profile_name: str) -> bool:
    letters = all_letters(rel)
    if "N" in letters:
        return True
    sample = SAMPLE_LETTERS.get(profile_name, "n")
    return sample in summation_letters(rel)


def _engine_hint(ln: Node, spec, ctx: NetworkContext, interp) -> str:
    """The engine's equation for a left side like dL/dW^l, delta^l, z^l or a^l (as LaTeX)."""
    from .engine import build
    from .latex_printer import latex

    name = None
    items = juxt_items(ln)
    if items and len(items) == 1 and items[0].kind == "postfix":
        post = items[0]
        b = post.args[0]
        if b.kind == "frac":
            num, den = juxt_items(b.args[1]), juxt_items(b.args[2])
            if num and den and len(num) == 2 and len(den) == 2:
                got = ctx.resolve(num[1], interp)
                var = ctx.resolve(den[1], interp)
                if got and got[0] == "loss" and var and var[0] in ("weight", "bias") and not var[2]:
                    name = f"grad_{'W' if var[0] == 'weight' else 'b'}{var[1]}"
        else:
            got = ctx.resolve(post, interp)
            if got and not got[2]:
                name = {"delta": "delta{}", "preact": "forward_z{}", "act": "forward_a{}"}.get(got[0], "")
                name = name.format(got[1]) if name else None
    if not name:
        return ""
    try:
        d = build(spec, "column")
        eq = d.equation(name)
        return latex(eq.rhs, ctx.profile)
    except Exception:  # pragma: no cover - a hint must never hide a verdict
        return ""


def check_network(claim: str, spec, notation: str | None = None, givens=(), seed: int = 20261122,
                  points: int = 2) -> Result:
    from .notation import PROFILES, profile_for
    from .verify import witness_widths

    t0 = time.perf_counter()
    profile = PROFILES[notation] if notation else profile_for(spec.notation)
    rel = parse(claim)
    src = rel.source
    sides, ops = relation_parts(rel)
    kind = _relation_kind(rel, network=True)
    if kind == "assignment":
        return Result(claim, "not-checkable", notes=["an assignment (:=, \\leftarrow) is an algorithm step, not"
                                                     " an identity"] + rel.notes)
    defs = Definitions()
    for g in givens:
        read_definition(g, defs)
    rng = random.Random(seed)
    witnesses = [w for w, _ in witness_widths(spec)]
    if kind == "shape":
        r = check_shape_claim(claim, src, sides, spec, profile, defs, witnesses)
        r.notes = rel.notes + r.notes
        r.seconds = time.perf_counter() - t0
        return r
    if _numeric_limits(rel):
        own = tuple(spec.layers)
        if max(own) > 8 or int(np.prod(own)) > 512:
            return Result(claim, "not-checkable", notes=[
                "a sum with a numeric upper limit is checked on the spec's own widths"
                f" ({'-'.join(map(str, own))}), which are too large to expand; write the sum without the"
                " limit (\\sum_{j}) to sum over every unit"] + rel.notes, seconds=time.perf_counter() - t0)
        witnesses = [own]
    batch_claim = _mentions_batch(rel, profile.name.split("+")[0])
    primary = 2 if batch_claim else 1

    def run(batch):
        results = []
        for widths in witnesses:
            results.append(_network_pair_modes(src, sides, spec, widths, batch, profile, defs, rng, points))
        return results

    try:
        res = run(primary)
    except NotCheckable as e:
        return Result(claim, "not-checkable", notes=[str(e)], seconds=time.perf_counter() - t0)
    for r in res:
        r.claim = claim
    bad = [r for r in res if r.verdict != "holds"]
    notes = list(rel.notes)
    for r in res:
        notes.extend(n for n in r.notes if n not in notes)
    wtxt = ", ".join("-".join(map(str, w)) for w in witnesses)
    if not bad:
        method = (f"{res[0].method} on witness widths {wtxt} (batch of {primary}"
                  f"{' sample' if primary == 1 else ' samples'})")
        out = Result(claim, "holds", method, notes)
        if primary == 1 and spec.conventions.batch == "mean":
            try:
                more = run(2)
            except (NotCheckable, ShapeMismatch, LatexError, OutOfRange):
                more = []
            if any(r.convention.startswith("a 1/N") for r in more):
                out.notes.append("for one sample; over a batch of N the spec's loss averages, so the"
                                 " batch form needs a 1/N factor")
        out.seconds = time.perf_counter() - t0
        return out
    b = bad[0]
    b.notes = list(dict.fromkeys(notes + b.notes))
    if b.verdict == "fails" and primary == 2 and not b.convention:
        try:
            single = run(1)
        except (NotCheckable, LatexError, ShapeMismatch, OutOfRange):
            single = []
        if single and all(r.verdict == "holds" for r in single):
            b.verdict = "ambiguous"
            b.notes.insert(0, "holds for a single sample but not over a batch: the claim mixes a"
                              " per-sample quantity with a sum over the batch")
    if b.verdict == "fails" and b.convention:
        b.verdict = "holds-with-convention"
    ctx = NetworkContext(spec, witnesses[0], primary, profile, defs)
    hint = _engine_hint(sides[0], spec, ctx, Interpreter(ctx, src))
    if hint:
        b.correct = hint
    b.seconds = time.perf_counter() - t0
    return b


SQUARE_NOTE = "the square of a vector is read as its squared norm (sum over its entries)"


def _network_pair_modes(claim, sides, spec, widths, batch, profile, defs, rng, points) -> Result:
    """(v)^2 of a vector is a squared norm in a loss but element-wise in 1-(a^{l})^2: try both."""
    r = _network_pair_all(claim, sides, spec, widths, batch, profile, defs, rng, points)
    if r.verdict != "holds" and SQUARE_NOTE in r.notes:
        r2 = _network_pair_all(claim, sides, spec, widths, batch, profile, defs, rng, points, "elementwise")
        if r2.verdict == "holds":
            r2.notes = [n for n in r2.notes if n != SQUARE_NOTE] + [
                "the square of a vector is read entry by entry (as in 1-(a^{l})^{2}); read as a squared"
                " norm the claim does not hold"]
            return r2
    return r


def _numeric_limits(rel: Node) -> bool:
    """A \\sum or \\prod with a number as its upper limit (which ties the claim to the spec's widths)."""
    found = []
    for n in iter_nodes(rel):
        if n.kind == "postfix" and n.args[0].kind in ("sum", "prod"):
            for sc in n.scripts:
                if sc[0] == "sup":
                    t = plain_text(sc[1])
                    if t is not None and t.isdigit():
                        found.append(t)
    return bool(found)


def _foreign_symbols(ctx, vals) -> list[str]:
    """Symbols of the values that are not the network's (a letter the notation does not define)."""
    known = set(ctx.param_symbols())
    out = set()
    for v in vals:
        for e in (list(v) if is_mat(v) else [v]):
            out |= {str(x) for x in getattr(e, "free_symbols", set()) if x not in known and not x.is_Dummy}
    return sorted(out)


def _network_pair_all(claim, sides, spec, widths, batch, profile, defs, rng, points, square="norm") -> Result:

    rel_node = Node("relation", tuple(sides))
    free = sorted((free_index_letters(rel_node) | _free_layer_letters(sides)) - summation_letters(rel_node)
                  - {"L", "N", "T"} - set(defs.symbols))
    maxw = max(widths)
    combos = [{}]
    for letter in free:
        combos = [dict(c, **{letter: v}) for c in combos for v in range(0, maxw + 1)]
    combos = combos[:200]
    method = ""
    checked = 0
    notes: list[str] = []
    for inst in combos:
        ctx = NetworkContext(spec, widths, batch, profile, defs)
        ctx.vector_square = square
        ctx.indices.update(inst)
        try:
            vals = []
            for s in sides:
                it = Interpreter(ctx, claim)
                vals.append(it.value(s))
                notes.extend(n for n in it.alg.notes if n not in notes)
        except OutOfRange:
            continue
        except ShapeMismatch as e:
            return Result(claim, "fails", notes=notes, counterexample=f"{e} (witness widths"
                          f" {'-'.join(map(str, widths))}, batch {batch})")
        checked += 1
        foreign = _foreign_symbols(ctx, vals)
        if foreign:
            note = (f"{', '.join(foreign)} {'is' if len(foreign) == 1 else 'are'} not a symbol of the"
                    f" {profile.name} notation (read as an unknown number)")
            if note not in notes:
                notes.append(note)
        for k in range(len(vals) - 1):
            lhs, rhs = norm(vals[k]), norm(vals[k + 1])
            if fmt_shape(lhs) != fmt_shape(rhs):
                conv = ""
                if is_mat(lhs) and is_mat(rhs) and lhs.shape == rhs.T.shape:
                    c = compare_values(lhs, rhs.T, ctx.param_symbols(), rng, points,
                                       _value_maker(ctx, spec, widths, batch))
                    if c.equal:
                        conv = "a transpose (the sides are each other's transpose: a layout convention)"
                where = f" (witness widths {'-'.join(map(str, widths))}, batch {batch})"
                return Result(claim, "fails", notes=notes, convention=conv,
                              counterexample=f"shapes differ: the left side is {fmt_shape(lhs)}, the right"
                              f" side {fmt_shape(rhs)}{where}")
            cmp = compare_values(lhs, rhs, ctx.param_symbols(), rng, points,
                                 _value_maker(ctx, spec, widths, batch))
            if not cmp.equal:
                ratios = [cmp.ratio]
                for _ in range(2):
                    c2 = compare_values(lhs, rhs, ctx.param_symbols(), rng, 1,
                                        _value_maker(ctx, spec, widths, batch))
                    ratios.append(None if c2.equal else c2.ratio)
                conv = _ratio_convention(ratios, batch)
                inst_txt = ", ".join(f"{k2} = {v}" for k2, v in inst.items())
                where = f"witness widths {'-'.join(map(str, widths))}, batch {batch}" + (
                    f", {inst_txt}" if inst_txt else "")
                return Result(claim, "fails", notes=notes, convention=conv,
                              counterexample=f"{where}; {cmp.where}: left side = {cmp.lhs_value},"
                              f" right side = {cmp.rhs_value}")
            method = cmp.how
    if not checked:
        raise LatexError("no value of the free indices names existing entries of the network")
    if free:
        method += f" for every value of {', '.join(free)}"
    return Result(claim, "holds", method, notes)


def _free_layer_letters(sides) -> set[str]:
    out: set[str] = set()

    def walk(n):
        if not isinstance(n, Node):
            return
        if n.kind == "postfix":
            for s in n.scripts:
                if s[0] == "sup":
                    t = plain_text(s[1])
                    if t and len(t) == 1 and t.isalpha() and t not in ("T", "L"):
                        out.add(t)
                    elif t is None and len(s) > 1:
                        out.update(x for x in all_letters(s[1]) if x not in ("T", "L"))
            base = n.args[0]
            if base.kind == "decor" and isinstance(base.args[1], Node):
                walk(base.args[1])
        for a in n.args:
            walk(a)
        for s in n.scripts:
            if len(s) > 1:
                walk(s[1])
    for s in sides:
        walk(s)
    return {x for x in out if x in ("i", "l", "j", "k")}


def _value_maker(ctx: NetworkContext, spec, widths, batch):
    from .verify import _targets

    def make(rng):
        subs = {}
        # |values| <= 1 keep activations away from saturation, so a counterexample shows
        # numbers a reader can compare (not 1e-14 against 1e-7)
        for s in list(ctx.X) + [v for l in ctx.W for v in list(ctx.W[l]) + list(ctx.b[l])]:
            subs[s] = sp.Rational(rng.choice([i for i in range(-4, 5) if i != 0]), rng.randint(4, 7))
        Yv = _targets(spec, rng, widths[-1], batch)
        for idx in np.ndindex(Yv.shape):
            subs[ctx.Y[idx]] = Yv[idx]
        return subs
    return make


# ---------------------------------------------------------------------------------------------
# Shape claims (dimensions stated in words or as a bmatrix)


def check_shape(claim: str, spec, role: str, layer: int | None, shape: tuple[int, int]) -> Result:
    """A stated dimension ('W2 will be a 3 x 2 matrix') against the spec's widths."""
    L = spec.depth
    w = spec.layers
    actual = {
        "weight": lambda l: (w[l], w[l - 1]), "bias": lambda l: (w[l], 1), "preact": lambda l: (w[l], 1),
        "act": lambda l: (w[l], 1), "delta": lambda l: (w[l], 1), "input": lambda l: (w[0], 1),
        "output": lambda l: (w[L], 1), "target": lambda l: (w[L], 1),
        "grad_weight": lambda l: (w[l], w[l - 1]), "grad_bias": lambda l: (w[l], 1),
    }[role](layer)
    if tuple(actual) == tuple(shape):
        return Result(claim, "holds", f"the spec's widths {'-'.join(map(str, w))} give {actual[0]}\u00d7{actual[1]}")
    return Result(claim, "fails", counterexample=f"the spec's widths {'-'.join(map(str, w))} give"
                  f" {actual[0]}\u00d7{actual[1]}, the claim says {shape[0]}\u00d7{shape[1]}")


def _stated_shape(node: Node, src: str) -> tuple[int, int]:
    """\\mathbb{R}^{m \\times n} (or ^{n}, a column) -> (m, n); ClaimError for anything else."""
    msg = ("the right side of a shape claim must be \\mathbb{R}^{m \\times n} with numbers m and n"
           " (for example \\mathbb{R}^{3 \\times 2})")
    items = juxt_items(node)
    if not items or len(items) != 1 or items[0].kind != "postfix" or items[0].args[0].kind != "decor":
        raise ClaimError(msg)
    post = items[0]
    if atom_key(post) != ("R", False) or len(post.scripts) != 1 or post.scripts[0][0] != "sup":
        raise ClaimError(msg)
    sarg = post.scripts[0][1]
    interp = Interpreter(ScalarContext(), src)
    if sarg.kind == "snumber":
        dims = [sarg]
    else:
        inner = [x for x in sarg.args if isinstance(x, Node)]
        rel = inner[0].args[0] if inner and inner[0].kind == "list" and len(inner[0].args) == 1 else None
        term = rel
        while term is not None and term.kind in ("relation", "expr") and len(term.args) == 1:
            term = term.args[0]
        if term is None or term.kind not in ("term", "juxt", "postfix"):
            raise ClaimError(msg)
        if term.kind == "term":
            ops = [str(t) for t in term.args if isinstance(t, Token)]
            if any(o not in ("\\times", "\u00d7") for o in ops) or len(ops) > 1:
                raise ClaimError(msg)
            dims = [x for x in term.args if isinstance(x, Node)]
        else:
            dims = [term]
    vals = []
    for d in dims:
        try:
            v = interp.script_value(d) if d.kind.startswith("s") else interp.value(d)
        except LatexError:
            raise ClaimError(msg) from None
        if is_mat(v) or not getattr(v, "is_Integer", False) or int(v) < 1:
            raise ClaimError(msg)
        vals.append(int(v))
    return (vals[0], vals[1] if len(vals) > 1 else 1)


def check_shape_claim(claim, src, sides, spec, profile, defs, witnesses) -> Result:
    """QUANTITY \\in \\mathbb{R}^{m \\times n}: the quantity's shape for the spec's widths (one sample).

    The quantity is evaluated on the small witness networks; each of its dimensions is matched to
    the layer whose width it is in every witness, and read off the spec's own widths.
    """
    stated = _stated_shape(sides[1], src)
    cands: list[set | None] = [None, None]
    witnesses = list(witnesses)
    if not any(len(set(w)) == len(w) and 1 not in w for w in witnesses):
        # one instance with a different width per layer (and none of 1) tells every dimension apart
        witnesses.append(tuple(range(2, 2 + len(witnesses[0]))))
    for widths in witnesses:
        ctx = NetworkContext(spec, widths, 1, profile, defs)
        try:
            v = norm(Interpreter(ctx, src).value(sides[0]))
        except OutOfRange as e:
            raise ClaimError(f"an index or layer is out of range: {e}") from None
        shp = v.shape if is_mat(v) else (1, 1)
        for k in range(2):
            here = {("layer", l) for l, w in enumerate(widths) if w == shp[k]} | ({("one", 1)} if shp[k] == 1 else set())
            cands[k] = here if cands[k] is None else cands[k] & here
    actual = []
    for k in range(2):
        sizes = {spec.layers[c[1]] if c[0] == "layer" else 1 for c in cands[k] or ()}
        if len(sizes) != 1:
            raise ClaimError("cannot tell which layer's width a dimension of the left side is")
        actual.append(sizes.pop())
    actual_t = tuple(actual)
    w = "-".join(map(str, spec.layers))
    method = f"the spec's widths {w} give {actual_t[0]}\u00d7{actual_t[1]} (one sample per column)"
    if actual_t == stated:
        return Result(claim, "holds", method)
    conv = ""
    if actual_t == stated[::-1]:
        conv = "a transpose (the stated shape is the transposed layout)"
    return Result(claim, "fails", convention=conv,
                  counterexample=f"the spec's widths {w} give {actual_t[0]}\u00d7{actual_t[1]}, the claim says"
                  f" {stated[0]}\u00d7{stated[1]}")


# ---------------------------------------------------------------------------------------------
# Running with a time limit


def _child(conn, fn, args, kwargs):
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except NNDeriveError as e:
        conn.send(("user", str(e)))
    except ShapeMismatch as e:
        conn.send(("user", f"shape problem: {e}"))
    except OutOfRange as e:
        conn.send(("user", f"an index or layer is out of range: {e}"))
    except NotCheckable as e:
        conn.send(("notcheckable", str(e)))
    except RecursionError:
        conn.send(("user", "the formula is nested too deeply"))
    except Exception as e:  # noqa: BLE001 - report, never crash the parent
        conn.send(("user", f"internal problem while checking ({type(e).__name__}: {e})"))
    finally:
        conn.close()


def run_limited(fn, *args, timeout: float = DEFAULT_TIMEOUT, **kwargs):
    """Run fn in a forked worker; ClaimError when it takes longer than timeout seconds."""
    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork: run in-process
        return fn(*args, **kwargs)
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(child, fn, args, kwargs), daemon=True)
    p.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise ClaimError(f"time limit reached: the check took longer than {timeout:g} s and was stopped"
                             f" (raise the limit with --timeout SECONDS, at most 3600)")
        kind, payload = parent.recv()
    except EOFError:
        raise ClaimError("the check worker stopped without an answer") from None
    finally:
        if p.is_alive():
            p.kill()
        p.join(5)
        parent.close()
    if kind == "ok":
        return payload
    if kind == "notcheckable":
        return Result(args[0] if args else "", "not-checkable", notes=[payload])
    raise ClaimError(payload)


def check_claim(claim: str, *, givens=(), at=(), spec=None, notation=None, seed=20261122) -> Result:
    """Check one claim in-process (scalar without a spec, network with one)."""
    try:
        if spec is None:
            return check_scalar(claim, list(givens), list(at), seed)
        if at:
            raise ClaimError("--at is for scalar claims (without --spec)")
        return check_network(claim, spec, notation, list(givens), seed)
    except NotCheckable as e:
        return Result(claim, "not-checkable", notes=[str(e)])


# ---------------------------------------------------------------------------------------------
# Output


def format_result(r: Result) -> str:
    verdict = r.verdict
    shown = "fails" if verdict == "holds-with-convention" else verdict
    lines = [f"{shown}: {r.claim}"]
    if r.method:
        lines.append(f"  shown by: {r.method}")
    if r.convention:
        lines.append(f"  convention: right up to {r.convention}")
    if r.counterexample:
        lines.append(f"  counterexample: {r.counterexample}")
    if r.correct:
        lines.append(f"  correct (as derived): {r.correct}")
    for n in r.notes:
        lines.append(f"  note: {n}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Claims files (the article catalogue) and reports


@dataclass
class Entry:
    """One checked formula of a claims file and its final verdict."""

    article: str
    equation: str
    printed: str
    checked: str
    verdict: str
    note: str
    checker: str = ""
    expected: str = ""
    reconstructed: bool = False


def _spec_for(entry: dict, specs: dict, base: Path, where: str = ""):
    from .spec import load_spec, spec_from_dict

    ref = entry.get("spec")
    if ref is None:
        return None
    if isinstance(ref, dict):
        return spec_from_dict({"network": ref}, source="<claims>")
    if not isinstance(ref, str):
        raise ClaimError(f"{where}: 'spec' must be a file name, the name of a [specs.NAME] table or an inline"
                         " network table")
    if ref in specs:
        return spec_from_dict({k: v for k, v in specs[ref].items()}, source=f"<claims:{ref}>")
    for cand in (base / ref, Path(ref)):
        if cand.exists():
            return load_spec(cand)
    known = f" (the file's [specs] tables: {', '.join(specs)})" if specs else ""
    raise ClaimError(f"{where}: spec '{ref}' not found: neither a [specs.{ref}] table nor a file{known}")


ENTRY_KEYS = ("article", "equation", "printed", "check", "givens", "at", "spec", "notation", "kind",
              "expected", "judgement", "note", "reconstructed", "shape", "contrast_spec")
KINDS = ("claim", "shape", "not-checkable")


def _entry_problem(e, where: str) -> str | None:
    """One line saying what is wrong with a claims-file entry, or None."""
    import difflib

    if not isinstance(e, dict):
        return f"{where}: an entry must be a table ([[claim]] with key = value lines)"
    for k in e:
        if k not in ENTRY_KEYS:
            close = difflib.get_close_matches(k, ENTRY_KEYS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            if k in ("claim", "text", "latex", "formula", "equation_text"):
                hint = "the claim's LaTeX goes in 'printed'; "
            return f"{where}: unknown key '{k}' ({hint}allowed: {', '.join(ENTRY_KEYS)})"
    kind = e.get("kind", "claim")
    if kind not in KINDS:
        return f"{where}: kind = {kind!r} is not one of {', '.join(KINDS)}"
    if kind != "not-checkable" and not (e.get("printed") or e.get("check")):
        return f"{where}: no claim: give it as printed = '...' (LaTeX in single quotes)"
    for k in ("article", "equation", "printed", "check", "notation", "expected", "judgement", "note",
              "contrast_spec"):
        if k in e and not isinstance(e[k], str):
            return f"{where}: '{k}' must be a string"
    for k in ("givens", "at"):
        v = e.get(k, [])
        if not (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))):
            return f"{where}: '{k}' must be a string or a list of strings"
    for k in ("expected", "judgement"):
        if k in e and e[k] not in VERDICTS:
            return f"{where}: {k} = {e[k]!r} is not a verdict ({', '.join(VERDICTS)})"
    if "notation" in e:
        from .notation import PROFILES

        if e["notation"] not in PROFILES:
            return f"{where}: unknown notation profile {e['notation']!r} (known: {', '.join(PROFILES)})"
    if kind == "shape":
        sh = e.get("shape")
        if not isinstance(sh, dict) or not {"role", "rows", "cols"} <= set(sh):
            return f"{where}: kind = \"shape\" needs shape = {{ role = \"weight\", layer = 1, rows = 5, cols = 3 }}"
    return None


def _strings(v) -> tuple:
    return (v,) if isinstance(v, str) else tuple(v)


def check_entry(e: dict, specs: dict, base: Path, timeout: float, number: int = 0, source: str = "") -> Entry:
    """Check one [[claim]] table of a claims file (number: its position, from 1, for messages and the
    default equation label)."""
    where = f"{source or 'claims file'}: entry {number}" if number else (source or "claims file")
    problem = _entry_problem(e, where)
    if problem:
        raise ClaimError(problem)
    article = e.get("article", "")
    equation = e.get("equation", f"#{number}" if number else "")
    printed = e.get("printed", "")
    checked = e.get("check", printed)
    kind = e.get("kind", "claim")
    note = e.get("note", "")
    givens, at = _strings(e.get("givens", ())), _strings(e.get("at", ()))
    if e.get("reconstructed"):
        note = ("reconstructed from the text. " + note).strip()
    if kind == "not-checkable":
        return Entry(article, equation, printed, "", "not-checkable", note, "not-checkable",
                     e.get("expected", "not-checkable"), bool(e.get("reconstructed")))
    spec = _spec_for(e, specs, base, where)
    try:
        if kind == "shape":
            sh = e["shape"]
            r = check_shape(checked, spec, sh["role"], sh.get("layer"), (sh["rows"], sh["cols"]))
        else:
            r = run_limited(check_claim, checked, givens=givens, at=at, spec=spec, notation=e.get("notation"),
                            timeout=timeout)
    except ClaimError as err:
        r = Result(checked, "not-checkable", notes=[str(err).splitlines()[0]])
    mech = r.verdict
    if mech == "fails" and r.convention:
        mech = "holds-with-convention"
    summary = r.summary()
    if e.get("contrast_spec") and mech == "holds":
        other = _spec_for({"spec": e["contrast_spec"]}, specs, base, where)
        try:
            r2 = run_limited(check_claim, checked, givens=givens, spec=other, notation=e.get("notation"),
                             timeout=timeout)
            if r2.verdict != "holds":
                summary += (f"; true only for this network's activations: with {other.name}"
                            f" ({', '.join(a.name for a in other.activations)}) it {r2.verdict}")
        except ClaimError:
            pass
    final = e.get("judgement", mech)
    text = note
    if summary:
        text = (text + " " if text else "") + f"[checker: {mech}; {summary}]"
    return Entry(article, equation, printed, checked, final, text, mech, e.get("expected", ""),
                 bool(e.get("reconstructed")))


def load_claims(path) -> tuple[list[dict], dict]:
    """Read a claims file: ([[claim]] tables, [specs.NAME] tables). The format (TOML)::

        [[claim]]                           # one table per claim; only printed is required
        printed = '\\frac{d}{dx} x^3 = 3x^2'

        [[claim]]
        article = "notes"                   # label for the report (default: empty)
        equation = "(2)"                    # label (default: the entry number, #2)
        printed = '\\frac{dL}{dy} = -300'    # the claim in LaTeX; single quotes keep backslashes
        givens = ['L = (y-500)^2']          # definitions, as --given (a string or a list)
        at = ['y=350']                      # values, as --at (scalar claims only)

        [[claim]]
        printed = '\\frac{\\partial L}{\\partial W^{2}} = \\delta^{2}(a^{1})^{T}'
        spec = "net.toml"                   # a spec file (relative to this file) or a [specs.NAME] name
        notation = "default"                # profile (default: the spec's own [notation])
        expected = "holds"                  # the verdict expected; a different one is listed

        [specs.net2.network]                # a spec written in the file, used as spec = "net2"
        layers = [3, 2, 2]
        activations = ["sigmoid", "linear"]
        loss = "mse"

    Further keys: check (the LaTeX actually checked, when printed is not checkable as written),
    judgement (a verdict that overrides the checker's, with the reason in note), note,
    reconstructed (true/false), kind ("claim", "shape" with shape = {role, layer, rows, cols}, or
    "not-checkable"), contrast_spec (a second spec on which a holding claim is also tried).
    """
    import tomllib

    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClaimError(f"{p}: file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ClaimError(f"{p}: cannot read the claims file: {err}") from None
    unknown = [k for k in doc if k not in ("claim", "specs")]
    if unknown:
        raise ClaimError(f"{p}: unknown top-level key '{unknown[0]}' (a claims file has [[claim]] entries and"
                         " optional [specs.NAME] tables)")
    claims = doc.get("claim", [])
    if not isinstance(claims, list) or not claims:
        raise ClaimError(f"{p}: no [[claim]] entries (write each claim as [[claim]] followed by"
                         " printed = '...')")
    specs = doc.get("specs", {})
    if not isinstance(specs, dict) or not all(isinstance(v, dict) for v in specs.values()):
        raise ClaimError(f"{p}: [specs] must hold tables, as [specs.NAME.network]")
    for i, e in enumerate(claims, 1):
        problem = _entry_problem(e, f"{p}: entry {i}")
        if problem:
            raise ClaimError(problem)
    return claims, specs


def check_file(path, timeout: float = DEFAULT_TIMEOUT) -> list[Entry]:
    claims, specs = load_claims(path)
    base = Path(path).resolve().parent
    return [check_entry(e, specs, base, timeout, i, str(path)) for i, e in enumerate(claims, 1)]


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def report_markdown(entries: list[Entry], title: str) -> str:
    counts = {v: sum(1 for e in entries if e.verdict == v) for v in VERDICTS}
    lines = [f"# {title}", "", "Generated by `nnderive check --file`; do not edit by hand.", "",
             "Verdicts: " + ", ".join(f"{v} {n}" for v, n in counts.items() if n), "",
             "| article | equation | verdict | claim | note |", "|---|---|---|---|---|"]
    for e in entries:
        claim = f"`{_md_cell(e.printed)}`" if e.printed else ""
        lines.append(f"| {e.article} | {_md_cell(e.equation)} | {e.verdict} | {claim} | {_md_cell(e.note)} |")
    mism = [e for e in entries if e.expected and e.checker != e.expected]
    if mism:
        lines += ["", "## Checker results that differ from the catalogue's expectation", ""]
        lines += [f"- {e.article} {e.equation}: expected {e.expected}, checker {e.checker}" for e in mism]
    return "\n".join(lines) + "\n"


def report_json(entries: list[Entry]) -> str:
    counts = {v: sum(1 for e in entries if e.verdict == v) for v in VERDICTS}
    return json.dumps({"counts": counts, "entries": [asdict(e) for e in entries]}, indent=2,
                      ensure_ascii=False) + "\n"


def run_file(path, report=None, timeout: float = DEFAULT_TIMEOUT) -> int:
    entries = check_file(path, timeout)
    md = report_markdown(entries, f"Claims report: {Path(path).name}")
    if report:
        out = Path(report)
        atomic_write_text(out, md)
        atomic_write_text(out.with_suffix(".json"), report_json(entries))
        print(f"wrote {out} and {out.with_suffix('.json')}")
    else:
        print(md, end="")
    mism = [e for e in entries if e.expected and e.checker != e.expected]
    return 1 if mism or any(e.verdict == "fails" for e in entries) else 0


# ---------------------------------------------------------------------------------------------
# Whole documents


DISPLAY_RES = (
    re.compile(r"\$\$(.+?)\$\$", re.S),
    re.compile(r"\\\[(.+?)\\\]", re.S),
    re.compile(r"\\begin\{(equation\*?|align\*?|gather\*?)\}(.+?)\\end\{\1\}", re.S),
)


def front_matter(text: str) -> tuple[dict, int]:
    """The nnderive block of a '---' front matter: {'spec', 'notation', 'given': [...]} (no YAML)."""
    if not text.startswith("---\n"):
        return {}, 0
    end = text.find("\n---", 4)
    if end < 0:
        return {}, 0
    block = text[4:end].splitlines()
    out: dict = {}
    inside = False
    for line in block:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith((" ", "\t")):
            inside = line.strip() == "nnderive:"
            continue
        if not inside:
            continue
        key, sep, value = line.strip().partition(":")
        if not sep:
            raise ClaimError(f"front matter: cannot read {line.strip()!r} (expected key: value)")
        key, value = key.strip().lstrip("- ").strip(), value.strip().strip("'\"")
        if key not in ("spec", "notation", "given"):
            raise ClaimError(f"front matter: unknown key '{key}' (spec, notation, given)")
        if key == "given":
            out.setdefault("given", []).append(value)
        else:
            out[key] = value
    return out, text.count("\n", 0, end + 4) + 1


def display_equations(text: str) -> list[tuple[int, str]]:
    """(line number, claim) of every display equation; align rows become separate claims."""
    found = []
    for rx in DISPLAY_RES:
        for m in rx.finditer(text):
            body = m.group(m.lastindex)
            start = m.start(m.lastindex)
            found.append((start, body))
    found.sort()
    out = []
    for start, body in found:
        line0 = text.count("\n", 0, start) + 1
        body = re.sub(r"\\(label|tag)\{[^{}]*\}|\\nonumber|\\notag", "", body)
        rows = re.split(r"\\\\", body)
        offset = 0
        current = None
        for row in rows:
            line = line0 + body.count("\n", 0, body.find(row, offset) if row else offset)
            offset += len(row) + 2
            r = row.replace("&", " ").strip().rstrip(",.").strip()
            if not r:
                continue
            if r.startswith("=") and current is not None:
                current = (current[0], current[1] + " " + r)
                out[-1] = current
                continue
            current = (line, r)
            out.append(current)
    return out


def run_doc(path, spec_path=None, notation=None, report=None, timeout: float = DEFAULT_TIMEOUT) -> int:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ClaimError(f"{p}: cannot read: {err}") from None
    fm, _ = front_matter(text)
    spec_ref = spec_path or fm.get("spec")
    notation = notation or fm.get("notation")
    spec = None
    if spec_ref:
        from .spec import load_spec

        cand = Path(spec_ref)
        if not cand.is_absolute() and not cand.exists():
            cand = p.resolve().parent / spec_ref
        spec = load_spec(cand)
    givens = tuple(fm.get("given", ()))
    rows = []
    for line, claim in display_equations(text):
        if "=" not in claim:
            rows.append((line, "not-checkable", claim, "no '=': not a claim"))
            continue
        try:
            r = run_limited(check_claim, claim, givens=givens, spec=spec, notation=notation, timeout=timeout)
            verdict = r.verdict
            if verdict == "fails" and r.convention:
                verdict = "holds-with-convention"
            rows.append((line, verdict, claim, r.summary()))
        except ClaimError as err:
            rows.append((line, "not-checkable", claim, str(err).splitlines()[0]))
    out = [f"{p}:{line}: {verdict}: {note}" if note else f"{p}:{line}: {verdict}"
           for line, verdict, claim, note in rows]
    print("\n".join(out) if out else f"{p}: no display equations found")
    if report:
        md = ["| line | verdict | claim | note |", "|---|---|---|---|"]
        md += [f"| {l} | {v} | `{_md_cell(c)}` | {_md_cell(n)} |" for l, v, c, n in rows]
        atomic_write_text(Path(report), "\n".join(md) + "\n")
    return 1 if any(v in ("fails", "holds-with-convention") for _, v, _, _ in rows) else 0


# ---------------------------------------------------------------------------------------------
# CLI


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="check a LaTeX claim (derivative, backprop equation) or a claims file / document",
        description="Check a LaTeX claim. Scalar claims need no spec; network claims take --spec and"
        " use the spec's [notation] profile (if it has none, the default: W^{l}, b^{l}, z^{l}, a^{l}, x, y,"
        " L, \\delta^{l}) unless --notation names another."
        " Exit 0: holds; 1: fails (with a counterexample); 2: cannot be read.")
    p.add_argument("claim", nargs="?", help="the claim in LaTeX, e.g. \"\\sigma'(z) = \\sigma(z)(1-\\sigma(z))\"")
    p.add_argument("--given", action="append", default=[], metavar="DEF",
                   help="a definition, NAME = expr or f(x) = expr (repeatable)")
    p.add_argument("--at", action="append", default=[], metavar="SYMBOL=VALUE",
                   help="evaluate at this value (repeatable)")
    p.add_argument("--spec", help="network spec (TOML) for network claims")
    p.add_argument("--notation", help="notation profile (default, article000, article003, article004);"
                   " without it, the spec's own [notation]")
    p.add_argument("--file", help="a claims file (TOML) to check entry by entry")
    p.add_argument("--doc", help="a Markdown or LaTeX draft whose display equations are checked")
    p.add_argument("-o", "--report", help="write the report here (.md; a .json is written beside it)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per claim (default 60)")
    p.set_defaults(func=cmd_check)


def _load_spec_arg(path):
    if not path:
        return None
    from .spec import load_spec

    return load_spec(path)


def cmd_check(args) -> int:
    modes = [m for m in (args.claim, args.file, args.doc) if m is not None]
    if len(modes) != 1:
        raise ClaimError("give exactly one of: a CLAIM, --file FILE, --doc FILE")
    if args.notation:
        from .notation import PROFILES

        if args.notation not in PROFILES:
            raise ClaimError(f"unknown notation profile '{args.notation}' (known: {', '.join(PROFILES)})")
    if args.timeout <= 0 or args.timeout > 3600:
        raise ClaimError("--timeout must be between 0 and 3600 seconds")
    if args.file:
        return run_file(args.file, args.report, timeout=args.timeout)
    if args.doc:
        return run_doc(args.doc, spec_path=args.spec, notation=args.notation, report=args.report,
                       timeout=args.timeout)
    spec = _load_spec_arg(args.spec)
    r = run_limited(check_claim, args.claim, givens=tuple(args.given), at=tuple(args.at), spec=spec,
                    notation=args.notation, timeout=args.timeout)
    print(format_result(r))
    if args.report:
        atomic_write_text(Path(args.report), json.dumps(asdict(r), indent=2) + "\n")
    return r.exit_code()


if __name__ == "__main__":  # pragma: no cover
    from .cli import main

    sys.exit(main(["check"] + sys.argv[1:]))
