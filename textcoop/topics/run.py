"""`topics fit` as a library call: corpus, K grid, coherence, stability, labels, tables, store.

One call reads the selected segments from the store, fits LDA for each K
of the grid (or the one K given), picks K by mean topic coherence (ties go
to the smaller K), refits the chosen K with further seeds to measure
stability, matches topics to codebook themes, computes prevalence per
document (segment-length weighted) and per region (mean over its
documents), and stores it all as one topic run in one transaction.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from textcoop.errors import InputError
from textcoop.topics.corpus import TopicCorpus, build_corpus
from textcoop.topics.fit import (
    FittedLda,
    check_k,
    coherence_per_topic,
    default_grid,
    fit_lda,
)
from textcoop.topics.seeded import guided_themes, match_themes, seeded_eta, theme_terms
from textcoop.topics.stability import stability

NO_REGION = "(no region)"


@dataclass
class TopicConfig:
    """Parameters of a topic run (all recorded in the run and the model manifest)."""

    k: int | None = None  # None: choose from the grid by coherence
    k_grid: list[int] | None = None
    seeded: bool = False
    codebook: str | None = None
    engine: str = "gensim"
    seed: int = 0
    stability_runs: int = 3
    passes: int = 10
    workers: int = 2
    min_tokens: int = 15
    no_above: float = 0.3  # drop terms in more than this share of passages
    coherence: str = "c_v"
    topn: int = 10
    theme_threshold: float = 0.2
    seed_strength: float = 200.0  # prior pseudo-count of each seed term on its guided topic
    n_passages: int = 5


@dataclass
class TopicResult:
    run_id: str
    config: TopicConfig
    where: dict[str, str]
    corpus_stats: dict[str, Any]
    chosen_k: int
    coherence: float
    curve: pd.DataFrame
    topics: pd.DataFrame
    doc_topics: pd.DataFrame
    region_topics: pd.DataFrame
    passages: pd.DataFrame
    stability: float | None
    stability_per_topic: list[float] | None
    model_dir: str | None
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        topics = self.topics.copy()
        if self.stability_per_topic is not None:
            topics["stability"] = self.stability_per_topic
        return {
            "topics": topics,
            "doc_topics": self.doc_topics,
            "region_topics": self.region_topics,
            "passages": self.passages,
            "coherence_curve": self.curve,
        }

    def to_json(self) -> dict[str, Any]:
        def records(df: pd.DataFrame) -> list[dict]:
            return [
                {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in r.items()}
                for r in df.to_dict(orient="records")
            ]

        return {
            "run_id": self.run_id,
            "engine": self.config.engine,
            "k": self.chosen_k,
            "seeded": self.config.seeded,
            "where": self.where,
            "coherence_measure": self.config.coherence,
            "coherence": self.coherence,
            "stability": self.stability,
            "model_dir": self.model_dir,
            "params": asdict(self.config),
            "corpus": self.corpus_stats,
            "notes": self.notes,
            **{name: records(df) for name, df in self.tables().items()},
        }


def _grid(cfg: TopicConfig, n_units: int, n_guided: int, notes: list[str]) -> list[int]:
    if cfg.k is not None:
        check_k(cfg.k, n_units)
        return [cfg.k]
    grid = sorted(set(cfg.k_grid)) if cfg.k_grid else default_grid(n_units, n_guided)
    keep = []
    for k in grid:
        if k <= n_guided:
            notes.append(
                f"K={k} dropped from the grid: {n_guided} guided topics need K > {n_guided}"
            )
        elif k < 2 or n_units < 2 * k:
            notes.append(
                f"K={k} dropped from the grid: {n_units} passages support K <= {n_units // 2}"
            )
        else:
            keep.append(k)
    if not keep:
        raise InputError(
            f"no K of the grid fits this selection ({n_units} passages, {n_guided} guided topics)",
            value=grid,
            hint="select more documents, give a smaller --k-grid, or use --no-seeded",
        )
    return keep


def _passages(corpus: TopicCorpus, theta: np.ndarray, n_terms: np.ndarray, n: int) -> pd.DataFrame:
    """Top passages per topic, at most two per document.

    Ranked by topic weight times fullness (terms / 30, capped at 1): by weight
    alone, form fragments ("Руководитель ___ (должность)") with a handful of
    terms came first, because few terms make a passage easy to give to one topic.
    """
    rows = []
    long_enough = n_terms >= min(10, int(np.median(n_terms)) if len(n_terms) else 0)
    fullness = np.minimum(1.0, n_terms / 30.0)
    for t in range(theta.shape[1]):
        order = np.argsort(-(theta[:, t] * fullness), kind="stable")
        per_doc: dict[str, int] = {}
        picked = 0
        for u in order:
            if picked >= n or theta[u, t] <= 0:
                break
            unit = corpus.units[u]
            if not long_enough[u] or per_doc.get(unit.doc_id, 0) >= 2:
                continue
            per_doc[unit.doc_id] = per_doc.get(unit.doc_id, 0) + 1
            picked += 1
            rows.append((t, picked, unit.doc_id, unit.seg_no, float(theta[u, t]), unit.seg_end))
    return pd.DataFrame(rows, columns=["topic", "rank", "doc_id", "seg_no", "weight", "seg_end"])


def _prevalence(store: Any, corpus: TopicCorpus, theta: np.ndarray, notes: list[str]):
    """Document prevalence (length-weighted mean of passage weights) and region prevalence."""
    k = theta.shape[1]
    units = pd.DataFrame(
        {"doc_id": [u.doc_id for u in corpus.units], "w": [u.n_chars for u in corpus.units]}
    )
    has = theta.sum(axis=1) > 0
    units["w"] = units["w"].where(has, 0).astype(float)
    weighted = pd.DataFrame(theta * units["w"].to_numpy()[:, None])
    weighted["doc_id"] = units["doc_id"]
    sums = weighted.groupby("doc_id").sum()
    total = units.groupby("doc_id")["w"].sum()
    dropped = total.index[total <= 0]
    if len(dropped):
        notes.append(
            f"{len(dropped)} document(s) have no term of the model's vocabulary and no topic weights: "
            + ", ".join(map(str, dropped[:5]))
        )
    sums, total = sums.loc[total > 0], total[total > 0]
    doc_prev = sums.div(total, axis=0)
    doc_topics = doc_prev.reset_index().melt(
        id_vars="doc_id", var_name="topic", value_name="weight"
    )
    doc_topics["topic"] = doc_topics["topic"].astype(int)
    doc_topics = doc_topics.sort_values(["doc_id", "topic"]).reset_index(drop=True)
    meta = store.con.execute("SELECT doc_id, region FROM documents").df()
    regions = doc_topics.merge(meta, on="doc_id", how="left")
    regions["region"] = regions["region"].fillna(NO_REGION)
    region_topics = (
        regions.groupby(["region", "topic"])
        .agg(weight=("weight", "mean"), n_docs=("doc_id", "nunique"))
        .reset_index()
    )
    prevalence = doc_prev.mean(axis=0).reindex(range(k), fill_value=0.0).to_numpy()
    return doc_topics, region_topics, prevalence


def fit_topics(
    store: Any,
    config: TopicConfig | None = None,
    where: dict[str, str] | None = None,
    model_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    write: bool = True,
) -> TopicResult:
    """Fit topics on the store's segments and store the run; see the module docstring."""
    from textcoop.themes.codebook import load_codebook
    from textcoop.topics.io import save_topic_model

    cfg = config or TopicConfig()
    say = progress or (lambda msg: None)
    notes: list[str] = []
    codebook = load_codebook(cfg.codebook)
    if cfg.engine == "tomotopy" and cfg.workers != 1:
        notes.append(
            f"tomotopy with {cfg.workers} worker threads may give a different model for the same "
            "seed; use --workers 1 for an exactly reproducible run"
        )
    with tempfile.TemporaryDirectory(prefix="textcoop-topics-") as work:
        say("reading and lemmatising segments")
        corpus = build_corpus(store, work, where, min_tokens=cfg.min_tokens, no_above=cfg.no_above)
        n_units, vocab = len(corpus.units), len(corpus.dictionary)
        terms = theme_terms(codebook, corpus.dictionary)
        guided = guided_themes(terms) if cfg.seeded else []
        if cfg.seeded:
            missing = [t.theme for t in terms if t not in guided]
            if missing:
                notes.append(
                    "no guided topic for themes with fewer than 2 seed terms in this corpus: "
                    + ", ".join(missing)
                )
            if not guided:
                raise InputError(
                    "--seeded: no codebook theme has 2 seed terms in this corpus",
                    hint="use --no-seeded, or a codebook whose seeds are in the corpus language",
                )
        grid = _grid(cfg, n_units, len(guided), notes)
        fits: dict[int, FittedLda] = {}
        for k in grid:
            say(f"fitting K={k} ({cfg.engine})")
            eta = seeded_eta(guided, k, vocab, cfg.seed_strength) if guided else None
            fits[k] = fit_lda(corpus, k, cfg.engine, cfg.seed, cfg.passes, eta, cfg.workers)
        say(f"coherence ({cfg.coherence}) of {len(grid)} model(s)")
        all_topics = [t for k in grid for t in fits[k].top_terms(corpus.dictionary, cfg.topn)]
        scores = coherence_per_topic(all_topics, corpus, cfg.coherence, cfg.topn)
        curve_rows, at = [], 0
        for k in grid:
            curve_rows.append((k, float(np.mean(scores[at : at + k]))))
            at += k
        best = max(curve_rows, key=lambda r: (round(r[1], 6), -r[0]))
        chosen = best[0]
        if len(grid) > 2 and chosen == grid[-1]:
            notes.append(
                f"coherence was highest at the largest K of the grid ({chosen}); "
                "a larger K may score higher still (try --k-grid with larger values)"
            )
        fitted = fits[chosen]
        chosen_scores = scores[sum(k for k in grid if k < chosen) :][:chosen]
        curve = pd.DataFrame(curve_rows, columns=["k", "coherence"])
        curve["chosen"] = curve["k"] == chosen
        top = fitted.top_terms(corpus.dictionary, cfg.topn)
        stab, stab_topics = None, None
        if cfg.stability_runs >= 2:
            runs = [top]
            eta = seeded_eta(guided, chosen, vocab, cfg.seed_strength) if guided else None
            for i in range(1, cfg.stability_runs):
                say(f"stability: K={chosen}, seed {cfg.seed + i}")
                other = fit_lda(
                    corpus, chosen, cfg.engine, cfg.seed + i, cfg.passes, eta, cfg.workers
                )
                runs.append(other.top_terms(corpus.dictionary, cfg.topn))
            stab, stab_topics = stability(runs)
        else:
            notes.append("stability not measured (--stability-runs below 2)")
        matches = match_themes(fitted.topic_term, terms, threshold=cfg.theme_threshold)
        n_terms = np.array([sum(c for _, c in doc) for doc in corpus.bow])
        doc_topics, region_topics, prevalence = _prevalence(store, corpus, fitted.doc_topic, notes)
        passages = _passages(corpus, fitted.doc_topic, n_terms, cfg.n_passages)
        names = {t.id: t.name.get("en") or t.id for t in codebook.themes}
        rows = []
        for t in range(chosen):
            idx = np.argsort(-fitted.topic_term[t], kind="stable")[: cfg.topn]
            theme, score = matches[t]
            seeded_theme = guided[t].theme if t < len(guided) else None
            words = ", ".join(corpus.dictionary[int(i)] for i in idx[:4])
            label = f"{names.get(theme, theme)}: {words}" if theme else words
            rows.append(
                {
                    "topic": t,
                    "label": label,
                    "top_terms": [corpus.dictionary[int(i)] for i in idx],
                    "term_weights": [round(float(fitted.topic_term[t, i]), 6) for i in idx],
                    "theme": theme,
                    "theme_score": score,
                    "seeded_theme": seeded_theme,
                    "prevalence": float(prevalence[t]),
                    "coherence": float(chosen_scores[t]),
                }
            )
        topics = pd.DataFrame(rows)
        run_id = uuid.uuid4().hex[:12]
        saved = None
        params = {**asdict(cfg), "k": chosen, "where": corpus.where, "grid": grid}
        if model_dir is not None:
            say(f"saving the model to {model_dir}")
            saved = str(
                save_topic_model(fitted, corpus.dictionary, model_dir, corpus.corpus_hash, params)
            )
        result = TopicResult(
            run_id=run_id,
            config=cfg,
            where=corpus.where,
            corpus_stats={**corpus.stats, "corpus_hash": corpus.corpus_hash},
            chosen_k=chosen,
            coherence=float(best[1]),
            curve=curve,
            topics=topics,
            doc_topics=doc_topics,
            region_topics=region_topics,
            passages=passages,
            stability=stab,
            stability_per_topic=stab_topics,
            model_dir=saved,
            notes=notes,
        )
    if write:
        store.write_topic_run(
            {
                "run_id": run_id,
                "model_dir": saved,
                "engine": cfg.engine,
                "k": chosen,
                "seeded": bool(guided),
                "params": {**params, "corpus": result.corpus_stats, "notes": notes},
                "coherence": result.coherence,
                "coherence_measure": cfg.coherence,
                "stability": stab,
            },
            {
                "topics": topics.drop(columns=["coherence"]),
                "doc_topics": doc_topics,
                "topic_passages": passages,
                "coherence_curve": curve,
            },
        )
    return result
