"""A rule-based sentence splitter for Russian and English official text.

It runs on every page of every document, so it is a single regular
expression pass with a few look-backs, not a model. It knows Russian and
English abbreviations ("т.е.", "г.", "руб.", "млн.", "e.g."), initials
("А. С. Пушкин"), numbered items ("1.", "2.1.") and tokenised punctuation
("слово ." as in RuREBus texts).
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    [
        "т.е",
        "т.д",
        "т.п",
        "т.ч",
        "т.к",
        "т.н",
        "др",
        "пр",
        "г",
        "гг",
        "в",
        "вв",
        "руб",
        "коп",
        "тыс",
        "млн",
        "млрд",
        "трлн",
        "ст",
        "п",
        "пп",
        "ч",
        "чч",
        "см",
        "рис",
        "табл",
        "стр",
        "с",
        "им",
        "ул",
        "д",
        "обл",
        "р-н",
        "кв",
        "км",
        "м",
        "га",
        "ед",
        "изм",
        "прим",
        "напр",
        "проф",
        "акад",
        "доц",
        "англ",
        "лат",
        "мин",
        "макс",
        "ок",
        "мес",
        "нед",
        "сут",
        "шт",
        "экз",
        "т",
        "тт",
        "н.э",
        "ред",
        "изд",
        "вып",
        "кн",
        "гос",
        "ген",
        "зам",
        "тел",
        "факс",
        "эл",
        "e.g",
        "i.e",
        "etc",
        "vs",
        "mr",
        "mrs",
        "ms",
        "dr",
        "no",
        "nos",
        "fig",
        "figs",
        "al",
        "approx",
        "art",
        "para",
        "sect",
        "vol",
        "pp",
        "cf",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "inc",
        "ltd",
        "co",
        "corp",
        "st",
    ]
)

_BOUNDARY = re.compile(r"([.!?…]+)([\"»”)\]]*)(\s+)(?=[\"«“(\[\-–—]?\s*[A-ZА-ЯЁ0-9])")
_LAST_TOKEN = re.compile(r"(\S+)\s*$")
_NUMBER_ONLY = re.compile(r"^\s*(\d{1,3}(\.\d{1,3})*|[IVXLC]+|[а-яa-z])\s*$", re.IGNORECASE)


def split_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets in ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end(2)
        head = text[start : m.start(1)]
        if m.group(1) == ".":
            tok = _LAST_TOKEN.search(head[-40:])
            word = tok.group(1).lower().rstrip(".") if tok else ""
            if word.lstrip('(«"') in ABBREVIATIONS:
                continue
            if (
                tok
                and len(word) == 1
                and word.isalpha()
                and word.isupper() is False
                and tok.group(1)[0].isupper()
            ):
                continue  # an initial: "А. С. Пушкин"
            if tok and len(tok.group(1)) == 1 and tok.group(1).isupper():
                continue
            if len(head) < 20 and _NUMBER_ONLY.match(head):
                continue  # "1. Утвердить": the number opens the sentence
        _push(text, start, end, spans)
        start = m.end(3)
    _push(text, start, len(text), spans)
    return spans


def _push(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[a:b] for a, b in split_spans(text)]
