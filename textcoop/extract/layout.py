"""Page layout from PyMuPDF text dicts: lines, running headers/footers, reading order, blocks.

Why not take PyMuPDF's text as it comes: regional programs repeat a running
header on every page ("Государственная программа ... области"), print page
numbers, set strategies in two columns, and break paragraphs into one block
per line. Each of those would pollute theme coverage or split sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from textcoop.extract.textclean import clean_text, join_lines
from textcoop.types import Block

_DIGITS = re.compile(r"\d+")
_PAGE_NO = re.compile(
    r"^[\s\-–—]*(стр\.?|страница|с\.|page|p\.)?\s*\d{1,3}(\s*(из|of|/)\s*\d{1,4})?[\s\-–—]*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^([•●▪■◦○►✓❖➢\-–—*·]\s+|(\d{1,2}|[а-яa-z])\)\s+)")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+[«\"(]?[^\W\d_]")
_HEAD_WORD = re.compile(
    r"^(раздел|глава|подпрограмма|статья|часть|приложение|паспорт|section|chapter|part|annex|appendix|article)\b"
    r"\s*([\dIVXLCМ]+)?",
    re.IGNORECASE,
)
_PART_WORDS = {"подпрограмма", "приложение", "часть", "part", "annex", "appendix"}
_SENT_END = re.compile(r"[.!?;:…»\"]$")


@dataclass
class Line:
    """A text line of a page with its geometry and dominant font."""

    text: str
    bbox: tuple[float, float, float, float]
    size: float
    bold: bool
    block: int

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


def page_lines(page_dict: dict) -> list[Line]:
    """Lines of the text blocks of a ``page.get_text("dict")`` result."""
    out: list[Line] = []
    for b_no, block in enumerate(page_dict.get("blocks", ())):
        if block.get("type", 0) != 0:
            continue
        for line in block.get("lines", ()):
            spans = line.get("spans", ())
            if not spans:
                continue
            text = clean_text("".join(s["text"] for s in spans))
            if not text:
                continue
            # dominant font: the span with the most characters; bold by its flags or name
            main = max(spans, key=lambda s: len(s["text"]))
            bold_chars = sum(
                len(s["text"])
                for s in spans
                if s["flags"] & 16 or "Bold" in s["font"] or "bold" in s["font"]
            )
            out.append(
                Line(
                    text,
                    tuple(line["bbox"]),
                    round(main["size"], 1),
                    bold_chars * 2 > len(text),
                    b_no,
                )
            )
    return out


def _key(text: str) -> str:
    return _DIGITS.sub("#", text.lower()).strip()


def running_lines(
    pages: list[list[Line]], heights: list[float], edge: int = 3
) -> set[tuple[int, int]]:
    """(page index, line index) of running headers, footers and page numbers.

    A line is "running" when the same text (digits ignored) stands among the
    first or last ``edge`` lines of many pages at a similar height, so it is
    found by repetition, not by a fixed margin that would cut real text.
    """
    n_text = sum(1 for p in pages if p)
    found: set[tuple[int, int]] = set()
    groups: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for pi, lines in enumerate(pages):
        if not lines:
            continue
        order = sorted(range(len(lines)), key=lambda i: lines[i].bbox[1])
        cand = order[:edge] + order[-edge:] if len(order) > 2 * edge else order
        extremes = {order[0], order[-1]}
        for li in set(cand):
            ln = lines[li]
            h = heights[pi] or 1.0
            ycen = (ln.bbox[1] + ln.bbox[3]) / 2 / h
            if li in extremes and _PAGE_NO.match(ln.text) and (ycen < 0.15 or ycen > 0.85):
                found.add((pi, li))
                continue
            if len(ln.text) > 200:
                continue
            groups[_key(ln.text)].append((pi, li, ycen))
    if n_text < 2:
        return found
    need = 2 if n_text <= 3 else max(3, math.ceil(0.3 * n_text))
    for occ in groups.values():
        if len({o[0] for o in occ}) < need:
            continue
        occ.sort(key=lambda o: o[2])
        # cluster by vertical position (within 3 % of page height)
        cluster: list[tuple[int, int, float]] = []
        for o in occ + [(-1, -1, 9.0)]:
            if cluster and o[2] - cluster[-1][2] > 0.03:
                if len({c[0] for c in cluster}) >= need:
                    found.update((c[0], c[1]) for c in cluster)
                cluster = []
            cluster.append(o)
    return found


def _gutter(lines: list[Line], width: float) -> float | None:
    """x of a column gutter when the page is set in two columns, else None."""
    narrow = [ln for ln in lines if (ln.bbox[2] - ln.bbox[0]) < 0.55 * width]
    if len(narrow) < 6:
        return None
    best = None
    for step in range(30, 71, 2):
        x = width * step / 100
        left = [ln for ln in lines if ln.bbox[2] <= x + 1]
        right = [ln for ln in lines if ln.bbox[0] >= x - 1]
        cross = len(lines) - len(left) - len(right)
        if len(left) < 3 or len(right) < 3:
            continue
        lo = (min(ln.bbox[1] for ln in left), max(ln.bbox[3] for ln in left))
        ro = (min(ln.bbox[1] for ln in right), max(ln.bbox[3] for ln in right))
        overlap = min(lo[1], ro[1]) - max(lo[0], ro[0])
        if overlap <= 0:
            continue
        score = min(len(left), len(right)) - 3 * cross
        if cross <= 0.15 * len(lines) and (best is None or score > best[0]):
            best = (score, x)
    return best[1] if best and best[0] >= 3 else None


def reading_order(lines: list[Line], width: float) -> list[Line]:
    """Order lines top-down, reading a two-column stretch left column first.

    Lines that cross the gutter (titles, full-width headings) separate
    stretches, so a page can switch between one and two columns.
    """
    by_y = sorted(lines, key=lambda ln: (round(ln.bbox[1] / 3), ln.bbox[0]))
    gx = _gutter(lines, width)
    if gx is None:
        return merge_rows(by_y, None)
    out: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for ln in by_y:
        if ln.bbox[2] <= gx + 1:
            left.append(ln)
        elif ln.bbox[0] >= gx - 1:
            right.append(ln)
        else:
            out += left + right
            left, right = [], []
            out.append(ln)
    return merge_rows(out + left + right, gx)


def merge_rows(lines: list[Line], gutter: float | None) -> list[Line]:
    """Join pieces of one visual line (justified words, TOC leaders, label + value).

    PyMuPDF often reports a printed line as several lines at the same height;
    left apart they become one-word paragraphs.
    """
    out: list[Line] = []
    for ln in lines:
        if out:
            p = out[-1]
            h = max(p.height, ln.height, 1.0)
            same_row = (
                abs(p.bbox[1] - ln.bbox[1]) < 0.5 * h and abs(p.bbox[3] - ln.bbox[3]) < 0.5 * h
            )
            gap = ln.bbox[0] - p.bbox[2]
            crosses = gutter is not None and p.bbox[2] <= gutter + 1 < ln.bbox[0] + 1
            if same_row and -1 <= gap < 4 * max(p.size, 4.0) and not crosses:
                out[-1] = Line(
                    p.text + " " + ln.text,
                    (p.bbox[0], min(p.bbox[1], ln.bbox[1]), ln.bbox[2], max(p.bbox[3], ln.bbox[3])),
                    max(p.size, ln.size) if len(ln.text) > len(p.text) else p.size,
                    p.bold and ln.bold,
                    p.block,
                )
                continue
        out.append(ln)
    return out


@dataclass
class Unit:
    """Lines grouped into one paragraph, heading or list item."""

    lines: list[Line]

    @property
    def text(self) -> str:
        return join_lines([ln.text for ln in self.lines])

    @property
    def size(self) -> float:
        return max(ln.size for ln in self.lines)

    @property
    def bold(self) -> bool:
        return all(ln.bold for ln in self.lines)


def _starts_item(text: str, prev: str = ".") -> bool:
    """Does a line open a new list item or heading (given the previous line's text)?"""
    if _BULLET.match(text) or _HEAD_WORD.match(text):
        return True
    m = _NUMBERED.match(text)
    return bool(m) and (bool(_SENT_END.search(prev)) or text[m.end() - 1].isupper())


def group_units(lines: list[Line], body_size: float) -> list[Unit]:
    """Group ordered lines into paragraphs, list items and headings."""
    units: list[Unit] = []
    # the page's usual gap between lines of one paragraph: a paragraph break is a
    # clearly larger gap, whatever the document's line and paragraph spacing
    gaps = sorted(
        b.bbox[1] - a.bbox[3]
        for a, b in zip(lines, lines[1:], strict=False)
        if -1.0 <= b.bbox[1] - a.bbox[3] < 1.5 * max(a.height, 4.0)
    )
    leading = gaps[len(gaps) // 2] if gaps else 0.0
    for ln in lines:
        if not units:
            units.append(Unit([ln]))
            continue
        prev = units[-1].lines[-1]
        gap = ln.bbox[1] - prev.bbox[3]
        same_col = abs(ln.bbox[0] - prev.bbox[0]) < 0.5 * max(60.0, prev.bbox[2] - prev.bbox[0])
        font_change = abs(ln.size - prev.size) > 0.8 or ln.bold != prev.bold
        new = (
            gap > min(0.9 * max(prev.height, 4.0), max(leading, 0.0) + max(2.5, 0.3 * prev.height))
            or gap < -2 * max(prev.height, 4.0)
            or not same_col
            or font_change
            or _starts_item(ln.text, prev.text)
            or (ln.size >= body_size * 1.15 and prev.size < body_size * 1.15)
        )
        # a paragraph broken into blocks keeps going when it ends mid-sentence
        if (
            new
            and not font_change
            and same_col
            and not _starts_item(ln.text, prev.text)
            and gap < 1.6 * max(prev.height, 4.0)
            and not _SENT_END.search(prev.text)
            and ln.text[:1].islower()
        ):
            new = False
        if new:
            units.append(Unit([ln]))
        else:
            units[-1].lines.append(ln)
    return units


def heading_level(
    text: str, size: float, bold: bool, body_size: float, big_sizes: list[float]
) -> int:
    """Heading level (1-4) of a unit, or 0 when it is not a heading.

    Numbering decides first ("Подпрограмма 1", "Приложение 2" → 1; "Раздел 2",
    "Паспорт", "2." → 2; "2.1." → 3; "2.1.1." → 4); unnumbered headings are
    recognised by a larger or bold font or by capitals, and ranked by font size.
    """
    words = text.split()
    if not words or len(text) > 200 or len(words) > 25:
        return 0
    if text.endswith((",", ";")) or not (text[0].isupper() or text[0].isdigit()):
        return 0
    letters = [c for c in text if c.isalpha()]
    caps = (
        bool(letters)
        and sum(c.isupper() for c in letters) / len(letters) > 0.8
        and len(letters) >= 6
    )
    styled = size >= body_size * 1.12 or (bold and len(words) <= 20) or caps
    m = _HEAD_WORD.match(text)
    if m and len(words) <= 20 and (styled or m.group(2)):
        # parts that contain numbered sections sit above them; the rest are peers of "1."
        return 1 if m.group(1).lower() in _PART_WORDS else 2
    m = _NUMBERED.match(text)
    if m:
        depth = m.group(1).rstrip(".").count(".") + 2
        if styled and not text.endswith(".") and len(words) <= 18:
            return min(depth, 4)
        return 0
    if styled and not text.endswith((".", ":")) and len(words) <= 18:
        if size >= body_size * 1.12:
            rank = sum(1 for s in big_sizes if s > size + 0.5)
            return min(1 + rank, 3)
        return 2
    return 0


def units_to_blocks(units: list[Unit], body_size: float, big_sizes: list[float]) -> list[Block]:
    """Classify units as heading, list item or paragraph."""
    out: list[Block] = []
    for u in units:
        text = u.text
        if not text:
            continue
        x0 = min(ln.bbox[0] for ln in u.lines)
        y0 = min(ln.bbox[1] for ln in u.lines)
        x1 = max(ln.bbox[2] for ln in u.lines)
        y1 = max(ln.bbox[3] for ln in u.lines)
        level = (
            heading_level(text, u.size, u.bold, body_size, big_sizes) if len(u.lines) <= 3 else 0
        )
        if level:
            out.append(Block("heading", text, level=level, bbox=(x0, y0, x1, y1)))
        elif _BULLET.match(text) or _NUMBERED.match(text):
            out.append(Block("list_item", text, bbox=(x0, y0, x1, y1)))
        else:
            out.append(Block("paragraph", text, bbox=(x0, y0, x1, y1)))
    return out


def body_font_size(pages: list[list[Line]]) -> float:
    """The most common font size, weighted by characters: the body text size."""
    c: Counter = Counter()
    for lines in pages:
        for ln in lines:
            c[ln.size] += len(ln.text)
    return c.most_common(1)[0][0] if c else 10.0
