"""Every activation and loss, each defined once: value, derivative (fdiff), LaTeX and numpy spellings.

An activation is a SymPy Function subclass whose ``fdiff`` is the only derivative nnderive ever
uses; ``explicit`` gives the closed-form definition that proofs and numeric checks compare
against. The registries ACTIVATIONS and LOSSES map spec names to entries; an unknown name raises
a KeyError naming it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp
from sympy import Rational, S

# ---------------------------------------------------------------------------------------------
# Scalar functions


class Primitive(sp.Function):
    """Base class of nnderive's named scalar functions (printed through latex_name/numpy_name)."""

    latex_name: str = ""
    numpy_name: str = ""
    n_params = 0  # trailing arguments that are parameters, not inputs

    @classmethod
    def explicit(cls, *args):  # pragma: no cover - abstract
        raise NotImplementedError

    def as_explicit(self):
        return type(self).explicit(*self.args)


class Sigmoid(Primitive):
    """The logistic sigmoid 1/(1+e^{-z})."""

    nargs = 1
    latex_name = r"\sigma"
    numpy_name = "sigmoid"

    def fdiff(self, argindex=1):
        return Sigmoid(self.args[0]) * (1 - Sigmoid(self.args[0]))

    @classmethod
    def explicit(cls, z):
        return 1 / (1 + sp.exp(-z))


class Tanh(Primitive):
    """The hyperbolic tangent."""

    nargs = 1
    latex_name = r"\tanh"
    numpy_name = "np.tanh"

    def fdiff(self, argindex=1):
        return 1 - Tanh(self.args[0]) ** 2

    @classmethod
    def explicit(cls, z):
        return sp.tanh(z)


class Step(Primitive):
    """Heaviside step H(z) with a chosen value at 0 (the ReLU'(0) convention)."""

    nargs = 2
    latex_name = r"H"
    numpy_name = "step"
    n_params = 1

    @classmethod
    def eval(cls, z, h0):
        if z.is_Number:
            return S.One if z > 0 else (S.Zero if z < 0 else h0)
        return None

    def fdiff(self, argindex=1):
        return S.Zero  # almost everywhere; never needed for first derivatives of networks

    @classmethod
    def explicit(cls, z, h0):
        return sp.Piecewise((S.One, z > 0), (h0, sp.Eq(z, 0)), (S.Zero, True))


class ReLU(Primitive):
    """max(0, z); its derivative is a step whose value at 0 is a convention (default 0)."""

    nargs = 2
    latex_name = r"\operatorname{ReLU}"
    numpy_name = "relu"
    n_params = 1

    @classmethod
    def eval(cls, z, h0):
        if z.is_Number:
            return z if z > 0 else S.Zero
        return None

    def fdiff(self, argindex=1):
        return Step(*self.args)

    @classmethod
    def explicit(cls, z, h0):
        return sp.Piecewise((z, z > 0), (S.Zero, True))


class LeakyReLU(Primitive):
    """z for z > 0, slope*z otherwise."""

    nargs = 3
    latex_name = r"\operatorname{LReLU}"
    numpy_name = "leaky_relu"
    n_params = 2

    @classmethod
    def eval(cls, z, slope, h0):
        if z.is_Number:
            return z if z > 0 else slope * z
        return None

    def fdiff(self, argindex=1):
        z, slope, h0 = self.args
        return slope + (1 - slope) * Step(z, h0)

    @classmethod
    def explicit(cls, z, slope, h0):
        return sp.Piecewise((z, z > 0), (slope * z, True))


class ELU(Primitive):
    """z for z > 0, alpha*(e^z - 1) otherwise."""

    nargs = 2
    latex_name = r"\operatorname{ELU}"
    numpy_name = "elu"
    n_params = 1

    def fdiff(self, argindex=1):
        z, alpha = self.args
        # the derivative in terms of the output, as for sigmoid: ELU' = ELU + alpha for z <= 0
        return sp.Piecewise((S.One, z > 0), (ELU(z, alpha) + alpha, True))

    @classmethod
    def explicit(cls, z, alpha):
        return sp.Piecewise((z, z > 0), (alpha * (sp.exp(z) - 1), True))


class NormalCDF(Primitive):
    """Phi, the standard normal cumulative distribution function."""

    nargs = 1
    latex_name = r"\Phi"
    numpy_name = "normal_cdf"

    def fdiff(self, argindex=1):
        return NormalPDF(self.args[0])

    @classmethod
    def explicit(cls, z):
        return (1 + sp.erf(z / sp.sqrt(2))) / 2


class NormalPDF(Primitive):
    """phi, the standard normal density."""

    nargs = 1
    latex_name = r"\phi"
    numpy_name = "normal_pdf"

    def fdiff(self, argindex=1):
        return -self.args[0] * NormalPDF(self.args[0])

    @classmethod
    def explicit(cls, z):
        return sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)


class GELU(Primitive):
    """Exact GELU, z * Phi(z)."""

    nargs = 1
    latex_name = r"\operatorname{GELU}"
    numpy_name = "gelu"

    def fdiff(self, argindex=1):
        z = self.args[0]
        return NormalCDF(z) + z * NormalPDF(z)

    @classmethod
    def explicit(cls, z):
        return z * NormalCDF.explicit(z)


GELU_TANH_C = Rational(44715, 1000000)


class GELUTanh(Primitive):
    """The tanh approximation of GELU: z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))."""

    nargs = 1
    latex_name = r"\operatorname{GELU}_{\tanh}"
    numpy_name = "gelu_tanh"

    def fdiff(self, argindex=1):
        z = self.args[0]
        k = sp.sqrt(2 / sp.pi)
        t = Tanh(k * (z + GELU_TANH_C * z**3))
        return (1 + t) / 2 + z * (1 - t**2) * k * (1 + 3 * GELU_TANH_C * z**2) / 2

    @classmethod
    def explicit(cls, z):
        return z / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (z + GELU_TANH_C * z**3)))


class Softplus(Primitive):
    """log(1 + e^z); its derivative is the sigmoid."""

    nargs = 1
    latex_name = r"\operatorname{softplus}"
    numpy_name = "softplus"

    def fdiff(self, argindex=1):
        return Sigmoid(self.args[0])

    @classmethod
    def explicit(cls, z):
        return sp.log(1 + sp.exp(z))


class SiLU(Primitive):
    """z * sigmoid(z) (also called swish)."""

    nargs = 1
    latex_name = r"\operatorname{SiLU}"
    numpy_name = "silu"

    def fdiff(self, argindex=1):
        z = self.args[0]
        return Sigmoid(z) * (1 + z * (1 - Sigmoid(z)))

    @classmethod
    def explicit(cls, z):
        return z * Sigmoid.explicit(z)


class SoftmaxEntry(Primitive):
    """Entry k of softmax(z_0..z_{n-1}): args are (k, z_0, ..., z_{n-1}); its Jacobian is full."""

    latex_name = r"\operatorname{softmax}"
    numpy_name = "softmax"

    def fdiff(self, argindex=1):
        if argindex == 1:
            raise sp.ArgumentIndexError(self, argindex)
        k = int(self.args[0])
        j = argindex - 2
        zs = self.args[1:]
        sk = self
        sj = SoftmaxEntry(j, *zs)
        return sk * ((1 if j == k else 0) - sj)

    @classmethod
    def explicit(cls, k, *zs):
        return sp.exp(zs[int(k)]) / sp.Add(*[sp.exp(z) for z in zs])


def softmax_vector(zs) -> list:
    """The softmax of a list of scalar expressions, as SoftmaxEntry objects."""
    return [SoftmaxEntry(k, *zs) for k in range(len(zs))]


# ---------------------------------------------------------------------------------------------
# Activation registry


@dataclass(frozen=True)
class InitScheme:
    """How generated code draws a layer's initial weights: every entry independently from
    N(0, variance(n_in, n_out)), n_in and n_out the widths of the layers the weights connect."""

    name: str
    title: str
    paper: str  # the source's key in derive.present.sources
    variance_latex: str  # the variance, with {n_in} and {n_out} standing for the widths' LaTeX
    reason: str  # why an activation of this family gets this variance

    def variance(self, n_in: int, n_out: int) -> float:
        return 2.0 / n_in if self.name == "he" else 2.0 / (n_in + n_out)

    def comment(self, n_in: int, n_out: int) -> str:
        """The generated code's comment on the standard deviation."""
        if self.name == "he":
            return f"He: sqrt(2 / {n_in})"
        return f"Glorot: sqrt(2 / ({n_in} + {n_out}))"


GLOROT = InitScheme(
    "glorot", "Glorot (Xavier) normal", "glorot", r"\frac{{2}}{{{n_in} + {n_out}}}",
    "the variance balances the widths on both sides of the weights, so that for an activation that is about "
    "linear around 0 the forward signal and the backpropagated gradient keep about the same variance from "
    "layer to layer; it is the customary choice for the identity, sigmoid, tanh and softmax")
HE = InitScheme(
    "he", "He (Kaiming) normal", "he", r"\frac{{2}}{{{n_in}}}",
    "ReLU sets the negative half of its input to 0 and so passes on only half of its second moment, which "
    "the doubled variance makes up for; leaky ReLU, ELU, GELU, softplus and SiLU, which behave like ReLU "
    "away from 0, get the same")
INIT_SCHEMES: dict[str, InitScheme] = {GLOROT.name: GLOROT, HE.name: HE}


@dataclass(frozen=True)
class ActivationEntry:
    """One activation: the SymPy function, its parameters and everything printers need."""

    name: str
    title: str
    func: type[Primitive] | None  # None for the identity
    params: dict[str, float] = field(default_factory=dict)  # user-visible parameters and defaults
    vector_valued: bool = False
    output_in_unit_interval: bool = False
    init: InitScheme = GLOROT  # GLOROT (sigmoid/tanh family) or HE (relu family)
    derivative_note: str = ""  # the form in which the articles write the derivative
    # (inf f, sup f) over the reals for the given parameters: the targets an output layer can
    # approach (tests/test_targets.py checks every bound against the closed form)
    bounds: Callable[[dict[str, float]], tuple[float, float]] = field(
        default=lambda p: (-math.inf, math.inf), compare=False, repr=False)

    def output_range(self, params: dict[str, float] | None = None) -> tuple[float, float]:
        """(lowest, highest) value f approaches over the reals (a bound may be infinite)."""
        p = dict(self.params)
        p.update(params or {})
        return self.bounds(p)

    def apply(self, z, params: dict[str, float] | None = None, relu_prime_at_zero=0):
        """f(z) for a scalar SymPy expression z (not for vector-valued activations)."""
        if self.func is None:
            return z
        if self.func not in (ReLU, LeakyReLU, ELU):
            return self.func(z)
        p = dict(self.params)
        p.update(params or {})
        if self.func is ReLU:
            return ReLU(z, _exact(relu_prime_at_zero))
        if self.func is LeakyReLU:
            return LeakyReLU(z, _exact(p["slope"]), _exact(relu_prime_at_zero))
        return ELU(z, _exact(p["alpha"]))


@functools.lru_cache(maxsize=256)
def _exact(v):
    """A parameter (0.5, 0.01) as the exact number it stands for; cached: nsimplify is slow, and every
    unit of a network applies its activation (a fifth of a deep network claim's time)."""
    return sp.nsimplify(v)


# The minima of z Phi(z), its tanh approximation and z sigma(z) (at z = -0.7518, -0.7525, -1.2785),
# rounded down in the 6th decimal so that the attained minimum itself lies inside the range.
GELU_MIN = -0.169972
GELU_TANH_MIN = -0.170041
SILU_MIN = -0.278465

ACTIVATIONS: dict[str, ActivationEntry] = {
    e.name: e
    for e in [
        ActivationEntry("linear", "identity (purelin)", None, derivative_note="f'(z) = 1"),
        ActivationEntry("sigmoid", "logistic sigmoid", Sigmoid, output_in_unit_interval=True,
                        derivative_note=r"\sigma'(z) = \sigma(z)(1-\sigma(z))", bounds=lambda p: (0.0, 1.0)),
        ActivationEntry("tanh", "hyperbolic tangent", Tanh,
                        derivative_note=r"\tanh'(z) = 1-\tanh^{2}(z)", bounds=lambda p: (-1.0, 1.0)),
        ActivationEntry("relu", "rectified linear unit", ReLU, init=HE,
                        derivative_note=r"\operatorname{ReLU}'(z) = H(z)", bounds=lambda p: (0.0, math.inf)),
        ActivationEntry("leaky_relu", "leaky ReLU", LeakyReLU, params={"slope": 0.01}, init=HE,
                        bounds=lambda p: (-math.inf if p["slope"] > 0 else 0.0, math.inf)),
        ActivationEntry("elu", "exponential linear unit", ELU, params={"alpha": 1.0}, init=HE,
                        bounds=lambda p: (min(-p["alpha"], 0.0), math.inf)),
        ActivationEntry("gelu", "GELU (exact, z Phi(z))", GELU, init=HE,
                        derivative_note=r"\operatorname{GELU}'(z) = \Phi(z) + z\phi(z)",
                        bounds=lambda p: (GELU_MIN, math.inf)),
        ActivationEntry("gelu_tanh", "GELU (tanh approximation)", GELUTanh, init=HE,
                        bounds=lambda p: (GELU_TANH_MIN, math.inf)),
        ActivationEntry("softplus", "softplus", Softplus, init=HE,
                        derivative_note=r"\operatorname{softplus}'(z) = \sigma(z)",
                        bounds=lambda p: (0.0, math.inf)),
        ActivationEntry("silu", "SiLU / swish", SiLU, init=HE, bounds=lambda p: (SILU_MIN, math.inf)),
        ActivationEntry("softmax", "softmax", SoftmaxEntry, vector_valued=True,
                        output_in_unit_interval=True,
                        derivative_note=r"\partial s_i/\partial z_j = s_i(\delta_{ij} - s_j)",
                        bounds=lambda p: (0.0, 1.0)),
    ]
}

REFUSED_ACTIVATIONS: dict[str, str] = {
    name: ("it is not differentiable at 0 and its derivative is 0 everywhere else, so gradient"
           " descent receives no gradient through it (article 004)")
    for name in ("sign", "binary_step", "step", "heaviside")
}


def activation_entry(name: str) -> ActivationEntry:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise KeyError(f"unknown activation '{name}'") from None


# ---------------------------------------------------------------------------------------------
# Losses: L = reduce_over_batch( scale * sum_i term(a_i, y_i) )


class LossTerm(Primitive):
    """A per-output loss term l(a, y); fdiff(1) is dl/da, the only loss derivative used."""

    nargs = 2


class SquaredError(LossTerm):
    """(a - y)^2."""

    latex_name = "SE"

    def fdiff(self, argindex=1):
        a, y = self.args
        if argindex == 1:
            return 2 * (a - y)
        return -2 * (a - y)

    @classmethod
    def explicit(cls, a, y):
        return (a - y) ** 2


class HalfSquaredError(LossTerm):
    """(a - y)^2 / 2: the 1/2 cancels the 2 of the derivative (articles 000 and 004)."""

    latex_name = "HSE"

    def fdiff(self, argindex=1):
        a, y = self.args
        return (a - y) if argindex == 1 else (y - a)

    @classmethod
    def explicit(cls, a, y):
        return (a - y) ** 2 / 2


class BinaryCrossEntropy(LossTerm):
    """-(y log a + (1-y) log(1-a))."""

    latex_name = "BCE"

    def fdiff(self, argindex=1):
        a, y = self.args
        if argindex == 1:
            return (a - y) / (a * (1 - a))
        return sp.log(1 - a) - sp.log(a)

    @classmethod
    def explicit(cls, a, y):
        return -(y * sp.log(a) + (1 - y) * sp.log(1 - a))


class CrossEntropyTerm(LossTerm):
    """-y log a (summed over classes gives categorical cross-entropy)."""

    latex_name = "CE"

    def fdiff(self, argindex=1):
        a, y = self.args
        return -y / a if argindex == 1 else -sp.log(a)

    @classmethod
    def explicit(cls, a, y):
        return -y * sp.log(a)


@dataclass(frozen=True)
class LossEntry:
    """One loss: its per-output term, constant scale and how samples are combined."""

    name: str
    title: str
    term: type[LossTerm]
    batch: str  # "sum" or "mean" over the batch
    targets: str  # "values", "binary", "onehot", "index"
    article: str
    summary: str  # exactly what is summed and what is averaged
    needs_probabilities: bool = False
    needs_distribution: bool = False
    min_outputs: int = 1

    def sample_loss(self, outputs, targets):
        """The loss of one sample: sum over outputs of term(a_i, y_i), explicit form."""
        return sp.Add(*[self.term.explicit(a, y) for a, y in zip(outputs, targets)])


LOSSES: dict[str, LossEntry] = {
    e.name: e
    for e in [
        LossEntry("half_sse", "half sum of squared errors", HalfSquaredError, "sum", "values", "000",
                  "L = 1/2 sum_n sum_i (yhat_ni - y_ni)^2: summed over outputs and over the batch"),
        LossEntry("sse", "sum of squared errors", SquaredError, "sum", "values", "001",
                  "L = sum_n sum_i (y_ni - yhat_ni)^2: summed over outputs and over the batch"),
        LossEntry("mse", "mean squared error", SquaredError, "mean", "values", "003",
                  "L = 1/N sum_n sum_i (y_ni - yhat_ni)^2: summed over outputs, averaged over the batch"),
        LossEntry("half_mse", "half mean squared error", HalfSquaredError, "mean", "values", "004",
                  "L = 1/(2N) sum_n sum_i (y_ni - yhat_ni)^2: summed over outputs, averaged over the"
                  " batch"),
        LossEntry("bce", "binary cross-entropy", BinaryCrossEntropy, "mean", "binary", "004",
                  "L = -1/N sum_n sum_i [y_ni log yhat_ni + (1-y_ni) log(1-yhat_ni)]: summed over"
                  " outputs, averaged over the batch", needs_probabilities=True),
        LossEntry("cce", "categorical cross-entropy", CrossEntropyTerm, "mean", "onehot", "004",
                  "L = -1/N sum_n sum_i y_ni log yhat_ni (one-hot y): summed over classes, averaged"
                  " over the batch", needs_probabilities=True, needs_distribution=True, min_outputs=2),
        LossEntry("sparse_cce", "sparse categorical cross-entropy", CrossEntropyTerm, "mean", "index",
                  "004", "L = -1/N sum_n log yhat_{n,c_n} (class index c_n): averaged over the batch;"
                  " the same number as cce with one-hot targets", needs_probabilities=True,
                  needs_distribution=True, min_outputs=2),
    ]
}


def loss_entry(name: str) -> LossEntry:
    try:
        return LOSSES[name]
    except KeyError:
        raise KeyError(f"unknown loss '{name}'") from None


# ---------------------------------------------------------------------------------------------
# Proofs about the primitives themselves (the network proofs build on these)


def _points():
    return [Rational(-7, 3), Rational(-1, 2), Rational(1, 5), Rational(3, 2), Rational(11, 4)]


def prove_primitive(func: type[Primitive], params: tuple = ()) -> str:
    """Prove func.fdiff equals SymPy's derivative of func.explicit; return how it was shown.

    Exact cancellation of the difference as a rational function of its transcendental parts
    where that decides it (fast), else symbolic simplification, otherwise exact evaluation to
    50 digits at rational points on both sides of every kink.
    """
    z = sp.Symbol("z", real=True)
    if func is SoftmaxEntry:
        for n in (2, 3, 4):
            zs = sp.symbols(f"z0:{n}", real=True)
            # with u_i = e^{z_i} > 0 both sides are rational functions of u: cancel decides them
            us = sp.symbols(f"u0:{n}", positive=True)
            for k in range(n):
                ex = SoftmaxEntry.explicit(k, *zs)
                for j in range(n):
                    claimed = SoftmaxEntry(k, *zs).diff(zs[j])
                    claimed = claimed.replace(SoftmaxEntry, lambda kk, *a: SoftmaxEntry.explicit(kk, *a))
                    if sp.cancel(_exp_to(claimed - ex.diff(zs[j]), zs, us)) != 0:
                        raise AssertionError(f"softmax Jacobian entry ({k},{j}) is wrong")
        return "exact cancellation of every Jacobian entry for n = 2, 3, 4 (rational in e^z)"
    expr = func(z, *params)
    claimed = sp.diff(expr, z)
    claimed = _to_explicit(claimed)
    direct = sp.diff(func.explicit(z, *params), z)
    diff = claimed - direct
    try:
        if not diff.has(sp.Piecewise):
            # cancel is exact rational-function arithmetic over the transcendental parts, so 0
            # is a proof; when it cannot see an identity (exp(-z) vs exp(z)), simplify decides
            if sp.cancel(diff) == 0:
                return "exact cancellation"
            if sp.simplify(diff) == 0:
                return "symbolic simplification"
    except Exception:  # pragma: no cover - simplify may fail on exotic forms
        pass
    for p in _points():
        a = claimed.subs(z, p).evalf(50)
        b = direct.subs(z, p).evalf(50)
        if abs(a - b) > sp.Float(10) ** -40:
            raise AssertionError(f"{func.__name__}: fdiff != d/dz explicit at z = {p}: {a} vs {b}")
    return "exact evaluation to 50 digits at 5 rational points"


def _exp_to(expr, zs, us):
    """expr with every e^{c_0 z_0 + c_1 z_1 + ...} (integer c_i) written as u_0^{c_0} u_1^{c_1} ...

    SymPy merges e^{z_0} e^{z_0} into e^{2 z_0}, so a plain substitution of e^{z_i} would miss
    terms; anything else is left alone, where cancel then fails to prove (never wrongly proves).
    """
    def to_u(arg):
        coeffs = [arg.coeff(zi) for zi in zs]
        if all(c.is_Integer for c in coeffs) and sp.expand(arg - sum(c * zi for c, zi in zip(coeffs, zs))) == 0:
            return sp.Mul(*[ui ** c for ui, c in zip(us, coeffs)])
        return sp.exp(arg)

    return expr.replace(lambda e: isinstance(e, sp.exp), lambda e: to_u(sp.expand(e.args[0])))


def _to_explicit(expr):
    """Replace every Primitive application by its explicit definition (inner ones first)."""
    return expr.replace(lambda e: isinstance(e, Primitive) and not isinstance(e, SoftmaxEntry),
                        lambda e: type(e).explicit(*e.args))


def output_form(entry: ActivationEntry, z, a, params=None, relu_prime_at_zero=0):
    """f'(z) rewritten with f(z) replaced by the output a where it appears (sigma' = a(1-a))."""
    fz = entry.apply(z, params, relu_prime_at_zero)
    d = sp.diff(fz, z)
    return d.xreplace({fz: a}) if entry.func is not None else d

