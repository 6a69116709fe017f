"""TF-IDF features at prediction time, built for a whole batch at once.

scikit-learn's analyzers rebuild every n-gram of every text in Python and
count them in a dict per text, which made feature assembly the slowest part
of coding. Two facts make a faster path exact:

- ``char_wb`` n-grams never cross word boundaries, so a text's character
  features are the sum of its words' features: each distinct word's feature
  indices are computed once and cached;
- TF-IDF with ``sublinear_tf`` and l2 norm is a per-row function of the raw
  counts, so the counts of a whole batch can be gathered into one list of
  (row, column) pairs and turned into the matrix with a few NumPy calls
  instead of a dict, ``fromiter`` and ``argsort`` per text.

The results equal scikit-learn's ``transform`` for the same vocabulary and
idf (property-tested), several times faster on real text.
"""

from __future__ import annotations

import re
from itertools import repeat

import numpy as np
from scipy.sparse import csr_matrix

_WS = re.compile(r"\s\s+")


def _tfidf_rows(cols, lengths: list[int], idf: np.ndarray, n_rows: int) -> csr_matrix:
    """``(1 + log tf) * idf``, l2-normalised per row, from each row's feature indices (repeats = counts).

    ``cols`` (a list or an integer array) may hold -1 for features outside the
    vocabulary: they are dropped here, in NumPy, rather than one by one in Python.
    """
    n_cols = len(idf)
    cols = np.asarray(cols, dtype=np.int64)
    if not len(cols):
        return csr_matrix((n_rows, n_cols), dtype=np.float32)
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
    known = cols >= 0
    if not known.all():
        rows, cols = rows[known], cols[known]
    # one sort of (row, column) keys gives the distinct pairs and their counts
    keys = rows * n_cols + cols
    uniq, counts = np.unique(keys, return_counts=True)
    r, c = np.divmod(uniq, n_cols)
    vals = (1.0 + np.log(counts.astype(np.float32))) * idf[c]
    sq = np.bincount(r, weights=(vals * vals).astype(np.float64), minlength=n_rows)
    norms = np.sqrt(sq).astype(np.float32)
    norms[norms == 0] = 1.0
    vals = (vals / norms[r]).astype(np.float32)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(r, minlength=n_rows), out=indptr[1:])
    return csr_matrix((vals, c, indptr), shape=(n_rows, n_cols))


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
        self._cache: dict[str, bytes] = {}

    def _word_features(self, word: str) -> list[int]:
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
        return out

    def transform(self, texts: list[str]) -> csr_matrix:
        # each word's feature indices are kept as the bytes of an int32 array, so a
        # text's features are one C-level join, and the batch's one ``frombuffer``:
        # no Python int is created per n-gram
        cache = self._cache
        chunks: list[bytes] = []
        lengths: list[int] = []
        for text in texts:
            words = _WS.sub(" ", text.lower()).split()
            new = set(words).difference(cache)
            if new and len(cache) + len(new) > self.max_cache:  # bounded memory
                cache.clear()
                new = set(words)
            for word in new:
                cache[word] = np.asarray(self._word_features(word), dtype=np.int32).tobytes()
            joined = b"".join(map(cache.__getitem__, words))
            chunks.append(joined)
            lengths.append(len(joined) // 4)
        cols = np.frombuffer(b"".join(chunks), dtype=np.int32)
        return _tfidf_rows(cols, lengths, self.idf, len(texts))


class WordNgramTfidf:
    """``TfidfVectorizer(analyzer="word", token_pattern=r"\\S+", lowercase=False, ngram_range=(1, 2),
    sublinear_tf=True, norm="l2")`` transform, from token lists (no joining and re-splitting)."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float32)

    def transform_tokens(self, token_lists: list[list[str]]) -> csr_matrix:
        get = self.vocabulary.get
        cols: list[int] = []
        lengths: list[int] = []
        for toks in token_lists:
            before = len(cols)
            # unknown words and bigrams come out as -1 and are dropped in _tfidf_rows
            cols.extend(map(get, toks, repeat(-1, len(toks))))
            if len(toks) > 1:
                bigrams = map(" ".join, zip(toks, toks[1:], strict=False))
                cols.extend(map(get, bigrams, repeat(-1, len(toks) - 1)))
            lengths.append(len(cols) - before)
        return _tfidf_rows(cols, lengths, self.idf, len(token_lists))

    def transform(self, texts: list[str]) -> csr_matrix:
        return self.transform_tokens([t.split() for t in texts])
