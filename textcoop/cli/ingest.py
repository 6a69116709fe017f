"""`textcoop ingest`: extract documents into the corpus store."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from textcoop.cli.common import DEFAULT_STORE, console, handle_errors, state
from textcoop.cli.summary import what_went_wrong
from textcoop.extract import ExtractOptions
from textcoop.extract.pdf import PdfOptions
from textcoop.store import open_store
from textcoop.store.ingest import IngestOptions, IngestReport, discover, ingest


def _summary(report: IngestReport, store_path: str) -> None:
    console.print(
        f"[bold]{len(report.stored)}[/bold] stored ({report.pages} pages, {report.segments} segments), "
        f"[bold]{len(report.skipped)}[/bold] already in the store, "
        f"[bold {'red' if report.failed else 'green'}]{len(report.failed)}[/] failed  → {store_path}",
        highlight=False,
    )
    if report.warnings:
        console.print("[yellow]Warnings[/yellow]", highlight=False)
        for code, n in report.warnings.most_common():
            files = report.warning_files.get(code, [])
            first = ", ".join(Path(f).name for f in files[:3]) + (" ..." if len(files) > 3 else "")
            console.print(f"  {code}: {n} ({len(files)} files: {first})", highlight=False)
        if "needs_ocr" in report.warnings:
            console.print(
                "  pages marked needs_ocr have no stored text: install Tesseract (`make sysdeps`) and rerun",
                highlight=False,
            )
    what_went_wrong(
        [(path, code, msg) for path, code, msg in report.failed],
        f"textcoop status --store {store_path} --problems",
    )


@handle_errors
def ingest_cmd(
    paths: list[Path] = typer.Argument(..., help="Files or folders (walked recursively)."),
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file (DuckDB)."),
    meta: Path | None = typer.Option(
        None, "--meta", help="Manifest CSV: path,region,year,doc_type,title."
    ),
    workers: int = typer.Option(
        0, "--workers", "-w", help="Worker processes (0 = one per CPU core)."
    ),
    ocr: str = typer.Option(
        "auto", "--ocr", help="auto: OCR pages without usable text; never; always."
    ),
    timeout: float = typer.Option(
        600.0, "--max-doc-seconds", "--timeout", help="Seconds allowed per document."
    ),
    max_memory: float = typer.Option(
        3000.0,
        "--max-doc-memory-mb",
        help="Memory (MB) one document may take in its worker; 0 = no limit.",
    ),
    commit_every: int = typer.Option(
        50, "--commit-every", help="Write at most this many documents per transaction."
    ),
    wait: float = typer.Option(
        0.0, "--wait", help="Seconds to wait for another textcoop run to release the store."
    ),
    max_pages: int = typer.Option(2000, "--max-pages", help="Refuse PDFs with more pages."),
    max_ocr_pages: int = typer.Option(
        60, "--max-ocr-pages", help="OCR at most this many pages per document."
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler address (tcp://host:8786) to run on a cluster; default $TEXTCOOP_SCHEDULER or ~/.config/textcoop/config.toml; 'local' forces local workers.",
    ),
    tables: str = typer.Option(
        "grid", "--tables", help="grid (fast ruled-table reader), pymupdf (page.find_tables), none."
    ),
) -> None:
    """Extract PDFs, DOCX, HTML, TXT/MD (and scanned images) into the corpus store.

    Files already stored (same content) are skipped, so rerunning continues
    an interrupted run. Example:

        textcoop ingest programs/ --store corpus.duckdb --meta programs/manifest.csv
    """
    import os

    from textcoop.errors import InputError

    if ocr not in ("auto", "never", "always"):
        raise InputError("unknown --ocr mode", value=ocr, options=["auto", "never", "always"])
    if tables not in ("grid", "pymupdf", "none"):
        raise InputError("unknown --tables mode", value=tables, options=["grid", "pymupdf", "none"])
    opts = IngestOptions(
        workers=workers or os.cpu_count() or 1,
        timeout=timeout,
        max_memory_mb=max_memory or None,
        batch_docs=commit_every,
        extract=ExtractOptions(
            pdf=PdfOptions(ocr=ocr, max_pages=max_pages, max_ocr_pages=max_ocr_pages, tables=tables)
        ),
        manifest=meta,
        scheduler=scheduler,
    )
    # walk the folders once: ingest gets the file list (and the missing paths, to record them)
    files, missing = discover(paths)
    total = len(files)
    paths = [*files, *(Path(m[0]) for m in missing)]
    with open_store(store, wait=wait) as st:
        if state.quiet or total == 0:
            report = ingest(paths, st, opts)
        else:
            with Progress(
                TextColumn("[bold]ingest[/bold]"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task("", total=total)

                def tick(event: str, path: str, _d: int, _t: int) -> None:
                    bar.update(task, advance=1, description=f"{event}: {Path(path).name[:50]}")

                report = ingest(paths, st, opts, progress=tick)
        _summary(report, store)
    raise typer.Exit(report.exit_code)
