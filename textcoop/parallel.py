"""Process pools that survive their tasks, behind one small interface (:class:`Executor`).: per-task time limits, crashes cost one task.

``concurrent.futures`` cannot kill a task that hangs inside a native library
(MuPDF on a hostile PDF) and breaks the whole pool when a worker dies. Here
each worker is a process we own: a task past its deadline gets its worker
killed and replaced, a worker that dies takes only its current task with it,
and results stream back in completion order. Each worker imports the heavy
libraries once, so spawning costs are paid per worker, not per document.

The same ``run(fn, tasks)`` interface has a Dask distributed back end
(:mod:`textcoop.cluster`): callers (ingest, classify, survey coding) hand
out pure tasks and remain the single writer of their results.
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
from typing import Any, Protocol


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


def call_task(fn: Callable, key: Any, args: tuple) -> TaskResult:
    """Run one task and turn any failure into a result: one bad input costs only itself.

    Shared by the local workers and the Dask back end, so a document fails
    with the same code whichever engine ran it.
    """
    from textcoop.errors import ExtractionError

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
    return out


def _worker_main(conn, fn: Callable) -> None:  # pragma: no cover - runs in a child process
    while True:
        try:
            msg = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if msg is None:
            return
        key, args = msg
        out = call_task(fn, key, args)
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


class Executor(Protocol):
    """Runs pure tasks somewhere and streams back :class:`TaskResult` in completion order.

    ``tasks`` are ``(key, args)`` pairs pulled lazily (memory stays bounded);
    ``fn`` is a module-level function. Implementations: :class:`LocalExecutor`
    (own worker processes) and ``textcoop.cluster.DaskExecutor``.
    """

    workers: int

    def run(
        self, fn: Callable, tasks: Iterable[tuple[Any, tuple]], timeout: float = 600.0
    ) -> Iterator[TaskResult]: ...

    def close(self) -> None: ...


class LocalExecutor:
    """Worker processes on this machine (:func:`run_tasks`): time limits and crash isolation."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = max(1, workers)

    def run(
        self, fn: Callable, tasks: Iterable[tuple[Any, tuple]], timeout: float = 600.0
    ) -> Iterator[TaskResult]:
        return run_tasks(fn, tasks, workers=self.workers, timeout=timeout)

    def close(self) -> None:
        """Nothing to release: each ``run`` starts and stops its own workers."""

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_executor(workers: int = 0, scheduler: str | None = None) -> Executor:
    """A Dask executor when a scheduler address is given (flag, environment or config), else local.

    ``workers`` 0 means one per CPU core; it is ignored on a cluster, whose
    size is the cluster's.
    """
    from textcoop.cluster import DaskExecutor, resolve_scheduler

    address = resolve_scheduler(scheduler)
    if address:
        return DaskExecutor(address)
    import os

    return LocalExecutor(workers or os.cpu_count() or 1)


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of up to ``size`` items, pulled lazily from ``items``."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
