"""Extract stage: files in, page-anchored segments out. Knows nothing of themes or stores.

``process_file`` is what a worker process runs for one document; it returns
a picklable ``ProcessedDocument`` or raises ``ExtractionError`` with a reason.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from textcoop.errors import ExtractionError
from textcoop.extract.pdf import PdfOptions
from textcoop.types import ExtractedDocument, Problem, ProcessedDocument

SUPPORTED = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".md": "markdown",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


@dataclass
class ExtractOptions:
    """Limits and choices for extraction; shared by every worker."""

    pdf: PdfOptions = field(default_factory=PdfOptions)
    max_file_mb: float = 500.0


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """Content hash of a file, read in chunks (documents can be hundreds of MB)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def sniff_format(path: str | os.PathLike) -> str:
    """The real format of a file from its first bytes, falling back on the extension.

    A ``.pdf`` that is really an HTML error page (common with downloads from
    government sites) is read as HTML, not reported as a corrupt PDF.
    """
    p = Path(path)
    with open(p, "rb") as f:
        head = f.read(2048)
    if not head:
        raise ExtractionError(
            "file is empty (0 bytes)", reason="empty_file", hint="re-download the file"
        )
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    low = head.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low[:512]:
        return "html"
    ext = SUPPORTED.get(p.suffix.lower())
    if ext == "pdf":
        raise ExtractionError(
            "file has a .pdf name but is not a PDF (no %PDF header)",
            reason="corrupt",
            hint="re-download the file",
        )
    if ext in ("docx", "image"):
        raise ExtractionError(
            f"file has a {p.suffix} name but its content is not {ext}", reason="corrupt"
        )
    if ext is None:
        if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
            raise ExtractionError(
                f"unsupported binary file type {p.suffix or '(no extension)'}",
                reason="unsupported",
                options=sorted(SUPPORTED),
            )
        raise ExtractionError(
            f"unsupported file type {p.suffix or '(no extension)'}",
            reason="unsupported",
            options=sorted(SUPPORTED),
        )
    return ext


def extract_file(
    path: str, sha256: str, options: ExtractOptions | None = None
) -> ExtractedDocument:
    """Dispatch a file to its extractor by its sniffed format."""
    opts = options or ExtractOptions()
    size = os.path.getsize(path)
    if size > opts.max_file_mb * 1_000_000:
        raise ExtractionError(
            f"file is {size / 1e6:.0f} MB, over the {opts.max_file_mb:.0f} MB limit",
            reason="too_large",
            hint="raise --max-file-mb if this is intended",
        )
    fmt = sniff_format(path)
    problems: list[Problem] = []
    ext_fmt = SUPPORTED.get(Path(path).suffix.lower())
    if ext_fmt and ext_fmt != fmt and not (ext_fmt == "markdown" and fmt == "text"):
        problems.append(
            Problem("warning", "wrong_extension", f"file named {Path(path).suffix} is really {fmt}")
        )
    if fmt in ("pdf", "image"):
        from textcoop.extract.pdf import extract_pdf

        doc = extract_pdf(path, sha256, opts.pdf, image=fmt == "image")
    elif fmt == "docx":
        from textcoop.extract.docx import extract_docx

        doc = extract_docx(path, sha256)
    else:
        data = Path(path).read_bytes()
        if fmt == "html":
            from textcoop.extract.html import extract_html

            doc = extract_html(path, sha256, data)
        else:
            from textcoop.extract.text import extract_text

            doc = extract_text(path, sha256, data, markdown=fmt == "markdown")
    doc.problems = problems + doc.problems
    return doc


def process_file(
    path: str, sha256: str, options: ExtractOptions | None = None
) -> ProcessedDocument:
    """Extract, segment and describe one file: the unit of work of an ingest worker."""
    from textcoop.extract.meta import infer_meta
    from textcoop.extract.regions import region_from_file_name
    from textcoop.extract.segment import segment_document

    doc = extract_file(path, sha256, options)
    page_texts, segments, sentences, language = segment_document(doc)
    head = "\n".join(page_texts[k] for k in sorted(page_texts)[:2])[:4000]
    meta = infer_meta(head, doc.title)
    coded = region_from_file_name(path)
    if coded:
        # A registration code is exact; a title page may name a region in passing.
        meta.region = coded
    if not segments:
        ocr_pages = sum(p.method == "needs_ocr" for p in doc.pages)
        if ocr_pages:
            doc.problems.append(
                Problem("warning", "no_text", f"no text stored: {ocr_pages} page(s) need OCR")
            )
        else:
            doc.problems.append(Problem("warning", "no_text", "the document contains no text"))
    return ProcessedDocument(doc, page_texts, segments, sentences, language, meta)
