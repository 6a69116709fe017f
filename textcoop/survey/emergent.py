"""Emergent codes: what the substantive answers coded `other` talk about.

A codebook never foresees everything respondents say. The answers left as
`other` (but not non-substantive) are lemmatised, stripped of function words
and grouped with non-negative matrix factorisation over TF-IDF; each group
comes with its top terms and the answers that load on it most, so a coder can
decide whether it deserves a code of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from textcoop.errors import InputError
from textcoop.extract.language import EN_STOP, RU_STOP
from textcoop.nlp.lemmas import lemma_of

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
EXTRA_STOP = frozenset(
    (
        "нам нас наш наши очень просто нужно надо нужен нужна есть быть весь свой этот который такой "
        "also just like really would could think much many lot get got make people one thing things "
        "they them who over here there about what when where out into more some any very because should "
        "don dont does did being been having"
    ).split()
)


@dataclass
class EmergentCode:
    """A candidate code: its top terms, how many answers load on it, and examples."""

    label: str
    terms: list[str]
    n_answers: int
    examples: list[str]


def _tokens(text: str) -> str:
    words = [lemma_of(w) for w in _WORD.findall(text.lower())]
    return " ".join(
        w for w in words if w not in RU_STOP and w not in EN_STOP and w not in EXTRA_STOP
    )


def emergent_codes(
    texts: list[str], k: int | None = None, n_terms: int = 8, n_examples: int = 3, seed: int = 0
) -> list[EmergentCode]:
    """Group texts into ``k`` candidate codes (``None``: about one per 40 answers, 3 to 8)."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [_tokens(t) for t in texts]
    keep = [i for i, d in enumerate(docs) if d]
    if len(keep) < 6:
        raise InputError(
            f"only {len(keep)} substantive `other` answers: too few to group",
            hint="emergent codes need a few dozen answers",
        )
    k = k or int(min(8, max(3, len(keep) // 40)))
    k = min(k, len(keep) // 2)
    vec = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, max_df=0.5, sublinear_tf=True, token_pattern=r"\S+"
    )
    try:
        x = vec.fit_transform([docs[i] for i in keep])
    except ValueError as exc:  # every term too rare or too common
        raise InputError(
            "the `other` answers share too few words to group",
            hint="emergent codes need a few dozen answers",
        ) from exc
    model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=500)
    w = model.fit_transform(x)
    vocab = np.array(vec.get_feature_names_out())
    owner = w.argmax(axis=1)
    codes = []
    for j in range(k):
        terms = vocab[np.argsort(-model.components_[j])[:n_terms]].tolist()
        members = np.where((owner == j) & (w[:, j] > 0))[0]
        best = members[np.argsort(-w[members, j])][:n_examples]
        codes.append(
            EmergentCode(
                f"candidate_{j + 1}", terms, int(len(members)), [texts[keep[i]] for i in best]
            )
        )
    return sorted(codes, key=lambda c: -c.n_answers)


def other_answers(df: pd.DataFrame, text_column: str, prefix: str) -> list[str]:
    """Substantive answers coded `other` in a coded table."""
    for c in (f"{prefix}themes", f"{prefix}nonsubstantive"):
        if c not in df.columns:
            raise InputError(
                f"no column {c!r}: the table has not been coded",
                hint="run `textcoop survey code` first",
            )
    mask = (df[f"{prefix}themes"].astype(str) == "other") & (
        pd.to_numeric(df[f"{prefix}nonsubstantive"], errors="coerce").fillna(0) == 0
    )
    return [str(t) for t in df.loc[mask, text_column].tolist() if str(t).strip()]
