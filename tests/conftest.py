"""Shared fixtures: paths to the real corpora, tiny generated PDFs, a fresh store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TEXTCOOP_SHARED", ROOT.parent / "shared")) / "corpora"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@pytest.fixture(scope="session")
def corpora() -> Path:
    """../shared/corpora; missing is a failure under `make test`/CI, a skip elsewhere."""
    if not SHARED.is_dir():
        if os.environ.get("CI") or os.environ.get("TEXTCOOP_REQUIRE_SHARED"):
            pytest.fail(f"real corpora not found at {SHARED}")
        pytest.skip(f"real corpora not found at {SHARED}")
    return SHARED


@pytest.fixture()
def store(tmp_path):
    from textcoop.store import open_store

    with open_store(tmp_path / "t.duckdb") as st:
        yield st


class PdfWriter:
    """Write test PDFs with an embedded Cyrillic font, line by line, at given positions."""

    def __init__(self, width: float = 595, height: float = 842) -> None:
        import pymupdf

        self.doc = pymupdf.open()
        self.width, self.height = width, height
        self.page = None

    def new_page(self):
        self.page = self.doc.new_page(width=self.width, height=self.height)
        self.page.insert_font(fontname="dv", fontfile=FONT)
        self.page.insert_font(fontname="dvb", fontfile=FONT_BOLD)
        return self.page

    def text(self, x: float, y: float, s: str, size: float = 10, bold: bool = False) -> None:
        self.page.insert_text((x, y), s, fontname="dvb" if bold else "dv", fontsize=size)

    def grid(
        self,
        x0: float,
        y0: float,
        col_w: list[float],
        row_h: float,
        rows: list[list[str]],
        size: float = 9,
    ) -> float:
        """Draw a ruled table and fill it; returns the y below it."""
        xs = [x0]
        for w in col_w:
            xs.append(xs[-1] + w)
        ys = [y0 + i * row_h for i in range(len(rows) + 1)]
        for y in ys:
            self.page.draw_line((xs[0], y), (xs[-1], y))
        for x in xs:
            self.page.draw_line((x, ys[0]), (x, ys[-1]))
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                self.text(xs[c] + 3, ys[r] + row_h - 5, cell, size)
        return ys[-1]

    def save(self, path: Path) -> Path:
        self.doc.save(path)
        return path


@pytest.fixture()
def pdf_writer():
    return PdfWriter
