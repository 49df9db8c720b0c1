"""Time budgets for steps that may run long (a SymPy summation or simplification) inside one check."""

from __future__ import annotations

import contextlib
import signal
import threading


class OverBudget(Exception):
    """A budgeted step took longer than it was allowed."""


@contextlib.contextmanager
def time_budget(seconds: float):
    """Raise OverBudget in the block after ``seconds`` (main thread only; elsewhere no limit).

    The checks run in a worker process of their own (``sandbox``), whose main thread owns the
    alarm; a budget inside a budget keeps the outer one's remaining time.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def fire(signum, frame):
        raise OverBudget()

    old_handler = signal.signal(signal.SIGALRM, fire)
    old_delay, _ = signal.getitimer(signal.ITIMER_REAL)
    delay = seconds if not old_delay else min(seconds, old_delay)
    signal.setitimer(signal.ITIMER_REAL, delay)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay:
            signal.setitimer(signal.ITIMER_REAL, max(old_delay - delay, 1e-3))
