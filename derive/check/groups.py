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

    def substack(self, t: Tok) -> Node:
        """\\substack{1 \\le i \\le n \\\\ j = 1}: the rows of a sum's index, each a relation."""
        brace = self.next()
        if brace is None or not brace.is_char("{"):
            raise self.err("\\substack needs its rows in braces", t)
        self.deeper(brace)
        rows = [self.relation()]
        while self.peek() is not None and self.peek().is_cs("\\"):
            self.next()
            rows.append(self.relation())
        end = self.next()
        if end is None or not end.is_char("}"):
            raise self.err("'}' expected after the rows of \\substack", end or t)
        self.depth -= 1
        p = (t.line, t.column)
        return Node("substack", (Node("list", tuple(rows), p),), p)

    def index_ranges(self, post: Node) -> list[Node]:
        """A sum or product over several index ranges (\\substack rows, \\sum_{i,j}) or over a range
        written with bounds (\\sum_{1 \\le i < n}), as the nested sums \\sum_{i=1}^{n} \\sum_{j} ... it
        is, each in the form \\sum_{i=lo}^{hi}; any other item unchanged."""
        if post.kind != "postfix" or post.args[0].kind not in ("sum", "prod"):
            return [post]
        subs = [s for s in post.scripts if s[0] == "sub"]
        sup = next((s[1] for s in post.scripts if s[0] == "sup"), None)
        if len(subs) != 1 or subs[0][1].kind != "sbrace" or not subs[0][1].args:
            return [post]
        rows: list[Node] = []
        for item in subs[0][1].args[0].args:
            inner = _single(item)
            stack = inner is not None and inner.args[0].kind == "substack" and not inner.scripts
            rows += list(inner.args[0].args[0].args) if stack else [item]
        ranges = [_index_range(r) for r in rows]
        if len(rows) == 1 and ranges[0] is None:
            return [post]                   # i = 1 (or unreadable: the interpreter says so)
        out = []
        for row, rng in zip(rows, ranges):
            low, high = rng if rng is not None else (row, None)     # i = 1 as one of several
            scripts: list = [("sub", Node("sbrace", (Node("list", (low,), row.pos),), row.pos))]
            if high is not None or sup is not None:
                scripts.append(("sup", Node("sbrace", (Node("list", (high,), row.pos),), row.pos)
                                if high is not None else sup))
            out.append(Node("postfix", post.args, row.pos, tuple(scripts), post.text))
        return out

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
        nxt = self.peek()
        if sized and kind == "." and closer in ("|", "\\vert") and nxt is not None and nxt.is_char("_"):
            # \left. \frac{d}{dx} f \right|_{x=3}: the value at a point
            self.next()
            return Node("evalbar", (items, self.script_arg(nxt)), self.pos(t))
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
        if len(parts) == 5 and all(isinstance(parts[k], Token) and parts[k].type == "CMP" for k in (1, 3)):
            # 0 < x < 5: both comparisons hold
            return Node("cond_and", (Node("cond_cmp", tuple(parts[0:3]), rel.pos),
                                     Node("cond_cmp", tuple(parts[2:5]), rel.pos)), rel.pos)
        if len(parts) == 1:
            raise self.err("a case's condition must be a comparison such as x > 0, or \\text{otherwise}", t)
        raise self.err("a case's condition must be one comparison", t)

    def hadamard_script(self, brace) -> Node:
        """^{\\circ n}, the group entered: the exponent of a Hadamard (entry-wise) power as a script node
        of its own (nnderive's documents print tanh' of a matrix as 1 - (a^{l})^{\\circ 2})."""
        circ = self.next()
        items = self.list_until("}")
        self.depth -= 1
        if items is None or len([x for x in items.args if isinstance(x, Node)]) != 1:
            raise self.err("a Hadamard power ^{\\circ n} needs one exponent n", circ)
        return Node("shadamard", (items,), self.pos(brace))




def wrap_sbrace(post: Node, pos) -> Node:
    juxt = Node("juxt", (post,), pos)
    rel = Node("relation", (Node("expr", (Node("term", (juxt,), pos),), pos),), pos)
    return Node("sbrace", (Node("list", (rel,), pos),), pos)


def as_expr(rel: Node) -> Node:
    if rel.kind == "relation" and len(rel.args) == 1:
        return rel.args[0]
    return rel


_FLIP = {"<": ">", ">": "<", "\\le": "\\ge", "\\leq": "\\geq", "\\ge": "\\le", "\\geq": "\\leq",
         "\\lt": "\\gt", "\\gt": "\\lt", "\\leqslant": "\\geqslant", "\\geqslant": "\\leqslant"}
_STRICT = {"<": True, "\\lt": True, "\\le": False, "\\leq": False, "\\leqslant": False}   # lower < upper


def _index_range(row: Node):
    """(i = lo as a relation, or the bare index; the upper bound or None) of one index range written with
    bounds (1 \\le i \\le n, i < n, n \\ge i \\ge 1; a strict bound moves by one) or bare (i of \\sum_{i,j});
    None for i = 1 and anything else (read as before)."""
    if row.kind != "relation" or len(row.args) == 1:
        return (row, None) if _letter(row) else None
    sides = [c for c in row.args if isinstance(c, Node)]
    ops = [str(c) for c in row.args if isinstance(c, Token)]
    if ops and all(o in _FLIP and o not in _STRICT for o in ops):
        sides, ops = sides[::-1], [_FLIP[o] for o in reversed(ops)]
    if not ops or any(o not in _STRICT for o in ops) or len(sides) > 3:
        return None
    var = sides[1] if len(sides) == 3 else sides[0]
    if not _letter(var):
        return None
    high = _shifted(sides[-1], -1 if _STRICT[ops[-1]] else 0)
    if len(sides) == 2:
        return (var, high)
    low = _shifted(sides[0], +1 if _STRICT[ops[0]] else 0)
    return (Node("relation", (var, Token("REL", "=", *row.pos), low), row.pos), high)


def _shifted(bound: Node, by: int) -> Node:
    """bound + by as an expression (a strict bound: i < n runs to n - 1)."""
    if not by:
        return bound
    one = Node("number", (Token("NUMBER", "1", *bound.pos),), bound.pos)
    return Node("expr", (bound, Token("ADDOP", "+" if by > 0 else "-", *bound.pos), one), bound.pos)


def _single(node: Node) -> Node | None:
    """The one postfix item a relation, expression, term or juxtaposition of one part holds, or None."""
    while node.kind in ("relation", "expr", "term", "juxt") and len(node.args) == 1:
        node = node.args[0]
    return node if node.kind == "postfix" else None


def _letter(node: Node) -> bool:
    """Whether a node is one plain letter (an index: i, not i_1 or 2i)."""
    post = _single(node)
    return post is not None and not post.scripts and post.args[0].kind == "letter"
