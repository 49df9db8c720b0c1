"""The digits a number is written with: one reading for \\approx, worked numbers and a document's rounding.

``0.7616`` has 4 decimal places, ``3`` none, ``-0.5`` one. A plain number is one number with an optional
sign (``plain_number``); a matrix of numbers shows as many decimals as its longest entry
(``most_decimals``). approx.py, worked.py and docsound.py all read the written digits here, so a
number means the same in ``x \\approx 0.7616``, a worked example's ``E = 5.7372`` and a scalar
document's ``a = 0.8808``.
"""

from __future__ import annotations

from .syntax import LatexError, Node, parse
from .tree import iter_nodes, relation_parts

_PLAIN = ("expr", "term", "juxt", "postfix", "sign", "number")


def _places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def plain_number(node: Node) -> tuple[int, str] | None:
    """(decimal places, the number as written with its sign) of a plain number; None otherwise."""
    nodes = list(iter_nodes(node))
    nums = [n for n in nodes if n.kind == "number"]
    if len(nums) != 1 or any(n.kind not in _PLAIN for n in nodes):
        return None
    text = str(nums[0].args[0])
    minus = sum(1 for n in nodes if n.kind == "sign" and n.args and str(n.args[0]) == "-")
    sign = "-" if minus % 2 else ""
    return _places(text), sign + text


def plain_decimal(text: str) -> tuple[int, str] | None:
    """plain_number of a LaTeX text that writes a decimal with a point (0.8808, -1.25); None for
    anything else (an integer, a formula, text that cannot be read)."""
    try:
        sides, ops = relation_parts(parse(text, "number"))
    except LatexError:
        return None
    if ops or len(sides) != 1:
        return None
    got = plain_number(sides[0])
    return got if got is not None and got[0] > 0 else None


def most_decimals(node: Node) -> int:
    """The most decimal places any number in the node is written with (0 when none has a point)."""
    return max((_places(str(n.args[0])) for n in iter_nodes(node) if n.kind == "number"), default=0)
