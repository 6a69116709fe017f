"""Assemble the report: collect tables, build sections, write the HTML and the chart files.

The charts go to ``<report stem>_charts/`` next to the report (SVG for
papers, PNG for slides); the HTML inlines the same SVG so the single file
is complete on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from textcoop.report.charts import ChartWriter
from textcoop.report.data import Missing, ReportData, collect
from textcoop.report.html import Section, esc, page, table
from textcoop.report.i18n import Text
from textcoop.report.sections_analysis import (
    gaps_section,
    omissions_section,
    similarity_section,
    topics_section,
)
from textcoop.report.sections_corpus import coverage_section, overview_section, survey_section
from textcoop.tablefiles import write_text_atomic


@dataclass
class ReportResult:
    """What was written, and what the report could not show (with the command to fix it)."""

    path: Path
    charts: list[Path] = field(default_factory=list)
    missing: dict[str, list[Missing]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def method_section(t: Text, data: ReportData, codebook) -> Section:
    """Codebook (version, hash), model and its measured quality, parameters, input hashes."""
    m = data.method
    cb = m.get("codebook", {})
    parts = [f"<h3>{esc(t('codebook'))}</h3>"]
    parts.append(
        f"<p>{esc(cb.get('name'))}, {esc(t('version').lower())} {esc(cb.get('version'))}, "
        f"sha256 <code>{esc(cb.get('hash'))}</code></p>"
    )
    rows = [(th.id, th.name.get("ru", ""), th.name.get("en", "")) for th in codebook.themes]
    parts.append(table(rows, [t("col_id"), t("col_name_ru"), t("col_name_en")]))
    model = m.get("model", {})
    parts.append(f"<h3>{esc(t('model'))}</h3>")
    if model.get("missing"):
        parts.append(f"<p class=note>{esc(model.get('dir'))}: no meta.json</p>")
    else:
        mcb = model.get("codebook", {})
        parts.append(
            f"<p>{esc(model.get('dir'))}: id <code>{esc(model.get('id'))}</code>, {esc(model.get('created'))}; "
            f"codebook {esc(mcb.get('name'))} {esc(mcb.get('version'))} (<code>{esc(str(mcb.get('hash', ''))[:12])}</code>); "
            f"{esc(model.get('data', {}).get('n'))} training examples, data sha256 "
            f"<code>{esc(str(model.get('data', {}).get('sha256') or '')[:16])}</code>; "
            f"{esc(', '.join(f'{k} {v}' for k, v in model.get('versions', {}).items()))}</p>"
        )
        stored = [x for x in data.model_ids if x != model.get("id")]
        if stored:
            parts.append(
                f'<div class="missing">{esc(t("model_mismatch", stored=", ".join(stored), given=model.get("id")))}</div>'
            )
        dm = model.get("dev_metrics", {})
        if dm:
            parts.append(f"<h4>{esc(t('model_quality'))}</h4>")
            rows = [
                (lang, f"{v.get('macro_f1', float('nan')):.3f}", f"{v.get('micro_f1', float('nan')):.3f}",
                 v.get("n_train"), v.get("n_dev"))
                for lang, v in dm.items()
            ]  # fmt: skip
            parts.append(
                table(
                    rows,
                    [
                        t("lang_name"),
                        t("col_macro_f1"),
                        t("col_micro_f1"),
                        t("col_n_train"),
                        t("col_n_dev"),
                    ],
                    numeric=[1, 2, 3, 4],
                )
            )
            per = []
            for lang, v in dm.items():
                for lab, s in (v.get("per_label") or {}).items():
                    per.append((lang, t.theme(lab), f"{s.get('precision', 0):.2f}", f"{s.get('recall', 0):.2f}",
                                f"{s.get('f1', 0):.2f}", s.get("support")))  # fmt: skip
            if per:
                parts.append("<details><summary>precision / recall / F1</summary>")
                parts.append(
                    table(
                        per,
                        [t("lang_name"), t("col_theme"), "P", "R", "F1", "n"],
                        numeric=[2, 3, 4, 5],
                    )
                )
                parts.append("</details>")
    params = {k: m[k] for k in ("gaps", "compare") if k in m}
    if data.topics is not None and isinstance(data.topics.get("runs"), pd.DataFrame):
        params["topics"] = json.loads(
            data.topics["runs"].to_json(orient="records", date_format="iso")
        )
    parts.append(f"<h3>{esc(t('parameters'))}</h3>")
    for name, value in params.items():
        blob = esc(json.dumps(value, ensure_ascii=False, indent=1, default=str))
        parts.append(f"<details><summary>{esc(name)}</summary><pre>{blob}</pre></details>")
    if not params:
        parts.append("<p class=note>–</p>")
    parts.append(f"<h3>{esc(t('inputs'))}</h3>")
    store = m.get("store", {})
    parts.append(
        f"<p>store <code>{esc(store.get('path'))}</code> (schema {esc(store.get('schema'))}), textcoop {esc(m.get('textcoop'))}, {esc(t('generated').lower())} {esc(m.get('generated'))}</p>"
    )
    for s in m.get("surveys", []):
        parts.append(
            f"<p>survey <code>{esc(s['file'])}</code> sha256 <code>{esc(s['sha256'])}</code></p>"
        )
    docs = data.documents
    if len(docs):
        parts.append(f"<details><summary>{esc(t('documents'))}: sha256 ({len(docs)})</summary>")
        parts.append(
            table([(r.file_name, r.sha256) for r in docs.itertuples()], [t("col_file"), "sha256"])
        )
        parts.append("</details>")
    cmds = [
        f"textcoop ingest FOLDER --store {data.store_path} --meta manifest.csv",
        f"textcoop classify --store {data.store_path} --model {model.get('dir', 'models')}",
        *[f"textcoop report --store {data.store_path} --survey {s['file']} --out report.html --lang {t.lang}" for s in m.get("surveys", [])[:1]],
    ]  # fmt: skip
    if not m.get("surveys"):
        cmds.append(f"textcoop report --store {data.store_path} --out report.html --lang {t.lang}")
    parts.append(f"<h3>{esc(t('reproduce'))}</h3><pre>{esc(chr(10).join(cmds))}</pre>")
    return Section("method", t("sec_method"), "".join(parts))


def build_sections(t: Text, w: ChartWriter, data: ReportData, codebook) -> list[Section]:
    """Every section, in reading order, from collected tables."""
    ids = codebook.theme_ids
    miss, err = data.missing.get, data.errors.get
    docs = data.documents
    coded = docs[docs["doc_id"].isin(data.classified)] if data.classified else docs
    return [
        overview_section(t, w, data.documents, data.problems, miss("overview", [])),
        coverage_section(t, w, coded, data.coverage, data.passages, ids, miss("coverage", [])),
        gaps_section(t, w, data.gaps, ids, miss("gaps", []), err("gaps"), data.notes),
        omissions_section(t, data.gaps, data.compare, miss("gaps", [])),
        topics_section(t, w, data.topics, data.documents, miss("topics", []), err("topics")),
        similarity_section(t, w, data.compare, miss("similarity", []), err("similarity")),
        survey_section(t, w, data.survey, data.survey_by, data.agreement, miss("survey", [])),
        method_section(t, data, codebook),
    ]  # fmt: skip


def render(
    data: ReportData, out: str | Path, lang: str = "ru", codebook=None, title: str | None = None
) -> ReportResult:
    """Write the HTML report and its chart files from collected tables."""
    from textcoop.themes.codebook import load_codebook

    codebook = codebook or load_codebook()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    t = Text(lang, codebook)
    w = ChartWriter(out.parent / f"{out.stem}_charts")
    sections = build_sections(t, w, data, codebook)
    subtitle = f"{t('generated')}: {data.method.get('generated', '')} · {data.store_path}"
    html = page(title or t("title"), subtitle, lang, sections, t("contents"))
    write_text_atomic(html, out)
    files = [f for c in w.charts for f in c.files]
    return ReportResult(out, files, data.missing, data.errors)


def build_report(
    store,
    out: str | Path,
    surveys: list[str | Path] | None = None,
    lang: str = "ru",
    codebook=None,
    model_dir: str | Path | None = None,
    title: str | None = None,
    second_coding: str | Path | None = None,
    id_column: str | None = None,
    region_column: str = "region",
) -> ReportResult:
    """Collect from an open store and survey files, then write the report (see ``render``)."""
    from textcoop.report.i18n import check_lang
    from textcoop.themes.codebook import load_codebook

    check_lang(lang)
    codebook = codebook or load_codebook()
    data = collect(store, surveys, codebook, model_dir, region_column, second_coding, id_column)
    return render(data, out, lang, codebook, title)
