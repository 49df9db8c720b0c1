"""The claim reader's first stage: normalize pasted LaTeX, refuse what is outside the dialect, parse to an AST.

``parse`` turns text into a tree of ``Node`` objects (with positions) after refusing anything
outside the whitelist, too long or too deeply nested; nothing the user types is evaluated. The
grammar is ``grammar.lark`` (LALR); juxtaposition stays a flat list, resolved by the interpreter
with knowledge of which names are functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..errors import NNDeriveError

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


class UndefinedValue(Exception):
    """A part of the claim has no value anywhere (1/0, 0/0, log 0): the claim is not checkable."""


class NeedsSize(Exception):
    """A sum with a symbolic upper limit runs over an indexed family (x_k): sizes must be tried."""


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
    grammar = resources.files("derive.check").joinpath("grammar.lark").read_text(encoding="utf-8")
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
