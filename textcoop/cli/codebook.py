"""`textcoop codebook show|validate|init`: inspect, check and start a codebook."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer
from rich.table import Table

from textcoop.cli.common import console, fail, handle_errors
from textcoop.themes.codebook import default_codebook_path, load_codebook, validate_codebook

codebook_app = typer.Typer(
    help="Show, validate or start a codebook (themes, seed terms, examples).", no_args_is_help=True
)


@codebook_app.command("show")
@handle_errors
def show_cmd(
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Codebook YAML (default: the shipped one)."
    ),
    lang: str = typer.Option("en", "--lang", help="Language of names and definitions: ru or en."),
) -> None:
    """List the themes with names, definitions and seed counts.

    Example: textcoop codebook show --lang ru
    """
    cb = load_codebook(codebook)
    t = Table(title=f"{cb.name} v{cb.version}  (hash {cb.hash[:12]})", show_lines=True)
    for col in ("id", "name", "definition", "seeds ru/en"):
        t.add_column(col, overflow="fold")
    for th in cb.themes:
        seeds = f"{len(th.seeds.get('ru', []))}/{len(th.seeds.get('en', []))}"
        t.add_row(th.id, th.name.get(lang, ""), th.definition.get(lang, "")[:300], seeds)
    console.print(t)


@codebook_app.command("validate")
@handle_errors
def validate_cmd(codebook: Path = typer.Argument(..., help="Codebook YAML to check.")) -> None:
    """Report every problem of a codebook at once, each with its line.

    Example: textcoop codebook validate my_codebook.yaml
    """
    if not codebook.is_file():
        fail(f"codebook {codebook} does not exist", 2)
    problems = validate_codebook(codebook)
    if problems:
        for p in problems:
            console.print(f"[red]{codebook}:{p}[/red]", highlight=False)
        fail(f"{len(problems)} problem(s) in {codebook}", 1)
    cb = load_codebook(codebook)
    console.print(
        f"[green]ok[/green]: {cb.name} v{cb.version}, {len(cb.ids)} themes, hash {cb.hash[:12]}",
        highlight=False,
    )


@codebook_app.command("init")
@handle_errors
def init_cmd(
    out: Path = typer.Argument(..., help="Where to write a copy of the default codebook to edit."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write the default codebook to a file, as a starting point for your own scheme.

    Example: textcoop codebook init my_codebook.yaml
    """
    if out.exists() and not force:
        fail(f"{out} exists; use --force to overwrite", 2)
    shutil.copyfile(default_codebook_path(), out)
    console.print(
        f"wrote {out}: edit themes, seeds and examples, then `textcoop codebook validate {out}`",
        highlight=False,
    )
