"""Properties over generated inputs: cleaning, de-hyphenation, sentences, encodings, codebook round-trip.

Complements the example-based tests in tests/extract and tests/themes with
arbitrary Unicode (control characters, RTL, surrogates excluded), so the
invariants hold for the text real collections contain, not only for ours.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textcoop.extract.sentences import split_spans
from textcoop.extract.text import decode_bytes
from textcoop.extract.textclean import clean_text, join_lines

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
RU_WORDS = (
    "программа развитие промышленность кооперация субсидия предприятие область кластер "
    "поддержка экспорт заказчик оборудование модернизация кадры обучение ёмкость щит Съезд ЭКСПОРТ"
).split()


@FAST
@given(ANY_TEXT)
def test_clean_text_is_idempotent_and_leaves_no_controls(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert not CTRL.search(once)
    assert once == once.strip() and "  " not in once


@FAST
@given(st.lists(st.sampled_from(RU_WORDS), min_size=2, max_size=12), st.data())
def test_dehyphenation_only_removes_the_break(words, data):
    """Breaking any word at any inner position with a hyphen and a newline, then joining,
    gives back the text with at most that hyphen kept."""
    i = data.draw(st.integers(0, len(words) - 1))
    w = words[i]
    cut = data.draw(st.integers(1, max(1, len(w) - 1)))
    before = " ".join(words[:i] + [w[:cut]])
    after = " ".join([w[cut:]] + words[i + 1 :])
    joined = join_lines([before + "-", after])
    original = " ".join(words)
    kept = " ".join(words[:i] + [w[:cut] + "-" + w[cut:]] + words[i + 1 :])
    assert joined in (original, kept)


@FAST
@given(ANY_TEXT)
def test_sentence_spans_slice_back_for_any_text(text):
    spans = split_spans(text)
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        last = b
    kept = "".join(text[a:b] for a, b in spans)
    assert re.sub(r"\s", "", kept) == re.sub(r"\s", "", text)


@FAST
@given(
    st.lists(st.sampled_from(RU_WORDS), min_size=12, max_size=60),
    st.sampled_from(["utf-8", "cp1251", "koi8_r", "utf-16-le", "utf-16-be", "utf-8-sig"]),
    st.sampled_from([" ", "\n", ". ", ", ", "\r\n"]),
)
def test_encoding_detection_round_trips_cyrillic(words, encoding, sep):
    text = sep.join(words)
    decoded, _ = decode_bytes(text.encode(encoding))
    assert decoded == text


@lru_cache(maxsize=1)
def _full_codebook():
    from textcoop.themes.codebook import load_codebook

    return load_codebook()


def _small_codebook():
    """The shipped codebook cut to two themes and ``other`` (loading the full one costs ~1 s)."""
    import copy

    from textcoop.themes.codebook import OTHER

    cb = copy.deepcopy(_full_codebook())
    cb.themes = cb.themes[:2] + [t for t in cb.themes if t.id == OTHER]
    return cb


_SAFE = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\ufeff\x85"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=_SAFE,
    description=st.sampled_from(["", "yes", "null", "~", "- a", "a: b", "# x", "'q'", "1.0"])
    | _SAFE,
    seeds=st.lists(_SAFE, max_size=4),
    label=_SAFE,
)
def test_codebook_load_save_load_is_identity(tmp_path_factory, name, description, seeds, label):
    """YAML-special strings ("yes", "null", "a: b", "# x") must survive a save as strings."""
    from textcoop.themes.codebook import load_codebook

    cb = _small_codebook()
    cb.name, cb.description = name, description
    theme = cb.themes[0]
    theme.seeds = {**theme.seeds, "ru": list(dict.fromkeys(seeds)) or theme.seeds.get("ru", [])}
    theme.name = {**theme.name, "en": label}
    d = tmp_path_factory.mktemp("cb")
    cb.save(d / "a.yaml")
    first = load_codebook(d / "a.yaml")
    first.save(d / "b.yaml")
    second = load_codebook(d / "b.yaml")
    assert first.to_dict() == cb.to_dict()
    assert second.to_dict() == first.to_dict() and second.hash == cb.hash
    assert (d / "a.yaml").read_bytes() == (d / "b.yaml").read_bytes()
