"""A hand-written 1-hidden-layer numpy network with the generated-module interface, for tests."""

from __future__ import annotations

import types

import numpy as np

HIDDEN = ("sigmoid", "relu")
OUTPUTS = {  # loss -> output activations it may be paired with
    "half_sse": ("linear", "sigmoid"),
    "mse": ("linear", "sigmoid"),
    "cce": ("softmax",),
    "sparse_cce": ("softmax",),
    "bce": ("sigmoid",),
}
BATCH = {"half_sse": "sum", "mse": "mean", "cce": "mean", "sparse_cce": "mean", "bce": "mean"}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Split by sign so exp never overflows.
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def _log_softmax(z: np.ndarray) -> np.ndarray:
    s = z - z.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


def build(layers: tuple[int, int, int], hidden: str = "sigmoid", output: str = "softmax",
          loss: str = "cce") -> types.ModuleType:
    """A module object with init_params/forward/loss/backward/update/train_step and constants.

    Losses (N samples, row layout): half_sse = 1/2 sum_n ||yhat_n - y_n||^2 (BATCH "sum");
    mse = 1/N sum_n ||yhat_n - y_n||^2; cce = -1/N sum_n y_n . log p_n; sparse_cce the same with
    class indices; bce = -1/N sum_n sum_k [y log p + (1 - y) log(1 - p)] (all BATCH "mean").
    cce and bce are computed from the logits so they stay finite when probabilities saturate.
    """
    if hidden not in HIDDEN:
        raise ValueError(f"hidden activation {hidden!r} not in {HIDDEN}")
    if loss not in OUTPUTS or output not in OUTPUTS[loss]:
        raise ValueError(f"unsupported output/loss pair {output!r}/{loss!r}")
    n_in, n_hid, n_out = layers

    def act(z):
        return _sigmoid(z) if hidden == "sigmoid" else np.maximum(z, 0.0)

    def act_prime(z, a):
        return a * (1.0 - a) if hidden == "sigmoid" else (z > 0).astype(z.dtype)

    def out(z):
        if output == "linear":
            return z
        if output == "sigmoid":
            return _sigmoid(z)
        return np.exp(_log_softmax(z))

    def init_params(rng: np.random.Generator, dtype=np.float64) -> dict[str, np.ndarray]:
        gain = 2.0 if hidden == "relu" else 1.0
        return {
            "W1": (rng.standard_normal((n_hid, n_in)) * np.sqrt(gain / n_in)).astype(dtype),
            "b1": np.zeros(n_hid, dtype=dtype),
            "W2": (rng.standard_normal((n_out, n_hid)) * np.sqrt(1.0 / n_hid)).astype(dtype),
            "b2": np.zeros(n_out, dtype=dtype),
        }

    def forward(params, X):
        Z1 = X @ params["W1"].T + params["b1"]
        A1 = act(Z1)
        Z2 = A1 @ params["W2"].T + params["b2"]
        Yhat = out(Z2)
        return Yhat, (X, Z1, A1, Z2, Yhat)

    def _onehot(Y):
        return np.eye(n_out, dtype=float)[Y] if loss == "sparse_cce" else Y

    def loss_fn(params, X, Y) -> float:
        Yhat, (_, _, _, Z2, _) = forward(params, X)
        N = len(X)
        if loss == "half_sse":
            return float(0.5 * np.sum((Yhat - Y) ** 2))
        if loss == "mse":
            return float(np.sum((Yhat - Y) ** 2) / N)
        if loss in ("cce", "sparse_cce"):
            return float(-np.sum(_onehot(Y) * _log_softmax(Z2)) / N)
        # bce from logits: -[y log s(z) + (1-y) log(1-s(z))] = max(z,0) - y z + log(1+e^-|z|)
        return float(np.sum(np.maximum(Z2, 0) - Y * Z2 + np.log1p(np.exp(-np.abs(Z2)))) / N)

    def backward(params, cache, Y):
        X, Z1, A1, _, Yhat = cache
        N = len(X)
        if loss in ("half_sse", "mse"):
            dY = (Yhat - Y) * (1.0 if loss == "half_sse" else 2.0 / N)
            D2 = dY if output == "linear" else dY * Yhat * (1.0 - Yhat)
        else:  # softmax + cce and sigmoid + bce both give (p - y) / N at the logits
            D2 = (Yhat - _onehot(Y)) / N
        D2 = D2.astype(Yhat.dtype, copy=False)
        D1 = (D2 @ params["W2"]) * act_prime(Z1, A1)
        return {"W1": D1.T @ X, "b1": D1.sum(axis=0), "W2": D2.T @ A1, "b2": D2.sum(axis=0)}

    def update(params, grads, lr, N=None):
        # article 000's step: a loss summed over the batch steps along the mean gradient
        step = lr / N if BATCH[loss] == "sum" else lr
        for k in params:
            params[k] -= step * grads[k]

    def train_step(params, X, Y, lr, return_max_update=False):
        value = loss_fn(params, X, Y)
        _, cache = forward(params, X)
        grads = backward(params, cache, Y)
        step = lr / len(X) if BATCH[loss] == "sum" else lr
        largest = float(np.max([np.max(np.abs(step * g)) for g in grads.values()]))
        update(params, grads, lr, len(X))
        return (value, largest) if return_max_update else value

    mod = types.ModuleType(f"fake_{hidden}_{output}_{loss}")
    mod.__doc__ = f"Fake generated module: {layers}, {hidden} hidden, {output} output, {loss}."
    mod.init_params, mod.forward, mod.loss, mod.backward = init_params, forward, loss_fn, backward
    mod.update, mod.train_step = update, train_step
    mod.LOSS, mod.LAYERS, mod.BATCH = loss, tuple(layers), BATCH[loss]
    return mod
