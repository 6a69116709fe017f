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
