"""Language identification and text-plausibility checks, cheap enough for every page.

Two jobs share the same word statistics:

* ``detect_lang`` tags a segment ``ru``, ``en`` or ``other`` from its script
  and function words (mixed documents are common: English tables in Russian
  programs, Russian names in English strategies).
* ``plausibility`` decides whether a PDF text layer is real language. Fonts
  without a ToUnicode map decode Russian to Latin look-alikes ("Hanorosas"
  for "Налоговая") or shifted gibberish ("ijbdZahf"); scans OCR'd with the
  wrong language give Cyrillic junk. Such pages must be treated as having no
  text, or every later figure is built on noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN = re.compile(r"\S+")
_CYR = re.compile(r"[а-яёА-ЯЁ]")
_LAT = re.compile(r"[a-zA-Z]")
_SYMBOLS = "_\\[]{}<>@^~|$`"
_WEIRD = re.compile(
    r"[^\W\d_][_\\\[\]{}<>@^~|$`]|[_\\\[\]{}<>@^~|$`][^\W\d_]|[A-Za-zА-Яа-яЁё]\d[A-Za-zА-Яа-яЁё]"
)
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
_NOT_SYMBOL = bytes(b for b in range(256) if chr(b) not in _SYMBOLS)
_CASE_FLIP = re.compile(r"[a-zа-яё][A-ZА-ЯЁ]")
_DIGIT_IN_WORD = re.compile(r"[A-Za-zА-Яа-яЁё]\d[A-Za-zА-Яа-яЁё]")

# Frequent function words. Latin-look-alike garbling of Russian produces
# tokens such as "no", "a", "c", "to", "Ha": those are left out of the English
# list on purpose, so a garbled Russian page cannot pass as English.
RU_STOP = frozenset(
    [
        "и",
        "в",
        "во",
        "на",
        "с",
        "со",
        "по",
        "не",
        "для",
        "от",
        "о",
        "об",
        "из",
        "к",
        "ко",
        "у",
        "за",
        "до",
        "при",
        "а",
        "но",
        "что",
        "как",
        "это",
        "его",
        "их",
        "также",
        "или",
        "же",
        "бы",
        "ли",
        "то",
        "так",
        "все",
        "всех",
        "года",
        "году",
        "лет",
        "который",
        "которые",
        "которых",
        "является",
        "являются",
        "между",
        "более",
        "менее",
        "после",
        "через",
        "без",
        "под",
        "над",
        "ее",
        "её",
        "они",
        "он",
        "она",
        "мы",
        "вы",
        "этом",
        "этой",
        "этого",
        "этих",
        "был",
        "была",
        "были",
        "будет",
        "будут",
    ]
)
EN_STOP = frozenset(
    [
        "the",
        "of",
        "and",
        "in",
        "is",
        "for",
        "that",
        "with",
        "are",
        "be",
        "by",
        "this",
        "as",
        "it",
        "from",
        "at",
        "or",
        "an",
        "which",
        "will",
        "have",
        "has",
        "not",
        "their",
        "its",
        "was",
        "were",
        "been",
        "these",
        "those",
        "such",
        "other",
        "into",
        "than",
        "also",
        "more",
        "between",
        "through",
        "has",
        "our",
        "we",
        "can",
        "should",
        "would",
        "all",
        "within",
        "under",
    ]
)
FR_STOP = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "est",
        "une",
        "dans",
        "pour",
        "que",
        "qui",
        "sur",
        "par",
        "avec",
        "au",
        "aux",
        "ce",
    ]
)
DE_STOP = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "ist",
        "ein",
        "eine",
        "mit",
        "für",
        "von",
        "zu",
        "den",
        "dem",
        "auf",
        "nicht",
        "sich",
        "auch",
    ]
)


@dataclass(frozen=True)
class TextStats:
    """Word statistics of a text sample; all ratios are in [0, 1]."""

    letters: int
    cyrillic: float
    words: int
    stop_ru: float
    stop_en: float
    stop_other: float
    weird: float
    case_flip: float


def text_stats(text: str, max_chars: int = 2500) -> TextStats:
    """Count scripts, function words and garbling signs in the first ``max_chars`` characters.

    One regular-expression pass per statistic over the whole sample (not per
    token): this runs on every page and every segment.
    """
    sample = text[:max_chars]
    n_tokens = len(sample.split()) or 1
    raw = sample.encode("utf-8")
    # byte counting in C: Cyrillic letters are two-byte sequences led by 0xD0/0xD1
    n_cyr = raw.count(b"\xd0") + raw.count(b"\xd1")
    n_lat = len(raw.translate(None, _NOT_ASCII_LETTER))
    has_symbols = bool(raw.translate(None, _NOT_SYMBOL))
    letters = n_cyr + n_lat
    # the symbol/digit-in-word regex is the slow one: run it only when it can match
    weird_hits = len(_WEIRD.findall(sample)) if has_symbols or _DIGIT_IN_WORD.search(sample) else 0
    words = _WORD.findall(sample.lower())
    nw = len(words) or 1
    ru = en = other = 0
    for w in words:
        if w in RU_STOP:
            ru += 1
        elif w in EN_STOP:
            en += 1
        elif w in FR_STOP or w in DE_STOP:
            other += 1
    return TextStats(
        letters=letters,
        cyrillic=n_cyr / letters if letters else 0.0,
        words=len(words),
        stop_ru=ru / nw,
        stop_en=en / nw,
        stop_other=other / nw,
        weird=min(1.0, weird_hits / n_tokens),
        case_flip=min(1.0, len(_CASE_FLIP.findall(sample)) / n_tokens),
    )


def detect_lang(text: str, default: str = "other") -> str:
    """Return ``ru``, ``en`` or ``other`` for a segment of text.

    Script decides first (Cyrillic share), function words split English from
    other Latin-script languages. Text without letters gets ``default`` (the
    caller passes the page or document language).
    """
    raw = text[:400].encode("utf-8")
    n_cyr = raw.count(b"\xd0") + raw.count(b"\xd1")
    n_lat = len(raw.translate(None, _NOT_ASCII_LETTER))
    sample = text[:400]
    if n_cyr + n_lat < 3:
        return default
    if n_cyr >= n_lat:
        return "ru"
    words = _WORD.findall(sample.lower())
    en = sum(w in EN_STOP for w in words)
    other = sum(w in FR_STOP or w in DE_STOP for w in words)
    if other > en and other >= 0.05 * len(words):
        return "other"
    return "en"


@lru_cache(maxsize=1)
def _morph():  # pragma: no cover - trivial loader
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def _ru_known(word: str) -> bool:
    return _morph().word_is_known(word)


def russian_known_share(text: str, max_words: int = 120) -> float:
    """Share of Cyrillic words (3+ letters) that the Russian dictionary knows."""
    words = [w.lower() for w in _WORD.findall(text) if _CYR.match(w) and len(w) >= 3]
    words = words[:max_words]
    if not words:
        return 0.0
    return sum(_ru_known(w) for w in words) / len(words)


def plausibility(text: str) -> float:
    """Score in [0, 1]: how much a page's text looks like real language.

    Below ``GARBLED_BELOW`` the text layer is treated as unusable. The score
    combines function-word rate (real prose in any of our languages has
    5-40 % function words), the rate of tokens mixing letters with symbols
    or flipping case mid-word (typical of broken font encodings) and, for
    Cyrillic text, the share of words a Russian dictionary knows.
    """
    s = text_stats(text)
    if s.letters < 20:
        return 1.0  # too little text to judge; emptiness is handled elsewhere
    stop = max(s.stop_ru, s.stop_en, s.stop_other)
    score = min(1.0, stop / 0.08)
    if s.cyrillic >= 0.5 and score < 1.0:  # prose full of function words needs no dictionary
        known = russian_known_share(text)
        score = max(score, min(1.0, known / 0.7), 0.5)
        if known < 0.4:  # unknown words: doubtful, garbled only with the signs below
            score = min(score, 0.55)
    else:
        # Latin titles and tables have few function words; garbled Latin
        # layers show themselves through symbols and case flips instead.
        score = max(score, 0.6)
    score -= 2.0 * max(0.0, s.weird - 0.02) + 2.0 * max(0.0, s.case_flip - 0.03)
    return max(0.0, min(1.0, score))


GARBLED_BELOW = 0.5
