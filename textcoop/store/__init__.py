"""Store stage: the corpus store, the only code that writes the database."""

from textcoop.store.store import Store, open_store

__all__ = ["Store", "open_store"]
