"""Every check in a worker process with a time limit, and one claim's result as text."""

from __future__ import annotations

import re

import multiprocessing as mp

from ..errors import NNDeriveError
from .bar_notation import rewrite_bars
from .chain_notation import read_chain_claim, restore_letters
from .compare import DEFAULT_TIMEOUT, ClaimError, NotCheckable, Result
from .dependence import hidden_dependence
from .derivative_matrix import rewrite_derivative_matrices
from .generic_network import check_generic_network
from .gradient_tuples import gradient_tuple
from .index_sets import drop_named_sets
from .layer_chain import read_layer_chain_claim
from .matrix_claims import check_matrix
from .network import NOT_THE_NOTATIONS, check_network
from .network_letters import forward_profile
from .param_vectors import writes_entries_of_vectors
from .probability import refusal as probability_refusal
from .sample_argument import strip_sample_argument
from .scalar import check_scalar
from .scalar_fallback import _writes_dnames, scalar_reading
from .slips import explain_network, explain_scalar
from .statements import point_values, split_statements
from .syntax import LatexError, OutOfRange, ShapeMismatch, prescan, strip_math
from .unit_notation import read_stated
from .unit_notation import translate as translate_units
from .wording import shape_in_words

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


# how bad a verdict is, when several statements of one line are combined
SEVERITY = ("holds", "conditional", "checked", "not-checkable", "ambiguous", "error", "fails")


def check_claim(claim: str, *, givens=(), at=(), spec=None, notation=None, seed=20261122) -> Result:
    """Check one line in-process (scalar without a spec, network with one).

    A line with several statements (a = b, \\quad c = d) gives a Result whose ``parts`` hold each
    statement's Result and whose verdict is the worst of theirs."""
    if isinstance(claim, str):
        from .dnames import read_dnames

        read, read_givens, dnotes = read_dnames(claim, tuple(givens))
        if read != claim or read_givens != tuple(givens):   # Ng's dz = \frac{dL}{dz} = a - y, dw_1 = x_1 dz
            r = check_claim(read, givens=read_givens, at=at, spec=spec, notation=notation, seed=seed)
            r.claim, r.notes = claim, dnotes + r.notes
            return r
        stripped, _ = strip_math(claim)
        if (refused := probability_refusal(stripped)) is not None:     # \mathbb{E}[X], \mathrm{Var}(X)
            return Result(claim, "not-checkable", notes=[refused])
        tupled = gradient_tuple(stripped)
        if tupled:   # \nabla f(x, y) = (2x, 2y): one partial derivative per argument
            r = check_claim(tupled, givens=givens, at=at, spec=spec, notation=notation, seed=seed)
            r.claim, r.notes = claim, [f"read entry by entry: {tupled}"] + r.notes
            return r
        worded = shape_in_words(stripped)
        if worded:  # 'W_2 is 3 \times 2': a shape claim in words
            r = _check_one(worded, givens, at, spec, notation, seed, ())
            r.claim, r.notes = claim, [f"read as {worded}"] + r.notes
            return r
        if stripped.strip():
            prescan(stripped)      # characters outside LaTeX are refused for the whole line
        stmts = split_statements(stripped) if stripped.strip() else []
        claims = [st for st in stmts if st.claim]
        if len(claims) > 1 or (claims and (claims[0].conditions or claims[0].notes or claims[0].update)) \
                or (claims and len(stmts) > 1):
            defined, claims, givens = _line_definitions(claims, givens, spec)
            if not claims:
                return Result(claim, "not-checkable", notes=[
                    "only definitions (" + "; ".join(defined) + "): nothing to check"])
            parts = [_check_statement(st, givens, at, spec, notation, seed) for st in claims]
            if defined:
                for p in parts:
                    p.notes.append("with " + "; ".join(defined) + " as stated on the same line")
            if len(parts) == 1:
                return parts[0]
            worst = max(parts, key=lambda r: SEVERITY.index(r.verdict) if r.verdict in SEVERITY else 3)
            out = Result(claim, worst.verdict, notes=[f"{len(parts)} statements, each checked on its own"])
            out.parts = parts
            out.seconds = sum(p.seconds for p in parts)
            return out
    try:
        return _check_one(claim, givens, at, spec, notation, seed, ())
    except LatexError as e:
        if isinstance(claim, str) and "an ellipsis cannot be checked" in str(e):
            # g(x_1, \ldots, x_n) = ...: well-formed TeX whose elided terms have no value to check
            return Result(claim, "not-checkable", notes=[str(e).splitlines()[0]])
        unread = any(k in str(e) for k in ("write a gradient", "is not defined", "is not supported",
                                           "are not checked", "is not understood"))   # not malformed TeX
        if unread and isinstance(claim, str) and _only_approximations(claim):
            # \Delta C \approx \nabla C \cdot \Delta v: an approximation is not decided in any reading
            return Result(claim, "not-checkable", notes=[
                "an approximation (\\approx) is not an identity and is not decided; it could not be read either: "
                + str(e).splitlines()[0]])
        raise


def _only_approximations(text: str) -> bool:
    """Whether every top-level relation of the claim is \\approx."""
    from .statements import _top_relations
    from .tokens import tokenize

    body = strip_math(text)[0]
    depth = 0
    for t in tokenize(body):      # malformed TeX (an unclosed brace) stays an error
        depth += t.is_char("{([") - t.is_char("})]")
        if depth < 0:
            return False
    rels = _top_relations(body)
    return depth == 0 and bool(rels) and all(r == "approx" for r in rels)


def _line_definitions(claims, givens, spec):
    """The statements of one line that define a name for the ones after it (CS231n's
    ``q = x + y \\hspace{0.5in} \\implies \\frac{\\partial q}{\\partial x} = 1``): (what each defines,
    the statements left to check, the givens with the definitions added). A statement is a
    definition when its left side is a name nothing gives a meaning to, its right side does not
    mention it, and a later statement of the line uses it (a name nothing uses is a claim about a
    free symbol, reported as such)."""
    givens = list(givens)
    defined, rest = [], []
    for k, st in enumerate(claims):
        name = None if st.update or st.conditions else _introduces(st.text, givens, spec)
        if name and any(_uses_text(s.text, name) for s in claims[k + 1:]):
            givens.append(st.text)
            defined.append(st.text)
            continue
        rest.append(st)
    return defined, rest, tuple(givens)


def _defines_function(givens, spelling: str) -> bool:
    """Whether a given defines the function spelled so (f(z) = ..., the activation's letter)."""
    base = spelling.split("^")[0].strip()
    return any(g.replace(" ", "").startswith(base + "(") for g in givens)


def _introduces(text: str, givens, spec) -> str | None:
    """The letter an equation defines (q of q = x + y, f of f(x, y) = xy), or None: its left side is a
    letter (with subscripts, or applied to parameters) that no given defines, that is no builtin and no
    network symbol, and its right side does not mention it."""
    from .context import builtin_function
    from .syntax import parse
    from .tree import atom_key, juxt_items, relation_parts

    try:
        rel = parse(text)
    except LatexError:
        return None
    sides, ops = relation_parts(rel)
    items = juxt_items(sides[0]) if len(sides) == 2 and ops[0] == "=" else None
    if not items or items[0].kind != "postfix" or atom_key(items[0]) is None or len(items) > 2 \
            or any(sc[0] != "sub" for sc in items[0].scripts) or items[0].args[0].kind not in ("letter", "command"):
        return None
    if len(items) == 2 and not (items[1].kind == "postfix" and items[1].args[0].kind == "paren" and not items[1].scripts):
        return None
    name = atom_key(items[0])[0]
    if name in ("e", "pi", "nabla", "partial", "infty") or builtin_function(name) is not None \
            or name in ("sigma", "Phi", "phi") \
            or _uses(sides[1], name) or any(_uses_text(g.split("=")[0], name) for g in givens) \
            or spec is not None or _network_notation(text, None) is not None:
        return None
    return name


def _uses(node, name: str) -> bool:
    from .tree import atom_key, iter_nodes

    return any(n.kind == "postfix" and atom_key(n) is not None and atom_key(n)[0] == name for n in iter_nodes(node))


def _uses_text(text: str, name: str) -> bool:
    """Whether a statement mentions the letter a definition introduces."""
    from .syntax import parse

    try:
        return _uses(parse(text), name)
    except LatexError:
        return False


def _check_statement(st, givens, at, spec, notation, seed) -> Result:
    if st.update:
        return Result(st.text, "not-checkable", notes=[getattr(st, "why", "") or "an update rule (x \\rightarrow"
                                                       " x - \\eta g) is an algorithm step, not an identity"])
    conditions = tuple(st.conditions)
    if spec is None and not at and conditions:
        # "\sigma(z) \approx 0.6225 at z = 0.5": a condition that only gives letters values is --at, which
        # also rounds worked numbers to the digits shown; it overrides a definition of the same letter
        at, conditions, givens = point_values(conditions, givens)
    try:
        r = _check_one(st.text, givens, at, spec, notation, seed, conditions)
    except NNDeriveError as e:
        r = Result(st.text, "error", notes=[str(e).splitlines()[0]])
    r.notes.extend(n for n in st.notes if n not in r.notes)
    return r


def _names_a_layer(claim: str, spec, notation) -> bool:
    """Whether a claim writes one of the network's layered symbols (W^{2}, \\delta^{l}, z_1) or its loss."""
    from ..present.notation import any_profile, profile_for
    from .roles import profile_roles
    from .syntax import parse
    from .tree import atom_key, iter_nodes

    profile = any_profile(notation) if notation else profile_for(spec.notation)
    roles = profile_roles(profile)
    try:
        rel = parse(claim)
    except LatexError:
        return True
    for n in iter_nodes(rel):
        if n.kind != "postfix" or atom_key(n) is None:
            continue
        key = atom_key(n)
        for e in roles:
            if e.key == key and (e.role == "loss" or (e.layer_pos and any(sc[0] == e.layer_pos for sc in n.scripts))):
                return True
    return False


def _matrix_reading(r: Result, givens=()) -> Result:
    """A scalar hold of a claim written about matrices (in the claim or in the definitions it uses) is
    no hold: AB = BA holds for numbers. (A failure stands: numbers are 1x1 matrices.)"""
    if r.verdict not in ("holds", "checked", "conditional") or getattr(r, "vector_reading", False):
        return r
    from .syntax import LatexError, parse
    from .tree import matrix_marks

    try:
        marks = matrix_marks(parse(r.claim))
        for g in givens:
            marks = marks or matrix_marks(parse(g, "definition"))
    except LatexError:
        return r
    if not marks:
        return r
    return Result(r.claim, "not-checkable", notes=[
        f"it holds when every symbol is a number, but the claim writes matrices or vectors ({', '.join(marks)}),"
        " for which that decides nothing (AB = BA holds for numbers); the checker samples matrices for network"
        " claims (--spec, or a textbook's network letters)"] + r.notes, seconds=r.seconds)


def _check_one(claim, givens, at, spec, notation, seed, conditions) -> Result:
    try:
        named = drop_named_sets(claim, givens) if spec is None and not at else None
        if named is not None:
            # \sum_{j \in C}: a sum over the units of a layer, every unit
            r = _check_one(named[0], named[1], at, spec, notation, seed, conditions)
            r.claim = claim
            return r
        sampled = strip_sample_argument(claim, givens) if givens and not at else None
        if sampled is not None:
            # Haykin's e_j(n) = d_j(n) - y_j(n): every quantity at the same sample n
            r = _check_one(sampled[0], sampled[1], at, spec, notation, seed, conditions)
            r.notes.append(f"read at one sample ({sampled[2]} written as every quantity's argument): {sampled[0]}")
            r.claim = claim
            return r
        dotted = rewrite_derivative_matrices(claim, givens) if givens and not at else None
        if dotted is not None:
            # Hagan's \dot{F}^m(n^m) s: diag(f^m'(n^m)) s, an element-wise product
            r = _check_one(dotted, givens, at, spec, notation, seed, conditions)
            r.notes.append(f"read with \\dot{{F}}(n) as the diagonal matrix of f'(n): {dotted}")
            r.claim = claim
            return r
        barred = rewrite_bars(claim, givens) if spec is None and givens and not at else None
        if barred is not None:
            # Grosse's \bar{v}: the derivative of the cost the givens' graph ends in, by v
            r = _check_one(barred, givens, at, spec, notation, seed, conditions)
            r.notes.append(f"read with \\bar{{v}} as the derivative of the cost by v: {barred}")
            r.claim = claim
            return r
        if spec is None:
            units = read_stated(claim, list(givens)) if givens and not at and not notation else None
            if units is not None:
                # Haykin's v_j(n) = \sum_i w_{ji}(n) y_i(n), y_j(n) = \varphi_j(v_j(n)): the givens name the letters
                r = check_generic_network(units[0], _network_notation(units[0], "default"), units[1], seed)
                r.notes.append(f"read unit by unit in the letters the definitions give: {units[0]}"
                               + (f", with {units[1][0]}" if units[1] else ""))
                r.claim = claim
                return r
            stated = forward_profile(list(givens)) if not at and not notation else None
            if isinstance(stated, tuple) and _defines_function(stated[1], stated[0].template("activation")):
                stated = None    # f(z) = 1/(1+e^{-z}) given too: the generic activation would not be that f
            chained = read_chain_claim(claim, list(givens)) if not at and not notation else None
            if chained is not None and chained[2].needed() and not (
                    stated not in (None, "row") and chained[2].layout == "column" and chained[2].stored == "out_in"):
                # z = W^{(1)} x, h = \phi(z), o = W^{(2)} h: the givens name each layer's letters
                r = check_generic_network(chained[0], _network_notation(chained[0], "default"), chained[1], seed,
                                          layout=chained[2].layout, stored=chained[2].stored,
                                          depth=chained[2].depth, cost_only=True)
                r = restore_letters(r, [claim, *givens], chained[2])
                r.notes.append(f"read in the letters of the forward pass given ({chained[2].layout} layout): "
                               f"{chained[0]}")
                r.claim = claim
                return r
            layered = read_layer_chain_claim(claim, list(givens)) if givens and not at and not notation else None
            if layered is not None and (stated is None or layered[2].nonstandard()):
                # f_k = \beta_k + \Omega_k h_k, h_k = a[f_{k-1}]: a generic layer in the text's letters and offsets
                r = check_generic_network(layered[0], _network_notation(layered[0], "default"), layered[1], seed,
                                          stored=layered[2].stored)
                r.notes.append(f"read in the letters and layer numbering of the forward pass given: {layered[0]}")
                r.claim = claim
                return r
            apart = _without_unrelated(claim, givens) if stated == "row" else None
            if apart is not None:
                # \frac{d\sigma(x)}{dx} = ... beside a forward pass it needs nothing from: not about it
                return _check_one(claim, apart, at, spec, notation, seed, conditions)
            if stated == "row" and (fallback := scalar_reading(claim, givens, seed)) is not None:
                return fallback     # (scalar helper) RSS(w) = (Xw - y)^T (Xw - y): a literal matrix claim
            if stated == "row":
                raise NotCheckable("the givens state a forward pass in row layout (one sample per row, O = H W + b);"
                                   " a network claim in row layout needs --spec with layout = \"row\"")
            if stated is not None:
                # the givens state the forward pass in the text's own letters: they are the notation
                try:
                    r = check_generic_network(claim, stated[0], stated[1], seed)
                except NotCheckable:
                    # (scalar helper) a forward pass the network cannot express: the literal claim, or the refusal
                    if (fallback := scalar_reading(claim, givens, seed)) is None:
                        raise
                    return fallback
                r.notes.append(f"read in {stated[0].description}")
                return r
            unit = translate_units(claim) if not at and not givens and not notation else None
            if unit == "cost":
                return Result(claim, "not-checkable", notes=["a definition of the cost E_n in Bishop's unit letters:"
                                                             " nothing to check (later claims can use it with --given)"])
            if unit is not None:
                # Bishop's a_j, z_i, w_{ji}, \delta_j: the layers follow from the unit letters
                r = check_generic_network(unit, _network_notation(unit, "default"), [], seed)
                r.notes.append(f"read unit by unit, as in Bishop's PRML (a_j pre-activation, z_j = h(a_j),"
                               f" w_{{ji}} into unit j): {unit}")
                r.claim = claim
                return r
            profile = _network_notation(claim, notation) if not at else None
            if profile is not None and givens and not notation:     # a given cost in another letter set
                profile = _with_given_cost(claim, givens, profile)
            if profile is not None:
                try:
                    r = check_generic_network(claim, profile, list(givens), seed, cost_only=True)
                except NotCheckable as e:
                    r = Result(claim, "not-checkable", notes=[str(e)])
                if r.verdict != "not-checkable" or not givens:
                    return r
                # (scalar helper) givens the notation's network cannot express may define plain indexed
                # numbers (y_k, softmax entries of z_k): then the literal scalar or matrix claim (scalar_fallback)
                fallback = scalar_reading(claim, givens, seed) if not notation else None
                if fallback is not None:
                    return fallback
                if _writes_a_layer(claim) or _writes_dnames(claim, givens):
                    return r
                # \frac{\partial L}{\partial z} = \hat{y} - y after z = w x + b, \hat{y} = \sigma(z): the
                # givens describe one neuron, not the network the letters could name, and the claim names
                # no layer: the givens' own (scalar) reading, as beside a spec
                try:
                    s = _matrix_reading(check_scalar(claim, list(givens), [], seed, conditions=list(conditions)),
                                        givens)
                except (LatexError, NotCheckable):
                    return r
                if s.verdict in ("not-checkable", "error"):
                    return r
                s.notes.append("read as a scalar identity: it names no layer, and the givens describe no network")
                return explain_scalar(s, givens, (), seed, conditions)
            m = check_matrix(claim, list(givens), seed) if not at and not conditions \
                and not writes_entries_of_vectors(claim, givens) else None
            if m is not None and m.verdict == "fails" and not givens:
                name = _introduces(claim, givens, None)
                if name:       # \theta = (X^T X)^{-1} X^T y: the normal equations' solution names theta
                    return Result(claim, "not-checkable", notes=[
                        f"a definition of {name} (its right side does not mention it and nothing else defines"
                        " it): there is nothing to check"])
            if m is not None:      # written about matrices or vectors: typed and decided on matrices
                return m
            hidden = hidden_dependence(claim, givens) if not at else None
            if hidden:
                raise NotCheckable(f"{hidden} is written as depending on a variable the claim differentiates by (its"
                                   " subscript names it) but nothing defines it: give it with --given")
            try:
                r = _matrix_reading(check_scalar(claim, list(givens), list(at), seed, conditions=list(conditions)),
                                    givens)
            except (ClaimError, LatexError) as e:
                # \frac{\partial \hat{y}_i}{\partial z_j} = \hat{y}_i(\delta_{ij} - \hat{y}_j) with nothing defined:
                # the output and pre-activation of a generic network, when that reading holds (or names when)
                name = re.search(r"(\S+) is not defined", str(e))
                if givens or at or name is None or name.group(1).split("_")[0] not in ("\\hat{y}", "a"):
                    raise       # only the network's output (y_hat, a) undefined: L_i, q stay undefined symbols
                n = check_generic_network(claim, _network_notation(claim, "default"), [], seed, depth=1)  # 3 outputs
                if n.verdict not in ("holds", "conditional"):
                    raise
                return n
            return explain_scalar(r, givens, at, seed, conditions)
        if at:
            raise ClaimError("--at is for scalar claims (without --spec)")
        try:
            r = check_network(claim, spec, notation, list(givens), seed)
        except LatexError:
            r = None
        foreign = r is not None and any(NOT_THE_NOTATIONS in n for n in r.notes)
        if (r is None or r.verdict == "not-checkable") and not foreign and not _names_a_layer(claim, spec, notation):
            # \sigma'(z) = \sigma(z)(1 - \sigma(z)) beside a network: a scalar identity, checked as one
            try:
                # under the spec's conventions (its ReLU'(0)), as the network's own lines are
                s = _matrix_reading(check_scalar(claim, list(givens), [], seed, h0=spec.conventions.relu_prime_at_zero,
                                                 conditions=list(conditions)), givens)
            except LatexError:
                s = None
            if s is not None and s.verdict not in ("not-checkable", "error"):
                s.notes.append("read as a scalar identity: it names no layer of the network")
                return explain_scalar(s, givens, (), seed, conditions)
        if r is None:
            return check_network(claim, spec, notation, list(givens), seed)     # its message
        r = explain_network(r, spec, notation, givens, seed)
        if conditions:
            r.notes.append("the conditions " + "; ".join(conditions) + " are not used by network checks")
        return r
    except NotCheckable as e:
        return Result(claim, "not-checkable", notes=[str(e)])
    except (MemoryError, OverflowError):
        # x^{x^{x^{x^x}}} at a sample point: a number with more digits than memory holds
        return Result(claim, "not-checkable", notes=["the values are too large to compute at the sample points (a"
                                                     " tower of powers or a number with millions of digits)"])


# ---------------------------------------------------------------------------------------------
# Output


def _without_unrelated(claim, givens):
    """The givens a scalar claim needs (those defining a letter it, or a given it needs, uses), when that
    leaves out every forward pass the givens state (None otherwise, or when the claim is a network's)."""
    from .syntax import parse
    from .tree import atom_key, iter_nodes, relation_parts

    def letters(node):
        return {atom_key(n)[0] for n in iter_nodes(node) if n.kind == "postfix" and atom_key(n) is not None}

    try:
        need = letters(parse(claim))
        defs = []
        for g in givens:
            sides, _ = relation_parts(parse(g, "definition"))
            head = [n for n in iter_nodes(sides[0]) if n.kind == "postfix" and atom_key(n) is not None][:1]
            defs.append((g, atom_key(head[0])[0] if head else None, letters(sides[-1])))
    except LatexError:
        return None
    if _network_notation(claim, None) is not None:
        return None
    kept, changed = [], True
    while changed:                       # a given the claim needs may need another one
        changed = False
        for g, name, uses in defs:
            if g not in kept and name in need:
                kept.append(g)
                need |= uses
                changed = True
    kept = [g for g in givens if g in kept]
    return kept if len(kept) < len(givens) and forward_profile(kept) is None else None


def _writes_a_layer(claim: str) -> bool:
    """Whether a letter of the claim carries a superscript with a letter in it (z^l, W^{(k)}, A^{[l]}):
    a layer; digits (x^2) are powers, not layers."""
    from .syntax import LatexError, parse
    from .tree import iter_nodes

    try:
        node = parse(claim)
    except LatexError:
        return True
    return any(n.kind == "postfix" and any(sc[0] == "sup" and _has_letter(sc[1]) for sc in n.scripts)
               for n in iter_nodes(node))


def _has_letter(script) -> bool:
    """A superscript with a letter in it: l, L-1, (k-1)\top (not plain text: its nodes are walked)."""
    import re

    from .tree import is_transpose_script, iter_nodes, plain_text

    if is_transpose_script(script):
        return False          # H^T, W^\top: a transpose, not a layer
    text = plain_text(script)
    if text is not None:
        return bool(re.search(r"[A-Za-z]", text))
    return any(m.kind in ("letter", "sletter") for m in iter_nodes(script))


def _network_notation(claim, notation):
    """The letter set of a network claim written without a spec (None for a scalar claim)."""
    from dataclasses import replace

    from ..present.notation import PROFILES, TEXTBOOK_PROFILES, split_notation
    from .network_letters import detect_notation
    from .syntax import LatexError, parse

    default = replace(PROFILES["default"], extras=(("functions", "f sigma"), ("bare_layer", "L"), ("samples", "N")))
    name, over = split_notation(notation) if notation else (None, ())
    if name:
        if name in TEXTBOOK_PROFILES:
            return TEXTBOOK_PROFILES[name].with_overrides(over)
        if name == "default":
            return default.with_overrides(over)
        return replace(PROFILES[name], extras=default.extras).with_overrides(over) if name in PROFILES else None
    try:
        rel = parse(claim)
    except LatexError:
        return None
    # letters --notation names without a profile replace those of every candidate letter set
    return detect_notation(rel, [p.with_overrides(over) for p in [default] + list(TEXTBOOK_PROFILES.values())])


def _with_given_cost(claim, givens, profile):
    from dataclasses import replace

    from ..present.notation import PROFILES, TEXTBOOK_PROFILES
    from .given_notation import notation_with_given_cost

    default = replace(PROFILES["default"], extras=(("functions", "f sigma"), ("bare_layer", "L"), ("samples", "N")))
    return notation_with_given_cost(claim, givens, profile, [default] + list(TEXTBOOK_PROFILES.values()))


def format_result(r: Result) -> str:
    parts = getattr(r, "parts", None)
    if parts:
        head = f"{r.shown_verdict()}: {r.claim}  ({len(parts)} statements)"
        return "\n".join([head] + ["  " + line for p in parts for line in format_result(p).splitlines()])
    lines = [f"{r.shown_verdict()}: {r.claim}"]
    if r.method:
        lines.append(f"  shown by: {r.method}")
    if r.convention:
        lines.append(f"  convention: right up to {r.convention}")
    if r.counterexample:
        lines.append(f"  counterexample: {r.counterexample}")
    if r.slip:
        lines.append(f"  slip: {r.slip}")
    if r.corrected:
        lines.append(f"  corrected: {r.corrected}")
    if r.correct and not r.corrected:
        lines.append(f"  correct (as derived): {r.correct}")
    for n in r.notes:
        lines.append(f"  note: {n}")
    return "\n".join(lines)
