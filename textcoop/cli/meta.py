"""`textcoop meta set`: correct a document's region, period, type or title."""

from __future__ import annotations

import typer

from textcoop.cli.common import DEFAULT_STORE, console, handle_errors
from textcoop.store import open_store

meta_app = typer.Typer(help="View or edit document metadata.", no_args_is_help=True)


@meta_app.command("set")
@handle_errors
def meta_set_cmd(
    doc: str = typer.Argument(..., help="Document id, id prefix or file name."),
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
    region: str | None = typer.Option(
        None, "--region", help="Region name, e.g. 'Вологодская область'."
    ),
    year: str | None = typer.Option(None, "--year", help="Year or period, e.g. 2021-2025."),
    doc_type: str | None = typer.Option(
        None, "--doc-type", help="program, strategy, plan, law, report or other."
    ),
    title: str | None = typer.Option(None, "--title", help="Document title."),
) -> None:
    """Set metadata fields of one document (others are left as they are).

    Example: textcoop meta set 3fa2c1 --region "Вологодская область" --year 2021-2025
    """
    with open_store(store, create=False) as st:
        doc_id = st.set_meta(doc, region=region, year=year, doc_type=doc_type, title=title)
    console.print(f"updated {doc_id}", highlight=False)
