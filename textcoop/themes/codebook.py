"""The codebook: theme ids, names, definitions, seed terms and examples, from YAML.

Users replace the whole codebook with their own file, so validation reports
every problem at once, each with its line, and a codebook carries a version
and a content hash that trained models record (a model trained on another
codebook is refused or flagged).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from textcoop.errors import TextcoopError

TOP_FIELDS = {"name", "version", "description", "languages", "themes", "nonsubstantive"}
THEME_FIELDS = {"id", "name", "definition", "include", "exclude", "seeds", "patterns", "examples"}
ID_RE = re.compile(r"^[a-z][a-z0-9_]*(->[a-z0-9_]+)*$")
OTHER = "other"


class CodebookError(TextcoopError):
    """A codebook file is invalid; ``problems`` lists every problem with its line."""

    code = "E500"

    def __init__(self, path: str, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:8]) + (
            f"; ... {len(problems) - 8} more" if len(problems) > 8 else ""
        )
        super().__init__(
            f"codebook {path} is invalid: {shown}",
            hint="run `textcoop codebook validate FILE` to see all",
        )


@dataclass
class Theme:
    """One theme of the codebook."""

    id: str
    name: dict[str, str]
    definition: dict[str, str] = field(default_factory=dict)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    seeds: dict[str, list[str]] = field(default_factory=dict)
    patterns: dict[str, list[str]] = field(default_factory=dict)
    examples: dict[str, list[dict]] = field(default_factory=dict)


@dataclass
class Codebook:
    """A validated codebook. ``ids`` keeps file order; ``other`` is always present."""

    name: str
    version: str
    themes: list[Theme]
    description: str = ""
    languages: list[str] = field(default_factory=lambda: ["ru", "en"])
    nonsubstantive: dict[str, list[str]] = field(default_factory=dict)
    path: str = ""

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    @property
    def theme_ids(self) -> list[str]:
        """Substantive themes (all but ``other``)."""
        return [t.id for t in self.themes if t.id != OTHER]

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise TextcoopError("unknown theme id", value=theme_id, options=self.ids)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "languages": self.languages,
            "themes": [
                {
                    k: getattr(t, k)
                    for k in (
                        "id",
                        "name",
                        "definition",
                        "include",
                        "exclude",
                        "seeds",
                        "patterns",
                        "examples",
                    )
                }
                for t in self.themes
            ],
            "nonsubstantive": self.nonsubstantive,
        }

    @property
    def hash(self) -> str:
        """sha256 of the codebook's content (canonical JSON), independent of formatting."""
        blob = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def save(self, path: str | Path) -> None:
        Path(path).write_text(
            yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )


DEFAULT_CODEBOOK = "textcoop/themes/codebook.yaml"


def default_codebook_path() -> Path:
    return Path(str(resources.files("textcoop.themes").joinpath("codebook.yaml")))


def _lines(node: yaml.Node, path: tuple = ()) -> dict[tuple, int]:
    """Map key paths to 1-based line numbers, from the YAML node tree."""
    out = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[(*path, key)] = k.start_mark.line + 1
            out.update(_lines(v, (*path, key)))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.update(_lines(v, (*path, i)))
    return out


def _validate(data: Any, lines: dict[tuple, int]) -> list[str]:
    problems: list[str] = []

    def at(*path: Any) -> str:
        for k in range(len(path), -1, -1):
            if path[:k] in lines:
                return f"line {lines[path[:k]]}"
        return "line ?"

    if not isinstance(data, dict):
        return ["line 1: the file is not a YAML mapping with 'name', 'version' and 'themes'"]
    for key in data:
        if key not in TOP_FIELDS:
            problems.append(
                f"{at(key)}: unknown field {key!r} (valid: {', '.join(sorted(TOP_FIELDS))})"
            )
    for key in ("name", "version", "themes"):
        if key not in data:
            problems.append(f"line 1: missing field {key!r}")
    themes = data.get("themes") or []
    if not isinstance(themes, list) or not themes:
        problems.append(f"{at('themes')}: 'themes' must be a non-empty list")
        return problems
    seen: dict[str, int] = {}
    for i, t in enumerate(themes):
        if not isinstance(t, dict):
            problems.append(f"{at('themes', i)}: theme must be a mapping")
            continue
        tid = t.get("id")
        for key in t:
            if key not in THEME_FIELDS:
                problems.append(
                    f"{at('themes', i, key)}: unknown field {key!r} in theme {tid!r} (valid: {', '.join(sorted(THEME_FIELDS))})"
                )
        if not tid or not isinstance(tid, str) or not ID_RE.match(tid):
            problems.append(
                f"{at('themes', i)}: theme id {tid!r} must be lowercase letters, digits and _ (e.g. 'finance')"
            )
            continue
        if tid in seen:
            problems.append(
                f"{at('themes', i, 'id')}: duplicate theme id {tid!r} (first at line {seen[tid]})"
            )
        seen.setdefault(tid, lines.get(("themes", i, "id"), 0))
        if not isinstance(t.get("name"), dict) or not t.get("name"):
            problems.append(
                f"{at('themes', i)}: theme {tid!r} needs 'name' with at least one language, e.g. {{ru: ..., en: ...}}"
            )
        seeds = t.get("seeds") or {}
        if tid != OTHER:
            if not isinstance(seeds, dict) or not any(seeds.values()):
                problems.append(
                    f"{at('themes', i, 'seeds')}: theme {tid!r} has no seed terms (give seeds: {{ru: [...], en: [...]}})"
                )
            else:
                for lang, terms in seeds.items():
                    if not terms:
                        problems.append(
                            f"{at('themes', i, 'seeds', lang)}: empty seed list for {tid!r} in {lang!r}"
                        )
                    dup = {s for s in terms if terms.count(s) > 1}
                    if dup:
                        problems.append(
                            f"{at('themes', i, 'seeds', lang)}: duplicate seeds in {tid!r}: {', '.join(sorted(dup))}"
                        )
        for lang, pats in (t.get("patterns") or {}).items():
            for k, pat in enumerate(pats or []):
                try:
                    re.compile(pat)
                except re.error as exc:
                    problems.append(
                        f"{at('themes', i, 'patterns', lang, k)}: bad regex {pat!r} in {tid!r}: {exc}"
                    )
    if OTHER not in seen:
        problems.append(
            f"{at('themes')}: the codebook needs a theme with id 'other' (for text with none of the themes)"
        )
    for k, pat in enumerate((data.get("nonsubstantive") or {}).get("patterns", []) or []):
        try:
            re.compile(pat)
        except re.error as exc:
            problems.append(f"{at('nonsubstantive', 'patterns', k)}: bad regex {pat!r}: {exc}")
    return problems


def validate_codebook(path: str | Path) -> list[str]:
    """Every problem of a codebook file, each starting with its line; empty when valid."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else "line ?"
        return [f"{line}: not valid YAML: {getattr(exc, 'problem', exc)}"]
    return _validate(data, _lines(node) if node is not None else {})


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook (the shipped default when ``path`` is None)."""
    p = Path(path) if path else default_codebook_path()
    if not p.is_file():
        raise TextcoopError(
            f"codebook {p} does not exist", hint="create one with `textcoop codebook init FILE`"
        )
    problems = validate_codebook(p)
    if problems:
        raise CodebookError(str(p), problems)
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    themes = [
        Theme(
            id=t["id"],
            name=t.get("name") or {},
            definition=t.get("definition") or {},
            include=t.get("include") or [],
            exclude=t.get("exclude") or [],
            seeds={k: list(v or []) for k, v in (t.get("seeds") or {}).items()},
            patterns={k: list(v or []) for k, v in (t.get("patterns") or {}).items()},
            examples=t.get("examples") or {},
        )
        for t in data["themes"]
    ]
    return Codebook(
        name=str(data["name"]),
        version=str(data["version"]),
        themes=themes,
        description=str(data.get("description") or ""),
        languages=list(data.get("languages") or ["ru", "en"]),
        nonsubstantive={k: list(v or []) for k, v in (data.get("nonsubstantive") or {}).items()},
        path=str(p),
    )


def codebook_from_labels(labels: list[str], name: str = "from-training-data") -> Codebook:
    """A minimal codebook for a user's own label scheme, when no codebook file is given.

    It has the labels as themes (no seeds, so coding rests on the classifier)
    and is hashed like any codebook, so models still record what they code.
    """
    themes = [Theme(id=str(lab), name={"en": str(lab)}) for lab in sorted(set(labels), key=str)]
    return Codebook(
        name=name, version="1", themes=themes, description="labels taken from the training data"
    )
