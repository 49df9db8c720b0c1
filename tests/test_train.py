"""Tests for codegen.train: the gradient-descent loop, stopping rules and output files."""

from __future__ import annotations

import json
import os
import time
import warnings
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from derive.errors import DataError
from derive.spec import Training
from training.data import Dataset, load_dataset
from training.loop import (
    accuracy,
    evaluate,
    load_params,
    plot_history,
    predict,
    save_params,
    train,
    write_metrics,
)

try:
    from tests import fake_module
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    import fake_module


def dataset(n=10, n_in=3, n_out=2, loss="mse", n_test=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n + n_test, n_in))
    if loss in ("cce", "sparse_cce", "bce"):
        labels = (X[:, 0] > 0).astype(np.int64) % n_out
        Y = labels if loss == "sparse_cce" else np.eye(n_out)[labels]
        kind = "classification"
    else:
        Y, kind = np.tanh(X @ rng.normal(size=(n_in, n_out))), "regression"
    return Dataset(X_train=X[:n], Y_train=Y[:n], X_test=X[n:], Y_test=Y[n:],
                   n_classes=n_out if kind == "classification" else None,
                   feature_names=tuple(f"x{j}" for j in range(n_in)), target_name="y",
                   source="synthetic", kind=kind)


def module(loss="mse", layers=(3, 4, 2), hidden="sigmoid"):
    output = {"cce": "softmax", "sparse_cce": "softmax", "bce": "sigmoid"}.get(loss, "linear")
    return fake_module.build(layers, hidden, output, loss)


def settings(**kw):
    return replace(Training(), **{"epochs": 3, "learning_rate": 0.1, **kw})


class Recorder:
    """Wraps a module, recording every training batch (and optionally raising Ctrl-C)."""

    def __init__(self, mod, interrupt_at=None):
        self.mod, self.batches, self.interrupt_at = mod, [], interrupt_at
        self.LOSS, self.LAYERS, self.BATCH = mod.LOSS, mod.LAYERS, mod.BATCH
        self.init_params, self.forward, self.loss, self.backward, self.update = (
            mod.init_params, mod.forward, mod.loss, mod.backward, mod.update)

    def train_step(self, params, X, Y, lr, return_max_update=False):
        self.batches.append(np.array(X, copy=True))
        if self.interrupt_at is not None and len(self.batches) == self.interrupt_at:
            raise KeyboardInterrupt
        return self.mod.train_step(params, X, Y, lr, return_max_update)


def same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


# ---------------------------------------------------------------------------------------------
# The fake module itself


@pytest.mark.parametrize("hidden", ["sigmoid", "relu"])
@pytest.mark.parametrize("output, loss", [("linear", "half_sse"), ("sigmoid", "half_sse"),
                                          ("linear", "mse"), ("softmax", "cce"),
                                          ("softmax", "sparse_cce"), ("sigmoid", "bce")])
def test_fake_module_gradients_match_central_differences(hidden, output, loss):
    mod = fake_module.build((3, 4, 3), hidden, output, loss)
    rng = np.random.default_rng(7)
    params = mod.init_params(rng)
    params = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in params.items()}  # nonzero biases
    X = rng.normal(size=(5, 3))
    Y = {"sparse_cce": rng.integers(0, 3, 5), "cce": np.eye(3)[rng.integers(0, 3, 5)],
         "bce": rng.integers(0, 2, (5, 3)).astype(float)}.get(loss, rng.normal(size=(5, 3)))
    _, cache = mod.forward(params, X)
    grads = mod.backward(params, cache, Y)
    h = 1e-6
    for k, p in params.items():
        num = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            up = mod.loss(params, X, Y)
            p[i] = old - h
            down = mod.loss(params, X, Y)
            p[i] = old
            num[i] = (up - down) / (2 * h)
        np.testing.assert_allclose(grads[k], num, rtol=1e-5, atol=1e-8, err_msg=k)


# ---------------------------------------------------------------------------------------------
# Batching, determinism, update scaling


@pytest.mark.parametrize("batch_size, sizes", [
    (0, [10]), (10, [10]), (50, [10]), (1, [1] * 10), (3, [3, 3, 3, 1]), (4, [4, 4, 2]),
])
@pytest.mark.parametrize("shuffle", [True, False])
def test_batches_per_epoch(batch_size, sizes, shuffle):
    ds = dataset(n=10)
    rec = Recorder(module())
    res = train(rec, ds, settings(epochs=2, batch_size=batch_size, shuffle=shuffle), progress=False)
    assert [len(b) for b in rec.batches] == sizes * 2 and len(res.history) == 2
    per_epoch = len(sizes)
    for e in range(2):
        seen = np.concatenate(rec.batches[e * per_epoch:(e + 1) * per_epoch])
        np.testing.assert_array_equal(np.sort(seen, axis=0), np.sort(ds.X_train, axis=0))
    first = np.concatenate(rec.batches[:per_epoch])
    assert np.array_equal(first, ds.X_train) == (not shuffle or batch_size in (0, 10, 50))


@pytest.mark.parametrize("batch_size, dtype", [(0, "float64"), (1, "float64"), (3, "float32")])
def test_same_seed_is_bit_identical(batch_size, dtype):
    ds, mod = dataset(n=20, loss="cce"), module("cce")
    run = [train(mod, ds, settings(seed=s, batch_size=batch_size, dtype=dtype), progress=False)
           for s in (11, 11, 12)]
    assert same(run[0].params, run[1].params)
    assert [h["train_loss"] for h in run[0].history] == [h["train_loss"] for h in run[1].history]
    assert not same(run[0].params, run[2].params)
    assert all(v.dtype == np.dtype(dtype) for v in run[0].params.values())


@pytest.mark.parametrize("loss, batch_size, scale", [
    ("half_sse", 0, lambda m: 1 / m),   # "sum" loss: the step uses the mean gradient
    ("half_sse", 4, lambda m: 1 / m),
    ("mse", 0, lambda m: 1.0),          # "mean" loss: lr as is
    ("mse", 4, lambda m: 1.0),
])
def test_update_uses_mean_gradient_for_sum_losses(loss, batch_size, scale):
    ds, mod = dataset(n=10, loss=loss), module(loss)
    p0 = mod.init_params(np.random.default_rng(3))
    # a tolerance too small to stop anything asks for the largest update of every step
    res = train(mod, ds, settings(epochs=1, batch_size=batch_size, shuffle=False, learning_rate=0.3,
                                  tolerance=1e-300), progress=False, params=p0)
    expect = {k: v.copy() for k, v in p0.items()}
    bs = batch_size or 10
    biggest = 0.0
    for s in range(0, 10, bs):
        Xb, Yb = ds.X_train[s:s + bs], ds.Y_train[s:s + bs]
        _, cache = mod.forward(expect, Xb)
        g = mod.backward(expect, cache, Yb)
        lr = 0.3 * scale(len(Xb))
        biggest = max(biggest, max(lr * np.abs(v).max() for v in g.values()))
        expect = {k: v - lr * g[k] for k, v in expect.items()}
    for k, v in expect.items():
        np.testing.assert_allclose(res.params[k], v, rtol=1e-12, atol=1e-14)
    assert res.history[0]["max_update"] == pytest.approx(biggest, rel=1e-12)
    # train copies the caller's params instead of updating them in place.
    assert same(p0, mod.init_params(np.random.default_rng(3))) and not same(p0, res.params)


# ---------------------------------------------------------------------------------------------
# Stopping


@pytest.mark.parametrize("kw, reason, epochs", [
    ({}, "epochs", 6),
    ({"tolerance": 1e3}, "tolerance", 1),
    ({"tolerance": 1e-12}, "epochs", 6),
    ({"loss_tolerance": 1e3}, "loss_tolerance", 2),
    ({"loss_tolerance": 1e-15}, "epochs", 6),
])
def test_early_stopping(kw, reason, epochs):
    res = train(module(), dataset(), settings(epochs=6, **kw), progress=False)
    assert res.stopped_reason == reason and len(res.history) == epochs
    assert [h["epoch"] for h in res.history] == list(range(1, epochs + 1))
    if reason == "tolerance":
        assert res.history[-1]["max_update"] < 1e3 and "below the tolerance" in res.message


def test_tolerance_stops_a_converged_run():
    ds = dataset(n=30, loss="mse")
    ds = replace(ds, Y_train=np.full_like(ds.Y_train, 0.5))  # a target GD reaches quickly
    res = train(module(), ds, settings(epochs=2000, batch_size=0, learning_rate=0.5,
                                       tolerance=1e-4), progress=False)
    assert res.stopped_reason == "tolerance" and len(res.history) < 2000
    assert res.history[-1]["max_update"] < 1e-4 <= res.history[-2]["max_update"]


@pytest.mark.parametrize("loss, lr, batch_size, late", [
    ("mse", 1e6, 4, False), ("half_sse", 1e8, 4, False),  # blows up in the first epoch
    ("mse", 0.5, 4, False),  # finite but 1e10 times the starting loss within epoch 1
    ("mse", 2.0, 0, True), ("half_sse", 3.0, 0, True), ("mse", 0.4, 8, True),
])
def test_divergence_stops_and_keeps_finite_params(loss, lr, batch_size, late):
    ds, mod = dataset(n=40, loss=loss, n_out=1), module(loss, layers=(3, 8, 1), hidden="relu")
    cfg = settings(epochs=200, learning_rate=lr, batch_size=batch_size)
    res = train(mod, ds, cfg, progress=False)
    assert res.stopped_reason == "diverged"
    bad_epoch = len(res.history) + 1
    assert (bad_epoch > 1) == late
    assert f"in epoch {bad_epoch} with learning rate {lr:g}" in res.message
    assert all(np.isfinite(v).all() for v in res.params.values())
    # the best parameters seen by test loss are kept: the starting ones compete as epoch 0
    start = evaluate(mod, mod.init_params(np.random.default_rng(cfg.seed)), ds.X_test, ds.Y_test)[0]
    losses = [start] + [h["test_loss"] for h in res.history]
    assert res.kept_epoch == int(np.argmin(losses))
    if res.kept_epoch:
        assert f"kept the parameters of epoch {res.kept_epoch}, the lowest test loss" in res.message
        assert same(res.params, train(mod, ds, replace(cfg, epochs=res.kept_epoch),
                                      progress=False).params)
    else:
        assert "kept the initial parameters" in res.message
        assert same(res.params, mod.init_params(np.random.default_rng(cfg.seed)))
    # the advice comes from the curvature where the loss began to grow, and it works
    tip = res.suggested_lr
    assert tip < lr and f"try a smaller learning rate such as {tip:g}" in res.message
    assert "stable only below a learning rate of" in res.message or "grew along the way" in res.message
    assert train(mod, ds, replace(cfg, learning_rate=tip, epochs=30), progress=False).stopped_reason \
        == "epochs"


@pytest.mark.parametrize("where", ["on_epoch", "mid_epoch"])
def test_ctrl_c_keeps_last_completed_epoch(where):
    ds = dataset(n=12, loss="cce")
    full = settings(epochs=5, batch_size=4)

    def stop_after_two(record):
        if record["epoch"] == 2:
            raise KeyboardInterrupt

    mod = module("cce")
    if where == "on_epoch":
        res = train(mod, ds, full, progress=False, on_epoch=stop_after_two)
    else:  # 3 batches per epoch: the 8th batch is the middle of epoch 3
        res = train(Recorder(mod, interrupt_at=8), ds, full, progress=False)
    ref = train(mod, ds, replace(full, epochs=2), progress=False)
    assert res.stopped_reason == "interrupted" and len(res.history) == 2
    assert "end of epoch 2" in res.message
    assert same(res.params, ref.params)


# ---------------------------------------------------------------------------------------------
# Quality, progress, mismatches


def test_fake_module_learns_digits():
    ds = load_dataset({"source": "digits", "loss": "cce", "layers": (64, 32, 10), "seed": 0})
    mod = fake_module.build((64, 32, 10), "sigmoid", "softmax", "cce")
    t0 = time.perf_counter()
    res = train(mod, ds, settings(epochs=15, batch_size=32, learning_rate=0.5), progress=False)
    assert time.perf_counter() - t0 < 30
    assert res.stopped_reason == "epochs" and res.history[-1]["test_accuracy"] > 0.90
    assert res.history[-1]["train_loss"] < res.history[0]["train_loss"]
    assert accuracy(mod, res.params, ds.X_test, ds.Y_test) == res.history[-1]["test_accuracy"]
    assert res.message == "after 15 of 15 epochs"


@pytest.mark.parametrize("progress", [True, False])
def test_progress_bar_only_when_asked(capsys, progress):
    train(module("cce"), dataset(loss="cce"), settings(), progress=progress)
    err = capsys.readouterr().err
    assert ("3/3" in err) == progress and (err == "") == (not progress)


@pytest.mark.parametrize("ds_kw, mod_kw, needle", [
    ({"n_in": 5}, {}, "3 inputs"),
    ({"loss": "cce"}, {"loss": "sparse_cce"}, "integer class indices"),
    ({"loss": "mse", "n_out": 3}, {}, r"needs \(N, 2\)"),
])
def test_dataset_module_mismatch(ds_kw, mod_kw, needle):
    with pytest.raises(DataError, match=needle):
        train(module(**mod_kw), dataset(**ds_kw), settings(), progress=False)


@pytest.mark.parametrize("loss, P, Y, expected", [
    ("sparse_cce", [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], [0, 1, 1], 2 / 3),
    ("cce", [[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]], [[0, 1, 0], [0, 0, 1]], 1 / 2),
    ("bce", [[0.7], [0.2], [0.5], [0.49]], [[1], [0], [0], [0]], 3 / 4),
    ("bce", [[0.7, 0.2], [0.1, 0.9]], [[1, 1], [0, 1]], 3 / 4),
])
def test_accuracy(loss, P, Y, expected):
    P = np.array(P)
    stub = SimpleNamespace(LOSS=loss, LAYERS=(1, P.shape[1]), BATCH="mean",
                           forward=lambda params, X: (P[X[:, 0].astype(int)], None),
                           loss=lambda params, X, Y: 0.0)
    X = np.arange(len(P), dtype=float)[:, None]
    assert accuracy(stub, {}, X, np.array(Y)) == pytest.approx(expected)
    np.testing.assert_array_equal(predict(stub, {}, X), P)
    assert evaluate(stub, {}, X, np.array(Y)) == (0.0, pytest.approx(expected))


def test_evaluate_reports_per_sample_loss_for_sum_losses():
    ds = dataset(n=10, loss="half_sse")
    mod = module("half_sse")
    params = mod.init_params(np.random.default_rng(0))
    loss, acc = evaluate(mod, params, ds.X_train, ds.Y_train)
    assert acc is None and loss == pytest.approx(mod.loss(params, ds.X_train, ds.Y_train) / 10)
    assert evaluate(mod, params, ds.X_train[:0], ds.Y_train[:0]) == (None, None)


# ---------------------------------------------------------------------------------------------
# Files


def test_params_round_trip_and_checks(tmp_path):
    params = module().init_params(np.random.default_rng(0))
    path = save_params(tmp_path / "p.npz", params, "abc123")
    assert [p.name for p in tmp_path.iterdir()] == ["p.npz"]  # no temp file left behind
    assert same(load_params(path, spec_hash="abc123"), params)
    shapes = {k: v.shape for k, v in params.items()}
    assert same(load_params(path, shapes=shapes), params)

    bad = [
        ({**params, "W2": params["W2"].T}, {}, "W2 .* do not fit|W2 has 2 columns"),
        ({k: v for k, v in params.items() if k != "b1"}, {}, "missing b1"),
        (params, {"shapes": {**shapes, "W1": (9, 9)}}, r"W1 has shape \(4, 3\)"),
        (params, {"shapes": {**shapes, "W3": (1, 2)}}, "missing: W3"),
        (params, {"spec_hash": "zzz"}, "different network"),
        ({**params, "W1": params["W1"] * np.nan}, {}, "W1 contains NaN"),
    ]
    for i, (p, kw, needle) in enumerate(bad):
        f = tmp_path / f"bad{i}.npz"
        np.savez(f, **p, __spec_hash__=np.array("abc123"))
        with pytest.raises(DataError, match=needle):
            load_params(f, **kw)
    with pytest.raises(DataError, match="missing.npz: file not found"):
        load_params(tmp_path / "missing.npz")
    np.savez(tmp_path / "extra.npz", **params, bias=np.zeros(2))
    with pytest.raises(DataError, match="unexpected array 'bias'"):
        load_params(tmp_path / "extra.npz")


HISTORY = [
    {"epoch": 1, "train_loss": 1.5, "test_loss": 1.7, "train_accuracy": 0.625, "test_accuracy": 0.5,
     "max_update": 0.1, "iterations": 3, "seconds": 0.01},
    {"epoch": 2, "train_loss": 0.75, "test_loss": None, "train_accuracy": 0.75, "test_accuracy": None,
     "max_update": None, "iterations": 6, "seconds": 0.02},
]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_write_metrics(tmp_path, suffix):
    path = write_metrics(tmp_path / f"m{suffix}", HISTORY)
    text = path.read_text()
    if suffix == ".json":
        assert json.loads(text) == HISTORY
    else:
        lines = text.splitlines()
        assert lines[0] == ("epoch,train_loss,test_loss,train_accuracy,test_accuracy,max_update,"
                            "iterations,seconds")
        assert lines[1] == "1,1.5,1.7,0.625,0.5,0.1,3,0.01" and lines[2] == "2,0.75,,0.75,,,6,0.02"
    assert [p.name for p in tmp_path.iterdir()] == [f"m{suffix}"]


def test_write_metrics_rejects_unknown_suffix(tmp_path):
    with pytest.raises(DataError, match=r"\.csv or \.json"):
        write_metrics(tmp_path / "m.txt", HISTORY)


@pytest.mark.parametrize("history", [HISTORY, [dict(h, test_accuracy=None) for h in HISTORY]])
def test_plot_history_writes_png(tmp_path, history):
    path = plot_history(tmp_path / "sub" / "h.png", history)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["h.png"]


# ---------------------------------------------------------------------------------------------
# Review fixes: divergence rule, one forward pass, extreme plots, metadata, permissions


def test_exploding_but_finite_loss_stops_in_the_first_epoch():
    ds, mod = dataset(n=40, loss="cce"), module("cce")
    cfg = settings(epochs=5, learning_rate=1e300, batch_size=8)
    res = train(mod, ds, cfg, progress=False)
    assert res.stopped_reason == "diverged" and res.history == []
    assert "in epoch 1 with learning rate 1e+300" in res.message
    # not 1e+299: the advice is read off the loss's curvature at the starting parameters
    assert 0.01 <= res.suggested_lr <= 10
    assert f"try a smaller learning rate such as {res.suggested_lr:g}" in res.message
    assert same(res.params, mod.init_params(np.random.default_rng(cfg.seed)))


@pytest.mark.parametrize("start, limit", [(2.0, 1e4), (100.0, 1e5), (-50.0, 5e4), (0.0, 1e4),
                                          (None, 1e4), (float("nan"), 1e4), (float("inf"), 1e4)])
def test_divergence_limit(start, limit):
    from training.loop import divergence_limit

    assert divergence_limit(start) == limit


def test_non_finite_parameters_are_divergence():
    base = module()

    def train_step(params, X, Y, lr, return_max_update=False):  # the loss never sees them
        params["b1"][0] = np.inf
        return 0.5

    stub = SimpleNamespace(LOSS="mse", LAYERS=base.LAYERS, BATCH="mean",
                           init_params=base.init_params, train_step=train_step,
                           forward=lambda p, X: (np.zeros((len(X), 2)), None),
                           loss=lambda p, X, Y: 0.5,
                           backward=lambda p, cache, Y: {k: np.zeros_like(v) for k, v in p.items()})
    res = train(stub, dataset(), settings(epochs=3), progress=False)
    assert res.stopped_reason == "diverged" and res.history == []
    assert "parameters became NaN or infinite in epoch 1" in res.message
    assert all(np.isfinite(v).all() for v in res.params.values())


class CountingForward:
    """A generated module whose forward passes are counted (loss() goes through forward too)."""

    def __init__(self, mod, with_cache_loss=True):
        self.mod, self.calls, self.steps = mod, 0, 0
        self.LOSS, self.LAYERS, self.BATCH = mod.LOSS, mod.LAYERS, mod.BATCH
        self.init_params, self.backward, self.update = mod.init_params, mod.backward, mod.update
        if with_cache_loss:
            self.loss_from_cache = mod.loss_from_cache

    def forward(self, params, X):
        self.calls += 1
        return self.mod.forward(params, X)

    def train_step(self, params, X, Y, lr, return_max_update=False):
        # the generated step runs its own forward pass once, inside
        self.calls, self.steps = self.calls + 1, self.steps + 1
        return self.mod.train_step(params, X, Y, lr, return_max_update)

    def loss(self, params, X, Y):
        return self.mod.loss_from_cache(self.forward(params, X)[1], Y)


@pytest.mark.parametrize("with_cache_loss", [True, False])
def test_one_forward_pass_per_batch_and_per_evaluation(with_cache_loss):
    from codegen.modules import load_module

    root = Path(__file__).resolve().parent.parent
    mod = CountingForward(load_module(root / "generated" / "digits_64_32_10.py"), with_cache_loss)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 64))
    Y = np.eye(10)[rng.integers(0, 10, 50)]
    ds = Dataset(X_train=X[:40], Y_train=Y[:40], X_test=X[40:], Y_test=Y[40:], n_classes=10,
                 feature_names=(), target_name="y", source="synthetic", kind="classification")
    res = train(mod, ds, settings(epochs=2, batch_size=10), progress=False)
    assert res.stopped_reason == "epochs" and res.history[-1]["test_accuracy"] is not None
    # the starting training and test loss once, then per epoch: 4 fused train_step calls (one
    # forward pass each), the training loss and accuracy, the test loss and accuracy (one chunk
    # each); without loss_from_cache an evaluation's loss() adds a forward pass
    evals = 1 if with_cache_loss else 2
    assert mod.steps == 2 * 4 and mod.calls == 2 * evals + 2 * (4 + 2 * evals)
    assert evaluate(mod, res.params, X[40:], Y[40:]) == (
        res.history[-1]["test_loss"], res.history[-1]["test_accuracy"])


@pytest.mark.parametrize("losses", [
    [2.3, 1e294, 1.8e299],       # the demo at --lr 1e300
    [1e100, 1e294, 1e300],       # matplotlib's log axis overflowed on this range
    [0.0, 1e307, 1.7e308],       # a zero rules out log scale, the size rules out linear
    [1.0, float("inf"), float("nan")],
    [float("nan"), float("nan"), float("nan")],
    [0.5, 0.25, 0.0],
])
def test_plot_history_survives_extreme_losses(tmp_path, losses):
    history = [{"epoch": i + 1, "train_loss": v, "test_loss": v * 1.1, "test_accuracy": 0.5,
                "max_update": 1.0, "seconds": 0.01} for i, v in enumerate(losses)]

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings leaking out of matplotlib either
        path = plot_history(tmp_path / "h.png", history)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_power_of_ten_tick_labels():
    from training.loop import _power_of_ten

    assert [_power_of_ten(y) for y in (-1.0, 0.0, 0.5, 294.0, 307.5, -320.0)] == [
        "0.1", "1", "3.16", "1e294", "1e307.5", "1e-320"]


def test_reserved_metadata_round_trips_and_is_not_a_parameter(tmp_path):
    from training.loop import read_params

    params = module().init_params(np.random.default_rng(0))
    extra = {"feature_mean": np.zeros(3), "target_name": np.array("y")}
    path = save_params(tmp_path / "p.npz", params, "abc123", extra=extra)
    assert same(load_params(path, spec_hash="abc123"), params)
    got, meta = read_params(path, shapes={k: v.shape for k, v in params.items()})
    assert same(got, params) and meta.keys() == {"feature_mean", "target_name"}
    assert str(meta["target_name"]) == "y"
    for bad in ("spec_hash", "a b", ""):
        with pytest.raises(DataError, match="cannot name extra data"):
            save_params(tmp_path / "q.npz", params, "abc123", extra={bad: np.zeros(1)})


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_files_get_normal_permissions(tmp_path, umask):


    old = os.umask(umask)
    try:
        paths = [save_params(tmp_path / "p.npz", module().init_params(np.random.default_rng(0)), "h"),
                 write_metrics(tmp_path / "m.csv", HISTORY), plot_history(tmp_path / "c.png", HISTORY)]
    finally:
        os.umask(old)
    for p in paths:
        assert p.stat().st_mode & 0o777 == 0o666 & ~umask, p.name


# ---------------------------------------------------------------------------------------------
# User review: parameter files that are not parameter files, stop messages


@pytest.mark.parametrize("kind", ["text", "empty", "npy", "data"])
def test_read_params_rejects_files_not_written_by_train(tmp_path, kind):
    path = tmp_path / "garbage.npz"
    if kind == "text":
        path.write_text("hello\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "npy":
        with path.open("wb") as f:
            np.save(f, np.zeros(3))
    else:  # a data archive (X, y) passed where parameters belong
        np.savez(path, X=np.zeros((2, 3)), y=np.zeros(2))
    why = "not an .npz archive" if kind != "data" else "it holds X, y"
    for kw in ({}, {"spec_hash": "abc"}):
        with pytest.raises(DataError) as e:
            load_params(path, **kw)
        assert str(e.value) == f"{path}: not a parameter file written by nnderive train ({why})"


@pytest.mark.parametrize("kw, needle", [
    ({}, "after 6 of 6 epochs"),
    ({"tolerance": 1e3}, "early, in epoch 1 of 6: the largest weight update"),
    ({"loss_tolerance": 1e3}, "early, in epoch 2 of 6: the training loss changed by"),
])
def test_stop_messages_read_naturally(kw, needle):
    res = train(module(), dataset(), settings(epochs=6, **kw), progress=False)
    assert res.message.startswith(needle), res.message
    assert "finished" not in res.message


@pytest.mark.parametrize("x", [0.65363, 0.3233, 0.0099412, 12345.6, 1e-9])
def test_loss_text_has_one_fixed_width_format(x):
    from training.loop import loss_text

    assert len(loss_text(x)) == 11 and float(loss_text(x)) == pytest.approx(x, rel=1e-5)


def test_curvature_is_the_largest_hessian_eigenvalue_of_the_per_sample_loss():
    # a linear model under mse: L = 1/N |A theta - y|^2 with A = [X 1], so H = 2/N A^T A exactly
    from codegen.emit import format_source, render
    from codegen.verify_generated import import_source
    from derive.pipeline import derive
    from derive.spec import build_spec
    from training.advice import advise, curvature

    spec = build_spec([3, 1], ["linear"], "mse", name="plane")
    mod = import_source(format_source(render(derive(spec, layout="row", verify=False))), "plane")
    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 3)) * [1.0, 3.0, 0.5]
    Y = X @ [[1.0], [-2.0], [0.5]] + 0.3
    A = np.column_stack([X, np.ones(50)])
    exact = float(np.linalg.eigvalsh(2 / 50 * A.T @ A).max())
    params = mod.init_params(np.random.default_rng(0))
    lam = curvature(mod, params, X, Y, per_sum=False)
    assert lam == pytest.approx(exact, rel=1e-3)
    tip = advise(1.0, lam, "here")
    assert tip.learning_rate <= 1 / exact < 2 / exact and "2/" in tip.text
    ds = Dataset(X_train=X, Y_train=Y, X_test=X[:0], Y_test=Y[:0], n_classes=None,
                 feature_names=("a", "b", "c"), target_name="y", source="plane", kind="regression")
    runs = {alpha: train(mod, ds, settings(epochs=200, batch_size=0, learning_rate=alpha),
                         progress=False, params=params)
            for alpha in (tip.learning_rate, 2.2 / exact)}
    assert runs[tip.learning_rate].stopped_reason == "epochs"  # below the limit: converges
    assert runs[2.2 / exact].stopped_reason == "diverged"  # just past 2/lambda: diverges
