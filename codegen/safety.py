"""What may reach generated code from a spec: identifiers, one-line comments, finite numbers (checked here)."""

from __future__ import annotations

import keyword
import math
import re
import unicodedata
from typing import TYPE_CHECKING

from derive.errors import SpecError
from derive.primitives import LOSSES

if TYPE_CHECKING:
    from derive.spec import NetworkSpec


class UnsafeSpecError(SpecError):
    """A spec value that would reach generated code is not a safe identifier, number or comment."""



def check_identifier(name: str, key: str) -> str:
    if not (isinstance(name, str) and name.isascii() and name.isidentifier()
            and not keyword.iskeyword(name)):
        raise UnsafeSpecError(f"key '{key}': {name!r} cannot appear in generated code (it must be a"
                              " Python identifier that is not a keyword)")
    return name


def check_comment(text: str, key: str) -> str:
    bad = [c for c in text if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")]
    if bad:
        raise UnsafeSpecError(f"key '{key}': text for a generated-code comment must be one line without"
                              f" control characters; found {bad[0]!r}")
    return text


def _check_number(x, key: str) -> None:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise UnsafeSpecError(f"key '{key}': {x!r} is not a finite number")


def check_spec(spec: NetworkSpec) -> None:
    """Refuse any spec value that could change the meaning of generated code."""
    check_identifier(spec.name, "network.name")
    check_comment(spec.description, "network.description")
    if spec.loss not in LOSSES:
        raise UnsafeSpecError(f"key 'network.loss': unknown loss {spec.loss!r}")
    if not (isinstance(spec.layers, tuple) and len(spec.layers) >= 2 and all(
            isinstance(w, int) and not isinstance(w, bool) and w >= 1 for w in spec.layers)):
        raise UnsafeSpecError(f"key 'network.layers': {spec.layers!r} is not a list of positive widths")
    if len(spec.activations) != len(spec.layers) - 1:
        raise UnsafeSpecError("key 'network.activations': one activation per non-input layer")
    for i, a in enumerate(spec.activations):
        entry = a.entry  # resolved (and so known) when the spec was constructed
        for pk, pv in a.params:
            if pk not in entry.params:
                raise UnsafeSpecError(f"key 'network.activations[{i}].{pk}': unknown parameter")
            _check_number(pv, f"network.activations[{i}].{pk}")
    _check_number(spec.conventions.relu_prime_at_zero, "conventions.relu_prime_at_zero")
    if not re.fullmatch(r"[0-9a-f]{16}", spec.hash()):
        raise UnsafeSpecError("the spec hash is not 16 hex digits")
