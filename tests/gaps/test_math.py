"""The arithmetic of gaps and compare on small hand-built tables."""

import math

import numpy as np
import pandas as pd
import pytest

from textcoop.errors import InputError
from textcoop.gaps.compare import cluster_groups, similarity_table
from textcoop.gaps.demand import respondents
from textcoop.gaps.gaps import demand_table, gap_table
from textcoop.gaps.logodds import distinctive_terms, log_odds, name_stems
from textcoop.gaps.omissions import p_missed
from textcoop.gaps.peers import peer_gaps
from textcoop.gaps.supply import covering_matrix, supply_table
from textcoop.gaps.topicsrc import codebook_gaps, cosine_matrix, topic_profiles
from textcoop.gaps.versions import compare_versions, version_pairs, year_key

THEMES = ["finance", "skills", "trust"]


@pytest.fixture()
def four_docs():
    """4 documents × 3 themes: region A (d1, d2), region B (d3, d4)."""
    coverage = pd.DataFrame(
        [
            ("d1", "finance", 0.30, 3),
            ("d1", "skills", 0.10, 1),
            ("d2", "finance", 0.20, 2),
            ("d3", "finance", 0.05, 1),
            ("d3", "skills", 0.40, 4),
            ("d3", "trust", 0.10, 2),
            ("d4", "skills", 0.50, 5),
        ],
        columns=["doc_id", "theme", "share", "n_segments"],
    )
    groups = pd.Series(["A", "A", "B", "B"], index=["d1", "d2", "d3", "d4"])
    return coverage, groups


def resp_frame(group, rows):
    df = pd.DataFrame(rows, columns=THEMES)
    df.insert(0, "substantive", True)
    df.insert(0, "group", group)
    df.insert(0, "resp_id", [f"{group}{i}" for i in range(len(rows))])
    return df


def test_known_gap_on_a_4x3_coverage_matrix(four_docs):
    coverage, groups = four_docs
    cov = covering_matrix(coverage, list(groups.index), THEMES)
    assert cov.to_numpy().sum() == 7
    supply, sb = supply_table(cov, groups, n_boot=400, seed=1)
    s = supply.set_index(["group", "theme"])["supply"]
    assert s["A", "finance"] == 1.0 and s["A", "skills"] == 0.5 and s["A", "trust"] == 0.0
    assert s["B", "finance"] == 0.5 and s["B", "skills"] == 1.0 and s["B", "trust"] == 0.5
    # region A: 4 respondents: finance 1/4, skills 2/4, trust 3/4 -> gaps -0.75, 0, +0.75
    resp = pd.concat(
        [
            resp_frame("A", [[1, 1, 1], [0, 1, 1], [0, 0, 1], [0, 0, 0]]),
            resp_frame("B", [[1, 0, 0], [1, 0, 0]]),
        ],
        ignore_index=True,
    )
    demand, db = demand_table(resp, THEMES, n_boot=400, seed=1)
    gaps = gap_table(supply, sb, demand, db, THEMES)
    a = gaps[gaps["group"] == "A"].set_index("theme")
    assert a.loc["trust", "gap"] == pytest.approx(0.75) and a.loc["trust", "rank"] == 1
    assert a.loc["skills", "gap"] == pytest.approx(0.0) and a.loc["skills", "rank"] == 2
    assert a.loc["finance", "gap"] == pytest.approx(-0.75) and a.loc["finance", "rank"] == 3
    b = gaps[gaps["group"] == "B"].set_index("theme")
    assert b.loc["finance", "gap"] == pytest.approx(0.5) and b.loc["finance", "rank"] == 1
    assert (gaps["gap_lo"] <= gaps["gap"] + 1e-12).all() and (
        gaps["gap"] <= gaps["gap_hi"] + 1e-12
    ).all()
    # A's finance supply is 2/2 in every resample, so its interval is the demand's alone
    assert a.loc["finance", "gap_hi"] <= 0.0 and a.loc["finance", "gap_lo"] == pytest.approx(-1.0)
    assert not gaps.isna().any().any()
    again = gap_table(supply, *supply_table(cov, groups, 400, 1)[1:], demand, db, THEMES)
    assert again.equals(gaps)  # same seed, same intervals


def test_bootstrap_interval_covers_and_shrinks_with_more_units():
    units = pd.DataFrame({"t": [1, 0] * 10})
    small = pd.Series(["g"] * 4, index=range(4))
    large = pd.Series(["g"] * 20, index=range(20))
    s_small, _ = supply_table(units.loc[:3].astype(bool), small, 2000, 0)
    s_large, _ = supply_table(units.astype(bool), large, 2000, 0)
    w_small = float(s_small["supply_hi"].iloc[0] - s_small["supply_lo"].iloc[0])
    w_large = float(s_large["supply_hi"].iloc[0] - s_large["supply_lo"].iloc[0])
    assert s_large["supply"].iloc[0] == 0.5 and w_large < w_small
    assert s_large["supply_lo"].iloc[0] < 0.5 < s_large["supply_hi"].iloc[0]


def test_min_segments_changes_what_covers(four_docs):
    coverage, groups = four_docs
    cov = covering_matrix(coverage, list(groups.index), THEMES, min_segments=2)
    assert not cov.loc["d1", "skills"] and cov.loc["d1", "finance"] and not cov.loc["d3", "finance"]
    with pytest.raises(InputError):
        covering_matrix(coverage, list(groups.index), THEMES, min_segments=0)


def test_log_odds_matches_a_hand_computation():
    counts = pd.DataFrame([[10, 5, 0], [2, 5, 8]], index=["A", "B"], columns=["x", "y", "z"])
    lo = log_odds(counts, prior_size=10.0).set_index(["group", "term"])
    # by hand for A vs B, term x: corpus counts x=12, N=30, alpha_x = 10*12/30 = 4, alpha0 = 10
    # n_A = 15, n_B = 15
    d = math.log((10 + 4) / (15 + 10 - 10 - 4)) - math.log((2 + 4) / (15 + 10 - 2 - 4))
    var = 1 / (10 + 4) + 1 / (2 + 4)
    assert lo.loc[("A", "x"), "delta"] == pytest.approx(d)
    assert lo.loc[("A", "x"), "zeta"] == pytest.approx(d / math.sqrt(var))
    # term z for B: alpha_z = 10*8/30 = 8/3; y_B = 8, y_A = 0
    a = 8 / 3
    d = math.log((8 + a) / (15 + 10 - 8 - a)) - math.log((0 + a) / (15 + 10 - 0 - a))
    assert lo.loc[("B", "z"), "zeta"] == pytest.approx(d / math.sqrt(1 / (8 + a) + 1 / a))
    # y is as frequent in A as in B: no distinction
    assert lo.loc[("A", "y"), "delta"] == pytest.approx(0.0, abs=1e-12)
    top = distinctive_terms(counts, top=2, prior_size=10.0, min_count=1)
    assert top[top["group"] == "A"]["term"].tolist() == ["x"]
    assert top[top["group"] == "B"]["term"].tolist()[0] == "z"


def test_name_stems_catch_inflected_region_names():
    stems = name_stems(["Краснолесский край", "Заозёрская область"])
    assert "краснолесского".startswith(stems) and "заозерской".startswith(stems)
    assert not "кластер".startswith(stems)


def test_p_missed_formula_by_hand():
    r = (0.8 * 8 + 1) / (8 + 2)  # 0.74, Laplace-smoothed recall
    q = (1 - r) ** 2
    expected = 1 - (0.5 / (0.5 + 0.5 * q)) ** 1
    assert p_missed(0.8, 8, 2, 0.5, 1) == pytest.approx(expected)
    assert p_missed(0.8, 8, 2, 0.5, 3) > p_missed(
        0.8, 8, 2, 0.5, 1
    )  # more documents, more room to miss
    assert p_missed(0.8, 8, 4, 0.5, 1) < p_missed(
        0.8, 8, 1, 0.5, 1
    )  # more passages, harder to miss all
    assert 0 < p_missed(1.0, 20, 1, 0.5, 1) < 0.1  # perfect dev recall is not certainty


def test_peer_gaps():
    cov = pd.DataFrame(
        [[1, 0, 0], [1, 1, 0], [1, 1, 0], [0, 1, 1]],
        index=["a", "b", "c", "d"],
        columns=THEMES,
    ).astype(bool)
    groups = pd.Series(["A", "B", "C", "D"], index=cov.index)
    pg = peer_gaps(cov, groups).set_index(["group", "theme"])
    assert pg.loc[("A", "skills"), "peer_share"] == pytest.approx(1.0)
    assert pg.loc[("D", "finance"), "peer_share"] == pytest.approx(1.0)
    assert ("A", "trust") not in pg.index  # only 1 of 3 peers covers trust
    assert peer_gaps(cov.iloc[:2], groups.iloc[:2]).empty


def test_similarity_and_clusters_never_nan():
    prof = pd.DataFrame(
        [[0.5, 0.1, 0.0], [0.5, 0.1, 0.0], [0.0, 0.0, 0.4], [0.0, 0.0, 0.0]],
        index=["A", "B", "C", "Z"],
        columns=THEMES,
    )
    cos = cosine_matrix(prof)
    assert cos.loc["A", "B"] == pytest.approx(1.0) and cos.loc["A", "C"] == pytest.approx(0.0)
    assert cos.loc["A", "Z"] == 0.0 and not cos.isna().any().any()
    sim = similarity_table(prof, None)
    assert sim.iloc[0][["a", "b"]].tolist() == ["A", "B"] and sim["topic_cosine"].isna().all()
    assert "trust 0%/40%" in sim.set_index(["a", "b"]).loc[("A", "C"), "distinguishing_themes"]
    cl = cluster_groups(prof.iloc[:3]).set_index("group")
    assert cl.loc["A", "cluster"] == cl.loc["B", "cluster"] != cl.loc["C", "cluster"]


def test_versions_added_dropped_grown_shrunk():
    docs = pd.DataFrame(
        {
            "doc_id": ["old", "new", "other"],
            "region": ["R", "R", "R"],
            "doc_type": ["program", "program", "strategy"],
            "year": ["2014-2020", "2021-2027", "2021"],
        }
    )
    assert version_pairs(docs) == [("old", "new")]
    assert year_key("-2035") == (2035, 2035) and year_key(None) is None
    share = pd.DataFrame(
        {"finance": [0.2, 0.0], "skills": [0.0, 0.1], "trust": [0.1, 0.3]}, index=["old", "new"]
    )
    share["markets"] = [0.3, 0.1]
    covering = share > 0
    segs = pd.DataFrame(
        {
            "doc_id": ["old", "new", "new"],
            "seg_no": [0, 0, 1],
            "page": [2, 5, 6],
            "text": ["Subsidies for suppliers.", "Training centre.", "Contracts paid on time."],
            "themes": [["finance"], ["skills"], ["trust"]],
            "scores": [{"finance": 0.9}, {"skills": 0.8}, {"trust": 0.7}],
        }
    )
    v = compare_versions([("old", "new")], docs, share, covering, segs).set_index("theme")
    assert v.loc["finance", "change"] == "dropped" and v.loc["finance", "passage_page"] == 2
    assert (
        v.loc["skills", "change"] == "added"
        and v.loc["skills", "passage_text"] == "Training centre."
    )
    assert v.loc["trust", "change"] == "grown" and v.loc["markets", "change"] == "shrunk"
    assert pd.isna(v.loc["markets", "passage_page"])  # no coded passage: empty, not invented


def test_respondents_any_question_raises_and_bad_input():
    df = pd.DataFrame(
        {
            "resp_id": ["1", "2", "3"],
            "region": ["A", "A", "B"],
            "q1": ["money", "", "don't know"],
            "q2": ["people", "trust issues", ""],
        }
    )
    for q, flags, ns in (
        ("q1", [[1, 0, 0], [0, 0, 0], [0, 0, 0]], [0, 0, 1]),
        ("q2", [[0, 1, 0], [0, 0, 1], [0, 0, 0]], [0, 0, 0]),
    ):
        for j, t in enumerate(THEMES):
            df[f"{q}__{t}"] = [f[j] for f in flags]
        df[f"{q}__themes"] = [
            ";".join(t for t, x in zip(THEMES, f, strict=True) if x) for f in flags
        ]
        df[f"{q}__themes"] = [s if df[q][i] else "" for i, s in enumerate(df[f"{q}__themes"])]
        df[f"{q}__confidence"] = [0.9, 0.8, 0.7]
        df[f"{q}__nonsubstantive"] = ns
    resp, ans = respondents(df, THEMES, "region")
    assert resp[THEMES].to_numpy().tolist() == [[1, 1, 0], [0, 0, 1], [0, 0, 0]]
    assert resp["substantive"].tolist() == [True, True, False]
    assert set(ans["text"]) == {"money", "people", "trust issues"}
    with pytest.raises(InputError, match="no column 'oblast'"):
        respondents(df, THEMES, "oblast")
    with pytest.raises(InputError, match="lack the codebook's theme"):
        respondents(df, [*THEMES, "clusters"], "region")


def test_topic_profiles_and_codebook_gaps_from_hand_built_tables():
    topics = pd.DataFrame(
        {
            "topic": [0, 1, 2],
            "top_terms": [["субсидия", "кредит"], ["дорога", "ремонт"], ["школа", "учитель"]],
            "theme": ["finance", None, None],
            "prevalence": [0.3, 0.5, 0.2],
        }
    )
    passages = pd.DataFrame(
        {
            "topic": [1, 1, 2],
            "rank": [2, 1, 1],
            "doc_id": ["d1", "d2", "d3"],
            "page": [4, 7, 1],
            "text": ["second", "Ремонт дорог общего пользования.", "Школы."],
        }
    )
    cg = codebook_gaps({"topics": topics, "passages": passages})
    assert cg["topic"].tolist() == [1, 2] and cg.iloc[0]["example_page"] == 7
    assert cg.iloc[0]["top_terms"] == "дорога; ремонт"
    dt = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "topic": [0, 1, 1], "weight": [0.5, 0.5, 1.0]})
    prof = topic_profiles(dt, pd.Series(["A", "B"], index=["d1", "d2"]))
    assert prof.loc["A"].tolist() == [0.5, 0.5] and prof.loc["B"].tolist() == [0.0, 1.0]
    assert np.isclose(cosine_matrix(prof).loc["A", "B"], 0.5 / math.sqrt(0.5))
