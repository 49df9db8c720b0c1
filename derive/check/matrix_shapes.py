"""Shapes of a matrix claim's parts: dimensions as unknowns unified from products, sums and transposes.

A shape is ``None`` (a scalar) or a pair of dimensions; a dimension is the integer 1 (the column of a
column vector, or what a product forces) or an unknown, named in messages in order of first appearance
(m, n, p, ...). Unknowns are never set to 1: a claim that only typechecks when a matrix dimension is 1
(an outer product compared with a number) is a shape failure, reported in words.
"""

from __future__ import annotations

LETTERS = "mnpqrstuvwk"


class ShapeError(Exception):
    """The claim's parts cannot have consistent shapes; the message says why in words."""


class Dims:
    """Union-find over dimension unknowns (ints >= 2 are never used here: 1 is the only constant)."""

    def __init__(self):
        self.parent: dict[int, int] = {}
        self.free: set[int] = set()        # unknowns an identity or ones vector introduced (any size fits)
        self.order: list[int] = []         # unknowns in order of first appearance, for names

    def new(self, free: bool = False) -> int:
        d = -(len(self.parent) + 1)        # negative ids: never confused with the constant 1
        self.parent[d] = d
        self.order.append(d)
        if free:
            self.free.add(d)
        return d

    def find(self, d):
        if d == 1:
            return 1
        while self.parent[d] != d:
            self.parent[d] = self.parent[self.parent[d]]
            d = self.parent[d]
        return d

    def unify(self, a, b) -> bool:
        """Make two dimensions equal; False when that would set an unknown to 1."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return True
        if a == 1 or b == 1:
            return False
        if a in self.free:
            a, b = b, a
        self.parent[b] = a
        if b not in self.free:
            self.free.discard(a)
        return True

    def merges_symbols(self, a, b) -> bool:
        """Whether making a and b equal would identify two sizes the claim's symbols leave independent
        (an identity's or a ones vector's size takes whatever it meets, so it does not count)."""
        a, b = self.find(a), self.find(b)
        return a != b and a != 1 and b != 1 and a not in self.free and b not in self.free

    def roots(self) -> list[int]:
        seen: list[int] = []
        for d in self.order:
            r = self.find(d)
            if r != 1 and r not in seen:
                seen.append(r)
        return seen

    def snapshot(self) -> dict:
        return dict(self.parent), set(self.free)

    def restore(self, snap) -> None:
        self.parent, self.free = dict(snap[0]), set(snap[1])


def is_scalar(shape) -> bool:
    """A scalar, or a 1 x 1 result (x^T y): both multiply anything."""
    return shape is None or (shape[0] == 1 and shape[1] == 1)


class Namer:
    """Letters (m, n, p...) or sizes for dimension roots, for messages."""

    def __init__(self, dims: Dims, sizes: dict | None = None):
        self.dims = dims
        self.sizes = sizes
        self.names = {r: LETTERS[i % len(LETTERS)] + ("" if i < len(LETTERS) else str(i // len(LETTERS)))
                      for i, r in enumerate(dims.roots())}

    def dim(self, d) -> str:
        r = self.dims.find(d)
        if r == 1:
            return "1"
        if self.sizes is not None and r in self.sizes:
            return str(self.sizes[r])
        return self.names.get(r, "?")

    def shape(self, shape) -> str:
        if shape is None:
            return "a scalar"
        return f"{self.dim(shape[0])}×{self.dim(shape[1])}"
