"""Codebook seed terms as LDA priors (eta), and the matching of topics to themes.

Guided topics: topic ``i`` gets a large prior pseudo-count on the seed terms
of the ``i``-th theme that occurs in the corpus, and those seed terms get a
small prior on every other topic, so a theme's vocabulary gathers in its own
topic. The remaining topics keep the symmetric prior: they are free to find
what the codebook does not name. The same term sets score how well any topic
(guided or free) matches a theme.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from textcoop.errors import InputError
from textcoop.topics.corpus import content_lemmas, stop_words

MIN_SEEDS_IN_CORPUS = 2


@dataclass
class ThemeTerms:
    """A theme's seed terms as dictionary ids (single lemmas and joined bigram phrases)."""

    theme: str
    name: str
    term_ids: list[int]


def theme_terms(codebook, dictionary) -> list[ThemeTerms]:
    """Seed terms of every substantive theme, lemmatised like the corpus, kept if in the dictionary."""
    stops = stop_words()
    token2id = dictionary.token2id
    out = []
    for theme in codebook.themes:
        if theme.id == "other":
            continue
        ids: set[int] = set()
        for terms in theme.seeds.values():
            for term in terms:
                lem = content_lemmas(term, stops)
                cands = [*lem, "_".join(lem)] if len(lem) > 1 else lem
                ids |= {token2id[c] for c in cands if c in token2id}
        name = theme.name.get("en") or theme.name.get("ru") or theme.id
        out.append(ThemeTerms(theme.id, name, sorted(ids)))
    return out


def guided_themes(terms: list[ThemeTerms]) -> list[ThemeTerms]:
    """Themes with enough seed terms in this corpus to guide a topic, in codebook order."""
    return [t for t in terms if len(t.term_ids) >= MIN_SEEDS_IN_CORPUS]


def seeded_eta(
    guided: list[ThemeTerms], k: int, n_terms: int, strength: float = 200.0
) -> np.ndarray:
    """A k x V prior: symmetric 1/k, seed terms boosted on their topic and damped elsewhere.

    ``strength`` is the prior pseudo-count of each seed term on its topic.
    Measured: on the real programs (themes rare, ~0.5% of the text each) 20
    was too weak to hold guided topics on their themes, 100 held all twelve
    with some foreign terms mixed in, 200 held them cleanly. On a toy corpus
    (3 themes of 10 words, each a third of the text) 30-200 recovered the
    themes when seeds named 5 of a theme's 10 words, but with only 3 seeds
    200 pinned them so hard that the theme's other words went to a free
    topic (20 still worked). Seeds should name a theme's core vocabulary.
    """
    if k <= len(guided):
        raise InputError(
            f"-k {k} leaves no free topic: {len(guided)} codebook themes guide a topic each",
            value=k,
            hint=f"use -k {len(guided) + 3} or more, or --no-seeded",
        )
    base = 1.0 / k
    eta = np.full((k, n_terms), base)
    for th in guided:
        eta[:, np.array(th.term_ids)] = base * 0.01
    for i, th in enumerate(guided):
        eta[i, np.array(th.term_ids)] = strength
    return eta


def match_themes(
    topic_term: np.ndarray, terms: list[ThemeTerms], topn: int = 30, threshold: float = 0.2
) -> list[tuple[str | None, float]]:
    """Best theme per topic with its score, or (None, score) when no theme reaches ``threshold``.

    Score: the share of the topic's top-``topn`` probability mass that falls
    on the theme's seed terms (0 = none of its top terms is a seed, 1 = all).
    Mass rather than a count, so one dominant seed term counts more than a
    seed at rank 29.
    """
    out: list[tuple[str | None, float]] = []
    for row in topic_term:
        top = np.argsort(-row, kind="stable")[:topn]
        mass = float(row[top].sum()) or 1.0
        best, score = None, 0.0
        for th in terms:
            hits = np.intersect1d(top, np.asarray(th.term_ids, dtype=int))
            s = float(row[hits].sum()) / mass
            if s > score:
                best, score = th.theme, s
        out.append((best if score >= threshold else None, round(score, 4)))
    return out
