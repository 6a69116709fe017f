"""`textcoop gaps`: what enterprises ask for against what the region's documents offer."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from textcoop.cli.common import DEFAULT_STORE, console, err_console, handle_errors, refuse_overwrite


def short(text: object, width: int = 160) -> str:
    """One line of a passage or answer for the screen."""
    s = " ".join(str(text or "").split())
    return s if len(s) <= width else s[: width - 1] + "…"


def pct(x: object) -> str:
    import pandas as pd

    if x is None or pd.isna(x):
        return ""
    x = float(x)
    return f"{x:.1%}" if 0 < abs(x) < 0.01 else f"{x:.0%}"


def write_outputs(result, out: Path | None, fmt: str, inputs: list) -> None:
    """Write the tables and JSON to --out (never over an input) and say where."""
    if out is None:
        return
    for name in result.tables():
        refuse_overwrite(out / f"{result.kind}_{name}.{fmt}", *inputs)
    paths = result.write(out, fmt)
    console.print(
        f"wrote {len(paths)} files to {out}/ ({result.kind}_*.{fmt}, {result.kind}.json)",
        highlight=False,
    )


def print_notes(notes: list[str]) -> None:
    for n in notes:
        err_console.print(f"[yellow]note:[/yellow] {n}", highlight=False, soft_wrap=True)


def _print_gaps(res, top: int) -> None:
    """Per group: the top gaps, each with one answer (demand) and one passage (supply)."""
    t = res.tables()
    names = res.params["theme_names"]
    gaps, ev_s, ev_d, supply, demand = (
        t["gaps"], t["evidence_supply"], t["evidence_demand"], t["supply"], t["demand"]
    )  # fmt: skip
    near = t["near_misses"]
    for g, rows in gaps.groupby("group", sort=True):
        n_docs = int(supply.loc[supply["group"] == g, "n_docs"].iloc[0])
        n_resp = int(demand.loc[demand["group"] == g, "n_resp"].iloc[0])
        console.print(
            f"\n[bold]{g}[/bold]: top gaps ({n_docs} documents, {n_resp} respondents)",
            highlight=False,
        )
        if rows["gap"].max() <= 0:
            console.print(
                "  every theme is offered at least as often as asked for; smallest margins first",
                style="dim",
                highlight=False,
            )
        for r in rows.head(top).itertuples():
            console.print(
                f" {r.rank}. [bold]{names.get(r.theme, r.theme)}[/bold]  demand {pct(r.demand)}, "
                f"supply {pct(r.supply)}, gap {r.gap:+.0%} [{r.gap_lo:+.0%}, {r.gap_hi:+.0%}]",
                highlight=False,
            )
            a = ev_d[(ev_d["group"] == g) & (ev_d["theme"] == r.theme)].head(1)
            if len(a):
                console.print(
                    f"    asked  {a['answer_id'].iloc[0]}: {short(a['text'].iloc[0])}",
                    highlight=False,
                )
            p = ev_s[(ev_s["group"] == g) & (ev_s["theme"] == r.theme)].head(1)
            if len(p):
                console.print(
                    f"    offered  {p['doc_id'].iloc[0]} p.{p['page'].iloc[0]}: {short(p['text'].iloc[0])}",
                    highlight=False,
                )
            else:
                nm = near[(near["group"] == g) & (near["theme"] == r.theme)].head(1)
                nearest = (
                    f"; nearest {nm['doc_id'].iloc[0]} p.{nm['page'].iloc[0]} "
                    f"(score {nm['score'].iloc[0]:.2f}): {short(nm['text'].iloc[0], 110)}"
                    if len(nm)
                    else ""
                )
                console.print(f"    offered  no passage{nearest}", highlight=False)


def _print_supply(res) -> None:
    """Without a survey: what each group's documents cover."""
    sup = res.tables()["supply"]
    console.print("[bold]supply[/bold]: themes covered by the group's documents", highlight=False)
    for g, rows in sup.groupby("group", sort=True):
        cov = rows[rows["supply"] > 0].sort_values("supply", ascending=False)
        parts = ", ".join(f"{r.theme} {pct(r.supply)}" for r in cov.itertuples())
        console.print(
            f"  {g} ({int(rows['n_docs'].iloc[0])} docs, {len(cov)}/{len(rows)} themes): {parts or '-'}",
            highlight=False,
        )


def _print_omissions(res, top: int) -> None:
    t = res.tables()
    names = res.params["theme_names"]
    om, peers = t["omissions"], t["peer_gaps"]
    if len(om):
        console.print(
            "\n[bold]omissions[/bold]: themes a group's documents do not cover", highlight=False
        )
    for g, rows in om.groupby("group", sort=True):
        console.print(f" {g}", highlight=False)
        for r in rows.head(top).itertuples():
            pr = peers[(peers["group"] == r.group) & (peers["theme"] == r.theme)]
            peer = (
                f", covered by {pr['n_peers_covering'].iloc[0]}/{pr['n_peers'].iloc[0]} peers"
                if len(pr)
                else ""
            )
            pm = (
                "unknown (model not found)"
                if r.p_missed is None or r.p_missed != r.p_missed
                else pct(r.p_missed)
            )
            console.print(
                f"  - {names.get(r.theme, r.theme)}: P(present but missed) {pm}{peer}",
                highlight=False,
            )
            if r.near_miss_text is not None:
                console.print(
                    f"      nearest {r.near_miss_doc_id} p.{r.near_miss_page} (score {r.near_miss_score:.2f}): "
                    f"{short(r.near_miss_text, 110)}",
                    highlight=False,
                )
    cg = t["codebook_gaps"]
    if len(cg):
        tab = Table(title="codebook gaps: topics that match no theme", title_justify="left")
        for col in ("topic", "top terms", "example"):
            tab.add_column(col, overflow="fold")
        for r in cg.drop_duplicates("topic").head(top).itertuples():
            tab.add_row(str(r.topic), short(r.top_terms, 80), short(r.example_text, 120))
        console.print(tab)


@handle_errors
def gaps_cmd(
    store: str = typer.Option(
        DEFAULT_STORE, "--store", "-s", help="Corpus store file (classified)."
    ),
    survey: list[Path] = typer.Option(
        [], "--survey", help="Coded survey file from `textcoop survey code` (repeatable)."
    ),
    by: str = typer.Option(
        "region", "--by", help="Group documents by region, doc, year or doc_type."
    ),
    region_column: str = typer.Option(
        "region", "--region-column", help="Survey column naming the respondent's region."
    ),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Codebook (default: shipped)."
    ),
    model: Path | None = typer.Option(
        None,
        "--model",
        "-m",
        help="Model directory that coded the store (for recall; default models/).",
    ),
    n_boot: int = typer.Option(1000, "--n-boot", help="Bootstrap replicates for the intervals."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same intervals)."),
    min_segments: int = typer.Option(
        1, "--min-segments", help="Passages a document needs to count as covering a theme."
    ),
    id_column: str | None = typer.Option(
        None, "--id-column", help="Respondent id column (guessed)."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Directory for the tables and JSON."),
    fmt: str = typer.Option("csv", "--format", help="Table format: csv or parquet."),
    top: int = typer.Option(5, "--top", help="Rows per group on screen."),
) -> None:
    """Gaps between demand (survey) and supply (documents) per region, with evidence on both sides.

    Supply is the share of a region's documents covering a theme, demand the
    share of its respondents raising it; the gap is demand minus supply with
    a bootstrap 95% interval. Also: omissions (uncovered themes, the chance
    the coder missed them, nearest passages), peer gaps and codebook gaps.

    Example: textcoop gaps --store corpus.duckdb --survey coded.xlsx --out out/gaps
    """
    from textcoop.gaps import compute_gaps
    from textcoop.gaps.result import check_out_dir

    if out is not None:
        check_out_dir(out)
    res = compute_gaps(
        store,
        [str(s) for s in survey],
        codebook=codebook,
        by=by,
        region_column=region_column,
        n_boot=n_boot,
        seed=seed,
        min_segments=min_segments,
        model_dir=model,
        id_column=id_column,
    )
    console.print(
        "supply = share of the group's documents covering the theme; demand = share of its "
        "respondents raising it; gap = demand − supply (95% bootstrap interval)",
        highlight=False,
        style="dim",
    )
    if res.tables()["gaps"].empty:
        _print_supply(res)
    _print_gaps(res, top)
    _print_omissions(res, top)
    print_notes(res.notes)
    write_outputs(res, out, fmt, [store, *survey])
