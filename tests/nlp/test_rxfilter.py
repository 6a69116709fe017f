"""The regex prefilter may skip a scan only when the scan could not have matched."""

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from textcoop.nlp.pipeline import build_pipeline
from textcoop.nlp.rxfilter import required_literals
from textcoop.themes.codebook import load_codebook
from textcoop.themes.data import read_gold

ROOT = Path(__file__).resolve().parents[2]

CB = load_codebook()
PATTERNS = [p for t in CB.themes for pats in t.patterns.values() for p in pats]
# text made of pieces of the patterns themselves, so that matches actually happen
FILTERS = [(re.compile(p), required_literals(p)) for p in PATTERNS]
PIECES = sorted({w for p in PATTERNS for w in re.findall(r"[a-zа-яё&/%0-9]+", p)})


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(PIECES + [" ", " ", "-", ".", "нет", "не"]), max_size=12))
def test_a_match_always_contains_a_required_piece(parts):
    text = "".join(parts)
    for rx, lits in FILTERS:
        if lits is not None and rx.search(text):
            assert any(x in text for x in lits), (rx.pattern, text, lits)


def test_every_codebook_alternation_gets_a_filter():
    assert [rx.pattern for rx, lits in FILTERS if lits is None] == []


def test_no_filter_for_what_is_not_understood():
    assert required_literals("(?i)abc") is None
    assert required_literals(r"(\w+)\1") is None
    assert required_literals("a|") is None  # an empty branch matches anywhere
    assert required_literals(r"\bсубсид\w*|грант") == ["грант", "субсид"]


def test_same_evidence_with_and_without_the_filter():
    nlp = build_pipeline("ru", CB)
    matcher = nlp.get_pipe("textcoop_seed_matcher")
    texts = [ex["text"] for t in CB.themes for ex in t.examples.get("positive", [])]
    texts += [ex["text"] for t in CB.themes for ex in t.examples.get("negative", [])]
    texts += [ex.text for ex in read_gold(ROOT / "corpora/train/ru_survey.jsonl")[:300]]
    texts = [t for t in texts if len(t) <= matcher.max_regex_chars]

    def evidence():
        out = []
        for t in texts:
            doc = nlp(t, disable=["textcoop_theme_classifier"])
            out.append([(sp.start, sp.end, sp.label_) for sp in doc.spans["evidence"]])
        return out

    with_filter = evidence()
    matcher.prefilter = False
    assert evidence() == with_filter and len(texts) > 200
