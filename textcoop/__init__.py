"""textcoop: text mining for regional industrial policy.

The pipeline reads off the package tree: ``extract`` turns files into pages and
segments, ``store`` keeps them in one DuckDB file, and ``cli`` drives both.
The notebook API is re-exported here::

    import textcoop
    with textcoop.open_store("corpus.duckdb") as store:
        report = textcoop.ingest(["programs/"], store)
        df = store.segments_df(region="Вологодская область")
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Lazy re-exports: worker processes import textcoop.extract without paying
# for the store and the CLI.
_EXPORTS = {
    "IngestOptions": "textcoop.store.ingest",
    "IngestReport": "textcoop.store.ingest",
    "ingest": "textcoop.store.ingest",
    "Store": "textcoop.store",
    "open_store": "textcoop.store",
    "TextcoopError": "textcoop.errors",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'textcoop' has no attribute {name!r}")


__all__ = [
    "IngestOptions",
    "IngestReport",
    "Store",
    "TextcoopError",
    "__version__",
    "ingest",
    "open_store",
]
