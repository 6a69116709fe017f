import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from textcoop.themes.metrics import cohen_kappa, evaluate_labels, krippendorff_alpha_nominal


def test_alpha_hand_computed():
    # coincidences: o11=4, o00=2, o01=o10=1; n1=5, n0=3, n=8
    # D_o = 2/8, D_e = 2*5*3/(8*7) -> alpha = 1 - 0.25/(30/56)
    assert (
        abs(krippendorff_alpha_nominal([(1, 1), (1, 1), (0, 0), (0, 1)]) - (1 - 0.25 / (30 / 56)))
        < 1e-12
    )


def test_kappa_matches_scikit_learn():
    rng = random.Random(3)
    for _ in range(20):
        a = [rng.randint(0, 1) for _ in range(40)]
        b = [x if rng.random() < 0.7 else 1 - x for x in a]
        assert abs(cohen_kappa(a, b) - cohen_kappa_score(a, b)) < 1e-9


def test_evaluate_labels():
    gold = [["finance"], ["finance", "skills"], ["other"], ["skills"]]
    pred = [["finance"], ["finance"], ["other"], ["finance"]]
    m = evaluate_labels(gold, pred, ["finance", "skills", "other"])
    assert m["per_label"]["finance"] == {"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "support": 2}
    assert m["per_label"]["skills"]["recall"] == 0.0 and m["per_label"]["skills"]["support"] == 2
    assert m["n"] == 4 and 0 < m["micro_f1"] < 1
    assert abs(m["macro_f1"] - (0.8 + 0 + 1.0) / 3) < 1e-12


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=2, max_size=40))
def test_alpha_bounded_and_perfect_agreement(pairs):
    a = krippendorff_alpha_nominal(pairs)
    assert a <= 1.0 + 1e-12
    same = [(x, x) for x, _ in pairs]
    if len({x for x, _ in pairs}) > 1:
        assert abs(krippendorff_alpha_nominal(same) - 1.0) < 1e-12


def test_bootstrap_intervals_cover_the_point_estimate_and_pair_the_differences():
    from textcoop.themes.metrics import bootstrap_macro_f1

    gold = [["finance"], ["skills"], ["other"], ["finance", "skills"], ["other"]] * 20
    good = [list(x) for x in gold]
    good[0] = ["other"]  # one miss
    bad = [["finance"]] * len(gold)
    labels = ["finance", "skills", "other"]
    out = bootstrap_macro_f1(gold, {"good": good, "bad": bad}, labels, n_boot=300, seed=1)
    for name, pred in (("good", good), ("bad", bad)):
        lo, hi = out["macro_f1"][name]
        assert lo <= evaluate_labels(gold, pred, labels)["macro_f1"] <= hi
    lo, hi = out["difference"]["good - bad"]
    assert 0 < lo <= hi < 1
    # identical coders: the paired difference is exactly zero in every resample
    same = bootstrap_macro_f1(gold, {"a": good, "b": good}, labels, n_boot=50)
    assert same["difference"]["a - b"] == [0.0, 0.0]
    with pytest.raises(ValueError):
        bootstrap_macro_f1(gold, {"a": good[:-1]}, labels)
