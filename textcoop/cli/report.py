"""`textcoop report`: one self-contained HTML report with charts (also as SVG and PNG)."""

from __future__ import annotations

from pathlib import Path

import typer

from textcoop.cli.common import DEFAULT_STORE, console, handle_errors, refuse_overwrite


@handle_errors
def report_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="The HTML file to write."),
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
    survey: list[Path] = typer.Option(
        None, "--survey", help="Coded survey table (from `textcoop survey code`); repeatable."
    ),
    lang: str = typer.Option("ru", "--lang", "-l", help="Report language: ru or en."),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Codebook for theme names (default: the built-in one)."
    ),
    model: Path | None = typer.Option(
        None,
        "--model",
        "-m",
        help="Model directory whose quality the appendix shows (default: models/).",
    ),
    title: str | None = typer.Option(None, "--title", help="Report title."),
    second_coding: Path | None = typer.Option(
        None, "--second-coding", help="The same answers coded by a second coder (for agreement)."
    ),
    id_column: str | None = typer.Option(
        None, "--id-column", help="Respondent id column shared by --survey and --second-coding."
    ),
    region_column: str = typer.Option(
        "region", "--region-column", help="Survey column holding the respondent's region."
    ),
) -> None:
    """Write one HTML file (charts, styles inline; nothing fetched when opened) and each chart as SVG and PNG.

    Sections: corpus overview, theme coverage by region, demand vs supply and top gaps
    with evidence, omissions and peer gaps, topics, region similarity, survey frequencies
    with 95% intervals, method appendix. A section whose inputs are missing says which
    command produces them.

    Example: textcoop report --store corpus.duckdb --survey coded.xlsx --out report.html --lang ru
    """
    from textcoop.errors import InputError
    from textcoop.report import build_report
    from textcoop.report.i18n import check_lang
    from textcoop.themes.codebook import load_codebook

    check_lang(lang)
    surveys = list(survey or [])
    inputs = [
        store,
        *surveys,
        *([second_coding] if second_coding else []),
        *([codebook] if codebook else []),
    ]
    refuse_overwrite(out, *inputs)
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError("the report is an HTML file", value=str(out), hint="use --out report.html")
    for p in [*surveys, *([second_coding] if second_coding else [])]:
        if not p.is_file():
            raise InputError(
                f"no survey file {p}", hint="give a table written by `textcoop survey code`"
            )
    if second_coding and not id_column:
        raise InputError("--second-coding needs --id-column to match answers")
    cb = load_codebook(codebook)
    st = _open_for_reading(store)
    try:
        res = build_report(
            st, out, surveys, lang=lang, codebook=cb, model_dir=model, title=title,
            second_coding=second_coding, id_column=id_column, region_column=region_column,
        )  # fmt: skip
    finally:
        st.close()
    for section, items in res.missing.items():
        for m in items:
            how = f" → {m.command}" if m.command else ""
            console.print(f"[yellow]{section}: {m.message}{how}[/yellow]", highlight=False)
    for section, msg in res.errors.items():
        console.print(f"[red]{section}: {msg}[/red]", highlight=False)
    if res.charts:
        console.print(
            f"{len(res.charts) // 2} charts (SVG and PNG) → {res.charts[0].parent}", highlight=False
        )
    console.print(f"report → {res.path}", highlight=False)


def _open_for_reading(path: str):
    """Open the store read-only; an older store is opened once for writing so its migrations apply."""
    from textcoop.errors import StoreError
    from textcoop.store.store import Store

    try:
        return Store(path, read_only=True)
    except StoreError as exc:
        if "migration" not in str(exc):
            raise
        return Store(path)
