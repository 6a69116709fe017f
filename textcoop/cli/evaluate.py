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
    as_json: bool = typer.Option(False, "--json", help="Print metrics as JSON."),
) -> None:
    """Per-theme precision, recall, F1, support and Cohen's kappa; micro/macro F1; Krippendorff's alpha.

    Example: textcoop evaluate --gold my_coded_sample.csv --json
    """
    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.themes.data import check_labels, read_gold
    from textcoop.themes.metrics import evaluate_labels

    coder = ThemeCoder(model)
    examples = read_gold(gold, corpora=corpora)
    check_labels(examples, coder.labels, str(gold))
    docs = coder.code([ex.text for ex in examples])
    m = evaluate_labels([ex.labels for ex in examples], [d._.themes for d in docs], coder.labels)
    if as_json:
        typer.echo(json.dumps(m, ensure_ascii=False))
        return
    t = Table(
        title=f"{gold.name}: {m['n']} texts, macro-F1 {m['macro_f1']:.3f}, micro-F1 {m['micro_f1']:.3f}, alpha {m['alpha']:.3f}"
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
