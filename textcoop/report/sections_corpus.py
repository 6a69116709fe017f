"""Sections built from the store and survey alone: corpus overview, theme coverage, survey.

Each builder takes plain tables (and the Text of the report language) and
returns a ``Section``; a section whose inputs are missing says what is
missing and which command produces it.
"""

from __future__ import annotations

import pandas as pd

from textcoop.report import charts
from textcoop.report.charts import ChartWriter
from textcoop.report.html import Section, esc, figure, interval, missing_block, passage, pct, table
from textcoop.report.i18n import Text

MAX_MATRIX_COLS = 25  # more regions than this: regions become the rows


def _region(value: object) -> str:
    return (
        "—"
        if value is None or (isinstance(value, float) and pd.isna(value)) or value == ""
        else str(value)
    )


def _title(r) -> str:
    return r.title if isinstance(r.title, str) and r.title else r.file_name


def first_year(value: object) -> str:
    """The first year a period names ("2018-2020" -> "2018", "-2035" -> "2035"); "—" when none."""
    import re

    m = re.search(r"(1[89]|20)\d\d", str(value or ""))
    return m.group(0) if m else "—"


def kpis(items: list[tuple[object, str]]) -> str:
    return '<div class="kpis">' + "".join(
        f'<div class="kpi"><b>{esc(v)}</b>{esc(label)}</div>' for v, label in items
    ) + "</div>"  # fmt: skip


def overview_section(
    t: Text, w: ChartWriter, documents: pd.DataFrame, problems: pd.DataFrame, missing=()
) -> Section:
    """Documents by region, year and type; pages; what failed to ingest and why; what needed OCR."""
    sec = Section("overview", t("sec_overview"), "")
    if documents.empty:
        sec.body = f"<p>{esc(t('no_documents'))}</p>" + missing_block(missing, t)
        return sec
    docs = documents.copy()
    docs["region_label"] = docs["region"].map(_region)
    errors = problems[problems["severity"] == "error"] if len(problems) else problems
    parts = [
        kpis(
            [
                (len(docs), t("n_documents")),
                (int(docs["n_pages"].sum()), t("n_pages")),
                (int(docs["n_segments"].sum()), t("n_segments")),
                (docs["region"].dropna().nunique(), t("n_regions")),
                (len(errors), t("n_failed")),
                (int(docs["n_ocr_pages"].sum()), t("n_ocr")),
                (int(docs["n_needs_ocr"].sum()), t("n_needs_ocr")),
            ]
        )
    ]
    for cid, col, key in (
        ("docs_by_region", "region_label", "docs_by_region"),
        ("docs_by_year", "year", "docs_by_year"),
        ("docs_by_type", "doc_type", "docs_by_type"),
    ):
        if col == "doc_type":
            values = docs[col].map(t.doc_type)
        elif col == "year":
            values = docs[col].map(first_year)
        else:
            values = docs[col].map(_region)
        counts = values.value_counts()
        if col == "year":
            counts = counts.sort_index(ascending=False)
        ch = charts.bar_counts(w, cid, counts, t(key), t("n_docs_axis"))
        sec.charts.append(ch)
        parts.append(figure(ch, t(key)))
    rows = [
        (_title(r), r.region_label, r.year, t.doc_type(r.doc_type), r.n_pages)
        for r in docs.sort_values(["region_label", "title"], na_position="last").itertuples()
    ]
    parts.append(f"<details><summary>{esc(t('documents'))} ({len(rows)})</summary>")
    parts.append(
        table(
            rows,
            [t("col_title"), t("col_region"), t("col_year"), t("col_type"), t("col_pages")],
            numeric=[4],
        )
    )
    parts.append("</details>")
    parts.append(f"<h3>{esc(t('failures'))}</h3>")
    if len(errors):
        parts.append(
            table(
                [(str(r.path).rsplit("/", 1)[-1], r.code, r.message) for r in errors.itertuples()],
                [t("col_file"), t("col_code"), t("col_message")],
            )
        )
    else:
        parts.append(f"<p class=note>{esc(t('no_failures'))}</p>")
    parts.append(f"<h3>{esc(t('ocr_docs'))}</h3>")
    ocr = docs[(docs["n_ocr_pages"] > 0) | (docs["n_needs_ocr"] > 0)]
    if len(ocr):
        parts.append(
            table(
                [
                    (_title(r), r.file_name, r.n_pages, r.n_ocr_pages, r.n_needs_ocr)
                    for r in ocr.itertuples()
                ],
                [
                    t("col_title"),
                    t("col_file"),
                    t("col_pages"),
                    t("col_ocr_pages"),
                    t("col_needs_ocr"),
                ],
                numeric=[2, 3, 4],
            )  # fmt: skip
        )
    else:
        parts.append(f"<p class=note>{esc(t('no_ocr'))}</p>")
    warn = problems[problems["severity"] != "error"] if len(problems) else problems
    if len(warn):
        g = (
            warn.groupby("code")
            .agg(n=("message", "size"), example=("message", "first"))
            .reset_index()
        )
        parts.append(f"<h3>{esc(t('warnings'))}</h3>")
        parts.append(
            table(
                [(r.code, r.n, r.example) for r in g.itertuples()],
                [t("col_code"), t("col_count"), t("col_message")],
                numeric=[1],
            )  # fmt: skip
        )
    sec.body = "".join(parts)
    return sec


def coverage_matrix(
    documents: pd.DataFrame, coverage: pd.DataFrame, theme_ids: list[str]
) -> pd.DataFrame:
    """themes × regions: mean share of the documents' text per region (absent theme = 0).

    ``documents`` are the coded documents (a document coded with no theme still counts).
    """
    regions = documents.assign(region=documents["region"].map(_region))[["doc_id", "region"]]
    shares = coverage.pivot_table(index="doc_id", columns="theme", values="share", aggfunc="sum")
    shares = shares.reindex(index=regions["doc_id"], columns=theme_ids).fillna(0.0)
    shares["region"] = regions.set_index("doc_id")["region"]
    return shares.groupby("region").mean().T.reindex(theme_ids)


def coverage_section(
    t: Text, w: ChartWriter, documents: pd.DataFrame, coverage: pd.DataFrame,
    passages: pd.DataFrame, theme_ids: list[str], missing=(),
) -> Section:  # fmt: skip
    """Heatmap of theme coverage (theme × region) with the strongest passage of each theme."""
    sec = Section("coverage", t("sec_coverage"), "")
    if coverage.empty:
        sec.body = missing_block(missing, t) or f"<p>{esc(t('no_coverage'))}</p>"
        return sec
    m = coverage_matrix(documents, coverage, theme_ids)
    m.index = [t.theme(x) for x in m.index]
    if m.shape[1] > MAX_MATRIX_COLS:
        m = m.T
    ch = charts.heatmap(w, "coverage_heatmap", m, t("coverage_title"), t("col_share"))
    sec.charts.append(ch)
    parts = [figure(ch, t("coverage_note"))]
    if len(passages):
        parts.append(f"<h3>{esc(t('coverage_passages'))}</h3>")
        for theme in theme_ids:
            ps = passages[passages["theme"] == theme]
            if ps.empty:
                continue
            parts.append(f"<h4>{esc(t.theme(theme))}</h4>")
            shown = [
                passage(
                    r.title,
                    r.page,
                    r.section,
                    r.text,
                    f"{_region(r.region)} · {t('col_score').lower()} {r.score:.2f}",
                )
                for r in ps.itertuples()
            ]
            parts.append(shown[0])
            if len(shown) > 1:
                parts.append(
                    f"<details><summary>{esc(t('more_passages'))} ({len(shown) - 1})</summary>{''.join(shown[1:])}</details>"
                )
    sec.body = "".join(parts)
    return sec


def survey_section(
    t: Text, w: ChartWriter, survey: dict[str, pd.DataFrame], by: str | None,
    agreement: dict[str, dict], missing=(),
) -> Section:  # fmt: skip
    """Theme frequencies with Wilson 95% intervals per question, by group; coder agreement."""
    sec = Section("survey", t("sec_survey"), "")
    parts = [missing_block(missing, t)] if missing else []
    for fi, (name, freq) in enumerate(survey.items()):
        if freq.empty:
            continue
        parts.append(f"<p class=note>{esc(name)}. {esc(t('survey_note'))}</p>")
        for qi, (question, g) in enumerate(freq.groupby("question", sort=False)):
            parts.append(f"<h3>{esc(t('col_question'))}: {esc(question)}</h3>")
            overall = (
                g.groupby("theme", sort=False)[["count", "n_substantive"]].sum().reset_index()
                if by
                else g[["theme", "count", "n_substantive"]]
            )
            if by:
                n = g.drop_duplicates(by)["n_substantive"].sum()
                overall["n_substantive"] = n
            from textcoop.survey.stats import wilson

            overall = overall.assign(
                share=overall["count"] / overall["n_substantive"].where(overall["n_substantive"] > 0),
                ci_low=[wilson(int(k), int(n))[0] for k, n in zip(overall["count"], overall["n_substantive"], strict=True)],
                ci_high=[wilson(int(k), int(n))[1] for k, n in zip(overall["count"], overall["n_substantive"], strict=True)],
            ).sort_values("share", ascending=False)  # fmt: skip
            overall["label"] = overall["theme"].map(t.theme)
            order = list(overall["theme"])
            panels = [(t("all_respondents"), overall)]
            series = [(t("all_respondents"), "share", "ci_low", "ci_high")]
            if by and 1 < g[by].nunique() <= 6:
                merged = overall.reset_index(drop=True).copy()
                n_all = int(merged["n_substantive"].max())
                series = [(f"{t('all_respondents')} (n={n_all})", "share", "ci_low", "ci_high")]
                for k, (key, gg) in enumerate(g.groupby(by, sort=True)):
                    gg = gg.set_index("theme").reindex(order).reset_index()
                    for c in ("share", "ci_low", "ci_high"):
                        merged[f"{c}_{k}"] = gg[c].to_numpy()
                    n_k = int(gg["n_substantive"].max())
                    series.append((f"{key} (n={n_k})", f"share_{k}", f"ci_low_{k}", f"ci_high_{k}"))
                panels = [(question, merged)]
            ch = charts.intervals(
                w,
                f"survey_{fi}_{qi}",
                panels,
                series,
                f"{t('survey_title')}: {question}",
                t("share_axis"),
            )
            sec.charts.append(ch)
            parts.append(figure(ch, t("survey_note")))
            rows = [
                (r.label, r.count, r.n_substantive, pct(r.share), interval(r.ci_low, r.ci_high))
                for r in overall.itertuples()
            ]
            parts.append(
                table(
                    rows,
                    [t("col_theme"), t("col_count"), t("col_n"), t("col_share"), t("col_ci")],
                    numeric=[1, 2, 3, 4],
                )
            )
            if by:
                rows = [
                    (
                        r[by],
                        t.theme(r["theme"]),
                        r["count"],
                        r["n_substantive"],
                        pct(r["share"]),
                        interval(r["ci_low"], r["ci_high"]),
                    )
                    for _, r in g.sort_values([by, "share"], ascending=[True, False]).iterrows()
                ]
                parts.append(f"<details><summary>{esc(t('by_group'))}: {esc(by)}</summary>")
                parts.append(
                    table(
                        rows,
                        [
                            t("col_group"),
                            t("col_theme"),
                            t("col_count"),
                            t("col_n"),
                            t("col_share"),
                            t("col_ci"),
                        ],
                        numeric=[2, 3, 4, 5],
                    )
                )
                parts.append("</details>")  # fmt: skip
    parts.append(f"<h3>{esc(t('agreement'))}</h3>")
    if not agreement:
        parts.append(f"<p class=note>{esc(t('no_second_coder'))}</p>")
    for question, a in agreement.items():
        parts.append(
            f"<p>{esc(question)}: {esc(t('alpha'))} = {a['alpha']:.3f} "
            f"(95% CI {a['alpha_ci'][0]:.3f}–{a['alpha_ci'][1]:.3f}), n = {a['n']}</p>"
        )
        rows = [(t.theme(c), f"{v['kappa']:.3f}", pct(v["percent_agreement"]), pct(v["prevalence_a"]), pct(v["prevalence_b"]))
                for c, v in a["per_code"].items()]  # fmt: skip
        parts.append(
            table(
                rows,
                [t("col_code"), t("kappa"), t("pct_agreement"), "A", "B"],
                numeric=[1, 2, 3, 4],
            )
        )
    sec.body = "".join(parts)
    return sec
