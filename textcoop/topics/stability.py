"""How stable topics are across random seeds: mean best-match similarity of their top terms.

LDA finds a different local optimum for each seed. A topic that comes back
(with nearly the same top terms) under other seeds is a finding; one that
does not is an accident of initialisation. For each topic of the reference
run we take the most similar topic of every other run (Jaccard similarity
of the top-``topn`` term sets) and average: 1 = every topic reappears
exactly, 0 = no topic shares a term with any topic of the other runs.
"""

from __future__ import annotations

import numpy as np


def jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def best_match(reference: list[list[str]], other: list[list[str]]) -> list[float]:
    """For each reference topic, its highest Jaccard similarity with any topic of ``other``."""
    return [max((jaccard(t, o) for o in other), default=0.0) for t in reference]


def stability(runs: list[list[list[str]]]) -> tuple[float, list[float]]:
    """(mean over topics, per-topic means) of best-match similarity of run 0 against the others.

    With a single run there is nothing to compare: stability is undefined and
    the caller must say so instead of reporting a number.
    """
    if len(runs) < 2:
        raise ValueError("stability needs at least two runs")
    per_run = np.array([best_match(runs[0], other) for other in runs[1:]])
    per_topic = per_run.mean(axis=0)
    return float(per_topic.mean()), [float(x) for x in per_topic]
