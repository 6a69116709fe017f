"""OCR through PyMuPDF's Tesseract binding, used for scans and garbled text layers."""

from __future__ import annotations

import os
import shutil
from functools import lru_cache


@lru_cache(maxsize=1)
def tessdata_dir() -> str | None:
    """The Tesseract language folder, or None when Tesseract is not installed."""
    env = os.environ.get("TESSDATA_PREFIX")
    if env and os.path.isdir(env):
        return env
    if not shutil.which("tesseract"):
        return None
    try:
        import pymupdf

        return pymupdf.get_tessdata()
    except Exception:  # noqa: BLE001 - any failure means "no usable Tesseract"
        return None


def available_languages() -> set[str]:
    """Installed Tesseract languages (``rus``, ``eng``...)."""
    d = tessdata_dir()
    if not d:
        return set()
    return {f[:-12] for f in os.listdir(d) if f.endswith(".traineddata")}


def ocr_language(wanted: str = "rus+eng") -> str | None:
    """The subset of ``wanted`` languages that is installed, joined by ``+``; None if none."""
    have = available_languages()
    langs = [x for x in wanted.split("+") if x in have]
    return "+".join(langs) or None


MAX_OCR_PIXELS = 40_000_000  # an A4 page at 200 dpi is ~3.7 million


def ocr_dpi(width_pt: float, height_pt: float, dpi: int) -> int:
    """The OCR resolution for a page: ``dpi``, lowered so the image stays under MAX_OCR_PIXELS.

    A hostile (or CAD-exported) page of 200 x 200 inches rendered at 200 dpi
    would be 1.6 billion pixels, gigabytes of memory for one page.
    """
    area_in2 = max(width_pt, 1.0) / 72 * max(height_pt, 1.0) / 72
    return max(10, min(dpi, int((MAX_OCR_PIXELS / area_in2) ** 0.5)))


def ocr_page_dict(page, language: str, dpi: int = 200) -> dict:
    """OCR one page and return its text in PyMuPDF "dict" form.

    The page object must stay referenced while its OCR text page is used
    (PyMuPDF raises ReferenceError otherwise), hence both live here.
    """
    dpi = ocr_dpi(page.rect.width, page.rect.height, dpi)
    tp = page.get_textpage_ocr(language=language, dpi=dpi, full=True, tessdata=tessdata_dir())
    return page.get_text("dict", textpage=tp)
