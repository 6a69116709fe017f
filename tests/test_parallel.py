"""The worker pool: results stream back, a hang costs one task, a crash costs one task."""

import os
import time

from textcoop.parallel import run_tasks


def work(x):
    if x == "hang":
        time.sleep(60)
    if x == "crash":
        os._exit(3)
    if x == "raise":
        raise ValueError("bad value")
    return x * 2


def test_timeouts_and_crashes_cost_only_their_task():
    tasks = [(k, (k,)) for k in ["a", "hang", "b", "crash", "c", "raise", "d"]]
    t0 = time.monotonic()
    res = {r.key: r for r in run_tasks(work, tasks, workers=2, timeout=3)}
    assert time.monotonic() - t0 < 40
    assert set(res) == {"a", "hang", "b", "crash", "c", "raise", "d"}
    assert [res[k].value for k in "abcd"] == ["aa", "bb", "cc", "dd"]
    assert res["hang"].code == "timeout"
    assert res["crash"].code == "worker_crashed"
    assert res["raise"].code == "extract_failed" and "bad value" in res["raise"].message


def hog(mb):
    block = bytearray(mb * 1_000_000)
    return len(block)


def test_memory_limit_stops_the_task_not_the_batch():
    tasks = [("small", (5,)), ("big", (800,)), ("after", (5,))]
    res = {r.key: r for r in run_tasks(hog, tasks, workers=1, timeout=30, max_memory_mb=200)}
    assert res["small"].ok and res["after"].ok
    assert res["big"].code == "memory_limit"
    assert "200 MB memory limit" in res["big"].message
