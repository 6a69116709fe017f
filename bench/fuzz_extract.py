"""Bounded fuzz run of the extractors: mutated and random files through `process_file`.

    .venv/bin/python bench/fuzz_extract.py [--n 300] [--seed 1] [--keep DIR]   (or `make fuzz`)

Seeds are the hostile-suite generators (a valid PDF, DOCX, HTML, text in
several encodings); each case flips, drops, inserts or repeats bytes of a
seed, truncates it, or is random bytes behind a format's magic number. Every
case runs in the same worker pool as `textcoop ingest` (time and memory
limits per document). An outcome is fine when the file is extracted or
refused with a reason (ExtractionError, timeout, memory limit, a worker
killed by the native library); an unexpected Python exception
(``extract_failed``) is a finding: the file and the message are printed and
the exit code is 1. Deterministic for a given --seed. Not part of CI.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "reliability"))

import hostile  # noqa: E402

from textcoop.extract import ExtractOptions, process_file, sha256_file  # noqa: E402
from textcoop.extract.pdf import PdfOptions  # noqa: E402
from textcoop.parallel import run_tasks  # noqa: E402

SEEDS = {
    "seed.pdf": lambda p: hostile.valid_pdf(p),
    "seed.docx": None,  # written below with python-docx
    "seed.html": lambda p: p.write_text(
        f"<html><head><title>T</title></head><body><h1>Раздел</h1><p>{hostile.RU}</p>"
        "<table><tr><td>a</td><td>b</td></tr></table><ul><li>пункт</li></ul></body></html>",
        encoding="utf-8",
    ),
    "seed_cp1251.txt": lambda p: hostile.text_in(p, "cp1251"),
    "seed_utf16.txt": lambda p: hostile.text_in(p, "utf-16-le"),
    "seed.md": lambda p: p.write_text(
        f"# Раздел\n\n{hostile.RU}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    ),
}
MAGIC = [b"%PDF-1.7\n", b"PK\x03\x04", b"<html>", b"\xff\xfe", b"\x89PNG\r\n\x1a\n", b""]
FINE = {"extract_failed"}  # the only outcome that is a finding


def _seed_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Раздел 1", level=1)
    d.add_paragraph(hostile.RU)
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(1, 1).text = "ячейка", "значение"
    d.save(path)


def mutate(data: bytes, rnd: random.Random) -> bytes:
    b = bytearray(data)
    op = rnd.choice(["flip", "drop", "insert", "repeat", "truncate", "splice"])
    n = max(1, len(b))
    if op == "flip":
        for _ in range(rnd.randint(1, 50)):
            b[rnd.randrange(n) % max(1, len(b))] = rnd.randrange(256)
    elif op == "drop":
        a = rnd.randrange(n)
        del b[a : a + rnd.randint(1, 4096)]
    elif op == "insert":
        a = rnd.randrange(n)
        b[a:a] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 512)))
    elif op == "repeat":
        a = rnd.randrange(n)
        b[a:a] = bytes(b[a : a + rnd.randint(1, 64)]) * rnd.randint(2, 2000)
    elif op == "truncate":
        b = b[: rnd.randrange(n)]
    else:
        a = rnd.randrange(n)
        b[a:a] = rnd.choice([b"<<", b"[", b"obj", b"endstream", b"\x00" * 64, b"/Type /Page"]) * 50
    return bytes(b)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300, help="number of cases")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per case")
    ap.add_argument("--max-memory-mb", type=float, default=1000.0)
    ap.add_argument("--keep", type=Path, help="copy findings into this folder")
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="textcoop-fuzz-"))
    try:
        seeds: dict[str, bytes] = {}
        for name, make in SEEDS.items():
            p = work / name
            _seed_docx(p) if make is None else make(p)
            seeds[name] = p.read_bytes()
        cases: list[Path] = []
        for i in range(args.n):
            if rnd.random() < 0.85:
                name = rnd.choice(sorted(seeds))
                data = mutate(seeds[name], rnd)
                if rnd.random() < 0.3:
                    data = mutate(data, rnd)
                ext = Path(name).suffix
            else:
                data = rnd.choice(MAGIC) + bytes(
                    rnd.randrange(256) for _ in range(rnd.randint(0, 8000))
                )
                ext = rnd.choice([".pdf", ".docx", ".html", ".txt", ".md", ".png"])
            p = work / f"case{i:05d}{ext}"
            p.write_bytes(data)
            cases.append(p)
        opts = ExtractOptions(pdf=PdfOptions(ocr="never"))
        tasks = ((str(p), (str(p), sha256_file(p), opts)) for p in cases)
        t0 = time.monotonic()
        outcomes: Counter = Counter()
        findings: list[tuple[str, str]] = []
        for res in run_tasks(
            process_file, tasks, workers=2, timeout=args.timeout, max_memory_mb=args.max_memory_mb
        ):
            outcomes["ok" if res.ok else res.code] += 1
            if not res.ok and res.code in FINE:
                findings.append((res.key, res.message))
        took = time.monotonic() - t0
        print(f"{args.n} cases (seed {args.seed}) in {took:.0f} s")
        for code, n in outcomes.most_common():
            print(f"  {code}: {n}")
        if findings:
            print(f"{len(findings)} unexpected exception(s):")
            for path, msg in findings[:20]:
                print(f"  {Path(path).name}: {msg}")
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                for path, _ in findings:
                    shutil.copy(path, args.keep)
                print(f"  copied to {args.keep}")
        return 1 if findings else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
