"""Topic-model corpora streamed from the store: content lemmas, phrases, a filtered dictionary.

Why units are merged: on the 188 real Russian programs a segment (paragraph
or list item) has a median of 12 words, about 6 content lemmas after stop
words, too few for LDA to place a passage well. Consecutive segments of one
document under the same section heading are joined until they hold
``min_tokens`` content lemmas, never across a heading change, so a unit stays
one passage of the document with a page to cite. Measured on ru-programs
(K=16, 5 passes, c_v of the top-10 terms, all scored on the same segment-level
texts): one unit per segment 0.521, joined to 15 lemmas 0.562, to 40 lemmas
0.520. So the default is 15; ``min_tokens=0`` keeps one unit per segment.

Nothing is held as lists of documents: the store is read once, lemmas are
written one unit per line to a work directory, and every later pass (Phrases,
Dictionary, the bag-of-words Matrix Market file LDA trains on, coherence
texts) re-reads those files. Each stream is re-iterable; a one-shot generator
is refused because LDA and coherence read the corpus several times.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import GeneratorType
from typing import Any

from textcoop.errors import InputError
from textcoop.nlp.lemmas import lemma_of

WHERE_KEYS = ("region", "doc_type", "year", "doc_id", "lang")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)

# Boilerplate of Russian programs and EU strategies: words on nearly every page
# that name the document, its parts or its dates rather than what it is about.
BOILERPLATE = {
    "ru": """год годы программа подпрограмма муниципальный государственный область район
    край республика регион региональный округ мероприятие реализация настоящий
    постановление приложение администрация раздел пункт статья таблица согласно
    соответствии рамка период объём рубль тысяча млн млрд руб тыс шт ед весь
    также который этот иной данный являться осуществлять обеспечение обеспечивать
    итого всего показатель значение целевой задача цель основной порядок основный
    развитие территория уровень система организация деятельность сфера работа
    проведение создание формирование повышение выполнение использование составить
    эффективность средство объем решение мера число количество условие необходимый
    российский федерация федеральный субъект городской сельский поселение""".split(),
    "en": """region regional strategy ris smart specialisation specialization page table figure
    annex chapter section also within including eur million billion year years""".split(),
}


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's Russian and English stop lists, lemmatised too, plus document boilerplate."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.ru.stop_words import STOP_WORDS as RU

    words = {w.lower().replace("ё", "е") for w in (*RU, *EN)}
    words |= {lemma_of(w) for w in list(words)}
    for extra in BOILERPLATE.values():
        words |= set(extra)
    return frozenset(words)


_NAME_TAGS = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn"})
_SENTENCE_END = frozenset('.!?:;»"\n(-–—•*')


@lru_cache(maxsize=300_000)
def _is_ru_name(word: str) -> bool:
    from textcoop.nlp.lemmas import _morph

    return bool(_NAME_TAGS & _morph().parse(word)[0].tag.grammemes)


def content_lemmas(text: str, stops: frozenset[str]) -> list[str]:
    """Lemmas of the content words of a text.

    Dropped: numbers, stop words, short tokens, Roman numerals, and names of
    places, people and organisations (pymorphy3's Geox/Name/Surn tags, or a
    capitalised word inside a sentence). Names would otherwise make topics of
    regions ("алтайский", "коми") instead of subjects: a region's documents
    share its name, not its policy.
    """
    out: list[str] = []
    text = text.replace("ё", "е").replace("Ё", "Е")
    for m in WORD.finditer(text):
        raw = m.group()
        w = raw.lower()
        if len(w) < 3 or re.fullmatch(r"[ivxlc]+", w):
            continue
        if raw[0].isupper() and raw[1:].islower():
            i = m.start() - 1
            while i >= 0 and text[i] in " \t\xa0":
                i -= 1
            if i >= 0 and text[i] not in _SENTENCE_END:
                continue
        if "а" <= w[0] <= "я" and _is_ru_name(w):
            continue
        lem = lemma_of(w)
        if len(lem) >= 3 and lem not in stops and w not in stops:
            out.append(lem)
    return out


def parse_where(where: Iterable[str] | None) -> dict[str, str]:
    """``["region=Томская область", "doc_type=program"]`` -> a dict; unknown keys are refused."""
    out: dict[str, str] = {}
    for item in where or []:
        if "=" not in item:
            raise InputError(
                "--where takes key=value", value=item, hint="e.g. --where region='Томская область'"
            )
        key, value = (s.strip() for s in item.split("=", 1))
        if key not in WHERE_KEYS:
            raise InputError("unknown --where key", value=key, options=WHERE_KEYS)
        if not value:
            raise InputError(f"--where {key}= has no value", value=item)
        out[key] = value
    return out


def require_reiterable(corpus: Any, what: str = "corpus") -> None:
    """gensim reads a corpus several times (passes, inference, coherence): refuse one-shot iterators."""
    if isinstance(corpus, GeneratorType | Iterator):
        raise InputError(
            f"the {what} is a one-shot generator; topic models read it several times",
            hint="pass a re-iterable object (a list or a class with __iter__)",
        )


@dataclass
class Unit:
    """One LDA document: consecutive segments of one document (one section)."""

    doc_id: str
    seg_no: int
    seg_end: int
    page_no: int
    n_chars: int


class LineCorpus:
    """Re-iterable token lists read from a file with one unit per line (space-separated)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __iter__(self) -> Iterator[list[str]]:
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                yield line.split()


class PhrasedCorpus:
    """Token lists with bigram phrases joined (``малый_предприятие``), re-read on each iteration."""

    def __init__(self, base: Iterable[list[str]], phraser: Any) -> None:
        require_reiterable(base, "token stream")
        self.base, self.phraser = base, phraser

    def __iter__(self) -> Iterator[list[str]]:
        for toks in self.base:
            yield self.phraser[toks]


@dataclass
class TopicCorpus:
    """Everything a topic model needs, on disk under ``workdir``."""

    workdir: Path
    units: list[Unit]
    dictionary: Any
    bow_path: Path
    texts: PhrasedCorpus
    corpus_hash: str
    where: dict[str, str]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def bow(self) -> Any:
        from gensim.corpora import MmCorpus

        return MmCorpus(str(self.bow_path))


def _select_sql(where: dict[str, str]) -> tuple[str, list[str]]:
    clauses, params = ["s.kind <> 'table_row'"], []
    for k, v in where.items():
        col = "s.lang" if k == "lang" else f"d.{k}"
        clauses.append(f"{col} = ?")
        params.append(v)
    sql = (
        "SELECT s.doc_id, s.seg_no, s.page_no, s.kind, s.section, s.text "
        "FROM segments s JOIN documents d USING (doc_id) WHERE "
        + " AND ".join(clauses)
        + " ORDER BY s.doc_id, s.seg_no"
    )
    return sql, params


def _stream_units(store: Any, where: dict[str, str], min_tokens: int, stops: frozenset[str]):
    """Yield (Unit, lemmas): segments merged within a document and section up to ``min_tokens``."""
    sql, params = _select_sql(where)
    cur = store.con.cursor()
    cur.execute(sql, params)
    buf: list[str] = []
    head: tuple | None = None  # (key, first seg_no, page_no)
    last, chars = 0, 0
    while rows := cur.fetchmany(2000):
        for doc_id, seg_no, page_no, kind, section, text in rows:
            key = (doc_id, tuple(section or ()))
            if head is not None and (key != head[0] or kind == "heading"):
                if buf:
                    yield Unit(head[0][0], head[1], last, head[2], chars), buf
                buf, head, chars = [], None, 0
            if kind == "heading":
                continue
            toks = content_lemmas(text, stops)
            if head is None:
                head = (key, int(seg_no), int(page_no))
            buf += toks
            chars += len(text)
            last = int(seg_no)
            if len(buf) >= min_tokens:
                yield Unit(doc_id, head[1], last, head[2], chars), buf
                buf, head, chars = [], None, 0
    if head is not None and buf:
        yield Unit(head[0][0], head[1], last, head[2], chars), buf


def build_corpus(
    store: Any,
    workdir: str | Path,
    where: dict[str, str] | None = None,
    min_tokens: int = 15,
    phrase_min_count: int = 5,
    phrase_threshold: float = 0.5,
    no_below: int = 3,
    no_above: float = 0.3,
    keep_n: int = 50_000,
) -> TopicCorpus:
    """Read the selected segments once and build phrases, dictionary and the bag-of-words file."""
    where = dict(where or {})
    if where:
        _check_where_values(store, where)
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    stops = stop_words()
    lemmas_path = work / "lemmas.txt"
    units: list[Unit] = []
    digest = hashlib.sha256(json.dumps(where, sort_keys=True).encode())
    n_tokens = 0
    with open(lemmas_path, "w", encoding="utf-8") as fh:
        for unit, toks in _stream_units(store, where, min_tokens, stops):
            units.append(unit)
            line = " ".join(toks)
            digest.update(f"{unit.doc_id}:{unit.seg_no}:{line}\n".encode())
            fh.write(line + "\n")
            n_tokens += len(toks)
    if not units:
        shown = ", ".join(f"{k}={v}" for k, v in where.items()) or "(none)"
        raise InputError(
            f"no text to model: the selection {shown} has no segments with content words",
            hint="check the values with `textcoop docs`, or ingest documents first",
        )
    return corpus_from_lemmas(
        work,
        units,
        digest.hexdigest(),
        where,
        n_tokens,
        min_tokens,
        phrase_min_count,
        phrase_threshold,
        no_below,
        no_above,
        keep_n,
    )


def corpus_from_lemmas(
    work: Path,
    units: list[Unit],
    corpus_hash: str,
    where: dict[str, str],
    n_tokens: int,
    min_tokens: int = 15,
    phrase_min_count: int = 5,
    phrase_threshold: float = 0.5,
    no_below: int = 3,
    no_above: float = 0.3,
    keep_n: int = 50_000,
) -> TopicCorpus:
    """Phrases, dictionary and bag-of-words file from ``work/lemmas.txt`` (one unit per line).

    Split from :func:`build_corpus` so the benchmark can feed a synthetic
    corpus through exactly the same steps.
    """
    from gensim.corpora import Dictionary, MmCorpus
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    lemmas_path = work / "lemmas.txt"
    base = LineCorpus(lemmas_path)
    phrases = Phrases(
        base,
        min_count=phrase_min_count,
        threshold=phrase_threshold,
        scoring="npmi",
        connector_words=ENGLISH_CONNECTOR_WORDS,
    ).freeze()
    texts = PhrasedCorpus(base, phrases)
    dictionary = Dictionary(texts)
    n_vocab = len(dictionary)
    n_docs = len(units)
    # no_below as a count would empty the vocabulary of a tiny selection; keep it feasible
    dictionary.filter_extremes(
        no_below=min(no_below, max(1, n_docs // 10)),
        no_above=no_above if n_docs >= 20 else 1.0,
        keep_n=keep_n,
    )
    dictionary.compactify()
    if len(dictionary) == 0:
        raise InputError(
            f"no terms left after frequency filtering ({n_docs} passages, {n_vocab} distinct lemmas)",
            hint="select more documents or lower the filters",
        )
    bow_path = work / "corpus.mm"
    MmCorpus.serialize(str(bow_path), (dictionary.doc2bow(t) for t in texts))
    return TopicCorpus(
        workdir=work,
        units=units,
        dictionary=dictionary,
        bow_path=bow_path,
        texts=texts,
        corpus_hash=corpus_hash,
        where=where,
        stats={
            "n_units": n_docs,
            "n_documents": len({u.doc_id for u in units}),
            "n_tokens": n_tokens,
            "vocab_before_filter": n_vocab,
            "vocab": len(dictionary),
            "n_phrases": len(phrases.phrasegrams),
            "min_tokens": min_tokens,
        },
    )


def _check_where_values(store: Any, where: dict[str, str]) -> None:
    """An empty selection names the values that exist, so a typo is easy to fix."""
    for k, v in where.items():
        col, table = ("lang", "segments") if k == "lang" else (k, "documents")
        values = [
            r[0]
            for r in store.con.execute(
                f"SELECT DISTINCT {col} FROM {table} WHERE {col} IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        if v not in values:
            raise InputError(
                f"--where {k}={v} selects no documents",
                value=v,
                options=values[:30],
                hint="values are matched exactly; list them with `textcoop docs`",
            )
