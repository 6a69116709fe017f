"""The regex tokenizer keeps the text exactly; the saved lemma table gives pymorphy3's lemmas."""

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textcoop.nlp.lemmas import Lemmatizer, ru_lemma
from textcoop.nlp.pipeline import build_pipeline
from textcoop.themes.codebook import load_codebook


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline("ru", load_codebook())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("аб Яz1.,-\n\t  ё«»"), max_size=40))
def test_doc_text_is_the_input_text(nlp, text):
    doc = nlp.make_doc(text)
    assert doc.text == text
    assert all(t.text.strip() or t.is_space for t in doc)


def test_words_and_punctuation_are_separate_tokens(nlp):
    doc = nlp.make_doc("Субсидии (гранты) для МСП:  44-ФЗ.\nИтого 2,5 млн.")
    assert [t.text for t in doc] == [
        "Субсидии", "(", "гранты", ")", "для", "МСП", ":", " ", "44", "-", "ФЗ", ".", "\n",
        "Итого", "2", ",", "5", "млн", ".",
    ]  # fmt: skip
    assert doc.char_span(0, 8).text == "Субсидии"


def test_lemma_table_round_trip_equals_pymorphy(tmp_path):
    lem = Lemmatizer()
    n = lem.add_forms(["Субсидии предприятиям на оборудование", "субсидий и займов"])
    assert n == 7 and lem.table["субсидий"] == ru_lemma("субсидий") == "субсидия"
    lem.to_disk(tmp_path / "lemmatizer")
    back = Lemmatizer().from_disk(tmp_path / "lemmatizer")
    assert back.table == lem.table
    assert Lemmatizer().from_disk(tmp_path / "missing").table == {}  # older models: no table


def test_trained_pipeline_loads_in_a_fresh_process_with_its_tokenizer(tmp_path, nlp):
    nlp.get_pipe("textcoop_lemmatizer").add_forms(["Льготные займы на станки"])
    nlp.to_disk(tmp_path / "ru")
    code = (
        "import spacy; n = spacy.load(r'%s'); d = n.make_doc('займы-станки');"
        "print(type(n.tokenizer).__name__, len(d), len(n.get_pipe('textcoop_lemmatizer').table))"
    ) % (tmp_path / "ru")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["RegexTokenizer", "3", "4"]
