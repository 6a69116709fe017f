"""Scale-out: serial, 2 local workers and a Dask LocalCluster store identical results.

One LocalCluster (2 worker processes, 1 thread each) serves the module; the
kill test SIGKILLs one of its workers while an ingest runs and checks that
every document still ends up stored exactly once.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pandas as pd
import pytest

from textcoop.cluster import ClusterError, DaskExecutor, resolve_scheduler
from textcoop.nlp.pipeline import ThemeCoder
from textcoop.parallel import LocalExecutor
from textcoop.store import open_store
from textcoop.store.ingest import IngestOptions, ingest
from textcoop.survey.code import code_answers
from textcoop.themes.classify import classify_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample"
TABLES = {
    "documents": "* EXCLUDE (ingested_at, run_id)",
    "pages": "*",
    "segments": "*",
    "sentences": "*",
    "problems": "* EXCLUDE (run_id, created_at)",
    "segment_themes": "*",
    "doc_coverage": "*",
}


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
        silence_logs=40,
    ) as lc:
        yield lc


@pytest.fixture(scope="module")
def coder():
    return ThemeCoder()


def _inputs(tmp: Path, pdf_writer) -> Path:
    """The sample programs plus files that fail or repeat, so problems are compared too."""
    d = tmp / "in"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("*.csv"))
    (d / "empty.pdf").write_bytes(b"")
    (d / "fake.pdf").write_bytes(b"\x00not a pdf" * 20)
    (d / "note.txt").write_text(
        "Программа развития промышленности.\n\nСубсидии на кооперацию МСП с крупными заказчиками.\n",
        encoding="utf-8",
    )
    shutil.copy(d / "zaozersk_plan_2025.pdf", d / "zz_copy.pdf")
    return d


def _dump(path: Path) -> dict[str, list[tuple]]:
    with open_store(path, read_only=True) as st:
        return {
            t: st.con.execute(f"SELECT {cols} FROM {t} ORDER BY ALL").fetchall()
            for t, cols in TABLES.items()
        }


def _run(folder: Path, store_path: Path, coder, executor, workers: int) -> None:
    with open_store(store_path) as st:
        rep = ingest([folder], st, IngestOptions(workers=workers, timeout=120, executor=executor))
        assert len(rep.stored) == 5 and len(rep.skipped) == 1 and len(rep.failed) == 2
        crep = classify_store(
            st,
            coder,
            workers=workers,
            executor=executor,
            chunk_segments=40,
            min_parallel_segments=80,
        )
        assert crep.documents == 5 and not crep.failed


def test_serial_local_and_dask_store_identical_rows(tmp_path, pdf_writer, cluster, coder):
    folder = _inputs(tmp_path, pdf_writer)
    _run(folder, tmp_path / "serial.duckdb", coder, None, 1)
    with LocalExecutor(2) as ex:
        _run(folder, tmp_path / "local2.duckdb", coder, ex, 2)
    with DaskExecutor(cluster.scheduler_address) as ex:
        assert ex.workers == 2
        _run(folder, tmp_path / "dask.duckdb", coder, ex, 2)
    serial = _dump(tmp_path / "serial.duckdb")
    assert len(serial["segment_themes"]) > 80 and len(serial["problems"]) >= 2
    for other in ("local2", "dask"):
        rows = _dump(tmp_path / f"{other}.duckdb")
        for table in TABLES:
            assert rows[table] == serial[table], f"{other}: {table} differs from serial"


def test_survey_chunks_give_the_same_table(cluster, coder):
    """Chunks coded on the cluster (whose workers already hold the model) and reassembled
    give the serial table; the local pool runs the same task function."""
    df = pd.read_csv(SAMPLE / "survey_answers.csv", dtype=str, keep_default_na=False)
    cols = ["q_barriers", "q_support"]
    # what the end-of-run list reports must not depend on the chunks: a repeated id, an
    # over-long answer in the third chunk
    df.loc[10, "resp_id"] = df.loc[2, "resp_id"]
    df.loc[15, "q_barriers"] = "нет заказов от крупных предприятий; " * 200
    serial, srep = code_answers(df, cols, coder, "resp_id")
    assert {code for _, code, _ in srep.issues} == {"duplicate_id", "long_answer"}
    with DaskExecutor(cluster.scheduler_address) as ex:
        dask, drep = code_answers(
            df, cols, coder, "resp_id", executor=ex, chunk_rows=7, min_parallel_rows=0
        )
    assert len(df) > 14  # at least three chunks
    pd.testing.assert_frame_equal(dask, serial)
    assert drep == srep


def test_killed_dask_worker_loses_no_document(tmp_path, pdf_writer, cluster):
    from distributed import Client

    folder = tmp_path / "many"
    folder.mkdir()
    n_docs, n_pages = 10, 10
    for i in range(n_docs):
        w = pdf_writer()
        for p in range(n_pages):
            w.new_page()
            for line in range(40):
                w.text(
                    50, 60 + line * 18, f"Документ {i}, страница {p}, строка {line}: кооперация."
                )
        w.save(folder / f"doc{i:02d}.pdf")
    killed: list[tuple[str, int]] = []
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = client.run(os.getpid)

        def kill_one(event: str, path: str, _d: int, _t: int) -> None:
            if killed:
                return
            busy = [a for a, keys in client.processing().items() if keys and a in pids]
            if busy:
                killed.append((busy[0], pids[busy[0]]))
                os.kill(pids[busy[0]], signal.SIGKILL)

        with (
            DaskExecutor(cluster.scheduler_address) as ex,
            open_store(tmp_path / "k.duckdb") as st,
        ):
            rep = ingest([folder], st, IngestOptions(executor=ex), progress=kill_one)
            n, distinct, pages = st.con.execute(
                "SELECT count(*), count(DISTINCT sha256), sum(n_pages) FROM documents"
            ).fetchone()
            page_rows = st.con.execute("SELECT count(*) FROM pages").fetchone()[0]
    assert killed, "no worker was busy to kill"
    assert rep.failed == [] and len(rep.stored) == n_docs
    assert n == distinct == n_docs and pages == page_rows == n_docs * n_pages


def test_scheduler_from_flag_env_or_config(tmp_path, monkeypatch):
    monkeypatch.delenv("TEXTCOOP_SCHEDULER", raising=False)
    monkeypatch.setenv("TEXTCOOP_CONFIG", str(tmp_path / "config.toml"))
    assert resolve_scheduler(None) is None  # no config file
    (tmp_path / "config.toml").write_text('[cluster]\nscheduler = "tcp://10.1.1.1:8786"\n')
    assert resolve_scheduler(None) == "tcp://10.1.1.1:8786"
    monkeypatch.setenv("TEXTCOOP_SCHEDULER", "tcp://env:8786")
    assert resolve_scheduler(None) == "tcp://env:8786"
    assert resolve_scheduler("tcp://flag:8786") == "tcp://flag:8786"
    assert resolve_scheduler("local") is None
    monkeypatch.delenv("TEXTCOOP_SCHEDULER")
    (tmp_path / "config.toml").write_text("[cluster\nscheduler = 1")
    with pytest.raises(ClusterError, match="not valid TOML"):
        resolve_scheduler(None)


def test_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler") as exc:
        DaskExecutor("tcp://127.0.0.1:9", connect_timeout=2)
    assert "dask scheduler" in exc.value.hint
