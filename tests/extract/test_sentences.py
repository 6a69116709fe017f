from hypothesis import given
from hypothesis import strategies as st

from textcoop.extract.sentences import split_sentences, split_spans


def test_russian_abbreviations_do_not_split():
    text = "Объём финансирования составит 10 млн. руб. в 2021-2025 гг. за счёт средств бюджета. Контроль возложить на А. С. Иванова."
    assert split_sentences(text) == [
        "Объём финансирования составит 10 млн. руб. в 2021-2025 гг. за счёт средств бюджета.",
        "Контроль возложить на А. С. Иванова.",
    ]


def test_numbered_items_and_tokenised_punctuation():
    text = "1. Утвердить муниципальную программу . 2. Контроль за исполнением оставляю за собой ."
    assert split_sentences(text) == [
        "1. Утвердить муниципальную программу .",
        "2. Контроль за исполнением оставляю за собой .",
    ]


def test_english_abbreviations_and_questions():
    text = "Support is provided, e.g. grants and loans. Is it enough? The fund (see Table 2.1) helps SMEs!"
    assert split_sentences(text) == [
        "Support is provided, e.g. grants and loans.",
        "Is it enough?",
        "The fund (see Table 2.1) helps SMEs!",
    ]


def test_ie_te_abbreviation():
    assert split_sentences(
        "Меры поддержки, т.е. субсидии и гранты, предоставляются МСП. Далее текст."
    ) == [
        "Меры поддержки, т.е. субсидии и гранты, предоставляются МСП.",
        "Далее текст.",
    ]


@given(st.text(alphabet=st.sampled_from(list("абв АБВ.?!1 \n,«»т.е.")), max_size=200))
def test_spans_slice_back_in_order(text):
    spans = split_spans(text)
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        last = b
    # nothing but whitespace is dropped
    kept = "".join(text[a:b] for a, b in spans)
    assert len(kept.replace(" ", "").replace("\n", "")) == len(
        text.replace(" ", "").replace("\n", "")
    )
