"""PDF extraction with PyMuPDF: text layer or OCR, layout, tables, page by page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textcoop.errors import ExtractionError
from textcoop.extract import layout, tables
from textcoop.extract.language import GARBLED_BELOW, plausibility
from textcoop.extract.ocr import ocr_language, ocr_page_dict
from textcoop.extract.textclean import clean_text
from textcoop.types import Block, ExtractedDocument, Page, Problem


@dataclass
class PdfOptions:
    """How to read PDFs. ``ocr``: auto (pages without usable text), never, always."""

    ocr: str = "auto"
    ocr_languages: str = "rus+eng"
    ocr_dpi: int = 200
    max_ocr_pages: int = 60
    max_pages: int = 2000
    tables: str = "grid"  # grid (fast, ruled tables), pymupdf (page.find_tables), none


def _open(path: str, image: bool = False):
    import pymupdf

    try:
        if image:  # a scanned page saved as PNG/JPEG/TIFF: wrap it as a PDF to OCR it
            with pymupdf.open(path) as img:
                return pymupdf.open("pdf", img.convert_to_pdf())
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises several types
        raise ExtractionError(
            f"not a readable PDF ({type(exc).__name__}: {exc})",
            reason="corrupt",
            hint="the file may be truncated or not a PDF; re-download or re-export it",
        ) from exc
    if doc.needs_pass and not doc.authenticate(""):
        raise ExtractionError(
            "PDF is encrypted with a password",
            reason="encrypted",
            hint="save an unprotected copy (or remove the password) and ingest that",
        )
    if doc.page_count == 0:
        raise ExtractionError("PDF has no pages", reason="empty_document")
    return doc


_LETTER = re.compile(r"[^\W\d_]")
_JUNK_TITLE = re.compile(
    r"(?i)^(microsoft word|untitled|без имени|документ\d*|title|adobe photoshop)\b|\.(docx?|pdf|rtf|txt)$"
)


def _active_content(doc) -> list[Problem]:
    """Warnings for what a PDF carries besides text: we never run or open it, but say so."""
    out: list[Problem] = []
    if getattr(doc, "is_repaired", False):
        out.append(
            Problem(
                "warning",
                "repaired",
                "the PDF is damaged (truncated or corrupt) and was repaired when opened; text may be missing",
            )
        )
    try:
        n_files = doc.embfile_count()
    except Exception:  # noqa: BLE001 - a broken name tree is no reason to lose the text
        n_files = 0
    if n_files:
        out.append(
            Problem(
                "warning",
                "embedded_files",
                f"the PDF carries {n_files} embedded file(s); they were not opened or stored",
            )
        )
    js = False
    try:
        cat = doc.pdf_catalog()
        for key in ("OpenAction", "AA", "Names/JavaScript"):
            kind, value = doc.xref_get_key(cat, key)
            if kind == "null":
                continue
            if kind == "xref":
                value = doc.xref_object(int(value.split()[0]), compressed=True)
            if key == "Names/JavaScript" or "/JavaScript" in value:
                js = True
    except Exception:  # noqa: BLE001
        pass
    if js:
        out.append(Problem("warning", "javascript", "the PDF contains JavaScript; it was not run"))
    return out


def _pdf_title(meta: dict) -> str | None:
    t = clean_text((meta or {}).get("title") or "")
    if len(t) < 6 or _JUNK_TITLE.search(t) or plausibility(t) < GARBLED_BELOW:
        return None
    return t


def _first_page_title(lines: list[layout.Line], body: float) -> str | None:
    big = [ln for ln in lines if ln.size >= body * 1.25 and len(ln.text) > 3]
    if not big:
        return None
    top = max(ln.size for ln in big)
    parts = [ln.text for ln in sorted(big, key=lambda ln: ln.bbox[1]) if ln.size >= top - 1.0]
    title = clean_text(" ".join(parts))[:300]
    return title or None


def _needs_ocr(page, text: str, quality: float) -> str | None:
    """Why a page needs OCR ("no_text_layer", "garbled_text_layer"), or None."""
    if quality < GARBLED_BELOW and len(_LETTER.findall(text[:200])) >= 20:
        return "garbled_text_layer"
    if len(text) < 200 and len(_LETTER.findall(text)) < 40:
        import pymupdf

        try:
            imgs = page.get_image_info()
        except Exception:  # noqa: BLE001
            imgs = []
        area = abs(page.rect) or 1.0
        covered = sum(abs(page.rect & pymupdf.Rect(i["bbox"])) for i in imgs)
        if covered / area > 0.2:
            return "no_text_layer"
    return None


def _table_rows(
    page, lines: list[layout.Line], mode: str, drawings
) -> tuple[list[tuple], set[int]]:
    """Table rows (y0, x0, cells) on a page and the indices of lines they consumed."""
    rows: list[tuple] = []
    used: set[int] = set()
    if mode == "none":
        return rows, used
    if mode == "pymupdf":
        found = page.find_tables(use_layout=False).tables
        for t in found:
            x0, y0, x1, y1 = t.bbox
            for i, ln in enumerate(lines):
                cx, cy = (ln.bbox[0] + ln.bbox[2]) / 2, (ln.bbox[1] + ln.bbox[3]) / 2
                if x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1:
                    used.add(i)
            for k, r in enumerate(t.extract()):
                cells = [clean_text(c or "") for c in r]
                if any(cells):
                    rows.append((y0 + k * 0.01, x0, cells))
        return rows, used
    for grid in tables.find_grids(drawings):
        inside = []
        for i, ln in enumerate(lines):
            if i in used:
                continue
            cx, cy = (ln.bbox[0] + ln.bbox[2]) / 2, (ln.bbox[1] + ln.bbox[3]) / 2
            if grid.contains(cx, cy):
                inside.append(ln)
                used.add(i)
        for k, cells in enumerate(tables.fill_grid(grid, inside)):
            rows.append((grid.ys[0] + k * 0.01, grid.xs[0], cells))
    return rows, used


def _place_tables(blocks: list[Block], rows: list[tuple]) -> list[Block]:
    """Insert table rows among text blocks by vertical position."""
    if not rows:
        return blocks
    out: list[Block] = []
    pending = sorted(rows, key=lambda r: r[0])
    for b in blocks:
        y = b.bbox[1] if b.bbox else 0.0
        while pending and pending[0][0] <= y:
            r = pending.pop(0)
            out.append(
                Block("table_row", " | ".join(r[2]), cells=r[2], bbox=(r[1], r[0], r[1], r[0]))
            )
        out.append(b)
    for r in pending:
        out.append(Block("table_row", " | ".join(r[2]), cells=r[2], bbox=(r[1], r[0], r[1], r[0])))
    return out


def extract_pdf(
    path: str, sha256: str, options: PdfOptions | None = None, image: bool = False
) -> ExtractedDocument:
    """Read a PDF (or a scanned image) into pages of blocks, with OCR where text is missing or garbled."""
    import pymupdf

    opts = options or PdfOptions()
    doc = _open(path, image)
    n = doc.page_count
    if n > opts.max_pages:
        raise ExtractionError(
            f"PDF has {n} pages, more than the limit of {opts.max_pages}",
            reason="too_many_pages",
            hint="raise the limit with --max-pages if this is intended",
        )
    problems: list[Problem] = [] if image else _active_content(doc)
    flags = pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_PRESERVE_IMAGES
    ocr_lang = ocr_language(opts.ocr_languages) if opts.ocr != "never" else None
    all_lines: list[list[layout.Line]] = []
    heights: list[float] = []
    widths: list[float] = []
    methods: list[str] = []
    qualities: list[float] = []
    drawings: list = []
    ocr_done = 0
    for page in doc:
        d = page.get_text("dict", flags=flags)
        lines = layout.page_lines(d)
        text = "\n".join(ln.text for ln in lines)
        q = plausibility(text)
        method = "text" if lines else "empty"
        why = "forced" if opts.ocr == "always" else _needs_ocr(page, text, q)
        if why:
            if why == "garbled_text_layer":
                problems.append(
                    Problem(
                        "warning",
                        why,
                        "text layer is not readable language (font without a Unicode map)",
                        page.number + 1,
                    )
                )
            if ocr_lang and ocr_done < opts.max_ocr_pages:
                try:
                    od = ocr_page_dict(page, ocr_lang, opts.ocr_dpi)
                    ocr_done += 1
                    o_lines = layout.page_lines(od)
                    oq = plausibility("\n".join(ln.text for ln in o_lines))
                    if why == "forced" and oq < q:
                        pass  # keep the better text layer
                    else:
                        lines, q, method = o_lines, oq, "ocr" if o_lines else "empty"
                except Exception as exc:  # noqa: BLE001 - OCR failures cost the page only
                    problems.append(
                        Problem("warning", "ocr_failed", f"OCR failed: {exc}", page.number + 1)
                    )
                    lines, method = ([] if why == "garbled_text_layer" else lines), "needs_ocr"
            elif why != "forced":
                reason = (
                    "Tesseract is not installed"
                    if not ocr_lang
                    else f"OCR page limit ({opts.max_ocr_pages}) reached"
                )
                if opts.ocr == "never":
                    reason = "OCR is switched off"
                problems.append(
                    Problem("warning", "needs_ocr", f"page needs OCR: {reason}", page.number + 1)
                )
                method = "needs_ocr"
                if why == "garbled_text_layer":
                    lines = []  # never store the gibberish as text
        all_lines.append(lines)
        heights.append(page.rect.height)
        widths.append(page.rect.width)
        methods.append(method)
        qualities.append(q)
        drawings.append(
            page.get_cdrawings() if opts.tables == "grid" and lines and method == "text" else None
        )
    running = layout.running_lines(all_lines, heights)
    if running and len(running) == sum(len(p) for p in all_lines):
        # every line "repeats": the repetition is the content (a form or an annex
        # printed page after page), not a header; dropping it would lose the document
        running = set()
    body = layout.body_font_size(all_lines)
    big_sizes = sorted(
        {ln.size for p in all_lines for ln in p if ln.size >= body * 1.12}, reverse=True
    )
    pages: list[Page] = []
    for pi, lines in enumerate(all_lines):
        keep = [ln for li, ln in enumerate(lines) if (pi, li) not in running]
        if opts.tables == "pymupdf" and methods[pi] == "text":
            rows, used = _table_rows(doc[pi], keep, "pymupdf", None)
        elif drawings[pi]:
            rows, used = _table_rows(None, keep, "grid", drawings[pi])
        else:
            rows, used = [], set()
        rest = [ln for i, ln in enumerate(keep) if i not in used]
        ordered = layout.reading_order(rest, widths[pi])
        units = layout.group_units(ordered, body)
        blocks = _place_tables(layout.units_to_blocks(units, body, big_sizes), rows)
        pages.append(
            Page(pi + 1, blocks, methods[pi], round(qualities[pi], 3), widths[pi], heights[pi])
        )
    title = _pdf_title(doc.metadata) or (
        _first_page_title(all_lines[0], body) if all_lines else None
    )
    info = {k: v for k, v in (doc.metadata or {}).items() if v}
    doc.close()
    return ExtractedDocument(
        path,
        sha256,
        "image" if image else "pdf",
        n,
        pages,
        title=title,
        info=info,
        problems=problems,
    )
