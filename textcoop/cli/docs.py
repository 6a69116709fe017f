"""`textcoop docs`: list stored documents with their metadata."""

from __future__ import annotations

import typer
from rich.table import Table

from textcoop.cli.common import DEFAULT_STORE, cell, console, handle_errors
from textcoop.store import open_store


@handle_errors
def docs_cmd(
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
    region: str | None = typer.Option(None, "--region", help="Only this region."),
    year: str | None = typer.Option(
        None, "--year", help="Only this year or period, e.g. 2021-2025."
    ),
    doc_type: str | None = typer.Option(
        None, "--doc-type", help="Only this type: program, strategy, plan, law, report, other."
    ),
) -> None:
    """List documents: id, file, title, region, period, type, pages, language.

    Example: textcoop docs --store corpus.duckdb --region "Вологодская область"
    """
    with open_store(store, read_only=True) as st:
        df = st.documents_df(region=region, year=year, doc_type=doc_type)
    t = Table(title=f"{len(df)} documents")
    widths = {"doc_id": 12, "file": 28, "title": 30, "region": 20, "year": 9}
    for col in ("doc_id", "file", "title", "region", "year", "type", "pages", "lang", "ocr"):
        t.add_column(col, overflow="ellipsis", no_wrap=True, max_width=widths.get(col))
    for r in df.itertuples():
        ocr = (
            f"{r.n_ocr_pages} done, {r.n_needs_ocr} pending"
            if (r.n_ocr_pages or r.n_needs_ocr)
            else ""
        )
        t.add_row(
            r.doc_id,
            cell(r.file_name),
            cell(r.title, 80),
            cell(r.region),
            cell(r.year),
            cell(r.doc_type),
            cell(r.n_pages),
            cell(r.language),
            ocr,
        )
    console.print(t)
