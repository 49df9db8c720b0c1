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
    """A complete notation: one LaTeX template per role, plus a description of where it is from.

    ``extras`` are conventions of a textbook's notation that the equation checker reads (the
    document writer ignores them): ``functions`` (letters that mean the layer's activation),
    ``losses`` (other letters for the cost), ``samples`` (the letter counting the samples),
    ``sample_index`` (how one sample is picked: ``sum`` for Nielsen's \\sum_x, ``sup`` for Ng's
    x^{(i)}), ``gradients`` (``d`` for Ng's dW = dJ/dW), ``broadcast`` (Ng's Z = WA + b adds the column b
    to every column), ``bare_layer`` (the layer a role letter
    written without one means: ``L``, as in Nielsen's \\nabla_a C), ``layout`` (``row`` for CS231n).
    """

    name: str
    description: str
    templates: tuple[tuple[str, str], ...]
    extras: tuple[tuple[str, str], ...] = ()

    def extra(self, key: str, default: str = "") -> str:
        return dict(self.extras).get(key, default)

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
        told = ", ".join(f"{k} {v}" for k, v in overrides)
        return Profile(self.name + "+custom", self.description + f" (with {told})",
                       tuple(sorted(merged.items())), self.extras)


def _p(name, description, extras=(), **templates) -> Profile:
    missing = set(ROLES) - set(templates)
    assert not missing, missing
    return Profile(name, description, tuple(sorted(templates.items())), tuple(extras))


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


# The letter sets of the major textbooks, for reading claims written without a spec (the checker
# picks the one whose letters a claim uses; `nnderive check --notation NAME` names one).
TEXTBOOK_PROFILES: dict[str, Profile] = {
    p.name: p
    for p in [
        _p("nielsen", "Nielsen, Neural Networks and Deep Learning: w^l_{jk}, b^l_j, z^l, a^l, cost C,"
           " \\delta^l, \\sigma, layer L the output, \\sum_x over the n training inputs",
           extras=(("functions", "sigma f"), ("losses", "C"), ("samples", "n"), ("sample_index", "sum"),
                   ("sample_letter", "x"), ("batch", "mean"), ("bare_layer", "L")),
           weight="w^{@}", bias="b^{@}", preact="z^{@}", act="a^{@}", input="x", target="y",
           output="a^{L}", loss="C", delta="\\delta^{@}", activation="\\sigma"),
        _p("goodfellow", "Goodfellow, Bengio and Courville, Deep Learning: W^{(k)}, b^{(k)}, a^{(k)} the"
           " pre-activation, h^{(k)} the activation, h^{(0)} = x, cost J, activation f",
           extras=(("functions", "f sigma g"), ("losses", "J L"), ("samples", "m"), ("sample_letter", "i"),
                   ("batch", "mean"), ("bare_layer", "L")),
           weight="W^{(@)}", bias="b^{(@)}", preact="a^{(@)}", act="h^{(@)}", input="x", target="y",
           output="\\hat{y}", loss="J", delta="\\delta^{(@)}", activation="f"),
        _p("ng", "Ng, Deep Learning Specialization: W^{[l]}, b^{[l]}, Z^{[l]}, A^{[l]}, A^{[0]} = X, Y,"
           " cost J over m examples x^{(i)}, activation g^{[l]}, dW = dJ/dW, dZ",
           extras=(("functions", "g sigma"), ("losses", "J L"), ("samples", "m"), ("sample_index", "sup"),
                   ("sample_letter", "i"), ("batch", "mean"), ("gradients", "d"), ("bare_layer", "L"),
                   ("broadcast", "columns")),
           weight="W^{[@]}", bias="b^{[@]}", preact="Z^{[@]}", act="A^{[@]}", input="X", target="Y",
           output="\\hat{Y}", loss="J", delta="\\delta^{[@]}", activation="g^{[@]}"),
        _p("ng-vectors", "Ng's one-example notation: w^{[l]}, b^{[l]}, z^{[l]}, a^{[l]}, x, y, loss L",
           extras=(("functions", "g sigma"), ("losses", "L J"), ("samples", "m"), ("sample_index", "sup"),
                   ("sample_letter", "i"), ("batch", "mean"), ("gradients", "d"), ("bare_layer", "L")),
           weight="W^{[@]}", bias="b^{[@]}", preact="z^{[@]}", act="a^{[@]}", input="x", target="y",
           output="\\hat{y}", loss="L", delta="\\delta^{[@]}", activation="g^{[@]}"),
    ]
}


def split_notation(text: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """A --notation value: a profile name, role spellings, or both, separated by ';'.

    'nielsen' -> ('nielsen', ()); 'nielsen; act=o^{@}; loss=E' -> ('nielsen', (('act', 'o^{@}'), ('loss',
    'E'))); 'act=o^{@}' -> (None, ...): the letters replace those of whichever profile the claim is read in.
    The spellings are validated as a spec's [notation] table is (SpecError naming the role)."""
    from ..spec import _notation

    name, over = None, {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if "=" in part:
            role, _, spelling = part.partition("=")
            over[role.strip()] = spelling.strip()
        elif name is None:
            name = part
        else:
            raise KeyError(f"--notation names two profiles ('{name}' and '{part}')")
    if name is not None and name not in PROFILES and name not in TEXTBOOK_PROFILES:
        raise KeyError(f"unknown notation profile '{name}'")
    return name, _notation("--notation", over).overrides if over else ()


def any_profile(name: str) -> Profile:
    """A document profile or a textbook letter set, by name, with the role spellings --notation adds."""
    base, over = split_notation(name)
    base = base or "default"
    return (PROFILES[base] if base in PROFILES else TEXTBOOK_PROFILES[base]).with_overrides(over)


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
