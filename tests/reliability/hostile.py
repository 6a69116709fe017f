"""Generators of hostile and broken input files, each named after what is wrong with it.

Used by the hostile-input tests and by ``bench/fuzz_extract.py`` (as seeds).
Every generator is cheap (well under a second) and deterministic.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
RU = (
    "Государственная программа области предусматривает субсидии на модернизацию "
    "оборудования, развитие промышленных кластеров и кооперацию малых предприятий "
    "с крупными заказчиками. Центр поддержки экспорта помогает выйти на новые рынки."
)


def _pdf(pages: int = 1, text: str = RU, width: float = 595, height: float = 842):
    import pymupdf

    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page(width=width, height=height)
        if text:
            page.insert_font(fontname="dv", fontfile=FONT)
            page.insert_textbox(
                pymupdf.Rect(20, 20, min(width, 575), min(height, 800)),
                f"{text} ({i + 1})",
                fontname="dv",
                fontsize=min(10, height / 8),
            )
    doc.subset_fonts()
    return doc


def valid_pdf(path: Path) -> Path:
    _pdf(2).save(path)
    return path


def truncated_pdf(path: Path) -> Path:
    data = _pdf(3).tobytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def encrypted_pdf(path: Path) -> Path:
    import pymupdf

    _pdf().save(
        path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner-secret"
    )
    return path


def encrypted_empty_password_pdf(path: Path) -> Path:
    """Encrypted with an owner password only: opens with the empty user password."""
    import pymupdf

    _pdf().save(
        path,
        encryption=pymupdf.PDF_ENCRYPT_AES_128,
        owner_pw="owner-secret",
        user_pw="",
        permissions=pymupdf.PDF_PERM_PRINT,
    )
    return path


def image_only_pdf(path: Path) -> Path:
    """A page that is one picture and no text layer (a scan)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=300, height=200)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 40), False)
    pix.set_rect(pix.irect, (230, 230, 230))
    page.insert_image(page.rect, pixmap=pix)
    doc.save(path)
    return path


def many_pages_pdf(path: Path, pages: int = 2000) -> Path:
    """2,000 tiny pages with a line each (built by doubling: creating pages one by one is slow)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=200, height=60)
    page.insert_text((5, 30), "A page of the annex.", fontsize=8)
    while doc.page_count < pages:
        doc.insert_pdf(pymupdf.open("pdf", doc.tobytes()))
    doc.delete_pages(range(pages, doc.page_count))
    doc.save(path, garbage=1, deflate=True)
    return path


def nested_pdf(path: Path, depth: int = 100_000) -> Path:
    """A page dictionary holding an array nested ``depth`` levels deep (parser stack exhaustion)."""
    body = b"[" * depth + b"]" * depth
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Deep " + body + b" >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    )
    path.write_bytes(out.getvalue())
    return path


def huge_page_pdf(path: Path) -> Path:
    """A page of 14,400 x 14,400 pt (200 x 200 inches, the PDF maximum) with text and a picture."""
    import pymupdf

    doc = _pdf(1, width=14_400, height=14_400)
    page = doc[0]
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 20, 20), False)
    pix.set_rect(pix.irect, (200, 200, 200))
    page.insert_image(pymupdf.Rect(0, 1000, 14_400, 14_400), pixmap=pix)
    doc.save(path)
    return path


def javascript_embedded_pdf(path: Path) -> Path:
    """Text plus an /OpenAction JavaScript and an embedded executable-looking file."""
    doc = _pdf(1)
    doc.embfile_add("payload.exe", b"MZ\x90\x00" + b"\x00" * 100, filename="payload.exe")
    js = doc.get_new_xref()
    doc.update_object(js, "<< /Type /Action /S /JavaScript /JS (app.alert('hello');) >>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{js} 0 R")
    doc.save(path)
    return path


def docx_zip_bomb(path: Path, mb: int = 60) -> Path:
    """A DOCX whose document.xml unpacks to ``mb`` MB (compressed ~1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            fh.write(b'<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:t>')
            chunk = b" " * 1_000_000
            for _ in range(mb):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def truncated_docx(path: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document>" + "x" * 5000 + "</w:document>")
    data = buf.getvalue()
    path.write_bytes(data[: len(data) // 2])
    return path


def html_base64(path: Path, mb: int = 50) -> Path:
    """A page with one paragraph of text and ``mb`` MB of inline base64 image data."""
    with open(path, "wb") as fh:
        fh.write(f"<html><head><title>Программа</title></head><body><p>{RU}</p>".encode())
        fh.write(b'<img src="data:image/png;base64,')
        chunk = b"iVBORw0KGgoAAAANSUhEUgAA" * 43_690  # ~1 MB
        for _ in range(mb):
            fh.write(chunk)
        fh.write('"><p>Конец страницы.</p></body></html>'.encode())
    return path


def text_in(path: Path, encoding: str) -> Path:
    path.write_bytes((RU + "\n\n" + RU.upper() + "\n").encode(encoding))
    return path


def mixed_encodings(path: Path) -> Path:
    """UTF-8 and cp1251 paragraphs in one file (concatenated exports)."""
    path.write_bytes(RU.encode("utf-8") + b"\n\n" + RU.encode("cp1251") + b"\n")
    return path


def long_answer(path: Path, chars: int = 100_000) -> Path:
    """One paragraph of 100,000 characters without a sentence end."""
    words = RU.replace(".", "").split()
    text = " ".join(words[i % len(words)] for i in range(chars // 7))[:chars]
    path.write_text(text, encoding="utf-8")
    return path


def control_and_rtl(path: Path) -> Path:
    """Control characters, bidi overrides, Arabic and Hebrew between Russian sentences."""
    text = (
        RU[:80]
        + "\x00\x01\x07\x1b[31m\x7f"
        + " \u202eevil.exe\u202c "
        + "النص العربي هنا. "
        + "טקסט בעברית. "
        + "\u200f\u200e\ufeff"
        + RU[80:]
    )
    path.write_text(text, encoding="utf-8")
    return path


def html_named_pdf(path: Path) -> Path:
    """An HTML error page saved under a .pdf name (a failed download)."""
    path.write_text(
        "<html><body><h1>404 Not Found</h1><p>Страница не найдена.</p></body></html>",
        encoding="utf-8",
    )
    return path


def pdf_named_docx(path: Path) -> Path:
    _pdf(1).save(path)
    return path


def garbage_pdf(path: Path) -> Path:
    import random

    rnd = random.Random(7)
    path.write_bytes(b"%PDF-1.4\n" + bytes(rnd.randrange(256) for _ in range(5000)))
    return path


# file name -> (generator, extra args); names say what is wrong
SUITE = {
    "valid.pdf": (valid_pdf, ()),
    "truncated.pdf": (truncated_pdf, ()),
    "zero_bytes.pdf": (zero_bytes, ()),
    "zero_bytes.txt": (zero_bytes, ()),
    "encrypted_password.pdf": (encrypted_pdf, ()),
    "encrypted_empty_password.pdf": (encrypted_empty_password_pdf, ()),
    "image_only.pdf": (image_only_pdf, ()),
    "pages_2000.pdf": (many_pages_pdf, ()),
    "nested_objects.pdf": (nested_pdf, ()),
    "huge_page.pdf": (huge_page_pdf, ()),
    "javascript_embedded.pdf": (javascript_embedded_pdf, ()),
    "garbage.pdf": (garbage_pdf, ()),
    "zip_bomb.docx": (docx_zip_bomb, ()),
    "truncated.docx": (truncated_docx, ()),
    "pdf_named.docx": (pdf_named_docx, ()),
    "html_named.pdf": (html_named_pdf, ()),
    "base64_50mb.html": (html_base64, ()),
    "cp1251.txt": (text_in, ("cp1251",)),
    "koi8r.txt": (text_in, ("koi8_r",)),
    "utf16_no_bom.txt": (text_in, ("utf-16-le",)),
    "mixed_encodings.txt": (mixed_encodings, ()),
    "long_answer_100k.txt": (long_answer, ()),
    "control_rtl.txt": (control_and_rtl, ()),
}


def write_suite(folder: Path, only: list[str] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, (fn, args) in SUITE.items():
        if only is None or name in only:
            out.append(fn(folder / name, *args))
    return out
