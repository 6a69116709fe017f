"""End-to-end ingest on the real corpora in ../shared (run by `make test`; `-m "not realdata"` skips)."""

from __future__ import annotations

import difflib
import re
import textwrap
from pathlib import Path

import pytest

from textcoop.extract import ExtractOptions
from textcoop.extract.pdf import PdfOptions
from textcoop.store import open_store
from textcoop.store.ingest import IngestOptions, discover, ingest

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

GARBLED = {
    "tests_data_laws_fstek17.pdf",
    "tests_data_laws_ukodeksrf.pdf",
    "tests_data_tables_example_with_table9.pdf",
    "issue12963.pdf",
    "tests_data_pdf_auto_english_doc_bad_text.pdf",
}
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


@pytest.fixture(scope="module")
def robust_store(corpora, tmp_path_factory):
    path = tmp_path_factory.mktemp("robust") / "r.duckdb"
    with open_store(path) as st:
        rep = ingest([corpora / "pdf-robustness"], st, IngestOptions(workers=2, timeout=900))
        yield st, rep


def test_every_robustness_file_is_accounted_for(robust_store, corpora):
    st, rep = robust_store
    files, _ = discover([corpora / "pdf-robustness"])
    accounted = (
        {p for p, _ in rep.stored} | {p for p, _ in rep.skipped} | {p for p, _, _ in rep.failed}
    )
    assert accounted == {str(f) for f in files}
    docs = st.documents_df()
    for r in docs.itertuples():  # stored: text, OCR text, or a recorded reason
        has_text = r.n_segments > 0
        reasons = st.con.execute(
            "SELECT count(*) FROM problems WHERE doc_id = ?", [r.doc_id]
        ).fetchone()[0]
        assert has_text or reasons, r.file_name


def test_garbled_layers_detected_and_replaced_by_ocr(robust_store):
    st, _ = robust_store
    rows = st.con.execute(
        "SELECT d.file_name, count(*) FROM problems p JOIN documents d USING (doc_id) WHERE p.code = 'garbled_text_layer' GROUP BY 1"
    ).fetchall()
    assert {r[0] for r in rows} >= GARBLED
    # the gibberish is never stored as text; OCR gives Russian words instead
    text = st.con.execute(
        "SELECT string_agg(p.text, ' ') FROM pages p JOIN documents d USING (doc_id) WHERE d.file_name = 'tests_data_laws_fstek17.pdf'"
    ).fetchone()[0]
    assert "ijbdZahf" not in text
    assert "ФСТЭК" in text or "информации" in text
    assert st.status()["ocr_pages"] >= 20


def test_ocr_matches_ground_truth(robust_store, corpora):
    st, _ = robust_store
    truth = _words((corpora / "pdf-robustness/ocrmypdf/linn.txt").read_text(encoding="utf-8"))
    for name in ("skew.pdf", "ccitt.pdf"):
        text = st.con.execute(
            "SELECT string_agg(p.text, ' ') FROM pages p JOIN documents d USING (doc_id) WHERE d.file_name = ?",
            [name],
        ).fetchone()[0]
        got = set(_words(text))
        recall = sum(w in got for w in truth) / len(truth)
        assert recall >= 0.85, (name, recall)


def test_eu_strategies_headers_gone_headings_found(corpora, tmp_path):
    with open_store(tmp_path / "eu.duckdb") as st:
        pdfs = sorted((corpora / "en-ris3-strategies").glob("*.pdf"))
        rep = ingest(pdfs, st, IngestOptions(workers=2))
        assert len(rep.stored) == 6 and not rep.failed
        heads = dict(
            st.con.execute(
                "SELECT d.file_name, count(*) FROM segments s JOIN documents d USING (doc_id) WHERE kind = 'heading' GROUP BY 1"
            ).fetchall()
        )
        assert all(heads.get(p.name, 0) >= 8 for p in pdfs), heads
        lu = st.con.execute(
            "SELECT p.page_no, p.text FROM pages p JOIN documents d USING (doc_id) WHERE d.file_name = 'LU_Luxembourg_S3_2014.pdf' ORDER BY 1"
        ).fetchall()
        assert len(lu) == 35
        with_header = [n for n, t in lu if "30 october 2014" in t]
        assert len(with_header) <= 1, with_header
        langs = dict(st.con.execute("SELECT file_name, language FROM documents").fetchall())
        assert set(langs.values()) == {"en"}
        seg = st.segments_df()
        assert (seg.lang == "en").mean() > 0.9


def _render_two_columns(
    src: Path, out: Path, writer_cls, max_paras: int = 60
) -> tuple[list[str], list[str]]:
    """Lay out a real program text in two columns with a running header, page numbers and a table."""
    paras = [
        " ".join(p.split())
        for p in src.read_text(encoding="utf-8").splitlines()
        if len(p.split()) >= 8
    ][:max_paras]
    w = writer_cls()
    headings: list[str] = []
    col_x, col_chars, top, bottom, lh = (50, 310), 44, 90, 780, 11.5
    col, y = 0, top
    w.new_page()

    def new_page():
        nonlocal col, y
        w.text(50, 50, f"Государственная программа: {src.stem}", 8)
        w.text(290, 815, str(w.doc.page_count), 8)
        w.new_page()
        col, y = 0, top

    def advance(lines: int) -> None:
        nonlocal col, y
        if y + lines * lh > bottom:
            if col == 0:
                col, y = 1, top
            else:
                new_page()

    for i, para in enumerate(paras):
        if i % 8 == 0:
            words = [t for t in para.split() if t.isalpha()][:3]
            head = f"Раздел {i // 8 + 1}. " + " ".join(words).capitalize()
            headings.append(head)
            advance(3)
            w.text(col_x[col], y + 4, head[:34], 10, bold=True)
            y += 2 * lh
            headings[-1] = head[:34].rstrip()
        lines = textwrap.wrap(para, col_chars, break_long_words=False, break_on_hyphens=False)
        for ln in lines:
            advance(1)
            w.text(col_x[col], y, ln, 9)
            y += lh
        y += lh * 0.6
    # a table on a page of its own
    w.text(50, 50, f"Государственная программа: {src.stem}", 8)
    w.text(290, 815, str(w.doc.page_count), 8)
    w.new_page()
    w.grid(
        50,
        100,
        [250, 80, 80],
        18,
        [["Показатель", "2024", "2025"], ["Объём финансирования", "12,5", "13,0"]],
    )
    w.text(50, 50, f"Государственная программа: {src.stem}", 8)
    w.text(290, 815, str(w.doc.page_count), 8)
    w.save(out)
    return paras, headings


def test_real_program_texts_round_trip_through_two_column_pdfs(corpora, tmp_path, pdf_writer):
    texts = sorted((corpora / "ru-programs/texts").glob("*.txt"))
    picks = [texts[3], texts[40], texts[120]]
    sources = {}
    for src in picks:
        out = tmp_path / f"{src.stem}.pdf"
        sources[out.name] = _render_two_columns(src, out, pdf_writer)
    with open_store(tmp_path / "ru.duckdb") as st:
        rep = ingest(
            [tmp_path],
            st,
            IngestOptions(workers=2, extract=ExtractOptions(pdf=PdfOptions(ocr="never"))),
        )
        assert len(rep.stored) == 3 and not rep.failed
        for name, (paras, headings) in sources.items():
            seg = st.segments_df(doc=name)
            body = seg[seg.kind != "table_row"]
            got = _words(" ".join(body[body.kind != "heading"].text))
            want = _words(" ".join(paras))
            ratio = difflib.SequenceMatcher(None, want, got, autojunk=False).ratio()
            assert ratio >= 0.97, (name, ratio)
            assert not any("Государственная программа:" in t for t in seg.text), name
            assert list(seg[seg.kind == "heading"].text) == headings
            # each paragraph sits under its own section
            for r in body[body.kind != "heading"].itertuples():
                assert len(r.section) == 1 and r.section[0].startswith("Раздел ")
            rows = seg[seg.kind == "table_row"]
            assert [list(c) for c in rows.cells] == [
                ["Показатель", "2024", "2025"],
                ["Объём финансирования", "12,5", "13,0"],
            ]


def test_all_ru_program_texts_ingest(corpora, tmp_path):
    with open_store(tmp_path / "all.duckdb") as st:
        rep = ingest([corpora / "ru-programs/texts"], st, IngestOptions(workers=2))
        assert len(rep.stored) + len(rep.skipped) == 188 and not rep.failed
        docs = st.documents_df()
        assert (docs.language == "ru").all()
        # continuation parts (_part_1...) have no title page; municipal acts often name only
        # their district ("МР « Сыктывдинский »"): for those a manifest gives the region
        heads = docs[~docs.file_name.str.contains(r"_part_[1-9]")]
        assert heads.region.notna().mean() >= 0.7
        assert docs.doc_type.isin(["program", "strategy", "plan", "report", "law", "other"]).all()
