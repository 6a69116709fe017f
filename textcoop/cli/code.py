"""`textcoop code`: code one text and show why."""

from __future__ import annotations

from pathlib import Path

import typer

from textcoop.cli.common import console, handle_errors


@handle_errors
def code_cmd(
    text: str = typer.Argument(..., help="The text to code (quote it)."),
    model: Path | None = typer.Option(
        None, "--model", "-m", help="Model directory (default: models/)."
    ),
    codebook: Path | None = typer.Option(
        None, "--codebook", "-c", help="Check the model was trained with this codebook."
    ),
) -> None:
    """Assign themes to one text, with scores and the matched evidence terms.

    Example: textcoop code "Нужны льготные займы на покупку станков"
    """
    from textcoop.errors import InputError
    from textcoop.nlp.pipeline import ThemeCoder
    from textcoop.nlp.seeds import SPAN_KEY
    from textcoop.themes.codebook import load_codebook

    if not text.strip():
        raise InputError("the text is empty", hint='give the text in quotes: textcoop code "..."')
    coder = ThemeCoder(model, codebook=load_codebook(codebook) if codebook else None)
    doc = coder.code([text])[0]
    console.print(
        f"themes: [bold]{', '.join(doc._.themes)}[/bold]  (language {coder.lang_of(text)})",
        highlight=False,
    )
    if doc._.nonsubstantive:
        console.print("non-substantive answer: coded other", highlight=False)
    if doc._.relevance is not None:
        console.print(
            f"   relevance {doc._.relevance:.2f} (any theme rather than other; caps every theme's score)",
            highlight=False,
        )
    clf = coder.pipelines[coder.lang_of(text)].get_pipe("textcoop_theme_classifier")
    own = dict(zip(clf.labels_, clf.scores([doc], capped=False)[0][0], strict=True))
    for lab, score in sorted(doc.cats.items(), key=lambda kv: -kv[1])[:6]:
        thr = clf.thresholds_.get(lab)
        mark = "✓" if lab in doc._.themes else " "
        capped = lab in own and own[lab] - score > 0.005  # the theme model was surer
        console.print(
            f" {mark} {lab:<16} {score:.2f}"
            + (f"  (threshold {thr:.2f})" if thr is not None else "")
            + (f"  own model {own[lab]:.2f}, capped" if capped else ""),
            highlight=False,
        )
    ev: dict[str, list[str]] = {}
    for sp in doc.spans.get(SPAN_KEY, []):
        ev.setdefault(sp.label_, []).append(sp.text)
    for lab, terms in ev.items():
        console.print(f"   evidence for {lab}: {', '.join(dict.fromkeys(terms))}", highlight=False)
