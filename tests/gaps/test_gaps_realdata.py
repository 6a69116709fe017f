"""gaps and compare end to end: the RIS3 strategy PDFs, a subset of ru-programs, the demo corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textcoop.cli.app import app
from textcoop.gaps import compare, compute_gaps
from textcoop.store import open_store

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

# region = the file's region (the RIS3 file names start with the country code)
RIS3_REGIONS = {
    "EE_": "Estonia",
    "FI_South_Ostrobothnia": "South Ostrobothnia",
    "LT_": "Lithuania",
    "LU_": "Luxembourg",
    "NL_Northern": "Northern Netherlands",
    "NL_Western": "Western Netherlands",
}


def run(*args: str) -> str:
    r = runner.invoke(app, ["--quiet", *args])
    assert r.exit_code == 0, r.output
    return r.output


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    from textcoop.cli import common

    monkeypatch.setattr(common.console, "width", 200)
    monkeypatch.setattr(common.err_console, "width", 200)


@pytest.mark.realdata
@pytest.mark.slow
def test_ris3_strategies(corpora, tmp_path):
    pdfs = sorted((corpora / "en-ris3-strategies").glob("*.pdf"))
    assert len(pdfs) == 6
    store = tmp_path / "ris3.duckdb"
    run("ingest", *map(str, pdfs), "--store", str(store), "--workers", "1")
    run("classify", "--store", str(store))
    with open_store(store) as st:
        for r in st.documents_df().itertuples():
            region = next(v for k, v in RIS3_REGIONS.items() if r.file_name.startswith(k))
            st.set_meta(r.doc_id, region=region)
    res = compute_gaps(store, n_boot=200)
    t = res.tables()
    assert sorted(t["supply"]["group"].unique()) == sorted(RIS3_REGIONS.values())
    assert t["supply"]["n_docs"].eq(1).all() and t["gaps"].empty
    om = t["omissions"]
    assert len(om) and om["p_missed"].between(0, 1).all()  # the default model's recall is found
    with open_store(store, read_only=True) as st:
        n_pages = st.documents_df().set_index("doc_id")["n_pages"]
    assert (om["near_miss_page"] >= 1).all()
    assert (om["near_miss_page"] <= om["near_miss_doc_id"].map(n_pages)).all()
    es = t["evidence_supply"]
    assert es["text"].str.len().gt(0).all() and es["page"].ge(1).all()
    cmp_ = compare(store, top=10)
    c = cmp_.tables()
    assert len(c["similarity"]) == 15 and c["similarity"]["theme_cosine"].between(0, 1 + 1e-9).all()
    dt = c["distinctive_terms"]
    assert dt.groupby("group").size().min() >= 5 and (dt["zeta"] > 0).all()
    # a country's own name is not a distinctive "term"; its policy vocabulary is
    assert not dt["term"].str.contains("eston|lithuan|luxemb|ostrobot", regex=True).any()
    json.dumps(cmp_.to_json(), allow_nan=False)
    out = run("compare", "--store", str(store), "--out", str(tmp_path / "cmp"))
    assert "most similar" in out and "least similar" in out
    assert (tmp_path / "cmp" / "compare_similarity.csv").is_file()


@pytest.mark.realdata
@pytest.mark.slow
def test_ru_programs_subset(corpora, tmp_path):
    texts = sorted((corpora / "ru-programs" / "texts").glob("*.txt"))[:30]
    store = tmp_path / "ru.duckdb"
    run("ingest", *map(str, texts), "--store", str(store), "--workers", "1")
    run("classify", "--store", str(store))
    with open_store(store, read_only=True) as st:
        docs = st.documents_df()
    assert (docs["meta_source"] == "inferred").all()  # no manifest: regions from the files
    assert docs["region"].notna().all() and docs["region"].nunique() >= 4
    res = compute_gaps(store, n_boot=200)
    t = res.tables()
    assert set(t["supply"]["group"]) == set(docs["region"].dropna())
    assert t["supply"]["supply"].between(0, 1).all() and not t["supply"].isna().any().any()
    c = compare(store).tables()
    v = c["versions"]
    assert len(v) and set(v["change"]) <= {"added", "dropped", "grown", "shrunk"}
    assert set(v["region"]) <= set(docs["region"].dropna())
    assert v["passage_text"].notna().all()  # every change comes with a passage
    assert c["clusters"]["group"].nunique() == docs["region"].nunique()
    terms = c["distinctive_terms"]["term"]
    assert terms.map(lambda w: bool(re.fullmatch(r"[а-яa-z-]+", w))).all()


@pytest.mark.slow
def test_demo_gaps_name_top_gaps_with_evidence_on_both_sides(tmp_path):
    sample = ROOT / "corpora" / "sample"
    store, coded = tmp_path / "demo.duckdb", tmp_path / "coded.xlsx"
    run(
        "ingest",
        str(sample),
        "--store",
        str(store),
        "--meta",
        str(sample / "manifest.csv"),
        "--workers",
        "1",
    )
    run("classify", "--store", str(store))
    run(
        "survey", "code", str(sample / "survey_answers.csv"), "--text-column", "q_barriers",
        "--text-column", "q_support", "--id-column", "resp_id", "--out", str(coded),
    )  # fmt: skip
    out = run(
        "gaps",
        "--store",
        str(store),
        "--survey",
        str(coded),
        "--out",
        str(tmp_path / "g"),
        "--top",
        "3",
    )
    for region in ("Northmoor Region", "Заозёрская область", "Краснолесский край"):
        assert f"{region}: top gaps" in out
    assert out.count("asked  R") >= 6 and "offered  " in out
    res = compute_gaps(store, [coded], n_boot=300)
    g = res.tables()["gaps"]
    assert g.groupby("group")["rank"].min().eq(1).all() and not g.isna().any().any()
    top = g[g["rank"] == 1].set_index("group")
    kras = g[g["group"] == "Краснолесский край"].set_index("theme")
    # the Krasnolesye strategy says nothing about standards or certification, which firms
    # there ask for: a gap whose interval excludes zero, among its top two; its top gap is
    # a theme the strategy never mentions
    assert kras.loc["standards", "supply"] == 0 and kras.loc["standards", "gap_lo"] > 0
    assert kras.loc["standards", "rank"] <= 2 and top.loc["Краснолесский край", "supply"] == 0
    # its one sentence on financial support measures counts as covering finance
    assert kras.loc["finance", "supply"] == 1
    out = run("compare", "--store", str(store), "--by", "region")
    assert "most similar" in out and "terms of Краснолесский край" in out
