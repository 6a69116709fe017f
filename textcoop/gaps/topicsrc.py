"""Topic tables (from `textcoop topics fit`), when the store has them: profiles and codebook gaps.

``textcoop.topics`` may be absent (older installs) or have no run yet; both
give None and a note naming the command that makes topics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textcoop.gaps.notes import Note

CODEBOOK_GAPS_COLUMNS = [
    "topic", "top_terms", "example_doc_id", "example_page", "example_text", "prevalence",
]  # fmt: skip
TOPICS_HINT = "run `textcoop topics fit --store FILE` to add topic profiles and codebook gaps"
TOPICS_HINT_RU = (
    "выполните `textcoop topics fit --store FILE`, чтобы добавить тематические профили "
    "и темы вне кодовой книги"
)


def load_topic_tables(store, notes: list[str]) -> dict[str, pd.DataFrame] | None:
    """``textcoop.topics.topic_tables(store)`` or None (with a note) when there are no topics."""
    try:
        from textcoop.topics import topic_tables
    except ImportError:
        notes.append(
            Note(
                f"no topic model support in this install: {TOPICS_HINT}",
                f"тематические модели в этой установке недоступны: {TOPICS_HINT_RU}",
            )
        )
        return None
    tables = topic_tables(store)
    if not tables or tables.get("topics") is None or tables["topics"].empty:
        notes.append(
            Note(
                f"the store has no topic model: {TOPICS_HINT}",
                f"в хранилище нет тематической модели: {TOPICS_HINT_RU}",
            )
        )
        return None
    return tables


def topic_profiles(doc_topics: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Groups × topics: mean topic weight of the group's documents (documents without topics left out)."""
    wide = doc_topics.pivot_table(index="doc_id", columns="topic", values="weight", aggfunc="sum")
    wide = wide.fillna(0.0)
    docs = [d for d in groups.index if d in wide.index]
    if not docs:
        return pd.DataFrame()
    return wide.loc[docs].groupby(groups.loc[docs]).mean()


def codebook_gaps(tables: dict[str, pd.DataFrame], k_examples: int = 1) -> pd.DataFrame:
    """Topics that match no codebook theme (``theme`` NULL), with top terms and example passages."""
    topics = tables["topics"]
    free = topics[topics["theme"].isna()]
    passages = tables.get("passages")
    rows = []
    for t in free.sort_values("prevalence", ascending=False).itertuples():
        ex = (
            passages[passages["topic"] == t.topic].sort_values("rank").head(k_examples)
            if passages is not None and len(passages)
            else pd.DataFrame()
        )
        terms = "; ".join(map(str, list(t.top_terms)[:10]))
        if ex.empty:
            rows.append((t.topic, terms, None, None, None, float(t.prevalence)))
        for e in ex.itertuples():
            rows.append((t.topic, terms, e.doc_id, int(e.page), e.text, float(t.prevalence)))
    out = pd.DataFrame(rows, columns=CODEBOOK_GAPS_COLUMNS)
    return out.astype({"example_page": "Int64"})


def cosine_matrix(profiles: pd.DataFrame) -> pd.DataFrame:
    """Pairwise cosine similarity of row profiles (0 for an all-zero profile, never NaN)."""
    x = profiles.to_numpy(dtype=float)
    norm = np.linalg.norm(x, axis=1)
    safe = np.where(norm > 0, norm, 1.0)
    u = x / safe[:, None]
    sim = u @ u.T
    return pd.DataFrame(sim, index=profiles.index, columns=profiles.index)
