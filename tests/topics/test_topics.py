"""Topic models on small hand-built corpora: recovery, seeding, labels, prevalence, safety, errors."""

from __future__ import annotations

import json
import pickle
import random

import numpy as np
import pandas as pd
import pytest

from textcoop.errors import InputError
from textcoop.safeload import UnsafeModelError
from textcoop.store import open_store
from textcoop.store.ingest import IngestOptions, ingest
from textcoop.topics import TopicConfig, fit_topics, topic_tables
from textcoop.topics.corpus import (
    build_corpus,
    content_lemmas,
    parse_where,
    require_reiterable,
    stop_words,
)
from textcoop.topics.fit import coherence_per_topic, fit_lda
from textcoop.topics.seeded import ThemeTerms, match_themes, seeded_eta
from textcoop.topics.stability import best_match, jaccard, stability

VOCAB = {
    "finance": "субсидия кредит заем лизинг налог поручительство процент гарантия вычет ставка".split(),
    "skills": "кадры обучение специалист квалификация колледж стажировка наставник выпускник профессия училище".split(),
    "sport": "спорт стадион футбол тренер соревнование чемпионат бассейн лыжи хоккей турнир".split(),
}
LEMMAS = {t: set(content_lemmas(" ".join(ws), stop_words())) for t, ws in VOCAB.items()}
REGIONS = {"finance": "Северная область", "skills": "Южная область", "sport": "Западная область"}


def _paragraph(rng: random.Random, theme: str, n: int = 45) -> str:
    words = [rng.choice(VOCAB[theme]) for _ in range(n)]
    return "Мы " + " ".join(words) + "."


def write_corpus(folder, seed: int = 0, docs_per_theme: int = 4, paras: int = 8):
    """Documents that each talk mostly about one theme, with a tenth of another mixed in."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["path,region,year,doc_type,title"]
    for theme in VOCAB:
        for i in range(docs_per_theme):
            name = f"{theme}_{i}.txt"
            parts = []
            for _ in range(paras):
                t = theme if rng.random() > 0.1 else rng.choice(list(VOCAB))
                parts.append(_paragraph(rng, t))
            (folder / name).write_text("\n\n".join(parts) + "\n", encoding="utf-8")
            rows.append(f"{name},{REGIONS[theme]},2024,program,{theme} {i}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def toy_store(tmp_path_factory):
    base = tmp_path_factory.mktemp("toy")
    docs = write_corpus(base / "docs")
    path = base / "toy.duckdb"
    with open_store(path) as st:
        ingest([docs], st, IngestOptions(workers=1, manifest=docs / "manifest.csv"))
    return path


def theme_of(terms: list[str]) -> str:
    counts = {t: sum(w in LEMMAS[t] for w in terms) for t in VOCAB}
    return max(counts, key=counts.get)


def purity(top: list[list[str]], n: int = 5) -> list[float]:
    return [max(sum(w in LEMMAS[t] for w in terms[:n]) for t in VOCAB) / n for terms in top]


def test_content_lemmas_drop_numbers_stop_words_and_names():
    stops = stop_words()
    got = content_lemmas(
        "В 2024 году Администрация Алтайского края выдаёт субсидии и кредиты, г. Кострома", stops
    )
    assert got == ["выдавать", "субсидия", "кредит"]
    assert content_lemmas("The programme funds SMEs and clusters in 2021.", stops) == [
        "programme",
        "fund",
        "smes",
        "cluster",
    ]


def test_lda_recovers_planted_topics_and_seed_reproduces(toy_store, tmp_path):
    with open_store(toy_store) as st:
        corpus = build_corpus(st, tmp_path / "w", min_tokens=0, no_above=0.6)
        a = fit_lda(corpus, 3, "gensim", seed=1, passes=8)
        b = fit_lda(corpus, 3, "gensim", seed=1, passes=8)
        c = fit_lda(corpus, 3, "gensim", seed=2, passes=8)
    top = a.top_terms(corpus.dictionary, 10)
    assert min(purity(top)) == 1.0, top
    assert sorted(theme_of(t) for t in top) == sorted(VOCAB)
    assert np.array_equal(a.topic_term, b.topic_term)  # same seed, same model
    assert not np.array_equal(a.topic_term, c.topic_term)
    assert np.allclose(a.topic_term.sum(axis=1), 1) and np.allclose(a.doc_topic.sum(axis=1), 1)


@pytest.mark.parametrize("engine", ["tomotopy", "gensim-multicore"])
def test_other_engines_recover_the_same_topics(toy_store, tmp_path, engine):
    with open_store(toy_store) as st:
        corpus = build_corpus(st, tmp_path / "w", min_tokens=0, no_above=0.6)
        fit = fit_lda(corpus, 3, engine, seed=1, passes=4, workers=1 if engine == "tomotopy" else 2)
    top = fit.top_terms(corpus.dictionary, 10)
    assert min(purity(top)) >= 0.8, top
    assert fit.doc_topic.shape == (len(corpus.units), 3)


def test_coherence_higher_for_planted_topics(toy_store, tmp_path):
    with open_store(toy_store) as st:
        corpus = build_corpus(st, tmp_path / "w", min_tokens=0, no_above=0.6)
    planted = [VOCAB[t][:5] for t in VOCAB]
    mixed = [
        [VOCAB[t][i] for t in VOCAB] + [VOCAB["finance"][5], VOCAB["sport"][5]] for i in range(3)
    ]
    for measure in ("c_v", "c_npmi"):
        good = coherence_per_topic(planted, corpus, measure, topn=5)
        bad = coherence_per_topic(mixed, corpus, measure, topn=5)
        assert min(good) > max(bad), (measure, good, bad)


def test_stability_math():
    assert jaccard(["a", "b"], ["b", "c"]) == pytest.approx(1 / 3)
    assert best_match([["a", "b"], ["x", "y"]], [["a", "b"], ["b", "y"]]) == [
        1.0,
        pytest.approx(1 / 3),
    ]
    same = [["a", "b"], ["c", "d"]]
    assert stability([same, list(reversed(same))])[0] == 1.0
    assert stability([same, [["e", "f"], ["g", "h"]]])[0] == 0.0
    mean, per = stability([same, [["a", "b"], ["c", "x"]], [["a", "x"], ["c", "d"]]])
    assert per == [pytest.approx((1 + 1 / 3) / 2), pytest.approx((1 / 3 + 1) / 2)]
    assert mean == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        stability([same])


def test_theme_matching_and_seeded_prior():
    terms = [ThemeTerms("finance", "Finance", [0, 1]), ThemeTerms("skills", "Skills", [2, 3])]
    topic_term = np.array(
        [
            [0.5, 0.3, 0.0, 0.0, 0.2, 0.0],  # 0.8 of its mass on finance seeds
            [0.0, 0.0, 0.1, 0.0, 0.5, 0.4],  # 0.1 on skills
            [0.0, 0.0, 0.0, 0.0, 0.5, 0.5],  # nothing
        ]
    )
    got = match_themes(topic_term, terms, topn=6, threshold=0.15)
    assert got == [("finance", 0.8), (None, 0.1), (None, 0.0)]
    eta = seeded_eta(terms, 4, 6, strength=50)
    assert eta.shape == (4, 6)
    assert eta[0, 0] == 50 and eta[1, 2] == 50 and eta[1, 0] == pytest.approx(0.0025)
    assert np.all(eta[:, 4:] == 0.25)
    with pytest.raises(InputError, match="no free topic"):
        seeded_eta(terms, 2, 6)


def test_seeded_run_labels_prevalence_and_tables(toy_store, tmp_path, store):
    assert topic_tables(store) is None  # a store without topic runs
    cb = tmp_path / "cb.yaml"
    from textcoop.themes.codebook import load_codebook

    book = load_codebook()
    for t in book.themes:
        if t.id == "finance":
            t.seeds = {"ru": ["субсидия", "кредит", "лизинг", "налог", "гарантия"]}
        elif t.id == "skills":
            t.seeds = {"ru": ["кадры", "обучение", "колледж", "специалист", "профессия"]}
        elif t.id != "other":
            t.seeds = {"ru": ["несуществующийтермин"]}
    book.save(cb)
    with open_store(toy_store) as st:
        cfg = TopicConfig(
            k=3,
            seeded=True,
            codebook=str(cb),
            passes=6,
            stability_runs=2,
            min_tokens=0,
            no_above=0.6,
        )
        res = fit_topics(st, cfg)
        tables = topic_tables(st)
    topics = res.topics
    assert list(topics.seeded_theme[:2]) == ["finance", "skills"] and pd.isna(
        topics.seeded_theme[2]
    )
    assert list(topics.theme[:2]) == ["finance", "skills"] and pd.isna(topics.theme[2])
    # the whole vocabulary of a theme follows its seeds (not only the seed terms)
    assert [theme_of(t) for t in topics.top_terms] == ["finance", "skills", "sport"]
    assert min(purity(list(topics.top_terms))) == 1.0
    assert any("no guided topic" in n for n in res.notes)
    assert 0.0 <= res.stability <= 1.0
    # prevalence: each document's weights sum to 1; the planted region leads its topic
    dt = res.doc_topics
    assert np.allclose(dt.groupby("doc_id").weight.sum(), 1)
    reg = res.region_topics
    for t, theme in enumerate(["finance", "skills", "sport"]):
        lead = reg[reg.topic == t].sort_values("weight").region.iloc[-1]
        assert lead == REGIONS[theme]
    assert set(tables) == {"runs", "topics", "doc_topics", "passages", "coherence_curve"}
    p = tables["passages"]
    assert {"doc_id", "title", "region", "page", "section", "text"} <= set(p.columns)
    assert p.text.str.len().min() > 50 and (p.page >= 1).all()
    assert tables["runs"].run_id[0] == res.run_id and bool(tables["runs"].seeded[0])
    assert tables["topics"].theme.isna().sum() == 1


def test_k_auto_curve_picks_the_planted_k(toy_store):
    with open_store(toy_store) as st:
        res = fit_topics(
            st,
            TopicConfig(k_grid=[2, 3, 6], passes=8, stability_runs=1, min_tokens=0, no_above=0.6),
            write=False,
        )
    curve = res.curve
    assert list(curve.k) == [2, 3, 6] and curve.coherence.notna().all()
    assert curve.loc[curve.chosen, "k"].item() == 3 == res.chosen_k
    assert any("stability not measured" in n for n in res.notes)


def test_bad_input_is_refused_with_a_clear_message(toy_store, tmp_path):
    with pytest.raises(InputError, match="unknown --where key"):
        parse_where(["colour=red"])
    with open_store(toy_store) as st:
        with pytest.raises(InputError, match="selects no documents") as err:
            fit_topics(st, TopicConfig(k=2, no_above=0.6), where={"region": "Нигдешняя область"})
        assert "Северная область" in str(err.value)
        with pytest.raises(InputError, match="too few for 40 topics"):
            fit_topics(st, TopicConfig(k=40, no_above=1.0), where={"region": "Южная область"})
        with pytest.raises(InputError, match="leaves no free topic"):
            fit_topics(st, TopicConfig(k=2, seeded=True, min_tokens=0, no_above=0.6))
    with pytest.raises(InputError, match="one-shot generator"):
        require_reiterable(x for x in [["a"]])


def test_model_dir_round_trip_and_tampered_pickle_refused(toy_store, tmp_path):
    from textcoop.topics.io import load_topic_model, load_topic_term

    d = tmp_path / "model"
    with open_store(toy_store) as st:
        res = fit_topics(
            st,
            TopicConfig(k=3, passes=4, stability_runs=1, min_tokens=0, no_above=0.6),
            model_dir=d,
        )
    info = json.loads((d / "manifest.json").read_text())["info"]
    assert info["corpus_hash"] and info["seed"] == 0 and "gensim" in info["versions"]
    model, dictionary, _ = load_topic_model(d)
    assert model.num_topics == 3 and len(dictionary) > 10
    matrix, _, _ = load_topic_term(d)
    assert [dictionary[int(i)] for i in np.argsort(-matrix[0])[:10]] == list(
        res.topics.top_terms[0]
    )
    from typer.testing import CliRunner

    from textcoop.cli.app import app

    r = CliRunner().invoke(app, ["topics", "show", "--model-dir", str(d)])
    assert r.exit_code == 0 and " ".join(res.topics.top_terms[0][:3]) in r.output, r.output
    # a pickle that would run code when loaded is refused before anything is unpickled
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (d / "model.gensim").write_bytes(pickle.dumps(Evil()))
    with pytest.raises(UnsafeModelError, match="model.gensim was changed"):
        load_topic_model(d)
    assert not marker.exists()
    (d / "extra.pkl").write_bytes(b"x")
    with pytest.raises(UnsafeModelError, match="not listed"):
        load_topic_term(d)
    r = CliRunner().invoke(app, ["topics", "show", "--model-dir", str(d)])
    assert r.exit_code == 1 and "E500" in r.output


def test_cli_fit_writes_tables_json_and_show_reads_the_run(toy_store, tmp_path):
    import shutil

    from typer.testing import CliRunner

    from textcoop.cli.app import app

    db = tmp_path / "s.duckdb"
    shutil.copy(toy_store, db)
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["topics", "fit", "--store", str(db), "-k", "auto", "--k-grid", "2,3", "--passes", "4"]
    args += ["--no-above", "0.6", "--min-tokens", "0"]
    r = runner.invoke(
        app, [*args, "--stability-runs", "2", "--out", str(out), "--format", "parquet"]
    )
    assert r.exit_code == 0, r.output
    assert "coherence curve: K=2" in r.output and "representative passages" in r.output
    data = json.loads((out / "topics.json").read_text(encoding="utf-8"))
    assert (
        data["k"] in (2, 3) and len(data["coherence_curve"]) == 2 and data["stability"] is not None
    )
    assert len(pd.read_parquet(out / "topics_topics.parquet")) == data["k"]
    assert set(pd.read_parquet(out / "topics_region_topics.parquet").region) == set(
        REGIONS.values()
    )
    r = runner.invoke(app, ["topics", "show", "--store", str(db)])
    assert r.exit_code == 0 and data["run_id"] in r.output, r.output
    r = runner.invoke(app, [*args, "--where", "colour=red"])
    assert r.exit_code == 2 and "unknown --where key" in r.output
    r = runner.invoke(app, [*args, "--where", "doc_type=strategy"])
    assert r.exit_code == 2 and "selects no documents" in r.output and "program" in r.output
    r = runner.invoke(app, ["topics", "fit", "--store", str(db), "-k", "many"])
    assert r.exit_code == 2 and "'auto'" in r.output
