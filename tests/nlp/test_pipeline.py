"""The theme pipeline: evidence spans, overfit-save-reload, language routing, safe loading."""

import json
import subprocess
import sys

import numpy as np
import pytest
import spacy

from textcoop.nlp.pipeline import ModelError, ThemeCoder, build_pipeline
from textcoop.themes.codebook import load_codebook
from textcoop.themes.data import Example
from textcoop.themes.train import train_model


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


def test_seed_evidence_on_lemmas_patterns_and_misspellings(codebook):
    nlp = build_pipeline("ru", codebook)
    doc = nlp("Нужны льготные займы на покупку станков", disable=["textcoop_theme_classifier"])
    ev = {(s.text, s.label_) for s in doc.spans["evidence"]}
    assert ("льготные займы", "finance") in ev and ("станков", "technology") in ev
    doc = nlp("оборудывание старое, нужна сертефикация", disable=["textcoop_theme_classifier"])
    labels = {s.label_ for s in doc.spans["evidence"]}
    assert {"technology", "standards"} <= labels
    assert nlp("затрудняюсь ответить", disable=["textcoop_theme_classifier"])._.nonsubstantive
    assert not nlp("денег нет", disable=["textcoop_theme_classifier"])._.nonsubstantive


TWO = [
    Example(
        "a",
        "Субсидии на компенсацию процентов по кредитам для промышленных предприятий",
        ["finance"],
        "ru",
    ),
    Example(
        "b", "Подготовка и переподготовка инженерных кадров для заводов региона", ["skills"], "ru"
    ),
]
ROADS = Example("c", "Ремонт автомобильных дорог и благоустройство дворов", ["other"], "ru")


def test_overfit_two_examples_save_reload_same_scores(tmp_path, codebook):
    out = tmp_path / "m"
    three = [*TWO, ROADS]  # with an `other` example, so the relevance gate is learnt too
    train_model(three, codebook, out, langs=["ru"])
    coder = ThemeCoder(out)
    docs = coder.code([ex.text for ex in three])
    assert [d._.themes for d in docs] == [["finance"], ["skills"], ["other"]]
    before = [[d.cats, d._.relevance] for d in docs]
    assert before[0][1] > 0.5 > before[2][1]
    # a fresh process with nothing but spaCy: the factories come from entry points
    code = f"import spacy, json; nlp = spacy.load({str(out / 'ru')!r}); print(json.dumps([[d.cats, d._.relevance] for d in map(nlp, {[ex.text for ex in three]!r})]))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    after = json.loads(r.stdout.strip().splitlines()[-1])
    for (b, rb), (a, ra) in zip(before, after, strict=True):
        assert b.keys() == a.keys() and abs(rb - ra) < 1e-6
        assert all(abs(b[k] - a[k]) < 1e-6 for k in b)


def test_same_data_same_model(tmp_path, codebook):
    exs = [*TWO, ROADS] * 3
    exs = [Example(f"{ex.id}{i}", ex.text + f" {i}", ex.labels, "ru") for i, ex in enumerate(exs)]
    train_model(exs, codebook, tmp_path / "m1", langs=["ru"])
    train_model(exs, codebook, tmp_path / "m2", langs=["ru"])
    for name in ("coef.npy", "intercept.npy", "char_idf.npy", "gate_coef.npy"):
        a = np.load(tmp_path / "m1/ru/textcoop_theme_classifier" / name)
        b = np.load(tmp_path / "m2/ru/textcoop_theme_classifier" / name)
        assert np.array_equal(a, b)


def test_model_with_other_codebook_is_refused(tmp_path, codebook):
    train_model(TWO, codebook, tmp_path / "m", langs=["ru"])
    other = load_codebook()
    other.version = "9.9"
    with pytest.raises(ModelError, match="trained with codebook"):
        ThemeCoder(tmp_path / "m", codebook=other)
    with pytest.raises(ModelError, match="no textcoop model"):
        ThemeCoder(tmp_path / "nothing")


def test_weights_are_not_pickles(tmp_path, codebook):
    train_model(TWO, codebook, tmp_path / "m", langs=["ru"])
    for f in (tmp_path / "m").rglob("*"):
        if f.is_file():
            assert f.read_bytes()[:2] != b"\x80\x04", f  # pickle protocol 4 header
    np.load(tmp_path / "m/ru/textcoop_theme_classifier/coef.npy", allow_pickle=False)
    assert spacy.load(tmp_path / "m/ru").pipe_names[-1] == "textcoop_theme_classifier"


def test_block_weights_and_balance_match_sklearn_and_persist(tmp_path, codebook):
    from sklearn.linear_model import LogisticRegression

    from textcoop.nlp.classifier import ThemeClassifier

    nlp = build_pipeline("ru", codebook)
    texts = [ex.text + f" {i}" for i, ex in enumerate(TWO * 4)]
    docs = list(nlp.pipe(texts, disable=["textcoop_theme_classifier"]))
    labels = [ex.labels for ex in TWO * 4]
    w = np.array([1.0, 3.0] * 4)
    clf = ThemeClassifier(None, char_ngrams=(3, 5), seed_weight=0.25)
    clf._fit_once(docs, labels, codebook.ids, 0, w)
    # balance 1 is scikit-learn's "balanced" (computed with the sample weights)
    j = clf.labels_.index("finance")
    y = np.array(["finance" in ls for ls in labels], dtype=int)
    ref = LogisticRegression(C=8.0, class_weight="balanced", solver="liblinear", max_iter=3000)
    ref.fit(clf.features(docs), y, sample_weight=w)
    assert np.allclose(clf.coef_[:, j], ref.coef_[0], atol=1e-4)
    # block weights scale the blocks; the settings are saved and read back
    half = ThemeClassifier(None, char_ngrams=(3, 5), char_weight=0.5, word_weight=0.0, balance=0.5)
    half._fit_once(docs, labels, codebook.ids, 0, w)
    n_word = len(half.word_vocab_)
    x = half.features(docs[:1])
    assert (
        abs(x[:, :n_word]).sum() == 0 and x[:, n_word : n_word + len(half.char_vocab_)].max() <= 0.5
    )
    half.thresholds_ = {lab: 0.5 for lab in half.labels_}
    half.to_disk(tmp_path / "c")
    back = ThemeClassifier(None).from_disk(tmp_path / "c")
    assert (back.char_weight, back.word_weight, back.balance) == (0.5, 0.0, 0.5)
    assert np.allclose(back.predict(docs), half.predict(docs))


def test_seedless_theme_ignores_seed_evidence_and_persists(tmp_path, codebook):
    from textcoop.nlp.classifier import ThemeClassifier
    from textcoop.themes.train import _seedless_for

    nlp = build_pipeline("ru", codebook)
    texts = [ex.text + f" {i}" for i, ex in enumerate(TWO * 4)]
    docs = list(nlp.pipe(texts, disable=["textcoop_theme_classifier"]))
    labels = [ex.labels for ex in TWO * 4]
    clf = ThemeClassifier(None, char_ngrams=(3, 5), seedless=("finance",))
    clf._fit_once(docs, labels, codebook.ids, 0)
    n_text = len(clf.word_vocab_) + len(clf.char_vocab_)
    fin, other_theme = clf.labels_.index("finance"), clf.labels_.index("skills")
    assert not clf.coef_[n_text:, fin].any()  # no weight on any seed feature
    assert clf.coef_[n_text:, other_theme].any()  # the other themes keep theirs
    clf.thresholds_ = {lab: 0.5 for lab in clf.labels_}
    clf.to_disk(tmp_path / "c")
    back = ThemeClassifier(None).from_disk(tmp_path / "c")
    assert back.seedless == ("finance",) and np.allclose(back.predict(docs), clf.predict(docs))
    ids = codebook.ids
    assert _seedless_for("ru", ["ru:finance", "skills", "en:trust"], ids) == ("finance", "skills")
    with pytest.raises(Exception, match="not in the codebook"):
        _seedless_for("ru", ["ru:finanse"], ids)


def test_same_data_same_files_across_processes(tmp_path):
    """Two processes with different string hashing write identical model files (meta aside)."""
    import hashlib
    import os

    code = (
        "import sys; from textcoop.themes.codebook import load_codebook;"
        "from textcoop.themes.data import Example; from textcoop.themes.train import train_model;"
        "t = ['Субсидии на компенсацию процентов по кредитам для заводов', "
        "'Подготовка инженерных кадров для заводов региона'];"
        "ex = [Example(f'x{i}', t[i % 2] + f' {i}', [['finance'], ['skills']][i % 2], 'ru')"
        " for i in range(6)];"
        "train_model(ex, load_codebook(), sys.argv[1], langs=['ru'])"
    )
    digests = []
    for seed in ("1", "2"):
        out = tmp_path / f"m{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=env)
        files = sorted(p for p in out.rglob("*") if p.is_file())
        digests.append(
            {
                str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in files
                if p.name not in ("meta.json", "manifest.json")  # creation time
            }
        )
    assert digests[0] == digests[1] and len(digests[0]) > 8


def test_relevance_gate_caps_theme_scores_and_persists(tmp_path, codebook):
    from textcoop.errors import InputError
    from textcoop.nlp.classifier import ThemeClassifier
    from textcoop.themes.train import check_gate

    nlp = build_pipeline("ru", codebook)
    exs = [*TWO, ROADS] * 4
    docs = list(
        nlp.pipe(
            [ex.text + f" {i}" for i, ex in enumerate(exs)],
            disable=["textcoop_theme_classifier"],
        )
    )
    labels = [ex.labels for ex in exs]
    gated = ThemeClassifier(None, char_ngrams=(3, 5), relevance_gate=True)
    gated._fit_once(docs, labels, codebook.ids, 0)
    plain = ThemeClassifier(None, char_ngrams=(3, 5))
    plain._fit_once(docs, labels, codebook.ids, 0)
    p, r = gated.scores(docs)
    assert plain.scores(docs)[1] is None and plain.gate_coef_ is None
    # the theme models are the same; the relevance only caps their scores
    assert np.allclose(p, np.minimum(plain.predict(docs), r[:, None]))
    is_other = np.array([ls == ["other"] for ls in labels])
    assert r[is_other].max() < 0.5 < r[~is_other].min()
    gated.thresholds_ = {lab: 0.5 for lab in gated.labels_}
    gated.to_disk(tmp_path / "c")
    back = ThemeClassifier(None).from_disk(tmp_path / "c")
    assert back.relevance_gate and np.allclose(back.scores(docs)[1], r)
    back.set_annotations(docs[:1], *back.scores(docs[:1]))
    assert docs[0]._.relevance == pytest.approx(r[0]) and docs[0]._.themes == ["finance"]
    # a gate that says "not about support" turns off a theme its own model is sure of
    back.gate_intercept_ = -50.0
    back.set_annotations(docs[:1], *back.scores(docs[:1]))
    assert plain.predict(docs[:1])[0].max() > 0.5 and docs[0]._.themes == ["other"]
    # a classifier saved before the gate existed loads without one
    meta = json.loads((tmp_path / "c/classifier.json").read_text(encoding="utf-8"))
    for key in ("relevance_gate", "gate_fitted"):
        del meta[key]
    (tmp_path / "c/classifier.json").write_text(json.dumps(meta), encoding="utf-8")
    old = ThemeClassifier(None).from_disk(tmp_path / "c")
    assert old.gate_coef_ is None
    assert np.allclose(old.predict(docs), plain.predict(docs), atol=1e-5)
    assert check_gate(["ru"], ["ru", "en"]) == ["ru"]
    for bad in (["rus"], ["en"], ["none", "ru"]):
        with pytest.raises(InputError):
            check_gate(bad, ["ru"])


def test_code_takes_languages_from_the_caller(tmp_path, codebook):
    train_model([*TWO, ROADS], codebook, tmp_path / "m", langs=["ru"])
    coder = ThemeCoder(tmp_path / "m")
    with pytest.raises(ValueError, match="differ in length"):
        coder.code(["a", "b"], langs=["ru"])
    # a language the model has no pipeline for falls back to detection
    assert coder.code([TWO[0].text], langs=["en"])[0]._.themes == ["finance"]
