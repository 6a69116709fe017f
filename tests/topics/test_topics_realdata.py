"""Topics end to end on real Russian programs (a third of ru-programs) and on the sample corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from textcoop.cli.app import app
from textcoop.store import open_store
from textcoop.store.ingest import IngestOptions, ingest
from textcoop.topics import topic_tables

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    from textcoop.cli import common

    monkeypatch.setattr(common.console, "width", 200)


@pytest.mark.realdata
@pytest.mark.slow
def test_seeded_auto_k_on_real_russian_programs(corpora, tmp_path):
    src = tmp_path / "texts"
    src.mkdir()
    for f in sorted((corpora / "ru-programs/texts").glob("*.txt"))[::3]:
        shutil.copy(f, src / f.name)  # a third of the corpus, in a temporary folder only
    db = tmp_path / "ru.duckdb"
    with open_store(db) as st:
        ingest([src], st, IngestOptions(workers=2))
    out = tmp_path / "out"
    r = CliRunner().invoke(
        app,
        ["--quiet", "topics", "fit", "--store", str(db), "-k", "auto", "--seeded"]
        + ["--k-grid", "14,17", "--passes", "3", "--stability-runs", "2", "--out", str(out)],
    )
    assert r.exit_code == 0, r.output
    assert "coherence curve: K=14" in r.output and "K=17" in r.output
    data = json.loads((out / "topics.json").read_text(encoding="utf-8"))
    curve = data["coherence_curve"]
    assert len(curve) == 2 and all(0 < c["coherence"] < 1 for c in curve)
    assert sum(c["chosen"] for c in curve) == 1 and 0 <= data["stability"] <= 1
    topics = pd.DataFrame(data["topics"])
    guided = topics[topics.seeded_theme.notna()]
    # guided topics line up with their themes; free topics exist and mostly match none
    assert len(guided) >= 8
    assert (guided.theme == guided.seeded_theme).mean() >= 0.7, guided[["seeded_theme", "theme"]]
    free = topics[topics.seeded_theme.isna()]
    assert len(free) >= 2 and free.theme.isna().any()
    assert abs(topics.prevalence.sum() - 1) < 1e-6
    with open_store(db, read_only=True) as st:
        tables = topic_tables(st)
        n_docs = st.con.execute("SELECT count(*) FROM documents WHERE n_segments > 0").fetchone()[0]
    p = tables["passages"]
    assert p.text.str.len().gt(40).all() and p.page.ge(1).all()
    assert tables["doc_topics"].doc_id.nunique() >= 0.9 * n_docs
    regions = pd.read_csv(out / "topics_region_topics.csv")
    assert regions.region.nunique() >= 4 and regions.weight.notna().all()


@pytest.mark.realdata
def test_topics_on_the_sample_corpus(tmp_path):
    db = tmp_path / "sample.duckdb"
    sample = ROOT / "corpora" / "sample"
    with open_store(db) as st:
        ingest([sample], st, IngestOptions(workers=2, manifest=sample / "manifest.csv"))
    r = CliRunner().invoke(
        app,
        ["--quiet", "topics", "fit", "--store", str(db), "-k", "auto", "--k-grid", "3,5"]
        + ["--passes", "3", "--stability-runs", "1", "--min-tokens", "0"],
    )
    assert r.exit_code == 0, r.output
    with open_store(db, read_only=True) as st:
        t = topic_tables(st)
    assert len(t["coherence_curve"]) == 2 and t["coherence_curve"].chosen.sum() == 1
    regions = set(t["doc_topics"].region)
    assert {"Заозёрская область", "Northmoor Region"} <= regions
    r = CliRunner().invoke(app, ["topics", "fit", "--store", str(db), "-k", "60"])
    assert r.exit_code == 2 and "too few for 60 topics" in r.output
