"""Lemmatisers that work offline: pymorphy3 for Russian, spaCy's lookup tables for English.

spaCy's own pymorphy3 mode leaves ambiguous words unlemmatised without a
tagger and runs at ~6,000 tokens/s; taking pymorphy3's most probable parse,
cached by word form, lemmatises those too and runs several times faster.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=300_000)
def ru_lemma(word: str) -> str:
    """Most probable normal form of a lowercased Russian word (ё folded to е)."""
    return _morph().parse(word)[0].normal_form.replace("ё", "е")


@lru_cache(maxsize=1)
def _en_table() -> dict[str, str]:
    import gzip
    from importlib import resources

    import spacy_lookups_data

    path = resources.files(spacy_lookups_data).joinpath("data/en_lemma_lookup.json.gz")
    with gzip.open(str(path), "rt", encoding="utf-8") as fh:
        return json.load(fh)


def en_lemma(word: str) -> str:
    return _en_table().get(word, word)


def lemma_of(word: str) -> str:
    """Lemma of a lowercased token in either language (script decides)."""
    if not word[:1].isalpha():
        return word
    if "а" <= word[:1] <= "я" or word[:1] == "ё":
        return ru_lemma(word)
    return en_lemma(word)


LEMMAS_KEY = "textcoop_lemmas"
_CYR_WORD = re.compile(r"[а-яё]+")


class Lemmatizer:
    """Sets ``token.lemma_`` (lowercased) for Russian and English words alike.

    A trained pipeline also carries a table of the Russian word forms of its
    training texts with their lemmas (``add_forms``, saved as JSON beside the
    pipeline): pymorphy3 costs ~130 µs per new form, which made the first pass
    over a document several times slower than the next, and programmes repeat
    the same administrative vocabulary.

    Works on the Doc's arrays (hashes of lowercased forms in, lemma hashes
    out) rather than Token objects: creating a Token per word cost more than
    the cached lemmatisation itself. The lemma strings and alphabetic flags
    are also kept in ``doc.user_data`` so that the seed matcher and the
    classifier read them without another pass over the Doc.
    """

    def __init__(self) -> None:
        self._cache: dict[int, tuple[int, str]] = {}
        self.table: dict[str, str] = {}

    def add_forms(self, texts: Iterable[str], max_forms: int = 150_000) -> int:
        """Lemmatise the most frequent Cyrillic word forms of ``texts`` into the saved table."""
        counts = Counter(w for t in texts for w in _CYR_WORD.findall(t.lower()))
        for form, _n in counts.most_common(max_forms):
            if form not in self.table:
                self.table[form] = ru_lemma(form)
        return len(self.table)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        (p / "lemmas.json").write_text(
            json.dumps(self.table, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Lemmatizer:
        f = Path(path) / "lemmas.json"
        # pipelines saved before the table existed have no file: pymorphy3 does it all
        self.table = json.loads(f.read_text(encoding="utf-8")) if f.is_file() else {}
        self._cache = {}
        return self

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import IS_ALPHA, LEMMA, LOWER

        arr = doc.to_array([LOWER, IS_ALPHA])
        strings = doc.vocab.strings
        cache, table = self._cache, self.table
        lows = arr[:, 0].tolist()
        alphas = [bool(a) for a in arr[:, 1].tolist()]
        hashes: list[int] = []
        lemmas: list[str] = []
        for low, alpha in zip(lows, alphas, strict=True):
            hit = cache.get(low)
            if hit is None:
                form = strings[low]
                if alpha:
                    lem = table.get(form) or lemma_of(form)
                    hit = (strings.add(lem), lem)
                else:  # non-alphabetic tokens: lemma = lowercase form
                    hit = (strings.add(form), form)
                cache[low] = hit
            hashes.append(hit[0])
            lemmas.append(hit[1])
        out = np.asarray(hashes, dtype=np.uint64).reshape(-1, 1)
        doc.from_array([LEMMA], out)
        doc.user_data[LEMMAS_KEY] = (lemmas, alphas)
        return doc


@Language.factory("textcoop_lemmatizer", assigns=["token.lemma"])
def make_lemmatizer(nlp: Language, name: str) -> Lemmatizer:
    """Offline lemmatiser: pymorphy3 (cached) for Cyrillic, spaCy lookup tables for Latin."""
    return Lemmatizer()


def doc_lemmas(doc: Doc) -> tuple[list[str], list[bool]]:
    """Lemmas and is-alphabetic flags of a Doc's tokens (kept by the lemmatiser, else from its arrays)."""
    kept = doc.user_data.get(LEMMAS_KEY)
    if kept is not None and len(kept[0]) == len(doc):
        return kept
    from spacy.attrs import IS_ALPHA, LEMMA

    arr = doc.to_array([LEMMA, IS_ALPHA])
    strings = doc.vocab.strings
    return [strings[h] for h in arr[:, 0]], [bool(a) for a in arr[:, 1]]
