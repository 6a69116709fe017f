"""Code open survey answers into themes: the input table unchanged plus coded columns.

For each text column: one 0/1 column per theme, ``themes`` (ids joined by
``;``), ``confidence``, ``needs_review``, ``evidence`` (matched terms) and
``nonsubstantive``. With several text columns the added columns carry the
column name as a prefix (``q_support__finance``).

Confidence is the probability that every yes/no theme decision for the
answer is right, taking each theme's score as calibrated: the product of
``p`` for assigned and ``1 - p`` for unassigned themes. Answers below the
review threshold, in a language the model does not cover, or with seed
evidence for a theme the model did not assign are routed to people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from textcoop.extract.language import detect_lang
from textcoop.extract.textclean import clean_text
from textcoop.nlp.pipeline import ThemeCoder
from textcoop.nlp.seeds import SPAN_KEY
from textcoop.parallel import Executor, make_executor

MAX_CHARS = 5000


@dataclass
class SurveyReport:
    """What a coding run did, for the screen and the issue log."""

    rows: int = 0
    coded: dict[str, int] = field(default_factory=dict)
    empty: dict[str, int] = field(default_factory=dict)
    nonsubstantive: dict[str, int] = field(default_factory=dict)
    needs_review: dict[str, int] = field(default_factory=dict)
    truncated: int = 0
    duplicate_ids: list[str] = field(default_factory=list)
    theme_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # (row, reason code, plain message) for the end-of-run "what went wrong" list
    issues: list[tuple[str, str, str]] = field(default_factory=list)


def _prepare(text: str) -> tuple[str, bool]:
    t = clean_text(text or "")
    if len(t) > MAX_CHARS:
        return t[:MAX_CHARS], True
    return t, False


def answer_confidence(doc, themes: list[str]) -> float:
    """Probability that all yes/no theme decisions of a coded Doc are right (scores taken as calibrated)."""
    if doc._.nonsubstantive:
        return 1.0
    ps = np.array([doc.cats.get(th, 0.0) for th in themes])
    chosen = np.array([th in doc._.themes for th in themes])
    return float(np.prod(np.where(chosen, ps, 1.0 - ps)))


@dataclass
class Calibration:
    """The confidence cut-off that reaches a target accuracy on held-out labelled answers."""

    target: float
    threshold: float
    expected_accuracy: float
    share_auto: float
    n: int
    basis: str


def calibrate(coder: ThemeCoder, examples: list, target: float, basis: str) -> Calibration:
    """Schonlau & Couper's semi-automatic coding: auto-code only answers confident enough.

    On held-out labelled answers, find the lowest confidence cut-off such that
    the answers at or above it are coded exactly right (the same set of
    themes as the human coder) at least ``target`` of the time. Answers
    below it go to people.
    """
    from textcoop.errors import InputError

    if not examples:
        raise InputError(
            "no labelled answers to calibrate on",
            hint="give --calibration FILE (gold JSONL/CSV of coded answers)",
        )
    themes = [lab for lab in coder.labels if lab != "other"]
    docs = coder.code([ex.text for ex in examples])
    conf = np.array([answer_confidence(d, themes) for d in docs])
    right = np.array(
        [set(d._.themes) == set(ex.labels) for d, ex in zip(docs, examples, strict=True)]
    )
    order = np.argsort(-conf, kind="stable")
    cum_acc = np.cumsum(right[order]) / np.arange(1, len(order) + 1)
    ok = np.where(cum_acc >= target)[0]
    if len(ok) == 0:
        return Calibration(target, 1.01, float("nan"), 0.0, len(examples), basis)
    k = int(ok.max())
    return Calibration(
        target,
        float(conf[order][k]),
        float(cum_acc[k]),
        (k + 1) / len(examples),
        len(examples),
        basis,
    )


def _row_labels(df: pd.DataFrame, id_column: str | None, rep: SurveyReport) -> list[str]:
    """How each row is named in messages; records duplicate respondent ids in ``rep``."""
    labels = (
        [f"{id_column}={v}" for v in df[id_column].astype(str)]
        if id_column
        else [f"row {i + 2}" for i in range(len(df))]  # the spreadsheet row, after the header
    )
    if id_column:
        ids = df[id_column].astype(str)
        rep.duplicate_ids = sorted(ids[ids.duplicated(keep=False)].unique().tolist())
        rep.issues += [
            (
                labels[i],
                "duplicate_id",
                f"duplicate respondent id {ids.iloc[i]!r} (appears more than once)",
            )
            for i in np.flatnonzero(ids.duplicated(keep="first").to_numpy())
        ]
    return labels


def code_answers(
    df: pd.DataFrame,
    text_columns: list[str],
    coder: ThemeCoder,
    id_column: str | None = None,
    review_below: float = 0.6,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    chunk_rows: int = 500,
    min_parallel_rows: int = 3000,
) -> tuple[pd.DataFrame, SurveyReport]:
    """Return ``df`` with coded columns added for each text column, and a report.

    ``review_below`` is the confidence under which answers go to people (a
    calibrated cut-off from ``calibrate`` when a target accuracy is set).
    With ``workers`` > 1 (or an ``executor``) and at least
    ``min_parallel_rows`` rows, chunks of ``chunk_rows`` rows are coded in
    worker processes, each loading the model once; the result is the same
    table. Smaller tables are coded here, where the model is already loaded.
    """
    if (workers > 1 or executor is not None) and len(df) >= max(min_parallel_rows, 2):
        return _code_parallel(
            df,
            text_columns,
            coder,
            id_column,
            review_below,
            progress,
            workers,
            executor,
            chunk_rows,
        )
    themes = [lab for lab in coder.labels if lab != "other"]
    out = df.copy()
    rep = SurveyReport(rows=len(df))
    labels = _row_labels(df, id_column, rep)
    for col in text_columns:
        prefix = "" if len(text_columns) == 1 else f"{col}__"
        raw = [str(v) for v in df[col].tolist()]
        prepared = [_prepare(v) for v in raw]
        rep.truncated += sum(tr for _, tr in prepared)
        for i, (_, tr) in enumerate(prepared):
            if tr:
                rep.issues.append(
                    (
                        labels[i],
                        "long_answer",
                        f"{col}: answer of {len(raw[i]):,} characters coded on its first {MAX_CHARS:,} (marked for review)",
                    )
                )
        texts = [t for t, _ in prepared]
        present = [i for i, t in enumerate(texts) if t]
        docs = coder.code([texts[i] for i in present]) if present else []
        n = len(df)
        flags = {th: np.zeros(n, dtype=np.int8) for th in themes}
        assigned = [""] * n
        confidence = np.full(n, np.nan)
        review = np.zeros(n, dtype=bool)
        evidence = [""] * n
        nonsub = np.zeros(n, dtype=bool)
        for i, doc in zip(present, docs, strict=True):
            labs = list(doc._.themes)
            assigned[i] = ";".join(labs)
            for th in labs:
                if th in flags:
                    flags[th][i] = 1
            nonsub[i] = bool(doc._.nonsubstantive)
            conf = answer_confidence(doc, themes)
            confidence[i] = round(conf, 4)
            ev = {}
            for sp in doc.spans.get(SPAN_KEY, []):
                ev.setdefault(sp.label_, []).append(sp.text)
            evidence[i] = "; ".join(f"{k}: {', '.join(dict.fromkeys(v))}" for k, v in ev.items())
            lang = detect_lang(doc.text, default="ru")
            conflict = bool(ev) and labs == ["other"] and not nonsub[i]
            review[i] = (not nonsub[i]) and (
                conf < review_below or lang not in coder.pipelines or conflict or prepared[i][1]
            )
            if progress:
                progress(i, n)
        for th in themes:
            out[f"{prefix}{th}"] = flags[th]
        out[f"{prefix}themes"] = assigned
        out[f"{prefix}confidence"] = confidence
        out[f"{prefix}needs_review"] = review.astype(np.int8)
        out[f"{prefix}evidence"] = evidence
        out[f"{prefix}nonsubstantive"] = nonsub.astype(np.int8)
        rep.coded[col] = len(present)
        rep.empty[col] = n - len(present)
        rep.nonsubstantive[col] = int(nonsub.sum())
        rep.needs_review[col] = int(review.sum())
        rep.theme_counts[col] = {th: int(flags[th].sum()) for th in themes}
    return out, rep


def code_rows(
    model_dir: str, chunk: pd.DataFrame, text_columns: list[str], review_below: float
) -> tuple[pd.DataFrame, SurveyReport]:
    """Worker task: the coded columns of a chunk of rows (model loaded once per process)."""
    from textcoop.themes.classify import cached_coder

    coded, rep = code_answers(
        chunk[text_columns], text_columns, cached_coder(model_dir), None, review_below
    )
    return coded.drop(columns=text_columns), rep


def _code_parallel(
    df: pd.DataFrame,
    text_columns: list[str],
    coder: ThemeCoder,
    id_column: str | None,
    review_below: float,
    progress: Callable[[int, int], None] | None,
    workers: int,
    executor: Executor | None,
    chunk_rows: int,
) -> tuple[pd.DataFrame, SurveyReport]:
    from textcoop.errors import TextcoopError

    model_dir = str(coder.dir.resolve())
    starts = list(range(0, len(df), chunk_rows))
    tasks = (
        (i, (model_dir, df.iloc[s : s + chunk_rows][text_columns], text_columns, review_below))
        for i, s in enumerate(starts)
    )
    parts: dict[int, tuple[pd.DataFrame, SurveyReport]] = {}
    ex = executor or make_executor(workers)
    try:
        for res in ex.run(code_rows, tasks, timeout=600.0):
            if not res.ok:
                s = starts[res.key]
                raise TextcoopError(
                    f"coding rows {s + 1}-{min(s + chunk_rows, len(df))} failed in a worker: {res.message}",
                    value=res.code,
                    hint="rerun with --workers 1 to see the error in this process",
                )
            parts[res.key] = res.value
            if progress:
                progress(min((res.key + 1) * chunk_rows, len(df)), len(df))
    finally:
        if executor is None:
            ex.close()
    added = pd.concat([parts[i][0] for i in range(len(starts))])
    out = df.copy()
    for col in added.columns:
        out[col] = added[col].to_numpy()
    rep = SurveyReport(rows=len(df))
    labels = _row_labels(df, id_column, rep)
    for i in range(len(starts)):
        r = parts[i][1]
        rep.truncated += r.truncated
        # a chunk names its rows "row N" from its own first row: name them as the whole table does
        for label, code, msg in r.issues:
            rep.issues.append((labels[starts[i] + int(label.split()[-1]) - 2], code, msg))
        for name in ("coded", "empty", "nonsubstantive", "needs_review"):
            total = getattr(rep, name)
            for col, n in getattr(r, name).items():
                total[col] = total.get(col, 0) + n
        for col, counts in r.theme_counts.items():
            tc = rep.theme_counts.setdefault(col, {})
            for th, n in counts.items():
                tc[th] = tc.get(th, 0) + n
    return out, rep
