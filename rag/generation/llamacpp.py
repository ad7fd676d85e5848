"""llama-cpp-python in this process: one long-lived ``Llama``, prompts rendered with the model's own
chat template and tokenized here, so that

* the KV state of the prompt's head ("instructions + top item") is kept by a
  :class:`~rag.generation.kvcache.PrefixCache` and restored per question: at question time only
  the tokens after the head are processed;
* tokens are sampled by :class:`~rag.generation.sampler.Sampler`, which enforces an answer grammar
  at nearly the cost of unconstrained sampling.

A lock serialises calls: one context cannot serve two generations.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..models import REGISTRY, ModelError, resolve
from .base import STOP, GenerationStats, SamplingParams
from .kvcache import PrefixCache, PrefixState, fingerprint, head_key
from .sampler import Sampler

# Chat formats whose templates have no system role: the instructions go at the head of the first
# user turn instead (still the start of the prompt, so its KV cache is still reused).
NO_SYSTEM_ROLE = {"gemma"}


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
        """Prompt text and tokens. A last message from the assistant is a prefill: the reply
        continues it (rendered after the generation prompt, without an end-of-turn)."""
        assert self._format is not None
        prefill = ""
        if messages and messages[-1]["role"] == "assistant":
            prefill, messages = messages[-1]["content"], messages[:-1]
        r = self._format(messages=self._adapt(messages))
        stop = r.stop if isinstance(r.stop, list) else [r.stop] if r.stop else []
        prompt = r.prompt + prefill
        return self._tokenize(prompt, not r.added_special), prompt, stop

    def _head_tokens(
        self, tokens: list[int], prompt: str, cache_head: str, add_bos: bool
    ) -> tuple[list[int], int]:
        """The prompt's head (everything up to the end of ``cache_head``) and the length of its
        base (everything before ``cache_head``: the instructions and examples, shared by all)."""
        start = prompt.rfind(cache_head)
        if start < 0 or not cache_head:
            return [], 0
        # BPE may merge tokens across a boundary: keep what agrees with the whole prompt.
        head = tokens[: _common_prefix(self._tokenize(prompt[: start + len(cache_head)], add_bos), tokens)]
        base = _common_prefix(self._tokenize(prompt[:start], add_bos), head)
        return head, min(base, len(head))

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

    def _restore_or_compute(self, tokens: list[int]) -> None:
        """The KV cache holds exactly ``tokens``: restored if cached, else computed alone (and kept)."""
        assert self.cache is not None
        key = head_key(tokens)
        state = self.cache.get(key)
        if state is not None and state.tokens == tuple(tokens) and self._load_kv(state):
            return
        self.llm.reset()
        self.llm.eval(tokens)
        self.cache.put(key, PrefixState(tuple(tokens), self._save_kv()))

    def _prepare_head(self, head: list[int], base: int, stats: GenerationStats) -> None:
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
        # Compute the head on one fixed path: the shared base (instructions and examples, itself
        # cached) alone, then the top item's block in one batch. llama.cpp's arithmetic depends
        # slightly on how tokens are batched, so a fixed path makes an answer the same whatever was
        # asked before it — evaluations are reproducible in any order.
        if base:
            self._restore_or_compute(head[:base])
            self.llm.n_tokens = base
            self.llm.eval(head[base:])
        else:
            self.llm.reset()
            self.llm.eval(head)
        self.cache.put(key, PrefixState(tuple(head), self._save_kv()))
        stats.head_cache = "computed"

    def head_keys(self, messages: list[dict[str, str]], cache_head: str) -> set[str]:
        """Cache keys of this prompt's head and of the shared base it is computed from."""
        tokens, prompt, _ = self._render(messages)
        bos = tokens[:1] == [self.llm.token_bos()]
        head, base = self._head_tokens(tokens, prompt, cache_head, add_bos=bos)
        return (
            {head_key(head), head_key(head[:base])} if head and base else {head_key(head)} if head else set()
        )

    def warm(self, messages: list[dict[str, str]], cache_head: str) -> str:
        """Compute (or load from disk) the KV state of this prompt's head without generating."""
        if self.cache is None:
            return ""
        tokens, prompt, _ = self._render(messages)
        bos = tokens[:1] == [self.llm.token_bos()]
        head, base = self._head_tokens(tokens, prompt, cache_head, add_bos=bos)
        if not head:
            return ""
        if self.cache.get(head_key(head)) is not None:
            return "loaded"  # in RAM now (from disk if need be): restored when a question needs it
        stats = GenerationStats()
        with self.lock:
            self._prepare_head(head, base, stats)
        return stats.head_cache

    def stream(
        self,
        messages: list[dict[str, str]],
        stats: GenerationStats,
        cache_head: str | None = None,
        grammar: str | None = None,
    ) -> Iterator[str]:
        if self._format is None:
            yield from self._stream_chat(messages, stats, grammar)
            return
        tokens, prompt, stop = self._render(messages)
        with self.lock:
            keep = live = _common_prefix(self.llm.input_ids[: self.llm.n_tokens].tolist(), tokens)
            continuing = messages[-1]["role"] == "assistant"
            if self.cache is not None and cache_head:
                bos = tokens[:1] == [self.llm.token_bos()]
                head, base = self._head_tokens(tokens, prompt, cache_head, add_bos=bos)
                if head and len(head) < len(tokens):
                    self._prepare_head(head, base, stats)
                    # Keep only the head: the rest is always evaluated in one batch (see above) —
                    # unless this continues the reply just generated on top of it.
                    keep = live if continuing and live > len(head) else len(head)
            keep = min(keep, len(tokens) - 1)  # the last prompt token is evaluated for its logits
            stats.cached_tokens = keep
            stats.prompt_tokens = len(tokens)
            self.llm.n_tokens = keep
            self.llm.eval(tokens[keep:])
            yield from self._decode(STOP + [x for x in stop if x not in STOP], stats, grammar)

    def next_word_logprobs(
        self, messages: list[dict[str, str]], words: tuple[str, ...]
    ) -> list[float] | None:
        """Log-probabilities of each word's first token as the first token of the reply to
        ``messages`` (a judgment read from the model without sampling)."""
        if self._format is None:
            return None
        import llama_cpp
        import numpy as np

        tokens, _, _ = self._render(messages)
        ids = [self._tokenize(w, add_bos=False)[0] for w in words]
        # Everything after the first message is evaluated afresh, in one batch: reusing more of a
        # previous judgment's state (down to its last token) changed the reading by up to 0.12 on
        # an AVX2-only CPU, half the judge's margin — a judgment must not depend on what came before.
        first, _, _ = self._render([*messages[:1], {"role": "user", "content": ""}])
        boundary = _common_prefix(first, tokens)
        with self.lock:
            live = _common_prefix(self.llm.input_ids[: self.llm.n_tokens].tolist(), tokens)
            keep = min(live, boundary, len(tokens) - 1)
            self.llm.n_tokens = keep
            self.llm.eval(tokens[keep:])
            n_vocab = self.llm.n_vocab()
            logits = np.ctypeslib.as_array(
                llama_cpp.llama_get_logits_ith(self.llm._ctx.ctx, -1), shape=(n_vocab,)
            ).astype(np.float64)
        top = logits.max()
        norm = top + np.log(np.exp(logits - top).sum())
        return [float(logits[i] - norm) for i in ids]

    def _decode(self, stops: list[str], stats: GenerationStats, grammar: str | None) -> Iterator[str]:
        """Sample after the evaluated prompt until an end-of-generation token, a stop string or
        ``max_tokens``; each token is detokenized once, incrementally (``create_completion``
        re-detokenizes the whole completion at every token: quadratic, ~3% of decode time)."""
        import llama_cpp

        s = self.sampling
        vocab = self.llm._model.vocab
        utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        # Special-token stops (<|im_end|>…) end generation as tokens; only plain-text stops can
        # appear in the text, and as many characters are held back as one could have started.
        stops = [x for x in stops if not (x.startswith("<") and x.endswith(">"))]
        hold = max((len(x) for x in stops), default=1) - 1
        pending, n, t_first = "", 0, 0.0
        sampler = Sampler(
            self.llm, temperature=s.temperature, repeat_penalty=s.repeat_penalty, seed=s.seed, grammar=grammar
        )
        try:
            while n < s.max_tokens and self.llm.n_tokens < self.n_ctx:
                tok = sampler.sample()
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
                self.llm.eval([tok])
        finally:
            stats.grammar_resamples = sampler.resamples
            sampler.close()
        pending += utf8.decode(b"", final=True)
        if pending:
            yield pending
        stats.completion_tokens = n

    def _stream_chat(
        self, messages: list[dict[str, str]], stats: GenerationStats, grammar: str | None
    ) -> Iterator[str]:
        from llama_cpp import LlamaGrammar

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
                grammar=LlamaGrammar.from_string(grammar, verbose=False) if grammar else None,
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
