"""The reader's bracketed and block constructs: delimiters, |.|, environments (matrices, cases) and text.

``Groups`` is the part of ``reader.Reader`` that reads \\left( ... \\right), \\lvert ... \\rvert,
\\begin{bmatrix} ... \\end{bmatrix}, \\begin{cases} ... \\end{cases} and \\text{...} (a mixin: it
uses the reader's token stream and its relation()).
"""

from __future__ import annotations

from .dialect import CASES_ENVS, CLOSE_DELIMS, MATRIX_ENVS, OPEN_DELIMS, TEXT_COMMANDS
from .nodes import LatexError, Node, Token
from .tokens import Tok

# how a bracket-like token opens, as the AST kind the interpreter knows
_KIND = {"(": "paren", "[": "bracket", "{": "paren", "|": "abs", "||": "norm", "floor": "floor",
         "ceil": "ceil", ".": "brace", "<": "paren"}


class Groups:
    """Delimited groups, environments and text commands of the Reader."""

    def text_command(self, t: Tok) -> Node:
        if self.peek() is None or not self.peek().is_char("{"):
            raise self.err(f"\\{t.text} needs its text in braces", t)
        open_ = self.next()
        depth, j = 1, open_.end
        while j < len(self.text) and depth:
            ch = self.text[j]
            if ch == "\\":
                j += 2
                continue
            depth += ch == "{"
            depth -= ch == "}"
            j += 1
        if depth:
            raise self.eof()
        body = self.text[open_.end:j - 1]
        while self.peek() is not None and self.peek().start < j:
            self.next()
        cmd = t.text.rstrip("*")
        if cmd != "text" and any(c in body for c in "\\^_{}") and cmd in ("mathrm", "mathit", "mathsf", "mathtt"):
            # \mathrm{W}^{[1]}, \mathrm{d}x: font commands around math are read as math
            sub = type(self)(body, self.what)
            rel = sub.read()
            return Node("brace", (Node("list", (rel,), self.pos(open_)),), self.pos(t))
        bad = [c for c in body if not (c.isalnum() or c in " ,.:;-'()")]
        if bad:
            raise self.err(f"\\{t.text}{{...}} may hold only words here, not {bad[0]!r}", t)
        args = [Token("TEXTCMD", "\\" + cmd, t.line, t.column)]
        if body:
            args.append(Token("TEXTBODY", body, open_.line, open_.column + 1))
        return Node("text", tuple(args), self.pos(t))

    def bar_group(self, t: Tok) -> Node:
        self.deeper(t)
        self.bars = self.bars + ["|"]
        try:
            items = self.list_until_cs(lambda x: x.is_char("|"))
        except LatexError as e:
            if self.peek() is None:
                raise self.err("this '|' is never closed", t) from None
            raise e
        self.next()
        self.bars = self.bars[:-1]
        self.depth -= 1
        return Node("abs", (Token("LVERT", "|", t.line, t.column), items, Token("RVERT", "|", t.line, t.column)),
                    self.pos(t))

    def delim_token(self, t: Tok) -> str:
        return t.text if t.kind == "char" else "\\" + t.text

    def delimited(self, t: Tok, sized: bool = True) -> Node:
        """\\left( ... \\right), \\bigl[ ... \\bigr], \\lvert ... \\rvert, \\{ ... \\}."""
        if sized:
            d = self.next()
            opener = self.delim_token(d)
        else:
            d, opener = t, self.delim_token(t)
        kind = OPEN_DELIMS.get(opener)
        if kind is None:
            raise self.err(f"{opener!r} cannot open a bracket", d)
        self.deeper(d)
        right_names = ("right", "bigr", "Bigr", "biggr", "Biggr", "big", "Big", "bigg", "Bigg")

        def closes(x: Tok) -> bool:
            if sized and x.is_cs(*right_names):
                return True
            if not sized:
                return CLOSE_DELIMS.get(self.delim_token(x)) == kind and not x.is_char("(")
            return False

        items = self.list_until_cs(closes)
        c = self.next()
        if sized:
            d2 = self.next()
            closer = self.delim_token(d2)
            if CLOSE_DELIMS.get(closer) != kind and closer != "." and kind != ".":
                raise self.err(f"{opener!r} is closed by {closer!r}", d2)
        else:
            closer = self.delim_token(c)
        self.depth -= 1
        node_kind = _KIND[kind]
        if node_kind in ("abs", "norm"):
            open_t = Token("LVERT" if node_kind == "abs" else "LNORM", opener, t.line, t.column)
            return Node(node_kind, (open_t, items, Token("R", closer, c.line, c.column)), self.pos(t))
        return Node(node_kind, (items,), self.pos(t))

    def env_name(self, j: int) -> str | None:
        if j < len(self.toks) and self.toks[j].is_char("{"):
            k = j + 1
            name = ""
            while k < len(self.toks) and not self.toks[k].is_char("}"):
                name += self.toks[k].text
                k += 1
            return name
        return None

    def environment(self, t: Tok) -> Node:
        name = self.env_name(self.i)
        if name is None:
            raise self.err("\\begin needs an environment name in braces", t)
        while not self.next().is_char("}"):
            pass
        if name not in MATRIX_ENVS and name not in CASES_ENVS:
            raise self.err(f"environment {name!r} is not supported in a formula (matrix, bmatrix, pmatrix,"
                           " cases are)", t)
        rows, row = [], [self.relation()]
        while True:
            x = self.peek()
            if x is None:
                raise self.eof(f"\\begin{{{name}}} is not closed")
            if x.is_char("&"):
                self.next()
                if name in CASES_ENVS:
                    row.append(self.condition())
                else:
                    row.append(self.relation())
                continue
            if x.is_cs("\\"):
                self.next()
                rows.append(row)
                nxt = self.peek()
                if nxt is not None and nxt.is_cs("end"):
                    row = None
                    continue
                row = [self.relation()]
                continue
            if x.is_cs("end"):
                self.next()
                end = self.env_name(self.i)
                while not self.next().is_char("}"):
                    pass
                if end != name:
                    raise self.err(f"\\begin{{{name}}} is closed by \\end{{{end}}}", x)
                if row is not None:
                    rows.append(row)
                break
            raise self.err(f"unexpected {x.source()!r}", x)
        begin = Token("BEGIN", f"\\begin{{{name}}}", t.line, t.column)
        if name in CASES_ENVS:
            crows = []
            for r in rows:
                expr = as_expr(r[0])
                crows.append(Node("crow", (expr,) + tuple(r[1:2]), r[0].pos))
            return Node("cases", (begin, Node("crows", tuple(crows), self.pos(t))), self.pos(t))
        return Node("matrix", (begin, Node("rows", tuple(Node("row", tuple(r), r[0].pos) for r in rows),
                                           self.pos(t))), self.pos(t))

    def condition(self) -> Node:
        """A case's condition: 'x > 0', '\\text{if } x > 0', '\\text{otherwise}'."""
        t = self.peek()
        if t is not None and t.kind == "cs" and t.text in TEXT_COMMANDS:
            node = self.text_command(self.next())
            rest = None
            x = self.peek()
            if x is not None and not x.is_cs("\\", "end"):
                rest = self.condition()
            args = node.args + ((rest,) if rest is not None else ())
            return Node("cond_text", args, node.pos)
        rel = self.relation()
        parts = [a for a in rel.args]
        if len(parts) == 3 and isinstance(parts[1], Token) and parts[1].type in ("CMP", "REL", "SETREL"):
            return Node("cond_cmp", (parts[0], parts[1], parts[2]), rel.pos)
        if len(parts) == 1:
            raise self.err("a case's condition must be a comparison such as x > 0, or \\text{otherwise}", t)
        raise self.err("a case's condition must be one comparison", t)




def wrap_sbrace(post: Node, pos) -> Node:
    juxt = Node("juxt", (post,), pos)
    rel = Node("relation", (Node("expr", (Node("term", (juxt,), pos),), pos),), pos)
    return Node("sbrace", (Node("list", (rel,), pos),), pos)


def as_expr(rel: Node) -> Node:
    if rel.kind == "relation" and len(rel.args) == 1:
        return rel.args[0]
    return rel
