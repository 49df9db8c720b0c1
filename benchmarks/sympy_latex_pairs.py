"""Score the claim reader on SymPy's own LaTeX-parser test pairs: parse rate, agreement, every disagreement.

SymPy ships its LaTeX parsers' tests (sympy/parsing/tests/test_latex.py and test_latex_lark.py): lists of
(LaTeX, expected SymPy expression) pairs and lists of strings its parser must refuse. This script reads
those files with Python's `ast` (it never imports or executes them), rebuilds each expected expression
structurally from the syntax tree (only SymPy constructors applied to literals and the test files' own
symbols; anything else is skipped and counted), and turns each pair into the claim

    LATEX = <the expected expression printed by sympy.latex>

(with two printer losses undone, see printed_value), which the checker (`derive.check.check_claim`, in a
worker with a time limit) should find to hold. A pair that does not hold is a disagreement: either the
checker reads LATEX differently from SymPy (the interesting case, e.g. `\\ln xy`), refuses it, or cannot
read SymPy's printed form; two control claims (`LATEX = LATEX`, `PRINTED = PRINTED`) tell which.
Relations (the expected value is an equation or an inequality) and quantum bra-ket notation are counted
but not checked. SymPy's refused strings become claims `BAD = 0`, which the checker should refuse too.

    python benchmarks/sympy_latex_pairs.py [--file test_latex.py] [--timeout S] [--json FILE]
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sympy as sp
from sympy.printing.latex import greek_letters_set

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
TEST_DIR = Path(sp.__file__).resolve().parent / "parsing" / "tests"
FILES = ("test_latex.py", "test_latex_lark.py")

# ---------------------------------------------------------------------------------------------
# Rebuilding the expected expressions from the test files' syntax trees


def _noeval(cls):
    return lambda *args: cls(*args, evaluate=False)


def _log(a, b=sp.E):
    return sp.log(a, evaluate=False) if b == sp.E else sp.log(a, b, evaluate=False)


_Q = {}
try:  # bra-ket notation: only to recognise and skip those pairs
    from sympy.physics.quantum import Bra, InnerProduct, Ket

    _Q = {"Bra": Bra, "Ket": Ket, "InnerProduct": InnerProduct}
except ImportError:  # pragma: no cover
    pass

CALLABLES = {
    **{name: getattr(sp, name) for name in (
        "Add", "Mul", "Pow", "Eq", "Ne", "Lt", "Le", "Gt", "Ge", "GreaterThan", "LessThan",
        "StrictGreaterThan", "StrictLessThan", "Unequality", "Symbol", "Function", "Rational", "Integer",
        "Float", "Integral", "Sum", "Product", "Limit", "Derivative", "floor", "ceiling", "Abs",
        "conjugate", "factorial", "binomial", "root", "sqrt", "Min", "Max", "exp", "log", "asin", "acos",
        "atan", "sin", "cos", "tan", "csc", "sec", "cot", "sinh", "cosh", "tanh", "Matrix", "MatAdd",
        "MatMul", "Transpose", "Trace", "MatrixSymbol", "det", "Determinant")},
    "_Add": _noeval(sp.Add), "_Mul": _noeval(sp.Mul), "_Pow": _noeval(sp.Pow),
    "_Sqrt": lambda a: sp.sqrt(a, evaluate=False), "_Conjugate": _noeval(sp.conjugate),
    "_Abs": _noeval(sp.Abs), "_factorial": _noeval(sp.factorial), "_exp": _noeval(sp.exp),
    "_log": _log, "_binomial": _noeval(sp.binomial), "_Min": _noeval(sp.Min), "_Max": _noeval(sp.Max),
    "_MatAdd": _noeval(sp.MatAdd), "_MatMul": _noeval(sp.MatMul),
    **_Q,
}
NAMES = {**{s: sp.Symbol(s) for s in "xyzabcdtkn"}, "theta": sp.Symbol("theta"), "f": sp.Function("f"),
         "E": sp.E, "oo": sp.oo, "I": sp.I, "pi": sp.pi}
KEYWORDS = {"evaluate", "dir"}
METHODS = {"det", "transpose", "adjoint", "conjugate", "trace", "inv"}  # on rebuilt matrices only


class Unsupported(Exception):
    """An expected value this script does not rebuild (it is counted, never guessed)."""


def rebuild(node: ast.AST):
    """The SymPy value of an expected-value expression, from its syntax tree only."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
        return sp.sympify(node.value) if isinstance(node.value, (int, float)) else node.value
    if isinstance(node, ast.Name):
        if node.id in NAMES:
            return NAMES[node.id]
        raise Unsupported(f"name {node.id}")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = rebuild(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        a, b = rebuild(node.left), rebuild(node.right)
        ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
               ast.Div: lambda: a / b, ast.Pow: lambda: a ** b}
        if type(node.op) in ops:
            return ops[type(node.op)]()
        raise Unsupported(f"operator {type(node.op).__name__}")
    if isinstance(node, (ast.List, ast.Tuple)):
        return [rebuild(e) for e in node.elts]
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in CALLABLES:
            fn = CALLABLES[node.func.id]
        elif isinstance(node.func, ast.Name) and isinstance(NAMES.get(node.func.id), sp.FunctionClass):
            fn = NAMES[node.func.id]  # the test file's f = Function('f')
        elif isinstance(node.func, ast.Attribute) and node.func.attr in METHODS:
            target = rebuild(node.func.value)
            if not isinstance(target, (sp.MatrixBase, sp.MatrixExpr)):
                raise Unsupported(f"method {node.func.attr} of a non-matrix")
            fn = getattr(target, node.func.attr)
        elif isinstance(node.func, ast.Call):
            fn = rebuild(node.func)  # Function('h')(x): an applied undefined function
            if not isinstance(fn, sp.FunctionClass):
                raise Unsupported("call of a non-function")
        else:
            raise Unsupported(f"call {ast.dump(node.func)[:40]}")
        kw = {}
        for k in node.keywords:
            if k.arg not in KEYWORDS:
                raise Unsupported(f"keyword {k.arg}")
            kw[k.arg] = rebuild(k.value)
        return fn(*[rebuild(a) for a in node.args], **kw)
    raise Unsupported(type(node).__name__)


@dataclass
class Pair:
    file: str
    listname: str
    latex: str
    expected: object = None   # the SymPy value, or None when skipped
    skipped: str = ""          # why it is not checked


def extract(path: Path) -> tuple[list[Pair], list[tuple[str, str]]]:
    """(pairs, refused strings) from one SymPy test file, by reading its syntax tree."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pairs, bad = [], []
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.List)):
            continue
        name = node.targets[0].id
        for elt in node.value.elts:
            if name.endswith("PAIRS") and isinstance(elt, ast.Tuple) and len(elt.elts) == 2 \
                    and isinstance(elt.elts[0], ast.Constant) and isinstance(elt.elts[0].value, str):
                p = Pair(path.name, name, elt.elts[0].value)
                try:
                    p.expected = rebuild(elt.elts[1])
                except (Unsupported, TypeError, ValueError) as e:
                    p.skipped = f"not rebuilt ({e})"
                pairs.append(p)
            elif "BAD_STRINGS" in name and isinstance(elt, (ast.Constant, ast.BinOp)):
                try:
                    s = ast.literal_eval(elt)
                except ValueError:
                    continue
                if isinstance(s, str):
                    bad.append((name, s))
    return pairs, bad


def classify_skip(p: Pair) -> None:
    if p.skipped:
        return
    e = p.expected
    if isinstance(e, sp.core.relational.Relational):
        p.skipped = "a relation (nothing to compare with)"
    elif _Q and isinstance(e, sp.Basic) and (isinstance(e, tuple(_Q.values())) or e.atoms(*_Q.values())):
        p.skipped = "bra-ket notation (out of scope)"
    elif not isinstance(e, (sp.Basic, sp.MatrixBase)):
        p.skipped = f"not an expression ({type(e).__name__})"


CONSTRUCTS = [  # (name, pattern), first match wins: what a disagreement is about
    ("matrix", r"\\begin|matrix"), ("integral", r"\\int"), ("limit", r"\\lim"), ("sum/product", r"\\sum|\\prod"),
    ("derivative", r"\\frac\s*\{\s*d|\\frac\s*\{\s*\\partial|\\frac\s*d"), ("binomial", r"binom|choose"),
    ("factorial", r"!"), ("root", r"\\sqrt"), ("log/exp", r"\\log|\\ln|\\lg|\\exp"),
    ("trigonometric", r"\\(arc)?(sin|cos|tan|csc|sec|cot)"), ("fraction", r"\\[dt]?frac"),
    ("floor/ceiling", r"lfloor|lceil"), ("conjugate", r"overline"), ("complex unit", r"imaginaryunit"),
    ("absolute value", r"\||\\lvert|\\vert"), ("min/max", r"\\min|\\max"), ("primes", r"'"),
    ("font", r"\\math"), ("spacing", r"\\[,;:!]|quad|space"), ("subscript", r"_"),
    ("delimiters", r"\\left|\[|\\\{"), ("power", r"\^"), ("arithmetic", r"."),
]


def construct(latex: str) -> str:
    for name, pat in CONSTRUCTS:
        if re.search(pat, latex):
            return name
    return "arithmetic"


# ---------------------------------------------------------------------------------------------
# Checking


def _verdict(claim: str, timeout: float) -> tuple[str, str]:
    from derive.check import ClaimError, check_claim, run_limited

    try:
        r = run_limited(check_claim, claim, timeout=timeout)
        return r.verdict, r.summary()
    except ClaimError as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        return ("timeout" if msg.startswith("time limit") else "error"), msg


@dataclass
class Checked:
    pair: Pair
    printed: str
    claim: str
    verdict: str
    note: str
    latex_readable: bool
    printed_readable: bool

    @property
    def agrees(self) -> bool:
        return self.verdict == "holds"

    @property
    def kind(self) -> str:
        if self.agrees:
            return "agrees"
        if not self.latex_readable:
            return "refuses SymPy's LaTeX"
        if not self.printed_readable:
            return "cannot read sympy.latex's output"
        return "reads it differently"


_GREEK = "|".join(sorted(greek_letters_set, key=len, reverse=True))


def _name_latex(name: str) -> str | None:
    """A re-readable spelling of a symbol name sympy.latex would print as juxtaposed letters, else None.

    SymPy's printer writes Symbol("test") as ``test`` and Symbol("alpha'_{beta}") as ``alpha'_{beta}``
    (the backslashes of the Greek letters lost), which no reader, SymPy's own included, reads back as one
    symbol; the test files' LaTeX spells them ``\\mathit{test}`` and ``\\alpha'_\\beta``.
    """
    m = re.match(r"([A-Za-z]+(?: [A-Za-z]+)*)(.*)$", name, re.S)
    if not m:
        return None
    base, rest = m.groups()
    fixed_rest = re.sub(rf"(?<![\\A-Za-z])({_GREEK})(?![A-Za-z])", r"\\\1", rest)
    if base in greek_letters_set:
        base_tex = "\\" + base
    elif len(base) > 1:
        base_tex = r"\mathit{" + base + "}"
    else:
        base_tex = base
    out = base_tex + fixed_rest
    return out if out != sp.latex(sp.Symbol(name)) and (len(base) > 1 or fixed_rest != rest) else None


def printed_value(e) -> str:
    """sympy.latex of the expected value, with the two printer losses undone: a logarithm's base
    (log(x, 2, evaluate=False) prints as log(x)) and multi-letter or Greek-in-composite symbol names."""
    if isinstance(e, sp.Basic):
        e = e.replace(lambda u: isinstance(u, sp.log) and len(u.args) == 2,
                      lambda u: sp.Mul(sp.log(u.args[0]), sp.Pow(sp.log(u.args[1]), -1), evaluate=False))
        names = {s: t for s in e.free_symbols if isinstance(s, sp.Symbol) and (t := _name_latex(s.name))}
        return sp.latex(e, symbol_names=names) if names else sp.latex(e)
    return sp.latex(e)


def check_pair(p: Pair, timeout: float) -> Checked:
    printed = printed_value(p.expected)
    claim = f"{p.latex} = {printed}"
    v, note = _verdict(claim, timeout)
    if v == "holds":
        return Checked(p, printed, claim, v, note, True, True)
    lv, _ = _verdict(f"{p.latex} = {p.latex}", timeout)
    pv, _ = _verdict(f"{printed} = {printed}", timeout)
    return Checked(p, printed, claim, v, note, lv not in ("error", "timeout"), pv not in ("error", "timeout"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", action="append", choices=FILES,
                    help="which of SymPy's test files to read (default: both)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per claim (default 10)")
    ap.add_argument("--json", type=Path, help="also write every pair's outcome as JSON")
    args = ap.parse_args(argv)
    files = args.file or list(FILES)
    pairs, bad, seen = [], [], set()
    for name in files:
        path = TEST_DIR / name
        if not path.is_file():
            print(f"sympy_latex_pairs: {path} not found (this SymPy does not ship it)", file=sys.stderr)
            continue
        ps, bs = extract(path)
        for p in ps:  # the same LaTeX appears in several lists (evaluated / unevaluated): check it once
            if p.latex not in seen:
                seen.add(p.latex)
                pairs.append(p)
        bad += [(n, s) for n, s in bs if s not in {b for _, b in bad}]
    if not pairs:
        print("sympy_latex_pairs: no pairs found", file=sys.stderr)
        return 2
    for p in pairs:
        classify_skip(p)
    todo = [p for p in pairs if not p.skipped]
    t0 = time.perf_counter()
    checked = [check_pair(p, args.timeout) for p in todo]
    refused = [(n, s, *_verdict(f"{s} = 0", args.timeout)) for n, s in bad]
    secs = time.perf_counter() - t0

    n = len(checked)
    readable = sum(c.latex_readable for c in checked)
    agree = sum(c.agrees for c in checked)
    print(f"SymPy {sp.__version__}: {len(pairs)} distinct (LaTeX, expected) pairs in {', '.join(files)}")
    skips: dict[str, int] = {}
    for p in pairs:
        if p.skipped:
            key = p.skipped if not p.skipped.startswith("not rebuilt") else "not rebuilt from the test file"
            skips[key] = skips.get(key, 0) + 1
    for k, v in sorted(skips.items()):
        print(f"  skipped: {v:3d} {k}")
    print(f"checked: {n} claims 'LATEX = sympy.latex(expected)'")
    print(f"  parse rate (LaTeX read, not refused): {readable}/{n} = {100 * readable / n:.1f}%")
    print(f"  agreement (the claim holds):          {agree}/{n} = {100 * agree / n:.1f}%")
    kinds: dict[str, int] = {}
    for c in checked:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    for k, v in sorted(kinds.items()):
        print(f"    {k:34} {v:4d}")
    groups: dict[str, list[Checked]] = {}
    for c in checked:
        if not c.agrees:
            groups.setdefault(construct(c.pair.latex), []).append(c)
    print(f"\nDisagreements by construct ({n - agree}):")
    for g in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        print(f"  {g} ({len(groups[g])})")
        for c in groups[g]:
            note = " ".join(c.note.split())
            note = note if len(note) <= 100 else note[:99] + "…"
            print(f"    [{c.kind}] {c.verdict}: {c.claim}\n        {note}")
    ok_refused = [r for r in refused if r[2] == "error"]
    print(f"\nStrings SymPy refuses, as claims 'BAD = 0': the checker refuses {len(ok_refused)}/{len(refused)}")
    for name, s, v, _note in refused:
        if v != "error":
            print(f"    accepted ({v}): {s!r}  [{name}]")
    print(f"\n{n + len(refused)} checks in {secs:.0f} s (time limit {args.timeout:g} s each)")
    if args.json:
        from derive.fileio import atomic_write_text

        out = {"sympy": sp.__version__, "files": files, "checked": n, "parsed": readable, "agree": agree,
               "skipped": skips,
               "pairs": [{"file": c.pair.file, "list": c.pair.listname, "latex": c.pair.latex,
                          "printed": c.printed, "verdict": c.verdict, "kind": c.kind,
                          "construct": construct(c.pair.latex), "note": c.note} for c in checked],
               "refused": [{"list": nme, "latex": s, "verdict": v, "note": note} for nme, s, v, note in refused]}
        atomic_write_text(args.json, json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
