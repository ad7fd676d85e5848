"""Stage 3a: text → vectors, from local files only (never a hub).

One interface, :class:`Embedder`; one module per backend, chosen by :func:`load_embedder`:

* ``onnx``  — the default: the sentence-transformers pipeline exported once to ONNX and run by
  ONNX Runtime (rag.embedding.ort); the same vectors, questions embed ~2.7x faster;
* ``torch`` — sentence-transformers in PyTorch (rag.embedding.pytorch), with optional int8 or
  bfloat16 question models.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from ..settings import Settings

# Never reach for the hub at run time: it is unreachable here and we ship everything we need.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

BACKENDS = ("onnx", "torch")


class Embedder(Protocol):
    model_id: str  # names the vectors: an index or scope model built with another id is stale
    dim: int

    def embed_documents(self, texts: list[str], batch_size: int = 16, progress: bool = False) -> np.ndarray:
        """Unit vectors (float32) of answer pieces, questions and phrasings for the index."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (float32) of asked questions."""
        ...


def load_embedder(s: Settings) -> Embedder:
    """The embedder the settings ask for."""
    if s.embed_backend == "onnx":
        from .ort import OnnxEmbedder

        return OnnxEmbedder(s.embedder, s.models_dir, s.n_threads)
    if s.embed_backend == "torch":
        from .pytorch import TorchEmbedder

        return TorchEmbedder.from_settings(s)
    raise ValueError(f"unknown embedding backend {s.embed_backend!r}; known: {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "Embedder", "load_embedder"]
