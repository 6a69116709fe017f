"""Notes that gaps and compare attach to their results, in English and Russian.

A note is a ``str`` (the English text: the CLI prints it, JSON stores it, tests
match on it) that also carries its Russian wording, so a report in Russian
does not fall back to English in the middle of a page.
"""

from __future__ import annotations


class Note(str):
    """English text with a Russian translation in ``.ru``."""

    ru: str

    def __new__(cls, en: str, ru: str) -> Note:
        obj = super().__new__(cls, en)
        obj.ru = ru
        return obj


def in_language(note: str, lang: str) -> str:
    """The note in ``lang`` ("ru" or "en"); plain strings are returned as they are."""
    if lang == "ru":
        return getattr(note, "ru", note)
    return str(note)
