"""Leibniz's notation written on one line (dy/dx, \\partial L / \\partial w) read as the derivative fractions it means."""

from __future__ import annotations

from .nodes import Node
from .tokens import Token
from .tree import _is_differential


def leibniz_slashes(node: Node) -> Node:
    """dy/dx, d(x^2)/dx and \\partial L / \\partial w (Leibniz's notation on one line) as the derivative
    fractions they mean: a term whose operand before a / starts with a differential (after a
    coefficient) and whose operand after it is the differential of one variable."""
    args = list(node.args)
    changed = False
    k = 1
    while k < len(args) - 1:
        left, op, right = args[k - 1], args[k], args[k + 1]
        if isinstance(op, Token) and str(op) == "/" and isinstance(left, Node) and isinstance(right, Node):
            num = list(left.args) if left.kind == "juxt" else None
            den = list(right.args) if right.kind == "juxt" else None
            first = next((p for p, it in enumerate(num or []) if _is_differential(it)), None)
            if num and den and first is not None and len(num) > first + 1 and len(den) == 2 \
                    and _is_differential(den[0]) and not _is_differential(den[1]) \
                    and _same_differential(num[first], den[0]):
                frac = Node("postfix", (Node("frac", (Token("cs", "\\frac"), Node("juxt", tuple(num[first:]), left.pos),
                                                       Node("juxt", tuple(den), right.pos)), left.pos),), left.pos)
                merged = Node("juxt", tuple(num[:first]) + (frac,), left.pos) if first else frac
                args[k - 1:k + 2] = [merged]
                changed = True
                continue
        k += 1
    return Node(node.kind, tuple(args), node.pos, node.scripts, node.text) if changed else node


def _same_differential(a: Node, b: Node) -> bool:
    return a.args[0].kind == b.args[0].kind

