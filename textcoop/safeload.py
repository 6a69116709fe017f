"""Model directories whose files are checked by sha256 before anything is loaded.

Models travel between colleagues by e-mail and shared drives. Some libraries we
rely on (gensim) persist parts of a model with pickle, and unpickling runs code
named in the file. So a model directory carries ``manifest.json`` listing the
sha256 of every file it was written with; :func:`verify_manifest` refuses a
directory whose files were changed, added or removed since, before any library
opens them. A directory without a manifest is refused too: there is no way to
tell what is in it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from textcoop.errors import TextcoopError

MANIFEST = "manifest.json"
_CHUNK = 1 << 20


class UnsafeModelError(TextcoopError):
    """A model directory failed its integrity check and was not loaded."""

    code = "E500"


def sha256_file(path: str | Path) -> str:
    """The hex sha256 of a file, read in chunks so large weight files stay out of memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(directory: Path) -> list[str]:
    return sorted(
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and p.name != MANIFEST
    )


def write_manifest(
    directory: str | Path, kind: str, info: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Record the sha256 of every file in ``directory`` with ``info`` (parameters, versions).

    Call it last, after every file of the model has been written.
    """
    d = Path(directory)
    manifest: dict[str, Any] = {
        "kind": kind,
        "files": {rel: sha256_file(d / rel) for rel in _files(d)},
    }
    if info:
        manifest["info"] = dict(info)
    (d / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return manifest


def verify_manifest(directory: str | Path, kind: str) -> dict[str, Any]:
    """Check a model directory against its manifest; return the manifest or refuse.

    Refuses (``UnsafeModelError``) a missing directory or manifest, a manifest of
    another kind, and any file that is missing, changed or not listed.
    """
    d = Path(directory)
    if not d.is_dir():
        raise UnsafeModelError(
            f"model directory not found: {d}", hint="Pass the directory the fit command wrote."
        )
    path = d / MANIFEST
    if not path.is_file():
        raise UnsafeModelError(
            f"{d} has no {MANIFEST}, so its files cannot be checked and will not be loaded",
            hint="Load only model directories written by textcoop; refit the model if it came from elsewhere.",
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = dict(manifest["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise UnsafeModelError(f"{path} is not a valid manifest ({exc})") from exc
    if manifest.get("kind") != kind:
        raise UnsafeModelError(
            f"{d} holds a model of another kind",
            value=manifest.get("kind"),
            options=[kind],
        )
    problems: list[str] = []
    present = set(_files(d))
    for rel in sorted(present - set(files)):
        problems.append(f"{rel} is not listed in the manifest")
    for rel, expected in sorted(files.items()):
        if rel not in present:
            problems.append(f"{rel} is missing")
        elif sha256_file(d / rel) != expected:
            problems.append(f"{rel} was changed after the model was written (sha256 differs)")
    if problems:
        raise UnsafeModelError(
            f"refusing to load {d}: " + "; ".join(problems[:5]),
            hint="A changed model file could run foreign code when loaded; refit the model or get the original directory.",
        )
    return manifest
