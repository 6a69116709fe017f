"""`textcoop check` finds partial documents and orphans; --repair lets a rerun restore them."""

import json

import duckdb
from typer.testing import CliRunner

from textcoop.cli.app import app
from textcoop.store import open_store
from textcoop.store.check import check_store, repair_store
from textcoop.store.ingest import IngestOptions, ingest

runner = CliRunner()


def _folder(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    for i in range(3):
        (d / f"d{i}.txt").write_text(
            f"Программа номер {i}.\n\nПервый абзац о кластерах. Второе предложение.\n\f"
            f"Вторая страница документа {i}.\n",
            encoding="utf-8",
        )
    return d


def test_check_finds_damage_and_repair_plus_rerun_restores(tmp_path):
    d, path = _folder(tmp_path), tmp_path / "s.duckdb"
    opts = IngestOptions(workers=1)
    with open_store(path) as st:
        ingest([d], st, opts)
        assert check_store(st).ok
        before = st.status()
    r = runner.invoke(app, ["check", "--store", str(path)])
    assert r.exit_code == 0 and "store is consistent" in r.output

    con = duckdb.connect(str(path))
    victim = con.execute("SELECT doc_id FROM documents ORDER BY doc_id LIMIT 1").fetchone()[0]
    con.execute("DELETE FROM pages WHERE doc_id = ? AND page_no = 2", [victim])
    con.execute(
        "INSERT INTO segments SELECT 'ghost', seg_no, page_no, kind, level, section, lang, start_char, end_char, text, cells FROM segments LIMIT 2"
    )
    con.execute("INSERT INTO runs VALUES ('r0', 'ingest', now(), NULL, NULL, NULL, NULL)")
    con.close()

    r = runner.invoke(app, ["check", "--store", str(path), "--json"])
    assert r.exit_code == 1
    out = json.loads(r.output)
    codes = {f["code"]: f for f in out["findings"]}
    assert codes["missing_pages"]["examples"] == [victim]
    assert codes["orphan_segments"]["count"] == 2
    assert any("never finished" in n for n in out["notes"])
    r = runner.invoke(app, ["check", "--store", str(path)])
    assert r.exit_code == 1 and "--repair" in r.output and "missing_pages" in r.output

    r = runner.invoke(app, ["check", "--store", str(path), "--repair"])
    assert r.exit_code == 0, r.output
    assert "repaired" in r.output
    with open_store(path) as st:
        assert (
            st.con.execute("SELECT count(*) FROM documents WHERE doc_id = ?", [victim]).fetchone()[
                0
            ]
            == 0
        )
        rep = ingest([d], st, opts)
        assert [doc_id for _, doc_id in rep.stored] == [victim]
        assert check_store(st).ok
        after = st.status()
    for k in ("documents", "pages", "segments", "sentences"):
        assert after[k] == before[k], k


def test_repair_of_a_sound_store_deletes_nothing(tmp_path):
    d, path = _folder(tmp_path), tmp_path / "s.duckdb"
    with open_store(path) as st:
        ingest([d], st, IngestOptions(workers=1))
        assert repair_store(st) == {}
        assert check_store(st).counts["documents"] == 3
