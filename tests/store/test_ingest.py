"""Ingest of folders with good and bad files: batches continue, reruns skip, manifests apply."""

import shutil

import pytest

from textcoop.errors import ManifestError
from textcoop.store.ingest import IngestOptions, ingest, read_manifest


def _folder(tmp_path, pdf_writer):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(
        "Стратегия Вологодской области до 2030 года\n\nПоддержка кластеров и центров субконтрактации.\n",
        encoding="utf-8",
    )
    (d / "sub" / "b.md").write_text(
        "# Northmoor Region plan\n\nGrants for SMEs to modernise equipment.\n", encoding="utf-8"
    )
    (d / "empty.pdf").write_bytes(b"")
    (d / "fake.pdf").write_bytes(b"\x00not a pdf at all" * 20)
    (d / "notes.csv").write_text("ignored,in,folders\n")
    w = pdf_writer()
    w.new_page()
    w.text(72, 72, "Программа развития промышленности Заозёрской области на 2024-2030 годы", 12)
    w.save(d / "c.pdf")
    shutil.copy(d / "c.pdf", d / "sub" / "c_copy.pdf")
    return d


def test_batch_continues_and_records_errors(store, tmp_path, pdf_writer):
    d = _folder(tmp_path, pdf_writer)
    rep = ingest([d], store, IngestOptions(workers=2, timeout=120))
    stored = {p.split("/")[-1] for p, _ in rep.stored}
    assert stored in ({"a.txt", "b.md", "c.pdf"}, {"a.txt", "b.md", "c_copy.pdf"})
    assert len(rep.skipped) == 1  # the identical copy
    codes = {p.split("/")[-1]: c for p, c, _ in rep.failed}
    assert codes == {"empty.pdf": "empty_file", "fake.pdf": "corrupt"}
    assert rep.exit_code == 1
    st = store.status()
    assert st["documents"] == 3 and st["errors"] == 2
    errs = store.problems_df("error")
    assert all(errs.message.str.len() > 10)
    docs = store.documents_df().set_index("file_name")
    assert docs.loc["a.txt", "region"] == "Вологодская область"
    assert docs.loc["a.txt", "doc_type"] == "strategy"


def test_rerun_skips_everything_stored(store, tmp_path, pdf_writer):
    d = _folder(tmp_path, pdf_writer)
    ingest([d], store, IngestOptions(workers=1))
    before = store.status()
    rep = ingest([d], store, IngestOptions(workers=1))
    assert rep.stored == [] and len(rep.skipped) == 4
    after = store.status()
    assert after["documents"] == before["documents"] and after["segments"] == before["segments"]
    assert after["errors"] == 2  # errors replaced, not duplicated


def test_manifest_overrides_inferred_metadata(store, tmp_path, pdf_writer):
    d = _folder(tmp_path, pdf_writer)
    (d / "manifest.csv").write_text(
        "path,region,year,doc_type,title\na.txt,Заозёрская область,2024-2030,plan,План А\n",
        encoding="utf-8",
    )
    ingest([d], store, IngestOptions(workers=1, manifest=d / "manifest.csv"))
    row = store.documents_df().set_index("file_name").loc["a.txt"]
    assert (row.region, row.year, row.doc_type, row.title, row.meta_source) == (
        "Заозёрская область",
        "2024-2030",
        "plan",
        "План А",
        "manifest",
    )


def test_manifest_errors_name_rows_and_columns(tmp_path):
    m = tmp_path / "m.csv"
    m.write_text("path,region,kind\na.pdf,R,x\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="unknown column 'kind'"):
        read_manifest(m)
    m.write_text("path,doc_type\na.pdf,novel\n,plan\n", encoding="utf-8")
    with pytest.raises(ManifestError) as e:
        read_manifest(m)
    assert (
        "row 2" in str(e.value) and "novel" in str(e.value) and "row 3: empty path" in str(e.value)
    )
    m.write_text("file,region\na.pdf,R\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="no 'path' column"):
        read_manifest(m)


def test_missing_input_is_recorded_not_fatal(store, tmp_path):
    (tmp_path / "ok.txt").write_text("Поддержка экспорта продукции.", encoding="utf-8")
    rep = ingest([tmp_path / "ok.txt", tmp_path / "nope.pdf"], store, IngestOptions(workers=1))
    assert len(rep.stored) == 1 and rep.failed[0][1] == "not_found"
