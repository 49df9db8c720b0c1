"""Time budgets for steps that may run long (a SymPy summation or simplification) inside one check."""

from __future__ import annotations

import contextlib
import signal
import threading

# The budget counts the CPU time of the checking process (ITIMER_PROF), not the wall clock: a SymPy step
# given 1 s gets 1 s of computation however loaded the machine is, so a verdict does not depend on what
# else runs beside the check. The per-claim limit (sandbox.run_limited) stays on the wall clock.
_TIMER = getattr(signal, "ITIMER_PROF", None)
_SIGNAL = getattr(signal, "SIGPROF", None)


class OverBudget(Exception):
    """A budgeted step took longer than it was allowed."""


@contextlib.contextmanager
def time_budget(seconds: float):
    """Raise OverBudget in the block after ``seconds`` of CPU time (main thread only; elsewhere no limit).

    The checks run in a worker process of their own (``sandbox``), whose main thread owns the
    profiling timer; a budget inside a budget keeps the outer one's remaining time.
    """
    if (threading.current_thread() is not threading.main_thread() or _TIMER is None or _SIGNAL is None
            or not hasattr(signal, "setitimer")):
        yield
        return

    def fire(signum, frame):
        raise OverBudget()

    old_handler = signal.signal(_SIGNAL, fire)
    old_delay, _ = signal.getitimer(_TIMER)
    delay = seconds if not old_delay else min(seconds, old_delay)
    signal.setitimer(_TIMER, delay)
    try:
        yield
    finally:
        left, _ = signal.getitimer(_TIMER)
        signal.setitimer(_TIMER, 0)
        signal.signal(_SIGNAL, old_handler)
        if old_delay:
            # the outer budget goes on with what it had, less what this block used
            used = delay - left if left else delay
            signal.setitimer(_TIMER, max(old_delay - used, 1e-3))
