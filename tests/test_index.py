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
    from rag.chunking import chunk_items
    from rag.corpus import corpus_hash
    from rag.index import load_or_build

    emb = assistant.retriever.embedder
    index_dir = tmp_path / "idx"
    shutil.copytree(settings.index_dir, index_dir)
    chunks = chunk_items(assistant.items, settings.chunk_size, settings.chunk_overlap)
    h = corpus_hash(settings.corpus_dir)
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
