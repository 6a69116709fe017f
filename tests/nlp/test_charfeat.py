import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from textcoop.nlp.charfeat import CharWbTfidf

TRAIN = [
    "Субсидии на модернизацию оборудования",
    "станки старые, денег нет",
    "Grants for SMEs to modernise",
    "a b cd  efg",
]


def _pair():
    sk = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=True,
        min_df=1,
        lowercase=True,
        dtype=np.float32,
    )
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
