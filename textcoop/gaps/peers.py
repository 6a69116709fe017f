"""Peer gaps: themes most peer groups cover that this one does not.

A group covers a theme when any of its documents does. For a group that
does not, ``peer_share`` is the share of the other groups that do; the
table keeps the themes where that share reaches ``min_share`` (default one
half: "most peers"), largest first. With fewer than ``min_peers`` other
groups there is no meaningful majority and the table is empty (a note says
so).
"""

from __future__ import annotations

import pandas as pd


def group_covers(covering: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Groups × themes, True when any document of the group covers the theme."""
    return covering.loc[groups.index].groupby(groups).any()


def peer_gaps(
    covering: pd.DataFrame, groups: pd.Series, min_share: float = 0.5, min_peers: int = 2
) -> pd.DataFrame:
    """group, theme, peer_share, n_peers (and n_peers_covering) for themes peers cover and the group does not."""
    gc = group_covers(covering, groups)
    rows = []
    n_peers = len(gc) - 1
    if n_peers < min_peers:
        return pd.DataFrame(columns=["group", "theme", "peer_share", "n_peers", "n_peers_covering"])
    for g in gc.index:
        others = gc.drop(index=g)
        for t in gc.columns:
            if gc.loc[g, t]:
                continue
            k = int(others[t].sum())
            share = k / n_peers
            if share >= min_share:
                rows.append((g, t, share, n_peers, k))
    out = pd.DataFrame(
        rows, columns=["group", "theme", "peer_share", "n_peers", "n_peers_covering"]
    )
    return out.sort_values(["group", "peer_share"], ascending=[True, False]).reset_index(drop=True)
