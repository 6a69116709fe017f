"""Gaps and comparisons: supply (documents) against demand (survey), and strategies against each other.

Pure functions over pandas tables; ``load`` is the only module that reads a
store or a file. Lower stages never import this package.
"""

from textcoop.gaps.compare import CompareResult, compare
from textcoop.gaps.gaps import GapResult, compute_gaps
from textcoop.gaps.load import StoreData, load_corpus

__all__ = ["CompareResult", "GapResult", "StoreData", "compare", "compute_gaps", "load_corpus"]
