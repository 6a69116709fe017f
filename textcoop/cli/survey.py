"""`textcoop survey code`: code open answers of a survey table into themes."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from textcoop.cli.common import console, handle_errors

survey_app = typer.Typer(help="Code open-ended survey answers into themes.", no_args_is_help=True)


@survey_app.command("code")
@handle_errors
def survey_code_cmd(
    file: Path = typer.Argument(..., help="Survey table: CSV, XLSX, SAV or Parquet."),
    text_column: list[str] = typer.Option(
        ..., "--text-column", "-t", help="Column with open answers; repeatable."
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Output table (.csv, .xlsx, .sav, .parquet); never the input."
    ),
    id_column: str | None = typer.Option(
        None, "--id-column", help="Respondent id column (duplicates are reported)."
    ),
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX sheet (default: the first)."),
    model: Path | None = typer.Option(
        None, "--model", "-m", help="Model directory (default: models/)."
    ),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Check the model was trained with this codebook."
    ),
    review_below: float = typer.Option(
        0.6, "--review-below", help="Mark answers with confidence below this for review."
    ),
) -> None:
    """Add theme columns, confidence, needs_review, evidence and nonsubstantive to the table.

    Example: textcoop survey code answers.csv --text-column "Что мешает кооперации?" --out coded.xlsx
    """
    from textcoop.errors import InputError
    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.survey.code import code_answers
    from textcoop.survey.tables import read_table, require_columns, write_table
    from textcoop.themes.codebook import load_codebook

    if out.resolve() == file.resolve():
        raise InputError(
            "--out is the input file; textcoop never overwrites its inputs",
            hint="choose another output name",
        )
    df, info = read_table(file, sheet)
    require_columns(df, list(text_column) + ([id_column] if id_column else []), file)
    cb = load_codebook(codebook)
    coder = ThemeCoder(model, codebook=cb if codebook else None)
    coded, rep = code_answers(df, list(text_column), coder, id_column, review_below)
    notes = write_table(coded, out, cb)
    read_note = ", ".join(
        f"{k} {v}" for k, v in info.items() if k in ("encoding", "delimiter", "sheet")
    )
    console.print(
        f"read {rep.rows} rows from {file.name} ({read_note or info['format']}); coded table → {out}",
        highlight=False,
    )
    if rep.duplicate_ids:
        console.print(
            f"[yellow]duplicate respondent ids ({len(rep.duplicate_ids)}):[/yellow] {', '.join(rep.duplicate_ids[:10])}",
            highlight=False,
        )
    for note in notes:
        console.print(f"[yellow]{note}[/yellow]", highlight=False)
    if rep.truncated:
        console.print(
            f"[yellow]{rep.truncated} answer(s) longer than 5,000 characters were coded on their first 5,000[/yellow]",
            highlight=False,
        )
    for col in text_column:
        t = Table(
            title=f"{col}: {rep.coded[col]} answers coded, {rep.empty[col]} empty, {rep.nonsubstantive[col]} non-substantive, {rep.needs_review[col]} need review"
        )
        t.add_column("theme")
        t.add_column("answers", justify="right")
        t.add_column("share of substantive", justify="right")
        base = max(1, rep.coded[col] - rep.nonsubstantive[col])
        for th, n in sorted(rep.theme_counts[col].items(), key=lambda kv: -kv[1]):
            t.add_row(th, str(n), f"{n / base:.0%}")
        console.print(t)
