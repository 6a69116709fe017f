"""Result tables are written whole or not at all, in the format asked for."""

import json

import pandas as pd
import pytest

from textcoop.errors import InputError
from textcoop.tablefiles import write_json_atomic, write_table_atomic, write_text_atomic


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"group": ["Заозёрская", "Северная"], "share": [0.25, None]})


def test_csv_and_parquet_round_trip_without_part_files(tmp_path):
    df = _frame()
    p = write_table_atomic(df, tmp_path / "t.csv", "csv")
    assert p == tmp_path / "t.csv"
    assert p.read_text(encoding="utf-8").splitlines() == [
        "group,share",
        "Заозёрская,0.25",
        "Северная,",
    ]
    q = write_table_atomic(df, tmp_path / "t.parquet", "parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(q), df)
    assert sorted(f.name for f in tmp_path.iterdir()) == ["t.csv", "t.parquet"]


def test_unknown_format_is_refused_before_writing(tmp_path):
    with pytest.raises(InputError, match="unknown table format") as exc:
        write_table_atomic(_frame(), tmp_path / "t.xlsx", "xlsx")
    assert list(exc.value.options) == ["csv", "parquet"]
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    write_table_atomic(_frame(), path)
    before = path.read_bytes()

    def half_then_fail(self, target, **kw):
        with open(target, "w", encoding="utf-8") as fh:
            fh.write("group,sh")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_table_atomic(pd.DataFrame({"group": ["x"]}), path)
    assert path.read_bytes() == before


def test_json_keeps_cyrillic_readable_and_text_replaces(tmp_path):
    p = write_json_atomic({"регион": 1, "x": {1, 2}}, tmp_path / "a.json", indent=1, default=list)
    text = p.read_text(encoding="utf-8")
    assert "регион" in text and text.startswith('{\n "регион": 1')
    assert json.loads(text) == {"регион": 1, "x": [1, 2]}
    write_text_atomic("второй", tmp_path / "a.json")
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "второй"
    assert [f.name for f in tmp_path.iterdir()] == ["a.json"]
