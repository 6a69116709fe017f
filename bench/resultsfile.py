"""Benchmark results as JSON: one writer for every bench script, one layout for the tables.

Why one module: ``run_all.py`` and ``bench_ingest.py`` wrote the same results
document (machine facts, table rows with their ratio, raw figures) with two
copies of the same code, and every other script had its own ``json.dumps``
line. Here the format is fixed once: indented, UTF-8 with Cyrillic kept
readable, values JSON cannot hold written as text rather than failing at the
end of a long run.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def write_json(path: str | Path, data: Any, final_newline: bool = False) -> Path:
    """``data`` as indented UTF-8 JSON at ``path``."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    path = Path(path)
    path.write_text(text + ("\n" if final_newline else ""), encoding="utf-8")
    return path


def machine_facts(textcoop: str, loadavg_start: tuple[float, ...], **extra: Any) -> dict:
    """What a table was measured on: CPUs, versions, ``extra`` facts, date, load at start and now."""
    import pymupdf

    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "pymupdf": pymupdf.VersionBind,
        "textcoop": textcoop,
        **extra,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "loadavg_start": loadavg_start,
        "loadavg_end": os.getloadavg(),
    }


def write_results(
    path: Path,
    quick: bool,
    machine: dict,
    seconds: float,
    rows: Iterable[Any],
    raw: dict,
    **extra: Any,
) -> dict:
    """The results document of a table of ``bench_ingest.Row``: written, and where it went printed.

    Keys in order: quick, machine, seconds, ``extra``, rows (each with its
    ratio), raw.
    """
    out = {
        "quick": quick,
        "machine": machine,
        "seconds": seconds,
        **extra,
        "rows": [{**asdict(r), "ratio": r.ratio} for r in rows],
        "raw": raw,
    }
    write_json(path, out)
    print(f"wrote {path.relative_to(ROOT)} ({seconds:.0f} s)")
    return out
