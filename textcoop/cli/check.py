"""`textcoop check`: verify the store's integrity and say how to repair it."""

from __future__ import annotations

import json

import typer

from textcoop.cli.common import DEFAULT_STORE, console, handle_errors


@handle_errors
def check_cmd(
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
    repair: bool = typer.Option(
        False,
        "--repair",
        help="Delete partial documents and orphaned rows, so a rerun of ingest/classify restores them.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
    wait: float = typer.Option(
        0.0, "--wait", help="Seconds to wait for another textcoop run to release the store."
    ),
) -> None:
    """Check the store: schema version, counts, partial documents, orphaned rows, duplicates.

    Exit code 0 when the store is sound, 1 with the list of problems and the
    repair command. Example:

        textcoop check --store corpus.duckdb
    """
    from textcoop.store import open_store
    from textcoop.store.check import check_store, repair_store

    with open_store(store, read_only=not repair, wait=wait, create=False) as st:
        deleted = repair_store(st) if repair else {}
        rep = check_store(st)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": rep.ok,
                    "schema_version": rep.schema_version,
                    "counts": rep.counts,
                    "findings": [f.__dict__ for f in rep.findings],
                    "notes": rep.notes,
                    "deleted": deleted,
                },
                ensure_ascii=False,
            )
        )
        raise typer.Exit(0 if rep.ok else 1)
    if deleted:
        console.print(
            "repaired: deleted " + ", ".join(f"{n} {t} rows" for t, n in deleted.items()),
            highlight=False,
        )
    counts = ", ".join(f"{n} {t}" for t, n in rep.counts.items())
    console.print(f"store {store}: schema version {rep.schema_version}; {counts}", highlight=False)
    for note in rep.notes:
        console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    if rep.ok:
        console.print("[green]store is consistent[/green]", highlight=False)
        return
    console.print(f"[red]{len(rep.findings)} integrity problem(s)[/red]", highlight=False)
    for f in rep.findings:
        ex = f" (e.g. {', '.join(f.examples)})" if f.examples else ""
        console.print(f"  {f.code}: {f.count} — {f.message}{ex}", highlight=False)
    if any(f.repairable for f in rep.findings):
        console.print(
            f"repair: textcoop check --store {store} --repair, then rerun "
            f"`textcoop ingest ... --store {store}` and `textcoop classify --store {store}`",
            highlight=False,
        )
    if any(not f.repairable for f in rep.findings):
        console.print(
            "a schema version problem cannot be repaired here: open the store with the textcoop that wrote it",
            highlight=False,
        )
    raise typer.Exit(1)
