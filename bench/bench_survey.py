"""Survey coding speed: 10,000 answers read, coded and written to XLSX, against plain pandas I/O.

    .venv/bin/python bench/bench_survey.py [--n 10000]

The answers are built from the project's own sample survey (pairs of answers
joined, so texts are distinct). Baseline in the same run: reading the CSV and
writing the same rows to XLSX with pandas, no coding. Target (README): the
whole job under 30 s on one core.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from resultsfile import write_json  # noqa: E402


def make_answers(n: int, out: Path, seed: int = 0) -> Path:
    """A survey CSV of ``n`` distinct answers composed from the sample survey."""
    src = pd.read_csv(
        ROOT / "corpora" / "sample" / "survey_answers.csv", dtype=str, keep_default_na=False
    )
    pool = [t for t in src.q_barriers.tolist() + src.q_support.tolist() if t.strip()]
    rng = random.Random(seed)
    rows = [
        {
            "resp_id": f"R{i:05d}",
            "size": rng.choice(["micro", "small", "medium"]),
            "answer": f"{rng.choice(pool)}; {rng.choice(pool)}",
        }
        for i in range(n)
    ]
    pd.DataFrame(rows).to_csv(out, index=False, encoding="cp1251", errors="replace")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = make_answers(args.n, Path(tmp) / "answers.csv")
        t0 = time.perf_counter()
        df = pd.read_csv(src, encoding="cp1251", dtype=str)
        df.to_excel(Path(tmp) / "plain.xlsx", index=False)
        base = time.perf_counter() - t0

        t0 = time.perf_counter()
        from textcoop.nlp.pipeline import ThemeCoder
        from textcoop.survey.code import code_answers
        from textcoop.survey.tables import read_table, write_table
        from textcoop.themes.codebook import load_codebook

        coder = ThemeCoder()
        t_load = time.perf_counter() - t0
        df, _ = read_table(src)
        t1 = time.perf_counter()
        coded, rep = code_answers(df, ["answer"], coder, "resp_id")
        t_code = time.perf_counter() - t1
        write_table(coded, Path(tmp) / "coded.xlsx", load_codebook())
        total = time.perf_counter() - t0
    res = {
        "answers": args.n,
        "total_seconds": round(total, 2),
        "model_load_seconds": round(t_load, 2),
        "coding_seconds": round(t_code, 2),
        "answers_per_second_coding": round(args.n / t_code, 1),
        "baseline_pandas_csv_to_xlsx_seconds": round(base, 2),
        "ratio_total_to_baseline": round(total / base, 2),
        "target": "total < 30 s on one core",
        "met": total < 30,
        "needs_review": rep.needs_review["answer"],
    }
    write_json(ROOT / "bench" / "survey_results.json", res)
    print(f"{'measure':<44}{'value':>12}")
    for k, v in res.items():
        print(f"{k:<44}{v!s:>12}")


if __name__ == "__main__":
    main()
