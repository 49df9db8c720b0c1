"""A gradient written as a tuple of its entries (\\nabla f(x, y) = (2x, 2y)): one partial derivative per argument."""

from __future__ import annotations

import re

_HEAD = re.compile(r"^\s*\\nabla\s*([A-Za-z]|\\[A-Za-z]+)\s*(\\left\s*)?\(")
_SYMBOL = re.compile(r"^\s*([A-Za-z]|\\[A-Za-z]+)(_\{?[A-Za-z0-9]+\}?)?\s*$")


def _group(text: str, start: int):
    """(the parts split at top-level commas, the index after the closing parenthesis) of the group opening
    at text[start] == '(' (a \\right) before it is dropped), or None."""
    depth, parts, last = 0, [], start + 1
    for k in range(start, len(text)):
        ch = text[k]
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
            if depth == 0:
                if ch != ")":
                    return None
                parts.append(text[last:k])
                parts[-1] = re.sub(r"\\right\s*$", "", parts[-1])
                return parts, k + 1
        elif ch == "," and depth == 1:
            parts.append(text[last:k])
            last = k + 1
    return None


def gradient_tuple(text: str) -> str | None:
    """The claim as one partial derivative per argument, separated by \\quad (each then checked on its own),
    or None when it is not \\nabla f(x_1, ..., x_n) = (g_1, ..., g_n) with n >= 2 plain arguments."""
    m = _HEAD.match(text)
    if not m:
        return None
    got = _group(text, m.end() - 1)
    if got is None:
        return None
    args, end = got
    rest = text[end:].strip()
    if not rest.startswith("=") or len(args) < 2 or not all(_SYMBOL.match(a) for a in args):
        return None
    rhs = rest[1:].strip()
    rhs = re.sub(r"^\\left\s*(?=\()", "", rhs)
    if not rhs.startswith("("):
        return None
    got = _group(rhs, 0)
    if got is None or rhs[got[1]:].strip(" .,") or len(got[0]) != len(args):
        return None
    call = f"{m.group(1)}({', '.join(a.strip() for a in args)})"
    return ", \\quad ".join(f"\\frac{{\\partial}}{{\\partial {a.strip()}}} {call} = {g.strip()}"
                            for a, g in zip(args, got[0]))
