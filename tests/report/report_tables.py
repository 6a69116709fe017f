"""Hand-built report inputs: every table of CONTRACT.md (gaps, compare, topics) filled in.

Shared by the section tests and the browser test, so every section and
chart kind is exercised before the gaps and topics modules exist. Values are
small and made up; some strings are hostile (markup in passages and region
names) to check escaping.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from textcoop.report.data import Missing, ReportData
from textcoop.survey.stats import wilson
from textcoop.themes.codebook import load_codebook

REGIONS = ["Заозёрская область", "Краснолесский край", "Northmoor <b>Region</b>"]
HOSTILE = 'Субсидии <script>alert("x")</script> & "кавычки" на модернизацию'


def hand_built_data() -> ReportData:
    cb = load_codebook()
    themes = cb.theme_ids
    rng = np.random.default_rng(0)
    docs = pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4"],
            "sha256": ["a" * 64, "b" * 64, "c" * 64, "d" * 64],
            "file_name": ["z1.pdf", "z2.pdf", "k.pdf", "n.pdf"],
            "title": [
                "Программа развития промышленности",
                "План мероприятий",
                "Стратегия до 2035",
                None,
            ],
            "region": [REGIONS[0], REGIONS[0], REGIONS[1], REGIONS[2]],
            "year": ["2024-2030", "2025", "-2035", "2021-2027"],
            "doc_type": ["program", "plan", "strategy", "strategy"],
            "n_pages": [8, 2, 6, 6],
            "n_segments": [87, 30, 65, 54],
            "n_ocr_pages": [0, 2, 0, 0],
            "n_needs_ocr": [0, 0, 1, 0],
        }
    )
    problems = pd.DataFrame(
        {
            "path": ["/data/broken.pdf", "/data/k.pdf"],
            "severity": ["error", "warning"],
            "code": ["E210", "W300"],
            "message": ["file is encrypted <pdf>", "page 3 has no text layer"],
        }
    )
    cov = [
        {"doc_id": d, "theme": th, "share": float(rng.uniform(0, 0.4))}
        for d in docs["doc_id"]
        for th in themes
        if rng.uniform() < 0.7
    ]
    coverage = pd.DataFrame(cov)
    passages = pd.DataFrame(
        [
            {"theme": th, "score": 0.9, "doc_id": "d1", "title": "Программа развития промышленности",
             "region": REGIONS[0], "page": 3, "section": "Раздел 2 › Меры поддержки", "text": HOSTILE}
            for th in themes[:4]
        ]
    )  # fmt: skip
    survey_rows = []
    for reg, n in zip(REGIONS, (75, 73, 25), strict=True):
        for th in themes:
            k = int(rng.integers(0, n // 3))
            lo, hi = wilson(k, n)
            survey_rows.append({"region": reg, "question": "q_support", "theme": th, "count": k,
                                "n_substantive": n, "share": k / n, "ci_low": lo, "ci_high": hi})  # fmt: skip
    survey = {"coded.xlsx": pd.DataFrame(survey_rows)}
    agreement = {
        "q_support": {
            "alpha": 0.71, "alpha_ci": [0.6, 0.8], "n": 40,
            "per_code": {th: {"kappa": 0.7, "percent_agreement": 0.9, "prevalence_a": 0.2, "prevalence_b": 0.25} for th in themes[:3]},
        }
    }  # fmt: skip
    gap_rows, demand, supply = [], [], []
    for reg in REGIONS:
        vals = []
        for th in themes:
            d, s = float(rng.uniform(0, 0.5)), float(rng.uniform(0, 0.8))
            vals.append((th, d, s))
            demand.append({"group": reg, "theme": th, "n_resp": 60, "n_raising": int(d * 60), "demand": d,
                           "demand_lo": max(0, d - 0.1), "demand_hi": min(1, d + 0.1)})  # fmt: skip
            supply.append({"group": reg, "theme": th, "n_docs": 2, "n_docs_covering": 1, "supply": s,
                           "supply_lo": max(0, s - 0.3), "supply_hi": min(1, s + 0.3)})  # fmt: skip
        ranked = sorted(vals, key=lambda v: -(v[1] - v[2]))
        for rank, (th, d, s) in enumerate(ranked, start=1):
            gap_rows.append({"group": reg, "theme": th, "demand": d, "supply": s, "gap": d - s,
                             "gap_lo": d - s - 0.2, "gap_hi": d - s + 0.2, "rank": rank})  # fmt: skip
    top_theme = {g: r["theme"] for r in gap_rows if r["rank"] == 1 for g in [r["group"]]}
    gaps = {
        "gaps": pd.DataFrame(gap_rows),
        "demand": pd.DataFrame(demand),
        "supply": pd.DataFrame(supply),
        "evidence_supply": pd.DataFrame(
            [
                {
                    "group": g,
                    "theme": th,
                    "doc_id": "d1",
                    "title": "Программа",
                    "page": 4,
                    "section": "Меры",
                    "text": HOSTILE,
                    "score": 0.42,
                }
                for g, th in top_theme.items()
            ]
        ),  # fmt: skip
        "evidence_demand": pd.DataFrame(
            [
                {
                    "group": g,
                    "theme": th,
                    "answer_id": "R007",
                    "text": "нужна субсидия на станки <img src=x>",
                    "confidence": 0.8,
                }
                for g, th in top_theme.items()
            ]
        ),  # fmt: skip
        "omissions": pd.DataFrame(
            [
                {
                    "group": REGIONS[1],
                    "theme": themes[0],
                    "p_missed": 0.35,
                    "near_miss_doc_id": "d3",
                    "near_miss_page": 2,
                    "near_miss_text": "льготные займы фонда развития",
                    "near_miss_score": 0.31,
                }
            ]
        ),  # fmt: skip
        "peer_gaps": pd.DataFrame(
            [{"group": REGIONS[2], "theme": themes[3], "peer_share": 1.0, "n_peers": 2}]
        ),
        "codebook_gaps": pd.DataFrame(
            [
                {
                    "topic": 4,
                    "top_terms": ["дорога", "ремонт", "асфальт"],
                    "example_doc_id": "d2",
                    "example_page": 1,
                    "example_text": "ремонт дорог местного значения",
                }
            ]
        ),  # fmt: skip
    }
    compare = {
        "matrix": coverage.merge(docs[["doc_id", "region"]]).rename(columns={"region": "group", "share": "value"}),
        "similarity": pd.DataFrame(
            [{"a": REGIONS[0], "b": REGIONS[1], "theme_cosine": 0.8, "topic_cosine": None},
             {"a": REGIONS[0], "b": REGIONS[2], "theme_cosine": 0.4, "topic_cosine": None},
             {"a": REGIONS[1], "b": REGIONS[2], "theme_cosine": 0.55, "topic_cosine": None}]
        ),
        "clusters": pd.DataFrame({"group": REGIONS, "cluster": [1, 1, 2], "order": [0, 1, 2]}),
        "distinctive_terms": pd.DataFrame(
            [{"group": g, "term": term, "zeta": 0.5 - i / 10, "count": 5, "rank": i + 1}
             for g in REGIONS for i, term in enumerate(["кластер", "лес", "порт"])]
        ),
        "versions": pd.DataFrame(
            [{"region": REGIONS[0], "theme": themes[1], "change": "added", "old_value": 0.0, "new_value": 0.12,
              "old_doc_id": "d2", "new_doc_id": "d1", "passage_doc_id": "d1", "passage_page": 5,
              "passage_text": "биржа субконтрактации"}]
        ),
    }  # fmt: skip
    topics = {
        "runs": pd.DataFrame([{"run_id": "r1", "engine": "gensim-lda", "k": 3, "seeded": True,
                               "coherence": 0.52, "coherence_measure": "c_v", "stability": 0.8}]),
        "topics": pd.DataFrame(
            [{"run_id": "r1", "topic": i, "label": lab, "top_terms": terms, "term_weights": [0.1] * 3,
              "theme": th, "theme_score": 0.6, "seeded_theme": th, "prevalence": p}
             for i, (lab, terms, th, p) in enumerate([
                 ("субсидии", ["субсидия", "займ", "фонд"], themes[0], 0.4),
                 ("кластеры", ["кластер", "участник", "ассоциация"], themes[3], 0.35),
                 ("дороги", ["дорога", "ремонт", "асфальт"], None, 0.25)])]
        ),
        "doc_topics": pd.DataFrame(
            [{"run_id": "r1", "doc_id": d, "topic": i, "weight": w}
             for d in docs["doc_id"] for i, w in enumerate(rng.dirichlet([1, 1, 1]))]
        ),
        "passages": pd.DataFrame(
            [{"run_id": "r1", "topic": i, "rank": 1, "doc_id": "d1", "title": "Программа", "region": REGIONS[0],
              "page": 2, "section": "Введение", "text": f"характерный фрагмент темы {i}", "weight": 0.9}
             for i in range(3)]
        ),
        "coherence_curve": pd.DataFrame({"run_id": "r1", "k": [2, 3, 4, 5], "coherence": [0.45, 0.52, 0.5, 0.47],
                                         "chosen": [False, True, False, False]}),
    }  # fmt: skip
    data = ReportData(
        store_path="/tmp/hand-built.duckdb",
        status={"schema_version": 2},
        documents=docs,
        problems=problems,
        coverage=coverage,
        passages=passages,
        model_ids=["abc123abc123"],
        survey=survey,
        survey_by="region",
        agreement=agreement,
        gaps=gaps,
        compare=compare,
        topics=topics,
    )
    data.method = {
        "textcoop": "test",
        "generated": "2026-01-01 00:00 UTC",
        "codebook": {"name": cb.name, "version": cb.version, "hash": cb.hash},
        "model": {"dir": "models", "id": "abc123abc123", "codebook": {}, "data": {"n": 10},
                  "versions": {}, "dev_metrics": {"ru": {"macro_f1": 0.8, "micro_f1": 0.82, "n_train": 100, "n_dev": 20,
                  "per_label": {themes[0]: {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 5}}}}},
        "store": {"path": "/tmp/hand-built.duckdb", "schema": 2},
        "surveys": [{"file": "coded.xlsx", "sha256": "e" * 64}],
        "gaps": {"n_boot": 1000, "seed": 0},
    }  # fmt: skip
    data.notes.append("hand-built note from the gaps module")
    data.missing = {}
    _ = Missing  # the type of data.missing values
    return data


@functools.cache
def rendered_report(lang: str = "ru", full: bool = True):
    """The hand-built report rendered once per test process (charts are the slow part)."""
    from textcoop.report import render

    data = hand_built_data()
    if not full:
        data.gaps = data.compare = data.topics = None
    tmp = Path(tempfile.mkdtemp(prefix=f"textcoop-report-{lang}-"))
    atexit.register(shutil.rmtree, tmp, True)
    res = render(data, tmp / "report.html", lang=lang)
    return res, res.path.read_text(encoding="utf-8")
