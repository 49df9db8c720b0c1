"""The worked example's section of a document: the given values, every computed value and the rounding.

A part of ``builder.Builder`` (a mixin: it uses the builder's symbols, printer and writer).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..procedure import learning_procedure
from .latex_printer import number, wrap
from .model import TALL_ROWS, Section, _and
from .worked_example import ROUNDINGS, other_readings


class WorkedSection:
    """The section of a worked example: inputs and parameters, forward, loss, backward, update."""

    def worked(self) -> Section:
        w, ex = self.w, self.example
        v = ex.values
        sec = Section("A worked example")
        dec = ex.decimals
        sec.lines += w.para(
            f"Concrete numbers for one learning step ({w.text(Path(v.source).name if v.source.endswith('.toml') else v.source)}), batch of $N = {v.batch}$ "
            f"sample{'s' if v.batch > 1 else ''}, learning rate $\\alpha = {self._num(v.alpha, dec + 2)}$. "
            + self.rounding_rule())
        x, y = (v.x, v.y) if self.col() else (v.x.T, v.y.T)
        givens = [f"{self.sym('input')} = {self._mat(x, dec)}",
                  f"{self.sym('target')} = {self._mat(y, dec)}"]
        sec.lines += w.aligned([g.replace(" = ", " &= ", 1) for g in givens])
        prow = []
        for l in range(1, self.L + 1):
            prow.append(f"{self.sym('weight', l)} &= {self._mat(v.params[f'W{l}'], dec)}, \\quad "
                        f"{self.sym('bias', l)} = {self._mat(v.params[f'b{l}'], dec)}")
        sec.lines += w.aligned(prow)
        sec.lines += w.para(f"Forward pass {self.refs('forward_z1', f'forward_a{self.L}')}:")
        sec.lines += w.aligned([f"{self._qname(q.name)} &= {w.matrix(self._oriented(q))}" for q in ex.forward])
        sec.lines += w.para(f"Loss {self.ref('loss')}:")
        sec.lines += w.eq(f"{self.sym('loss')} = {ex.loss.shown[0][0]}")
        sec.lines += w.para(f"Error term{'s' if self.L > 1 else ''} {self.refs(f'delta{self.L}', 'delta1')}:")
        sec.lines += w.aligned([f"{self._qname(q.name)} &= {w.matrix(self._oriented(q))}" for q in ex.backward])
        sec.lines += w.para(f"Gradients {self.refs(f'grad_W{self.L}', 'grad_b1')}:")
        sec.lines += w.aligned([f"{self._qname(q.name)} &= {w.matrix(q.shown)}" for q in ex.gradients])
        rule = learning_procedure(self.spec).update
        scaled = ""
        if rule.divides_by_batch:  # the step the update rule takes on this batch, alpha/N
            scaled = f", so $\\alpha/N = {self._num(rule.exact_step(v.alpha, v.batch), dec + 2)}$"
        sec.lines += w.para(f"Updated parameters after one step {self.ref('update')} with "
                            f"$\\alpha = {self._num(v.alpha, dec + 2)}${scaled}:")
        sec.lines += w.aligned([f"{self._qname(q.name)} &= {w.matrix(q.shown)}" for q in ex.updated])
        sec.lines += self.rounding_note()
        return sec

    def _oriented(self, q):
        """A forward or backward value as the document's layout holds it (one sample per row in the
        row layout; the worked example computes one sample per column)."""
        return q.shown if self.col() else tuple(zip(*q.shown))

    def rounding_rule(self) -> str:
        """Which reading of "rounded to d decimals" the example follows, said in full."""
        ex = self.example
        dec = ex.decimals
        exact = ("computed exactly (rational arithmetic, irrational values carried to 60 significant digits) "
                 f"and shown rounded to {dec} decimals")
        if ex.mode == "every":
            return (f"Every value is rounded to {dec} decimals as soon as it is computed, and the rounded value "
                    f"is what is used again: a stricter reading than that of {self.cite('003')}, which rounds "
                    "only the sigmoid outputs.")
        if ex.mode == "none" or not ex.rounded_layers:
            none = "" if ex.mode == "none" else (" (no layer has an activation other than the identity, so the "
                                                   f"rounding of {self.cite('003')}, which rounds the activation "
                                                   "outputs, rounds nothing here)")
            return f"Every value is {exact}; nothing is rounded before it is used again{none}."
        outs = _and(f"${self.sym('act', l)}$" for l in ex.rounded_layers)
        return (f"The rounding follows {self.cite('003')}, which rounds the sigmoid outputs to 4 decimals: the "
                f"outputs of the activation function{'s' if len(ex.rounded_layers) > 1 else ''} ({outs}) are "
                f"rounded to {dec} decimals as soon as they are computed, and every later value is computed from "
                "those rounded outputs exactly (rational arithmetic, irrational values carried to 60 significant "
                f"digits) and shown rounded to {dec} decimals.")

    def rounding_note(self) -> list[str]:
        w, ex = self.w, self.example
        dec = ex.decimals
        others = other_readings(ex.mode)
        names = _and(ROUNDINGS[m] for m in others)
        if not ex.rounding:
            return w.para(f"The other readings of rounding to {dec} decimals ({names}) give the same digits "
                          "everywhere.")
        n = len(ex.rounding)
        out = w.para(
            f"{w.bold('Rounding note.')} The other readings of rounding to {dec} decimals ({names}) give other "
            f"digits for {n} shown value{'s' if n > 1 else ''}, listed in the table below; the values above are "
            + ("the exact ones." if ex.mode == "none" else f"those with {ROUNDINGS[ex.mode]}."))
        rows = [[f"${self._entry_name(c)}$"] + [f"${r}$" for _, r in c.readings] for c in ex.rounding]
        head = ["value", "shown above"] + [ROUNDINGS[m] for m in others]
        out += w.table(head, rows, f"Shown digits under each reading of rounding to {dec} decimals (shown above: "
                       f"{ROUNDINGS[ex.mode]})", TALL_ROWS)
        return out

    def _qname(self, name: str) -> str:
        if name.endswith("_new"):
            base = name[:-4]
            return wrap(self.pr(self.d.symbols[base])) + "'"
        if name == "loss":
            return self.sym("loss")
        return self.pr(self.d.symbols[name])

    def _entry_name(self, c) -> str:
        if c.name == "loss":
            return self.sym("loss")
        q = next(q for q in self.example.forward + self.example.backward + self.example.gradients
                 + self.example.updated if q.name == c.name)
        cols = q.exact.shape[1]
        idx = f"{c.row + 1}" if cols == 1 else f"{c.row + 1}{c.col + 1}"
        if c.name.startswith("dL_d"):
            role = "weight" if c.name[4] == "W" else "bias"
            return self.dfrac(self.sym("loss"), self.el(role, int(c.name[5:]), idx))
        base = c.name[:-4] if c.name.endswith("_new") else c.name
        m = re.match(r"([A-Za-z]+)(\d+)$", base)
        role = {"W": "weight", "b": "bias", "Z": "preact", "A": "act", "delta": "delta"}[m.group(1)]
        s = self.el(role, int(m.group(2)), idx)
        return wrap(s) + "'" if c.name.endswith("_new") else s

    def _num(self, q, dec) -> str:
        """A given value (an input, a weight, the learning rate) as it was given: exactly, written
        for reading (0.02, 10^{-6}); a value with no finite decimal to dec + 2 significant digits."""
        return number(q, digits=dec + 2)

    def _mat(self, m, dec) -> str:
        return self.w.matrix([[self._num(m[i, j], dec) for j in range(m.shape[1])]
                              for i in range(m.shape[0])])
