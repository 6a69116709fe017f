"""Run textcoop's tasks on an existing Dask distributed cluster.

Why Dask: a research institute's cluster already runs it (``dask scheduler``
on one machine, ``dask worker ADDRESS`` on the others), it retries a task
whose worker died, and it needs nothing from us but importable functions.
Workers only compute (extract a file, code a chunk of segments) and return
rows; the client stays the single writer of the corpus store, so a retried
task can never store a document twice (the store is idempotent by sha256).

The scheduler address comes from ``--scheduler``, else ``$TEXTCOOP_SCHEDULER``,
else ``[cluster] scheduler = "tcp://host:8786"`` in the config file
(``$TEXTCOOP_CONFIG``, default ``$XDG_CONFIG_HOME/textcoop/config.toml``, i.e.
``~/.config/textcoop/config.toml``). ``--scheduler local`` forces the local pool.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from textcoop.errors import TextcoopError
from textcoop.parallel import TaskResult, call_task

ENV_SCHEDULER = "TEXTCOOP_SCHEDULER"
ENV_CONFIG = "TEXTCOOP_CONFIG"
LOCAL = ("local", "none", "")

# One task at a time per worker process: MuPDF is not thread-safe and the
# work is CPU-bound under the GIL, so extra threads would only add risk.
_TASK_LOCK = threading.Lock()


class ClusterError(TextcoopError):
    """The Dask scheduler cannot be reached or has no workers."""

    code = "E610"


def config_path() -> Path:
    """Where the config file is read from (it need not exist)."""
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "textcoop" / "config.toml"


def resolve_scheduler(flag: str | None = None) -> str | None:
    """The scheduler address to use, or None for local workers (flag > environment > config)."""
    if flag is not None:
        return None if flag.strip().lower() in LOCAL else flag.strip()
    env = os.environ.get(ENV_SCHEDULER)
    if env is not None:
        return None if env.strip().lower() in LOCAL else env.strip()
    path = config_path()
    if not path.is_file():
        return None
    import tomllib

    try:
        conf = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ClusterError(
            f"config file {path} is not valid TOML: {exc}",
            value=str(path),
            hint='write e.g.\n[cluster]\nscheduler = "tcp://10.0.0.5:8786"',
        ) from exc
    value = conf.get("cluster", {}).get("scheduler")
    if value is None:
        return None
    if not isinstance(value, str):
        raise ClusterError(
            f"config file {path}: [cluster] scheduler must be a string",
            value=value,
            hint='e.g. scheduler = "tcp://10.0.0.5:8786"',
        )
    return None if value.strip().lower() in LOCAL else value.strip()


def _dask_task(fn: Callable, key: Any, args: tuple) -> TaskResult:  # runs on a Dask worker
    with _TASK_LOCK:
        return call_task(fn, key, args)


class DaskExecutor:
    """The :class:`textcoop.parallel.Executor` interface on a Dask distributed cluster.

    At most ``in_flight`` tasks are submitted at a time, so neither the
    client nor the scheduler holds the whole corpus. A worker that dies
    takes its tasks with it; the scheduler reruns them elsewhere (up to its
    ``allowed-failures``, 3 by default), after which the task is reported as
    ``worker_crashed``. The per-task ``timeout`` and ``max_memory_mb`` of the
    local pool are not enforced here: Dask cannot stop a running task (its own
    worker memory limits apply instead).
    """

    def __init__(self, address: str, in_flight: int | None = None, connect_timeout: float = 10.0):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - dask is a dependency
            raise ClusterError(
                "dask distributed is not installed", hint="pip install 'dask[distributed]'"
            ) from exc
        self.address = address
        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {address}: {exc}",
                value=address,
                hint="start one with `dask scheduler` and workers with `dask worker ADDRESS`, "
                "or drop --scheduler / $TEXTCOOP_SCHEDULER to use local workers",
            ) from exc
        threads = self._threads()
        if threads == 0:
            try:
                self.client.wait_for_workers(1, timeout=30)
            except TimeoutError as exc:
                self.client.close()
                raise ClusterError(
                    f"the Dask scheduler at {address} has no workers",
                    value=address,
                    hint=f"start some: dask worker {address} --nthreads 1 --nworkers N",
                ) from exc
            threads = self._threads()
        self.workers = max(1, threads)
        self.in_flight = in_flight or max(4, 2 * self.workers)

    def _threads(self) -> int:
        info = self.client.scheduler_info(n_workers=-1)["workers"]
        return sum(w.get("nthreads", 1) for w in info.values())

    def run(
        self,
        fn: Callable,
        tasks: Iterable[tuple[Any, tuple]],
        timeout: float = 600.0,
        max_memory_mb: float | None = None,
    ) -> Iterator[TaskResult]:
        """Submit tasks lazily, yield results as they complete (each task once)."""
        from distributed import as_completed

        it = iter(tasks)
        keys: dict[str, Any] = {}
        started: dict[str, float] = {}
        done = as_completed(with_results=False, loop=self.client.loop)
        run_id = uuid.uuid4().hex[:8]
        counter = itertools.count()

        def submit() -> bool:
            try:
                key, args = next(it)
            except StopIteration:
                return False
            fut = self.client.submit(
                _dask_task, fn, key, args, key=f"textcoop-{run_id}-{next(counter)}", pure=False
            )
            keys[fut.key] = key
            started[fut.key] = time.monotonic()
            done.add(fut)
            return True

        for _ in range(self.in_flight):
            if not submit():
                break
        for fut in done:
            key = keys.pop(fut.key)
            t0 = started.pop(fut.key)
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connection...
                name = type(exc).__name__
                code = "worker_crashed" if name == "KilledWorker" else "task_failed"
                res = TaskResult(
                    key,
                    False,
                    code=code,
                    message=f"{name}: {exc}",
                    seconds=time.monotonic() - t0,
                )
            fut.release()
            yield res
            submit()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
