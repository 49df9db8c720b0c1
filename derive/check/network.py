"""Network claims: checked on witness instances of the spec's network, with shape claims and engine hints."""

from __future__ import annotations

import math
import random
import time

import sympy as sp

from .compare import ClaimError, NotCheckable, Result, _ratio_convention, _shown_name, compare_values, loss_is_mean
from .context import Definitions, ScalarContext
from .definitions import read_definition
from .interpret import Interpreter
from .network_context import SAMPLE_LETTERS, NetworkContext
from .scalar import _relation_kind
from .syntax import LatexError, Node, OutOfRange, ShapeMismatch, parse
from .tokens import Token
from .tree import (
    all_letters,
    atom_key,
    free_index_letters,
    iter_nodes,
    juxt_items,
    plain_text,
    relation_parts,
    summation_letters,
)
from .values import MATRIX_POWER_NOTE, SQUARE_NOTE, fmt_shape, is_mat, norm

# Letters that, where a profile gives them to a per-sample role, name the whole batch's matrix (one
# sample per column): A^{l}, Z^{l}, X, Y, \Delta^{l}. A claim in them is about a batch, so it is
# checked on one (a claim true for one sample only, e.g. missing its 1/N, must not hold).
BATCH_LETTERS = frozenset({"A", "Z", "X", "Y", "Delta"})


def _mentions_batch(rel: Node, profile) -> bool:
    letters = all_letters(rel)
    count = profile.extra("samples") if hasattr(profile, "extra") else ""
    if "N" in letters or (count and count in letters):
        return True
    return sample_letter(profile) in summation_letters(rel)


def _batch_capitals(rel: Node, profile) -> bool:
    """Whether the claim writes a batch matrix (A^{l}, Z^{[l]}, X, \\Delta^{l}) of the profile."""
    from .roles import profile_roles
    from .tree import atom_key, iter_nodes

    batch = {e.key[0] for e in profile_roles(profile)
             if e.role in ("act", "preact", "input", "target", "delta")} & BATCH_LETTERS
    used = {atom_key(n)[0] for n in iter_nodes(rel) if n.kind == "postfix" and atom_key(n) is not None}
    return bool(batch & used)


def sample_letter(profile) -> str:
    """The letter a profile sums over the samples with (\\sum_x in Nielsen, \\sum_n by default)."""
    if hasattr(profile, "extra") and profile.extra("sample_letter"):
        return profile.extra("sample_letter")
    return SAMPLE_LETTERS.get(profile.name.split("+")[0], "n")


_DERIVED: dict = {}    # id(spec) -> (spec, the engine's derivation): a document asks for its hints again and again


def _engine_hint(ln: Node, spec, ctx: NetworkContext, interp) -> str:
    """The engine's equation for a left side like dL/dW^l, delta^l, z^l or a^l (as LaTeX)."""
    from ..engine import build
    from ..present.latex_printer import latex

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
        hit = _DERIVED.get(id(spec))
        if hit is None or hit[0] is not spec:
            if len(_DERIVED) > 16:
                _DERIVED.clear()
            hit = _DERIVED[id(spec)] = (spec, build(spec, spec.conventions.layout))
        eq = hit[1].equation(name)
        return latex(eq.rhs, ctx.profile)
    except Exception:  # pragma: no cover - a hint must never hide a verdict
        return ""


def check_network(claim: str, spec, notation: str | None = None, givens=(), seed: int = 20261122,
                  points: int = 2, profile=None, witnesses=None, make_ctx=None, hint: bool = True,
                  point_key: str | None = None, name_ratios: bool = True) -> Result:
    """A claim about the spec's network, on its witness instances (or the ones given); ``make_ctx``
    builds the context of one instance (a generic network's, for claims without a spec). ``point_key``:
    the text the sample points are drawn from instead of the claim's (the slip search checks every
    rewrite of a claim at the claim's own points, where the left side's values are already computed);
    ``name_ratios``: False when only the verdict matters (no search for a constant factor where it fails)."""
    from ..present.notation import any_profile, profile_for
    from ..spec import NetworkSpec
    from ..verify import witness_widths

    t0 = time.perf_counter()
    if profile is None:
        profile = any_profile(notation) if notation else profile_for(spec.notation)
    make_ctx = make_ctx or NetworkContext
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
    witnesses = list(witnesses) if witnesses else [w for w, _ in witness_widths(spec)]
    if kind == "shape":
        r = check_shape_claim(claim, src, sides, spec, profile, defs, witnesses)
        r.notes = rel.notes + r.notes
        r.seconds = time.perf_counter() - t0
        return r
    if _numeric_limits(rel):
        own = tuple(spec.layers)
        if max(own) > 8 or math.prod(int(d) for d in own) > 512:
            return Result(claim, "not-checkable", notes=[
                "a sum with a numeric upper limit is checked on the spec's own widths"
                f" ({'-'.join(map(str, own))}), which are too large to expand; write the sum without the"
                " limit (\\sum_{j}) to sum over every unit"] + rel.notes, seconds=time.perf_counter() - t0)
        witnesses = [own]
    elif make_ctx is NetworkContext and max(spec.layers) <= 8 and _explicit_units(rel, profile):
        # a sum of paths through units 1 and 2 of layer 2 is the chain rule of the spec's network, whose
        # layer 2 has 2 units, not of a wider one: a claim naming units by number is about the spec's widths
        witnesses = [tuple(spec.layers)]
    capitals = _batch_capitals(rel, profile)
    batch_claim = capitals or _mentions_batch(rel, profile)
    primary = 2 if batch_claim else 1

    skipped: set = set()

    def run(batch, only=None, order=None):
        results = []
        for widths in (order or witnesses)[:only]:
            if results and results[-1].verdict != "holds":
                break       # one witness that fails decides; the rest would only repeat the verdict
            try:
                results.append(_network_pair_modes(src, sides, spec, widths, batch, profile, defs, rng, points,
                                                   make_ctx, point_key, name_ratios))
            except NoEntries:
                # a claim about unit 3 (z_{2,3}) is about the networks that have one: a smaller witness is
                # skipped (and not named as checked), never the spec's own widths
                if tuple(widths) == tuple(spec.layers):
                    raise
                skipped.add(tuple(widths))
        if not results:
            raise NoEntries("no value of the free indices names existing entries of the network")
        return results

    try:
        res = run(primary)
    except NotCheckable as e:
        res = [Result(claim, "not-checkable", notes=[str(e)])]
    if res[0].verdict != "holds" and not batch_claim:
        from .entrywise import entrywise

        ew = entrywise(claim, rel, sides, spec, profile, defs, witnesses, make_ctx)
        if ew is not None:
            ew.seconds = time.perf_counter() - t0
            return ew
    if res[0].verdict == "not-checkable":
        res[0].seconds = time.perf_counter() - t0
        return res[0]
    for r in res:
        r.claim = claim
    bad = [r for r in res if r.verdict != "holds"]
    notes = list(rel.notes)
    for r in res:
        notes.extend(n for n in r.notes if n not in notes)
    wtxt = ", ".join("-".join(map(str, w)) for w in witnesses if tuple(w) not in skipped)
    if not bad:
        method = (f"{res[0].method} on witness widths {wtxt} (batch of {primary}"
                  f"{' sample' if primary == 1 else ' samples'})")
        out = Result(claim, "holds", method, notes)
        if primary == 1 and spec.conventions.batch == "mean":
            try:
                # a note, not a verdict: the smallest witness that has the claim's entries shows a 1/N factor
                small = sorted((w for w in witnesses if tuple(w) not in skipped), key=lambda w: (math.prod(int(d) for d in w), w))
                more = run(2, only=1, order=small)
            except (NotCheckable, ShapeMismatch, LatexError, OutOfRange):
                more = []
            if any(r.convention.startswith("a 1/N") for r in more):
                out.notes.append("for one sample; over a batch of N the cost is the mean over the samples, so the"
                                 " batch form needs a 1/N factor")
        out.seconds = time.perf_counter() - t0
        return out
    b = bad[0]
    b.notes = list(dict.fromkeys(notes + b.notes))
    if b.verdict == "fails" and primary == 2 and not b.convention and not capitals:
        try:
            single = run(1)
        except (NotCheckable, LatexError, ShapeMismatch, OutOfRange):
            single = []
        if single and all(r.verdict == "holds" for r in single):
            b.verdict = "ambiguous"
            b.notes.insert(0, "holds for a single sample but not over a batch: the claim mixes a"
                              " per-sample quantity with a sum over the batch")
    if isinstance(spec, NetworkSpec) and hint:
        ctx = NetworkContext(spec, witnesses[0], primary, profile, defs)
        hint = _engine_hint(sides[0], spec, ctx, Interpreter(ctx, src))
        if hint:
            b.correct = hint
    b.seconds = time.perf_counter() - t0
    return b




def _network_pair_modes(claim, sides, spec, widths, batch, profile, defs, rng, points, make_ctx=None,
                        point_key=None, name_ratios=True) -> Result:
    """(v)^2 of a vector is a squared norm in a loss but element-wise in 1-(a^{l})^2: try both."""
    make_ctx = make_ctx or NetworkContext
    r = _network_pair_all(claim, sides, spec, widths, batch, profile, defs, rng, points, "norm", make_ctx, point_key,
                          name_ratios)
    if r.verdict != "holds" and (SQUARE_NOTE in r.notes or MATRIX_POWER_NOTE in r.notes
                                 or "cannot raise a" in (r.counterexample or "")):
        r2 = _network_pair_all(claim, sides, spec, widths, batch, profile, defs, rng, points, "elementwise",
                               make_ctx, point_key, name_ratios)
        if r2.verdict == "holds":
            r2.notes = [n for n in r2.notes if n not in (SQUARE_NOTE, MATRIX_POWER_NOTE)] + [
                "powers of vectors and matrices are read entry by entry (as in 1-(a^{l})^{2}); read as a squared"
                " norm or a matrix power the claim does not hold"]
            return r2
    return r


def _explicit_units(rel: Node, profile) -> bool:
    """Whether the claim names a unit of a layer by number (z^{2}_{1}, z_{2,1}, W^{2}_{1j})."""
    from .network_context import profile_roles

    layer_at = {e.key: e.layer_pos for e in profile_roles(profile) if e.layer_pos}
    for n in iter_nodes(rel):
        if n.kind != "postfix" or atom_key(n) not in layer_at:
            continue
        for kind, arg in n.scripts[:2]:
            t = _script_text(arg) if kind in ("sub", "sup") else None
            if t is None:
                continue
            units = t.split(",", 1)[1] if kind == layer_at[atom_key(n)] and "," in t else (
                "" if kind == layer_at[atom_key(n)] else t)
            if any(ch.isdigit() for ch in units):
                return True
    return False


def _script_text(arg) -> str | None:
    """A script's plain text, a comma list included (article 004's z_{2,1} is the list 2, 1)."""
    t = plain_text(arg)
    if t is None and arg.kind == "sbrace" and len(arg.args) == 1 and getattr(arg.args[0], "kind", "") == "list":
        parts = [plain_text(x) for x in arg.args[0].args]
        t = None if None in parts else ",".join(parts)
    return t


class NoEntries(LatexError):
    """No value of a claim's free indices names entries of this network (z_{2,3} on a 2-2-2 witness)."""


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
            out |= {x for x in getattr(e, "free_symbols", set()) if x not in known and not x.is_Dummy}
    return [_shown_name(x) for x in sorted(out, key=str)]


def _rate_symbols(ctx, vals) -> list:
    """The foreign symbols that are conventionally numbers (a penalty's lambda, a rate eta): sampled as
    scalars like the network's own. Any other foreign letter may be a vector the text defines elsewhere,
    so it stays undefined (not-checkable)."""
    from .matrix_types import RATES

    known = set(ctx.param_symbols())
    out = set()
    for v in vals:
        for e in (list(v) if is_mat(v) else [v]):
            out |= {x for x in getattr(e, "free_symbols", set())
                    if x not in known and not x.is_Dummy and str(x) in RATES}
    return sorted(out, key=str)


NOT_THE_NOTATIONS = "not defined (not a letter of the notation)"


def _unknown_shapes(ctx, sides, why) -> None:
    """A shape mismatch where a letter of the claim that the notation does not define was read as a
    number (Goodfellow's g, a running gradient) proves nothing: it may be a vector or a matrix. Raises
    NotCheckable then (a letter only a given's cost uses, its lambda, is a number there)."""
    from .tree import iter_nodes

    written = {atom_key(n)[0].lstrip("\\") for s in sides for n in iter_nodes(s)
               if n.kind == "postfix" and atom_key(n) is not None}
    known = set(ctx.param_symbols())
    read = sorted(str(x) for x in getattr(ctx, "numbers_read", ())
                  if x not in known and not x.is_Dummy and (str(x) in written or str(x).split("_")[0] in written))
    if read:
        raise NotCheckable(f"{', '.join(read)} {'is' if len(read) == 1 else 'are'} {NOT_THE_NOTATIONS},"
                           f" and read as a number the sides do not fit ({why}); define"
                           f" {'it' if len(read) == 1 else 'them'} with --given, or in the document before")


def _network_pair_all(claim, sides, spec, widths, batch, profile, defs, rng, points, square="norm",
                      make_ctx=None, point_key=None, name_ratios=True) -> Result:
    key_text = point_key or claim

    rel_node = Node("relation", tuple(sides))
    from .network_letters import layer_letters

    free = sorted((free_index_letters(rel_node) | _free_layer_letters(sides) | layer_letters(rel_node, profile))
                  - summation_letters(rel_node)
                  - {"L", "N", "T", profile.extra("samples")} - set(defs.symbols))
    maxw = max(widths)
    combos = [{}]
    for letter in free:
        combos = [dict(c, **{letter: v}) for c in combos for v in range(0, maxw + 1)]
    combos = combos[:200]
    method = ""
    checked = 0
    notes: list[str] = []
    for inst in combos:
        ctx = (make_ctx or NetworkContext)(spec, widths, batch, profile, defs)
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
            _unknown_shapes(ctx, sides, e)
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
                _unknown_shapes(ctx, sides, f"the left side is {fmt_shape(lhs)}, the right side {fmt_shape(rhs)}")
                conv = ""
                if is_mat(lhs) and is_mat(rhs) and lhs.shape == rhs.T.shape:
                    c = compare_values(lhs, rhs.T, ctx.param_symbols(), f"{key_text}|T|{widths}|{inst}",
                                       _value_maker(ctx, spec, widths, batch), min_points=points, search_vars=1)
                    if c.equal:
                        conv = "a transpose (the sides are each other's transpose: a layout convention)"
                where = f" (witness widths {'-'.join(map(str, widths))}, batch {batch})"
                return Result(claim, "fails", notes=notes, convention=conv,
                              counterexample=f"shapes differ: the left side is {fmt_shape(lhs)}, the right"
                              f" side {fmt_shape(rhs)}{where}")
            # the same points for every value of the free indices: the entries share one reverse sweep and
            # one forward pass per point (each entry is still decided at every point on its own)
            cmp = compare_values(lhs, rhs, ctx.param_symbols() + _rate_symbols(ctx, vals),
                                 f"{key_text}|{k}|{widths}|{batch}",
                                 _value_maker(ctx, spec, widths, batch), min_points=points, search_vars=1,
                                 name_ratios=name_ratios)
            notes.extend(n for n in cmp.notes if n not in notes)
            if cmp.undecided:
                raise NotCheckable(cmp.undecided)
            if not cmp.equal:
                conv = _ratio_convention(cmp.ratios, batch, loss_is_mean(spec))
                inst_txt = ", ".join(f"{k2} = {v}" for k2, v in inst.items())
                where = f"witness widths {'-'.join(map(str, widths))}, batch {batch}" + (
                    f", {inst_txt}" if inst_txt else "")
                return Result(claim, "fails", notes=notes, convention=conv,
                              counterexample=f"{where}; {cmp.where}: left side = {cmp.lhs_value},"
                              f" right side = {cmp.rhs_value}")
            method = cmp.how
    if not checked:
        raise NoEntries("no value of the free indices names existing entries of the network")
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
    import numpy as np

    from ..verify import _targets

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
        foreign = _foreign_symbols(ctx, [v])
        if foreign:   # a letter the notation does not have is an unknown number, not a 1x1 quantity
            raise ClaimError(f"{', '.join(foreign)} {'is' if len(foreign) == 1 else 'are'} not a symbol of the"
                             f" {profile.name} notation; write the quantity in its letters or choose the notation"
                             " with --notation")
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
