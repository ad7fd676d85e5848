"""Stage 6: generation behind a small interface, so the pipeline does not care where the model runs.

:class:`LlamaCppGenerator` keeps one long-lived ``Llama``: llama-cpp-python reuses the KV cache of
the longest common token prefix with the previous call, so the fixed instructions at the head of
every prompt are processed once, not per question. A lock serialises calls: one context cannot
serve two generations at once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .models import ModelError, resolve

STOP = ["<|im_end|>", "<|endoftext|>", "<end_of_turn>", "【问题】", "【资料】"]


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Generator(Protocol):
    model_id: str

    def stream(self, messages: list[dict[str, str]], stats: GenerationStats) -> Iterator[str]:
        """Yield text pieces as they are generated; fill ``stats`` as it goes."""
        ...

    def count_tokens(self, text: str) -> int: ...


@dataclass(frozen=True)
class SamplingParams:
    temperature: float
    repeat_penalty: float
    max_tokens: int
    seed: int


class LlamaCppGenerator:
    def __init__(
        self, name_or_path: str, models_dir: Path, n_ctx: int, n_threads: int, sampling: SamplingParams
    ) -> None:
        path, self.model_id = resolve(name_or_path, "generator", models_dir)
        try:
            from llama_cpp import Llama
        except ImportError as e:  # pragma: no cover - core dependency
            raise ImportError("llama-cpp-python is required: pip install -e .") from e
        try:
            self.llm = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,  # prompt processing dominates: use every core for it too
                seed=sampling.seed,
                verbose=bool(os.environ.get("RAG_LLAMA_VERBOSE")),
            )
        except ValueError as e:  # llama.cpp reports unreadable/corrupt files as "Failed to load"
            raise ModelError(f"generator '{name_or_path}' could not be loaded from {path}: {e}") from e
        self.n_ctx = n_ctx
        self.sampling = sampling
        self.lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(self, messages: list[dict[str, str]], stats: GenerationStats) -> Iterator[str]:
        s = self.sampling
        with self.lock:
            pieces = self.llm.create_chat_completion(
                messages=messages,  # type: ignore[arg-type]
                stream=True,
                temperature=s.temperature,
                repeat_penalty=s.repeat_penalty,
                max_tokens=s.max_tokens,
                stop=STOP,
                seed=s.seed,
            )
            for piece in pieces:
                delta = piece["choices"][0]["delta"].get("content")  # type: ignore[index,union-attr]
                if delta:
                    stats.completion_tokens += 1  # one streamed chunk per sampled token
                    yield delta
            stats.prompt_tokens = max(0, self.llm.n_tokens - stats.completion_tokens)
