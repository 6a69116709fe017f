"""Held-out gold stays out of training: by sentence and by whole document."""

import json
from pathlib import Path

import pytest

from textcoop.themes.codebook import load_codebook
from textcoop.themes.data import document_of, held_out
from textcoop.themes.train import weak_negatives

ROOT = Path(__file__).resolve().parents[2]


def test_document_of_joins_the_parts_of_a_document():
    assert document_of("ru-programs/texts/2010_0_part_3.txt") == "2010_0"
    assert document_of("ru-programs/texts/3133_11.txt") == "3133_11"
    assert document_of("a_part_x.txt") == "a_part_x"


def test_shipped_training_and_gold_documents_are_disjoint():
    def docs(path):
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
        return {document_of(r["source"]) for r in rows}, {r["sha1"] for r in rows}

    train_docs, train_sha = docs(ROOT / "corpora/train/ru_programs_refs.jsonl")
    gold_docs, gold_sha = docs(ROOT / "corpora/eval/ru_programs_gold.jsonl")
    assert train_docs and gold_docs
    assert not train_docs & gold_docs and not train_sha & gold_sha


def test_weak_negatives_skip_every_part_of_held_out_documents(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    held = "Ремонт дорог и тротуаров в поселке продолжится в следующем году по плану."
    kept = "Спортивная площадка у школы будет открыта для жителей района после ремонта."
    (folder / "d1_part_0.txt").write_text(held + "\n", encoding="utf-8")
    (folder / "d1_part_1.txt").write_text(held.replace("дорог", "мостов") + "\n", encoding="utf-8")
    (folder / "d2.txt").write_text(kept + "\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    row = {"id": "g1", "source": "texts/d1_part_0.txt", "sha1": "x", "labels": ["other"]}
    gold.write_text(json.dumps(row) + "\n", encoding="utf-8")
    sha1s, docs = held_out([gold])
    assert sha1s == {"x"} and docs == {"d1"}
    out = weak_negatives(folder, load_codebook(), 10, sha1s, exclude_docs=docs)
    assert [ex.text for ex in out] == [kept]
    assert len(weak_negatives(folder, load_codebook(), 10)) == 3


def test_failed_training_says_why_and_keeps_what_was_there(tmp_path):
    from typer.testing import CliRunner

    from textcoop.cli.app import app
    from textcoop.errors import InputError
    from textcoop.themes.data import Example
    from textcoop.themes.train import train_model

    out = tmp_path / "model"
    out.mkdir()
    (out / "keep.txt").write_text("an older model", encoding="utf-8")
    two = [
        Example("a", "Субсидии на станки", ["finance"], "ru"),
        Example("b", "Обучение кадров", ["skills"], "ru"),
    ]
    with pytest.raises(InputError, match="cannot learn from 2 training text"):
        train_model(two, load_codebook(), out)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "an older model"
    assert not (tmp_path / "model.tmp").exists()  # no half-written directory left
    data = tmp_path / "d.jsonl"
    data.write_text(
        "".join(json.dumps(ex.__dict__, ensure_ascii=False) + "\n" for ex in two), encoding="utf-8"
    )
    (tmp_path / "empty").mkdir()
    args = ["train", "--data", str(data), "--out", str(out)]
    for extra, says in (
        (["--weak-negatives", str(tmp_path / "empty")], "no folder with .txt documents"),
        (["--seedless", "de:finance"], "a language textcoop does not train"),
        (["--seedless", "ru:finanse"], "not in the codebook"),
        (["--classifier-c", "ru:0"], "needs a positive number"),
        (["--classifier-c", "lots"], "needs a positive number"),
        (["--classifier-c", "de:8"], "a language textcoop does not train"),
    ):
        r = CliRunner().invoke(app, args + extra)
        assert r.exit_code == 2 and says in " ".join(r.output.split()), r.output
    assert (out / "keep.txt").exists()


def test_classifier_c_per_language_specific_wins_over_general():
    from textcoop.errors import InputError
    from textcoop.themes.train import _c_for

    assert _c_for("ru", []) is None  # the config's default stays
    assert _c_for("ru", ["ru:32", "4"]) == 32.0 and _c_for("en", ["ru:32", "4"]) == 4.0
    assert _c_for("en", ["ru:32"]) is None
    assert _c_for("ru", ["16", "ru:2.5"]) == 2.5
    with pytest.raises(InputError, match="given twice for ru"):
        _c_for("en", ["ru:2", "ru:32"])


def test_align_codings_pairs_units_by_id_then_by_text():
    from textcoop.errors import InputError
    from textcoop.themes.data import Example, align_codings

    a = [Example("1", "Субсидии МСП", ["finance"], "ru"), Example("2", "Дороги", ["other"], "ru")]
    b = [Example("2", "Дороги", ["infrastructure"], "ru"), Example("3", "Кадры", ["skills"], "ru")]
    first, second, only = align_codings(a, b)
    assert (first, second) == ([["other"]], [["infrastructure"]])
    assert only == {"only_first": ["1"], "only_second": ["3"]}
    # no id in common: the same texts (whitespace aside) are the same units
    c = [Example("x", " Субсидии  МСП", ["finance", "technology"], "ru")]
    first, second, only = align_codings(a, c)
    assert (first, second) == ([["finance"]], [["finance", "technology"]])
    with pytest.raises(InputError, match="no unit in common"):
        align_codings(a, [Example("9", "Что-то иное", ["other"], "ru")])
    with pytest.raises(InputError, match="coded twice"):
        align_codings(a, [b[0], b[0]])


def test_empty_gold_files_say_they_are_empty(tmp_path):
    from textcoop.errors import InputError
    from textcoop.themes.data import read_gold

    blank, header_only = tmp_path / "blank.csv", tmp_path / "header.csv"
    blank.write_text("\n", encoding="utf-8")
    header_only.write_text("text,labels\n", encoding="utf-8")
    with pytest.raises(InputError, match="blank.csv is empty"):
        read_gold(blank)
    with pytest.raises(InputError, match="header.csv holds no examples"):
        read_gold(header_only)
    one_column = tmp_path / "one.csv"
    one_column.write_text("text\nСубсидии на станки\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_gold(one_column)
