"""Assemble and load theme-coding pipelines (one per language) and route texts between them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from textcoop.errors import TextcoopError
from textcoop.extract.language import detect_lang
from textcoop.modeldir import default_model_dir  # noqa: F401 - re-exported

# importing registers the factories (entry points do the same for a bare spacy.load)
from textcoop.nlp import classifier as _classifier  # noqa: F401
from textcoop.nlp import lemmas as _lemmas  # noqa: F401
from textcoop.nlp import seeds as _seeds  # noqa: F401
from textcoop.nlp.tokenizer import NAME as TOKENIZER
from textcoop.safeload import verify_manifest

LANGS = ("ru", "en")


def build_pipeline(lang: str, codebook) -> Language:
    """A blank spaCy pipeline with regex tokenizer, sentencizer, lemmatizer, seed matcher and (untrained) classifier."""
    if lang not in LANGS:
        raise TextcoopError("unsupported language", value=lang, options=LANGS)
    # a regex tokenizer (textcoop.nlp.tokenizer): a third of the coding time went to spaCy's rules
    nlp = spacy.blank(lang, config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("textcoop_lemmatizer")
    nlp.add_pipe("textcoop_seed_matcher").add_codebook(codebook)
    nlp.add_pipe("textcoop_theme_classifier")
    return nlp


class ModelError(TextcoopError):
    code = "E520"


MODEL_KIND = "themes"


def _load_pipeline(path: Path) -> Language:
    """spacy.load from spaCy's own format; weights are numpy arrays read without pickle.

    Should a file hold pickled data anyway (a manifest rewritten along with
    it), numpy refuses it (``allow_pickle=False``) and so do we, in words.
    """
    try:
        return spacy.load(path)
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise ModelError(
                f"refusing to load {path}: a weight file holds pickled Python objects, which could run foreign code",
                hint="use a model directory written by `textcoop train`",
            ) from exc
        raise ModelError(f"cannot load the pipeline in {path}: {exc}") from exc
    except OSError as exc:
        raise ModelError(f"cannot load the pipeline in {path}: {exc}") from exc


@dataclass
class ModelInfo:
    """What a model directory says about itself (meta.json)."""

    path: Path
    meta: dict

    @property
    def codebook_hash(self) -> str:
        return self.meta.get("codebook", {}).get("hash", "")


class ThemeCoder:
    """Loads a model directory (``ru/``, ``en/`` pipelines + ``meta.json``) and codes texts.

    Each text goes to the pipeline of its language (Cyrillic → ru, else en),
    so mixed-language inputs work.
    """

    def __init__(self, model_dir: str | Path | None = None, codebook=None) -> None:
        self.dir = Path(model_dir) if model_dir else default_model_dir()
        meta_path = self.dir / "meta.json"
        if not meta_path.is_file():
            raise ModelError(
                f"no textcoop model in {self.dir}",
                hint="build the default models with `make models` or train one with `textcoop train`",
            )
        # every file must be the one `textcoop train` wrote (sha256 in manifest.json)
        # before spaCy or numpy opens anything: models travel between colleagues
        verify_manifest(self.dir, MODEL_KIND)
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.pipelines: dict[str, Language] = {}
        for lang in self.meta.get("languages", []):
            self.pipelines[lang] = _load_pipeline(self.dir / lang)
        if not self.pipelines:
            raise ModelError(f"model {self.dir} has no language pipelines")
        if codebook is not None and codebook.hash != self.meta["codebook"]["hash"]:
            raise ModelError(
                f"model {self.dir} was trained with codebook {self.meta['codebook']['name']} v{self.meta['codebook']['version']} "
                f"(hash {self.meta['codebook']['hash'][:12]}), not with {codebook.name} v{codebook.version} (hash {codebook.hash[:12]})",
                hint="retrain with `textcoop train --codebook FILE` or drop --codebook",
            )

    @property
    def labels(self) -> list[str]:
        return list(self.meta["labels"])

    def lang_of(self, text: str) -> str:
        lang = detect_lang(text, default="ru")
        if lang not in self.pipelines:
            lang = "en" if "en" in self.pipelines and lang != "ru" else next(iter(self.pipelines))
        return lang

    @staticmethod
    def _doc(nlp: Language, text: str) -> Doc:
        """A tokenised Doc that carries its text (spaCy rebuilds doc.text from tokens on each access)."""
        from textcoop.nlp.seeds import TEXT_KEY

        doc = nlp.make_doc(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def code(
        self,
        texts: list[str],
        batch_size: int = 256,
        sentences: bool = False,
        langs: list[str] | None = None,
    ) -> list[Doc]:
        """Coded Docs in input order (``doc.cats``, ``doc._.themes``, ``doc.spans['evidence']``).

        Each text goes to the pipeline of its language, detected on the text
        unless ``langs`` gives it (a caller who knows the surrounding text's
        language: a short Latin-script sentence inside a Russian paragraph is
        Russian text; a language the model has no pipeline for falls back to
        detection). Coding reads whole texts, never sentence boundaries, so
        the sentencizer (about a tenth of the time) runs only when
        ``sentences`` is true.
        """
        if langs is not None and len(langs) != len(texts):
            raise ValueError("langs and texts differ in length")
        by_lang: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            given = langs[i] if langs is not None else None
            lang = given if given in self.pipelines else self.lang_of(t)
            by_lang.setdefault(lang, []).append(i)
        out: list[Doc | None] = [None] * len(texts)
        for lang, idx in by_lang.items():
            nlp = self.pipelines[lang]
            skip = [] if sentences or "sentencizer" not in nlp.pipe_names else ["sentencizer"]
            docs = nlp.pipe(
                (self._doc(nlp, texts[i]) for i in idx), batch_size=batch_size, disable=skip
            )
            for i, doc in zip(idx, docs, strict=True):
                out[i] = doc
        return out  # type: ignore[return-value]
