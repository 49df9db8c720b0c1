"""The training loop: batch, stochastic and mini-batch gradient descent over a generated module."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from derive.errors import DataError
from derive.fileio import atomic_write

from .targets import CLASSIFICATION_LOSSES, plural

if TYPE_CHECKING:
    from types import ModuleType

    from derive.spec import Training

    from .data import Dataset

METRIC_COLUMNS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
                  "max_update", "iterations", "seconds")
EVAL_CHUNK = 4096  # rows per forward pass when evaluating, to bound memory on large sets
DIVERGENCE_FACTOR = 1e3  # a per-sample loss this many times the starting one means divergence
DIVERGENCE_FLOOR = 1e4  # ... but never below this per-sample loss (see train())
HASH_KEY = "__spec_hash__"
PARAM_RE = re.compile(r"^([Wb])([1-9][0-9]*)$")
RESERVED_RE = re.compile(r"^__[A-Za-z0-9_]*[A-Za-z0-9]__$")  # metadata next to the parameters
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip member, an empty zip: what np.savez writes


@dataclass(frozen=True, eq=False)
class TrainResult:
    """What train() returns: the kept parameters, per-epoch history and why training stopped.

    history: one dict per completed epoch with keys epoch (1-based), train_loss and test_loss
    (per-sample losses over the whole split after the epoch, so train and test are comparable
    for "sum" losses too; test_loss None without a test split), train_accuracy and
    test_accuracy (None for regression or without that split), max_update (largest |update|
    entry in the epoch, or None when no tolerance asked for it), iterations (updates so far)
    and seconds. stopped_reason: "epochs", "target_loss", "tolerance", "loss_tolerance",
    "interrupted" or "diverged".
    """

    params: dict[str, np.ndarray]
    history: list[dict[str, Any]]
    stopped_reason: str
    message: str
    start_loss: float | None = None  # the per-sample training loss before the first update
    kept_epoch: int = 0  # the epoch whose parameters were kept (0: the starting ones)
    kept_loss: float | None = None  # their loss on kept_split
    kept_split: str = "test"  # "test", or "training" without a test split
    suggested_lr: float | None = None  # a diverged run's advice


# ---------------------------------------------------------------------------------------------
# Evaluation


def _chunks(n: int, size: int = EVAL_CHUNK):
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def predict(module: ModuleType, params: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """The network's outputs for X (N, n_inputs), computed in chunks."""
    X = np.asarray(X)
    if len(X) == 0:
        return np.empty((0, module.LAYERS[-1]), dtype=X.dtype)
    return np.concatenate([module.forward(params, X[s])[0] for s in _chunks(len(X))], axis=0)


def _loss_and_outputs(module: ModuleType, params: Mapping[str, np.ndarray], X: np.ndarray,
                      Y: np.ndarray) -> tuple[float, np.ndarray]:
    """The batch loss and the outputs from one forward pass (two without loss_from_cache)."""
    P, cache = module.forward(params, X)
    from_cache = getattr(module, "loss_from_cache", None)
    value = from_cache(cache, Y) if from_cache is not None else module.loss(params, X, Y)
    return float(value), P


def _hits(P: np.ndarray, Y: np.ndarray, one_hot: bool) -> tuple[int, int]:
    """(correct, counted) predictions in P for class targets Y; see accuracy() for the rules."""
    if Y.ndim == 1:  # class indices
        return int(np.count_nonzero(np.argmax(P, axis=1) == Y)), len(Y)
    if not one_hot:  # one output, or several independent 0/1 outputs: each thresholded at 0.5
        return int(np.count_nonzero((P >= 0.5) == (Y >= 0.5))), Y.size
    return int(np.count_nonzero(np.argmax(P, axis=1) == np.argmax(Y, axis=1))), len(Y)


def _one_hot_targets(Y: np.ndarray) -> bool:
    # rows are scored by argmax only when every row is one-hot (mutually exclusive classes); a
    # 1-output or multi-label network is scored output by output
    return Y.ndim == 2 and Y.shape[1] > 1 and bool(np.all(Y.sum(axis=1) == 1))


def _class_targets(module: ModuleType, classes: bool | None) -> bool:
    return module.LOSS in CLASSIFICATION_LOSSES if classes is None else classes


def accuracy(module: ModuleType, params: Mapping[str, np.ndarray], X: np.ndarray,
             Y: np.ndarray) -> float:
    """Fraction of correct predictions, for any loss: the targets say how they are scored.

    Class indices (N,) and one-hot rows are scored by argmax; a single 0/1 output, or several
    outputs that are not one-hot (multi-label), output by output at the threshold 0.5 (the
    fraction of correct entries is returned).
    """
    if len(X) == 0:
        raise DataError("accuracy needs at least one sample")
    Y = np.asarray(Y)
    if not np.isin(Y, (0, 1)).all() and not (Y.ndim == 1 and np.issubdtype(Y.dtype, np.integer)):
        raise DataError("accuracy needs class targets (class indices, one-hot or 0/1 rows)")
    correct, counted = _hits(predict(module, params, X), Y, _one_hot_targets(Y))
    return correct / counted


def evaluate(module: ModuleType, params: Mapping[str, np.ndarray], X: np.ndarray,
             Y: np.ndarray, *, with_accuracy: bool = True,
             classes: bool | None = None) -> tuple[float | None, float | None]:
    """(per-sample loss, accuracy) on X, Y; accuracy is None for regression, both None if empty.

    One forward pass per chunk gives both the loss (via loss_from_cache when the module has it)
    and the predictions the accuracy is counted from. classes says whether Y holds classes
    (None: whenever the loss is a classification loss; the trainer passes the dataset's kind, so
    an MSE network on one-hot labels is scored too). with_accuracy=False skips the counting.
    """
    if len(X) == 0:
        return None, None
    Y = np.asarray(Y)
    count = with_accuracy and _class_targets(module, classes)
    one_hot = count and _one_hot_targets(Y)
    total, correct, counted = 0.0, 0, 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for s in _chunks(len(X)):
            part, P = _loss_and_outputs(module, params, X[s], Y[s])
            # A "sum" loss already adds samples up; a "mean" loss must be re-weighted by chunk size.
            total += part if module.BATCH == "sum" else part * (s.stop - s.start)
            if count:
                c, k = _hits(P, Y[s], one_hot)
                correct, counted = correct + c, counted + k
    return total / len(X), (correct / counted if count else None)


# ---------------------------------------------------------------------------------------------
# Training


def _copy(params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.array(v, copy=True) for k, v in params.items()}


def _check_fit(module: ModuleType, X: np.ndarray, Y: np.ndarray, what: str) -> None:
    n_in, n_out = module.LAYERS[0], module.LAYERS[-1]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise DataError(f"{what} features have shape {X.shape} but the network has"
                        f" {plural(n_in, 'input')}")
    if len(Y) != len(X):
        raise DataError(f"{what} has {plural(len(X), 'feature row')} but"
                        f" {plural(len(Y), 'target row')}")
    if module.LOSS == "sparse_cce":
        if Y.ndim != 1 or not np.issubdtype(Y.dtype, np.integer):
            raise DataError(f"{what} targets have shape {Y.shape} and dtype {Y.dtype}; sparse_cce"
                            " needs integer class indices of shape (N,)")
    elif Y.ndim != 2 or Y.shape[1] != n_out:
        raise DataError(f"{what} targets have shape {Y.shape}; loss {module.LOSS} needs (N, {n_out})")


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def loss_text(x: float | None) -> str:
    """A loss in one fixed-width format (6 significant digits, scientific): 6.53630e-01.

    Every loss the runner prints goes through here, so a column of them lines up and the
    number of digits never depends on the value.
    """
    return "-" if x is None else f"{x:>11.5e}"


def divergence_limit(start_loss: float | None) -> float:
    """The per-sample training loss above which a run counts as diverged (see train())."""
    if start_loss is None or not math.isfinite(start_loss):
        return DIVERGENCE_FLOOR
    return max(DIVERGENCE_FACTOR * abs(start_loss), DIVERGENCE_FLOOR)


def _loss_problem(value: float, start: float | None, limit: float) -> str:
    if not math.isfinite(value):
        return f"loss became {value}"
    return (f"loss grew to {value:.3g} per sample from {_fmt(start) if start is not None else '?'}"
            f" at the start, past the divergence limit {limit:.3g}")


def train(module: ModuleType, dataset: Dataset, training: Training, *, progress: bool,
          on_epoch: Callable[[dict[str, Any]], None] | None = None,
          params: Mapping[str, np.ndarray] | None = None) -> TrainResult:
    """Gradient descent over module on dataset's training split, following training's settings.

    The procedure is derive.procedure's: schedule(training) says how an epoch is cut into
    batches (batch_size 0 or >= N: batch gradient descent, 1: stochastic, else mini-batch with
    the last partial batch included), whether to reshuffle, and the early-stopping rules; the
    update rule is the module's own train_step (p := p - lr/N dL/dp for a loss that sums over
    the batch, p := p - lr dL/dp for one that averages: article 000's mean-gradient step). Each
    batch is one fused train_step call; the largest update is computed only when the tolerance
    rule needs it. One np.random.default_rng(seed) initializes the parameters (unless params is
    given; it is copied, never modified) and shuffles, so a fixed seed is bit-identical.
    on_epoch is called with each epoch's history record.

    Divergence stops training in the epoch it happens, with stopped_reason "diverged". The
    rule: before the first epoch the per-sample training loss L0 at the starting parameters is
    measured, and the limit is max(DIVERGENCE_FACTOR * L0, DIVERGENCE_FLOOR) (1e3 * L0, at
    least 1e4; divergence_limit()). The run has diverged as soon as a batch's loss (per sample)
    or the epoch's training loss is not finite or exceeds the limit, a weight update is not
    finite, or a parameter is not finite at the end of an epoch. A learning rate far too large
    makes the loss grow by orders of magnitude within a few steps, while ordinary SGD noise
    stays within a small multiple of L0; the floor keeps a near-zero L0 from making ordinary
    fluctuations look like divergence. A diverged run keeps the best parameters it saw: those
    of the completed epoch with the lowest test loss (training loss without a test split; the
    starting ones if no epoch completed), and advises a learning rate from the curvature of the
    loss where it began to grow (training.advice). Ctrl-C keeps the parameters from the end of
    the last completed epoch (the starting ones if none completed).
    """
    from tqdm.auto import tqdm

    from derive.procedure import schedule

    plan = schedule(training)
    dt = np.dtype(training.dtype)
    X, Y, Xt, Yt = _splits(module, dataset, dt)
    n = len(X)
    rng = np.random.default_rng(training.seed)
    if params is None:
        params = module.init_params(rng, dtype=dt)
    else:
        params = {k: np.array(v, dtype=dt, copy=True) for k, v in params.items()}
    bs = plan.batching.length(n)
    lr = float(plan.learning_rate)
    per_sum = module.BATCH == "sum"
    classes = dataset.kind == "classification"
    track = plan.tracks_updates
    step = module.train_step

    history: list[dict[str, Any]] = []
    good, good_epoch = _copy(params), 0  # parameters at the end of the last completed epoch
    best = _Kept(_copy(params))  # by test loss (training loss without a test split)
    lowest = _Kept(best.params)  # by training loss: where a divergence begins to grow
    split = "test" if len(Xt) else "training"
    reason, message = "epochs", ""
    epoch = iterations = 0
    start_loss: float | None = None
    suggested: float | None = None
    bar = tqdm(total=plan.epochs, desc="train", unit="epoch", disable=not progress,
               dynamic_ncols=True)
    try:
        if plan.epochs > 0:
            start_loss, _ = evaluate(module, params, X, Y, with_accuracy=False)
            lowest.loss = start_loss
            # the starting parameters compete too: a run whose every epoch is worse keeps them
            start_test, _ = evaluate(module, params, Xt, Yt, with_accuracy=False)
            best.loss = start_test if start_test is not None else start_loss
        limit = divergence_limit(start_loss)
        for epoch in range(1, plan.epochs + 1):
            t0 = time.perf_counter()
            # A single full batch gains nothing from shuffling; slices avoid copying the data.
            order = rng.permutation(n) if plan.batching.shuffle and bs < n else None
            largest: list[float] = []
            problem: str | None = None
            # Overflow inside a diverging run is expected and reported as "diverged" below.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                for start in range(0, n, bs):
                    idx = slice(start, start + bs) if order is None else order[start:start + bs]
                    if track:
                        value, biggest = step(params, X[idx], Y[idx], lr, return_max_update=True)
                        largest.append(biggest)
                    else:
                        value = step(params, X[idx], Y[idx], lr)
                    iterations += 1
                    rows = min(bs, n - start)
                    per_sample = value / rows if per_sum else value
                    if not per_sample <= limit:  # also true for NaN
                        problem = _loss_problem(per_sample, start_loss, limit)
                        break
                    if track and not math.isfinite(largest[-1]):
                        problem = f"weight updates became {largest[-1]}"
                        break
                train_loss = train_acc = None
                if problem is None:
                    train_loss, train_acc = evaluate(module, params, X, Y, classes=classes)
                    assert train_loss is not None
                    if not train_loss <= limit:
                        problem = _loss_problem(train_loss, start_loss, limit)
                    elif not all(np.isfinite(v).all() for v in params.values()):
                        problem = "parameters became NaN or infinite"
            if problem is not None:
                params = best.params
                reason = "diverged"
                kept = (f"kept the parameters of epoch {best.epoch}, the lowest {split} loss"
                        f" {best.loss:.6g}" if best.epoch else "kept the initial parameters")
                where = (f"after epoch {lowest.epoch}, where the loss began to grow,"
                         if lowest.epoch else "at the starting parameters")
                from .advice import advise, curvature

                tip = advise(lr, curvature(module, lowest.params, X, Y, per_sum), where)
                suggested = tip.learning_rate
                message = (f"{problem} in epoch {epoch} with learning rate {lr:g}; {tip.text}"
                           f" ({kept})")
                break
            assert train_loss is not None
            test_loss, test_acc = evaluate(module, params, Xt, Yt, classes=classes)
            record = {
                "epoch": epoch, "train_loss": train_loss, "test_loss": test_loss,
                "train_accuracy": train_acc, "test_accuracy": test_acc,
                "max_update": max(largest) if track else None, "iterations": iterations,
                "seconds": time.perf_counter() - t0,
            }
            good, good_epoch = _copy(params), epoch
            best.offer(test_loss if test_loss is not None else train_loss, epoch, good)
            lowest.offer(train_loss, epoch, good)
            previous = history[-1] if history else None
            history.append(record)
            post = {"loss": loss_text(train_loss).strip()}
            if test_acc is not None:
                post["test_acc"] = f"{100 * test_acc:.1f}%"
            bar.set_postfix(post, refresh=False)
            bar.update(1)
            if on_epoch is not None:
                on_epoch(dict(record))
            stop = plan.stop(record, previous)
            if stop is not None:
                reason, message = stop
                break
    except KeyboardInterrupt:
        params = good
        reason = "interrupted"
        message = (f"interrupted in epoch {epoch}; kept the parameters from the end of epoch"
                   f" {good_epoch}" if good_epoch
                   else f"interrupted in epoch {epoch}; kept the initial parameters")
    finally:
        bar.close()
    if reason == "epochs" and not history:
        message = "no epochs run (training.epochs is 0)"
    elif reason == "epochs":
        message = f"after {len(history)} of {plan.epochs} epochs"
    kept_epoch = best.epoch if reason == "diverged" else good_epoch
    kept_loss = best.loss if reason == "diverged" and math.isfinite(best.loss) else None
    if kept_epoch and reason != "diverged":
        record = history[kept_epoch - 1]
        kept_loss = record["test_loss"] if record["test_loss"] is not None else record["train_loss"]
    return TrainResult(params=_copy(params), history=history, stopped_reason=reason,
                       message=message, start_loss=start_loss, kept_epoch=kept_epoch,
                       kept_loss=kept_loss, kept_split=split, suggested_lr=suggested)


class _Kept:
    """The parameters with the lowest loss seen so far (epoch 0: the starting ones)."""

    def __init__(self, params: dict[str, np.ndarray]):
        self.params, self.epoch, self.loss = params, 0, math.inf

    def offer(self, loss: float, epoch: int, params: dict[str, np.ndarray]) -> None:
        if loss < self.loss:
            self.params, self.epoch, self.loss = params, epoch, loss


def _splits(module: ModuleType, dataset: Dataset, dt: np.dtype):
    """The training and test arrays in the training dtype, checked against the module."""
    def arrays(Xs, Ys):
        Xs = np.asarray(Xs).astype(dt, copy=False)
        Ys = np.asarray(Ys)
        if module.LOSS != "sparse_cce":
            Ys = Ys.astype(dt, copy=False)
        return Xs, Ys

    X, Y = arrays(dataset.X_train, dataset.Y_train)
    Xt, Yt = arrays(dataset.X_test, dataset.Y_test)
    if len(X) == 0:
        raise DataError("the training split is empty")
    _check_fit(module, X, Y, "the training split")
    if len(Xt):
        _check_fit(module, Xt, Yt, "the test split")
    return X, Y, Xt, Yt


# ---------------------------------------------------------------------------------------------
# Files


def save_params(path: str | Path, params: Mapping[str, np.ndarray], spec_hash: str,
                extra: Mapping[str, Any] | None = None) -> Path:
    """Save parameters and the spec hash they belong to as .npz, atomically.

    extra holds metadata arrays stored next to them under reserved names: key "k" is saved as
    "__k__" (e.g. the runner's data statistics); read them back with read_params.
    """
    for k in params:
        if not PARAM_RE.match(k):
            raise DataError(f"{path}: refusing to save unexpected parameter name {k!r}")
    arrays = {k: np.asarray(v) for k, v in params.items()}
    for k, v in (extra or {}).items():
        name = f"__{k}__"
        if not RESERVED_RE.match(name) or name == HASH_KEY:
            raise DataError(f"{path}: {k!r} cannot name extra data (a word other than spec_hash)")
        arrays[name] = np.asarray(v)
    arrays[HASH_KEY] = np.array(str(spec_hash))
    return atomic_write(path, lambda f: np.savez(f, **arrays))


def read_params(path: str | Path, *, shapes: Mapping[str, tuple[int, ...]] | None = None,
                spec_hash: str | None = None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """load_params' checked parameters plus the file's extra data, keyed without underscores.

    Reserved "__name__" arrays other than the spec hash (save_params' extra) are returned in
    the second dict under "name"; everything else must be W1, b1, ... and pass load_params'
    checks.
    """
    p = Path(path)
    not_ours = f"{p}: not a parameter file written by nnderive train"
    try:
        # np.load guesses the format from the content: text would reach its pickle branch and
        # a .npy file would come back as one array, so anything but a zip archive stops here.
        with p.open("rb") as f:
            if f.read(4) not in ZIP_MAGIC:
                raise DataError(f"{not_ours} (not an .npz archive)")
        with np.load(p, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise DataError(f"{p}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{p}: is a folder, not a parameter file") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise DataError(f"{p}: not a readable parameter file ({e})") from None
    stored = data.pop(HASH_KEY, None)
    if stored is None and data and not any(PARAM_RE.match(k) for k in data):
        raise DataError(f"{not_ours} (it holds {', '.join(sorted(data))})")
    extra = {k[2:-2]: data.pop(k) for k in list(data) if RESERVED_RE.match(k)}
    if spec_hash is not None:
        if stored is None:
            raise DataError(f"{p}: no spec hash stored; cannot confirm it fits this network")
        if str(stored) != spec_hash:
            raise DataError(f"{p}: parameters belong to a different network (spec hash"
                            f" {stored}, expected {spec_hash})")
    for k in data:
        if not PARAM_RE.match(k):
            raise DataError(f"{p}: unexpected array {k!r} (expected W1, b1, W2, b2, ...)")
    if shapes is not None:
        want, got = set(shapes), set(data)
        if want != got:
            missing = ", ".join(sorted(want - got)) or "none"
            unexpected = ", ".join(sorted(got - want)) or "none"
            raise DataError(f"{p}: parameter names do not match the network (missing: {missing};"
                            f" unexpected: {unexpected})")
        for k, shape in shapes.items():
            if data[k].shape != tuple(shape):
                raise DataError(f"{p}: {k} has shape {data[k].shape}, the network needs {tuple(shape)}")
    else:
        depth = len(data) // 2
        for l in range(1, depth + 1):
            for k in (f"W{l}", f"b{l}"):
                if k not in data:
                    raise DataError(f"{p}: missing {k} (layers must be numbered 1..{depth})")
        if len(data) != 2 * depth or depth == 0:
            raise DataError(f"{p}: expected pairs W1, b1, ..., WL, bL; found {', '.join(sorted(data))}")
        for l in range(1, depth + 1):
            W, b = data[f"W{l}"], data[f"b{l}"]
            if W.ndim != 2 or b.shape != (W.shape[0],):
                raise DataError(f"{p}: W{l} {W.shape} and b{l} {b.shape} do not fit (W^l is"
                                " (n_l, n_prev), b^l is (n_l,))")
            if l > 1 and W.shape[1] != data[f"W{l - 1}"].shape[0]:
                raise DataError(f"{p}: W{l} has {W.shape[1]} columns but layer {l - 1} has"
                                f" {data[f'W{l - 1}'].shape[0]} units")
    for k, v in data.items():
        if not np.issubdtype(v.dtype, np.floating):
            raise DataError(f"{p}: {k} has dtype {v.dtype}, expected floating point")
        if not np.isfinite(v).all():
            raise DataError(f"{p}: {k} contains NaN or infinity")
    return data, extra


def load_params(path: str | Path, *, shapes: Mapping[str, tuple[int, ...]] | None = None,
                spec_hash: str | None = None) -> dict[str, np.ndarray]:
    """Read parameters saved by save_params; DataError if names, shapes or the spec hash are wrong.

    Without shapes the file must hold W1, b1, ..., WL, bL with chained shapes
    W^l (n_l, n_{l-1}) and b^l (n_l,). With shapes (e.g. spec.shapes()) they must match exactly.
    With spec_hash the stored hash must equal it. Reserved "__name__" arrays (the spec hash,
    extra data such as `nnderive train`'s data statistics) are not parameters and are skipped;
    read_params returns them.
    """
    return read_params(path, shapes=shapes, spec_hash=spec_hash)[0]


def _plain(v: Any) -> Any:
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return v if math.isfinite(v) else None  # JSON has no NaN/inf
    if isinstance(v, np.integer):
        return int(v)
    return v


def write_metrics(path: str | Path, history: list[Mapping[str, Any]]) -> Path:
    """Write the per-epoch history as .csv or .json (by suffix), atomically."""
    p = Path(path)
    suffix = p.suffix.lower()
    rows = [{k: _plain(r.get(k)) for k in METRIC_COLUMNS} for r in history]
    if suffix == ".json":
        text = json.dumps(rows, indent=2, allow_nan=False) + "\n"
    elif suffix == ".csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=METRIC_COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: "" if v is None else repr(v) if isinstance(v, float) else v
                        for k, v in r.items()})
        text = buf.getvalue()
    else:
        raise DataError(f"{p}: metrics file must end in .csv or .json")
    return atomic_write(p, lambda f: f.write(text.encode("utf-8")))


LINEAR_PLOT_LIMIT = 1e100  # beyond this matplotlib's linear axis overflows computing ticks


def _finite_or_nan(values: list[Any]) -> np.ndarray:
    out = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    out[~np.isfinite(out)] = np.nan  # a gap in the curve, not an axis scaled to infinity
    return out


def plot_history(path: str | Path, history: list[Mapping[str, Any]]) -> Path:
    """Plot train/test loss (and train/test accuracy with their gap) per epoch to a PNG, atomically.

    Non-finite losses are left out (gaps in the curves). When every loss is positive, or the
    values are too large for a linear axis, the loss panel is logarithmic: log10 of the loss is
    drawn on a linear axis labelled in powers of ten (non-positive losses left out), because
    matplotlib's own log axis fails on ranges near the float limit (e.g. 1e100 to 1e294).
    """
    # Figure + Agg canvas without pyplot: no global backend switch, works with no display.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    epochs = [r["epoch"] for r in history]
    accs = [r.get("test_accuracy") for r in history]
    train_accs = [r.get("train_accuracy") for r in history]
    has_acc = any(a is not None for a in accs + train_accs)
    train = _finite_or_nan([r.get("train_loss") for r in history])
    test = _finite_or_nan([r.get("test_loss") for r in history])
    has_test = any(r.get("test_loss") is not None for r in history)
    shown = np.concatenate([train, test])
    shown = shown[~np.isnan(shown)]
    log = shown.size > 0 and (shown.min() > 0 or np.abs(shown).max() > LINEAR_PLOT_LIMIT)
    fig = Figure(figsize=(10 if has_acc else 6, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 2 if has_acc else 1, 1)
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            train, test = (np.where(v > 0, np.log10(v), np.nan) for v in (train, test))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
    ax.plot(epochs, train, marker=".", label="train")
    if has_test:
        ax.plot(epochs, test, marker=".", label="test")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss per sample" + (" (log scale)" if log else ""))
    ax.set_title("loss")
    ax.grid(True, alpha=0.3)
    ax.legend()
    if has_acc:
        # train and test accuracy with the gap between them shaded: article 004's overfitting
        # signal is a high training and a lower test accuracy
        ax2 = fig.add_subplot(1, 2, 2)
        tr = np.array([np.nan if a is None else 100 * a for a in train_accs])
        te = np.array([np.nan if a is None else 100 * a for a in accs])
        ax2.plot(epochs, tr, marker=".", label="train")
        ax2.plot(epochs, te, marker=".", label="test")
        if not (np.isnan(tr).all() or np.isnan(te).all()):
            ax2.fill_between(epochs, te, tr, color="tab:red", alpha=0.15,
                             label="gap (train - test)")
        ax2.set_xlabel("epoch")
        ax2.set_ylabel("accuracy (%)")
        ax2.set_title("accuracy")
        ax2.grid(True, alpha=0.3)
        ax2.legend()
    fig.tight_layout()
    return atomic_write(path, lambda f: fig.savefig(f, format="png"))


def _power_of_ten(y: float, _pos: Any = None) -> str:
    """A tick label for log10(loss) = y: the loss itself, 1e{y} where 10**y would overflow."""
    if abs(y) < 4:
        return f"{10.0 ** y:.3g}"
    return f"1e{y:.0f}" if float(y).is_integer() else f"1e{y:.1f}"
