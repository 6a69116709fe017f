"""Omissions: themes a group's documents do not cover, how likely the coder missed them, near-misses.

The coder misses a passage of theme t with probability ``1 - r`` where
``r`` is its measured recall on held-out passages (dev set in the model's
meta.json, Laplace-smoothed: ``(r·n + 1) / (n + 2)`` for support ``n``, so a
perfect score on 20 passages is not taken as certainty). A document that
really covers t does so in about ``m`` passages, ``m`` being the median
number of t-passages of the documents that do cover t in the corpus (1
when none does: the least text that counts as covering). Taking misses as
independent, a covering document goes undetected with probability

    q = (1 - r) ** m

With prior ``π`` that a document covers t (the corpus share of documents
covering t, smoothed ``(k + 1) / (N + 2)``) and ``n`` documents in the
group, each covering t or not independently, nothing is detected with
probability ``(1 - π + π q) ** n``; of that, ``(1 - π) ** n`` is the case
where t is truly absent everywhere. So the probability that t is present
in the group but missed, given that nothing was detected, is

    p_missed = 1 - ((1 - π) / (1 - π + π q)) ** n

Near-misses are the group's passages with the highest score for t among
those not coded t: what to read to check the omission by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textcoop.gaps.load import theme_recall

NEAR_MISSES = 3


def p_missed(recall: float, support: int, m: float, prior: float, n_docs: int) -> float:
    """Probability the theme is present in the group but every passage was missed (see module doc)."""
    r = (recall * support + 1) / (support + 2)
    q = (1 - r) ** m
    return 1 - ((1 - prior) / (1 - prior + prior * q)) ** n_docs


def score_arrays(
    segs: pd.DataFrame, themes: list[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Non-heading segments, their scores (segments × themes) and assigned-theme mask."""
    s = segs[segs["kind"] != "heading"].reset_index(drop=True)
    scores = np.array([[float(d.get(t, 0.0)) for t in themes] for d in s["scores"]]).reshape(
        len(s), len(themes)
    )
    assigned = np.array([[t in ts for t in themes] for ts in s["themes"]], dtype=bool).reshape(
        len(s), len(themes)
    )
    return s, scores, assigned


def near_misses(
    segs: pd.DataFrame,
    scores: np.ndarray,
    assigned: np.ndarray,
    rows: np.ndarray,
    j: int,
    k: int = NEAR_MISSES,
) -> pd.DataFrame:
    """The k highest-scoring passages (among ``rows``) for theme ``j`` that were not coded with it."""
    cand = rows[~assigned[rows, j]]
    top = cand[np.argsort(-scores[cand, j], kind="stable")[:k]]
    return segs.iloc[top].assign(score=scores[top, j])


def omissions(
    covering: pd.DataFrame,
    groups: pd.Series,
    segs: pd.DataFrame,
    coverage: pd.DataFrame,
    meta: dict | None,
    doc_lang: pd.Series,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``omissions`` table (one row per uncovered group × theme) and the ``near_misses`` table."""
    covering = covering.loc[groups.index]
    themes = list(covering.columns)
    n_all = len(covering)
    s, scores, assigned = score_arrays(segs, themes)
    seg_group = s["doc_id"].map(groups).to_numpy()
    flags = covering.stack().rename("covers")
    flags.index.names = ["doc_id", "theme"]
    cov = coverage.merge(flags.reset_index(), on=["doc_id", "theme"])
    medians = cov[cov["covers"]].groupby("theme")["n_segments"].median()
    rows, near = [], []
    for g in sorted(groups.unique(), key=str):
        docs = groups[groups == g].index
        idx = np.flatnonzero(seg_group == g)
        lang = doc_lang.reindex(docs).mode()
        lang = str(lang.iloc[0]) if len(lang) else "ru"
        covered = covering.loc[docs].any()
        for j, t in enumerate(themes):
            if covered[t]:
                continue
            prior = (int(covering[t].sum()) + 1) / (n_all + 2)
            m = float(medians.get(t, 1.0))
            rec = theme_recall(meta, lang, t) if meta else None
            pm = p_missed(rec[0], rec[1], m, prior, len(docs)) if rec else None
            nm = near_misses(s, scores, assigned, idx, j)
            top = nm.iloc[0] if len(nm) else None
            rows.append(
                {
                    "group": g,
                    "theme": t,
                    "p_missed": pm,
                    "near_miss_doc_id": None if top is None else top["doc_id"],
                    "near_miss_page": None if top is None else int(top["page"]),
                    "near_miss_text": None if top is None else top["text"],
                    "near_miss_score": None if top is None else float(top["score"]),
                    "n_docs": len(docs),
                    "recall": None if rec is None else rec[0],
                    "recall_support": None if rec is None else rec[1],
                    "segments_missed": m,
                    "prior": prior,
                }
            )
            for i, r in enumerate(nm.itertuples(), start=1):
                near.append((g, t, i, r.doc_id, int(r.page), r.section, r.text, float(r.score)))
    cols = ["group", "theme", "p_missed", "near_miss_doc_id", "near_miss_page", "near_miss_text"]
    cols += ["near_miss_score", "n_docs", "recall", "recall_support", "segments_missed", "prior"]
    out = pd.DataFrame(rows, columns=cols)
    out = out.astype({"near_miss_page": "Int64", "recall_support": "Int64"})
    out = out.sort_values(["group", "p_missed"], ascending=[True, False], na_position="last")
    near_cols = ["group", "theme", "rank", "doc_id", "page", "section", "text", "score"]
    return out.reset_index(drop=True), pd.DataFrame(near, columns=near_cols)
