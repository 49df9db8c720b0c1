"""Targets that fit the output: class labels (numbers or text) to indices or one-hot rows, values checked against the output's range."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from derive.errors import DataError

CLASSIFICATION_LOSSES = ("cce", "sparse_cce", "bce")


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 sample', '2 samples' (many: the plural when it is not word + 's')."""
    return f"{n} {word if n == 1 else many or word + 's'}"


@dataclass(frozen=True)
class Output:
    """What a network's output layer can produce: its width, its loss and the range of its values.

    low/high bound the values the activation approaches (sigmoid 0 and 1, tanh -1 and 1, relu 0
    and infinity); activation names it in messages. A linear output is unbounded.
    """

    loss: str
    width: int
    low: float = -math.inf
    high: float = math.inf
    activation: str = ""

    @property
    def unbounded(self) -> bool:
        return self.low == -math.inf and self.high == math.inf

    def range_text(self) -> str:
        def end(v: float) -> str:
            return "infinity" if v == math.inf else "-infinity" if v == -math.inf else f"{v:g}"
        return f"[{end(self.low)}, {end(self.high)}]"


@dataclass(frozen=True)
class Encoded:
    """Targets encoded for the loss: Y, what kind of task they make and the class mapping.

    Y: one-hot (N, k) rows, class indices (N,) for sparse_cce, 0/1 (N, 1) for a one-output
    classifier, or values (N, k). strat: class indices to stratify the split on (None for
    values). class_names: the text labels in index order (label i is class_names[i]); empty
    when the labels were numbers.
    """

    Y: np.ndarray
    kind: str  # "classification" or "regression"
    n_classes: int | None
    strat: np.ndarray | None
    class_names: tuple[str, ...] = ()


def encode(out: Output, y: np.ndarray, where: Callable[[int], str], source: str,
           classes: tuple[str, ...] = (), columns: tuple[str, ...] = ()) -> Encoded:
    """Targets y (numbers, or text labels of one column) encoded for the output out.

    Classification: the classification losses (cce, sparse_cce, bce), text labels, one label
    column for a network with several outputs (class labels become one-hot rows: article 004's
    MSE on sigmoid outputs), or rows that are already one-hot. Anything else is a regression
    target; on a bounded output every value must lie in the output's range. classes fixes the
    mapping of text labels (a trained model's); where names sample i in messages and columns
    the target columns.
    """
    k = out.width
    if y.dtype.kind in "USO":
        if y.ndim != 1:
            raise DataError(f"{source}: text class labels must be one target column")
        names, labels = _text_labels(y.astype(str), where, classes)
        return _classes(out, labels, names, where, source)
    if out.loss in CLASSIFICATION_LOSSES:
        return _classification_loss(out, y, where, source)
    if y.ndim == 1 and k > 1:
        # one label per row for several outputs: class labels, encoded one-hot (article 004)
        labels = _labels(y, k, where, f"one target column for {plural(k, 'output')} holds class"
                         " labels", source)
        return Encoded(np.eye(k)[labels], "classification", k, labels)
    Y = y[:, None] if y.ndim == 1 else y
    if Y.shape[1] != k:
        raise DataError(f"{source}: the target has {plural(Y.shape[1], 'column')} but the network"
                        f" has {plural(k, 'output')}")
    Y = Y.astype(np.float64)
    if k > 1 and _one_hot(Y):
        labels = np.argmax(Y, axis=1)
        return Encoded(Y, "classification", k, labels)
    _check_range(out, Y, where, columns)
    return Encoded(Y, "regression", None, None)


def _one_hot(Y: np.ndarray) -> bool:
    return bool(np.isin(Y, (0.0, 1.0)).all() and np.all(Y.sum(axis=1) == 1))


def _check_range(out: Output, Y: np.ndarray, where: Callable[[int], str],
                 columns: tuple[str, ...]) -> None:
    if out.unbounded:
        return
    bad = (Y < out.low) | (Y > out.high)
    if not bad.any():
        return
    i, j = (int(v) for v in np.argwhere(bad)[0])
    column = f", column {columns[j]!r}" if len(columns) > 1 and j < len(columns) else (
        f", output {j + 1}" if Y.shape[1] > 1 else "")
    raise DataError(
        f"{where(i)}{column}: target {Y[i, j]:g} is outside {out.range_text()}, the range of the"
        f" network's {out.activation or 'output'} output layer; a bounded output is trained on"
        " targets in its own range, so rescale the targets or use a linear output layer")


def _labels(y: np.ndarray, n: int, where: Callable[[int], str], what: str, source: str
            ) -> np.ndarray:
    if y.ndim != 1:
        raise DataError(f"{source}: class labels must be one column, got shape {y.shape}")
    bad = (y != np.round(y)) | (y < 0) | (y >= n)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{where(i)}: class label {y[i]:g} is not an integer in [0, {n}) ({what})")
    return y.astype(np.int64)


def _text_labels(y: np.ndarray, where: Callable[[int], str], classes: tuple[str, ...]
                 ) -> tuple[tuple[str, ...], np.ndarray]:
    """(class names in index order, index of every label); sorted names unless classes is given."""
    names = tuple(classes) if classes else tuple(sorted(set(y.tolist())))
    index = {name: i for i, name in enumerate(names)}
    labels = np.empty(len(y), dtype=np.int64)
    for i, label in enumerate(y.tolist()):
        if label not in index:
            raise DataError(f"{where(i)}: class label {label!r} is not one of the classes the"
                            f" network was trained on ({', '.join(map(repr, names))})")
        labels[i] = index[label]
    return names, labels


def _classes(out: Output, labels: np.ndarray, names: tuple[str, ...],
             where: Callable[[int], str], source: str) -> Encoded:
    """Text labels (already indices) encoded for the output: indices, 0/1 or one-hot rows."""
    k, m = out.width, len(names)
    listed = ", ".join(map(repr, names[:6])) + (", ..." if m > 6 else "")
    if k == 1:
        if m > 2:
            raise DataError(f"{source}: the target has {m} classes ({listed}) but a network with 1"
                            " output separates 2 (give it one output per class)")
        return Encoded(labels[:, None].astype(np.float64), "classification", 2, labels, names)
    if m > k:
        raise DataError(f"{source}: the target has {m} classes ({listed}) but the network has"
                        f" {plural(k, 'output')}")
    if out.loss == "sparse_cce":
        return Encoded(labels, "classification", k, labels, names)
    return Encoded(np.eye(k)[labels], "classification", k, labels, names)


def _classification_loss(out: Output, y: np.ndarray, where: Callable[[int], str], source: str
                         ) -> Encoded:
    """Numeric targets of cce, sparse_cce and bce."""
    k = out.width
    if out.loss in ("cce", "sparse_cce"):
        if y.ndim == 2 and y.shape[1] == k and out.loss == "cce" and _one_hot(y):
            return Encoded(y.astype(np.float64), "classification", k, np.argmax(y, axis=1))
        labels = _labels(y, k, where, f"the network has {plural(k, 'output')}", source)
        if out.loss == "sparse_cce":
            return Encoded(labels, "classification", k, labels)
        return Encoded(np.eye(k)[labels], "classification", k, labels)
    if y.ndim == 2:  # bce on several 0/1 columns (multi-label)
        if y.shape[1] != k:
            raise DataError(f"{source}: the target has {plural(y.shape[1], 'column')} but the"
                            f" network has {plural(k, 'output')}")
        bad = ~np.isin(y, (0.0, 1.0)).all(axis=1)
        if bad.any():
            raise DataError(f"{where(int(np.argmax(bad)))}: bce targets must be 0 or 1")
        return Encoded(y.astype(np.float64), "classification", None, None)
    if k == 1:
        labels = _labels(y, 2, where, "a 1-output bce network needs labels 0 or 1", source)
        return Encoded(labels[:, None].astype(np.float64), "classification", 2, labels)
    labels = _labels(y, k, where, f"the network has {plural(k, 'output')}", source)
    return Encoded(np.eye(k)[labels], "classification", k, labels)
