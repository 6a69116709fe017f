"""Kill `textcoop ingest` / `classify` with SIGKILL midway, rerun, and compare with a clean run.

The writer holds the store's lock, so the test watches DuckDB's write-ahead
log instead: once it has grown past the run's first entries, documents have
been committed, and the process is killed while it still has work to do.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from textcoop.store import open_store
from textcoop.store.check import check_store

ROOT = Path(__file__).resolve().parents[2]
N_DOCS = 60

pytestmark = pytest.mark.slow


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "textcoop.cli.app", "-q", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}


def _kill_after_commits(cmd: list[str], store: Path, grow: int = 20_000) -> int:
    """Start ``cmd``, SIGKILL it once the store's WAL grew by ``grow`` bytes; return its exit status."""
    wal = store.with_name(store.name + ".wal")
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = None
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            assert proc.poll() is None, "finished before it could be killed: make the corpus bigger"
            size = wal.stat().st_size if wal.exists() else None
            if size is not None:
                first = size if first is None else first
                if size - first > grow:
                    break
            time.sleep(0.01)
        else:
            pytest.fail("no commit seen within 120 s")
        proc.send_signal(signal.SIGKILL)
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _per_document(path: Path) -> dict[str, tuple]:
    """Everything a document consists of, summarised per sha256."""
    with open_store(path, read_only=True) as st:
        rows = st.con.execute(
            """SELECT d.sha256, d.n_pages, d.n_segments,
                 (SELECT count(*) FROM pages p WHERE p.doc_id = d.doc_id),
                 (SELECT string_agg(text, '|' ORDER BY page_no) FROM pages p WHERE p.doc_id = d.doc_id),
                 (SELECT count(*) FROM segments s WHERE s.doc_id = d.doc_id),
                 (SELECT string_agg(text, '|' ORDER BY seg_no) FROM segments s WHERE s.doc_id = d.doc_id),
                 (SELECT count(*) FROM sentences s WHERE s.doc_id = d.doc_id)
               FROM documents d"""
        ).fetchall()
        dup = st.con.execute("SELECT count(*) - count(DISTINCT sha256) FROM documents").fetchone()[
            0
        ]
    assert dup == 0
    return {r[0]: r[1:] for r in rows}


def _themes(path: Path) -> list[tuple]:
    with open_store(path, read_only=True) as st:
        return (
            st.con.execute(
                "SELECT d.sha256, t.seg_no, t.themes, t.scores FROM segment_themes t "
                "JOIN documents d USING (doc_id) ORDER BY 1, 2"
            ).fetchall()
            + st.con.execute(
                "SELECT d.sha256, c.theme, c.share, c.top_segments FROM doc_coverage c "
                "JOIN documents d USING (doc_id) ORDER BY 1, 2"
            ).fetchall()
        )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("crash") / "docs"
    d.mkdir()
    for i in range(N_DOCS):
        (d / f"d{i:03}.txt").write_text(
            f"Программа развития промышленности номер {i}.\n\n"
            f"Меры поддержки кооперации предприятий {i}: субсидии на модернизацию оборудования. "
            "Развитие промышленных кластеров и технопарков.\n\f"
            f"Вторая страница документа {i}. Обучение кадров для малого бизнеса.\n",
            encoding="utf-8",
        )
    return d


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> Path:
    """A clean, uninterrupted, serial run: ingest then classify."""
    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.store.ingest import IngestOptions, ingest
    from textcoop.themes.classify import classify_store

    ref = tmp_path_factory.mktemp("ref") / "ref.duckdb"
    with open_store(ref) as st:
        assert not ingest([corpus], st, IngestOptions(workers=1)).failed
        assert not classify_store(st, ThemeCoder()).failed
    return ref


def _check(store: Path) -> None:
    r = subprocess.run(
        _cli("check", "--store", str(store)), env=_env(), capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "store is consistent" in r.stdout


def test_ingest_and_classify_killed_midway_then_rerun_match_a_clean_run(
    corpus, reference, tmp_path
):
    store = tmp_path / "s.duckdb"
    ingest = _cli(
        "ingest", str(corpus), "--store", str(store), "--workers", "1", "--commit-every", "1"
    )
    assert _kill_after_commits(ingest, store) == -signal.SIGKILL
    partial = _per_document(store)
    assert 0 < len(partial) < N_DOCS  # killed in the middle, whole documents only
    ref = _per_document(reference)
    for sha, parts in partial.items():
        assert parts == ref[sha]
    _check(store)  # the killed run is a note, not an integrity problem

    r = subprocess.run(ingest, env=_env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert _per_document(store) == ref  # every document exactly once, all pages and segments
    _check(store)

    classify = _cli("classify", "--store", str(store))
    assert _kill_after_commits(classify, store, grow=5_000) == -signal.SIGKILL
    with open_store(store, read_only=True) as st:
        coded = st.con.execute("SELECT count(DISTINCT doc_id) FROM segment_themes").fetchone()[0]
        assert check_store(st).ok
    assert 0 < coded < N_DOCS
    r = subprocess.run(classify, env=_env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert _themes(store) == _themes(reference)
    _check(store)
