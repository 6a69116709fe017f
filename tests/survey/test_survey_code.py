"""Survey coding: real export formats in, the table unchanged plus coded columns out."""

import hashlib

import pandas as pd
import pytest
from typer.testing import CliRunner

from textcoop.cli.app import app
from textcoop.errors import InputError
from textcoop.nlp.pipeline import ThemeCoder
from textcoop.survey.code import code_answers
from textcoop.survey.tables import read_table, write_table

COL = "Что мешает кооперации?"
ROWS = [
    ("1", "станки старые, денег нет"),
    ("2", "не знаю"),
    ("3", "не можем найти заказчиков на наши детали, кто бы свёл с заводом"),
    ("3", "крупные заводы платят через 120 дней"),
    ("5", "Wir brauchen mehr Unterstützung bei der Zertifizierung unserer Produkte"),
    ("6", "х" * 120_000),
    ("7", "нужна сертефикация по ГОСТ\x07 и ISO"),
    ("8", ""),
]


@pytest.fixture(scope="module")
def coder():
    return ThemeCoder()


@pytest.fixture()
def cp1251_csv(tmp_path):
    p = tmp_path / "answers.csv"
    lines = [f"id;{COL};size"] + [f'{i};"{t}";small' for i, t in ROWS]
    p.write_bytes("\r\n".join(lines).encode("cp1251", errors="replace"))
    return p


def test_cp1251_semicolon_csv_is_read(cp1251_csv):
    df, info = read_table(cp1251_csv)
    assert info["encoding"] in ("cp1251", "windows-1251") and info["delimiter"] == ";"
    assert list(df.columns) == ["id", COL, "size"] and df[COL][0] == "станки старые, денег нет"


def test_code_answers_columns_and_flags(cp1251_csv, coder):
    df, _ = read_table(cp1251_csv)
    out, rep = code_answers(df, [COL], coder, id_column="id")
    assert list(out.columns[:3]) == ["id", COL, "size"]  # input columns unchanged, first
    assert out[COL].tolist() == df[COL].tolist()
    assert {
        "finance",
        "technology",
        "themes",
        "confidence",
        "needs_review",
        "evidence",
        "nonsubstantive",
    } <= set(out.columns)
    r = out.set_index(out.index)
    assert (
        r.loc[0, "finance"] == 1
        and r.loc[0, "technology"] == 1
        and "finance" in r.loc[0, "evidence"]
    )
    assert (
        r.loc[1, "nonsubstantive"] == 1
        and r.loc[1, "themes"] == "other"
        and r.loc[1, "needs_review"] == 0
    )
    assert r.loc[4, "needs_review"] == 1  # German: a language the model does not cover
    assert r.loc[6, "standards"] == 1
    assert r.loc[7, "themes"] == "" and rep.empty[COL] == 1
    assert rep.duplicate_ids == ["3"] and rep.truncated == 1
    assert ((out.confidence.dropna() >= 0) & (out.confidence.dropna() <= 1)).all()


def test_missing_column_and_sheet_errors(cp1251_csv, tmp_path):
    runner = CliRunner()
    r = runner.invoke(
        app, ["survey", "code", str(cp1251_csv), "-t", "answer", "--out", str(tmp_path / "o.csv")]
    )
    assert r.exit_code == 2 and "no column 'answer'" in r.output and COL in r.output
    xlsx = tmp_path / "a.xlsx"
    pd.DataFrame({"q": ["нет"]}).to_excel(xlsx, sheet_name="Ответы", index=False)
    with pytest.raises(InputError, match="no sheet 'Лист1'") as e:
        read_table(xlsx, "Лист1")
    assert "Ответы" in str(e.value)
    r = runner.invoke(app, ["survey", "code", str(cp1251_csv), "-t", COL, "--out", str(cp1251_csv)])
    assert r.exit_code == 2 and "never overwrites" in r.output
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_table(empty)


def test_cli_writes_xlsx_with_codebook_and_keeps_input(cp1251_csv, tmp_path):
    before = hashlib.sha256(cp1251_csv.read_bytes()).hexdigest()
    out = tmp_path / "coded.xlsx"
    r = CliRunner().invoke(
        app,
        [
            "survey",
            "code",
            str(cp1251_csv),
            "--text-column",
            COL,
            "--id-column",
            "id",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "duplicate respondent id" in r.output
    sheets = pd.read_excel(out, sheet_name=None)
    assert set(sheets) == {"coded", "codebook"} and len(sheets["coded"]) == len(ROWS)
    assert "finance" in set(sheets["codebook"]["id"])
    assert hashlib.sha256(cp1251_csv.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("ext", [".csv", ".parquet", ".sav", ".xlsx"])
def test_output_formats_round_trip(tmp_path, ext, coder):
    df = pd.DataFrame({"resp": ["a", "b"], "ответ": ["нет кадров", "денег нет"]})
    out, _ = code_answers(df, ["ответ"], coder)
    p = tmp_path / f"o{ext}"
    write_table(out, p)
    back, _ = read_table(p)
    assert len(back) == 2 and len(back.columns) == len(out.columns)


@pytest.mark.realdata
def test_real_open_answers_import_and_code(corpora, coder, tmp_path):
    """341 real open answers (immigration, English): every row coded, almost all `other`."""
    df, info = read_table(corpora / "en-survey-gadarian" / "gadarian.csv")
    assert len(df) == 341 and "open.ended.response" in df.columns
    out, rep = code_answers(df, ["open.ended.response"], coder)
    assert rep.coded["open.ended.response"] + rep.empty["open.ended.response"] == 341
    substantive = out[out.nonsubstantive == 0]
    assert (substantive.themes == "other").mean() > 0.8  # off-topic for this codebook
    write_table(out, tmp_path / "g.xlsx")


def test_calibration_reaches_target_on_its_basis(coder):
    from textcoop.survey.code import answer_confidence, calibrate
    from textcoop.themes.data import read_gold, split_dev

    dev = split_dev(read_gold("corpora/train/ru_survey.jsonl"), 0.2)[1]
    cal = calibrate(coder, dev, 0.9, "ru_survey dev")
    assert 0 < cal.share_auto <= 1 and cal.expected_accuracy >= 0.9 and cal.n == len(dev)
    themes = [t for t in coder.labels if t != "other"]
    docs = coder.code([ex.text for ex in dev])
    above = [
        set(d._.themes) == set(ex.labels)
        for d, ex in zip(docs, dev, strict=True)
        if answer_confidence(d, themes) >= cal.threshold
    ]
    assert sum(above) / len(above) >= 0.9
    assert calibrate(coder, dev, 1.01, "impossible").share_auto == 0


def test_cli_target_accuracy_reports_share(cp1251_csv, tmp_path):
    r = CliRunner().invoke(
        app,
        [
            "survey",
            "code",
            str(cp1251_csv),
            "-t",
            COL,
            "--out",
            str(tmp_path / "o.csv"),
            "--target-accuracy",
            "0.9",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "target accuracy 90%" in r.output and "auto-coded" in r.output and "held-out" in r.output


def test_emergent_codes_too_few():
    from textcoop.survey.emergent import emergent_codes

    with pytest.raises(InputError, match="too few"):
        emergent_codes(["погода плохая", "не знаю"])


@pytest.mark.realdata
def test_emergent_codes_on_real_answers(corpora, coder):
    """Immigration answers are outside the codebook: their `other` answers fall into readable groups."""
    from textcoop.survey.emergent import emergent_codes, other_answers

    df, _ = read_table(corpora / "en-survey-gadarian" / "gadarian.csv")
    coded, _ = code_answers(df, ["open.ended.response"], coder)
    texts = other_answers(coded, "open.ended.response", "")
    codes = emergent_codes(texts)
    assert 3 <= len(codes) <= 8
    assert sum(c.n_answers for c in codes) <= len(texts)
    for c in codes:
        assert len(c.terms) >= 5 and c.examples and all(ex in texts for ex in c.examples)
    words = {w for c in codes for t in c.terms for w in t.split()}
    assert {"job", "tax", "taxis", "border", "english"} & words


def test_xlsx_with_merged_cells_and_formulas(tmp_path, coder):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Анкета"
    ws.append(["id", "ответ", "баллы"])
    ws.append([1, "станки старые, денег нет", 2])
    ws.append([2, "нет кадров", "=C2*2"])
    ws.append([3, "не знаю", 1])
    ws.merge_cells("B4:B5")  # a merged answer cell spanning two rows
    ws.append([4, None, 3])
    p = tmp_path / "survey.xlsx"
    wb.save(p)
    df, info = read_table(p, "Анкета")
    assert info["sheet"] == "Анкета" and len(df) == 4
    out, rep = code_answers(df, ["ответ"], coder, id_column="id")
    assert out.loc[0, "finance"] == 1 and out.loc[1, "skills"] == 1
    assert rep.empty["ответ"] == 1  # the lower half of the merged cell has no text of its own
    assert out["баллы"].tolist() == df["баллы"].tolist()  # formulas kept as they were read
