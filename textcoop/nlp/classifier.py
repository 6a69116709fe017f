"""Theme classifier: TF-IDF on lemmas and characters plus seed evidence, one logistic model per theme.

Measured here on short texts, TF-IDF n-grams with logistic regression beat
spaCy's bag-of-words textcat, so that is the model, wrapped as a spaCy
component: it reads the lemmas and the seed matcher's evidence spans from the
Doc and writes ``doc.cats`` (a score per theme), ``doc._.themes`` (the
assigned themes, or ``["other"]``) and, with a relevance gate (one more
logistic model: any theme against ``other``, whose probability caps every
theme's score), ``doc._.relevance``. Weights are stored as JSON and NumPy
arrays (``allow_pickle=False``), never as a pickle, so loading a model passed
around by colleagues cannot run code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from textcoop.errors import InputError, TextcoopError
from textcoop.nlp.lemmas import doc_lemmas
from textcoop.nlp.seeds import SPAN_KEY, TEXT_KEY

OTHER = "other"
if not Doc.has_extension("themes"):
    Doc.set_extension("themes", default=None)
if not Doc.has_extension("relevance"):
    Doc.set_extension("relevance", default=None)


class NotFittedError(TextcoopError):
    code = "E510"


def lemma_tokens(doc: Doc) -> list[str]:
    """The Doc's alphabetic lemmas (as the lemmatiser left them, no Token objects)."""
    lemmas, alpha = doc_lemmas(doc)
    return [lem for lem, a in zip(lemmas, alpha, strict=True) if a]


def lemma_text(doc: Doc) -> str:
    """The Doc's alphabetic lemmas joined by spaces: what the word vectorizer is fitted on."""
    return " ".join(lemma_tokens(doc))


class ThemeClassifier:
    """Multi-label theme scores for Docs; ``fit`` learns, ``predict`` scores, ``set_annotations`` writes."""

    def __init__(
        self,
        nlp: Language,
        name: str = "textcoop_theme_classifier",
        C: float = 8.0,
        seed_weight: float = 0.35,
        char_ngrams: tuple[int, int] = (2, 5),
        char_weight: float = 1.0,
        word_weight: float = 1.0,
        balance: float = 1.0,
        seedless: tuple[str, ...] = (),
        relevance_gate: bool = False,
    ) -> None:
        self.name = name
        self.C = C
        self.seed_weight = seed_weight
        self.char_ngrams = tuple(char_ngrams)
        self.char_weight = char_weight
        self.word_weight = word_weight
        self.balance = balance
        # themes whose model ignores the seed block: seed evidence carries themes with
        # few real examples but, measured in CV, costs the well-documented ones
        self.seedless = tuple(seedless)
        # a second model, "is this about support for enterprises at all" (any theme against
        # `other`), learnt from all themed examples pooled; a theme's score is capped by it
        self.relevance_gate = relevance_gate
        self.gate_coef_: np.ndarray | None = None
        self.gate_intercept_ = 0.0
        self.labels_: list[str] = []
        self.single_label_ = False
        self.thresholds_: dict[str, float] = {}
        self.word_vocab_: dict[str, int] | None = None
        self.char_vocab_: dict[str, int] | None = None
        self.word_idf_: np.ndarray | None = None
        self.char_idf_: np.ndarray | None = None
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        self._word = self._char = None

    # -- features -------------------------------------------------------
    def _vectorizers(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        word = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            token_pattern=r"\S+",
            lowercase=False,
            dtype=np.float32,
        )
        char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.char_ngrams,
            sublinear_tf=True,
            min_df=2,
            lowercase=True,
            dtype=np.float32,
        )
        return word, char

    def _seed_matrix(self, docs: list[Doc]) -> np.ndarray:
        idx = {lab: i for i, lab in enumerate(self.labels_)}
        m = np.zeros((len(docs), len(self.labels_)), dtype=np.float32)
        for r, doc in enumerate(docs):
            for sp in doc.spans.get(SPAN_KEY, []):
                j = idx.get(sp.label_)
                if j is not None:
                    m[r, j] += 1.0
        return np.log1p(m) * self.seed_weight

    def features(self, docs: list[Doc]):

        if self._word is None:
            raise NotFittedError(
                f"{self.name} is not trained", hint="train a model with `textcoop train` first"
            )
        word, char = self._fast()
        w = word.transform_tokens([lemma_tokens(d) for d in docs])
        c = char.transform([d.user_data.get(TEXT_KEY) or d.text for d in docs])
        return self._stack(w, c, docs)

    def _stack(self, w, c, docs: list[Doc]):
        """Word, character and seed blocks side by side, each scaled by its weight."""
        from scipy.sparse import csr_matrix, hstack

        if self.word_weight != 1.0:
            w = w * self.word_weight
        if self.char_weight != 1.0:
            c = c * self.char_weight
        return hstack([w, c, csr_matrix(self._seed_matrix(docs))], format="csr")

    def _fast(self):
        """Batch TF-IDF transforms equal to the fitted vectorizers' (see ``charfeat``)."""
        from textcoop.nlp.charfeat import CharWbTfidf, WordNgramTfidf

        if getattr(self, "_char_fast", None) is None:
            self._char_fast = (
                WordNgramTfidf(self._word.vocabulary_, np.asarray(self._word.idf_)),
                CharWbTfidf(self._char.vocabulary_, np.asarray(self._char.idf_), self.char_ngrams),
            )
        return self._char_fast

    # -- learning -------------------------------------------------------
    def fit(
        self,
        docs: list[Doc],
        labels: list[list[str]],
        label_set: list[str],
        tune_folds: int = 3,
        seed: int = 0,
        sample_weight: list[float] | None = None,
    ) -> ThemeClassifier:
        """Learn vectorizers, one logistic model per theme and (``relevance_gate``) the gate.

        Decision thresholds are tuned on out-of-fold predictions over the
        training data (``tune_folds``-fold), so a dev split stays untouched
        for honest evaluation; ``tune_folds=0`` keeps them at 0.5.
        ``sample_weight`` weighs examples in the logistic loss (e.g. real
        program sentences over the project's own short examples).
        """
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self._fit_once(docs, labels, label_set, seed, w)
        self.thresholds_ = {lab: 0.5 for lab in self.labels_}
        if tune_folds >= 2 and len(docs) >= 5 * tune_folds:
            oof = np.zeros((len(docs), len(self.labels_)), dtype=np.float32)
            folds = np.arange(len(docs)) % tune_folds
            for k in range(tune_folds):
                part = ThemeClassifier(
                    None,
                    self.name,
                    C=self.C,
                    seed_weight=self.seed_weight,
                    char_ngrams=self.char_ngrams,
                    char_weight=self.char_weight,
                    word_weight=self.word_weight,
                    balance=self.balance,
                    seedless=self.seedless,
                    relevance_gate=self.relevance_gate,
                )
                tr = [i for i in range(len(docs)) if folds[i] != k]
                te = [i for i in range(len(docs)) if folds[i] == k]
                part._fit_once(
                    [docs[i] for i in tr],
                    [labels[i] for i in tr],
                    label_set,
                    seed,
                    None if w is None else w[tr],
                )
                oof[te] = part.predict([docs[i] for i in te])
            self.tune_thresholds_from(oof, labels)
        return self

    def _fit_once(
        self,
        docs: list[Doc],
        labels: list[list[str]],
        label_set: list[str],
        seed: int,
        sample_weight: np.ndarray | None = None,
    ) -> None:
        self.labels_ = [lab for lab in label_set if lab != OTHER]
        # a scheme without "other" whose examples carry one label each (a user's
        # own categories, e.g. appeal topics) is coded by the best-scoring label
        self.single_label_ = OTHER not in label_set and all(len(ls) == 1 for ls in labels)
        y = np.array([[lab in ls for lab in self.labels_] for ls in labels], dtype=np.int8)
        self._word, self._char = self._vectorizers()
        self._char_fast = None
        try:
            w = self._word.fit_transform([lemma_text(d) for d in docs])
            c = self._char.fit_transform([d.text for d in docs])
        except ValueError as exc:  # scikit-learn: empty vocabulary after min_df pruning
            raise InputError(
                f"cannot learn from {len(docs)} training text(s): {str(exc).rstrip('.')}",
                hint="give at least a few dozen examples per language, with real sentences",
            ) from exc
        x = self._stack(w, c, docs)
        n_text = w.shape[1] + c.shape[1]  # the seed block follows the word and char blocks
        x_text = x[:, :n_text] if self.seedless else None
        coefs, inter = [], []
        for j in range(len(self.labels_)):
            if y[:, j].min() == y[:, j].max():  # a theme never (or always) present: constant score
                coefs.append(np.zeros(x.shape[1], dtype=np.float32))
                inter.append(-6.0 if y[0, j] == 0 else 6.0)
                continue
            lr = self._logistic(y[:, j], sample_weight, seed)
            if self.labels_[j] in self.seedless:
                lr.fit(x_text, y[:, j], sample_weight=sample_weight)
                coef = np.zeros(x.shape[1], dtype=np.float32)
                coef[:n_text] = lr.coef_[0]
                coefs.append(coef)
            else:
                lr.fit(x, y[:, j], sample_weight=sample_weight)
                coefs.append(lr.coef_[0].astype(np.float32))
            inter.append(float(lr.intercept_[0]))
        self.coef_ = np.vstack(coefs).T.copy()
        self.intercept_ = np.array(inter, dtype=np.float32)
        self.gate_coef_, self.gate_intercept_ = None, 0.0
        anytheme = y.max(axis=1)
        # without both themed and `other` examples there is nothing to gate (a user's
        # single-label scheme, or data with no `other`): `gate_fitted` says so in the model
        if self.relevance_gate and not self.single_label_ and anytheme.min() < anytheme.max():
            lr = self._logistic(anytheme, sample_weight, seed).fit(
                x, anytheme, sample_weight=sample_weight
            )
            self.gate_coef_ = lr.coef_[0].astype(np.float32)
            self.gate_intercept_ = float(np.float32(lr.intercept_[0]))
        self._sync_vocab()

    def _logistic(self, y: np.ndarray, sample_weight: np.ndarray | None, seed: int):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=self.C,
            class_weight=self._class_weight(y, sample_weight),
            max_iter=3000,
            random_state=seed,
            solver="liblinear",
        )

    def _class_weight(self, y: np.ndarray, sample_weight: np.ndarray | None) -> dict[int, float]:
        """scikit-learn's "balanced" class weights raised to ``balance`` (1: balanced, 0: none).

        Fully balanced weights give a theme with 30 positives among 5,000
        sentences ~80 times the weight per positive, which makes the coder
        assign themes to every tempting word in program prose; a power
        below 1 weighs positives less.
        """
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        n, pos = float(w.sum()), float(w[y == 1].sum())
        return {1: (n / (2 * pos)) ** self.balance, 0: (n / (2 * (n - pos))) ** self.balance}

    def tune_thresholds_from(self, p: np.ndarray, labels: list[list[str]]) -> dict[str, float]:
        """Per-theme decision thresholds that maximise F1 given held-out probabilities ``p``."""
        for j, lab in enumerate(self.labels_):
            truth = np.array([lab in ls for ls in labels])
            if not truth.any():
                continue
            best = (0.0, 0.5)
            for t in np.arange(0.2, 0.86, 0.05):
                pred = p[:, j] >= t
                tp = float((pred & truth).sum())
                f1 = 2 * tp / (pred.sum() + truth.sum()) if (pred.sum() + truth.sum()) else 0.0
                if f1 > best[0] + 1e-9:
                    best = (f1, round(float(t), 2))
            self.thresholds_[lab] = best[1]
        return self.thresholds_

    def _sync_vocab(self) -> None:
        self.word_vocab_ = {k: int(v) for k, v in self._word.vocabulary_.items()}
        self.char_vocab_ = {k: int(v) for k, v in self._char.vocabulary_.items()}
        self.word_idf_ = self._word.idf_.astype(np.float32)
        self.char_idf_ = self._char.idf_.astype(np.float32)

    # -- predicting -----------------------------------------------------
    def predict(self, docs: list[Doc]) -> np.ndarray:
        """Probability per document and theme (rows: docs, columns: ``labels_``)."""
        return self.scores(docs)[0]

    def scores(self, docs: list[Doc], capped: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Theme scores and, with a relevance gate, each document's relevance.

        With the gate a theme's score is the smaller of its own model's
        probability and the relevance (the probability of any theme rather
        than ``other``), so a theme is assigned only when both pass its
        threshold (``capped=False``: the theme models' own probabilities,
        for explaining a decision). Each theme model learns from its own few
        dozen real examples both which kind of support a text describes and
        whether it describes support at all, and assigns themes to sentences
        on roads or schools that share a word with a theme; the gate learns
        the second question from every themed example at once (measured in
        the README).
        """
        if self.coef_ is None:
            raise NotFittedError(
                f"{self.name} is not trained", hint="train a model with `textcoop train` first"
            )
        from scipy.special import expit

        gated = self.gate_coef_ is not None
        if not docs:
            empty = np.zeros((0, len(self.labels_)), dtype=np.float32)
            return empty, (np.zeros(0, dtype=np.float32) if gated else None)
        x = self.features(docs)
        p = expit(np.asarray(x @ self.coef_ + self.intercept_))
        if not gated:
            return p, None
        r = expit(np.asarray(x @ self.gate_coef_ + self.gate_intercept_))
        return (np.minimum(p, r[:, None]) if capped else p), r

    def assign(self, probs: np.ndarray) -> list[str]:
        if self.single_label_ and len(probs):
            return [self.labels_[int(np.argmax(probs))]]
        themes = [
            lab for j, lab in enumerate(self.labels_) if probs[j] >= self.thresholds_.get(lab, 0.5)
        ]
        return themes or [OTHER]

    def set_annotations(
        self, docs: list[Doc], probs: np.ndarray, relevance: np.ndarray | None = None
    ) -> None:
        for i, (doc, p) in enumerate(zip(docs, probs, strict=True)):
            doc.cats = {lab: float(p[j]) for j, lab in enumerate(self.labels_)}
            doc.cats[OTHER] = float(1.0 - p.max()) if len(p) else 1.0
            doc._.relevance = None if relevance is None else float(relevance[i])
            doc._.themes = [OTHER] if doc._.nonsubstantive else self.assign(p)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], *self.scores([doc]))
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) >= batch_size:
                self.set_annotations(batch, *self.scores(batch))
                yield from batch
                batch = []
        if batch:
            self.set_annotations(batch, *self.scores(batch))
            yield from batch

    # -- persistence (no pickle) -----------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        meta = {
            "labels": self.labels_,
            "single_label": self.single_label_,
            "thresholds": self.thresholds_,
            "C": self.C,
            "seed_weight": self.seed_weight,
            "char_ngrams": list(self.char_ngrams),
            "char_weight": self.char_weight,
            "word_weight": self.word_weight,
            "balance": self.balance,
            "seedless": list(self.seedless),
            "relevance_gate": self.relevance_gate,
            # whether the gate was learnt (it needs themed and `other` examples)
            "gate_fitted": self.gate_coef_ is not None,
        }
        (p / "classifier.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if self.coef_ is None:
            return
        (p / "word_vocab.json").write_text(
            json.dumps(self.word_vocab_, ensure_ascii=False), encoding="utf-8"
        )
        (p / "char_vocab.json").write_text(
            json.dumps(self.char_vocab_, ensure_ascii=False), encoding="utf-8"
        )
        np.save(p / "word_idf.npy", self.word_idf_)
        np.save(p / "char_idf.npy", self.char_idf_)
        np.save(p / "coef.npy", self.coef_)
        np.save(p / "intercept.npy", self.intercept_)
        if self.gate_coef_ is not None:
            np.save(p / "gate_coef.npy", self.gate_coef_)
            np.save(p / "gate_intercept.npy", np.array([self.gate_intercept_], dtype=np.float32))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ThemeClassifier:
        p = Path(path)
        meta = json.loads((p / "classifier.json").read_text(encoding="utf-8"))
        self.labels_, self.thresholds_ = meta["labels"], meta["thresholds"]
        self.single_label_ = meta.get("single_label", False)
        self.C, self.seed_weight, self.char_ngrams = (
            meta["C"],
            meta["seed_weight"],
            tuple(meta["char_ngrams"]),
        )
        # models saved before these settings existed used them at 1.0
        self.char_weight = meta.get("char_weight", 1.0)
        self.word_weight = meta.get("word_weight", 1.0)
        self.balance = meta.get("balance", 1.0)
        self.seedless = tuple(meta.get("seedless", ()))
        self.relevance_gate = meta.get("relevance_gate", False)
        self.gate_coef_, self.gate_intercept_ = None, 0.0
        if not (p / "coef.npy").exists():
            return self
        self.word_vocab_ = json.loads((p / "word_vocab.json").read_text(encoding="utf-8"))
        self.char_vocab_ = json.loads((p / "char_vocab.json").read_text(encoding="utf-8"))
        self.word_idf_ = np.load(p / "word_idf.npy", allow_pickle=False)
        self.char_idf_ = np.load(p / "char_idf.npy", allow_pickle=False)
        self.coef_ = np.load(p / "coef.npy", allow_pickle=False)
        self.intercept_ = np.load(p / "intercept.npy", allow_pickle=False)
        if meta.get("gate_fitted", False):  # models from before the gate have neither
            self.gate_coef_ = np.load(p / "gate_coef.npy", allow_pickle=False)
            self.gate_intercept_ = float(np.load(p / "gate_intercept.npy", allow_pickle=False)[0])
        word, char = self._vectorizers()
        word.vocabulary, char.vocabulary = self.word_vocab_, self.char_vocab_
        word.fit(["x"])  # sets up analyzers; the fixed vocabulary and idf are restored below
        char.fit(["x"])
        word.vocabulary_, char.vocabulary_ = self.word_vocab_, self.char_vocab_
        word.idf_, char.idf_ = self.word_idf_, self.char_idf_
        self._word, self._char = word, char
        self._char_fast = None
        return self


@Language.factory(
    "textcoop_theme_classifier",
    assigns=["doc.cats", "doc._.themes", "doc._.relevance"],
    requires=["token.lemma"],
    default_config={"C": 8.0, "seed_weight": 0.35, "char_ngrams": [3, 5]},
)
def make_theme_classifier(
    nlp: Language, name: str, C: float, seed_weight: float, char_ngrams: list[int]
) -> ThemeClassifier:
    """Theme scores from TF-IDF (lemmas, characters) and seed evidence; weights stored without pickle."""
    return ThemeClassifier(nlp, name, C, seed_weight, tuple(char_ngrams))
