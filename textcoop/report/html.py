"""HTML pieces and the page: one self-contained file, every value escaped.

Why no template engine: the page is a list of sections, each a short string
built from escaped values; a dependency would add nothing. Passages and
survey answers are user data, so every value goes through ``esc``. The page
carries a Content-Security-Policy that forbids any fetch (no scripts are
used at all), so a stray external reference is blocked and shows up as a
console error in the browser test instead of silently leaking a request.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from textcoop.report.charts import Chart

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


@dataclass
class Section:
    """One section of the report: anchor id, heading, body markup and its charts."""

    id: str
    title: str
    body: str
    charts: list[Chart] = field(default_factory=list)


def esc(value: Any) -> str:
    """Escaped text of a value; missing values (None, NaN) become an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    try:
        import pandas as pd

        if not isinstance(value, list | tuple) and pd.isna(value):
            return "–"
    except (TypeError, ValueError):
        pass
    return escape(str(value))


def pct(value: Any, digits: int = 0) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(v) else f"{v:.{digits}%}"


def spct(value: Any) -> str:
    """A signed percentage (gaps): +12%, −5%, or an en dash when missing."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(v) else f"{v:+.0%}"


def interval(lo: Any, hi: Any) -> str:
    return f"{pct(lo)}–{pct(hi)}" if pct(lo) != "–" and pct(hi) != "–" else "–"


def clip(text: Any, n: int = 420) -> str:
    s = "" if text is None else " ".join(str(text).split())
    return s if len(s) <= n else s[: n - 1].rsplit(" ", 1)[0] + " …"


def table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    numeric: Sequence[int] = (),
    cls: str = "",
    raw: Sequence[int] = (),
) -> str:
    """An HTML table; ``numeric`` columns are right-aligned, ``raw`` columns are already markup."""
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{esc(h)}</th>" for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = "".join(
            f"<td{' class=num' if i in numeric else ''}>{v if i in raw else esc(v)}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    c = f' class="{cls}"' if cls else ""
    return f"<table{c}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure(chart: Chart, caption: str = "") -> str:
    files = ", ".join(escape(p.name) for p in chart.files)
    cap = escape(caption) + (f' <span class="files">{files}</span>' if files else "")
    return f'<figure id="fig-{escape(chart.id)}">{chart.svg}<figcaption>{cap}</figcaption></figure>'


def missing_block(items, t) -> str:
    """What is missing and the command that produces it."""
    out = []
    for m in items:
        cmd = (
            f'<br><span class="how">{esc(t("produce_with"))}:</span> <code>{esc(m.command)}</code>'
            if m.command
            else ""
        )
        out.append(
            f'<div class="missing"><strong>{esc(t("missing"))}:</strong> {esc(t.message(m.message))}{cmd}</div>'
        )
    return "".join(out)


def error_block(message: str, t: Callable[[str], str]) -> str:
    return f'<div class="missing error"><strong>{esc(t("error_in_section"))}:</strong> {esc(message)}</div>'


def passage(title: Any, page: Any, section: Any, text: Any, extra: str = "") -> str:
    """A quoted passage with where it comes from (document, page, section)."""
    where = [f"<cite>{esc(title)}</cite>"]
    if page is not None and esc(page) != "–":
        where.append(f"p. {esc(page)}")
    if section is not None and esc(section) not in ("–", ""):
        where.append(esc(section))
    meta = ", ".join(where) + (f" · {esc(extra)}" if extra else "")
    return (
        f'<blockquote class="passage"><p>{esc(clip(text))}</p><footer>{meta}</footer></blockquote>'
    )


STYLE = """
:root{--ink:#1d2733;--muted:#5d6b7a;--line:#d8dee6;--accent:#1f5f8b;--warn:#9a5b00}
*{box-sizing:border-box}
body{font-family:"DejaVu Sans","Segoe UI",Arial,sans-serif;color:var(--ink);margin:0;line-height:1.45;font-size:15px;background:#fff}
header.top{background:#1f5f8b;color:#fff;padding:1.4rem 2rem}
header.top h1{margin:0 0 .3rem 0;font-size:1.6rem}
header.top p{margin:0;opacity:.9}
nav{padding:.8rem 2rem;border-bottom:1px solid var(--line);background:#f6f8fa}
nav ol{margin:0;padding-left:1.2rem;columns:2}
main{max-width:1200px;margin:0 auto;padding:0 2rem 3rem}
section{border-bottom:1px solid var(--line);padding:1rem 0 1.5rem}
h2{color:var(--accent);margin:1.2rem 0 .6rem}
h3{margin:1.2rem 0 .4rem;font-size:1.05rem}
figure{margin:1rem 0;overflow-x:auto}
figure svg.chart{max-width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:.85rem;margin-top:.3rem}
figcaption .files{font-family:monospace;font-size:.78rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.86rem;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f3f6}
td.num,th.num{text-align:right;white-space:nowrap}
.kpis{display:flex;flex-wrap:wrap;gap:.8rem;margin:.8rem 0}
.kpi{border:1px solid var(--line);border-radius:6px;padding:.5rem .9rem;min-width:8rem}
.kpi b{display:block;font-size:1.4rem;color:var(--accent)}
.missing{border-left:4px solid var(--warn);background:#fff7e6;padding:.6rem .9rem;margin:.6rem 0}
.missing.error{border-color:#b03a2e;background:#fdecea}
.missing code,code{background:#eef1f4;padding:.05rem .3rem;border-radius:3px;font-size:.85rem;word-break:break-all}
.note{color:var(--muted);font-size:.9rem}
blockquote.passage{margin:.4rem 0 .6rem;padding:.4rem .8rem;border-left:3px solid var(--line);background:#fafbfc}
blockquote.passage p{margin:0 0 .2rem}
blockquote.passage footer{color:var(--muted);font-size:.8rem}
.gap{border:1px solid var(--line);border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
.gap h4{margin:.1rem 0 .4rem}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
details summary{cursor:pointer;color:var(--accent)}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;font-size:.8rem}
@media print{nav{display:none}section,figure,.gap{break-inside:avoid}header.top{background:none;color:var(--ink)}}
@media (max-width:800px){.cols{grid-template-columns:1fr}nav ol{columns:1}}
"""


def page(title: str, subtitle: str, lang: str, sections: list[Section], contents: str) -> str:
    """The whole report as one HTML document (styles inline, no scripts, nothing external)."""
    toc = "".join(f'<li><a href="#{escape(s.id)}">{esc(s.title)}</a></li>' for s in sections)
    body = "".join(
        f'<section id="{escape(s.id)}"><h2>{esc(s.title)}</h2>{s.body}</section>' for s in sections
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f'<header class="top"><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header>'
        f"<nav><strong>{esc(contents)}</strong><ol>{toc}</ol></nav>"
        f"<main>{body}</main></body></html>\n"
    )
