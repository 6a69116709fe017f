"""Nothing pickled is loaded from a path the user passes: a booby-trapped model is refused.

The trap is a pickle whose unpickling creates a marker file; the tests
assert the refusal and that the marker was never created.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from textcoop.nlp.pipeline import ModelError, ThemeCoder, default_model_dir
from textcoop.safeload import UnsafeModelError, write_manifest

WEIGHTS = "ru/textcoop_theme_classifier/coef.npy"


class _Trap:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # unpickling calls open(marker, "w"): proof that code ran
        return (open, (str(self.marker), "w"))


@pytest.fixture()
def model_copy(tmp_path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(default_model_dir(), dst)
    return dst


def test_shipped_models_pass_their_manifest():
    from textcoop.safeload import verify_manifest

    manifest = verify_manifest(default_model_dir(), "themes")
    assert WEIGHTS in manifest["files"]


def test_malicious_pickle_in_place_of_weights_is_refused(model_copy, tmp_path):
    marker = tmp_path / "PWNED"
    (model_copy / WEIGHTS).write_bytes(pickle.dumps(_Trap(marker)))
    with pytest.raises(UnsafeModelError, match="coef.npy was changed") as err:
        ThemeCoder(model_copy)
    assert "foreign code" in str(err.value)
    assert not marker.exists()


def test_pickle_refused_even_with_a_rewritten_manifest(model_copy, tmp_path):
    """Defence in depth: weights are read with allow_pickle=False whatever the manifest says."""
    marker = tmp_path / "PWNED"
    (model_copy / WEIGHTS).write_bytes(pickle.dumps(_Trap(marker)))
    write_manifest(model_copy, "themes")
    with pytest.raises(ModelError, match="pickled Python objects"):
        ThemeCoder(model_copy)
    assert not marker.exists()


def test_extra_or_missing_files_and_no_manifest_are_refused(model_copy, tmp_path):
    (model_copy / "ru" / "extra.pkl").write_bytes(pickle.dumps(_Trap(tmp_path / "PWNED")))
    with pytest.raises(UnsafeModelError, match="extra.pkl is not listed"):
        ThemeCoder(model_copy)
    (model_copy / "ru" / "extra.pkl").unlink()
    (model_copy / "manifest.json").unlink()
    with pytest.raises(UnsafeModelError, match="no manifest.json"):
        ThemeCoder(model_copy)
    assert not (tmp_path / "PWNED").exists()


def test_codebook_yaml_cannot_construct_python_objects(tmp_path):
    from textcoop.themes.codebook import CodebookError, load_codebook

    marker = tmp_path / "PWNED"
    p = tmp_path / "evil.yaml"
    p.write_text(f'name: !!python/object/apply:builtins.open ["{marker}", "w"]\n', encoding="utf-8")
    with pytest.raises(CodebookError):
        load_codebook(p)
    assert not marker.exists()
