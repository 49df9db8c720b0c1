"""A claim about a given cost that holds only for one-hot targets (softmax with cross-entropy: dL/dz = y_hat - y).

The cost a text defines (L = -\\sum_k y_k \\log \\hat{y}_k) is read on witnesses whose targets are
arbitrary numbers; the text's targets are usually class labels. The famous dL/dz = \\hat{y} - y is
true exactly when the targets sum to 1, so before such a claim is called false it is tried again
with one-hot targets on the same witnesses: if it holds there, the verdict is conditional on them.
"""

from __future__ import annotations

from dataclasses import replace

from .compare import Result

ONE_HOT = "one-hot targets (each sample's targets are 0 except one 1: a class label)"


def one_hot_result(r: Result, spec, what: str, holds, cost_given: bool, explain) -> Result:
    """The failing result ``r``, conditional on one-hot targets where it holds with them (a cost the
    text defines, arbitrary targets, at least two outputs), else ``explain(r)``: the counterexample in
    the notation's names and the slip named. ``holds(spec)``: whether the claim holds on the caller's
    witnesses."""
    loss = spec.loss_entry
    if cost_given and not r.convention and getattr(loss, "targets", None) == "values" and spec.layers[-1] >= 2 \
            and holds(replace(spec, loss_entry=replace(loss, targets="onehot"))):
        return Result(r.claim, "conditional", f"it fails for {what} with arbitrary targets, and holds on the"
                      f" same witnesses for: {ONE_HOT}", r.notes, condition=ONE_HOT, seconds=r.seconds)
    return explain(r)
