"""The training curves: plot_history draws them to a PNG; BackgroundPlot draws them in a child process
started early, so importing matplotlib (about a second) is never on a run's critical path.

Only the standard library is imported here at module level: the command line starts the child
before it imports numpy, SymPy or the training pipeline.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derive.fileio import atomic_write

if TYPE_CHECKING:
    import numpy as np

LINEAR_PLOT_LIMIT = 1e100  # beyond this matplotlib's linear axis overflows computing ticks


def _finite_or_nan(values: list[Any]) -> np.ndarray:
    import numpy as np

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
    import numpy as np

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


# ---------------------------------------------------------------------------------------------
# The curves off the critical path: matplotlib loads in a child process while the run derives
# and trains; at the end it only draws.

PLOT_TIMEOUT = 120.0  # seconds to wait for the child to draw before plotting in-process instead


class BackgroundPlot:
    """plot_history in a child process started now, so its imports overlap the training.

    ``plot(path, history)`` behaves exactly as plot_history(path, history): it returns the path
    written, or raises ValueError for curves that cannot be drawn. Where the child cannot start,
    dies or answers anything unexpected, the curves are drawn in this process instead, so the
    result never depends on the child. ``close()`` (also on leaving a ``with`` block) stops a
    child that was not used. A process that has matplotlib loaded already (a notebook, a second
    run) gains nothing from a child and draws itself, unless ``child=True`` insists.
    """

    def __init__(self, child: bool | None = None) -> None:
        import subprocess
        import sys

        self._child: Any = None
        if child is False or (child is None and "matplotlib.figure" in sys.modules):
            return
        root = str(Path(__file__).resolve().parent.parent)  # this checkout's training package
        code = f"import sys; sys.path.insert(0, {root!r}); from training.curves import _plot_worker; _plot_worker()"
        try:
            self._child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            pass  # drawn in this process

    def plot(self, path: str | Path, history: list[Mapping[str, Any]]) -> Path:
        child, self._child = self._child, None
        if child is not None:
            request = json.dumps({"path": str(path), "history": [dict(r) for r in history]},
                                 default=float)  # numpy scalars as the floats they are
            try:
                out, _ = child.communicate(request.encode("utf-8"), timeout=PLOT_TIMEOUT)
                answer = json.loads(out or b"{}")
            except Exception:  # noqa: BLE001  (a hung or broken child: draw here instead)
                child.kill()
                child.wait()
                answer = {}
            if "path" in answer and Path(answer["path"]).is_file():
                return Path(answer["path"])
            if "not_drawn" in answer:
                raise ValueError(answer["not_drawn"])
        return plot_history(path, history)

    def close(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.kill()
            child.wait()

    def __enter__(self) -> BackgroundPlot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _plot_worker() -> None:
    """The child of BackgroundPlot: import matplotlib, then draw the one request read from stdin."""
    import sys

    import matplotlib.backends.backend_agg  # noqa: F401  (the slow part, done before the request)
    import matplotlib.figure  # noqa: F401

    request = json.loads(sys.stdin.buffer.read() or b"null")
    if request is None:  # the parent closed without a request
        return
    try:
        answer = {"path": str(plot_history(request["path"], request["history"]))}
    except (OverflowError, ValueError) as e:  # plot_history's own "cannot draw these curves"
        answer = {"not_drawn": str(e)}
    except Exception:  # noqa: BLE001  (anything else: the parent draws and reports it itself)
        answer = {}
    sys.stdout.write(json.dumps(answer))
