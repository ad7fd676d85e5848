"""Stage 6: generation behind a small interface, so the pipeline does not care where the model runs.

:class:`LlamaCppGenerator` keeps one long-lived ``Llama``: llama-cpp-python reuses the KV cache of
the longest common token prefix with the previous call, and a :class:`rag.kvcache.PrefixCache`
restores the KV state of "instructions + top item" heads, so at question time only the tokens
after the head are processed. A lock serialises calls: one context cannot serve two generations.
"""

from __future__ import annotations

import codecs
import ctypes
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .kvcache import PrefixCache, PrefixState, fingerprint, head_key
from .models import REGISTRY, ModelError, resolve

# Chat formats whose templates have no system role: the instructions go at the head of the first
# user turn instead (still the start of the prompt, so its KV cache is still reused).
NO_SYSTEM_ROLE = {"gemma"}

STOP = ["<|im_end|>", "<|endoftext|>", "<end_of_turn>", "【问题】", "【资料】"]


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens whose KV state was reused, not processed
    head_cache: str = ""  # "live" (already in context) | "restored" | "computed" | "" (no head)
    decode_s: float | None = None  # from the first sampled token to the last (pure decoding)


class Generator(Protocol):
    model_id: str

    def stream(
        self, messages: list[dict[str, str]], stats: GenerationStats, cache_head: str | None = None
    ) -> Iterator[str]:
        """Yield text pieces as they are generated; fill ``stats`` as it goes. ``cache_head``: the
        leading text of the last message whose KV state is worth keeping for later prompts."""
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
        self,
        name_or_path: str,
        models_dir: Path,
        n_ctx: int,
        n_threads: int,
        sampling: SamplingParams,
        kv_cache_bytes: int = 0,
        kv_cache_dir: Path | None = None,
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
        self._format = self._formatter()
        self.cache: PrefixCache | None = None
        if kv_cache_bytes > 0 and self._format is not None:
            import llama_cpp

            # States are only valid for this exact file, window and llama.cpp build.
            st = path.stat()
            fp = fingerprint(path.name, st.st_size, int(st.st_mtime), n_ctx, llama_cpp.__version__)
            self.cache = PrefixCache(kv_cache_bytes, kv_cache_dir / fp if kv_cache_dir else None)

    def _formatter(self):  # -> a llama_cpp ChatFormatter, or None
        """The chat template as text, so the prompt can be tokenized here and its head cached."""
        from llama_cpp import llama_chat_format as lcf

        if self.chat_format == "gemma":
            return lcf.format_gemma
        template = self.llm.metadata.get("tokenizer.chat_template")
        if self.chat_format is None and template:
            model = self.llm._model
            return lcf.Jinja2ChatFormatter(
                template=template,
                eos_token=model.token_get_text(self.llm.token_eos()),
                bos_token=model.token_get_text(self.llm.token_bos()),
            )
        return None  # unknown format: let create_chat_completion format it (no head cache)

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _adapt(self, messages: list[dict[str, str]]) -> list[dict[str, str]]:
        if self.chat_format not in NO_SYSTEM_ROLE or messages[0]["role"] != "system":
            return messages
        system, first, *rest = messages
        return [{"role": "user", "content": f"{system['content']}\n\n{first['content']}"}, *rest]

    def _tokenize(self, text: str, add_bos: bool) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)

    def _render(self, messages: list[dict[str, str]]) -> tuple[list[int], str, list[str]]:
        assert self._format is not None
        r = self._format(messages=self._adapt(messages))
        stop = r.stop if isinstance(r.stop, list) else [r.stop] if r.stop else []
        return self._tokenize(r.prompt, not r.added_special), r.prompt, stop

    def _head_tokens(self, tokens: list[int], prompt: str, cache_head: str, add_bos: bool) -> list[int]:
        end = prompt.find(cache_head)
        if end < 0 or not cache_head:
            return []
        head = self._tokenize(prompt[: end + len(cache_head)], add_bos)
        n = _common_prefix(head, tokens)  # BPE may merge across the boundary: keep what agrees
        return tokens[:n]

    def _save_kv(self) -> bytes:
        import llama_cpp

        ctx = self.llm._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        buf = (ctypes.c_uint8 * size)()
        n = llama_cpp.llama_state_seq_get_data(ctx, buf, size, 0)
        return bytes(memoryview(buf)[:n])

    def _load_kv(self, state: PrefixState) -> bool:
        import llama_cpp

        buf = (ctypes.c_uint8 * len(state.kv)).from_buffer_copy(state.kv)
        if llama_cpp.llama_state_seq_set_data(self.llm._ctx.ctx, buf, len(state.kv), 0) != len(state.kv):
            self.llm.reset()
            return False
        n = len(state.tokens)
        self.llm.input_ids[:n] = state.tokens
        self.llm.n_tokens = n
        self.llm._requires_eval = True  # no logits yet: the rest of the prompt is evaluated next
        return True

    def _prepare_head(self, head: list[int], stats: GenerationStats) -> None:
        """Make the KV cache hold ``head``: already there, restored from the cache, or computed
        now (and kept). Called with the lock held."""
        assert self.cache is not None
        live = _common_prefix(self.llm.input_ids[: self.llm.n_tokens].tolist(), head)
        if live == len(head):
            stats.head_cache = "live"
            return
        key = head_key(head)
        state = self.cache.get(key)
        if state is not None and state.tokens == tuple(head):
            if self._load_kv(state):
                stats.head_cache = "restored"
                return
            self.cache.discard(key)
        # Compute the head from scratch, on its own: llama.cpp's arithmetic depends slightly on how
        # tokens are batched, so one fixed path (head alone, then the rest) makes an answer the
        # same whatever was asked before it — evaluations are reproducible in any order.
        self.llm.reset()
        self.llm.eval(head)
        self.cache.put(key, PrefixState(tuple(head), self._save_kv()))
        stats.head_cache = "computed"

    def warm(self, messages: list[dict[str, str]], cache_head: str) -> str:
        """Compute (or load from disk) the KV state of this prompt's head without generating."""
        if self.cache is None:
            return ""
        tokens, prompt, _ = self._render(messages)
        head = self._head_tokens(tokens, prompt, cache_head, add_bos=tokens[:1] == [self.llm.token_bos()])
        if not head:
            return ""
        if self.cache.get(head_key(head)) is not None:
            return "loaded"  # in RAM now (from disk if need be): restored when a question needs it
        stats = GenerationStats()
        with self.lock:
            self._prepare_head(head, stats)
        return stats.head_cache

    def stream(
        self, messages: list[dict[str, str]], stats: GenerationStats, cache_head: str | None = None
    ) -> Iterator[str]:
        if self._format is None:
            yield from self._stream_chat(messages, stats)
            return
        tokens, prompt, stop = self._render(messages)
        with self.lock:
            if self.cache is not None and cache_head:
                bos = tokens[:1] == [self.llm.token_bos()]
                head = self._head_tokens(tokens, prompt, cache_head, add_bos=bos)
                if head and len(head) < len(tokens):
                    self._prepare_head(head, stats)
                    # Keep only the head: the rest is always evaluated in one batch (see above).
                    self.llm.n_tokens = len(head)
            stats.cached_tokens = _common_prefix(self.llm.input_ids[: self.llm.n_tokens].tolist(), tokens)
            stats.prompt_tokens = len(tokens)
            yield from self._decode(tokens, STOP + [x for x in stop if x not in STOP], stats)

    def _decode(self, tokens: list[int], stops: list[str], stats: GenerationStats) -> Iterator[str]:
        """Sample until an end-of-generation token, a stop string or ``max_tokens``. The same
        sampler chain and seed as ``create_completion`` (so the same tokens), without its per-token
        cost: it re-detokenizes the whole completion at every token (quadratic), ~3% of decode
        time on the 1.5B; here each token is decoded once, incrementally."""
        import llama_cpp

        s = self.sampling
        self.llm.set_seed(s.seed)
        vocab = self.llm._model.vocab
        utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        # Special-token stops (<|im_end|>…) end generation as tokens; only plain-text stops can
        # appear in the text, and as many characters are held back as one could have started.
        stops = [x for x in stops if not (x.startswith("<") and x.endswith(">"))]
        hold = max((len(x) for x in stops), default=1) - 1
        pending, n, t_first = "", 0, 0.0
        for tok in self.llm.generate(
            tokens, top_k=40, top_p=0.95, min_p=0.05, typical_p=1.0, temp=s.temperature,
            repeat_penalty=s.repeat_penalty,
        ):  # fmt: skip
            if llama_cpp.llama_vocab_is_eog(vocab, tok):
                break
            n += 1
            if n == 1:
                t_first = time.perf_counter()
            stats.decode_s = time.perf_counter() - t_first
            pending += utf8.decode(self.llm.detokenize([tok]))
            cut = min((i for i in (pending.find(x) for x in stops) if i >= 0), default=-1)
            if cut >= 0:
                pending = pending[:cut]
                break
            if len(pending) > hold:
                yield pending[:-hold] if hold else pending
                pending = pending[-hold:] if hold else ""
            if n >= s.max_tokens:
                break
        pending += utf8.decode(b"", final=True)
        if pending:
            yield pending
        stats.completion_tokens = n

    def _stream_chat(self, messages: list[dict[str, str]], stats: GenerationStats) -> Iterator[str]:
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
            stats.completion_tokens = self.count_tokens(text) if text else 0
            stats.prompt_tokens = max(0, self.llm.n_tokens - stats.completion_tokens)


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


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

    def stream(
        self, messages: list[dict[str, str]], stats: GenerationStats, cache_head: str | None = None
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
