"""Label vectors that sum to one (one-hot or probability targets, \\sum_k y_k = 1) in index claims.

The softmax cross-entropy gradient \\frac{\\partial}{\\partial z_i}(-\\sum_k y_k \\ln s_k) = s_i - y_i, and the
simplification -\\sum_j y_j \\log s_j = \\log\\sum_k e^{o_k} - \\sum_j y_j o_j, hold only when the labels sum to
one. A text either states that (a given \\sum_k y_k = 1: a premise, used as given) or leaves it implicit
(one-hot labels): then a claim that fails for arbitrary labels and holds when they sum to one is
reported as a CONDITIONAL hold naming that condition, never as a plain hold. The entries are
constrained by eliminating the last one (y_K = 1 - y_1 - ... - y_{K-1}), K the range of the claim's
sums over them; a letter is a label when the claim sums over its entries (y, Bishop's t)."""

from __future__ import annotations

import re

import sympy as sp

from .compare import NotCheckable, Result
from .syntax import LatexError, NeedsSize, parse
from .tree import (
    atom_key,
    decor_scripts,
    iter_nodes,
    juxt_items,
    plain_text,
    relation_parts,
    summation_letters,
)
from .values import is_mat

_LOG = re.compile(r"\\(?:log|ln)(?![a-zA-Z])")    # a log-probability the labels weigh
LABEL_BASES = ("y", "t")     # the targets' letters: y (Nielsen, Ng, d2l, CS231n, Jurafsky & Martin), t (Bishop)


def label_premises(givens) -> tuple[set[str], list[str]]:
    """(the label letters a given says sum to one, the other givens): \\sum_k y_k = 1 is a premise."""
    found, rest = set(), []
    for g in givens:
        base = _sum_to_one(g)
        if base is None:
            rest.append(g)
        else:
            found.add(base)
    return found, rest


def _sum_to_one(text: str) -> str | None:
    try:
        rel = parse(text, "definition")
    except LatexError:
        return None
    sides, ops = relation_parts(rel)
    if len(sides) != 2 or ops != ["="] or plain_text(sides[1]) != "1":
        return None
    items = juxt_items(sides[0])
    if not items or len(items) != 2 or items[0].kind != "postfix" or items[0].args[0].kind != "sum":
        return None
    letters = summation_letters(sides[0])
    entry = items[1]
    if entry.kind != "postfix" or atom_key(entry) is None or atom_key(entry)[1] or len(letters) != 1:
        return None
    subs = [s for s in decor_scripts(entry) if s[0] == "sub"]
    if len(subs) != 1 or len(entry.scripts) != 1 or plain_text(subs[0][1]) not in letters:
        return None
    return atom_key(entry)[0]


def summed_labels(rel) -> list[str]:
    """The label letters the claim sums over (y_k under a \\sum_k): the candidates for the condition."""
    letters = summation_letters(rel)
    out = []
    for node in iter_nodes(rel):
        if node.kind != "postfix" or atom_key(node) is None or atom_key(node)[1]:
            continue
        base = atom_key(node)[0]
        subs = [s for s in decor_scripts(node) if s[0] == "sub"]
        if base in LABEL_BASES and base not in out and len(subs) == 1 and plain_text(subs[0][1]) in letters:
            out.append(base)
    return out


def constrain(lhs, rhs, bases):
    """(lhs, rhs) with each label vector's last entry eliminated (its entries sum to one); None when the
    entries present are not y_1..y_K or none is (the constraint does not apply to these sides)."""
    values = (list(lhs) if is_mat(lhs) else [lhs]) + (list(rhs) if is_mat(rhs) else [rhs])
    syms = set().union(*[getattr(v, "free_symbols", set()) for v in values])
    sub = {}
    for base in bases:
        entries = {}
        for s in syms:
            m = re.fullmatch(re.escape(base) + r"_(\d+)", s.name)
            if m:
                entries[int(m.group(1))] = s
        if not entries:
            continue
        top = max(entries)
        if set(entries) != set(range(1, top + 1)):
            return None
        sub[entries[top]] = 1 - sum((entries[n] for n in range(1, top)), sp.Integer(0))
    if not sub:
        return None

    def apply(v):
        return v.xreplace(sub) if not is_mat(v) else v.applyfunc(lambda e: e.xreplace(sub))
    return apply(lhs), apply(rhs)


def condition_text(bases) -> str:
    return "; ".join(f"the labels {b} sum to one (one-hot or probability targets): \\sum_k {b}_k = 1"
                     for b in bases)


def labels_condition(env, rel, sides, insts, run_links, givens=()) -> Result | None:
    """A conditional hold when the claim, failing for arbitrary labels, holds at every instance once the
    labels it sums over sum to one; None otherwise (``run_links`` decides the links as the claim was)."""
    bases = summed_labels(rel)
    for g in givens:        # L = -\\sum_k y_k \\log \\hat{y}_k: the given cost sums over the labels
        try:
            bases += [b for b in summed_labels(parse(g, "definition")) if b not in bases]
        except LatexError:
            continue
    if not bases or _sum_to_one(rel.source) is not None or not _LOG.search(rel.source + " ".join(givens)):
        # nothing to condition on; the claim IS the condition (\sum_k y_k = 1); or no log-probability for
        # the labels to weigh (the y_n of a least-squares sum are data, never a distribution)
        return None
    env.labels = set(bases)
    try:
        again = run_links(env, sides, insts)
    except (LatexError, NotCheckable, NeedsSize):
        return None
    finally:
        env.labels = set()
    if not again or any(r.verdict != "holds" for r, _ in again):
        return None
    cond = condition_text(bases)
    notes = list(again[0][0].notes)
    plan = getattr(env, "plan", None)
    if plan is not None and plan.lengths:
        notes.insert(0, plan.note())        # decided at several lengths, as a plain claim would be
    return Result(env.claim, "conditional", f"it fails for arbitrary labels, and holds when {cond}"
                  f" ({again[0][0].method})", notes, condition=cond)
