"""The `textcoop` command: global options and the list of commands."""

from __future__ import annotations

import typer

from textcoop import __version__
from textcoop.cli.check import check_cmd
from textcoop.cli.classify import classify_cmd
from textcoop.cli.code import code_cmd
from textcoop.cli.codebook import codebook_app
from textcoop.cli.common import state
from textcoop.cli.compare import compare_cmd
from textcoop.cli.docs import docs_cmd
from textcoop.cli.evaluate import evaluate_cmd
from textcoop.cli.export import export_cmd
from textcoop.cli.gaps import gaps_cmd
from textcoop.cli.ingest import ingest_cmd
from textcoop.cli.meta import meta_app
from textcoop.cli.report import report_cmd
from textcoop.cli.show import show_cmd
from textcoop.cli.status import status_cmd
from textcoop.cli.survey import survey_app
from textcoop.cli.topics import topics_app
from textcoop.cli.train import train_cmd

app = typer.Typer(
    name="textcoop",
    help="Text mining for regional industrial policy: ingest programs and strategies, code them into cooperation-support themes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"textcoop {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks on errors."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Global options."""
    state.verbose = verbose
    state.quiet = quiet


app.command("ingest")(ingest_cmd)
app.command("status")(status_cmd)
app.command("docs")(docs_cmd)
app.command("show")(show_cmd)
app.command("export")(export_cmd)
app.add_typer(meta_app, name="meta")
app.add_typer(codebook_app, name="codebook")
app.add_typer(survey_app, name="survey")
app.command("train")(train_cmd)
app.command("evaluate")(evaluate_cmd)
app.command("classify")(classify_cmd)
app.command("code")(code_cmd)
app.command("gaps")(gaps_cmd)
app.command("compare")(compare_cmd)
app.command("report")(report_cmd)
app.command("check")(check_cmd)
app.add_typer(topics_app, name="topics")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
