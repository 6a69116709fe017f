"""Ingest: walk the inputs, extract each new file in a worker, store it atomically.

The parent process is the only writer of the store; workers only read files.
Files already stored (same sha256) are skipped, so a rerun after a crash or
on a grown folder does only the new work.
"""

from __future__ import annotations

import csv
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from textcoop import __version__
from textcoop.errors import ManifestError
from textcoop.extract import SUPPORTED, ExtractOptions, process_file, sha256_file
from textcoop.parallel import Executor, LocalExecutor, make_executor
from textcoop.store.store import Store
from textcoop.types import DOC_TYPES, DocumentMeta, ProcessedDocument

MANIFEST_COLUMNS = ("path", "region", "year", "doc_type", "title")
BATCH_PAGES, BATCH_DOCS, BATCH_SECONDS = 200, 50, 2.0

ProgressFn = Callable[[str, str, int, int], None]


@dataclass
class IngestOptions:
    """How to ingest: parallelism, limits, extraction choices, metadata manifest.

    ``timeout`` and ``max_memory_mb`` are per document: a file over either is
    recorded as a problem (``timeout``, ``memory_limit``) and the batch goes on.
    ``batch_docs`` documents at most are written per transaction.
    """

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = 600.0
    max_memory_mb: float | None = 3000.0
    batch_docs: int = BATCH_DOCS
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    manifest: str | Path | None = None
    # a Dask scheduler address (None: $TEXTCOOP_SCHEDULER or the config file, else local workers)
    scheduler: str | None = None
    executor: Executor | None = None  # an open executor to reuse (tests, benchmarks)


@dataclass
class IngestReport:
    """What a run did: stored, skipped and failed files, and warnings by code."""

    run_id: str = ""
    stored: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: Counter = field(default_factory=Counter)
    warning_files: dict[str, list[str]] = field(default_factory=dict)
    pages: int = 0
    segments: int = 0
    worker_peak_mb: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 when every input was stored or already present, 1 when some failed."""
        return 1 if self.failed else 0


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """Files to ingest under ``paths`` (folders walked recursively) and paths that do not exist.

    In folders only files with a supported extension are taken; a file named
    explicitly is always tried, so a wrongly named PDF still gets in.
    """
    files: list[Path] = []
    missing: list[tuple[str, str, str]] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUPPORTED
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        elif p.is_file():
            found = [p]
        else:
            missing.append((str(p), "not_found", f"[E100] no such file or folder: {p}"))
            continue
        for f in found:
            r = f.resolve()
            if r not in seen:
                seen.add(r)
                files.append(f)
    return files, missing


def read_manifest(path: str | Path) -> dict[Path, DocumentMeta]:
    """Read a metadata manifest (CSV: path,region,year,doc_type,title; paths relative to the CSV).

    Every problem is reported at once, with its row number.
    """
    from textcoop.extract.text import decode_bytes

    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"manifest {path} does not exist")
    text, _ = decode_bytes(path.read_bytes())
    sample = text[:2000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.DictReader(text.splitlines(), dialect=dialect))
    header = [
        h.strip().lower()
        for h in (
            rows[0].keys()
            if rows
            else csv.reader([text.splitlines()[0] if text else ""]).__next__()
        )
    ]
    if "path" not in header:
        raise ManifestError(
            f"manifest {path} has no 'path' column",
            value=header,
            options=MANIFEST_COLUMNS,
        )
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    problems = [f"unknown column {h!r}" for h in unknown]
    out: dict[Path, DocumentMeta] = {}
    for i, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not row.get("path"):
            problems.append(f"row {i}: empty path")
            continue
        dt = row.get("doc_type") or None
        if dt and dt not in DOC_TYPES:
            problems.append(f"row {i}: doc_type {dt!r} is not one of {', '.join(DOC_TYPES)}")
            continue
        target = (path.parent / row["path"]).resolve()
        out[target] = DocumentMeta(
            region=row.get("region") or None,
            year=row.get("year") or None,
            doc_type=dt,
            title=row.get("title") or None,
            source="manifest",
        )
    if problems:
        raise ManifestError(f"manifest {path}: " + "; ".join(problems), options=MANIFEST_COLUMNS)
    return out


def _merge_meta(inferred: DocumentMeta, given: DocumentMeta | None) -> DocumentMeta:
    if given is None:
        return inferred
    return DocumentMeta(
        region=given.region or inferred.region,
        year=given.year or inferred.year,
        doc_type=given.doc_type or inferred.doc_type,
        title=given.title or inferred.title,
        source="manifest",
    )


def _hashed(
    files: list[Path],
    store: Store,
    report: IngestReport,
    progress: ProgressFn | None,
    total: int,
    dups: list[tuple[str, str]],
) -> Iterator[tuple[str, tuple]]:
    """New files as worker tasks; files already in the store are reported as skipped.

    A file with the same content as one earlier in this run goes to ``dups``
    as (path, first path): whether it counts as skipped or failed depends on
    how the first one fares.
    """
    seen: dict[str, str] = {}
    for f in files:
        try:
            sha = sha256_file(f)
        except OSError as exc:
            report.failed.append((str(f), "unreadable", f"cannot read file: {exc.strerror or exc}"))
            store.record_error(
                str(f), None, "unreadable", f"cannot read file: {exc}", report.run_id
            )
            if progress:
                progress("failed", str(f), 0, total)
            continue
        existing = store.doc_id_for_sha(sha)
        if existing or sha in seen:
            if existing:
                report.skipped.append((str(f), existing))
            else:
                dups.append((str(f), seen[sha]))
            if progress:
                progress("skipped", str(f), 0, total)
            continue
        seen[sha] = str(f)
        yield str(f), (str(f), sha)


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    options: IngestOptions | None = None,
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Ingest files and folders into ``store``; never stops on a bad file.

    Each new document is extracted in a worker process under a time limit
    and written in its own transaction; failures are recorded in the
    store's problems table and listed in the report.
    """
    opts = options or IngestOptions()
    manifest = read_manifest(opts.manifest) if opts.manifest else {}
    report = IngestReport()
    report.run_id = store.start_run("ingest")
    files, missing = discover(paths)
    total = len(files)
    for path, code, msg in missing:
        report.failed.append((path, code, msg))
        store.record_error(path, None, code, msg, report.run_id)
    dups: list[tuple[str, str]] = []
    tasks = (
        (key, (*args, opts.extract))
        for key, args in _hashed(files, store, report, progress, total, dups)
    )
    batch: list[tuple[str, ProcessedDocument, DocumentMeta]] = []
    batch_pages, batch_started = 0, time.monotonic()

    def flush() -> None:
        nonlocal batch_pages
        # a document delivered twice (a task rerun elsewhere) is stored once: sha256 decides
        fresh = []
        for item in batch:
            existing = store.doc_id_for_sha(item[1].doc.sha256)
            if existing:
                report.skipped.append((item[0], existing))
            else:
                fresh.append(item)
        batch[:] = fresh
        if not batch:
            return
        ids = store.add_documents([(pd, meta) for _, pd, meta in batch], report.run_id, __version__)
        for (path, pd, _), doc_id in zip(batch, ids, strict=True):
            report.stored.append((path, doc_id))
            report.pages += pd.doc.n_pages
            report.segments += len(pd.segments)
            for p in pd.doc.problems:
                report.warnings[p.code] += 1
                files_with = report.warning_files.setdefault(p.code, [])
                if path not in files_with:
                    files_with.append(path)
        batch.clear()
        batch_pages = 0

    def _collect(res) -> None:
        nonlocal batch_pages, batch_started
        path = res.key
        report.worker_peak_mb = max(report.worker_peak_mb, res.peak_rss_mb)
        if res.ok:
            pd = res.value
            pd.doc.path = path  # as given, whichever path the worker read
            if not batch:
                batch_started = time.monotonic()
            batch.append((path, pd, _merge_meta(pd.meta, manifest.get(Path(path).resolve()))))
            batch_pages += pd.doc.n_pages
            # a few documents per transaction: commits are costly, and a crash loses
            # at most this batch, which the rerun extracts again
            full = batch_pages >= BATCH_PAGES or len(batch) >= max(1, opts.batch_docs)
            if full or time.monotonic() - batch_started > BATCH_SECONDS:
                flush()
            event = "stored"
        else:
            report.failed.append((path, res.code, res.message))
            store.record_error(path, None, res.code, res.message, report.run_id)
            event = "failed"
        if progress:
            progress(event, path, 0, total)

    executor = opts.executor or make_executor(opts.workers, opts.scheduler)
    if not isinstance(executor, LocalExecutor):
        # remote workers have their own working directory: give them absolute paths
        tasks = ((key, (str(Path(args[0]).resolve()), *args[1:])) for key, args in tasks)
    try:
        for res in executor.run(
            process_file, tasks, timeout=opts.timeout, max_memory_mb=opts.max_memory_mb
        ):
            _collect(res)
    finally:
        if opts.executor is None:
            executor.close()
    flush()
    stored = dict(report.stored)
    failed = {path: (code, msg) for path, code, msg in report.failed}
    for path, first in dups:
        if first in stored:
            report.skipped.append((path, stored[first]))
        else:  # every input is accounted for: a copy of a failed file fails the same way
            code, msg = failed.get(first, ("extract_failed", "was not stored"))
            msg = f"same content as {first}, which failed: {msg}"
            report.failed.append((path, code, msg))
            store.record_error(path, None, code, msg, report.run_id)
    store.finish_run(report.run_id, len(report.stored), len(report.skipped), len(report.failed))
    return report
