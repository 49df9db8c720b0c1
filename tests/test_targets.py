"""Targets that fit the output: ranges, standardization only for unbounded outputs, classification with any loss."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from codegen.emit import format_source, render
from codegen.verify_generated import import_source
from derive.errors import DataError
from derive.pipeline import derive
from derive.primitives import ACTIVATIONS, Primitive
from derive.spec import Training, build_spec
from training.data import load_dataset
from training.loop import train


def module_for(spec):
    """The generated module of spec (its verification is tested elsewhere; this is for speed)."""
    return import_source(format_source(render(derive(spec, layout="row", verify=False))),
                         f"targets_{spec.name}")


def write_csv(path: Path, header, rows) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


# ---------------------------------------------------------------------------------------------
# Output ranges


@pytest.mark.parametrize("name", sorted(n for n, e in ACTIVATIONS.items() if not e.vector_valued))
def test_output_range_matches_the_closed_form(name):
    entry = ACTIVATIONS[name]
    low, high = entry.output_range()
    z = sp.Symbol("z", real=True)
    fz = entry.apply(z)
    f = sp.lambdify(z, type(fz).explicit(*fz.args) if isinstance(fz, Primitive) else fz, "mpmath")
    values = [float(f(v)) for v in np.linspace(-30, 30, 6001)]
    assert min(values) >= low - 1e-12 and max(values) <= high + 1e-12
    # each finite bound is approached: the function comes within 1e-5 of it on the grid
    for bound, seen in ((low, min(values)), (high, max(values))):
        if math.isfinite(bound):
            assert abs(seen - bound) < 1e-5, (name, bound, seen)
        else:  # an unbounded side grows past any bound
            far = float(f(math.copysign(1e6, bound)))
            assert abs(far) > 1e3 and math.copysign(1, far) == math.copysign(1, bound), (name, far)


def test_parameters_move_the_range():
    assert ACTIVATIONS["elu"].output_range({"alpha": 2.0}) == (-2.0, math.inf)
    assert ACTIVATIONS["leaky_relu"].output_range({"slope": -0.5}) == (0.0, math.inf)
    assert ACTIVATIONS["leaky_relu"].output_range() == (-math.inf, math.inf)


# ---------------------------------------------------------------------------------------------
# Standardization and range checks


def regression_csv(tmp_path, values):
    rows = [[i, (i * 7) % 5, v] for i, v in enumerate(values)]
    return write_csv(tmp_path / "r.csv", ["a", "b", "t"], rows)


@pytest.mark.parametrize("output, standardized", [("linear", True), ("leaky_relu", True),
                                                  ("sigmoid", False), ("tanh", False),
                                                  ("relu", False), ("softplus", False)])
def test_targets_are_standardized_only_for_unbounded_outputs(tmp_path, output, standardized):
    values = [0.1, 0.35, 0.5, 0.65, 0.9, 0.2, 0.8, 0.45]
    spec = build_spec([2, 3, 1], ["tanh", output], "mse",
                      data={"source": str(regression_csv(tmp_path, values)), "target": "t"},
                      training={"test_fraction": 0.0})
    ds = load_dataset(spec)
    assert (ds.target_mean is not None) == standardized
    if standardized:
        assert abs(ds.Y_train.mean()) < 1e-12 and "standardized" in ds.target_scaling
    else:
        np.testing.assert_allclose(ds.Y_train[:, 0], values)
        assert ds.target_scaling.startswith(f"used as given: the {output} output's range is")


@pytest.mark.parametrize("output, bad, shown", [("sigmoid", 1.5, "[0, 1]"), ("tanh", -2.0, "[-1, 1]"),
                                                ("relu", -0.5, "[0, infinity]")])
def test_a_target_outside_the_output_range_names_the_row(tmp_path, output, bad, shown):
    path = regression_csv(tmp_path, [0.5, 0.25, bad, 0.75])
    spec = build_spec([2, 3, 1], ["tanh", output], "mse", data={"source": str(path), "target": "t"})
    with pytest.raises(DataError) as e:
        load_dataset(spec)
    msg = str(e.value)
    assert f"{path}: row 4: target {bad:g} is outside {shown}" in msg and output in msg


def test_several_target_columns_and_their_ranges(tmp_path):
    header = ["x1", "x2", "x3", "a", "b"]
    path = write_csv(tmp_path / "two.csv", header,
                     [[i, i % 3, i % 2, 0.1 * (i % 9), 0.05 * i] for i in range(12)])
    spec = build_spec([3, 5, 2], ["sigmoid", "sigmoid"], "half_sse",
                      data={"source": str(path), "target": ["a", "b"]}, training={"test_fraction": 0})
    ds = load_dataset(spec)
    assert ds.Y_train.shape == (12, 2) and ds.target_names == ("a", "b") and ds.kind == "regression"
    big = write_csv(tmp_path / "big.csv", header, [[i, 0, 0, 0.5, 0.1 * i] for i in range(12)])
    with pytest.raises(DataError, match=r"big.csv: row 13, column 'b': target 1.1 is outside \[0, 1\]"):
        load_dataset(spec, source=str(big))


# ---------------------------------------------------------------------------------------------
# Classification with any loss


def test_one_label_column_becomes_one_hot_rows_for_a_vector_output():
    # article 004: sigmoid outputs, (half) MSE against one-hot labels, accuracy every epoch
    spec = build_spec([64, 16, 10], ["relu", "sigmoid"], "half_mse", data={"source": "digits"},
                      training={"epochs": 8, "batch_size": 16, "learning_rate": 2.0, "seed": 0})
    ds = load_dataset(spec)
    assert ds.kind == "classification" and ds.Y_train.shape[1] == 10
    assert np.all(ds.Y_train.sum(axis=1) == 1) and set(np.unique(ds.Y_train)) == {0.0, 1.0}
    res = train(module_for(spec), ds, spec.training, progress=False)
    last = res.history[-1]
    assert last["test_accuracy"] > 0.85 and last["train_accuracy"] > 0.85, last


def test_a_sigmoid_output_beats_the_mean_on_targets_inside_its_range():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = 1 / (1 + np.exp(-(2 * X[:, 0] - 1.5 * X[:, 1])))  # inside (0, 1)
    spec = build_spec([2, 8, 1], ["tanh", "sigmoid"], "mse", name="squash",
                      training={"epochs": 60, "batch_size": 16, "learning_rate": 1.0})
    from training.data import Dataset

    ds = Dataset(X_train=X[:240], Y_train=y[:240, None], X_test=X[240:], Y_test=y[240:, None],
                 n_classes=None, feature_names=("a", "b"), target_name="y", source="synthetic",
                 kind="regression")
    res = train(module_for(spec), ds, spec.training, progress=False)
    baseline = float(np.mean((y[240:] - y[:240].mean()) ** 2))
    assert res.history[-1]["test_loss"] < 0.1 * baseline, (res.history[-1], baseline)


def iris_like(tmp_path: Path) -> Path:
    rng = np.random.default_rng(2)
    rows = []
    for k, name in enumerate(("setosa", "versicolor", "virginica")):
        for _ in range(30):
            rows.append([*(rng.normal(size=2) + 3 * k).round(4), name])
    rng.shuffle(rows)
    return write_csv(tmp_path / "flowers.csv", ["x1", "x2", "species"], rows)


@pytest.mark.parametrize("loss, output", [("mse", "sigmoid")])  # article 004's setup, text labels
def test_text_labels_are_mapped_saved_and_used_by_predict(cli, tmp_path, loss, output):
    data = iris_like(tmp_path)
    spec = tmp_path / "flowers.toml"
    spec.write_text(f'[network]\nlayers = [2, 6, 3]\nactivations = ["tanh", "{output}"]\nloss = "{loss}"\n'
                    "[training]\nepochs = 40\nbatch_size = 8\nlearning_rate = 0.5\n")
    code, out, err = cli("train", spec, "--data", data, "--target", "species", "--quiet",
                         "--out", "run")
    assert code == 0, err
    assert "classes: 0 = setosa, 1 = versicolor, 2 = virginica" in out
    assert "test accuracy" in out
    with np.load(tmp_path / "run" / "params.npz") as z:
        assert list(z["__class_names__"]) == ["setosa", "versicolor", "virginica"]
    code, out, err = cli("predict", "run/params.npz", spec, "--data", data, "--output", "p.csv")
    assert code == 0, err
    with (tmp_path / "p.csv").open() as f:
        got = [r["class"] for r in csv.DictReader(f)]
    with data.open() as f:
        truth = [r["species"] for r in csv.DictReader(f)]
    assert set(got) <= {"setosa", "versicolor", "virginica"}
    assert np.mean(np.array(got) == np.array(truth)) > 0.9
    assert "accuracy" in out


@pytest.mark.parametrize("text, layers, needle", [
    ("a,b,y\n1,2,cat\n3,4,dog\n5,6,eel\n", (2, 2), "3 classes ('cat', 'dog', 'eel') but the network has 2"),
    ("a,b,y\n1,2,cat\n3,4,dog\n5,6,eel\n", (2, 1), "a network with 1 output separates 2"),
    ("a,b,y\n1,2,cat\n3,4,\n", (2, 2), "row 3, column 'y' (column 3): empty cell"),
    ("a,b,y\n1,2,0\n3,4,dog\n", (2, 2), "row 3, column 'y' (column 3): 'dog' is not a number"),
])
def test_bad_labels_name_the_problem(tmp_path, text, layers, needle):
    p = tmp_path / "l.csv"
    p.write_text(text)
    with pytest.raises(DataError, match=None) as e:
        load_dataset({"source": str(p), "loss": "cce" if layers[1] > 1 else "bce", "layers": layers,
                      "target": "y", "test_fraction": 0.0})
    assert needle in str(e.value) and str(p) in str(e.value)


def test_unknown_label_at_predict_time_names_the_row(tmp_path):
    p = tmp_path / "l.csv"
    p.write_text("a,b,y\n1,2,cat\n3,4,owl\n")
    with pytest.raises(DataError, match=r"row 3: class label 'owl' is not one of the classes"):
        load_dataset({"source": str(p), "loss": "cce", "layers": (2, 2), "target": "y",
                      "test_fraction": 0.0, "classes": ("cat", "dog")})


def test_one_hot_rows_of_a_value_loss_are_scored_by_accuracy(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3))
    Y = np.eye(3)[np.argmax(X, axis=1)]
    np.savez(tmp_path / "h.npz", X=X, y=Y)
    ds = load_dataset({"source": str(tmp_path / "h.npz"), "loss": "half_sse", "layers": (3, 3),
                       "output": "sigmoid", "test_fraction": 0.25})
    assert ds.kind == "classification" and ds.Y_train.shape == (30, 3)


# ---------------------------------------------------------------------------------------------
# Features: MNIST pixels to [0, 1], data as given


def write_idx(path: Path, a: np.ndarray) -> None:
    head = bytes([0, 0, 0x08, a.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in a.shape)
    path.write_bytes(head + a.astype(np.uint8).tobytes())


@pytest.mark.parametrize("standardize", [True, False])
def test_mnist_pixels_are_scaled_to_the_unit_interval(tmp_path, standardize):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(20, 2, 2)).astype(np.uint8)
    images[0] = 255
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", (np.arange(20) % 3).astype(np.uint8))
    ds = load_dataset({"source": f"mnist:{tmp_path}", "loss": "cce", "layers": (4, 3),
                       "test_fraction": 0.0, "standardize": standardize})
    pixels = images.reshape(20, 4).astype(float)
    if standardize:  # article 004: black 0, white 1, grey in between
        np.testing.assert_allclose(ds.X_train, pixels / 255)
        assert ds.X_train.max() == 1.0 and "to [0, 1], as article 004 does" in ds.feature_scaling
    else:
        np.testing.assert_array_equal(ds.X_train, pixels)


def test_a_single_training_sample_keeps_its_features(tmp_path):
    p = write_csv(tmp_path / "one.csv", ["a", "b", "c", "t1", "t2"], [[1.0, 4.0, 5.0, 0.1, 0.05]])
    ds = load_dataset({"source": str(p), "loss": "mse", "layers": (3, 2), "target": ("t1", "t2"),
                       "test_fraction": 0.0})
    np.testing.assert_array_equal(ds.X_train, [[1.0, 4.0, 5.0]])
    np.testing.assert_array_equal(ds.Y_train, [[0.1, 0.05]])
    assert "single training sample" in ds.feature_scaling


def test_no_standardize_uses_the_data_as_given(tmp_path):
    p = regression_csv(tmp_path, [3.0, 1.0, 7.0, 5.0, 2.0])
    ds = load_dataset({"source": str(p), "loss": "mse", "layers": (2, 1), "target": "t",
                       "test_fraction": 0.0, "standardize": False})
    np.testing.assert_array_equal(ds.Y_train[:, 0], [3.0, 1.0, 7.0, 5.0, 2.0])
    np.testing.assert_array_equal(ds.X_train[:, 0], [0, 1, 2, 3, 4])
    assert ds.target_mean is None and "standardize = false" in ds.feature_scaling
    assert Training().standardize
