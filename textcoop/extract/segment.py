"""From extracted pages to stored segments: page text, section paths, offsets, sentences.

Every later stage cites text by (document, page, offsets into the page
text), so the page text is built here from the blocks and each segment's
offsets slice back to exactly its text.
"""

from __future__ import annotations

from collections import Counter

from textcoop.extract.language import detect_lang
from textcoop.extract.sentences import split_spans
from textcoop.types import ExtractedDocument, Segment, Sentence

BLOCK_SEP = "\n\n"


def segment_document(
    doc: ExtractedDocument,
) -> tuple[dict[int, str], list[Segment], list[Sentence], str]:
    """Page texts, segments and sentences of a document, and its main language."""
    page_texts: dict[int, str] = {}
    segments: list[Segment] = []
    sentences: list[Sentence] = []
    section: list[tuple[int, str]] = []  # (level, heading text)
    lang_chars: Counter = Counter()
    seg_no = 0
    for page in doc.pages:
        parts: list[str] = []
        pos = 0
        page_lang = "other"
        for block in page.blocks:
            text = block.text
            if not text:
                continue
            if parts:
                pos += len(BLOCK_SEP)
            start, end = pos, pos + len(text)
            parts.append(text)
            pos = end
            if block.kind == "heading":
                while section and section[-1][0] >= block.level:
                    section.pop()
                section.append((block.level, text[:200]))
            lang = detect_lang(text, default=page_lang)
            if lang != "other" or page_lang == "other":
                page_lang = lang
            lang_chars[lang] += len(text)
            segments.append(
                Segment(
                    seg_no=seg_no,
                    page_no=page.page_no,
                    kind=block.kind,
                    section=[h for _, h in section],
                    lang=lang,
                    start=start,
                    end=end,
                    text=text,
                    level=block.level,
                    cells=block.cells,
                )
            )
            if block.kind in ("paragraph", "list_item"):
                spans = split_spans(text)
            else:
                spans = [(0, len(text))]
            for k, (a, b) in enumerate(spans):
                sentences.append(Sentence(seg_no, k, page.page_no, start + a, start + b, text[a:b]))
            seg_no += 1
        page_texts[page.page_no] = BLOCK_SEP.join(parts)
    language = lang_chars.most_common(1)[0][0] if lang_chars else "other"
    return page_texts, segments, sentences, language
