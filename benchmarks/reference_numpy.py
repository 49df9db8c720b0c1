"""Hand-written numpy 2-layer softmax/cross-entropy nets, as an engineer would write them: the benchmark's reference."""

from __future__ import annotations

import numpy as np


def init_params(layers, hidden, rng, dtype=np.float64):
    """He (relu) or Glorot (sigmoid) hidden weights, Glorot output weights, zero biases."""
    n0, n1, n2 = layers
    s1 = np.sqrt(2.0 / n0) if hidden == "relu" else np.sqrt(2.0 / (n0 + n1))
    return {
        "W1": (rng.standard_normal((n1, n0)) * s1).astype(dtype),
        "b1": np.zeros(n1, dtype=dtype),
        "W2": (rng.standard_normal((n2, n1)) * np.sqrt(2.0 / (n1 + n2))).astype(dtype),
        "b2": np.zeros(n2, dtype=dtype),
    }


def _sigmoid(z):
    # tanh form: no overflow for any z, one transcendental call
    return 0.5 * np.tanh(0.5 * z) + 0.5


def _softmax_cce(Z2, Y):
    """(probabilities, mean cross-entropy) from logits, sharing one log-sum-exp."""
    S = Z2 - Z2.max(axis=1, keepdims=True)
    logP = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    return np.exp(logP), -np.sum(Y * logP) / Z2.shape[0]


def _apply(params, D1, D2, X, A1, lr):
    params["W1"] -= lr * (D1.T @ X)
    params["b1"] -= lr * D1.sum(axis=0)
    params["W2"] -= lr * (D2.T @ A1)
    params["b2"] -= lr * D2.sum(axis=0)


def train_step_sigmoid(params, X, Y, lr):
    """One step of 64-32-10 style sigmoid/softmax/cce; returns the loss before the update."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    A1 = _sigmoid(X @ W1.T + b1)
    P, loss = _softmax_cce(A1 @ W2.T + b2, Y)
    D2 = (P - Y) / X.shape[0]  # fused softmax + cross-entropy gradient, batch mean folded in once
    D1 = (D2 @ W2) * (A1 * (1 - A1))
    _apply(params, D1, D2, X, A1, lr)
    return float(loss)


def train_step_relu(params, X, Y, lr):
    """One step of 784-128-10 style relu/softmax/cce; returns the loss before the update."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = X @ W1.T + b1
    A1 = np.maximum(Z1, 0)
    P, loss = _softmax_cce(A1 @ W2.T + b2, Y)
    D2 = (P - Y) / X.shape[0]
    D1 = (D2 @ W2) * (Z1 > 0)
    _apply(params, D1, D2, X, A1, lr)
    return float(loss)


TRAIN_STEP = {"sigmoid": train_step_sigmoid, "relu": train_step_relu}
