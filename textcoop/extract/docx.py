"""DOCX: paragraphs with heading and list styles, tables in document order."""

from __future__ import annotations

import re
import zipfile

from textcoop.errors import ExtractionError
from textcoop.extract.textclean import clean_text
from textcoop.types import Block, ExtractedDocument, Page

_HEADING_STYLE = re.compile(r"(?i)^(heading|заголовок)\s*(\d)")


def _check_zip(path: str, max_unpacked: int) -> None:
    """Refuse zip bombs before python-docx unpacks anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
            packed = sum(i.compress_size for i in zf.infolist()) or 1
            if "word/document.xml" not in zf.namelist():
                raise ExtractionError(
                    "ZIP file is not a Word document (no word/document.xml)", reason="unsupported"
                )
    except zipfile.BadZipFile as exc:
        raise ExtractionError(
            "DOCX is not a valid ZIP archive (truncated or corrupt)", reason="corrupt"
        ) from exc
    if total > max_unpacked or total / packed > 200:
        raise ExtractionError(
            f"DOCX would unpack to {total // 1_000_000} MB (ratio {total // packed}:1): refused as a possible zip bomb",
            reason="too_large",
        )


def extract_docx(path: str, sha256: str, max_unpacked: int = 300_000_000) -> ExtractedDocument:
    """Read a DOCX into one page of blocks (Word files carry no fixed pages)."""
    _check_zip(path, max_unpacked)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(path)
    except Exception as exc:  # noqa: BLE001
        raise ExtractionError(f"cannot read DOCX ({exc})", reason="corrupt") from exc
    blocks: list[Block] = []
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, d)
            text = clean_text(p.text)
            if not text:
                continue
            style = (p.style.name if p.style is not None else "") or ""
            m = _HEADING_STYLE.match(style)
            if m or style.lower() == "title":
                blocks.append(Block("heading", text, level=int(m.group(2)) if m else 1))
            elif "list" in style.lower() or child.find(".//{*}numPr") is not None:
                blocks.append(Block("list_item", text))
            else:
                blocks.append(Block("paragraph", text))
        elif tag == "tbl":
            for row in Table(child, d).rows:
                cells: list[str] = []
                prev = None
                for cell in row.cells:
                    if cell._tc is prev:  # merged cells repeat the same element
                        continue
                    prev = cell._tc
                    cells.append(clean_text(cell.text))
                if any(cells):
                    blocks.append(Block("table_row", " | ".join(cells), cells=cells))
    title = clean_text(d.core_properties.title or "") or None
    page = Page(1, blocks, method="text" if blocks else "empty")
    return ExtractedDocument(path, sha256, "docx", 1, [page], title=title)
