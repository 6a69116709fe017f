"""Compare strategies: group × theme matrix, pairwise similarity, clusters, distinctive terms, versions.

The theme profile of a group is the mean, over its documents, of the share
of each document's text coded with each theme (``doc_coverage.share``): it
says where a strategy puts its weight, which the yes/no covering used for
gaps cannot. Similarity is the cosine of two profiles (theme profiles, and
topic profiles when the store has a topic model); clusters come from
average-linkage hierarchical clustering on cosine distance, the number of
clusters chosen by the silhouette.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textcoop.errors import InputError
from textcoop.gaps import load
from textcoop.gaps.logodds import count_table, distinctive_terms, name_stems
from textcoop.gaps.notes import Note
from textcoop.gaps.result import Result
from textcoop.gaps.supply import covering_matrix, group_profile
from textcoop.gaps.topicsrc import cosine_matrix, load_topic_tables, topic_profiles
from textcoop.gaps.versions import compare_versions, version_pairs


class CompareResult(Result):
    pass


def share_matrix(coverage: pd.DataFrame, doc_ids: list[str], themes: list[str]) -> pd.DataFrame:
    """Documents × themes: share of the document's text coded with the theme (0 when none)."""
    m = pd.DataFrame(0.0, index=pd.Index(doc_ids, name="doc_id"), columns=themes)
    cov = coverage[coverage["doc_id"].isin(doc_ids) & coverage["theme"].isin(themes)]
    for r in cov.itertuples():
        m.loc[r.doc_id, r.theme] = float(r.share)
    return m


def distinguishing(profiles: pd.DataFrame, a: str, b: str, k: int = 3) -> str:
    """The k themes whose weight differs most between two profiles, as "theme a%/b%"."""
    d = (profiles.loc[a] - profiles.loc[b]).abs().sort_values(ascending=False).head(k)
    return "; ".join(
        f"{t} {profiles.loc[a, t]:.0%}/{profiles.loc[b, t]:.0%}" for t in d.index if d[t] > 0
    )


def similarity_table(theme_prof: pd.DataFrame, topic_prof: pd.DataFrame | None) -> pd.DataFrame:
    """a, b, theme_cosine, topic_cosine (None without topics), distinguishing_themes; most similar first."""
    ts = cosine_matrix(theme_prof)
    ps = cosine_matrix(topic_prof) if topic_prof is not None and len(topic_prof) else None
    groups = list(theme_prof.index)
    rows = []
    for i, a in enumerate(groups):
        for b in groups[i + 1 :]:
            tc = None
            if ps is not None and a in ps.index and b in ps.index:
                tc = float(ps.loc[a, b])
            rows.append((a, b, float(ts.loc[a, b]), tc, distinguishing(theme_prof, a, b)))
    out = pd.DataFrame(
        rows, columns=["a", "b", "theme_cosine", "topic_cosine", "distinguishing_themes"]
    )
    return out.sort_values(["theme_cosine", "a", "b"], ascending=[False, True, True]).reset_index(
        drop=True
    )


def cluster_groups(profiles: pd.DataFrame, max_k: int = 8) -> pd.DataFrame:
    """group, cluster (1..k), order (dendrogram leaf order): average linkage on cosine distance."""
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage
    from scipy.spatial.distance import squareform

    n = len(profiles)
    if n < 3:
        return pd.DataFrame(
            {
                "group": list(profiles.index),
                "cluster": list(range(1, n + 1)),
                "order": list(range(1, n + 1)),
            }
        )
    dist = np.clip(1.0 - cosine_matrix(profiles).to_numpy(), 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2
    z = linkage(squareform(dist, checks=False), method="average")
    best_k, best_s = 1, -1.0
    for k in range(2, min(max_k, n - 1) + 1):
        labels = fcluster(z, k, criterion="maxclust")
        if len(set(labels)) < 2:
            continue
        s = _silhouette(dist, labels)
        if s > best_s + 1e-12:
            best_k, best_s = k, s
    labels = fcluster(z, best_k, criterion="maxclust") if best_k > 1 else np.ones(n, dtype=int)
    order = np.empty(n, dtype=int)
    order[leaves_list(z)] = np.arange(1, n + 1)
    out = pd.DataFrame(
        {"group": list(profiles.index), "cluster": labels.astype(int), "order": order}
    )
    return out.sort_values("order").reset_index(drop=True)


def _silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    if len(set(labels)) >= len(labels):
        return -1.0
    return float(silhouette_score(dist, labels, metric="precomputed"))


def group_texts(segs: pd.DataFrame, groups: pd.Series):
    """(group, text) of every non-heading segment of the grouped documents."""
    s = segs[(segs["kind"] != "heading") & segs["doc_id"].isin(groups.index)]
    return zip(s["doc_id"].map(groups), s["text"], strict=True)


def compare(
    store,
    by: str = "region",
    codebook=None,
    seed: int = 0,
    top: int = 15,
    pairs: list[tuple[str, str]] | None = None,
    min_segments: int = 1,
    prior_size: float = 1000.0,
    corpus: load.StoreData | None = None,
) -> CompareResult:
    """Matrix, similarity, clusters, distinctive terms and versions of the store's groups.

    ``store`` is an open Store or a path; ``pairs`` names (old, new) documents
    to compare as versions, in addition to those found from the metadata.
    ``corpus``: the store's corpus already loaded (``load.load_corpus``) with
    the same codebook; it is copied, never changed. None loads it here.
    """
    themes, names = load.theme_ids(codebook)
    st, opened = load.as_store(store)
    try:
        data = load.load_store(st, themes) if corpus is None else load.given_corpus(corpus, themes)
        pairs = [(st.resolve(a), st.resolve(b)) for a, b in pairs or []]
        notes = data.notes
        topics = load_topic_tables(st, notes)
    finally:
        if opened:
            st.close()
    if len(data.documents) < 2:
        raise InputError(
            f"compare needs at least 2 coded documents; the store has {len(data.documents)}",
            hint="ingest and classify more documents",
        )
    groups = load.doc_groups(data, by)
    if groups.nunique() < 2:
        raise InputError(
            f"compare needs at least 2 groups by {by}; all documents are in {groups.iloc[0]!r}",
            hint="set metadata (`textcoop meta set`) or compare --by doc",
        )
    share = share_matrix(data.coverage, list(data.documents["doc_id"]), themes)
    covering = covering_matrix(data.coverage, list(data.documents["doc_id"]), themes, min_segments)
    prof = group_profile(share, groups)
    cover_prof = group_profile(covering.astype(float), groups)
    matrix = prof.stack().rename("value").reset_index()
    matrix.columns = ["group", "theme", "value"]
    matrix["docs_covering"] = cover_prof.stack().to_numpy()
    matrix["n_docs"] = matrix["group"].map(groups.value_counts())
    tprof = topic_profiles(topics["doc_topics"], groups) if topics else None
    stems = name_stems(groups.unique()) if by == "region" else ()
    counts = count_table(group_texts(data.segments, groups), stems)
    tables = {
        "matrix": matrix,
        "similarity": similarity_table(prof, tprof),
        "clusters": cluster_groups(prof),
        "distinctive_terms": distinctive_terms(counts, top, prior_size),
    }
    found = version_pairs(data.documents)
    all_pairs = list(dict.fromkeys([*found, *pairs]))
    tables["versions"] = compare_versions(all_pairs, data.documents, share, covering, data.segments)
    if not all_pairs:
        notes.append(
            Note(
                "no versions to compare: no region has two documents of the same doc_type with "
                "different years (name a pair with --pair OLD NEW)",
                "нет версий для сравнения: ни в одном регионе нет двух документов одного типа "
                "за разные годы (пару можно задать: --pair СТАРЫЙ НОВЫЙ)",
            )
        )
    if groups.nunique() < 3:
        notes.append(
            Note(
                "clusters need at least 3 groups: each group is its own cluster",
                "для кластеров нужно не меньше 3 групп: каждая группа образует свой кластер",
            )
        )
    params = {
        "by": by,
        "seed": seed,
        "min_segments": min_segments,
        "prior_size": prior_size,
        "model_id": data.model_id,
        "themes": themes,
        "theme_names": names,
        "version_pairs": [list(p) for p in all_pairs],
        "scales": {
            "value": "mean over the group's documents of the share of text coded with the theme",
            "theme_cosine": "cosine of the groups' theme profiles (values of the matrix)",
            "topic_cosine": "cosine of the groups' mean document-topic weights (null without topics)",
            "zeta": "log-odds ratio z-score, group vs rest, informative Dirichlet prior (Monroe et al. 2008)",
        },
    }
    return CompareResult(tables, notes, params, kind="compare")
