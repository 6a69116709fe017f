"""Plain data passed between stages: extractors produce these, the store keeps them.

Everything here is picklable, so it crosses process boundaries (local worker
pool, Dask) unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]
PageMethod = Literal["text", "ocr", "needs_ocr", "empty"]

DOC_TYPES = ("program", "strategy", "plan", "law", "report", "other")


@dataclass
class Block:
    """A unit of a page in reading order: a heading, paragraph, list item or table row."""

    kind: BlockKind
    text: str
    level: int = 0
    cells: list[str] | None = None
    bbox: tuple[float, float, float, float] | None = None


@dataclass
class Page:
    """One page (a PDF page; the whole text of a TXT/HTML/DOCX file is page 1)."""

    page_no: int
    blocks: list[Block]
    method: PageMethod = "text"
    quality: float = 1.0
    width: float = 0.0
    height: float = 0.0


@dataclass
class Problem:
    """A warning or error about a file or page, recorded in the store."""

    severity: Literal["error", "warning"]
    code: str
    message: str
    page_no: int | None = None


@dataclass
class ExtractedDocument:
    """What an extractor returns for one file, before segmentation."""

    path: str
    sha256: str
    format: str
    n_pages: int
    pages: list[Page]
    title: str | None = None
    info: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Segment:
    """A stored unit of text with its anchors: page, section path, character offsets."""

    seg_no: int
    page_no: int
    kind: BlockKind
    section: list[str]
    lang: str
    start: int
    end: int
    text: str
    level: int = 0
    cells: list[str] | None = None


@dataclass
class Sentence:
    """A sentence of a segment; offsets index the page text like the segment's."""

    seg_no: int
    sent_no: int
    page_no: int
    start: int
    end: int
    text: str


@dataclass
class DocumentMeta:
    """Descriptive metadata: from a manifest, inferred, or edited by the user."""

    region: str | None = None
    year: str | None = None
    doc_type: str | None = None
    title: str | None = None
    source: str = "inferred"


@dataclass
class ProcessedDocument:
    """A document ready to store: pages with their clean text, segments, sentences."""

    doc: ExtractedDocument
    page_texts: dict[int, str]
    segments: list[Segment]
    sentences: list[Sentence]
    language: str
    meta: DocumentMeta
