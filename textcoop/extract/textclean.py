"""Text cleaning shared by all extractors: whitespace, control characters, de-hyphenation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# control characters, zero-width marks and bidi embeddings/overrides/isolates (which can make
# text display in another order than it is stored: "Trojan source"); RTL letters stay
_CTRL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_HYPHENS = "-\u00ad\u2010\u2011"
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), drop control characters, fold runs of spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CTRL.sub(" ", text).replace("\ufb01", "fi").replace("\ufb02", "fl")
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _morph():  # pragma: no cover - trivial loader
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


_COMPOUND_HEADS = re.compile(
    r"(?i)(социально|научно|финансово|экономико|военно|северо|юго|медико|"
    r"технико|торгово|промышленно|организационно|информационно|учебно|"
    r"опытно|производственно|жилищно|культурно|историко|физкультурно|"
    r"санитарно|частно|нормативно|материально|проектно|строительно|"
    r"инженерно|транспортно|логистическо|спортивно|агро|медико)$"
)


@lru_cache(maxsize=50_000)
def keep_hyphen(left: str, right: str) -> bool:
    """Decide whether ``left-`` + ``right`` at a line break is a real hyphenated word.

    Russian compounds ("социально-экономический", "северо-западный") keep their
    hyphen; syllable breaks ("коопера-" + "ции") do not. For Cyrillic, the
    dictionary decides when it knows one form and not the other; a list of
    compound heads covers the common adjectives. Latin words are joined unless
    the right part is capitalised ("Baden-Württemberg", "non-EU").
    """
    if not right or not _LETTER.match(right[0]):
        return True
    if right[0].isupper():
        return True
    if _COMPOUND_HEADS.search(left):
        return True
    if re.match(r"[а-яё]", left[-1:].lower()):
        m = _morph()
        joined, hyph = (left + right).lower(), f"{left}-{right}".lower()
        j_known, h_known = m.word_is_known(joined), m.word_is_known(hyph)
        if h_known and not j_known:
            return True
    return False


_TRAIL_WORD = re.compile(r"([^\W\d_]+)[" + _HYPHENS + r"]$")
_LEAD_WORD = re.compile(r"([^\W\d_]+)")


def join_lines(lines: list[str]) -> str:
    """Join a paragraph's lines with spaces, mending end-of-line hyphenation."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        m = _TRAIL_WORD.search(out[-80:]) if out[-1] in _HYPHENS else None
        if m:
            lead = _LEAD_WORD.match(line)
            right = lead.group(1) if lead else ""
            out = out[:-1] + "-" + line if keep_hyphen(m.group(1), right) else out[:-1] + line
        else:
            out = out + " " + line
    return clean_text(out)
