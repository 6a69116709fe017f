"""Topic-model directories: model files, dictionary, parameters, and a sha256 manifest.

gensim saves LdaModel partly with pickle, and unpickling runs code named in
the file. So a model directory is only ever opened through
:func:`load_topic_model`, which first checks every file against the
manifest (``textcoop.safeload``) and refuses anything changed, added or
missing before gensim or tomotopy touch it. The dictionary is saved as
text, the parameters as JSON.
"""

from __future__ import annotations

import json
import platform
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from textcoop.errors import InputError
from textcoop.safeload import MANIFEST, verify_manifest, write_manifest
from textcoop.topics.fit import FittedLda

KIND = "topics"
PARAMS = "params.json"
DICTIONARY = "dictionary.txt"
TOPIC_TERM = "topic_term.npy"


def library_versions() -> dict[str, str]:
    import gensim
    import tomotopy

    import textcoop

    return {
        "textcoop": textcoop.__version__,
        "gensim": gensim.__version__,
        "tomotopy": tomotopy.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def _prepare(directory: Path) -> None:
    """Refuse to write into a directory that holds anything but an earlier topic model."""
    if directory.exists():
        if not directory.is_dir():
            raise InputError(f"--model-dir {directory} is a file", value=str(directory))
        entries = list(directory.iterdir())
        if entries:
            manifest = directory / MANIFEST
            kind = None
            if manifest.is_file():
                try:
                    kind = json.loads(manifest.read_text(encoding="utf-8")).get("kind")
                except ValueError:
                    kind = None
            if kind != KIND:
                raise InputError(
                    f"--model-dir {directory} is not empty and holds no topic model",
                    hint="choose a new directory; textcoop replaces only an earlier topic model",
                )
            shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)


def save_topic_model(
    fitted: FittedLda,
    dictionary: Any,
    directory: str | Path,
    corpus_hash: str,
    params: dict[str, Any],
) -> Path:
    """Write the model, its dictionary and parameters, then the manifest (last)."""
    d = Path(directory)
    _prepare(d)
    if fitted.engine == "tomotopy":
        fitted.model.save(str(d / "model.tomotopy"))
    else:
        fitted.model.save(str(d / "model.gensim"))
    dictionary.save_as_text(str(d / DICTIONARY))
    np.save(d / TOPIC_TERM, fitted.topic_term, allow_pickle=False)
    info = {
        "engine": fitted.engine,
        "k": fitted.k,
        "seed": fitted.seed,
        "corpus_hash": corpus_hash,
        "params": params,
        "versions": library_versions(),
    }
    (d / PARAMS).write_text(
        json.dumps(info, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    write_manifest(d, KIND, info=info)
    return d


def load_topic_model(directory: str | Path) -> tuple[Any, Any, dict[str, Any]]:
    """(engine model, dictionary, info) of a topic-model directory, after its manifest check."""
    d = Path(directory)
    manifest = verify_manifest(d, KIND)  # raises UnsafeModelError before anything is unpickled
    info = manifest.get("info") or {}
    from gensim.corpora import Dictionary

    dictionary = Dictionary.load_from_text(str(d / DICTIONARY))
    if info.get("engine") == "tomotopy":
        import tomotopy as tp

        model = tp.LDAModel.load(str(d / "model.tomotopy"))
    else:
        from gensim.models import LdaModel

        model = LdaModel.load(str(d / "model.gensim"))
    return model, dictionary, info


def load_topic_term(directory: str | Path) -> tuple[np.ndarray, Any, dict[str, Any]]:
    """The topic-term matrix (no pickle involved), dictionary and info, after the manifest check."""
    d = Path(directory)
    info = verify_manifest(d, KIND).get("info") or {}
    from gensim.corpora import Dictionary

    return (
        np.load(d / TOPIC_TERM, allow_pickle=False),
        Dictionary.load_from_text(str(d / DICTIONARY)),
        info,
    )
