"""Randomized, independent checks of generated modules: architectures the examples never use.

Every property here is checked without codegen's own verifier (codegen.verify_generated): finite
differences, dtypes, the update rule, saturation, initialization and reproducibility are each
tested directly against the imported module.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from codegen.emit import format_source, generate, render, stamp
from codegen.modules import write_module
from codegen.verify_generated import import_source
from derive.engine import equation_tags
from derive.pipeline import derive
from derive.spec import build_spec

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCALAR = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "softplus",
          "silu"]
HE = {"relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "softplus", "silu"}  # the ReLU family
VALUE_LOSSES = ["half_sse", "sse", "mse", "half_mse"]


@st.composite
def activation(draw, width: int):
    names = SCALAR + (["softmax"] if width >= 2 else [])
    name = draw(st.sampled_from(names))
    if name == "leaky_relu":
        return {"name": name, "slope": draw(st.sampled_from([0.01, 0.1, 0.3]))}
    if name == "elu":
        return {"name": name, "alpha": draw(st.sampled_from([0.5, 1.0, 1.7]))}
    return name


@st.composite
def specs(draw):
    depth = draw(st.integers(1, 4))
    layers = [draw(st.integers(1, 6)) for _ in range(depth + 1)]
    acts = [draw(activation(w)) for w in layers[1:]]
    out = acts[-1] if isinstance(acts[-1], str) else acts[-1]["name"]
    losses = VALUE_LOSSES + {"sigmoid": ["bce"], "softmax": ["bce", "cce", "sparse_cce"]}.get(out, [])
    loss = draw(st.sampled_from(losses))
    conv = {"relu_prime_at_zero": draw(st.sampled_from([0.0, 0.5])),
            "gelu": draw(st.sampled_from(["exact", "tanh"]))}
    return build_spec(layers, acts, loss, name="rand", conventions=conv)


def _name(a) -> str:
    return a if isinstance(a, str) else a["name"]


def targets(spec, rng, n: int):
    """(what the module takes, the one-hot or value matrix the loss means)."""
    k = spec.layers[-1]
    if spec.loss in ("cce", "sparse_cce"):
        labels = rng.integers(0, k, size=n)
        onehot = np.eye(k)[labels]
        return (labels if spec.loss == "sparse_cce" else onehot), onehot
    Y = rng.uniform(0, 1, size=(n, k)) if spec.loss == "bce" else rng.normal(size=(n, k))
    return Y, Y


def away_from_kinks(m, spec, rng, n: int = 4):
    """Parameters and inputs whose pre-activations all stay clear of 0 (ReLU and ELU kinks)."""
    for _ in range(200):
        params = m.init_params(rng)
        for k in params:
            if k.startswith("b"):
                params[k] = rng.normal(scale=0.5, size=params[k].shape)
        X = rng.normal(size=(n, spec.layers[0]))
        _, cache = m.forward(params, X)
        if all(np.abs(cache[f"Z{l}"]).min() > 1e-3 for l in range(1, spec.depth + 1)):
            return params, X
    raise AssertionError("no sample point away from the kinks")


def strict():
    return np.errstate(over="raise", invalid="raise", divide="raise", under="ignore")


# -- (a) gradients against central differences of the module's own loss ------------------------


def check_finite_differences(m, spec, rng):
    params, X = away_from_kinks(m, spec, rng)
    Ym, _ = targets(spec, rng, X.shape[0])
    _, cache = m.forward(params, X)
    grads = m.backward(params, cache, Ym)
    scale = max(1.0, abs(m.loss(params, X, Ym)))
    h = 1e-6
    for k, P in params.items():
        assert grads[k].shape == P.shape and grads[k].dtype == np.float64
        flat, g = P.reshape(-1), grads[k].reshape(-1)
        for i in range(flat.size):
            keep = flat[i]
            flat[i] = keep + h
            up = m.loss(params, X, Ym)
            flat[i] = keep - h
            down = m.loss(params, X, Ym)
            flat[i] = keep
            fd = (up - down) / (2 * h)
            assert abs(fd - g[i]) <= 1e-5 * max(abs(fd), abs(g[i])) + 1e-8 * scale, (k, i, g[i], fd)


# -- (b) float32 stays float32; (c) train_step and update --------------------------------------


def check_float32_and_update(m, spec, rng):
    for dtype in (np.float32, np.float64):
        params = m.init_params(np.random.default_rng(7), dtype=dtype)
        for k in params:
            if k.startswith("b"):
                params[k] = rng.normal(scale=0.5, size=params[k].shape).astype(dtype)
        X = rng.normal(size=(5, spec.layers[0]))  # float64 inputs on purpose
        Ym, _ = targets(spec, rng, 5)
        Yhat, cache = m.forward(params, X)
        assert Yhat.dtype == dtype and Yhat.shape == (5, spec.layers[-1])
        assert {v.dtype for v in cache.values()} == {np.dtype(dtype)}, {k: v.dtype for k, v in cache.items()}
        value = m.loss(params, X, Ym)
        assert type(value) is float and math.isfinite(value)
        grads = m.backward(params, cache, Ym)
        assert {k: (g.shape, g.dtype) for k, g in grads.items()} == \
            {k: (p.shape, np.dtype(dtype)) for k, p in params.items()}

        lr = 0.037
        # article 000's step: a loss summed over the batch steps along the mean gradient, lr / N
        step = lr / 5 if spec.conventions.batch == "sum" else lr
        before = {k: v.copy() for k, v in params.items()}
        saved = {k: g.copy() for k, g in grads.items()}
        if spec.conventions.batch == "sum":
            with pytest.raises(TypeError, match="needs N"):
                m.update(params, grads, lr)
            m.update(params, grads, lr, 5)
        else:
            m.update(params, grads, lr)
        for k in params:
            assert params[k].dtype == dtype
            assert np.array_equal(params[k], before[k] - step * saved[k]), k
            assert np.array_equal(grads[k], saved[k]), "update must not change the gradients"

        params = {k: v.copy() for k, v in before.items()}
        got = m.train_step(params, X, Ym, lr)
        assert got == value, "train_step returns the loss before the step"
        for k in params:
            assert params[k].dtype == dtype
            assert np.array_equal(params[k], before[k] - step * saved[k]), k
        params = {k: v.copy() for k, v in before.items()}
        got, largest = m.train_step(params, X, Ym, lr, return_max_update=True)
        assert got == value and largest == max(float(np.max(np.abs(step * g))) for g in saved.values())


# -- (d) sparse_cce takes class indices and equals cce on their one-hot rows --------------------


def check_sparse_equals_cce(m, spec, rng):
    twin = import_source(generate(build_spec(
        list(spec.layers), [{"name": a.name, **dict(a.params)} for a in spec.activations], "cce",
        name="twin", conventions={"relu_prime_at_zero": spec.conventions.relu_prime_at_zero,
                                  "gelu": spec.conventions.gelu})).source, "twin")
    params, X = away_from_kinks(m, spec, rng)
    labels = rng.integers(0, spec.layers[-1], size=X.shape[0])
    onehot = np.eye(spec.layers[-1])[labels]
    want = twin.loss(params, X, onehot)
    _, cache = twin.forward(params, X)
    want_grads = twin.backward(params, cache, onehot)
    for lab in (labels, labels.astype(np.int32), labels.tolist()):
        assert m.loss(params, X, lab) == pytest.approx(want, rel=1e-12)
        _, cache = m.forward(params, X)
        grads = m.backward(params, cache, lab)
        for k in params:
            np.testing.assert_allclose(grads[k], want_grads[k], rtol=1e-12, atol=1e-15)


# -- (e) saturation: |z| ~ 500 everywhere raises no warning, cross-entropy stays finite -------


def check_saturation(m, spec, rng):
    params = m.init_params(np.random.default_rng(3))
    X = rng.normal(size=(4, spec.layers[0]))
    A = X
    for l in range(1, spec.depth + 1):  # scale each layer so its pre-activations reach |z| = 500
        params[f"b{l}"][:] = rng.normal(size=params[f"b{l}"].shape)
        Z = A @ params[f"W{l}"].T + params[f"b{l}"]
        params[f"W{l}"] *= 500.0 / max(np.abs(Z).max(), 1e-3)
        params[f"b{l}"] *= 500.0 / max(np.abs(Z).max(), 1e-3)
        _, cache = m.forward(params, X)
        A = cache[f"A{l}"]
    Yhat, _ = m.forward(params, X)
    # the worst targets: wrong where the network is most certain
    if spec.loss in ("cce", "sparse_cce"):
        labels = Yhat.argmin(axis=1)
        Y = labels if spec.loss == "sparse_cce" else np.eye(spec.layers[-1])[labels]
    elif spec.loss == "bce":
        Y = (Yhat < 0.5).astype(float)
    else:
        Y = rng.normal(size=Yhat.shape)
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        _, cache = m.forward(params, X)
        value = m.loss(params, X, Y)
        grads = m.backward(params, cache, Y)
        m.train_step({k: v.copy() for k, v in params.items()}, X, Y, 1e-3)
    assert math.isfinite(value)
    assert all(np.isfinite(g).all() for g in grads.values())


# -- (f) initialization ---------------------------------------------------------------------------


def check_init(m, spec):
    a, b = m.init_params(np.random.default_rng(11)), m.init_params(np.random.default_rng(11))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    draws = [m.init_params(np.random.default_rng(s)) for s in range(300)]
    for l in range(1, spec.depth + 1):
        n_in, n_out = spec.layers[l - 1], spec.layers[l]
        he = spec.activations[l - 1].name in HE
        want = math.sqrt(2 / n_in) if he else math.sqrt(2 / (n_in + n_out))
        W = np.stack([p[f"W{l}"] for p in draws])
        assert abs(W.std() / want - 1) < 0.15, (l, spec.activations[l - 1].name, W.std(), want)
        assert abs(W.mean()) < 0.2 * want
        assert all(not p[f"b{l}"].any() for p in draws)


# -- (g) reproducible source, readable comments, lint-clean -----------------------------------


def check_source(source, spec, tmp_path):
    d = derive(spec, layout="row")  # a fresh derivation
    assert stamp(format_source(render(d)), spec) == source
    tags = equation_tags(d)
    lines = source.splitlines()
    for eq in d.backward + d.gradients:
        i = next(i for i, s in enumerate(lines) if s.startswith(f"    {eq.lhs.name} = "))
        cited = [s for s in lines[max(0, i - 4):i] if s.strip().startswith("# eq. (")]
        assert cited and cited[-1].strip().startswith(f"# eq. ({tags[eq.name]}): "), (eq.name, cited)
    for eq in d.forward:
        assert re.search(rf"^    {eq.lhs.name} = .*  # eq\. \({tags[eq.name]}\)$", source, re.M), eq.name
    assert f"# eq. ({tags['loss']}): " in source
    assert max(map(len, lines)) <= 100, max(lines, key=len)
    # no helper is defined that nothing calls
    for helper in re.findall(r"^def (\w+)\(", source, re.M):
        assert len(re.findall(rf"\b{helper}\(", source)) > 1 or helper in (
            "init_params", "forward", "loss", "loss_from_cache", "backward", "update",
            "train_step"), helper
    path = write_module_text(source, tmp_path)
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--config",
                          os.path.join(ROOT, "pyproject.toml"), str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def write_module_text(source, tmp_path):
    from codegen.emit import GeneratedModule

    return write_module(GeneratedModule("rand", source, "0" * 16), tmp_path / "rand_module.py")


# Deriving dominates the run time (seconds for a deep network with softmax hidden layers), so
# the default is 10 random architectures plus the explicit examples; NNDERIVE_RANDOM_EXAMPLES=200
# runs a longer search.
@settings(max_examples=int(os.environ.get("NNDERIVE_RANDOM_EXAMPLES", 10)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(spec=specs(), seed=st.integers(0, 2**32 - 1))
@example(spec=build_spec([3, 4, 3], ["relu", "softmax"], "bce", name="rand"), seed=0)
@example(spec=build_spec([2, 3, 4, 3], [{"name": "leaky_relu", "slope": 0.1}, "softmax", "softmax"],
                         "sparse_cce", name="rand", conventions={"relu_prime_at_zero": 0.5}), seed=1)
def test_random_architecture(spec, seed, tmp_path):
    gm = generate(spec)
    m = import_source(gm.source, "rand")
    rng = np.random.default_rng(seed)
    check_finite_differences(m, spec, rng)
    check_float32_and_update(m, spec, rng)
    if spec.loss == "sparse_cce":
        check_sparse_equals_cce(m, spec, rng)
    check_saturation(m, spec, rng)
    check_init(m, spec)
    check_source(gm.source, spec, tmp_path)


@pytest.mark.parametrize("z,y", [([500.0, 0.0, -3.0], [0.0, 1.0, 1.0]), ([2000.0, 0.0, -3.0], [0.0, 1.0, 0.0]),
                                 ([0.0, 800.0, 799.0], [0.3, 0.0, 1.0]), ([1.0, -2.0, 0.5], [1.0, 0.0, 1.0])])
def test_softmax_bce_is_exact_at_saturation(z, y):
    """bce on softmax outputs: loss and gradient from the logits match 1500-digit arithmetic.

    The engine's output error term divides by 1 - a, which is 0 in floating point once a
    probability saturates; the emitted module must give the true (finite) values there.
    """
    import mpmath

    m = import_source(generate(build_spec([2, 3], ["softmax"], "bce", name="sb")).source, "sb")
    params = m.init_params(np.random.default_rng(0))
    params["W1"][:] = 0.0
    params["b1"][:] = z
    X = np.zeros((1, 2))
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        value = m.loss(params, X, [y])
        grads = m.backward(params, m.forward(params, X)[1], [y])
    with mpmath.workdps(1500):
        zs = [mpmath.mpf(v) for v in z]
        total = mpmath.fsum(mpmath.exp(v) for v in zs)
        a = [mpmath.exp(v) / total for v in zs]
        want_loss = -mpmath.fsum(t * mpmath.log(p) + (1 - t) * mpmath.log(1 - p) for p, t in zip(a, y))
        dl_da = [-(t / p - (1 - t) / (1 - p)) for p, t in zip(a, y)]
        delta = [mpmath.fsum(a[j] * ((i == j) - a[i]) * dl_da[j] for j in range(3)) for i in range(3)]
    assert value == pytest.approx(float(want_loss), rel=1e-12)
    np.testing.assert_allclose(grads["b1"], [float(v) for v in delta], rtol=1e-12, atol=1e-15)
    assert not grads["W1"].any()  # X = 0


@pytest.mark.parametrize("bad", [[[0], [1]], [0.0, 1.0], [0, -1], [0, 3]])
def test_sparse_cce_refuses_what_is_not_class_indices(bad):
    m = import_source(generate(build_spec([2, 3], ["softmax"], "sparse_cce", name="sp")).source, "sp")
    params = m.init_params(np.random.default_rng(0))
    with pytest.raises(ValueError, match="class indices"):
        m.loss(params, np.zeros((2, 2)), bad)


def test_generation_does_not_depend_on_the_hash_seed():
    """Byte-identical across processes: nothing in the output may follow set or dict hash order."""
    code = ("from derive.spec import build_spec; from codegen.emit import generate; import sys;"
            " sys.stdout.write(generate(build_spec([3, 4, 3], [{'name': 'elu', 'alpha': 0.5}, 'softmax'],"
            " 'bce', name='h', conventions={'relu_prime_at_zero': 0.5})).source)")
    outs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.append(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                   cwd=ROOT, check=True).stdout)
    assert outs[0] == outs[1] and outs[0].startswith("# Generated by nnderive")
