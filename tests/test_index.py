"""Index persistence and staleness, with the real embedder."""

import shutil
import time

import pytest

from rag import Assistant
from rag.index import IndexError_, read_index

pytestmark = pytest.mark.models


def test_fresh_index_loads_fast_and_without_rebuilding(assistant, settings):
    assert read_index(settings.index_dir).manifest.n_chunks == len(assistant.index.chunks)
    t0 = time.perf_counter()
    idx = read_index(settings.index_dir)
    assert time.perf_counter() - t0 < 1.0
    assert idx.manifest.embedder_id.startswith("embeddinggemma-300m@")
    again = Assistant(settings, assistant.items, idx, assistant.retriever.embedder)
    assert again.retrieve("社保卡丢了怎么报销")[0].label == "问10"


def test_stale_or_broken_index_is_rebuilt(assistant, settings, tmp_path):
    from rag.assistant import index_inputs
    from rag.index import load_or_build

    emb = assistant.retriever.embedder
    index_dir = tmp_path / "idx"
    shutil.copytree(settings.index_dir, index_dir)
    chunks, h = index_inputs(settings, assistant.items)
    args = (chunks, emb, h, settings.chunk_size, settings.chunk_overlap)

    assert load_or_build(index_dir, *args, progress=False)[1] == "loaded"
    # A changed corpus (its hash) makes the index stale: rebuilt, not silently reused.
    _, status = load_or_build(index_dir, chunks, emb, "other-corpus", settings.chunk_size,
                              settings.chunk_overlap, progress=False)  # fmt: skip
    assert status.startswith("rebuilt") and "corpus_hash changed" in status
    assert read_index(index_dir).manifest.corpus_hash == "other-corpus"
    # A corrupt vectors file is detected and rebuilt.
    (index_dir / "vectors.faiss").write_bytes(b"not a faiss index")
    with pytest.raises(IndexError_, match="corrupt"):
        read_index(index_dir)
    _, status = load_or_build(index_dir, *args, progress=False)
    assert "corrupt" in status and read_index(index_dir).manifest.corpus_hash == h
    # Deleted files, too.
    (index_dir / "chunks.json").unlink()
    _, status = load_or_build(index_dir, *args, progress=False)
    assert "missing chunks.json" in status
    assert load_or_build(index_dir, *args, progress=False)[1] == "loaded"


def test_an_edited_phrasing_makes_the_index_stale(assistant, settings, tmp_path):
    """The phrasings file is part of what the vectors are computed from."""
    from rag import phrasings
    from rag.assistant import index_inputs

    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    s = settings.model_copy(update={"corpus_dir": corpus})
    _, before = index_inputs(s, assistant.items)
    asked = phrasings.read(corpus / phrasings.FILE_NAME)
    asked["问2"] = [*asked.get("问2", []), "老板说不交医保多给钱，能答应吗"]
    phrasings.write(corpus / phrasings.FILE_NAME, asked)
    chunks, after = index_inputs(s, assistant.items)
    assert after != before
    assert any(c.kind == "phrasing" and c.text == "老板说不交医保多给钱，能答应吗" for c in chunks)
    # Switching the phrasings off is a different index too.
    assert index_inputs(s.model_copy(update={"index_phrasings": False}), assistant.items)[1] != after
