"""The ``torch`` embedding backend: sentence-transformers in PyTorch, with optional int8 or
bfloat16 question models. It is also what the ``onnx`` backend is exported from."""

from __future__ import annotations

import copy
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..models import resolve

if TYPE_CHECKING:
    from ..settings import Settings


class TorchEmbedder:
    """Wraps a sentence-transformers model; uses its query/document prompts when it has them."""

    def __init__(
        self,
        name_or_path: str,
        models_dir: Path,
        n_threads: int,
        int8: bool = False,
        int8_queries: bool = False,
        bf16_queries: bool = False,
    ) -> None:
        path, self.model_id = resolve(name_or_path, "embedder", models_dir)
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as e:  # pragma: no cover - core dependency
            raise ImportError("sentence-transformers is required: pip install -e .") from e
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a "Loading weights" bar on every start is noise
        torch.set_num_threads(n_threads)
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        if int8:
            self.model = _int8(self.model)
            self.model_id += "+int8"  # other vectors: an index built without it is stale
        # Questions only: the index keeps full-precision vectors (and its id), questions embed faster.
        self.query_model = self.model
        if int8_queries and not int8:
            self.query_model = _int8(self.model)
        elif bf16_queries and not int8 and native_bf16():
            self.query_model = copy.deepcopy(self.model).to(torch.bfloat16)
        dim = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        self.dim = int(dim() or 0)
        prompts = getattr(self.model, "prompts", {}) or {}
        # EmbeddingGemma defines "query" and "document" prompts; other models may define none.
        self._has_prompts = "query" in prompts and "document" in prompts

    @classmethod
    def from_settings(cls, s: Settings) -> TorchEmbedder:
        return cls(
            s.embedder, s.models_dir, s.n_threads, s.embed_int8, s.embed_int8_queries, s.embed_bf16_queries
        )

    def embed_documents(self, texts: list[str], batch_size: int = 16, progress: bool = False) -> np.ndarray:
        if self._has_prompts:
            vecs = self.model.encode_document(
                texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress
            )
        else:
            vecs = self.model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress
            )
        return np.asarray(vecs, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if self._has_prompts:
            vecs = self.query_model.encode_query(texts, normalize_embeddings=True, convert_to_tensor=True)
        else:
            vecs = self.query_model.encode(texts, normalize_embeddings=True, convert_to_tensor=True)
        return vecs.float().cpu().numpy()  # a bfloat16 model's vectors, as float32 like the index


@lru_cache(maxsize=1)
def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (elsewhere PyTorch emulates it, slower than
    float32). Read from /proc/cpuinfo: Linux only; anywhere else, False."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return bool(re.search(r"\b(avx512_bf16|amx_bf16)\b", flags))


def _int8(model: Any) -> Any:
    """A copy with int8 linear layers, quantised on the fly (PyTorch dynamic quantisation): a
    question embeds about 2x faster on CPU."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao points to torchao; the API still works
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
