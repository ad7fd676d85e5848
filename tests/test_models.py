import json
from pathlib import Path

import pytest

from rag import models
from rag.models import REGISTRY, ModelError, ModelSpec, resolve, sha256_file


@pytest.fixture
def fake_model(tmp_path, monkeypatch):
    """A tiny registered 'generator' so the checks run without a 1 GB file."""
    content = b"GGUF" + b"\x00" * 60
    spec = ModelSpec(
        name="tiny-test", kind="generator", filename="tiny.gguf", wheels=(),
        sha256=__import__("hashlib").sha256(content).hexdigest(), size=len(content),
    )  # fmt: skip
    monkeypatch.setitem(REGISTRY, "tiny-test", spec)
    path = tmp_path / "tiny-test" / "tiny.gguf"
    path.parent.mkdir()
    path.write_bytes(content)
    return tmp_path, path, content


def test_resolve_verifies_and_remembers(fake_model):
    models_dir, path, _ = fake_model
    got, model_id = resolve("tiny-test", "generator", models_dir)
    assert got == path and model_id.startswith("tiny-test@")
    stamp = json.loads((path.parent / "tiny.gguf.verified.json").read_text())
    assert stamp["sha256"] == sha256_file(path)


def test_missing_model_names_the_file_and_the_fix(fake_model):
    models_dir, path, _ = fake_model
    path.unlink()
    with pytest.raises(ModelError, match=r"file missing: .*tiny\.gguf.*rag provision tiny-test"):
        resolve("tiny-test", "generator", models_dir)


def test_truncated_model_is_reported(fake_model):
    models_dir, path, content = fake_model
    path.write_bytes(content[:10])
    with pytest.raises(ModelError, match="truncated"):
        resolve("tiny-test", "generator", models_dir)


def test_wrong_checksum_is_reported_even_after_a_good_check(fake_model):
    models_dir, path, content = fake_model
    resolve("tiny-test", "generator", models_dir)  # leaves a stamp
    path.write_bytes(content[:-1] + b"\x01")  # same size, new mtime, other bytes
    with pytest.raises(ModelError, match="checksum mismatch"):
        resolve("tiny-test", "generator", models_dir)


def test_unknown_names_and_kinds(tmp_path):
    with pytest.raises(ModelError, match="unknown generator"):
        resolve("no-such-model", "generator", tmp_path)
    with pytest.raises(ModelError, match="is a embedder"):
        resolve("embeddinggemma-300m", "generator", tmp_path)


def test_a_path_is_accepted_as_is(tmp_path):
    f = tmp_path / "x.gguf"
    f.write_bytes(b"x")
    assert resolve(str(f), "generator", tmp_path)[0] == f


def test_registry_is_complete():
    for spec in REGISTRY.values():
        assert spec.wheels and (spec.sha256 or spec.checked_sha256)
        assert all("==" in req for req, _ in spec.wheels)
    assert len(REGISTRY["qwen2.5-coder-1.5b"].wheels) == 22
    assert len(REGISTRY["embeddinggemma-300m"].wheels) == 25
    assert REGISTRY["gemma-3-270m"].wheels[0][1].endswith("part00")


def test_provisioned_list_only_lists_present_files(fake_model):
    models_dir, _, _ = fake_model
    assert "tiny-test" in models.provisioned("generator", models_dir)
    assert models.provisioned("embedder", Path(models_dir)) == []
