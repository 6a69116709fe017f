"""The CLI through Typer's CliRunner: help everywhere, exit codes, one-line errors."""

import json

import pytest
import spacy
from typer.testing import CliRunner

from textcoop.cli.app import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """Rich wraps at the terminal width; tests read whole lines."""
    from textcoop.cli import common

    monkeypatch.setattr(common.console, "width", 200)
    monkeypatch.setattr(common.err_console, "width", 200)


COMMANDS = [
    ["ingest"], ["status"], ["docs"], ["show"], ["export"], ["meta"], ["meta", "set"],
    ["codebook"], ["codebook", "show"], ["codebook", "validate"], ["codebook", "init"],
    ["train"], ["evaluate"], ["code"], ["classify"], ["survey"], ["survey", "code"], ["survey", "summary"], ["survey", "agreement"], ["survey", "review"], ["survey", "merge"], ["survey", "emergent"], ["gaps"], ["compare"],
    ["report"],
    ["check"],
    ["topics"], ["topics", "fit"], ["topics", "show"],
]  # fmt: skip
GROUPS = (["meta"], ["codebook"], ["survey"], ["topics"])


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c))
def test_every_command_has_help_with_an_example(cmd):
    r = runner.invoke(app, [*cmd, "--help"])
    assert r.exit_code == 0, r.output
    if cmd not in GROUPS:
        assert "Example" in r.output


def test_every_command_is_documented_in_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for cmd in COMMANDS:
        assert f"textcoop {' '.join(cmd)}" in readme, cmd


@pytest.fixture()
def folder(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "p.txt").write_text(
        "Программа Заозёрской области на 2024-2030 годы\n\nСубсидии на модернизацию оборудования.\n",
        encoding="utf-8",
    )
    return d


def test_ingest_status_docs_show_export_meta(tmp_path, folder):
    s = str(tmp_path / "s.duckdb")
    r = runner.invoke(app, ["--quiet", "ingest", str(folder), "--store", s, "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "1 stored" in r.output
    r = runner.invoke(app, ["status", "--store", s, "--json"])
    counts = json.loads(r.output)
    assert {"documents", "pages", "segments", "errors", "needs_ocr"} <= counts.keys()
    assert counts["documents"] == 1 and counts["errors"] == 0
    r = runner.invoke(app, ["docs", "--store", s])
    assert "p.txt" in r.output and "Заозёрская" in r.output
    r = runner.invoke(app, ["show", "p.txt", "--store", s, "--page", "1"])
    assert r.exit_code == 0 and "Субсидии на модернизацию" in r.output
    out = tmp_path / "seg.csv"
    r = runner.invoke(
        app, ["export", "segments", "--store", s, "--format", "csv", "--out", str(out)]
    )
    assert r.exit_code == 0 and out.read_text(encoding="utf-8").count("\n") == 3
    r = runner.invoke(
        app, ["meta", "set", "p.txt", "--store", s, "--region", "Вологодская область"]
    )
    assert r.exit_code == 0
    r = runner.invoke(app, ["docs", "--store", s, "--region", "Вологодская область"])
    assert "p.txt" in r.output


def test_exit_codes_and_error_lines(tmp_path, folder):
    s = str(tmp_path / "s.duckdb")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj garbage")
    r = runner.invoke(app, ["--quiet", "ingest", str(folder), "--store", s, "--workers", "1"])
    assert r.exit_code == 1
    assert "What went wrong" in r.output and "broken.pdf" in r.output
    r = runner.invoke(app, ["ingest", str(folder), "--store", s, "--ocr", "sometimes"])
    assert r.exit_code == 2 and "unknown --ocr mode" in r.output and "auto" in r.output
    r = runner.invoke(app, ["show", "nothing-like-this", "--store", s])
    assert r.exit_code == 1 and "no document" in r.output and "Traceback" not in r.output
    missing = tmp_path / "missing.duckdb"
    for cmd in (
        ["status"],
        ["classify"],
        ["meta", "set", "x", "--year", "2020"],
        ["topics", "fit"],
        ["check", "--repair"],
    ):
        r = runner.invoke(app, [*cmd, "--store", str(missing)])
        assert r.exit_code == 1 and "textcoop ingest" in r.output, (cmd, r.output)
        assert not missing.exists(), cmd  # a typo in --store never creates an empty store
    r = runner.invoke(
        app, ["export", "segments", "--store", s, "--format", "xls", "--out", str(tmp_path / "x")]
    )
    assert r.exit_code == 2 and "parquet" in r.output
    r = runner.invoke(app, ["export", "segments", "--store", s, "--format", "csv", "--out", s])
    assert r.exit_code == 2 and "never overwrites" in r.output


def test_code_explains_with_the_shipped_model():
    r = runner.invoke(app, ["code", "Нужны льготные займы на покупку станков"])
    assert r.exit_code == 0, r.output
    assert "themes: finance, technology" in r.output
    assert "evidence for finance: льготные займы" in r.output
    assert "relevance 1.00" in r.output  # the shipped model's gate, shown
    # one of the codebook's tempting cases: the procurement model is sure, the gate is not
    r = runner.invoke(app, ["code", "Закупки товаров для муниципальных нужд"])
    assert r.exit_code == 0 and "themes: other" in r.output, r.output
    assert "procurement" in r.output and "capped" in r.output
    r = runner.invoke(app, ["code", "   "])
    assert r.exit_code == 2 and "empty" in r.output


def test_train_evaluate_codebook_commands(tmp_path):
    data = tmp_path / "gold.csv"
    rows = [
        "Субсидии на модернизацию оборудования предприятий,finance;technology",
        "Подготовка инженерных кадров для заводов,skills",
        "Ремонт дорог в поселке,other",
    ]
    data.write_text("text,labels\n" + "\n".join(rows * 3) + "\n", encoding="utf-8")
    out = tmp_path / "m"
    r = runner.invoke(
        app, ["train", "--data", str(data), "--out", str(out), "--classifier-c", "ru:32"]
    )
    assert r.exit_code == 0, r.output
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["classifier_c"] == ["ru:32"]
    assert meta["relevance_gate"] == ["all"] and meta["gate_fitted"] == {"ru": True}  # default
    assert spacy.load(out / "ru").get_pipe("textcoop_theme_classifier").C == 32.0
    off = tmp_path / "off"
    r = runner.invoke(
        app, ["train", "--data", str(data), "--out", str(off), "--relevance-gate", "none"]
    )
    assert r.exit_code == 0, r.output
    assert not (off / "ru/textcoop_theme_classifier/gate_coef.npy").exists()
    assert json.loads((off / "meta.json").read_text(encoding="utf-8"))["gate_fitted"] == {
        "ru": False
    }
    for bad_gate in ("rus", "en"):  # unknown, or a language the data does not have
        r = runner.invoke(
            app,
            [
                "train",
                "--data",
                str(data),
                "--out",
                str(tmp_path / "g"),
                "--relevance-gate",
                bad_gate,
            ],
        )
        assert r.exit_code == 2 and "not being trained" in r.output and "Traceback" not in r.output
        assert not (tmp_path / "g").exists()
    r = runner.invoke(app, ["evaluate", "--gold", str(data), "--model", str(out), "--json"])
    m = json.loads(r.output)
    assert {"macro_f1", "micro_f1", "per_label", "kappa", "alpha", "n"} <= m.keys() and m["n"] == 9
    bad = tmp_path / "bad.csv"
    bad.write_text("text,labels\nЧто-то,money\n", encoding="utf-8")
    r = runner.invoke(app, ["evaluate", "--gold", str(bad), "--model", str(out)])
    assert r.exit_code == 2 and "unknown label id(s) 'money'" in r.output
    cb = tmp_path / "cb.yaml"
    assert runner.invoke(app, ["codebook", "init", str(cb)]).exit_code == 0
    assert runner.invoke(app, ["codebook", "validate", str(cb)]).exit_code == 0
    cb.write_text(
        cb.read_text(encoding="utf-8").replace("  - id: skills", "  - id: finance"),
        encoding="utf-8",
    )
    r = runner.invoke(app, ["codebook", "validate", str(cb)])
    assert r.exit_code == 1 and "duplicate theme id 'finance'" in r.output
    assert "finance" in runner.invoke(app, ["codebook", "show"]).output


def test_evaluate_against_a_second_coder(tmp_path):
    one, two = tmp_path / "coder1.csv", tmp_path / "coder2.csv"
    one.write_text(
        "id,text,labels\n1,Субсидии на станки,finance;technology\n2,Ремонт дорог,other\n"
        "3,Обучение кадров для заводов,skills\n",
        encoding="utf-8",
    )
    two.write_text(
        "id,text,labels\n1,Субсидии на станки,finance\n2,Ремонт дорог,other\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["evaluate", "--gold", str(one), "--against", str(two), "--json"])
    assert r.exit_code == 0, r.output
    m = json.loads(r.output)
    assert m["n"] == 2 and m["only_in_gold"] == 1 and m["only_in_against"] == 0
    assert m["per_label"]["finance"]["f1"] == 1.0 and m["per_label"]["technology"]["recall"] == 0.0
    r = runner.invoke(app, ["evaluate", "--gold", str(one), "--against", str(two)])
    assert r.exit_code == 0 and "left out: 1 text(s) coded only in coder1.csv" in r.output
    r = runner.invoke(app, ["evaluate", "--gold", str(one), "--codebook", str(one)])
    assert r.exit_code == 2 and "--codebook is for --against" in r.output
    two.write_text("id,text,labels\n1,Субсидии на станки,money\n", encoding="utf-8")
    r = runner.invoke(app, ["evaluate", "--gold", str(one), "--against", str(two)])
    assert r.exit_code == 2 and "unknown label id(s) 'money'" in r.output


def test_train_never_samples_a_labelled_sentence_as_a_weak_negative(tmp_path, monkeypatch):
    import hashlib

    import textcoop.themes.train as train_mod

    labelled = "Субсидии на модернизацию оборудования предприятий области"
    data = tmp_path / "gold.csv"
    rows = [
        f"{labelled},finance;technology",
        "Подготовка кадров для заводов,skills",
        "Ремонт дорог,other",
    ]
    data.write_text("text,labels\n" + "\n".join(rows * 3) + "\n", encoding="utf-8")
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "d.txt").write_text(labelled + ".\n", encoding="utf-8")
    seen = {}

    def spy(folder, cb, n, exclude=None, seed=0, **kw):
        seen["exclude"] = set(exclude or ())
        return []

    monkeypatch.setattr(train_mod, "weak_negatives", spy)
    out = tmp_path / "m"
    args = ["train", "--data", str(data), "--weak-negatives", str(folder), "--out", str(out)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert hashlib.sha1(labelled.encode("utf-8")).hexdigest() in seen["exclude"]
