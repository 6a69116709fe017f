"""Coding a store: every segment coded, coverage shares in [0, 1], reruns skip, results traceable."""

from textcoop.nlp.pipeline import ThemeCoder
from textcoop.store.ingest import IngestOptions, ingest
from textcoop.themes.classify import classify_store


def test_classify_store_coverage_and_rerun(store, tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_text(
        "Раздел 1. Меры поддержки\n\nПредприятиям предоставляются субсидии на возмещение части затрат на приобретение оборудования.\n\n"
        "Создаётся региональный центр субконтрактации и кооперационная биржа для поиска поставщиков.\n\n"
        "Ремонт автомобильных дорог общего пользования местного значения.\n",
        encoding="utf-8",
    )
    ingest([d], store, IngestOptions(workers=1))
    coder = ThemeCoder()
    rep = classify_store(store, coder)
    assert rep.documents == 1 and rep.segments == store.status()["segments"]
    cov = store.coverage_df()
    assert ((cov.share > 0) & (cov.share <= 1)).all()
    themes = set(cov.theme)
    assert "finance" in themes and "partner_search" in themes
    seg = store.con.execute(
        "SELECT s.text, t.themes FROM segment_themes t JOIN segments s USING (doc_id, seg_no) ORDER BY seg_no"
    ).fetchall()
    assert seg[-1][1] == ["other"]  # the road repair passage
    top = cov[cov.theme == "partner_search"].top_segments.iloc[0]
    assert "субконтрактации" in seg[list(top)[0]][0]
    again = classify_store(store, coder)
    assert again.documents == 0
    assert classify_store(store, coder, force=True).documents == 1
    assert store.status()["classified_segments"] == rep.segments
