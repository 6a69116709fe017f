"""Topic models of the corpus store: LDA (gensim or tomotopy), seeded by the codebook, K by coherence.

Names are imported lazily so that ``textcoop.topics.fit`` (used by the
benchmark's child processes) does not pull in spaCy and pymorphy3.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TopicConfig", "TopicResult", "fit_topics", "topic_tables"]


def __getattr__(name: str) -> Any:
    if name in ("TopicConfig", "TopicResult", "fit_topics"):
        from textcoop.topics import run

        return getattr(run, name)
    if name == "topic_tables":
        from textcoop.topics.tables import topic_tables

        return topic_tables
    raise AttributeError(name)
