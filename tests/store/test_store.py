"""The corpus store: atomic writes, idempotent ingest, queries, export, locking."""

import json
import subprocess
import sys

import pytest

from textcoop.errors import InputError, NotFoundError, StoreBusyError, StoreError
from textcoop.extract import process_file, sha256_file
from textcoop.store import open_store
from textcoop.types import DocumentMeta


def _doc(
    tmp_path,
    name="a.txt",
    text="Раздел 1. Поддержка\n\nСубсидии МСП на оборудование. Второе предложение.\n",
):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return process_file(str(p), sha256_file(p))


def test_add_document_and_read_back(store, tmp_path):
    pd = _doc(tmp_path)
    doc_id = store.add_document(pd, DocumentMeta(region="Вологодская область", doc_type="program"))
    st = store.status()
    assert (
        st["documents"] == 1 and st["segments"] == 2 and st["sentences"] == 3 and st["errors"] == 0
    )
    df = store.segments_df(region="Вологодская область")
    assert list(df.kind) == ["heading", "paragraph"]
    page = store.page(doc_id, 1)
    for r in df.itertuples():
        assert page["text"][r.start_char : r.end_char] == r.text
    assert store.resolve("a.txt") == doc_id == store.resolve(doc_id[:6])


def test_failed_write_leaves_nothing(store, tmp_path, monkeypatch):
    pd = _doc(tmp_path)
    pd.segments[1].seg_no = pd.segments[0].seg_no  # duplicate primary key: the insert fails midway
    with pytest.raises(Exception):  # noqa: B017 - DuckDB constraint error
        store.add_document(pd, DocumentMeta())
    assert store.status()["documents"] == 0
    assert store.status()["pages"] == 0


def test_set_meta_validates(store, tmp_path):
    doc_id = store.add_document(_doc(tmp_path), DocumentMeta())
    store.set_meta(doc_id, region="Краснолесский край", year="2024-2030")
    row = store.documents_df().iloc[0]
    assert row.region == "Краснолесский край" and row.meta_source == "edited"
    with pytest.raises(InputError, match="doc_type"):
        store.set_meta(doc_id, doc_type="novel")
    with pytest.raises(NotFoundError):
        store.set_meta("zzzz", region="x")


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_formats(store, tmp_path, fmt):
    import pandas as pd

    store.add_document(_doc(tmp_path), DocumentMeta(region="R"))
    out = tmp_path / f"seg.{fmt}"
    assert store.export("segments", fmt, out) == 2
    df = {"parquet": pd.read_parquet, "csv": pd.read_csv}.get(
        fmt, lambda p: pd.read_json(p, lines=True)
    )(out)
    assert len(df) == 2 and set(df.region) == {"R"}
    with pytest.raises(InputError):
        store.export("segments", "xls", out)


def test_second_writer_gets_clear_busy_message(tmp_path):
    path = tmp_path / "busy.duckdb"
    with open_store(path):
        code = f"from textcoop.store import open_store\nwith open_store({str(path)!r}): pass"
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "in use by PID" in r.stderr
    assert StoreBusyError.code in r.stderr


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    with open_store(path) as st:
        st.con.execute("INSERT INTO schema_info VALUES (99, now())")
    with pytest.raises(StoreError, match="newer"), open_store(path):
        pass


def test_read_only_missing_store(tmp_path):
    with pytest.raises(StoreError, match="textcoop ingest"):
        with open_store(tmp_path / "none.duckdb", read_only=True):
            pass


def test_not_a_store(tmp_path):
    p = tmp_path / "x.duckdb"
    p.write_text(json.dumps({"not": "a database"}))
    with pytest.raises(StoreError), open_store(p):
        pass


def _hold(path, seconds):
    code = (
        "import time\nfrom textcoop.store import open_store\n"
        f"with open_store({str(path)!r}):\n    print('locked', flush=True)\n    time.sleep({seconds})"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_wait_retries_until_the_other_writer_is_done(tmp_path):
    import time

    path = tmp_path / "busy.duckdb"
    proc = _hold(path, 2)
    try:
        with pytest.raises(StoreBusyError, match=f"in use by PID {proc.pid}"):
            open_store(path, wait=0.3).__enter__()
        t0 = time.monotonic()
        with open_store(path, wait=60) as st:
            assert st.status()["documents"] == 0
        assert time.monotonic() - t0 < 30
    finally:
        proc.wait(timeout=60)


def test_second_cli_writer_is_refused_and_the_store_stays_sound(tmp_path):
    from typer.testing import CliRunner

    from textcoop.cli.app import app
    from textcoop.store.check import check_store

    path = tmp_path / "busy.duckdb"
    (tmp_path / "d.txt").write_text("Программа развития.\n\nСубсидии предприятиям.\n")
    proc = _hold(path, 3)
    try:
        r = CliRunner().invoke(app, ["ingest", str(tmp_path / "d.txt"), "--store", str(path)])
        assert r.exit_code == 1
        assert f"in use by PID {proc.pid}" in r.output and "--wait" in r.output
    finally:
        proc.wait(timeout=60)
    r = CliRunner().invoke(
        app, ["ingest", str(tmp_path / "d.txt"), "--store", str(path), "--wait", "30"]
    )
    assert r.exit_code == 0, r.output
    with open_store(path, read_only=True) as st:
        assert check_store(st).ok and st.status()["documents"] == 1


def test_only_ingest_creates_a_store(tmp_path):
    """A mistyped path is refused by every other command: no empty store, no directory."""
    missing = tmp_path / "no_such_dir" / "corpus.duckdb"
    with pytest.raises(StoreError, match="no corpus store"):
        with open_store(missing, create=False):
            pass
    assert not missing.parent.exists()
    with open_store(missing) as st:  # ingest's default: create it
        assert st.status()["documents"] == 0
    assert missing.exists()
