"""The one object every entry point (Python API, CLI, batch, web page, evaluation) goes through.

a = Assistant.load()
a.retrieve(q, k=5) → list[Hit]
a.answer(q)        → Answer
a.stream(q)        → AnswerStream (iterate for text pieces; .answer when done)
a.answer_batch(qs) → list[Answer]
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from tqdm import tqdm

from . import citations as cit
from .chunking import chunk_items
from .corpus import corpus_hash, load_items
from .embedding import Embedder
from .generation import (
    GenerationStats,
    Generator,
    LlamaCppGenerator,
    OpenAICompatGenerator,
    SamplingParams,
)
from .index import DenseIndex, load_or_build
from .prompt import Prompt, build_prompt
from .records import Answer, Hit, Item, Timings
from .retrieval import HybridRetriever
from .settings import Settings


class QuestionError(ValueError):
    """The question cannot be answered as given (empty, not text); the message is for the user."""


def clean_question(question: object, max_chars: int) -> tuple[str, list[str]]:
    """Validate and normalise a question; returns it and notes on what was changed."""
    if not isinstance(question, str):
        raise QuestionError(f"问题必须是文字（收到的是 {type(question).__name__}）。")
    # Control characters (other than newlines/tabs) come from broken files, not from people.
    text = "".join(ch for ch in question if ch in "\n\t" or ch.isprintable()).strip()
    if not text:
        raise QuestionError("问题是空的，请输入您想了解的医保问题。")
    notes = []
    if len(text) > max_chars:
        notes.append(f"问题过长（{len(text)} 字），只使用了前 {max_chars} 字。")
        text = text[:max_chars]
    return text, notes


# A follow-up leans on the previous question: "那如果是在外地呢？" says nothing about what "that" is.
_FOLLOW_UP_START = (
    "那",
    "那么",
    "如果",
    "要是",
    "假如",
    "还有",
    "另外",
    "这个",
    "这种",
    "那个",
    "它",
    "他",
    "她",
)
FOLLOW_UP_MAX_CHARS = 20


def contextualize(question: str, history: list[str] | None) -> str:
    """A standalone question for retrieval and the prompt: a short follow-up is joined to the
    previous question, so "那如果是在外地呢？" after "社保卡丢了怎么报销？" finds the same items."""
    if not history:
        return question
    q = question.strip()
    follow_up = q.startswith(_FOLLOW_UP_START) or q.rstrip("？?。").endswith("呢") or len(q) <= 8
    if not follow_up or len(q) > FOLLOW_UP_MAX_CHARS:
        return question
    return f"{history[-1].strip()}（追问：{q}）"


class AnswerStream:
    """Iterate to receive the answer text as it is produced; ``.answer`` holds the final Answer.

    The text pieces are exactly the final answer's text: citations are validated and ungrounded
    sentences dropped before a piece is yielded (see rag.citations)."""

    def __init__(self, pieces: Iterator[str]) -> None:
        self._pieces = pieces
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        return self._pieces


class Assistant:
    def __init__(
        self,
        settings: Settings,
        items: list[Item],
        index: DenseIndex,
        embedder: Embedder,
        generator: Generator | None = None,
        index_status: str = "",
    ) -> None:
        self.settings = settings
        self.items = items
        self.index = index
        self.index_status = index_status
        self.retriever = HybridRetriever(
            index, items, embedder, settings.candidates, settings.rrf_k, settings.bm25_weight
        )
        self._generator = generator
        self._hubei = {it.label for it in items if it.hubei_specific}

    # ------------------------------------------------------------------------------ construction
    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        *,
        rebuild: bool = False,
        load_generator: bool = False,
        progress: bool = True,
    ) -> Assistant:
        """Load the corpus, the embedder and the index (rebuilt when stale). The generator loads
        on first use unless ``load_generator`` is set, so retrieval-only work never pays for it."""
        s = settings or Settings()
        items = load_items(s.corpus_dir)
        embedder = Embedder(s.embedder, s.models_dir, s.n_threads)
        index, status = load_or_build(
            s.index_dir,
            chunk_items(items, s.chunk_size, s.chunk_overlap),
            embedder,
            corpus_hash(s.corpus_dir),
            s.chunk_size,
            s.chunk_overlap,
            batch_size=s.embed_batch_size,
            rebuild=rebuild,
            progress=progress,
        )
        a = cls(s, items, index, embedder, index_status=status)
        if load_generator:
            a.generator  # noqa: B018 - load now rather than on the first question
        return a

    @property
    def generator(self) -> Generator:
        if self._generator is None:
            s = self.settings
            sampling = SamplingParams(s.temperature, s.repeat_penalty, s.max_tokens, s.seed)
            if s.generator_url:
                self._generator = OpenAICompatGenerator(s.generator_url, s.generator, sampling)
            else:
                self._generator = LlamaCppGenerator(
                    s.generator,
                    s.models_dir,
                    s.n_ctx,
                    s.n_threads,
                    sampling,
                    kv_cache_bytes=s.kv_cache_mb * 2**20,
                    kv_cache_dir=s.kv_dir,
                )
        return self._generator

    def fit_prompt(
        self, question: str, context: list[Hit], notes: list[str]
    ) -> tuple[Prompt | None, list[Hit]]:
        """The prompt, shrunk until it leaves room for the answer in the generator's window: context
        items are dropped, then trimmed, then the question is shortened. None if nothing fits (the
        caller answers extractively): an over-long prompt must never crash the model."""
        s = self.settings
        n_ctx = getattr(self.generator, "n_ctx", 0) or s.n_ctx
        budget = n_ctx - s.max_tokens - 16  # a little slack for the chat template's own tokens
        chars, chars2, q, reduced = s.context_chars, s.secondary_context_chars, question, False
        while True:
            prompt = build_prompt(q, context, chars, chars2)
            size = self.generator.count_tokens("".join(m["content"] for m in prompt.messages))
            if size <= budget:
                if reduced:
                    notes.append(f"prompt reduced to {size} tokens to fit the {n_ctx}-token window")
                return prompt, context
            reduced = True
            if len(context) > 1:
                context = context[:-1]
            elif chars > 100:
                chars //= 2
            elif len(q) > 20:
                q = q[: len(q) // 2]
            else:
                notes.append(f"no prompt fits the {n_ctx}-token window: answered from the best item")
                return None, context

    # ---------------------------------------------------------------------------------- queries
    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        text, _ = clean_question(question, self.settings.max_question_chars)
        return self.retriever.search(text, k or self.settings.top_k)

    def is_confident(self, hits: list[Hit]) -> bool:
        return bool(hits) and max(h.dense for h in hits) >= self.settings.refuse_below

    def context_hits(self, hits: list[Hit]) -> list[Hit]:
        """Items the generator sees: the best by rank, and others only if nearly as close."""
        if not hits:
            return []
        best = max(h.dense for h in hits)
        keep = [h for h in hits if h.dense >= self.settings.context_min_ratio * best]
        return keep[: self.settings.context_items]

    def stream(
        self,
        question: str,
        k: int | None = None,
        history: list[str] | None = None,
        hits: list[Hit] | None = None,
    ) -> AnswerStream:
        """Answer as it is generated. ``history``: the user's earlier questions, oldest first;
        ``hits``: retrieval already done for this question (batch ordering), not repeated."""
        t0 = time.perf_counter()
        text, notes = clean_question(question, self.settings.max_question_chars)
        text = contextualize(text, history)
        if hits is None:
            hits = self.retriever.search(text, k or self.settings.top_k)
        timings = Timings(retrieval_s=time.perf_counter() - t0)
        holder = AnswerStream(iter(()))

        def finish(answer_text: str, mode: str, guard: cit.Guard | None) -> Answer:
            timings.total_s = time.perf_counter() - t0
            return Answer(
                question=text,
                text=answer_text,
                citations=guard.citations() if guard and mode == "generated" else [],
                refused=mode == "refused",
                retrieved=hits,
                timings=timings,
                mode=mode,
                notes=notes + (guard.notes if guard else []),
            )

        def from_best_item(best: Hit, guard: cit.Guard | None) -> Answer:
            answer = finish(self._extractive_text(best), "extractive", guard)
            answer.citations = [cit.to_citation(best)]
            return answer

        def run() -> Iterator[str]:
            if not self.is_confident(hits):
                msg = cit.refusal_text(hits)
                holder.answer = finish(msg, "refused", None)
                yield msg
                return
            context = self.context_hits(hits)
            region = cit.other_region(text)
            if region and any(h.label in self._hubei for h in context):
                # Hubei's amounts and rates do not answer a question about another region (the
                # 1.5B once answered "北京…比例为60%" from Hubei's rule): leave them out.
                kept = [h for h in context if h.label not in self._hubei]
                if not kept:
                    holder.answer = finish(cit.region_refusal_text(region, context), "refused", None)
                    yield holder.answer.text
                    return
                notes.append(f"Hubei-only items left out of the prompt: the question is about {region}")
                context = kept
            prompt, context = self.fit_prompt(text, context, notes)
            if prompt is None:
                holder.answer = from_best_item(context[0], None)
                yield holder.answer.text
                return
            guard = cit.Guard(context)
            stats = GenerationStats()
            shown: list[str] = []
            g0 = time.perf_counter()
            for piece in self.generator.stream(prompt.messages, stats, prompt.cache_head):
                if timings.first_token_s is None:
                    timings.first_token_s = time.perf_counter() - t0
                for sentence in guard.feed(piece):
                    shown.append(sentence)
                    yield sentence
            for sentence in guard.finish(truncated=stats.completion_tokens >= self.settings.max_tokens):
                shown.append(sentence)
                yield sentence
            timings.generation_s = time.perf_counter() - g0
            timings.prompt_tokens, timings.completion_tokens = stats.prompt_tokens, stats.completion_tokens
            timings.cached_tokens, timings.decode_s = stats.cached_tokens, stats.decode_s

            if guard.grounded:
                note = cit.hubei_note(list(guard.cited.values()), self._hubei)
                if note:
                    yield note
                holder.answer = finish(cit.join_sentences(shown) + note, "generated", guard)
            elif guard.model_refused():
                msg = cit.refusal_text(hits)
                holder.answer = finish(msg, "refused", guard)
                yield msg
            else:
                guard.notes.append("the model gave no valid citation: answered from the best item")
                holder.answer = from_best_item(context[0], guard)
                yield holder.answer.text

        holder._pieces = run()
        return holder

    def answer(
        self,
        question: str,
        k: int | None = None,
        history: list[str] | None = None,
        hits: list[Hit] | None = None,
    ) -> Answer:
        s = self.stream(question, k, history, hits)
        for _ in s:
            pass
        assert s.answer is not None
        return s.answer

    def extractive(self, question: str, k: int | None = None) -> Answer:
        """The no-LLM baseline: the best item's opening sentences, cited (or a refusal)."""
        t0 = time.perf_counter()
        text, notes = clean_question(question, self.settings.max_question_chars)
        hits = self.retriever.search(text, k or self.settings.top_k)
        timings = Timings(retrieval_s=time.perf_counter() - t0)
        if not self.is_confident(hits):
            body, mode, cites = cit.refusal_text(hits), "refused", []
        else:
            body, mode, cites = self._extractive_text(hits[0]), "extractive", [cit.to_citation(hits[0])]
        timings.total_s = time.perf_counter() - t0
        return Answer(text, body, cites, mode == "refused", hits, timings, mode, notes)

    def _extractive_text(self, best: Hit) -> str:
        return cit.extractive_answer(best) + cit.hubei_note([best], self._hubei)

    def answer_batch(self, questions: Iterable[str], progress: bool = True) -> list[Answer]:
        """Answers in the order given; worked in the order of :meth:`plan` (shared prompt heads)."""
        qs = list(questions)
        answers: dict[int, Answer] = {}
        for i, hits in tqdm(self.plan(qs), desc="answering", unit="q", disable=not progress):
            answers[i] = self.answer(qs[i], hits=hits)
        return [answers[i] for i in range(len(qs))]

    def plan(self, questions: list[str]) -> list[tuple[int, list[Hit] | None]]:
        """Retrieve every question once and order them by their prompt head (top item), so that
        consecutive questions reuse the head's KV state already in the context. Questions that fail
        validation keep a None (answering them raises the QuestionError for the caller)."""
        k = self.settings.top_k
        planned: list[tuple[str, int, list[Hit] | None]] = []
        for i, q in enumerate(questions):
            try:
                hits = self.retrieve(q, k)
            except QuestionError:
                planned.append(("", i, None))
                continue
            planned.append((hits[0].key if hits and self.is_confident(hits) else "", i, hits))
        planned.sort(key=lambda p: (p[0], p[1]))
        return [(i, hits) for _, i, hits in planned]

    def prompt_heads(self) -> list[Prompt]:
        """One prompt per distinct head: every chunk as the top item's matched chunk."""
        s, seen, prompts = self.settings, set(), []
        by_key = {it.key: it for it in self.items}
        for c in self.index.chunks:
            it = by_key[c.key]
            hit = Hit(it.source, it.qid, it.label, it.question, it.section, c.text, 0.0, 1.0, 0.0, it.answer)
            p = build_prompt("", [hit], s.context_chars, s.secondary_context_chars)
            if p.cache_head not in seen:
                seen.add(p.cache_head)
                prompts.append(p)
        return prompts

    def warm(self, progress: bool = True) -> dict[str, int]:
        """Make sure the KV state of every prompt head is cached (computed once, then on disk).
        Returns how many heads were computed / restored from disk / already live; a no-op for
        generators without a head cache (e.g. a remote server)."""
        gen = self.generator
        counts: dict[str, int] = {}
        if not isinstance(gen, LlamaCppGenerator) or gen.cache is None:
            return counts
        for p in tqdm(self.prompt_heads(), desc="warming", unit="head", disable=not progress):
            how = gen.warm(p.messages, p.cache_head) or "skipped"
            counts[how] = counts.get(how, 0) + 1
        return counts

    def item(self, label: str) -> Item | None:
        return next((it for it in self.items if it.label == label), None)

    @property
    def index_path(self) -> Path:
        return self.settings.index_dir
