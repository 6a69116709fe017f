"""`textcoop export`: tables out as Parquet, CSV or JSON Lines."""

from __future__ import annotations

from pathlib import Path

import typer

from textcoop.cli.common import DEFAULT_STORE, console, handle_errors, refuse_overwrite
from textcoop.store import open_store


@handle_errors
def export_cmd(
    table: str = typer.Argument(..., help="segments, documents, sentences, pages or problems."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file."),
    fmt: str = typer.Option("parquet", "--format", "-f", help="parquet, csv or jsonl."),
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
) -> None:
    """Export a table with document metadata joined in.

    Example: textcoop export segments --format parquet --out segments.parquet
    """
    refuse_overwrite(out, store)
    with open_store(store, read_only=True) as st:
        n = st.export(table, fmt, out)
    console.print(f"{n} rows of {table} → {out}", highlight=False)
