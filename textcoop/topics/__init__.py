"""Topic models of the corpus store: LDA (gensim or tomotopy), seeded by the codebook, K by coherence."""

from textcoop.topics.run import TopicConfig, TopicResult, fit_topics
from textcoop.topics.tables import topic_tables

__all__ = ["TopicConfig", "TopicResult", "fit_topics", "topic_tables"]
