"""Distinctive terms: log-odds ratios with an informative Dirichlet prior (Monroe, Colaresi, Quinn 2008).

For group i against the rest of the corpus j, with counts y (term in the
group), n (all tokens of the group), and prior pseudo-counts
``α_w = α0 · y_w / N`` proportional to the term's frequency in the whole
corpus (``N`` tokens, ``α0`` = ``prior_size``)::

    δ_w = log((y_iw + α_w) / (n_i + α0 − y_iw − α_w))
        − log((y_jw + α_w) / (n_j + α0 − y_jw − α_w))
    σ²_w ≈ 1 / (y_iw + α_w) + 1 / (y_jw + α_w)
    ζ_w = δ_w / σ_w

The prior shrinks rare words toward the corpus rate, and ζ divides by the
estimate's uncertainty, so frequent words do not win by sheer counts nor
rare ones by chance (the paper's section 3.5). Terms are lemmatised
content words: three or more letters, stop words dropped, and the words of
the group names themselves dropped (a region's name distinguishes it but
says nothing about its policy).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

WORD = re.compile(r"[^\W\d_]{3,}")


def stop_words() -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.ru.stop_words import STOP_WORDS as RU

    return {w.replace("ё", "е") for w in EN | RU}


def tokens(text: str, stops: set[str] | None = None) -> list[str]:
    """Lemmatised content words of a text (Russian by pymorphy3, English by lookup)."""
    from textcoop.nlp.lemmas import lemma_of

    stops = stop_words() if stops is None else stops
    out = []
    for w in WORD.findall(text.lower().replace("ё", "е")):
        lem = lemma_of(w)
        if lem not in stops and w not in stops and len(lem) >= 3:
            out.append(lem)
    return out


def name_stems(names: Iterable[str]) -> tuple[str, ...]:
    """Stems of the words of group names: inflected forms of a region's name share them."""
    words = {w for n in names for w in WORD.findall(str(n).lower().replace("ё", "е"))}
    return tuple(sorted(w[: max(5, len(w) - 3)] for w in words))


def count_table(
    texts: Iterable[tuple[str, str]], exclude_stems: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Groups × terms counts from (group, text) pairs; terms starting with an excluded stem dropped."""
    stops = stop_words()
    counts: dict[str, Counter] = {}
    for g, text in texts:
        counts.setdefault(g, Counter()).update(tokens(text, stops))
    df = pd.DataFrame.from_dict(counts, orient="index").fillna(0).astype(np.int64)
    if exclude_stems:
        df = df[[c for c in df.columns if not str(c).startswith(exclude_stems)]]
    return df


def log_odds(counts: pd.DataFrame, prior_size: float = 1000.0) -> pd.DataFrame:
    """Groups × terms: δ (log-odds ratio, group vs rest) and ζ (its z-score); long format."""
    y = counts.to_numpy(dtype=float)
    yw = y.sum(axis=0)
    total = yw.sum()
    if total == 0:
        return pd.DataFrame(columns=["group", "term", "delta", "zeta", "count"])
    alpha = prior_size * yw / total
    a0 = alpha.sum()
    n = y.sum(axis=1, keepdims=True)
    yj = yw - y
    nj = total - n
    li = np.log((y + alpha) / (n + a0 - y - alpha))
    lj = np.log((yj + alpha) / (nj + a0 - yj - alpha))
    delta = li - lj
    var = 1.0 / (y + alpha) + 1.0 / (yj + alpha)
    zeta = delta / np.sqrt(var)
    g = np.repeat(counts.index.to_numpy(), y.shape[1])
    t = np.tile(counts.columns.to_numpy(), y.shape[0])
    return pd.DataFrame(
        {
            "group": g,
            "term": t,
            "delta": delta.ravel(),
            "zeta": zeta.ravel(),
            "count": y.ravel().astype(int),
        }
    )


def distinctive_terms(
    counts: pd.DataFrame, top: int = 15, prior_size: float = 1000.0, min_count: int = 3
) -> pd.DataFrame:
    """The ``top`` terms with the highest ζ per group (group, term, zeta, count, rank)."""
    keep = counts.columns[counts.sum(axis=0) >= min_count]
    lo = log_odds(counts[keep], prior_size)
    lo = lo[(lo["zeta"] > 0) & (lo["count"] > 0)]
    lo = lo.sort_values(["group", "zeta", "term"], ascending=[True, False, True])
    lo = lo.groupby("group").head(top)
    lo["rank"] = lo.groupby("group").cumcount() + 1
    return lo[["group", "term", "zeta", "count", "rank", "delta"]].reset_index(drop=True)
