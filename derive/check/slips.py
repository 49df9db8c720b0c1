"""Explanations of a failing claim: the classic slip it is, named in words, and the claim corrected in its own notation.

A slip rule is a transformation of the claim's right side, written on the claim's own text (its own
letters, transpose spelling and operators): add or drop a transpose, swap two factors, flip a sign,
add or drop 1/N, 1/2 or 2, add, drop or replace the activation-derivative factor, exchange two
indices, sum over another index. Each rewritten claim is re-checked by the same checker (a quick
look on one witness first, then the full check); the first that holds names the slip, and its text
is the corrected form. No table of answers: the rules know nothing about particular claims.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from .compare import loss_is_mean
from .slip_messages import display_names, shapes_at_widths
from .syntax import LatexError, Node, parse
from .tree import (
    free_index_letters,
    iter_nodes,
    plain_text,
    relation_parts,
    summation_letters,
)

BUDGET = 3.0            # seconds spent looking for a slip (the verdict is already decided)
SLOW = 10.0             # a check that already took this long is not explained (its time limit matters more)
MAX_CANDIDATES = 60
TRANSPOSE_RE = re.compile(r"\^\s*(\{\s*(?:T|\\top|\\intercal|\\mathsf\{T\}|\\mathrm\{T\})\s*\}|T\b|\\top\b|\\intercal\b)\s*$")
ANY_TRANSPOSE = re.compile(r"\^\s*(\{\s*(?:T|\\top|\\intercal)\s*\}|T(?![a-zA-Z])|\\top\b|\\intercal\b)")
HADAMARD = ("\\odot", "\\circ", "*", "\\ast")


@dataclass
class Claim:
    """A two-sided claim split on its own text: ``head`` (left side and relation) and ``rhs``."""

    text: str
    head: str
    rhs: str
    rhs_start: int
    lhs: Node
    rhs_node: Node

    @classmethod
    def read(cls, text: str):
        try:
            rel = parse(text)
        except LatexError:
            return None
        sides, ops = relation_parts(rel)
        if len(sides) != 2 or ops[0] not in ("=", "\\equiv"):
            return None
        src = rel.source
        start = _offset(src, sides[1].pos)
        if start <= 0 or start > len(src):
            return None
        return cls(src, src[:start], src[start:], start, sides[0], sides[1])

    def with_rhs(self, rhs: str) -> str:
        return self.head + rhs

    def span(self, node: Node) -> tuple[int, int]:
        """The node's characters in the right side (postfix items carry their source text)."""
        a = _offset(self.text, node.pos) - self.rhs_start
        return a, a + len(node.text)

    def replace(self, node: Node, new: str) -> str:
        a, b = self.span(node)
        return self.rhs[:a] + new + self.rhs[b:]


def _offset(src: str, pos) -> int:
    line, col = pos
    lines = src.splitlines(keepends=True)
    return sum(len(x) for x in lines[:line - 1]) + col - 1


FUNCTION_HEAD = re.compile(r"^(\\[a-zA-Z]+|\\operatorname\{[^{}]+\}|[a-zA-Z])(?:_\{[^{}]*\}|_\w)?\s*(?:'|\^\{?\\prime\}?)*$")
FUNCTION_NAMES = ("\\sigma", "\\tanh", "\\phi", "\\Phi", "\\exp", "\\log", "\\ln", "\\operatorname", "f", "g", "R")


def _is_head(it: Node, names=()) -> bool:
    m = FUNCTION_HEAD.match(it.text)
    if not m:
        return False
    return "'" in it.text or "\\prime" in it.text or m.group(1) in names or m.group(1).startswith(FUNCTION_NAMES)


def _outside_scripts(node):
    """The nodes of the right side, parents first, without the bodies of sub/superscripts (T, l+1)."""
    if isinstance(node, Node):
        yield node
        for a in node.args:
            yield from _outside_scripts(a)


def _items(c: Claim, names=()) -> list[list[Node]]:
    """Every product of the right side (a juxtaposition's factors), outermost first; a function
    and its parenthesised argument (\\sigma'(z_2)) are one factor."""
    out = []
    for n in _outside_scripts(c.rhs_node):
        if n.kind != "juxt":
            continue
        its = [x for x in n.args if isinstance(x, Node) and x.kind == "postfix" and x.text]
        if not its or not all(0 <= c.span(x)[0] and c.span(x)[1] <= len(c.rhs) for x in its):
            continue
        merged: list[Node] = []
        for x in its:
            if merged and merged[-1].args[0].kind != "paren" and x.args[0].kind == "paren" \
                    and _is_head(merged[-1], names) and not merged[-1].scripts[1:]:
                a, b = c.span(merged[-1])[0], c.span(x)[1]
                merged[-1] = Node("postfix", merged[-1].args, merged[-1].pos, (), c.rhs[a:b])
            else:
                merged.append(x)
        out.append(merged)
    return out


def _transpose_spelling(text: str) -> str:
    m = ANY_TRANSPOSE.search(text)
    return m.group(0).replace(" ", "") if m else "^{T}"


def _add_transpose(t: str, spelling: str) -> str:
    if t.startswith("(") and t.endswith(")") or t.startswith("\\left(") and t.endswith("\\right)"):
        return t + spelling
    if "^" in t or "'" in t:
        return f"({t}){spelling}"
    return t + spelling


def _drop_transpose(t: str) -> str | None:
    m = TRANSPOSE_RE.search(t)
    if not m:
        return None
    core = t[:m.start()].rstrip()
    if core.startswith("(") and core.endswith(")") and core.count("(") == 1:
        core = core[1:-1]
    if core.startswith("\\left(") and core.endswith("\\right)"):
        core = core[6:-7]
    if core.startswith("[") and core.endswith("]") or core.startswith("\\lbrack") and core.endswith("\\rbrack"):
        core = core[7:-7] if core.startswith("\\lbrack") else core[1:-1]
    return core


# ---------------------------------------------------------------------------------------------
# The rules: each yields (rewritten right side, the slip in words)


def _transposes(c: Claim, info):
    spelling = _transpose_spelling(c.text)
    for its in _items(c):
        for it in its:
            dropped = _drop_transpose(it.text)
            if dropped is not None:
                yield c.replace(it, dropped), f"an extra transpose: {it.text} should be {dropped}"
            elif _is_matrixish(it):
                new = _add_transpose(it.text, spelling)
                yield c.replace(it, new), f"a missing transpose: {it.text} should be {new}"
    yield from _whole_transposed(c, spelling)


def _whole_transposed(c: Claim, spelling: str):
    """x (\\delta^{1})^{T} for \\delta^{1} x^{T}: the product reversed, each factor's transpose toggled."""
    its = (_items(c) or [[]])[0]
    if len(its) < 2 or not all(_is_matrixish(it) for it in its) or c.rhs.strip() != \
            c.rhs[c.span(its[0])[0]:c.span(its[-1])[1]].strip():
        return
    flipped = []
    for it in reversed(its):
        dropped = _drop_transpose(it.text)
        flipped.append(dropped if dropped is not None else _add_transpose(it.text, spelling))
    yield " ".join(flipped), "a transposed layout: the right side is the transpose of the correct form"


def _is_matrixish(it: Node) -> bool:
    t = it.text
    return not re.fullmatch(r"[\d.]+|\\frac\{?\d+\}?\{?\w+\}?|\\frac\d\w", t) and not t.startswith("\\sum")


def _orders(c: Claim, info):
    for its in _items(c):
        for a, b in zip(its, its[1:]):
            if not (_is_matrixish(a) and _is_matrixish(b)):
                continue
            a0, a1 = c.span(a)
            b0, b1 = c.span(b)
            new = c.rhs[:a0] + b.text + c.rhs[a1:b0] + a.text + c.rhs[b1:]
            yield new, f"the factors in the wrong order: {b.text} {a.text}, not {a.text} {b.text}"


def _signs(c: Claim, info):
    r = c.rhs.strip()
    lead = c.rhs[:len(c.rhs) - len(c.rhs.lstrip())]
    if r.startswith("-") and _one_term(c.rhs_node):
        yield lead + r[1:].lstrip(), "a sign slip: the right side should not be negated"
    else:
        neg = "-" + r if _one_term(c.rhs_node) else f"-({r})"
        yield lead + neg, "a sign slip: the right side has the wrong sign"
    for n in iter_nodes(c.rhs_node):
        if n.kind != "expr" or n is c.rhs_node:
            continue
        yield from _term_signs(c, n)
    if not _one_term(c.rhs_node):
        yield from _term_signs(c, c.rhs_node)


def _one_term(node: Node) -> bool:
    terms = [a for a in node.args if isinstance(a, Node) and a.kind == "term"]
    return len(terms) <= 1


def _term_signs(c: Claim, expr: Node):
    """Flip the sign in front of one term of a sum (1 + \\tanh^2 x -> 1 - \\tanh^2 x)."""
    args = list(expr.args)
    for k, a in enumerate(args):
        if isinstance(a, str) and a in ("+", "-") or (isinstance(a, Node) and a.kind == "sign"):
            sign = a if isinstance(a, str) else a.args[0]
            nxt = next((x for x in args[k + 1:] if isinstance(x, Node) and x.kind == "term"), None)
            if nxt is None:
                continue
            first = _first_postfix(nxt)
            if first is None:
                continue
            p = c.span(first)[0]
            q = c.rhs.rfind(str(sign), 0, p)
            if q < 0:
                continue
            flip = "-" if str(sign) == "+" else "+"
            if isinstance(a, Node) and q == len(c.rhs) - len(c.rhs.lstrip()):
                new = c.rhs[:q] + c.rhs[q + 1:]
            else:
                new = c.rhs[:q] + flip + c.rhs[q + 1:]
            term = c.rhs[p:_last_end(c, nxt)]
            yield new, f"a sign slip: {sign}{term} should be {flip}{term}".replace("+-", "-")


def _first_postfix(n: Node):
    for x in iter_nodes(n):
        if x.kind == "postfix" and x.text:
            return x
    return None


def _last_end(c: Claim, n: Node) -> int:
    ends = [c.span(x)[1] for x in iter_nodes(n) if x.kind == "postfix" and x.text]
    return max(ends) if ends else 0


FACTORS = (  # (spelling added in front, what is missing, what is extra)
    ("\\frac{1}{N}", "a missing 1/N{lack_n}", "{extra_n}"),
    ("\\frac{1}{2}", "a missing factor 1/2", "an extra factor 1/2 (the 1/2 of the loss cancels against the"
     " 2 of the square's derivative)"),
    ("2", "a missing factor 2{why}", "an extra factor 2{half}"),
)


def _factors(c: Claim, info):
    """Dropping a factor the claim has comes before adding one (the simpler correction first)."""
    r = c.rhs.strip()
    if re.fullmatch(r"-?\s*[\d.]+", r):
        return      # a number that is wrong is wrong: "1/2 times 2" explains nothing
    wrapped = r if _one_term(c.rhs_node) and not r.startswith("-") else f"({r})"
    n_letter = info.get("samples", "N")
    square = re.search(r"\^\s*\{?\s*2\s*\}?", c.head) is not None
    half = " (the 1/2 in front of the square cancels it)" if square and "frac{1}{2}" in c.head.replace(" ", "") else ""
    why = " (from differentiating the square)" if square else (
        " (an inner derivative of the chain rule)" if "\\frac{d" in c.head or "'" in c.head else "")
    # why a 1/N is off depends on how the spec's loss reduces the batch (unknown without a spec)
    mean = info.get("mean")
    lack_n = {True: " (the loss averages over the N samples)", False: " (the right side is N times the left"
              " side)"}.get(mean, "")
    extra_n = {True: "a doubled 1/N (the loss is already a mean over the N samples, so a derivative of it"
               " carries its 1/N)", False: "an extra 1/N (the loss sums over the samples)"}.get(mean, "an extra 1/N")
    missing = []
    for spell, lack, extra in FACTORS:
        lack, extra = lack.replace("{lack_n}", lack_n), extra.replace("{extra_n}", extra_n)
        spell = spell.replace("N", n_letter)
        found = False
        for its in _items(c)[:1]:
            for it in its:
                if _same(it.text, spell) or (spell.startswith("\\frac{1}") and _same(it.text, spell.replace("{1}{", "1{"))):
                    found = True
                    yield c.replace(it, "").strip(), extra.format(half=half)
        m = re.match(r"\\frac\{(.+)\}\{" + re.escape(spell[-2] if spell.startswith("\\frac") else "") + r"\}$", r)
        if m and spell.startswith("\\frac"):
            found = True
            yield m.group(1), extra
        if not found:
            missing.append((f"{spell} {wrapped}", lack.format(why=why)))
    yield from missing


def _same(a: str, b: str) -> bool:
    return a.replace(" ", "") == b.replace(" ", "")


def _derivatives(c: Claim, info):
    """The activation-derivative factor: missing, extra, or the wrong one."""
    spells = info.get("derivatives", [])
    op = next((o for o in HADAMARD if o in c.rhs), "\\odot")
    r = c.rhs.strip()
    wrapped = r if _one_term(c.rhs_node) and not any(o in r for o in HADAMARD) else f"({r})"
    for d in spells:
        yield f"{wrapped} {op} {d}", f"a missing activation-derivative factor {d}"
    for its in _items(c, info.get("functions", ())):
        for it in its:
            if _is_application(it) and not _is_derivative_factor(it, info):
                for d in spells:
                    yield (c.replace(it, d), f"the wrong derivative of the activation: {it.text} (the activation"
                           f" itself) where its derivative {d} belongs")
            if _is_derivative_factor(it, info):
                rest = c.replace(it, "").strip()
                rest = re.sub(r"^(\\odot|\\circ|\*|\\ast)\s*|\s*(\\odot|\\circ|\*|\\ast)\s*$", "", rest)
                if rest:
                    yield rest, f"an extra activation-derivative factor {it.text}"
                for d in spells:
                    if not _same(d, it.text):
                        yield (c.replace(it, d), f"the wrong derivative of the activation: {it.text} where it"
                               f" should be {d}")


def _is_application(it: Node) -> bool:
    """A merged function application f(...) of the right side (see ``_items``)."""
    m = re.match(r"^(\\[a-zA-Z]+|\\operatorname\{[^{}]+\}|[a-zA-Z])", it.text)
    return bool(m) and it.text.endswith(")") and "(" in it.text and it.args[0].kind != "paren"


def _is_derivative_factor(it: Node, info) -> bool:
    t = it.text
    return ("'" in t or "\\prime" in t) and "(" in t


def _indices(c: Claim, info):
    letters = sorted(free_index_letters(Node("relation", (c.lhs, c.rhs_node))) | _subscript_letters(c.rhs))
    letters = [x for x in letters if x in "ijkmnpq"]
    for a in range(len(letters)):
        for b in range(a + 1, len(letters)):
            x, y = letters[a], letters[b]
            new = _swap_in_subscripts(c.rhs, x, y)
            if new != c.rhs:
                yield new, f"an index swap: {x} and {y} are exchanged"
    sums = sorted(summation_letters(c.rhs_node))
    free = sorted((free_index_letters(c.lhs) | set(letters)) - set(sums))
    for s in sums:
        for other in [x for x in "ijkmn" if x != s and (x in letters or x in free)]:
            new = _swap_in_subscripts(c.rhs, s, other)
            if new != c.rhs:
                yield new, f"a sum over the wrong index: over {s} where it should be over {other}"
            bare = re.sub(rf"\\sum_\{{?\s*{s}\s*\}}?(?!\^)\s*", "", c.rhs, count=1)
            if bare != c.rhs and other in free:
                yield (_swap_in_subscripts(bare, s, other), f"a sum over the wrong index: the sum over {s} should"
                       f" not be there (only the term with {s} = {other} depends on the left side's {other})")


def _subscript_letters(t: str) -> set[str]:
    out = set()
    for m in re.finditer(r"_\{([^{}]*)\}|_([a-zA-Z])", t):
        out |= {ch for ch in (m.group(1) or m.group(2) or "") if ch.isalpha() and ch.islower()}
    return out


def _swap_in_subscripts(t: str, x: str, y: str) -> str:
    def sw(s: str) -> str:
        return re.sub(rf"(?<![\\a-zA-Z])[{x}{y}](?![a-zA-Z])", lambda m: y if m.group(0) == x else x, s)

    return re.sub(r"_\{([^{}]*)\}|_([a-zA-Z])",
                  lambda m: f"_{{{sw(m.group(1))}}}" if m.group(1) is not None else f"_{sw(m.group(2))}", t)


# the table: rule name -> candidates; the order is changed by what the failure showed
RULES = {"transpose": _transposes, "order": _orders, "sign": _signs, "factor": _factors,
         "derivative": _derivatives, "index": _indices}


def _order(r) -> list[str]:
    cx, conv = r.counterexample or "", r.convention or ""
    if "cannot multiply" in cx or "shapes differ" in cx or "transpose" in conv:
        return ["transpose", "order", "derivative", "factor", "sign", "index"]
    if conv.startswith("a sign"):
        return ["sign", "factor", "transpose", "order", "derivative", "index"]
    if conv:
        return ["factor", "sign", "derivative", "transpose", "order", "index"]
    return ["derivative", "sign", "index", "factor", "transpose", "order"]


def find_slip(r, recheck, info: dict | None = None, budget: float = BUDGET):
    """(corrected claim, slip in words) for a failing Result, or None; ``recheck(text) -> bool``."""
    c = Claim.read(r.claim)
    if c is None:
        return None
    info = info or {}
    # CPU time, not the wall clock (speed, issue 9.7): which rewrites are tried, so the slip named, must
    # not depend on what else runs on the machine
    t0 = time.process_time()
    seen = {c.rhs.replace(" ", "")}
    tried = 0
    for name in _order(r):
        for rhs, words in RULES[name](c, info):
            key = rhs.replace(" ", "")
            if not rhs.strip() or key in seen:
                continue
            seen.add(key)
            tried += 1
            if tried > MAX_CANDIDATES or time.process_time() - t0 > budget:
                return None
            cand = c.with_rhs(rhs if rhs.startswith(" ") or c.head.endswith(" ") else " " + rhs)
            try:
                ok = recheck(cand)
            except Exception:  # noqa: BLE001 - a rewrite that cannot be read is simply not the slip
                ok = False
            if ok:
                return cand, words
    return None


def explain(r, recheck, info: dict | None = None, budget: float = BUDGET):
    """Fill ``r.slip`` and ``r.corrected`` of a failing result where a slip rule repairs the claim."""
    if r.verdict != "fails" or r.parts or (r.seconds or 0) > SLOW:
        return r
    found = find_slip(r, recheck, info, budget)
    if found:
        r.corrected, r.slip = found[0].strip(), found[1]
    return r


# ---------------------------------------------------------------------------------------------
# What the rules need to know about the claim's notation


PRIMED = re.compile(r"(\\[a-zA-Z]+|\\operatorname\{[^{}]+\}|[a-zA-Z])(?:_\{[^{}]*\}|_\w)?\s*(?:'|\^\{?\\prime\}?)")


def _layer_texts(node: Node) -> list[str]:
    out = []
    for n in iter_nodes(node):
        if n.kind != "postfix":
            continue
        for s in n.scripts:
            if s[0] in ("sup", "sub") and len(s) > 1:
                t = plain_text(s[1])
                if t is None:
                    continue
                t = t.strip("()[]{}")
                if re.fullmatch(r"\d+|[lLi]([+-]1)?", t) and t not in out:
                    out.append(t)
    return out


def notation_info(claim: str, profile=None, spec=None) -> dict:
    """The spellings the rules write with: the activation derivative at each layer the left side
    names (in the claim's own function letter where it has one), the sample count, the functions."""
    c = Claim.read(claim)
    if c is None:
        return {}
    names = [m.group(1) for m in PRIMED.finditer(c.text)]
    if profile is not None:
        samples = profile.extra("samples") or "N"
        layers = _layer_texts(c.lhs)
        if spec is not None and hasattr(spec, "activation"):
            # a generic network's activation is an arbitrary function: its letter, no registry entry
            names += [getattr(getattr(spec.activation(int(t)).entry, "func", None), "latex_name", "")
                      or getattr(spec.activation(int(t)), "letter", "") for t in layers
                      if t.isdigit() and 1 <= int(t) <= spec.depth]
        act = profile.template("activation").split("^")[0].split("_")[0]
        names += [act, "\\sigma"]
        names = list(dict.fromkeys(n for n in names if n))
        spells = []
        for t in layers:
            if t.isdigit() and spec is not None and not 1 <= int(t) <= getattr(spec, "depth", 99):
                continue
            z = profile.symbol("preact", t)
            spells += [f"{n}'({z})" for n in names[:2]]
        return {"samples": samples, "derivatives": list(dict.fromkeys(spells))[:4], "functions": names,
                "mean": loss_is_mean(spec)}
    return {"samples": "N", "derivatives": [], "functions": names}


# ---------------------------------------------------------------------------------------------
# The hooks: a failing result of each decider, explained with its own checker as the judge


def explain_network(r, spec, notation=None, givens=(), seed: int = 20261122, make_ctx=None, witnesses=None,
                    profile=None):
    """A network claim's failure: shapes at the spec's widths, names in its notation, the slip."""
    from ..present.notation import any_profile, profile_for
    from ..verify import witness_widths
    from .context import Definitions
    from .definitions import read_definition
    from .network import check_network

    if r.verdict != "fails" or r.parts:
        return r
    if profile is None:
        profile = any_profile(notation) if notation else profile_for(spec.notation)
    cx = r.counterexample
    if ("cannot multiply" in cx or "shapes differ" in cx or "cannot add" in cx) and make_ctx is None:
        defs = Definitions()
        for g in givens:
            read_definition(g, defs)
        c = Claim.read(r.claim)
        own = shapes_at_widths(c, (_items(c) or [[]])[0] if c else [], spec, profile, defs)
        if own:
            r.counterexample = own
    r.counterexample = _plain_witness(display_names(r.counterexample, profile))
    kw = {"make_ctx": make_ctx} if make_ctx else {}
    if notation and not make_ctx:
        kw["notation"] = notation
    else:
        kw["profile"] = profile

    wits = list(witnesses) if witnesses else [w for w, _ in witness_widths(spec)]

    # every rewrite is tried at the claim's own sample points: the left side (the same in every rewrite)
    # is then evaluated there once, its sweeps cached by the witness's shared error terms and losses
    try:
        key = parse(r.claim).source
    except LatexError:
        key = r.claim

    def recheck(text: str) -> bool:
        quick = check_network(text, spec, givens=list(givens), seed=seed, points=1, witnesses=wits[:1], hint=False,
                              point_key=key, name_ratios=False, **kw)
        if quick.verdict != "holds":
            return False
        # the verdict is already decided: a rewrite is confirmed on two witnesses, not the full set
        return check_network(text, spec, givens=list(givens), seed=seed, witnesses=wits[:2], hint=False,
                             point_key=key, name_ratios=False, **kw).verdict == "holds"

    return explain(r, recheck, notation_info(r.claim, profile, spec))


def _plain_witness(text: str) -> str:
    """A value counterexample is found on a small network of the same kind: say so in words."""
    return re.sub(r"witness widths ([\d-]+), batch (\d+)",
                  lambda m: f"on a {m.group(1)} network with the same activations and loss, "
                  f"{'one sample' if m.group(2) == '1' else m.group(2) + ' samples'}", text)


def explain_scalar(r, givens=(), at=(), seed: int = 20261122, conditions=()):
    """A scalar claim's failure: internal names replaced, the slip (sign, factor, derivative)."""
    from .scalar import check_scalar

    if r.verdict != "fails" or r.parts:
        return r
    r.counterexample = display_names(r.counterexample)
    r.correct = display_names(r.correct)

    def recheck(text: str) -> bool:
        return check_scalar(text, list(givens), list(at), seed, conditions=list(conditions)).verdict == "holds"

    explain(r, recheck, notation_info(r.claim))
    if not r.slip and r.correct and _activation_derivative(r.claim):
        c = Claim.read(r.claim)
        inner = _inner_argument(c.head) if c is not None else None
        if inner is not None and recheck(f"{c.head}\\left({c.rhs}\\right) \\cdot \\frac{{\\partial}}{{\\partial"
                                         f" {inner[1]}}}\\left({inner[0]}\\right)"):
            # d/dw sigma(wx + b) = sigma(1 - sigma): the chain rule's inner factor (x) is what is missing
            r.slip = (f"the chain rule's inner derivative is missing: a factor \\frac{{\\partial}}{{\\partial"
                      f" {inner[1]}}}({inner[0]})")
        elif c is not None and inner is None:
            r.slip = "the wrong derivative of the activation"
            r.corrected = f"{c.head.rstrip()} {r.correct}"
    return r


def _inner_argument(head: str):
    """(argument, variable) of d/dw sigma(wx + b) when the activation's argument is not the variable
    itself (a chain), else None."""
    import re

    var = re.search(r"\\partial\s*([A-Za-z](?:_\{?\w+\}?)?)\s*\}|\{d\s*([A-Za-z])\s*\}", head)
    arg = re.search(r"(?:\\sigma|\\tanh|\\operatorname\{\w+\}|\\text\{\w+\}|\\mathrm\{\w+\})"
                    r"\s*(?:\\left)?\(([^()]+)(?:\\right)?\)", head)
    if not var or not arg:
        return None
    v, a = (var.group(1) or var.group(2)).strip(), arg.group(1).strip()
    a = a[:-6].strip() if a.endswith("\\right") else a
    return (a, v) if a.replace(" ", "") != v.replace(" ", "") and v in a else None


ACTIVATION_WORDS = ("\\sigma", "\\tanh", "ReLU", "relu", "ELU", "GELU", "softplus", "SiLU", "swish", "\\max")


def _activation_derivative(claim: str) -> bool:
    c = Claim.read(claim)
    if c is None:
        return False
    head = c.head
    return ("\\frac{d" in head or "'" in head or "\\prime" in head or "\\partial" in head) and any(
        w in head for w in ACTIVATION_WORDS)
