"""Results as named tables plus notes: written as CSV or Parquet, and as one JSON document."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from textcoop.errors import InputError
from textcoop.tablefiles import TABLE_FORMATS, write_json_atomic, write_table_atomic

FORMATS = TABLE_FORMATS


def _clean(value):
    """JSON-safe values: NaN and NA become null, numpy scalars plain Python, arrays lists."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str):
        return _clean(value.tolist())
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NA or value is None:
        return None
    return value


def check_out_dir(out: str | Path) -> None:
    """--out names a directory (created if missing), never an existing file."""
    if Path(out).exists() and not Path(out).is_dir():
        raise InputError(
            f"--out {out} is a file; the results are several tables",
            hint="give a directory name, e.g. --out out/gaps",
        )


@dataclass
class Result:
    """Tables keyed by name (fixed columns, see CONTRACT.md), notes and run parameters."""

    data: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)
    kind: str = "result"

    def tables(self) -> dict[str, pd.DataFrame]:
        return dict(self.data)

    def to_json(self) -> dict:
        return _clean(
            {
                "kind": self.kind,
                "params": self.params,
                "notes": self.notes,
                "tables": {
                    name: [
                        dict(zip(df.columns, row, strict=True))
                        for row in df.itertuples(index=False)
                    ]
                    for name, df in self.data.items()
                },
            }
        )

    def write(self, out: str | Path, fmt: str = "csv") -> list[Path]:
        """One file per table plus ``<kind>.json``; returns the paths written."""
        if fmt not in FORMATS:
            raise InputError("unknown --format", value=fmt, options=FORMATS)
        out = Path(out)
        check_out_dir(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = [
            write_table_atomic(df, out / f"{self.kind}_{name}.{fmt}", fmt)
            for name, df in self.data.items()
        ]
        paths.append(write_json_atomic(self.to_json(), out / f"{self.kind}.json", indent=1))
        return paths
