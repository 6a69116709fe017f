"""The supply side: which themes each group's documents cover, and shares with bootstrap intervals.

A document *covers* a theme when at least ``min_segments`` of its passages
(non-heading segments) are coded with it (default 1: one passage that
commits to, say, subsidies for cooperation is a support measure on offer).
A binary per document puts supply on the same scale as demand, which is a
binary per respondent: supply is the share of the group's documents
covering the theme, demand the share of its respondents raising it, both
in [0, 1]. The share of text (``doc_coverage.share``) is not used here
because it shrinks with document length: a 200-page strategy spends a
smaller share on anything than a two-page plan.

Intervals: documents are resampled with replacement within their group
(respondents likewise on the demand side), ``n_boot`` times, seeded per
group so a group's interval does not change when other groups are added;
95% percentile intervals.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from textcoop.errors import InputError


def covering_matrix(
    coverage: pd.DataFrame, doc_ids: list[str], themes: list[str], min_segments: int = 1
) -> pd.DataFrame:
    """Documents × themes, True when the document has ``min_segments`` or more passages of the theme."""
    if min_segments < 1:
        raise InputError("min_segments must be at least 1", value=min_segments)
    m = pd.DataFrame(False, index=pd.Index(doc_ids, name="doc_id"), columns=themes)
    cov = coverage[coverage["doc_id"].isin(doc_ids) & coverage["theme"].isin(themes)]
    for r in cov.itertuples():
        if r.n_segments >= min_segments:
            m.loc[r.doc_id, r.theme] = True
    return m


def group_rng(seed: int, group: str, side: int) -> np.random.Generator:
    """A generator fixed by (seed, group name, side): stable whatever other groups there are."""
    return np.random.default_rng([seed, zlib.crc32(str(group).encode("utf-8")), side])


def shares_boot(
    units: pd.DataFrame,
    groups: pd.Series,
    n_boot: int = 1000,
    seed: int = 0,
    side: int = 0,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Share of units per group and theme, with bootstrap replicates.

    ``units``: units × themes, 0/1; ``groups``: unit -> group (same index).
    Returns a long table (group, theme, n, k, share, lo, hi) and, per group,
    an array (n_boot, n_themes) of resampled shares for derived statistics.
    """
    if n_boot < 1:
        raise InputError("--n-boot must be at least 1", value=n_boot)
    themes = list(units.columns)
    rows, boots = [], {}
    for g in sorted(groups.unique(), key=str):
        x = units.loc[groups[groups == g].index].to_numpy(dtype=float)
        n = len(x)
        rng = group_rng(seed, g, side)
        b = x[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
        boots[g] = b
        lo, hi = np.percentile(b, [2.5, 97.5], axis=0)
        k = x.sum(axis=0)
        for j, t in enumerate(themes):
            rows.append((g, t, n, int(k[j]), k[j] / n, float(lo[j]), float(hi[j])))
    cols = ["group", "theme", "n", "k", "share", "lo", "hi"]
    return pd.DataFrame(rows, columns=cols), boots


def supply_table(
    covering: pd.DataFrame, groups: pd.Series, n_boot: int = 1000, seed: int = 0
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The contract's ``supply`` table: group, theme, n_docs, n_docs_covering, supply, supply_lo, supply_hi."""
    covering = covering.loc[groups.index]
    t, boots = shares_boot(covering.astype(np.int8), groups, n_boot, seed, side=0)
    t = t.rename(
        columns={
            "n": "n_docs",
            "k": "n_docs_covering",
            "share": "supply",
            "lo": "supply_lo",
            "hi": "supply_hi",
        }
    )
    return t, boots


def group_profile(values: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Mean of a documents × themes table per group (groups × themes)."""
    return values.loc[groups.index].groupby(groups).mean()
