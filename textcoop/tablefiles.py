"""Result tables written atomically: one CSV or Parquet file per table, plus a JSON summary.

Why one module: topics and gaps/compare both write a directory of tables
that the report, a spreadsheet or a later run reads back. Each file is
written under a ``.part`` name and renamed when complete, so a run that
fails half-way leaves the previous file (or none), never a truncated
table that looks whole. It sits at the top of the package, below every
stage, so any stage may use it without importing a later one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textcoop.errors import InputError

if TYPE_CHECKING:  # pandas is not imported for the store's export, which only needs part_path
    import pandas as pd

TABLE_FORMATS = ("csv", "parquet")


def part_path(path: str | Path) -> Path:
    """The temporary name a file is written under before it is renamed into place."""
    p = Path(path)
    return p.with_name(p.name + ".part")


def write_table_atomic(df: pd.DataFrame, path: str | Path, fmt: str = "csv") -> Path:
    """``df`` as CSV (UTF-8, no index) or Parquet at ``path``, via a ``.part`` file."""
    if fmt not in TABLE_FORMATS:
        raise InputError("unknown table format", value=fmt, options=TABLE_FORMATS)
    path = Path(path)
    tmp = part_path(path)
    if fmt == "csv":
        df.to_csv(tmp, index=False)
    else:
        df.to_parquet(tmp, index=False)
    tmp.replace(path)
    return path


def write_text_atomic(text: str, path: str | Path) -> Path:
    """UTF-8 text at ``path``, via a ``.part`` file."""
    path = Path(path)
    tmp = part_path(path)
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def write_json_atomic(obj: Any, path: str | Path, indent: int = 2, default: Any = None) -> Path:
    """``obj`` as UTF-8 JSON (non-ASCII kept readable) at ``path``, via a ``.part`` file."""
    return write_text_atomic(
        json.dumps(obj, ensure_ascii=False, indent=indent, default=default), path
    )
