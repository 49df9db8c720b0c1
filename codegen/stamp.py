"""Stamps: how a generated module on disk is known to be current without generating it again.

The header's stamp line holds three hashes: of everything generation depends on (the spec's
generation inputs, the backend, the toolkit version and the generator itself: its sources,
templates and formatter), of the file's own text without the stamp line, and of the equations
it was printed from (derive.certificate.equations_digest: the proof certificate of exactly
those equations vouches for the module). A file is current when the first two match: a changed
spec, description or generator changes the first, a hand edit the second. Only the standard
library is imported here, so the check costs no code generator.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from derive import __version__

if TYPE_CHECKING:
    from derive.spec import NetworkSpec

STAMP_RE = re.compile(
    r"^# Stamp: inputs ([0-9a-f]{16}), body ([0-9a-f]{16}), proof ([0-9a-f]{16})\.[^\n]*\n?", re.M)
STAMP_PLACEHOLDER = f"# Stamp: inputs {'0' * 16}, body {'0' * 16}, proof {'0' * 16}."
# What shapes the emitted text besides the spec: this package's printers, templates and
# emitters, and the derive core whose equations they print (derive/procedure.py: the update rule).
GENERATOR_SOURCES = ("codegen/emit.py", "codegen/emit_jax.py", "codegen/stamp.py", "codegen/safety.py",
                     "codegen/printers/*.py", "codegen/templates/*.j2", "derive/engine.py",
                     "derive/matrix.py", "derive/primitives.py", "derive/spec.py", "derive/procedure.py")
_FINGERPRINT: list[str] = []


def generation_inputs(spec: NetworkSpec, backend: str = "numpy") -> dict:
    """Everything build_parts reads from the spec (extend it whenever generation reads more), and
    the backend printed for (a numpy module copied to the JAX module's place is never current)."""
    return {"spec_hash": spec.hash(), "description": spec.description, "backend": backend}


def generator_fingerprint() -> str:
    """sha256 of the generator's sources and templates (line endings normalized) and formatter version."""
    if not _FINGERPRINT:
        from importlib import metadata

        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha256()
        for pattern in GENERATOR_SOURCES:
            for f in sorted(root.glob(pattern)):
                h.update(f.relative_to(root).as_posix().encode() + b"\0")
                h.update(f.read_bytes().replace(b"\r\n", b"\n") + b"\0")
        for dist in ("sympy", "ruff", "black"):  # printed forms and formatting are part of the output
            try:
                h.update(f"{dist} {metadata.version(dist)}\0".encode())
            except metadata.PackageNotFoundError:
                h.update(f"{dist} absent\0".encode())
        _FINGERPRINT.append(h.hexdigest())
    return _FINGERPRINT[0]


def generation_hash(spec: NetworkSpec, backend: str = "numpy") -> str:
    inputs = dict(generation_inputs(spec, backend), toolkit=__version__,
                  generator=generator_fingerprint())
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def body_hash(text: str) -> str:
    """sha256 (16 hex digits) of a module's text with its stamp line taken out."""
    return hashlib.sha256(STAMP_RE.sub("", text, count=1).encode("utf-8")).hexdigest()[:16]


def fill(source: str, spec: NetworkSpec, backend: str, proof: str) -> str | None:
    """source with its placeholder stamp line filled in (proof: the equations' digest), or None
    when source has not exactly one placeholder."""
    if source.count(STAMP_PLACEHOLDER) != 1:
        return None
    line = STAMP_PLACEHOLDER.replace("0" * 16, generation_hash(spec, backend), 1)
    line = line.replace("0" * 16, body_hash(source), 1)
    line = line.replace("0" * 16, proof[:16], 1)
    return source.replace(STAMP_PLACEHOLDER, line, 1)


def read_stamp(text: str) -> tuple[str, str, str] | None:
    """(inputs hash, body hash, equations digest) of a module's stamp line, or None without one."""
    m = STAMP_RE.search(text)
    return (m.group(1), m.group(2), m.group(3)) if m else None
