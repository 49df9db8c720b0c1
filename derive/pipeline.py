"""The core pipeline as one function: build a network's equations, prove them, return the result."""

from __future__ import annotations

import time
from dataclasses import replace

from .engine import Derivation, build
from .spec import NetworkSpec
from .verify import verify_derivation


def derive(spec: NetworkSpec, layout: str | None = None, verify: bool = True) -> Derivation:
    """Derive every gradient of the spec's loss and prove it (raises VerificationError on failure).

    build -> verify: the engine writes the backward pass over symbolic widths, the proof compares
    it with SymPy's direct differentiation of the nested loss; an unproven result is never returned.
    """
    t0 = time.perf_counter()
    d = build(spec, layout or spec.conventions.layout)
    if verify:
        d = replace(d, verification=verify_derivation(d))
    return replace(d, seconds=time.perf_counter() - t0)
