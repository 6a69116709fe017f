"""Charts of the report: matplotlib (Agg, no display), each saved as SVG and PNG and inlined.

Why matplotlib SVG inline rather than a JavaScript chart library: the report
must open offline on any laptop with nothing fetched, and the same figure
goes onto slides and into papers. Glyphs are drawn as paths (DejaVu Sans,
which has Cyrillic), so a laptop without the font shows the same labels.
Long Russian theme names are wrapped, never cut; figures grow with their
labels and are saved with a tight bounding box so nothing falls off the edge.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "svg.fonttype": "path",
    "text.parse_math": False,  # labels are user data: a "$" is a dollar, not TeX
    "svg.hashsalt": "textcoop",
    "axes.spines.top": False,
    "axes.spines.right": False,
}
DPI = 150
PALETTE = ("#1f5f8b", "#d9822b", "#3a8a52", "#8e44ad", "#b03a2e", "#566573")


@dataclass
class Chart:
    """One chart: its id, title, inline SVG markup and the files written next to the report."""

    id: str
    title: str
    svg: str
    files: list[Path] = field(default_factory=list)


def wrap(label: object, width: int = 26) -> str:
    """Wrap a label onto several lines at word boundaries (a long word stays whole)."""
    return "\n".join(textwrap.wrap(str(label), width=width, break_long_words=False)) or str(label)


def _n_lines(labels: Sequence[str]) -> int:
    return max((s.count("\n") + 1 for s in labels), default=1)


def _max_chars(labels: Sequence[str]) -> int:
    return max((len(line) for s in labels for line in s.split("\n")), default=1)


class ChartWriter:
    """Saves figures as ``<dir>/<id>.svg`` and ``.png`` and returns inline SVG with unique ids."""

    def __init__(self, out_dir: Path | None) -> None:
        self.out_dir = out_dir
        self.charts: list[Chart] = []

    def figure(self, width: float, height: float):
        from matplotlib.figure import Figure

        return Figure(figsize=(width, height), layout="constrained")

    def save(self, fig, chart_id: str, title: str) -> Chart:
        import matplotlib

        files = []
        with matplotlib.rc_context(RC):
            buf = io.StringIO()
            fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
            svg = buf.getvalue()
            fig.set_layout_engine("none")  # laid out once by the SVG pass; the PNG reuses it
            if self.out_dir is not None:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                svg_path = self.out_dir / f"{chart_id}.svg"
                svg_path.write_text(svg, encoding="utf-8")
                png_path = self.out_dir / f"{chart_id}.png"
                bbox = fig.get_tightbbox().padded(
                    0.1
                )  # the SVG's bounds, without another layout pass
                fig.savefig(png_path, format="png", dpi=DPI, bbox_inches=bbox)
                files = [svg_path, png_path]
        chart = Chart(chart_id, title, inline_svg(svg, chart_id, title), files)
        self.charts.append(chart)
        return chart


def inline_svg(svg: str, prefix: str, title: str) -> str:
    """SVG markup for embedding: no XML prolog, ids made unique per chart, a title for screen readers."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    from html import escape

    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" class="chart" ', 1)


def _styled(fn):
    """Run a chart builder under the report's matplotlib style."""

    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(RC):
            return fn(*args, **kwargs)

    wrapper.__doc__ = fn.__doc__
    wrapper.__name__ = fn.__name__
    return wrapper


@_styled
def bar_counts(w: ChartWriter, chart_id: str, counts: pd.Series, title: str, xlabel: str) -> Chart:
    """Horizontal bars of counts, largest first (documents by region, year, type)."""
    counts = counts.sort_values(ascending=True)
    labels = [wrap(x, 34) for x in counts.index.astype(str)]
    height = 0.9 + 0.28 * len(counts) * _n_lines(labels) ** 0.5
    fig = w.figure(3.2 + 0.06 * _max_chars(labels), height)
    ax = fig.add_subplot()
    bars = ax.barh(labels, counts.to_numpy(), color=PALETTE[0])
    ax.bar_label(bars, padding=2, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.margins(x=0.12)
    return w.save(fig, chart_id, title)


@_styled
def heatmap(
    w: ChartWriter,
    chart_id: str,
    matrix: pd.DataFrame,
    title: str,
    cbar_label: str,
    fmt: str = "{:.0%}",
    cmap: str = "Blues",
    vmin: float | None = 0.0,
    vmax: float | None = None,
    row_wrap: int = 30,
    col_wrap: int = 18,
) -> Chart:
    """A rows × columns heatmap with every cell annotated (coverage, prevalence, similarity, gaps)."""
    values = matrix.to_numpy(dtype=float)
    n_r, n_c = values.shape
    rotate = n_c > 4  # slanted column labels need no more width than the cell
    rows = [wrap(r, row_wrap) for r in matrix.index.astype(str)]
    cols = [wrap(c, max(col_wrap, 30) if rotate else col_wrap) for c in matrix.columns.astype(str)]
    col_lines = _n_lines(cols)
    col_w = 0.55 if rotate else max(0.62, 0.075 * _max_chars(cols))
    width = 1.6 + 0.075 * _max_chars(rows) + col_w * n_c
    label_h = 0.075 * _max_chars(cols) * 0.6 + 0.12 * col_lines if rotate else 0.16 * col_lines
    height = 1.0 + label_h + 0.3 * n_r * (1 + 0.2 * (_n_lines(rows) - 1))
    fig = w.figure(min(width, 22), min(height, 40))
    ax = fig.add_subplot()
    finite = values[np.isfinite(values)]
    top = vmax if vmax is not None else (float(finite.max()) if finite.size else 1.0) or 1.0
    im = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=top, aspect="auto")
    ax.set_xticks(
        range(n_c), cols, rotation=35 if n_c > 4 else 0, ha="right" if n_c > 4 else "center"
    )
    ax.set_yticks(range(n_r), rows)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    lo = vmin if vmin is not None else float(finite.min()) if finite.size else 0.0
    annotate = n_c <= 25 and n_r * n_c <= 800  # beyond that the colour has to speak
    for i in range(n_r if annotate else 0):
        for j in range(n_c):
            v = values[i, j]
            if not np.isfinite(v):
                ax.text(j, i, "–", ha="center", va="center", fontsize=7, color="#777")
                continue
            rel = (v - lo) / ((top - lo) or 1)
            dark = rel > 0.6 if cmap != "RdBu_r" else abs(rel - 0.5) > 0.3
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                    color="white" if dark else "#222")  # fmt: skip
    cb = fig.colorbar(im, ax=ax, shrink=min(1.0, 4 / max(n_r, 1) + 0.3), pad=0.01)
    cb.set_label(cbar_label)
    if "%" in fmt:
        cb.ax.yaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_title(title, loc="left")
    return w.save(fig, chart_id, title)


@_styled
def intervals(
    w: ChartWriter,
    chart_id: str,
    panels: list[tuple[str, pd.DataFrame]],
    series: list[tuple[str, str, str, str]],
    title: str,
    xlabel: str,
    label_col: str = "label",
) -> Chart:
    """Point estimates with 95% intervals, one row per label, one panel per group.

    ``series``: (legend name, value column, low column, high column); several
    series are drawn offset within a row (demand vs supply, or survey groups).
    """
    labels = [wrap(x, 30) for x in panels[0][1][label_col]] if panels else []
    n_rows = len(labels)
    ncols = min(3, len(panels)) or 1
    nrows = int(np.ceil(len(panels) / ncols)) or 1
    row_h = 0.12 + 0.1 * len(series) + 0.05 * (_n_lines(labels) - 1)
    fig = w.figure(
        1.4 + 0.07 * _max_chars(labels) + 2.6 * ncols, 1.0 + nrows * (0.6 + row_h * n_rows)
    )
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    y = np.arange(n_rows)
    step = 0.6 / max(1, len(series))
    highs = [df[hi].to_numpy(dtype=float) for _, df in panels for *_, hi in series]
    top = (
        float(np.nanmax(np.concatenate(highs)))
        if highs and np.isfinite(np.concatenate(highs)).any()
        else 1.0
    )
    xmax = min(1.02, max(0.1, np.ceil(top * 10 + 0.5) / 10))
    for ax, (name, df) in zip(axes, panels, strict=False):
        for k, (legend, val, lo, hi) in enumerate(series):
            off = (k - (len(series) - 1) / 2) * step
            v = df[val].to_numpy(dtype=float)
            err = np.vstack([v - df[lo].to_numpy(dtype=float), df[hi].to_numpy(dtype=float) - v])
            err = np.nan_to_num(np.clip(err, 0, None))
            ax.errorbar(v, y + off, xerr=err, fmt="o", ms=4, capsize=2, lw=1,
                        color=PALETTE[k % len(PALETTE)], label=legend)  # fmt: skip
        if len(panels) > 1:
            ax.set_title(wrap(name, 40), loc="left", fontsize=10)
        ax.set_yticks(y, labels)
        ax.invert_yaxis() if ax is axes[0] else None
        ax.grid(axis="x", color="#ddd", lw=0.6)
        ax.set_xlim(-0.01, xmax)
        ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    for ax in axes[(nrows - 1) * ncols : len(panels)]:
        ax.set_xlabel(xlabel)
    if len(series) > 1:
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
                   ncols=min(len(series), 4), frameon=False)  # fmt: skip
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    return w.save(fig, chart_id, title)


@_styled
def line(
    w: ChartWriter, chart_id: str, df: pd.DataFrame, x: str, y: str, mark: str | None,
    title: str, xlabel: str, ylabel: str,
) -> Chart:  # fmt: skip
    """A line with the chosen point marked (coherence by number of topics)."""
    fig = w.figure(5.0, 3.0)
    ax = fig.add_subplot()
    df = df.sort_values(x)
    ax.plot(df[x], df[y], "o-", color=PALETTE[0], ms=4)
    if mark and mark in df.columns:
        chosen = df[df[mark].astype(bool)]
        ax.plot(chosen[x], chosen[y], "o", ms=10, mfc="none", mec=PALETTE[1], mew=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title, loc="left")
    ax.grid(color="#ddd", lw=0.6)
    return w.save(fig, chart_id, title)
