"""Stage 3c: the dense index on disk — FAISS vectors + chunk records + a manifest (no pickle).

The manifest records what the index was built from (corpus hash, embedder id, chunking settings).
``load_or_build`` rebuilds when any of them changed, or when a file is missing or unreadable, so
the index is never silently stale. A rebuild is incremental: vectors are kept by embedder and
embedded text (``vectors-cache/``), so adding, changing or removing one document embeds only its
chunks; the flat FAISS index itself is rebuilt from the vectors in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import faiss
import numpy as np
from tqdm import tqdm

from .records import Chunk

if TYPE_CHECKING:
    from .embedding import Embedder

FORMAT_VERSION = 2  # 2: chunks have a kind (answer pieces, questions, phrasings)
FILES = ("manifest.json", "chunks.json", "vectors.faiss")
CACHE_DIR = "vectors-cache"  # survives rebuilds, like the generator's KV heads in kv/


class IndexError_(RuntimeError):
    """The index on disk cannot be used (missing, corrupt or stale) and was not rebuilt."""


@dataclass
class Manifest:
    format_version: int
    corpus_hash: str
    embedder_id: str
    chunk_size: int
    chunk_overlap: int
    dim: int
    n_chunks: int
    build_seconds: float = 0.0
    built_at: str = ""
    embedded: int = 0  # chunks embedded by this build; the rest came from the vector cache


@dataclass
class DenseIndex:
    manifest: Manifest
    chunks: list[Chunk]
    faiss_index: faiss.Index

    def search(self, query_vec: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosine similarities and chunk ids (vectors are normalised, so inner product = cosine)."""
        k = min(k, len(self.chunks))
        scores, ids = self.faiss_index.search(query_vec.reshape(1, -1).astype(np.float32), k)
        return scores[0], ids[0]


def content_hash(corpus_hash: str, chunks: list[Chunk]) -> str:
    """What the vectors are computed from: the corpus, plus every chunk's kind and embedded text
    (an edited phrasings file or a changed chunking setting changes it too)."""
    h = hashlib.sha256(corpus_hash.encode())
    for c in chunks:
        h.update(f"\x00{c.kind}\x00{c.embed_text()}".encode())
    return h.hexdigest()


def read_index(index_dir: Path) -> DenseIndex:
    """Read an index; raises IndexError_ naming the problem if it is missing or corrupt."""
    missing = [f for f in FILES if not (index_dir / f).is_file()]
    if missing:
        raise IndexError_(f"index at {index_dir} is missing {', '.join(missing)}")
    try:
        manifest = Manifest(**json.loads((index_dir / "manifest.json").read_text(encoding="utf-8")))
        chunks = [Chunk(**c) for c in json.loads((index_dir / "chunks.json").read_text(encoding="utf-8"))]
        fi = faiss.read_index(str(index_dir / "vectors.faiss"))
    except Exception as e:  # any parse failure means the same thing: the files are unusable
        raise IndexError_(f"index at {index_dir} is corrupt: {type(e).__name__}: {e}") from e
    if fi.ntotal != len(chunks) or manifest.n_chunks != len(chunks) or fi.d != manifest.dim:
        raise IndexError_(
            f"index at {index_dir} is inconsistent: {fi.ntotal} vectors of dim {fi.d}, "
            f"{len(chunks)} chunks, manifest says {manifest.n_chunks} of dim {manifest.dim}"
        )
    return DenseIndex(manifest, chunks, fi)


def build_index(
    index_dir: Path,
    chunks: list[Chunk],
    embedder: Embedder,
    corpus_hash: str,
    chunk_size: int,
    chunk_overlap: int,
    batch_size: int = 16,
    progress: bool = True,
    use_cache: bool = True,
) -> DenseIndex:
    t0 = time.perf_counter()
    texts = [c.embed_text() for c in chunks]
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    cached = read_vector_cache(index_dir / CACHE_DIR, embedder.model_id) if use_cache else {}
    if use_cache and not cached:
        cached = _vectors_of(index_dir, embedder.model_id)
    todo = {k: t for t, k in zip(texts, keys, strict=True) if k not in cached}  # key → text, once each
    bar = tqdm(total=len(todo), desc="embedding chunks", unit="chunk", disable=not progress or not todo)
    pending = list(todo.items())
    for start in range(0, len(pending), batch_size):
        batch = pending[start : start + batch_size]
        vecs = embedder.embed_documents([t for _, t in batch], batch_size)
        for (key, _), vec in zip(batch, vecs, strict=True):
            cached[key] = np.asarray(vec, dtype=np.float32)
        bar.update(len(batch))
    bar.close()
    if not chunks:
        raise IndexError_("nothing to index: the corpus has no items")
    vecs = np.vstack([cached[k] for k in keys]).astype(np.float32)
    fi = faiss.IndexFlatIP(vecs.shape[1])  # exact search: ~100 vectors, nothing to approximate
    fi.add(vecs)
    manifest = Manifest(
        FORMAT_VERSION, corpus_hash, embedder.model_id, chunk_size, chunk_overlap,
        dim=int(vecs.shape[1]), n_chunks=len(chunks),
        build_seconds=round(time.perf_counter() - t0, 3),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), embedded=len(todo),
    )  # fmt: skip
    # Write into a sibling temp dir and swap it in: a crash mid-write leaves the old index intact.
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=index_dir.parent, prefix=f".{index_dir.name}-"))
    try:
        faiss.write_index(fi, str(tmp / "vectors.faiss"))
        (tmp / "chunks.json").write_text(
            json.dumps([asdict(c) for c in chunks], ensure_ascii=False, indent=1), encoding="utf-8"
        )
        (tmp / "manifest.json").write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
        old = index_dir.with_name(index_dir.name + ".old")
        if (index_dir / "kv").is_dir():  # the prompt heads' KV states do not depend on the vectors
            os.replace(index_dir / "kv", tmp / "kv")
        # Only the current chunks' vectors are kept: the cache cannot grow without bound.
        write_vector_cache(tmp / CACHE_DIR, embedder.model_id, keys, vecs)
        if index_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(index_dir, old)
        os.replace(tmp, index_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return DenseIndex(manifest, chunks, fi)


def _vectors_of(index_dir: Path, embedder_id: str) -> dict[str, np.ndarray]:
    """The vectors of an index built before the cache existed (or whose cache was lost)."""
    try:
        old = read_index(index_dir)
    except IndexError_:
        return {}
    if old.manifest.embedder_id != embedder_id:
        return {}
    vecs = old.faiss_index.reconstruct_n(0, old.faiss_index.ntotal)
    return {
        hashlib.sha1(c.embed_text().encode()).hexdigest(): v for c, v in zip(old.chunks, vecs, strict=True)
    }


def _cache_file(directory: Path, embedder_id: str) -> Path:
    return directory / (hashlib.sha1(embedder_id.encode()).hexdigest()[:16] + ".npz")


def read_vector_cache(directory: Path, embedder_id: str) -> dict[str, np.ndarray]:
    """Vectors by sha1 of the embedded text, for this embedder; empty if missing or unreadable."""
    path = _cache_file(directory, embedder_id)
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["embedder"]) != embedder_id:
                return {}
            return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    except (OSError, KeyError, ValueError):  # missing or corrupt: embed again, never fail
        return {}


def write_vector_cache(directory: Path, embedder_id: str, keys: list[str], vecs: np.ndarray) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    unique = dict(zip(keys, range(len(keys)), strict=True))
    np.savez(
        _cache_file(directory, embedder_id),
        embedder=np.array(embedder_id),
        keys=np.array(list(unique)),
        vectors=vecs[list(unique.values())],
    )


_INPUTS = ("format_version", "corpus_hash", "embedder_id", "chunk_size", "chunk_overlap")


def check_index(index_dir: Path, expected: Manifest) -> tuple[DenseIndex | None, str]:
    """The index if it is usable and was built from the expected inputs, else None and why not."""
    try:
        idx = read_index(index_dir)
    except IndexError_ as e:
        return None, str(e)
    changed = [k for k in _INPUTS if getattr(idx.manifest, k) != getattr(expected, k)]
    if changed:
        return None, f"index at {index_dir} is stale: {', '.join(changed)} changed"
    return idx, "fresh"


def load_or_build(
    index_dir: Path,
    chunks: list[Chunk],
    embedder: Embedder,
    corpus_hash: str,
    chunk_size: int,
    chunk_overlap: int,
    batch_size: int = 16,
    rebuild: bool = False,
    progress: bool = True,
) -> tuple[DenseIndex, str]:
    """The index and what happened ("loaded", or the reason it was rebuilt)."""
    expected = Manifest(FORMAT_VERSION, corpus_hash, embedder.model_id, chunk_size, chunk_overlap, 0, 0)
    idx, status = (None, "--rebuild asked") if rebuild else check_index(index_dir, expected)
    if idx is not None:
        return idx, "loaded"
    print(f"rag: building the index ({status})", file=sys.stderr)
    idx = build_index(
        index_dir, chunks, embedder, corpus_hash, chunk_size, chunk_overlap, batch_size, progress,
        use_cache=not rebuild,  # --rebuild embeds everything afresh
    )  # fmt: skip
    reused = idx.manifest.n_chunks - idx.manifest.embedded
    return idx, f"rebuilt: {status} (embedded {idx.manifest.embedded} chunks, {reused} from the cache)"
