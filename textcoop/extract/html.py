"""HTML pages: main text, headings, lists and tables; scripts, styles and navigation dropped."""

from __future__ import annotations

from textcoop.extract.text import decode_bytes
from textcoop.extract.textclean import clean_text
from textcoop.types import Block, ExtractedDocument, Page

_DROP = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "svg",
    "iframe",
    "template",
    "button",
)
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_TEXT_BLOCKS = ("p", "li", "blockquote", "pre", "dd", "dt", "figcaption", "caption", "address")


def _walk(el, blocks: list[Block]) -> None:
    name = getattr(el, "name", None)
    if name is None:  # a bare text node inside a container
        text = clean_text(str(el))
        if text:
            blocks.append(Block("paragraph", text))
        return
    if name in _HEADINGS:
        text = clean_text(el.get_text(" "))
        if text:
            blocks.append(Block("heading", text, level=_HEADINGS[name]))
        return
    if name == "table":
        for tr in el.find_all("tr"):
            cells = [clean_text(td.get_text(" ")) for td in tr.find_all(["td", "th"])]
            if any(cells):
                blocks.append(Block("table_row", " | ".join(cells), cells=cells))
        return
    if name in _TEXT_BLOCKS:
        if name == "li" and el.find(["ul", "ol", "table", "p"]):
            for child in el.children:
                _walk(child, blocks)
            return
        text = clean_text(el.get_text(" "))
        if text:
            blocks.append(Block("list_item" if name == "li" else "paragraph", text))
        return
    for child in el.children:
        _walk(child, blocks)


def extract_html(path: str, sha256: str, data: bytes) -> ExtractedDocument:
    """Read an HTML file into one page of blocks."""
    from bs4 import BeautifulSoup

    text, encoding = decode_bytes(data)
    soup = BeautifulSoup(text, "lxml")
    title = clean_text(soup.title.get_text()) if soup.title else None
    for tag in soup.find_all(_DROP):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[Block] = []
    _walk(root, blocks)
    page = Page(1, blocks, method="text" if blocks else "empty")
    return ExtractedDocument(
        path, sha256, "html", 1, [page], title=title or None, info={"encoding": encoding}
    )
