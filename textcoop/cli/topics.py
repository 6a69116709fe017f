"""`textcoop topics fit|show`: topic models of the corpus store, seeded by the codebook."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from textcoop.cli.common import DEFAULT_STORE, cell, console, handle_errors, state
from textcoop.errors import InputError

topics_app = typer.Typer(
    help="Topic models (LDA) of the store's segments: fit with K chosen by coherence, show stored runs.",
    no_args_is_help=True,
)

FORMATS = ("csv", "parquet")


def _parse_k(k: str) -> int | None:
    if k.strip().lower() == "auto":
        return None
    try:
        return int(k)
    except ValueError:
        raise InputError("-k takes a number of topics or 'auto'", value=k) from None


def _parse_grid(grid: str | None) -> list[int] | None:
    if not grid:
        return None
    try:
        return [int(x) for x in grid.replace(" ", "").split(",") if x]
    except ValueError:
        raise InputError("--k-grid takes comma-separated integers", value=grid) from None


def print_tables(tables: dict, n_passages: int = 1, notes: list[str] | None = None) -> None:
    """A readable summary of a stored topic run: curve, stability, topics, passages, notes."""
    run = tables["runs"].iloc[0]
    params = run["params"]
    if isinstance(params, str):
        import json

        params = json.loads(params)
    stab = (
        "not measured"
        if run["stability"] is None or run["stability"] != run["stability"]
        else f"{run['stability']:.2f}"
    )
    corpus = params.get("corpus", {})
    console.print(
        f"topic run {run['run_id']}: engine {run['engine']}, K={run['k']}, "
        f"{'seeded' if run['seeded'] else 'unseeded'}, {corpus.get('n_units', '?')} passages of "
        f"{corpus.get('n_documents', '?')} documents, vocabulary {corpus.get('vocab', '?')}; "
        f"coherence {run['coherence_measure']} {run['coherence']:.3f}; stability (top-term match across seeds) {stab}",
        highlight=False,
    )
    curve = tables["coherence_curve"]
    console.print(
        "coherence curve: "
        + ", ".join(
            f"K={r.k} {r.coherence:.3f}{' *' if r.chosen else ''}" for r in curve.itertuples()
        ),
        highlight=False,
    )
    t = Table(
        title="topics (theme: best-matching codebook theme, score: share of top-term weight on its seeds; share: mean over documents)"
    )
    for col in ("#", "theme (score)", "seeded", "share", "top terms"):
        t.add_column(col, overflow="fold")
    for r in tables["topics"].itertuples():
        matched = r.theme is not None and r.theme == r.theme
        theme = f"{r.theme if matched else 'none'} ({r.theme_score:.2f})"
        t.add_row(
            str(r.topic),
            theme,
            cell(r.seeded_theme),
            f"{r.prevalence:.1%}",
            " ".join(list(r.top_terms)[:8]),
        )
    console.print(t)
    if n_passages > 0:
        p = tables["passages"]
        p = p[p["rank"] <= n_passages]
        pt = Table(title="representative passages")
        for col in ("#", "document (region)", "page", "text"):
            pt.add_column(col, overflow="fold")
        for r in p.itertuples():
            doc = cell(r.title, 60) or r.doc_id
            pt.add_row(
                str(r.topic), f"{doc} ({cell(r.region) or '-'})", str(r.page), cell(r.text, 160)
            )
        console.print(pt)
    for note in notes if notes is not None else params.get("notes", []):
        console.print(f"[yellow]note:[/yellow] {note}", highlight=False)


@topics_app.command("fit")
@handle_errors
def fit_cmd(
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
    where: list[str] = typer.Option(
        [],
        "--where",
        "-w",
        help="Select documents: region=..., doc_type=..., year=..., doc_id=..., lang=... (repeatable).",
    ),
    k: str = typer.Option(
        "auto", "-k", "--k", help="Number of topics, or 'auto' to choose by coherence."
    ),
    k_grid: str | None = typer.Option(
        None,
        "--k-grid",
        help="K values for -k auto, e.g. 8,12,16 (default: a grid sized to the corpus).",
    ),
    seeded: bool = typer.Option(
        False,
        "--seeded/--no-seeded",
        help="Guide one topic per codebook theme by its seed terms; the rest stay free.",
    ),
    codebook: Path | None = typer.Option(
        None,
        "--codebook",
        "-c",
        help="Codebook for seeds and theme labels (default: the shipped one).",
    ),
    engine: str = typer.Option(
        "gensim", "--engine", help="gensim (default), gensim-multicore or tomotopy."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same model."),
    stability_runs: int = typer.Option(
        3,
        "--stability-runs",
        help="Fits with seeds seed..seed+N-1 to measure stability (below 2: not measured).",
    ),
    passes: int = typer.Option(
        10, "--passes", help="Passes over the corpus (tomotopy: 50 Gibbs sweeps per pass)."
    ),
    workers: int = typer.Option(
        2, "--workers", help="Worker processes/threads for gensim-multicore and tomotopy."
    ),
    min_tokens: int = typer.Option(
        15,
        "--min-tokens",
        help="Join consecutive segments of a section until a passage has this many content words (0: one per segment).",
    ),
    no_above: float = typer.Option(
        0.3, "--no-above", help="Drop terms found in more than this share of passages."
    ),
    coherence: str = typer.Option(
        "c_v", "--coherence", help="Coherence measure: c_v, c_npmi or u_mass."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Directory for the result tables and topics.json."
    ),
    fmt: str = typer.Option("csv", "--format", help="Table format in --out: csv or parquet."),
    model_dir: Path | None = typer.Option(
        None, "--model-dir", help="Save the fitted model here (with a sha256 manifest)."
    ),
) -> None:
    """Fit LDA topics on the store's segments and store the run (topics, theme matches, prevalence, passages).

    Example: textcoop topics fit --store corpus.duckdb -k auto --seeded --out topics/
    """
    from textcoop.store import open_store
    from textcoop.topics import TopicConfig, fit_topics, topic_tables
    from textcoop.topics.corpus import parse_where
    from textcoop.topics.fit import ENGINES
    from textcoop.topics.tables import write_outputs

    if engine not in ENGINES:
        raise InputError("unknown --engine", value=engine, options=ENGINES)
    if fmt not in FORMATS:
        raise InputError("unknown --format", value=fmt, options=FORMATS)
    cfg = TopicConfig(
        k=_parse_k(k),
        k_grid=_parse_grid(k_grid),
        seeded=seeded,
        codebook=str(codebook) if codebook else None,
        engine=engine,
        seed=seed,
        stability_runs=stability_runs,
        passes=passes,
        workers=workers,
        min_tokens=min_tokens,
        no_above=no_above,
        coherence=coherence,
    )
    filters = parse_where(where)
    with open_store(store, create=False) as st:
        if state.quiet:
            result = fit_topics(st, cfg, filters, model_dir)
        else:
            with console.status("topics") as status:
                result = fit_topics(
                    st, cfg, filters, model_dir, progress=lambda m: status.update(m)
                )
        tables = topic_tables(st, result.run_id)
    if out is not None:
        write_outputs(result, out, fmt)
    print_tables(tables, notes=result.notes)
    if out is not None:
        console.print(f"tables and topics.json written to {out}", highlight=False)
    if result.model_dir:
        console.print(f"model saved to {result.model_dir}", highlight=False)


@topics_app.command("show")
@handle_errors
def show_cmd(
    store: str = typer.Option(DEFAULT_STORE, "--store", "-s", help="Corpus store file."),
    run: str | None = typer.Option(None, "--run", help="Topic run id (default: the newest)."),
    passages: int = typer.Option(2, "--passages", "-p", help="Representative passages per topic."),
    model_dir: Path | None = typer.Option(
        None,
        "--model-dir",
        help="Show the top terms of a saved model instead (checked against its manifest).",
    ),
) -> None:
    """Show a stored topic run: coherence curve, topics with theme matches, passages with page.

    Example: textcoop topics show --store corpus.duckdb --passages 3
    """
    if model_dir is not None:
        import numpy as np

        from textcoop.topics.io import load_topic_term

        matrix, dictionary, info = load_topic_term(model_dir)
        console.print(
            f"model {model_dir}: engine {info.get('engine')}, K={info.get('k')}, seed {info.get('seed')}, corpus {str(info.get('corpus_hash'))[:12]}",
            highlight=False,
        )
        for t, row in enumerate(matrix):
            top = np.argsort(-row, kind="stable")[:10]
            console.print(f"{t}: " + " ".join(dictionary[int(i)] for i in top), highlight=False)
        return
    from textcoop.store import open_store
    from textcoop.topics import topic_tables

    with open_store(store, read_only=True) as st:
        tables = topic_tables(st, run)
        ids = st.topic_run_ids()
    if tables is None:
        raise InputError(
            f"no topic run in {store}", hint="fit one with `textcoop topics fit --store FILE`"
        )
    print_tables(tables, n_passages=passages)
    if len(ids) > 1:
        console.print(f"{len(ids)} runs in the store: " + ", ".join(ids[:10]), highlight=False)
