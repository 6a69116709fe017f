"""Reading stored topic runs back as pandas tables (the interface the report and gaps use)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from textcoop.errors import NotFoundError
from textcoop.tablefiles import write_json_atomic, write_table_atomic


def topic_tables(store: Any, run_id: str | None = None) -> dict[str, pd.DataFrame] | None:
    """Tables of one topic run (the newest when ``run_id`` is None); None when no run exists.

    Keys: runs (the run's row), topics, doc_topics (with title and region),
    passages (joined with documents and segments: doc_id, title, region,
    page, section, text), coherence_curve.
    """
    ids = store.topic_run_ids()
    if not ids:
        return None
    if run_id is None:
        run_id = ids[0]
    elif run_id not in ids:
        matches = [i for i in ids if len(run_id) >= 4 and i.startswith(run_id)]
        if len(matches) != 1:
            raise NotFoundError(
                f"no topic run {run_id!r} in {store.path}",
                options=ids[:20],
                hint="list runs with `textcoop topics show`",
            )
        run_id = matches[0]
    q = store.con.execute
    return {
        "runs": q("SELECT * FROM topic_runs WHERE run_id = ?", [run_id]).df(),
        "topics": q("SELECT * FROM topics WHERE run_id = ? ORDER BY topic", [run_id]).df(),
        "doc_topics": q(
            "SELECT t.run_id, t.doc_id, d.title, d.region, t.topic, t.weight "
            "FROM doc_topics t JOIN documents d USING (doc_id) WHERE t.run_id = ? "
            "ORDER BY t.doc_id, t.topic",
            [run_id],
        ).df(),
        "passages": q(
            """SELECT p.run_id, p.topic, p.rank, p.doc_id, d.title, d.region, s.page_no AS page,
                      array_to_string(s.section, ' > ') AS section,
                      (SELECT string_agg(x.text, ' ' ORDER BY x.seg_no) FROM segments x
                        WHERE x.doc_id = p.doc_id
                          AND x.seg_no BETWEEN p.seg_no AND coalesce(p.seg_end, p.seg_no)
                          AND x.kind <> 'heading') AS text,
                      p.weight, p.seg_no
               FROM topic_passages p JOIN documents d USING (doc_id)
               JOIN segments s ON s.doc_id = p.doc_id AND s.seg_no = p.seg_no
               WHERE p.run_id = ? ORDER BY p.topic, p.rank""",
            [run_id],
        ).df(),
        "coherence_curve": q(
            "SELECT * FROM coherence_curve WHERE run_id = ? ORDER BY k", [run_id]
        ).df(),
    }


def write_outputs(result: Any, out: str | Path, fmt: str = "csv") -> list[Path]:
    """Every table of a :class:`~textcoop.topics.run.TopicResult` as CSV or Parquet, plus topics.json.

    CSV cells hold term lists space-separated (Parquet keeps them as lists).
    Files are written under a temporary name and renamed, so a failed run
    leaves no half-written table.
    """
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in result.tables().items():
        if fmt == "csv":
            df = df.copy()
            for col in ("top_terms", "term_weights"):
                if col in df:
                    df[col] = df[col].map(lambda v: " ".join(map(str, v)))
        written.append(write_table_atomic(df, d / f"topics_{name}.{fmt}", fmt))
    written.append(write_json_atomic(result.to_json(), d / "topics.json", indent=2, default=str))
    return written
