"""One settings object for the whole pipeline.

Every tunable lives here with its default and why. Values come from, in increasing priority:
defaults → environment variables (``RAG_<FIELD>``, e.g. ``RAG_GENERATOR=qwen2.5-coder-0.5b``) →
CLI flags / keyword arguments (``Settings(top_k=3)`` or ``settings.model_copy(update=...)``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


def _cores() -> int:
    # sched_getaffinity respects CPU pinning (containers); cpu_count() would not.
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid", validate_assignment=True)

    # --- where things live -------------------------------------------------------------------
    corpus_dir: Path = Field(ROOT / "corpus", description="Source documents (copied from the seeds).")
    models_dir: Path = Field(ROOT / "models", description="Provisioned model files (not committed).")
    index_dir: Path = Field(ROOT / "index", description="FAISS index + manifest (rebuilt when stale).")

    # --- models -----------------------------------------------------------------------------
    embedder: str = Field(
        "embeddinggemma-300m",
        description="Registered embedder name (see rag.models) or a sentence-transformers folder.",
    )
    generator: str = Field(
        "qwen2.5-coder-1.5b",
        description="Registered generator name (see rag.models) or a path to a .gguf file.",
    )
    generator_url: str | None = Field(
        None,
        description=(
            "Base URL of an OpenAI-compatible chat server (llama.cpp server, vLLM) to use instead of "
            "the in-process model; `generator` is then sent as the model name."
        ),
    )
    n_threads: int = Field(
        default_factory=_cores,
        description="llama.cpp threads: all available cores (the library default is half).",
    )
    n_ctx: int = Field(4096, description="Context window of the generator in tokens.")
    embed_backend: Literal["onnx", "torch"] = Field(
        "onnx",
        description=(
            "How the embedder runs. onnx: its sentence-transformers pipeline exported once to ONNX "
            "(on provisioning or first use, ~75 s) and run by ONNX Runtime — the same vectors as "
            "PyTorch (cosine ≥ 0.9999998), a question embeds ~2.7x faster. torch: sentence-"
            "transformers in PyTorch; the embed_int8* and embed_bf16_queries options apply to it only."
        ),
    )
    embed_int8: bool = Field(
        False,
        description=(
            "torch backend: embed with int8 linear layers (PyTorch dynamic quantisation): about 2x "
            "faster question embedding on CPU; the index is rebuilt with it."
        ),
    )
    embed_int8_queries: bool = Field(
        False,
        description=(
            "torch backend: embed questions (only) with int8 linear layers: about 2x faster; "
            "documents keep full precision, so the index is unchanged. Off by default: with "
            "dense_query_chars 120 it met the 0.1 s retrieval p99, but recalibrated, the scope "
            "decision refuses fewer out-of-scope questions (README, Retrieval)."
        ),
    )
    embed_bf16_queries: bool = Field(
        True,
        description=(
            "torch backend: embed questions (only) with a bfloat16 copy of the model when the CPU "
            "computes bfloat16 natively (AVX512-BF16 or AMX); elsewhere, or when off, float32. The "
            "vectors have cosine ≥ 0.999 with float32 ones, so the index and the scope calibration "
            "stay valid; a question embeds ~35% faster than float32 PyTorch on such a CPU."
        ),
    )
    embed_batch_size: int = Field(16, description="Chunks per embedding batch while indexing.")

    # --- chunking -----------------------------------------------------------------------------
    chunk_size: int = Field(
        320, description="Max characters of answer text per chunk; shorter answers stay whole."
    )
    chunk_overlap: int = Field(40, description="Characters shared by neighbouring chunks.")

    # --- retrieval ------------------------------------------------------------------------------
    top_k: int = Field(5, ge=1, le=20, description="Items returned by retrieve() and shown as sources.")
    candidates: int = Field(30, description="Chunks each retriever contributes before fusion.")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant (Cormack et al. use 60).")
    bm25_weight: float = Field(
        0.5,
        description="Weight of the BM25 ranking in the fusion (dense has 1.0); tuned on the paraphrases.",
    )
    asked_weight: float = Field(
        0.5,
        description=(
            "Weight of the 'ways to ask' ranking (each item's own question and its reviewed phrasings, "
            "corpus/phrasings.tsv) in the fusion; 0 leaves it out. Tuned on the fitted half of the eval."
        ),
    )
    dense_query_chars: int = Field(
        100,
        ge=0,
        description=(
            "The dense side embeds at most this many characters of a long question (0: all): the "
            "clauses that ask, then those nearest the last of them (rag.question.asking_part). "
            "Embedding time grows with length (~1.2 ms per token here); BM25 still reads the whole "
            "question. 100: robustness hit@1 +1 question and retrieval p99 165 → 119 ms, scope "
            "figures unchanged; 80 refused one more in-scope question (README, Retrieval)."
        ),
    )
    dense_lead: float = Field(
        0.03,
        ge=0,
        description=(
            "The item closest in meaning goes first when its cosine leads every other item's by at "
            "least this much, whatever the fused rank (0: the fused order). Where the two firsts "
            "differ with such a lead, the dense first was the gold item twice as often (README, "
            "Retrieval)."
        ),
    )
    follow_up_weight: float = Field(
        0.5,
        ge=0,
        description=(
            "A follow-up ('那要是…呢？') is searched joined to its previous question; its items are then "
            "reordered by fusing in the ranking of the follow-up's own words with this weight (the "
            "joined ranking has 1.0), so the new thing asked about moves up. 0: joined ranking only."
        ),
    )
    index_questions: bool = Field(True, description="Index each item's own question as its own vector.")
    index_phrasings: bool = Field(
        True, description="Index the reviewed phrasings of corpus/phrasings.tsv (see rag.phrasings)."
    )
    keyword_ngrams: bool = Field(
        True, description="Character bigrams beside jieba words in BM25: tolerates typos and terse questions."
    )
    keyword_synonyms: bool = Field(
        True,
        description="Add the documents' words for the asker's everyday words (corpus/synonyms.tsv: 老家 → "
        "参保地, 公司 → 单位) to the keyword query.",
    )
    refuse_below: float = Field(
        0.50,
        description=(
            "Fallback scope decision, used when <corpus_dir>/scope.json is missing or was fitted for "
            "another embedder: refuse when the best item's dense cosine similarity is below this."
        ),
    )
    near_scope: float = Field(
        0.5,
        ge=0,
        le=1,
        description=(
            "A question refused as out of scope but within this fraction below the line (calibrated "
            "probability ≥ (1 − near_scope) × threshold) is told the documents may not answer it, with "
            "the top item's sentences closest to it quoted, instead of a bare refusal: colloquial "
            'questions the documents do answer land there ("医保卡能在药店买洗发水吗"). 0: off.'
        ),
    )
    context_items: int = Field(
        1,
        description=(
            "At most this many items go into the prompt. One by default: graded on the eval, answers "
            "resting on two items were wrong half the time (10 of 20)."
        ),
    )
    group_first: bool = Field(
        True,
        description=(
            "When the question names a group of people the documents give their own rules (低保, 个体, "
            "退休…; rag.facts.GROUPS, the asker's everyday words read through corpus/synonyms.tsv) and "
            "the best item does not, an item among the first three that names it goes into the prompt "
            "first; so does one naming the asker's case the documents rule on apart when few items name "
            "it (门诊, 甲类, 乙类; rag.gate.RARE_CASES). Retrieval's order (the sources shown) is unchanged."
        ),
    )
    context_min_ratio: float = Field(
        0.9,
        description="An item enters the prompt only if its dense score ≥ ratio × the best score.",
    )
    context_chars: int = Field(
        900,
        description=(
            "Max characters of the top item's answer in the prompt (longer answers: the matched "
            "chunk). Its KV state is cached, so its length does not slow the first token."
        ),
    )
    secondary_context_chars: int = Field(
        900,
        description=(
            "Max characters of each other item in the prompt. These are processed per question, so "
            "they delay the first token (~7 ms per character with the 1.5B); cutting them to the "
            "matched chunk (320) made yes/no verdicts worse in a probe, so they stay whole by default."
        ),
    )

    # --- generation -------------------------------------------------------------------------------
    retry_conclusion: bool = Field(
        False,
        description=(
            "When every sentence of the model's conclusion fails the answer checks, tell it why and "
            "ask once more. Off by default: graded on the eval, retried answers were as often wrong "
            "as direct (5 and 5 of 31)."
        ),
    )
    judge_margin: float = Field(
        0.25,
        description=(
            "When the model only restated a yes/no question (dropped as an echo), it judges the "
            "statement and its negation against the quotes (对/不对 log-odds) and the side it prefers "
            "by at least this margin is shown; 0 turns it off. A reply that turns the question round "
            "('…不能报。' to '…能报吗？') is held until the judge has read the question, and dropped when "
            "the judge leans to the asker's side. See rag/verify.py."
        ),
    )
    judge_agree_margin: float = Field(
        0.75,
        description=(
            "The margin the judge needs to side with the asker's own statement (a yes to '…能报吗？', "
            "a confirmation of '…对吧？'); siding against it needs judge_margin. The 1.5B leans to "
            "agreeing: on probes 32–56 (first asked) its yeses under 0.75 were 8 direct, 8 wrong, 3 "
            "indirect (15, 2, 1 above); its noes 6 direct, 1 wrong, 1 indirect."
        ),
    )
    judge_asked: bool = Field(
        True,
        description=(
            "When nothing was concluded for a yes/no question and the model did not restate it, "
            "the judge settles the question as the asker put it (its statement: '听说…，是吧？' → "
            "'…'), never one stating an amount. Needs judge_margin > 0."
        ),
    )
    quote_before_concluding: bool = Field(
        True,
        description=(
            "Answer in two steps: the model chooses evidence sentences, the pipeline quotes them into "
            "the reply, then the model writes its conclusion right after reading them. Off: one step."
        ),
    )
    temperature: float = Field(0.1, description="Low: answers should restate the documents.")
    repeat_penalty: float = Field(1.15, description="Small models loop without it.")
    max_tokens: int = Field(320, description="Max generated tokens per answer.")
    max_question_chars: int = Field(
        500, description="Longer questions are truncated to this (and flagged) before retrieval."
    )
    seed: int = Field(42, description="Sampling seed, for repeatable evaluations.")

    # --- speed ------------------------------------------------------------------------------------
    kv_cache_mb: int = Field(
        2048,
        description=(
            "RAM for cached KV states of 'instructions + top item' prompt heads (0 turns the cache "
            "off). The 1.5B needs ~9 MB per head, ~500 MB for all 54."
        ),
    )
    kv_cache_dir: Path | None = Field(
        None,
        description="Where head states persist, a folder per model file (default: <index_dir>/kv).",
    )
    warm_on_start: bool = Field(
        True,
        description=(
            "The web page computes missing head states in the background after it starts "
            "(questions go first), so the first user of each item does not pay for it."
        ),
    )

    admin_token: str | None = Field(
        None,
        description=(
            "When set (RAG_ADMIN_TOKEN), the web page's 资料库 tab adds or removes documents only for "
            "whoever gives this token, from any machine; when unset, only the machine itself (loopback)."
        ),
    )
    max_document_mb: float = Field(50.0, description="Largest document `rag docs add` accepts, in MiB.")

    @property
    def kv_dir(self) -> Path:
        return self.kv_cache_dir or self.index_dir / "kv"

    def with_overrides(self, **kwargs: object) -> Settings:
        """Copy with the non-None keyword arguments applied (CLI flags pass None when unset)."""
        update = {k: v for k, v in kwargs.items() if v is not None}
        return self.model_validate({**self.model_dump(), **update}) if update else self
