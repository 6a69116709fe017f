"""Sections over the gaps/compare and topic tables (names and columns as in CONTRACT.md).

Each builder takes ``dict[str, DataFrame]`` (or None when the analysis has
not been run) and degrades to a "missing" note; a table lacking expected
columns is reported in the section instead of breaking the whole report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textcoop.report import charts
from textcoop.report.charts import ChartWriter
from textcoop.report.html import (
    Section,
    clip,
    error_block,
    esc,
    figure,
    interval,
    missing_block,
    passage,
    pct,
    spct,
    table,
)
from textcoop.report.i18n import Text

MAX_PANELS = 6
TOP_GAPS = 3
N_EVIDENCE = 3
MAX_ROWS = 30  # longest tables (omissions, peer gaps), most confident first


def _get(tables: dict | None, name: str) -> pd.DataFrame:
    df = (tables or {}).get(name)
    return df if isinstance(df, pd.DataFrame) else pd.DataFrame()


def _select(df: pd.DataFrame, group: str, theme: str) -> pd.DataFrame:
    return df[(df["group"].astype(str) == group) & (df["theme"] == theme)] if len(df) else df


def _header(sec: Section, missing, error: str | None, t: Text) -> list[str]:
    parts = [missing_block(missing, t)] if missing else []
    if error:
        parts.append(error_block(error, t))
    return parts


def _ordered_themes(df: pd.DataFrame, theme_ids: list[str]) -> list[str]:
    present = set(df["theme"])
    return [x for x in theme_ids if x in present] + sorted(present - set(theme_ids))


def gaps_section(
    t: Text, w: ChartWriter, gaps: dict | None, theme_ids: list[str], missing=(), error=None,
    notes: list[str] = (),
) -> Section:  # fmt: skip
    """Demand vs supply per theme and region, the gap heatmap, the top gaps with their evidence."""
    sec = Section("gaps", t("sec_gaps"), "")
    parts = _header(sec, missing, error, t)
    if notes:
        from textcoop.gaps.notes import in_language

        # gaps and compare may say the same thing: shown once, in the report's language
        unique = dict.fromkeys(in_language(n, t.lang) for n in notes)
        parts.append("<ul class=note>" + "".join(f"<li>{esc(n)}</li>" for n in unique) + "</ul>")
    g = _get(gaps, "gaps")
    if g.empty:
        sec.body = "".join(parts)
        return sec
    themes = _ordered_themes(g, theme_ids)
    demand, supply = _get(gaps, "demand"), _get(gaps, "supply")
    groups = list(dict.fromkeys(g["group"].astype(str)))
    merged = g.assign(group=g["group"].astype(str))
    if not demand.empty and not supply.empty:
        d = demand.assign(group=demand["group"].astype(str))[
            ["group", "theme", "demand_lo", "demand_hi", "n_resp"]
        ]
        s = supply.assign(group=supply["group"].astype(str))[
            ["group", "theme", "supply_lo", "supply_hi", "n_docs"]
        ]
        merged = merged.merge(d, on=["group", "theme"], how="left").merge(
            s, on=["group", "theme"], how="left"
        )
    else:
        for c in ("demand_lo", "demand_hi", "supply_lo", "supply_hi"):
            merged[c] = np.nan
    panels = []
    for grp in groups[:MAX_PANELS]:
        p = merged[merged["group"] == grp].set_index("theme").reindex(themes).reset_index()
        p["label"] = p["theme"].map(t.theme)
        n_resp = p["n_resp"].max() if "n_resp" in p else np.nan
        n_docs = p["n_docs"].max() if "n_docs" in p else np.nan
        title = (
            grp
            if pd.isna(n_resp)
            else f"{grp} (n={int(n_resp)}, docs={int(n_docs) if not pd.isna(n_docs) else '–'})"
        )
        panels.append((title, p))
    series = [
        (t("demand"), "demand", "demand_lo", "demand_hi"),
        (t("supply"), "supply", "supply_lo", "supply_hi"),
    ]
    ch = charts.intervals(w, "demand_supply", panels, series, t("gaps_title"), t("share_axis"))
    sec.charts.append(ch)
    parts.append(figure(ch, t("gap_note")))
    if len(groups) > MAX_PANELS:
        parts.append(
            f"<p class=note>{esc(', '.join(groups[MAX_PANELS:]))}: see the gap heatmap.</p>"
        )
    m = merged.pivot_table(index="theme", columns="group", values="gap", aggfunc="mean").reindex(
        themes
    )
    m = m[[c for c in groups if c in m.columns]]
    m.index = [t.theme(x) for x in m.index]
    lim = float(np.nanmax(np.abs(m.to_numpy(dtype=float)))) if m.size else 1.0
    ch = charts.heatmap(w, "gap_heatmap", m, f"{t('gap')}: {t('gaps_title').lower()}", t("gap"),
                        fmt="{:+.0%}", cmap="RdBu_r", vmin=-(lim or 1), vmax=lim or 1)  # fmt: skip
    sec.charts.append(ch)
    parts.append(figure(ch, t("gap_note")))
    parts.append(f"<h3>{esc(t('top_gaps'))}</h3>")
    ev_s, ev_d = _get(gaps, "evidence_supply"), _get(gaps, "evidence_demand")
    top = merged[(merged["gap"] > 0) & (merged["rank"] <= TOP_GAPS)].sort_values(["group", "rank"])
    if top.empty:
        parts.append(f"<p class=note>{esc(t('no_gaps'))}</p>")
    for r in top.itertuples():
        head = (
            f"<h4>{esc(r.group)}: {esc(t.theme(r.theme))} — {esc(t('gap'))} {spct(r.gap)} "
            f"<span class=note>(95% CI {spct(r.gap_lo)}…{spct(r.gap_hi)}; "
            f"{esc(t('demand'))} {pct(r.demand)} ({interval(r.demand_lo, r.demand_hi)}); "
            f"{esc(t('supply'))} {pct(r.supply)} ({interval(r.supply_lo, r.supply_hi)}))</span></h4>"
        )
        ps = (
            _select(ev_s, r.group, r.theme).sort_values("score", ascending=False).head(N_EVIDENCE)
            if len(ev_s)
            else ev_s
        )
        ans = (
            _select(ev_d, r.group, r.theme)
            .sort_values("confidence", ascending=False)
            .head(N_EVIDENCE)
            if len(ev_d)
            else ev_d
        )
        left = "".join(
            passage(p.title, p.page, p.section, p.text, f"{p.score:.2f}") for p in ps.itertuples()
        )
        right = "".join(
            f'<blockquote class="passage"><p>{esc(clip(a.text))}</p><footer>{esc(a.answer_id)} · {esc(t("col_confidence").lower())} {esc(f"{a.confidence:.2f}")}</footer></blockquote>'
            for a in ans.itertuples()
        )
        none = f"<p class=note>{esc(t('none_found'))}</p>"
        parts.append(
            f'<div class="gap">{head}<div class="cols"><div><strong>{esc(t("passages"))}</strong>{left or none}</div>'
            f"<div><strong>{esc(t('answers'))}</strong>{right or none}</div></div></div>"
        )
    sec.body = "".join(parts)
    return sec


def _num(value: object) -> str:
    """Two decimals, or a dash where a figure could not be computed (e.g. no model metrics)."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    return "—" if v != v else f"{v:.2f}"


def omissions_section(t: Text, gaps: dict | None, compare: dict | None, missing=()) -> Section:
    """Themes possibly missed by the classifier, themes most peers cover, topics outside the codebook."""
    sec = Section("omissions", t("sec_omissions"), "")
    parts = _header(sec, missing, None, t)
    om, peers, cbg = _get(gaps, "omissions"), _get(gaps, "peer_gaps"), _get(gaps, "codebook_gaps")
    if om.empty and peers.empty and cbg.empty and not missing:
        parts.append(f"<p class=note>{esc(t('none_found'))}</p>")
    if len(om):
        parts.append(f"<h3>{esc(t('omissions'))}</h3><p class=note>{esc(t('omissions_note'))}</p>")
        rows = [
            (r.group, t.theme(r.theme), _num(r.p_missed),
             f"{clip(r.near_miss_text, 260)} ({r.near_miss_doc_id}, p. {r.near_miss_page}; {_num(r.near_miss_score)})"
             if isinstance(r.near_miss_text, str) else "—")
            for r in om.sort_values("p_missed", ascending=False).head(MAX_ROWS).itertuples()
        ]  # fmt: skip
        parts.append(
            table(
                rows,
                [t("col_region"), t("col_theme"), t("col_p_missed"), t("col_near_miss")],
                numeric=[2],
            )
        )
    if len(peers):
        parts.append(f"<h3>{esc(t('peer_gaps'))}</h3>")
        rows = [(r.group, t.theme(r.theme), pct(r.peer_share), r.n_peers)
                for r in peers.sort_values("peer_share", ascending=False).head(MAX_ROWS).itertuples()]  # fmt: skip
        parts.append(
            table(
                rows,
                [t("col_region"), t("col_theme"), t("col_peer_share"), t("col_n_peers")],
                numeric=[2, 3],
            )
        )
    if len(cbg):
        parts.append(f"<h3>{esc(t('codebook_gaps'))}</h3>")
        rows = [(r.topic, _terms(r.top_terms), f"{clip(r.example_text, 260)} ({r.example_doc_id}, p. {r.example_page})")
                for r in cbg.itertuples()]  # fmt: skip
        parts.append(table(rows, [t("col_topic"), t("col_top_terms"), t("col_example")]))
    sec.body = "".join(parts)
    return sec


def _terms(value, n: int = 10) -> str:
    if isinstance(value, str):
        return value
    try:
        return ", ".join(map(str, list(value)[:n]))
    except TypeError:
        return esc(value)


def topics_section(
    t: Text, w: ChartWriter, topics: dict | None, documents: pd.DataFrame, missing=(), error=None
) -> Section:
    """Top terms and matched theme per topic, prevalence by region, representative passages."""
    sec = Section("topics", t("sec_topics"), "")
    parts = _header(sec, missing, error, t)
    tp = _get(topics, "topics")
    if tp.empty:
        sec.body = "".join(parts)
        return sec
    runs = _get(topics, "runs")
    run_id = (
        runs.iloc[-1]["run_id"]
        if len(runs) and "run_id" in runs
        else tp["run_id"].iloc[0]
        if "run_id" in tp
        else None
    )
    if run_id is not None and "run_id" in tp:
        tp = tp[tp["run_id"] == run_id]
    if len(runs):
        r = runs[runs["run_id"] == run_id].iloc[0] if run_id is not None else runs.iloc[-1]
        parts.append(
            f"<p class=note>{esc(r.get('engine', ''))}, k = {esc(r.get('k', ''))}, "
            f"{esc(r.get('coherence_measure', 'coherence'))} = {esc(_fmt(r.get('coherence')))}, "
            f"stability = {esc(_fmt(r.get('stability')))}</p>"
        )

    def label(row):
        return (
            f"{int(row.topic)}: {row.label}"
            if isinstance(row.label, str) and row.label
            else f"{int(row.topic)}"
        )

    rows = [
        (label(r), _terms(r.top_terms),
         (f"{t.theme(r.theme)} ({r.theme_score:.2f})" if isinstance(r.theme, str) and r.theme else t("unmatched")),
         pct(r.prevalence, 1))
        for r in tp.sort_values("prevalence", ascending=False).itertuples()
    ]  # fmt: skip
    parts.append(f"<h3>{esc(t('topics_table'))}</h3>")
    parts.append(
        table(
            rows,
            [t("col_topic"), t("col_top_terms"), t("col_matched"), t("col_prevalence")],
            numeric=[3],
        )
    )
    dt = _get(topics, "doc_topics")
    if len(dt) and len(documents):
        if "run_id" in dt and run_id is not None:
            dt = dt[dt["run_id"] == run_id]
        reg = documents.set_index("doc_id")["region"].fillna("—")
        dt = dt.assign(region=dt["doc_id"].map(reg).fillna("—"))
        per_doc = dt.pivot_table(
            index="doc_id", columns="topic", values="weight", aggfunc="sum"
        ).fillna(0.0)
        per_doc["region"] = per_doc.index.map(reg).fillna("—")
        m = per_doc.groupby("region").mean()
        names = {int(r.topic): wrap_label(label(r)) for r in tp.itertuples()}
        m.columns = [names.get(int(c), str(c)) for c in m.columns]
        m = m.T if m.shape[0] <= 12 else m
        ch = charts.heatmap(
            w,
            "topic_prevalence",
            m,
            t("topic_prevalence_title"),
            t("topic_weight"),
            fmt="{:.2f}",
            cmap="Greens",
        )
        sec.charts.append(ch)
        parts.append(figure(ch, t("topic_prevalence_title")))
    cc = _get(topics, "coherence_curve")
    if len(cc) > 1:
        if "run_id" in cc and run_id is not None:
            cc = cc[cc["run_id"] == run_id]
        ch = charts.line(
            w,
            "topic_coherence",
            cc,
            "k",
            "coherence",
            "chosen",
            t("coherence_title"),
            t("k_axis"),
            t("coherence_axis"),
        )
        sec.charts.append(ch)
        parts.append(figure(ch, t("coherence_title")))
    ps = _get(topics, "passages")
    if len(ps):
        parts.append(f"<h3>{esc(t('representative'))}</h3>")
        for r in tp.sort_values("prevalence", ascending=False).itertuples():
            sub = (
                ps[ps["topic"] == r.topic].sort_values("rank" if "rank" in ps else "weight").head(2)
            )
            if sub.empty:
                continue
            parts.append(f"<h4>{esc(label(r))} — {esc(_terms(r.top_terms, 6))}</h4>")
            parts += [
                passage(p.title, p.page, p.section, p.text, str(p.region)) for p in sub.itertuples()
            ]
    sec.body = "".join(parts)
    return sec  # fmt: skip


def wrap_label(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _fmt(v) -> str:
    try:
        return "–" if v is None or pd.isna(v) else f"{float(v):.3f}"
    except (TypeError, ValueError):
        return str(v)


def similarity_section(
    t: Text, w: ChartWriter, compare: dict | None, missing=(), error=None
) -> Section:
    """Region similarity matrix (ordered by cluster), distinctive terms, changes between versions."""
    sec = Section("similarity", t("sec_similarity"), "")
    parts = _header(sec, missing, error, t)
    sim = _get(compare, "similarity")
    if len(sim):
        cl = _get(compare, "clusters")
        groups = sorted(set(sim["a"].astype(str)) | set(sim["b"].astype(str)))
        if len(cl):
            order = list(cl.sort_values("order")["group"].astype(str))
            groups = [g for g in order if g in groups] + [g for g in groups if g not in order]
        m = pd.DataFrame(np.eye(len(groups)), index=groups, columns=groups)
        for r in sim.itertuples():
            m.loc[str(r.a), str(r.b)] = m.loc[str(r.b), str(r.a)] = r.theme_cosine
        ch = charts.heatmap(
            w,
            "region_similarity",
            m,
            t("similarity_title"),
            t("cosine"),
            fmt="{:.2f}",
            cmap="Purples",
            col_wrap=16,
        )
        sec.charts.append(ch)
        parts.append(figure(ch, t("similarity_title")))  # fmt: skip
    dist = _get(compare, "distinctive_terms")
    if len(dist):
        parts.append(f"<h3>{esc(t('distinctive'))}</h3>")
        rows = []
        for grp, g in dist.sort_values(["group", "rank"]).groupby("group", sort=True):
            rows.append(
                (grp, ", ".join(f"{x.term} ({x.zeta:.2f})" for x in g.head(12).itertuples()))
            )
        parts.append(table(rows, [t("col_region"), t("col_terms")]))
    ver = _get(compare, "versions")
    if len(ver):
        parts.append(f"<h3>{esc(t('versions'))}</h3>")
        rows = [(r.region, t.theme(r.theme), r.change, pct(r.old_value), pct(r.new_value), clip(r.passage_text, 240))
                for r in ver.itertuples()]  # fmt: skip
        parts.append(
            table(
                rows,
                [
                    t("col_region"),
                    t("col_theme"),
                    t("col_change"),
                    t("col_old"),
                    t("col_new"),
                    t("col_passage"),
                ],
                numeric=[3, 4],
            )
        )
    if not parts:
        parts.append(f"<p class=note>{esc(t('none_found'))}</p>")
    sec.body = "".join(parts)
    return sec
