"""A user's own codebook on real short Russian texts, and one review-and-retrain round.

ru-appeals-kursk (real citizen appeals, 17 theme groups) stands in for a coded
survey: train on part of it with its own labels, code the rest, then let a
"reviewer" (the gold labels) code the answers the model was least sure of,
retrain, and measure on a held-out part that neither round saw.
"""

import re

import numpy as np
import pandas as pd
import pytest

from textcoop.nlp.pipeline import ThemeCoder
from textcoop.themes.codebook import codebook_from_labels
from textcoop.themes.data import Example
from textcoop.themes.metrics import evaluate_labels
from textcoop.themes.train import train_model

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def _appeals(corpora) -> list[Example]:
    from bs4 import BeautifulSoup

    df = pd.read_csv(
        corpora / "ru-appeals-kursk" / "train_dataset_train.csv",
        header=None,
        dtype=str,
        keep_default_na=False,
    )
    out = []
    for _, r in df.iterrows():
        text = (
            " ".join(BeautifulSoup(r[1], "lxml").get_text(" ").split())
            if "<" in r[1]
            else " ".join(r[1].split())
        )
        text = re.sub(r"\s+", " ", text)[:2000]
        if text:
            out.append(Example(f"k{r[0]}", text, [f"group_{r[4]}"], "ru", "survey"))
    return out


def test_own_label_scheme_and_review_round_improve(corpora, tmp_path):
    exs = _appeals(corpora)
    assert len(exs) > 1900
    rng = np.random.default_rng(0)
    order = rng.permutation(len(exs))
    train = [exs[i] for i in order[:700]]
    pool = [exs[i] for i in order[700:1300]]
    test = [exs[i] for i in order[1300:]]
    cb = codebook_from_labels(sorted({lab for ex in exs for lab in ex.labels}))
    train_model(train, cb, tmp_path / "m1", langs=["ru"], dev_share=0.0)
    coder = ThemeCoder(tmp_path / "m1")
    m1 = evaluate_labels(
        [ex.labels for ex in test],
        [d._.themes for d in coder.code([ex.text for ex in test])],
        cb.ids,
    )
    assert m1["macro_f1"] > 0.3 and m1["micro_f1"] > 0.5  # 17 groups, far above chance
    # review round: the 200 pool answers with the lowest top score go to the "reviewer"
    docs = coder.code([ex.text for ex in pool])
    top = np.array([max(d.cats[lab] for lab in coder.labels if lab in d.cats) for d in docs])
    reviewed = [pool[i] for i in np.argsort(top)[:200]]
    train_model(train + reviewed, cb, tmp_path / "m2", langs=["ru"], dev_share=0.0)
    coder2 = ThemeCoder(tmp_path / "m2")
    m2 = evaluate_labels(
        [ex.labels for ex in test],
        [d._.themes for d in coder2.code([ex.text for ex in test])],
        cb.ids,
    )
    print(
        f"\nkursk: before review micro-F1 {m1['micro_f1']:.3f} macro-F1 {m1['macro_f1']:.3f} alpha {m1['alpha']:.3f}; after {m2['micro_f1']:.3f} {m2['macro_f1']:.3f} {m2['alpha']:.3f}"
    )
    assert m2["micro_f1"] > m1["micro_f1"] + 0.01, (m1["micro_f1"], m2["micro_f1"])
    assert m2["alpha"] > m1["alpha"]
