"""The report from hand-built tables, from real stores with parts missing, and through the CLI."""

from __future__ import annotations

import re
import sys
import types

import pandas as pd
import pytest
from report_tables import HOSTILE, hand_built_data, rendered_report
from typer.testing import CliRunner

from textcoop.cli.app import app
from textcoop.report import build_report
from textcoop.report.charts import wrap
from textcoop.themes.codebook import load_codebook

runner = CliRunner()
SECTIONS = ("overview", "coverage", "gaps", "omissions", "topics", "similarity", "survey", "method")


def section(html: str, sid: str) -> str:
    m = re.search(rf'<section id="{sid}">(.*?)</section>', html, re.S)
    assert m, f"no section {sid}"
    return m.group(1)


@pytest.fixture(scope="module")
def rendered():
    return {"ru": rendered_report("ru"), "en": rendered_report("en", full=False)}


def test_every_section_from_hand_built_tables(rendered):
    res, html = rendered["ru"]
    for sid in SECTIONS:
        body = section(html, sid)
        assert 'class="missing' not in body, (sid, body[:300])
    gaps = section(html, "gaps")
    assert 'id="fig-demand_supply"' in gaps and 'id="fig-gap_heatmap"' in gaps
    assert "hand-built note from the gaps module" in gaps
    assert "нужна субсидия на станки &lt;img src=x&gt;" in gaps  # a survey answer as evidence
    assert "Программа" in gaps and "p. 4" in gaps  # a passage with its document and page
    assert "0.35" in section(html, "omissions")  # p_missed, the omission's confidence
    topics = section(html, "topics")
    assert "субсидия, займ, фонд" in topics and 'id="fig-topic_prevalence"' in topics
    assert "не совпадает ни с одной" in topics  # a topic matching no theme
    sim = section(html, "similarity")
    assert 'id="fig-region_similarity"' in sim and "кластер (0.50)" in sim
    survey = section(html, "survey")
    assert "α Криппендорфа = 0.710" in survey
    method = section(html, "method")
    cb = load_codebook()
    assert cb.hash in method and cb.version in method and "0.800" in method  # macro-F1


def test_charts_written_as_svg_and_png_next_to_the_report(rendered):
    res, html = rendered["ru"]
    assert len(res.charts) >= 20
    names = {p.name for p in res.charts}
    for p in res.charts:
        assert p.parent == res.path.parent / "report_charts"
        head = p.read_bytes()[:8]
        assert head.startswith(b"\x89PNG") if p.suffix == ".png" else b"<?xml" in head
        assert p.with_suffix(".svg").name in names and p.with_suffix(".png").name in names
    assert html.count("<svg ") == len(res.charts) // 2


def test_user_data_is_escaped_and_nothing_external(rendered):
    _, html = rendered["ru"]
    assert "<script" not in html
    assert "&lt;script&gt;" in html and "Northmoor &lt;b&gt;Region&lt;/b&gt;" in html
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "url(http" not in html and "@import" not in html
    assert HOSTILE not in html


def test_languages_use_the_codebook_names(rendered):
    cb = load_codebook()
    fin = cb.theme("finance").name
    _, ru = rendered["ru"]
    _, en = rendered["en"]
    assert fin["ru"] in ru and fin["en"] in en
    assert "Спрос и предложение по темам" in ru and "Demand and supply by theme" in en
    assert '<html lang="en">' in en


def test_long_theme_names_are_wrapped_not_cut():
    cb = load_codebook()
    for th in cb.themes:
        name = th.name["ru"]
        w = wrap(name, 26)
        assert w.replace("\n", " ") == " ".join(name.split())
        assert all(len(line) <= 26 or " " not in line for line in w.split("\n"))


def test_empty_store_says_what_is_missing(store, tmp_path):
    res = build_report(store, tmp_path / "r.html", lang="en")
    html = res.path.read_text(encoding="utf-8")
    assert "textcoop ingest" in section(html, "overview")
    assert "The store holds no documents" in section(html, "overview")
    assert "textcoop survey code" in section(html, "survey")
    assert set(res.missing) >= {"overview", "coverage", "gaps", "survey", "topics"}
    assert res.charts == []


@pytest.fixture()
def ingested(store, tmp_path):
    from textcoop.store.ingest import IngestOptions, ingest

    d = tmp_path / "docs"
    d.mkdir()
    (d / "zaozersk.txt").write_text(
        "Программа Заозёрской области на 2024-2030 годы\n\n"
        "Субсидии на модернизацию оборудования предприятиям-участникам кооперации.\n\n"
        "Создание промышленного кластера и центра субконтрактации.\n",
        encoding="utf-8",
    )
    ingest([d], store, IngestOptions(workers=1, timeout=60))
    return store


def coded_survey(path):
    cb = load_codebook()
    rows = []
    for i in range(12):
        row = {
            "resp_id": f"R{i}",
            "region": "Заозёрская область" if i % 2 else "Краснолесский край",
        }
        row["q"] = "нужны субсидии" if i % 3 else "не знаю"
        for th in cb.theme_ids:
            row[f"q__{th}"] = int(th == "finance" and i % 3 != 0)
        row["q__themes"] = "finance" if i % 3 else ""
        row["q__nonsubstantive"] = int(i % 3 == 0)
        rows.append(row)
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_store_without_classification_and_a_survey(ingested, tmp_path):
    survey = coded_survey(tmp_path / "coded.csv")
    res = build_report(ingested, tmp_path / "r.html", surveys=[survey], lang="ru")
    html = res.path.read_text(encoding="utf-8")
    assert f"textcoop classify --store {ingested.path}" in section(html, "coverage")
    assert "</strong> документы ещё не классифицированы по темам" in section(html, "coverage")
    assert "textcoop classify" in section(html, "gaps")
    ov = section(html, "overview")
    assert 'id="fig-docs_by_region"' in ov and "Заозёрская область" in ov
    sv = section(html, "survey")
    assert 'id="fig-survey_0_0"' in sv and "Финансовая поддержка и налоговые льготы" in sv
    assert "<td class=num>8</td>" in sv  # 8 substantive answers, empty/non-substantive left out
    assert "missing" not in sv


def test_uncoded_survey_file_is_reported_in_its_section(store, tmp_path):
    raw = tmp_path / "answers.csv"
    pd.DataFrame({"id": [1, 2], "q": ["a", "b"]}).to_csv(raw, index=False)
    res = build_report(store, tmp_path / "r.html", surveys=[raw], lang="en")
    sv = section(res.path.read_text(encoding="utf-8"), "survey")
    assert "answers.csv" in sv and "textcoop survey code answers.csv" in sv


def _fake_module(monkeypatch, name, **attrs):
    mod = types.ModuleType(name)
    for k, v in attrs.items():
        setattr(mod, k, v)
    monkeypatch.setitem(sys.modules, name, mod)


def test_gaps_and_topics_are_read_through_their_library_interfaces(monkeypatch, tmp_path):
    """collect() calls textcoop.gaps / textcoop.topics as CONTRACT.md says and shows their tables."""
    import textcoop.gaps.notes  # noqa: F401  (the gaps section reads notes from the real module)
    import textcoop.report.data as data_mod

    hb = hand_built_data()
    hb.gaps = {
        k: v[v["group"] == v["group"].iloc[0]] if "group" in v else v for k, v in hb.gaps.items()
    }
    calls = {}

    class Result:
        def __init__(self, tables, kind):
            self._t, self.notes, self.kind = tables, [f"{kind} note"], kind

        def tables(self):
            return self._t

        def to_json(self):
            return {"params": {"kind": self.kind}, "tables": "left out"}

    corpus = object()

    def load_corpus(store, codebook=None):
        calls["load"] = calls.get("load", 0) + 1
        return corpus

    def compute_gaps(
        store, surveys, codebook=None, by="region", region_column="region", n_boot=1000, seed=0,
        model_dir=None, corpus=None,
    ):  # fmt: skip
        calls["gaps"] = (surveys, by, region_column, model_dir, corpus)
        return Result(hb.gaps, "gaps")

    def compare(store, by="region", codebook=None, seed=0, corpus=None):
        calls["compare"] = (by, corpus)
        return Result(hb.compare, "compare")

    _fake_module(
        monkeypatch, "textcoop.gaps",
        compute_gaps=compute_gaps, compare=compare, load_corpus=load_corpus,
    )  # fmt: skip
    _fake_module(monkeypatch, "textcoop.topics", topic_tables=lambda store, run_id=None: None)
    monkeypatch.setattr(data_mod, "_store_tables", lambda store, data: _fill(data, hb))
    survey = coded_survey(tmp_path / "coded.csv")
    res = build_report(
        object.__new__(_FakeStore), tmp_path / "r.html", surveys=[survey], lang="ru",
        model_dir=tmp_path / "m",
    )  # fmt: skip
    html = res.path.read_text(encoding="utf-8")
    # --model reaches the gap analysis (p_missed needs the coder's recall); the corpus is
    # loaded once and handed to both analyses
    assert calls == {
        "load": 1,
        "gaps": ([str(survey)], "region", "region", tmp_path / "m", corpus),
        "compare": ("region", corpus),
    }
    assert "gaps note" in section(html, "gaps") and "compare note" in section(html, "gaps")
    assert 'id="fig-demand_supply"' in section(html, "gaps")
    assert 'id="fig-region_similarity"' in section(html, "similarity")
    assert "textcoop topics" in section(html, "topics")  # topic_tables returned None
    assert "&quot;kind&quot;: &quot;gaps&quot;" in section(html, "method")


class _FakeStore:
    path = "fake.duckdb"


def _fill(data, hb):
    for k in ("documents", "problems", "coverage", "passages", "model_ids", "status"):
        setattr(data, k, getattr(hb, k))


def test_cli_report_on_an_empty_store(tmp_path):
    from textcoop.store import open_store

    s = tmp_path / "s.duckdb"
    with open_store(s):
        pass
    out = tmp_path / "rep" / "report.html"
    r = runner.invoke(app, ["report", "--store", str(s), "--out", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert f"report → {out}" in r.output.replace("\n", "")
    assert "textcoop ingest" in r.output
    assert out.is_file()
    r = runner.invoke(app, ["report", "--store", str(s), "--out", str(s)])
    assert r.exit_code == 2 and "never overwrites" in r.output
    r = runner.invoke(app, ["report", "--store", str(s), "--out", str(out), "--lang", "de"])
    assert r.exit_code == 2 and "ru" in r.output
    r = runner.invoke(app, ["report", "--store", str(tmp_path / "none.duckdb"), "--out", str(out)])
    assert r.exit_code == 1 and "textcoop ingest" in r.output


def test_a_store_that_cannot_be_loaded_fails_both_analyses_with_its_message(monkeypatch):
    import textcoop.report.data as data_mod
    from textcoop.errors import InputError

    hb = hand_built_data()

    def load_corpus(store, codebook=None):
        raise InputError("the documents of s.duckdb are not coded into themes")

    def never(*args, **kwargs):
        raise AssertionError("not called when the corpus could not be loaded")

    _fake_module(
        monkeypatch, "textcoop.gaps", compute_gaps=never, compare=never, load_corpus=load_corpus
    )
    for surveys, sections in (([], {"similarity"}), (["coded.csv"], {"similarity", "gaps"})):
        data = data_mod.ReportData(
            store_path="s.duckdb", documents=hb.documents, coverage=hb.coverage
        )
        data_mod._gaps_tables(data, None, surveys, load_codebook(), "region")
        assert set(data.errors) == sections
        assert all("not coded into themes" in e for e in data.errors.values())
        assert data.gaps is None and data.compare is None


def test_a_missing_analysis_module_names_the_command(monkeypatch):
    import textcoop.report.data as data_mod

    hb = hand_built_data()
    monkeypatch.setitem(sys.modules, "textcoop.gaps", None)  # import fails as if not installed
    monkeypatch.setitem(sys.modules, "textcoop.topics", None)
    data = data_mod.ReportData(store_path="s.duckdb", documents=hb.documents, coverage=hb.coverage)
    data_mod._gaps_tables(data, None, [], load_codebook(), "region")
    data_mod._topic_tables(data, None)
    assert data.gaps is None and data.compare is None and data.topics is None
    assert data.missing["gaps"][0].command == "textcoop gaps --store s.duckdb --survey coded.xlsx"
    assert data.missing["similarity"][0].command == "textcoop compare --store s.duckdb"
    assert data.missing["topics"][0].command == "textcoop topics fit --store s.duckdb"


@pytest.mark.realdata
@pytest.mark.slow
def test_report_of_real_regional_programs(corpora, tmp_path):
    """A few real ru-programs texts: ingest, classify, report; Russian labels and titles present."""
    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.store import open_store
    from textcoop.store.ingest import IngestOptions, ingest
    from textcoop.themes.classify import classify_store

    texts = sorted((corpora / "ru-programs/texts").glob("*.txt"))[:6]
    with open_store(tmp_path / "ru.duckdb") as st:
        ingest(texts, st, IngestOptions(workers=1, timeout=120))
        classify_store(st, ThemeCoder())
        res = build_report(st, tmp_path / "report.html", lang="ru")
    html = res.path.read_text(encoding="utf-8")
    cov = section(html, "coverage")
    assert 'id="fig-coverage_heatmap"' in cov and "<blockquote" in cov
    assert "Документы по регионам" in section(html, "overview")
    assert {p.name for p in res.charts} >= {"coverage_heatmap.svg", "coverage_heatmap.png"}


def test_cli_report_migrates_an_older_store(tmp_path):
    """A store from an older textcoop is migrated on open rather than refused as read-only."""
    import duckdb

    from textcoop.store import open_store

    s = tmp_path / "old.duckdb"
    with open_store(s):
        pass
    con = duckdb.connect(str(s))
    for table in (
        "segment_themes", "doc_coverage",  # schema 2
        "topic_runs", "topics", "doc_topics", "topic_passages", "coherence_curve",  # schema 3
    ):  # fmt: skip
        con.execute(f"DROP TABLE {table}")
    con.execute("DELETE FROM schema_info WHERE version > 1")
    con.close()
    r = runner.invoke(app, ["report", "--store", str(s), "--out", str(tmp_path / "r.html")])
    assert r.exit_code == 0, r.output
    with open_store(s, read_only=True) as st:
        assert st.status()["classified_segments"] == 0


def test_omissions_without_model_metrics_show_a_dash():
    """A store coded by a model that is gone has no p_missed: the report shows a dash, not a crash."""
    from textcoop.report.i18n import Text
    from textcoop.report.sections_analysis import omissions_section

    om = pd.DataFrame(
        [{"group": "Заозёрская область", "theme": "finance", "p_missed": None,
          "near_miss_doc_id": None, "near_miss_page": None, "near_miss_text": None,
          "near_miss_score": None}]
    )  # fmt: skip
    body = omissions_section(Text("ru"), {"omissions": om}, None).body
    assert "Заозёрская область" in body and "—" in body
