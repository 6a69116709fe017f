"""Agreement between a coder (model or person) and a gold coder, as QDA tools report it.

Per theme: precision, recall, F1, support and Cohen's kappa on the theme's
yes/no decisions. Overall: micro and macro F1 (macro over the themes that
occur in the gold data) and Krippendorff's alpha (nominal), computed over
all unit × theme yes/no decisions, so that multi-label codings compare as
one set of binary judgements.
"""

from __future__ import annotations

from collections.abc import Sequence


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> float:
    """Cohen's kappa of two binary codings (1.0 when both are constant and equal)."""
    n = len(a)
    if n == 0:
        return float("nan")
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe >= 1.0:
        return 1.0 if po == 1.0 else 0.0
    return (po - pe) / (1 - pe)


def krippendorff_alpha_nominal(pairs: Sequence[tuple[object, object]]) -> float:
    """Krippendorff's alpha for two coders, nominal values, no missing data."""
    from collections import Counter

    coincid: Counter = Counter()
    for a, b in pairs:
        coincid[(a, b)] += 1
        coincid[(b, a)] += 1
    n_c: Counter = Counter()
    for (c, _k), v in coincid.items():
        n_c[c] += v
    n = sum(n_c.values())
    if n <= 1:
        return float("nan")
    d_o = sum(v for (c, k), v in coincid.items() if c != k) / n
    d_e = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k) / (n * (n - 1))
    if d_e == 0:
        return 1.0 if d_o == 0 else 0.0
    return 1.0 - d_o / d_e


def evaluate_labels(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], labels: Sequence[str]
) -> dict:
    """Metrics of ``pred`` against ``gold`` (lists of label ids per unit)."""
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    per_label: dict[str, dict] = {}
    kappa: dict[str, float] = {}
    tp_all = fp_all = fn_all = 0
    pairs: list[tuple[int, int]] = []
    for lab in labels:
        g = [int(lab in x) for x in gold]
        p = [int(lab in x) for x in pred]
        tp = sum(1 for a, b in zip(g, p, strict=True) if a and b)
        fp = sum(1 for a, b in zip(g, p, strict=True) if b and not a)
        fn = sum(1 for a, b in zip(g, p, strict=True) if a and not b)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        pr, rc, f1 = _prf(tp, fp, fn)
        per_label[lab] = {"precision": pr, "recall": rc, "f1": f1, "support": sum(g)}
        kappa[lab] = cohen_kappa(g, p)
        pairs += list(zip(g, p, strict=True))
    present = [lab for lab in labels if per_label[lab]["support"] > 0]
    macro = sum(per_label[lab]["f1"] for lab in present) / len(present) if present else 0.0
    micro = _prf(tp_all, fp_all, fn_all)[2]
    return {
        "macro_f1": macro,
        "micro_f1": micro,
        "per_label": per_label,
        "kappa": kappa,
        "alpha": krippendorff_alpha_nominal(pairs),
        "n": len(gold),
    }


def bootstrap_macro_f1(
    gold: Sequence[Sequence[str]],
    preds: dict[str, Sequence[Sequence[str]]],
    labels: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict:
    """Bootstrap intervals for the macro-F1 of several coders on the same units, and their differences.

    With a few dozen examples of a theme, one sentence moves that theme's F1
    by several points, so a macro-F1 without an interval invites reading noise
    as a difference. Units (sentences) are resampled with replacement; every
    coder is scored on the same resample, so the interval of a difference is
    paired. Macro-F1 is taken, as in ``evaluate_labels``, over the themes
    present in the resampled gold. Returns ``{"macro_f1": {name: [lo, hi]},
    "difference": {"a - b": [lo, hi]}, "n_boot": n_boot, "level": level}``.
    """
    import numpy as np

    n = len(gold)
    if any(len(p) != n for p in preds.values()):
        raise ValueError("gold and predictions differ in length")
    g = np.array([[lab in x for lab in labels] for x in gold], dtype=np.float64).reshape(n, -1)
    rng = np.random.default_rng(seed)
    # resampling = drawing how often each unit is taken; counts @ indicators = summed tp, fp, fn
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(np.float64)
    support = counts @ g
    scores: dict[str, np.ndarray] = {}
    for name, pred in preds.items():
        p = np.array([[lab in x for lab in labels] for x in pred], dtype=np.float64).reshape(n, -1)
        tp = counts @ (g * p)
        fp = counts @ ((1 - g) * p)
        fn = support - tp
        denom = 2 * tp + fp + fn
        f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
        present = support > 0
        scores[name] = (f1 * present).sum(axis=1) / np.maximum(present.sum(axis=1), 1)
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    names = list(preds)
    return {
        "macro_f1": {k: [float(x) for x in np.percentile(v, q)] for k, v in scores.items()},
        "difference": {
            f"{a} - {b}": [float(x) for x in np.percentile(scores[a] - scores[b], q)]
            for i, a in enumerate(names)
            for b in names[i + 1 :]
        },
        "n_boot": n_boot,
        "level": level,
    }
