"""Model directories are checked by sha256 before loading."""

import pickle

import pytest

from textcoop.safeload import UnsafeModelError, verify_manifest, write_manifest


def test_manifest_round_trip_and_refusals(tmp_path):
    d = tmp_path / "m"
    (d / "sub").mkdir(parents=True)
    (d / "weights.bin").write_bytes(b"\x00" * 10)
    (d / "sub" / "params.json").write_text("{}")
    manifest = write_manifest(d, "topics", {"k": 5})
    assert set(manifest["files"]) == {"weights.bin", "sub/params.json"}
    assert verify_manifest(d, "topics")["info"] == {"k": 5}

    with pytest.raises(UnsafeModelError, match="another kind"):
        verify_manifest(d, "themes")

    (d / "weights.bin").write_bytes(pickle.dumps({"x": 1}))
    with pytest.raises(UnsafeModelError, match="weights.bin was changed"):
        verify_manifest(d, "topics")
    write_manifest(d, "topics")
    (d / "extra.pkl").write_bytes(b"x")
    with pytest.raises(UnsafeModelError, match="extra.pkl is not listed"):
        verify_manifest(d, "topics")


def test_no_manifest_is_refused(tmp_path):
    (tmp_path / "model.pkl").write_bytes(b"x")
    with pytest.raises(UnsafeModelError, match="no manifest.json"):
        verify_manifest(tmp_path, "topics")
    with pytest.raises(UnsafeModelError, match="not found"):
        verify_manifest(tmp_path / "nope", "topics")
