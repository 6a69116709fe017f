"""Versions over time: what changed between two versions of one region's program or strategy.

Versions are documents of the same region and doc_type with different
years (consecutive ones are paired, by the first year of their period), or
pairs the user names. Per theme, with coverage = share of the document's
text coded with it (``doc_coverage.share``; the covering test is the same
as for supply):

- ``added``: the new version covers the theme, the old one did not;
- ``dropped``: the reverse;
- ``grown`` / ``shrunk``: both cover it and the share changed by a factor of
  at least ``ratio`` (1.5) and by at least ``min_diff`` (2 points of text).

Each change comes with the strongest passage of the version that has more
of it (the new one for added/grown, the old one for dropped/shrunk).
"""

from __future__ import annotations

import re

import pandas as pd

from textcoop.errors import InputError

COLUMNS = [
    "region",
    "theme",
    "change",
    "old_value",
    "new_value",
    "old_doc_id",
    "new_doc_id",
    "passage_doc_id",
    "passage_page",
    "passage_text",
]


def year_key(year: object) -> tuple[int, int] | None:
    """(first year, last year) of a period string ("2024-2030", "-2035", "2025"); None without a year."""
    ys = [int(y) for y in re.findall(r"(?:19|20)\d\d", str(year or ""))]
    return (ys[0], ys[-1]) if ys else None


def version_pairs(documents: pd.DataFrame) -> list[tuple[str, str]]:
    """(old doc_id, new doc_id) of consecutive versions: same region and doc_type, different years."""
    pairs = []
    docs = documents.dropna(subset=["region", "doc_type"]).copy()
    docs["ykey"] = docs["year"].map(year_key)
    docs = docs.dropna(subset=["ykey"])
    for _, g in docs.groupby(["region", "doc_type"]):
        g = g.sort_values("ykey")
        rows = list(g.itertuples())
        for a, b in zip(rows, rows[1:], strict=False):
            if a.ykey != b.ykey:
                pairs.append((a.doc_id, b.doc_id))
    return pairs


def _top_passage(doc_segs: pd.DataFrame | None, theme: str) -> tuple:
    """The document's highest-scoring passage coded ``theme`` (doc_segs: that document's segments)."""
    if doc_segs is None:
        return (None, None, None)
    s = doc_segs[doc_segs["themes"].apply(lambda ts: theme in ts)]
    if s.empty:
        return (None, None, None)
    best = s.assign(score=s["scores"].apply(lambda d: float(d.get(theme, 0.0)))).nlargest(
        1, "score"
    )
    r = best.iloc[0]
    return (r["doc_id"], int(r["page"]), r["text"])


def compare_versions(
    pairs: list[tuple[str, str]],
    documents: pd.DataFrame,
    share: pd.DataFrame,
    covering: pd.DataFrame,
    segs: pd.DataFrame,
    ratio: float = 1.5,
    min_diff: float = 0.02,
) -> pd.DataFrame:
    """The ``versions`` table for the given pairs (share, covering: documents × themes)."""
    known = set(covering.index)
    region = documents.set_index("doc_id")["region"]
    rows = []
    # each compared document's segments, split out once: a change looks only at its own
    wanted = {d for pair in pairs for d in pair}
    by_doc = dict(tuple(segs[segs["doc_id"].isin(wanted)].groupby("doc_id", sort=False)))
    for old, new in pairs:
        for d in (old, new):
            if d not in known:
                raise InputError(
                    f"document {d} has no theme codes to compare",
                    hint="run `textcoop classify` and check the id with `textcoop docs`",
                )
        for t in covering.columns:
            a, b = float(share.loc[old, t]), float(share.loc[new, t])
            ca, cb = bool(covering.loc[old, t]), bool(covering.loc[new, t])
            change = None
            if cb and not ca:
                change = "added"
            elif ca and not cb:
                change = "dropped"
            elif ca and cb and abs(b - a) >= min_diff:
                if b >= a * ratio:
                    change = "grown"
                elif a >= b * ratio:
                    change = "shrunk"
            if change is None:
                continue
            src = new if change in ("added", "grown") else old
            rows.append(
                (
                    region.get(new) or region.get(old),
                    t,
                    change,
                    a,
                    b,
                    old,
                    new,
                    *_top_passage(by_doc.get(src), t),
                )
            )
    out = pd.DataFrame(rows, columns=COLUMNS).astype({"passage_page": "Int64"})
    order = {"added": 0, "dropped": 1, "grown": 2, "shrunk": 3}
    out = out.assign(_o=out["change"].map(order)).sort_values(
        ["region", "new_doc_id", "_o", "theme"]
    )
    return out.drop(columns="_o").reset_index(drop=True)
