"""Notation profiles: how each role (weight, bias, activation, ...) is spelled in LaTeX.

One table serves the LaTeX documents and the equation checker. A spelling is a LaTeX template in
which ``@`` stands for the layer number; roles without a layer (input, target, loss) have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..spec import NOTATION_KEYS, Notation

ROLES = NOTATION_KEYS  # weight, bias, preact, act, input, target, output, loss, delta, activation


@dataclass(frozen=True)
class Profile:
    """A complete notation: one LaTeX template per role, plus a description of where it is from."""

    name: str
    description: str
    templates: tuple[tuple[str, str], ...]

    def template(self, role: str) -> str:
        return dict(self.templates)[role]

    def symbol(self, role: str, layer: int | str | None = None) -> str:
        """The LaTeX spelling of a role at a layer, e.g. symbol('weight', 2) -> 'W^{2}'."""
        t = self.template(role)
        return t.replace("@", str(layer)) if layer is not None else t.replace("@", "l")

    def with_overrides(self, overrides: tuple[tuple[str, str], ...]) -> Profile:
        if not overrides:
            return self
        merged = dict(self.templates)
        merged.update(dict(overrides))
        return Profile(self.name + "+custom", self.description + " (with the spec's overrides)",
                       tuple(sorted(merged.items())))


def _p(name, description, **templates) -> Profile:
    missing = set(ROLES) - set(templates)
    assert not missing, missing
    return Profile(name, description, tuple(sorted(templates.items())))


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in [
        _p("default", "nnderive's default: W^{l}, b^{l}, z^{l}, a^{l}, a^{0} = x, \\hat{y} = a^{L}, y, L,"
           " \\delta^{l}",
           weight="W^{@}", bias="b^{@}", preact="z^{@}", act="a^{@}", input="x", target="y",
           output="\\hat{y}", loss="L", delta="\\delta^{@}", activation="f^{@}"),
        _p("article000", "article 000: bold w^i, b^i, z^i, y^i (activations), y^{pred}, y^{true},"
           " loss \\ell, activation f",
           weight="\\mathbf{w}^{@}", bias="\\vec{b}^{@}", preact="\\vec{z}^{@}", act="\\vec{y}^{@}",
           input="\\vec{x}", target="\\vec{y}^{true}", output="\\vec{y}^{pred}", loss="\\ell",
           delta="\\frac{\\partial\\ell}{\\partial \\vec{z}^{@}}", activation="f"),
        _p("article003", "article 003: W, b, P (linear output), h (sigmoid output), O (network output),"
           " T (truth), E (error)",
           weight="W^{@}", bias="b^{@}", preact="P^{@}", act="h^{@}", input="x", target="T",
           output="O", loss="E", delta="\\delta^{@}", activation="f"),
        _p("article004", "article 004: W1, b1, z1, a1, x, y, \\hat{y} = a2, L, \\delta, R (ReLU),"
           " \\sigma (sigmoid)",
           weight="W_{@}", bias="b_{@}", preact="z_{@}", act="a_{@}", input="x", target="y",
           output="\\hat{y}", loss="L", delta="\\delta_{@}", activation="f_{@}"),
    ]
}


def profile_for(notation: Notation | str | None) -> Profile:
    """The profile a spec asks for, with its overrides applied."""
    if notation is None:
        return PROFILES["default"]
    if isinstance(notation, str):
        try:
            return PROFILES[notation]
        except KeyError:
            raise KeyError(f"unknown notation profile '{notation}'") from None
    return PROFILES[notation.profile].with_overrides(notation.overrides)
