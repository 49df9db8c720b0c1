"""The claim reader's first stage: normalize pasted LaTeX, refuse what is outside the dialect, parse to an AST.

``parse`` turns text into a tree of ``Node`` objects (with positions) after refusing text that is
too long, too deeply nested or has characters outside LaTeX; nothing the user types is evaluated.
The grammar is ``reader`` (recursive descent over TeX's tokens, ``tokens``); juxtaposition stays
a flat list, resolved by the interpreter with knowledge of which names are functions.
"""

from __future__ import annotations

import re

from .dialect import FUNCTION_COMMANDS as FUNCTION_COMMANDS  # noqa: F401
from .dialect import NAMED_FUNCTIONS, SYMBOL_COMMANDS  # noqa: F401 - re-exported for the interpreter
from .nodes import (  # noqa: F401 - the reader's names, re-exported
    MAX_CHARS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_MATRIX,
    MAX_TERMS,
    LatexError,
    NeedsSize,
    Node,
    NotCheckableError,
    OutOfRange,
    ShapeMismatch,
    Token,
    UndefinedValue,
)
from .reader import read

ALLOWED_UNICODE = set("\u2013\u2212\u22c5\u2217")


def _line_col(text: str, i: int) -> tuple[int, int]:
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return line, col


def prescan(text: str, what: str = "claim") -> None:
    """Refuse text that is too long, too deep, or has characters outside the accepted LaTeX.

    Control sequences are judged by the reader, which knows each one's arguments."""
    if not isinstance(text, str):
        raise LatexError(f"the {what} must be text")
    if len(text) > MAX_CHARS:
        raise LatexError(f"the {what} is {len(text)} characters long; at most {MAX_CHARS} are accepted",
                         text, _line_col(text, MAX_CHARS), what)
    if not text.strip():
        raise LatexError(f"the {what} is empty")
    parens = 0       # J(W,b;x,y): a semicolon between a function's arguments is accepted
    for i, ch in enumerate(text):
        if ch in "()" and not (i > 0 and text[i - 1] == "\\"):
            parens += 1 if ch == "(" else -1
        if ch in "\n\t\r":
            continue
        if ord(ch) < 32 or (ord(ch) > 126 and ch not in ALLOWED_UNICODE):
            raise LatexError(f"character {ch!r} is not part of the accepted LaTeX", text,
                             _line_col(text, i), what)
        escaped = i > 0 and text[i - 1] == "\\"
        if ch in "$#@\"`?;" and not (ch == ";" and (escaped or parens > 0)):
            raise LatexError(f"character {ch!r} is not accepted here", text, _line_col(text, i), what)
        if ch == "!" and not escaped and i + 1 < len(text) and text[i + 1] == "=":
            raise LatexError("'!=' is not LaTeX; write \\ne", text, _line_col(text, i), what)
        if ch == "&" and "\\begin" not in text:
            raise LatexError("character '&' is not accepted here (outside a matrix or cases)", text,
                             _line_col(text, i), what)
    depth = 0
    for i, ch in enumerate(text):
        if ch in "({[" and not (i > 0 and text[i - 1] == "\\"):
            depth += 1
            if depth > MAX_DEPTH:
                raise LatexError(f"nested more than {MAX_DEPTH} levels deep", text, _line_col(text, i),
                                 what)
        elif ch in ")}]" and not (i > 0 and text[i - 1] == "\\"):
            depth -= 1
            if depth < 0:
                raise LatexError(f"unmatched {ch!r}", text, _line_col(text, i), what)
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


def strip_math(text: str) -> tuple[str, list[str]]:
    """Math delimiters ($...$, \\[...\\], \\(...\\)) and trailing punctuation removed, Unicode
    symbols as their LaTeX commands."""
    t = text.strip()
    while t and t[-1] in ".,;" and not t.endswith(("\\,", "\\;")):
        t = t[:-1].rstrip()
    for a, b in _DELIMS:
        if len(t) >= len(a) + len(b) and t.startswith(a) and t.endswith(b) and a not in t[len(a):-len(b)]:
            t = t[len(a):-len(b)].strip()
            break
    notes = []
    t = t.replace("^\u1d40", "^{T}")
    if any(ch in UNICODE_LATEX or ch in "\u207b" for ch in t):
        t = t.replace("\u207b\u00b9", "^{-1}")
        t = "".join(UNICODE_LATEX.get(ch, ch) for ch in t)
        notes.append("Unicode symbols were read as their LaTeX commands")
    return t, notes


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
    t = _evaluation_bars(t)
    t = _bars(t)
    # \left. and \right. (invisible delimiters)
    if not re.search(r"\\right\s*(\||\\vert)\s*_", t):     # \left. ... \right|_{x=3} is a value at a point
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
            elif depth == 0 and env == 0 and "=" in t[:i] and not _after_relation(t[:i]) and (
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


def _after_relation(head: str) -> bool:
    """A \\quad right after '=' (x + 1 \\quad = \\quad 1 + x) is spacing around it, not a qualifier."""
    return bool(re.search(r"(?:[=<>]|\\(?:le|leq|ge|geq|ne|neq|approx|equiv|lt|gt))\s*$", head.rstrip()))


_EVAL_BAR = re.compile(r"(?<!\\right)(?<!\\)(?:\\(?:big|Big|bigg|Bigg)\s*)?(?:\||\\vert(?![a-zA-Z]))\s*(?=_)")
_SIDE_START = re.compile(r"(?:=|<|>|\\(?:le|leq|ge|geq|ne|neq|approx|equiv)(?![a-zA-Z]))\s*")


def _evaluation_bars(t: str) -> str:
    r"""f(x)|_{x=1} and \Big|_{x=2} (an evaluation bar without \left.): as \left. f(x) \right|_{x=1},
    the bar closing what its side wrote from its start. A bar that can close an open |x| stays one."""
    out, done = t, 0
    while True:
        m = _EVAL_BAR.search(out, done)
        if not m:
            return out
        head = out[:m.start()]
        depth, start = 0, 0
        for i, ch in enumerate(head):
            if ch in "{([" and not (i and head[i - 1] == "\\"):
                depth += 1
            elif ch in "})]" and not (i and head[i - 1] == "\\"):
                depth -= 1
            elif depth == 0:
                r = _SIDE_START.match(head, i)
                if r and not (ch == "\\" and head.startswith("\\left", i)):
                    start = r.end()
        side = head[start:]
        bars = len(re.findall(r"(?<!\\)\|", side.replace("\\|", "")))
        if depth != 0 or bars % 2 or not side.strip() or "\\left." in side:
            done = m.end()
            continue
        out = head[:start] + "\\left. " + side + "\\right|" + out[m.end():]
        done = start + len("\\left. ") + len(side) + len("\\right|")


def _bars(t: str) -> str:
    """|x| -> \\lvert x \\rvert and \\|v\\| -> \\lVert v \\rVert: a bar opens unless it can close
    the innermost open bar of its kind at the same bracket depth (a bar after an operator opens)."""
    if "|" not in t:
        return t
    out, stack, depth, i = [], [], 0, 0
    opens: list = []    # the open brackets, innermost last
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
            elif kind == "abs" and opens and opens[-1] == "(" and prev_ch not in _OPERATOR_BEFORE \
                    and not _bar_closes_later(t, i + 1):
                # p(y | x), \mathcal{N}(x | \mu, \sigma^2): a bar after an operand inside a call's
                # parentheses that nothing closes before they do conditions, like \mid
                out.append(" \\mid ")
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
            opens.append(ch)
        elif ch in ")}]":
            depth -= 1
            opens = opens[:-1]
        out.append(ch)
        i += 1
    if stack:
        return t  # unbalanced: leave the bars for the parser to point at
    return "".join(out)


def _bar_closes_later(t: str, j: int) -> bool:
    """True if a single bar follows position j in the same bracket group (before it closes)."""
    depth = 0
    while j < len(t):
        ch = t[j]
        if ch == "\\":
            j += 2
            continue
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            if depth == 0:
                return False
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        j += 1
    return False


def parse(text: str, what: str = "claim") -> Node:
    """Parse a claim or definition into an AST (kind 'relation'); LatexError with position if not.

    The text is normalized first (see ``normalize``); ``node.source`` is the text that was parsed.
    """
    text, notes = normalize(text)
    node = _parse(text, what)
    node.notes = notes + getattr(node, "tex_notes", [])  # type: ignore[attr-defined]
    return node


def _parse(text: str, what: str) -> Node:
    prescan(text, what)
    try:
        return read(text, what)
    except RecursionError:
        raise LatexError("the formula is nested too deeply", text, (1, 1), what) from None
