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
import signal
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


def _vm_mb(pid: int | str = "self") -> tuple[float, float]:
    """(virtual size, resident size) of a process in MB, from /proc (0, 0 where unavailable)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            size, rss = fh.read().split()[:2]
    except (OSError, ValueError):
        return 0.0, 0.0
    page = resource.getpagesize() / 1e6
    return int(size) * page, int(rss) * page


def _limit_memory(max_mb: float) -> None:  # pragma: no cover - runs in a child process
    """Cap the worker's address space at what it uses now plus ``max_mb``.

    Counting from the current size (libraries already imported) makes the
    limit mean "memory one document may take", whatever the libraries cost.
    An allocation beyond it fails inside the worker (MemoryError, or MuPDF's
    own out-of-memory error) instead of the machine swapping.
    """
    vm, _ = _vm_mb()
    if vm <= 0:
        return
    limit = int((vm + max_mb) * 1e6)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _memory_result(key: Any, max_mb: float | None, seconds: float) -> TaskResult:
    return TaskResult(
        key,
        False,
        code="memory_limit",
        message=(
            f"needed more than the {max_mb:.0f} MB memory limit per document and was stopped"
            if max_mb
            else "ran out of memory"
        ),
        seconds=seconds,
    )


_OOM_WORDS = ("memory", "malloc", "alloc")


def call_task(fn: Callable, key: Any, args: tuple, max_mb: float | None = None) -> TaskResult:
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
        out = _memory_result(key, max_mb, time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - any library failure costs this document only
        if max_mb and any(w in str(exc).lower() for w in _OOM_WORDS):
            out = _memory_result(key, max_mb, time.perf_counter() - t0)
        else:
            tb = traceback.format_exc(limit=3).strip().splitlines()[-1]
            out = TaskResult(
                key, False, code="extract_failed", message=f"{type(exc).__name__}: {exc} ({tb})"
            )
    out.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _worker_main(conn, fn: Callable, max_mb: float | None = None) -> None:  # pragma: no cover
    if max_mb:
        _limit_memory(max_mb)

    while True:
        try:
            msg = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if msg is None:
            return
        key, args = msg
        out = call_task(fn, key, args, max_mb)
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
    def __init__(self, ctx, fn: Callable, max_mb: float | None = None) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, fn, max_mb), daemon=True)
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


def _crashed(key: Any, w: _Worker, max_mb: float | None = None) -> TaskResult:
    code = w.proc.exitcode
    why = f"exit code {code}"
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            why = f"killed by signal {signal.Signals(-code).name}"
    extra = f"; it may have hit the {max_mb:.0f} MB memory limit" if max_mb else ""
    return TaskResult(
        key,
        False,
        code="worker_crashed",
        message=f"the extraction library crashed on this file ({why}){extra}",
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
    max_memory_mb: float | None = None,
) -> Iterator[TaskResult]:
    """Run ``fn(*args)`` for each ``(key, args)`` in worker processes; yield results as they finish.

    ``fn`` must be importable by name (a module-level function). Tasks are
    pulled lazily, so memory stays bounded whatever the number of tasks.
    ``max_memory_mb`` caps what one task may add to its worker's memory: the
    worker's address space is limited, and the parent also stops a worker
    whose resident size grows past its start size plus the limit.
    """
    ctx = _context()
    max_mb = max_memory_mb or None

    def new_worker() -> _Worker:
        return _Worker(ctx, fn, max_mb)

    pool = [new_worker() for _ in range(max(1, workers))]
    base_rss: dict[int, float] = {}
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
                        pool[i] = w = new_worker()
                    w.task, w.started = key, time.monotonic()
                    if max_mb:
                        base_rss[w.proc.pid] = _vm_mb(w.proc.pid)[1]
                    w.conn.send((key, args))
            busy = [w for w in pool if w.task is not None]
            if not busy:
                if exhausted:
                    return
                continue
            now = time.monotonic()
            wait_for = max(0.05, min(w.started + timeout - now for w in busy))
            if max_mb:  # look at the workers' memory at least twice a second
                wait_for = min(wait_for, 0.5)
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=wait_for)
            for i, w in enumerate(pool):
                if w.task is None:
                    continue
                if w.conn in ready:
                    try:
                        res = w.conn.recv()
                    except (EOFError, OSError):
                        w.proc.join(timeout=1)
                        res = _crashed(w.task, w, max_mb)
                        pool[i] = new_worker()
                    w.task = None
                    yield res
                elif w.proc.sentinel in ready or not w.proc.is_alive():
                    key = w.task
                    w.proc.join(timeout=1)
                    pool[i] = new_worker()
                    yield _crashed(key, w, max_mb)
                elif time.monotonic() - w.started > timeout:
                    key = w.task
                    w.stop(kill=True)
                    pool[i] = new_worker()
                    yield TaskResult(
                        key,
                        False,
                        code="timeout",
                        message=f"extraction took longer than the {timeout:g} s limit per document",
                        seconds=timeout,
                    )
                elif max_mb and _vm_mb(w.proc.pid)[1] > base_rss.get(w.proc.pid, 0.0) + max_mb:
                    key = w.task
                    w.stop(kill=True)
                    pool[i] = new_worker()
                    yield _memory_result(key, max_mb, time.monotonic() - w.started)
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
        self,
        fn: Callable,
        tasks: Iterable[tuple[Any, tuple]],
        timeout: float = 600.0,
        max_memory_mb: float | None = None,
    ) -> Iterator[TaskResult]: ...

    def close(self) -> None: ...


class LocalExecutor:
    """Worker processes on this machine (:func:`run_tasks`): time limits and crash isolation."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = max(1, workers)

    def run(
        self,
        fn: Callable,
        tasks: Iterable[tuple[Any, tuple]],
        timeout: float = 600.0,
        max_memory_mb: float | None = None,
    ) -> Iterator[TaskResult]:
        return run_tasks(
            fn, tasks, workers=self.workers, timeout=timeout, max_memory_mb=max_memory_mb
        )

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
