"""Gaps: what respondents of a region ask for against what its documents offer.

Scales (both shares in [0, 1], stated in every result's params):
supply = share of the group's documents covering the theme (at least
``min_segments`` passages coded with it); demand = share of the group's
respondents with a substantive answer who raise it. gap = demand − supply:
positive when more firms ask than documents offer. Intervals: documents
and respondents are resampled independently within the group; the gap's
replicate is the difference of the two replicates; 95% percentile bounds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textcoop.errors import InputError
from textcoop.gaps import load
from textcoop.gaps.demand import read_surveys
from textcoop.gaps.notes import Note
from textcoop.gaps.omissions import omissions
from textcoop.gaps.peers import peer_gaps
from textcoop.gaps.result import Result
from textcoop.gaps.supply import covering_matrix, shares_boot, supply_table
from textcoop.gaps.topicsrc import CODEBOOK_GAPS_COLUMNS, codebook_gaps, load_topic_tables

SCALES = {
    "supply": "share of the group's documents with at least min_segments passages coded with the theme",
    "demand": "share of the group's respondents with a substantive answer who raise the theme in any answer",
    "gap": "demand minus supply, both shares in [0, 1]; positive = asked for more than offered",
    "intervals": "95% percentile bootstrap: documents and respondents resampled within group",
}


class GapResult(Result):
    pass


def demand_table(
    resp: pd.DataFrame, themes: list[str], n_boot: int, seed: int
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The ``demand`` table from respondents (substantive ones only) with a ``group`` column."""
    sub = resp[resp["substantive"]].reset_index(drop=True)
    t, boots = shares_boot(sub[themes], sub["group"], n_boot, seed, side=1)
    t = t.rename(
        columns={
            "n": "n_resp",
            "k": "n_raising",
            "share": "demand",
            "lo": "demand_lo",
            "hi": "demand_hi",
        }
    )
    return t, boots


def gap_table(
    supply: pd.DataFrame,
    s_boots: dict[str, np.ndarray],
    demand: pd.DataFrame,
    d_boots: dict[str, np.ndarray],
    themes: list[str],
) -> pd.DataFrame:
    """group, theme, demand, supply, gap, gap_lo, gap_hi, rank (1 = largest positive gap in the group)."""
    rows = []
    for g in sorted(set(s_boots) & set(d_boots), key=str):
        b = d_boots[g] - s_boots[g]
        lo, hi = np.percentile(b, [2.5, 97.5], axis=0)
        s = supply[supply["group"] == g].set_index("theme")["supply"]
        d = demand[demand["group"] == g].set_index("theme")["demand"]
        for j, t in enumerate(themes):
            rows.append(
                (g, t, float(d[t]), float(s[t]), float(d[t] - s[t]), float(lo[j]), float(hi[j]))
            )
    out = pd.DataFrame(
        rows, columns=["group", "theme", "demand", "supply", "gap", "gap_lo", "gap_hi"]
    )
    out = out.sort_values(["group", "gap", "theme"], ascending=[True, False, True])
    out["rank"] = out.groupby("group").cumcount() + 1
    return out.reset_index(drop=True)


def evidence_supply(
    segs: pd.DataFrame, groups: pd.Series, docs: pd.DataFrame, k: int = 2
) -> pd.DataFrame:
    """The k strongest passages per group and theme (coded with the theme, highest score first)."""
    cols = ["group", "theme", "doc_id", "title", "page", "section", "text", "score"]
    s = segs[(segs["kind"] != "heading") & segs["doc_id"].isin(groups.index)]
    s = s.explode("themes").rename(columns={"themes": "theme"})
    s = s[s["theme"].notna() & (s["theme"] != load.OTHER)]
    if s.empty:
        return pd.DataFrame(columns=cols)
    s = s.assign(
        score=[float(d.get(t, 0.0)) for d, t in zip(s["scores"], s["theme"], strict=True)],
        group=s["doc_id"].map(groups),
        title=s["doc_id"].map(docs.set_index("doc_id")["title"]),
    )
    s = s.sort_values(["group", "theme", "score"], ascending=[True, True, False])
    return s.groupby(["group", "theme"]).head(k)[cols].reset_index(drop=True)


def evidence_demand(resp: pd.DataFrame, answers: pd.DataFrame, k: int = 2) -> pd.DataFrame:
    """Up to k answers per group and theme that raised it, most confident first."""
    cols = ["group", "theme", "answer_id", "text", "confidence", "question"]
    a = answers.merge(resp[["resp_id", "group"]], on="resp_id")
    a = a[a["text"].astype(str).str.strip() != ""].rename(columns={"resp_id": "answer_id"})
    a = a.sort_values(["group", "theme", "confidence"], ascending=[True, True, False])
    return a.groupby(["group", "theme"]).head(k)[cols].reset_index(drop=True)


def match_groups(resp: pd.DataFrame, doc_group_values: list[str], notes: list[str]) -> pd.DataFrame:
    """Map respondents' region values onto document groups (case, ё/е and spacing ignored)."""
    keys = {load.norm_key(v): v for v in doc_group_values}
    blank = resp["group_raw"].str.strip() == ""
    if blank.any():
        notes.append(
            Note(
                f"{int(blank.sum())} respondent(s) have no region and are left out",
                f"респонденты без региона не учтены: {int(blank.sum())}",
            )
        )
    resp = resp[~blank].copy()
    resp["group"] = [keys.get(load.norm_key(v), v) for v in resp["group_raw"]]
    unmatched = sorted(set(resp["group"]) - set(doc_group_values))
    if unmatched and len(unmatched) == resp["group"].nunique():
        raise InputError(
            "no survey region matches a document region",
            value=unmatched[:5],
            options=sorted(doc_group_values)[:10],
            hint="check --region-column, or set the documents' regions with `textcoop meta set`",
        )
    if unmatched:
        notes.append(
            Note(
                f"region(s) with respondents but no documents: {', '.join(unmatched)} "
                "(demand is reported, gaps cannot be: add their documents to the store)",
                f"регионы с респондентами, но без документов: {', '.join(unmatched)} "
                "(спрос показан, разрыв посчитать нельзя: добавьте их документы в хранилище)",
            )
        )
    return resp


def compute_gaps(
    store,
    surveys: list | None = None,
    codebook=None,
    by: str = "region",
    region_column: str = "region",
    n_boot: int = 1000,
    seed: int = 0,
    min_segments: int = 1,
    model_dir=None,
    id_column: str | None = None,
    text_column: str | None = None,
    corpus: load.StoreData | None = None,
) -> GapResult:
    """Supply, demand, ranked gaps with intervals and evidence, omissions, peer and codebook gaps.

    ``store`` is an open Store or a path (opened read-only). ``corpus``: the
    store's corpus already loaded (``load.load_corpus``) with the same
    codebook; it is copied, never changed. None loads it here.
    """
    themes, names = load.theme_ids(codebook)
    st, opened = load.as_store(store)
    try:
        data = load.load_store(st, themes) if corpus is None else load.given_corpus(corpus, themes)
        return _compute(
            st, data, surveys, themes, names, by, region_column, n_boot, seed, min_segments,
            model_dir, id_column, text_column,
        )  # fmt: skip
    finally:
        if opened:
            st.close()


def _compute(
    store, data, surveys, themes, names, by, region_column, n_boot, seed, min_segments,
    model_dir, id_column, text_column,
) -> GapResult:  # fmt: skip
    notes = data.notes
    groups = load.doc_groups(data, by)
    covering = covering_matrix(data.coverage, list(groups.index), themes, min_segments)
    supply, s_boots = supply_table(covering, groups, n_boot, seed)
    single = sorted(g for g, n in groups.value_counts().items() if n == 1)
    if single:
        notes.append(
            Note(
                f"{len(single)} group(s) have a single document ({', '.join(single[:5])}): their supply is "
                "0 or 1 and its interval has no document-to-document spread",
                f"групп с единственным документом: {len(single)} ({', '.join(single[:5])}); их "
                "предложение равно 0 или 1, и интервал не отражает разброса между документами",
            )
        )
    tables: dict[str, pd.DataFrame] = {"supply": supply}
    demand = pd.DataFrame(
        columns=["group", "theme", "n_resp", "n_raising", "demand", "demand_lo", "demand_hi"]
    )
    gaps = pd.DataFrame(
        columns=["group", "theme", "demand", "supply", "gap", "gap_lo", "gap_hi", "rank"]
    )
    ev_d = pd.DataFrame(columns=["group", "theme", "answer_id", "text", "confidence", "question"])
    if surveys:
        resp, answers = read_surveys(surveys, themes, region_column, id_column, text_column, notes)
        resp = match_groups(resp, list(groups.unique()), notes)
        if not resp["substantive"].any():
            raise InputError(
                "no respondent gave a substantive answer", value=[str(s) for s in surveys]
            )
        demand, d_boots = demand_table(resp, themes, n_boot, seed)
        gaps = gap_table(supply, s_boots, demand, d_boots, themes)
        ev_d = evidence_demand(resp, answers)
        no_resp = sorted(set(groups) - set(resp["group"]))
        if no_resp:
            notes.append(
                Note(
                    f"group(s) with documents but no respondents: {', '.join(map(str, no_resp))}",
                    f"группы с документами, но без респондентов: {', '.join(map(str, no_resp))}",
                )
            )
    else:
        notes.append(
            Note(
                "no survey given: demand and gaps need --survey CODED (from `textcoop survey code`)",
                "опрос не задан: для спроса и разрывов нужен --survey CODED "
                "(результат `textcoop survey code`)",
            )
        )
    tables["demand"] = demand
    tables["gaps"] = gaps
    tables["evidence_supply"] = evidence_supply(data.segments, groups, data.documents)
    tables["evidence_demand"] = ev_d
    meta = load.model_meta(data.model_id, model_dir)
    if meta is None:
        notes.append(
            Note(
                f"the model that coded the store ({data.model_id}) was not found (looked in "
                f"{model_dir or 'the default models/'}): p_missed is empty; pass --model DIR",
                f"модель, которой закодировано хранилище ({data.model_id}), не найдена (искали в "
                f"{model_dir or 'models/'}): p_missed не рассчитан; укажите --model DIR",
            )
        )
    doc_lang = data.documents.set_index("doc_id")["language"].fillna("ru")
    tables["omissions"], tables["near_misses"] = omissions(
        covering, groups, data.segments, data.coverage, meta, doc_lang
    )
    tables["peer_gaps"] = peer_gaps(covering, groups)
    if groups.nunique() < 3:
        notes.append(
            Note(
                f"peer gaps need at least 3 groups; the store has {groups.nunique()}",
                f"для сравнения с соседями нужно не меньше 3 групп; в хранилище {groups.nunique()}",
            )
        )
    topics = load_topic_tables(store, notes)
    tables["codebook_gaps"] = (
        codebook_gaps(topics) if topics else pd.DataFrame(columns=CODEBOOK_GAPS_COLUMNS)
    )
    params = {
        "by": by,
        "region_column": region_column,
        "n_boot": n_boot,
        "seed": seed,
        "min_segments": min_segments,
        "model_id": data.model_id,
        "themes": themes,
        "theme_names": names,
        "scales": SCALES,
        "surveys": [str(s) for s in surveys or []],
    }
    return GapResult(tables, notes, params, kind="gaps")
