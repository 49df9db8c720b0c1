"""Hand-tuned numpy training steps of 2-layer networks: the reference the generated step is measured against.

Each step does by hand everything a careful engineer would do for speed in numpy:

- a workspace of buffers per batch shape (and dtype), allocated once and reused through ``out=``
  and in-place operations, so a step allocates (almost) nothing;
- the scaling lr/N folded once into the B x K output error term, so the backward pass and the
  update need no further scaling;
- the update fused into the step (``W -= dW`` straight from the product buffer);
- bias gradients as ``np.dot(ones, delta, out=db)`` with a preallocated ones vector (np.dot has
  less call overhead than np.matmul and beats ``sum(axis=0)`` at every size measured);
- softmax's exponential computed once, shared by the probabilities and the log-probabilities;
- the loss by ``np.vdot`` (no B x K product array);
- an accurate sigmoid exp(z') / (1 + exp(z')) with z' = min(z, 88): four passes like the plain
  1 / (1 + exp(-z)) form, but it never overflows and keeps a few ulps of relative accuracy in the
  far negative tail.

The steps take (params, X, Y, lr) and return the loss before the update, like the generated
``train_step``; X and Y must already be C-contiguous arrays of the parameters' dtype.
"""

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


_WORK: dict = {}


def _workspace(N, W1, W2):
    key = (N, W1.shape, W2.shape, W1.dtype)
    ws = _WORK.get(key)
    if ws is None:
        (n1, n0), (n2, _) = W1.shape, W2.shape
        dt = W1.dtype
        e = np.empty
        ws = _WORK[key] = (
            e((N, n1), dt), e((N, n1), dt), e((N, n1), dt),  # Z1, A1, T1 (a temporary)
            e((N, n2), dt), e((N, n2), dt), e((N, n2), dt), e((N, 1), dt),  # Z2, P, logP, row
            e((N, n2), dt), e((N, n1), dt),  # D2, D1
            e((n2, n1), dt), e(n2, dt), e((n1, n0), dt), e(n1, dt),  # dW2, db2, dW1, db1
            np.ones(N, dt),
        )
    return ws


def _hidden_sigmoid(X, W1, b1, Z1, A1, T1):
    np.dot(X, W1.T, out=Z1)
    Z1 += b1
    np.minimum(Z1, 88.0, out=A1)
    np.exp(A1, out=A1)
    np.add(A1, 1.0, out=T1)
    np.divide(A1, T1, out=A1)


def _softmax_cce(Z2, Y, P, logP, row, N):
    """P and log P from the logits with one exponential; returns the mean cross-entropy."""
    Z2.max(axis=1, keepdims=True, out=row)  # the method: less call overhead than np.max
    np.subtract(Z2, row, out=logP)
    np.exp(logP, out=P)
    P.sum(axis=1, keepdims=True, out=row)
    P /= row
    np.log(row, out=row)
    logP -= row
    return -np.vdot(Y, logP) / N


def _output_and_update(params, X, A1, D2, D1, dW2, db2, dW1, db1, ones):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    np.dot(D2.T, A1, out=dW2)
    np.dot(ones, D2, out=db2)
    np.dot(D1.T, X, out=dW1)
    np.dot(ones, D1, out=db1)
    W2 -= dW2
    b2 -= db2
    W1 -= dW1
    b1 -= db1


def train_step_sigmoid(params, X, Y, lr):
    """One step of a sigmoid / softmax / cce network (digits 64-32-10); the loss before it."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    Z1, A1, T1, Z2, P, logP, row, D2, D1, dW2, db2, dW1, db1, ones = _workspace(N, W1, W2)
    _hidden_sigmoid(X, W1, b1, Z1, A1, T1)
    np.dot(A1, W2.T, out=Z2)
    Z2 += b2
    loss = _softmax_cce(Z2, Y, P, logP, row, N)
    np.subtract(P, Y, out=D2)
    D2 *= lr / N  # the whole step size, once, on the smallest array
    np.dot(D2, W2, out=D1)
    np.subtract(1.0, A1, out=T1)
    T1 *= A1
    D1 *= T1
    _output_and_update(params, X, A1, D2, D1, dW2, db2, dW1, db1, ones)
    return float(loss)


def train_step_relu(params, X, Y, lr):
    """One step of a relu / softmax / cce network (MNIST-shaped 784-128-10); the loss before it."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    Z1, A1, T1, Z2, P, logP, row, D2, D1, dW2, db2, dW1, db1, ones = _workspace(N, W1, W2)
    np.dot(X, W1.T, out=Z1)
    Z1 += b1
    np.maximum(Z1, 0, out=A1)
    np.dot(A1, W2.T, out=Z2)
    Z2 += b2
    loss = _softmax_cce(Z2, Y, P, logP, row, N)
    np.subtract(P, Y, out=D2)
    D2 *= lr / N
    np.dot(D2, W2, out=D1)
    D1 *= Z1 > 0
    _output_and_update(params, X, A1, D2, D1, dW2, db2, dW1, db1, ones)
    return float(loss)


def train_step_sigmoid_linear(params, X, Y, lr):
    """One step of a sigmoid / linear / half_sse network (article 000's 3-5-2); the loss before it.

    half_sse sums over the batch, so the step is lr/N times the summed gradient (the mean
    gradient), as nnderive's procedure defines it.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    Z1, A1, T1, Z2, P, logP, row, D2, D1, dW2, db2, dW1, db1, ones = _workspace(N, W1, W2)
    _hidden_sigmoid(X, W1, b1, Z1, A1, T1)
    np.dot(A1, W2.T, out=Z2)
    Z2 += b2
    np.subtract(Z2, Y, out=D2)
    loss = 0.5 * np.vdot(D2, D2)
    D2 *= lr / N
    np.dot(D2, W2, out=D1)
    np.subtract(1.0, A1, out=T1)
    T1 *= A1
    D1 *= T1
    _output_and_update(params, X, A1, D2, D1, dW2, db2, dW1, db1, ones)
    return float(loss)


TRAIN_STEP = {"sigmoid": train_step_sigmoid, "relu": train_step_relu,
              "sigmoid_linear": train_step_sigmoid_linear}
