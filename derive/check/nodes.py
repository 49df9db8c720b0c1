"""The claim AST and the reader's errors: Node (kind, parts, position, scripts), LatexError and friends."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import NNDeriveError
from .tokens import Token

MAX_CHARS = 2000
MAX_DEPTH = 24          # brackets, braces and scripts inside each other
MAX_EXPONENT = 256      # |integer exponent|; 9^{9^{9^{9}}} is refused at 9^9
MAX_TERMS = 64          # terms of one expanded sum
MAX_MATRIX = 400        # entries of one matrix value

__all__ = ["MAX_CHARS", "MAX_DEPTH", "MAX_EXPONENT", "MAX_MATRIX", "MAX_TERMS", "LatexError", "NeedsSize", "Node", "NotCheckableError",
           "OutOfRange", "ShapeMismatch", "Token", "UndefinedValue"]


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


class NotCheckableError(Exception):
    """A part of the claim is well-formed but cannot be decided (an integral SymPy cannot do)."""


class NeedsSize(Exception):
    """A sum with a symbolic upper limit runs over an indexed family (x_k): sizes must be tried."""


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
