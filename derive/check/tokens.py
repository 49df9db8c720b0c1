"""TeX's tokens for the claim reader: control words and symbols, single characters, with positions.

The tokenizer is TeX's own rule, in one linear pass: a backslash followed by letters is one
control word (``\\frac``) and the spaces after it are skipped; a backslash followed by one other
character is a control symbol (``\\,``, ``\\{``, ``\\|``); ``%`` starts a comment to the end of the
line; every other character is a token of its own, so ``\\frac13`` has the arguments 1 and 3 and
``x^23`` is x^2 followed by 3. Spaces carry no meaning in math mode and are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass


class Token(str):
    """A token or a piece of source text kept in the AST (a str with a type and a position)."""

    type: str
    line: int
    column: int

    def __new__(cls, type_: str, value: str, line: int = 1, column: int = 1):
        t = super().__new__(cls, value)
        t.type = type_
        t.line = line
        t.column = column
        return t

    def __reduce__(self):
        return (Token, (self.type, str(self), self.line, self.column))


@dataclass(frozen=True)
class Tok:
    """One TeX token: kind 'cs' (control sequence, text without the backslash) or 'char'."""

    kind: str
    text: str
    start: int          # offset in the source
    end: int
    line: int
    column: int

    @property
    def cs(self) -> str | None:
        return self.text if self.kind == "cs" else None

    def is_char(self, chars: str) -> bool:
        return self.kind == "char" and self.text in chars

    def is_cs(self, *names: str) -> bool:
        return self.kind == "cs" and self.text in names

    def source(self) -> str:
        return "\\" + self.text if self.kind == "cs" else self.text


def tokenize(text: str) -> list[Tok]:
    """The TeX tokens of text (spaces and comments dropped), in one pass."""
    out: list[Tok] = []
    i, n = 0, len(text)
    line, line_start = 1, 0
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            line_start = i + 1
            i += 1
            continue
        if ch in " \t\r":
            i += 1
            continue
        if ch == "%":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        col = i - line_start + 1
        if ch == "\\":
            j = i + 1
            if j < n and text[j].isalpha() and text[j].isascii():
                while j < n and text[j].isalpha() and text[j].isascii():
                    j += 1
                name = text[i + 1:j]
                # \operatorname* and \begin{...*}: the star belongs to the command
                if j < n and text[j] == "*" and name in ("operatorname",):
                    j += 1
                    name += "*"
                out.append(Tok("cs", name, i, j, line, col))
                while j < n and text[j] in " \t":
                    j += 1
                i = j
                continue
            if j < n:
                out.append(Tok("cs", text[j], i, j + 1, line, col))
                if text[j] == "\n":
                    line += 1
                    line_start = j + 1
                i = j + 1
                continue
            out.append(Tok("char", "\\", i, j, line, col))
            i = j
            continue
        out.append(Tok("char", ch, i, i + 1, line, col))
        i += 1
    return out
