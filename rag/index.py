"""Stage 3c: the dense index on disk — FAISS vectors + chunk records + a manifest (no pickle).

The manifest records what the index was built from (corpus hash, embedder id, chunking settings).
``load_or_build`` rebuilds when any of them changed, or when a file is missing or unreadable, so
the index is never silently stale.
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
) -> DenseIndex:
    t0 = time.perf_counter()
    texts = [c.embed_text() for c in chunks]
    parts = []
    bar = tqdm(total=len(texts), desc="embedding chunks", unit="chunk", disable=not progress)
    for start in range(0, len(texts), batch_size):
        parts.append(embedder.embed_documents(texts[start : start + batch_size], batch_size))
        bar.update(len(parts[-1]))
    bar.close()
    vecs = np.vstack(parts).astype(np.float32)
    fi = faiss.IndexFlatIP(vecs.shape[1])  # exact search: ~100 vectors, nothing to approximate
    fi.add(vecs)
    manifest = Manifest(
        FORMAT_VERSION, corpus_hash, embedder.model_id, chunk_size, chunk_overlap,
        dim=int(vecs.shape[1]), n_chunks=len(chunks),
        build_seconds=round(time.perf_counter() - t0, 3),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
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
        if index_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(index_dir, old)
        os.replace(tmp, index_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return DenseIndex(manifest, chunks, fi)


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
        index_dir, chunks, embedder, corpus_hash, chunk_size, chunk_overlap, batch_size, progress
    )
    return idx, f"rebuilt: {status}"
