"""`textcoop compare`: strategies side by side: theme matrix, similarity, clusters, terms, versions."""

from __future__ import annotations

from pathlib import Path

import typer

from textcoop.cli.common import DEFAULT_STORE, console, handle_errors
from textcoop.cli.gaps import pct, print_notes, short, write_outputs


def _terms(dt, group: str, k: int = 5) -> str:
    return ", ".join(dt.loc[dt["group"] == group, "term"].head(k))


def _print(res, top: int) -> None:
    t = res.tables()
    names = res.params["theme_names"]
    m = t["matrix"]
    console.print(
        "[bold]theme profiles[/bold] (mean share of the documents' text; strongest themes)",
        highlight=False,
    )
    for g, rows in m.groupby("group", sort=True):
        rows = rows[rows["value"] >= 0.005].sort_values("value", ascending=False).head(6)
        parts = ", ".join(f"{r.theme} {pct(r.value)}" for r in rows.itertuples())
        console.print(
            f"  {g} ({int(m.loc[m['group'] == g, 'n_docs'].iloc[0])} docs): {parts or '-'}",
            highlight=False,
        )
    sim, dt = t["similarity"], t["distinctive_terms"]
    k = max(1, min(top, len(sim) // 2 or 1))
    for title, rows in (("most similar", sim.head(k)), ("least similar", sim.tail(k).iloc[::-1])):
        console.print(f"\n[bold]{title}[/bold]", highlight=False)
        for r in rows.itertuples():
            topic = (
                ""
                if r.topic_cosine is None or r.topic_cosine != r.topic_cosine
                else f", topics {r.topic_cosine:.2f}"
            )
            console.print(
                f"  {r.a} ~ {r.b}: cosine themes {r.theme_cosine:.2f}{topic}", highlight=False
            )
            console.print(
                f"      themes that differ (a/b): {r.distinguishing_themes or '-'}", highlight=False
            )
            console.print(f"      terms of {r.a}: {_terms(dt, r.a)}", highlight=False)
            console.print(f"      terms of {r.b}: {_terms(dt, r.b)}", highlight=False)
    cl = t["clusters"]
    if cl["cluster"].nunique() > 1:
        parts = [f"{c}: {', '.join(map(str, g['group']))}" for c, g in cl.groupby("cluster")]
        console.print("clusters (average linkage, cosine): " + "; ".join(parts), highlight=False)
    v = t["versions"]
    if len(v):
        console.print(
            "\n[bold]versions[/bold]: themes added, dropped, grown, shrunk", highlight=False
        )
    for (old, new), g in v.groupby(["old_doc_id", "new_doc_id"], sort=False):
        console.print(f"  {g['region'].iloc[0]}: {old} → {new}", highlight=False)
        for r in g.head(top).itertuples():
            page = (
                ""
                if r.passage_page is None or r.passage_page != r.passage_page
                else f" p.{r.passage_page}"
            )
            console.print(
                f"    {r.change} {names.get(r.theme, r.theme)} ({pct(r.old_value)} → {pct(r.new_value)}): "
                f"{r.passage_doc_id}{page}: {short(r.passage_text, 110)}",
                highlight=False,
            )
        if len(g) > top:
            console.print(
                f"    … {len(g) - top} more changes in the versions table",
                style="dim",
                highlight=False,
            )


@handle_errors
def compare_cmd(
    store: str = typer.Option(
        DEFAULT_STORE, "--store", "-s", help="Corpus store file (classified)."
    ),
    by: str = typer.Option(
        "region", "--by", help="Compare regions, doc (documents), year or doc_type."
    ),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Codebook (default: shipped)."
    ),
    pair: list[str] = typer.Option(
        [],
        "--pair",
        help="Two documents to compare as versions: --pair OLD --pair NEW (repeatable).",
    ),
    seed: int = typer.Option(
        0, "--seed", help="Random seed (recorded; the method is deterministic)."
    ),
    min_segments: int = typer.Option(
        1, "--min-segments", help="Passages a document needs to count as covering a theme."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Directory for the tables and JSON."),
    fmt: str = typer.Option("csv", "--format", help="Table format: csv or parquet."),
    top: int = typer.Option(
        5, "--top", help="Pairs and rows to show on screen; terms kept per group x3."
    ),
) -> None:
    """Compare strategies: theme matrix, pairwise similarity, clusters, distinctive terms, versions.

    Similarity is the cosine of theme profiles (and of topic profiles after
    `textcoop topics fit`); distinctive terms are log-odds ratios with an
    informative Dirichlet prior (Monroe et al. 2008); versions are documents
    of one region and type from different years.

    Example: textcoop compare --store corpus.duckdb --by region --out out/compare
    """
    from textcoop.errors import InputError
    from textcoop.gaps import compare

    if len(pair) % 2:
        raise InputError("--pair takes documents two by two (OLD then NEW)", value=pair)
    pairs = list(zip(pair[::2], pair[1::2], strict=True))
    res = compare(
        store,
        by=by,
        codebook=codebook,
        seed=seed,
        top=top * 3,
        pairs=pairs,
        min_segments=min_segments,
    )
    _print(res, top)
    print_notes(res.notes)
    write_outputs(res, out, fmt, [store])
