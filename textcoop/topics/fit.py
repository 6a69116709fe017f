"""LDA engines behind one interface, coherence of a K grid, and the choice of K.

Engines: ``gensim`` (LdaModel, online variational Bayes; the default,
deterministic for a fixed seed), ``gensim-multicore`` (LdaMulticore with
``workers`` processes) and ``tomotopy`` (collapsed Gibbs sampling in C++).
Each returns a :class:`FittedLda` with the topic-term matrix over the gensim
dictionary's ids and the unit-topic matrix, so everything downstream
(coherence, labels, prevalence, stability) is engine-independent.

``passes`` means passes over the corpus for gensim; tomotopy runs
``passes * 50`` Gibbs sweeps (a sweep is far cheaper than a variational pass
and needs many more to converge; 50 per pass matched gensim's coherence on
the real programs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from textcoop.errors import InputError

ENGINES = ("gensim", "gensim-multicore", "tomotopy")
COHERENCE_MEASURES = ("c_v", "c_npmi", "u_mass")
GIBBS_SWEEPS_PER_PASS = 50


@dataclass
class FittedLda:
    """A fitted topic model: engine object plus the matrices the rest of textcoop reads."""

    engine: str
    k: int
    seed: int
    model: Any
    topic_term: np.ndarray  # k x V, rows sum to 1, columns = dictionary ids
    doc_topic: np.ndarray  # n_units x k, rows sum to 1 (zeros for units with no terms)
    params: dict[str, Any] = field(default_factory=dict)

    def top_terms(self, dictionary: Any, topn: int = 10) -> list[list[str]]:
        out = []
        for row in self.topic_term:
            idx = np.argsort(-row, kind="stable")[:topn]
            out.append([dictionary[int(i)] for i in idx])
        return out


def check_k(k: int, n_units: int) -> None:
    """Refuse K that the selection cannot support (fewer than 2 passages per topic)."""
    if k < 2:
        raise InputError("-k must be at least 2", value=k)
    if n_units < 2 * k:
        raise InputError(
            f"{n_units} passages are too few for {k} topics (need at least {2 * k})",
            value=k,
            hint="lower -k, widen --where, or use smaller units (--min-tokens)",
        )


def chunksize(n_units: int) -> int:
    """About 8 online updates per pass: with one chunk per pass a small corpus gets a handful
    of updates in all and seeded topics stop in poor local optima (seed terms pinned, the
    rest of the theme's vocabulary in another topic)."""
    return int(min(2000, max(16, n_units // 8)))


def _gensim_doc_topic(model: Any, bow: Any, k: int) -> np.ndarray:
    """Unit-topic weights from variational inference, chunk by chunk over the streamed corpus."""
    rows: list[np.ndarray] = []
    chunk: list = []
    empty: list[bool] = []

    def flush() -> None:
        if chunk:
            gamma, _ = model.inference(chunk)
            rows.append(gamma / gamma.sum(axis=1, keepdims=True))
            chunk.clear()

    for doc in bow:
        chunk.append(doc)
        empty.append(not doc)
        if len(chunk) >= 2000:
            flush()
    flush()
    theta = np.vstack(rows) if rows else np.zeros((0, k))
    theta[np.array(empty, dtype=bool)] = 0.0
    return theta


def fit_gensim(
    bow: Any,
    dictionary: Any,
    k: int,
    seed: int,
    passes: int,
    eta: np.ndarray | None,
    multicore: bool = False,
    workers: int = 2,
) -> FittedLda:
    from gensim.models import LdaModel, LdaMulticore

    common = dict(
        corpus=bow,
        id2word=dictionary,
        num_topics=k,
        passes=passes,
        iterations=100,
        chunksize=chunksize(len(bow)),
        random_state=seed,
        eta=eta if eta is not None else "symmetric",
        alpha="symmetric",
        eval_every=None,
        dtype=np.float64,
    )
    if multicore:
        model = LdaMulticore(workers=workers, **common)
    else:
        model = LdaModel(update_every=1, **common)
    topic_term = model.get_topics().astype(np.float64)
    engine = "gensim-multicore" if multicore else "gensim"
    return FittedLda(
        engine, k, seed, model, topic_term, _gensim_doc_topic(model, bow, k), {"passes": passes}
    )


def fit_tomotopy(
    texts: Any,
    dictionary: Any,
    k: int,
    seed: int,
    passes: int,
    eta: np.ndarray | None,
    workers: int = 1,
) -> FittedLda:
    """Gibbs LDA on the same filtered terms as gensim (tokens outside the dictionary dropped)."""
    import tomotopy as tp

    token2id = dictionary.token2id
    base_eta = 1.0 / k
    mdl = tp.LDAModel(k=k, alpha=1.0 / k, eta=base_eta, seed=seed, min_cf=0)
    if eta is not None:
        boosted = np.where((np.abs(eta - base_eta) > 1e-12).any(axis=0))[0]
        for wid in boosted:
            mdl.set_word_prior(dictionary[int(wid)], [float(x) for x in eta[:, wid]])
    slots: list[int] = []  # model document index per unit, -1 for units with no terms
    for toks in texts:
        words = [t for t in toks if t in token2id]
        if words:
            slots.append(len(mdl.docs))
            mdl.add_doc(words)
        else:
            slots.append(-1)
    if not len(mdl.docs):
        raise InputError("no passage has a term of the dictionary; nothing to model")
    mdl.train(0, workers=workers)
    mdl.train(passes * GIBBS_SWEEPS_PER_PASS, workers=workers)
    vocab = list(mdl.used_vocabs)
    cols = np.array([token2id[w] for w in vocab])
    topic_term = np.zeros((k, len(dictionary)))
    for t in range(k):
        topic_term[t, cols] = mdl.get_topic_word_dist(t)
    topic_term /= topic_term.sum(axis=1, keepdims=True)
    # iterate: tomotopy 0.14 raises IndexError on mdl.docs[i] for i > 0
    dists = np.array([d.get_topic_dist() for d in mdl.docs], dtype=np.float64)
    theta = np.zeros((len(slots), k))
    for i, s in enumerate(slots):
        if s >= 0:
            theta[i] = dists[s]
    return FittedLda(
        "tomotopy",
        k,
        seed,
        mdl,
        topic_term,
        theta,
        {"passes": passes, "sweeps": passes * GIBBS_SWEEPS_PER_PASS},
    )


def fit_lda(
    corpus: Any,
    k: int,
    engine: str = "gensim",
    seed: int = 0,
    passes: int = 10,
    eta: np.ndarray | None = None,
    workers: int = 2,
) -> FittedLda:
    """Fit one LDA model on a :class:`~textcoop.topics.corpus.TopicCorpus` with any engine."""
    if engine not in ENGINES:
        raise InputError("unknown topic engine", value=engine, options=ENGINES)
    check_k(k, len(corpus.units))
    if passes < 1:
        raise InputError("--passes must be at least 1", value=passes)
    if engine == "tomotopy":
        return fit_tomotopy(corpus.texts, corpus.dictionary, k, seed, passes, eta, workers)
    return fit_gensim(
        corpus.bow, corpus.dictionary, k, seed, passes, eta, engine == "gensim-multicore", workers
    )


def coherence_per_topic(
    topics: list[list[str]], corpus: Any, measure: str = "c_v", topn: int = 10
) -> list[float]:
    """Coherence of each topic (lists of top terms), one co-occurrence count for all of them.

    Scoring the topics of every K of a grid in one CoherenceModel reads the
    texts once instead of once per K.
    """
    from gensim.models.coherencemodel import CoherenceModel

    if measure not in COHERENCE_MEASURES:
        raise InputError("unknown coherence measure", value=measure, options=COHERENCE_MEASURES)
    kwargs: dict[str, Any] = (
        {"corpus": corpus.bow} if measure == "u_mass" else {"texts": corpus.texts}
    )
    cm = CoherenceModel(
        topics=[t[:topn] for t in topics],
        dictionary=corpus.dictionary,
        coherence=measure,
        topn=topn,
        processes=1,
        **kwargs,
    )
    scores = [float(s) for s in cm.get_coherence_per_topic()]
    bad = [i for i, s in enumerate(scores) if not np.isfinite(s)]
    if bad:
        # a topic whose terms never co-occur gives NaN in gensim; it is incoherent, not unknown
        floor = (
            -1.0
            if measure != "u_mass"
            else min((s for s in scores if np.isfinite(s)), default=-20.0)
        )
        scores = [floor if i in bad else s for i, s in enumerate(scores)]
    return scores


def default_grid(n_units: int, n_guided: int = 0) -> list[int]:
    """K values tried by ``-k auto``: free-topic counts on top of the guided ones."""
    extra = (3, 6, 10, 15, 20) if n_guided else (5, 8, 12, 16, 20, 25)
    grid = sorted({max(2, n_guided + e) for e in extra})
    return [k for k in grid if n_units >= 2 * k]
