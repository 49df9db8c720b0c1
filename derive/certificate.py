"""Proof certificates: a derivation's proof kept on disk, so the same spec is not proven twice.

A certificate records that the equations of one derivation (identified by a digest of every
equation, rule and symbol the engine built) were proven by this proof method, with the
Verification that describes how. It is filed under a key that hashes everything the proof
depends on: the network's widths, activations with their parameters, loss, conventions and
layout, the toolkit version, the proof method's version, the source of the proof's own code
(derive/verify.py, evaluate.py, primitives.py) and SymPy's version. ``load`` trusts a
certificate only if its key, its equations digest and its own checksum all match; anything
else (a corrupt, truncated, hand-edited or foreign file, another version's) is ignored, and
the pipeline proves again and overwrites it. Writes are atomic (derive.fileio.atomic_write).
The checksum detects damage, not forgery: whoever can write the cache folder could as well
change the installed code, so the cache is as trusted as the user's own files.

Where: $NNDERIVE_CACHE_DIR if set, else the platform's user cache folder
($XDG_CACHE_HOME/nnderive or ~/.cache/nnderive; ~/Library/Caches/nnderive on macOS;
%LOCALAPPDATA%\\nnderive\\Cache on Windows), in its ``proofs/`` subfolder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .fileio import atomic_write_text

CACHE_ENV = "NNDERIVE_CACHE_DIR"
FORMAT = "nnderive proof certificate"
FORMAT_VERSION = 1
# the proof's own code: a change to any of these makes every earlier certificate foreign
PROOF_SOURCES = ("verify.py", "evaluate.py", "primitives.py")


def cache_dir() -> Path:
    """The user's nnderive cache folder ($NNDERIVE_CACHE_DIR overrides the platform's default)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "nnderive" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "nnderive"
    xdg = os.environ.get("XDG_CACHE_HOME")
    # the XDG spec: a relative value is invalid and must be ignored
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "nnderive"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


_SOURCE_DIGEST: list[str] = []


def proof_code_digest() -> str:
    """sha256 of the proof's own source files (line endings normalized), computed once per process."""
    if not _SOURCE_DIGEST:
        here = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for name in PROOF_SOURCES:
            h.update(name.encode() + b"\0")
            h.update((here / name).read_bytes().replace(b"\r\n", b"\n") + b"\0")
        _SOURCE_DIGEST.append(h.hexdigest())
    return _SOURCE_DIGEST[0]


def key_fields(d) -> dict:
    """Everything the proof of derivation d depends on (what the certificate is filed under)."""
    import sympy

    from .verify import PROOF_METHOD, PROOF_VERSION, SEED

    spec = d.spec
    canon = spec.canonical()
    canon.pop("name")  # the name changes nothing that is proven
    return {
        "network": canon,
        "layout": d.layout,
        "toolkit": __version__,
        "proof_method": f"{PROOF_METHOD}/{PROOF_VERSION}",
        "proof_seed": SEED,
        "proof_code": proof_code_digest(),
        "sympy": sympy.__version__,
    }


def certificate_key(d) -> str:
    return _sha(_canonical(key_fields(d)))


def path_for(d) -> Path:
    return cache_dir() / "proofs" / f"{certificate_key(d)}.json"


_DUMMY = re.compile(r", dummy_index=\d+")


def equations_digest(d) -> str:
    """sha256 of every equation, rule and symbol of d, in a form that is stable across processes."""
    import sympy as sp

    def text(e) -> str:
        # a Dummy's index differs from process to process; its name and position identify it
        return _DUMMY.sub("", sp.srepr(e)) if isinstance(e, sp.Basic) else repr(e)

    parts = [d.layout, text(d.reduction), text(d.batch), [text(x) for x in d.dims]]
    for eq in d.forward + (d.loss,) + d.backward + d.gradients + d.elementwise:
        parts.append([eq.name, text(eq.lhs), text(eq.rhs)])
    for r in d.rules:
        parts.append([r.layer, r.activation, r.kind, text(r.derivative), text(r.output_delta)])
    return _sha(_canonical(parts))


def _verification_record(v) -> dict:
    return {"method": v.method, "primitive_proofs": [list(p) for p in v.primitive_proofs],
            "witnesses": [[list(w), n] for w, n in v.witnesses], "points": v.points,
            "entries": v.entries, "seconds": v.seconds}


def _verification_from(record: dict, certified: str):
    from .verify import Verification

    proofs = tuple((str(a), str(b)) for a, b in record["primitive_proofs"])
    witnesses = tuple((tuple(int(x) for x in w), int(n)) for w, n in record["witnesses"])
    for field, kind in (("method", str), ("points", int), ("entries", int), ("seconds", (int, float))):
        if not isinstance(record[field], kind) or isinstance(record[field], bool):
            raise TypeError(field)
    return Verification(method=record["method"], primitive_proofs=proofs, witnesses=witnesses,
                        points=record["points"], entries=record["entries"],
                        seconds=float(record["seconds"]), certified=certified)


def load(d):
    """The Verification certified for exactly d's equations, or None (no, or no trustworthy, certificate)."""
    path = path_for(d)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        body = {k: v for k, v in doc.items() if k != "checksum"}
        if (doc.get("format") != FORMAT or doc.get("format_version") != FORMAT_VERSION
                or doc.get("checksum") != _sha(_canonical(body))
                or doc.get("key") != certificate_key(d) or doc.get("fields") != key_fields(d)
                or doc.get("equations") != equations_digest(d)):
            return None
        created = datetime.strptime(doc["created"], "%Y-%m-%dT%H:%M:%SZ")
        return _verification_from(doc["verification"], created.strftime("%Y-%m-%d %H:%M UTC"))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RuntimeError):
        # unreadable, not JSON, or not shaped like a certificate (or no home folder to look
        # in): never trusted, proven again
        return None


def store(d, verification) -> Path | None:
    """Write d's certificate atomically; None when the cache folder is not writable (not an error)."""
    body = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "key": certificate_key(d),
        "fields": key_fields(d),
        "equations": equations_digest(d),
        "verification": _verification_record(verification),
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    doc = dict(body, checksum=_sha(_canonical(body)))
    try:
        return atomic_write_text(path_for(d), json.dumps(doc, indent=1, sort_keys=True) + "\n")
    except (OSError, RuntimeError):  # RuntimeError: Path.home() without a home folder
        return None
