"""Plain text and Markdown: encoding detection and block structure."""

from __future__ import annotations

import codecs
import re

from textcoop.errors import ExtractionError
from textcoop.extract.layout import _BULLET, heading_level
from textcoop.extract.textclean import clean_text
from textcoop.types import Block, ExtractedDocument, Page

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_MD_TABLE_SEP = re.compile(r"^\|?\s*:?-{3,}")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text whose encoding is unknown: UTF-8 (with or without BOM), UTF-16, cp1251, KOI8-R...

    Returns (text, encoding). BOMs decide first; then strict UTF-8; then
    UTF-16 without BOM (every other byte zero); then charset-normalizer.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:4000]
    if len(sample) >= 8:
        # UTF-16 without BOM: one byte of each pair is almost always 0x00
        # (ASCII) or 0x04 (Cyrillic block); such bytes also pass as UTF-8.
        even, odd = sample[0::2], sample[1::2]
        high = (0, 4)
        even_high = sum(b in high for b in even) / len(even)
        odd_high = sum(b in high for b in odd) / len(odd)
        if odd_high > 0.9 and even_high < 0.5:
            return data.decode("utf-16-le", errors="replace"), "utf-16-le"
        if even_high > 0.9 and odd_high < 0.5:
            return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _cyrillic_codepage(data)
    mixed = _mixed_utf8(data, guess or "cp1251")
    if mixed:
        return mixed
    if guess:
        return data.decode(guess, errors="replace"), guess
    from charset_normalizer import from_bytes

    best = from_bytes(
        data, cp_isolation=["cp1251", "koi8_r", "utf_8", "cp866", "latin_1", "mac_cyrillic"]
    ).best()
    if best is None:
        raise ExtractionError(
            "cannot detect the text encoding",
            reason="encoding",
            hint="save the file as UTF-8 and retry",
        )
    return str(best), best.encoding


_FREQUENT_RU = set("оеаинтсрвлкмдпуяыь")


def _mixed_utf8(data: bytes, legacy: str) -> tuple[str, str] | None:
    """Files glued from UTF-8 and legacy-encoded parts (concatenated exports): decode line by line.

    Only when some lines are clearly UTF-8 (several non-ASCII characters) and
    others are not UTF-8 at all, so a plain cp1251 file never takes this path.
    The legacy lines are decoded with the code page that fits them (taken
    from all of them together when one line is too short to tell).
    """
    lines = data.split(b"\n")
    decoded: list[str | None] = []
    utf8_lines = 0
    for ln in lines:
        try:
            text = ln.decode("utf-8")
            utf8_lines += sum(not c.isascii() for c in text) >= 4
            decoded.append(text)
        except UnicodeDecodeError:
            decoded.append(None)
    bad = [ln for ln, d in zip(lines, decoded, strict=True) if d is None]
    if not utf8_lines or not bad:
        return None
    joint = _cyrillic_codepage(b"\n".join(bad), min_letters=6) or legacy
    used: set[str] = set()
    out: list[str] = []
    for ln, d in zip(lines, decoded, strict=True):
        if d is None:
            enc = _cyrillic_codepage(ln) or joint
            used.add(enc)
            d = ln.decode(enc, errors="replace")
        out.append(d)
    return "\n".join(out), f"mixed (utf-8 and {', '.join(sorted(used))})"


def _cyrillic_codepage(data: bytes, min_letters: int = 20) -> str | None:
    """cp1251, KOI8-R or cp866 when one of them decodes the bytes into mostly frequent Russian letters.

    Statistical detectors stumble on short or repetitive Cyrillic files
    (a survey export with one very long answer); letter frequencies do not.
    """
    sample = data[:200_000]
    if sum(b >= 0x80 for b in sample[:20_000]) < min_letters:
        return None
    best, best_score = None, 0.0
    for enc in ("cp1251", "koi8_r", "cp866"):
        # distinct words only: one answer of 100,000 repeated letters must not decide
        words = {w for w in sample.decode(enc, errors="replace").split() if len(w) <= 30}
        letters = [c for w in words for c in w if "а" <= c.lower() <= "я" or c.lower() == "ё"]
        if len(letters) < min_letters:
            continue
        lows = [c for c in letters if c.islower()]
        score = (
            sum(c in _FREQUENT_RU for c in lows) / max(1, len(lows)) * (len(lows) / len(letters))
        )
        if score > best_score:
            best, best_score = enc, score
    return best if best_score > 0.45 else None


def text_blocks(text: str, markdown: bool = False) -> list[Block]:
    """Blocks of a plain-text page: paragraphs by blank lines (or by line when there are none)."""
    lines = text.split("\n")
    has_blank = any(not ln.strip() for ln in lines)
    chunks: list[list[str]] = [[]]
    for ln in lines:
        s = ln.strip()
        if not s:
            if chunks[-1]:
                chunks.append([])
            continue
        starts_new = bool(_BULLET.match(s)) or (
            markdown and (s.startswith("#") or s.startswith("|"))
        )
        if (not has_blank or starts_new) and chunks[-1]:
            chunks.append([])
        chunks[-1].append(s)
        if markdown and (s.startswith("#") or s.startswith("|")):
            chunks.append([])
    blocks: list[Block] = []
    for chunk in chunks:
        if not chunk:
            continue
        if markdown:
            m = _MD_HEADING.match(chunk[0])
            if m and len(chunk) == 1:
                blocks.append(Block("heading", clean_text(m.group(2)), level=len(m.group(1))))
                continue
            if chunk[0].startswith("|"):
                if _MD_TABLE_SEP.match(chunk[0]):
                    continue
                cells = [clean_text(c) for c in chunk[0].strip().strip("|").split("|")]
                blocks.append(Block("table_row", " | ".join(cells), cells=cells))
                continue
        body = clean_text(" ".join(chunk))
        if not body:
            continue
        level = heading_level(body, 10.0, False, 10.0, []) if len(chunk) == 1 else 0
        if _BULLET.match(body):
            blocks.append(Block("list_item", body))
        elif level and len(body) < 150:
            blocks.append(Block("heading", body, level=level))
        else:
            blocks.append(Block("paragraph", body))
    return blocks


def extract_text(path: str, sha256: str, data: bytes, markdown: bool = False) -> ExtractedDocument:
    """Read a TXT or Markdown file; form feeds split pages."""
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages = [Page(i + 1, text_blocks(part, markdown)) for i, part in enumerate(text.split("\f"))]
    pages = [p for p in pages if p.blocks] or [Page(1, [], method="empty")]
    for i, p in enumerate(pages):
        p.page_no = i + 1
    fmt = "markdown" if markdown else "text"
    return ExtractedDocument(path, sha256, fmt, len(pages), pages, info={"encoding": encoding})
