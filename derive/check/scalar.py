"""Scalar claims: both sides interpreted over real symbols and compared at instantiated indices."""

from __future__ import annotations

import functools
import time

import sympy as sp

from .antideriv import JUMPS, jump_of
from .approx import decide_approx, undecided
from .compare import (
    ClaimError,
    NotCheckable,
    Result,
    _has_derivative,
    _interp_side,
    _ratio_convention,
    compare_values,
)
from .context import Definitions, ScalarContext
from .definitions import at_vector_lengths, plan_vectors, read_assignment, read_definition
from .equality_conditions import impose_equalities
from .generic import GenericFunction
from .index_context import free_indices, index_choices, ranged_indices
from .index_sums import defines_by_sum, plan_indices
from .inequality import COMPARISON_OPS, check_inequality
from .interpret import Interpreter
from .label_sums import constrain, label_premises, labels_condition
from .readings import greek_reading, two_reading_fix
from .sum_proof import sums_agree
from .syntax import LatexError, NeedsSize, Node, OutOfRange, UndefinedValue, parse
from .tree import (GENERIC_LETTERS, all_letters, differentiation_variables, function_usage, items_of, iter_nodes,
                   juxt_items, relation_parts, sum_index_problems)
from .values import fmt_shape, is_mat


def _latex(v, notation=None) -> str:
    from ..present.latex_printer import latex

    try:
        if is_mat(v):
            return latex(sp.ImmutableMatrix(v), notation)
        return latex(v, notation)
    except Exception:  # pragma: no cover - printing must never hide a verdict
        return str(v)


def _bound_letters(rel: Node, defs: Definitions) -> set[str]:
    """Letters used as upper limits of sums and products (\\sum_{i=1}^{n}): whole numbers."""
    out: set[str] = set()
    for n in iter_nodes(rel):
        if n.kind == "postfix" and n.args[0].kind in ("sum", "prod"):
            for sc in n.scripts:
                if sc[0] == "sup":
                    out |= all_letters(sc[1])
    return {x for x in out if x not in defs.symbols}


def _whole_number_letters(rel: Node) -> set[str]:
    """Letters inside a factorial or a binomial coefficient (n!, \\binom{n}{k}): whole numbers."""
    out: set[str] = set()
    for n in iter_nodes(rel):
        if n.kind in ("factorial", "binom"):
            out |= all_letters(n)
    return out


def _function_letters(env, rel: Node, defs: Definitions) -> None:
    """Which letters the claim uses as arbitrary functions, and what a letter written alone means.

    f, g, h, F, G, H, u, v applied to an argument, and any letter with a prime, are functions
    (y(1-y) stays a product); a function letter written alone (f in (fg)') stands for itself
    applied to its arguments elsewhere in the claim, else to the variables differentiated by, else x."""
    applied, primed = function_usage(rel)
    for body in list(defs.symbols.values()):
        a2, p2 = function_usage(body)
        applied.update({k: v for k, v in a2.items() if k not in applied})
        primed |= p2
    composed = _composed_letters(rel)
    letters = ({k for k in applied if k in GENERIC_LETTERS} | primed | composed) - set(defs.symbols) \
        - set(defs.functions) - set(defs.indexed)
    env.function_letters = letters - {"e"}
    variables = differentiation_variables(rel)
    env.implicit_default = variables or next(([a[0]] for a in applied.values() if a and len(a) == 1), ["x"])
    env.implicit_args = {k: v for k, v in applied.items() if v and k in env.function_letters}


def _composed_letters(rel: Node) -> set[str]:
    """Generic letters composed with \\circ (f \\circ g): functions, not numbers."""
    out: set[str] = set()
    for n in iter_nodes(rel):
        if n.kind != "term" or not any(not isinstance(a, Node) and str(a) == "\\circ" for a in n.args):
            continue
        for a in n.args:
            if isinstance(a, Node) and a.kind == "juxt" and len(a.args) == 1 and a.args[0].kind == "postfix" \
                    and a.args[0].args[0].kind == "letter" and str(a.args[0].args[0].args[0]) in GENERIC_LETTERS:
                out.add(str(a.args[0].args[0].args[0]))
    return out


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
    bad = [o for o in ops if o not in EQUALITIES and (network or o not in COMPARISON_OPS)]
    if bad:
        raise NotCheckable(f"'{bad[0]}' states an inequality; only equations (=, \\approx, \\equiv) are checked"
                           + (" for network quantities" if network and bad[0] in COMPARISON_OPS else ""))
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


SIZES = (1, 2, 3, 4)


def check_scalar(claim: str, givens: list[str] = (), at: list[str] = (), seed: int = 20261122,
                 h0=0, conditions: list[str] = ()) -> Result:
    """Check a scalar claim; where a spelling has two readings (\\ln xy, a/bc), under both.

    ``conditions`` ('x > 0', '0 < t < 1') restrict the points to where the claim is stated."""
    t0 = time.perf_counter()
    first = at_vector_lengths(_check_scalar_reading, claim, givens, at, h0, "primary", conditions)
    spots = getattr(first, "spots", [])
    if not spots:
        return first
    other = at_vector_lengths(_check_scalar_reading, claim, givens, at, h0, "alternative", conditions)
    alt_spots = getattr(other, "spots", [])
    if other.verdict == first.verdict:
        first.notes.append("; ".join(spots) + f" (the other reading, where {'; '.join(alt_spots)}, gives the same"
                           " verdict)")
        return first
    fix = two_reading_fix(spots)
    r = Result(claim, "ambiguous", notes=[
        f"the claim has two readings: where {'; '.join(spots)}, it {first.verdict}; where {'; '.join(alt_spots)},"
        f" it {other.verdict}; {fix}"] + first.notes,
        counterexample=first.counterexample or other.counterexample)
    r.seconds = time.perf_counter() - t0
    return r


def _check_scalar_reading(claim, givens, at, h0, reading, conditions=()) -> Result:
    t0 = time.perf_counter()
    rel = parse(claim)
    src = rel.source
    sides, ops = relation_parts(rel)
    if _relation_kind(rel, network=False) == "assignment":
        return Result(claim, "not-checkable", notes=["an assignment (:=, \\leftarrow) is an algorithm step, not"
                                                     " an identity"] + rel.notes)
    defs = Definitions()
    premises, givens = label_premises(givens)    # \sum_k y_k = 1: the labels sum to one
    for g in givens:
        read_definition(g, defs)
    fixed, defs.vectors = dict(read_assignment(a) for a in at), plan_vectors(rel, defs)
    if (r := decide_approx(claim, rel, defs, fixed)) is not None:       # x \approx 0.7616: to those digits
        return r
    problems = sum_index_problems(rel)
    bare = {k: v for k, v in _bare_functions(rel).items() if k not in defs.symbols}   # a given sigma is a value
    bound = _bound_letters(rel, defs)
    for body in list(defs.symbols.values()) + [f.body for f in defs.functions.values()]:
        bound |= _bound_letters(body, defs)
    set_bounds = {k: int(v) for k, v in fixed.items() if k in bound and v.is_Integer}
    fixed = {k: v for k, v in fixed.items() if k not in set_bounds}
    free = free_indices(rel, defs, bound)
    env = _PairEnv(claim, src, defs, fixed, h0, bare, bound - set(set_bounds))
    env.whole = _whole_number_letters(rel) - set(defs.symbols)
    _function_letters(env, rel, defs)
    greek_reading(env, rel, defs, reading)      # \psi(x+y): a function, or \psi times (x+y)
    env.reading = reading
    env.ops = ops
    env.conditions = [parse(c, "condition") for c in conditions]
    env.labels, env.ranged = premises, ranged_indices(rel, defs)
    plan = plan_indices(rel, defs, bound)
    env.plan = plan if plan.active else None
    defined = defines_by_sum(rel, defs, plan.active)
    if defined:
        return Result(claim, "not-checkable", notes=[
            f"a definition of {defined} (nothing else defines it): there is nothing to check; give it with"
            f" --given to use it in a claim"] + rel.notes)
    if plan.active and plan.whole_and_entries:
        raise NotCheckable(f"{plan.whole_and_entries} is written both as a whole and by its entries; a claim"
                           " about the whole vector or matrix is not checked entry by entry here")
    try:
        if env.plan is not None:
            # sums without an upper limit, softmax(z)_i, labels: decided at several lengths (index_sums)
            plan.lengths = [x for x in plan.lengths if x not in set_bounds]
            insts = plan.instances(set_bounds)
            env.integer_names = set()
        else:
            insts = index_choices(free, 3, set_bounds)
        results = _run_links(env, sides, insts)
        sizes_tried = None
    except NeedsSize:
        insts = [c for n in SIZES for c in index_choices(free, n, dict({b: n for b in bound}, **set_bounds))]
        env.integer_names = set()
        env.prove = False       # speed (issue 9.7): checked for some sizes only, whatever a link's proof says
        results = _run_links(env, sides, insts)
        sizes_tried = [n for n in SIZES]
    bad = next((r for r, _ in results if r.verdict not in ("holds", "checked")), None)
    if bad is not None and bad.verdict == "fails" and not premises and (cond := labels_condition(
            env, rel, sides, insts, _run_links, givens)):
        return cond
    if bad is None:     # every link holds; one only checked for some sizes makes the whole claim 'checked'
        bad = next((r for r, _ in results if r.verdict != "holds"), None)
    notes = list(rel.notes)
    for r, _ in results:
        notes.extend(n for n in r.notes if n not in notes)
    if bad is not None:
        inst = next(i for r, i in results if r is bad)
        bad.notes = list(dict.fromkeys(notes + bad.notes))
        shown = {k: v for k, v in inst.items() if k not in set_bounds}
        if shown and bad.counterexample:
            plan = env.plan
            bad.counterexample = ", ".join(
                (f"{k[1:]} is {k[1:]}_{v}" if plan and k[1:] in plan.set_sums else f"label {k[1:]} = {v}")
                if k.startswith("@") else f"{k} = {v}" for k, v in shown.items()) + "; " + bad.counterexample
        if problems:
            bad.notes = problems + bad.notes
            if bad.verdict == "fails":
                bad.verdict = "ambiguous"
        bad = undecided(bad, claim, ops)    # sides that differ may still be 'approximately equal'
        bad.seconds = time.perf_counter() - t0
        bad.spots = env.spots  # type: ignore[attr-defined]
        return bad
    methods = list(dict.fromkeys(r.method for r, _ in results))
    method = "; ".join(methods)
    letters = sorted({k for _, i in results for k in i if k not in set_bounds})
    if env.plan is not None:
        letters = sorted(x for x in letters if x in env.plan.free)
        if env.plan.lengths:
            method = methods[0] + (" (and likewise at the other lengths)" if len(methods) > 1 else "")
            r = Result(claim, "checked", method + (f" (for every choice of {', '.join(letters)})" if letters else ""),
                       [env.plan.note()] + notes, seconds=time.perf_counter() - t0)
            if problems:
                r.verdict, r.notes = "ambiguous", problems + r.notes
            r.spots = env.spots  # type: ignore[attr-defined]
            return r
    if letters:
        method += f" (for every choice of {', '.join(letters)}" + (
            ")" if sizes_tried is None else f" with {', '.join(sorted(bound))} = "
            f"{', '.join(map(str, sizes_tried))})")
    verdict = "holds"
    if sizes_tried is not None:
        verdict = "checked"
        notes.insert(0, f"checked only for {', '.join(sorted(bound))} = {', '.join(map(str, sizes_tried))}:"
                        " a sum over an indexed family with a symbolic limit is not proved for every size")
    if set_bounds:
        method += " at " + ", ".join(f"{k} = {v}" for k, v in set_bounds.items())
    r = Result(claim, verdict, method, notes, seconds=time.perf_counter() - t0)
    if problems:
        r.verdict = "ambiguous"
        r.notes = problems + r.notes
    r.spots = env.spots  # type: ignore[attr-defined]
    return r


class _PairEnv:
    """What every link of one claim is checked with."""

    def __init__(self, claim, src, defs, fixed, h0, bare, integer_names):
        self.claim, self.src, self.defs, self.fixed = claim, src, defs, fixed
        self.h0, self.bare, self.integer_names = h0, bare, integer_names
        self.reading = "primary"       # or "alternative": the other reading of \ln xy, a/bc
        self.spots: list[str] = []     # where the claim has two readings
        self.prove = True              # try the symbolic proof (off where it cannot change the verdict)


def _run_links(env: _PairEnv, sides, insts) -> list[tuple[Result, dict]]:
    """Each link a = b of a chain, for each choice of the indices; stops at the first that fails."""
    out = []
    for inst in insts:
        for k in range(len(sides) - 1):
            try:
                res = _check_scalar_pair(env, sides[k], sides[k + 1], inst, f"{env.src}|{k}|{sorted(inst.items())}",
                                         env.ops[k] if k < len(env.ops) else "=")
            except OutOfRange:
                continue
            out.append((res, inst))
            if res.verdict not in ("holds", "checked"):    # a weak hold goes on to the next link
                return out
    if not out:
        raise LatexError("no choice of the indices names existing entries")
    return out


def _undefined(v) -> bool:
    """Undefined as a whole (1/0, log 0); a case that covers no point (cases without 'otherwise') is
    undefined only at the points it would take, which sampling skips."""
    vals = list(v) if is_mat(v) else [v]
    return any(isinstance(e, sp.Basic) and _uncased(e).has(sp.zoo, sp.nan, sp.oo, -sp.oo) for e in vals)


def _uncased(e):
    if not e.has(sp.Piecewise):
        return e
    def strip(q):
        kept = [(a, c) for a, c in q.args if a is not sp.nan]
        return sp.Piecewise(*kept) if kept else sp.nan
    return e.replace(lambda q: isinstance(q, sp.Piecewise), strip)


def _subs(v, sub):
    return v.xreplace(sub) if not is_mat(v) else v.applyfunc(lambda e: e.xreplace(sub))


def _check_scalar_pair(env: _PairEnv, ln, rn, inst, key, op="=") -> Result:
    claim, src, fixed = env.claim, env.src, env.fixed
    ctx = ScalarContext(env.defs, env.h0)
    ctx.bare_functions = env.bare or {}
    ctx.integer_names = set(env.integer_names) | getattr(env, "whole", set())
    ctx.function_letters = set(env.function_letters)
    ctx.implicit_args, ctx.implicit_default = env.implicit_args, env.implicit_default
    ctx.family_mode = bool(env.integer_names)
    ctx.indices.update(inst)
    plan = getattr(env, "plan", None)
    if plan is not None:
        ctx.open_lengths, ctx.vector_lengths, ctx.label_lengths = plan.open_sums, plan.vectors, plan.labels
        ctx.set_sums = plan.set_sums
        ctx.generic_costs = True     # C_0, E_n, L_i nothing defines: arbitrary functions of the variables
    from .calls import LimitDoesNotExist

    missing = []
    try:
        try:
            lhs, n1 = _interp_side(ctx, ln, src, env.reading, env.spots)
        except LimitDoesNotExist as e:
            missing.append(str(e))
        try:
            rhs, n2 = _interp_side(ctx, rn, src, env.reading, env.spots)
        except LimitDoesNotExist as e:
            missing.append(str(e))
    except UndefinedValue as e:
        return Result(claim, "not-checkable", notes=[f"undefined: {e}"])
    if len(missing) == 2:
        return Result(claim, "not-checkable", notes=missing)
    if missing:      # the claim says a limit that does not exist equals something
        return Result(claim, "fails", counterexample=missing[0])
    notes = list(dict.fromkeys(n1 + n2 + ctx.sum_notes))
    try:
        lhs, rhs = _antiderivatives(lhs, rhs, ctx, notes)
    except _NotAnAntiderivative as e:
        return Result(claim, "fails", notes=notes, counterexample=str(e))
    conds = _conditions(ctx, env, notes)
    # a_j at j = 3 beside \sum_{i=1}^{H} a_i is an entry only where H >= 3: the lengths sampled no smaller
    conds += [ctx.sym(b) >= v for b in sorted(env.integer_names) for k, v in inst.items()
              if k in getattr(env, "ranged", ()) and isinstance(v, int) and v > 1]
    if not is_mat(lhs) and not is_mat(rhs) and lhs in (sp.oo, -sp.oo) and lhs == rhs and op == "=":
        return Result(claim, "holds", f"both sides are {'+' if lhs == sp.oo else '-'}\u221e", notes)
    for side, v, other in (("left", lhs, rhs), ("right", rhs, lhs)):
        if op == "=" and not is_mat(v) and v in (sp.oo, -sp.oo) and not is_mat(other) \
                and isinstance(other, sp.Basic) and not _undefined(other):
            # a limit, integral or series that diverges to infinity has no finite value (1/0 is zoo, not this)
            return Result(claim, "fails", notes=notes, counterexample=(
                f"the {side} side is {'+' if v == sp.oo else '-'}\u221e (it diverges), the {'right' if side == 'left' else 'left'}"
                f" side is finite"))
        if _undefined(v):
            return Result(claim, "not-checkable", notes=[f"the {side} side is undefined (a division by zero, or"
                                                         f" the logarithm of 0?): it evaluates to {v}"] + notes)
    domains = list(dict.fromkeys(ctx.domains))
    if fixed:
        sub = {ctx.sym(k): v for k, v in fixed.items()}
        lhs, rhs = _subs(lhs, sub), _subs(rhs, sub)
        domains = [d.xreplace(sub) for d in domains]
    if is_mat(lhs) or is_mat(rhs):
        if fmt_shape(lhs) != fmt_shape(rhs):
            return Result(claim, "fails", notes=notes,
                          counterexample=f"the left side is {fmt_shape(lhs)}, the right side {fmt_shape(rhs)}")
    if getattr(env, "labels", None):      # the labels sum to one: the last entry eliminated (label_sums)
        if (got := constrain(lhs, rhs, env.labels)) is None:
            return Result(claim, "not-checkable", notes=["the labels' entries are not y_1..y_K here: their sum"
                                                         " cannot be used"])
        lhs, rhs = got
    lhs, rhs, conds, domains = impose_equalities(lhs, rhs, conds, domains, ctx, notes)   # since sum y_k = 1
    at_txt = (" at " + ", ".join(f"{k} = {v}" for k, v in fixed.items())) if fixed else ""
    if op in COMPARISON_OPS:
        return check_inequality(claim, op, lhs, rhs, key, conds, domains, notes, at_txt)
    proved = _expands_to_zero(lhs, rhs) if env.prove else False
    if env.prove and not proved and not is_mat(lhs) and not is_mat(rhs):
        proved = sums_agree(lhs, rhs)     # sums with no closed form: by linearity, then their summands
    symbols = sorted(set().union(*[getattr(e, "free_symbols", set()) for e in
                                   (list(lhs) if is_mat(lhs) else [lhs]) + (list(rhs) if is_mat(rhs) else [rhs])]),
                     key=str)
    symbols = sorted(set(symbols) | {q for c in conds for q in c.free_symbols}
                     | {q for d in domains for q in d.free_symbols if isinstance(q, sp.Symbol)}, key=str)
    kinks = [(f.xreplace(sub), v) for f, v in ctx.differentiated] if fixed else list(ctx.differentiated)
    kinks = [(f, v) for f, v in kinks if v in f.free_symbols]
    cmp = compare_values(lhs, rhs, symbols, key, min_points=3 if proved else 8, conditions=conds,
                         domains=domains, differentiated=kinks)
    if env.conditions and cmp.equal:
        notes.append("checked where " + ", ".join(getattr(r, "source", "") for r in env.conditions))
    notes += [n for n in cmp.notes if n not in notes]
    if cmp.equal:
        open_sums = _symbolic_limits(lhs, rhs)
        if open_sums and not proved:
            values = "; ".join(f"{k} = {', '.join(map(str, v))}" for k, v in sorted(cmp.integers.items())
                               if k in open_sums)
            return Result(claim, "checked", f"{cmp.how}{at_txt}", [
                f"checked only for {values}: a sum or product up to {', '.join(sorted(open_sums))} without a"
                " closed form is not proved for every value"] + notes)
        if proved:
            how = "symbolic proof (the sides expand to the same expression)"
            notes = [n for n in notes if "has no closed form" not in n]
        elif not symbols:
            how = "exact evaluation" if "exact" in cmp.how else cmp.how.split(" at ")[0]
        else:
            how = cmp.how
        return Result(claim, "holds", how + at_txt, notes)
    if cmp.undecided:
        if proved:
            return Result(claim, "not-checkable", notes=[f"the sides are the same expression, but {cmp.undecided}"]
                          + notes)
        return Result(claim, "not-checkable", notes=[cmp.undecided] + notes)
    cx = f"{cmp.where or 'every point'}{at_txt}: left side = {cmp.lhs_value}, right side = {cmp.rhs_value}"
    if str(cmp.lhs_value) == str(cmp.rhs_value):
        cx += " (they differ beyond the digits shown)"
    if cmp.kink:
        return Result(claim, "fails", "", notes, counterexample=cx,
                      convention=f"the value at the kink {cmp.where} (a convention: the checker takes ReLU'(0) ="
                                 f" step(0) = {env.h0}; elsewhere the sides agree)")
    # without free symbols every point is the same point: a constant ratio says nothing
    sided = [q for v in (lhs, rhs) for e in (list(v) if is_mat(v) else [v]) for q in getattr(e, "free_symbols", ())]
    convention = _ratio_convention(cmp.ratios) if sided else ""
    correct = ""
    if _has_derivative(ln) and not _has_derivative(rn):
        correct = _latex(_tidy(lhs))
    elif _has_derivative(rn) and not _has_derivative(ln):
        correct = _latex(_tidy(rhs))
    generic = sorted({g.gname for v in (lhs, rhs) for e in (list(v) if is_mat(v) else [v])
                      for g in getattr(e, "atoms", lambda *a: set())(GenericFunction)})
    if generic:
        names = ", ".join(generic)
        notes.append(f"{names} {'is an arbitrary function' if len(generic) == 1 else 'are arbitrary functions'}"
                     f" here (nothing defines {'it' if len(generic) == 1 else 'them'}): the claim does not hold"
                     f" for every differentiable {names}; give one with --given '{generic[0]}(x) = ...' to check"
                     " it for that function")
        if isinstance(lhs, GenericFunction) or isinstance(rhs, GenericFunction):
            correct = ""
    return Result(claim, "fails", "", notes, counterexample=cx, correct=correct, convention=convention)


_JUMPS = JUMPS


class _NotAnAntiderivative(Exception):
    """The claimed antiderivative jumps where the integrand is defined (the claim fails)."""


def _antiderivatives(lhs, rhs, ctx, notes):
    """\\int f\\,dx = F + C holds when F' = f (wherever F is defined): with an indefinite integral on
    either side, both sides are differentiated by its variable (the constant C drops out)."""
    from .calls import Antiderivative

    found = [a for v in (lhs, rhs) if not is_mat(v) and isinstance(v, sp.Basic) for a in v.atoms(Antiderivative)]
    if not found:
        return lhs, rhs
    if is_mat(lhs) or is_mat(rhs):
        raise NotCheckable("antiderivatives of matrices are not checked")
    ts = {a.args[1] for a in found}
    if len(ts) != 1:
        raise NotCheckable("indefinite integrals by different variables in one claim")
    t = ts.pop()
    for v in (lhs, rhs):     # the claimed antiderivative must itself be defined where it is differentiated
        rest = v.replace(lambda e: isinstance(e, Antiderivative), lambda e: sp.Integer(0))
        if rest.has(*_JUMPS):
            jump = jump_of(rest, found[0].args[0], t)
            if jump is not None:
                raise _NotAnAntiderivative(f"{jump}, where the integrand is defined: an antiderivative is"
                                           " continuous there")
            # F' = f away from a jump does not make F an antiderivative (sign(x) is not one of 0)
            raise NotCheckable("an antiderivative with steps, jumps or cases (sign, H, floor, cases) is not"
                               " checked: its derivative away from the jumps does not decide it")
        if rest.free_symbols and not rest.has(sp.zoo, sp.nan):
            ctx.domains.append(rest)
    notes.append(f"an indefinite integral: checked by differentiating both sides by {t} (an antiderivative is"
                 " determined up to a constant)")
    return sp.diff(lhs, t), sp.diff(rhs, t)


def _conditions(ctx, env, notes) -> list:
    """The stated conditions as SymPy relations (x > 0); x \\in \\mathbb{R} says nothing new."""
    out = []
    for rel in env.conditions:
        sides, ops = relation_parts(rel)
        if ops == ["\\in"]:
            got = _interval(ctx, rel, sides)
            if got is None:
                notes.append(f"the condition {rel.source!r} is not used (symbols are real numbers)")
            out.extend(got or [])
            continue
        vals = [Interpreter(ctx, rel.source).value(s) for s in sides]
        for a, op, b in zip(vals, ops, vals[1:]):
            if is_mat(a) or is_mat(b):
                raise ClaimError(f"the condition {rel.source!r} compares matrices")
            rel_cls = {">": sp.StrictGreaterThan, "<": sp.StrictLessThan, "\\gt": sp.StrictGreaterThan,
                       "\\lt": sp.StrictLessThan, "\\ge": sp.GreaterThan, "\\geq": sp.GreaterThan,
                       "\\geqslant": sp.GreaterThan, "\\le": sp.LessThan, "\\leq": sp.LessThan,
                       "\\leqslant": sp.LessThan, "\\ne": sp.Ne, "\\neq": sp.Ne, "=": sp.Eq}.get(op)
            if rel_cls is None:
                raise ClaimError(f"cannot use the condition {rel.source!r}")
            c = rel_cls(a, b)
            if c is sp.false:
                raise NotCheckable(f"the condition {rel.source!r} never holds")
            if c is not sp.true:
                out.append(c)
    return out


def _interval(ctx, rel, sides):
    """x \\in (a, b), [a, b], (0, \\infty) as SymPy relations, or None for a set it does not know."""
    items = juxt_items(sides[1])
    if not items or len(items) != 1 or items[0].kind != "postfix" or items[0].scripts:
        return None
    b = items[0].args[0]
    if b.kind not in ("paren", "bracket") or len(items_of(b)) != 2:
        return None
    lo_node, hi_node = items_of(b)
    interp = Interpreter(ctx, rel.source)
    x, lo, hi = interp.value(sides[0]), interp.value(lo_node), interp.value(hi_node)
    closed = b.kind == "bracket"
    out = []
    if lo != -sp.oo:
        out.append(sp.GreaterThan(x, lo) if closed else sp.StrictGreaterThan(x, lo))
    if hi != sp.oo:
        out.append(sp.LessThan(x, hi) if closed else sp.StrictLessThan(x, hi))
    return out


def _symbolic_limits(*values) -> set[str]:
    """Letters in the limits of sums and products the sides still contain (no closed form)."""
    out: set[str] = set()
    for v in values:
        for e in (list(v) if is_mat(v) else [v]):
            for s in getattr(e, "atoms", lambda *a: set())(sp.Sum, sp.Product):
                for lim in s.limits:
                    out |= {str(x) for x in lim[1].free_symbols | lim[2].free_symbols
                            if x not in {l[0] for l in s.limits}}
    return out


def _expands_to_zero(lhs, rhs) -> bool:
    """lhs - rhs expands to 0 (cheap symbolic proof; skipped for expressions that would blow up)."""
    # speed (issue 9.7): proof.py tells most differences that are not 0 at one point, without expanding,
    # and remembers results; the expansion itself, its 0.5 s budget and its size limits are as they were
    from .proof import expands_to_zero

    d = lhs - rhs
    return expands_to_zero(list(d) if is_mat(d) else [d])


def _tidy(e):
    if is_mat(e):
        return e.applyfunc(_tidy)
    return _tidy_entry(e)


@functools.lru_cache(maxsize=512)
def _tidy_entry(e):
    # remembered (speed, issue 9.7): a slip search re-checks rewrites of one claim, whose left side (the
    # derivative it states the correct form of) is the same each time; factor and expand are deterministic
    try:
        cands = [e, sp.factor(e), sp.expand(e)]
    except Exception:  # pragma: no cover
        return e
    return min(cands, key=lambda x: (sp.count_ops(x), len(str(x))))
