"""`make bench`: every benchmark in one run, one table, ``bench/results.json``.

    .venv/bin/python bench/run_all.py [--quick]

Each figure is a ratio against a baseline measured in the same run:
  ingest      pages/s, 1 and 2 workers, vs bare PyMuPDF ``get_text()`` (generated
              corpus B, and the real PDFs of ../shared/corpora when present);
              pdfplumber vs bare PyMuPDF on 30 real pages;
  classify    sentences/s of the theme coder in one process vs spaCy's tokenizer
              alone, and of ``classify`` on a store of real Russian programs
              with 1 and 2 workers;
  survey      answers/s end to end (read CSV, code, write XLSX), 1 and 2 workers,
              vs pandas reading and writing the same table;
  topics      time and coherence from ``bench/bench_topics.py`` (topics branch) or
              its ``bench/topics_results.json``;
  demo        wall time of the ``make demo`` commands vs starting the CLI as often;
  memory      peak RSS ingesting 10,000 generated pages vs 1,000.
Nothing asserts: a missed target is printed as NO, not raised. The machine
is shared; the load average at start and end is recorded with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

import bench_ingest as bi  # noqa: E402
from bench_ingest import Row, rate_row  # noqa: E402
from resultsfile import machine_facts, write_results  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
RESULTS = BENCH / "results.json"
DEMO = [
    ["ingest", "corpora/sample", "--store", "{out}/demo.duckdb", "--meta", "corpora/sample/manifest.csv"],
    ["status", "--store", "{out}/demo.duckdb"],
    ["docs", "--store", "{out}/demo.duckdb"],
    ["classify", "--store", "{out}/demo.duckdb"],
    ["export", "segments", "--store", "{out}/demo.duckdb", "--format", "csv", "--out", "{out}/s.csv"],
    ["export", "doc_coverage", "--store", "{out}/demo.duckdb", "--format", "csv", "--out", "{out}/c.csv"],
    ["survey", "code", "corpora/sample/survey_answers.csv", "--text-column", "q_barriers",
     "--text-column", "q_support", "--id-column", "resp_id", "--out", "{out}/coded.xlsx"],
    ["survey", "summary", "{out}/coded.xlsx", "--by", "region", "--out", "{out}/freq.csv"],
]  # fmt: skip


def ingest_rows(quick: bool, raw: dict) -> list[Row]:
    """Ingest speed (real and generated PDFs), pdfplumber, and peak RSS 10k vs 1k pages."""
    from make_corpus import cached_corpus

    rows: list[Row] = []
    files_a = bi.corpus_a()
    if files_a:
        n, s = bi.bare_pymupdf(files_a)
        ing = bi.run_ingest(files_a, 1)
        raw["ingest_real"] = {"files": len(files_a), "bare": [n, s], "w1": ing}
        rows.append(
            rate_row(f"ingest real PDFs ({n} p), w=1", ing["pages"], ing["seconds"], n, s, 0.6)
        )
        sample = bi.first_pages(files_a, 30)
        bn, bs = bi.bare_pymupdf(files_a, sample)
        plumb = bi.pdfplumber_pages(sample)
        raw["pdfplumber"] = {"pages": len(sample), "bare": [bn, bs], "pdfplumber": plumb}
        if plumb:
            rows.append(rate_row("pdfplumber, 30 real pages", *plumb, bn, bs, None))
    else:
        rows.append(Row("ingest real PDFs", None, None, "", note=f"no {CORPORA}"))
    files_b = cached_corpus(400 if quick else 2000)
    n, s = bi.bare_pymupdf(files_b)
    w1, w2 = bi.run_ingest([files_b[0].parent], 1), bi.run_ingest([files_b[0].parent], 2)
    scaling = bi.cpu_scaling()
    raw["ingest_generated"] = {"bare": [n, s], "w1": w1, "w2": w2, "cpu_2v1": scaling}
    rows.append(rate_row(f"ingest generated ({n:,} p), w=1", w1["pages"], w1["seconds"], n, s, 0.6))
    w2_row = rate_row(f"ingest generated ({n:,} p), w=2", w2["pages"], w2["seconds"], n, s, None)
    rows.append(w2_row)
    rows.append(
        rate_row(
            "ingest speed-up, w=2 vs w=1",
            w2["pages"],
            w2["seconds"],
            w1["pages"],
            w1["seconds"],
            1.7,
            f"this machine gave a 2nd process {scaling:.2f}x on a Python loop",
        )
    )
    small_n, big_n = (200, 1000) if quick else (1000, 10_000)
    small = bi.measure_rss(cached_corpus(small_n).pop().parent)
    big = bi.measure_rss(cached_corpus(big_n).pop().parent)
    raw["rss"] = {"small_pages": small_n, "big_pages": big_n, "small": small, "big": big}
    for who in ("parent", "children"):
        hi, lo = big[f"{who}_mb"], small[f"{who}_mb"]
        rows.append(
            Row(
                f"peak RSS {who}, {big_n:,} vs {small_n:,} p",
                hi,
                lo,
                "MB",
                "<= 1.2, < 1024 MB",
                hi / lo <= 1.2 and hi < 1024,
            )
        )
    return rows


def classify_rows(quick: bool, raw: dict) -> list[Row]:
    """Theme coder sentences/s in one process, and `classify` of a real-program store with 1 and 2 workers."""
    import spacy

    import textcoop
    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.store.ingest import IngestOptions, ingest
    from textcoop.themes.classify import classify_store
    from textcoop.themes.data import read_gold

    rows: list[Row] = []
    coder = ThemeCoder()
    gold = ROOT / "corpora" / "eval" / "ru_programs_gold.jsonl"
    if CORPORA.is_dir() and gold.is_file():
        sents, source = [ex.text for ex in read_gold(gold, corpora=CORPORA)], "real"
    else:
        sents, source = (
            [ex.text for ex in read_gold(ROOT / "corpora" / "train" / "ru_policy.jsonl")],
            "train",
        )
    sample = (sents * 4)[: 2000 if not quick else 800]
    coder.code(sample[:50])
    t0 = time.perf_counter()
    coder.code(sample)  # first pass: most word forms are new to this process
    t_code = time.perf_counter() - t0
    t0 = time.perf_counter()
    coder.code(sample)  # second pass: every form lemmatised and featurised already
    t_warm = time.perf_counter() - t0
    tok = spacy.blank("ru")
    t0 = time.perf_counter()
    for _ in tok.pipe(sample, batch_size=256):
        pass
    t_tok = time.perf_counter() - t0
    raw["coder"] = {
        "sentences": len(sample),
        "source": source,
        "seconds": t_code,
        "seconds_second_pass": t_warm,
        "tokenize_seconds": t_tok,
    }
    for label, secs in (("first pass", t_code), ("second pass", t_warm)):
        rate = len(sample) / secs
        rows.append(
            Row(
                f"coder, 1 process, {label} ({source} sentences)",
                rate,
                len(sample) / t_tok,
                "sent/s",
                ">= 2,000 sent/s",
                rate >= 2000,
                "baseline: spaCy tokenizer alone",
            )
        )
    rate = len(sample) / t_code  # classify meets new documents: compared with the first pass
    texts = sorted((CORPORA / "ru-programs" / "texts").glob("*.txt"))[: 12 if quick else 40]
    if not texts:
        return rows
    with tempfile.TemporaryDirectory(prefix="tc-bench-") as tmp:
        base = Path(tmp) / "base.duckdb"
        with textcoop.open_store(base) as st:
            ingest(texts, st, IngestOptions(workers=2))
            n_sent = st.con.execute("SELECT count(*) FROM sentences").fetchone()[0]
            n_seg = st.con.execute("SELECT count(*) FROM segments").fetchone()[0]
        out = {}
        for w in (1, 2):
            copy = Path(tmp) / f"w{w}.duckdb"
            copy.write_bytes(base.read_bytes())
            with textcoop.open_store(copy) as st:
                t0 = time.perf_counter()
                rep = classify_store(st, coder, workers=w, min_parallel_segments=0)
                out[w] = time.perf_counter() - t0
                assert rep.segments == n_seg and not rep.failed
    raw["classify_store"] = {
        "files": len(texts),
        "segments": n_seg,
        "sentences": n_sent,
        "seconds": out,
    }
    r1, r2 = n_sent / out[1], n_sent / out[2]
    rows.append(
        Row(
            f"classify store ({n_sent:,} sent), w=1",
            r1,
            rate,
            "sent/s",
            "",
            None,
            "baseline: coder, first pass",
        )
    )
    rows.append(
        Row(
            "classify store, w=2 per worker",
            r2 / 2,
            r1,
            "sent/s",
            ">= 2,000 sent/s",
            r2 / 2 >= 2000,
            "w=2 includes each worker loading the model",
        )
    )
    return rows


def survey_rows(quick: bool, raw: dict) -> list[Row]:
    """Answers/s end to end (read CSV, code, write XLSX) with 1 and 2 workers vs pandas I/O."""
    import pandas as pd
    from bench_survey import make_answers

    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.survey.code import code_answers
    from textcoop.survey.tables import read_table, write_table
    from textcoop.themes.codebook import load_codebook

    n = 2000 if quick else 10_000
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        src = make_answers(n, Path(tmp) / "answers.csv")
        t0 = time.perf_counter()
        pd.read_csv(src, encoding="cp1251", dtype=str).to_excel(Path(tmp) / "p.xlsx", index=False)
        base = time.perf_counter() - t0
        res = {}
        for w in (1, 2):
            t0 = time.perf_counter()
            coder = ThemeCoder()
            df, _ = read_table(src)
            coded, _ = code_answers(df, ["answer"], coder, "resp_id", workers=w)
            write_table(coded, Path(tmp) / f"c{w}.xlsx", load_codebook())
            res[w] = time.perf_counter() - t0
    raw["survey"] = {"answers": n, "pandas_seconds": base, "seconds": res}
    rows.append(
        Row(
            f"survey {n:,} answers, w=1",
            n / res[1],
            n / base,
            "ans/s",
            f"< 30 s ({res[1]:.0f} s)" if n == 10_000 else "",
            res[1] < 30 if n == 10_000 else None,
            "baseline: pandas CSV->XLSX",
        )
    )
    rows.append(
        Row(
            f"survey {n:,} answers, w=2", n / res[2], n / res[1], "ans/s", "", None, "baseline: w=1"
        )
    )
    return rows


def topics_rows(raw: dict) -> list[Row]:
    """Topic model figures from the topics benchmark (run here when its script exists)."""
    script, out = BENCH / "bench_topics.py", BENCH / "topics_results.json"
    note = ""
    if script.is_file():
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        raw["topics_seconds"] = time.perf_counter() - t0
        if proc.returncode:
            note = f"bench_topics.py failed: {proc.stderr.strip().splitlines()[-1:]}"
    if not out.is_file():
        return [Row("topic model", None, None, "", note=note or "no bench/bench_topics.py yet")]
    data = json.loads(out.read_text(encoding="utf-8"))
    raw["topics"] = data
    rows = []
    for r in data.get("results", []):
        value, base = r.get("value"), r.get("baseline")
        target = str(r.get("target") or "")
        rows.append(
            Row(f"topics: {r['metric']}", value, base, r.get("unit", ""), target, r.get("met"))
        )
    return rows


def demo_rows(raw: dict) -> list[Row]:
    """Wall time of the `make demo` commands (into a temp dir) vs as many bare CLI start-ups."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "textcoop.cli.app", "--quiet"]
    with tempfile.TemporaryDirectory(prefix="tc-demo-") as out:
        t0 = time.perf_counter()
        for cmd in DEMO:
            args = [a.format(out=out) for a in cmd]
            subprocess.run([*cli, *args], cwd=ROOT, env=env, check=True, capture_output=True)
        wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in DEMO:
        subprocess.run([*cli, "--version"], cwd=ROOT, env=env, check=True, capture_output=True)
    start = time.perf_counter() - t0
    raw["demo"] = {"seconds": wall, "startup_seconds": start, "commands": len(DEMO)}
    return [
        Row(
            f"make demo ({len(DEMO)} commands)",
            wall,
            start,
            "s",
            "",
            None,
            "baseline: CLI start-ups",
        )
    ]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="smaller inputs (a few minutes)")
    ap.add_argument(
        "--skip", action="append", default=[], help="ingest, classify, survey, topics, demo"
    )
    args = ap.parse_args()
    import pymupdf  # noqa: F401  (missing PyMuPDF fails here, not after the run)

    load0, t_start = os.getloadavg(), time.perf_counter()
    rows: list[Row] = []
    raw: dict = {}
    parts = {
        "ingest": lambda: ingest_rows(args.quick, raw),
        "classify": lambda: classify_rows(args.quick, raw),
        "survey": lambda: survey_rows(args.quick, raw),
        "topics": lambda: topics_rows(raw),
        "demo": lambda: demo_rows(raw),
    }
    timing = {}
    for name, fn in parts.items():
        if name in args.skip:
            continue
        t0 = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += fn()
        timing[name] = round(time.perf_counter() - t0, 1)
    machine = machine_facts(bi.code_version(), load0)
    title = (
        f"textcoop bench{' (--quick)' if args.quick else ''} - {machine['cpu_count']} CPUs, "
        f"textcoop {machine['textcoop']}, load {load0[0]:.1f} -> {machine['loadavg_end'][0]:.1f}"
    )
    bi.print_table(rows, title)
    seconds = round(time.perf_counter() - t_start, 1)
    write_results(RESULTS, args.quick, machine, seconds, rows, raw, part_seconds=timing)


if __name__ == "__main__":
    main()
