"""Train theme coders: one pipeline per language, thresholds tuned on a dev split, a model directory.

The model directory holds ``ru/`` and ``en/`` spaCy pipelines (loadable with
``spacy.load`` in a fresh process) and ``meta.json``: codebook name, version
and hash, training data hashes, library versions and dev metrics.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path

from textcoop import __version__
from textcoop.errors import InputError
from textcoop.nlp.pipeline import build_pipeline
from textcoop.themes.codebook import OTHER, Codebook
from textcoop.themes.data import Example, check_labels, data_hash, split_dev
from textcoop.themes.metrics import evaluate_labels


def _versions() -> dict[str, str]:
    import numpy
    import sklearn
    import spacy

    return {
        "textcoop": __version__,
        "spacy": spacy.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
    }


def train_model(
    examples: list[Example],
    codebook: Codebook,
    out: str | Path,
    langs: list[str] | None = None,
    data_files: list[str | Path] | None = None,
    dev_share: float = 0.2,
    seed: int = 0,
) -> dict:
    """Train and save a model directory; returns its metadata (with dev metrics)."""
    random.seed(seed)
    check_labels(examples, codebook.ids, "training data")
    out = Path(out)
    langs = langs or sorted({ex.lang for ex in examples if ex.lang in ("ru", "en")})
    if not langs:
        raise InputError(
            "no training examples in ru or en", hint="set the 'lang' field of the examples"
        )
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    metrics: dict[str, dict] = {}
    for lang in langs:
        exs = [ex for ex in examples if ex.lang == lang]
        if len(exs) < 2:
            raise InputError(
                f"only {len(exs)} training example(s) in {lang!r}",
                hint="give at least a few dozen per language, or --lang",
            )
        train, dev = split_dev(exs, dev_share) if len(exs) >= 20 else (exs, [])
        nlp = build_pipeline(lang, codebook)
        clf = nlp.get_pipe("textcoop_theme_classifier")
        docs = list(nlp.pipe([ex.text for ex in train], disable=["textcoop_theme_classifier"]))
        dev_docs = list(nlp.pipe([ex.text for ex in dev], disable=["textcoop_theme_classifier"]))
        clf.fit(docs, [ex.labels for ex in train], codebook.ids, seed=seed)
        if dev:
            coded = list(nlp.get_pipe("textcoop_theme_classifier").pipe(dev_docs))
            metrics[lang] = evaluate_labels(
                [ex.labels for ex in dev], [d._.themes for d in coded], codebook.ids
            )
            metrics[lang]["n_train"], metrics[lang]["n_dev"] = len(train), len(dev)
        nlp.to_disk(tmp / lang)
    meta = {
        "textcoop_model": 1,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "languages": langs,
        "labels": [i for i in codebook.ids],
        "theme_labels": [i for i in codebook.ids if i != OTHER],
        "codebook": {"name": codebook.name, "version": codebook.version, "hash": codebook.hash},
        "data": {
            "files": [str(p) for p in (data_files or [])],
            "sha256": data_hash(data_files) if data_files else None,
            "n": len(examples),
        },
        "seed": seed,
        "dev_share": dev_share,
        "versions": _versions(),
        "dev_metrics": {
            lang: {k: m[k] for k in ("macro_f1", "micro_f1", "n", "n_train", "n_dev", "per_label")}
            for lang, m in metrics.items()
        },
    }
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return meta
