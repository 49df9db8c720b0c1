"""The reader's arguments: what ``^``, ``_``, ``\\frac`` and ``\\sqrt`` take, by TeX's own rules.

``Scripts`` is the part of ``reader.Reader`` that reads one script or command argument: a group in
braces, one token, or a command with its own arguments (``x^\\frac{1}{2}``, ``\\frac13``); a mixin that
uses the reader's token stream.
"""

from __future__ import annotations

from .dialect import BINOMS, DECORATIONS, FRACS, FUNCTION_COMMANDS, SYMBOL_COMMANDS, TEXT_COMMANDS
from .groups import wrap_sbrace
from .nodes import Node, Token
from .tokens import Tok

ARG_COMMANDS = FRACS | BINOMS | DECORATIONS | TEXT_COMMANDS | {"sqrt", "underbrace", "overbrace"}


class Scripts:
    """Script and command arguments of the Reader."""

    def script_arg(self, op: Tok) -> Node:
        t = self.peek()
        if t is None:
            raise self.eof(f"{op.text} needs an argument")
        if t.is_char("{"):
            self.next()
            self.deeper(t)
            trailing = self._trailing_primes()
            if self.peek() is not None and self.peek().is_cs("prime"):
                n = 0
                while self.peek() is not None and self.peek().is_cs("prime"):
                    self.next()
                    n += 1
                if self.peek() is not None and self.peek().is_char("}"):
                    self.next()
                    self.depth -= 1
                    return Node("sprime", (n,), self.pos(t))
                raise self.err("\\prime must stand alone in a superscript", t)
            if self.peek() is not None and self.peek().is_cs("circ") and trailing == 0:
                return self.hadamard_script(t)      # A^{\circ 2}, the entry-wise power (groups.py)
            sgn, close = self.peek(), self.peek(1)
            if sgn is not None and sgn.is_char("+-") and close is not None and close.is_char("}"):
                self.next()   # 3^{+}: a one-sided limit, as 3^+
                self.next()
                self.depth -= 1
                return Node("sletter", (Token("LETTER", sgn.text, sgn.line, sgn.column),), self.pos(sgn))
            items = self.list_until("}")
            self.depth -= 1
            node = Node("sbrace", (items,) if items is not None else (), self.pos(t))
            node.primes = trailing  # type: ignore[attr-defined]
            return node
        if t.kind == "char":
            if t.text.isalpha():
                self.next()
                return Node("sletter", (self.token("LETTER", t),), self.pos(t))
            if t.text.isdigit():
                self.next()
                nxt = self.peek()
                if nxt is not None and nxt.is_char("0123456789") and nxt.start == t.end:
                    digits = t.text
                    j = self.i
                    while j < len(self.toks) and self.toks[j].is_char("0123456789"):
                        digits += self.toks[j].text
                        j += 1
                    # TeX's rule: the script is one token, the digits after it a number of their own
                    self.notes.append(f"{op.text}{digits} is read as TeX typesets it: {op.text}{digits[0]}"
                                      f" followed by {digits[1:]} (write {op.text}{{{digits}}} for the"
                                      f" {'power' if op.text == '^' else 'subscript'} {digits})")
                return Node("snumber", (self.token("NUMBER", t),), self.pos(t))
            if t.text == "*" and op.text == "^":
                self.next()
                return Node("sletter", (Token("LETTER", "*", t.line, t.column),), self.pos(t))
            if t.text in "+-" and (self.peek(1) is None or self.peek(1).is_char("}")):
                self.next()   # a one-sided limit, 0^+ (the script is the last thing in its group)
                return Node("sletter", (Token("LETTER", t.text, t.line, t.column),), self.pos(t))
            if t.text in "+-":
                raise self.err(f"{op.text}{t.text} is ambiguous: TeX puts only {t.text!r} in the script;"
                               f" write {op.text}{{{t.text}...}}", t)
            raise self.err(f"{op.text} needs an argument (a letter, a digit or a group in braces)", t)
        name = t.text
        if name in ("top", "intercal", "T"):
            self.next()
            return Node("stop", (self.token("TOP", t),), self.pos(t))
        if name == "prime":
            n = 0
            while self.peek() is not None and self.peek().is_cs("prime"):
                self.next()
                n += 1
            return Node("sprime", (n,), self.pos(t))
        if name in SYMBOL_COMMANDS:
            self.next()
            return Node("scmd", (self.token("CMD", t),), self.pos(t))
        if name in ARG_COMMANDS:
            # TeX expands the command with its own arguments: x^\frac{1}{2}, 2^\sqrt{4}
            prim = self.primary()
            post = Node("postfix", (prim,), self.pos(t), (), self.src(t, self.toks[self.i - 1]))
            return wrap_sbrace(post, self.pos(t))
        if name in FUNCTION_COMMANDS:
            raise self.err(f"{op.text}\\{name} without braces puts only the name \\{name} in the script;"
                           f" write {op.text}{{\\{name} ...}}", t)
        raise self.unknown(t)

    def _trailing_primes(self) -> int:
        """Ng's g^{[l]\\prime}: primes at the end of a script group are primes of the symbol; they are
        taken out of the group (and counted) so that the group holds the layer alone."""
        depth, j = 1, self.i
        while j < len(self.toks) and depth:
            x = self.toks[j]
            if x.is_char("{"):
                depth += 1
            elif x.is_char("}"):
                depth -= 1
            j += 1
        close = j - 1
        k = close
        while k - 1 >= self.i and self.toks[k - 1].is_cs("prime"):
            k -= 1
        if k == close or k == self.i:
            return 0
        n = close - k
        del self.toks[k:close]
        return n

    # -- arguments of \frac, \sqrt, decorations: a group or a single token

    def arg(self, owner: Tok) -> Node:
        t = self.peek()
        if t is None:
            raise self.eof(f"\\{owner.text} needs an argument")
        if t.is_char("{"):
            self.next()
            self.deeper(t)
            items = self.list_until("}")
            self.depth -= 1
            return Node("group", (items,) if items is not None else (), self.pos(t))
        if t.kind == "char" and (t.text.isalnum()):
            self.next()
            kind = "letter" if t.text.isalpha() else "number"
            prim = Node(kind, (self.token("LETTER" if kind == "letter" else "NUMBER", t),), self.pos(t))
        elif t.kind == "cs" and (t.text in SYMBOL_COMMANDS or t.text in ARG_COMMANDS):
            prim = self.primary()
        else:
            raise self.err(f"\\{owner.text} needs its argument in braces here", t)
        post = Node("postfix", (prim,), self.pos(t), (), self.src(t, self.toks[self.i - 1]))
        return Node("group", wrap_sbrace(post, self.pos(t)).args, self.pos(t))


# plain TeX's generalized fractions: {a \over b} is \frac{a}{b}, {n \choose k} is \binom{n}{k}
INFIX_FRACTIONS = {"over": "frac", "choose": "binom"}


def infix_fractions(toks: list, err) -> list:
    """The tokens with every {a \\over b} and {n \\choose k} rewritten as \\frac{a}{b}, \\binom{n}{k}.

    TeX's rule: the infix command takes everything before it in its group as the numerator and
    everything after it as the denominator. At the top level that would be the whole formula
    (both sides of '=' in one fraction), so there it is refused; two in one group TeX refuses too.
    ``err(message, tok)`` makes the LatexError."""
    names = set(INFIX_FRACTIONS) | {"atop", "above"}
    if not any(t.kind == "cs" and t.text in names for t in toks):
        return toks

    def frame(i: int, inner: bool):
        body, op = [], None
        while i < len(toks):
            t = toks[i]
            if t.is_char("{"):
                sub, stacked, i = frame(i + 1, True)
                close = toks[i] if i < len(toks) else None
                i += close is not None
                prev = body[-1] if body else None
                # {d \over dx} standing alone is the fraction itself (an operator on what follows, as
                # \frac{d}{dx} is); a script's or a command's group keeps its braces (x^{1 \over 2})
                if stacked and close is not None and (prev is None or not (prev.kind == "cs" or prev.is_char("^_}]"))):
                    body.extend(sub)
                else:
                    body.extend([t, *sub] + ([close] if close is not None else []))
                continue
            if t.is_char("}") and inner:
                break
            if t.kind == "cs" and t.text in ("atop", "above"):
                raise err(f"\\{t.text} stacks two lines without a fraction's value; write \\frac or \\binom", t)
            if t.kind == "cs" and t.text in INFIX_FRACTIONS:
                if op is not None:
                    raise err(f"two infix fractions (\\{op[1].text}, \\{t.text}) in one group: TeX refuses"
                              " this (ambiguous fractions)", t)
                if not inner:
                    raise err(f"\\{t.text} outside braces takes the whole formula as its numerator; write"
                              f" {{a \\{t.text} b}}", t)
                op = (len(body), t)
            body.append(t)
            i += 1
        if op is None:
            return body, False, i
        k, t = op
        if k == 0 or k == len(body) - 1:
            raise err(f"\\{t.text} needs something on both sides", t)

        def ch(c):
            return Tok("char", c, t.start, t.end, t.line, t.column)
        return [Tok("cs", INFIX_FRACTIONS[t.text], t.start, t.end, t.line, t.column), ch("{"), *body[:k],
                ch("}"), ch("{"), *body[k + 1:], ch("}")], True, i

    out, _, _ = frame(0, False)
    return out
