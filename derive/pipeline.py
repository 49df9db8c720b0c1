"""The core pipeline as one function: build a network's equations, prove them (or reuse their certificate), return the result."""

from __future__ import annotations

import time
from dataclasses import replace

from . import certificate
from .engine import Derivation, build
from .spec import NetworkSpec
from .verify import verify_derivation


def derive(spec: NetworkSpec, layout: str | None = None, verify: bool = True,
           reverify: bool = False) -> Derivation:
    """Derive every gradient of the spec's loss and prove it (raises VerificationError on failure).

    build -> verify: the engine writes the backward pass over symbolic widths, the proof compares
    it with forward-mode differentiation of the nested loss; an unproven result is never
    returned. This is the one place that decides whether to prove: a certificate of an earlier
    proof of exactly these equations (derive.certificate) stands in for the proof unless
    ``reverify`` is set; a proof made here is certified for next time.
    """
    t0 = time.perf_counter()
    d = build(spec, layout or spec.conventions.layout)
    if verify:
        v = None if reverify else certificate.load(d)
        if v is None:
            v = verify_derivation(d)
            certificate.store(d, v)
        d = replace(d, verification=v)
    return replace(d, seconds=time.perf_counter() - t0)
