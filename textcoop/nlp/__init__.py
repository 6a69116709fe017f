"""NLP stage: spaCy pipelines built from ``spacy.blank`` and textcoop's registered components."""
