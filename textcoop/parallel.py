"""A process pool that survives its tasks: per-task time limits, crashes cost one task.

``concurrent.futures`` cannot kill a task that hangs inside a native library
(MuPDF on a hostile PDF) and breaks the whole pool when a worker dies. Here
each worker is a process we own: a task past its deadline gets its worker
killed and replaced, a worker that dies takes only its current task with it,
and results stream back in completion order. Each worker imports the heavy
libraries once, so spawning costs are paid per worker, not per document.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import resource
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any


@dataclass
class TaskResult:
    """Outcome of one task: ``value`` when ok, else an error code and message."""

    key: Any
    ok: bool
    value: Any = None
    code: str = ""
    message: str = ""
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


def _worker_main(conn, fn: Callable) -> None:  # pragma: no cover - runs in a child process
    from textcoop.errors import ExtractionError

    while True:
        try:
            msg = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if msg is None:
            return
        key, args = msg
        t0 = time.perf_counter()
        try:
            value = fn(*args)
            out = TaskResult(key, True, value, seconds=time.perf_counter() - t0)
        except ExtractionError as exc:
            out = TaskResult(
                key, False, code=exc.reason, message=str(exc), seconds=time.perf_counter() - t0
            )
        except MemoryError:
            out = TaskResult(
                key, False, code="out_of_memory", message="ran out of memory while extracting"
            )
        except Exception as exc:  # noqa: BLE001 - any library failure costs this document only
            tb = traceback.format_exc(limit=3).strip().splitlines()[-1]
            out = TaskResult(
                key, False, code="extract_failed", message=f"{type(exc).__name__}: {exc} ({tb})"
            )
        out.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        try:
            conn.send(out)
        except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
            conn.send(
                TaskResult(
                    key,
                    False,
                    code="extract_failed",
                    message=f"result could not be returned: {exc}",
                )
            )


class _Worker:
    def __init__(self, ctx, fn: Callable) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, fn), daemon=True)
        self.proc.start()
        child.close()
        self.task: Any = None
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            with contextlib.suppress(OSError, BrokenPipeError):
                self.conn.send(None)
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=5)
        self.conn.close()


def _crashed(key: Any, w: _Worker) -> TaskResult:
    return TaskResult(
        key,
        False,
        code="worker_crashed",
        message=f"extraction crashed the worker (exit code {w.proc.exitcode})",
    )


def _context():
    """A forkserver that has imported the extraction stack once: workers start in
    milliseconds instead of re-importing PyMuPDF and the dictionaries (~2 s each).
    The parent itself is never forked (it holds DuckDB threads)."""
    try:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["pymupdf", "pymorphy3", "textcoop.extract", "textcoop.extract.pdf"]
        )
        return ctx
    except ValueError:  # platforms without forkserver
        return mp.get_context("spawn")


def run_tasks(
    fn: Callable,
    tasks: Iterable[tuple[Any, tuple]],
    workers: int = 2,
    timeout: float = 600.0,
) -> Iterator[TaskResult]:
    """Run ``fn(*args)`` for each ``(key, args)`` in worker processes; yield results as they finish.

    ``fn`` must be importable by name (a module-level function). Tasks are
    pulled lazily, so memory stays bounded whatever the number of tasks.
    """
    ctx = _context()
    pool = [_Worker(ctx, fn) for _ in range(max(1, workers))]
    it = iter(tasks)
    exhausted = False
    try:
        while True:
            for i, w in enumerate(pool):
                if w.task is None and not exhausted:
                    try:
                        key, args = next(it)
                    except StopIteration:
                        exhausted = True
                        break
                    if not w.proc.is_alive():
                        pool[i] = w = _Worker(ctx, fn)
                    w.task, w.started = key, time.monotonic()
                    w.conn.send((key, args))
            busy = [w for w in pool if w.task is not None]
            if not busy:
                if exhausted:
                    return
                continue
            now = time.monotonic()
            wait_for = max(0.05, min(w.started + timeout - now for w in busy))
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=wait_for)
            for i, w in enumerate(pool):
                if w.task is None:
                    continue
                if w.conn in ready:
                    try:
                        res = w.conn.recv()
                    except (EOFError, OSError):
                        w.proc.join(timeout=1)
                        res = _crashed(w.task, w)
                        pool[i] = _Worker(ctx, fn)
                    w.task = None
                    yield res
                elif w.proc.sentinel in ready or not w.proc.is_alive():
                    key = w.task
                    w.proc.join(timeout=1)
                    pool[i] = _Worker(ctx, fn)
                    yield _crashed(key, w)
                elif time.monotonic() - w.started > timeout:
                    key = w.task
                    w.stop(kill=True)
                    pool[i] = _Worker(ctx, fn)
                    yield TaskResult(
                        key,
                        False,
                        code="timeout",
                        message=f"extraction took longer than the {timeout:.0f} s limit",
                        seconds=timeout,
                    )
    finally:
        for w in pool:
            w.stop()
