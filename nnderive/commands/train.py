"""`nnderive train SPEC`, `demo` and `predict`: flags in, the training pipeline run, its report printed."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derive.errors import DataError, NNDeriveError

if TYPE_CHECKING:
    from derive.spec import NetworkSpec
    from training.runner import RunOptions, RunReport

DEFAULT_OUT = Path("nnderive-out")
EXIT_OK, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 1, 130  # as training.runner.RunReport.exit_code

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
        d.add_argument("--target", metavar="COL[,COL...]",
                       help="CSV target column(s): several columns for several outputs")
        d.add_argument("--features", metavar="A,B,...", help="CSV feature columns, comma-separated")
    t = p.add_argument_group("training (override the spec's [training])")
    t.add_argument("--reverify", action="store_true",
                   help="prove the gradients again even when a proof certificate is cached")
    t.add_argument("--epochs", type=_positive_int, metavar="E")
    t.add_argument("--batch-size", type=_count, metavar="B",
                   help="0: batch gradient descent, 1: stochastic, else mini-batch")
    t.add_argument("--lr", type=_positive, metavar="ALPHA", help="learning rate")
    t.add_argument("--seed", type=_count, metavar="S")
    t.add_argument("--tolerance", type=_nonnegative, metavar="TAU",
                   help="stop when the largest weight update is below TAU")
    t.add_argument("--loss-tolerance", type=_nonnegative, metavar="T",
                   help="stop when the training loss changes by less than T")
    t.add_argument("--target-loss", type=_nonnegative, metavar="E",
                   help="stop when the training loss (per sample) is at most E (article 003's"
                   " target error)")
    t.add_argument("--test-fraction", type=_fraction, metavar="F")
    t.add_argument("--dtype", choices=("float32", "float64"))
    t.add_argument("--shuffle", action=argparse.BooleanOptionalAction, default=None,
                   help="reshuffle the training data every epoch (default: the spec's"
                   " training.shuffle, true)")
    t.add_argument("--standardize", action=argparse.BooleanOptionalAction, default=None,
                   help="standardize features with the training split's statistics, scale MNIST"
                   " pixels to [0, 1] and standardize the targets of an unbounded output"
                   " (default); --no-standardize uses the data as given")
    if with_data:
        t.add_argument("--init", type=_suffixed(".npz"), metavar="PARAMS.npz",
                       help="start from these parameters (W1, b1, ...) instead of random ones")
    o = p.add_argument_group("output")
    o.add_argument("--out", type=Path, metavar="DIR",
                   help=f"this run's folder (default: a new {DEFAULT_OUT}/<name>/run-NNN/)")
    o.add_argument("--force", action="store_true",
                   help="replace an earlier run's files in --out (a diverged run still never"
                   " replaces better parameters)")
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
        description="Scale the data's features with the training statistics stored in PARAMS,"
        " run the generated forward pass and write one prediction per row as CSV (the class for"
        " classification, its text label when the training labels were text; the value in the"
        " target's units for regression).")
    p.add_argument("params", type=Path, help="parameters written by `nnderive train` (.npz)")
    p.add_argument("spec", help="the network spec they were trained for (TOML)")
    p.add_argument("--data", required=True, metavar="SOURCE",
                   help="digits, diabetes, FILE.csv, FILE.npz or mnist:DIR")
    p.add_argument("--output", type=_suffixed(".csv"), metavar="FILE.csv",
                   help="default: predictions.csv next to PARAMS")
    p.set_defaults(func=cmd_predict)


def load_run_spec(path: str | Path) -> NetworkSpec:
    """load_spec, with relative paths in [data] source and training.init taken relative to the
    spec's folder."""
    from derive.spec import load_spec
    from training.data import resolve_source, source_problem

    spec = load_spec(path)
    folder = Path(path).parent
    if spec.training.init and not Path(spec.training.init).is_absolute():
        spec = replace(spec, training=replace(spec.training, init=str(folder / spec.training.init)))
    if source_problem(spec.data.source or "digits") is not None:
        return spec  # reported by check_source unless --data replaces it
    source = resolve_source(spec.data.source, folder)
    return replace(spec, data=replace(spec.data, source=source))


def check_source(spec: NetworkSpec, args: argparse.Namespace) -> None:
    """A missing or malformed data source as one line naming where it came from.

    Checked before anything else runs or is written: --data when given, else the spec's
    [data] source.
    """
    from training.data import NO_SOURCE, source_problem

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
    from training.runner import demo_spec

    return _run_command(demo_spec(), args)


def cmd_predict(args) -> int:
    from training.data import plural
    from training.runner import predict_file

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
             "target_loss": "target_loss", "test_fraction": "test_fraction", "dtype": "dtype",
             "shuffle": "shuffle", "standardize": "standardize"}
    training = {field: getattr(args, flag) for flag, field in flags.items()
                if getattr(args, flag, None) is not None}
    if getattr(args, "init", None):
        training["init"] = str(args.init)
    data: dict[str, Any] = {}
    if getattr(args, "data", None):
        data["source"] = args.data
    if getattr(args, "target", None):
        data["target"] = tuple(t.strip() for t in args.target.split(",") if t.strip())
    if getattr(args, "features", None):
        data["features"] = tuple(f.strip() for f in args.features.split(",") if f.strip())
    return replace(spec, training=replace(spec.training, **training),
                   data=replace(spec.data, **data))


def options(spec: NetworkSpec, args: argparse.Namespace) -> RunOptions:
    """Where this run writes: its own new run folder, or the files asked for when they are free.

    Without --out every run gets a new folder, nnderive-out/<name>/run-001, run-002, ...; an
    --out folder or --params/--metrics/--plot file that already holds an earlier run's result
    is refused unless --force says to replace it (and even then a diverged run never replaces
    better parameters: training.runner.write_results).
    """
    from training.runner import RunOptions

    out = args.out or next_run_folder(DEFAULT_OUT / spec.name)
    opts = RunOptions(out=out, params=args.params or out / "params.npz",
                      metrics=args.metrics or out / "metrics.csv", plot=args.plot or out / "curves.png",
                      quiet=args.quiet, progress=not args.quiet and sys.stderr.isatty(),
                      force=bool(getattr(args, "force", False)),
                      reverify=bool(getattr(args, "reverify", False)))
    # Fail before minutes of training, not after -- but create nothing yet: a run that fails
    # must not leave empty folders behind (atomic_write creates them when a file is written).
    check_folder(out)
    for f in (opts.params, opts.metrics, opts.plot):
        check_folder(f.parent)
    taken = [f for f in (opts.params, opts.metrics, opts.plot) if f.exists()]
    if taken and not opts.force:
        names = ", ".join(str(f) for f in taken)
        raise NNDeriveError(f"{names}: already written by an earlier run; nothing is overwritten"
                            " without --force (leave out --out and every run gets its own folder"
                            f" under {DEFAULT_OUT}/{spec.name}/)")
    return opts


def next_run_folder(base: Path) -> Path:
    """base/run-001, or the first run-NNN after the ones already there."""
    used = [int(p.name[4:]) for p in base.glob("run-*") if p.name[4:].isdigit()] if base.is_dir() else []
    return base / f"run-{max(used, default=0) + 1:03d}"


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
    from training.runner import run

    check_source(spec, args)
    spec = apply_overrides(spec, args)
    report = run(spec, options(spec, args))
    print(report_text(report))
    result = report.trained.result
    if report.exit_code == EXIT_DIVERGED:
        where = (report.written.params_note or
                 f"the best parameters it saw were saved to {report.written.params}")
        print(f"nnderive: training diverged: {result.message}; {where}", file=sys.stderr)
    elif report.exit_code == EXIT_INTERRUPTED:
        print(f"nnderive: {result.message}; saved them to {report.written.params}", file=sys.stderr)
    return report.exit_code


def report_text(r: RunReport) -> str:
    """The final table: how training ended and where everything was written."""
    res, h = r.trained.result, r.trained.result.history
    last = h[-1] if h else {}
    spe = r.trained.seconds_per_epoch

    from training.loop import loss_text
    from training.runner import gap_text

    regression = r.dataset.kind == "regression"
    standardized = r.dataset.target_mean is not None

    def num(v: float | None) -> str:
        if v is None:
            return "-"
        return loss_text(v).strip() + (" (standardized targets)" if standardized else "")

    stopped = f"diverged: {res.message}" if res.stopped_reason == "diverged" else res.message
    rows = [
        ("network", f"{r.spec.name} ({'-'.join(map(str, r.spec.layers))}, {r.spec.loss})"),
        ("epochs run", f"{len(h)} of {r.spec.training.epochs}"),
        ("stopped", stopped),
        ("start loss", num(res.start_loss)),
        ("train loss", num(last.get("train_loss"))),
        ("test loss", num(last.get("test_loss"))),
    ]
    if not regression:
        for split in ("train", "test"):
            acc = last.get(f"{split}_accuracy")
            rows.append((f"{split} accuracy", "-" if acc is None else f"{100 * acc:.2f}%"))
        gap = gap_text(last) if last else ""
        if gap:
            rows.append(("gap", f"{gap.strip()} (train minus test accuracy: overfitting shows here)"))
    elif r.trained.rmse_split:
        names = [n for n in r.dataset.target_names or (r.dataset.target_name,) if n]
        units = (f"in {names[0]}'s units" if len(names) == 1 else
                 f"in the units of {', '.join(names)}" if names else "in the target's units")
        rmse = r.trained.rmse
        rows.append((f"{r.trained.rmse_split} RMSE", "-" if rmse is None else f"{rmse:.6g} ({units})"))
    rows += [
        ("seconds per epoch", "-" if spe is None else f"{spe:.4f}"),
        ("module", str(r.generated.path)),
        ("parameters", str(r.written.params) + (f" ({r.written.params_note})"
                                                 if r.written.params_note else "")),
        ("metrics", str(r.written.metrics)),
        ("curves", str(r.written.plot) if r.written.plot else f"- ({r.written.plot_note})"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(["result:"] + [f"  {k:<{width}}  {v}" for k, v in rows])
