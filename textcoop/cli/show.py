"""`textcoop show`: a document's text with section paths and page anchors."""

from __future__ import annotations

import typer

from textcoop.cli.common import DEFAULT_STORE, console, handle_errors
from textcoop.store import open_store


@handle_errors
def show_cmd(
    doc: str = typer.Argument(..., help="Document id, id prefix or file name."),
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
    page: int | None = typer.Option(None, "--page", "-p", help="Only this page (1-based)."),
) -> None:
    """Print a document segment by segment: page, kind, section path, text.

    Example: textcoop show zaozersk_program_2024-2030.pdf --page 3
    """
    with open_store(store, read_only=True) as st:
        if page is not None:
            st.page(doc, page)  # raises a clear error for a missing page
        df = st.segments_df(doc=doc)
    if page is not None:
        df = df[df.page_no == page]
    last_page, last_section = None, None
    for r in df.itertuples():
        if r.page_no != last_page:
            console.print(f"\n[bold]── page {r.page_no} ──[/bold]", highlight=False)
            last_page = r.page_no
        section = " › ".join(r.section) if r.section is not None else ""
        if r.kind == "heading":
            console.print(
                f"[bold cyan]{r.text}[/bold cyan]  [dim]({section})[/dim]", highlight=False
            )
            last_section = section
            continue
        if section != last_section:
            console.print(f"[dim]§ {section}[/dim]", highlight=False)
            last_section = section
        marker = {"list_item": "  • ", "table_row": "  ▦ "}.get(r.kind, "")
        console.print(f"{marker}{r.text}", highlight=False, markup=False)
