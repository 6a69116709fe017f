"""Character n-gram TF-IDF at prediction time, with n-grams cached per word.

scikit-learn's ``char_wb`` analyzer rebuilds every n-gram of every word of
every text in Python, which made it the slowest part of coding. Its n-grams
never cross word boundaries, so a text's features are the sum of its words'
features: we cache each distinct word's feature indices once and add them
up. The result is the same matrix scikit-learn's ``transform`` gives for the
same vocabulary and idf (tested), several times faster on real text.
"""

from __future__ import annotations

import re

import numpy as np
from scipy.sparse import csr_matrix

_WS = re.compile(r"\s\s+")


class CharWbTfidf:
    """``TfidfVectorizer(analyzer="char_wb", lowercase=True, sublinear_tf=True, norm="l2")`` transform."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: np.ndarray,
        ngram_range: tuple[int, int],
        max_cache: int = 500_000,
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)
        self.min_n, self.max_n = ngram_range
        self.max_cache = max_cache
        self._cache: dict[str, list[int]] = {}

    def _word_features(self, word: str) -> list[int]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        w = f" {word} "
        w_len = len(w)
        voc = self.vocabulary
        out: list[int] = []
        for n in range(self.min_n, self.max_n + 1):
            offset = 0
            j = voc.get(w[offset : offset + n])
            if j is not None:
                out.append(j)
            while offset + n < w_len:
                offset += 1
                j = voc.get(w[offset : offset + n])
                if j is not None:
                    out.append(j)
            if offset == 0:  # the word is shorter than n: counted once, as sklearn does
                break
        if len(self._cache) < self.max_cache:
            self._cache[word] = out
        return out

    def transform(self, texts: list[str]) -> csr_matrix:
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for text in texts:
            counts: dict[int, int] = {}
            for word in _WS.sub(" ", text.lower()).split():
                for j in self._word_features(word):
                    counts[j] = counts.get(j, 0) + 1
            if counts:
                idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
                vals = (1.0 + np.log(tf)) * self.idf[idx]
                vals /= np.sqrt((vals * vals).sum()) or 1.0
                order = np.argsort(idx)
                indices.extend(idx[order].tolist())
                data.extend(vals[order].tolist())
            indptr.append(len(indices))
        return csr_matrix(
            (np.array(data, dtype=np.float32), np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(texts), len(self.idf)),
        )
