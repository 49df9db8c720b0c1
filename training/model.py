"""A trained model on disk and its use: where the generated module lives, the parameter file with the data's scaling and classes, prediction."""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen import modules
from derive.errors import DataError, NNDeriveError

from .targets import CLASSIFICATION_LOSSES, plural

if TYPE_CHECKING:
    from types import ModuleType

    import numpy as np

    from derive.spec import NetworkSpec

    from .data import Dataset

# Reserved keys stored next to W1, b1, ... in params.npz so predict can scale new data exactly
# like the training data was and name the classes; "__spec_hash__" is training.loop's own key.
STAT_KEYS = ("feature_mean", "feature_scale", "target_mean", "target_scale")


# ---------------------------------------------------------------------------------------------
# The generated module


@dataclass(frozen=True, eq=False)
class Generated:
    """The generate stage: the module file and the imported module."""

    path: Path
    reused: bool  # the module on disk was current, nothing was regenerated
    module: ModuleType


def _writable(path: Path) -> bool:
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return (os.access(folder, os.W_OK | os.X_OK) and folder.is_dir()
            and (not path.exists() or os.access(path, os.W_OK)))


def module_path(spec: NetworkSpec, out: Path) -> Path:
    """Where `nnderive codegen SPEC` puts the module, so train, codegen and predict share one file.

    That is generated/<name>.py in the package for the project's own specs and ./generated/
    <name>.py for a user's (codegen.modules.cli_default_path: a user's spec never writes into
    the installed package); <out>/<name>.py only when that place cannot be written.
    """
    path = Path(modules.cli_default_path(spec))
    return path if _writable(path) else out / f"{spec.name}.py"


def generate(spec: NetworkSpec, out: Path) -> Generated:
    """The spec's module at module_path(): reused when current, else generated and verified."""
    path = module_path(spec, out)
    reused = bool(modules.is_current(spec, path))
    path = Path(modules.ensure_module(spec, path))
    return Generated(path=path, reused=reused, module=modules.load_module(path))


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


def prediction_module(spec: NetworkSpec, folder: Path) -> ModuleType:
    """The spec's module, imported straight from disk when a header is current, else generated.

    predict only runs the module, so a header naming this toolkit version, spec name and spec
    hash is enough; comparing the whole file with a fresh generation (modules.is_current) would
    derive the network again, seconds of work on every call. The shared place (module_path) is
    tried first, then the parameter file's folder.
    """
    for path in (module_path(spec, folder), folder / f"{spec.name}.py"):
        module = current_module(spec, path)
        if module is not None:
            return module
    return generate(spec, folder).module


# ---------------------------------------------------------------------------------------------
# Parameters plus the scaling and classes they were trained with


def save_model(path: Path, params: Mapping[str, np.ndarray], spec: NetworkSpec,
               dataset: Dataset, extra: Mapping[str, Any] | None = None) -> Path:
    """save_params' file plus the data's scaling, column names, task and classes, atomically."""
    import numpy as np

    from .loop import save_params

    meta: dict[str, Any] = {k: np.asarray(getattr(dataset, k), dtype=np.float64)
                            for k in STAT_KEYS if getattr(dataset, k) is not None}
    meta["feature_names"] = np.array(dataset.feature_names, dtype=str)
    meta["target_name"] = np.array(dataset.target_name, dtype=str)
    meta["target_names"] = np.array(dataset.target_names, dtype=str)
    meta["kind"] = np.array(dataset.kind, dtype=str)
    meta["class_names"] = np.array(dataset.class_names, dtype=str)
    meta.update(extra or {})
    return save_params(path, params, spec.hash(), extra=meta)


@dataclass(frozen=True, eq=False)
class SavedModel:
    """A parameter file's parameters plus the data scaling, names and classes saved with them."""

    params: dict[str, np.ndarray]
    stats: dict[str, np.ndarray]  # STAT_KEYS present in the file
    feature_names: tuple[str, ...]
    target_name: str
    kind: str = ""  # "classification" or "regression" ("" in files older than the field)
    class_names: tuple[str, ...] = ()  # text labels in class-index order
    target_names: tuple[str, ...] = ()
    extra: Mapping[str, np.ndarray] | None = None  # every other reserved entry of the file

    def classifies(self, spec: NetworkSpec) -> bool:
        return self.kind == "classification" if self.kind else spec.loss in CLASSIFICATION_LOSSES


def _strings(extra: Mapping[str, np.ndarray], key: str) -> tuple[str, ...]:
    import numpy as np

    return tuple(str(s) for s in extra.get(key, np.array([], dtype=str)).reshape(-1))


def load_model(path: str | Path, spec: NetworkSpec) -> SavedModel:
    """Read save_model's file; DataError unless the parameters fit the spec (names, shapes, hash)."""
    import numpy as np

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
    target = str(extra["target_name"]) if "target_name" in extra else ""
    kind = str(extra["kind"]) if "kind" in extra else ""
    return SavedModel(params=params, stats=stats, feature_names=_strings(extra, "feature_names"),
                      target_name=target, kind=kind, class_names=_strings(extra, "class_names"),
                      target_names=_strings(extra, "target_names"), extra=extra)


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


def predict_file(params_path: Path, spec: NetworkSpec, source: str, output: Path,
                 say: Callable[[str], None] = print) -> Predicted:
    """Scale source's features with the training statistics, run forward, write a CSV.

    A classifier writes the class of every row (its text label when the training labels were
    text, from the mapping saved with the parameters); a regressor the values in the target's
    units.
    """
    import numpy as np

    from derive.fileio import atomic_write

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
        score = score_text(module, params, X, P, data, saved, spec)
    if saved.classifies(spec):
        # A 1-output classifier says yes or no; every other one picks the largest output.
        values = (P[:, 0] >= 0.5).astype(int) if P.shape[1] == 1 else np.argmax(P, axis=1)
        columns: tuple[str, ...] = ("class",)
        names = saved.class_names
        rows = [[names[v] if v < len(names) else int(v)] if names else [int(v)] for v in values]
    else:
        if "target_mean" in saved.stats and "target_scale" in saved.stats:
            P = P * saved.stats["target_scale"] + saved.stats["target_mean"]
        if len(saved.target_names) == P.shape[1] and P.shape[1] > 1:
            columns = saved.target_names
        else:
            name = saved.target_name or "prediction"
            columns = (name,) if P.shape[1] == 1 else tuple(f"{name}_{j + 1}"
                                                           for j in range(P.shape[1]))
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
               P: np.ndarray, data: Features, saved: SavedModel, spec: NetworkSpec) -> str:
    """Accuracy (classification) or RMSE in the target's units (regression) on labelled data.

    The loss is the per-sample loss train reports; for standardized regression targets it is
    on the standardized scale, using the training split's statistics like the training report.
    """
    import numpy as np

    from .loop import evaluate, loss_text

    assert data.Y is not None
    n = plural(len(X), "labelled row")
    if saved.classifies(spec):
        Y = data.Y if module.LOSS == "sparse_cce" else data.Y.astype(X.dtype)
        loss, acc = evaluate(module, params, X, Y, classes=True)
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
        loss, _ = evaluate(module, params, X, Ys.astype(X.dtype), classes=False)
        rmse = float(np.sqrt(np.mean((unscaled - Y) ** 2)))
    name = data.target or "the target"
    return (f"RMSE {rmse:.6g} in {name}'s units on {n}; loss {loss_text(loss).strip()} per"
            f" sample{scale_note}")


def read_features(spec: NetworkSpec, saved: SavedModel, source: str) -> Features:
    """The source's features in original units, in the column order the network was trained on,
    plus its targets when it has them (a CSV only if it has the training targets' columns)."""
    import numpy as np

    from .data import load_dataset, source_problem

    if (problem := source_problem(source)) is not None:
        raise DataError(f"--data: {problem}")
    names = saved.feature_names or spec.data.features
    # the training labels' mapping, so text labels get the indices the network was trained on
    same = {"classes": saved.class_names}
    if source.lower().endswith(".csv"):
        X, header = _csv_features(Path(source), names, spec.n_inputs)
        targets = saved.target_names or spec.data.target
        if not targets or any(t not in header for t in targets):
            return Features(X=X)
        try:
            ds = load_dataset(spec, source=source, target=targets, features=names,
                              test_fraction=0.0, dtype="float64", **same)
        except DataError as e:  # the predictions do not need the targets
            return Features(X=X, note=f"not scored against {', '.join(map(repr, targets))}: {e}")
        return Features(X=X, Y=ds.unscale_targets(ds.Y_train), target=ds.target_name)
    # load_dataset scales with the new data's own statistics; undo that exactly here so the
    # training statistics can be applied instead.
    ds = load_dataset(spec, source=source, test_fraction=0.0, dtype="float64", **same)
    X = np.concatenate([ds.X_train, ds.X_test])
    Y = ds.unscale_targets(np.concatenate([ds.Y_train, ds.Y_test]))
    return Features(X=X * ds.feature_scale + ds.feature_mean, Y=Y, target=ds.target_name)


def _csv_features(path: Path, names: tuple[str, ...], n_inputs: int
                  ) -> tuple[np.ndarray, list[str]]:
    """Feature columns of a CSV by name; the target column is not needed for predictions."""
    import numpy as np

    from .data import csv_cell, read_csv_rows

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
