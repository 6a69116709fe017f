"""The demand side: which respondents raise which theme, from tables coded by `survey code`.

A coded table has one 0/1 column per theme id; with several text columns
the columns carry the question as a prefix (``q_support__finance``). A
respondent *raises* a theme when any of their answers is coded with it.
The denominator is the respondents with at least one substantive answer
(empty and "don't know" answers say nothing about what firms need), the
same base as `survey summary`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from textcoop.errors import InputError
from textcoop.gaps.notes import Note

CODED_SUFFIXES = ("themes", "confidence", "needs_review", "evidence", "nonsubstantive")


def coded_questions(df: pd.DataFrame, themes: list[str]) -> dict[str, str | None]:
    """Coded questions of a table: column prefix -> its text column (None when unknown)."""
    out: dict[str, str | None] = {}
    for col in df.columns:
        if (
            col.endswith("nonsubstantive")
            and f"{col[: -len('nonsubstantive')]}themes" in df.columns
        ):
            prefix = col[: -len("nonsubstantive")]
            text = prefix[:-2] if prefix.endswith("__") and prefix[:-2] in df.columns else None
            out[prefix] = text
    return out


def _guess_text_column(df: pd.DataFrame, exclude: set[str]) -> str | None:
    """The longest free-text column not produced by coding (single-question tables name none)."""
    best, best_len = None, 0.0
    for col in df.columns:
        if col in exclude or col.endswith(CODED_SUFFIXES):
            continue
        mean_len = df[col].astype(str).str.len().mean()
        if mean_len > best_len:
            best, best_len = col, mean_len
    return best


def respondents(
    df: pd.DataFrame,
    themes: list[str],
    region_column: str,
    source: str = "survey",
    id_prefix: str = "",
    id_column: str | None = None,
    text_column: str | None = None,
    notes: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per respondent (resp_id, group, substantive, one 0/1 column per theme) and the answers.

    The answers table (resp_id, theme, text, confidence) holds each coded
    answer that raised a theme: the evidence behind the demand side.
    """
    notes = notes if notes is not None else []
    if region_column not in df.columns:
        raise InputError(
            f"{source}: no column {region_column!r} to match respondents to regions",
            options=list(df.columns),
            hint="pass --region-column with the column that names the respondent's region",
        )
    questions = coded_questions(df, themes)
    if not questions:
        raise InputError(
            f"{source}: no coded columns (themes, nonsubstantive, one 0/1 column per theme)",
            hint="code the answers first with `textcoop survey code FILE --text-column COL --out CODED`",
        )
    for prefix in questions:
        missing = [t for t in themes if f"{prefix}{t}" not in df.columns]
        if missing:
            raise InputError(
                f"{source}: the coded columns lack the codebook's theme(s) {', '.join(missing)}"
                + (f" (question {prefix.rstrip('_')})" if prefix else ""),
                hint="code the survey with a model trained on this codebook, or drop --codebook",
            )
    if id_column and id_column not in df.columns:
        raise InputError(f"{source}: no id column {id_column!r}", options=list(df.columns))
    if id_column is None:
        cands = [c for c in df.columns if "id" in c.lower().split("_") and df[c].is_unique]
        id_column = cands[0] if cands else None
    ids = (
        df[id_column].astype(str)
        if id_column
        else pd.Series([f"row {i + 2}" for i in range(len(df))])
    )
    ids = (id_prefix + ids).tolist()
    raised = np.zeros((len(df), len(themes)), dtype=np.int8)
    substantive = np.zeros(len(df), dtype=bool)
    answers = []
    for prefix, text_col in questions.items():
        if text_col is None:
            exclude = {region_column, id_column or ""}
            text_col = text_column or _guess_text_column(df, exclude)
            if text_col and not text_column:
                notes.append(
                    Note(
                        f"{source}: answers taken from column {text_col!r} (the longest text)",
                        f"{source}: ответы взяты из столбца {text_col!r} (самый длинный текст)",
                    )
                )
        answered = df[f"{prefix}themes"].astype(str).str.strip() != ""
        nonsub = pd.to_numeric(df[f"{prefix}nonsubstantive"], errors="coerce").fillna(0) > 0
        substantive |= (answered & ~nonsub).to_numpy()
        conf = pd.to_numeric(df.get(f"{prefix}confidence"), errors="coerce")
        for j, t in enumerate(themes):
            flag = pd.to_numeric(df[f"{prefix}{t}"], errors="coerce").fillna(0).to_numpy() > 0
            raised[:, j] |= flag
            for i in np.flatnonzero(flag):
                answers.append(
                    {
                        "resp_id": ids[i],
                        "theme": t,
                        "question": prefix.rstrip("_") or (text_col or ""),
                        "text": str(df[text_col].iloc[i]) if text_col else "",
                        "confidence": None
                        if conf is None or pd.isna(conf.iloc[i])
                        else float(conf.iloc[i]),
                    }
                )
    resp = pd.DataFrame(raised, columns=themes)
    resp.insert(0, "substantive", substantive)
    resp.insert(0, "group_raw", df[region_column].astype(str).str.strip().to_numpy())
    resp.insert(0, "resp_id", ids)
    ans = pd.DataFrame(answers, columns=["resp_id", "theme", "question", "text", "confidence"])
    return resp, ans


def read_surveys(
    paths: list[str | Path],
    themes: list[str],
    region_column: str,
    id_column: str | None = None,
    text_column: str | None = None,
    notes: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Respondents and answers of several coded files (ids prefixed by file name when several)."""
    from textcoop.survey.tables import read_table

    resp, ans = [], []
    stems = [Path(p).stem for p in paths]
    unique = len(set(stems)) == len(stems)
    for i, p in enumerate(paths):
        df, _ = read_table(p)
        # answer ids stay unique across files: "wave2:R001" (numbered when file names repeat)
        prefix = "" if len(paths) == 1 else f"{stems[i]}:" if unique else f"{i + 1}-{stems[i]}:"
        r, a = respondents(df, themes, region_column, str(p), prefix, id_column, text_column, notes)
        resp.append(r)
        ans.append(a)
    return pd.concat(resp, ignore_index=True), pd.concat(ans, ignore_index=True)
