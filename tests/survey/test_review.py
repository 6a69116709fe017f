"""Review round trip: doubtful answers out with dropdowns, human codes back in with their source."""

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from textcoop.cli.app import app

ANSWERS = [
    "станки старые, денег нет",
    "не знаю",
    "кто бы помог, всё сложно, и люди, и деньги, и заказчики, и проверки",
    "обучение продажам b2b, маркетинг",
    "текучка, дисциплина у персонала низкая",
    "всё устраивает",
]


@pytest.fixture()
def coded(tmp_path):
    src = tmp_path / "a.csv"
    pd.DataFrame({"id": range(len(ANSWERS)), "ответ": ANSWERS}).to_csv(src, index=False)
    out = tmp_path / "coded.xlsx"
    r = CliRunner().invoke(
        app,
        ["survey", "code", str(src), "-t", "ответ", "--out", str(out), "--review-below", "0.95"],
    )
    assert r.exit_code == 0, r.output
    return out


def test_review_workbook_has_dropdowns_least_confident_first(coded, tmp_path):
    rv = tmp_path / "review.xlsx"
    r = CliRunner().invoke(app, ["survey", "review", str(coded), "-t", "ответ", "--out", str(rv)])
    assert r.exit_code == 0, r.output
    table = pd.read_excel(rv)
    assert len(table) >= 2 and table.confidence.is_monotonic_increasing
    assert "не знаю" not in set(table.answer)  # non-substantive answers are not sent to people
    ws = load_workbook(rv)["review"]
    dvs = ws.data_validations.dataValidation
    r = CliRunner().invoke(
        app, ["survey", "review", str(coded), "-t", "ответ", "--out", str(coded)]
    )
    assert r.exit_code == 2 and "never overwrites" in r.output
    assert dvs and dvs[0].formula1 == '"0,1"' and "finance" in table.columns


def test_merge_marks_sources_and_validates(coded, tmp_path):
    rv = tmp_path / "review.xlsx"
    CliRunner().invoke(app, ["survey", "review", str(coded), "-t", "ответ", "--out", str(rv)])
    table = pd.read_excel(rv)
    row = int(table.loc[0, "row"])
    for t in ("finance", "skills", "technology"):
        table.loc[0, t] = 1 if t == "skills" else 0
    table.to_excel(rv, sheet_name="review", index=False)
    out = tmp_path / "final.csv"
    r = CliRunner().invoke(
        app, ["survey", "merge", str(coded), str(rv), "-t", "ответ", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    final = pd.read_csv(out, encoding="utf-8-sig")
    merged = final.iloc[row - 2]
    assert (
        merged.code_source == "human"
        and merged.needs_review == 0
        and merged.skills == 1
        and "skills" in merged.themes
    )
    assert set(final.code_source) <= {"human"} | {
        s for s in final.code_source if s.startswith("model:")
    }
    assert (final.code_source != "human").any()
    r = CliRunner().invoke(
        app,
        [
            "train",
            "--data",
            "corpora/train/ru_survey.jsonl",
            "--from-survey",
            str(out),
            "-t",
            "ответ",
            "--out",
            str(tmp_path / "m"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert f"{(final.code_source == 'human').sum()} human-coded answers" in r.output
    table["skills"] = table["skills"].astype(object)
    table.loc[0, "skills"] = "yes"
    table.to_excel(rv, sheet_name="review", index=False)
    r = CliRunner().invoke(
        app,
        ["survey", "merge", str(coded), str(rv), "-t", "ответ", "--out", str(tmp_path / "x.csv")],
    )
    assert r.exit_code == 2 and "must be 0 or 1" in r.output
    r = CliRunner().invoke(
        app, ["survey", "merge", str(coded), str(rv), "-t", "ответ", "--out", str(coded)]
    )
    assert r.exit_code == 2 and "never overwrites" in r.output
