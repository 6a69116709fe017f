"""Topic-model speed: gensim LdaModel vs LdaMulticore (2 workers) vs tomotopy, same corpus, same K.

    .venv/bin/python bench/bench_topics.py [--synthetic-n 100000] [--k 20] [--passes 5]

Two corpora, each prepared once by textcoop's own pipeline (lemmas, stop
words, phrases, filtered dictionary):
- real: all of ../shared/corpora/ru-programs/texts, ingested into a temporary store;
- synthetic: ``--synthetic-n`` segments, each 2-4 sentences drawn at random from
  the project's own training texts (corpora/train/*.jsonl, written for textcoop),
  fed through the same corpus steps. No real data is copied.

Each engine runs in its own child process (peak RSS from getrusage of the
child, fit time measured inside it). Coherence is c_v of the top-10 terms,
computed by the parent for all engines on the same texts. Ratios are against
gensim LdaModel measured in the same run. Results go to bench/topics_results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from resultsfile import write_json  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpora"
ENGINES = ("gensim", "gensim-multicore", "tomotopy")


def prepare_real(work: Path) -> Path:
    from textcoop.store import open_store
    from textcoop.store.ingest import IngestOptions, ingest
    from textcoop.topics.corpus import build_corpus

    with open_store(work / "ru.duckdb") as st:
        ingest([SHARED / "ru-programs" / "texts"], st, IngestOptions(workers=2))
        corpus = build_corpus(st, work / "real")
    return _finish(corpus)


def prepare_synthetic(work: Path, n: int, seed: int = 0) -> Path:
    from textcoop.topics.corpus import Unit, content_lemmas, corpus_from_lemmas, stop_words

    stops = stop_words()
    pool = []
    for name in ("ru_policy.jsonl", "ru_survey.jsonl"):
        for line in (ROOT / "corpora" / "train" / name).read_text(encoding="utf-8").splitlines():
            toks = content_lemmas(json.loads(line)["text"], stops)
            if toks:
                pool.append(toks)
    rng = random.Random(seed)
    d = work / "synthetic"
    d.mkdir(parents=True, exist_ok=True)
    units, n_tokens = [], 0
    with open(d / "lemmas.txt", "w", encoding="utf-8") as fh:
        for i in range(n):
            toks = [t for _ in range(rng.randint(2, 4)) for t in rng.choice(pool)]
            fh.write(" ".join(toks) + "\n")
            units.append(Unit(f"syn{i // 50:05d}", i, i, 1, sum(map(len, toks))))
            n_tokens += len(toks)
    corpus = corpus_from_lemmas(d, units, "synthetic", {}, n_tokens, min_tokens=0)
    return _finish(corpus)


def _finish(corpus) -> Path:
    """Write what a child needs: dictionary, bag-of-words (already there) and phrased texts."""
    d = corpus.workdir
    corpus.dictionary.save_as_text(str(d / "dictionary.txt"))
    with open(d / "texts.txt", "w", encoding="utf-8") as fh:
        for toks in corpus.texts:
            fh.write(" ".join(toks) + "\n")
    (d / "stats.json").write_text(json.dumps(corpus.stats), encoding="utf-8")
    return d


def load(d: Path):
    from gensim.corpora import Dictionary, MmCorpus

    from textcoop.topics.corpus import LineCorpus

    n = json.loads((d / "stats.json").read_text())["n_units"]
    return SimpleNamespace(
        units=range(n),
        dictionary=Dictionary.load_from_text(str(d / "dictionary.txt")),
        bow=MmCorpus(str(d / "corpus.mm")),
        texts=LineCorpus(d / "texts.txt"),
    )


def child(engine: str, d: Path, k: int, passes: int) -> None:
    import resource

    from textcoop.topics.fit import fit_lda

    corpus = load(d)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    fit = fit_lda(corpus, k, engine, seed=0, passes=passes, workers=2)
    seconds = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    top = fit.top_terms(corpus.dictionary, 10)
    # peak of the process plus its largest worker process (LdaMulticore); before = after loading
    print(
        json.dumps({"seconds": seconds, "rss_mb": own + kids, "rss_before_mb": before, "top": top})
    )


def run_engines(name: str, d: Path, k: int, passes: int) -> list[dict]:
    from textcoop.topics.fit import coherence_per_topic

    out = []
    for engine in ENGINES:
        cmd = [sys.executable, __file__, "--child", engine, "--dir", str(d), "--k", str(k)]
        res = subprocess.run([*cmd, "--passes", str(passes)], capture_output=True, text=True)
        if res.returncode:
            raise SystemExit(f"{engine} failed on {name}:\n{res.stderr[-2000:]}")
        out.append({"engine": engine, **json.loads(res.stdout.strip().splitlines()[-1])})
        r = out[-1]
        print(
            f"  {name} {engine}: {r['seconds']:.1f} s, peak {r['rss_mb']:.0f} MB (before fit {r['rss_before_mb']:.0f} MB)",
            flush=True,
        )
    corpus = load(d)
    scores = coherence_per_topic([t for r in out for t in r["top"]], corpus, "c_v", 10)
    for i, r in enumerate(out):
        r["c_v"] = sum(scores[i * k : (i + 1) * k]) / k
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--synthetic-passes", type=int, default=1)
    ap.add_argument("--synthetic-n", type=int, default=100_000)
    ap.add_argument(
        "--skip-real", action="store_true", help="Synthetic corpus only (a quick check)."
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "topics_results.json")
    a = ap.parse_args()
    if a.child:
        return child(a.child, a.dir, a.k, a.passes)
    results, table = [], []
    with tempfile.TemporaryDirectory(prefix="bench-topics-") as tmp:
        work = Path(tmp)
        runs = []
        if SHARED.is_dir() and not a.skip_real:
            t0 = time.perf_counter()
            d = prepare_real(work)
            print(
                f"real corpus prepared in {time.perf_counter() - t0:.1f} s: {json.loads((d / 'stats.json').read_text())}"
            )
            runs.append(("ru-programs", d, a.passes))
        t0 = time.perf_counter()
        d = prepare_synthetic(work, a.synthetic_n)
        print(
            f"synthetic corpus prepared in {time.perf_counter() - t0:.1f} s: {json.loads((d / 'stats.json').read_text())}"
        )
        runs.append((f"synthetic-{a.synthetic_n // 1000}k", d, a.synthetic_passes))
        for name, d, passes in runs:
            rows = run_engines(name, d, a.k, passes)
            base = rows[0]
            for r in rows:
                table.append(
                    (
                        name,
                        r["engine"],
                        r["seconds"],
                        r["rss_mb"],
                        r["c_v"],
                        r["seconds"] / base["seconds"],
                    )
                )
                for metric, value, unit, target in (
                    ("seconds", r["seconds"], "s", "lower"),
                    ("peak_rss", r["rss_mb"], "MB", "lower"),
                    ("coherence_c_v", r["c_v"], "c_v", "higher"),
                ):
                    b = base[
                        {"seconds": "seconds", "peak_rss": "rss_mb", "coherence_c_v": "c_v"}[metric]
                    ]
                    results.append(
                        {
                            "metric": f"topics {name} K={a.k} passes={passes} {r['engine']} {metric}",
                            "value": round(value, 3),
                            "unit": unit,
                            "baseline": round(b, 3),
                            "ratio": round(value / b, 3) if b else None,
                            "target": f"{target} than gensim LdaModel (baseline, same run)",
                        }
                    )
    print(
        f"\n{'corpus':<16}{'engine':<18}{'time s':>8}{'RSS MB':>8}{'c_v':>7}{'time vs LdaModel':>18}"
    )
    for name, eng, s, rss, cv, ratio in table:
        print(f"{name:<16}{eng:<18}{s:>8.1f}{rss:>8.0f}{cv:>7.3f}{ratio:>17.2f}x")
    write_json(a.out, {"results": results}, final_newline=True)
    print(f"written {a.out}")


if __name__ == "__main__":
    main()
