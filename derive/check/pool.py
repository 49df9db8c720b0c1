"""Checking many claims at once: a few forked workers, a time limit per claim, results in order.

A document of hundreds of equations is checked by ``jobs`` workers (forked once, so SymPy is
loaded once); each task has its own time limit: a worker that overruns it is killed and replaced,
that task alone reports the limit, and the others go on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from multiprocessing.connection import wait

from ..errors import NNDeriveError


def _worker(conn, run, tasks):
    # forked: the tasks are inherited, only their indices cross the pipe (a spec holds lambdas,
    # which do not pickle)
    while True:
        try:
            k = conn.recv()
        except (EOFError, OSError):
            return
        if k is None:
            return
        args, kwargs = tasks[k]
        try:
            conn.send((k, "ok", run(*args, **kwargs)))
        except NNDeriveError as e:
            conn.send((k, "user", str(e)))
        except Exception as e:  # noqa: BLE001 - a task's failure is its own result, never the pool's
            conn.send((k, "user", f"internal problem while checking ({type(e).__name__}: {e})"))


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def run_all(run, tasks: list[tuple[tuple, dict]], timeout: float, jobs: int | None = None, on_done=None) -> list:
    """[(kind, payload)] for each (args, kwargs) task: kind 'ok' (payload run's result), 'user' (a
    message) or 'timeout'. ``on_done(index, kind, payload)`` is called as each finishes."""
    jobs = min(jobs or default_jobs(), max(1, len(tasks)))
    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork: one at a time, no limit
        out = []
        for i, (a, kw) in enumerate(tasks):
            try:
                res = ("ok", run(*a, **kw))
            except NNDeriveError as e:
                res = ("user", str(e))
            out.append(res)
            if on_done:
                on_done(i, *res)
        return out
    results: list = [None] * len(tasks)
    pending = list(range(len(tasks)))[::-1]
    workers: dict = {}          # connection -> (process, task index or None, start time)

    def spawn():
        parent, child = ctx.Pipe()
        p = ctx.Process(target=_worker, args=(child, run, tasks), daemon=True)
        p.start()
        child.close()
        workers[parent] = [p, None, 0.0]
        return parent

    def feed(conn):
        if pending:
            k = pending.pop()
            conn.send(k)
            workers[conn][1:] = [k, time.monotonic()]
        else:
            workers[conn][1] = None

    for _ in range(jobs):
        feed(spawn())
    try:
        while any(w[1] is not None for w in workers.values()):
            busy = [c for c, w in workers.items() if w[1] is not None]
            now = time.monotonic()
            left = min(timeout - (now - workers[c][2]) for c in busy)
            ready = wait(busy, timeout=max(0.0, left))
            for conn in ready:
                try:
                    k, kind, payload = conn.recv()
                except (EOFError, OSError):
                    k, kind, payload = workers[conn][1], "user", "the check worker stopped without an answer"
                    _retire(workers, conn)
                    conn = spawn()
                results[k] = (kind, payload)
                if on_done:
                    on_done(k, kind, payload)
                feed(conn)
            now = time.monotonic()
            for conn, (_p, k, t0) in list(workers.items()):
                if k is not None and now - t0 >= timeout and results[k] is None:
                    results[k] = ("timeout", f"time limit reached: the check took longer than {timeout:g} s and"
                                             " was stopped (raise the limit with --timeout SECONDS, at most 3600)")
                    if on_done:
                        on_done(k, *results[k])
                    _retire(workers, conn)
                    feed(spawn())
    finally:
        for conn in list(workers):
            try:
                conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            _retire(workers, conn)
    return results


def _retire(workers, conn):
    p = workers.pop(conn)[0]
    if p.is_alive():
        p.kill()
    p.join(5)
    conn.close()
