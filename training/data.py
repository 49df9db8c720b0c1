"""Datasets for training: bundled sets, CSV, .npz and MNIST IDX files, validated and split."""

from __future__ import annotations

import csv
import gzip
import math
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from derive.errors import DataError

CLASSIFICATION_LOSSES = ("cce", "sparse_cce", "bce")
BUILTIN_SOURCES = ("digits", "diabetes")
SOURCE_FORMS = ("digits, diabetes, a .csv or .npz file path, or mnist:DIR for a folder of MNIST"
                " IDX files")
NO_SOURCE = ("no data source given: pass --data SOURCE on the command line or add"
             ' [data] source = "FILE.csv" (and target = "COLUMN") to the spec; SOURCE is '
             + SOURCE_FORMS)

# IDX type codes (third magic byte) -> big-endian numpy dtype.
IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split ready for a generated module: features standardized with train stats.

    Y is one-hot (N, n_classes) for cce, int class indices (N,) for sparse_cce, 0/1 (N, n_outputs)
    for bce and standardized floats (N, n_outputs) for regression losses. feature_mean and
    feature_scale undo the feature standardization (raw = X * scale + mean); target_mean and
    target_scale do the same for regression targets and are None for classification.
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    n_classes: int | None
    feature_names: tuple[str, ...]
    target_name: str
    source: str
    kind: str  # "classification" or "regression"
    feature_mean: np.ndarray | None = None
    feature_scale: np.ndarray | None = None
    target_mean: np.ndarray | None = None
    target_scale: np.ndarray | None = None
    loss: str = ""
    split: str = ""  # how the test set was made, for reports

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    def unscale_targets(self, Y: np.ndarray) -> np.ndarray:
        """Regression outputs in the target's original units (identity for classification)."""
        if self.target_mean is None or self.target_scale is None:
            return Y
        return np.asarray(Y) * self.target_scale + self.target_mean


@dataclass(frozen=True)
class _Request:
    source: str
    target: str
    features: tuple[str, ...]
    loss: str
    n_inputs: int
    n_outputs: int
    seed: int
    test_fraction: float
    dtype: str


@dataclass
class _Raw:
    X: np.ndarray  # float64 (N, d), finite
    y: np.ndarray  # (N,) or (N, k), finite
    feature_names: tuple[str, ...]
    target_name: str
    source: str
    where: Callable[[int], str]  # names sample i for error messages
    X_test: np.ndarray | None = None  # a predefined test split (MNIST t10k)
    y_test: np.ndarray | None = None
    where_test: Callable[[int], str] | None = None


# ---------------------------------------------------------------------------------------------
# Entry point


def load_dataset(spec_or_args: Any, **overrides: Any) -> Dataset:
    """Load, validate, encode, split and standardize the data a spec (or CLI args) names.

    spec_or_args is a NetworkSpec (its data, training, loss and layers are used) or a mapping /
    namespace with keys source, loss, layers (or n_inputs and n_outputs) and optionally target,
    features, seed, test_fraction, dtype. Keyword overrides (e.g. source=... from --data) win.
    """
    req = _request(spec_or_args, overrides)
    raw = _load_raw(req)
    if raw.X.shape[1] != req.n_inputs:
        raise DataError(f"{raw.source}: the data has {plural(raw.X.shape[1], 'feature column')}"
                        f" but the network has {plural(req.n_inputs, 'input')}")
    if raw.X.shape[0] == 0:
        raise DataError(f"{raw.source}: no data rows")
    classification = req.loss in CLASSIFICATION_LOSSES
    y, n_classes, strat = _targets(req, raw.y, raw.where, raw.source)
    if raw.X_test is not None and raw.y_test is not None and raw.where_test is not None:
        yt, _, _ = _targets(req, raw.y_test, raw.where_test, raw.source)
        Xtr, Xte, ytr, yte = raw.X, raw.X_test, y, yt
        split = "the source's own test files"
    else:
        Xtr, Xte, ytr, yte, split = _split(raw.X, y, strat, req.test_fraction, req.seed)
    fmean, fscale = _stats(Xtr)
    dt = np.dtype(req.dtype)
    Xtr, Xte = _apply(Xtr, fmean, fscale, dt), _apply(Xte, fmean, fscale, dt)
    tmean = tscale = None
    if classification:
        if req.loss != "sparse_cce":
            ytr, yte = ytr.astype(dt), yte.astype(dt)
    else:
        tmean, tscale = _stats(ytr)
        ytr, yte = _apply(ytr, tmean, tscale, dt), _apply(yte, tmean, tscale, dt)
    return Dataset(
        X_train=Xtr, Y_train=ytr, X_test=Xte, Y_test=yte, n_classes=n_classes,
        feature_names=raw.feature_names, target_name=raw.target_name, source=raw.source,
        kind="classification" if classification else "regression",
        feature_mean=fmean, feature_scale=fscale, target_mean=tmean, target_scale=tscale,
        loss=req.loss, split=split,
    )


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _request(obj: Any, overrides: Mapping[str, Any]) -> _Request:
    if all(hasattr(obj, k) for k in ("layers", "loss", "training", "data")):
        t, d = obj.training, obj.data
        flat: dict[str, Any] = {
            "source": d.source, "target": d.target, "features": tuple(d.features),
            "loss": obj.loss, "layers": tuple(obj.layers), "seed": t.seed,
            "test_fraction": t.test_fraction, "dtype": t.dtype,
        }
    else:
        flat = {k: _get(obj, k) for k in ("source", "target", "features", "loss", "layers", "seed",
                                          "test_fraction", "dtype", "n_inputs", "n_outputs")}
        flat = {k: v for k, v in flat.items() if v is not None}
    flat.update({k: v for k, v in overrides.items() if v is not None})
    layers = flat.get("layers")
    n_in = flat.get("n_inputs", layers[0] if layers else None)
    n_out = flat.get("n_outputs", layers[-1] if layers else None)
    if not flat.get("source"):
        raise DataError(NO_SOURCE)
    if not flat.get("loss") or n_in is None or n_out is None:
        raise DataError("load_dataset needs the loss and the network's input and output widths")
    dtype = str(flat.get("dtype", "float64"))
    if dtype not in ("float64", "float32"):
        raise DataError(f"unsupported dtype {dtype!r} (use float64 or float32)")
    frac = float(flat.get("test_fraction", 0.2))
    if not 0.0 <= frac < 1.0:
        raise DataError(f"test_fraction must be in [0, 1), got {frac}")
    return _Request(
        source=str(flat["source"]), target=str(flat.get("target") or ""),
        features=tuple(flat.get("features") or ()), loss=str(flat["loss"]), n_inputs=int(n_in),
        n_outputs=int(n_out), seed=int(flat.get("seed", 0)), test_fraction=frac, dtype=dtype,
    )


def source_problem(source: str) -> str | None:
    """Why source is not a data source load_dataset reads, or None when its form is fine.

    Only the form is checked (a bundled name, a .csv or .npz path, mnist:DIR); whether the
    file exists and holds good data is load_dataset's business.
    """
    if source in BUILTIN_SOURCES:
        return None
    if source.startswith("mnist:"):
        if source[len("mnist:"):].strip():
            return None
    elif Path(source).suffix.lower() in (".csv", ".npz") and Path(source).stem:
        return None
    return f"unknown data source {source!r} (accepted: {SOURCE_FORMS})"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 sample', '2 samples' (many: the plural when it is not word + 's')."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def resolve_source(source: str, folder: str | Path) -> str:
    """source with a relative path in it (FILE.csv, FILE.npz, mnist:DIR) joined onto folder.

    A spec file's [data] source is relative to the spec file's folder, so that
    `mnist:data/mnist` in examples/x.toml means examples/data/mnist from any working folder;
    paths given on the command line stay relative to the working folder and are not passed
    through here. Bundled set names, empty sources and absolute paths come back unchanged.
    """
    if not source or source in BUILTIN_SOURCES:
        return source
    prefix, rest = ("mnist:", source[len("mnist:"):]) if source.startswith("mnist:") else ("", source)
    if not rest or Path(rest).is_absolute():
        return source
    return prefix + str(Path(folder) / rest)


def _load_raw(req: _Request) -> _Raw:
    src = req.source
    if src in BUILTIN_SOURCES:
        return _builtin(src)
    if src.startswith("mnist:"):
        return _mnist(Path(src[len("mnist:"):]))
    problem = source_problem(src)
    if problem is not None:
        raise DataError(problem)
    path = Path(src)
    if path.suffix.lower() == ".csv":
        return _csv(path, req.target, req.features)
    return _npz(path)


# ---------------------------------------------------------------------------------------------
# Sources


def _builtin(name: str) -> _Raw:
    from sklearn import datasets

    bunch = datasets.load_digits() if name == "digits" else datasets.load_diabetes()
    target = "digit" if name == "digits" else "disease_progression"
    return _Raw(X=np.asarray(bunch.data, dtype=np.float64), y=np.asarray(bunch.target),
                feature_names=tuple(bunch.feature_names), target_name=target, source=name,
                where=lambda i: f"{name}: sample {i}")


def read_csv_rows(path: Path) -> list:
    """All rows of a CSV file; every way reading can fail is one DataError naming the file."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            return list(csv_rows(f))
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a UTF-8 text file") from None
    except csv.Error as e:
        raise DataError(f"{path}: malformed CSV: {e}") from None
    except OSError as e:
        raise DataError(f"{path}: cannot read: {e.strerror or e}") from None


def _csv(path: Path, target: str, features: tuple[str, ...]) -> _Raw:
    rows = read_csv_rows(path)
    if not rows:
        raise DataError(f"{path}: empty file (a header row naming the columns is required)")
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    for j, h in enumerate(header):
        if not h:
            raise DataError(f"{path}: row {header_line}: header cell {j + 1} is empty")
        try:
            float(h)
        except ValueError:
            pass
        else:
            raise DataError(f"{path}: row {header_line}: header cell {j + 1} is the number {h!r};"
                            " the first row must name the columns")
        if header.index(h) != j:
            raise DataError(f"{path}: row {header_line}: column name {h!r} appears twice")
    known = ", ".join(header)
    if not target:
        raise DataError(f"{path}: name the target column with [data] target in the spec or"
                        f" --target on the command line (columns: {known})")
    if target not in header:
        raise DataError(f"{path}: target column {target!r} not in the header (columns: {known})")
    feats = list(features) if features else [h for h in header if h != target]
    for name in feats:
        if name not in header:
            raise DataError(f"{path}: feature column {name!r} not in the header (columns: {known})")
        if name == target:
            raise DataError(f"{path}: column {name!r} is both a feature and the target")
    if not feats:
        raise DataError(f"{path}: no feature columns")
    cols = [header.index(n) for n in feats]
    tcol = header.index(target)
    X = np.empty((len(rows) - 1, len(cols)), dtype=np.float64)
    y = np.empty(len(rows) - 1, dtype=np.float64)
    line_of = np.empty(len(rows) - 1, dtype=np.int64)
    for i, (line, row) in enumerate(rows[1:]):
        if len(row) != len(header):
            raise DataError(f"{path}: row {line}: {plural(len(row), 'cell')}, but the header has"
                            f" {plural(len(header), 'column')}")
        for k, j in enumerate(cols):
            X[i, k] = csv_cell(path, line, header, j, row[j])
        y[i] = csv_cell(path, line, header, tcol, row[tcol])
        line_of[i] = line
    return _Raw(X=X, y=y, feature_names=tuple(feats), target_name=target, source=str(path),
                where=lambda i: f"{path}: row {line_of[i]}")


def csv_rows(f: Any) -> Iterator[tuple[int, list[str]]]:
    """Yield (1-based file row, cells), skipping blank lines."""
    reader = csv.reader(f)
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        yield reader.line_num, row


def csv_cell(path: Path, line: int, header: list[str], j: int, text: str) -> float:
    where = f"{path}: row {line}, column {header[j]!r} (column {j + 1})"
    s = text.strip()
    if not s:
        raise DataError(f"{where}: empty cell")
    try:
        v = float(s)
    except ValueError:
        raise DataError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(v):
        raise DataError(f"{where}: {text!r} is not a finite number")
    return v


def _npz(path: Path) -> _Raw:
    try:
        with np.load(path, allow_pickle=False) as z:
            keys = list(z.files)
            ykey = "y" if "y" in keys else "Y" if "Y" in keys else None
            if "X" not in keys or ykey is None:
                raise DataError(f"{path}: needs arrays named X and y (found: {', '.join(keys) or 'none'})")
            X, y = z["X"], z[ykey]
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise DataError(f"{path}: not a readable .npz file ({e})") from None
    if X.ndim != 2:
        raise DataError(f"{path}: X must be 2-D (samples, features), got shape {X.shape}")
    if y.ndim not in (1, 2):
        raise DataError(f"{path}: y must be 1-D or 2-D, got shape {y.shape}")
    if len(y) != len(X):
        raise DataError(f"{path}: X has {plural(len(X), 'row')} but y has {len(y)}")
    for name, a in (("X", X), ("y", y)):
        if not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_):
            raise DataError(f"{path}: {name} must be numeric, got dtype {a.dtype}")
    X = X.astype(np.float64)
    y = y.astype(np.float64)
    for name, a in (("X", X), ("y", y)):
        bad = ~np.isfinite(a.reshape(len(a), -1)).all(axis=1)
        if bad.any():
            raise DataError(f"{path}: {name}[{int(np.argmax(bad))}] contains NaN or infinity")
    return _Raw(X=X, y=y, feature_names=tuple(f"x{j}" for j in range(X.shape[1])),
                target_name="y", source=str(path), where=lambda i: f"{path}: y[{i}]")


# ---------------------------------------------------------------------------------------------
# MNIST / IDX


def read_idx(path: str | Path) -> np.ndarray:
    """Parse an IDX file (optionally gzip-compressed) into a native-endian numpy array."""
    p = Path(path)
    try:
        blob = p.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{p}: file not found") from None
    except OSError as e:
        raise DataError(f"{p}: cannot read: {e.strerror or e}") from None
    if blob[:2] == b"\x1f\x8b":
        try:
            blob = gzip.decompress(blob)
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise DataError(f"{p}: damaged gzip data ({e})") from None
    if len(blob) < 4:
        raise DataError(f"{p}: truncated IDX file ({len(blob)} bytes, the header needs 4)")
    if blob[0] != 0 or blob[1] != 0 or blob[2] not in IDX_TYPES or blob[3] == 0:
        raise DataError(f"{p}: bad IDX magic number 0x{blob[:4].hex()} (expected 0x0000TTDD with"
                        " a known type TT and at least one dimension DD)")
    dtype, ndim = IDX_TYPES[blob[2]], blob[3]
    head = 4 + 4 * ndim
    if len(blob) < head:
        raise DataError(f"{p}: truncated IDX header ({len(blob)} bytes, {ndim} dimensions need {head})")
    dims = tuple(int.from_bytes(blob[4 + 4 * k: 8 + 4 * k], "big") for k in range(ndim))
    need = math.prod(dims) * dtype.itemsize
    have = len(blob) - head
    if have < need:
        raise DataError(f"{p}: truncated IDX data: dimensions {dims} need {need} bytes, found {have}")
    if have > need:
        raise DataError(f"{p}: {plural(have - need, 'unexpected byte')} after the IDX data"
                        f" (dimensions {dims})")
    arr = np.frombuffer(blob, dtype=dtype, count=math.prod(dims), offset=head).reshape(dims)
    return arr.astype(dtype.newbyteorder("="))


def _idx_file(folder: Path, stem: str, required: bool) -> Path | None:
    # MNIST mirrors spell the names with '-' or '.' before idx and may gzip them.
    base, kind = stem.rsplit("-", 2)[0], "-".join(stem.rsplit("-", 2)[1:])
    for name in (stem, f"{base}.{kind}"):
        for cand in (folder / name, folder / f"{name}.gz"):
            if cand.is_file():
                return cand
    if required:
        raise DataError(f"{folder}: missing MNIST file {stem} (or {stem}.gz)")
    return None


def _mnist_pair(folder: Path, prefix: str, required: bool) -> tuple[np.ndarray, np.ndarray, Path] | None:
    ipath = _idx_file(folder, f"{prefix}-images-idx3-ubyte", required)
    lpath = _idx_file(folder, f"{prefix}-labels-idx1-ubyte", required)
    if ipath is None or lpath is None:
        if ipath is not None or lpath is not None:
            raise DataError(f"{folder}: found only one of the {prefix} images/labels files")
        return None
    images, labels = read_idx(ipath), read_idx(lpath)
    if images.ndim != 3:
        raise DataError(f"{ipath}: expected 3 dimensions (images, rows, columns), got {images.shape}")
    if labels.ndim != 1:
        raise DataError(f"{lpath}: expected 1 dimension (labels), got {labels.shape}")
    if len(images) != len(labels):
        raise DataError(f"{ipath}: {plural(len(images), 'image')} but {lpath.name} has"
                        f" {plural(len(labels), 'label')}")
    X = images.reshape(len(images), -1).astype(np.float64)
    if not np.isfinite(X).all():
        raise DataError(f"{ipath}: pixel values contain NaN or infinity")
    return X, labels.astype(np.float64), lpath


def _mnist(folder: Path) -> _Raw:
    if not folder.is_dir():
        raise DataError(f"{folder}: MNIST folder not found")
    train = _mnist_pair(folder, "train", True)
    assert train is not None
    test = _mnist_pair(folder, "t10k", False)
    X, y, lpath = train
    rows, cols = _image_shape(X.shape[1])
    raw = _Raw(X=X, y=y, feature_names=tuple(f"pixel_{r}_{c}" for r in range(rows) for c in range(cols)),
               target_name="label", source=f"mnist:{folder}", where=lambda i: f"{lpath}: label {i}")
    if test is not None:
        Xt, yt, tpath = test
        if Xt.shape[1] != X.shape[1]:
            raise DataError(f"{folder}: test images have {Xt.shape[1]} pixels, training images {X.shape[1]}")
        raw.X_test, raw.y_test, raw.where_test = Xt, yt, lambda i: f"{tpath}: label {i}"
    return raw


def _image_shape(n_pixels: int) -> tuple[int, int]:
    side = round(math.sqrt(n_pixels))
    return (side, side) if side * side == n_pixels else (1, n_pixels)


# ---------------------------------------------------------------------------------------------
# Targets, split, standardization


def _labels(y: np.ndarray, n: int, where: Callable[[int], str], what: str, source: str
            ) -> np.ndarray:
    if y.ndim != 1:
        raise DataError(f"{source}: class labels must be one column, got shape {y.shape}")
    bad = (y != np.round(y)) | (y < 0) | (y >= n)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{where(i)}: class label {y[i]:g} is not an integer in [0, {n}) ({what})")
    return y.astype(np.int64)


def _targets(req: _Request, y: np.ndarray, where: Callable[[int], str], source: str
             ) -> tuple[np.ndarray, int | None, np.ndarray | None]:
    """Encode targets for the loss: (encoded y, n_classes, labels to stratify on or None)."""
    k = req.n_outputs
    if req.loss in ("cce", "sparse_cce"):
        labels = _labels(y, k, where, f"the network has {plural(k, 'output')}", source)
        if req.loss == "sparse_cce":
            return labels, k, labels
        return np.eye(k, dtype=np.float64)[labels], k, labels
    if req.loss == "bce":
        if y.ndim == 2:
            if y.shape[1] != k:
                raise DataError(f"{source}: the target has {plural(y.shape[1], 'column')} but the"
                                f" network has {plural(k, 'output')}")
            bad = ~np.isin(y, (0.0, 1.0)).all(axis=1)
            if bad.any():
                raise DataError(f"{where(int(np.argmax(bad)))}: bce targets must be 0 or 1")
            return y.astype(np.float64), None, None
        if k == 1:
            labels = _labels(y, 2, where, "a 1-output bce network needs labels 0 or 1", source)
            return labels[:, None].astype(np.float64), 2, labels
        labels = _labels(y, k, where, f"the network has {plural(k, 'output')}", source)
        return np.eye(k, dtype=np.float64)[labels], k, labels
    Y = y[:, None] if y.ndim == 1 else y
    if Y.shape[1] != k:
        raise DataError(f"{source}: the target has {plural(Y.shape[1], 'column')} but the network"
                        f" has {plural(k, 'output')}")
    return Y.astype(np.float64), None, None


def _split(X: np.ndarray, y: np.ndarray, strat: np.ndarray | None, frac: float, seed: int):
    n = len(X)
    n_test = math.ceil(frac * n)
    if frac == 0.0 or n_test == 0:
        return X, X[:0], y, y[:0], "none (test_fraction = 0)"
    if n - n_test < 1:
        raise DataError(f"only {plural(n, 'sample')}: test_fraction {frac} leaves no training data")
    from sklearn.model_selection import train_test_split

    if strat is not None:
        try:
            Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=frac, random_state=seed,
                                                  stratify=strat)
            return Xtr, Xte, ytr, yte, f"stratified, test_fraction {frac:g}, seed {seed}"
        except ValueError:
            pass  # too few samples of some class to stratify; a plain split still works
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=frac, random_state=seed)
    return Xtr, Xte, ytr, yte, f"random, test_fraction {frac:g}, seed {seed}"


def _stats(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = A.mean(axis=0)
    std = A.std(axis=0)
    # A constant column carries no information; dividing by 1 keeps it at 0 instead of NaN.
    std = np.where(std > 1e-12 * np.maximum(1.0, np.abs(mean)), std, 1.0)
    return mean, std


def _apply(A: np.ndarray, mean: np.ndarray, scale: np.ndarray, dtype: np.dtype) -> np.ndarray:
    out = A - mean
    out /= scale  # in place: MNIST-sized arrays are large
    return out.astype(dtype, copy=False)
