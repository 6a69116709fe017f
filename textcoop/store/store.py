"""The corpus store: one DuckDB file with documents, pages, segments, sentences and problems.

Why DuckDB: a single embedded file that analysts can copy, columnar scans
for corpus-wide statistics, Parquet/CSV export built in, and pandas/Arrow
in and out without copies. One process writes at a time (DuckDB's file
lock); each document is written in one transaction, so a killed run never
leaves half a document and a rerun continues where it stopped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from textcoop.errors import InputError, NotFoundError, StoreBusyError, StoreError
from textcoop.store.schema import MIGRATIONS, SCHEMA_VERSION
from textcoop.tablefiles import part_path
from textcoop.types import DOC_TYPES, DocumentMeta, ProcessedDocument

META_FIELDS = ("region", "year", "doc_type", "title")
EXPORT_FORMATS = ("parquet", "csv", "jsonl")
EXPORT_TABLES = (
    "segments",
    "documents",
    "sentences",
    "pages",
    "problems",
    "segment_themes",
    "doc_coverage",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Store:
    """A corpus store opened on one DuckDB file. Use ``open_store`` to get one."""

    def __init__(
        self, path: str | Path, read_only: bool = False, wait: float = 0.0, create: bool = True
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        # only ingest creates a store: any other command given a path that does not exist
        # has a typo in it, and an empty new store would "succeed" with nothing to do
        if (read_only or not create) and not self.path.exists():
            raise StoreError(
                f"no corpus store at {self.path}",
                hint="create one with `textcoop ingest PATH --store FILE`",
            )
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                self.con = self._connect()
                break
            except StoreBusyError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
        try:
            self._migrate()
        except Exception:
            self.con.close()  # a refused store must not keep DuckDB's file open in this process
            raise

    def _connect(self):
        """A DuckDB connection; another process holding the file becomes StoreBusyError."""
        import duckdb

        read_only = self.read_only
        try:
            return duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            msg = str(exc)
            m = re.search(r"PID (\d+)", msg)
            if "lock" in msg.lower():
                pid = m.group(1) if m else "unknown"
                raise StoreBusyError(
                    f"store {self.path} is in use by PID {pid}",
                    hint="wait for that textcoop run to finish (or add --wait SECONDS), or use another --store",
                ) from exc
            raise StoreError(
                f"cannot open store {self.path}: {msg}",
                hint="point --store at a .duckdb file made by textcoop, or at a new path",
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"{self.path} is not a textcoop store (DuckDB could not open it: {exc})",
                hint="point --store at a .duckdb file made by textcoop, or a new path",
            ) from exc

    # -- schema ---------------------------------------------------------
    def _version(self) -> int:
        row = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_info'"
        ).fetchone()
        if not row or row[0] == 0:
            return 0
        v = self.con.execute("SELECT max(version) FROM schema_info").fetchone()
        return int(v[0] or 0)

    def _migrate(self) -> None:
        version = self._version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {version}, newer than this textcoop ({SCHEMA_VERSION})",
                hint="upgrade textcoop to read it",
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(
                f"store {self.path} needs a schema migration",
                hint="open it once for writing (e.g. `textcoop check --repair`, which migrates it)",
            )
        self.con.execute("BEGIN TRANSACTION")
        try:
            for v in range(version + 1, SCHEMA_VERSION + 1):
                for sql in MIGRATIONS[v]:
                    self.con.execute(sql)
                self.con.execute("INSERT INTO schema_info VALUES (?, ?)", [v, _now()])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self._version()

    def close(self) -> None:
        self.con.close()

    # -- runs and problems ----------------------------------------------
    def start_run(self, command: str) -> str:
        run_id = uuid.uuid4().hex[:12]
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, NULL, NULL, NULL, NULL)", [run_id, command, _now()]
        )
        return run_id

    def finish_run(self, run_id: str, stored: int, skipped: int, failed: int) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, n_stored = ?, n_skipped = ?, n_failed = ? WHERE run_id = ?",
            [_now(), stored, skipped, failed, run_id],
        )

    def record_error(
        self, path: str, sha256: str | None, code: str, message: str, run_id: str | None = None
    ) -> None:
        """Record that a file could not be ingested (replacing older errors for the same file)."""
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("DELETE FROM problems WHERE path = ? AND doc_id IS NULL", [path])
        self.con.execute(
            "INSERT INTO problems VALUES (?, ?, NULL, NULL, 'error', ?, ?, ?, ?)",
            [path, sha256, code, message, run_id, _now()],
        )
        self.con.execute("COMMIT")

    def record_doc_error(self, doc_id: str, code: str, message: str, run_id: str | None) -> str:
        """Record a stored document's processing error (e.g. classify); returns its file name."""
        row = self.con.execute(
            "SELECT source_path, sha256, file_name FROM documents WHERE doc_id = ?", [doc_id]
        ).fetchone()
        path, sha, name = row if row else (doc_id, None, doc_id)
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("DELETE FROM problems WHERE doc_id = ? AND code = ?", [doc_id, code])
        self.con.execute(
            "INSERT INTO problems VALUES (?, ?, ?, NULL, 'error', ?, ?, ?, ?)",
            [path, sha, doc_id, code, message, run_id, _now()],
        )
        self.con.execute("COMMIT")
        return name

    def docs_without_text(self) -> list[tuple[str, str]]:
        """(doc_id, file name) of stored documents with no segments (nothing to code)."""
        return self.con.execute(
            "SELECT doc_id, file_name FROM documents WHERE n_segments = 0 ORDER BY file_name"
        ).fetchall()

    # -- writing documents ----------------------------------------------
    def doc_id_for_sha(self, sha256: str) -> str | None:
        row = self.con.execute("SELECT doc_id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
        return row[0] if row else None

    def add_document(
        self,
        pd: ProcessedDocument,
        meta: DocumentMeta,
        run_id: str | None = None,
        version: str = "",
    ) -> str:
        """Store one processed document atomically; returns its id."""
        return self.add_documents([(pd, meta)], run_id, version)[0]

    def add_documents(
        self,
        items: list[tuple[ProcessedDocument, DocumentMeta]],
        run_id: str | None = None,
        version: str = "",
    ) -> list[str]:
        """Store processed documents in one transaction; returns their ids.

        Everything (document rows, pages, segments, sentences, warnings) is
        written at once: after a crash each document is either complete or
        absent. Batching several documents per transaction matters for speed:
        a DuckDB commit costs ~10 ms, more than extracting a short document.
        """
        import pyarrow as pa

        now = _now()
        docs: list[list] = []
        pages: dict[str, list] = {
            k: []
            for k in (
                "doc_id",
                "page_no",
                "method",
                "quality",
                "width",
                "height",
                "n_chars",
                "text",
            )
        }
        segs: dict[str, list] = {
            k: []
            for k in (
                "doc_id",
                "seg_no",
                "page_no",
                "kind",
                "level",
                "section",
                "lang",
                "start_char",
                "end_char",
                "text",
                "cells",
            )
        }
        sents: dict[str, list] = {
            k: []
            for k in ("doc_id", "seg_no", "sent_no", "page_no", "start_char", "end_char", "text")
        }
        problems: list[list] = []
        ids: list[str] = []
        for pd, meta in items:
            doc = pd.doc
            doc_id = doc.sha256[:12]
            ids.append(doc_id)
            docs.append(
                [
                    doc_id,
                    doc.sha256,
                    doc.path,
                    Path(doc.path).name,
                    doc.format,
                    meta.title,
                    meta.region,
                    meta.year,
                    meta.doc_type,
                    meta.source,
                    pd.language,
                    doc.n_pages,
                    len(pd.segments),
                    sum(p.method == "ocr" for p in doc.pages),
                    sum(p.method == "needs_ocr" for p in doc.pages),
                    json.dumps(doc.info, ensure_ascii=False, default=str),
                    version,
                    now,
                    run_id,
                ]
            )
            for p in doc.pages:
                text = pd.page_texts.get(p.page_no, "")
                for k, v in zip(
                    pages,
                    (
                        doc_id,
                        p.page_no,
                        p.method,
                        float(p.quality),
                        float(p.width),
                        float(p.height),
                        len(text),
                        text,
                    ),
                    strict=True,
                ):
                    pages[k].append(v)
            for sg in pd.segments:
                for k, v in zip(
                    segs,
                    (
                        doc_id,
                        sg.seg_no,
                        sg.page_no,
                        sg.kind,
                        sg.level,
                        sg.section,
                        sg.lang,
                        sg.start,
                        sg.end,
                        sg.text,
                        sg.cells,
                    ),
                    strict=True,
                ):
                    segs[k].append(v)
            for st in pd.sentences:
                for k, v in zip(
                    sents,
                    (doc_id, st.seg_no, st.sent_no, st.page_no, st.start, st.end, st.text),
                    strict=True,
                ):
                    sents[k].append(v)
            problems += [
                [
                    doc.path,
                    doc.sha256,
                    doc_id,
                    p.page_no,
                    p.severity,
                    p.code,
                    p.message,
                    run_id,
                    now,
                ]
                for p in doc.problems
            ]
        int32 = pa.int32()
        text_list = pa.list_(pa.string())
        types = {
            "seg_no": int32,
            "sent_no": int32,
            "page_no": int32,
            "level": int32,
            "start_char": int32,
            "end_char": int32,
            "n_chars": int32,
            "section": text_list,
            "cells": text_list,
        }
        tables = {
            name: pa.table({k: pa.array(v, types.get(k)) for k, v in cols.items()})
            for name, cols in (("pages", pages), ("segments", segs), ("sentences", sents))
        }
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.executemany(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                docs,
            )
            for name, table in tables.items():
                con.register("_incoming", table)
                con.execute(f"INSERT INTO {name} SELECT * FROM _incoming")
                con.unregister("_incoming")
            for pd, _ in items:
                con.execute(
                    "DELETE FROM problems WHERE (path = ? OR sha256 = ?) AND doc_id IS NULL",
                    [pd.doc.path, pd.doc.sha256],
                )
            if problems:
                con.executemany("INSERT INTO problems VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", problems)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        return ids

    # -- themes ---------------------------------------------------------
    def docs_to_classify(self, model_id: str, force: bool = False) -> list[str]:
        """Documents without theme codes from ``model_id`` (all with ``force``)."""
        if force:
            return [
                r[0]
                for r in self.con.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall()
            ]
        sql = """SELECT d.doc_id FROM documents d WHERE d.n_segments > 0 AND NOT EXISTS (
                   SELECT 1 FROM segment_themes t WHERE t.doc_id = d.doc_id AND t.model_id = ?) ORDER BY d.doc_id"""
        return [r[0] for r in self.con.execute(sql, [model_id]).fetchall()]

    def doc_segments(self, doc_id: str) -> list[tuple]:
        """(seg_no, kind, text) of one document, in order."""
        return self.con.execute(
            "SELECT seg_no, kind, text FROM segments WHERE doc_id = ? ORDER BY seg_no", [doc_id]
        ).fetchall()

    def write_themes(
        self, doc_id: str, model_id: str, rows: list[tuple], coverage: list[tuple]
    ) -> None:
        """Replace a document's theme codes and coverage in one transaction.

        rows: (seg_no, themes, scores_json, evidence); coverage: (theme, share, n_segments, top_segments).
        """
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM segment_themes WHERE doc_id = ?", [doc_id])
            con.execute("DELETE FROM doc_coverage WHERE doc_id = ?", [doc_id])
            con.execute(
                "DELETE FROM problems WHERE doc_id = ? AND code = 'classify_failed'", [doc_id]
            )
            if rows:
                con.executemany(
                    "INSERT INTO segment_themes VALUES (?, ?, ?, ?, ?, ?)",
                    [(doc_id, r[0], model_id, r[1], r[2], r[3]) for r in rows],
                )
            if coverage:
                con.executemany(
                    "INSERT INTO doc_coverage VALUES (?, ?, ?, ?, ?, ?)",
                    [(doc_id, c[0], model_id, c[1], c[2], c[3]) for c in coverage],
                )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise

    def coverage_df(self):
        """Theme coverage per document with document metadata (share of the document's text)."""
        return self.con.execute(
            "SELECT d.doc_id, d.file_name, d.title, d.region, d.year, d.doc_type, c.theme, c.share, c.n_segments, c.top_segments "
            "FROM doc_coverage c JOIN documents d USING (doc_id) ORDER BY d.file_name, c.share DESC"
        ).df()

    # -- topics ---------------------------------------------------------
    TOPIC_TABLES = ("topics", "doc_topics", "topic_passages", "coherence_curve")

    def write_topic_run(self, run: dict[str, Any], tables: dict[str, Any]) -> str:
        """Store one topic-model run (its row and the four result tables) in one transaction.

        ``tables`` maps topics, doc_topics, topic_passages, coherence_curve to
        pandas DataFrames with the tables' columns except run_id.
        """
        con = self.con
        run_id = run["run_id"]
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "INSERT INTO topic_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    _now(),
                    run.get("model_dir"),
                    run["engine"],
                    int(run["k"]),
                    bool(run["seeded"]),
                    json.dumps(run.get("params") or {}, ensure_ascii=False, default=str),
                    run.get("coherence"),
                    run.get("coherence_measure"),
                    run.get("stability"),
                ],
            )
            for name in self.TOPIC_TABLES:
                df = tables[name].copy()
                df.insert(0, "run_id", run_id)
                cols = ", ".join(df.columns)
                con.register("_incoming", df)
                con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _incoming")
                con.unregister("_incoming")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        return run_id

    def topic_run_ids(self) -> list[str]:
        """Topic runs, newest first."""
        rows = self.con.execute("SELECT run_id FROM topic_runs ORDER BY created DESC").fetchall()
        return [r[0] for r in rows]

    def set_meta(self, doc: str, **fields: Any) -> str:
        """Edit a document's metadata (region, year, doc_type, title); returns its id."""
        doc_id = self.resolve(doc)
        bad = [k for k in fields if k not in META_FIELDS]
        if bad:
            raise InputError(f"unknown metadata field {bad[0]}", options=META_FIELDS)
        if fields.get("doc_type") and fields["doc_type"] not in DOC_TYPES:
            raise InputError("unknown doc_type", value=fields["doc_type"], options=DOC_TYPES)
        sets = {k: v for k, v in fields.items() if v is not None}
        if not sets:
            raise InputError(
                "nothing to set", hint="give at least one of --region, --year, --doc-type, --title"
            )
        cols = ", ".join(f"{k} = ?" for k in sets)
        self.con.execute(
            f"UPDATE documents SET {cols}, meta_source = 'edited' WHERE doc_id = ?",
            [*sets.values(), doc_id],
        )
        return doc_id

    # -- reading --------------------------------------------------------
    def resolve(self, doc: str) -> str:
        """A document id from an id, an id prefix (4+ characters) or a file name."""
        rows = self.con.execute(
            "SELECT doc_id FROM documents WHERE doc_id = ? OR file_name = ? OR (length(?) >= 4 AND doc_id LIKE ? || '%')",
            [doc, doc, doc, doc],
        ).fetchall()
        ids = sorted({r[0] for r in rows})
        if not ids:
            raise NotFoundError(
                f"no document {doc!r} in {self.path}", hint="list documents with `textcoop docs`"
            )
        if len(ids) > 1:
            raise NotFoundError(
                f"{doc!r} matches several documents", options=ids, hint="give more of the id"
            )
        return ids[0]

    def status(self) -> dict[str, int]:
        """Counts of the store's contents (the keys of ``textcoop status --json``)."""
        q = self.con.execute
        out = {
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "pages": q("SELECT count(*) FROM pages").fetchone()[0],
            "segments": q("SELECT count(*) FROM segments").fetchone()[0],
            "sentences": q("SELECT count(*) FROM sentences").fetchone()[0],
            "errors": q("SELECT count(*) FROM problems WHERE severity = 'error'").fetchone()[0],
            "warnings": q("SELECT count(*) FROM problems WHERE severity = 'warning'").fetchone()[0],
            "needs_ocr": q("SELECT count(*) FROM pages WHERE method = 'needs_ocr'").fetchone()[0],
            "ocr_pages": q("SELECT count(*) FROM pages WHERE method = 'ocr'").fetchone()[0],
            "classified_segments": q("SELECT count(*) FROM segment_themes").fetchone()[0],
            "schema_version": self.schema_version,
        }
        return out

    def _where(
        self, region: str | None, year: str | None, doc_type: str | None, alias: str = "d"
    ) -> tuple[str, list]:
        clauses, params = [], []
        for col, val in (("region", region), ("year", year), ("doc_type", doc_type)):
            if val is not None:
                clauses.append(f"{alias}.{col} = ?")
                params.append(val)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def documents_df(
        self, region: str | None = None, year: str | None = None, doc_type: str | None = None
    ):
        """Documents as a pandas DataFrame, optionally filtered."""
        where, params = self._where(region, year, doc_type)
        return self.con.execute(
            f"SELECT * FROM documents d{where} ORDER BY d.file_name", params
        ).df()

    def segments_df(
        self,
        region: str | None = None,
        year: str | None = None,
        doc_type: str | None = None,
        doc: str | None = None,
    ):
        """Segments joined with their document's metadata, as a pandas DataFrame."""
        where, params = self._where(region, year, doc_type)
        if doc:
            where += (" AND " if where else " WHERE ") + "s.doc_id = ?"
            params.append(self.resolve(doc))
        sql = (
            "SELECT s.*, d.region, d.year, d.doc_type, d.title FROM segments s JOIN documents d USING (doc_id)"
            f"{where} ORDER BY s.doc_id, s.seg_no"
        )
        return self.con.execute(sql, params).df()

    def iter_segments(
        self, batch: int = 5000, kinds: tuple[str, ...] | None = None
    ) -> Iterator[tuple]:
        """Stream (doc_id, seg_no, page_no, kind, lang, text) without loading the corpus."""
        sql = "SELECT doc_id, seg_no, page_no, kind, lang, text FROM segments"
        params: list = []
        if kinds:
            sql += " WHERE kind IN (" + ",".join("?" * len(kinds)) + ")"
            params = list(kinds)
        cur = self.con.cursor()
        cur.execute(sql + " ORDER BY doc_id, seg_no", params)
        while rows := cur.fetchmany(batch):
            yield from rows

    def page(self, doc: str, page_no: int) -> dict:
        """One page: its text and its segments with section paths."""
        doc_id = self.resolve(doc)
        row = self.con.execute(
            "SELECT text, method FROM pages WHERE doc_id = ? AND page_no = ?", [doc_id, page_no]
        ).fetchone()
        if row is None:
            n = self.con.execute(
                "SELECT n_pages FROM documents WHERE doc_id = ?", [doc_id]
            ).fetchone()[0]
            raise NotFoundError(
                f"document {doc_id} has no page {page_no}", hint=f"pages run from 1 to {n}"
            )
        return {"doc_id": doc_id, "page_no": page_no, "text": row[0], "method": row[1]}

    def problems_df(self, severity: str | None = None):
        sql = "SELECT * FROM problems"
        params: list = []
        if severity:
            sql += " WHERE severity = ?"
            params.append(severity)
        return self.con.execute(sql + " ORDER BY created_at, path", params).df()

    def export(self, table: str, fmt: str, out: str | Path) -> int:
        """Write a table (segments joined with document metadata) to Parquet, CSV or JSON Lines."""
        if table not in EXPORT_TABLES:
            raise InputError("unknown table to export", value=table, options=EXPORT_TABLES)
        if fmt not in EXPORT_FORMATS:
            raise InputError("unknown export format", value=fmt, options=EXPORT_FORMATS)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if table in ("segments", "sentences", "pages", "segment_themes", "doc_coverage"):
            sql = f"SELECT t.*, d.file_name, d.title, d.region, d.year, d.doc_type FROM {table} t JOIN documents d USING (doc_id) ORDER BY ALL"
        else:
            sql = f"SELECT * FROM {table} ORDER BY ALL"
        if fmt == "csv":
            sql = (
                sql.replace(
                    "t.*",
                    "t.* REPLACE (array_to_string(t.section, ' > ') AS section, array_to_string(t.cells, ' | ') AS cells)",
                )
                if table == "segments"
                else sql
            )
        opts = {
            "parquet": "(FORMAT parquet)",
            "csv": "(FORMAT csv, HEADER true)",
            "jsonl": "(FORMAT json)",
        }[fmt]
        tmp = part_path(out)
        self.con.execute(f"COPY ({sql}) TO '{str(tmp).replace(chr(39), chr(39) * 2)}' {opts}")
        tmp.replace(out)
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@contextmanager
def open_store(
    path: str | Path, read_only: bool = False, wait: float = 0.0, create: bool = True
) -> Iterator[Store]:
    """Open a corpus store, creating it if ``create`` and it does not exist; closes it on exit.

    ``wait``: seconds to keep retrying while another process holds the store.
    """
    store = Store(path, read_only=read_only, wait=wait, create=create)
    try:
        yield store
    finally:
        store.close()
