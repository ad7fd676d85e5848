"""Stage 6: generation behind a small interface, so the pipeline does not care where the model runs.

One module per implementation, chosen by :func:`make_generator`:

* ``llamacpp``      — llama-cpp-python in this process (prompt-head KV cache, lazy grammar sampler);
* ``openai_compat`` — any OpenAI-compatible server (``--generator-url``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import STOP, GenerationStats, Generator, GeneratorError, SamplingParams

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = [
    "STOP",
    "GenerationStats",
    "Generator",
    "GeneratorError",
    "SamplingParams",
    "make_generator",
]


def make_generator(settings: Settings) -> Generator:
    """The generator the settings ask for: a server when ``generator_url`` is set, else in-process."""
    s = settings
    sampling = SamplingParams(s.temperature, s.repeat_penalty, s.max_tokens, s.seed)
    if s.generator_url:
        from .openai_compat import OpenAICompatGenerator

        return OpenAICompatGenerator(s.generator_url, s.generator, sampling)
    from .llamacpp import LlamaCppGenerator

    return LlamaCppGenerator(
        s.generator,
        s.models_dir,
        s.n_ctx,
        s.n_threads,
        sampling,
        kv_cache_bytes=s.kv_cache_mb * 2**20,
        kv_cache_dir=s.kv_dir,
    )
