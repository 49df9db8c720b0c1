"""The claim reader: a recursive-descent grammar over TeX tokens that reads what TeX typesets.

Grammar (juxtaposition stays a flat list; the interpreter tells y(1-y) from \\sigma(z)):

    relation := expr (REL expr)*                 REL: = := \\approx \\le < \\in \\to ...
    expr     := [sign] term (('+' | '-') term)*
    term     := juxt (MULOP [sign] juxt)*        MULOP: * / \\cdot \\times \\odot \\circ \\ast \\div
    juxt     := postfix+
    postfix  := primary (^ARG | _ARG | ' | !)*
    ARG      := {relation, ...} | one token | a command with its own arguments (\\frac12, \\sqrt2)
    primary  := number | letter | \\alpha | ( list ) | [ list ] | \\{ list \\} | { list }
              | \\left D list \\right D | |list| | \\|list\\| | \\lfloor list \\rfloor | \\lceil list \\rceil
              | \\frac ARG ARG | \\sqrt[ARG] ARG | \\binom ARG ARG | DECOR ARG | TEXT{...}
              | \\sum | \\prod | \\int | \\lim | \\begin{matrix} ... | \\begin{cases} ...

Arguments follow TeX's rules: ``x^\\frac{1}{2}`` is x to the power 1/2 (the command takes its
own arguments), ``\\frac13`` is 1/3, ``\\sqrt3`` is the root of 3; a command no table knows is
refused by name; no command name becomes a variable.
"""

from __future__ import annotations

from .dialect import (
    BINOMS,
    COMPARISONS,
    DECORATIONS,
    FRACS,
    FUNCTION_COMMANDS,
    MUL_COMMANDS,
    REL_COMMANDS,
    SIZERS,
    SPACING,
    SYMBOL_COMMANDS,
    TEXT_COMMANDS,
    UNSUPPORTED_HINTS,
)
from .groups import Groups
from .nodes import MAX_DEPTH, LatexError, Node, Token
from .scripts import Scripts, infix_fractions
from .tokens import Tok, tokenize

OLD_FONTS = {"rm": "mathrm", "bf": "mathbf", "it": "mathit", "sf": "mathsf", "tt": "mathtt", "cal": "mathcal"}


class Reader(Groups, Scripts):
    """Parses one formula's tokens; ``read()`` returns the relation node (kind 'relation')."""

    def __init__(self, text: str, what: str = "claim"):
        self.text = text
        self.what = what
        self.toks = [t for t in tokenize(text) if not (t.kind == "cs" and t.text in SPACING)]
        self.toks = infix_fractions(self.toks, self.err)
        self.i = 0
        self.depth = 0
        self.bars: list = []
        self.notes: list[str] = []      # how TeX's own rules read a spelling (x^23 is x^2 3)

    # -- tokens

    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> Tok:
        t = self.peek()
        if t is None:
            raise self.eof()
        self.i += 1
        return t

    def err(self, msg: str, tok: Tok | None = None) -> LatexError:
        tok = tok or self.peek()
        if tok is None:
            return self.eof(msg)
        return LatexError(msg, self.text, (tok.line, tok.column), self.what)

    def eof(self, msg: str | None = None) -> LatexError:
        end = len(self.text.rstrip()) - 1 if self.text.strip() else 0
        line = self.text.count("\n", 0, max(end, 0)) + 1
        col = max(end, 0) - (self.text.rfind("\n", 0, max(end, 0)) + 1) + 1
        return LatexError(msg or "the formula ends too early (an unclosed bracket or a missing operand?)",
                          self.text, (line, col), self.what)

    def expect_char(self, ch: str, what: str):
        t = self.peek()
        if t is None:
            raise self.eof(f"the formula ends too early ({what} expected)")
        if not t.is_char(ch):
            raise self.err(f"{what} expected, found {t.source()!r}", t)
        return self.next()

    def pos(self, tok: Tok | None) -> tuple[int, int]:
        return (tok.line, tok.column) if tok else (1, 1)

    def token(self, type_: str, tok: Tok, value: str | None = None) -> Token:
        return Token(type_, tok.source() if value is None else value, tok.line, tok.column)

    def deeper(self, tok):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.err(f"nested more than {MAX_DEPTH} levels deep", tok)

    # -- entry

    def read(self) -> Node:
        if not self.toks:
            raise LatexError(f"the {self.what} is empty")
        rel = self.relation()
        t = self.peek()
        if t is not None:
            if t.is_char(")]}") or t.is_cs("right", "}", "rbrace"):
                raise self.err(f"unmatched {t.source()!r}", t)
            raise self.err(f"unexpected {t.source()!r}", t)
        return rel

    # -- relations and sums

    def rel_op(self) -> Token | None:
        t = self.peek()
        if t is None:
            return None
        if t.is_char("=<>"):
            self.next()
            return self.token("CMP" if t.text in "<>" else "REL", t)
        if t.is_char(":") and self.peek(1) is not None and self.peek(1).is_char("="):
            self.next()
            self.next()
            return Token("REL", ":=", t.line, t.column)
        if t.kind == "cs" and self.depth > 0 and t.text in _ARROWS:
            self.next()   # \lim_{x \rightarrow 3}: inside a group an arrow is the limit's \to
            return self.token("REL", t, "\\to")
        if t.kind == "cs" and t.text in REL_COMMANDS:
            self.next()
            kind = "CMP" if t.text in COMPARISONS else ("SETREL" if t.text == "in" else "REL")
            return self.token(kind, t, ":=" if t.text == "coloneqq" else None)
        return None

    def relation(self) -> Node:
        start = self.peek()
        args = [self.expr()]
        while True:
            op = self.rel_op()
            if op is None:
                break
            args.append(op)
            args.append(self.expr())
        return Node("relation", tuple(args), self.pos(start))

    def add_op(self) -> Token | None:
        t = self.peek()
        if t is not None and t.is_char("+-\u2212\u2013"):
            self.next()
            return self.token("ADDOP", t, "-" if t.text != "+" else "+")
        return None

    def expr(self) -> Node:
        start = self.peek()
        args = []
        sign = self.add_op()
        if sign is not None:
            args.append(Node("sign", (sign,), self.pos(start)))
        args.append(self.term())
        while True:
            op = self.add_op()
            if op is None:
                break
            args.append(op)
            args.append(self.term())
        return Node("expr", tuple(args), self.pos(start))

    def mul_op(self) -> Token | None:
        t = self.peek()
        if t is None:
            return None
        if t.is_char("*/\u22c5\u2217"):
            self.next()
            return self.token("MULOP", t)
        if t.kind == "cs" and t.text in MUL_COMMANDS:
            self.next()
            return self.token("MULOP", t, "/" if t.text == "div" else None)
        return None

    def term(self) -> Node:
        start = self.peek()
        args = [self.juxt()]
        while True:
            op = self.mul_op()
            if op is None:
                break
            args.append(op)
            t = self.peek()
            if t is not None and (self.mul_op_at(t)):
                raise self.err(f"two operators in a row ({op} {t.source()})", t)
            sign = self.add_op()
            if sign is not None:
                args.append(Node("sign", (sign,), self.pos(t)))
            args.append(self.juxt())
        return Node("term", tuple(_operand_extends(args)), self.pos(start))

    def mul_op_at(self, t: Tok) -> bool:
        return t.is_char("*/\u22c5\u2217") or (t.kind == "cs" and t.text in MUL_COMMANDS)

    def starts_primary(self, t: Tok | None) -> bool:
        if t is None:
            return False
        if t.kind == "char":
            return t.text.isalnum() or t.text in "([{|."
        name = t.text
        if name in ("right", "end", "}", "rbrace", "rbrack", "rvert", "rVert", "rfloor", "rceil", "rangle"):
            return False
        if name in REL_COMMANDS or name in MUL_COMMANDS or name == "\\" or (self.depth > 0 and name in _ARROWS):
            return False
        if name == "mid" and self.depth > 0:
            return False        # p(y \mid x): the bar between a density's arguments (list_until)
        if name in SIZERS:
            nxt = self.peek(1)
            return name in ("left", "big", "Big", "bigg", "Bigg", "bigl", "Bigl", "biggl", "Biggl") and not (
                nxt is not None and (nxt.is_char(")]") or nxt.is_cs("}", "rbrace", "rvert", "rVert", "rfloor",
                                                                        "rceil")))
        return True

    def juxt(self) -> Node:
        start = self.peek()
        items = []
        while self.starts_primary(self.peek()) and not self.closing_bar():
            items.extend(self.index_ranges(self.postfix()))    # \\sum_{i,j}: one sum per index
        if not items:
            t = self.peek()
            if t is None:
                raise self.eof()
            if t.is_char(")]}"):
                raise self.err(f"unmatched {t.source()!r}" if self.depth == 0 else "an operand is missing", t)
            raise self.err(f"unexpected {t.source()!r}", t)
        return Node("juxt", tuple(items), self.pos(start))

    def closing_bar(self) -> bool:
        """Inside |...|, a bar after an operand closes it."""
        t = self.peek()
        return t is not None and t.is_char("|") and bool(self.bars)

    # -- postfix and scripts

    def postfix(self) -> Node:
        start = self.peek()
        base = self.primary()
        scripts = []
        while True:
            t = self.peek()
            if t is None:
                break
            if t.is_char("^_"):
                self.next()
                kind = "sup" if t.text == "^" else "sub"
                if base.kind == "underbrace":
                    self.script_arg(t)      # the brace's label: typeset, not a value
                    continue
                if scripts and scripts[-1][0] == kind:
                    raise self.err(f"double {'superscript' if kind == 'sup' else 'subscript'} (TeX refuses"
                                   f" x{t.text}a{t.text}b; write x{t.text}{{ab}} or {{x{t.text}a}}{t.text}b)", t)
                arg = self.script_arg(t)
                if arg.kind == "sprime":
                    scripts.extend([("prime",)] * arg.args[0])
                    continue
                scripts.append((kind, arg))
                scripts.extend([("prime",)] * getattr(arg, "primes", 0))
            elif t.is_char("'"):
                self.next()
                scripts.append(("prime",))
            elif t.is_char("!"):
                self.next()
                inner = Node("postfix", (base,), self.pos(start), tuple(scripts), self.src(start, t))
                base, scripts = Node("factorial", (inner,), self.pos(start)), []
            else:
                break
        if base.kind == "underbrace":
            base = base.args[0]
        end = self.toks[self.i - 1]
        return Node("postfix", (base,), self.pos(start), tuple(scripts), self.src(start, end))

    def src(self, a: Tok, b: Tok) -> str:
        return self.text[a.start:b.end]

    def unknown(self, t: Tok) -> LatexError:
        if t.kind == "cs" and t.text in ("begin", "end"):
            return self.err(f"environment {self.env_name(self.i + 1) or '?'!r} is not supported in a formula"
                            " (matrix, bmatrix, pmatrix, cases are)", t)
        hint = UNSUPPORTED_HINTS.get(t.text)
        return self.err(f"unknown or unsupported command \\{t.text}" + (f" ({hint})" if hint else ""), t)

    def list_until(self, close: str) -> Node | None:
        """relation (',' relation)* up to the closing char; the closing char is consumed."""
        t = self.peek()
        if t is not None and t.is_char(close):
            self.next()
            return None
        start = t
        saved, self.bars = self.bars, []
        items = [self.relation()]
        # J(W,b;x,y), p(y \mid x; \theta), \mathcal{N}(x \mid 0, 1): a semicolon or a bar between arguments
        # separates them like a comma (the arguments of a conditional density)
        while self.peek() is not None and (self.peek().is_char(",") or (close == ")" and (
                self.peek().is_char(";") or self.peek().is_cs("mid")))):
            self.next()
            items.append(self.relation())
        self.bars = saved
        end = self.peek()
        if end is None:
            raise self.eof()
        if not end.is_char(close):
            raise self.err(f"{close!r} expected, found {end.source()!r}", end)
        self.next()
        return Node("list", tuple(items), self.pos(start))

    def list_until_cs(self, closers) -> Node:
        start = self.peek()
        saved, self.bars = self.bars, []
        items = [self.relation()]
        while self.peek() is not None and self.peek().is_char(","):
            self.next()
            items.append(self.relation())
        self.bars = saved
        t = self.peek()
        if t is None:
            raise self.eof()
        if not closers(t):
            raise self.err(f"unexpected {t.source()!r}", t)
        return Node("list", tuple(items), self.pos(start))

    # -- primaries

    def primary(self) -> Node:
        t = self.next()
        p = self.pos(t)
        if t.kind == "char":
            ch = t.text
            if ch.isdigit() or (ch == "." and self.peek() is not None and self.peek().is_char("0123456789")):
                return self.number(t)
            if ch.isalpha():
                return Node("letter", (self.token("LETTER", t),), p)
            if ch in "([":
                self.deeper(t)
                items = self.list_until(")" if ch == "(" else "]")
                self.depth -= 1
                if items is None:
                    raise self.err("empty brackets", t)
                return Node("paren" if ch == "(" else "bracket", (items,), p)
            if ch == "{":
                nxt = self.peek()
                if nxt is not None and nxt.kind == "cs" and nxt.text in OLD_FONTS:
                    return self.old_font(t)
                self.deeper(t)
                items = self.list_until("}")
                self.depth -= 1
                return Node("brace", (items,) if items is not None else (), p)
            if ch == "|":
                return self.bar_group(t)
            raise self.err(f"unexpected {ch!r}", t)
        name = t.text
        if name in SYMBOL_COMMANDS:
            return Node("command", (self.token("CMD", t),), p)
        if name in FUNCTION_COMMANDS:
            return Node("command", (self.token("CMD", t),), p)
        if name in ("top", "intercal"):
            return Node("top", (self.token("TOP", t),), p)
        if name in FRACS:
            a, b = self.arg(t), self.arg(t)
            return Node("frac", (self.token("FRAC", t), a, b), p)
        if name in BINOMS:
            a, b = self.arg(t), self.arg(t)
            return Node("binom", (self.token("BINOM", t), a, b), p)
        if name == "sqrt":
            if self.peek() is not None and self.peek().is_char("["):
                self.next()
                idx = self.list_until("]")
                if idx is None:
                    raise self.err("empty root index", t)
                return Node("nthroot", (self.token("SQRT", t), idx, self.arg(t)), p)
            return Node("sqrt", (self.token("SQRT", t), self.arg(t)), p)
        if name in DECORATIONS:
            nxt = self.peek()
            if nxt is not None and nxt.kind == "char" and nxt.text.isalpha():
                self.next()
                return Node("decor", (self.token("DECOR", t), self.token("LETTER", nxt)), p)
            return Node("decor", (self.token("DECOR", t), self.arg(t)), p)
        if name in TEXT_COMMANDS:
            return self.text_command(t)
        if name in ("underbrace", "overbrace"):
            return Node("underbrace", (self.arg(t),), p)
        if name == "sum":
            return Node("sum", (self.token("SUM", t),), p)
        if name == "substack":
            return self.substack(t)
        if name == "prod":
            return Node("prod", (self.token("PROD", t),), p)
        if name == "int":
            return Node("int", (self.token("INT", t),), p)
        if name == "lim":
            return Node("lim", (self.token("LIM", t),), p)
        if name in ("left", "bigl", "Bigl", "biggl", "Biggl", "big", "Big", "bigg", "Bigg"):
            return self.delimited(t)
        if name in ("{", "lbrace", "lbrack", "lvert", "lVert", "lfloor", "lceil", "vert", "Vert", "|"):
            return self.delimited(t, sized=False)
        if name == "begin":
            return self.environment(t)
        if name == "mathds":
            return Node("decor", (Token("DECOR", "\\mathbb", t.line, t.column), self.arg(t)), p)
        raise self.unknown(t)

    def old_font(self, t: Tok) -> Node:
        """{\\rm sgn}, {\\bf x}: a TeX font switch for the rest of the group, read as \\mathrm{sgn}."""
        switch = self.next()
        depth, j = 1, self.i
        while j < len(self.toks) and depth:
            depth += self.toks[j].is_char("{")
            depth -= self.toks[j].is_char("}")
            j += 1
        if depth:
            raise self.eof()
        body = self.text[switch.end:self.toks[j - 1].start]
        self.i = j
        sub = type(self)("\\" + OLD_FONTS[switch.text] + "{" + body + "}", self.what)
        return sub.primary()

    def number(self, t: Tok) -> Node:
        digits = t.text
        # TeX ignores spaces in math: "1 000" and "1000" typeset alike
        while self.peek() is not None and self.peek().is_char("0123456789."):
            nxt = self.peek()
            if nxt.text == "." and ("." in digits or not (self.peek(1) is not None
                                                          and self.peek(1).is_char("0123456789"))):
                break
            digits += nxt.text
            self.next()
        if digits.startswith("."):
            digits = "0" + digits
        return Node("number", (Token("NUMBER", digits, t.line, t.column),), self.pos(t))

_ARROWS = ("rightarrow", "longrightarrow", "Rightarrow", "Longrightarrow")   # \to inside a group


def _big_operator(it: Node) -> bool:
    """\\sum, \\prod, \\lim or a derivative operator \\frac{d}{dx} (numerator d or \\partial alone)."""
    if it.kind != "postfix":
        return False
    b = it.args[0]
    if b.kind in ("sum", "prod", "lim"):
        return True
    if b.kind != "frac" or it.scripts:
        return False
    num = b.args[1] if len(b.args) > 2 else b.args[0]
    while isinstance(num, Node) and num.kind in ("group", "list", "relation", "expr", "term", "juxt", "brace") \
            and len(num.args) == 1:
        num = num.args[0]
    if not isinstance(num, Node) or num.kind != "postfix":
        return False
    items = (num,)
    head = items[0].args[0]
    return (head.kind == "letter" and str(head.args[0]) == "d") or (
        head.kind == "command" and str(head.args[0]) == "\\partial")


def _operand_extends(args: list) -> list:
    """A sum, product, limit or d/dx takes the whole product after it, as in print:
    \\sum_k k \\cdot k! is the sum of k k!, \\frac{d}{dx} x \\cdot e^x the derivative of x e^x.
    The term's factors after the operator become one operand (a nested term)."""
    for i in range(0, len(args) - 1):
        c = args[i]
        if not isinstance(c, Node) or c.kind != "juxt":
            continue
        at = next((p for p, it in enumerate(c.args) if isinstance(it, Node) and _big_operator(it)), None)
        if at is None or at == len(c.args) - 1:
            continue
        tail = Node("juxt", tuple(c.args[at + 1:]), c.args[at + 1].pos)
        inner = Node("term", tuple(_operand_extends([tail] + list(args[i + 1:]))), tail.pos)
        return list(args[:i]) + [Node("juxt", tuple(c.args[:at + 1]) + (inner,), c.pos)]
    return list(args)


def read(text: str, what: str = "claim") -> Node:
    """The relation node of one formula (LatexError with the position when it cannot be read)."""
    reader = Reader(text, what)
    node = reader.read()
    node.source = text  # type: ignore[attr-defined]
    node.tex_notes = reader.notes  # type: ignore[attr-defined]
    return node
