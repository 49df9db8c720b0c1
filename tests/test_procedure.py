"""One learning procedure everywhere: the document, the generated step and the trainer take the same step."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from codegen.emit import format_source
from codegen.emit import render as render_module
from codegen.verify_generated import import_source
from derive.pipeline import derive
from derive.present.document import render
from derive.present.worked_example import compute, example_from_dict
from derive.procedure import Batching, learning_procedure, schedule, update_rule
from derive.spec import Training, build_spec
from training.data import Dataset
from training.loop import train

DECIMALS = 10  # the worked example printed to 10 decimals: float64 agrees far below that

# The same network and values on a loss that sums over the batch and on one that averages it.
VALUES = {
    "x": [[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]],  # two samples: N = 2, so alpha/N differs from alpha
    "y": [[0.2, 0.7], [0.9, 0.1]],
    "W1": [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [0.2, 0.1, -0.1]],
    "b1": [0.15, -0.2, 0.05, 0.0],  # no pre-activation exactly at ReLU's kink
    "W2": [[0.3, -0.4, 0.2, 0.6], [-0.5, 0.1, 0.7, -0.3]],
    "b2": [0.05, -0.1],
    "alpha": 0.5,
}
CASES = {
    "sum (half_sse, article 000)": ("half_sse", ["sigmoid", "linear"]),
    "sum (sse)": ("sse", ["tanh", "sigmoid"]),
    "mean (mse, article 003)": ("mse", ["sigmoid", "linear"]),
    "mean (half_mse, article 004)": ("half_mse", ["relu", "sigmoid"]),
}


def _spec(loss, acts):
    return build_spec([3, 4, 2], acts, loss, name="three_ways")


def _source(spec) -> str:
    """The module `nnderive codegen` writes, without re-running its verification (tested elsewhere)."""
    return format_source(render_module(derive(spec, layout="row", verify=False)))


def _printed(w) -> dict[str, np.ndarray]:
    """The worked example's updated parameters as printed (rounded strings), in numpy shapes."""
    out = {}
    for q in w.updated:
        a = np.array([[float(v) for v in row] for row in q.shown])
        out[q.name.removesuffix("_new")] = a[:, 0] if q.name.startswith("b") else a
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_one_step_three_ways(case):
    loss, acts = CASES[case]
    spec = _spec(loss, acts)
    d = derive(spec, verify=False)  # the proof is tested elsewhere; the numbers are the same
    ex = example_from_dict(dict(VALUES), spec, "three_ways.toml")
    # the trainer and the generated step compute exactly: compare with the exact reading (article
    # 003's own default rounds its sigmoid outputs, a reading test_latex checks)
    w = compute(d, ex, DECIMALS, rounding="none")
    printed = _printed(w)
    document = render(d, "md", example=w)
    for q in w.updated:  # the numbers compared are the ones the document prints
        assert " & ".join(q.shown[0]) in document, q.name

    module = import_source(_source(spec), "three_ways_module")
    X, Y = np.array(VALUES["x"]), np.array(VALUES["y"])
    start = {k: np.array(VALUES[k], dtype=float) for k in ("W1", "b1", "W2", "b2")}

    # 2. the generated train_step on the whole batch
    stepped = {k: v.copy() for k, v in start.items()}
    module.train_step(stepped, X, Y, VALUES["alpha"])
    # 3. the trainer for one full-batch epoch, no test split, no shuffling
    data = Dataset(X_train=X, Y_train=Y, X_test=X[:0], Y_test=Y[:0], n_classes=None,
                   feature_names=("a", "b", "c"), target_name="y", source="three ways",
                   kind="regression")
    cfg = replace(Training(), epochs=1, batch_size=0, learning_rate=VALUES["alpha"], shuffle=False)
    trained = train(module, data, cfg, progress=False, params=start).params

    for k in start:
        np.testing.assert_array_equal(trained[k], stepped[k], err_msg=k)  # one step, same code
        np.testing.assert_allclose(stepped[k], printed[k], rtol=0, atol=0.51 * 10.0 ** -DECIMALS,
                                   err_msg=k)
        assert not np.allclose(stepped[k], start[k]), k  # the step moved every parameter


@pytest.mark.parametrize("loss, divided", [("half_sse", True), ("mse", False), ("cce", False)])
def test_sum_losses_step_along_the_mean_gradient(loss, divided):
    acts = ["sigmoid", "softmax" if loss == "cce" else "sigmoid"]
    spec = build_spec([3, 4, 2], acts, loss)
    rule = update_rule(spec)
    assert rule.divides_by_batch == divided and rule.batch == spec.conventions.batch
    assert rule.step(0.5, 4) == (0.125 if divided else 0.5)
    assert [p for p, _ in rule.params] == ["W1", "b1", "W2", "b2"]
    assert ("lr / N" in rule.lr_meaning()) == divided
    # the document and the generated module print this rule, not a rule of their own
    tex = render(derive(spec, verify=False), "tex")
    assert (r"\frac{\alpha}{N}\, \frac{\partial L}{\partial W^{1}}" in tex) == divided
    source = _source(spec)
    assert ("step = lr / N" in source) == divided and ("step = lr\n" in source) != divided
    assert ("def update(params, grads, lr, N=None):" in source) == divided
    assert "Learning rate: lr is the learning rate alpha" in source


def test_worked_example_steps_by_alpha_over_n_for_a_sum_loss():
    spec = _spec("half_sse", ["sigmoid", "linear"])
    d = derive(spec, verify=False)
    w = compute(d, example_from_dict(dict(VALUES), spec, "v.toml"), 4)
    grads = {q.name.removeprefix("dL_d"): q.exact for q in w.gradients}
    for q in w.updated:
        name = q.name.removesuffix("_new")
        start = w.values.params[name]
        assert q.exact == start - grads[name] * w.values.alpha / 2, name  # N = 2 samples
    assert r"\alpha/N = 0.25" in render(d, "tex", example=w)


@pytest.mark.parametrize("batch_size, n, method, iterations", [
    (0, 6, "batch gradient descent", 1),  # article 000, Figure 2: 1, 6 and 3 iterations per epoch
    (1, 6, "stochastic gradient descent", 6),
    (2, 6, "mini-batch gradient descent", 3),
    (4, 6, "mini-batch gradient descent", 2),
    (10, 6, "batch gradient descent", 1),
])
def test_batching_counts_iterations(batch_size, n, method, iterations):
    b = Batching(batch_size, shuffle=True)
    assert b.method(n) == method and b.iterations(n) == iterations
    assert f"{iterations} iteration{'s' if iterations > 1 else ''} per epoch on 6 samples" in b.describe(n)


@pytest.mark.parametrize("kw, stops", [
    ({}, []),
    ({"tolerance": 1e-6}, ["tolerance"]),
    ({"target_loss": 0.01, "loss_tolerance": 1e-9, "tolerance": 1e-6},
     ["target_loss", "tolerance", "loss_tolerance"]),
])
def test_schedule_holds_the_stopping_rules(kw, stops):
    plan = schedule(replace(Training(), **kw))
    assert [r.name for r in plan.stops] == stops
    assert plan.tracks_updates == ("tolerance" in stops)
    spec = build_spec([2, 2, 1], ["sigmoid", "linear"], "mse", training=replace(Training(), **kw))
    assert learning_procedure(spec).schedule == plan
    tex = render(derive(spec, verify=False), "tex")
    for rule in plan.stops:  # the algorithm box lists exactly the schedule's rules
        assert rule.words() in tex
