"""A bounded parser for the LaTeX of claims: lark tree -> small AST -> SymPy, never eval or sympify.

Two stages. ``parse`` turns text into an AST of ``Node`` objects (with positions) after refusing
anything outside the whitelist, too long or too deeply nested. ``Interpreter`` gives the AST a
meaning in a ``Context``: ``ScalarContext`` for scalar claims (symbols, named functions, sums,
derivatives) and, in ``derive.check``, a network context that maps the notation of a profile to
explicit matrices. Juxtaposition is resolved here, with knowledge of which names are functions:
``y(1-y)`` is a product, ``\\sigma(z)`` a call, ``\\frac{d}{dx}`` an operator on what follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable

import sympy as sp
from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import NNDeriveError
from .primitives import (
    ELU,
    GELU,
    LeakyReLU,
    NormalCDF,
    NormalPDF,
    ReLU,
    Sigmoid,
    SiLU,
    SoftmaxEntry,
    Softplus,
    Step,
    Tanh,
)

MAX_CHARS = 2000
MAX_DEPTH = 24          # brackets, braces and scripts inside each other
MAX_EXPONENT = 256      # |integer exponent|; 9^{9^{9^{9}}} is refused at 9^9
MAX_TERMS = 64          # terms of one expanded sum
MAX_MATRIX = 400        # entries of one matrix value

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi",
    "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma",
    "Upsilon", "Phi", "Psi", "Omega",
}
SYMBOL_COMMANDS = GREEK | {"ell", "partial", "nabla", "infty"}
FUNCTION_COMMANDS = {"tanh", "exp", "ln", "log", "max", "min", "sinh", "cosh", "coth", "sin", "cos", "tan"}
STRUCTURE_COMMANDS = {
    "frac", "dfrac", "tfrac", "sqrt", "sum", "hat", "vec", "mathbf", "bm", "bold", "boldsymbol",
    "mathbb", "bar", "tilde", "overline", "widehat", "text", "operatorname", "mathrm", "textrm",
    "mathit", "textit", "begin", "end", "lbrack", "rbrack", "top", "intercal", "cdot", "times",
    "odot", "circ", "le", "leq", "ge", "geq", "leqslant", "geqslant", "approx", "equiv", "left",
    "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "quad",
    "qquad", "prod", "lvert", "rvert", "lVert", "rVert", "in", "leftarrow", "gets", "ne", "neq", "lt",
    "gt",
}
# commands outside the dialect that a tutorial may use, with what to write instead
UNSUPPORTED_HINTS = {
    "int": "integrals are not checked", "lim": "limits are not checked",
    "dot": "dot notation for time derivatives is not supported; write f'(x) or \\frac{d}{dx}",
    "ddot": "dot notation for time derivatives is not supported; write f''(x) or \\frac{d^2}{dx^2}",
    "def": "macro definitions are not accepted; use --given for definitions",
    "newcommand": "macro definitions are not accepted; use --given for definitions",
    "renewcommand": "macro definitions are not accepted; use --given for definitions",
    "input": "file inclusion is not accepted", "include": "file inclusion is not accepted",
    "det": "determinants are not checked", "mathcal": "script letters are not supported",
    "to": "arrows are only accepted as \\leftarrow (an update rule)",
    "rightarrow": "arrows are only accepted as \\leftarrow (an update rule)",
    "forall": "quantifiers are not checked; state the claim for a generic value",
    "sech": "write \\operatorname{sech}(x)", "csch": "write \\operatorname{csch}(x)",
    "sgn": "write \\operatorname{sign}(x)",
}
WHITELIST = SYMBOL_COMMANDS | FUNCTION_COMMANDS | STRUCTURE_COMMANDS
ENVIRONMENTS = {"matrix", "bmatrix", "pmatrix", "vmatrix", "cases"}
# \operatorname{...} names that denote functions (lower-cased)
NAMED_FUNCTIONS = {
    "relu": "relu", "sigmoid": "sigmoid", "sigma": "sigmoid", "tanh": "tanh", "gelu": "gelu",
    "softplus": "softplus", "silu": "silu", "swish": "silu", "softmax": "softmax", "exp": "exp",
    "ln": "ln", "log": "log", "elu": "elu", "lrelu": "leaky_relu", "leakyrelu": "leaky_relu",
    "max": "max", "min": "min", "step": "step", "heaviside": "step", "h": "step", "sech": "sech",
    "cosh": "cosh", "sinh": "sinh", "csch": "csch", "coth": "coth", "sin": "sin", "cos": "cos",
    "tan": "tan", "abs": "abs", "sign": "sign", "sgn": "sign", "erf": "erf",
}
ALLOWED_UNICODE = set("\u2013\u2212\u22c5\u2217")


class LatexError(NNDeriveError):
    """The claim cannot be parsed or interpreted; the message points at the position."""

    def __init__(self, message: str, text: str | None = None, pos: tuple[int, int] | None = None,
                 what: str = "claim"):
        self.plain = message
        self.pos = pos
        if text is not None and pos is not None:
            line, col = pos
            src = text.splitlines()[line - 1] if text.splitlines() else ""
            message = (f"cannot read the {what} at line {line}, column {col}: {message}\n"
                       f"  {src}\n  {' ' * (col - 1)}^")
        super().__init__(message)


class ShapeMismatch(Exception):
    """Two values cannot be combined because of their shapes (a verdict, not a user error)."""


class OutOfRange(Exception):
    """An index or layer names an entry that does not exist (used to find index ranges)."""


# ---------------------------------------------------------------------------------------------
# AST


@dataclass
class Node:
    """One AST node: a kind, its parts and where it starts (line, column)."""

    kind: str
    args: tuple = ()
    pos: tuple[int, int] = (1, 1)
    scripts: tuple = ()   # for kind "postfix": (("sup", Node) | ("sub", Node) | ("prime",), ...)
    text: str = ""        # for kind "postfix": the source text of the atom (for messages)

    def __repr__(self):  # pragma: no cover - debugging aid
        return f"Node({self.kind}, {self.args!r}, scripts={self.scripts!r})"


def _pos(meta_or_tok) -> tuple[int, int]:
    line = getattr(meta_or_tok, "line", None) or 1
    col = getattr(meta_or_tok, "column", None) or 1
    return (line, col)


def _first_pos(children):
    for c in children:
        if isinstance(c, Token):
            return (c.line, c.column)
        if isinstance(c, Node):
            return c.pos
    return (1, 1)


def _convert(tree, src: str):
    """Tree -> Node, iteratively bounded by the depth check already done on the text."""
    if isinstance(tree, Token):
        return tree
    kids = [_convert(c, src) for c in tree.children]
    meta = tree.meta
    pos = (meta.line, meta.column) if not getattr(meta, "empty", True) else _first_pos(kids)
    kind = str(tree.data)
    if kind == "postfix":
        base, scripts = kids[0], []
        for s in kids[1:]:
            if s.kind == "prime":
                scripts.append(("prime",))
            else:
                scripts.append((s.kind, s.args[0]))
        end = getattr(meta, "end_pos", None)
        start = getattr(meta, "start_pos", None)
        text = src[start:end] if start is not None and end is not None else ""
        return Node("postfix", (base,), pos, tuple(scripts), text)
    return Node(kind, tuple(kids), pos)


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("derive").joinpath("latex_grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True,
                maybe_placeholders=False)


def _line_col(text: str, i: int) -> tuple[int, int]:
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return line, col


def prescan(text: str, what: str = "claim") -> None:
    """Refuse text that is too long, too deep, or uses anything outside the whitelist."""
    if not isinstance(text, str):
        raise LatexError(f"the {what} must be text")
    if len(text) > MAX_CHARS:
        raise LatexError(f"the {what} is {len(text)} characters long; at most {MAX_CHARS} are accepted",
                         text, _line_col(text, MAX_CHARS), what)
    if not text.strip():
        raise LatexError(f"the {what} is empty")
    for i, ch in enumerate(text):
        if ch in "\n\t\r":
            continue
        if ord(ch) < 32 or (ord(ch) > 126 and ch not in ALLOWED_UNICODE):
            raise LatexError(f"character {ch!r} is not part of the accepted LaTeX", text,
                             _line_col(text, i), what)
        if ch in "$#%&@\"`!?;" and not (ch == "&" and "\\begin" in text) and not (
                ch in "!;" and i > 0 and text[i - 1] == "\\"):
            raise LatexError(f"character {ch!r} is not accepted here", text, _line_col(text, i), what)
    for m in re.finditer(r"\\([a-zA-Z]+)", text):
        name = m.group(1)
        if name not in WHITELIST:
            hint = UNSUPPORTED_HINTS.get(name)
            raise LatexError(f"unknown or unsupported command \\{name}" + (f" ({hint})" if hint else ""), text,
                             _line_col(text, m.start()), what)
        if name in ("begin", "end"):
            env = re.match(r"\\(?:begin|end)\{([a-zA-Z*]+)\}", text[m.start():])
            if not env or env.group(1) not in ENVIRONMENTS:
                raise LatexError(f"environment {env.group(1) if env else '?'!r} is not supported in a"
                                 " formula (matrix, bmatrix, pmatrix, cases are)", text,
                                 _line_col(text, m.start()), what)
    depth, stack = 0, []
    for i, ch in enumerate(text):
        if ch in "({[" and not (i > 0 and text[i - 1] == "\\"):
            depth += 1
            stack.append(i)
            if depth > MAX_DEPTH:
                raise LatexError(f"nested more than {MAX_DEPTH} levels deep", text, _line_col(text, i),
                                 what)
        elif ch in ")}]" and not (i > 0 and text[i - 1] == "\\"):
            depth -= 1
            if depth < 0:
                raise LatexError(f"unmatched {ch!r}", text, _line_col(text, i), what)
            stack.pop()
    scripts = text.count("^") + text.count("_")
    if scripts > 400:
        raise LatexError("too many superscripts and subscripts", text, (1, 1), what)


# Unicode math a tutorial author may paste, and the LaTeX it stands for.
UNICODE_LATEX = {
    "\u03c3": "\\sigma ", "\u03b4": "\\delta ", "\u0394": "\\Delta ", "\u03b1": "\\alpha ",
    "\u03b2": "\\beta ", "\u03b3": "\\gamma ", "\u03b7": "\\eta ", "\u03bb": "\\lambda ",
    "\u03bc": "\\mu ", "\u03b5": "\\epsilon ", "\u03b8": "\\theta ", "\u03c6": "\\phi ",
    "\u03d5": "\\phi ", "\u03a6": "\\Phi ", "\u03c0": "\\pi ", "\u03c1": "\\rho ", "\u03c4": "\\tau ",
    "\u03c9": "\\omega ", "\u03be": "\\xi ", "\u03a3": "\\Sigma ", "\u2113": "\\ell ",
    "\u2202": "\\partial ", "\u2207": "\\nabla ", "\u2299": "\\odot ", "\u2218": "\\circ ",
    "\u00b7": "\\cdot ", "\u00d7": "\\times ", "\u22a4": "\\top ", "\u2032": "'", "\u2033": "''",
    "\u2248": "\\approx ", "\u2261": "\\equiv ", "\u2264": "\\le ", "\u2265": "\\ge ",
    "\u2211": "\\sum ", "\u220f": "\\prod ", "\u221a": "\\sqrt ", "\u2208": "\\in ",
    "\u211d": "\\mathbb{R}", "\u2190": "\\leftarrow ", "\u2254": ":=", "\u221e": "\\infty ",
    "\u00b2": "^{2}", "\u00b3": "^{3}", "\u207b\u00b9": "^{-1}", "\u1d40": "^{T}",
    "\u2080": "_{0}", "\u2081": "_{1}", "\u2082": "_{2}", "\u2083": "_{3}", "\u2084": "_{4}",
    "\u00a0": " ", "\u2009": " ", "\u200a": " ",
}
_DELIMS = ((r"$$", r"$$"), (r"$", r"$"), (r"\(", r"\)"), (r"\[", r"\]"))
_QUALIFIER = re.compile(r"\\text\{\s*(for|where|if|when|with|as|since|and|on|provided|all|because|by)\b",
                        re.I)


def normalize(text: str) -> tuple[str, list[str]]:
    """What a tutorial author pastes -> the dialect: math delimiters, trailing punctuation, Unicode
    symbols, ^{\\prime}, and trailing qualifiers ('for all x', ', \\quad x > 0') that are not checked.

    Returns the text to parse (shown in messages, so positions refer to it) and notes.
    """
    notes: list[str] = []
    if not isinstance(text, str):
        return text, notes
    t = text.strip()
    while t and t[-1] in ".,;" and not t.endswith(("\\,", "\\;")):
        t = t[:-1].rstrip()
    for a, b in _DELIMS:
        if len(t) >= len(a) + len(b) and t.startswith(a) and t.endswith(b) and a not in t[len(a):-len(b)]:
            t = t[len(a):-len(b)].strip()
            break
    t = t.replace("^\u1d40", "^{T}")
    if any(ch in UNICODE_LATEX or ch in "\u207b" for ch in t):
        t = t.replace("\u207b\u00b9", "^{-1}")
        t = "".join(UNICODE_LATEX.get(ch, ch) for ch in t)
        notes.append("Unicode symbols were read as their LaTeX commands")
    t = re.sub(r"\^\{\s*((?:\\prime\s*)+)\}|\^\\prime(?![a-zA-Z])",
               lambda m: "'" * max(1, (m.group(1) or "").count("prime")), t)
    t = _bars(t)
    # \left. and \right. (invisible delimiters)
    t = re.sub(r"\\(left|right)\.", " ", t)
    # a qualifier after the formula: \text{for all } x, \text{if } ..., ", \quad ..."
    depth, env = 0, 0
    cut = None
    for i, ch in enumerate(t):
        if ch in "{([" and not (i and t[i - 1] == "\\"):
            depth += 1
        elif ch in "})]" and not (i and t[i - 1] == "\\"):
            depth -= 1
        elif ch == "\\":
            if t.startswith("\\begin", i):
                env += 1
            elif t.startswith("\\end", i):
                env -= 1
            elif depth == 0 and env == 0 and "=" in t[:i] and (
                    _QUALIFIER.match(t, i) or re.match(r"\\q?quad(?![a-zA-Z])", t[i:])):
                cut = i
                break
        elif ch == "," and depth == 0 and env == 0 and "=" in t[:i] and re.match(r",\s*\\q?quad", t[i:]):
            cut = i
            break
    if cut is not None and t[:cut].strip():
        rest = t[cut:].strip().lstrip(",").strip()
        notes.append(f"the qualifier {rest!r} is not checked")
        t = t[:cut]
    t = t.rstrip()
    while t and t[-1] in ".,;" and not t.endswith(("\\,", "\\;")):
        t = t[:-1].rstrip()
    return t, notes


_OPERATOR_BEFORE = set("+-*/=(,[{&^_<>") | {"\u2212", "\u2013"}


def _bars(t: str) -> str:
    """|x| -> \\lvert x \\rvert and \\|v\\| -> \\lVert v \\rVert: a bar opens unless it can close
    the innermost open bar of its kind at the same bracket depth (a bar after an operator opens)."""
    if "|" not in t:
        return t
    out, stack, depth, i = [], [], 0, 0
    while i < len(t):
        ch = t[i]
        norm_bar = t.startswith("\\|", i)
        if ch == "|" or norm_bar:
            kind = "norm" if norm_bar else "abs"
            prev = "".join(out).rstrip()
            prev_ch = prev[-1] if prev else ""
            closes = (stack and stack[-1] == (kind, depth) and prev_ch not in _OPERATOR_BEFORE
                      and not prev.endswith(("\\lvert", "\\lVert")))
            if closes:
                stack.pop()
                out.append(" \\rVert " if kind == "norm" else " \\rvert ")
            else:
                stack.append((kind, depth))
                out.append("\\lVert " if kind == "norm" else "\\lvert ")
            i += 2 if norm_bar else 1
            continue
        if ch == "\\" and i + 1 < len(t):
            out.append(t[i:i + 2])
            i += 2
            continue
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        out.append(ch)
        i += 1
    if stack:
        return t  # unbalanced: leave the bars for the parser to point at
    return "".join(out)


def parse(text: str, what: str = "claim") -> Node:
    """Parse a claim or definition into an AST (kind 'relation'); LatexError with position if not.

    The text is normalized first (see ``normalize``); ``node.source`` is the text that was parsed.
    """
    text, notes = normalize(text)
    node = _parse(text, what)
    node.notes = notes  # type: ignore[attr-defined]
    return node


def _parse(text: str, what: str) -> Node:
    prescan(text, what)
    try:
        tree = _parser().parse(text)
    except UnexpectedEOF:
        raise LatexError("the formula ends too early (an unclosed bracket or a missing operand?)",
                         text, _line_col(text, len(text.rstrip()) - 1 if text.strip() else 0), what) from None
    except UnexpectedToken as e:
        tok = e.token
        if tok.type == "$END":
            raise LatexError("the formula ends too early (an unclosed bracket or a missing operand?)",
                             text, _line_col(text, max(len(text.rstrip()) - 1, 0)), what) from None
        raise LatexError(f"unexpected {str(tok)!r}", text, (e.line, e.column), what) from None
    except UnexpectedCharacters as e:
        raise LatexError(f"unexpected character {text[e.pos_in_stream]!r}", text, (e.line, e.column),
                         what) from None
    except UnexpectedInput as e:  # pragma: no cover - other lark input errors
        raise LatexError("cannot parse", text, (getattr(e, "line", 1), getattr(e, "column", 1)),
                         what) from None
    node = _convert(tree, text)
    node.source = text  # type: ignore[attr-defined]
    return node


# ---------------------------------------------------------------------------------------------
# Helpers on the AST


def relation_parts(rel: Node) -> tuple[list[Node], list[str]]:
    """The sides and relation symbols of a relation node (a = b = c -> [a, b, c], ['=', '='])."""
    sides = [c for c in rel.args if isinstance(c, Node)]
    ops = [str(c) for c in rel.args if isinstance(c, Token)]
    return sides, ops


def unwrap(node: Node) -> Node:
    """Strip relation/expr/term/juxt wrappers that hold exactly one child."""
    while True:
        if node.kind == "relation" and len(node.args) == 1:
            node = node.args[0]
        elif node.kind == "expr" and len(node.args) == 1:
            node = node.args[0]
        elif node.kind == "term" and len(node.args) == 1:
            node = node.args[0]
        elif node.kind == "juxt" and len(node.args) == 1:
            node = node.args[0]
        elif node.kind in ("brace", "group", "sbrace") and len(node.args) == 1 and node.args[0].kind == "list" \
                and len(node.args[0].args) == 1:
            node = node.args[0].args[0]
        elif node.kind == "list" and len(node.args) == 1:
            node = node.args[0]
        else:
            return node


def items_of(node: Node) -> list[Node]:
    """The relations inside a group/list/paren/bracket node."""
    for c in node.args:
        if isinstance(c, Node) and c.kind == "list":
            return [x for x in c.args if isinstance(x, Node)]
    return []


def juxt_items(node: Node) -> list[Node] | None:
    """The postfix items of a node that is a single juxtaposition (None otherwise)."""
    n = node
    while n.kind in ("relation", "expr", "term", "list") and len(n.args) == 1:
        n = n.args[0]
    if n.kind in ("group", "brace") and len(n.args) == 1:
        return juxt_items(n.args[0])
    if n.kind == "juxt":
        return list(n.args)
    if n.kind == "postfix":
        return [n]
    return None


def plain_text(node: Node) -> str | None:
    """A script made only of letters, digits and \\text (e.g. 'pred', 'true', 'T'), else None."""
    n = unwrap(node)
    if isinstance(n, Token):
        return str(n)
    if n.kind == "sletter" or n.kind == "snumber":
        return str(n.args[0])
    if n.kind == "scmd":
        return None
    if n.kind == "stop":
        return "T"
    if n.kind == "sbrace":
        items = items_of(n)
        if len(items) != 1:
            return None
        return plain_text(items[0])
    items = juxt_items(n)
    if items is None:
        return None
    out = []
    for it in items:
        if it.kind != "postfix" or it.scripts:
            return None
        b = it.args[0]
        if b.kind == "letter":
            out.append(str(b.args[0]))
        elif b.kind == "number":
            out.append(str(b.args[0]))
        elif b.kind == "text":
            out.append("".join(str(t) for t in b.args[1:]).strip())
        elif b.kind == "top":
            out.append("T")
        else:
            return None
    return "".join(out)


def is_transpose_script(node: Node) -> bool:
    n = unwrap(node)
    if isinstance(n, Node) and n.kind == "stop":
        return True
    if isinstance(n, Node) and n.kind == "scmd":
        return False
    t = plain_text(node)
    if t == "T":
        return True
    items = juxt_items(n) if isinstance(n, Node) else None
    if items and len(items) == 1 and items[0].kind == "postfix" and items[0].args[0].kind == "top":
        return True
    if isinstance(n, Node) and n.kind == "sbrace":
        its = items_of(n)
        return len(its) == 1 and is_transpose_script(its[0])
    return False


def atom_key(post: Node) -> tuple[str, bool] | None:
    """(base name, hatted) of a postfix atom: 'W', 'delta', 'ell'; decorations other than hat ignored."""
    b = post.args[0] if post.kind == "postfix" else post
    hat = False
    while b.kind == "decor":
        kind = str(b.args[0])
        if kind in ("\\hat", "\\widehat"):
            hat = True
        inner = b.args[1]
        if isinstance(inner, Token):
            return (str(inner), hat)
        items = juxt_items(inner)
        if not items or len(items) != 1:
            return None
        b = items[0].args[0] if items[0].kind == "postfix" else items[0]
    if b.kind == "letter":
        return (str(b.args[0]), hat)
    if b.kind == "command":
        return (str(b.args[0])[1:], hat)
    if b.kind == "text" and str(b.args[0]) in ("\\mathrm", "\\mathit", "\\textrm", "\\text"):
        body = "".join(str(t) for t in b.args[1:]).strip()
        return (body, hat) if body else None
    return None


def decor_scripts(post: Node) -> tuple:
    """Scripts written inside a decoration (\\vec{w^i_j}) followed by those outside it."""
    b = post.args[0]
    inner_scripts: tuple = ()
    while b.kind == "decor":
        inner = b.args[1]
        if isinstance(inner, Token):
            break
        items = juxt_items(inner)
        if not items or len(items) != 1:
            break
        inner_scripts = items[0].scripts + inner_scripts
        b = items[0].args[0]
    return inner_scripts + post.scripts


def source_of(node: Node, text: str | None = None) -> str:
    return getattr(node, "text", "") or ""


# ---------------------------------------------------------------------------------------------
# Value algebra: SymPy scalars and explicit matrices


def is_mat(v) -> bool:
    return isinstance(v, sp.MatrixBase)


def shape_of(v) -> tuple[int, int] | None:
    return tuple(v.shape) if is_mat(v) else None


def fmt_shape(v) -> str:
    return "scalar" if not is_mat(v) else f"{v.shape[0]}\u00d7{v.shape[1]}"


def norm(v):
    """1x1 matrices are scalars."""
    if is_mat(v) and v.shape == (1, 1):
        return v[0, 0]
    return v


class Algebra:
    """Products, sums and powers of scalars and matrices, with notes on lenient readings."""

    def __init__(self, vector_square: str = "norm"):
        self.notes: list[str] = []
        self.vector_square = vector_square  # (v)^2 of a vector: "norm" (v^T v) or "elementwise"

    def note(self, text: str):
        if text not in self.notes:
            self.notes.append(text)

    def add(self, a, b, what="+"):
        a, b = norm(a), norm(b)
        if is_mat(a) and is_mat(b):
            if a.shape != b.shape:
                raise ShapeMismatch(f"cannot add a {fmt_shape(a)} and a {fmt_shape(b)} matrix")
            return a + b
        if is_mat(a) or is_mat(b):
            m, s = (a, b) if is_mat(a) else (b, a)
            if s == 0:
                return m
            # 1 - a for a vector a: the scalar stands for a vector of that value (article habit)
            self.note("a scalar added to a vector is read as that value in every entry")
            return m.applyfunc(lambda x: x + s) if m is a else m.applyfunc(lambda x: s + x)
        return a + b

    def neg(self, a):
        return -a

    def mul(self, a, b, op="juxt"):
        a, b = norm(a), norm(b)
        if op == "/":
            if is_mat(b):
                raise ShapeMismatch(f"cannot divide by a {fmt_shape(b)} matrix")
            return a / b if not is_mat(a) else a / b
        if not is_mat(a) or not is_mat(b):
            return a * b
        if op in ("\\odot", "\\circ", "*", "\u2217"):
            if a.shape != b.shape:
                raise ShapeMismatch(f"element-wise product of a {fmt_shape(a)} and a {fmt_shape(b)}"
                                    " matrix")
            return a.multiply_elementwise(b)
        if op in ("\\cdot", "\u22c5") and a.shape == b.shape and a.shape[1] == 1:
            return norm(a.T * b)
        if a.shape[1] == b.shape[0]:
            return norm(a * b)
        if a.shape == b.shape:
            self.note("juxtaposed same-shape vectors are read as an element-wise product")
            return a.multiply_elementwise(b)
        raise ShapeMismatch(f"cannot multiply a {fmt_shape(a)} by a {fmt_shape(b)} matrix")

    def power(self, base, exp):
        base = norm(base)
        if is_mat(exp):
            raise ShapeMismatch("an exponent cannot be a matrix")
        if exp.is_Number:
            if exp.is_Integer and abs(int(exp)) > MAX_EXPONENT:
                raise LatexError(f"exponent {exp} is too large (at most {MAX_EXPONENT})")
            if exp.is_Rational and not exp.is_Integer and (abs(exp.p) > MAX_EXPONENT or exp.q > MAX_EXPONENT):
                raise LatexError(f"exponent {exp} is too large")
            if base.is_Number if not is_mat(base) else False:
                if abs(base) > 10**6 and abs(exp) > 8:
                    raise LatexError(f"power {base}^{exp} is too large")
        if is_mat(base):
            if base.shape[1] == 1 and exp == 2 and self.vector_square == "elementwise":
                return base.applyfunc(lambda e: e ** 2)
            if base.shape[1] == 1 and exp == 2:
                self.note("the square of a vector is read as its squared norm (sum over its entries)")
                return norm(base.T * base)
            if base.shape[0] == base.shape[1] and exp.is_Integer and 0 < exp <= 4:
                return base ** int(exp)
            raise ShapeMismatch(f"cannot raise a {fmt_shape(base)} matrix to the power {exp}")
        return sp.Pow(base, exp)

    def transpose(self, v):
        return v.T if is_mat(v) else v

    def apply(self, f: Callable, v):
        """A scalar function applied entry by entry."""
        if is_mat(v):
            return v.applyfunc(f)
        return f(v)


# ---------------------------------------------------------------------------------------------
# Contexts


@dataclass
class FuncDef:
    """A user definition f(x, y) = body (body is an AST interpreted when the function is used)."""

    name: str
    params: tuple[str, ...]
    body: Node


@dataclass
class Definitions:
    """The --given definitions: symbols (y = ...) and functions (f(x) = ...)."""

    symbols: dict[str, Node] = field(default_factory=dict)
    functions: dict[str, FuncDef] = field(default_factory=dict)


def symbol_name(key: tuple[str, bool], sub: str | None = None, sup: str | None = None) -> str:
    base, hat = key
    name = ("hat_" if hat else "") + base
    if sub:
        name += "_" + sub
    if sup:
        name += "^" + sup
    return name


class ScalarContext:
    """Meaning for scalar claims: every letter is a real symbol; functions are the primitives."""

    network = False

    def __init__(self, definitions: Definitions | None = None, relu_h0=0):
        self.defs = definitions or Definitions()
        self.indices: dict[str, int] = {}      # instantiated free and summation indices
        self.hidden: set[str] = set()          # definitions suspended while differentiating
        self.h0 = sp.nsimplify(relu_h0)
        self.depth = 0
        self.symbols_made: dict[str, sp.Symbol] = {}

    def sym(self, name: str) -> sp.Symbol:
        s = self.symbols_made.get(name)
        if s is None:
            s = self.symbols_made[name] = sp.Symbol(name, real=True)
        return s

    # -- names

    def is_function_name(self, key: tuple[str, bool] | None, post: Node) -> bool:
        if key is None:
            return False
        base, hat = key
        if base in self.defs.functions:
            return True
        # single letters are symbols unless defined; only named functions are built in
        return len(base) > 1 and builtin_function(base) is not None and not hat

    def function(self, key, post: Node, interp: "Interpreter"):
        """(callable on values, name) for a function head, or None."""
        base, _ = key
        if base in self.defs.functions:
            fd = self.defs.functions[base]
            return (lambda *args: interp.call_defined(fd, args)), base
        f = builtin_function(base, self.h0)
        return (f, base) if f else None

    def scalar_symbol(self, post: Node, interp: "Interpreter"):
        """An atom with its scripts: (value, remaining scripts)."""
        key = atom_key(post)
        if key is None:
            raise LatexError(f"cannot read {post.text or 'this'} as a symbol", None)
        base, hat = key
        scripts = list(decor_scripts(post))
        sub_text = None
        rest = []
        label = None
        for s in scripts:
            if s[0] == "sub" and sub_text is None:
                sub_text = interp.index_label(s[1])
            elif s[0] == "sup" and label is None and _is_label(s[1]):
                label = plain_text(s[1])
            else:
                rest.append(s)
        if base == "e" and not hat and sub_text is None and label is None and "e" not in self.defs.symbols:
            return sp.E, rest
        if base == "pi" and sub_text is None:
            return sp.pi, rest
        if base == "delta" and sub_text and "," in sub_text and len(sub_text.split(",")) == 2:
            i, j = sub_text.split(",")
            return sp.KroneckerDelta(sp.Integer(int(i)), sp.Integer(int(j))), rest
        name = symbol_name(key, sub_text, label)
        return self.lookup(name, interp), rest

    def lookup(self, name: str, interp: "Interpreter"):
        if name in self.defs.symbols and name not in self.hidden:
            self.depth += 1
            if self.depth > 30:
                raise LatexError(f"definition of {name} refers to itself")
            try:
                return interp.value(self.defs.symbols[name])
            finally:
                self.depth -= 1
        if name in self.defs.functions and name not in self.hidden:
            fd = self.defs.functions[name]
            return interp.call_defined(fd, [self.sym(p) for p in fd.params])
        return self.sym(name)

    def batch_size(self):
        return None

    def undefined_numerator(self, post: Node, var: Node, interp: "Interpreter") -> str | None:
        """The spelling of a differentiated symbol that nothing defines, or None.

        \\frac{dL}{dy} differentiates L as a function of y: unless --given defines L (or L is a known
        function, or the same symbol family as the variable, as in dx_i/dx_j), L would silently be a
        constant and the derivative 0. Free variables elsewhere (the y of d/dx x^2 y) are fine.
        """
        if post.kind != "postfix" or post.args[0].kind not in ("letter", "command", "decor", "text"):
            return None
        key = atom_key(post)
        if key is None or key == atom_key(var):
            return None
        try:
            val, _ = self.scalar_symbol(post, interp)
        except (LatexError, OutOfRange, ShapeMismatch):
            return None
        if not isinstance(val, sp.Symbol) or self.symbols_made.get(val.name) is not val:
            return None
        if val.name in self.defs.symbols or val.name in self.defs.functions:
            return None
        return (post.text or val.name).strip()

    def undefined_hint(self, name: str) -> str:
        """How to define an undefined symbol (a network context adds its notation)."""
        return f"give it with --given '{name} = ...'"

    bare_functions: dict = {}

    def bare_function_value(self, post: Node, head, interp: "Interpreter"):
        """\\sigma written alone for \\sigma(z), in a claim that differentiates \\sigma by z."""
        var = self.bare_functions.get(head[1])
        if var is None:
            return None
        scripts = [s for s in post.scripts if s[0] != "sub"]
        if len(scripts) != len(post.scripts):
            return None
        return interp.call_value(post, head, self.derivative_variable_value(var, interp))


def _is_label(script: Node) -> bool:
    """A superscript that names rather than powers: (pred), {true}, \\text{...} (not T, not digits)."""
    t = plain_text(script)
    if t is None or t == "T":
        return False
    n = unwrap(script)
    if isinstance(n, Node) and n.kind == "sbrace":
        items = items_of(n)
        if len(items) == 1:
            it = juxt_items(items[0])
            if it and len(it) == 1 and it[0].args[0].kind == "text":
                return True
    return len(t) >= 2 and t.isalpha()


def builtin_function(base: str, h0=0) -> Callable | None:
    name = NAMED_FUNCTIONS.get(base.lower()) if base not in ("Phi", "phi", "sigma") else base
    table = {
        "sigma": lambda z: Sigmoid(z), "sigmoid": lambda z: Sigmoid(z), "tanh": lambda z: Tanh(z),
        "relu": lambda z: ReLU(z, h0), "gelu": lambda z: GELU(z), "softplus": lambda z: Softplus(z),
        "silu": lambda z: SiLU(z), "exp": sp.exp, "ln": sp.log, "log": sp.log,
        "Phi": lambda z: NormalCDF(z), "phi": lambda z: NormalPDF(z), "step": lambda z: Step(z, h0),
        "elu": lambda z: ELU(z, sp.Integer(1)),
        "leaky_relu": lambda z: LeakyReLU(z, sp.Rational(1, 100), h0),
        "sech": sp.sech, "cosh": sp.cosh, "sinh": sp.sinh, "csch": sp.csch, "coth": sp.coth,
        "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "abs": sp.Abs, "sign": sp.sign, "erf": sp.erf,
    }
    if base in ("Phi", "phi", "sigma", "tanh", "exp", "ln", "log"):
        return table[base]
    if name in table:
        return table[name]
    if name in ("max", "min", "softmax"):
        return {"max": "max", "min": "min", "softmax": "softmax"}[name]  # type: ignore[return-value]
    return None


# ---------------------------------------------------------------------------------------------
# The interpreter


class Interpreter:
    """AST -> SymPy value in a context; every construct of the dialect has one meaning here."""

    def __init__(self, ctx, source: str = "", what: str = "claim"):
        self.ctx = ctx
        self.alg = Algebra(getattr(ctx, "vector_square", "norm"))
        self.src = source
        self.what = what

    def err(self, msg, node: Node | None):
        return LatexError(msg, self.src if node is not None else None, node.pos if node is not None else None,
                          self.what)

    # -- entry points

    def value(self, node):
        try:
            return self._value(node)
        except RecursionError:
            raise self.err("the formula is nested too deeply", node) from None

    def _value(self, node):
        k = node.kind
        m = getattr(self, "v_" + k, None)
        if m is None:
            raise self.err(f"{k} is not supported here", node)
        try:
            return m(node)
        except LatexError as e:
            if e.pos is None and self.src:
                # the innermost node that knows where it is names the position
                raise LatexError(e.plain, self.src, node.pos, self.what) from None
            raise

    # -- structure

    def v_relation(self, node):
        sides, ops = relation_parts(node)
        if ops:
            raise self.err(f"a relation ({ops[0]}) cannot appear inside an expression", node)
        return self.value(sides[0])

    def v_list(self, node):
        items = [x for x in node.args if isinstance(x, Node)]
        if len(items) != 1:
            raise self.err("a comma-separated list is only accepted as function arguments", node)
        return self.value(items[0])

    def v_expr(self, node):
        total = None
        sign = 1
        op = "+"
        for c in node.args:
            if isinstance(c, Node) and c.kind == "sign":
                sign = -1 if str(c.args[0]) != "+" else 1
                continue
            if isinstance(c, Token):
                op = str(c)
                continue
            v = self.value(c)
            if sign == -1:
                v = -v
                sign = 1
            if total is None:
                total = v
            else:
                total = self.alg.add(total, v if op == "+" else -v)
        return total

    def v_term(self, node):
        acc = None
        op = None
        neg = False
        for c in node.args:
            if isinstance(c, Token):
                op = str(c)
                continue
            if c.kind == "sign":
                neg = str(c.args[0]) != "+"
                continue
            v = self.value(c)
            if neg:
                v, neg = -v, False
            acc = v if acc is None else self.mul(acc, v, op, c)
        return acc

    def mul(self, a, b, op, node):
        try:
            return self.alg.mul(a, b, op or "juxt")
        except ShapeMismatch:
            raise

    def v_juxt(self, node):
        return self.juxt(list(node.args))

    def juxt(self, items: list[Node]):
        factors = []
        i = 0
        while i < len(items):
            it = items[i]
            op = self.operator(it)
            if op is not None:
                rest = items[i + 1:]
                if not rest:
                    raise self.err("this operator needs something to act on", it)
                factors.append(op(rest))
                break
            ind = self.indicator_at(items, i)
            if ind is not None:
                factors.append(ind)
                i += 2
                continue
            head = self.function_head(it)
            if head is not None:
                got = self.head_call(items, i, head)
                if got is not None:
                    factors.append(got[0])
                    i = got[1]
                    continue
                bare = self.ctx.bare_function_value(it, head, self) if hasattr(self.ctx, "bare_function_value") \
                    else None
                if bare is not None:
                    factors.append(bare)
                    i += 1
                    continue
                if head[2]:
                    raise self.err(f"{it.text or 'this function'} needs an argument in parentheses", it)
            factors.append(self.value(it))
            i += 1
        acc = factors[0]
        for f in factors[1:]:
            acc = self.alg.mul(acc, f, "juxt")
        return acc

    def head_call(self, items, i, head):
        """A function head at items[i] with its argument: (value, next index), or None.

        \\log \\sigma(x), \\ln \\operatorname{softmax}_i(z): a named function written without
        parentheses takes the call that follows it as its argument.
        """
        it = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is None:
            return None
        bound = getattr(self.ctx, "bare_functions", {})
        if head[1] in bound and nxt.kind == "postfix" and nxt.args[0].kind == "paren" \
                and _mentions_bare(nxt.args[0], set(bound)):
            return None  # \\sigma(1-\\sigma) in a claim about d\\sigma/dz: a product of shorthands
        if self.can_be_argument(nxt, head):
            return self.call(it, head, nxt), i + 2
        if head[1] in FUNCTION_COMMANDS and head[1] not in ("max", "min"):
            inner_head = self.function_head(nxt)
            if inner_head is not None:
                inner = self.head_call(items, i + 1, inner_head)
                if inner is not None:
                    return self.call_value(it, head, inner[0]), inner[1]
        return None

    def indicator_at(self, items, i):
        """\\mathbb{1}[z > 0] (an indicator written with a bracket), or None."""
        it = items[i]
        if not _is_one(it) or it.scripts or i + 1 >= len(items):
            return None
        nxt = items[i + 1]
        if nxt.kind != "postfix" or nxt.args[0].kind != "bracket" or nxt.scripts:
            return None
        inner = items_of(nxt.args[0])
        if len(inner) != 1 or inner[0].kind != "relation" or len(relation_parts(inner[0])[1]) != 1:
            return None
        return self.indicator(inner[0])

    def indicator(self, rel: Node):
        sides, ops = relation_parts(rel)
        o = ops[0]
        if o not in (">", "<", "\\le", "\\leq", "\\leqslant", "\\ge", "\\geq", "\\geqslant", "\\ne",
                     "\\neq", "\\lt", "\\gt"):
            raise self.err("an indicator needs a comparison, as in \\mathbb{1}[z > 0]", rel)
        a, b = self.value(sides[0]), self.value(sides[1])
        if is_mat(b):
            raise self.err("an indicator compares with a number, as in \\mathbb{1}[z > 0]", rel)

        def one(v):
            c = {">": sp.StrictGreaterThan, "\\gt": sp.StrictGreaterThan, "<": sp.StrictLessThan,
                 "\\lt": sp.StrictLessThan, "\\le": sp.LessThan, "\\leq": sp.LessThan,
                 "\\leqslant": sp.LessThan, "\\ge": sp.GreaterThan, "\\geq": sp.GreaterThan,
                 "\\geqslant": sp.GreaterThan, "\\ne": sp.Ne, "\\neq": sp.Ne}[o](v, b)
            return sp.Piecewise((sp.Integer(1), c), (sp.Integer(0), True))
        return self.alg.apply(one, a)

    # -- atoms and scripts

    def v_postfix(self, node):
        base = node.args[0]
        if _is_one(node) and len(node.scripts) == 1 and node.scripts[0][0] == "sub":
            sarg = node.scripts[0][1]
            inner = items_of(sarg) if sarg.kind == "sbrace" else []
            if len(inner) == 1 and inner[0].kind == "relation" and relation_parts(inner[0])[1]:
                return self.indicator(inner[0])
        if base.kind == "norm":
            scripts = [s for s in node.scripts if not (s[0] == "sub" and plain_text(s[1]) in ("2", "F"))]
            return self.apply_scripts(self.value(base), scripts, node)
        if base.kind in ("letter", "command", "decor", "text") and atom_key(node) is not None \
                and not (base.kind == "command" and str(base.args[0])[1:] in FUNCTION_COMMANDS):
            key = atom_key(node)
            if key[0] in ("partial", "nabla"):
                raise self.err(f"\\{key[0]} is only accepted in a derivative", node)
            val, rest = self.ctx.scalar_symbol(node, self)
            return self.apply_scripts(val, rest, node)
        if base.kind in ("command",) and str(base.args[0])[1:] in FUNCTION_COMMANDS:
            raise self.err(f"{base.args[0]} needs an argument", node)
        val = self.value(base)
        return self.apply_scripts(val, list(node.scripts), node)

    def apply_scripts(self, val, scripts, node):
        for s in scripts:
            if s[0] == "prime":
                key = atom_key(node) if node.kind == "postfix" else None
                if key is not None and len(key[0]) == 1 and not key[1]:
                    raise self.err(f"{key[0]} is not defined: give it with --given '{key[0]}(x) = ...' (a prime"
                                   " (') is only accepted on a function name, as in f'(x))", node)
                raise self.err("a prime (') is only accepted on a function name, as in f'(x)", node)
            if s[0] == "sub":
                raise self.err("a subscript is only accepted on a symbol", node)
            if is_transpose_script(s[1]):
                val = self.alg.transpose(val)
                continue
            e = self.script_value(s[1])
            val = self.alg.power(val, e)
        return val

    def script_value(self, sarg: Node):
        n = sarg
        if n.kind == "sbrace":
            items = items_of(n)
            if len(items) != 1:
                raise self.err("a superscript must be one expression", n)
            return self.value(items[0])
        if n.kind == "sletter":
            fake = Node("postfix", (Node("letter", n.args, n.pos),), n.pos, (), str(n.args[0]))
            return self.value(fake)
        if n.kind == "snumber":
            t = str(n.args[0])
            if len(t) > 1 and "." not in t:
                raise self.err(f"ambiguous script ^{t}: LaTeX reads it as ^{t[0]} followed by {t[1:]};"
                               f" write ^{{{t}}}", n)
            return number(t)
        if n.kind == "scmd":
            fake = Node("postfix", (Node("command", n.args, n.pos),), n.pos, (), str(n.args[0]))
            return self.value(fake)
        raise self.err("unsupported script", n)

    def index_label(self, sarg: Node) -> str:
        """A subscript as a name part: digits, letters (instantiated if indices), comma lists."""
        n = sarg
        if n.kind == "sletter":
            return self.index_text(str(n.args[0]))
        if n.kind == "snumber":
            return str(n.args[0])
        if n.kind == "scmd":
            return str(n.args[0])[1:]
        if n.kind == "stop":
            return "T"
        items = items_of(n)
        parts = []
        for it in items:
            t = plain_text(it)
            if t is not None and (t.isdigit() or (len(t) == 1 and t.isalpha())):
                parts.append(self.index_text(t) if t.isalpha() else t)
            elif t is not None and t.isalnum():
                # w_{jk}: two single-letter indices written together
                if all(ch.isalpha() and len(t) <= 3 for ch in t) and all(ch in self.ctx.indices for ch in t):
                    parts.append(",".join(self.index_text(ch) for ch in t))
                else:
                    parts.append(t)
            else:
                v = self.value(it)
                if not (not is_mat(v) and v.is_Integer):
                    raise self.err("an index must be a whole number or an index letter", it)
                parts.append(str(int(v)))
        return ",".join(parts)

    def index_text(self, letter: str) -> str:
        if letter in self.ctx.indices:
            return str(self.ctx.indices[letter])
        return letter

    # -- primaries

    def v_number(self, node):
        return number(str(node.args[0]))

    def v_paren(self, node):
        items = items_of(node)
        if len(items) != 1:
            raise self.err("a list in parentheses is only accepted as function arguments", node)
        return self.value(items[0])

    v_bracket = v_paren

    def v_brace(self, node):
        items = items_of(node)
        if len(items) != 1:
            raise self.err("empty or comma-separated group", node)
        return self.value(items[0])

    v_group = v_brace

    def v_top(self, node):
        raise self.err("\\top is only accepted as a superscript (transpose)", node)

    def v_sum(self, node):
        raise self.err("\\sum needs a summand", node)

    def v_sqrt(self, node):
        v = self.value(node.args[1])
        return self.alg.apply(sp.sqrt, v)

    def v_nthroot(self, node):
        n = self.value(node.args[1])
        if is_mat(n) or not n.is_Integer or not 2 <= int(n) <= 16:
            raise self.err("the index of a root must be a whole number from 2 to 16", node)
        v = self.value(node.args[2])
        return self.alg.apply(lambda e: sp.Pow(e, sp.Rational(1, int(n))), v)

    def v_abs(self, node):
        return self.alg.apply(sp.Abs, self.value(node.args[1]))

    def v_norm(self, node):
        v = self.value(node.args[1])
        if is_mat(v):
            return sp.sqrt(sum((e ** 2 for e in v), sp.Integer(0)))
        return sp.Abs(v)

    def v_prod(self, node):
        raise self.err("\\prod needs a factor", node)

    def v_frac(self, node):
        if self.derivative_parts(node) is not None:
            raise self.err("a derivative operator needs something to act on", node)
        num, den = node.args[1], node.args[2]
        a, b = self.value(num), self.value(den)
        return self.alg.mul(a, b, "/") if not is_mat(b) else self._mat_div(a, b, node)

    def _mat_div(self, a, b, node):
        raise ShapeMismatch(f"cannot divide by a {fmt_shape(b)} matrix")

    def v_decor(self, node):
        inner = node.args[1]
        items = juxt_items(inner) if isinstance(inner, Node) else None
        if items and len(items) == 1 and items[0].args[0].kind == "number" and not items[0].scripts:
            # \vec{1}, \mathbf{1}: a vector of ones; as a factor it acts like the number
            self.alg.note(f"{str(node.args[0])}{{{items[0].args[0].args[0]}}} is read as a vector of"
                          " that value in every entry")
            return number(str(items[0].args[0].args[0]))
        if atom_key(node) is None:
            raise self.err("cannot read this decorated expression", node)
        fake = Node("postfix", (node,), node.pos, (), "")
        return self.v_postfix(fake)

    def v_text(self, node):
        body = "".join(str(t) for t in node.args[1:]).strip()
        if body.isdigit():
            return sp.Integer(int(body))
        fake = Node("postfix", (node,), node.pos, (), body)
        return self.v_postfix(fake)

    def v_letter(self, node):
        return self.v_postfix(Node("postfix", (node,), node.pos, (), str(node.args[0])))

    def v_command(self, node):
        return self.v_postfix(Node("postfix", (node,), node.pos, (), str(node.args[0])))

    def v_matrix(self, node):
        rows = []
        for row in node.args[1].args:
            if isinstance(row, Token):
                continue
            cells = [self.value(c) for c in row.args if isinstance(c, Node)]
            if any(is_mat(c) for c in cells):
                raise self.err("matrix entries must be scalars", row)
            rows.append(cells)
        widths = {len(r) for r in rows}
        if len(widths) != 1:
            raise self.err("matrix rows have different lengths", node)
        if len(rows) * len(rows[0]) > MAX_MATRIX:
            raise self.err("matrix too large", node)
        return sp.Matrix(rows)

    def v_cases(self, node):
        pieces = []
        for crow in node.args[1].args:
            if isinstance(crow, Token):
                continue
            parts = [c for c in crow.args if isinstance(c, Node)]
            val = self.value(parts[0])
            cond = self.condition(parts[1]) if len(parts) > 1 else sp.true
            pieces.append((val, cond))
        if any(is_mat(v) for v, _ in pieces):
            raise self.err("cases must be scalars", node)
        if pieces[-1][1] is not sp.true:
            pieces.append((sp.nan, True))
        return sp.Piecewise(*pieces)

    def condition(self, node):
        if node.kind == "cond_text":
            body = "".join(str(t) for t in node.args[1:] if isinstance(t, Token) and t.type == "TEXTBODY")
            rest = [c for c in node.args if isinstance(c, Node)]
            if rest:
                return self.condition(rest[0])
            if body.strip().lower() in ("otherwise", "else", "sonst"):
                return sp.true
            raise self.err(f"cannot read the condition {body!r}", node)
        lhs, op, rhs = node.args
        a, b = self.value(lhs), self.value(rhs)
        if is_mat(a) or is_mat(b):
            raise self.err("conditions compare scalars", node)
        o = str(op)
        if o == ">":
            return sp.StrictGreaterThan(a, b)
        if o == "<":
            return sp.StrictLessThan(a, b)
        if o in ("\\le", "\\leq", "\\leqslant"):
            return sp.LessThan(a, b)
        return sp.GreaterThan(a, b)

    # -- functions

    def function_head(self, it: Node):
        """(callable, name, needs_argument) if the postfix names a function, else None."""
        if it.kind != "postfix":
            return None
        base = it.args[0]
        if base.kind == "command" and str(base.args[0])[1:] in FUNCTION_COMMANDS:
            name = str(base.args[0])[1:]
            return (builtin_function(name, self.ctx.h0), name, True)
        if base.kind == "text" and str(base.args[0]) == "\\operatorname":
            body = "".join(str(t) for t in base.args[1:]).strip()
            f = self.ctx.function((body, False), it, self) if hasattr(self.ctx, "function") else None
            if f is None and builtin_function(body, self.ctx.h0) is None:
                raise self.err(f"unknown function \\operatorname{{{body}}}", it)
            if f is None:
                return (builtin_function(body, self.ctx.h0), body, True)
            return (f[0], f[1], True)
        key = atom_key(it)
        if key is None or not self.ctx.is_function_name(key, it):
            return None
        got = self.ctx.function(key, it, self)
        if got is None:
            return None
        has_prime = any(s[0] == "prime" for s in it.scripts)
        return (got[0], got[1], has_prime)

    def can_be_argument(self, nxt: Node, head) -> bool:
        if nxt.kind != "postfix":
            return False
        b = nxt.args[0]
        if b.kind in ("paren", "bracket"):
            return True
        # \ln x, \tanh z, \exp x: a bare atom (and its scripts) is the argument
        if head[1] in FUNCTION_COMMANDS and head[1] not in ("max", "min") and b.kind == "command" \
                and self.function_head(nxt) is not None:
            return False  # \\log \\sigma(x): the call that follows is the argument (see head_call)
        return head[1] in FUNCTION_COMMANDS and head[1] not in ("max", "min") and b.kind in (
            "letter", "command", "decor", "brace", "number", "text", "abs", "norm")

    def call(self, head_node: Node, head, arg_node: Node):
        f, name, _ = head
        b = arg_node.args[0]
        if b.kind in ("paren", "bracket"):
            args_nodes = items_of(b)
            arg_scripts = list(arg_node.scripts)
        else:
            args_nodes = [arg_node]
            arg_scripts = []
        args = [self.value(a) for a in args_nodes]
        result = self.call_values(head_node, head, args)
        return self.apply_scripts(result, arg_scripts, arg_node)

    def call_value(self, head_node: Node, head, value):
        return self.call_values(head_node, head, [value])

    def call_values(self, head_node: Node, head, args):
        f, name, _ = head
        primes = sum(1 for s in head_node.scripts if s[0] == "prime")
        head_scripts = [s for s in head_node.scripts if s[0] != "prime"]
        # a subscript on the head belongs to it (softmax_i, f_2 as a layer): let the context read it
        head_sub = [s for s in head_scripts if s[0] == "sub"]
        powers = [s for s in head_scripts if s[0] == "sup"]
        if name in ("log", "ln") and head_sub and name == "log" and len(args) == 1:
            base = self.script_value(head_sub[0][1])
            if is_mat(base):
                raise self.err("the base of a logarithm must be a number", head_node)
            result = self.apply_function(f, name, args, primes, [], head_node)
            result = self.alg.apply(lambda v: v / sp.log(base), result)
        else:
            result = self.apply_function(f, name, args, primes, head_sub, head_node)
        for s in powers:
            if is_transpose_script(s[1]):
                result = self.alg.transpose(result)
            else:
                e = self.script_value(s[1])
                if e == -1 and not is_mat(result):
                    raise self.err("f^{-1} (an inverse function) is not supported", head_node)
                if is_mat(result) and not is_mat(e):
                    # \tanh^2(z) of a vector: the function's values squared, entry by entry
                    result = result.applyfunc(lambda v, e=e: self.alg.power(v, e))
                else:
                    result = self.alg.power(result, e)
        return result

    def apply_function(self, f, name, args, primes, head_sub, node):
        if f == "max" or f == "min":
            if len(args) != 2:
                raise self.err(f"\\{name} takes two arguments", node)
            a, b = args
            if primes:
                raise self.err(f"\\{name}' is not supported", node)
            if not is_mat(a) and a == 0 and f == "max":
                return self.alg.apply(lambda z: ReLU(z, self.ctx.h0), b)
            if not is_mat(b) and b == 0 and f == "max":
                return self.alg.apply(lambda z: ReLU(z, self.ctx.h0), a)
            if is_mat(a) or is_mat(b):
                raise self.err(f"\\{name} of matrices is only accepted as \\max(0, x)", node)
            if f == "max":
                return sp.Piecewise((a, a >= b), (b, True))
            return sp.Piecewise((a, a <= b), (b, True))
        if f == "softmax":
            return self.softmax(args, head_sub, primes, node)
        if head_sub and not getattr(f, "takes_sub", False):
            raise self.err(f"a subscript on {name} is not understood", node)
        if primes:
            if len(args) != 1:
                raise self.err("a prime is accepted on functions of one argument", node)
            if primes > 2:
                raise self.err("at most two primes are accepted", node)
            if getattr(f, "bind", None) is not None:
                f = f.bind(args[0])
            t = sp.Dummy("t", real=True)
            body = f(t)
            if is_mat(body):
                raise self.err("cannot differentiate a matrix-valued function", node)
            d = sp.diff(body, t, primes)
            return self.alg.apply(lambda z: d.xreplace({t: z}), args[0])
        if len(args) == 1:
            return self.alg.apply(f, args[0]) if not getattr(f, "vector_aware", False) else f(args[0])
        if getattr(f, "multi", False):
            return f(*args)
        raise self.err(f"{name} takes one argument", node)

    def softmax(self, args, head_sub, primes, node):
        if primes:
            raise self.err("softmax' is not a scalar derivative; differentiate an entry instead", node)
        if len(args) == 1 and is_mat(args[0]):
            zs = list(args[0])
        elif len(args) > 1:
            zs = list(args)
        else:
            raise self.err("softmax needs a vector (or a list of entries)", node)
        vec = sp.Matrix([SoftmaxEntry(k, *zs) for k in range(len(zs))])
        if head_sub:
            k = self.index_label(head_sub[0][1])
            if not k.isdigit() or not 1 <= int(k) <= len(zs):
                raise OutOfRange(f"softmax entry {k}")
            return vec[int(k) - 1]
        return vec

    def call_defined(self, fd: FuncDef, args):
        if len(args) != len(fd.params):
            raise LatexError(f"{fd.name} takes {len(fd.params)} argument(s), got {len(args)}")
        ctx = self.ctx
        saved = {p: ctx.defs.symbols.get(p) for p in fd.params}
        ctx.depth += 1
        if ctx.depth > 30:
            raise LatexError(f"definition of {fd.name} refers to itself")
        try:
            # parameters are bound as constant definitions for the body
            for p, a in zip(fd.params, args):
                ctx.defs.symbols[p] = Node("const", (a,))
            hidden = ctx.hidden
            ctx.hidden = hidden - set(fd.params)
            try:
                return self.value(fd.body)
            finally:
                ctx.hidden = hidden
        finally:
            ctx.depth -= 1
            for p, v in saved.items():
                if v is None:
                    ctx.defs.symbols.pop(p, None)
                else:
                    ctx.defs.symbols[p] = v

    def v_const(self, node):
        return node.args[0]

    # -- operators: \frac{d}{dx}, \frac{\partial}{\partial x}, \sum

    def operator(self, it: Node):
        if it.kind != "postfix":
            return None
        b = it.args[0]
        if b.kind == "sum":
            return lambda rest: self.sum_op(it, rest)
        if b.kind == "prod":
            return lambda rest: self.sum_op(it, rest, product=True)
        if b.kind == "command" and str(b.args[0]) == "\\nabla":
            subs = [s for s in it.scripts if s[0] == "sub"]
            if len(subs) != 1 or len(it.scripts) != 1:
                raise self.err("write a gradient as \\nabla_{x} f (with the variable as a subscript)", it)
            var = _script_atom(subs[0][1])
            if var is None:
                raise self.err("the variable of \\nabla_{...} must be one symbol", it)
            return lambda rest: self.derivative(lambda: self.juxt(rest), rest, var, 1, it)
        if b.kind == "frac":
            parts = self.derivative_parts(b)
            if parts is not None and parts[0] is None:
                var, order = parts[1], parts[2]
                if it.scripts:
                    raise self.err("scripts on a derivative operator are not supported", it)
                return lambda rest: self.derivative(lambda: self.juxt(rest), rest, var, order, it)
        return None

    def v_postfix_frac(self, node):  # pragma: no cover - routed through v_frac
        return None

    def derivative_parts(self, frac: Node):
        """(numerator items or None for an operator, variable node, order) for d/dx-style fracs."""
        num = juxt_items(frac.args[1])
        den = juxt_items(frac.args[2])
        if not num or not den:
            return None
        if not _is_differential(num[0]) or not _is_differential(den[0]) or len(den) != 2:
            return None
        order = 1
        sup = [s for s in num[0].scripts if s[0] == "sup"]
        if sup:
            t = plain_text(sup[0][1])
            if t != "2":
                return None
            order = 2
        var = den[1]
        if order == 2:
            vs = [s for s in var.scripts if s[0] == "sup"]
            if not vs or plain_text(vs[-1][1]) != "2":
                raise self.err("write a second derivative as \\frac{d^2 f}{dx^2}", frac)
            var = Node("postfix", var.args, var.pos, tuple(s for s in var.scripts if s is not vs[-1]), var.text)
        return (num[1:] or None, var, order)

    def v_frac_derivative(self, frac: Node, parts):
        num_items, var, order = parts
        return self.derivative(lambda: self.numerator_value(num_items, var), num_items, var, order, frac)

    def numerator_value(self, items, var):
        """A derivative's numerator; a bare function name means that function of the variable."""
        if len(items) == 1:
            head = self.function_head(items[0])
            if head is not None and not any(s[0] == "prime" for s in items[0].scripts):
                f, name, _ = head
                v = self.ctx.derivative_variable_value(var, self)
                return self.apply_function(f, name, [v], 0, [], items[0])
            if head is None and hasattr(self.ctx, "undefined_numerator"):
                missing = self.ctx.undefined_numerator(items[0], var, self)
                if missing:
                    raise self.err(f"{missing} is not defined: {self.ctx.undefined_hint(missing)}", items[0])
        return self.juxt(items)

    def derivative(self, thunk, items, var: Node, order: int, node: Node):
        return self.ctx.derivative(thunk, var, order, self, node)

    def sum_op(self, it: Node, rest: list[Node], product: bool = False):
        lo = hi = None
        var = None
        for s in it.scripts:
            if s[0] == "sub":
                sub = s[1]
                if sub.kind == "sletter":
                    var = str(sub.args[0])
                else:
                    items = items_of(sub) if sub.kind == "sbrace" else []
                    if len(items) != 1:
                        raise self.err("cannot read the summation index", it)
                    sides, ops = relation_parts(items[0]) if items[0].kind == "relation" else ([items[0]], [])
                    t = plain_text(sides[0])
                    if t is None or not (len(t) == 1 and t.isalpha()):
                        raise self.err("the summation index must be one letter", it)
                    var = t
                    if ops:
                        lo = sides[1]
            elif s[0] == "sup":
                hi = s[1]
            else:
                raise self.err("a prime on \\sum is not understood", it)
        if product:
            return self.ctx.product(var, lo, hi, rest, self, it)
        return self.ctx.sum(var, lo, hi, rest, self, it)

    # convenience for contexts
    def bound_value(self, node: Node):
        v = self.script_value(node) if node.kind.startswith("s") else self.value(node)
        return v


def _mentions_bare(node, names: set) -> bool:
    """Whether a function name in names occurs in node without an argument in parentheses."""
    if not isinstance(node, Node):
        return False
    if node.kind == "juxt":
        items = list(node.args)
        for i, it in enumerate(items):
            key = atom_key(it) if isinstance(it, Node) and it.kind == "postfix" else None
            if key and key[0] in names:
                nxt = items[i + 1] if i + 1 < len(items) else None
                if nxt is None or nxt.kind != "postfix" or nxt.args[0].kind != "paren":
                    return True
    elif node.kind == "postfix":
        key = atom_key(node)
        if key and key[0] in names:
            return True
    return any(_mentions_bare(a, names) for a in node.args if isinstance(a, Node))


def _is_one(it: Node) -> bool:
    """\\mathbb{1}, \\mathbf{1}, \\mathbb{I}, \\mathds{1}: the indicator's symbol."""
    if it.kind != "postfix" or it.args[0].kind != "decor":
        return False
    d = it.args[0]
    if str(d.args[0]) not in ("\\mathbb", "\\mathbf", "\\bm", "\\boldsymbol"):
        return False
    inner = d.args[1]
    if isinstance(inner, Token):
        return str(inner) == "I" and str(d.args[0]) == "\\mathbb"
    t = plain_text(inner)
    return t == "1" or (t == "I" and str(d.args[0]) == "\\mathbb")


def _script_atom(sarg: Node) -> Node | None:
    """The symbol written as a script (\\nabla_{W^{2}}, \\nabla_x) as a postfix node."""
    if sarg.kind == "sletter":
        return Node("postfix", (Node("letter", sarg.args, sarg.pos),), sarg.pos, (), str(sarg.args[0]))
    if sarg.kind == "scmd":
        return Node("postfix", (Node("command", sarg.args, sarg.pos),), sarg.pos, (), str(sarg.args[0]))
    if sarg.kind == "sbrace":
        inner = items_of(sarg)
        if len(inner) == 1:
            its = juxt_items(inner[0])
            if its and len(its) == 1 and its[0].kind == "postfix":
                return its[0]
    return None


def _is_differential(it: Node) -> bool:
    if it.kind != "postfix":
        return False
    b = it.args[0]
    if b.kind == "letter" and str(b.args[0]) == "d":
        return not [s for s in it.scripts if s[0] != "sup"]
    if b.kind == "command" and str(b.args[0]) == "\\partial":
        return not [s for s in it.scripts if s[0] != "sup"]
    if b.kind == "text" and "".join(str(t) for t in b.args[1:]).strip() == "d":
        return True
    return False


def number(t: str):
    if "." in t:
        whole, frac = t.split(".")
        return sp.Rational(int(whole + frac), 10 ** len(frac))
    return sp.Integer(int(t))


# patch the frac handling: a frac whose numerator carries a function is a derivative value
_orig_v_frac = Interpreter.v_frac


def _v_frac(self, node):
    parts = self.derivative_parts(node)
    if parts is not None and parts[0] is not None:
        return self.v_frac_derivative(node, parts)
    return _orig_v_frac(self, node)


Interpreter.v_frac = _v_frac  # type: ignore[method-assign]


# ---------------------------------------------------------------------------------------------
# Scalar context: derivatives, sums


def _scalar_derivative(self: ScalarContext, thunk, var: Node, order, interp: Interpreter, node):
    name = self.variable_name(var, interp)
    was_hidden = name in self.hidden
    self.hidden = self.hidden | {name}
    try:
        body = thunk()
    finally:
        if not was_hidden:
            self.hidden = self.hidden - {name}
    x = self.sym(name)
    if is_mat(body):
        d = body.applyfunc(lambda e: sp.diff(e, x, order))
    else:
        d = sp.diff(body, x, order)
    if (name in self.defs.symbols or name in self.defs.functions) and name not in self.hidden:
        # chain rule: the variable is itself defined; put its definition back
        val = self.lookup(name, interp)
        d = d.xreplace({x: val}) if not is_mat(d) else d.applyfunc(lambda e: e.xreplace({x: val}))
    return d


def _variable_name(self: ScalarContext, var: Node, interp: Interpreter) -> str:
    key = atom_key(var)
    if key is None:
        raise interp.err("cannot differentiate with respect to this", var)
    sub = None
    label = None
    for s in decor_scripts(var):
        if s[0] == "sub":
            sub = interp.index_label(s[1])
        elif s[0] == "sup" and _is_label(s[1]):
            label = plain_text(s[1])
        else:
            raise interp.err("differentiate with respect to a plain symbol", var)
    return symbol_name(key, sub, label)


def _derivative_variable_value(self: ScalarContext, var: Node, interp: Interpreter):
    return self.sym(self.variable_name(var, interp))


def _scalar_sum(self: ScalarContext, var, lo, hi, rest, interp: Interpreter, node, product: bool = False):
    what = "product" if product else "sum"
    if var is None:
        raise interp.err(f"a {what} needs an index, as in \\{what}_{{i=1}}^{{n}}", node)
    lo_v = interp.value(lo) if lo is not None else sp.Integer(1)
    if hi is None:
        if "n" in self.indices:
            hi_v = sp.Integer(self.indices["n"])
        else:
            raise interp.err(f"a {what} without an upper limit needs one, as in \\{what}_{{i=1}}^{{n}}", node)
    else:
        hi_v = interp.script_value(hi)
    if is_mat(lo_v) or is_mat(hi_v) or not lo_v.is_Integer or not hi_v.is_Integer:
        raise interp.err(f"{what} limits must be whole numbers (an upper limit n is tried at several values)",
                         node)
    if int(hi_v) - int(lo_v) + 1 > MAX_TERMS:
        raise interp.err(f"a {what} of more than {MAX_TERMS} terms is not expanded", node)
    saved = self.indices.get(var)
    total = sp.Integer(1) if product else sp.Integer(0)
    try:
        for v in range(int(lo_v), int(hi_v) + 1):
            self.indices[var] = v
            term = interp.juxt(rest)
            total = interp.alg.mul(total, term, "juxt") if product else interp.alg.add(total, term)
    finally:
        if saved is None:
            self.indices.pop(var, None)
        else:
            self.indices[var] = saved
    return total


ScalarContext.derivative = _scalar_derivative  # type: ignore[attr-defined]
ScalarContext.variable_name = _variable_name  # type: ignore[attr-defined]
ScalarContext.derivative_variable_value = _derivative_variable_value  # type: ignore[attr-defined]
ScalarContext.sum = _scalar_sum  # type: ignore[attr-defined]
ScalarContext.product = lambda self, var, lo, hi, rest, interp, node: _scalar_sum(  # type: ignore[attr-defined]
    self, var, lo, hi, rest, interp, node, product=True)


def index_as_number(ctx, post):
    """An instantiated index or size letter (n, i, ...) used as a number, with its powers: i^2."""
    key = atom_key(post)
    if key and key[0] in ctx.indices and len(key[0]) == 1 and key[0] not in ctx.defs.symbols \
            and not key[1] and post.args[0].kind == "letter" \
            and all(s[0] == "sup" and not _is_label(s[1]) for s in post.scripts):
        return sp.Integer(ctx.indices[key[0]]), list(post.scripts)
    return None


def _scalar_symbol_with_n(self, post, interp):
    got = index_as_number(self, post)
    if got is not None:
        return got
    return ScalarContext._scalar_symbol_base(self, post, interp)


ScalarContext._scalar_symbol_base = ScalarContext.scalar_symbol  # type: ignore[attr-defined]
ScalarContext.scalar_symbol = _scalar_symbol_with_n  # type: ignore[method-assign]


# ---------------------------------------------------------------------------------------------
# Definitions (--given)


def read_definition(text: str, defs: Definitions, what: str = "definition") -> None:
    """Parse 'NAME = expr' or 'f(x, y) = expr' into defs (ASTs, interpreted when used)."""
    rel = parse(text, what)
    sides, ops = relation_parts(rel)
    if len(sides) < 2 or any(o not in ("=", ":=") for o in ops):
        raise LatexError("a definition has the form NAME = expression or f(x) = expression", text,
                         rel.pos, what)
    lhs = sides[0]
    items = juxt_items(lhs)
    body = sides[-1]
    if items and len(items) == 2 and items[0].kind == "postfix" and items[1].kind == "postfix" \
            and items[1].args[0].kind == "paren" and not items[1].scripts and atom_key(items[0]) is not None \
            and not items[0].scripts:
        params = []
        for a in items_of(items[1].args[0]):
            t = plain_text(a)
            if t is None or not t.isalpha() or len(t) != 1:
                raise LatexError("function parameters must be single letters", text, a.pos, what)
            params.append(t)
        name = atom_key(items[0])[0]
        defs.functions[name] = FuncDef(name, tuple(params), body)
        # a chained definition f(z) = y = ... also names the middle symbols
        for mid in sides[1:-1]:
            _define_symbol(mid, body, defs, text, what)
        return
    for s in sides[:-1]:
        _define_symbol(s, body, defs, text, what)


def _define_symbol(node, body, defs, text, what):
    items = juxt_items(node)
    if not items or len(items) != 1 or atom_key(items[0]) is None:
        raise LatexError("the left side of a definition must be a symbol or f(x)", text, node.pos, what)
    post = items[0]
    key = atom_key(post)
    sub = label = None
    for s in decor_scripts(post):
        if s[0] == "sub":
            sub = plain_text(s[1])
        elif s[0] == "sup" and _is_label(s[1]):
            label = plain_text(s[1])
        else:
            raise LatexError("the left side of a definition must be a plain symbol", text, node.pos, what)
    defs.symbols[symbol_name(key, sub, label)] = body


def read_assignment(text: str) -> tuple[str, sp.Expr]:
    """--at 'SYMBOL=VALUE': the symbol's name and an exact constant value."""
    rel = parse(text, "--at value")
    sides, ops = relation_parts(rel)
    if len(sides) != 2 or ops != ["="]:
        raise LatexError("--at takes SYMBOL=VALUE", text, rel.pos, "--at value")
    defs = Definitions()
    _define_symbol(sides[0], sides[1], defs, text, "--at value")
    name = next(iter(defs.symbols))
    ctx = ScalarContext()
    v = Interpreter(ctx, text, "--at value").value(sides[1])
    if is_mat(v) or v.free_symbols:
        raise LatexError("--at needs a number, as in y=350 or x=1/2", text, sides[1].pos, "--at value")
    return name, v


def free_index_letters(node: Node) -> set[str]:
    """Single letters used as subscripts anywhere in the AST (candidates for free indices)."""
    out: set[str] = set()
    _walk_subscripts(node, out)
    return out


def _walk_subscripts(node, out):
    if isinstance(node, Token) or node is None:
        return
    if not isinstance(node, Node):
        return
    if node.kind == "postfix":
        base = node.args[0]
        skip = (base.kind == "command" and str(base.args[0]) == "\\nabla") or _is_one(node)
        for s in node.scripts:
            if s[0] == "sub" and not skip:
                _collect_letters(s[1], out)
        if base.kind == "decor" and not isinstance(base.args[1], Token):
            _walk_subscripts(base.args[1], out)
    for a in node.args:
        if isinstance(a, Node):
            _walk_subscripts(a, out)
    for s in node.scripts:
        if len(s) > 1 and isinstance(s[1], Node):
            _walk_subscripts(s[1], out)


def _collect_letters(sarg, out):
    if sarg.kind == "sletter":
        out.add(str(sarg.args[0]))
        return
    if sarg.kind == "sbrace":
        for it in items_of(sarg):
            t = plain_text(it)
            if t and t.isalpha() and len(t) <= 3 and t.islower():
                out.update(t)
            elif it.kind == "relation":
                sides, _ = relation_parts(it)
                t0 = plain_text(sides[0])
                if t0 and len(t0) == 1 and t0.isalpha():
                    out.add(t0)


def iter_nodes(node):
    """Every Node of the tree, parents first: arguments, then the bodies of sub/superscripts."""
    if not isinstance(node, Node):
        return
    yield node
    for a in node.args:
        yield from iter_nodes(a)
    for s in node.scripts:
        if len(s) > 1:
            yield from iter_nodes(s[1])


def summation_letters(node: Node) -> set[str]:
    """Letters bound by a \\sum somewhere in the AST."""
    out: set[str] = set()
    for n in iter_nodes(node):
        if n.kind == "postfix" and n.args[0].kind == "sum":
            for s in n.scripts:
                if s[0] == "sub":
                    _collect_letters(s[1], out)
    return out


def all_letters(node: Node) -> set[str]:
    """Every single letter used as a base symbol (for picking size letters like n)."""
    return {str(n.args[0]) for n in iter_nodes(node) if n.kind in ("letter", "sletter")}


def sum_index_problems(node: Node) -> list[str]:
    """Sums whose index does not occur in their summand (e.g. \\sum_k y_i \\log \\hat{y}_i)."""
    problems: list[str] = []

    def walk_items(items):
        for i, it in enumerate(items):
            if isinstance(it, Node) and it.kind == "postfix" and it.args[0].kind == "sum":
                idx = set()
                for s in it.scripts:
                    if s[0] == "sub":
                        _collect_letters(s[1], idx)
                rest = items[i + 1:]
                used: set[str] = set()
                for r in rest:
                    _walk_subscripts(r, used)
                    used |= all_letters(r)
                for v in idx:
                    if v not in used:
                        problems.append(f"the summation index {v} does not occur in the summand")

    for n in iter_nodes(node):
        if n.kind == "juxt":
            walk_items(list(n.args))
    return problems

