"""The learning procedure as data: the update rule with its scaling, the batching and the stopping rules.

One object says how a network learns, and every output reads it instead of restating it: the
LaTeX document (update equation, algorithm box, worked example), the generated module's
``update`` and ``train_step`` and the trainer (batching, stopping). ``learning_procedure(spec)``
builds it from a spec; ``schedule(training)`` is the part that depends only on the training
settings (what the trainer needs when it is handed a module and settings, not a spec).

The update rule follows article 000: every parameter steps along the *mean* gradient over the
batch, theta := theta - alpha (1/N) dL/dtheta for a loss that sums over the batch (half_sse, sse),
and theta := theta - alpha dL/dtheta for a loss that already averages (the 1/N is inside L and so
inside its gradient). Either way alpha is the step per unit of mean gradient, so the same
learning rate means the same step whatever the loss and the batch size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy as sp

from .numbers import number

if TYPE_CHECKING:
    from .spec import NetworkSpec, Training

# alpha (the learning rate) and N (the rows of the batch a gradient was computed on); N is the
# engine's batch symbol (equal by name and assumptions, so expressions mixing both agree).
ALPHA = sp.Symbol("alpha", positive=True)
BATCH = sp.Symbol("N", integer=True, positive=True)


@dataclass(frozen=True)
class UpdateRule:
    """theta := theta - factor * dL/dtheta for every parameter, all at once (article 004).

    factor is alpha (a loss that averages over the batch) or alpha/N (a loss that sums over it:
    article 000 divides by N so that the step follows the mean gradient). params pairs every
    parameter with its gradient's engine name: (("W1", "dL_dW1"), ("b1", "dL_db1"), ...).
    """

    batch: str  # "sum" or "mean": how the loss combines the samples of a batch
    factor: sp.Expr
    params: tuple[tuple[str, str], ...]

    @property
    def divides_by_batch(self) -> bool:
        return self.factor.has(BATCH)

    def step(self, lr: float, n: int) -> float:
        """The number every gradient entry is multiplied by, for learning rate lr on n rows."""
        return float(self.factor.xreplace({ALPHA: sp.Float(lr), BATCH: sp.Integer(n)}))

    def exact_step(self, alpha: sp.Expr, n: int) -> sp.Expr:
        """The factor with alpha and N given exactly (the worked example's rational arithmetic)."""
        return self.factor.xreplace({ALPHA: alpha, BATCH: sp.Integer(n)})

    def lr_meaning(self) -> str:
        """What `lr` means, in one sentence for docstrings and reports."""
        if self.divides_by_batch:
            return ("lr is the learning rate alpha; each step is p := p - lr / N * dL/dp with N the"
                    " rows of the batch: the loss sums over the batch, so the step follows the mean"
                    " gradient (article 000)")
        return ("lr is the learning rate alpha; each step is p := p - lr * dL/dp: the loss already"
                " averages over the batch, so its gradient is the mean gradient")


@dataclass(frozen=True)
class Batching:
    """How an epoch is cut into batches: one update (iteration) per batch (article 000, Figure 2)."""

    batch_size: int  # 0: the whole training split (batch gradient descent); 1: stochastic
    shuffle: bool  # reshuffle the training split before every epoch (article 004)

    def length(self, n: int) -> int:
        """Rows per batch on a training split of n rows (the last batch may be shorter)."""
        return n if self.batch_size <= 0 or self.batch_size >= n else self.batch_size

    def iterations(self, n: int) -> int:
        """Updates per epoch on n rows: 1 (batch), n (stochastic) or ceil(n / batch size)."""
        return math.ceil(n / self.length(n)) if n else 0

    def method(self, n: int) -> str:
        size = self.length(n)
        if size >= n:
            return "batch gradient descent"
        return "stochastic gradient descent" if size == 1 else "mini-batch gradient descent"

    def describe(self, n: int | None = None) -> str:
        """'mini-batch gradient descent: batches of 2, 3 iterations per epoch on 6 samples'."""
        if n is None:
            if self.batch_size <= 0:
                return "the whole training set (batch gradient descent)"
            if self.batch_size == 1:
                return "one sample (stochastic gradient descent)"
            return f"{self.batch_size} samples (mini-batch gradient descent)"
        size, it = self.length(n), self.iterations(n)
        what = {1: "1 sample"}.get(size, f"{size} samples")
        batches = f"batches of {what}" if size < n else f"one batch of {what}"
        last = f" (the last has {n - (it - 1) * size})" if size < n and n % size else ""
        return (f"{self.method(n)}: {batches}{last}, {it} iteration{'s' if it != 1 else ''} per"
                f" epoch on {n} sample{'s' if n != 1 else ''}"
                + (", reshuffled every epoch" if self.shuffle and size < n else ""))


@dataclass(frozen=True)
class StopRule:
    """One early-stopping rule, checked after every epoch (in the order Schedule.stops holds them).

    name: "target_loss" (the training loss reached a target error: article 003), "tolerance"
    (every weight update of the epoch was smaller than tau: article 000) or "loss_tolerance" (the
    training loss changed by less than the threshold). value is the threshold.
    """

    name: str
    value: float

    def met(self, record: dict[str, Any], previous: dict[str, Any] | None) -> bool:
        if self.name == "target_loss":
            return record["train_loss"] <= self.value
        if self.name == "tolerance":
            m = record.get("max_update")
            return m is not None and m < self.value
        if previous is None:
            return False
        return abs(record["train_loss"] - previous["train_loss"]) < self.value

    def message(self, record: dict[str, Any], previous: dict[str, Any] | None, epochs: int) -> str:
        head = f"early, in epoch {record['epoch']} of {epochs}: "
        if self.name == "target_loss":
            return (head + f"the training loss {record['train_loss']:.4g} reached the target"
                    f" {self.value:g}")
        if self.name == "tolerance":
            return (head + f"the largest weight update {record['max_update']:.2g} fell below the"
                    f" tolerance {self.value:g}")
        assert previous is not None
        change = abs(record["train_loss"] - previous["train_loss"])
        return (head + f"the training loss changed by {change:.2g}, less than loss_tolerance"
                f" {self.value:g}")

    def condition(self) -> str:
        """The rule in plain words, for reports: 'the training loss is at most 0.001 (...)'."""
        return STOP_WORDS[self.name][0].format(v=self.value)

    def words(self) -> str:
        """The rule for the algorithm box (LaTeX math in $...$)."""
        return STOP_WORDS[self.name][1].format(v=self.value, tex=number(self.value))


# Each rule in plain words (reports) and for the algorithm box (LaTeX), in the order checked.
STOP_WORDS = {
    "target_loss": ("the training loss is at most {v:g} (article 003's target error)",
                    "stop when the training loss is at most the target ${tex}$"),
    "tolerance": ("every weight update of an epoch is below tau = {v:g} (article 000)",
                  "stop early when the largest update is below $\\tau = {tex}$"),
    "loss_tolerance": ("the training loss changes by less than {v:g}",
                       "stop early when the loss changes by less than ${tex}$"),
}
STOP_ORDER = tuple(STOP_WORDS)


@dataclass(frozen=True)
class Schedule:
    """The part of the procedure set by the training settings: epochs, batching, stopping, alpha."""

    learning_rate: float
    epochs: int
    batching: Batching
    stops: tuple[StopRule, ...]

    @property
    def tracks_updates(self) -> bool:
        """Whether the largest update of every step is needed (only the tolerance rule reads it)."""
        return any(r.name == "tolerance" for r in self.stops)

    def stop(self, record: dict[str, Any], previous: dict[str, Any] | None
             ) -> tuple[str, str] | None:
        """(reason, message) of the first rule the epoch's record meets, else None."""
        for rule in self.stops:
            if rule.met(record, previous):
                return rule.name, rule.message(record, previous, self.epochs)
        return None


@dataclass(frozen=True)
class Procedure:
    """How a network learns: the update rule (from its loss) and the schedule (from its settings)."""

    update: UpdateRule
    schedule: Schedule

    def stopping(self) -> str:
        """'after 60 epochs, or when the training loss is at most 0.001'."""
        s = self.schedule
        return ", or when ".join([f"after {s.epochs} epoch{'s' if s.epochs != 1 else ''}"]
                                 + [rule.condition() for rule in s.stops])

    def describe(self, n_train: int | None = None) -> str:
        """One line for reports: the method, batches, iterations, the step and alpha."""
        s = self.schedule
        step = "alpha/N * dL/dp" if self.update.divides_by_batch else "alpha * dL/dp"
        return (f"{s.batching.describe(n_train)}; every parameter p := p - {step} with"
                f" alpha = {s.learning_rate:g}")


def update_rule(spec: NetworkSpec) -> UpdateRule:
    """The spec's update rule: it depends only on how the loss combines a batch."""
    batch = spec.conventions.batch
    factor = ALPHA / BATCH if batch == "sum" else ALPHA
    params = tuple((f"{p}{l}", f"dL_d{p}{l}") for l in range(1, spec.depth + 1) for p in "Wb")
    return UpdateRule(batch=batch, factor=factor, params=params)


def schedule(training: Training) -> Schedule:
    """The schedule a Training asks for; a threshold of 0 turns its rule off."""
    values = {"target_loss": training.target_loss, "tolerance": training.tolerance,
              "loss_tolerance": training.loss_tolerance}
    stops = tuple(StopRule(name, values[name]) for name in STOP_ORDER if values[name] > 0)
    return Schedule(learning_rate=training.learning_rate, epochs=training.epochs,
                    batching=Batching(training.batch_size, training.shuffle), stops=stops)


def learning_procedure(spec: NetworkSpec) -> Procedure:
    """The whole procedure of a spec: its loss's update rule and its [training] schedule."""
    return Procedure(update=update_rule(spec), schedule=schedule(spec.training))
