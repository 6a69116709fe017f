"""Non-PDF formats, encodings and file sniffing."""

import pytest

from textcoop.errors import ExtractionError
from textcoop.extract import process_file, sha256_file, sniff_format
from textcoop.extract.text import decode_bytes

RU = "Раздел 2. Меры поддержки\n\nСубсидии субъектам МСП на модернизацию оборудования.\n\n- центр субконтрактации;\n- кооперационная биржа.\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8-r", "utf-16", "utf-16-le"]
)
def test_text_encodings_are_detected(tmp_path, encoding):
    p = tmp_path / f"doc_{encoding}.txt"
    p.write_bytes(RU.encode(encoding))
    pd = process_file(str(p), sha256_file(p))
    assert "Субсидии субъектам МСП на модернизацию оборудования." in pd.page_texts[1]
    kinds = [s.kind for s in pd.segments]
    assert kinds == ["heading", "paragraph", "list_item", "list_item"]
    assert pd.language == "ru"


def test_decode_prefers_cyrillic_codepages():
    text = "Программа развития промышленности Вологодской области на 2021-2025 годы. " * 3
    for enc in ("cp1251", "koi8-r"):
        assert decode_bytes(text.encode(enc))[0] == text


def test_html_main_text_headings_tables(tmp_path):
    html = """<html><head><title>Plan</title><script>var x = "скрипт";</script><style>p{}</style></head>
    <body><nav><a href='/'>Главная</a></nav><main><h1>Action plan</h1><h2>1 Supplier development</h2>
    <p>The region supports SMEs to become suppliers of large firms.</p>
    <ul><li>matchmaking events</li><li>a supplier database</li></ul>
    <table><tr><th>Measure</th><th>Budget</th></tr><tr><td>Grants</td><td>2.5</td></tr></table></main>
    <footer>© 2024</footer></body></html>"""
    p = tmp_path / "plan.html"
    p.write_text(html, encoding="utf-8")
    pd = process_file(str(p), sha256_file(p))
    text = pd.page_texts[1]
    assert "скрипт" not in text and "Главная" not in text and "© 2024" not in text
    assert [s.kind for s in pd.segments] == [
        "heading",
        "heading",
        "paragraph",
        "list_item",
        "list_item",
        "table_row",
        "table_row",
    ]
    assert pd.segments[2].section == ["Action plan", "1 Supplier development"]
    assert pd.segments[-1].cells == ["Grants", "2.5"]


def test_docx_styles_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("Стратегия развития", level=1)
    d.add_heading("2.1. Кластеры", level=2)
    d.add_paragraph("Создание центра кластерного развития и поддержка совместных проектов.")
    d.add_paragraph("центр субконтрактации", style="List Bullet")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Мера", "Бюджет"
    t.cell(1, 0).text, t.cell(1, 1).text = "Гранты", "10"
    p = tmp_path / "s.docx"
    d.save(p)
    pd = process_file(str(p), sha256_file(p))
    assert [s.kind for s in pd.segments] == [
        "heading",
        "heading",
        "paragraph",
        "list_item",
        "table_row",
        "table_row",
    ]
    assert pd.segments[2].section == ["Стратегия развития", "2.1. Кластеры"]
    assert pd.segments[-1].cells == ["Гранты", "10"]


def test_sniffing_wrong_extension_and_bad_files(tmp_path):
    fake = tmp_path / "download.pdf"
    fake.write_text(
        "<!DOCTYPE html><html><body><p>Страница не найдена на сервере региона</p></body></html>",
        encoding="utf-8",
    )
    assert sniff_format(fake) == "html"
    pd = process_file(str(fake), sha256_file(fake))
    assert any(p.code == "wrong_extension" for p in pd.doc.problems)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(ExtractionError) as e:
        sniff_format(empty)
    assert e.value.reason == "empty_file"
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\x00\x01garbage" * 50)
    with pytest.raises(ExtractionError) as e:
        sniff_format(junk)
    assert e.value.reason == "corrupt"
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ\x00\x00" * 10)
    with pytest.raises(ExtractionError) as e:
        sniff_format(exe)
    assert e.value.reason == "unsupported"


def test_docx_zip_bomb_refused(tmp_path):
    import zipfile

    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>" + " " * 50_000_000)
    with pytest.raises(ExtractionError) as e:
        process_file(str(p), sha256_file(p))
    assert e.value.reason == "too_large"
