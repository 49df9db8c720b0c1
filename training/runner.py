"""The main job as a pipeline: load data, derive and verify, generate (or reuse), train, write results; and predict."""

from __future__ import annotations

import contextlib
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen import modules
from codegen.modules import DEMO_SOURCE
from derive.errors import NNDeriveError

from .model import (  # noqa: F401  (predict_file and friends: the runner's public face)
    Generated,
    Predicted,
    generate,
    load_model,
    module_path,
    predict_file,
    save_model,
    target_rmse,
)

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
    force: bool = False  # replace earlier files (never better parameters with a diverged run's)
    reverify: bool = False  # prove the gradients again even when a proof certificate is cached


@dataclass(frozen=True)
class Derived:
    """The derive stage: the gradients were derived and proved (else VerificationError)."""

    summary: str  # the verification summary
    seconds: float
    provenance: str = ""  # proven now, or a cached proof certificate (Verification.provenance)


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
    params_note: str = ""  # why the parameter file holds an earlier run's parameters


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
    for line in data_notes(dataset):
        say(line)
    init = initial_parameters(spec)
    for line in procedure_notes(spec, len(dataset.X_train)):
        say(line)
    derived = derive_and_verify(spec, reverify=opts.reverify)
    say(f"derived {spec.name} in {derived.seconds:.2f} s, {derived.provenance}: {derived.summary}")
    generated = generate(spec, opts.out)
    say(f"module: {generated.path} ({'reused, up to date' if generated.reused else 'generated'})")
    trained = train_network(generated.module, dataset, spec, opts, say, init)
    written = write_results(spec, trained, opts)
    return RunReport(spec, dataset, derived, generated, trained, written)


def data_notes(dataset: Dataset) -> list[str]:
    """What was done to the features and targets, and the class names of text labels."""
    lines = [f"features: {dataset.feature_scaling}"] if dataset.feature_scaling else []
    if dataset.target_mean is not None:
        lines.append(f"targets: standardized with the training split's {scale_text(dataset)};"
                     " losses are on that standardized scale, the RMSE and predictions are in the"
                     " target's units")
    elif dataset.kind == "regression" and dataset.target_scaling:
        lines.append(f"targets: {dataset.target_scaling}")
    if dataset.class_names:
        shown = ", ".join(f"{i} = {name}" for i, name in enumerate(dataset.class_names[:12]))
        more = ", ..." if len(dataset.class_names) > 12 else ""
        lines.append(f"classes: {shown}{more} (text labels; the mapping is saved with the"
                     " parameters and predict uses it)")
    return lines


def procedure_notes(spec: NetworkSpec, n_train: int) -> list[str]:
    """The learning procedure as derive.procedure states it: method, iterations, step, stops."""
    from derive.procedure import learning_procedure

    proc = learning_procedure(spec)
    start = (f"from {spec.training.init}" if spec.training.init
             else f"random (seed {spec.training.seed})")
    return [f"procedure: {proc.describe(n_train)}",
            f"stops: {proc.stopping()}; initial parameters {start}"]


def initial_parameters(spec: NetworkSpec) -> dict[str, np.ndarray] | None:
    """training.init's parameters (checked against the network's shapes), or None for random."""
    if not spec.training.init:
        return None
    from .loop import read_params

    return read_params(spec.training.init, shapes=spec.shapes())[0]


def load_data(spec: NetworkSpec) -> Dataset:
    from .data import load_dataset

    return load_dataset(spec)


def derive_and_verify(spec: NetworkSpec, reverify: bool = False) -> Derived:
    """The generated code's own (row-layout) derivation, verified (or certified); generate() reuses it."""
    d = modules.derivation(spec, reverify=reverify)  # raises VerificationError rather than return unproven
    return Derived(summary=d.verification.summary(), seconds=d.seconds,
                   provenance=d.verification.provenance())


def epoch_line(r: Mapping[str, Any], epochs: int) -> str:
    """One epoch's line, fixed widths: train and test loss and accuracy and the gap between them.

    The gap (training minus test accuracy, in percentage points; test minus training loss for
    regression) is article 004's overfitting signal: high training and low test accuracy.
    """
    from .loop import loss_text

    parts = [f"epoch {r['epoch']:>{len(str(epochs))}}/{epochs}",
             f"train loss {loss_text(r['train_loss'])}"]
    if r["test_loss"] is not None:
        parts.append(f"test loss {loss_text(r['test_loss'])}")
    if r.get("train_accuracy") is not None:
        parts.append(f"train accuracy {100 * r['train_accuracy']:6.2f}%")
    if r["test_accuracy"] is not None:
        parts.append(f"test accuracy {100 * r['test_accuracy']:6.2f}%")
    gap = gap_text(r)
    if gap:
        parts.append(f"gap {gap}")
    return "  ".join(parts) + f"  ({r['seconds']:.3f} s)"


def gap_text(r: Mapping[str, Any]) -> str:
    """'+1.39 pts' (train minus test accuracy) or '+2.1e-02' (test minus train loss), or ''."""
    if r.get("train_accuracy") is not None and r.get("test_accuracy") is not None:
        return f"{100 * (r['train_accuracy'] - r['test_accuracy']):+6.2f} pts"
    if r.get("test_loss") is not None and r.get("train_accuracy") is None:
        return f"{r['test_loss'] - r['train_loss']:+.2e}"
    return ""


def train_network(module: ModuleType, dataset: Dataset, spec: NetworkSpec, opts: RunOptions,
                  say: Callable[[str], None] = print,
                  init: Mapping[str, np.ndarray] | None = None) -> Trained:
    """training.loop.train with the spec's settings, showing progress as opts asks."""
    from .loop import train

    epochs = spec.training.epochs

    def line(r: Mapping[str, Any]) -> None:
        say(epoch_line(r, epochs))

    # Off a TTY the bar would be noise in a log, so each epoch gets one plain line instead.
    on_epoch = None if opts.quiet or opts.progress else line
    t0 = time.perf_counter()
    with blas_threads(spec, len(dataset.X_train)):
        result = train(module, dataset, spec.training, progress=opts.progress, on_epoch=on_epoch,
                       params=init)
    seconds = time.perf_counter() - t0
    rmse, split = None, ""
    if dataset.kind == "regression":
        split = "test" if len(dataset.X_test) else "train"
        X, Y = ((dataset.X_test, dataset.Y_test) if split == "test"
                else (dataset.X_train, dataset.Y_train))
        rmse = target_rmse(module, result.params, X, dataset.unscale_targets(Y), dataset)
    return Trained(result=result, dataset=dataset, seconds=seconds, rmse=rmse, rmse_split=split)


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
    """Parameters (with the data's scaling), metrics and curves, each written atomically.

    A diverged run never replaces better parameters: when the parameter file already holds
    parameters of the same network, trained on the same data and split, with a lower loss than
    the ones this run kept, that file is left as it is (and the report says so).
    """
    from .loop import plot_history, write_metrics

    result = trained.result
    history = result.history
    plot, why, note = None, "no completed epoch", ""
    data = data_signature(trained.dataset)
    try:
        earlier = better_earlier(opts.params, spec, data, result)
        if earlier is not None:  # the earlier run's files stay together, untouched
            mine = "-" if result.kept_loss is None else f"{result.kept_loss:.6g}"
            note = (f"kept the earlier run's parameters, metrics and curves: their"
                    f" {result.kept_split} loss {earlier:.6g} is lower than this diverged run's"
                    f" best {mine}")
            return Written(params=opts.params, metrics=opts.metrics,
                           plot=opts.plot if opts.plot.exists() else None,
                           plot_note="kept the earlier run's", params_note=note)
        extra = {"data": data, "stopped": result.stopped_reason, "kept_split": result.kept_split}
        if result.kept_loss is not None:
            extra["kept_loss"] = result.kept_loss
        save_model(opts.params, result.params, spec, trained.dataset, extra=extra)
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
    return Written(params=opts.params, metrics=metrics, plot=plot, plot_note="" if plot else why,
                   params_note=note)


def data_signature(dataset: Dataset) -> str:
    """What makes two runs' losses comparable: the same data, split and scaling."""
    return " | ".join((dataset.source, dataset.split, dataset.feature_scaling,
                       ",".join(dataset.target_names), dataset.target_scaling))


def better_earlier(path: Path, spec: NetworkSpec, data: str, result: TrainResult) -> float | None:
    """The loss of the parameters already at path when a diverged run must not replace them.

    Only a diverged run is held back, and only by a file of the same network (spec hash) and
    data (data_signature) whose kept loss, on the same split, is lower than this run's.
    """
    if result.stopped_reason != "diverged" or not path.exists():
        return None
    from derive.errors import DataError

    from .loop import read_params

    try:
        _, extra = read_params(path, shapes=spec.shapes(), spec_hash=spec.hash())
    except DataError:
        return None  # not comparable: another network, or not ours
    if (str(extra.get("data", "")) != data or "kept_loss" not in extra
            or str(extra.get("kept_split", "")) != result.kept_split):
        return None
    earlier = float(extra["kept_loss"])
    mine = result.kept_loss if result.kept_loss is not None else float("inf")
    return earlier if earlier < mine else None
