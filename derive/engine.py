"""The chain-rule engine: builds a network's backpropagation equations once, for symbolic widths.

``build(spec, layout)`` returns a frozen Derivation: the forward pass, the loss, the error terms
delta^l and every parameter gradient, in matrix form (what code and LaTeX use) and element-wise
form (one weight). Nothing here expands the scalar weights of the real network: the equations are
built over symbolic widths n_0..n_L and batch size N, so the cost depends only on depth. The
proof that they are right lives in ``derive.verify``; ``derive.pipeline.derive`` builds, proves and
never returns an unproven result.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.matrices.expressions import HadamardProduct, MatMul, MatrixSymbol, OneMatrix, Transpose

from .matrix import Softmax, lift
from .spec import NetworkSpec

# Scalar placeholders for "the output a", "the target y" and "the pre-activation z" of one unit.
A_, Y_, Z_ = sp.symbols("a y z", real=True)
# Element-wise indices: j (this layer), k (previous layer), i (next layer), n (sample).
J, K, I, NI = sp.symbols("j k i n", integer=True, positive=True)
BATCH = sp.Symbol("N", integer=True, positive=True)


@dataclass(frozen=True)
class Equation:
    """lhs = rhs, with a stable name (used for code comments and LaTeX labels)."""

    name: str
    lhs: sp.Basic
    rhs: sp.Basic
    note: str = ""


@dataclass(frozen=True)
class LayerRule:
    """How the error term of one layer is formed and the activation derivative it uses."""

    layer: int
    activation: str
    kind: str  # "output-elementwise", "output-simplified", "output-softmax", "output-softmax-fused",
    # "hidden-elementwise", "hidden-softmax"
    derivative: sp.Expr | None  # f'(z) in the article form (output a, pre-activation z); None: softmax
    output_delta: sp.Expr | None = None  # scalar delta^L in a, y, z (output layer, element-wise loss)


@dataclass(frozen=True)
class Derivation:
    """Every result of deriving one network, in both forms, plus how it was verified."""

    spec: NetworkSpec
    layout: str
    dims: tuple[sp.Symbol, ...]  # n_0 .. n_L
    batch: sp.Symbol
    reduction: sp.Expr  # 1 (sum over the batch) or 1/N (mean)
    symbols: dict  # name -> MatrixSymbol (W1, b1, Z1, A1, delta1, X, Y, dL_dW1, ...)
    forward: tuple[Equation, ...]
    loss: Equation
    backward: tuple[Equation, ...]
    gradients: tuple[Equation, ...]
    elementwise: tuple[Equation, ...]
    rules: tuple[LayerRule, ...]
    verification: object = None  # derive.verify.Verification, filled in by derive.pipeline.derive
    seconds: float = 0.0

    def widths(self) -> dict[sp.Symbol, int]:
        return {d: w for d, w in zip(self.dims, self.spec.layers)}

    def equation(self, name: str) -> Equation:
        for eq in self.forward + (self.loss,) + self.backward + self.gradients + self.elementwise:
            if eq.name == name:
                return eq
        raise KeyError(name)


# ---------------------------------------------------------------------------------------------


def _simplest(*candidates: sp.Expr) -> sp.Expr:
    return min(candidates, key=lambda e: (sp.count_ops(e), len(str(e))))


def derivative_form(spec: NetworkSpec, layer: int) -> sp.Expr:
    """f'(z) in the articles' form: in terms of the output a where f(z) appears (sigma' = a(1-a))."""
    fz = spec.activation(layer).apply(Z_)
    d = sp.diff(fz, Z_)
    if spec.activation(layer).entry.func is None:
        return d
    return d.xreplace({fz: A_})


def output_delta_scalar(spec: NetworkSpec) -> tuple[sp.Expr, str]:
    """delta^L = d(loss term)/da * f'(z) for one output unit, simplified; in a, y, z."""
    L = spec.depth
    term = spec.loss_entry.term
    g = sp.diff(term(A_, Y_), A_)
    fz = spec.activation(L).apply(Z_)
    raw = g.xreplace({A_: fz}) * sp.diff(fz, Z_)
    best = _simplest(raw, sp.cancel(raw), sp.factor(raw))
    back = {fz: A_} if spec.activation(L).entry.func is not None else {Z_: A_}
    delta = best.xreplace(back)
    fprime = derivative_form(spec, L)
    product = (g * fprime).xreplace(back)
    # "simplified" when the fused form is shorter than the unsimplified product g * f'
    unfused_ops = sp.count_ops(g) + sp.count_ops(fprime) + 1
    kind = "output-simplified" if fprime != 1 and sp.count_ops(delta) < unfused_ops else "output-elementwise"
    if kind == "output-elementwise" and sp.count_ops(product) <= sp.count_ops(delta):
        delta = product
    return delta, kind


def softmax_output_delta(spec: NetworkSpec) -> tuple[sp.Expr, sp.Expr | None]:
    """For softmax outputs: h = s * dl/ds per unit, and the constant c = sum_i h_i if it is one.

    delta^L_j = h_j - s_j * sum_i h_i. When h = c*y and the targets sum to 1 (one-hot or class
    index), the sum is the constant c, which gives the fused form (for cce: s - y).
    """
    term = spec.loss_entry.term
    g = sp.diff(term(A_, Y_), A_)
    h = sp.cancel(A_ * g)
    lentry = spec.loss_entry
    if lentry.targets in ("onehot", "index") and not h.has(A_):
        c = sp.cancel(h / Y_)
        if not c.has(Y_):
            return h, c
    return h, None


def build(spec: NetworkSpec, layout: str) -> Derivation:
    """Assemble the equations (no verification)."""
    if layout not in ("column", "row"):
        raise ValueError(f"unknown layout {layout!r}")
    L = spec.depth
    dims = tuple(sp.Symbol(f"n_{l}", integer=True, positive=True) for l in range(L + 1))
    N = BATCH
    col = layout == "column"
    r = sp.Integer(1) if spec.conventions.batch == "sum" else 1 / N

    def act_shape(l):
        return (dims[l], N) if col else (N, dims[l])

    sym: dict[str, sp.Basic] = {}
    sym["X"] = MatrixSymbol("X", *act_shape(0))
    sym["Y"] = MatrixSymbol("Y", *act_shape(L))
    sym["A0"] = sym["X"]
    for l in range(1, L + 1):
        sym[f"W{l}"] = MatrixSymbol(f"W{l}", dims[l], dims[l - 1])
        sym[f"b{l}"] = MatrixSymbol(f"b{l}", dims[l], 1)
        sym[f"Z{l}"] = MatrixSymbol(f"Z{l}", *act_shape(l))
        sym[f"A{l}"] = MatrixSymbol(f"A{l}", *act_shape(l))
        sym[f"delta{l}"] = MatrixSymbol(f"delta{l}", *act_shape(l))
        sym[f"dL_dW{l}"] = MatrixSymbol(f"dL_dW{l}", dims[l], dims[l - 1])
        sym[f"dL_db{l}"] = MatrixSymbol(f"dL_db{l}", dims[l], 1)
    ones_n = OneMatrix(N, 1)

    forward = []
    for l in range(1, L + 1):
        W, b, Aprev = sym[f"W{l}"], sym[f"b{l}"], sym[f"A{l - 1}"]
        if col:
            z_rhs = MatMul(W, Aprev) + MatMul(b, Transpose(ones_n))
        else:
            z_rhs = MatMul(Aprev, Transpose(W)) + MatMul(ones_n, Transpose(b))
        forward.append(Equation(f"forward_z{l}", sym[f"Z{l}"], z_rhs, "pre-activation"))
        if spec.activation(l).entry.vector_valued:
            a_rhs = Softmax(sym[f"Z{l}"], 0 if col else 1)
        else:
            a_rhs = lift(spec.activation(l).apply(Z_), {Z_: sym[f"Z{l}"]})
        forward.append(Equation(f"forward_a{l}", sym[f"A{l}"], a_rhs, "activation"))

    rules: list[LayerRule] = []
    backward = []
    bind_out = {A_: sym[f"A{L}"], Y_: sym["Y"], Z_: sym[f"Z{L}"]}
    out_entry = spec.activation(L).entry
    if out_entry.vector_valued:
        h, c = softmax_output_delta(spec)
        S = sym[f"A{L}"]
        if c is not None:
            delta_out = lift(h - c * A_, bind_out)
            rules.append(LayerRule(L, out_entry.name, "output-softmax-fused", None, h - c * A_))
        else:
            H = lift(h, bind_out)
            delta_out = H - HadamardProduct(S, _colsum(H, dims[L], N, col))
            rules.append(LayerRule(L, out_entry.name, "output-softmax", None, None))
    else:
        dscalar, kind = output_delta_scalar(spec)
        delta_out = lift(dscalar, bind_out)
        rules.append(LayerRule(L, out_entry.name, kind, derivative_form(spec, L), dscalar))
    backward.append(Equation(f"delta{L}", sym[f"delta{L}"], delta_out, "output error term"))

    for l in range(L - 1, 0, -1):
        Wn, dn = sym[f"W{l + 1}"], sym[f"delta{l + 1}"]
        P = MatMul(Transpose(Wn), dn) if col else MatMul(dn, Wn)
        entry = spec.activation(l).entry
        if entry.vector_valued:
            S = sym[f"A{l}"]
            SP = HadamardProduct(S, P)
            rhs = SP - HadamardProduct(S, _colsum(SP, dims[l], N, col))
            rules.append(LayerRule(l, entry.name, "hidden-softmax", None))
        else:
            fprime = derivative_form(spec, l)
            rhs = HadamardProduct(P, lift(fprime, {A_: sym[f"A{l}"], Z_: sym[f"Z{l}"]})) \
                if fprime != 1 else P
            rules.append(LayerRule(l, entry.name, "hidden-elementwise", fprime))
        backward.append(Equation(f"delta{l}", sym[f"delta{l}"], rhs, "error term (backpropagated)"))

    gradients = []
    for l in range(L, 0, -1):
        D, Aprev = sym[f"delta{l}"], sym[f"A{l - 1}"]
        gw = MatMul(D, Transpose(Aprev)) if col else MatMul(Transpose(D), Aprev)
        gb = MatMul(D, ones_n) if col else MatMul(Transpose(D), ones_n)
        if r != 1:
            gw, gb = r * gw, r * gb
        gradients.append(Equation(f"grad_W{l}", sym[f"dL_dW{l}"], gw, "weight gradient"))
        gradients.append(Equation(f"grad_b{l}", sym[f"dL_db{l}"], gb, "bias gradient"))

    loss_eq = _loss_equation(spec, dims, N, r)
    elem = _elementwise(spec, dims, N, r, rules)
    return Derivation(spec=spec, layout=layout, dims=dims, batch=N, reduction=r, symbols=sym,
                      forward=tuple(forward), loss=loss_eq, backward=tuple(backward),
                      gradients=tuple(gradients), elementwise=tuple(elem), rules=tuple(rules))


def _colsum(M, n, N, col):
    """Broadcast each sample's sum over units: 1 1^T M (column layout) or M 1 1^T (row layout)."""
    return MatMul(OneMatrix(n, n), M) if col else MatMul(M, OneMatrix(n, n))


# ---------------------------------------------------------------------------------------------
# Element-wise (one weight) forms, over Indexed symbols with 1-based indices


def indexed(name: str) -> sp.IndexedBase:
    return sp.IndexedBase(name, real=True)


def _loss_equation(spec: NetworkSpec, dims, N, r) -> Equation:
    L = spec.depth
    term = spec.loss_entry.term
    a, y = indexed(f"A{L}")[I, NI], indexed("Y")[I, NI]
    body = sp.Sum(term.explicit(a, y), (I, 1, dims[L]), (NI, 1, N))
    return Equation("loss", sp.Symbol("L"), r * body, spec.loss_entry.summary)


def _elementwise(spec: NetworkSpec, dims, N, r, rules) -> list[Equation]:
    """Forward, error terms and gradients for single units (indices j, k, i, n)."""
    L = spec.depth
    out: list[Equation] = []
    for l in range(1, L + 1):
        W, b = indexed(f"W{l}"), indexed(f"b{l}")
        aprev = indexed(f"A{l - 1}" if l > 1 else "X")
        z = sp.Sum(W[J, K] * aprev[K, NI], (K, 1, dims[l - 1])) + b[J]
        out.append(Equation(f"elem_z{l}", indexed(f"Z{l}")[J, NI], z, "pre-activation of unit j"))
        if spec.activation(l).entry.vector_valued:
            zs = indexed(f"Z{l}")
            a = sp.exp(zs[J, NI]) / sp.Sum(sp.exp(zs[K, NI]), (K, 1, dims[l]))
        else:
            a = spec.activation(l).apply(indexed(f"Z{l}")[J, NI])
        out.append(Equation(f"elem_a{l}", indexed(f"A{l}")[J, NI], a, "activation of unit j"))
    rule_by_layer = {rr.layer: rr for rr in rules}
    for l in range(L, 0, -1):
        rr = rule_by_layer[l]
        aj, zj = indexed(f"A{l}")[J, NI], indexed(f"Z{l}")[J, NI]
        if l == L:
            yj = indexed("Y")[J, NI]
            if rr.output_delta is not None:
                rhs = rr.output_delta.xreplace({A_: aj, Y_: yj, Z_: zj})
            else:
                h, _ = softmax_output_delta(spec)
                hj = h.xreplace({A_: aj, Y_: yj})
                hi = h.xreplace({A_: indexed(f"A{l}")[I, NI], Y_: indexed("Y")[I, NI]})
                rhs = hj - aj * sp.Sum(hi, (I, 1, dims[l]))
        else:
            back = sp.Sum(indexed(f"W{l + 1}")[I, J] * indexed(f"delta{l + 1}")[I, NI], (I, 1, dims[l + 1]))
            if rr.kind == "hidden-softmax":
                backk = back.xreplace({J: K})
                ak = indexed(f"A{l}")[K, NI]
                rhs = sp.Sum(backk * ak * (sp.KroneckerDelta(J, K) - aj), (K, 1, dims[l]))
            else:
                rhs = back * rr.derivative.xreplace({A_: aj, Z_: zj})
        out.append(Equation(f"elem_delta{l}", indexed(f"delta{l}")[J, NI], rhs, "error term of unit j"))
    for l in range(L, 0, -1):
        d = indexed(f"delta{l}")
        aprev = indexed(f"A{l - 1}" if l > 1 else "X")
        out.append(Equation(f"elem_grad_W{l}", sp.Symbol(f"dL_dW{l}_jk"),
                            r * sp.Sum(d[J, NI] * aprev[K, NI], (NI, 1, N)), "gradient of one weight"))
        out.append(Equation(f"elem_grad_b{l}", sp.Symbol(f"dL_db{l}_j"),
                            r * sp.Sum(d[J, NI], (NI, 1, N)), "gradient of one bias"))
    return out


def equation_tags(d: Derivation) -> dict[str, str]:
    """Equation numbers shared by the LaTeX document and the generated code's comments.

    Matrix-form equations are numbered 1, 2, ... in the order forward pass, loss, error terms,
    gradients, then "update" (the update rule of derive.procedure, one number for every
    parameter); the element-wise form of an equation carries the same number with an "a"
    (elem_grad_W2 of grad_W2 = (9) is (9a)).
    """
    tags: dict[str, str] = {}
    for i, eq in enumerate(d.forward + (d.loss,) + d.backward + d.gradients, start=1):
        tags[eq.name] = str(i)
    # the gradient-descent update that uses the gradients (derive.procedure's rule) comes next
    tags["update"] = str(len(tags) + 1)
    for eq in d.elementwise:
        base = eq.name.removeprefix("elem_")
        base = {"z": "forward_z", "a": "forward_a"}.get(base.rstrip("0123456789"), base.rstrip("0123456789")) \
            + base[len(base.rstrip("0123456789")):]
        if base in tags:
            tags[eq.name] = tags[base] + "a"
    return tags
