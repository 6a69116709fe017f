"""Hostile survey tables: legacy and mixed encodings, 100,000-character answers, control characters, RTL.

Each file is read, coded and written back; anything changed or cut is said
in the "What to check" list, never silently.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textcoop.survey.code import MAX_CHARS, code_answers
from textcoop.survey.tables import read_table, write_table

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402

ANSWERS = ["станки старые, денег на оборудование нет", "не хватает инженерных кадров", "не знаю"]
HEADER = "id;ответ\n"


def _csv(rows: list[str]) -> str:
    return HEADER + "".join(f"{i + 1};{a}\n" for i, a in enumerate(rows))


@pytest.fixture(scope="module")
def coder():
    from textcoop.nlp.pipeline import ThemeCoder

    return ThemeCoder()


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "utf-16-le", "utf-16-be"])
def test_legacy_encodings_read_back_exactly(tmp_path, encoding):
    p = tmp_path / f"answers_{encoding}.csv"
    p.write_bytes(_csv(ANSWERS * 3).encode(encoding))
    df, info = read_table(p)
    assert df["ответ"].tolist() == ANSWERS * 3, info


def test_mixed_encoding_export_reads_both_parts(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_bytes(_csv(ANSWERS[:2]).encode("utf-8") + "3;нет кадров и заказов\n".encode("cp1251"))
    df, info = read_table(p)
    assert df["ответ"].tolist() == [*ANSWERS[:2], "нет кадров и заказов"]
    assert info["encoding"].startswith("mixed")


def test_long_control_rtl_answers_coded_flagged_and_written(tmp_path, coder):
    long = (hostile.RU + " ") * (100_000 // len(hostile.RU) + 1)
    rows = [
        long[:100_000],
        "нет денег\x00\x07 на \u202eоборудование\u202c",
        "النص العربي — нет кадров",
        "\x1b[31mне знаю\x1b[0m",
    ]
    p = tmp_path / "hostile.csv"
    p.write_text(_csv(rows), encoding="utf-8")
    df, _ = read_table(p)
    assert len(df["ответ"].iloc[0]) == 100_000
    out, rep = code_answers(df, ["ответ"], coder, id_column="id")
    assert rep.truncated == 1 and out.loc[0, "needs_review"] == 1
    assert [(r, c) for r, c, _ in rep.issues] == [("id=1", "long_answer")]
    assert f"first {MAX_CHARS:,}" in rep.issues[0][2]
    assert out.loc[1, "finance"] == 1  # control and bidi characters do not hide the words
    notes = write_table(out, tmp_path / "coded.xlsx")
    assert any("control characters removed" in n for n in notes)
    back, _ = read_table(tmp_path / "coded.xlsx")
    assert back["ответ"].iloc[2] == rows[2]  # RTL text kept as it was


def test_cli_ends_with_what_to_check(tmp_path):
    from textcoop.cli.app import app

    p = tmp_path / "a.csv"
    p.write_text(
        _csv(["нет денег", "x" * 6000, "нет кадров"]).replace("3;", "1;"), encoding="utf-8"
    )
    r = CliRunner().invoke(
        app,
        [
            "survey",
            "code",
            str(p),
            "-t",
            "ответ",
            "--id-column",
            "id",
            "--out",
            str(tmp_path / "c.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "What to check" in r.output
    assert "long_answer: 1" in r.output and "duplicate_id: 1" in r.output
    assert "needs_review" in r.output
