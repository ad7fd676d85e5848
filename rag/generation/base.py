"""What every generator offers the pipeline: stream text for chat messages, optionally constrained by
a grammar, and count tokens for the context-window guard."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

# Stop strings: chat-template ends, and the prompt's own section markers (a model that writes
# "【问题】" is inventing the next turn).
STOP = ["<|im_end|>", "<|endoftext|>", "<end_of_turn>", "【问题】", "【资料】"]


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens whose KV state was reused, not processed
    head_cache: str = ""  # "live" (already in context) | "restored" | "computed" | "" (no head)
    decode_s: float | None = None  # from the first sampled token to the last (pure decoding)
    grammar_resamples: int = 0  # tokens the grammar rejected and that were sampled again

    def add(self, other: GenerationStats) -> None:
        """Fold in a later generation step of the same answer (its prompt extends this one's)."""
        if not self.prompt_tokens:
            self.prompt_tokens, self.cached_tokens, self.head_cache = (
                other.prompt_tokens, other.cached_tokens, other.head_cache,
            )  # fmt: skip
        self.completion_tokens += other.completion_tokens
        if other.decode_s is not None:
            self.decode_s = (self.decode_s or 0.0) + other.decode_s
        self.grammar_resamples += other.grammar_resamples


@dataclass(frozen=True)
class SamplingParams:
    temperature: float
    repeat_penalty: float
    max_tokens: int
    seed: int


class Generator(Protocol):
    model_id: str
    n_ctx: int  # 0 when unknown (a remote server enforces its own window)

    def stream(
        self,
        messages: list[dict[str, str]],
        stats: GenerationStats,
        cache_head: str | None = None,
        grammar: str | None = None,
    ) -> Iterator[str]:
        """Yield text pieces as they are generated; fill ``stats`` as it goes. ``cache_head``: the
        leading text of the last message whose KV state is worth keeping for later prompts;
        ``grammar``: a GBNF grammar (llama.cpp syntax) the whole reply must follow."""
        ...

    def count_tokens(self, text: str) -> int: ...


class GeneratorError(RuntimeError):
    """The generator could not produce an answer (server down, bad reply); message is for people."""
