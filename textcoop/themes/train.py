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
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

from textcoop import __version__
from textcoop.errors import InputError
from textcoop.nlp.pipeline import LANGS, MODEL_KIND, build_pipeline
from textcoop.nlp.seeds import SPAN_KEY
from textcoop.safeload import write_manifest
from textcoop.themes.codebook import OTHER, Codebook
from textcoop.themes.data import (
    Example,
    check_labels,
    data_hash,
    document_of,
    split_dev,
    text_sha1,
)
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


def corpus_texts(
    folder: str | Path, exclude_docs: set[str] | None = None
) -> Iterator[tuple[str, str]]:
    """(document id, text) of a folder of ``.txt`` files, held-out documents (all parts) skipped."""
    for f in sorted(Path(folder).rglob("*.txt")):
        doc = document_of(f.name)
        if exclude_docs and doc in exclude_docs:
            continue
        yield doc, f.read_text(encoding="utf-8", errors="replace")


def weak_negative_pool(
    folder: str | Path,
    codebook: Codebook,
    n: int,
    exclude: set[str] | None = None,
    seed: int = 0,
    lang: str = "ru",
    exclude_docs: set[str] | None = None,
) -> list[tuple[str, Example]]:
    """``weak_negatives`` with the document each sentence comes from (for document-grouped CV)."""
    from textcoop.extract.sentences import split_spans

    nlp = build_pipeline(lang, codebook)
    rng = random.Random(seed)
    cands: list[tuple[str, str]] = []
    for doc_id, text in corpus_texts(folder, exclude_docs):
        for a, b in split_spans(text):
            s = " ".join(text[a:b].split())
            if 8 <= len(s.split()) <= 60 and text_sha1(s) not in (exclude or set()):
                cands.append((doc_id, s))
    rng.shuffle(cands)
    out: list[tuple[str, Example]] = []
    texts = (s for _, s in cands[: n * 4])
    for (doc_id, _), doc in zip(
        cands, nlp.pipe(texts, disable=["textcoop_theme_classifier"]), strict=False
    ):
        if not doc.spans[SPAN_KEY]:
            out.append((doc_id, Example(f"weak-{len(out):05d}", doc.text, [OTHER], lang, "policy")))
            if len(out) >= n:
                break
    return out


def weak_negatives(
    folder: str | Path,
    codebook: Codebook,
    n: int,
    exclude: set[str] | None = None,
    seed: int = 0,
    lang: str = "ru",
    exclude_docs: set[str] | None = None,
) -> list[Example]:
    """Sentences of real documents with no seed evidence at all, labelled ``other``.

    Real programs are mostly about roads, schools and sport; a few thousand
    of their sentences that match no seed term teach the coder that register
    as ``other`` (weak labels: built at run time from the user's or the shared
    corpus, never stored). ``exclude`` holds sha1s of held-out gold sentences,
    ``exclude_docs`` the held-out documents (see ``data.held_out``), whose
    sentences are never sampled at all.
    """
    pool = weak_negative_pool(folder, codebook, n, exclude, seed, lang, exclude_docs)
    return [ex for _, ex in pool]


def _sort_sentencizer(path: Path) -> None:
    """Write spaCy's sentencizer punctuation in sorted order.

    spaCy saves it from a set, so its order (and the model's sha256
    manifest) changed with each process's string hashing: the same data
    must give the same files.
    """
    if not path.is_file():
        return
    cfg = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(cfg.get("punct_chars"), list):
        cfg["punct_chars"] = sorted(cfg["punct_chars"])
        path.write_text(json.dumps(cfg, ensure_ascii=False, indent=2), encoding="utf-8")


def _scoped(item: str, option: str, form: str) -> tuple[str, str]:
    """Split ``LANG:VALUE`` (or a bare ``VALUE``, for every language) of ``option``, LANG checked."""
    where, _, value = item.rpartition(":")
    if where and where not in LANGS:
        raise InputError(
            f"{option} names a language textcoop does not train: {item!r}",
            hint=f"use {form} or LANG:{form} with LANG one of: {', '.join(LANGS)}",
        )
    return where, value


def _seedless_for(lang: str, seedless: list[str], ids: list[str]) -> tuple[str, ...]:
    """The themes of ``seedless`` ("THEME" or "LANG:THEME") that apply to ``lang``, checked."""
    out = []
    for item in seedless:
        where, theme = _scoped(item, "--seedless", "THEME")
        if theme not in ids:
            raise InputError(
                f"--seedless names a theme that is not in the codebook: {item!r}",
                hint=f"use THEME or LANG:THEME with one of: {', '.join(ids)}",
            )
        if not where or where == lang:
            out.append(theme)
    return tuple(out)


def _c_for(lang: str, settings: list[str]) -> float | None:
    """The regularisation C that ``settings`` ("C" or "LANG:C") give ``lang``, checked.

    A setting for one language wins over one for every language, whatever the
    order: the Russian model has real sentences to choose its C on in CV, the
    English one has none, so they need not share it.
    """
    by_scope: dict[str, float] = {}
    for item in settings:
        where, value = _scoped(item, "--classifier-c", "C")
        try:
            c = float(value)
        except ValueError:
            c = float("nan")
        if not 0 < c < float("inf"):
            raise InputError(
                f"--classifier-c needs a positive number: {item!r}",
                hint="e.g. --classifier-c 8 or --classifier-c ru:32 (larger: weaker regularisation)",
            )
        if where in by_scope:
            raise InputError(
                f"--classifier-c is given twice for {where or 'every language'}: {item!r}",
                hint="give one C for every language and at most one per language",
            )
        by_scope[where] = c
    return by_scope.get(lang, by_scope.get(""))


def check_gate(gate: list[str], langs: list[str]) -> list[str]:
    """``--relevance-gate`` values checked against the languages being trained."""
    for item in gate:
        if item not in ("all", "none", *langs):
            raise InputError(
                f"--relevance-gate names a language that is not being trained: {item!r}",
                options=["all", "none", *langs],
                hint="give a language code of the training data, all or none",
            )
    if "none" in gate and len(set(gate)) > 1:
        raise InputError(
            f"--relevance-gate none cannot be combined with other values: {gate!r}",
            hint="give none alone, or the languages that get the gate",
        )
    return gate


def _train_languages(
    tmp: Path, examples, codebook, langs, dev_share, seed, extra_train, real_weight,
    tune_folds, seed_weight, lemma_texts, seedless, classifier_c, gate,
) -> tuple[dict[str, dict], dict[str, bool]]:  # fmt: skip
    """Train and save one pipeline per language into ``tmp``; dev metrics and gate per language."""
    metrics: dict[str, dict] = {}
    gate_fitted: dict[str, bool] = {}
    for lang in langs:
        exs = [ex for ex in examples if ex.lang == lang]
        if len(exs) < 2:
            raise InputError(
                f"only {len(exs)} training example(s) in {lang!r}",
                hint="give at least a few dozen per language, or --lang",
            )
        train, dev = split_dev(exs, dev_share) if len(exs) >= 20 else (exs, [])
        train = train + [ex for ex in (extra_train or []) if ex.lang == lang]
        nlp = build_pipeline(lang, codebook)
        clf = nlp.get_pipe("textcoop_theme_classifier")
        if seed_weight is not None:
            clf.seed_weight = seed_weight
        if seedless:
            clf.seedless = _seedless_for(lang, seedless, codebook.ids)
        c = _c_for(lang, classifier_c or [])
        if c is not None:
            clf.C = c
        clf.relevance_gate = "all" in gate or lang in gate
        if lang == "ru":  # word forms of the training texts, lemmatised once, saved with the model
            lemmatizer = nlp.get_pipe("textcoop_lemmatizer")
            lemmatizer.add_forms(chain((ex.text for ex in train), lemma_texts or ()))
        docs = list(nlp.pipe([ex.text for ex in train], disable=["textcoop_theme_classifier"]))
        dev_docs = list(nlp.pipe([ex.text for ex in dev], disable=["textcoop_theme_classifier"]))
        weights = [real_weight if ex.source else 1.0 for ex in train]
        clf.fit(
            docs,
            [ex.labels for ex in train],
            codebook.ids,
            tune_folds=tune_folds,
            seed=seed,
            sample_weight=weights,
        )
        if dev:
            coded = list(nlp.get_pipe("textcoop_theme_classifier").pipe(dev_docs))
            metrics[lang] = evaluate_labels(
                [ex.labels for ex in dev], [d._.themes for d in coded], codebook.ids
            )
            metrics[lang]["n_train"], metrics[lang]["n_dev"] = len(train), len(dev)
        gate_fitted[lang] = clf.gate_coef_ is not None
        nlp.to_disk(tmp / lang)
        _sort_sentencizer(tmp / lang / "sentencizer.json")
    return metrics, gate_fitted


def train_model(
    examples: list[Example],
    codebook: Codebook,
    out: str | Path,
    langs: list[str] | None = None,
    data_files: list[str | Path] | None = None,
    dev_share: float = 0.2,
    seed: int = 0,
    extra_train: list[Example] | None = None,
    real_weight: float = 1.0,
    tune_folds: int = 0,
    seed_weight: float | None = None,
    lemma_texts: Iterable[str] | None = None,
    seedless: list[str] | None = None,
    classifier_c: list[str] | None = None,
    relevance_gate: list[str] | None = None,
) -> dict:
    """Train and save a model directory; returns its metadata (with dev metrics).

    ``extra_train`` (weak labels) is added to the training split only, so dev
    metrics stay measured on the hand-labelled data. ``real_weight`` weighs
    hand-labelled sentences of real documents (examples given by reference)
    against the rest; ``tune_folds`` is passed to the classifier (0: fixed
    0.5 thresholds); ``seed_weight`` scales the seed-evidence features (0:
    the classifier ignores seed matches; evidence spans are still shown).
    ``lemma_texts`` (Russian documents, e.g. the weak-negative folder) add
    their word forms to the lemma table saved with the Russian pipeline.
    ``seedless`` names themes whose model ignores the seed-evidence features
    (their evidence spans are still shown): ``THEME`` for every language,
    ``LANG:THEME`` for one. ``classifier_c`` sets the classifier's C
    (inverse regularisation strength): ``C`` for every language, ``LANG:C``
    for one; unset, the config's default stays. ``relevance_gate`` lists
    the languages ("all", the default, for every one; "none" for none)
    whose classifier also learns a relevance model (any theme against
    `other`) that caps each theme's score; a language whose data has no
    `other` example gets none (``gate_fitted`` in the metadata says which).
    """
    random.seed(seed)
    check_labels(examples, codebook.ids, "training data")
    out = Path(out)
    langs = langs or sorted({ex.lang for ex in examples if ex.lang in ("ru", "en")})
    if not langs:
        raise InputError(
            "no training examples in ru or en", hint="set the 'lang' field of the examples"
        )
    gate = check_gate(list(relevance_gate or ["all"]), langs)
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:  # a failed run leaves no half-written directory behind
        metrics, gate_fitted = _train_languages(
            tmp, examples, codebook, langs, dev_share, seed, extra_train, real_weight,
            tune_folds, seed_weight, lemma_texts, seedless, classifier_c, gate,
        )  # fmt: skip
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
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
        "real_weight": real_weight,
        "tune_folds": tune_folds,
        "seed_weight": seed_weight,
        "seedless": list(seedless or []),
        "classifier_c": list(classifier_c or []),
        "relevance_gate": gate,
        "gate_fitted": gate_fitted,
        "versions": _versions(),
        "dev_metrics": {
            lang: {k: m[k] for k in ("macro_f1", "micro_f1", "n", "n_train", "n_dev", "per_label")}
            for lang, m in metrics.items()
        },
    }
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    # last: the sha256 of every file, checked before the model is ever loaded
    write_manifest(tmp, MODEL_KIND, {"textcoop": __version__, "codebook": meta["codebook"]})
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return meta
