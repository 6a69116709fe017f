"""Where the theme models live and how a model is named, without importing spaCy.

The report and the gap analysis only read a model's ``meta.json``; importing
the spaCy pipeline for that would cost seconds. The model id is the hash of
that metadata, the same id ``classify`` stores with every coded segment.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def default_model_dir() -> Path:
    """models/ of the source checkout (built by `make models`), or $TEXTCOOP_MODELS."""
    env = os.environ.get("TEXTCOOP_MODELS")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "models"


# how `classify` applies a model; part of the id, so a store coded the old way is recoded
# (not silently mixed) when this changes. 2: segments coded sentence by sentence; 3: a
# sentence of under 40 letters takes its segment's language
CODING_METHOD = 3


def model_id_from_meta(meta: dict[str, Any]) -> str:
    """A short id of a model and of the way it is applied: hash of its metadata and ``CODING_METHOD``."""
    blob = json.dumps({"meta": meta, "coding": CODING_METHOD}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]
