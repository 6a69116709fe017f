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
    corpora: Path | None = typer.Option(
        None,
        "--corpora",
        help="Folder that examples given by reference (source, start, end) point into.",
    ),
    weak_negatives: Path | None = typer.Option(
        None,
        "--weak-negatives",
        help="Folder of real program texts: sentences matching no seed become 'other' examples.",
    ),
    n_weak: int = typer.Option(1500, "--n-weak", help="How many weak negatives to sample."),
    from_survey: list[Path] = typer.Option(
        None,
        "--from-survey",
        help="Merged survey table(s): answers coded by people (code_source=human) join the training data.",
    ),
    text_column: list[str] = typer.Option(
        None, "--text-column", "-t", help="Text column(s) of --from-survey tables."
    ),
    real_weight: float = typer.Option(
        1.0, "--real-weight", help="Weight of hand-labelled real sentences (given by reference)."
    ),
    tune_folds: int = typer.Option(
        0,
        "--tune-folds",
        help="Folds for tuning decision thresholds (0, the default: keep them at 0.5).",
    ),
    seed_weight: float | None = typer.Option(
        None, "--seed-weight", help="Scale of the seed-evidence features (0: ignore seed matches)."
    ),
    seedless: list[str] = typer.Option(
        None,
        "--seedless",
        help="THEME or LANG:THEME whose model ignores seed evidence (repeatable); see bench/cv_themes.py.",
    ),
    classifier_c: list[str] = typer.Option(
        None,
        "--classifier-c",
        help="C or LANG:C: the classifier's inverse regularisation strength (default 8; repeatable).",
    ),
    relevance_gate: list[str] = typer.Option(
        None,
        "--relevance-gate",
        help="all (default), none or LANG (repeatable): whose classifier also learns a relevance model (any theme against other) that caps every theme's score.",
    ),
    exclude: list[Path] = typer.Option(
        None,
        "--exclude",
        help="Gold file(s) whose sentences must stay out of training (held-out evaluation).",
    ),
) -> None:
    """Train one pipeline per language; a fifth of the data (by id) is kept as a dev split.

    Example: textcoop train --data corpora/train/ru_policy.jsonl --data corpora/train/ru_survey.jsonl --out models/mine

    With --weak-negatives, sentences of real documents that match no seed
    term are added to training as `other` (never to the dev split).
    """
    from textcoop.themes.codebook import load_codebook
    from textcoop.themes.data import read_gold, text_sha1
    from textcoop.themes.train import train_model
    from textcoop.themes.train import weak_negatives as sample_weak

    examples = [ex for p in data for ex in read_gold(p, corpora=corpora)]
    if from_survey:
        from textcoop.survey.review import human_examples

        for p in from_survey:
            added = human_examples(p, list(text_column or []))
            console.print(f"{len(added)} human-coded answers from {p.name}", highlight=False)
            examples += added
    cb = load_codebook(codebook)
    labels = {lab for ex in examples for lab in ex.labels}
    if codebook is None and not labels <= set(cb.ids):
        from textcoop.themes.codebook import codebook_from_labels

        cb = codebook_from_labels(sorted(labels))
        console.print(
            f"labels are not the default codebook's: training on the data's own {len(labels)} labels",
            highlight=False,
        )
    extra = []
    held_sha1s: set[str] = set()
    held_docs: set[str] = set()
    if exclude:
        from textcoop.themes.data import document_of, held_out

        held_sha1s, held_docs = held_out(exclude)
        keep = [
            ex
            for ex in examples
            if not (ex.source and document_of(ex.source) in held_docs)
            and text_sha1(ex.text) not in held_sha1s
        ]
        if len(keep) < len(examples):
            console.print(
                f"{len(examples) - len(keep)} training example(s) from held-out documents left out",
                highlight=False,
            )
        examples = keep
    lemma_texts = None
    if weak_negatives:
        from textcoop.errors import InputError
        from textcoop.themes.train import corpus_texts

        if not weak_negatives.is_dir() or not any(weak_negatives.rglob("*.txt")):
            raise InputError(
                f"--weak-negatives {weak_negatives}: no folder with .txt documents there",
                hint="give a folder of plain-text programs, e.g. ../shared/corpora/ru-programs/texts",
            )

        # a sentence someone labelled (in training, dev or gold) is never also a weak "other"
        labelled = {text_sha1(ex.text) for ex in examples}
        extra = sample_weak(
            weak_negatives, cb, n_weak, held_sha1s | labelled, seed, exclude_docs=held_docs
        )
        # the same documents' word forms for the lemma table, read as a stream
        lemma_texts = (text for _, text in corpus_texts(weak_negatives, held_docs))
    meta = train_model(
        examples,
        cb,
        out,
        langs=lang or None,
        data_files=data,
        seed=seed,
        extra_train=extra,
        real_weight=real_weight,
        tune_folds=tune_folds,
        seed_weight=seed_weight,
        lemma_texts=lemma_texts,
        seedless=list(seedless or []),
        classifier_c=list(classifier_c or []),
        relevance_gate=list(relevance_gate or []) or None,
    )
    for lg, m in meta["dev_metrics"].items():
        console.print(
            f"{lg}: trained on {m['n_train']}, dev {m['n_dev']}: macro-F1 {m['macro_f1']:.3f}, micro-F1 {m['micro_f1']:.3f}",
            highlight=False,
        )
    console.print(f"model → {out}", highlight=False)
