"""Collect everything a report shows, as plain pandas tables, from the store and survey files.

Why tables and not live queries in the section builders: each section is a
pure function of named DataFrames, so it can be tested with hand-built
tables and rendered the same way whether the numbers came from the store,
from `textcoop.gaps` or from `textcoop.topics`. Anything missing is recorded
as a ``Missing`` (what, and the command that produces it) instead of
failing: an analyst who has only ingested still gets a useful report.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from textcoop.errors import TextcoopError
from textcoop.modeldir import default_model_dir, model_id_from_meta
from textcoop.safeload import sha256_file

# The commands that produce what a section needs (named here once, shown to the user).
TOPICS_CMD = "textcoop topics fit --store {store}"
GAPS_CMD = "textcoop gaps --store {store} --survey coded.xlsx"
COMPARE_CMD = "textcoop compare --store {store}"


@dataclass
class Missing:
    """Why a section is empty and which command fills it."""

    message: str
    command: str = ""


@dataclass
class ReportData:
    """Inputs of every section. Tables are keyed as in CONTRACT (gaps, compare, topics)."""

    store_path: str = ""
    status: dict[str, int] = field(default_factory=dict)
    documents: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    passages: pd.DataFrame = field(default_factory=pd.DataFrame)
    model_ids: list[str] = field(default_factory=list)
    classified: list[str] = field(default_factory=list)  # doc ids with coded segments
    survey: dict[str, pd.DataFrame] = field(default_factory=dict)  # file name -> frequencies
    survey_by: str | None = None
    agreement: dict[str, dict] = field(default_factory=dict)  # question -> agreement()
    gaps: dict[str, pd.DataFrame] | None = None
    compare: dict[str, pd.DataFrame] | None = None
    topics: dict[str, pd.DataFrame] | None = None
    notes: list[str] = field(default_factory=list)
    missing: dict[str, list[Missing]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    method: dict[str, Any] = field(default_factory=dict)

    def lack(self, section: str, message: str, command: str = "") -> None:
        self.missing.setdefault(section, []).append(Missing(message, command))


def _store_tables(store, data: ReportData) -> None:
    data.status = store.status()
    data.documents = store.documents_df()
    data.problems = store.problems_df()
    if data.documents.empty:
        data.lack(
            "overview",
            "no documents in the store",
            f"textcoop ingest FOLDER --store {data.store_path} --meta manifest.csv",
        )
        return
    data.coverage = store.coverage_df()
    if data.status.get("classified_segments", 0) == 0:
        data.lack(
            "coverage",
            "the documents have not been coded into themes",
            f"textcoop classify --store {data.store_path}",
        )
        return
    data.model_ids = [
        r[0]
        for r in store.con.execute(
            "SELECT DISTINCT model_id FROM doc_coverage ORDER BY 1"
        ).fetchall()
    ]
    data.classified = [
        r[0] for r in store.con.execute("SELECT DISTINCT doc_id FROM segment_themes").fetchall()
    ]
    data.passages = top_passages(store)


def top_passages(store, per_theme: int = 3) -> pd.DataFrame:
    """The highest-scoring coded passages of each theme, with title, region, page and section."""
    df = store.con.execute(
        """SELECT t.doc_id, t.seg_no, t.themes, t.scores, s.page_no, s.section, s.text,
                  d.title, d.file_name, d.region
           FROM segment_themes t JOIN segments s USING (doc_id, seg_no)
           JOIN documents d USING (doc_id)
           WHERE len(t.themes) > 0 AND s.kind != 'heading'"""
    ).df()
    rows = []
    for r in df.itertuples():
        scores = json.loads(r.scores) if isinstance(r.scores, str) else dict(r.scores or {})
        for theme in r.themes:
            if theme == "other":
                continue
            rows.append(
                {
                    "theme": theme,
                    "score": float(scores.get(theme, 0.0)),
                    "doc_id": r.doc_id,
                    "title": r.title if isinstance(r.title, str) and r.title else r.file_name,
                    "region": r.region,
                    "page": int(r.page_no),
                    "section": " › ".join(list(r.section)[-2:]) if r.section is not None else "",
                    "text": r.text,
                }
            )
    if not rows:
        return pd.DataFrame(columns=["theme", "score", "doc_id", "title", "region", "page"])
    out = pd.DataFrame(rows).sort_values(["theme", "score"], ascending=[True, False])
    return out.groupby("theme", sort=False).head(per_theme).reset_index(drop=True)


def _survey_tables(
    data: ReportData,
    surveys: list[Path],
    codebook,
    region_column: str,
    second_coding: Path | None,
    id_column: str | None,
) -> None:
    from textcoop.survey.stats import agreement, coded_questions, theme_frequencies
    from textcoop.survey.tables import read_table

    if not surveys:
        data.lack(
            "survey",
            "no coded survey given (--survey)",
            "textcoop survey code ANSWERS.csv --text-column COL --out coded.xlsx, "
            "then textcoop report --survey coded.xlsx",
        )
        return
    for path in surveys:
        try:
            df, _ = read_table(path)
            by = [region_column] if region_column in df.columns else []
            freq = theme_frequencies(df, codebook.theme_ids, by)
            data.survey[Path(path).name] = freq
            data.survey_by = data.survey_by or (by[0] if by else None)
            if second_coding is not None and id_column:
                other, _ = read_table(second_coding)
                for prefix, (question, _themes) in coded_questions(df, codebook.theme_ids).items():
                    col = f"{prefix}themes"
                    if col in other.columns:
                        data.agreement[question] = agreement(
                            df, other, id_column, [col], n_boot=500
                        )
        except TextcoopError as exc:
            data.lack(
                "survey",
                f"{Path(path).name}: {exc}",
                f"textcoop survey code {Path(path).name} --text-column COL --out coded.xlsx",
            )


def _missing_module(exc: ModuleNotFoundError, module: str) -> bool:
    return bool(exc.name) and (exc.name == module or module.startswith(exc.name + "."))


def _gaps_tables(
    data: ReportData,
    store,
    surveys: list[Path],
    codebook,
    region_column: str,
    model_dir: Path | None = None,
) -> None:
    if data.coverage.empty:
        reason = Missing("needs coded documents", f"textcoop classify --store {data.store_path}")
        data.missing.setdefault("gaps", []).append(reason)
        data.missing.setdefault("similarity", []).append(reason)
        return
    try:
        from textcoop.gaps import compare, compute_gaps, load_corpus
    except ModuleNotFoundError as exc:
        if not _missing_module(exc, "textcoop.gaps"):
            raise
        msg = "this textcoop has no gaps module (textcoop.gaps)"
        data.lack("gaps", msg, GAPS_CMD.format(store=data.store_path))
        data.lack("similarity", msg, COMPARE_CMD.format(store=data.store_path))
        return
    # The corpus is read once for both sections; each computation works on its own copy.
    # A store that cannot be read fails both sections with the same message.
    corpus, load_error = None, None
    try:
        corpus = load_corpus(store, codebook)
    except TextcoopError as exc:
        load_error = str(exc)
    if load_error is not None:
        data.errors["similarity"] = load_error
    else:
        try:
            res = compare(store, by="region", codebook=codebook, seed=0, corpus=corpus)
            data.compare = res.tables()
            data.notes += list(res.notes)
            data.method["compare"] = _jsonable(res.to_json(), drop=("tables",))
        except TextcoopError as exc:
            data.errors["similarity"] = str(exc)
    if not surveys:
        data.lack(
            "gaps",
            "demand needs a coded survey (--survey)",
            "textcoop survey code ANSWERS.csv --text-column COL --out coded.xlsx",
        )
        return
    if load_error is not None:
        data.errors["gaps"] = load_error
        return
    try:
        res = compute_gaps(
            store, [str(p) for p in surveys], codebook=codebook, by="region",
            region_column=region_column, n_boot=1000, seed=0, model_dir=model_dir,
            corpus=corpus,
        )  # fmt: skip
        data.gaps = res.tables()
        data.notes += list(res.notes)
        data.method["gaps"] = _jsonable(res.to_json(), drop=("tables",))
    except TextcoopError as exc:
        data.errors["gaps"] = str(exc)


def _topic_tables(data: ReportData, store) -> None:
    cmd = TOPICS_CMD.format(store=data.store_path)
    if data.documents.empty:
        data.lack("topics", "no documents in the store", cmd)
        return
    try:
        from textcoop.topics import topic_tables
    except ModuleNotFoundError as exc:
        if not _missing_module(exc, "textcoop.topics"):
            raise
        data.lack("topics", "this textcoop has no topic module (textcoop.topics)", cmd)
        return
    try:
        tables = topic_tables(store)
    except TextcoopError as exc:
        data.errors["topics"] = str(exc)
        return
    if tables is None:
        data.lack("topics", "no topic model has been fitted on this store", cmd)
    else:
        data.topics = tables


def _jsonable(obj: Any, drop: tuple[str, ...] = ()) -> Any:
    """Parameters for the appendix: small JSON values only (tables are shown elsewhere)."""
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items() if k not in drop}
    if isinstance(obj, list):
        return [_jsonable(v) for v in obj[:50]]
    return obj if isinstance(obj, str | int | float | bool | type(None)) else str(obj)


def _method(data: ReportData, codebook, model_dir: Path | None, surveys: list[Path]) -> None:
    from textcoop import __version__

    m = data.method
    m["textcoop"] = __version__
    m["generated"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    m["codebook"] = {
        "name": codebook.name,
        "version": codebook.version,
        "hash": codebook.hash,
        "path": codebook.path,
    }
    mdir = Path(model_dir) if model_dir else default_model_dir()
    meta_path = mdir / "meta.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        m["model"] = {
            "dir": str(mdir),
            "id": model_id_from_meta(meta),
            "codebook": meta.get("codebook", {}),
            "data": meta.get("data", {}),
            "versions": meta.get("versions", {}),
            "dev_metrics": meta.get("dev_metrics", {}),
            "created": meta.get("created", ""),
        }
    else:
        m["model"] = {"dir": str(mdir), "missing": True}
    m["store"] = {"path": data.store_path, "schema": data.status.get("schema_version")}
    m["surveys"] = [
        {"file": str(p), "sha256": sha256_file(p)} for p in surveys if Path(p).is_file()
    ]


def collect(
    store,
    surveys: list[str | Path] | None = None,
    codebook=None,
    model_dir: str | Path | None = None,
    region_column: str = "region",
    second_coding: str | Path | None = None,
    id_column: str | None = None,
) -> ReportData:
    """Everything the report shows, from an open store (read-only is enough) and survey files."""
    from textcoop.themes.codebook import load_codebook

    codebook = codebook or load_codebook()
    surveys = [Path(p) for p in (surveys or [])]
    data = ReportData(store_path=str(store.path))
    _store_tables(store, data)
    _survey_tables(
        data, surveys, codebook, region_column,
        Path(second_coding) if second_coding else None, id_column,
    )  # fmt: skip
    if data.documents.empty:
        for section in ("coverage", "gaps", "similarity"):
            data.lack(
                section,
                "no documents in the store",
                f"textcoop ingest FOLDER --store {data.store_path}",
            )
    else:
        _gaps_tables(data, store, surveys, codebook, region_column, model_dir)
    _topic_tables(data, store)
    _method(data, codebook, Path(model_dir) if model_dir else None, surveys)
    return data
