"""Labelled data in the codebook spec's gold format: JSON Lines or CSV.

JSONL: one object per line with ``id``, ``text``, ``labels`` (list of theme
ids; ``["other"]`` for none), optional ``lang`` (ru/en) and ``kind``
(policy/survey). CSV: columns ``text`` and ``labels`` (ids separated by
``;``), optional ``id``, ``lang``, ``kind``. Gold that references real text
by offsets (``source``, ``start``, ``end``, ``sha1``) is resolved against a
corpora folder, so the project never ships third-party text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from textcoop.errors import InputError
from textcoop.extract.language import detect_lang
from textcoop.extract.text import decode_bytes


@dataclass
class Example:
    """One labelled text."""

    id: str
    text: str
    labels: list[str]
    lang: str
    kind: str = ""
    source: str = ""  # the referenced file, for examples given by offsets


def _row_to_example(row: dict, where: str, n: int) -> Example:
    text = row.get("text")
    labels = row.get("labels")
    if not isinstance(text, str):
        raise InputError(
            f"{where}: 'text' is missing or not a string",
            hint="every example needs id, text and labels",
        )
    if isinstance(labels, str):
        labels = [x.strip() for x in labels.replace(",", ";").split(";") if x.strip()]
    if not labels:
        raise InputError(
            f"{where}: 'labels' is missing or empty", hint='use ["other"] for text with no theme'
        )
    lang = row.get("lang") or detect_lang(text, default="ru")
    return Example(
        str(row.get("id") or f"row-{n}"),
        text,
        list(labels),
        lang,
        row.get("kind") or "",
        str(row.get("source") or ""),
    )


def read_gold(path: str | Path, corpora: str | Path | None = None) -> list[Example]:
    """Read labelled examples from JSONL or CSV (by extension; CSV encoding detected)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"labelled data file {p} does not exist")
    text, _ = decode_bytes(p.read_bytes())
    out: list[Example] = []
    if p.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}:{n}: not valid JSON ({exc.msg})") from exc
            if "text" not in row and "source" in row:
                row["text"] = _resolve_reference(row, corpora, f"{p}:{n}")
            out.append(_row_to_example(row, f"{p}:{n}", n))
    elif p.suffix.lower() in (".csv", ".tsv"):
        if not text.strip():
            raise InputError(
                f"{p} is empty",
                hint="a gold CSV needs a header row text,labels and one row per text",
            )
        try:
            dialect = csv.Sniffer().sniff(text[:2000], delimiters=",;\t")
        except csv.Error:  # one column, e.g. a header "text" alone: said below, by name
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        cols = [c.strip().lower() for c in reader.fieldnames or []]
        missing = [c for c in ("text", "labels") if c not in cols]
        if missing:
            raise InputError(
                f"{p}: missing column(s) {', '.join(missing)}",
                value=cols,
                hint="a gold CSV needs columns text and labels (ids separated by ;)",
            )
        for n, row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): v for k, v in row.items()}
            out.append(_row_to_example(row, f"{p}:{n}", n))
    else:
        raise InputError("unknown labelled-data format", value=p.suffix, options=[".jsonl", ".csv"])
    if not out:
        raise InputError(f"{p} holds no examples", hint="add one labelled text per line or row")
    return out


def text_sha1(text: str) -> str:
    """SHA-1 of a text with its whitespace normalised: how gold references and held-out sets name a sentence."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def _resolve_reference(row: dict, corpora: str | Path | None, where: str) -> str:
    """Text of a gold line that points into ../shared/corpora by offsets, checked by sha1."""
    if corpora is None:
        raise InputError(
            f"{where}: the example references {row['source']} but no corpora folder was given"
        )
    src = Path(corpora) / row["source"]
    if not src.is_file():
        raise InputError(f"{where}: referenced file {src} does not exist")
    raw = src.read_text(encoding="utf-8")[row["start"] : row["end"]]
    text = " ".join(raw.split())
    if row.get("sha1") and text_sha1(text) != row["sha1"]:
        raise InputError(
            f"{where}: text at {row['source']}[{row['start']}:{row['end']}] changed (sha1 mismatch)"
        )
    return text


def document_of(source: str) -> str:
    """The document a referenced file belongs to: large documents are split into ``..._part_N`` files."""
    stem = Path(source).stem
    head, sep, tail = stem.rpartition("_part_")
    return head if sep and tail.isdigit() else stem


def held_out(paths: list[str | Path]) -> tuple[set[str], set[str]]:
    """sha1s of the sentences and ids of the documents that gold files hold out of training.

    Held-out evaluation is document-disjoint: no sentence of a gold document
    (any part of it) may be trained on, not even as a weak negative, so
    near-duplicate phrasing within one document cannot leak into the score.
    """
    sha1s: set[str] = set()
    docs: set[str] = set()
    for g in paths:
        for line in Path(g).read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("sha1"):
                sha1s.add(row["sha1"])
            elif row.get("text"):
                sha1s.add(text_sha1(row["text"]))
            if row.get("source"):
                docs.add(document_of(row["source"]))
    return sha1s, docs


def check_labels(examples: list[Example], valid: list[str], where: str) -> None:
    """Refuse labels that the codebook does not define, naming them and their first examples."""
    bad: dict[str, list[str]] = {}
    for ex in examples:
        for lab in ex.labels:
            if lab not in valid:
                bad.setdefault(lab, []).append(ex.id)
    if bad:
        parts = [f"{lab!r} (e.g. {', '.join(ids[:3])})" for lab, ids in bad.items()]
        raise InputError(
            f"{where}: unknown label id(s) {'; '.join(parts)}",
            options=valid,
            hint="fix the labels or pass the matching --codebook",
        )


def align_codings(
    first: list[Example], second: list[Example], where: str = "second coding"
) -> tuple[list[list[str]], list[list[str]], dict[str, list[str]]]:
    """Pair two codings of the same units, for agreement between two coders.

    Units are matched by id (the usual case: both coders worked from one
    sample file); when the files share no id, by their whitespace-normalised
    text. A unit coded by only one coder (skipped, or outside a subsample) is
    left out and named in the third value, ``{"only_first": [...],
    "only_second": [...]}``, so a reader sees what the figure rests on.
    """

    def norm(ex: Example) -> str:
        return " ".join(ex.text.split())

    key = (lambda ex: ex.id) if {e.id for e in first} & {e.id for e in second} else norm
    maps = []
    for name, exs in (("first coding", first), (where, second)):
        m: dict[str, list[str]] = {}
        for ex in exs:
            k = key(ex)
            if k in m:
                raise InputError(
                    f"{name}: unit {k[:60]!r} is coded twice",
                    hint="each unit (id, or text when ids differ) must occur once per coding",
                )
            m[k] = ex.labels
        maps.append(m)
    a, b = maps
    common = [k for k in a if k in b]
    if not common:
        raise InputError(
            f"{where}: no unit in common with the first coding (matched by id, then by text)",
            hint="both files must code the same sample: the same ids, or the same texts",
        )
    only = {
        "only_first": [k for k in a if k not in b],
        "only_second": [k for k in b if k not in a],
    }
    return [a[k] for k in common], [b[k] for k in common], only


def data_hash(paths: list[str | Path]) -> str:
    """sha256 over the bytes of the data files (recorded in model metadata)."""
    h = hashlib.sha256()
    for p in sorted(str(x) for x in paths):
        h.update(Path(p).read_bytes())
    return h.hexdigest()


def split_dev(examples: list[Example], share: float = 0.2) -> tuple[list[Example], list[Example]]:
    """Deterministic train/dev split by a hash of the example id: the same data, the same split."""
    train, dev = [], []
    for ex in examples:
        bucket = int(hashlib.md5(ex.id.encode("utf-8")).hexdigest(), 16) % 1000
        (dev if bucket < share * 1000 else train).append(ex)
    return train, dev
