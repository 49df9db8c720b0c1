"""One witness network's shared parts: parameters, forward passes and error terms, built once per spec, widths and batch.

A claim is read on many contexts of one witness (every value of its free indices, both readings
of a square, every rewrite the slip search tries); they share the witness's parameter symbols, its
forward pass and its error terms. The error terms come from one reverse sweep (``pointdiff``) over
the network written as a chain of layer equations.
"""

from __future__ import annotations

import sympy as sp

from ..primitives import SoftmaxEntry
from .compare import NotCheckable
from .pointdiff import BoundSymbol, NotSweepable, Sweep, derivative_matrix
from .syntax import ShapeMismatch
from .values import fmt_shape, is_mat, norm

_SHARED: dict = {}     # (context class, spec, widths, batch) -> (spec, forward passes, error terms, common)


def affine(W, A, b):
    """W A + b (b added to every column), entry by entry: SymPy's matrix product converts every
    entry to its domain and back, several times slower on symbolic entries."""
    rows, inner, cols = W.shape[0], W.shape[1], A.shape[1]
    return sp.Matrix(rows, cols, lambda j, n: sp.Add(*[W[j, k] * A[k, n] for k in range(inner)], b[j, 0]))


def shared_parts(ctx):
    """(forward passes, error terms, common parts) shared by the contexts of ctx's witness, or None
    when ctx's loss is its own (``ctx._share_key()`` is None)."""
    key = ctx._share_key()
    if key is None:
        return None
    hit = _SHARED.get(key)
    if hit is None or hit[0] is not ctx.spec_source:
        if len(_SHARED) > 64:
            _SHARED.clear()
        hit = _SHARED[key] = (ctx.spec_source, {}, {}, {})
    return hit[1], hit[2], hit[3]


def error_terms(ctx):
    """{l: d(sum of the losses)/dz^{l}} for every layer, or None: the network as one graph in which each
    pre-activation is a symbol defined by its layer's equation in the symbols of the layer below
    (z^{l} = W^{l} f(z^{l-1}) + b^{l}) and bound to its value at the point; one reverse sweep of the
    summed loss over that graph gives every error term, with nothing rebuilt per layer."""
    Z0, _ = ctx.forward()
    lets, bindings, zeta = {}, [], {}
    prev = ctx.X
    for l in range(1, ctx.depth_L + 1):
        zl = affine(ctx.W[l], prev, ctx.b[l])
        sym = sp.Matrix(zl.shape[0], zl.shape[1],
                        lambda i, n, l=l: BoundSymbol(f"z{l}_{i}_{n}", Z0[l][i, n], real=True))
        for fresh, definition, actual in zip(sym, zl, Z0[l]):
            lets[fresh] = definition
            bindings.append((fresh, actual))
        f = ctx.act_fn(l)
        prev = f(sym) if getattr(f, "vector_aware", False) else sym.applyfunc(f)
        zeta[l] = sym
    wrt = [x for l in sorted(zeta) for x in zeta[l]]
    try:
        entries = iter(Sweep(ctx._loss_of(prev, reduced=False), wrt, bindings, lets).entries())
    except NotSweepable:
        return None
    return {l: sp.Matrix(zeta[l].shape[0], zeta[l].shape[1], [next(entries) for _ in zeta[l]]) for l in sorted(zeta)}


def activation_fn(ctx, l: int):
    """Layer l's activation on values (softmax on whole columns)."""
    entry = ctx.spec.activation(l).entry
    if entry.vector_valued:
        def soft(v):
            if not is_mat(v):
                raise ShapeMismatch("softmax needs a vector")
            cols = [sp.Matrix([SoftmaxEntry(k, *list(v[:, n])) for k in range(v.shape[0])])
                    for n in range(v.shape[1])]
            return sp.Matrix.hstack(*cols)
        soft.vector_aware = True
        return soft
    act = ctx.spec.activation(l)
    return lambda z: act.apply(z)


def forward(ctx):
    """Z, A (dicts by layer) under the current cut (a quantity replaced by fresh symbols)."""
    key = ctx.cut
    if key in ctx._forward_cache:
        return ctx._forward_cache[key]
    Z, A = {}, {0: ctx.X}
    if key == ("act", 0):
        A[0] = ctx.cut_syms[key]
    for l in range(1, ctx.depth_L + 1):
        z = affine(ctx.W[l], A[l - 1], ctx.b[l])
        if key == ("preact", l):
            z = ctx.cut_syms[key]
        Z[l] = z
        f = ctx.act_fn(l)
        a = f(z) if getattr(f, "vector_aware", False) else z.applyfunc(f)
        if key == ("act", l):
            a = ctx.cut_syms[key]
        A[l] = a
    ctx._forward_cache[key] = (Z, A)
    return Z, A


def differentiate(ctx, body, var, elementwise=False, bindings=()):
    """d body / d var as explicit entries: by sweeps at the sample points, else SymPy's derivative."""
    body, var = norm(body), norm(var)
    if ctx.point_derivatives:
        fast = derivative_matrix(body, var, bindings, elementwise)
        if fast is not None:
            return fast
    if not is_mat(var):
        return body.applyfunc(lambda e: sp.diff(e, var)) if is_mat(body) else sp.diff(body, var)
    if not is_mat(body):
        return var.applyfunc(lambda s: sp.diff(body, s))
    if elementwise and body.shape == var.shape:
        return sp.Matrix(body.shape[0], body.shape[1], lambda i, j: sp.diff(body[i, j], var[i, j]))
    if body.shape[1] == 1 and var.shape[1] == 1:
        return sp.Matrix(body.shape[0], var.shape[0], lambda i, j: sp.diff(body[i], var[j]))
    raise NotCheckable(f"the derivative of a {fmt_shape(body)} matrix by a {fmt_shape(var)} matrix is"
                       " a higher-order tensor; write the chain rule with the error terms instead")
