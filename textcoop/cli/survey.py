"""`textcoop survey code`: code open answers of a survey table into themes."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from textcoop.cli.common import console, handle_errors, refuse_overwrite
from textcoop.cli.summary import what_went_wrong

survey_app = typer.Typer(help="Code open-ended survey answers into themes.", no_args_is_help=True)


@survey_app.command("code")
@handle_errors
def survey_code_cmd(
    file: Path = typer.Argument(..., help="Survey table: CSV, XLSX, SAV or Parquet."),
    text_column: list[str] = typer.Option(
        ..., "--text-column", "-t", help="Column with open answers; repeatable."
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Output table (.csv, .xlsx, .sav, .parquet); never the input."
    ),
    id_column: str | None = typer.Option(
        None, "--id-column", help="Respondent id column (duplicates are reported)."
    ),
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX sheet (default: the first)."),
    model: Path | None = typer.Option(
        None, "--model", "-m", help="Model directory (default: models/)."
    ),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Check the model was trained with this codebook."
    ),
    review_below: float = typer.Option(
        0.6, "--review-below", help="Mark answers with confidence below this for review."
    ),
    target_accuracy: float | None = typer.Option(
        None,
        "--target-accuracy",
        help="Auto-code only answers whose calibrated accuracy reaches this (e.g. 0.9); the rest need review.",
    ),
    calibration: Path | None = typer.Option(
        None,
        "--calibration",
        help="Labelled answers (gold JSONL/CSV) to calibrate on (default: the model's held-out survey dev split).",
    ),
    workers: int = typer.Option(
        0,
        "--workers",
        "-w",
        help="Worker processes for tables over 2,000 rows (0 = one per CPU core).",
    ),
) -> None:
    """Add theme columns, confidence, needs_review, evidence and nonsubstantive to the table.

    Example: textcoop survey code answers.csv --text-column "Что мешает кооперации?" --out coded.xlsx
    """
    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.survey.code import code_answers
    from textcoop.survey.tables import read_table, require_columns, write_table
    from textcoop.themes.codebook import load_codebook

    refuse_overwrite(out, file)
    df, info = read_table(file, sheet)
    require_columns(df, list(text_column) + ([id_column] if id_column else []), file)
    cb = load_codebook(codebook)
    coder = ThemeCoder(model, codebook=cb if codebook else None)
    if target_accuracy is not None:
        from textcoop.survey.code import calibrate
        from textcoop.themes.data import read_gold, split_dev

        if calibration:
            cal_examples, basis = read_gold(calibration), str(calibration)
        else:
            root = Path(__file__).resolve().parents[2]
            files = [root / f for f in coder.meta["data"]["files"] if "survey" in Path(f).name]
            pool = [ex for f in files if f.is_file() for ex in read_gold(f)]
            cal_examples = split_dev(pool, coder.meta.get("dev_share", 0.2))[1]
            basis = (
                "the model's held-out dev split of survey answers ("
                + ", ".join(f.name for f in files)
                + ")"
            )
        cal = calibrate(coder, cal_examples, target_accuracy, basis)
        review_below = cal.threshold
        if cal.share_auto == 0:
            console.print(
                f"[yellow]no confidence level reaches accuracy {target_accuracy:.0%} on {cal.n} labelled answers: every answer goes to review[/yellow]",
                highlight=False,
            )
        else:
            console.print(
                f"target accuracy {target_accuracy:.0%}: auto-coding answers with confidence ≥ {cal.threshold:.3f}; "
                f"on {cal.n} held-out labelled answers ({cal.basis}) that coded {cal.share_auto:.0%} automatically "
                f"with {cal.expected_accuracy:.1%} exact agreement",
                highlight=False,
            )
    import os

    coded, rep = code_answers(
        df,
        list(text_column),
        coder,
        id_column,
        review_below,
        workers=workers or os.cpu_count() or 1,
    )
    notes = write_table(coded, out, cb)
    read_note = ", ".join(
        f"{k} {v}" for k, v in info.items() if k in ("encoding", "delimiter", "sheet")
    )
    console.print(
        f"read {rep.rows} rows from {file.name} ({read_note or info['format']}); coded table → {out}",
        highlight=False,
    )
    what_went_wrong(
        rep.issues + [(out.name, "output", note) for note in notes],
        f"rows with needs_review = 1 in {out} (`textcoop survey review {out} --text-column ... --out review.xlsx`)",
        title="What to check",
        style="yellow",
    )
    for col in text_column:
        if target_accuracy is not None:
            auto = rep.coded[col] - rep.needs_review[col]
            console.print(
                f"{col}: {auto} of {rep.coded[col]} answers auto-coded ({auto / max(1, rep.coded[col]):.0%}), {rep.needs_review[col]} to review",
                highlight=False,
            )
        t = Table(
            title=f"{col}: {rep.coded[col]} answers coded, {rep.empty[col]} empty, {rep.nonsubstantive[col]} non-substantive, {rep.needs_review[col]} need review"
        )
        t.add_column("theme")
        t.add_column("answers", justify="right")
        t.add_column("share of substantive", justify="right")
        base = max(1, rep.coded[col] - rep.nonsubstantive[col])
        for th, n in sorted(rep.theme_counts[col].items(), key=lambda kv: -kv[1]):
            t.add_row(th, str(n), f"{n / base:.0%}")
        console.print(t)


@survey_app.command("summary")
@handle_errors
def survey_summary_cmd(
    coded: Path = typer.Argument(..., help="A table written by `textcoop survey code`."),
    by: list[str] = typer.Option(
        None, "--by", help="Group by this column (enterprise size, district...); repeatable."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the table (.csv or .xlsx)."),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Codebook whose theme ids to count."
    ),
) -> None:
    """Theme frequencies: count, share of substantive answers, Wilson 95% interval, by group.

    Example: textcoop survey summary coded.xlsx --by enterprise_size --out frequencies.xlsx
    """
    from textcoop.survey.stats import theme_frequencies
    from textcoop.survey.tables import read_table, write_table
    from textcoop.themes.codebook import load_codebook

    refuse_overwrite(out, coded)
    cb = load_codebook(codebook)
    df, _ = read_table(coded)
    freq = theme_frequencies(df, cb.theme_ids, by or [])
    if out:
        write_table(freq, out)
    for question, g in freq.groupby("question", sort=False):
        t = Table(
            title=f"{question}: share of substantive answers (denominator: n), 95% Wilson interval"
        )
        for col in [*(by or []), "theme", "count", "n", "share", "95% CI"]:
            t.add_column(
                col, justify="right" if col in ("count", "n", "share", "95% CI") else "left"
            )
        for r in g.sort_values(
            [*(by or []), "share"], ascending=[True] * len(by or []) + [False]
        ).itertuples():
            keys = [str(getattr(r, c)) for c in (by or [])]
            t.add_row(
                *keys,
                r.theme,
                str(r.count),
                str(r.n_substantive),
                f"{r.share:.0%}",
                f"{r.ci_low:.0%}-{r.ci_high:.0%}",
            )
        console.print(t)


@survey_app.command("agreement")
@handle_errors
def survey_agreement_cmd(
    a: Path = typer.Argument(..., help="First coding (CSV, XLSX, SAV, Parquet)."),
    b: Path = typer.Argument(..., help="Second coding of the same answers."),
    id_column: str = typer.Option(..., "--id-column", help="Respondent id column in both files."),
    codes_column: str | None = typer.Option(
        None, "--codes-column", help="One column with codes separated by ';'."
    ),
    codes_columns: list[str] = typer.Option(
        None, "--codes-columns", help="Several code columns (Code 1, Code 2, ...); repeatable."
    ),
    levels: int = typer.Option(
        1, "--levels", help="Levels of hierarchical codes (a->b) to compare."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Cohen's kappa per code, percent agreement, prevalence; Krippendorff's alpha with a bootstrap 95% CI.

    Example: textcoop survey agreement coder1.xlsx coder2.xlsx --id-column resp_id --codes-column themes --json
    """
    import json

    from textcoop.errors import InputError
    from textcoop.survey.stats import agreement
    from textcoop.survey.tables import read_table

    cols = [codes_column] if codes_column else list(codes_columns or [])
    if not cols:
        raise InputError(
            "say where the codes are",
            hint="give --codes-column COL or --codes-columns COL1 --codes-columns COL2",
        )
    res = agreement(read_table(a)[0], read_table(b)[0], id_column, cols, levels=levels)
    if as_json:
        typer.echo(json.dumps(res, ensure_ascii=False))
        return
    t = Table(
        title=f"{res['n']} answers coded twice: Krippendorff's alpha {res['alpha']:.3f} (95% CI {res['alpha_ci'][0]:.3f}-{res['alpha_ci'][1]:.3f})"
    )
    for col in ("code", "kappa", "agreement", "prevalence A", "prevalence B"):
        t.add_column(col, justify="left" if col == "code" else "right")
    for code, v in res["per_code"].items():
        t.add_row(
            code,
            f"{v['kappa']:.2f}",
            f"{v['percent_agreement']:.0%}",
            f"{v['prevalence_a']:.0%}",
            f"{v['prevalence_b']:.0%}",
        )
    console.print(t)
    for side, key in (("first", "only_in_a"), ("second", "only_in_b")):
        if res[key]:
            console.print(
                f"[yellow]{len(res[key])} answer(s) only in the {side} file:[/yellow] {', '.join(res[key][:20])}",
                highlight=False,
            )


@survey_app.command("review")
@handle_errors
def survey_review_cmd(
    coded: Path = typer.Argument(..., help="A table written by `textcoop survey code`."),
    text_column: list[str] = typer.Option(
        ..., "--text-column", "-t", help="The coded text column(s); repeatable."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Review workbook (.xlsx)."),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Codebook of the theme columns."
    ),
) -> None:
    """Write the answers that need review, least confident first, with 0/1 dropdowns per theme.

    Example: textcoop survey review coded.xlsx --text-column "Что мешает кооперации?" --out review.xlsx
    """
    from textcoop.survey.review import review_table, write_review
    from textcoop.survey.tables import read_table
    from textcoop.themes.codebook import load_codebook

    refuse_overwrite(out, coded)
    cb = load_codebook(codebook)
    df, _ = read_table(coded)
    table = review_table(df, list(text_column), cb.theme_ids)
    write_review(table, out, cb.theme_ids)
    console.print(
        f"{len(table)} answers to review → {out} (least confident first; set each theme column to 1 or 0, then `textcoop survey merge`)",
        highlight=False,
    )


@survey_app.command("merge")
@handle_errors
def survey_merge_cmd(
    coded: Path = typer.Argument(..., help="The coded table the review was made from."),
    review: Path = typer.Argument(..., help="The filled-in review workbook."),
    text_column: list[str] = typer.Option(
        ..., "--text-column", "-t", help="The coded text column(s); repeatable."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Merged table (never the inputs)."),
    model: Path | None = typer.Option(
        None, "--model", "-m", help="The model that coded the table (for code_source)."
    ),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Codebook of the theme columns."
    ),
) -> None:
    """Take the human codes back; each answer's code_source says human or model:<id>.

    Example: textcoop survey merge coded.xlsx review.xlsx --text-column "Что мешает кооперации?" --out final.xlsx
    """
    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.survey.review import merge_review
    from textcoop.survey.tables import read_table, write_table
    from textcoop.themes.classify import model_id
    from textcoop.themes.codebook import load_codebook

    refuse_overwrite(out, coded, review)
    cb = load_codebook(codebook)
    df, _ = read_table(coded)
    rv, _ = read_table(review, "review")
    merged, changed = merge_review(
        df, rv, list(text_column), cb.theme_ids, model_id(ThemeCoder(model))
    )
    write_table(merged, out, cb)
    console.print(
        f"merged {len(rv)} reviewed answers ({changed} changed by the reviewer) → {out}",
        highlight=False,
    )


@survey_app.command("emergent")
@handle_errors
def survey_emergent_cmd(
    coded: Path = typer.Argument(..., help="A table written by `textcoop survey code`."),
    text_column: str = typer.Option(..., "--text-column", "-t", help="The coded text column."),
    k: int | None = typer.Option(
        None, "-k", help="Number of candidate codes (default: about one per 40 answers, 3-8)."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write candidates (.csv or .xlsx)."),
) -> None:
    """Group the substantive answers coded `other` into candidate new codes: top terms and examples.

    Example: textcoop survey emergent coded.xlsx --text-column "Что мешает кооперации?"
    """
    from textcoop.survey.emergent import emergent_codes, other_answers
    from textcoop.survey.review import prefix_for
    from textcoop.survey.tables import read_table, write_table

    refuse_overwrite(out, coded)
    df, _ = read_table(coded)
    prefix = prefix_for(df, [text_column])[text_column]
    texts = other_answers(df, text_column, prefix)
    codes = emergent_codes(texts, k)
    console.print(
        f"{len(texts)} substantive answers coded other → {len(codes)} candidate codes",
        highlight=False,
    )
    for c in codes:
        console.print(
            f"[bold]{c.label}[/bold] ({c.n_answers} answers): {', '.join(c.terms)}", highlight=False
        )
        for ex in c.examples:
            console.print(f"    « {ex[:160]} »", highlight=False, markup=False)
    if out:
        import pandas as pd

        rows = [
            {
                "code": c.label,
                "n_answers": c.n_answers,
                "terms": ", ".join(c.terms),
                "examples": " | ".join(c.examples),
            }
            for c in codes
        ]
        write_table(pd.DataFrame(rows), out)
