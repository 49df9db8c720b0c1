"""Every check in a worker process with a time limit, and one claim's result as text."""

from __future__ import annotations

import multiprocessing as mp

from ..errors import NNDeriveError
from .compare import DEFAULT_TIMEOUT, ClaimError, NotCheckable, Result
from .network import check_network
from .scalar import check_scalar
from .syntax import OutOfRange, ShapeMismatch

# ---------------------------------------------------------------------------------------------
# Running with a time limit


def _child(conn, fn, args, kwargs):
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except NNDeriveError as e:
        conn.send(("user", str(e)))
    except ShapeMismatch as e:
        conn.send(("user", f"shape problem: {e}"))
    except OutOfRange as e:
        conn.send(("user", f"an index or layer is out of range: {e}"))
    except NotCheckable as e:
        conn.send(("notcheckable", str(e)))
    except RecursionError:
        conn.send(("user", "the formula is nested too deeply"))
    except Exception as e:  # noqa: BLE001 - report, never crash the parent
        conn.send(("user", f"internal problem while checking ({type(e).__name__}: {e})"))
    finally:
        conn.close()


def run_limited(fn, *args, timeout: float = DEFAULT_TIMEOUT, **kwargs):
    """Run fn in a forked worker; ClaimError when it takes longer than timeout seconds."""
    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork: run in-process
        return fn(*args, **kwargs)
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(child, fn, args, kwargs), daemon=True)
    p.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise ClaimError(f"time limit reached: the check took longer than {timeout:g} s and was stopped"
                             f" (raise the limit with --timeout SECONDS, at most 3600)")
        kind, payload = parent.recv()
    except EOFError:
        raise ClaimError("the check worker stopped without an answer") from None
    finally:
        if p.is_alive():
            p.kill()
        p.join(5)
        parent.close()
    if kind == "ok":
        return payload
    if kind == "notcheckable":
        return Result(args[0] if args else "", "not-checkable", notes=[payload])
    raise ClaimError(payload)


def check_claim(claim: str, *, givens=(), at=(), spec=None, notation=None, seed=20261122) -> Result:
    """Check one claim in-process (scalar without a spec, network with one)."""
    try:
        if spec is None:
            return check_scalar(claim, list(givens), list(at), seed)
        if at:
            raise ClaimError("--at is for scalar claims (without --spec)")
        return check_network(claim, spec, notation, list(givens), seed)
    except NotCheckable as e:
        return Result(claim, "not-checkable", notes=[str(e)])


# ---------------------------------------------------------------------------------------------
# Output


def format_result(r: Result) -> str:
    lines = [f"{r.shown_verdict()}: {r.claim}"]
    if r.method:
        lines.append(f"  shown by: {r.method}")
    if r.convention:
        lines.append(f"  convention: right up to {r.convention}")
    if r.counterexample:
        lines.append(f"  counterexample: {r.counterexample}")
    if r.correct:
        lines.append(f"  correct (as derived): {r.correct}")
    for n in r.notes:
        lines.append(f"  note: {n}")
    return "\n".join(lines)
