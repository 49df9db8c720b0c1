"""The main job as a pipeline: load data, derive and verify, generate (or reuse), train, write results; and predict."""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen import modules
from codegen.modules import DEMO_SOURCE
from derive.errors import DataError, NNDeriveError

if TYPE_CHECKING:
    from types import ModuleType

    import numpy as np

    from derive.spec import NetworkSpec

    from .data import Dataset
    from .loop import TrainResult

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

# Reserved keys stored next to W1, b1, ... in params.npz so predict can standardize new data
# exactly like the training data was; "__spec_hash__" is training.loop's own key.
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
    d = modules.derivation(spec)  # raises VerificationError rather than return an unproven result
    return Derived(summary=d.verification.summary(), seconds=d.seconds)


def module_path(spec: NetworkSpec, out: Path) -> Path:
    """generated/<name>.py for the project's own specs when writable, else <out>/<name>.py.

    A user's spec must not overwrite (or be confused with) the modules shipped in the package,
    and an installed package directory is often read-only.
    """
    if modules.is_project_spec(spec):
        p = Path(modules.default_path(spec))
        if os.access(p.parent, os.W_OK) and (not p.exists() or os.access(p, os.W_OK)):
            return p
    return out / f"{spec.name}.py"


def generate(spec: NetworkSpec, out: Path) -> Generated:
    """The spec's module at module_path(): reused when current, else generated and verified."""
    path = module_path(spec, out)
    reused = bool(modules.is_current(spec, path))
    path = Path(modules.ensure_module(spec, path))
    return Generated(path=path, reused=reused, module=modules.load_module(path))


def train_network(module: ModuleType, dataset: Dataset, spec: NetworkSpec, opts: RunOptions,
                  say: Callable[[str], None] = print) -> Trained:
    """training.loop.train with the spec's settings, showing progress as opts asks."""
    from .loop import loss_text, train

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

    from .loop import predict

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
    from .loop import plot_history, write_metrics

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

    from .loop import save_params

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
    from .loop import read_params

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
    hash is enough; comparing the whole file with a fresh generation (modules.is_current) would
    derive the network again, seconds of work on every call.
    """
    path = module_path(spec, folder)
    module = current_module(spec, path)
    return module if module is not None else generate(spec, folder).module


def current_module(spec: NetworkSpec, path: Path) -> ModuleType | None:
    """The module at path when its header and constants match spec, else None (never derives)."""
    from derive import __version__

    try:
        with path.open(encoding="utf-8") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError):
        return None
    m = modules.HEADER_RE.match(first)
    if m is None or m.groups() != (__version__, spec.name, spec.hash()):
        return None
    try:
        module = modules.load_module(path)
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
    from .loop import predict

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
    from .loop import evaluate, loss_text

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
