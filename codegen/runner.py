"""The main job: `nnderive train`, `demo` and `predict` -- derive, verify, generate, train, report."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import math
import os
import sys
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derive.errors import DataError, NNDeriveError

if TYPE_CHECKING:
    from types import ModuleType

    import numpy as np

    from derive.spec import NetworkSpec

    from .data import Dataset
    from .train import TrainResult

# The demo network; tests/test_runner.py checks it equals examples/digits_64_32_10.toml, which
# cannot be read at run time because examples/ is not installed with the package.
DEMO_SPEC_TOML = """\
# The 8x8 digits classifier (scikit-learn's bundled set): sigmoid hidden layer, softmax output, cross-entropy.
[network]
name = "digits_64_32_10"
description = "A 64-32-10 classifier for scikit-learn's bundled 8x8 digits."
layers = [64, 32, 10]
activations = ["sigmoid", "softmax"]
loss = "cce"

[training]
epochs = 60
batch_size = 32
learning_rate = 0.5
seed = 0
test_fraction = 0.2

[data]
source = "digits"
"""
DEMO_SOURCE = "<demo>"
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
DEFAULT_OUT = Path("nnderive-out")

# Reserved keys stored next to W1, b1, ... in params.npz so predict can standardize new data
# exactly like the training data was; "__spec_hash__" is codegen.train's own key.
STAT_KEYS = ("feature_mean", "feature_scale", "target_mean", "target_scale")
NAME_KEYS = ("feature_names", "target_name")

# Multiply-adds in a batch's largest product below which BLAS threads slow training down.
SMALL_BATCH_WORK = 2**27

EXIT_OK, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 1, 130


def demo_spec() -> NetworkSpec:
    from derive.spec import spec_from_dict

    return spec_from_dict(tomllib.loads(DEMO_SPEC_TOML), source=DEMO_SOURCE)


# ---------------------------------------------------------------------------------------------
# Stage results: each stage of the pipeline returns one of these.


@dataclass(frozen=True)
class RunOptions:
    """Where the run writes and how chatty it is (resolved from the command line)."""

    out: Path
    params: Path
    metrics: Path
    plot: Path
    quiet: bool = False
    progress: bool = False  # a progress bar (only on a TTY and without --quiet)


@dataclass(frozen=True)
class Derived:
    """The derive stage: the gradients were derived and proved (else VerificationError)."""

    summary: str  # the verification summary
    seconds: float


@dataclass(frozen=True, eq=False)
class Generated:
    """The generate stage: the module file and the imported module."""

    path: Path
    reused: bool  # the module on disk was current, nothing was regenerated
    module: ModuleType


@dataclass(frozen=True, eq=False)
class Trained:
    """The train stage: train()'s result on the dataset and the wall time it took."""

    result: TrainResult
    dataset: Dataset
    seconds: float
    rmse: float | None = None  # regression: RMSE in the target's units (rmse_split's rows)
    rmse_split: str = ""  # "test" or "train"

    @property
    def seconds_per_epoch(self) -> float | None:
        h = self.result.history
        return sum(r["seconds"] for r in h) / len(h) if h else None


@dataclass(frozen=True)
class Written:
    """The report stage's files."""

    params: Path
    metrics: Path
    plot: Path | None
    plot_note: str = ""  # why there is no plot


@dataclass(frozen=True, eq=False)
class RunReport:
    """Every stage's result; exit_code says how the run ended (0, 1 diverged, 130 interrupted)."""

    spec: NetworkSpec
    dataset: Dataset
    derived: Derived
    generated: Generated
    trained: Trained
    written: Written

    @property
    def exit_code(self) -> int:
        return {"diverged": EXIT_DIVERGED, "interrupted": EXIT_INTERRUPTED}.get(
            self.trained.result.stopped_reason, EXIT_OK)


# ---------------------------------------------------------------------------------------------
# The pipeline


def run(spec: NetworkSpec, opts: RunOptions, say: Callable[[str], None] = print) -> RunReport:
    """Load data, derive and verify, generate (or reuse) the module, train, and write results."""
    from .data import plural

    dataset = load_data(spec)
    say(f"data: {dataset.source}, {len(dataset.X_train)} training and"
        f" {plural(len(dataset.X_test), 'test sample')} ({dataset.kind}; test split:"
        f" {dataset.split})")
    if dataset.kind == "regression":
        say(f"targets: standardized with the training split's {scale_text(dataset)}; losses are"
            " on that standardized scale, the RMSE and predictions are in the target's units")
    derived = derive_and_verify(spec)
    say(f"derived and verified {spec.name} in {derived.seconds:.2f} s: {derived.summary}")
    generated = generate(spec, opts.out)
    say(f"module: {generated.path} ({'reused, up to date' if generated.reused else 'generated'})")
    trained = train_network(generated.module, dataset, spec, opts, say)
    written = write_results(spec, trained, opts)
    return RunReport(spec, dataset, derived, generated, trained, written)


def load_data(spec: NetworkSpec) -> Dataset:
    from .data import load_dataset

    return load_dataset(spec)


def derive_and_verify(spec: NetworkSpec) -> Derived:
    """The generated code's own (row-layout) derivation, verified; generate() reuses it."""
    d = _emit().derivation(spec)  # raises VerificationError rather than return an unproven result
    return Derived(summary=d.verification.summary(), seconds=d.seconds)


def _emit() -> ModuleType:
    import importlib

    try:
        return importlib.import_module("codegen.emit")
    except ModuleNotFoundError as e:
        if e.name != "codegen.emit":
            raise
        raise NNDeriveError("code generation (codegen.emit) is not installed in this build") from None


def module_path(spec: NetworkSpec, out: Path) -> Path:
    """generated/<name>.py for the project's own specs when writable, else <out>/<name>.py.

    A user's spec must not overwrite (or be confused with) the modules shipped in the package,
    and an installed package directory is often read-only.
    """
    if is_project_spec(spec):
        p = Path(_emit().default_path(spec))
        if os.access(p.parent, os.W_OK) and (not p.exists() or os.access(p, os.W_OK)):
            return p
    return out / f"{spec.name}.py"


def is_project_spec(spec: NetworkSpec) -> bool:
    if spec.source == DEMO_SOURCE:
        return True
    try:
        return Path(spec.source).resolve().parent == EXAMPLES_DIR
    except (OSError, ValueError):
        return False


def generate(spec: NetworkSpec, out: Path) -> Generated:
    """The spec's module at module_path(): reused when current, else generated and verified."""
    emit = _emit()
    path = module_path(spec, out)
    reused = bool(emit.is_current(spec, path))
    path = Path(emit.ensure_module(spec, path))
    return Generated(path=path, reused=reused, module=emit.load_module(path))


def train_network(module: ModuleType, dataset: Dataset, spec: NetworkSpec, opts: RunOptions,
                  say: Callable[[str], None] = print) -> Trained:
    """codegen.train.train with the spec's settings, showing progress as opts asks."""
    from .train import loss_text, train

    epochs = spec.training.epochs

    def line(r: Mapping[str, Any]) -> None:
        # fixed widths: every epoch's line has its columns in the same place
        parts = [f"epoch {r['epoch']:>{len(str(epochs))}}/{epochs}",
                 f"train loss {loss_text(r['train_loss'])}"]
        if r["test_loss"] is not None:
            parts.append(f"test loss {loss_text(r['test_loss'])}")
        if r["test_accuracy"] is not None:
            parts.append(f"test accuracy {100 * r['test_accuracy']:6.2f}%")
        say("  ".join(parts) + f"  ({r['seconds']:.3f} s)")

    # Off a TTY the bar would be noise in a log, so each epoch gets one plain line instead.
    on_epoch = None if opts.quiet or opts.progress else line
    t0 = time.perf_counter()
    with blas_threads(spec, len(dataset.X_train)):
        result = train(module, dataset, spec.training, progress=opts.progress, on_epoch=on_epoch)
    seconds = time.perf_counter() - t0
    rmse, split = None, ""
    if dataset.kind == "regression":
        split = "test" if len(dataset.X_test) else "train"
        X, Y = ((dataset.X_test, dataset.Y_test) if split == "test"
                else (dataset.X_train, dataset.Y_train))
        rmse = target_rmse(module, result.params, X, dataset.unscale_targets(Y), dataset)
    return Trained(result=result, dataset=dataset, seconds=seconds, rmse=rmse, rmse_split=split)


def target_rmse(module: ModuleType, params: Mapping[str, np.ndarray], X: np.ndarray,
                Y: np.ndarray, dataset: Dataset) -> float | None:
    """Root mean squared error in the target's own units (Y unscaled); None if not finite."""
    import numpy as np

    from .train import predict

    if len(X) == 0:
        return None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        P = dataset.unscale_targets(predict(module, params, X)).astype(np.float64)
        value = float(np.sqrt(np.mean((P - np.asarray(Y, dtype=np.float64)) ** 2)))
    return value if math.isfinite(value) else None


def scale_text(dataset: Dataset) -> str:
    """'mean 152.1 and standard deviation 77.09 of y' (per column for several targets)."""
    import numpy as np

    name = dataset.target_name or "the target"
    if dataset.target_mean is None or dataset.target_scale is None:
        return f"statistics of {name}"
    m, s = np.ravel(dataset.target_mean), np.ravel(dataset.target_scale)
    if m.size == 1:
        return f"mean {m[0]:.6g} and standard deviation {s[0]:.6g} of {name}"
    return f"per-column means and standard deviations of {name}"


def blas_threads(spec: NetworkSpec, n_train: int):
    """One BLAS thread when each batch's matrix products are small, else the BLAS default.

    Waking BLAS threads for small products costs more than they save: on the digits demo the
    default threading made an epoch 3-5x slower than one thread (MNIST-sized mini-batches too).
    """
    bs = spec.training.batch_size
    rows = n_train if bs <= 0 else min(bs, n_train)
    work = rows * max(a * b for a, b in zip(spec.layers, spec.layers[1:]))
    if work >= SMALL_BATCH_WORK:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn brings it; without it training is just slower
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def write_results(spec: NetworkSpec, trained: Trained, opts: RunOptions) -> Written:
    """Parameters (with the data statistics), metrics and curves, each written atomically."""
    from .train import plot_history, write_metrics

    history = trained.result.history
    plot, why = None, "no completed epoch"
    try:
        params = save_model(opts.params, trained.result.params, spec, trained.dataset)
        metrics = write_metrics(opts.metrics, history)
        if history:
            try:
                plot = plot_history(opts.plot, history)
            except (OverflowError, ValueError) as e:
                # The curves are a convenience: the parameters and metrics are already written,
                # so a plotting failure must not turn a finished run into an error.
                why = f"not drawn: {e}"
    except OSError as e:
        raise NNDeriveError(f"{e.filename or opts.out}: cannot write: {e.strerror or e}") from None
    return Written(params=params, metrics=metrics, plot=plot, plot_note="" if plot else why)


# ---------------------------------------------------------------------------------------------
# Parameters plus the standardization they were trained with


def save_model(path: Path, params: Mapping[str, np.ndarray], spec: NetworkSpec,
               dataset: Dataset) -> Path:
    """save_params' file plus the training data's statistics and column names, atomically."""
    import numpy as np

    from .train import save_params

    extra: dict[str, Any] = {k: np.asarray(getattr(dataset, k), dtype=np.float64)
                             for k in STAT_KEYS if getattr(dataset, k) is not None}
    extra["feature_names"] = np.array(dataset.feature_names, dtype=str)
    extra["target_name"] = np.array(dataset.target_name, dtype=str)
    return save_params(path, params, spec.hash(), extra=extra)


@dataclass(frozen=True, eq=False)
class SavedModel:
    """A parameter file's parameters plus the data statistics and column names saved with them."""

    params: dict[str, np.ndarray]
    stats: dict[str, np.ndarray]  # STAT_KEYS present in the file
    feature_names: tuple[str, ...]
    target_name: str


def load_model(path: str | Path, spec: NetworkSpec) -> SavedModel:
    """Read save_model's file; DataError unless the parameters fit the spec (names, shapes, hash)."""
    import numpy as np

    from .data import plural
    from .train import read_params

    p = Path(path)
    params, extra = read_params(p, shapes=spec.shapes(), spec_hash=spec.hash())
    stats = {k: extra[k].astype(np.float64) for k in STAT_KEYS if k in extra}
    n_in = spec.n_inputs
    for k in ("feature_mean", "feature_scale"):
        if k not in stats:
            raise DataError(f"{p}: no {k} stored (was it written by `nnderive train`?)")
        if stats[k].shape != (n_in,):
            raise DataError(f"{p}: {k} has shape {stats[k].shape}, the network has"
                            f" {plural(n_in, 'input')}")
    for k, v in stats.items():
        if not np.isfinite(v).all() or (k.endswith("scale") and not (v > 0).all()):
            raise DataError(f"{p}: {k} holds non-finite or non-positive values")
    names = tuple(str(s) for s in extra.get("feature_names", np.array([], dtype=str)).reshape(-1))
    target = str(extra["target_name"]) if "target_name" in extra else ""
    return SavedModel(params=params, stats=stats, feature_names=names, target_name=target)


# ---------------------------------------------------------------------------------------------
# Prediction


@dataclass(frozen=True)
class Predicted:
    """The predictions file and what it holds."""

    path: Path
    rows: int
    columns: tuple[str, ...]
    score: str = ""  # how well the predictions match the data's own labels or targets, if any


@dataclass(frozen=True, eq=False)
class Features:
    """The data predict reads: raw features and, when the data has them, its targets."""

    X: np.ndarray  # original units, the training column order
    Y: np.ndarray | None = None  # encoded for the loss; regression targets in original units
    target: str = ""  # the target column's name
    note: str = ""  # why targets present in the data could not be used


def prediction_module(spec: NetworkSpec, folder: Path) -> ModuleType:
    """The spec's module: imported straight from disk when its header is current, else generated.

    predict only runs the module, so a header naming this toolkit version, spec name and spec
    hash is enough; comparing the whole file with a fresh generation (emit.is_current) would
    derive the network again, seconds of work on every call.
    """
    path = module_path(spec, folder)
    module = current_module(spec, path)
    return module if module is not None else generate(spec, folder).module


def current_module(spec: NetworkSpec, path: Path) -> ModuleType | None:
    """The module at path when its header and constants match spec, else None (never derives)."""
    from derive import __version__

    emit = _emit()
    try:
        with path.open(encoding="utf-8") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError):
        return None
    m = emit.HEADER_RE.match(first)
    if m is None or m.groups() != (__version__, spec.name, spec.hash()):
        return None
    try:
        module = emit.load_module(path)
    except Exception:  # a damaged or hand-broken file is simply generated again
        return None
    if (getattr(module, "SPEC_HASH", None) != spec.hash()
            or tuple(getattr(module, "LAYERS", ())) != tuple(spec.layers)):
        return None
    return module


def predict_file(params_path: Path, spec: NetworkSpec, source: str, output: Path,
                 say: Callable[[str], None] = print) -> Predicted:
    """Standardize source's features with the training statistics, run forward, write a CSV."""
    import numpy as np

    from derive.fileio import atomic_write

    from .data import CLASSIFICATION_LOSSES
    from .train import predict

    saved = load_model(params_path, spec)
    data = read_features(spec, saved, source)
    X = ((data.X - saved.stats["feature_mean"]) / saved.stats["feature_scale"]).astype(
        spec.training.dtype)
    module = prediction_module(spec, params_path.parent)
    params = {k: v.astype(X.dtype) for k, v in saved.params.items()}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        P = predict(module, params, X)
    score = data.note
    if data.Y is not None and len(X):
        score = score_text(module, params, X, P, data, saved)
    if spec.loss in CLASSIFICATION_LOSSES:
        # A 1-output bce network is a yes/no classifier; every other one picks the largest output.
        values = (P[:, 0] >= 0.5).astype(int) if P.shape[1] == 1 else np.argmax(P, axis=1)
        columns: tuple[str, ...] = ("class",)
        rows = [[int(v)] for v in values]
    else:
        if "target_mean" in saved.stats and "target_scale" in saved.stats:
            P = P * saved.stats["target_scale"] + saved.stats["target_mean"]
        name = saved.target_name or "prediction"
        columns = (name,) if P.shape[1] == 1 else tuple(f"{name}_{j + 1}" for j in range(P.shape[1]))
        rows = [[repr(float(v)) for v in row] for row in P]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    try:
        path = atomic_write(output, lambda f: f.write(buf.getvalue().encode("utf-8")))
    except OSError as e:
        raise NNDeriveError(f"{output}: cannot write: {e.strerror or e}") from None
    return Predicted(path=path, rows=len(rows), columns=columns, score=score)


def score_text(module: ModuleType, params: Mapping[str, np.ndarray], X: np.ndarray,
               P: np.ndarray, data: Features, saved: SavedModel) -> str:
    """Accuracy (classification) or RMSE in the target's units (regression) on labelled data.

    The loss is the per-sample loss train reports; for regression it is on the standardized
    target scale, using the training split's statistics like the training report.
    """
    import numpy as np

    from .data import plural
    from .train import evaluate, loss_text

    assert data.Y is not None
    n = plural(len(X), "labelled row")
    if module.LOSS in ("cce", "sparse_cce", "bce"):
        Y = data.Y if module.LOSS == "sparse_cce" else data.Y.astype(X.dtype)
        loss, acc = evaluate(module, params, X, Y)
        assert loss is not None and acc is not None
        return f"accuracy {100 * acc:.2f}% on {n}, loss {loss_text(loss).strip()} per sample"
    Y = np.asarray(data.Y, dtype=np.float64)
    mean, scale = saved.stats.get("target_mean"), saved.stats.get("target_scale")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if mean is not None and scale is not None:
            Ys, unscaled = (Y - mean) / scale, P * scale + mean
            scale_note = " on the standardized target scale (the training split's statistics)"
        else:
            Ys, unscaled, scale_note = Y, P, ""
        loss, _ = evaluate(module, params, X, Ys.astype(X.dtype))
        rmse = float(np.sqrt(np.mean((unscaled - Y) ** 2)))
    name = data.target or "the target"
    return (f"RMSE {rmse:.6g} in {name}'s units on {n}; loss {loss_text(loss).strip()} per"
            f" sample{scale_note}")


def read_features(spec: NetworkSpec, saved: SavedModel, source: str) -> Features:
    """The source's features in original units, in the column order the network was trained on,
    plus its targets when it has them (a CSV only if it has the training target's column)."""
    import numpy as np

    from .data import load_dataset, source_problem

    if (problem := source_problem(source)) is not None:
        raise DataError(f"--data: {problem}")
    names = saved.feature_names or spec.data.features
    if source.lower().endswith(".csv"):
        X, header = _csv_features(Path(source), names, spec.n_inputs)
        target = saved.target_name or spec.data.target
        if not target or target not in header:
            return Features(X=X)
        try:
            ds = load_dataset(spec, source=source, target=target, features=names,
                              test_fraction=0.0, dtype="float64")
        except DataError as e:  # the predictions do not need the targets
            return Features(X=X, note=f"not scored against the {target!r} column: {e}")
        return Features(X=X, Y=ds.unscale_targets(ds.Y_train), target=target)
    # load_dataset standardizes with the new data's own statistics; undo that exactly here so
    # the training statistics can be applied instead.
    ds = load_dataset(spec, source=source, test_fraction=0.0, dtype="float64")
    X = np.concatenate([ds.X_train, ds.X_test])
    Y = ds.unscale_targets(np.concatenate([ds.Y_train, ds.Y_test]))
    return Features(X=X * ds.feature_scale + ds.feature_mean, Y=Y, target=ds.target_name)


def _csv_features(path: Path, names: tuple[str, ...], n_inputs: int
                  ) -> tuple[np.ndarray, list[str]]:
    """Feature columns of a CSV by name; the target column is not needed for predictions."""
    import numpy as np

    from .data import csv_cell, plural, read_csv_rows

    if not names:
        raise DataError(f"{path}: the parameter file names no feature columns to read")
    if len(names) != n_inputs:
        raise DataError(f"{path}: {plural(len(names), 'feature name')} stored but the network"
                        f" has {plural(n_inputs, 'input')}")
    rows = read_csv_rows(path)
    if len(rows) < 2:
        raise DataError(f"{path}: needs a header row and at least one data row")
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    missing = [n for n in names if n not in header]
    if missing:
        raise DataError(f"{path}: row {header_line}: feature column(s) {', '.join(map(repr, missing))}"
                        f" not in the header (columns: {', '.join(header)})")
    cols = [header.index(n) for n in names]
    X = np.empty((len(rows) - 1, len(cols)))
    for i, (line, row) in enumerate(rows[1:]):
        if len(row) != len(header):
            raise DataError(f"{path}: row {line}: {plural(len(row), 'cell')}, but the header has"
                            f" {plural(len(header), 'column')}")
        X[i] = [csv_cell(path, line, header, j, row[j]) for j in cols]
    return X, header


# ---------------------------------------------------------------------------------------------
# Command line


def _positive_int(text: str) -> int:
    return _number(text, int, lambda v: v >= 1, "an integer >= 1")


def _count(text: str) -> int:
    return _number(text, int, lambda v: v >= 0, "an integer >= 0")


def _positive(text: str) -> float:
    return _number(text, float, lambda v: v > 0, "a number > 0")


def _nonnegative(text: str) -> float:
    return _number(text, float, lambda v: v >= 0, "a number >= 0")


def _fraction(text: str) -> float:
    return _number(text, float, lambda v: 0 <= v <= 0.9, "a number in [0, 0.9]")


def _number(text: str, kind: type, ok: Callable[[Any], bool], what: str) -> Any:
    try:
        v = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if (kind is float and not math.isfinite(v)) or not ok(v):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return v


def _suffixed(*suffixes: str) -> Callable[[str], Path]:
    def parse(text: str) -> Path:
        if Path(text).suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(f"{text!r} must end in {' or '.join(suffixes)}")
        return Path(text)
    return parse


def _add_run_options(p: argparse.ArgumentParser, with_data: bool) -> None:
    if with_data:
        d = p.add_argument_group("data (override the spec's [data])")
        d.add_argument("--data", metavar="SOURCE",
                       help="digits, diabetes, FILE.csv, FILE.npz or mnist:DIR")
        d.add_argument("--target", metavar="COL", help="CSV target column")
        d.add_argument("--features", metavar="A,B,...", help="CSV feature columns, comma-separated")
    t = p.add_argument_group("training (override the spec's [training])")
    t.add_argument("--epochs", type=_positive_int, metavar="E")
    t.add_argument("--batch-size", type=_count, metavar="B",
                   help="0: batch gradient descent, 1: stochastic, else mini-batch")
    t.add_argument("--lr", type=_positive, metavar="ALPHA", help="learning rate")
    t.add_argument("--seed", type=_count, metavar="S")
    t.add_argument("--tolerance", type=_nonnegative, metavar="TAU",
                   help="stop when the largest weight update is below TAU")
    t.add_argument("--loss-tolerance", type=_nonnegative, metavar="T",
                   help="stop when the training loss changes by less than T")
    t.add_argument("--test-fraction", type=_fraction, metavar="F")
    t.add_argument("--dtype", choices=("float32", "float64"))
    o = p.add_argument_group("output")
    o.add_argument("--out", type=Path, metavar="DIR",
                   help=f"output folder (default: {DEFAULT_OUT}/<name>/)")
    o.add_argument("--quiet", action="store_true", help="no per-epoch progress")
    o.add_argument("--metrics", type=_suffixed(".csv", ".json"), metavar="FILE.csv|json",
                   help="per-epoch metrics (default: <out>/metrics.csv)")
    o.add_argument("--plot", type=_suffixed(".png"), metavar="FILE.png",
                   help="loss and accuracy curves (default: <out>/curves.png)")
    o.add_argument("--params", type=_suffixed(".npz"), metavar="FILE.npz",
                   help="trained parameters (default: <out>/params.npz)")


def register(sub) -> None:
    p = sub.add_parser(
        "train", help="derive, verify, generate and train a network on data",
        description="Derive and verify the network's gradients, generate its numpy module (reused"
        " when current), train it with the generated code and report. Exit codes: 0 done,"
        " 1 diverged, 2 bad input, 3 verification failed, 130 interrupted.")
    p.add_argument("spec", help="network spec (TOML)")
    _add_run_options(p, with_data=True)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser(
        "demo", help="the main job on the bundled 64-32-10 digits network (offline)",
        description="Derive, verify, generate and train the built-in 64-32-10 digits classifier"
        " on scikit-learn's bundled 8x8 digits, then report the test accuracy.")
    _add_run_options(p, with_data=False)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "predict", help="predict with trained parameters",
        description="Standardize the data's features with the training statistics stored in"
        " PARAMS, run the generated forward pass and write one prediction per row as CSV (class"
        " index for classification, value in the target's units for regression).")
    p.add_argument("params", type=Path, help="parameters written by `nnderive train` (.npz)")
    p.add_argument("spec", help="the network spec they were trained for (TOML)")
    p.add_argument("--data", required=True, metavar="SOURCE",
                   help="digits, diabetes, FILE.csv, FILE.npz or mnist:DIR")
    p.add_argument("--output", type=_suffixed(".csv"), metavar="FILE.csv",
                   help="default: predictions.csv next to PARAMS")
    p.set_defaults(func=cmd_predict)


def load_run_spec(path: str | Path) -> NetworkSpec:
    """load_spec, with a relative path in [data] source taken relative to the spec's folder."""
    from derive.spec import load_spec

    from .data import resolve_source, source_problem

    spec = load_spec(path)
    if source_problem(spec.data.source or "digits") is not None:
        return spec  # reported by check_source unless --data replaces it
    source = resolve_source(spec.data.source, Path(path).parent)
    return replace(spec, data=replace(spec.data, source=source))


def check_source(spec: NetworkSpec, args: argparse.Namespace) -> None:
    """A missing or malformed data source as one line naming where it came from.

    Checked before anything else runs or is written: --data when given, else the spec's
    [data] source.
    """
    from .data import NO_SOURCE, source_problem

    flag = getattr(args, "data", None)
    if flag:
        if (problem := source_problem(flag)) is not None:
            raise DataError(f"--data: {problem}")
        return
    source = spec.data.source
    if not source:
        raise DataError(f"{spec.source}: {NO_SOURCE}")
    if (problem := source_problem(source)) is not None:
        raise DataError(f"{spec.source}: key 'data.source': {problem}; a path is relative to the"
                        " spec's folder")


def cmd_train(args) -> int:
    return _run_command(load_run_spec(args.spec), args)


def cmd_demo(args) -> int:
    return _run_command(demo_spec(), args)


def cmd_predict(args) -> int:
    from .data import plural

    spec = load_run_spec(args.spec)
    output = args.output or args.params.parent / "predictions.csv"
    done = predict_file(args.params, spec, args.data, output)
    print(f"wrote {plural(done.rows, 'prediction')} ({', '.join(done.columns)}) to {done.path}")
    if done.score:
        print(done.score)
    return EXIT_OK


def apply_overrides(spec: NetworkSpec, args: argparse.Namespace) -> NetworkSpec:
    """The spec with command-line flags in place of its [training] and [data] settings."""
    flags = {"epochs": "epochs", "batch_size": "batch_size", "lr": "learning_rate", "seed": "seed",
             "tolerance": "tolerance", "loss_tolerance": "loss_tolerance",
             "test_fraction": "test_fraction", "dtype": "dtype"}
    training = {field: getattr(args, flag) for flag, field in flags.items()
                if getattr(args, flag, None) is not None}
    data: dict[str, Any] = {}
    if getattr(args, "data", None):
        data["source"] = args.data
    if getattr(args, "target", None):
        data["target"] = args.target
    if getattr(args, "features", None):
        data["features"] = tuple(f.strip() for f in args.features.split(",") if f.strip())
    return replace(spec, training=replace(spec.training, **training),
                   data=replace(spec.data, **data))


def options(spec: NetworkSpec, args: argparse.Namespace) -> RunOptions:
    out = args.out or DEFAULT_OUT / spec.name
    opts = RunOptions(out=out, params=args.params or out / "params.npz",
                      metrics=args.metrics or out / "metrics.csv", plot=args.plot or out / "curves.png",
                      quiet=args.quiet, progress=not args.quiet and sys.stderr.isatty())
    # Fail before minutes of training, not after -- but create nothing yet: a run that fails
    # must not leave empty folders behind (atomic_write creates them when a file is written).
    check_folder(out)
    for f in (opts.params, opts.metrics, opts.plot):
        check_folder(f.parent)
    return opts


def check_folder(folder: Path) -> None:
    """NNDeriveError unless folder exists or could be created, and is writable; creates nothing."""
    if folder.exists() and not folder.is_dir():
        raise NNDeriveError(f"{folder}: cannot use it as the output folder: not a folder")
    p = folder
    while not p.exists() and p != p.parent:
        p = p.parent
    if p.exists() and not p.is_dir():
        raise NNDeriveError(f"{folder}: cannot create the output folder: {p} is not a folder")
    if not os.access(p, os.W_OK | os.X_OK):
        raise NNDeriveError(f"{folder}: cannot create or write the output folder: {p} is not"
                            " writable")


def _run_command(spec: NetworkSpec, args: argparse.Namespace) -> int:
    check_source(spec, args)
    spec = apply_overrides(spec, args)
    report = run(spec, options(spec, args))
    print(report_text(report))
    result = report.trained.result
    if report.exit_code == EXIT_DIVERGED:
        print(f"nnderive: training diverged: {result.message}; the last good parameters were"
              f" saved to {report.written.params}", file=sys.stderr)
    elif report.exit_code == EXIT_INTERRUPTED:
        print(f"nnderive: {result.message}; saved them to {report.written.params}", file=sys.stderr)
    return report.exit_code


def report_text(r: RunReport) -> str:
    """The final table: how training ended and where everything was written."""
    res, h = r.trained.result, r.trained.result.history
    last = h[-1] if h else {}
    spe = r.trained.seconds_per_epoch

    from .train import loss_text

    regression = r.dataset.kind == "regression"

    def num(v: float | None) -> str:
        if v is None:
            return "-"
        return loss_text(v).strip() + (" (standardized targets)" if regression else "")

    stopped = f"diverged: {res.message}" if res.stopped_reason == "diverged" else res.message
    rows = [
        ("network", f"{r.spec.name} ({'-'.join(map(str, r.spec.layers))}, {r.spec.loss})"),
        ("epochs run", f"{len(h)} of {r.spec.training.epochs}"),
        ("stopped", stopped),
        ("train loss", num(last.get("train_loss"))),
        ("test loss", num(last.get("test_loss"))),
    ]
    if not regression:
        acc = last.get("test_accuracy")
        rows.append(("test accuracy", "-" if acc is None else f"{100 * acc:.2f}%"))
    elif r.trained.rmse_split:
        name = r.dataset.target_name or "the target"
        rmse = r.trained.rmse
        rows.append((f"{r.trained.rmse_split} RMSE",
                     "-" if rmse is None else f"{rmse:.6g} (in {name}'s units)"))
    rows += [
        ("seconds per epoch", "-" if spe is None else f"{spe:.4f}"),
        ("module", str(r.generated.path)),
        ("parameters", str(r.written.params)),
        ("metrics", str(r.written.metrics)),
        ("curves", str(r.written.plot) if r.written.plot else f"- ({r.written.plot_note})"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(["result:"] + [f"  {k:<{width}}  {v}" for k, v in rows])
