"""Token sampling on llama.cpp's sampler API, with a grammar checked lazily.

llama-cpp-python applies a grammar to every candidate token at every step: with Qwen's 151k-token
vocabulary that halved decoding speed here (15–18 instead of 27–29 tokens/s, 1.5B). llama.cpp's
own ``common_sampler`` avoids this, and so does this sampler: sample as if unconstrained, ask the
grammar about that one token, and only when it is rejected (rare: the model wanted to break the
structure) apply the grammar to the whole vocabulary and sample again. The result follows the
grammar exactly; only the cost differs.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

import numpy as np


class GrammarError(ValueError):
    """llama.cpp could not parse a grammar."""


class Sampler:
    """penalties → top-k → typical → top-p → min-p → temperature → seeded draw (llama-cpp-python's
    order), plus an optional grammar checked lazily. One instance per generation."""

    def __init__(
        self,
        llm: Any,  # llama_cpp.Llama
        *,
        temperature: float,
        repeat_penalty: float,
        seed: int,
        grammar: str | None = None,
        top_k: int = 40,
        top_p: float = 0.95,
        min_p: float = 0.05,
        penalty_last_n: int = 64,
    ) -> None:
        import llama_cpp as lc

        self._lc = lc
        self._ctx = llm._ctx.ctx
        n_vocab = llm.n_vocab()
        chain = lc.llama_sampler_chain_init(lc.llama_sampler_chain_default_params())
        lc.llama_sampler_chain_add(
            chain, lc.llama_sampler_init_penalties(n_vocab, penalty_last_n, repeat_penalty, 0.0, 0.0)
        )
        if temperature <= 0:
            lc.llama_sampler_chain_add(chain, lc.llama_sampler_init_greedy())
        else:
            for s in (
                lc.llama_sampler_init_top_k(top_k),
                lc.llama_sampler_init_typical(1.0, 1),
                lc.llama_sampler_init_top_p(top_p, 1),
                lc.llama_sampler_init_min_p(min_p, 1),
                lc.llama_sampler_init_temp(temperature),
                lc.llama_sampler_init_dist(seed),
            ):
                lc.llama_sampler_chain_add(chain, s)
        self._chain = chain
        self._grammar = None
        if grammar is not None:
            g = lc.llama_sampler_init_grammar(llm._model.vocab, grammar.encode("utf-8"), b"root")
            if not g:
                lc.llama_sampler_free(chain)
                raise GrammarError("llama.cpp rejected the answer grammar (see its log for the line)")
            self._grammar = g
        # One reusable candidate buffer for the whole vocabulary, viewed through numpy to fill it.
        self._n_vocab = n_vocab
        self._buf = (lc.llama_token_data * n_vocab)()
        self._view = np.ctypeslib.as_array(self._buf)
        self._ids = np.arange(n_vocab, dtype=np.int32)
        self._one = (lc.llama_token_data * 1)()
        self.resamples = 0

    def close(self) -> None:
        lc = self._lc
        if self._chain is not None:
            lc.llama_sampler_free(self._chain)
            self._chain = None
        if self._grammar is not None:
            lc.llama_sampler_free(self._grammar)
            self._grammar = None

    def __enter__(self) -> Sampler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _candidates(self) -> Any:
        lc = self._lc
        logits = np.ctypeslib.as_array(lc.llama_get_logits_ith(self._ctx, -1), shape=(self._n_vocab,))
        self._view["id"] = self._ids
        self._view["logit"] = logits
        self._view["p"] = 0.0
        return lc.llama_token_data_array(
            data=ctypes.cast(self._buf, ctypes.POINTER(lc.llama_token_data)),
            size=self._n_vocab,
            selected=-1,
            sorted=False,
        )

    def _allowed(self, token: int) -> bool:
        lc = self._lc
        self._one[0].id, self._one[0].logit, self._one[0].p = token, 1.0, 0.0
        arr = lc.llama_token_data_array(
            data=ctypes.cast(self._one, ctypes.POINTER(lc.llama_token_data)),
            size=1,
            selected=-1,
            sorted=False,
        )
        lc.llama_sampler_apply(self._grammar, ctypes.byref(arr))
        return not math.isinf(self._one[0].logit)

    def sample(self) -> int:
        """The next token from the context's last logits (after a decode)."""
        lc = self._lc
        arr = self._candidates()
        lc.llama_sampler_apply(self._chain, ctypes.byref(arr))
        token = int(arr.data[arr.selected].id)
        if self._grammar is not None and not self._allowed(token):
            self.resamples += 1
            arr = self._candidates()
            lc.llama_sampler_apply(self._grammar, ctypes.byref(arr))
            lc.llama_sampler_apply(self._chain, ctypes.byref(arr))
            token = int(arr.data[arr.selected].id)
        if self._grammar is not None:
            lc.llama_sampler_accept(self._grammar, token)
        lc.llama_sampler_accept(self._chain, token)
        return token
