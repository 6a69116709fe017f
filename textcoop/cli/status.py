"""`textcoop status`: what the store holds, and what went wrong."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from textcoop.cli.common import DEFAULT_STORE, cell, console, handle_errors
from textcoop.store import open_store


@handle_errors
def status_cmd(
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
    as_json: bool = typer.Option(False, "--json", help="Print counts as JSON."),
    problems: bool = typer.Option(
        False, "--problems", help="List every recorded error and warning."
    ),
) -> None:
    """Show counts of documents, pages, segments, errors and pages needing OCR.

    Example: textcoop status --store corpus.duckdb --json
    """
    with open_store(store, read_only=True) as st:
        counts = st.status()
        if as_json:
            typer.echo(json.dumps(counts))
            return
        t = Table(title=f"corpus store {store}", show_header=False)
        for k, v in counts.items():
            t.add_row(k, str(v))
        console.print(t)
        df = st.problems_df(None if problems else "error")
        if len(df):
            pt = Table(title="problems" if problems else "errors (all problems: --problems)")
            for col in ("severity", "code", "path", "page_no", "message"):
                pt.add_column(col, overflow="fold")
            for r in df.itertuples():
                pt.add_row(r.severity, r.code, str(r.path), cell(r.page_no), r.message)
            console.print(pt)
