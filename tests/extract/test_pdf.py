"""PDF layout on generated pages: headers, columns, headings, hyphenation, tables."""

from textcoop.extract import process_file, sha256_file

PARA1 = [
    "Государственная программа направлена на развитие промышленной",
    "кооперации между субъектами малого и среднего предпринимательства и",
    "крупными предприятиями региона. Предусмотрено создание центра коопера-",
    "ции и субконтрактации, который ведёт базу данных поставщиков.",
]
PARA2 = [
    "Субсидии предоставляются на возмещение части затрат на приобретение",
    "оборудования и сертификацию продукции по требованиям заказчиков.",
]


def _program_pdf(tmp_path, pdf_writer, n_pages=4):
    w = pdf_writer()
    for p in range(n_pages):
        w.new_page()
        w.text(72, 40, "Государственная программа Заозёрской области «Развитие промышленности»", 8)
        y = 90
        if p == 0:
            w.text(72, y, "Раздел 1. Общие положения", 14, bold=True)
            y += 30
            w.text(72, y, "1.1. Цели программы", 12, bold=True)
            y += 24
        for line in PARA1 + [""] + PARA2:
            if line:
                w.text(72, y, line, 10)
            y += 14 if line else 10
        if p == 1:
            y = w.grid(
                72,
                y + 20,
                [220, 80, 80],
                18,
                [
                    ["Показатель", "2024", "2025"],
                    ["Число МСП-поставщиков", "120", "150"],
                    ["Контракты, млн руб.", "35,5", "41,0"],
                ],
            )
        w.text(290, 810, str(p + 1), 9)
    return w.save(tmp_path / "program.pdf")


def test_headers_footers_removed_and_structure_found(tmp_path, pdf_writer):
    path = _program_pdf(tmp_path, pdf_writer)
    pd = process_file(str(path), sha256_file(path))
    assert pd.doc.n_pages == 4
    for page_no, text in pd.page_texts.items():
        assert "Государственная программа Заозёрской области «Развитие" not in text, page_no
        assert not text.rstrip().endswith(str(page_no))
    heads = [s for s in pd.segments if s.kind == "heading"]
    assert [h.text for h in heads] == ["Раздел 1. Общие положения", "1.1. Цели программы"]
    assert heads[0].level < heads[1].level
    body = [s for s in pd.segments if s.kind == "paragraph"]
    assert body[0].section == ["Раздел 1. Общие положения", "1.1. Цели программы"]
    # the section path carries over to later pages
    assert all(s.section == body[0].section for s in body)
    assert "центра кооперации и субконтрактации" in body[0].text
    assert body[0].text.startswith("Государственная программа направлена")
    rows = [s for s in pd.segments if s.kind == "table_row"]
    assert [r.cells for r in rows] == [
        ["Показатель", "2024", "2025"],
        ["Число МСП-поставщиков", "120", "150"],
        ["Контракты, млн руб.", "35,5", "41,0"],
    ]
    assert all(r.page_no == 2 for r in rows)


def test_offsets_slice_back_to_page_text(tmp_path, pdf_writer):
    path = _program_pdf(tmp_path, pdf_writer, n_pages=2)
    pd = process_file(str(path), sha256_file(path))
    for s in pd.segments:
        assert pd.page_texts[s.page_no][s.start : s.end] == s.text
    for t in pd.sentences:
        assert pd.page_texts[t.page_no][t.start : t.end] == t.text


def test_two_columns_read_left_then_right(tmp_path, pdf_writer):
    w = pdf_writer()
    w.new_page()
    w.text(72, 60, "Стратегия развития Краснолесского края до 2035 года", 16, bold=True)
    left = [f"Левая колонка строка {i} о поддержке кластеров" for i in range(12)]
    right = [f"Правая колонка строка {i} о логистике и экспорте" for i in range(12)]
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        w.text(60, 110 + i * 13, a, 9)
        w.text(320, 110 + i * 13, b, 9)
    path = w.save(tmp_path / "cols.pdf")
    pd = process_file(str(path), sha256_file(path))
    text = pd.page_texts[1]
    assert text.index("Левая колонка строка 11") < text.index("Правая колонка строка 0")
    assert text.index("Правая колонка строка 0") < text.index("Правая колонка строка 11")
    assert pd.segments[0].kind == "heading"


def test_encrypted_and_corrupt_pdfs_raise_with_reason(tmp_path, pdf_writer):
    import pymupdf
    import pytest

    from textcoop.errors import ExtractionError

    w = pdf_writer()
    w.new_page()
    w.text(72, 72, "секретный текст", 10)
    enc = tmp_path / "enc.pdf"
    w.doc.save(enc, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    with pytest.raises(ExtractionError) as e:
        process_file(str(enc), sha256_file(enc))
    assert e.value.reason == "encrypted"
    good = _program_pdf(tmp_path, pdf_writer, 1)
    trunc = tmp_path / "trunc.pdf"
    trunc.write_bytes(good.read_bytes()[:300])
    with pytest.raises(ExtractionError) as e:
        process_file(str(trunc), sha256_file(trunc))
    assert e.value.reason in ("corrupt", "empty_document")


def test_empty_owner_password_pdf_is_read(tmp_path, pdf_writer):
    import pymupdf

    w = pdf_writer()
    w.new_page()
    w.text(72, 72, "открытый текст с защитой от печати", 10)
    p = tmp_path / "owner.pdf"
    w.doc.save(p, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="", owner_pw="owner")
    pd = process_file(str(p), sha256_file(p))
    assert "открытый текст" in pd.page_texts[1]
