"""Prints the engine's matrix equations as jax.numpy code, and holds the JAX helpers that code calls."""

from __future__ import annotations

import re

from .numpy import HELPERS, NumpyCodePrinter


class JaxCodePrinter(NumpyCodePrinter):
    """NumpyCodePrinter spelling every array function in jax.numpy (``jnp.``).

    The printed expressions are the same: ``@`` products, ``.sum(axis=0)`` row sums, ``.T``,
    broadcasting of biases; only the module and the helpers (JAX_HELPERS, pure functions
    without ``out=``) differ, so the code XLA compiles is the verified derivation as printed.
    """

    printmethod = "_nnderive_jax"
    NP = "jnp"


# The runtime meaning of every helper name the printer calls, for JAX: each is (dependencies,
# source), the same names and the same numerics as printers/numpy.py's HELPERS, written as pure
# jax.numpy functions (XLA fuses their elementwise passes). The helpers that are pure functions
# in numpy already are taken from HELPERS with np spelled jnp (SHARED); one_hot runs outside
# jax.jit on concrete labels, so it is numpy's own (AS_IS); the rest are written here.
SHARED = ("leaky_relu", "normal_cdf", "normal_pdf", "gelu", "gelu_tanh", "logsumexp")
AS_IS = ("one_hot",)
JAX_HELPERS: dict[str, tuple[tuple[str, ...], str]] = {
    "sigmoid": ((), '''
def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), to a few ulps of relative error for every z."""
    # r / (1 + r) with r = exp(min(z, 88)): as accurate as exp for z < 0, never overflows, and
    # above 88 the value rounds to 1 in float32 and float64 alike
    r = jnp.exp(jnp.minimum(z, 88.0))
    return r / (r + 1.0)
'''),
    "relu": ((), '''
def relu(z):
    """max(0, z)."""
    return jnp.maximum(z, 0.0)
'''),
    "step": ((), '''
def step(z, at_zero=0.0):
    """The Heaviside step H(z), the derivative of ReLU; H(0) is the relu_prime_at_zero convention."""
    return jnp.where(z > 0, 1.0, jnp.where(z == 0, at_zero, 0.0)).astype(z.dtype)
'''),
    "elu": ((), '''
def elu(z, alpha):
    """z for z > 0, alpha * (exp(z) - 1) otherwise."""
    # the minimum keeps exp from overflowing in the branch jnp.where discards
    return jnp.where(z > 0, z, alpha * jnp.expm1(jnp.minimum(z, 0.0)))
'''),
    "softplus": ((), '''
def softplus(z):
    """log(1 + exp(z)), without overflow: max(z, 0) + log1p(exp(-|z|))."""
    return jnp.logaddexp(0.0, z)
'''),
    "silu": (("sigmoid",), '''
def silu(z):
    """z * sigmoid(z)."""
    return z * sigmoid(z)
'''),
    "erfc": ((), '''
def erfc(x):
    """The complementary error function 1 - erf(x) (jax.scipy.special's)."""
    return jax.scipy.special.erfc(x)
'''),
    "softmax": ((), '''
def softmax(z):
    """Softmax of each row (sample), shifted by the row maximum so exp never overflows."""
    e = jnp.exp(z - jax.lax.stop_gradient(z.max(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)
'''),
    "log_softmax": ((), '''
def log_softmax(z):
    """log(softmax(z)) of each row, computed as z - logsumexp(z)."""
    # from the logits, a probability that underflows to 0 still has a finite log
    s = z - z.max(axis=1, keepdims=True)
    return s - jnp.log(jnp.exp(s).sum(axis=1, keepdims=True))
'''),
    "log1m_softmax": (("logsumexp",), '''
def log1m_softmax(z):
    """log(1 - softmax(z)) of each row: log of the total probability of the other classes."""
    # summing the other classes directly never rounds 1 - a to 0 where a probability saturates
    n = z.shape[1]
    others = jnp.where(jnp.eye(n, dtype=bool), -jnp.inf, z[:, None, :])  # [:, j]: z without z_j
    m = others.max(axis=2, keepdims=True)  # each sum shifted by its own largest term
    return m[:, :, 0] + jnp.log(jnp.exp(others - m).sum(axis=2)) - logsumexp(z)
'''),
    "softmax_bce_delta": ((), '''
def softmax_bce_delta(a, y, log_a, log1m_a):
    """bce's output error term on softmax outputs, as the engine derived it, without 0/0."""
    # (a_i - y_i) minus the sum over j != i of a_i / (1 - a_j) * (a_j - y_j), each ratio from the
    # logits (see the numpy module's helper of the same name)
    d = a - y
    n = a.shape[1]
    r = jnp.where(jnp.eye(n, dtype=bool), -jnp.inf, log_a[:, :, None] - log1m_a[:, None, :])
    return d - jnp.einsum("nij,nj->ni", jnp.exp(r), d)
'''),
    "safe_log": ((), '''
def safe_log(u):
    """log(u) with u clipped to the smallest positive normal number."""
    return jnp.log(jnp.maximum(u, jnp.finfo(u.dtype).tiny))
'''),
}
JAX_HELPERS.update({name: (HELPERS[name][0], re.sub(r"\bnp\.", "jnp.", HELPERS[name][1]))
                    for name in SHARED})
JAX_HELPERS.update({name: HELPERS[name] for name in AS_IS})
JAX_HELPERS = {name: JAX_HELPERS[name] for name in HELPERS if name in JAX_HELPERS} | {
    name: JAX_HELPERS[name] for name in JAX_HELPERS if name not in HELPERS}  # numpy's order first
