"""Read what gaps and compare need: store tables and coded survey files, as pandas tables.

This is the only module of ``textcoop.gaps`` that touches a store or a file;
everything else works on the frames built here, so the arithmetic can be
tested on small hand-built tables.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from textcoop.errors import InputError, StoreError
from textcoop.gaps.notes import Note
from textcoop.modeldir import default_model_dir, model_id_from_meta
from textcoop.themes.codebook import OTHER, Codebook, load_codebook

GROUP_COLUMNS = {"region": "region", "doc": "doc_id", "year": "year", "doc_type": "doc_type"}


def norm_key(value: object) -> str:
    """A grouping key that ignores case, ё/е and spacing ("Заозёрская  область" = "заозерская область")."""
    return re.sub(r"\s+", " ", str(value).replace("ё", "е").replace("Ё", "Е")).strip().casefold()


@dataclass
class StoreData:
    """The classified corpus: documents, segments with theme scores, per-document coverage."""

    documents: pd.DataFrame  # doc_id, file_name, title, region, year, doc_type, language
    segments: pd.DataFrame  # doc_id, seg_no, page, section, kind, lang, text, themes, scores
    coverage: pd.DataFrame  # doc_id, theme, share, n_segments
    model_id: str | None
    themes: list[str]
    notes: list[str] = field(default_factory=list)

    def copy(self) -> StoreData:
        """A copy that can be changed without changing this one (tables and notes list).

        gaps and compare both append notes (documents without a region, no
        topics, ...) to the corpus they are given; a corpus loaded once and
        handed to both must not carry one's notes into the other. Cells
        (theme lists, score dicts) are shared: no computation changes them.
        """
        return StoreData(
            self.documents.copy(),
            self.segments.copy(),
            self.coverage.copy(),
            self.model_id,
            list(self.themes),
            list(self.notes),
        )


def as_store(store):
    """An open Store from a Store or a path (read-only); second value says whether we opened it."""
    from textcoop.store.store import Store

    if isinstance(store, Store):
        return store, False
    p = Path(store)
    if not p.is_file():
        raise InputError(
            f"store {p} does not exist", hint="create it with `textcoop ingest PATH --store FILE`"
        )
    try:
        return Store(p, read_only=True), True
    except StoreError as exc:
        if "migration" not in str(exc):
            raise
        return Store(p), True  # an older store: opening it for writing applies the migrations


@lru_cache(maxsize=4)
def _codebook(path: str | None) -> Codebook:
    return load_codebook(path)


def theme_ids(codebook: Codebook | str | Path | None) -> tuple[list[str], dict[str, str]]:
    """Substantive theme ids of a codebook and their English (else first) names."""
    cb = (
        codebook
        if isinstance(codebook, Codebook)
        else _codebook(str(codebook) if codebook else None)
    )
    names = {t.id: t.name.get("en") or next(iter(t.name.values()), t.id) for t in cb.themes}
    return cb.theme_ids, names


def load_store(store, themes: list[str]) -> StoreData:
    """Documents, coded segments and coverage of a store; refuses an unclassified store."""
    st, opened = as_store(store)
    try:
        con = st.con
        docs = con.execute(
            "SELECT doc_id, file_name, title, region, year, doc_type, language FROM documents ORDER BY doc_id"
        ).df()
        segs = con.execute(
            "SELECT s.doc_id, s.seg_no, s.page_no AS page, array_to_string(s.section, ' > ') AS section, "
            "s.kind, s.lang, s.text, t.model_id, t.themes, t.scores "
            "FROM segments s JOIN segment_themes t USING (doc_id, seg_no) ORDER BY s.doc_id, s.seg_no"
        ).df()
        cov = con.execute("SELECT doc_id, theme, share, n_segments FROM doc_coverage").df()
    finally:
        if opened:
            st.close()
    if docs.empty:
        raise InputError(
            f"the store {st.path} has no documents",
            hint="add documents with `textcoop ingest PATH --store FILE`",
        )
    if segs.empty:
        raise InputError(
            f"the documents of {st.path} are not coded into themes",
            hint=f"run `textcoop classify --store {st.path}` first",
        )
    notes: list[str] = []
    counts = Counter(segs["model_id"])
    model_id = counts.most_common(1)[0][0]
    if len(counts) > 1:
        notes.append(
            Note(
                f"segments were coded by {len(counts)} models ({', '.join(counts)}); recall is taken "
                f"from the most used one ({model_id}); rerun `textcoop classify --force` to code all alike",
                f"фрагменты закодированы разными моделями ({len(counts)}: {', '.join(counts)}); полнота "
                f"взята у основной ({model_id}); `textcoop classify --force` закодирует всё одной моделью",
            )
        )
    segs["scores"] = [json.loads(s) if isinstance(s, str) else dict(s) for s in segs["scores"]]
    segs["themes"] = [list(t) for t in segs["themes"]]
    known = set().union(*(s.keys() for s in segs["scores"].head(50)))
    missing = [t for t in themes if t not in known]
    if missing:
        raise InputError(
            f"the store was coded without the codebook's theme(s) {', '.join(missing)}",
            options=sorted(known - {OTHER}),
            hint="code it with a model trained on this codebook (`textcoop train --codebook FILE`, "
            "then `textcoop classify --model DIR --force`), or drop --codebook",
        )
    classified = set(segs["doc_id"])
    unclassified = docs[~docs["doc_id"].isin(classified)]
    if len(unclassified):
        notes.append(
            Note(
                f"{len(unclassified)} document(s) have no theme codes and are left out "
                f"({', '.join(unclassified['file_name'].head(3))}...): run `textcoop classify`",
                f"документы без тематических кодов не учтены: {len(unclassified)} "
                f"({', '.join(unclassified['file_name'].head(3))}...); выполните `textcoop classify`",
            )
        )
    docs = docs[docs["doc_id"].isin(classified)].reset_index(drop=True)
    return StoreData(docs, segs, cov[cov["theme"].isin(themes)], model_id, themes, notes)


def load_corpus(store, codebook: Codebook | str | Path | None = None) -> StoreData:
    """The coded corpus of a store for a codebook's themes: load once, pass to gaps and compare.

    ``store`` is an open Store or a path (opened read-only for the load).
    """
    themes, _ = theme_ids(codebook)
    return load_store(store, themes)


def given_corpus(corpus: StoreData, themes: list[str]) -> StoreData:
    """A private copy of a corpus loaded by the caller, checked against the themes asked for."""
    if list(corpus.themes) != list(themes):
        raise ValueError(
            f"the corpus was loaded for themes {corpus.themes}, not {themes}: "
            "load it with the same codebook"
        )
    return corpus.copy()


def doc_groups(data: StoreData, by: str) -> pd.Series:
    """Group label per document (index doc_id); documents without a value are dropped with a note."""
    if by not in GROUP_COLUMNS:
        raise InputError("unknown --by", value=by, options=list(GROUP_COLUMNS))
    col = GROUP_COLUMNS[by]
    docs = data.documents.set_index("doc_id")
    if col == "doc_id":  # label documents by file name (doc id added where names repeat)
        names = docs["file_name"].astype(str)
        repeated = names.duplicated(keep=False)
        vals = names.where(~repeated, names + " (" + docs.index.to_series().str[:8] + ")")
    else:
        vals = docs[col]
    bad = vals.isna() | (vals.astype(str).str.strip() == "")
    if bad.any():
        names = ", ".join(docs.loc[bad[bad].index, "file_name"].head(3))
        data.notes.append(
            Note(
                f"{int(bad.sum())} document(s) have no {col} and are left out ({names}...): "
                f"set it with `textcoop meta set DOC --{col.replace('_', '-')} VALUE` or a manifest",
                f"документы без поля {col} не учтены: {int(bad.sum())} ({names}...); задайте его "
                f"командой `textcoop meta set DOC --{col.replace('_', '-')} ЗНАЧЕНИЕ` или в манифесте",
            )
        )
    vals = vals[~bad].astype(str)
    if vals.empty:
        raise InputError(
            f"no document has a {col}, so there is nothing to group by {by}",
            hint="give metadata with `textcoop ingest --meta manifest.csv` or `textcoop meta set`",
        )
    return vals


def model_meta(model_id: str | None, model_dir: str | Path | None = None) -> dict | None:
    """meta.json of the model that coded the store, if found (matched by model id)."""
    if model_id is None:
        return None
    for d in [Path(model_dir)] if model_dir else [default_model_dir()]:
        p = d / "meta.json"
        if not p.is_file():
            continue
        meta = json.loads(p.read_text(encoding="utf-8"))
        if model_id_from_meta(meta) == model_id:
            return meta
    return None


def theme_recall(meta: dict, lang: str, theme: str) -> tuple[float, int] | None:
    """Dev-set recall and support of a theme for a language (pooled over languages as fallback)."""
    dev = meta.get("dev_metrics") or {}
    per = (dev.get(lang) or {}).get("per_label", {}).get(theme)
    if per and per.get("support"):
        return float(per["recall"]), int(per["support"])
    tp = n = 0.0
    for m in dev.values():
        p = m.get("per_label", {}).get(theme)
        if p and p.get("support"):
            tp += p["recall"] * p["support"]
            n += p["support"]
    return (tp / n, int(n)) if n else None
