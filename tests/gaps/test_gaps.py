"""compute_gaps and compare on a small hand-built store: tables per contract, JSON, bad input."""

import dataclasses
import datetime as dt
import json
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from textcoop.errors import InputError
from textcoop.gaps import compare, compute_gaps
from textcoop.themes.codebook import Theme, load_codebook

THEMES = load_codebook().theme_ids
CONTRACT = {
    "supply": ["group", "theme", "n_docs", "n_docs_covering", "supply", "supply_lo", "supply_hi"],
    "demand": ["group", "theme", "n_resp", "n_raising", "demand", "demand_lo", "demand_hi"],
    "gaps": ["group", "theme", "demand", "supply", "gap", "gap_lo", "gap_hi", "rank"],
    "evidence_supply": ["group", "theme", "doc_id", "title", "page", "section", "text", "score"],
    "evidence_demand": ["group", "theme", "answer_id", "text", "confidence"],
    "omissions": [
        "group", "theme", "p_missed", "near_miss_doc_id", "near_miss_page", "near_miss_text", "near_miss_score",
    ],
    "peer_gaps": ["group", "theme", "peer_share", "n_peers"],
    "codebook_gaps": ["topic", "top_terms", "example_doc_id", "example_page", "example_text"],
    "matrix": ["group", "theme", "value"],
    "similarity": ["a", "b", "theme_cosine", "topic_cosine"],
    "clusters": ["group", "cluster", "order"],
    "distinctive_terms": ["group", "term", "zeta", "count", "rank"],
    "versions": [
        "region", "theme", "change", "old_value", "new_value", "old_doc_id", "new_doc_id",
        "passage_doc_id", "passage_page", "passage_text",
    ],
}  # fmt: skip

# (doc_id, region, year, doc_type, [(text, themes)])
DOCS = [
    (
        "a1",
        "Alpha Region",
        "2014-2020",
        "program",
        [("Grants for suppliers.", ["finance"]), ("Roads.", [])],
    ),
    (
        "a2",
        "Alpha Region",
        "2021-2027",
        "program",
        [("Grants and loans for firms.", ["finance"]), ("Training for machinists.", ["skills"])],
    ),
    (
        "b1",
        "Beta Region",
        "2021",
        "strategy",
        [("Cluster of shipbuilders.", ["clusters", "finance"])],
    ),
    ("c1", "Gamma Region", "2022", "strategy", [("Loans for exporters.", ["finance", "markets"])]),
    ("x1", None, None, "other", [("Sport and schools.", [])]),
]


def add_doc(st, doc_id, region, year, doc_type, segs):
    now = dt.datetime.now()
    st.con.execute(
        "INSERT INTO documents (doc_id, sha256, source_path, file_name, format, title, region, year, doc_type, "
        "meta_source, language, n_pages, n_segments, n_ocr_pages, n_needs_ocr, textcoop_version, ingested_at) "
        "VALUES (?, ?, ?, ?, 'txt', ?, ?, ?, ?, 'manifest', 'en', 1, ?, 0, 0, 'test', ?)",
        [
            doc_id,
            doc_id * 8,
            f"/x/{doc_id}.txt",
            f"{doc_id}.txt",
            f"Title {doc_id}",
            region,
            year,
            doc_type,
            len(segs),
            now,
        ],
    )
    chars = sum(len(t) for t, _ in segs)
    cov: dict[str, list] = {}
    for i, (text, themes) in enumerate(segs):
        st.con.execute(
            "INSERT INTO segments VALUES (?, ?, 1, 'paragraph', 0, ['Section 1'], 'en', 0, ?, ?, NULL)",
            [doc_id, i, len(text), text],
        )
        scores = {t: (0.9 if t in themes else 0.02 + 0.01 * i) for t in THEMES}
        st.con.execute(
            "INSERT INTO segment_themes VALUES (?, ?, 'm1', ?, ?, [])",
            [doc_id, i, themes or ["other"], json.dumps(scores)],
        )
        for t in themes:
            cov.setdefault(t, []).append((i, len(text)))
    for t, v in cov.items():
        st.con.execute(
            "INSERT INTO doc_coverage VALUES (?, ?, 'm1', ?, ?, ?)",
            [doc_id, t, sum(n for _, n in v) / chars, len(v), [i for i, _ in v]],
        )


@pytest.fixture()
def tiny(tmp_path):
    from textcoop.store import open_store

    path = tmp_path / "tiny.duckdb"
    with open_store(path) as st:
        for d in DOCS:
            add_doc(st, *d)
    return path


def coded_survey(tmp_path, rows, region_col="region"):
    """A coded table as `survey code` writes it for one text column."""
    recs = []
    for i, (region, text, themes) in enumerate(rows):
        rec = {"resp_id": f"R{i}", region_col: region, "answer": text}
        rec.update({t: int(t in themes) for t in THEMES})
        rec.update(
            themes=";".join(themes), confidence=0.9, needs_review=0, evidence="", nonsubstantive=0
        )
        recs.append(rec)
    p = tmp_path / "coded.csv"
    pd.DataFrame(recs).to_csv(p, index=False)
    return p


SURVEY = [
    ("Alpha Region", "we need people who can weld", ["skills"]),
    ("Alpha Region", "nobody pays on time", ["trust"]),
    ("alpha  region", "late payments again", ["trust"]),
    ("Beta Region", "cheap credit", ["finance"]),
    ("Beta Region", "buyers abroad", ["markets"]),
    ("Gamma Region", "training", ["skills"]),
]


def test_gaps_on_a_tiny_store(tiny, tmp_path):
    res = compute_gaps(tiny, [coded_survey(tmp_path, SURVEY)], n_boot=200, seed=3)
    t = res.tables()
    assert set(CONTRACT) - {
        "matrix",
        "similarity",
        "clusters",
        "distinctive_terms",
        "versions",
    } <= set(t)
    for name, cols in CONTRACT.items():
        if name in t:  # gaps tables here; compare's are checked below
            assert list(t[name].columns[: len(cols)]) == cols, name
    gaps = t["gaps"].set_index(["group", "theme"])
    # Alpha: trust asked by 2/3 (spelling of the region ignored), offered by 0/2 documents
    assert gaps.loc[("Alpha Region", "trust"), "gap"] == pytest.approx(2 / 3)
    assert gaps.loc[("Alpha Region", "trust"), "rank"] == 1
    assert gaps.loc[("Alpha Region", "finance"), "supply"] == 1.0
    assert gaps.loc[("Alpha Region", "skills"), "supply"] == 0.5
    ev = t["evidence_demand"]
    assert (
        "late payments again"
        in ev[(ev["group"] == "Alpha Region") & (ev["theme"] == "trust")]["text"].tolist()
    )
    es = t["evidence_supply"]
    assert es[(es["group"] == "Beta Region") & (es["theme"] == "clusters")]["page"].tolist() == [1]
    om = t["omissions"].set_index(["group", "theme"])
    assert ("Alpha Region", "trust") in om.index and om.loc[
        ("Alpha Region", "trust"), "near_miss_doc_id"
    ] in ("a1", "a2")
    assert om["p_missed"].isna().all()  # model m1 is unknown: said in a note, not invented
    assert any("p_missed is empty" in n for n in res.notes)
    assert any("no region" in n for n in res.notes)  # x1 left out, with a note
    pg = t["peer_gaps"].set_index(["group", "theme"])
    assert (
        pg.loc[("Alpha Region", "markets"), "peer_share"] == 0.5
    )  # Gamma covers markets, Beta does not
    js = res.to_json()
    text = json.dumps(js, allow_nan=False)  # no NaN anywhere
    assert "scales" in js["params"] and "supply" in js["params"]["scales"]
    assert '"codebook_gaps": []' in text.replace("\n", "")
    again = compute_gaps(tiny, [coded_survey(tmp_path, SURVEY)], n_boot=200, seed=3)
    assert again.tables()["gaps"].equals(t["gaps"])
    second = tmp_path / "wave2"
    second.mkdir()
    two = compute_gaps(
        tiny, [coded_survey(tmp_path, SURVEY), coded_survey(second, SURVEY[:1])], n_boot=50
    )
    d = two.tables()["demand"].set_index(["group", "theme"])
    assert (
        d.loc[("Alpha Region", "skills"), "n_resp"] == 4
        and d.loc[("Alpha Region", "skills"), "n_raising"] == 2
    )
    ids = two.tables()["evidence_demand"]["answer_id"]
    assert ids.str.match(r"[12]-coded:R\d$").all() and "2-coded:R0" in set(ids)


def test_compare_on_a_tiny_store(tiny, tmp_path):
    res = compare(tiny)
    t = res.tables()
    for name in ("matrix", "similarity", "clusters", "distinctive_terms", "versions"):
        assert list(t[name].columns[: len(CONTRACT[name])]) == CONTRACT[name]
    sim = t["similarity"]
    assert len(sim) == 3 and sim["topic_cosine"].isna().all()
    assert any("topics fit" in n for n in res.notes)
    v = t["versions"].set_index("theme")
    assert (
        v.loc["skills", "change"] == "added"
        and v.loc["skills", "passage_text"] == "Training for machinists."
    )
    paths = res.write(tmp_path / "out", "parquet")
    assert (tmp_path / "out" / "compare_matrix.parquet") in paths
    assert (
        json.loads((tmp_path / "out" / "compare.json").read_text(encoding="utf-8"))["kind"]
        == "compare"
    )


def test_bad_input_is_refused_with_a_message(tiny, tmp_path):
    with pytest.raises(InputError, match="no column 'region'"):
        compute_gaps(tiny, [coded_survey(tmp_path, SURVEY, region_col="oblast")])
    with pytest.raises(InputError, match="no survey region matches"):
        compute_gaps(tiny, [coded_survey(tmp_path, [("Omega Region", "x", ["finance"])])])
    res = compute_gaps(
        tiny, [coded_survey(tmp_path, [*SURVEY, ("Omega Region", "x", ["finance"])])], n_boot=50
    )
    assert any("Omega Region" in n and "no documents" in n for n in res.notes)
    assert "Omega Region" not in set(res.tables()["gaps"]["group"])
    cb = load_codebook()
    cb = dataclasses.replace(cb, themes=[*cb.themes, Theme(id="digital", name={"en": "Digital"})])
    with pytest.raises(InputError, match="without the codebook's theme.*digital"):
        compute_gaps(tiny, codebook=cb)
    with pytest.raises(InputError, match="unknown --by"):
        compare(tiny, by="district")


def test_too_few_documents(tmp_path):
    from textcoop.store import open_store

    path = tmp_path / "one.duckdb"
    with open_store(path) as st:
        add_doc(st, *DOCS[0])
    with pytest.raises(InputError, match="at least 2 coded documents"):
        compare(path)
    with open_store(path) as st:
        add_doc(st, *DOCS[1])
    with pytest.raises(InputError, match="at least 2 groups by region"):
        compare(path)
    with open_store(tmp_path / "empty.duckdb"):
        pass
    with pytest.raises(InputError, match="no documents"):
        compute_gaps(tmp_path / "empty.duckdb")


def test_cli_gaps_and_compare(tiny, tmp_path):
    from textcoop.cli.app import app

    runner = CliRunner()
    survey = coded_survey(tmp_path, SURVEY)
    out = tmp_path / "out"
    r = runner.invoke(
        app,
        [
            "gaps",
            "--store",
            str(tiny),
            "--survey",
            str(survey),
            "--n-boot",
            "100",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Alpha Region" in r.output and (
        "nobody pays on time" in r.output or "late payments" in r.output
    )
    assert (out / "gaps_gaps.csv").is_file() and (out / "gaps.json").is_file()
    r = runner.invoke(app, ["compare", "--store", str(tiny), "--by", "region", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "most similar" in r.output and "least similar" in r.output
    r = runner.invoke(
        app, ["gaps", "--store", str(tiny), "--survey", str(survey), "--region-column", "oblast"]
    )
    assert r.exit_code == 2 and "no column 'oblast'" in r.output
    r = runner.invoke(app, ["compare", "--store", str(tiny), "--out", str(tiny)])
    assert r.exit_code == 2 and "is a file" in r.output
    r = runner.invoke(app, ["compare", "--store", str(tiny), "--pair", "a1"])
    assert r.exit_code == 2 and "two by two" in r.output


def test_topic_tables_feed_topic_cosine_and_codebook_gaps(tiny, monkeypatch):
    """With a topic run (tables as `textcoop.topics.topic_tables` returns them), both are filled."""
    import sys
    import types

    topics = pd.DataFrame(
        {
            "run_id": "r1",
            "topic": [0, 1],
            "label": ["grants", "roads"],
            "top_terms": [["grant", "loan"], ["road", "repair"]],
            "theme": ["finance", None],
            "theme_score": [0.8, 0.1],
            "prevalence": [0.6, 0.4],
        }
    )
    doc_topics = pd.DataFrame(
        {
            "doc_id": ["a1", "a1", "a2", "b1", "c1", "x1"],
            "topic": [0, 1, 0, 0, 1, 1],
            "weight": [0.5, 0.5, 1.0, 1.0, 1.0, 1.0],
        }
    )
    passages = pd.DataFrame(
        {
            "topic": [1],
            "rank": [1],
            "doc_id": ["a1"],
            "page": [1],
            "section": [""],
            "text": ["Roads."],
        }
    )
    fake = types.ModuleType("textcoop.topics")
    fake.topic_tables = lambda store, run_id=None: {
        "topics": topics,
        "doc_topics": doc_topics,
        "passages": passages,
    }
    monkeypatch.setitem(sys.modules, "textcoop.topics", fake)
    sim = compare(tiny).tables()["similarity"].set_index(["a", "b"])
    # Alpha's documents average (0.75, 0.25), Beta is (1, 0), Gamma (0, 1)
    assert sim.loc[("Alpha Region", "Beta Region"), "topic_cosine"] == pytest.approx(
        0.75 / math.sqrt(0.625)
    )
    assert sim.loc[("Beta Region", "Gamma Region"), "topic_cosine"] == pytest.approx(0.0)
    cg = compute_gaps(tiny, n_boot=20).tables()["codebook_gaps"]
    assert cg["topic"].tolist() == [1] and cg["example_text"].tolist() == ["Roads."]
    assert cg["top_terms"].iloc[0] == "road; repair"


def test_compare_by_doc_names_documents_by_file(tiny):
    groups = set(compare(tiny, by="doc").tables()["clusters"]["group"])
    assert groups == {f"{d[0]}.txt" for d in DOCS}


def test_notes_carry_their_russian_wording(tiny):
    from textcoop.gaps.notes import in_language

    notes = compute_gaps(tiny, n_boot=20).notes
    no_survey = next(n for n in notes if n.startswith("no survey given"))
    assert "опрос не задан" in in_language(no_survey, "ru")
    assert in_language(no_survey, "en") == no_survey
    assert all(in_language(n, "ru") != n for n in notes)  # every note has a Russian text
    assert in_language("plain", "ru") == "plain"


def _same_result(a, b):
    assert list(a.notes) == list(b.notes) and a.params == b.params
    assert a.tables().keys() == b.tables().keys()
    for name, df in a.tables().items():
        pd.testing.assert_frame_equal(df, b.tables()[name], obj=name)


def test_a_corpus_loaded_once_serves_compare_and_gaps_unchanged(tiny, tmp_path):
    from textcoop.gaps import load_corpus

    survey = [coded_survey(tmp_path, SURVEY)]
    corpus = load_corpus(tiny)
    frozen = corpus.copy()
    # both add notes (x1 has no region; no topics; no model): none may leak into the other
    shared_c = compare(tiny, corpus=corpus)
    shared_g = compute_gaps(tiny, survey, n_boot=50, seed=1, corpus=corpus)
    _same_result(shared_c, compare(tiny))
    _same_result(shared_g, compute_gaps(tiny, survey, n_boot=50, seed=1))
    assert sum("no region" in n for n in shared_g.notes) == 1
    assert corpus.notes == frozen.notes  # the caller's corpus is not changed
    for name in ("documents", "segments", "coverage"):
        pd.testing.assert_frame_equal(getattr(corpus, name), getattr(frozen, name))
    cb = load_codebook()
    cb = dataclasses.replace(cb, themes=[t for t in cb.themes if t.id != "finance"])
    with pytest.raises(ValueError, match="load it with the same codebook"):
        compute_gaps(tiny, codebook=cb, corpus=corpus)
