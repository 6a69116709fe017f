"""Survey statistics: theme frequencies with Wilson intervals, and agreement between two codings.

Frequencies use the substantive answers of each question as the denominator
(empty and non-substantive answers are left out, and the table says so).
Agreement compares two codings of the same answers the way QDA tools export
them: one column of ``;``-separated codes, or several "Code 1, Code 2, ..."
columns; hierarchical codes (``cost->licence``) count at the top level
unless more levels are asked for.
"""

from __future__ import annotations

import math
import random

import pandas as pd

from textcoop.errors import InputError
from textcoop.themes.metrics import cohen_kappa, krippendorff_alpha_nominal


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95% interval for k successes out of n."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


def coded_questions(df: pd.DataFrame, theme_ids: list[str]) -> dict[str, tuple[str, list[str]]]:
    """Questions in a coded table: prefix -> (question label, theme columns present)."""
    out = {}
    for col in df.columns:
        if col.endswith("themes"):
            prefix = col[: -len("themes")]
            themes = [t for t in theme_ids if f"{prefix}{t}" in df.columns]
            if themes and f"{prefix}nonsubstantive" in df.columns:
                out[prefix] = (prefix.rstrip("_") or "answer", themes)
    if not out:
        raise InputError(
            "no coded columns found (themes, nonsubstantive, one column per theme)",
            hint="code the table first with `textcoop survey code`",
        )
    return out


def theme_frequencies(
    df: pd.DataFrame, theme_ids: list[str], by: list[str] | None = None
) -> pd.DataFrame:
    """Count, share of substantive answers and Wilson 95% interval per theme (and group)."""
    by = by or []
    missing = [c for c in by if c not in df.columns]
    if missing:
        raise InputError(
            f"no column {', '.join(map(repr, missing))} to group by", options=list(df.columns)
        )
    rows = []
    for prefix, (question, themes) in coded_questions(df, theme_ids).items():
        answered = df[f"{prefix}themes"].astype(str).str.len() > 0
        substantive = answered & (
            pd.to_numeric(df[f"{prefix}nonsubstantive"], errors="coerce").fillna(0) == 0
        )
        groups = df[substantive].groupby(by, dropna=False) if by else [((), df[substantive])]
        for key, g in groups:
            key = key if isinstance(key, tuple) else (key,)
            n = len(g)
            for t in themes:
                k = int(pd.to_numeric(g[f"{prefix}{t}"], errors="coerce").fillna(0).sum())
                lo, hi = wilson(k, n)
                rows.append(
                    {
                        **dict(zip(by, key, strict=False)),
                        "question": question,
                        "theme": t,
                        "count": k,
                        "n_substantive": n,
                        "share": k / n if n else float("nan"),
                        "ci_low": lo,
                        "ci_high": hi,
                    }
                )
    return pd.DataFrame(rows)


def parse_codes(value: object, levels: int = 1) -> set[str]:
    """Codes of one cell: ``;``/``,``-separated, hierarchical codes cut to ``levels``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return set()
    out = set()
    for part in str(value).replace(",", ";").split(";"):
        part = part.strip()
        if part:
            out.add("->".join(x.strip() for x in part.split("->")[:levels]).lower())
    return out


def _codes_by_id(
    df: pd.DataFrame, id_column: str, columns: list[str], levels: int, name: str
) -> dict[str, set[str]]:
    missing = [c for c in [id_column, *columns] if c not in df.columns]
    if missing:
        raise InputError(
            f"{name}: no column {', '.join(map(repr, missing))}", options=list(df.columns)
        )
    out: dict[str, set[str]] = {}
    for _, row in df.iterrows():
        key = str(row[id_column]).strip()
        codes: set[str] = set()
        for c in columns:
            codes |= parse_codes(row[c], levels)
        out.setdefault(key, set()).update(codes)
    return out


def agreement(
    a: pd.DataFrame,
    b: pd.DataFrame,
    id_column: str,
    columns_a: list[str],
    columns_b: list[str] | None = None,
    levels: int = 1,
    n_boot: int = 1000,
    seed: int = 0,
) -> dict:
    """Per-code Cohen's kappa, percent agreement and prevalence; Krippendorff's alpha with a bootstrap 95% CI."""
    ca = _codes_by_id(a, id_column, columns_a, levels, "first coding")
    cb = _codes_by_id(b, id_column, columns_b or columns_a, levels, "second coding")
    ids = sorted(set(ca) & set(cb))
    if len(ids) < 2:
        raise InputError(
            f"only {len(ids)} answer(s) appear in both codings",
            hint=f"check that --id-column {id_column!r} holds the same ids in both files",
        )
    codes = sorted(set().union(*(ca[i] for i in ids), *(cb[i] for i in ids)))
    per_code, kappa = {}, {}
    for c in codes:
        x = [int(c in ca[i]) for i in ids]
        y = [int(c in cb[i]) for i in ids]
        kappa[c] = cohen_kappa(x, y)
        per_code[c] = {
            "kappa": kappa[c],
            "percent_agreement": sum(p == q for p, q in zip(x, y, strict=True)) / len(ids),
            "prevalence_a": sum(x) / len(ids),
            "prevalence_b": sum(y) / len(ids),
        }

    def alpha_of(units: list[str]) -> float:
        return krippendorff_alpha_nominal(
            [(int(c in ca[u]), int(c in cb[u])) for u in units for c in codes]
        )

    alpha = alpha_of(ids)
    rng = random.Random(seed)
    boots = sorted(alpha_of([rng.choice(ids) for _ in ids]) for _ in range(n_boot))
    boots = [x for x in boots if not math.isnan(x)]
    ci = (
        [boots[int(0.025 * len(boots))], boots[min(len(boots) - 1, int(0.975 * len(boots)))]]
        if boots
        else [float("nan")] * 2
    )
    return {
        "kappa": kappa,
        "alpha": alpha,
        "alpha_ci": ci,
        "n": len(ids),
        "per_code": per_code,
        "only_in_a": sorted(set(ca) - set(cb)),
        "only_in_b": sorted(set(cb) - set(ca)),
        "levels": levels,
    }
