import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from textcoop.nlp.charfeat import CharWbTfidf, WordNgramTfidf
from textcoop.nlp.classifier import ThemeClassifier

TRAIN = [
    "Субсидии на модернизацию оборудования",
    "станки старые, денег нет",
    "Grants for SMEs to modernise",
    "a b cd  efg",
]


def _vectorizers():
    """The classifier's own scikit-learn vectorizers (the fast path must equal these),
    with every n-gram kept so that a four-text corpus has a vocabulary."""
    word, char = ThemeClassifier(None, char_ngrams=(3, 5))._vectorizers()
    return word, char.set_params(min_df=1)


def _pair():
    sk = _vectorizers()[1]
    sk.fit(TRAIN)
    return sk, CharWbTfidf(sk.vocabulary_, sk.idf_, (3, 5))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="абвгдеСтанкиgrants SME,.\t\n", max_size=60), min_size=1, max_size=5)
)
def test_same_matrix_as_scikit_learn(texts):
    sk, fast = _pair()
    a = sk.transform(texts).toarray()
    b = fast.transform(texts).toarray()
    assert np.allclose(a, b, atol=1e-6)


def test_real_sentences_match():
    sk, fast = _pair()
    texts = TRAIN + ["Станки и оборудование; субсидии — денег нет!", ""]
    assert np.allclose(sk.transform(texts).toarray(), fast.transform(texts).toarray(), atol=1e-6)


def _word_pair(train):
    sk = _vectorizers()[0]
    sk.fit(train)
    return sk, WordNgramTfidf(sk.vocabulary_, sk.idf_)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet="абв гдеСтанкиgrants SME,.\t\n\xa0\x1c", max_size=60),
        min_size=1,
        max_size=6,
    )
)
def test_word_ngrams_same_matrix_as_scikit_learn(texts):
    sk, fast = _word_pair(["субсидия на оборудование", "нет денег на станки", "а б в г а б"])
    assert np.allclose(sk.transform(texts).toarray(), fast.transform(texts).toarray(), atol=1e-6)


def test_batch_rows_are_independent():
    """A text's row does not depend on the other texts of its batch (empty ones included)."""
    sk, fast = _pair()
    texts = ["Станки и оборудование", "", "денег нет денег нет", "   "]
    whole = fast.transform(texts).toarray()
    for i, t in enumerate(texts):
        assert np.allclose(whole[i], fast.transform([t]).toarray()[0], atol=1e-7)
