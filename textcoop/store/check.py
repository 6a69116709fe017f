"""Integrity check of a corpus store, and the repair that lets a rerun restore it.

Every write is transactional, so a healthy store never holds half a
document; this check proves it after crashes, disk trouble or hand edits
(a colleague deleting rows in DBeaver). Each finding says what is wrong,
how many rows, and what to do. ``repair`` deletes only what a rerun of
``textcoop ingest`` / ``classify`` recreates: partial documents (with all
their rows) and rows whose document is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textcoop.store.schema import SCHEMA_VERSION
from textcoop.store.store import Store

CHILD_TABLES = ("pages", "segments", "sentences", "segment_themes", "doc_coverage")


@dataclass
class Finding:
    """One integrity problem: a short code, a plain message, the rows concerned."""

    code: str
    message: str
    count: int
    examples: list[str] = field(default_factory=list)
    repairable: bool = True


@dataclass
class CheckReport:
    schema_version: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _ids(store: Store, sql: str) -> list[str]:
    return [str(r[0]) for r in store.con.execute(sql).fetchall()]


# documents whose stored rows do not match what the document row says it has
_PARTIAL = {
    "missing_pages": (
        "documents whose pages are missing or extra (pages rows differ from documents.n_pages)",
        """SELECT d.doc_id FROM documents d LEFT JOIN (SELECT doc_id, count(*) n FROM pages GROUP BY doc_id) p
           USING (doc_id) WHERE coalesce(p.n, 0) <> d.n_pages ORDER BY d.doc_id""",
    ),
    "missing_segments": (
        "documents whose segments are missing or extra (segments rows differ from documents.n_segments)",
        """SELECT d.doc_id FROM documents d LEFT JOIN (SELECT doc_id, count(*) n FROM segments GROUP BY doc_id) s
           USING (doc_id) WHERE coalesce(s.n, 0) <> d.n_segments ORDER BY d.doc_id""",
    ),
    "missing_sentences": (
        "documents with segments of text but no sentences",
        """SELECT d.doc_id FROM documents d WHERE d.n_segments > 0 AND NOT EXISTS
           (SELECT 1 FROM sentences s WHERE s.doc_id = d.doc_id) ORDER BY d.doc_id""",
    ),
}


def check_store(store: Store) -> CheckReport:
    """Look for everything a crash or a hand edit could have left wrong."""
    q = store.con.execute
    rep = CheckReport(schema_version=store.schema_version)
    if rep.schema_version != SCHEMA_VERSION:
        rep.findings.append(
            Finding(
                "schema_version",
                f"schema version {rep.schema_version}, this textcoop expects {SCHEMA_VERSION}",
                1,
                repairable=False,
            )
        )
    for table in ("documents", *CHILD_TABLES, "problems", "runs"):
        rep.counts[table] = q(f"SELECT count(*) FROM {table}").fetchone()[0]
    for code, (message, sql) in _PARTIAL.items():
        ids = _ids(store, sql)
        if ids:
            rep.findings.append(Finding(code, message, len(ids), ids[:5]))
    for table in CHILD_TABLES:
        n = q(
            f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
            "(SELECT 1 FROM documents d WHERE d.doc_id = t.doc_id)"
        ).fetchone()[0]
        if n:
            rep.findings.append(
                Finding(f"orphan_{table}", f"{table} rows of documents that are not stored", n)
            )
    for table, key in (("sentences", "seg_no"), ("segment_themes", "seg_no")):
        n = q(
            f"SELECT count(*) FROM {table} t WHERE EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = t.doc_id) "
            f"AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.doc_id = t.doc_id AND s.{key} = t.{key})"
        ).fetchone()[0]
        if n:
            rep.findings.append(
                Finding(
                    f"orphan_{table}", f"{table} rows pointing at segments that do not exist", n
                )
            )
    dup = _ids(store, "SELECT sha256 FROM documents GROUP BY sha256 HAVING count(*) > 1 ORDER BY 1")
    if dup:
        rep.findings.append(
            Finding("duplicate_documents", "the same file content stored more than once", len(dup))
        )
    partial_codes = _ids(
        store,
        """SELECT d.doc_id FROM documents d JOIN (SELECT doc_id, count(*) n FROM segment_themes GROUP BY doc_id) t
           USING (doc_id) WHERE t.n <> d.n_segments ORDER BY 1""",
    )
    if partial_codes:
        rep.findings.append(
            Finding(
                "partial_themes",
                "documents with only some segments coded",
                len(partial_codes),
                partial_codes[:5],
            )
        )
    for run_id, command, started in q(
        "SELECT run_id, command, started_at FROM runs WHERE finished_at IS NULL ORDER BY started_at"
    ).fetchall():
        rep.notes.append(
            f"run {run_id} ({command}, started {started:%Y-%m-%d %H:%M}) never finished: "
            "its documents were written whole; rerun the same command to do the rest"
        )
    return rep


def repair_store(store: Store) -> dict[str, int]:
    """Delete partial documents and orphaned rows (in one transaction); returns rows deleted per table.

    A rerun of ``textcoop ingest`` on the same folder then stores the deleted
    documents again, and ``textcoop classify`` codes them.
    """
    q = store.con.execute
    bad: set[str] = set()
    for _message, sql in _PARTIAL.values():
        bad.update(_ids(store, sql))
    deleted: dict[str, int] = {}
    q("BEGIN TRANSACTION")
    try:
        q("CREATE TEMP TABLE _bad (doc_id VARCHAR)")
        if bad:
            q("INSERT INTO _bad VALUES " + ",".join("(?)" for _ in bad), sorted(bad))
        # a partial document's theme codes are redone by classify too
        for table in (*CHILD_TABLES, "documents"):
            n = q(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM _bad)").fetchone()[0]
            if table != "documents":
                n += q(
                    f"DELETE FROM {table} t WHERE NOT EXISTS "
                    "(SELECT 1 FROM documents d WHERE d.doc_id = t.doc_id)"
                ).fetchone()[0]
            deleted[table] = deleted.get(table, 0) + n
        for table in ("sentences", "segment_themes"):
            deleted[table] += q(
                f"DELETE FROM {table} t WHERE NOT EXISTS "
                "(SELECT 1 FROM segments s WHERE s.doc_id = t.doc_id AND s.seg_no = t.seg_no)"
            ).fetchone()[0]
        partial_codes = _ids(
            store,
            """SELECT d.doc_id FROM documents d JOIN (SELECT doc_id, count(*) n FROM segment_themes GROUP BY doc_id) t
               USING (doc_id) WHERE t.n <> d.n_segments""",
        )
        for doc_id in partial_codes:
            for table in ("segment_themes", "doc_coverage"):
                deleted[table] += q(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id]).fetchone()[0]
        # their warnings come back when the rerun stores them again
        deleted["problems"] = q(
            "DELETE FROM problems WHERE doc_id IN (SELECT doc_id FROM _bad)"
        ).fetchone()[0]
        q("DROP TABLE _bad")
        q("COMMIT")
    except Exception:
        q("ROLLBACK")
        raise
    return {k: v for k, v in deleted.items() if v}
