"""Checking whole documents (--doc): every equation classified on its own, checked, and reported line by line.

An equation is a definition (``L = (y-500)^2``, ``f(x) = x^2``, ``\\alpha = 0.02``: a symbol nothing
defined before, used by the claims after it), a worked number (``E = 5.7372`` after the document gave
the example's inputs and weights: checked at those values with the rounding it shows), or a claim:
scalar, or about a network (the spec's, from --spec or the front matter's ``nnderive: spec:``, or a
generic one in the letters it uses). Claims are checked by a pool of workers with a time limit each;
the report lists every equation, then a summary with the counts per verdict and the failing lines.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..fileio import atomic_write_text
from .compare import DEFAULT_TIMEOUT, EXIT_CODES, ClaimError, Result
from .docletters import _cost_of, _function_of_one_letter, _key_name, _letter_uses, readable_givens
from .docread import CONDITION_WORDS, Equation, equations, front_matter, read_document
from .docsound import defined_in, earlier_definition, rounded_claim
from .exitcodes import worst
from .pool import run_all
from .statements import split_statements
from .syntax import LatexError, parse, strip_math
from .forward_steps import forward_step as _forward_step
from .forward_steps import lhs_text as _lhs_text
from .tree import atom_key, iter_nodes, juxt_items, relation_parts
from .worked import Worked, numeric_matrix, stated_decimals, stated_rounding

NOT_A_CLAIM = "no relation: not a claim"
SEVERITY = ("holds", "definition", "skipped", "conditional", "checked", "not-checkable", "ambiguous", "error",
            "fails")


@dataclass
class Row:
    """One equation of the document and what became of it."""

    where: str                 # 'file:line' or 'file:cell 3:line 2'
    claim: str
    verdict: str
    note: str = ""
    result: dict = field(default_factory=dict)


def _check_task(claim, givens, spec, notation):
    from .sandbox import check_claim

    try:
        return check_claim(claim, givens=givens, spec=spec, notation=notation)
    except (ClaimError, LatexError) as e:
        if "cannot read the definition" in str(e) and len(fewer := readable_givens(givens)) < len(givens):
            return check_claim(claim, givens=fewer, spec=spec, notation=notation)
        if spec is None or not _function_of_one_letter(claim):
            raise
    # \phi(z) = e^{-z^{2}/2}/\sqrt{2\pi} in a document about a one-layer network: z^{2} is the square of the
    # function's own variable, not a layer that does not exist (only when the network reading fails)
    return check_claim(claim, givens=givens)


def _where(p: Path, eq: Equation) -> str:
    if eq.cell is not None:
        return f"{p}:cell {eq.cell}:{eq.line}"
    return f"{p}:{eq.line}"


def plan(path, spec_path=None, notation=None):
    """The document's equations with what to do with each: (rows, tasks, spec, notation)."""
    p = Path(path)
    fmt, text, chunks = read_document(p)
    fm, _ = front_matter(chunks[0][2] if chunks else text)
    notation = notation or fm.get("notation")
    spec = None
    if spec_path or fm.get("spec"):
        from ..spec import load_spec

        # --spec is relative to the working folder, the front matter's spec to the document
        spec = load_spec(Path(spec_path) if spec_path else p.resolve().parent / fm["spec"])
        spec, notation = _with_notation(spec, notation)
    rows, tasks = _plan_chunks(p, fmt, text, chunks, list(fm.get("given", ())), spec, notation)
    return rows, tasks, spec, notation


def _with_notation(spec, notation):
    """The spec written in a named document profile keeps its own symbol overrides, as `nnderive latex
    --notation` writes it: (the spec in that profile, None); a textbook letter set stays a name."""
    from dataclasses import replace

    from ..present.notation import PROFILES
    from ..spec import Notation

    if notation is None or notation not in PROFILES:
        return spec, notation
    return replace(spec, notation=Notation(notation, spec.notation.overrides)), None


def _plan_chunks(p, fmt, text, chunks, givens, spec, notation):
    worked = Worked(spec, notation, stated_rounding(text), stated_decimals(text))
    rows: list[Row] = []
    tasks: list[tuple[int, tuple, dict]] = []
    for cell, line0, chunk in chunks:
        sub = "latex" if fmt == "latex" else "markdown"
        values: dict = {}     # "at $z = 0.5$, $\sigma(z) \approx 0.6225$": the prose's value, for what follows
        for eq in equations(sub, chunk, cell, line0):
            _plan_equation(p, eq, givens, worked, spec, notation, rows, tasks, values)
    return rows, tasks


def _plan_equation(p, eq, givens, worked, spec, notation, rows, tasks, values=None):
    values = {} if values is None else values
    if not eq.inline or values.get("line", -9) < eq.line - 1:
        values.clear()        # a prose value holds for the inline math of its sentence (this line or the next)
    where = _where(p, eq)
    text, _ = strip_math(eq.text)
    try:
        stmts = split_statements(text)
    except Exception:  # noqa: BLE001 - an unreadable line is reported as such below
        stmts = []
    claims = [s for s in stmts if s.claim]
    if text.count("=") == 1 and RANGE.search(text.split("=", 1)[1]):
        rows.append(Row(where, text, "skipped", "a range of values (e = 1, \\dots, n), not an identity"))
        return
    if not claims:
        unread = _unreadable(text) if not eq.inline and len(text) < 5000 and RELATION.search(text) else ""
        if unread:
            # a display equation with a relation that cannot be read is an error (exit 2), as a single claim
            rows.append(Row(where, eq.text, "error", unread))
        elif not eq.inline:
            rows.append(Row(where, eq.text, "skipped", NOT_A_CLAIM))
        return
    for st in claims:
        chain = _defining_chain(st.text, givens, spec) if not st.conditions else None
        if chain is not None:
            # z = wx + b = 0.5 in a worked example: the first link names z, the rest is checked with it
            givens.append(chain[0])
            rows.append(Row(where, chain[0], "definition", f"defines {chain[2]} (used by the equations after it)"))
            st.text = chain[1]
        kind, note = _classify(st.text, givens, worked, spec)
        if eq.inline and eq.before in CONDITION_WORDS and _a_value(st.text) and not (
                eq.before in ("where", "with") and kind in ("definition", "value")):
            rows.append(Row(where, st.text, "skipped", f"a condition of the prose ({eq.before} ${st.text}$), not a"
                                                       " claim"))
            if eq.before in ("at", "with", "for", "when"):
                values.update(line=eq.line, text=st.text)
            continue
        if eq.inline and values.get("text") and kind == "claim" and not st.conditions and spec is None and re.search(
                r"(?<![A-Za-z\\])" + re.escape(values["text"].split("=")[0].strip()) + r"(?![A-Za-z])", st.text):
            st.text = f"{st.text} \\text{{ at }} {values['text']}"       # checked there (--at)
        if eq.inline and eq.condition and kind in ("definition", "value"):
            rows.append(Row(where, st.text, "skipped", f"one case of a definition stated in words (for"
                                                       f" ${eq.condition}$); not used by later lines"))
            continue
        if eq.inline and eq.condition and kind == "claim" and not st.conditions:
            st.conditions.append(eq.condition)
        if kind == "step":
            rows.append(Row(where, st.text, "skipped", note))
            continue
        if kind == "definition":
            givens.append(st.text)
            rows.append(Row(where, st.text, "definition", note))
        elif kind == "value":
            rows.append(Row(where, st.text, "definition", note))
        elif kind == "numbers":
            numbers = st.text[st.text.index("=") + 1:]
            rows.append(Row(where, st.text, "pending", note))
            tasks.append((len(rows) - 1, (numbers, (), None, None), {}))
        elif kind == "worked":
            r = worked.check(st.text)
            rows.append(Row(where, st.text, r.verdict, r.summary(), asdict(r)))
        elif not st.conditions and _redefined(where, st.text, givens, spec, notation, rows):
            continue
        else:
            claim = st.text if not st.conditions else (
                f"{st.text} \\text{{ for }} {eq.condition}" if eq.condition and len(claims) == 1 else eq.text)
            rows.append(Row(where, claim, "pending"))
            rounded = rounded_claim(claim, worked.decimals) if spec is None and not st.conditions else None
            lhs_name = _lhs_name(claim)
            # a name the document defined, or a computed value (\frac{\partial C}{\partial w} = -0.1471)
            if rounded and (lhs_name is None or defined_in(givens, lhs_name, _defined_name)):
                claim, note = rounded          # a worked number of a scalar document, to the digits shown
                tasks.append((len(rows) - 1, (claim, _used_givens(claim, givens), spec, notation), {"note": note}))
            else:
                tasks.append((len(rows) - 1, (claim, _used_givens(claim, givens), spec, notation), {}))


def _unreadable(text: str) -> str:
    """Why a display equation that writes a relation cannot be read ('' when it can)."""
    try:
        parse(text)
    except LatexError as err:
        return (str(err).splitlines() or ["the equation cannot be read"])[0]
    return ""


def _redefined(where, text, givens, spec, notation, rows) -> bool:
    """A name the document defined before, defined again with another meaning: a row saying so (the
    equations after it use the new definition); False when it is not one (or restates the same)."""
    j = earlier_definition(text, givens, _defined_name)
    if j is None or numeric_matrix(relation_parts(parse(text))[0][1]) is not None:
        return False                      # a = 0.8808 after a = \sigma(z): a worked number, a claim
    try:
        from .sandbox import run_limited

        r = run_limited(_check_task, text, tuple(givens), spec, notation, timeout=DEFAULT_TIMEOUT)
    except ClaimError:
        r = None
    if r is not None and r.verdict == "holds":
        return False                      # a restatement that agrees: checked as a claim
    old, givens[j] = givens[j], text
    rows.append(Row(where, text, "ambiguous", f"redefines what ${old}$ defined earlier, with another meaning"
                                              " (the equations after it use this definition)"))
    return True


def _defining_chain(text: str, givens, spec):
    """(definition, the rest, name) of a chain z = wx + b = 0.5 whose first side is a name nothing
    defined yet and the others do not mention (a worked example naming what it computes), or None."""
    from .tokens import Token

    try:
        rel = parse(text)
    except LatexError:
        return None
    sides, ops = relation_parts(rel)
    toks = [c for c in rel.args if isinstance(c, Token)]
    if len(sides) < 3 or ops[0] != "=" or len(toks) != len(ops) or any(t.line != 1 for t in toks[:2]):
        return None
    name = _defined_name(sides[0])
    if not name or _known(name, givens, spec, rel) or numeric_matrix(sides[1]) is not None \
            or any(_mentions(x, name.split("_{")[0]) for x in sides[1:]):
        return None
    src = rel.source
    first, second = toks[0].column - 1, toks[1].column - 1
    if src[first:first + len(toks[0])] != str(toks[0]) or src[second:second + len(toks[1])] != str(toks[1]):
        return None
    return src[:second].strip(), src[first + len(toks[0]):].strip(), name


def _lhs_name(text: str) -> str | None:
    try:
        name = _defined_name(relation_parts(parse(text))[0][0], powers=True)
    except LatexError:
        return None
    return name.split("^")[0] if name else None      # a^2 = 0.7759: the number of a defined a


def _a_value(text: str) -> bool:
    """Whether an equation only gives a symbol a value (z = 0, n = N): what a condition of the prose
    says ("at $z = 0$"); anything more ("we arrive at $E = mc^{3}$") stays a claim."""
    try:
        sides, ops = relation_parts(parse(text))
    except LatexError:
        return False
    if ops != ["="] or _defined_name(sides[0]) is None:
        return False
    items = juxt_items(sides[1])
    return numeric_matrix(sides[1]) is not None or bool(items and len(items) == 1 and _defined_name(sides[1]))


def _classify(text: str, givens, worked, spec) -> tuple[str, str]:
    """'definition', 'value' (a worked example's input), 'worked' or 'claim', with a note."""
    try:
        rel = parse(text)
    except LatexError:
        return "claim", ""
    sides, ops = relation_parts(rel)
    if ops and ops[0] in (":=", "\\leftarrow", "\\gets"):
        return "step", "an assignment (an algorithm's step), not an identity"
    if len(sides) == 2 and ops[0] == "=" and RANGE.search(rel.source.split("=", 1)[1]):
        return "step", "a range of values (e = 1, \\dots, n), not an identity"
    named = _defined_name(sides[0], powers=True)
    if named and "^" in named and defined_in(givens, named.split("^")[0], _defined_name):
        named = None                      # a^2 where the document defined a: a power, checked as a claim
    if named and ops and set(ops) <= {"=", "\\approx"} and not _known(named, givens, spec, rel) \
            and all(numeric_matrix(x) is not None for x in sides[1:]) and not worked.active \
            and (len(sides) > 2 or "\\approx" in ops or "^" in named):
        # \sigma_{1}^{2} = \frac{2}{3 + 2} = 0.4: a value the document names (nothing defines the
        # name, so nothing checks it); the numbers after it are checked against each other
        if len(sides) > 2 and "\\approx" not in ops:
            return "numbers", f"names the value of {named}"
        return "value", f"names the value of {named} (nothing defines it, so it is not checked)"
    if len(sides) != 2 or ops[0] not in ("=", "\\equiv"):
        return "claim", ""
    lhs, rhs = sides[0], sides[1]
    if numeric_matrix(rhs) is not None:
        if worked.defines(lhs, rhs, text):
            return "value", "a value of the worked example"
        if _parameter(lhs, spec):
            return "step", "a parameter's value (an initialisation: b^{l} = 0), not an identity"
        if worked.active and worked.can_check(lhs):
            return "worked", ""
        name = _defined_name(lhs)
        if name and not _known(name, givens, spec, rel):
            return "definition", f"defines {name} (used by the equations after it)"
        return "claim", ""
    name = _defined_name(lhs)
    if name and not _known(name, givens, spec, rel) and not _mentions(rhs, name.split("_{")[0]):
        return "definition", f"defines {name} (used by the equations after it)"
    if spec is None and _forward_step(lhs, rhs, rel, givens):
        # d2l's z = W^{(1)} x (no bias), h = \phi(z), Ng's A^{[1]} = \tanh(Z^{[1]}): the document's own forward
        # pass, not a claim about the default one; the lines after it are read in its letters
        shown = name or _lhs_text(rel.source)
        return "definition", f"defines {shown} (the document's forward pass, used by the equations after it)"
    if spec is None and _defines_cost(lhs, rel):
        return "definition", f"defines the cost {name or ''} (the network claims after it use it)"
    name = _defined_name(lhs, powers=True)
    if name and not _known(name, givens, spec, rel) and not _mentions(rhs, name.split("_{")[0].split("^")[0]):
        # \sigma_{l}^{2} = \frac{2}{n_{l-1} + n_{l}}: defines a square (not a value later lines can use)
        return "value", f"defines {name} (a formula for it; nothing else defines it, so it is not checked)"
    return "claim", ""


RANGE = re.compile(r",\s*\\(l|c)?dots\b")
RELATION = re.compile(r"=|<|>|\\(le|ge|leq|geq|ne|neq|approx|equiv)\b")


def _used_givens(claim: str, givens) -> tuple:
    """The definitions a claim can need: every formula, and the numbers (n_{0} = 4) and functions
    (f(z) = z) whose letter the claim or a definition it needs uses. An unused number or function
    changes no claim's meaning, and every definition passed makes the check slower."""

    def letters(text: str) -> set:
        try:
            node = parse(text, "definition")
        except LatexError:
            return {None}                # unreadable: keep everything it might use
        return {_key_name(atom_key(n)) for n in iter_nodes(node) if n.kind == "postfix" and atom_key(n) is not None}

    need, kept = letters(claim), []
    layered = _letter_uses(claim)[0]
    written = set(need)
    pending = []
    for g in givens:
        try:
            sides, _ = relation_parts(parse(g, "definition"))
        except LatexError:
            kept.append(g)
            continue
        name = _defined_name(sides[0])
        body = sides[-1]
        if name is not None and "_{" not in name and layered and (
                layered & _letter_uses(g)[1] or not (letters(g) & written) and not _cost_of(sides[0], claim)):
            # z = w x + b of a one-neuron example, then BP1 in z^l: the claim writes z only with a layer,
            # a different quantity in the document's own typography; the bare z's definition (and one
            # built on it, a = \sigma(z)) is not the network's. A claim in layers also takes no
            # definition of a bare name it shares no letter with (\hat{y} = \sigma(z) of an example
            # before Goodfellow's a^{(k)}, h^{(k)}), except the cost the network claims need.
            continue
        # numbers, functions and indexed names (s_i = \frac{e^{z_i}}{\sum_k e^{z_k}}): only where their
        # letter is used; a softmax's z_i does not make the z of a later example a vector
        optional = name is not None and (numeric_matrix(body) is not None or "_{" in name or len(
            juxt_items(sides[0])) == 2)
        first = juxt_items(sides[0])
        base = _key_name(atom_key(first[0])) if first and first[0].kind == "postfix" and atom_key(first[0]) else None
        if optional:
            pending.append((name.split("_{")[0], g))
        elif base is not None and not _cost_of(sides[0], claim):
            # a formula the claim (or a formula it uses) uses: not a forward pass beside a scalar warm-up
            pending.append((base, g))
        else:
            kept.append(g)
            need |= letters(g)
    changed = True
    while changed:                       # a kept definition may use another one
        changed = False
        for base, g in list(pending):
            if None in need or base in need:
                kept.append(g)
                need |= letters(g)
                pending.remove((base, g))
                changed = True
    return tuple(g for g in givens if g in kept)


def _defined_name(node, powers: bool = False) -> str | None:
    """The name a definition's left side introduces: x, L_i, f (of f(x, y)), or None (with powers:
    also sigma_l^2)."""
    items = juxt_items(node)
    if not items or items[0].kind != "postfix":
        return None
    key = atom_key(items[0])
    if key is None or items[0].args[0].kind not in ("letter", "command", "decor", "text"):
        return None
    scripts = list(items[0].scripts)
    power = ""
    if powers and scripts and scripts[-1][0] == "sup" and (_script_text(scripts[-1][1]) or "").isdigit():
        power = "^" + _script_text(scripts.pop()[1])
    if any(s[0] != "sub" for s in scripts):
        return None
    name = _key_name(key) + "".join(f"_{{{_script_text(s[1])}}}" for s in scripts) + power
    if len(items) == 1:
        return name
    if len(items) == 2 and items[1].kind == "postfix" and items[1].args[0].kind == "paren" and not items[1].scripts:
        return name
    return None


def _script_text(node) -> str:
    """A subscript as text, so that n_{0} and n_{1} are different names (x_{k} and x_k the same)."""
    from .tree import plain_text

    return plain_text(node) or repr(node)


def _known(name: str, givens, spec, rel) -> bool:
    """Whether the checker already gives the name a meaning (a definition above, a builtin
    function, a network symbol of the spec or of the letters the claim is written in)."""
    from .context import builtin_function
    from .sandbox import _network_notation

    for g in givens:
        try:
            gs = relation_parts(parse(g, "definition"))[0]
        except LatexError:
            continue
        if _defined_name(gs[0]) == name:
            return True
    bare = "_{" not in name and "^" not in name       # a function is named bare: sigma, not sigma_1
    name = name.split("_{")[0].split("^")[0]          # what follows is about the letter itself
    if bare and (name in ("e", "pi") or (len(name) > 1 and builtin_function(name) is not None)):
        return True
    if bare and name in ("sigma", "Phi", "phi", "tanh"):
        return True
    if spec is not None:
        from ..present.notation import profile_for
        from .roles import profile_roles

        if any(e.key[0] == name for e in profile_roles(profile_for(spec.notation))):
            return True
        return False
    profile = _network_notation(rel.source, None)
    if profile is None:
        return False
    from .roles import profile_roles

    # s = \frac{\lambda}{2}\|W^{(1)}\|_F^2 on a line in a network notation: s is no letter of that notation
    return any(e.key[0] == name for e in profile_roles(profile)) or name in ("delta", "nabla")


def _defines_cost(lhs, rel) -> bool:
    """Whether a line without a spec is C = \frac{1}{2}\\|y - a^L\\|^2: the cost of the letters it is written in."""
    from .network_letters import _is_cost_letter
    from .sandbox import _network_notation

    profile = _network_notation(rel.source, None)
    return profile is not None and _is_cost_letter(lhs, profile)


def _parameter(node, spec) -> bool:
    """Whether a left side is one of the spec's weights or biases (W^{l}, b^{l}_{j})."""
    if spec is None:
        return False
    from ..present.notation import profile_for
    from .roles import profile_roles

    items = juxt_items(node)
    key = atom_key(items[0]) if items and len(items) == 1 and items[0].kind == "postfix" else None
    return key is not None and any(e.key == key and e.role in ("weight", "bias")
                                   for e in profile_roles(profile_for(spec.notation)))


def _mentions(node, name: str) -> bool:

    return any(n.kind == "postfix" and atom_key(n) is not None and _key_name(atom_key(n)) == name
               for n in iter_nodes(node))


def run_doc(path, spec_path=None, notation=None, report=None, timeout: float = DEFAULT_TIMEOUT,
            jobs: int | None = None) -> int:
    p = Path(path)
    rows, tasks, _spec, _notation = plan(p, spec_path, notation)
    _run_tasks(rows, tasks, timeout, jobs)
    return _finish(p, rows, report)


# A notebook cell (nnderive.notebook's %%nncheck) is checked as a Markdown document of its own.
CELL = "cell"


def display_equations(text: str) -> list[Equation]:
    """The display equations (not inline math) of a Markdown text."""
    return [eq for eq in equations("markdown", text) if not eq.inline]


def check_equations(text: str, spec=None, notation=None, givens=(), timeout: float = DEFAULT_TIMEOUT,
                    jobs: int | None = 1) -> list[tuple[int, str, str, str]]:
    """(line, verdict, claim, note) for every equation of a Markdown text, as --doc checks a document."""
    rows, tasks = _plan_chunks(Path(CELL), "markdown", text, [(None, 1, text)], list(givens), spec, notation)
    _run_tasks(rows, tasks, timeout, jobs)
    return [(int(r.where.rsplit(":", 1)[1]), r.verdict, r.claim, r.note) for r in rows]


def doc_exit_code(rows) -> int:
    """What CI reads, from (line, verdict, claim, note) rows: as run_doc's exit code."""
    return _exit_code({base_verdict(v) for _, v, _, _ in rows})


def _run_tasks(rows: list[Row], tasks, timeout: float, jobs: int | None) -> None:
    # the same claim under the same definitions (a document restates its key equations) is checked once
    first: dict = {}
    for _, args, _kw in tasks:
        first.setdefault(_task_key(args), args)
    keys = list(first)
    bar = _progress(len(keys))

    def done(k, kind, payload):
        if bar is not None:
            bar.update(1)

    outcomes = run_all(_check_task, [(first[k], {}) for k in keys], timeout, jobs, done) if tasks else []
    if bar is not None:
        bar.close()
    by_key = dict(zip(keys, outcomes))
    for row_index, args, _kw in tasks:
        kind, payload = by_key[_task_key(args)]
        row = rows[row_index]
        if kind == "ok":
            r: Result = payload
            row.verdict, row.note, row.result = r.shown_verdict(), r.summary(), _result_dict(r)
            if _kw.get("note"):
                row.note = _kw["note"] + "; " + row.note
        else:
            row.verdict = "error"
            row.note = str(payload).splitlines()[0]


def _task_key(args: tuple) -> tuple:
    """Equal for equal tasks: the claim, its definitions, the spec (by identity: a document is checked
    against one spec object) and the notation."""
    claim, givens, spec, notation = args
    return (claim, tuple(givens), id(spec), notation)


def _result_dict(r: Result) -> dict:
    d = asdict(r)
    d["parts"] = [asdict(x) if not isinstance(x, dict) else x for x in r.parts]
    return d


def _progress(n: int):
    if n <= 5 or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return tqdm(total=n, unit="eq", desc="checking", file=sys.stderr, leave=False)


def base_verdict(v: str) -> str:
    return v.split(" ")[0]


def _finish(p: Path, rows: list[Row], report) -> int:
    lines = []
    for r in rows:
        lines.append(f"{r.where}: {r.verdict}: {r.claim}" + (f"\n    {r.note}" if r.note else ""))
    counts: dict[str, int] = {}
    for r in rows:
        counts[base_verdict(r.verdict)] = counts.get(base_verdict(r.verdict), 0) + 1
    if not rows:
        print(f"{p}: no equations found")
        return 0
    print("\n".join(lines))
    print("")
    print(f"{p}: {len(rows)} equations: " + ", ".join(f"{v} {counts[v]}" for v in SEVERITY if v in counts))
    failing = [r for r in rows if base_verdict(r.verdict) == "fails"]
    if failing:
        print("failing:")
        for r in failing:
            print(f"  {r.where}: {r.claim}")
    if report:
        _write_report(Path(report), p, rows, counts)
    return _exit_code({base_verdict(r.verdict) for r in rows})


def _exit_code(seen: set[str]) -> int:
    # the exit code of each verdict, as for a single claim, and the worst of them by the one rule of
    # exitcodes.py (error 2 > fails 1 > undecided 4 > 0), the same as across several documents
    return worst(EXIT_CODES.get(v, 4) if v not in ("definition", "skipped") else 0 for v in seen)


def _write_report(out: Path, p: Path, rows: list[Row], counts: dict) -> None:
    if out.suffix.lower() == ".json":
        atomic_write_text(out, json.dumps({"document": str(p), "counts": counts,
                                           "equations": [asdict(r) for r in rows]}, indent=2,
                                          ensure_ascii=False) + "\n")
        return
    from .report import _md_cell

    md = [f"# Equations of {p.name}", "", "Verdicts: " + ", ".join(f"{v} {n}" for v, n in counts.items()), "",
          "| where | verdict | claim | note |", "|---|---|---|---|"]
    md += [f"| {_md_cell(r.where)} | {r.verdict} | `{_md_cell(r.claim)}` | {_md_cell(r.note)} |" for r in rows]
    atomic_write_text(out, "\n".join(md) + "\n")


__all__ = ["ClaimError", "plan", "run_doc"]
