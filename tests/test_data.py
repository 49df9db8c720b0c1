"""Tests for codegen.data: CSV/npz/IDX parsing, target encoding, splitting and standardization."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from derive.errors import DataError
from training.data import load_dataset, read_idx


def args(source, loss="cce", layers=(2, 3), **kw):
    return {"source": str(source), "loss": loss, "layers": layers, **kw}


def write(tmp_path, text, name="d.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


# ---------------------------------------------------------------------------------------------
# CSV

GOOD = "a,b,y\n1,2,0\n3,4,1\n5,6,2\n7,8,1\n"


@pytest.mark.parametrize("text, kw, needles", [
    ("a,b,y\n1,2,0\n3,x,1\n", {}, ["row 3", "'b'", "column 2", "'x' is not a number"]),
    ("a,b,y\n1,2,0\n3,,1\n", {}, ["row 3", "'b'", "empty cell"]),
    ("a,b,y\n1,2,0\nnan,4,1\n", {}, ["row 3", "'a'", "column 1", "not a finite number"]),
    ("a,b,y\n1,2,0\n1,-inf,1\n", {}, ["row 3", "'b'", "not a finite number"]),
    ("a,b,y\n1,2,0\n1,2,x\n", {}, ["row 3", "'y'", "column 3"]),
    ("a,b,y\n1,2,0\n3,4\n", {}, ["row 3", "2 cells", "3 columns"]),
    ("a,b,y\n1,2,0\n\n3,4,7\n", {}, ["row 4", "class label 7", "[0, 3)"]),
    ("a,b,y\n1,2,0\n3,4,1.5\n", {}, ["row 3", "class label 1.5"]),
    ("a,b,y\n1,2,0\n3,4,-1\n", {}, ["row 3", "class label -1"]),
    ("a,b,c,y\n1,2,3,0\n", {}, ["3 feature columns", "2 inputs"]),
    ("a,b,y\n1,2,0\n", {"target": "label"}, ["'label' not in the header", "a, b, y"]),
    ("a,b,y\n1,2,0\n", {"features": ("a", "z")}, ["feature column 'z'"]),
    ("1,2,0\n3,4,1\n", {}, ["row 1", "first row must name the columns"]),
    ("a,a,y\n1,2,0\n", {}, ["'a' appears twice"]),
    ("", {}, ["empty file"]),
])
def test_csv_errors_name_file_row_and_column(tmp_path, text, kw, needles):
    p = write(tmp_path, text)
    with pytest.raises(DataError) as e:
        load_dataset(args(p, **{"target": "y", **kw}))
    msg = str(e.value)
    assert "\n" not in msg
    for needle in [str(p), *needles]:
        assert needle in msg, (needle, msg)


def test_missing_files_name_the_path(tmp_path):
    for source in (tmp_path / "nope.csv", tmp_path / "nope.npz", f"mnist:{tmp_path / 'nodir'}"):
        with pytest.raises(DataError, match="not found") as e:
            load_dataset(args(source, target="y"))
        assert str(source).removeprefix("mnist:") in str(e.value)


def test_csv_reads_chosen_columns_and_one_hot_targets(tmp_path):
    p = write(tmp_path, "a,b,y\n1,2,0\n3,4,1\n5,6,2\n7,8,1\n")
    ds = load_dataset(args(p, target="y", features=("b", "a"), test_fraction=0.0))
    assert ds.feature_names == ("b", "a")
    raw = ds.X_train * ds.feature_scale + ds.feature_mean
    np.testing.assert_allclose(raw, [[2, 1], [4, 3], [6, 5], [8, 7]])
    np.testing.assert_array_equal(ds.Y_train, np.eye(3)[[0, 1, 2, 1]])
    assert ds.X_test.shape == (0, 2) and ds.n_classes == 3 and ds.kind == "classification"


def test_csv_requires_a_target_name(tmp_path):
    with pytest.raises(DataError, match="name the target column"):
        load_dataset(args(write(tmp_path, GOOD)))


# ---------------------------------------------------------------------------------------------
# Target encodings


@pytest.mark.parametrize("loss, layers, shape, dtype", [
    ("cce", (2, 3), (4, 3), np.float64),
    ("sparse_cce", (2, 3), (4,), np.int64),
    ("bce", (2, 3), (4, 3), np.float64),
    ("mse", (2, 1), (4, 1), np.float64),
    ("half_sse", (2, 1), (4, 1), np.float64),
])
def test_target_encoding_per_loss(tmp_path, loss, layers, shape, dtype):
    ds = load_dataset(args(write(tmp_path, GOOD), loss=loss, layers=layers, target="y",
                           test_fraction=0.0))
    assert ds.Y_train.shape == shape and ds.Y_train.dtype == dtype
    assert ds.kind == ("regression" if loss in ("mse", "half_sse") else "classification")


def test_bce_single_output_uses_labels_as_0_1(tmp_path):
    p = write(tmp_path, "a,b,y\n1,2,0\n3,4,1\n5,6,1\n")
    ds = load_dataset(args(p, loss="bce", layers=(2, 1), target="y", test_fraction=0.0))
    np.testing.assert_array_equal(ds.Y_train, [[0], [1], [1]])
    assert ds.n_classes == 2
    with pytest.raises(DataError, match="row 4.*class label 2"):
        load_dataset(args(write(tmp_path, "a,b,y\n1,2,0\n3,4,1\n5,6,2\n"), loss="bce",
                          layers=(2, 1), target="y"))


# ---------------------------------------------------------------------------------------------
# npz


def test_npz_round_trip_and_errors(tmp_path):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 4)), np.arange(30) % 3
    np.savez(tmp_path / "ok.npz", X=X, y=y)
    ds = load_dataset(args(tmp_path / "ok.npz", layers=(4, 3), loss="sparse_cce",
                           test_fraction=0.0))
    np.testing.assert_allclose(ds.X_train * ds.feature_scale + ds.feature_mean, X)
    np.testing.assert_array_equal(ds.Y_train, y)

    bad = X.copy()
    bad[7, 2] = np.nan
    cases = [
        ({"X": X, "target": y}, "needs arrays named X and y"),
        ({"X": X, "y": y[:-1]}, "30 rows but y has 29"),
        ({"X": bad, "y": y}, r"X\[7\] contains NaN"),
        ({"X": X[:, 0], "y": y}, "X must be 2-D"),
        ({"X": X, "y": np.where(y == 2, 9, y)}, r"y\[2\]: class label 9"),
    ]
    for i, (arrays, needle) in enumerate(cases):
        p = tmp_path / f"bad{i}.npz"
        np.savez(p, **arrays)
        with pytest.raises(DataError, match=needle):
            load_dataset(args(p, layers=(4, 3)))
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not a readable .npz"):
        load_dataset(args(tmp_path / "junk.npz", layers=(4, 3)))


# ---------------------------------------------------------------------------------------------
# IDX / MNIST

TYPE_CODES = {np.dtype("u1"): 0x08, np.dtype("i1"): 0x09, np.dtype("i2"): 0x0B,
              np.dtype("i4"): 0x0C, np.dtype("f4"): 0x0D, np.dtype("f8"): 0x0E}


def idx_bytes(a: np.ndarray) -> bytes:
    """An IDX file written by hand from the format description (independent of read_idx)."""
    head = bytes([0, 0, TYPE_CODES[a.dtype], a.ndim]) + b"".join(struct.pack(">I", d) for d in a.shape)
    return head + a.astype(a.dtype.newbyteorder(">")).tobytes()


def write_idx(path, a, gz=False):
    data = idx_bytes(a)
    if gz:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data)
    path.write_bytes(data)


@pytest.mark.parametrize("array", [
    np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
    np.array([-3, 0, 7], dtype=np.int8),
    np.array([[1000, -2], [3, 30000]], dtype=np.int16),
    np.array([70000, -1, 2**31 - 1], dtype=np.int32),
    np.array([[0.5, -1.25]], dtype=np.float32),
    np.array([1e300, -2.5], dtype=np.float64),
])
@pytest.mark.parametrize("gz", [False, True])
def test_idx_round_trip(tmp_path, array, gz):
    write_idx(tmp_path / "a.idx", array, gz)
    back = read_idx(tmp_path / ("a.idx.gz" if gz else "a.idx"))
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


@pytest.mark.parametrize("blob, needle", [
    (b"\x00\x00", "truncated IDX file"),
    (b"\x08\x03\x00\x00" + bytes(12), "bad IDX magic number 0x08030000"),
    (b"\x00\x00\x07\x01" + bytes(4), "bad IDX magic"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated IDX header"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x05" + bytes(3), "truncated IDX data"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x02" + bytes(3), "1 unexpected byte after"),
    (b"\x1f\x8b\x08\x00broken", "damaged gzip"),
])
def test_idx_rejects_bad_files(tmp_path, blob, needle):
    p = tmp_path / "bad-idx"
    p.write_bytes(blob)
    with pytest.raises(DataError, match=needle) as e:
        read_idx(p)
    assert str(p) in str(e.value)


def make_mnist(folder, n_train=12, n_test=0, gz=False, dotted=False):
    rng = np.random.default_rng(0)
    folder.mkdir(exist_ok=True)
    sets = {"train": n_train, "t10k": n_test}
    out = {}
    for prefix, n in sets.items():
        if not n:
            continue
        images = rng.integers(0, 256, size=(n, 3, 3), dtype=np.uint8)
        labels = (np.arange(n) % 3).astype(np.uint8)
        sep = "." if dotted else "-"
        write_idx(folder / f"{prefix}-images{sep}idx3-ubyte", images, gz)
        write_idx(folder / f"{prefix}-labels{sep}idx1-ubyte", labels, gz)
        out[prefix] = (images.reshape(n, 9).astype(float), labels)
    return out


@pytest.mark.parametrize("gz, dotted, n_test", [(False, False, 0), (True, False, 0),
                                                (False, True, 6), (True, True, 6)])
def test_mnist_folder_loads(tmp_path, gz, dotted, n_test):
    truth = make_mnist(tmp_path / "m", gz=gz, dotted=dotted, n_test=n_test)
    ds = load_dataset(args(f"mnist:{tmp_path / 'm'}", loss="sparse_cce", layers=(9, 3),
                           test_fraction=0.25))
    assert ds.feature_names[:2] == ("pixel_0_0", "pixel_0_1")
    if n_test:
        X, y = truth["t10k"]
        np.testing.assert_allclose(ds.X_test * ds.feature_scale + ds.feature_mean, X, atol=1e-9)
        np.testing.assert_array_equal(ds.Y_test, y)
        assert len(ds.X_train) == 12
    else:
        assert (len(ds.X_train), len(ds.X_test)) == (9, 3)


def test_mnist_problems(tmp_path):
    make_mnist(tmp_path / "m")
    with pytest.raises(DataError, match="9 feature columns but the network has 784 inputs"):
        load_dataset(args(f"mnist:{tmp_path / 'm'}", layers=(784, 10)))
    with pytest.raises(DataError, match=r"label 2: class label 2 is not an integer in \[0, 2\)"):
        load_dataset(args(f"mnist:{tmp_path / 'm'}", layers=(9, 2)))
    (tmp_path / "m" / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError, match="missing MNIST file train-labels-idx1-ubyte"):
        load_dataset(args(f"mnist:{tmp_path / 'm'}", layers=(9, 3)))


# ---------------------------------------------------------------------------------------------
# Bundled sets, split and standardization


@pytest.mark.parametrize("loss, dtype, y_shape", [("cce", "float64", (10,)),
                                                  ("sparse_cce", "float32", ())])
def test_digits(loss, dtype, y_shape):
    ds = load_dataset(args("digits", loss=loss, layers=(64, 10), dtype=dtype, seed=3))
    assert ds.n_features == 64 and ds.n_classes == 10 and len(ds.feature_names) == 64
    assert (len(ds.X_train), len(ds.X_test)) == (1437, 360)
    assert ds.X_train.dtype == np.dtype(dtype) and ds.Y_train.shape[1:] == y_shape
    labels = ds.Y_test if loss == "sparse_cce" else ds.Y_test.argmax(axis=1)
    # Stratified: every class keeps its share (~36 of 360) in the test split.
    assert np.bincount(labels, minlength=10).min() >= 34


def test_diabetes_regression_standardizes_target_with_train_stats():
    ds = load_dataset(args("diabetes", loss="mse", layers=(10, 1)))
    assert ds.kind == "regression" and ds.n_classes is None and ds.Y_train.shape[1] == 1
    np.testing.assert_allclose(ds.Y_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.Y_train.std(axis=0), 1, atol=1e-12)
    raw_train = ds.unscale_targets(ds.Y_train)
    assert 25 <= raw_train.min() and raw_train.max() <= 346  # the diabetes target's range
    np.testing.assert_allclose(ds.target_mean, raw_train.mean(axis=0))


def test_standardization_uses_train_statistics_only(tmp_path):
    n = 50
    X = np.column_stack([np.arange(n) ** 2.0, np.full(n, 7.0), np.linspace(-1, 3, n)])
    np.savez(tmp_path / "s.npz", X=X, y=np.arange(n) % 2)
    ds = load_dataset(args(tmp_path / "s.npz", layers=(3, 2), test_fraction=0.3, seed=5))
    raw_train = ds.X_train * ds.feature_scale + ds.feature_mean
    np.testing.assert_allclose(ds.feature_mean, raw_train.mean(axis=0))
    np.testing.assert_allclose(ds.feature_scale[[0, 2]], raw_train[:, [0, 2]].std(axis=0))
    assert not np.allclose(ds.feature_mean, X.mean(axis=0))
    np.testing.assert_allclose(ds.X_train[:, [0, 2]].mean(axis=0), 0, atol=1e-12)
    assert abs(ds.X_test[:, 0].mean()) > 1e-3  # the test split is not re-centred on itself
    assert ds.feature_scale[1] == 1.0 and np.all(ds.X_train[:, 1] == 0) and np.all(ds.X_test[:, 1] == 0)


@pytest.mark.parametrize("seed_a, seed_b, same", [(4, 4, True), (4, 5, False)])
def test_split_is_seeded(seed_a, seed_b, same):
    a = load_dataset(args("digits", layers=(64, 10), seed=seed_a))
    b = load_dataset(args("digits", layers=(64, 10), seed=seed_b))
    assert np.array_equal(a.X_test, b.X_test) == same


@pytest.mark.parametrize("request_args, needle", [
    ({"source": "", "loss": "cce", "layers": (64, 10)}, "no data source"),
    ({"source": "data.txt", "loss": "cce", "layers": (64, 10)}, "unknown data source"),
    ({"source": "digits", "loss": "cce", "layers": (64, 10), "test_fraction": 1.0}, "test_fraction"),
    ({"source": "digits", "loss": "cce", "layers": (64, 8)}, "class label 8"),
    ({"source": "diabetes", "loss": "cce", "layers": (10, 3)}, "diabetes: sample 0: class label 151"),
])
def test_request_errors(request_args, needle):
    with pytest.raises(DataError, match=needle):
        load_dataset(request_args)


def test_accepts_a_spec_shaped_object_and_overrides(tmp_path):
    spec = SimpleNamespace(
        layers=(64, 16, 10), loss="sparse_cce",
        training=SimpleNamespace(seed=1, test_fraction=0.5, dtype="float32"),
        data=SimpleNamespace(source="nowhere.csv", target="", features=()),
    )
    ds = load_dataset(spec, source="digits")
    assert ds.X_train.dtype == np.float32 and len(ds.X_test) == 899 and ds.source == "digits"


def test_accepts_a_real_network_spec():
    spec_mod = pytest.importorskip("derive.spec")
    spec = spec_mod.build_spec([64, 10], ["softmax"], "cce", data={"source": "digits"},
                               training={"test_fraction": 0.1})
    ds = load_dataset(spec)
    assert ds.Y_train.shape == (1617, 10)


@pytest.mark.parametrize("source, expected", [
    ("mnist:data/mnist", "mnist:examples/data/mnist"),  # the MNIST example's path
    ("train.csv", "examples/train.csv"),
    ("../shared/d.npz", "examples/../shared/d.npz"),
    ("mnist:/abs/mnist", "mnist:/abs/mnist"),
    ("/abs/d.csv", "/abs/d.csv"),
    ("digits", "digits"),
    ("diabetes", "diabetes"),
    ("", ""),
])
def test_resolve_source_joins_relative_paths_onto_the_spec_folder(source, expected):
    from training.data import resolve_source

    assert resolve_source(source, Path("examples")) == expected


def test_mnist_path_in_a_spec_is_relative_to_the_spec_folder(tmp_path, monkeypatch):
    from training.data import resolve_source

    rng = np.random.default_rng(0)
    folder = tmp_path / "specs" / "data" / "mnist"
    folder.mkdir(parents=True)
    write_idx(folder / "train-images-idx3-ubyte", rng.integers(0, 256, (12, 2, 2)).astype(np.uint8))
    write_idx(folder / "train-labels-idx1-ubyte", (np.arange(12) % 3).astype(np.uint8))
    monkeypatch.chdir(tmp_path)  # the spec's folder is "specs", not the working folder
    args = {"loss": "cce", "layers": (4, 3), "test_fraction": 0.25}
    with pytest.raises(DataError, match="MNIST folder not found"):
        load_dataset({**args, "source": "mnist:data/mnist"})
    ds = load_dataset({**args, "source": resolve_source("mnist:data/mnist", "specs")})
    assert len(ds.X_train) + len(ds.X_test) == 12 and ds.n_features == 4


# ---------------------------------------------------------------------------------------------
# User review: messages


def test_too_few_samples_is_grammatical(tmp_path):
    with pytest.raises(DataError) as e:
        load_dataset(args(write(tmp_path, "a,b,y\n1,2,0\n"), target="y", test_fraction=0.5))
    assert "only 1 sample:" in str(e.value)


@pytest.mark.parametrize("source, problem", [
    ("digits", None), ("diabetes", None), ("a.csv", None), ("dir/A.NPZ", None),
    ("mnist:data", None), ("iris", "iris"), ("mnist:", "mnist:"), ("data.txt", "data.txt"),
])
def test_source_problem(source, problem):
    from training.data import source_problem

    got = source_problem(source)
    if problem is None:
        assert got is None
    else:
        assert f"{problem!r}" in got and "mnist:DIR" in got and ".csv" in got


def test_unknown_source_and_missing_target_say_what_is_accepted(tmp_path):
    with pytest.raises(DataError) as e:
        load_dataset(args("iris"))
    assert "'iris'" in str(e.value) and "digits, diabetes" in str(e.value)
    with pytest.raises(DataError) as e:
        load_dataset(args(write(tmp_path, GOOD)))
    assert "[data] target" in str(e.value) and "--target" in str(e.value)
    with pytest.raises(DataError) as e:
        load_dataset(args(""))
    assert "--data" in str(e.value) and "[data] source" in str(e.value)


# -- the bundled data and the split, without importing scikit-learn, equal scikit-learn's -------


@pytest.mark.parametrize("name", ["digits", "diabetes"])
def test_bundled_data_equals_sklearns_loaders(name):
    from sklearn import datasets

    from training.data import _builtin

    raw = _builtin(name)
    bunch = datasets.load_digits() if name == "digits" else datasets.load_diabetes()
    np.testing.assert_array_equal(raw.X, bunch.data)
    np.testing.assert_array_equal(raw.y, bunch.target)
    assert raw.y.dtype == bunch.target.dtype and raw.feature_names == tuple(bunch.feature_names)


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("frac", [0.2, 0.35])
@pytest.mark.parametrize("kind", ["classes", "one-hot", "few", "none"])
def test_split_equals_sklearns_train_test_split(seed, frac, kind):
    from sklearn.model_selection import train_test_split

    from training.data import _split

    rng = np.random.default_rng(seed)
    n = 47
    X = rng.normal(size=(n, 3))
    labels = rng.integers(0, 4, n)
    if kind == "few":
        labels[:] = 0
        labels[5] = 3  # a class of one: sklearn refuses to stratify, both fall back to random
    strat = {"classes": labels, "one-hot": np.eye(4)[labels], "few": labels, "none": None}[kind]
    y = labels.astype(float)
    got = _split(X, y, strat, frac, seed)
    try:
        want = train_test_split(X, y, test_size=frac, random_state=seed, stratify=strat)
    except ValueError:
        want = train_test_split(X, y, test_size=frac, random_state=seed)
    for a, b in zip(got[:4], want):
        np.testing.assert_array_equal(a, b)
    assert got[4].startswith("stratified" if kind in ("classes", "one-hot") else "random")


def test_loading_the_demo_data_imports_no_sklearn():
    import subprocess
    import sys

    code = ("import sys; from training.runner import demo_spec; from training.data import load_dataset;"
            " d = load_dataset(demo_spec()); print(len(d.X_train), len(d.X_test),"
            " sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy', 'matplotlib')))")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                         check=True, timeout=120).stdout.split()
    assert out == ["1437", "360", "[]"]
