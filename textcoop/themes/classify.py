"""Code every segment of the corpus store and compute each document's theme coverage.

Coverage is the share of a document's text (characters of the sentences of
its non-heading segments) coded with a theme: a strategy that spends three
of its forty pages on clusters covers ``clusters`` at about 0.08. Each theme also keeps
its strongest passages (by score) as evidence, with page and section.
Segments are coded sentence by sentence (see ``code_document``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from textcoop.extract.sentences import split_spans
from textcoop.modeldir import model_id_from_meta
from textcoop.nlp.pipeline import ThemeCoder
from textcoop.nlp.seeds import SPAN_KEY
from textcoop.parallel import Executor, make_executor
from textcoop.store.store import Store
from textcoop.themes.codebook import OTHER


@dataclass
class ClassifyReport:
    """What a classify run did; ``failed`` holds (doc_id, file name, reason code, message)."""

    documents: int = 0
    segments: int = 0
    skipped: int = 0
    model_id: str = ""
    coverage: dict[str, dict[str, float]] = field(default_factory=dict)
    failed: list[tuple[str, str, str, str]] = field(default_factory=list)
    no_text: list[tuple[str, str]] = field(default_factory=list)
    workers: int = 1


def model_id(coder: ThemeCoder) -> str:
    """A short id of a model: hash of its metadata (codebook, data, versions, metrics)."""
    return model_id_from_meta(coder.meta)


def document_coverage(segments: list[tuple], coded: list[tuple], top: int = 3) -> list[tuple]:
    """(theme, share, n_segments, top_segments) for one document's coded segments.

    ``coded`` holds each segment's (scores, chars), in the order of
    ``segments``: each theme's best sentence score, and the characters of the
    sentences coded with each theme (the segment's themes are those keys).
    The share counts those characters, not the whole segment: a paragraph of
    six sentences with one on subsidies adds one sentence's length to
    ``finance``.
    """
    total = sum(len(text) for _, kind, text in segments if kind != "heading") or 1
    chars: dict[str, int] = {}
    count: dict[str, int] = {}
    best: dict[str, list[tuple[float, int]]] = {}
    for (seg_no, kind, _text), (scores, seg_chars) in zip(segments, coded, strict=True):
        if kind == "heading":
            continue
        for theme, n in seg_chars.items():
            chars[theme] = chars.get(theme, 0) + n
            count[theme] = count.get(theme, 0) + 1
            best.setdefault(theme, []).append((scores.get(theme, 0.0), seg_no))
    out = []
    for theme in chars:
        tops = [s for _, s in sorted(best[theme], reverse=True)[:top]]
        out.append((theme, chars[theme] / total, count[theme], tops))
    return sorted(out, key=lambda c: -c[1])


def segment_sentences(text: str) -> list[str]:
    """The sentences a segment is coded by (the segment itself when it splits into none)."""
    pieces = [text[a:b] for a, b in split_spans(text)]
    return [s for s in pieces if s.strip()] or [text]


# a sentence with fewer letters than this takes its segment's language: "ISO 9001." or
# "Cluster Excellence Programme." inside a Russian paragraph is read by the Russian model
MIN_LETTERS_OWN_LANG = 40


def lang_within(own: str, text: str, surrounding: str) -> str:
    """The pipeline a text is coded by: its own language ``own`` if it is long enough to tell.

    Cyrillic script tells Russian even in a short text, so a short Russian
    sentence in an English paragraph still goes to the Russian model; a
    short Latin-script one ("ISO 9001.") takes the ``surrounding`` language
    (its segment's, or for a short segment its document's).
    """
    if own != "ru" and sum(ch.isalpha() for ch in text) < MIN_LETTERS_OWN_LANG:
        return surrounding
    return own


def code_document(coder: ThemeCoder, segs: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """Theme rows (seg_no, themes, scores_json, evidence) and coverage of one document's segments.

    A segment is coded sentence by sentence, the unit the model is trained
    and measured on, and gets the themes of its sentences with each theme's
    best sentence score: coded whole, a paragraph of several sentences piles
    up weak n-gram evidence into a theme that none of its sentences has (a
    paragraph on export services came out `finance` at 0.62 while each of
    its three sentences scored below 0.4). Each sentence goes to the model
    of its language (``lang_within``: a short segment falls back to the
    document's language as a short sentence does to its segment's).
    """
    sentences: list[str] = []
    owner: list[int] = []
    langs: list[str] = []
    # the document's language (most letters) is to a short segment what the segment's is
    # to a short sentence: a Latin-script list item in a Russian programme is Russian text
    seg_langs = [coder.lang_of(text) for _, _, text in segs]
    letters: dict[str, int] = {}
    for lang, (_, _, text) in zip(seg_langs, segs, strict=True):
        letters[lang] = letters.get(lang, 0) + sum(ch.isalpha() for ch in text)
    doc_lang = max(letters, key=lambda k: (letters[k], k)) if letters else "ru"
    for i, (_seg_no, _kind, text) in enumerate(segs):
        seg_lang = lang_within(seg_langs[i], text, doc_lang)
        for sent in segment_sentences(text):
            sentences.append(sent)
            owner.append(i)
            langs.append(lang_within(coder.lang_of(sent), sent, seg_lang))
    scores: list[dict[str, float]] = [{} for _ in segs]
    chars: list[dict[str, int]] = [{} for _ in segs]  # theme -> characters of its sentences
    evidence: list[set[str]] = [set() for _ in segs]
    for i, sent, doc in zip(owner, sentences, coder.code(sentences, langs=langs), strict=True):
        for t in doc._.themes:
            if t != OTHER:
                chars[i][t] = chars[i].get(t, 0) + len(sent)
        for k, v in doc.cats.items():
            scores[i][k] = max(scores[i].get(k, 0.0), v)
        evidence[i].update(f"{sp.label_}:{sp.text}" for sp in doc.spans.get(SPAN_KEY, []))
    rows = []
    for (seg_no, _kind, _text), sc, ch, ev in zip(segs, scores, chars, evidence, strict=True):
        assigned = sorted(ch, key=lambda t: (-sc.get(t, 0.0), t)) or [OTHER]
        rows.append(
            (seg_no, assigned, json.dumps({k: round(v, 4) for k, v in sc.items()}), sorted(ev))
        )
    return rows, document_coverage(segs, list(zip(scores, chars, strict=True)))


_CODERS: dict[str, ThemeCoder] = {}


def cached_coder(model_dir: str) -> ThemeCoder:
    """The worker process's ThemeCoder for ``model_dir``, loaded on first use (seconds) and kept."""
    coder = _CODERS.get(model_dir)
    if coder is None:
        coder = _CODERS[model_dir] = ThemeCoder(model_dir)
    return coder


def code_chunk(model_dir: str, docs: list[tuple[str, list[tuple]]]) -> list[tuple]:
    """Worker task: code a chunk of documents; (doc_id, rows, coverage) for each.

    The model is loaded once per worker process and kept for its next chunks;
    the store is never touched here (the caller is the single writer).
    """
    coder = cached_coder(model_dir)
    return [(doc_id, *code_document(coder, segs)) for doc_id, segs in docs]


def _chunks(store: Store, todo: list[str], chunk_segments: int) -> Iterator[list[tuple]]:
    """Documents with their segments, grouped into chunks of about ``chunk_segments`` segments."""
    chunk: list[tuple] = []
    size = 0
    for doc_id in todo:
        segs = store.doc_segments(doc_id)
        chunk.append((doc_id, segs))
        size += len(segs)
        if size >= chunk_segments:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def classify_store(
    store: Store,
    coder: ThemeCoder,
    force: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    executor: Executor | None = None,
    chunk_segments: int = 500,
    min_parallel_segments: int = 3000,
) -> ClassifyReport:
    """Code the segments of every document not yet coded by this model (atomic per document).

    Each document is written in its own transaction, so a run killed midway
    leaves whole documents coded or not at all, and a rerun codes only the
    rest. A document the model fails on is recorded as a problem
    (``classify_failed``) and the run goes on.

    With ``workers`` > 1, a Dask ``scheduler`` (None: ``$TEXTCOOP_SCHEDULER`` or
    the config file, see :mod:`textcoop.cluster`) or an ``executor``, chunks of
    about ``chunk_segments`` segments (small enough to keep every worker busy
    to the end) are coded in worker processes, each loading the model once,
    and written here, one transaction per document. A corpus of fewer than
    ``min_parallel_segments`` segments is coded in this process, where the
    model is already loaded: starting workers would cost more than it saves.
    Results are the same either way.
    """
    mid = model_id(coder)
    todo = store.docs_to_classify(mid, force)
    report = ClassifyReport(model_id=mid)
    report.no_text = store.docs_without_text()
    run_id = store.start_run("classify")
    done = 0

    def write(doc_id: str, rows: list[tuple], cov: list[tuple]) -> None:
        nonlocal done
        store.write_themes(doc_id, mid, rows, cov)
        done += 1
        report.documents += 1
        report.segments += len(rows)
        report.coverage[doc_id] = {c[0]: c[1] for c in cov}
        if progress:
            progress(doc_id, done, len(todo))

    def fail(doc_id: str, code: str, msg: str) -> None:
        name = store.record_doc_error(doc_id, code, msg, run_id)
        report.failed.append((doc_id, name, code, msg))

    def code_here(chunks: Iterable[list[tuple]]) -> None:
        for chunk in chunks:
            for doc_id, segs in chunk:
                try:
                    rows, cov = code_document(coder, segs)
                except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the run
                    fail(
                        doc_id,
                        "classify_failed",
                        f"theme coding failed: {type(exc).__name__}: {exc}",
                    )
                    continue
                write(doc_id, rows, cov)

    from textcoop.cluster import resolve_scheduler

    address = resolve_scheduler(scheduler)
    parallel = executor is not None or workers > 1 or address is not None
    chunks = _chunks(store, todo, chunk_segments)
    # look ahead (bounded) to see whether the corpus is worth the workers
    head: list[list[tuple]] = []
    buffered = 0
    while parallel and buffered < min_parallel_segments:
        chunk = next(chunks, None)
        if chunk is None:
            break
        head.append(chunk)
        buffered += sum(len(segs) for _, segs in chunk)
    if not parallel or len(head) < 2 or buffered < min_parallel_segments:
        code_here(itertools.chain(head, chunks))
        store.finish_run(run_id, report.documents, 0, len(report.failed))
        return report

    ex = executor or make_executor(workers, address or "local")
    report.workers = ex.workers
    model_dir = str(coder.dir.resolve())
    members: dict[int, list[str]] = {}

    def tasks() -> Iterator[tuple]:
        for i, chunk in enumerate(itertools.chain(head, chunks)):
            members[i] = [doc_id for doc_id, _ in chunk]
            yield i, (model_dir, chunk)

    try:
        for res in ex.run(code_chunk, tasks(), timeout=600.0):
            ids = members.pop(res.key, [])
            if res.ok:
                for doc_id, rows, cov in res.value:
                    write(doc_id, rows, cov)
            else:
                for doc_id in ids:
                    fail(
                        doc_id, "classify_failed", f"theme coding failed: {res.code}: {res.message}"
                    )
    finally:
        if executor is None:
            ex.close()
    store.finish_run(run_id, report.documents, 0, len(report.failed))
    return report
