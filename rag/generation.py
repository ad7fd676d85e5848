"""Stage 6: generation behind a small interface, so the pipeline does not care where the model runs.

:class:`LlamaCppGenerator` keeps one long-lived ``Llama``: llama-cpp-python reuses the KV cache of
the longest common token prefix with the previous call, so the fixed instructions at the head of
every prompt are processed once, not per question. A lock serialises calls: one context cannot
serve two generations at once.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .models import REGISTRY, ModelError, resolve

# Chat formats whose templates have no system role: the instructions go at the head of the first
# user turn instead (still the start of the prompt, so its KV cache is still reused).
NO_SYSTEM_ROLE = {"gemma"}

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
        spec = REGISTRY.get(name_or_path)
        self.chat_format = spec.chat_format if spec and spec.chat_format else None
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
                chat_format=self.chat_format,
                verbose=bool(os.environ.get("RAG_LLAMA_VERBOSE")),
            )
        except ValueError as e:  # llama.cpp reports unreadable/corrupt files as "Failed to load"
            raise ModelError(f"generator '{name_or_path}' could not be loaded from {path}: {e}") from e
        self.n_ctx = n_ctx
        self.sampling = sampling
        self.lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _adapt(self, messages: list[dict[str, str]]) -> list[dict[str, str]]:
        if self.chat_format not in NO_SYSTEM_ROLE or messages[0]["role"] != "system":
            return messages
        system, first, *rest = messages
        return [{"role": "user", "content": f"{system['content']}\n\n{first['content']}"}, *rest]

    def stream(self, messages: list[dict[str, str]], stats: GenerationStats) -> Iterator[str]:
        s = self.sampling
        messages = self._adapt(messages)
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
            text = ""
            for piece in pieces:
                delta = piece["choices"][0]["delta"].get("content")  # type: ignore[index,union-attr]
                if delta:
                    text += delta
                    yield delta
            # Streamed chunks are not tokens (multi-byte characters merge); count the real ones.
            stats.completion_tokens = self.count_tokens(text) if text else 0
            stats.prompt_tokens = max(0, self.llm.n_tokens - stats.completion_tokens)


class GeneratorError(RuntimeError):
    """The generator could not produce an answer (server down, bad reply); message is for people."""


class OpenAICompatGenerator:
    """Any OpenAI-compatible chat server (llama.cpp's server, ``python -m llama_cpp.server``, vLLM):
    the same pipeline, with the model running in another process or on a bigger machine."""

    def __init__(self, base_url: str, model: str, sampling: SamplingParams, timeout_s: float = 300) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        if not self.base_url.endswith("/v1"):
            self.base_url += "/v1"
        self.model = model
        self.model_id = f"url:{self.base_url}#{model}"
        self.sampling = sampling
        self.client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=10))
        self.n_ctx = 0  # unknown: the server enforces its own window

    def count_tokens(self, text: str) -> int:
        # The server's tokenizer is not reachable through the OpenAI API; one token per character
        # over-counts Chinese slightly, which is the safe side for the context-window guard.
        return len(text)

    def stream(self, messages: list[dict[str, str]], stats: GenerationStats) -> Iterator[str]:
        import httpx

        s = self.sampling
        body = {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "temperature": s.temperature,
            "max_tokens": s.max_tokens,
            "stop": STOP,
            "seed": s.seed,
            "repeat_penalty": s.repeat_penalty,  # llama.cpp's name
            "repetition_penalty": s.repeat_penalty,  # vLLM's name; servers ignore unknown fields
            "stream_options": {"include_usage": True},
        }
        url = f"{self.base_url}/chat/completions"
        try:
            with self.client.stream("POST", url, json=body) as r:
                if r.status_code != 200:
                    raise GeneratorError(
                        f"generator server {url} answered HTTP {r.status_code}: {r.read()[:300]!r}"
                    )
                text = ""
                for line in r.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    chunk = json.loads(data)
                    if usage := chunk.get("usage"):
                        stats.prompt_tokens = usage.get("prompt_tokens", 0)
                        stats.completion_tokens = usage.get("completion_tokens", 0)
                    for choice in chunk.get("choices") or []:
                        delta = (choice.get("delta") or {}).get("content")
                        if delta:
                            text += delta
                            yield delta
                if not stats.completion_tokens and text:
                    stats.completion_tokens = self.count_tokens(text)
        except httpx.HTTPError as e:
            raise GeneratorError(f"generator server {url} unreachable: {type(e).__name__}: {e}") from e
