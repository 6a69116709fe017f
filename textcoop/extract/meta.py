"""Document metadata inferred from the title page: region, period, document type, title.

Users may give a manifest instead (``--meta``); inference fills the gaps so
that ``compare --by region`` works on a folder of downloaded PDFs.
"""

from __future__ import annotations

import re
from functools import lru_cache

from textcoop.types import DocumentMeta

_REGION_PATTERNS = [
    # "Вологодской области", "Краснодарского края", "Ханты-Мансийского автономного округа"
    (
        re.compile(
            r"\b([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?:ой|ого|ая|ий|ый|ей))\s+(област[иьй]|кра[яйе]|автономного округа|автономный округ)\b"
        ),
        "adj",
    ),
    # "Республики Коми", "Республика Татарстан"
    (re.compile(r"\b(Республик[аиеу])\s+([А-ЯЁ][а-яё]+(?:\s*\([А-ЯЁ][а-яё]+\))?)"), "rep"),
]
_EN_REGION = re.compile(
    r"\b((?:North|South|East|West|Northern|Southern|Eastern|Western|Central)?\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s+(Region|Province|County|Oblast)\b"
)
_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)(?!\d)")
_UNTIL = re.compile(r"(?i)(?:до|по|until|to)\s+((?:20)\d\d)\s*(?:года|г\.?|year)?")
_YEAR = re.compile(r"(?i)(?:на|в|for|in)\s+((?:19|20)\d\d)\s*(?:год|г\.?)")
_DOC_TYPES = [
    ("strategy", re.compile(r"(?i)\bстрат[её]ги|\bstrateg")),
    ("program", re.compile(r"(?i)\bпрограмм|\bprogram")),
    ("plan", re.compile(r"(?i)\bплан\w*\b|\baction plan|\bplan\b|\broadmap|дорожн\w+ карт")),
    ("report", re.compile(r"(?i)\bдоклад|\bотч[её]т|\bпрогноз|\breport\b|analysis|monitoring")),
    (
        "law",
        re.compile(
            r"(?i)\bзакон\b|\bзакона\b|\blaw\b|\bact\b|постановлени|resolution|decree|указ\b"
        ),
    ),
]
_QUOTED_TITLE = re.compile(r"(?is)(программ\w*|стратеги\w*|план\w*)\s*[«\"]\s*(.{5,250}?)\s*[»\"]")


@lru_cache(maxsize=1)
def _morph():  # pragma: no cover - trivial loader
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _nominative(phrase: str) -> str:
    """'Вологодской области' -> 'Вологодская область' (pymorphy3 inflection)."""
    m = _morph()
    words = phrase.split()
    head = m.parse(words[-1])[0]
    gender = head.tag.gender
    out = []
    for w in words:
        best = None
        for p in m.parse(w):
            if p.tag.case in ("gent", "nomn", "datv", "loct", "ablt", "accs") and {
                "ADJF",
                "NOUN",
            } & {p.tag.POS}:
                best = p
                break
        infl = None
        if best is not None:
            want = (
                {"nomn", "sing"} if best.tag.POS == "NOUN" else {"nomn", "sing", gender or "femn"}
            )
            infl = best.inflect(want)
        word = infl.word if infl else w.lower()
        out.append(word[:1].upper() + word[1:] if w[:1].isupper() else word)
    return " ".join(out)


def infer_region(text: str) -> str | None:
    """The region a title page names (the first region-level name, in the nominative)."""
    for pat, kind in _REGION_PATTERNS:
        m = pat.search(text)
        if not m:
            continue
        if kind == "adj":
            try:
                return _nominative(f"{m.group(1)} {m.group(2)}")
            except Exception:  # noqa: BLE001 - dictionary oddities: keep the raw form
                return f"{m.group(1)} {m.group(2)}"
        return f"Республика {m.group(2)}"
    m = _EN_REGION.search(text)
    if m:
        return f"{m.group(1).strip()} {m.group(2)}"
    return None


def infer_year(text: str) -> str | None:
    """A period "2021-2025", "until 2030" as "-2030", or a single year."""
    m = _PERIOD.search(text)
    if m and int(m.group(2)) >= int(m.group(1)):
        return f"{m.group(1)}-{m.group(2)}"
    m = _UNTIL.search(text)
    if m:
        return f"-{m.group(1)}"
    m = _YEAR.search(text)
    return m.group(1) if m else None


def infer_doc_type(text: str) -> str:
    """program, strategy, plan, report, law or other.

    Kinds are tried in that order, not by position: a regional program is
    usually published inside the resolution ("постановление") adopting it.
    """
    for name, pat in _DOC_TYPES:
        if pat.search(text):
            return name
    return "other"


def infer_title(text: str, fallback: str | None) -> str | None:
    """The quoted name of a program/strategy, else the extractor's title."""
    m = _QUOTED_TITLE.search(text)
    if m:
        return " ".join(m.group(2).split())
    return fallback


def infer_meta(head_text: str, title: str | None) -> DocumentMeta:
    """Metadata from the first pages' text (about 3,000 characters) and a title hint."""
    probe = f"{title or ''}\n{head_text}"
    return DocumentMeta(
        region=infer_region(probe),
        year=infer_year(probe),
        doc_type=infer_doc_type(f"{title or ''} {head_text[:1500]}"),
        title=infer_title(head_text[:3000], title),
        source="inferred",
    )
