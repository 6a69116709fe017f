"""`textcoop train`: train theme coders from labelled data."""

from __future__ import annotations

from pathlib import Path

import typer

from textcoop.cli.common import console, handle_errors


@handle_errors
def train_cmd(
    data: list[Path] = typer.Option(
        ..., "--data", "-d", help="Labelled data (JSONL or CSV in the gold format); repeatable."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Model directory to write."),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Codebook YAML (default: the shipped one)."
    ),
    lang: list[str] = typer.Option(
        None, "--lang", help="Only these languages (ru, en); repeatable."
    ),
    seed: int = typer.Option(
        0, "--seed", help="Random seed (the same data and seed give the same model)."
    ),
) -> None:
    """Train one pipeline per language; a fifth of the data (by id) is kept as a dev split.

    Example: textcoop train --data corpora/train/ru_policy.jsonl --data corpora/train/ru_survey.jsonl --out models/mine
    """
    from textcoop.themes.codebook import load_codebook
    from textcoop.themes.data import read_gold
    from textcoop.themes.train import train_model

    cb = load_codebook(codebook)
    examples = [ex for p in data for ex in read_gold(p)]
    meta = train_model(examples, cb, out, langs=lang or None, data_files=data, seed=seed)
    for lg, m in meta["dev_metrics"].items():
        console.print(
            f"{lg}: trained on {m['n_train']}, dev {m['n_dev']}: macro-F1 {m['macro_f1']:.3f}, micro-F1 {m['micro_f1']:.3f}",
            highlight=False,
        )
    console.print(f"model → {out}", highlight=False)
