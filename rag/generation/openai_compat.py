"""Any OpenAI-compatible chat server (llama.cpp's server, ``python -m llama_cpp.server``, vLLM): the
same pipeline, with the model running in another process or on a bigger machine. Retrieval, prompt
and answer checks stay in this process."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .base import STOP, GenerationStats, GeneratorError, SamplingParams


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

    def stream(
        self,
        messages: list[dict[str, str]],
        stats: GenerationStats,
        cache_head: str | None = None,
        grammar: str | None = None,
    ) -> Iterator[str]:
        # The server keeps its own prompt cache (llama.cpp: cache_prompt); the head hint is unused.
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
        if grammar is not None:
            body["grammar"] = grammar  # llama.cpp's servers; vLLM calls it guided_grammar
            body["guided_grammar"] = grammar
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

    def next_word_logprobs(
        self, messages: list[dict[str, str]], words: tuple[str, ...]
    ) -> list[float] | None:
        """From the server's top log-probabilities of a one-token reply; None when the server gives
        none, or not for every word (then no judgment is read)."""
        import httpx

        body = {
            "model": self.model,
            "messages": messages,
            "max_tokens": 1,
            "temperature": 0.0,
            "logprobs": True,
            "top_logprobs": 20,
        }
        try:
            r = self.client.post(f"{self.base_url}/chat/completions", json=body)
            if r.status_code != 200:
                return None
            content = r.json()["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
            return None
        seen: dict[str, float] = {}
        for t in content:
            seen.setdefault(t.get("token", ""), t.get("logprob", float("-inf")))
        if not all(w in seen for w in words):
            return None
        return [seen[w] for w in words]
