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

from .targets import CLASSIFICATION_LOSSES, Output, encode, plural

__all__ = ["CLASSIFICATION_LOSSES", "Dataset", "load_dataset", "plural", "read_idx"]

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
    """A train/test split ready for a generated module, scaled as the network's output needs.

    Y is one-hot (N, n_classes) rows, int class indices (N,) for sparse_cce, 0/1 (N, 1) for a
    one-output classifier, or values (N, n_outputs) for regression (standardized only when the
    output is unbounded, e.g. linear). feature_mean and feature_scale undo the feature scaling
    (raw = X * scale + mean: the training split's statistics, MNIST's 255, or 0 and 1 when the
    data is used as given); target_mean and target_scale do the same for standardized regression
    targets and are None otherwise. class_names maps class indices to the text labels of the
    data (empty for numeric labels); feature_scaling and target_scaling say what was done.
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
    class_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()  # the target columns (one name per output for values)
    feature_scaling: str = ""
    target_scaling: str = ""

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    def unscale_targets(self, Y: np.ndarray) -> np.ndarray:
        """Regression outputs in the target's original units (identity when not standardized)."""
        if self.target_mean is None or self.target_scale is None:
            return Y
        return np.asarray(Y) * self.target_scale + self.target_mean


@dataclass(frozen=True)
class _Request:
    source: str
    targets: tuple[str, ...]
    features: tuple[str, ...]
    output: Output
    n_inputs: int
    seed: int
    test_fraction: float
    dtype: str
    standardize: bool = True
    classes: tuple[str, ...] = ()  # a trained model's text labels, in index order

    @property
    def loss(self) -> str:
        return self.output.loss

    @property
    def n_outputs(self) -> int:
        return self.output.width


@dataclass
class _Raw:
    X: np.ndarray  # float64 (N, d), finite
    y: np.ndarray  # (N,) or (N, k): finite numbers, or text labels (N,)
    feature_names: tuple[str, ...]
    target_name: str
    source: str
    where: Callable[[int], str]  # names sample i for error messages
    X_test: np.ndarray | None = None  # a predefined test split (MNIST t10k)
    y_test: np.ndarray | None = None
    where_test: Callable[[int], str] | None = None
    pixel_max: float | None = None  # images of 8-bit pixels (MNIST): their full scale
    target_names: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Entry point


def load_dataset(spec_or_args: Any, **overrides: Any) -> Dataset:
    """Load, validate, encode, split and scale the data a spec (or CLI args) names.

    spec_or_args is a NetworkSpec (its data, training, loss, layers and output activation are
    used) or a mapping / namespace with keys source, loss, layers (or n_inputs and n_outputs)
    and optionally target (a name or a list of names), features, seed, test_fraction, dtype,
    output (the output activation's name), standardize and classes. Keyword overrides (e.g.
    source=... from --data) win.
    """
    req = _request(spec_or_args, overrides)
    raw = _load_raw(req)
    if raw.X.shape[1] != req.n_inputs:
        raise DataError(f"{raw.source}: the data has {plural(raw.X.shape[1], 'feature column')}"
                        f" but the network has {plural(req.n_inputs, 'input')}")
    if raw.X.shape[0] == 0:
        raise DataError(f"{raw.source}: no data rows")
    enc = encode(req.output, raw.y, raw.where, raw.source, req.classes, raw.target_names)
    if raw.X_test is not None and raw.y_test is not None and raw.where_test is not None:
        classes = enc.class_names or req.classes
        test = encode(req.output, raw.y_test, raw.where_test, raw.source, classes, raw.target_names)
        Xtr, Xte, ytr, yte = raw.X, raw.X_test, enc.Y, test.Y
        split = "the source's own test files"
    else:
        Xtr, Xte, ytr, yte, split = _split(raw.X, enc.Y, enc.strat, req.test_fraction, req.seed)
    fmean, fscale, fnote = _feature_scaling(req, raw, Xtr)
    dt = np.dtype(req.dtype)
    Xtr, Xte = _apply(Xtr, fmean, fscale, dt), _apply(Xte, fmean, fscale, dt)
    tmean = tscale = None
    tnote = ""
    if enc.kind == "classification":
        if req.loss != "sparse_cce":
            ytr, yte = ytr.astype(dt), yte.astype(dt)
    else:
        tmean, tscale, tnote = _target_scaling(req, ytr)
        if tmean is None or tscale is None:
            ytr, yte = ytr.astype(dt), yte.astype(dt)
        else:
            ytr, yte = _apply(ytr, tmean, tscale, dt), _apply(yte, tmean, tscale, dt)
    return Dataset(
        X_train=Xtr, Y_train=ytr, X_test=Xte, Y_test=yte, n_classes=enc.n_classes,
        feature_names=raw.feature_names, target_name=raw.target_name, source=raw.source,
        kind=enc.kind, feature_mean=fmean, feature_scale=fscale, target_mean=tmean,
        target_scale=tscale, loss=req.loss, split=split, class_names=enc.class_names,
        target_names=raw.target_names or (raw.target_name,), feature_scaling=fnote,
        target_scaling=tnote,
    )


def _feature_scaling(req: _Request, raw: _Raw, Xtr: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """(mean, scale, what was done): raw features are X * scale + mean."""
    d = Xtr.shape[1]
    if not req.standardize:
        return np.zeros(d), np.ones(d), "used as given (standardize = false)"
    if raw.pixel_max is not None:
        return (np.zeros(d), np.full(d, raw.pixel_max),
                f"pixels scaled from 0..{raw.pixel_max:g} to [0, 1], as article 004 does")
    if len(Xtr) < 2:
        return (np.zeros(d), np.ones(d),
                "used as given: a single training sample has no spread to standardize by")
    mean, scale = _stats(Xtr)
    return mean, scale, "standardized with the training split's mean and standard deviation"


def _target_scaling(req: _Request, ytr: np.ndarray
                    ) -> tuple[np.ndarray | None, np.ndarray | None, str]:
    out = req.output
    if not out.unbounded:
        return None, None, (f"used as given: the {out.activation or 'output'} output's range is"
                            f" {out.range_text()}")
    if not req.standardize:
        return None, None, "used as given (standardize = false)"
    if len(ytr) < 2:
        return None, None, "used as given: a single training sample has no spread to standardize by"
    mean, scale = _stats(ytr)
    return mean, scale, "standardized with the training split's mean and standard deviation"


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
            "standardize": getattr(t, "standardize", True),
        }
        activation = getattr(obj, "activation", None)
        if callable(activation):  # a NetworkSpec: its output layer, resolved
            act = activation(len(obj.layers) - 1)
            flat["output_range"] = (act.entry.output_range(dict(act.params)), act.name)
    else:
        keys = ("source", "target", "features", "loss", "layers", "seed", "test_fraction", "dtype",
                "n_inputs", "n_outputs", "output", "standardize", "classes")
        flat = {k: _get(obj, k) for k in keys}
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
    target = flat.get("target") or ()
    targets = (target,) if isinstance(target, str) else tuple(target)
    (low, high), act = flat.get("output_range") or (_range_of(flat.get("output")),
                                                     str(flat.get("output") or ""))
    output = Output(loss=str(flat["loss"]), width=int(n_out), low=low, high=high, activation=act)
    return _Request(
        source=str(flat["source"]), targets=targets, features=tuple(flat.get("features") or ()),
        output=output, n_inputs=int(n_in), seed=int(flat.get("seed", 0)), test_fraction=frac,
        dtype=dtype, standardize=bool(flat.get("standardize", True)),
        classes=tuple(str(c) for c in flat.get("classes") or ()),
    )


def _range_of(activation: str | None) -> tuple[float, float]:
    """The output range of a named activation with its default parameters (unbounded if none)."""
    if not activation:
        return -math.inf, math.inf
    from derive.primitives import ACTIVATIONS

    if activation not in ACTIVATIONS:
        raise DataError(f"unknown output activation {activation!r}")
    return ACTIVATIONS[activation].output_range()


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
        return _csv(path, req.targets, req.features)
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


def _csv(path: Path, targets: tuple[str, ...], features: tuple[str, ...]) -> _Raw:
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
    if not targets:
        raise DataError(f"{path}: name the target column with [data] target in the spec or"
                        f" --target on the command line (columns: {known})")
    for target in targets:
        if target not in header:
            raise DataError(f"{path}: target column {target!r} not in the header (columns: {known})")
    feats = list(features) if features else [h for h in header if h not in targets]
    for name in feats:
        if name not in header:
            raise DataError(f"{path}: feature column {name!r} not in the header (columns: {known})")
        if name in targets:
            raise DataError(f"{path}: column {name!r} is both a feature and a target")
    if not feats:
        raise DataError(f"{path}: no feature columns")
    cols = [header.index(n) for n in feats]
    tcols = [header.index(t) for t in targets]
    n = len(rows) - 1
    X = np.empty((n, len(cols)), dtype=np.float64)
    cells = [[""] * len(tcols) for _ in range(n)]
    line_of = np.empty(n, dtype=np.int64)
    for i, (line, row) in enumerate(rows[1:]):
        if len(row) != len(header):
            raise DataError(f"{path}: row {line}: {plural(len(row), 'cell')}, but the header has"
                            f" {plural(len(header), 'column')}")
        for k, j in enumerate(cols):
            X[i, k] = csv_cell(path, line, header, j, row[j])
        cells[i] = [row[j] for j in tcols]
        line_of[i] = line
    y = _target_cells(path, header, tcols, cells, line_of)
    return _Raw(X=X, y=y, feature_names=tuple(feats), target_name=",".join(targets),
                source=str(path), where=lambda i: f"{path}: row {line_of[i]}",
                target_names=tuple(targets))


def _target_cells(path: Path, header: list[str], tcols: list[int], cells: list[list[str]],
                  line_of: np.ndarray) -> np.ndarray:
    """Numbers (N,) or (N, k); or, for one column where no cell is a number, its text labels."""
    if len(tcols) == 1 and cells and not any(_is_number(c[0]) for c in cells):
        labels = np.array([c[0].strip() for c in cells], dtype=str)
        empty = np.flatnonzero(labels == "")
        if empty.size:
            raise DataError(f"{path}: row {line_of[empty[0]]}, column {header[tcols[0]]!r}"
                            f" (column {tcols[0] + 1}): empty cell")
        return labels
    y = np.array([[csv_cell(path, int(line_of[i]), header, j, c[k]) for k, j in enumerate(tcols)]
                  for i, c in enumerate(cells)], dtype=np.float64).reshape(len(cells), len(tcols))
    return y[:, 0] if len(tcols) == 1 else y


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


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


def _mnist_pair(folder: Path, prefix: str, required: bool
                ) -> tuple[np.ndarray, np.ndarray, Path, bool] | None:
    """(pixels as float rows, labels, the labels file, whether the pixels are 8-bit) or None."""
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
    # 8-bit pixels (IDX type 0x08, MNIST's own files) run from 0 to 255
    return X, labels.astype(np.float64), lpath, images.dtype == np.uint8


def _mnist(folder: Path) -> _Raw:
    if not folder.is_dir():
        raise DataError(f"{folder}: MNIST folder not found")
    train = _mnist_pair(folder, "train", True)
    assert train is not None
    test = _mnist_pair(folder, "t10k", False)
    X, y, lpath, eight_bit = train
    rows, cols = _image_shape(X.shape[1])
    raw = _Raw(X=X, y=y, feature_names=tuple(f"pixel_{r}_{c}" for r in range(rows) for c in range(cols)),
               target_name="label", source=f"mnist:{folder}", where=lambda i: f"{lpath}: label {i}",
               pixel_max=255.0 if eight_bit else None)
    if test is not None:
        Xt, yt, tpath, _ = test
        if Xt.shape[1] != X.shape[1]:
            raise DataError(f"{folder}: test images have {Xt.shape[1]} pixels, training images {X.shape[1]}")
        raw.X_test, raw.y_test, raw.where_test = Xt, yt, lambda i: f"{tpath}: label {i}"
    return raw


def _image_shape(n_pixels: int) -> tuple[int, int]:
    side = round(math.sqrt(n_pixels))
    return (side, side) if side * side == n_pixels else (1, n_pixels)


# ---------------------------------------------------------------------------------------------
# Targets, split, standardization


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
