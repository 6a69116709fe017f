from hypothesis import given
from hypothesis import strategies as st

from textcoop.extract.textclean import clean_text, join_lines


def test_syllable_break_is_joined_ru_and_en():
    assert (
        join_lines(["развитие промышленной коопера-", "ции в регионе"])
        == "развитие промышленной кооперации в регионе"
    )
    assert (
        join_lines(["small manufac-", "turers and suppliers"])
        == "small manufacturers and suppliers"
    )


def test_compound_words_keep_their_hyphen():
    assert (
        join_lines(["стратегия социально-", "экономического развития"])
        == "стратегия социально-экономического развития"
    )
    assert join_lines(["Северо-", "Западный округ"]) == "Северо-Западный округ"
    assert join_lines(["the Baden-", "Württemberg model"]) == "the Baden-Württemberg model"


def test_soft_hyphen_and_control_characters():
    assert join_lines(["субсиди\u00ad", "рование"]) == "субсидирование"
    assert clean_text("a\x00b\x07 c\u200b  d") == "a b c d"


@given(st.lists(st.text(alphabet="абвгдеabc -", min_size=1, max_size=20), min_size=1, max_size=6))
def test_join_lines_loses_only_hyphens_and_spaces(lines):
    out = join_lines(lines)
    letters_in = "".join(ch for ln in lines for ch in ln if ch.isalpha())
    letters_out = "".join(ch for ch in out if ch.isalpha())
    assert letters_in == letters_out
