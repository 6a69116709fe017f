"""Seed-term matcher: marks evidence spans for each theme of the codebook.

Seeds are matched on lemmas (so "субсидий", "субсидию" both hit "субсидия"),
phrases included; codebook regexes catch stems, abbreviations and frequent
misspellings; single-word seeds of five letters or more also match words one
edit away ("оборудывание", "сертефикат"), because survey answers are typed
in a hurry. The spans are the evidence a user sees next to each code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from textcoop.nlp.lemmas import doc_lemmas, lemma_of
from textcoop.nlp.rxfilter import required_literals

SPAN_KEY = "evidence"
TEXT_KEY = "textcoop_text"
_CYR = re.compile(r"[а-яё]")
_LAT = re.compile(r"[a-z]")
if not Doc.has_extension("nonsubstantive"):
    Doc.set_extension("nonsubstantive", default=False)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class _Alternation:
    """One theme's codebook patterns for one script, scanned with only the branches that can match.

    Branch by branch, ``required_literals`` gives pieces of text one of which
    any match contains. A branch whose pieces are all absent from a text
    cannot match it, so dropping it changes no match: at every position the
    remaining branches are tried in their original order. The narrowed
    alternations are compiled once per combination of branches and kept.
    """

    def __init__(self, theme: str, cyr: bool, patterns: list[str]) -> None:
        self.theme, self.cyr, self.patterns = theme, cyr, patterns
        self.full = re.compile("|".join(f"(?:{p})" for p in patterns))
        self.lits = [required_literals(p) for p in patterns]
        self.always = {b for b, lits in enumerate(self.lits) if lits is None}
        self._cache: dict[tuple[int, ...], re.Pattern] = {}

    def narrowed(self, enabled: set[int] | None) -> re.Pattern | None:
        """The alternation of the ``enabled`` branches (plus those without a filter), or None."""
        on = tuple(sorted(self.always.union(enabled or ())))
        if not on:
            return None
        rx = self._cache.get(on)
        if rx is None:
            rx = re.compile("|".join(f"(?:{self.patterns[b]})" for b in on))
            if len(self._cache) < 4096:
                self._cache[on] = rx
        return rx


class SeedMatcher:
    """Finds codebook seed terms and patterns in a Doc; writes ``doc.spans["evidence"]``."""

    def __init__(
        self,
        nlp: Language,
        name: str = "textcoop_seed_matcher",
        fuzzy_min_len: int = 6,
        max_regex_chars: int = 160,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.fuzzy_min_len = fuzzy_min_len
        self.max_regex_chars = max_regex_chars
        self.phrases: list[tuple[str, list[str]]] = []
        self.patterns: list[tuple[str, str, str]] = []  # (theme, language, regex)
        self.nonsub_phrases: list[str] = []
        self.nonsub_patterns: list[str] = []
        self.codebook_hash = ""
        self.prefilter = True  # False: every alternation scans every short text (for tests)
        self._compile()

    # -- building -------------------------------------------------------
    def add_codebook(self, codebook) -> SeedMatcher:
        """Take seeds, patterns and non-substantive forms from a ``Codebook``."""
        self.phrases, self.patterns = [], []
        for theme in codebook.themes:
            for terms in theme.seeds.values():
                for term in terms:
                    lem = [
                        lemma_of(t.lower_) if t.is_alpha else t.lower_
                        for t in self.nlp.make_doc(term)
                    ]
                    if lem:
                        self.phrases.append((theme.id, lem))
            for lang, pats in theme.patterns.items():
                self.patterns += [(theme.id, lang, p) for p in pats]
        self.nonsub_phrases = [
            p.lower().strip().rstrip(".") for p in codebook.nonsubstantive.get("phrases", [])
        ]
        self.nonsub_patterns = list(codebook.nonsubstantive.get("patterns", []))
        self.codebook_hash = codebook.hash
        self._compile()
        return self

    def _compile(self) -> None:
        self._by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._fuzzy: dict[str, set[tuple[str, str]]] = {}
        self._lemma_info: dict[str, tuple] = {}
        for theme, lem in self.phrases:
            self._by_first.setdefault(lem[0], []).append((theme, tuple(lem)))
            if len(lem) == 1 and len(lem[0]) >= self.fuzzy_min_len:
                for d in _deletes(lem[0]) | {lem[0]}:
                    self._fuzzy.setdefault(d, set()).add((theme, lem[0]))
        groups: dict[tuple[str, bool], list[str]] = {}
        for theme, lang, p in self.patterns:
            groups.setdefault((theme, lang == "ru"), []).append(p)
        # one alternation per theme and script, and Russian patterns only run on text
        # with Cyrillic (English ones on Latin); a text is scanned only with the branches
        # whose required pieces of text it contains (see rxfilter)
        self._rx = [_Alternation(theme, cyr, pats) for (theme, cyr), pats in groups.items()]
        index: dict[bool, dict[str, list[tuple[int, int]]]] = {True: {}, False: {}}
        for a, alt in enumerate(self._rx):
            for b, lits in enumerate(alt.lits):
                for lit in lits or ():
                    index[alt.cyr].setdefault(lit, []).append((a, b))
        self._lit_index = {cyr: list(d.items()) for cyr, d in index.items()}
        self._nonsub = set(self.nonsub_phrases)
        self._nonsub_rx = [re.compile(p) for p in self.nonsub_patterns]

    # -- matching -------------------------------------------------------
    def is_nonsubstantive(self, text: str) -> bool:
        """True for answers that say nothing ("не знаю", "-", "n/a", "всё устраивает")."""
        low = " ".join(text.lower().split()).strip().rstrip(".!")
        return low in self._nonsub or any(rx.search(low) for rx in self._nonsub_rx)

    def _starts(self, lem: str) -> tuple:
        """Seeds that may start at a token with lemma ``lem``: (exact (theme, phrase) pairs,
        themes of single-word seeds one edit away), or ``()`` when none (a cheap truth test).

        The caller keeps the result per lemma, so each word form is looked up once.
        """
        exact = tuple(self._by_first.get(lem, ()))
        if exact:
            return (exact, ())
        if len(lem) < self.fuzzy_min_len:
            return ()
        hits: set[tuple[str, str]] = set()
        for d in _deletes(lem) | {lem}:
            hits |= self._fuzzy.get(d, set())
        fuzzy = tuple(sorted({theme for theme, seed in hits if abs(len(seed) - len(lem)) <= 1}))
        return ((), fuzzy) if fuzzy else ()

    def __call__(self, doc: Doc) -> Doc:
        lemmas, alpha = doc_lemmas(doc)
        seen: set[tuple[int, int, str]] = set()
        spans: list[Span] = []

        def add(start: int, end: int, label: str) -> None:
            if (start, end, label) not in seen:
                seen.add((start, end, label))
                spans.append(Span(doc, start, end, label=label))

        # which seeds can start at each distinct lemma is worked out once per lemma
        # (exact first words, then near-misspellings), so most sentences skip the
        # token loop: only positions whose lemma can start a seed are visited
        info = self._lemma_info
        distinct = set(lemmas)
        if len(info) > 500_000:  # bounded, like the lemma cache
            info.clear()
        for lem in distinct.difference(info):
            info[lem] = self._starts(lem)
        if any(info[lem] for lem in distinct):
            for i, lem in enumerate(lemmas):
                hit = info[lem]
                if not hit:
                    continue
                exact, fuzzy = hit
                for theme, seq in exact:
                    if len(seq) == 1 or tuple(lemmas[i : i + len(seq)]) == seq:
                        add(i, i + len(seq), theme)
                if fuzzy and alpha[i]:
                    for theme in fuzzy:
                        add(i, i + 1, theme)
        # doc.text is rebuilt from the tokens on every access: take the caller's text when given
        text = doc.user_data.get(TEXT_KEY) or doc.text
        doc.user_data[TEXT_KEY] = text
        # codebook regexes catch the slang and misspellings of short answers; on long
        # policy passages the lemma seeds carry the evidence and regexes cost ~1.5 ms each
        if self._rx and len(text) <= self.max_regex_chars:
            low = text.lower()
            has = {True: bool(_CYR.search(low)), False: bool(_LAT.search(low))}
            enabled: dict[int, set[int]] = {}
            for cyr in (True, False):
                if has[cyr] and self.prefilter:
                    for lit, owners in self._lit_index[cyr]:
                        if lit in low:
                            for a, b in owners:
                                enabled.setdefault(a, set()).add(b)
            for a, alt in enumerate(self._rx):
                if not has[alt.cyr]:
                    continue
                rx = alt.full if not self.prefilter else alt.narrowed(enabled.get(a))
                if rx is None:
                    continue  # no branch has a piece of text it needs: no scan can match
                for m in rx.finditer(low):
                    if m.end() > m.start():
                        sp = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                        if sp is not None:
                            add(sp.start, sp.end, alt.theme)
        doc.spans[SPAN_KEY] = sorted(spans, key=lambda s: (s.start, s.end))
        doc._.nonsubstantive = len(text) < 200 and self.is_nonsubstantive(text)
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 256) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    # -- persistence ----------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        data = {
            "phrases": self.phrases,
            "patterns": self.patterns,
            "nonsub_phrases": self.nonsub_phrases,
            "nonsub_patterns": self.nonsub_patterns,
            "codebook_hash": self.codebook_hash,
            "fuzzy_min_len": self.fuzzy_min_len,
            "max_regex_chars": self.max_regex_chars,
        }
        (p / "seeds.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SeedMatcher:
        data = json.loads((Path(path) / "seeds.json").read_text(encoding="utf-8"))
        self.phrases = [(t, list(seq)) for t, seq in data["phrases"]]
        self.patterns = [(t, lang, p) for t, lang, p in data["patterns"]]
        self.nonsub_phrases = data["nonsub_phrases"]
        self.nonsub_patterns = data["nonsub_patterns"]
        self.codebook_hash = data["codebook_hash"]
        self.fuzzy_min_len = data.get("fuzzy_min_len", 6)
        self.max_regex_chars = data.get("max_regex_chars", 160)
        self._compile()
        return self


@Language.factory(
    "textcoop_seed_matcher",
    assigns=["doc.spans", "doc._.nonsubstantive"],
    default_config={"fuzzy_min_len": 6, "max_regex_chars": 160},
)
def make_seed_matcher(
    nlp: Language, name: str, fuzzy_min_len: int, max_regex_chars: int
) -> SeedMatcher:
    """Codebook seed terms (on lemmas), patterns and near-misspellings as evidence spans."""
    return SeedMatcher(nlp, name, fuzzy_min_len, max_regex_chars)
