"""People in the loop: a review workbook of the doubtful answers, and merging the human codes back.

The review workbook lists the answers marked ``needs_review``, least
confident first (uncertainty sampling: the answers a person learns the model
most from), with the model's suggestion pre-filled in one 0/1 dropdown column
per theme. Merging takes the reviewed codes back and marks each answer's
code source (``human`` or ``model:<id>``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from textcoop.errors import InputError

ROW = "row"


def prefix_for(df: pd.DataFrame, text_columns: list[str]) -> dict[str, str]:
    """Prefix of the coded columns for each text column (as `survey code` named them)."""
    out = {}
    for col in text_columns:
        if col not in df.columns:
            raise InputError(f"no column {col!r} in the coded table", options=list(df.columns))
        if len(text_columns) == 1 and "themes" in df.columns:
            out[col] = ""
        elif f"{col}__themes" in df.columns:
            out[col] = f"{col}__"
        else:
            raise InputError(
                f"column {col!r} has not been coded",
                hint="run `textcoop survey code` with this --text-column first",
            )
    return out


def review_table(df: pd.DataFrame, text_columns: list[str], themes: list[str]) -> pd.DataFrame:
    """The answers needing review, least confident first, with the model's codes pre-filled."""
    rows = []
    for col, p in prefix_for(df, text_columns).items():
        need = pd.to_numeric(df[f"{p}needs_review"], errors="coerce").fillna(0) == 1
        for idx, r in df[need].iterrows():
            row = {
                ROW: int(idx) + 2,
                "question": col,
                "answer": r[col],
                "model_suggestion": r[f"{p}themes"],
                "confidence": r[f"{p}confidence"],
                "evidence": r[f"{p}evidence"],
            }
            row.update(
                {t: int(pd.to_numeric(r.get(f"{p}{t}", 0), errors="coerce") or 0) for t in themes}
            )
            rows.append(row)
    out = pd.DataFrame(
        rows,
        columns=[ROW, "question", "answer", "model_suggestion", "confidence", "evidence", *themes],
    )
    return out.sort_values(["confidence", ROW], kind="stable").reset_index(drop=True)


def write_review(table: pd.DataFrame, path: str | Path, themes: list[str]) -> None:
    """XLSX with a 0/1 dropdown (data validation) in every theme column."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise InputError("the review workbook must be .xlsx (it carries dropdowns)", value=p.suffix)
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        table.to_excel(xw, sheet_name="review", index=False)
        ws = xw.sheets["review"]
        dv = DataValidation(
            type="list",
            formula1='"0,1"',
            allow_blank=False,
            showErrorMessage=True,
            errorTitle="0 or 1",
            error="Enter 1 if the answer has this theme, 0 if not",
        )
        ws.add_data_validation(dv)
        first = len(table.columns) - len(themes) + 1
        last_row = max(2, len(table) + 1)
        for j in range(first, len(table.columns) + 1):
            letter = get_column_letter(j)
            dv.add(f"{letter}2:{letter}{last_row}")
        ws.freeze_panes = "D2"
        ws.column_dimensions["C"].width = 60


def merge_review(
    df: pd.DataFrame,
    review: pd.DataFrame,
    text_columns: list[str],
    themes: list[str],
    model_id: str,
) -> tuple[pd.DataFrame, int]:
    """Apply reviewed codes to the coded table; returns (table, answers changed by people)."""
    need = {ROW, "question", *themes}
    missing = [c for c in need if c not in review.columns]
    if missing:
        raise InputError(
            f"the review workbook lacks column(s) {', '.join(sorted(missing))}",
            hint="merge the workbook written by `textcoop survey review`",
        )
    out = df.copy()
    prefixes = prefix_for(df, text_columns)
    for p in prefixes.values():
        out[f"{p}code_source"] = f"model:{model_id}"
        for c in [*(f"{p}{t}" for t in themes), f"{p}needs_review"]:
            if c in out.columns:  # tables read back from CSV/XLSX hold text
                out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0).astype(int)
    changed = 0
    for _, r in review.iterrows():
        col = str(r["question"])
        if col not in prefixes:
            raise InputError(
                f"review row {r[ROW]}: question {col!r} is not one of the --text-column values",
                options=list(prefixes),
            )
        idx = int(r[ROW]) - 2
        if idx not in out.index:
            raise InputError(
                f"review row refers to table row {r[ROW]}, which does not exist",
                hint="was the coded table changed after the review was made?",
            )
        p = prefixes[col]
        bad = [t for t in themes if str(r[t]).strip() not in ("0", "1", "0.0", "1.0")]
        if bad:
            raise InputError(
                f"review row {r[ROW]} ({col}): theme column(s) {', '.join(bad)} must be 0 or 1"
            )
        chosen = [t for t in themes if int(float(r[t])) == 1]
        before = [
            t
            for t in themes
            if int(pd.to_numeric(out.at[idx, f"{p}{t}"], errors="coerce") or 0) == 1
        ]
        changed += chosen != before
        for t in themes:
            out.at[idx, f"{p}{t}"] = int(t in chosen)
        out.at[idx, f"{p}themes"] = ";".join(chosen) or "other"
        out.at[idx, f"{p}needs_review"] = 0
        out.at[idx, f"{p}code_source"] = "human"
    return out, changed


def human_examples(path: str | Path, text_columns: list[str]):
    """Training examples from a merged survey table: the answers people coded."""
    from textcoop.extract.language import detect_lang
    from textcoop.survey.tables import read_table
    from textcoop.themes.data import Example

    if not text_columns:
        raise InputError("--from-survey needs --text-column to know which answers were coded")
    df, _ = read_table(path)
    out = []
    for col, p in prefix_for(df, text_columns).items():
        if f"{p}code_source" not in df.columns:
            raise InputError(
                f"{path} has no {p}code_source column",
                hint="merge a review first with `textcoop survey merge`",
            )
        human = df[df[f"{p}code_source"] == "human"]
        for idx, r in human.iterrows():
            labels = [x for x in str(r[f"{p}themes"]).split(";") if x]
            text = str(r[col]).strip()
            if text and labels:
                out.append(
                    Example(
                        f"{Path(path).stem}-{col}-{idx}",
                        text,
                        labels,
                        detect_lang(text, default="ru"),
                        "survey",
                    )
                )
    return out
