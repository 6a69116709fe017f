"""Survey tables in and out: CSV (any delimiter and Cyrillic encoding), XLSX, SPSS .sav, Parquet.

Analysts get answers from survey platforms and Excel, often as cp1251 CSV;
reading must never guess silently: a missing column lists the ones there are,
an unknown sheet lists the sheets.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from textcoop.errors import InputError
from textcoop.extract.text import decode_bytes

FORMATS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".sav", ".parquet")


def read_table(path: str | Path, sheet: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Read a survey table as strings; returns (frame, info) with encoding, delimiter, sheet, value labels."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"survey file {p} does not exist")
    ext = p.suffix.lower()
    info: dict = {"format": ext.lstrip(".")}
    if p.stat().st_size == 0:
        raise InputError(f"survey file {p} is empty (0 bytes)")
    if ext in (".csv", ".tsv", ".txt"):
        text, enc = decode_bytes(p.read_bytes())
        text = text.lstrip("\ufeff")
        if not text.strip():
            raise InputError(f"survey file {p} has no rows")
        try:
            delim = csv.Sniffer().sniff(text[:5000], delimiters=",;\t|").delimiter
        except csv.Error:
            delim = "\t" if ext == ".tsv" else ","
        df = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False)
        info.update(encoding=enc, delimiter=delim)
    elif ext in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(p, read_only=True, data_only=True)  # formulas: their cached values
        names = wb.sheetnames
        wb.close()
        if sheet is not None and sheet not in names:
            raise InputError(f"{p} has no sheet {sheet!r}", options=names)
        df = pd.read_excel(p, sheet_name=sheet or names[0], dtype=str, keep_default_na=False)
        info.update(sheet=sheet or names[0])
    elif ext == ".sav":
        import pyreadstat

        df, meta = pyreadstat.read_sav(str(p), apply_value_formats=True)
        df = df.astype(str).replace({"nan": ""})
        info.update(
            value_labels=meta.variable_value_labels,
            column_labels=dict(zip(meta.column_names, meta.column_labels, strict=False)),
        )
    elif ext == ".parquet":
        df = pd.read_parquet(p).astype(str).replace({"None": "", "nan": ""})
    else:
        raise InputError("unsupported survey file type", value=ext, options=FORMATS)
    if df.empty:
        raise InputError(f"survey file {p} has a header but no rows")
    df.columns = [str(c).strip() for c in df.columns]
    return df, info


def require_columns(df: pd.DataFrame, columns: list[str], path: str | Path) -> None:
    """Refuse missing columns, listing the available ones."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"{path}: no column {', '.join(repr(c) for c in missing)}",
            options=list(df.columns),
            hint="pass --text-column with one of these names",
        )


def _excel_safe(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Excel cannot hold control characters or cells over 32,767 characters: clean, and say so."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    notes: list[str] = []
    out = df.copy()
    for col in out.columns:
        if out[col].dtype != object and not pd.api.types.is_string_dtype(out[col]):
            continue
        vals = out[col].astype(str)
        bad = vals.str.contains(ILLEGAL_CHARACTERS_RE, regex=True)
        long = vals.str.len() > 32_767
        if bad.any():
            notes.append(
                f"column {col!r}: control characters removed in {int(bad.sum())} cell(s) (Excel cannot store them)"
            )
            out.loc[bad, col] = vals[bad].str.replace(ILLEGAL_CHARACTERS_RE, "", regex=True)
        if long.any():
            notes.append(
                f"column {col!r}: {int(long.sum())} cell(s) cut to Excel's 32,767-character limit"
            )
            out.loc[long, col] = out.loc[long, col].astype(str).str.slice(0, 32_767)
    return out, notes


def write_table(df: pd.DataFrame, path: str | Path, codebook=None) -> list[str]:
    """Write by extension; XLSX gets a second sheet with the codebook. Written atomically.

    Returns notes about anything the format forced us to change (Excel limits).
    """
    notes: list[str] = []
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in FORMATS:
        raise InputError("unsupported output type", value=ext, options=FORMATS)
    tmp = p.with_name(p.name + ".part" + ext)
    if ext in (".csv", ".tsv", ".txt"):
        df.to_csv(
            tmp, index=False, sep="\t" if ext == ".tsv" else ",", encoding="utf-8-sig"
        )  # BOM: Excel opens Cyrillic right
    elif ext in (".xlsx", ".xlsm"):
        safe, notes = _excel_safe(df)
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            safe.to_excel(xw, sheet_name="coded", index=False)
            if codebook is not None:
                rows = [
                    {
                        "id": t.id,
                        "name_ru": t.name.get("ru", ""),
                        "name_en": t.name.get("en", ""),
                        "definition": t.definition.get("en", ""),
                    }
                    for t in codebook.themes
                ]
                pd.DataFrame(rows).to_excel(xw, sheet_name="codebook", index=False)
    elif ext == ".sav":
        import pyreadstat

        out = df.copy()
        names: list[str] = []
        for i, c in enumerate(out.columns):
            n = _sav_name(c, i)
            names.append(n if n not in names else f"{n[:56]}_{i}")
        out.columns = names
        pyreadstat.write_sav(out, str(tmp), column_labels=[str(c) for c in df.columns])
    else:
        df.to_parquet(tmp, index=False)
    tmp.replace(p)
    return notes


def _sav_name(name: str, i: int) -> str:
    """SPSS variable names: letters, digits, _; start with a letter; at most 64 bytes."""
    import re

    base = re.sub(r"\W", "_", str(name), flags=re.ASCII).strip("_") or f"v{i}"
    if not base[0].isalpha():
        base = f"v_{base}"
    return base[:60] + (f"_{i}" if len(base) > 60 else "")
