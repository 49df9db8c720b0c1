"""The plain-text summary `nnderive derive` prints, through a StrPrinter subclass."""

from __future__ import annotations

import sympy as sp
from sympy.printing.str import StrPrinter

from ..engine import Derivation, equation_tags
from ..primitives import Primitive

TEXT_NAMES = {"Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "relu", "Step": "step",
              "LeakyReLU": "leaky_relu", "ELU": "elu", "NormalCDF": "Phi", "NormalPDF": "phi",
              "GELU": "gelu", "GELUTanh": "gelu_tanh", "Softplus": "softplus", "SiLU": "silu",
              "SoftmaxEntry": "softmax"}


class TextPrinter(StrPrinter):
    """Readable one-line matrix algebra: ⊙ for Hadamard products, ᵀ for transposes."""

    def _print_HadamardProduct(self, expr):
        return " ⊙ ".join(self.parenthesize(a, 60) for a in expr.args)

    def _print_HadamardPower(self, expr):
        return f"{self.parenthesize(expr.base, 60)}^{expr.exp}"

    def _print_Transpose(self, expr):
        return f"{self.parenthesize(expr.arg, 100)}ᵀ"

    def _print_MatAdd(self, expr):
        # positive terms first so 1 - A does not print as -A + 1
        terms = sorted(expr.args, key=lambda t: _is_negative(t))
        out = ""
        for t in terms:
            if _is_negative(t):
                out += " - " + self.parenthesize(-t, 40)
            else:
                out += (" + " if out else "") + self.parenthesize(t, 40)
        return out

    def _print_OneMatrix(self, expr):
        rows, cols = expr.shape
        # a square all-ones matrix broadcasts a per-sample sum: print it as the outer product
        return "1 1ᵀ" if rows == cols and rows != 1 else "1"

    def _print_Pow(self, expr, rational=False):
        if expr.exp == sp.S.Half:
            return f"√{self.parenthesize(expr.base, 1000)}"
        if expr.exp == -sp.S.Half:
            return f"1/√{self.parenthesize(expr.base, 1000)}"
        if expr.exp == -1:
            return f"1/{self.parenthesize(expr.base, 60)}"
        return f"{self.parenthesize(expr.base, 60)}^{self.parenthesize(expr.exp, 60)}"

    def _print_Piecewise(self, expr):
        parts = []
        for value, cond in expr.args:
            if cond == sp.true:
                parts.append(self._print(value))
            else:
                parts.append(f"{self._print(value)} if {self._print(cond)} else")
        return "(" + " ".join(parts) + ")"

    def _print_Sum(self, expr):
        body = self._print(expr.function)
        for var, lo, hi in reversed(expr.limits):
            body = f"Σ_{{{self._print(var)}={self._print(lo)}..{self._print(hi)}}} {body}"
        return body

    def _print_KroneckerDelta(self, expr):
        return f"[{self._print(expr.args[0])}={self._print(expr.args[1])}]"

    def _print_MatMul(self, expr):
        coeff, mats = expr.as_coeff_matrices()
        body = " ".join(self.parenthesize(m, 50) for m in mats)
        return body if coeff == 1 else f"{self._print(coeff)}·{body}"

    def _print_Elementwise(self, expr):
        lam = expr.lam
        sub = {v: sp.Symbol(self._print(m)) for v, m in zip(lam.variables, expr.mats)}
        return self._print(lam.expr.xreplace(sub))

    def _print_Softmax(self, expr):
        return f"softmax({self._print(expr.arg)})"

    def _print_Primitive(self, expr):
        name = TEXT_NAMES.get(type(expr).__name__, type(expr).__name__)
        args = expr.args[: len(expr.args) - expr.n_params] if expr.n_params else expr.args
        return f"{name}({', '.join(self._print(a) for a in args)})"

    def _print_Function(self, expr):
        if isinstance(expr, Primitive):
            return self._print_Primitive(expr)
        return super()._print_Function(expr)

    def _print_Indexed(self, expr):
        return f"{expr.base.label}[{','.join(self._print(i) for i in expr.indices)}]"


def _is_negative(t) -> bool:
    coeff = t.as_coeff_mmul()[0] if hasattr(t, "as_coeff_mmul") else 1
    return bool(getattr(coeff, "is_negative", False))


def _decimals(expr):
    """Rationals with terminating decimals (8943/200000) as decimals (0.044715), for reading."""
    def terminating(r):
        q = int(r.q)
        for f in (2, 5):
            while q % f == 0:
                q //= f
        return q == 1 and r.q > 2

    rationals = [r for r in expr.atoms(sp.Rational) if not r.is_Integer and terminating(r)]
    return expr.xreplace({r: sp.Float(format(sp.Float(r, 30), "f").rstrip("0")) for r in rationals})


def text(expr) -> str:
    return TextPrinter().doprint(_decimals(expr) if isinstance(expr, sp.Basic) else expr)


def summary_text(d: Derivation, elementwise: bool = False, seconds: float | None = None) -> str:
    spec = d.spec
    tags = equation_tags(d)
    lines = [f"network  {spec.name}  ({spec.source})"]
    if spec.description:
        lines.append(f"         {spec.description}")
    acts = ", ".join(a.name + (f"({', '.join(f'{k}={v:g}' for k, v in a.params)})" if a.params else "")
                     for a in spec.activations)
    lentry = spec.loss_entry
    names = {a.name for a in spec.activations}
    settings = [f"batch {spec.conventions.batch}"]
    if names & {"relu", "leaky_relu"}:
        settings.append(f"ReLU'(0) = {spec.conventions.relu_prime_at_zero:g}")
    if "gelu" in names:
        settings.append(f"GELU {spec.conventions.gelu}")
    lines += [
        f"layers   {'-'.join(map(str, spec.layers))}   activations: {acts}",
        f"loss     {spec.loss}: {lentry.summary}",
        f"layout   {d.layout} ({'one sample per column' if d.layout == 'column' else 'one sample per row'}),"
        f" {', '.join(settings)}",
        "",
        "parameters",
    ]
    total = 0
    for name, shape in spec.shapes().items():
        size = 1
        for s in shape:
            size *= s
        total += size
        lines.append(f"  {name:<6} {'x'.join(map(str, shape)):>12}")
    lines.append(f"  total  {total:>12,} scalars")
    lines += ["", "activation derivatives (article forms, a = f(z))"]
    for rule in sorted(d.rules, key=lambda r: r.layer):
        entry = spec.activation(rule.layer).entry
        form = text(rule.derivative) if rule.derivative is not None else "s_i (δ_ij - s_j)  (full Jacobian)"
        lines.append(f"  layer {rule.layer} {entry.name:<10} f'(z) = {form}   [{rule.kind}]")
    lines += ["", "forward pass"]
    for eq in d.forward:
        lines.append(f"  ({tags[eq.name]}) {text(eq.lhs)} = {text(eq.rhs)}")
    lines += ["", "loss", f"  ({tags['loss']}) {text(d.loss.lhs)} = {text(d.loss.rhs)}"]
    lines += ["", "error terms (backpropagation)"]
    for eq in d.backward:
        lines.append(f"  ({tags[eq.name]}) {text(eq.lhs)} = {text(eq.rhs)}")
    lines += ["", "gradients (matrix form)"]
    shapes = spec.shapes()
    for eq in d.gradients:
        p = eq.lhs.name.removeprefix("dL_d")
        lines.append(f"  ({tags[eq.name]}) {text(eq.lhs)} = {text(eq.rhs)}"
                     f"    [{'x'.join(map(str, shapes[p]))}]")
    if elementwise:
        lines += ["", "element-wise forms (unit index first in every layout: A1[j, n] is unit j of sample n)"]
        for eq in d.elementwise:
            lines.append(f"  ({tags.get(eq.name, '')}) {text(eq.lhs)} = {text(eq.rhs)}")
    lines.append("")
    if d.verification is not None:
        v = d.verification
        lines.append("verified: " + v.summary())
        for name, how in v.primitive_proofs:
            lines.append(f"  {name}: fdiff = d/dz of its closed form ({how})")
        lines.append(f"  proof time {v.seconds:.2f} s")
    else:
        lines.append("NOT verified")
    if seconds is not None:
        lines.append(f"derived and verified in {seconds:.2f} s")
    return "\n".join(lines)
