"""Generate the textcoop sample corpus into ``corpora/sample/``.

Everything produced here is fictional text written for the project: policy
documents of three invented regions (two Russian, one English), a one-year
action plan and open-ended answers of an invented enterprise survey.  The
document texts live in ``sample_docs.py`` and the survey answers in
``sample_survey_rows.py`` next to this script.

The PDFs are typeset line by line with embedded DejaVu fonts, so that they
behave like real government PDFs: justified text with words hyphenated across
line ends, running headers and page numbers, ruled tables that
``page.find_tables()`` detects, and a two-column layout in one document.
Output is deterministic (fixed metadata, no random file IDs, fixed-seed
shuffle of the survey rows).

Usage::

    .venv/bin/python corpora/make_sample.py
"""

from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf
from sample_docs import DOCUMENTS, EN_HYPHENATION
from sample_survey_rows import DISTRICTS, REGIONS, SURVEY_ROWS

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "sample"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "serif": {
        "regular": "DejaVuSerif.ttf",
        "bold": "DejaVuSerif-Bold.ttf",
        "italic": "DejaVuSerif-Italic.ttf",
    },
    "sans": {
        "regular": "DejaVuSans.ttf",
        "bold": "DejaVuSans-Bold.ttf",
        "italic": "DejaVuSans-Oblique.ttf",
    },
}
PAGE_W, PAGE_H = pymupdf.paper_size("a4")
FIXED_DATE = "D:20250301120000+03'00'"
BLACK = (0.0, 0.0, 0.0)
HEADER_FILL = (0.9, 0.9, 0.9)
CYR_VOWELS = frozenset("аеёиоуыэюя")
NO_LINE_START = frozenset("ьъй")
ONSET_FIRST = frozenset("бвгдзкпстфх")  # with р/л they start a syllable: пр-, кл-
LEAD_PUNCT = "«(\"“'"
TRAIL_PUNCT = ".,;:!?»)\"”'"
DASHES = frozenset({"—", "–"})
# Wider word gaps make MuPDF split a justified line into several lines.
MAX_GAP = 0.7
SURVEY_SEED = 20250301
SURVEY_COLUMNS = [
    "resp_id",
    "region",
    "enterprise_size",
    "district",
    "q_barriers",
    "q_support",
]

Color = tuple[float, float, float]
Line = list[str]


@dataclass(frozen=True)
class Layout:
    """Page geometry and typographic settings of one document."""

    family: str = "serif"
    lang: str = "ru"
    header: str = ""
    footer: str = "{n}"
    margins: tuple[float, float, float, float] = (85.0, 62.0, 42.5, 57.0)
    size: float = 11.0
    leading: float = 1.3
    indent: float = 35.0
    para_gap: float = 1.0
    h1_size: float = 14.0
    h2_size: float = 13.0
    heading_color: Color = BLACK
    col_gap: float = 20.0
    bullet: str = "–"
    number_format: str = "{})"
    hyphen_zone: float = 12.0
    table_size: float = 9.5


def tokenize(text: str) -> list[str]:
    """Split text into words; a free-standing dash sticks to the word before.

    ``~`` in the source text is a non-breaking space: it keeps two words
    together on one line and is printed as an ordinary space.
    """
    tokens: list[str] = []
    for token in text.split():
        if token in DASHES and tokens:
            tokens[-1] += "~" + token
        else:
            tokens.append(token)
    return tokens


def russian_break_points(word: str) -> list[int]:
    """Return simplified Russian hyphenation points (indices) of a word.

    Breaks go between a vowel and a consonant-vowel pair or between two
    consonants; both parts must contain a vowel and have two or more letters,
    and ``ь``, ``ъ``, ``й`` never start the second part.
    """
    low = word.lower()
    points = []
    for i in range(2, len(low) - 1):
        prev, cur, nxt = low[i - 1], low[i], low[i + 1]
        if cur in NO_LINE_START:
            continue
        if not (CYR_VOWELS & set(low[:i]) and CYR_VOWELS & set(low[i:])):
            continue
        if cur in CYR_VOWELS or (prev in ONSET_FIRST and cur in "рл"):
            continue
        if prev not in CYR_VOWELS or nxt in CYR_VOWELS:  # C-C or V-CV
            points.append(i)
    return points


def english_dictionary(words: str) -> dict[str, list[int]]:
    """Turn ``"man-u-fac-tur-ers co-op-er-a-tion"`` into break-point lists."""
    table: dict[str, list[int]] = {}
    for entry in words.split():
        points, pos = [], 0
        for part in entry.split("-")[:-1]:
            pos += len(part)
            points.append(pos)
        table[entry.replace("-", "")] = points
    return table


class Typesetter:
    """Lay out text blocks on A4 pages of a new PDF, line by line."""

    def __init__(self, layout: Layout) -> None:
        """Open an empty document and start the first page."""
        self.lay = layout
        self.doc = pymupdf.open()
        files = FONT_FILES[layout.family]
        self.font_files = {s: str(FONT_DIR / f) for s, f in files.items()}
        self.fonts = {s: pymupdf.Font(fontfile=f) for s, f in self.font_files.items()}
        self.en_points = english_dictionary(EN_HYPHENATION)
        left, top, right, bottom = layout.margins
        self.left, self.top = left, top
        self.right, self.bottom = PAGE_W - right, PAGE_H - bottom
        self.ncols = 1
        self.frame = 0
        self.col_top = self.y = top
        self.page: pymupdf.Page | None = None
        self.shape: pymupdf.Shape | None = None
        self.new_page()

    # ----------------------------------------------------------- page flow
    def fontname(self, style: str) -> str:
        """Resource name of an embedded font style on every page."""
        return f"{self.lay.family}{style}"

    def new_page(self) -> None:
        """Finish the current page and start a new one with header/footer."""
        if self.shape is not None:
            self.shape.commit()
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        for style, fontfile in self.font_files.items():
            self.page.insert_font(fontname=self.fontname(style), fontfile=fontfile)
        self.shape = self.page.new_shape()
        self.frame = 0
        self.col_top = self.y = self.top
        if self.doc.page_count > 1:
            self.running_texts()

    def running_texts(self) -> None:
        """Draw the running header (with a rule) and the footer page number."""
        grey, full = (0.25, 0.25, 0.25), self.right - self.left
        size = max(6.5, min(7.5, 7.4 * full / self.width(self.lay.header, "italic", 7.5)))
        lines = self.wrap(self.lay.header, "italic", size, full, hyphenate="none")
        for i, words in enumerate(lines):
            text = " ".join(words)
            x = (self.left + self.right - self.width(text, "italic", size)) / 2
            y = self.top - 26 - (len(lines) - 1 - i) * size * 1.2
            self.put(x, y, text, "italic", size, grey)
        self.shape.draw_line((self.left, self.top - 20), (self.right, self.top - 20))
        self.shape.finish(color=BLACK, width=0.4)
        footer = self.lay.footer.format(n=self.doc.page_count)
        width = self.width(footer, "regular", 9)
        x = (self.left + self.right - width) / 2
        self.put(x, self.bottom + 28, footer, "regular", 9, BLACK)

    def frames(self) -> list[tuple[float, float]]:
        """Horizontal extents of the text columns of the current layout."""
        if self.ncols == 1:
            return [(self.left, self.right)]
        width = (self.right - self.left - self.lay.col_gap) / 2
        return [(self.left, self.left + width), (self.right - width, self.right)]

    @property
    def x0(self) -> float:
        """Left edge of the current column."""
        return self.frames()[self.frame][0]

    @property
    def x1(self) -> float:
        """Right edge of the current column."""
        return self.frames()[self.frame][1]

    def at_frame_top(self) -> bool:
        """True if nothing has been set yet in the current column."""
        return abs(self.y - self.col_top) < 0.01

    def next_frame(self) -> None:
        """Continue in the next column, or on a new page after the last one."""
        if self.frame + 1 < self.ncols:
            self.frame += 1
            self.y = self.col_top
        else:
            self.new_page()

    def ensure(self, height: float) -> None:
        """Move to the next column/page unless ``height`` points still fit."""
        if self.y + height > self.bottom + 0.01 and not self.at_frame_top():
            self.next_frame()

    def set_columns(self, n: int) -> None:
        """Switch to ``n`` columns; going back to fewer starts a new page."""
        if n == self.ncols:
            return
        if n < self.ncols and not (self.frame == 0 and self.at_frame_top()):
            self.new_page()
        self.ncols, self.frame, self.col_top = n, 0, self.y

    def page_break(self) -> None:
        """Start a new page unless the current one is still empty."""
        if not (self.frame == 0 and self.at_frame_top() and self.y == self.top):
            self.new_page()

    def space(self, points: float) -> None:
        """Add vertical space (ignored at the top of a column)."""
        if not self.at_frame_top():
            self.y += points

    # ------------------------------------------------------ words and lines
    def width(self, text: str, style: str, size: float) -> float:
        """Printed width of ``text`` in points."""
        return self.fonts[style].text_length(text.replace("~", " "), fontsize=size)

    def put(
        self, x: float, baseline: float, text: str, style: str, size: float, color: Color
    ) -> None:
        """Write one piece of text at an absolute baseline position."""
        self.shape.insert_text(
            (x, baseline),
            text.replace("~", " "),
            fontname=self.fontname(style),
            fontsize=size,
            color=color,
        )

    def break_points(self, core: str, mode: str) -> list[int]:
        """Indices where ``core`` (a word without punctuation) may be split.

        ``mode`` is ``"all"`` (hyphenate) or ``"hyphens"`` (only after a hyphen
        that is part of the word, as in headings).
        """
        if "~" in core or len(core) < 5:
            return []
        if "-" in core:  # after the word's own hyphen, or inside one of its parts
            points, offset = [], 0
            for part in core.split("-"):
                if offset:
                    points.append(offset)
                points += [offset + p for p in self.break_points(part, mode)]
                offset += len(part) + 1
            return [p for p in points if 2 <= p <= len(core) - 2]
        if mode != "all" or not core.isalpha() or core.isupper():
            return []
        if self.lay.lang == "en":
            return self.en_points.get(core.lower(), [])
        if all("а" <= ch <= "я" or ch == "ё" for ch in core.lower()):
            return russian_break_points(core)
        return []

    def split_word(
        self, word: str, room: float, style: str, size: float, mode: str = "all"
    ) -> tuple[str, str] | None:
        """Hyphenate ``word`` so that its head fits into ``room`` points."""
        core = word.lstrip(LEAD_PUNCT)
        lead = word[: len(word) - len(core)]
        trail = core[len(core.rstrip(TRAIL_PUNCT)) :]
        core = core.rstrip(TRAIL_PUNCT)
        for point in reversed(self.break_points(core, mode)):
            head = lead + core[:point]
            if not head.endswith("-"):
                head += "-"
            if self.width(head, style, size) <= room:
                return head, core[point:] + trail
        return None

    def wrap(
        self,
        text: str,
        style: str,
        size: float,
        width: float,
        first_width: float | None = None,
        hyphenate: str = "all",
    ) -> list[Line]:
        """Greedy line breaking; ``hyphenate`` is all/hyphens/none.

        A word is split only if the line would otherwise end more than the
        hyphenation zone before the right margin.
        """
        space = self.width(" ", style, size)
        queue = list(reversed(tokenize(text)))
        lines: list[Line] = []
        line: Line = []
        used = 0.0
        while queue:
            word = queue.pop()
            avail = first_width if first_width is not None and not lines else width
            need = self.width(word, style, size) + (used + space if line else 0.0)
            if need <= avail:
                line.append(word)
                used = need
                continue
            room = avail - used - (space if line else 0.0)
            piece = None
            if hyphenate != "none" and avail - used > self.lay.hyphen_zone:
                piece = self.split_word(word, room, style, size, hyphenate)
            if piece:
                line.append(piece[0])
                queue.append(piece[1])
            elif line:
                queue.append(word)
            else:
                line.append(word)
            lines.append(line)
            line, used = [], 0.0
        if line:
            lines.append(line)
        return lines

    def draw_line(
        self,
        words: Line,
        x: float,
        width: float,
        style: str,
        size: float,
        align: str = "left",
        color: Color = BLACK,
    ) -> None:
        """Set one line at the current y; ``align`` is left/center/right/justify.

        Unstretched lines are written as one string with real spaces; justified
        lines word by word with widened gaps (as many PDF producers do).
        """
        sizes = [self.width(w, style, size) for w in words]
        space = self.width(" ", style, size)
        natural = sum(sizes) + space * (len(words) - 1)
        gap = space
        if align == "justify" and len(words) > 1:
            stretched = space + (width - natural) / (len(words) - 1)
            gap = min(stretched, MAX_GAP * size)
        elif align == "center":
            x += (width - natural) / 2
        elif align == "right":
            x += width - natural
        baseline = self.y + 0.95 * size
        if gap == space:
            self.put(x, baseline, " ".join(words), style, size, color)
            return
        for word, word_width in zip(words, sizes, strict=True):
            self.put(x, baseline, word, style, size, color)
            x += word_width + gap

    # -------------------------------------------------------------- blocks
    def paragraph(
        self,
        text: str,
        *,
        style: str = "regular",
        size: float | None = None,
        align: str = "justify",
        indent: float | None = None,
        gap: float | None = None,
        hyphenate: str = "all",
        color: Color = BLACK,
    ) -> None:
        """Typeset a paragraph with first-line indent, flowing across columns."""
        size = size or self.lay.size
        indent = self.lay.indent / self.ncols if indent is None else indent
        lead = size * self.lay.leading
        width = self.x1 - self.x0
        lines = self.wrap(text, style, size, width, width - indent, hyphenate)
        for i, words in enumerate(lines):
            self.ensure(lead)
            shift = indent if i == 0 else 0.0
            last = i == len(lines) - 1
            how = "left" if align == "justify" and last else align
            self.draw_line(words, self.x0 + shift, width - shift, style, size, how, color)
            self.y += lead
        self.y += self.lay.para_gap if gap is None else gap

    def heading(self, text: str, level: int) -> None:
        """Bold heading kept together with the first lines that follow it."""
        size = self.lay.h1_size if level == 1 else self.lay.h2_size
        lines = self.wrap(text, "bold", size, self.x1 - self.x0, hyphenate="hyphens")
        lead = size * 1.2
        self.space(size * (0.9 if level == 1 else 0.6))
        follow = 3 * self.lay.size * self.lay.leading
        if level == 1:
            follow += 2 * self.lay.h2_size * 1.2
        self.ensure(len(lines) * lead + follow)
        for words in lines:
            width = self.x1 - self.x0
            self.draw_line(words, self.x0, width, "bold", size, "left", self.lay.heading_color)
            self.y += lead
        self.y += size * 0.35

    def centered(self, text: str, size: float, bold: bool) -> None:
        """Centered lines (title page, captions); ``\\n`` forces a line break."""
        style = "bold" if bold else "regular"
        for part in text.split("\n"):
            self.paragraph(
                part,
                style=style,
                size=size,
                align="center",
                indent=0,
                gap=0,
                hyphenate="none",
            )

    def stamp(self, text: str) -> None:
        """Approval stamp in the right part of the first page (УТВЕРЖДЕНА ...)."""
        size = self.lay.size
        x = self.left + 0.56 * (self.right - self.left)
        for part in text.split("\n"):
            for words in self.wrap(part, "regular", size, self.right - x, None, "none"):
                self.draw_line(words, x, self.right - x, "regular", size)
                self.y += size * 1.25

    def signature(self, left: str, right: str) -> None:
        """Signature line: position on the left, name flush right."""
        size = self.lay.size
        self.ensure(3 * size)
        self.space(2 * size)
        self.draw_line(tokenize(left), self.x0, self.x1 - self.x0, "regular", size)
        self.draw_line(tokenize(right), self.x0, self.x1 - self.x0, "regular", size, "right")
        self.y += size * 1.3

    def item_list(self, items: list[str], numbered: bool) -> None:
        """Bulleted or numbered list with hanging indent."""
        size, lead = self.lay.size, self.lay.size * self.lay.leading
        label_x = self.lay.indent / (2 * self.ncols)
        hang = label_x + (18.0 if numbered else 12.0)
        for number, item in enumerate(items, 1):
            label = self.lay.number_format.format(number) if numbered else self.lay.bullet
            width = self.x1 - self.x0 - hang
            lines = self.wrap(item, "regular", size, width)
            for i, words in enumerate(lines):
                self.ensure(lead)
                if i == 0:
                    self.draw_line([label], self.x0 + label_x, hang, "regular", size)
                how = "left" if i == len(lines) - 1 else "justify"
                self.draw_line(words, self.x0 + hang, width, "regular", size, how)
                self.y += lead
            self.y += self.lay.para_gap + 1.0
        self.y += 2.0

    def table(self, spec: dict[str, Any]) -> None:
        """Ruled table; rows move to the next column/page, header repeated.

        ``spec``: ``widths`` (relative), ``rows``, optional ``header``,
        ``align`` (one of l/c/r per column), ``bold_first`` (bold first
        column).  A cell starting with ``**`` is set in bold.
        """
        size = spec.get("size", self.lay.table_size)
        lead, pad = size * 1.25, 3.0
        align = spec.get("align", "l" * len(spec["widths"]))
        total = sum(spec["widths"])

        def layout_row(cells: list[str], header: bool) -> tuple[float, list[Any]]:
            columns = [w / total * (self.x1 - self.x0) for w in spec["widths"]]
            laid = []
            for col, (cell, width) in enumerate(zip(cells, columns, strict=True)):
                bold = (
                    header or cell.startswith("**") or (col == 0 and spec.get("bold_first", False))
                )
                style = "bold" if bold else "regular"
                lines = [
                    line
                    for part in cell.removeprefix("**").split("\n")
                    for line in self.wrap(part, style, size, width - 2 * pad)
                ]
                how = "c" if header else align[col]
                laid.append((width, lines, style, how))
            height = max(len(c[1]) for c in laid) * lead + 2 * pad
            return height, laid

        def draw_row(height: float, laid: list[Any], header: bool) -> None:
            x = self.x0
            for width, _lines, _style, _how in laid:
                self.shape.draw_rect(pymupdf.Rect(x, self.y, x + width, self.y + height))
                x += width
            self.shape.finish(color=BLACK, fill=HEADER_FILL if header else None, width=0.6)
            x, top = self.x0, self.y
            names = {"l": "left", "c": "center", "r": "right"}
            for width, lines, style, how in laid:
                self.y = top + pad
                for words in lines:
                    self.draw_line(words, x + pad, width - 2 * pad, style, size, names[how])
                    self.y += lead
                x += width
            self.y = top + height

        header = spec.get("header")
        rows = [layout_row(r, False) for r in spec["rows"]]
        head = layout_row(header, True) if header else None
        self.ensure((head[0] if head else 0) + rows[0][0])
        if head:
            draw_row(head[0], head[1], True)
        for height, laid in rows:
            if self.y + height > self.bottom:
                self.next_frame()
                if header:
                    head = layout_row(header, True)  # column width may differ
                    draw_row(head[0], head[1], True)
            draw_row(height, laid, False)
        self.y += 8.0

    # ----------------------------------------------------------- document
    def render(self, blocks: list[tuple[Any, ...]]) -> None:
        """Typeset a list of ``(kind, *args)`` blocks from ``sample_docs``."""
        for kind, *args in blocks:
            if kind == "p":
                self.paragraph(args[0])
            elif kind in ("h1", "h2"):
                self.heading(args[0], int(kind[1]))
            elif kind in ("ul", "ol"):
                self.item_list(args[0], kind == "ol")
            elif kind == "table":
                self.table(args[0])
            elif kind == "center":
                self.centered(*args)
            elif kind == "right":
                for part in args[0].split("\n"):
                    self.paragraph(part, align="right", indent=0, gap=0, hyphenate="none")
                self.y += self.lay.para_gap
            elif kind == "caption":
                self.paragraph(args[0], style="bold", align="left", indent=0, gap=4)
            elif kind == "stamp":
                self.stamp(args[0])
            elif kind == "signature":
                self.signature(*args)
            elif kind == "space":
                self.y += args[0]
            elif kind == "pagebreak":
                self.page_break()
            elif kind == "columns":
                self.set_columns(args[0])
            else:
                raise ValueError(f"unknown block kind {kind!r}")

    def save(self, path: Path, meta: dict[str, str]) -> None:
        """Embed font subsets and save with fixed metadata and no file ID."""
        self.shape.commit()
        self.doc.set_metadata(
            {
                **meta,
                "creator": "textcoop corpora/make_sample.py",
                "producer": "PyMuPDF",
                "creationDate": FIXED_DATE,
                "modDate": FIXED_DATE,
            }
        )
        self.doc.subset_fonts()
        self.doc.save(path, garbage=3, deflate=True, no_new_id=True)
        self.doc.close()


def build_pdf(spec: dict[str, Any]) -> Path:
    """Typeset one document from ``sample_docs.DOCUMENTS`` and save it."""
    setter = Typesetter(Layout(**spec["layout"]))
    setter.render(spec["blocks"])
    path = OUT_DIR / spec["filename"]
    setter.save(path, spec["meta"])
    return path


def write_survey(path: Path) -> Path:
    """Write the survey answers as UTF-8 CSV in a fixed pseudo-random order."""
    rows = list(SURVEY_ROWS)
    random.Random(SURVEY_SEED).shuffle(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SURVEY_COLUMNS)
        for number, (region, size, district, barriers, support) in enumerate(rows, 1):
            writer.writerow(
                [
                    f"R{number:03d}",
                    REGIONS[region],
                    size,
                    DISTRICTS[district],
                    barriers,
                    support,
                ]
            )
    return path


def main() -> None:
    """Generate all sample files and print page counts and checksums."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    paths = [build_pdf(spec) for spec in DOCUMENTS]
    paths.append(write_survey(OUT_DIR / "survey_answers.csv"))
    total = 0
    for path in paths:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        info = ""
        if path.suffix == ".pdf":
            with pymupdf.open(path) as doc:
                info = f"{doc.page_count} pages"
                total += doc.page_count
        print(f"{path.relative_to(HERE.parent)}  {info:>9}  sha256:{digest}")
    print(f"total PDF pages: {total}")


if __name__ == "__main__":
    main()
