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


def test_segments_are_coded_sentence_by_sentence():
    """A segment gets its sentences' themes with each theme's best score, never a paragraph's."""
    import json
    from types import SimpleNamespace

    from textcoop.themes.classify import code_document

    seen: list[str] = []

    class Stub:
        """Codes a sentence `finance` when it says субсидии, `skills` when it says кадров."""

        def lang_of(self, text):
            return "ru"

        def code(self, texts, langs=None):
            seen.extend(texts)
            out = []
            for t in texts:
                cats = {
                    "finance": 0.9 if "субсидии" in t else 0.3,
                    "skills": 0.8 if "кадров" in t else 0.1,
                }
                themes = [k for k, v in cats.items() if v >= 0.5] or ["other"]
                out.append(SimpleNamespace(cats=cats, _=SimpleNamespace(themes=themes), spans={}))
            return out

    segs = [
        (
            0,
            "paragraph",
            "Предприятиям предоставляются субсидии. Идёт подготовка кадров для заводов.",
        ),
        (1, "paragraph", "Ремонт дорог. Благоустройство дворов."),
        (2, "heading", "Раздел 2"),
    ]
    rows, cov = code_document(Stub(), segs)
    assert seen[:2] == [
        "Предприятиям предоставляются субсидии.",
        "Идёт подготовка кадров для заводов.",
    ]
    assert len(seen) == 5  # two sentences, two sentences, one heading
    assert rows[0][1] == ["finance", "skills"]  # best score first
    assert json.loads(rows[0][2]) == {"finance": 0.9, "skills": 0.8}  # each theme's best sentence
    assert rows[1][1] == ["other"] and json.loads(rows[1][2])["finance"] == 0.3
    # coverage counts the characters of the sentences coded with a theme, not the paragraph's
    total = len(segs[0][2]) + len(segs[1][2])  # headings left out
    share = {c[0]: c[1] for c in cov}
    assert share == {
        "finance": len("Предприятиям предоставляются субсидии.") / total,
        "skills": len("Идёт подготовка кадров для заводов.") / total,
    }


def test_a_short_latin_sentence_is_coded_in_its_paragraphs_language():
    """ "ISO 9001." inside a Russian paragraph goes to the Russian model; a whole English sentence does not."""
    from types import SimpleNamespace

    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.themes.classify import code_document

    routed: dict[str, str] = {}

    class Stub:
        lang_of = ThemeCoder.lang_of
        pipelines = {"ru": None, "en": None}

        def code(self, texts, langs=None):
            routed.update(zip(texts, langs, strict=True))
            cats = {"standards": 0.1}
            return [
                SimpleNamespace(cats=cats, _=SimpleNamespace(themes=["other"]), spans={})
            ] * len(texts)

    ru = (
        "Предприятия района внедряют системы менеджмента качества и проходят сертификацию "
        "продукции для поставок крупным заказчикам."
    )
    long_en = "The cluster programme supports suppliers of large manufacturers."
    segs = [(0, "paragraph", f"{ru} ISO 9001. {long_en}")]
    code_document(Stub(), segs)
    assert routed["ISO 9001."] == "ru"
    assert routed[long_en] == "en"
    assert routed[ru] == "ru"
    # the mirror case: a short Russian sentence in an English paragraph stays Russian
    routed.clear()
    code_document(Stub(), [(1, "paragraph", f"{long_en} {long_en} Кластер станкостроения.")])
    assert routed["Кластер станкостроения."] == "ru"
    # a short Latin-script segment (a list item) takes the document's language
    routed.clear()
    code_document(
        Stub(), [(2, "paragraph", ru), (3, "list_item", "ISO 9001"), (4, "paragraph", ru)]
    )
    assert routed["ISO 9001"] == "ru"
