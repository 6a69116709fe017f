"""`textcoop classify`: code the corpus store's segments into themes."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from textcoop.cli.common import DEFAULT_STORE, cell, console, handle_errors, state
from textcoop.cli.summary import what_went_wrong


@handle_errors
def classify_cmd(
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
    model: Path | None = typer.Option(
        None, "--model", "-m", help="Model directory (default: models/)."
    ),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Check the model was trained with this codebook."
    ),
    force: bool = typer.Option(
        False, "--force", help="Recode documents already coded by this model."
    ),
    wait: float = typer.Option(
        0.0, "--wait", help="Seconds to wait for another textcoop run to release the store."
    ),
    workers: int = typer.Option(
        0, "--workers", "-w", help="Worker processes (0 = one per CPU core)."
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler address to code on a cluster (default $TEXTCOOP_SCHEDULER or the config file; 'local' forces local workers).",
    ),
) -> None:
    """Code every segment (scores, themes, evidence) and compute each document's theme coverage.

    Example: textcoop classify --store corpus.duckdb
    """
    import os

    from rich.progress import Progress

    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.store import open_store
    from textcoop.themes.classify import classify_store
    from textcoop.themes.codebook import load_codebook

    par = {"workers": workers or os.cpu_count() or 1, "scheduler": scheduler}
    # the store first: a wrong path fails before seconds go into loading the model
    with open_store(store, wait=wait, create=False) as st:
        coder = ThemeCoder(model, codebook=load_codebook(codebook) if codebook else None)
        if state.quiet:
            rep = classify_store(st, coder, force, **par)
        else:
            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("classify", total=None)
                rep = classify_store(
                    st,
                    coder,
                    force,
                    progress=lambda d, i, n: bar.update(task, completed=i, total=n),
                    **par,
                )
        cov = st.coverage_df()
    console.print(
        f"coded {rep.segments} segments of {rep.documents} documents with model {rep.model_id}",
        highlight=False,
    )
    see_all = f"textcoop status --store {store} --problems"
    what_went_wrong([(name, code, msg) for _, name, code, msg in rep.failed], see_all)
    what_went_wrong(
        [(name, "no_text", "stored without text, nothing to code") for _, name in rep.no_text],
        f"textcoop docs --store {store}",
        title="Not coded",
        style="yellow",
    )
    if len(cov):
        t = Table(title="theme coverage (share of each document's text)")
        for col in ("document", "region", "themes (share)"):
            t.add_column(col, overflow="fold")
        for file_name, g in cov.groupby("file_name", sort=True):
            shares = ", ".join(
                f"{r.theme} {r.share:.0%}" for r in g.itertuples() if r.share >= 0.01
            )
            t.add_row(file_name, cell(g.region.iloc[0]), shares or "-")
        console.print(t)
    if rep.failed:
        raise typer.Exit(1)
