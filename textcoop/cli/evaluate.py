"""`textcoop evaluate`: a model against gold codes, as agreement between two coders."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from textcoop.cli.common import console, handle_errors


@handle_errors
def evaluate_cmd(
    gold: Path = typer.Option(..., "--gold", "-g", help="Gold data: JSONL or CSV (text, labels)."),
    model: Path | None = typer.Option(
        None, "--model", "-m", help="Model directory (default: models/)."
    ),
    corpora: Path | None = typer.Option(
        None,
        "--corpora",
        help="Folder that gold references by offsets point into (../shared/corpora).",
    ),
    against: Path | None = typer.Option(
        None,
        "--against",
        help="A second coder's coding of the same texts (JSONL or CSV): "
        "agreement between two people instead of a model against the gold.",
    ),
    codebook: Path | None = typer.Option(
        None, "--codebook", help="Codebook whose ids the codings use (with --against)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print metrics as JSON."),
) -> None:
    """Per-theme precision, recall, F1, support and Cohen's kappa; micro/macro F1; Krippendorff's alpha.

    Example: textcoop evaluate --gold my_coded_sample.csv --json
    Two coders: textcoop evaluate --gold coder1.csv --against coder2.csv
    """
    from textcoop.errors import InputError
    from textcoop.themes.data import align_codings, check_labels, read_gold
    from textcoop.themes.metrics import evaluate_labels

    examples = read_gold(gold, corpora=corpora)
    if against is not None:
        from textcoop.themes.codebook import load_codebook

        if model is not None:
            raise InputError(
                "--against compares two codings; --model is not used with it",
                hint="drop --model, or drop --against to score the model",
            )
        labels = load_codebook(codebook).ids
        second = read_gold(against, corpora=corpora)
        check_labels(examples, labels, str(gold))
        check_labels(second, labels, str(against))
        truth, pred, only = align_codings(examples, second, str(against))
        m = evaluate_labels(truth, pred, labels)
        m["only_in_gold"], m["only_in_against"] = len(only["only_first"]), len(only["only_second"])
        what = f"{gold.name} against {against.name}"
    else:
        from textcoop.nlp.pipeline import ThemeCoder

        if codebook is not None:
            raise InputError(
                "--codebook is for --against: a model is scored with the codebook it was trained on",
                hint="drop --codebook, or add --against SECOND_CODING to compare two coders",
            )

        coder = ThemeCoder(model)
        check_labels(examples, coder.labels, str(gold))
        docs = coder.code([ex.text for ex in examples])
        m = evaluate_labels(
            [ex.labels for ex in examples], [d._.themes for d in docs], coder.labels
        )
        what = gold.name
    if as_json:
        typer.echo(json.dumps(m, ensure_ascii=False))
        return
    t = Table(
        title=f"{what}: {m['n']} texts, macro-F1 {m['macro_f1']:.3f}, micro-F1 {m['micro_f1']:.3f}, alpha {m['alpha']:.3f}"
    )
    for col in ("theme", "precision", "recall", "F1", "kappa", "support"):
        t.add_column(col, justify="right" if col != "theme" else "left")
    for lab, v in m["per_label"].items():
        t.add_row(
            lab,
            f"{v['precision']:.2f}",
            f"{v['recall']:.2f}",
            f"{v['f1']:.2f}",
            f"{m['kappa'][lab]:.2f}",
            str(v["support"]),
        )
    console.print(t)
    if m.get("only_in_gold") or m.get("only_in_against"):
        console.print(
            f"left out: {m['only_in_gold']} text(s) coded only in {gold.name}, "
            f"{m['only_in_against']} only in {against.name}",
            highlight=False,
        )
