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
from functools import cached_property
from pathlib import Path

from tqdm import tqdm

from . import compose, facts, gate, phrasings
from .characters import of_items as characters_of
from .chunking import chunk_items
from .corpus import corpus_hash, load_items
from .embedding import Embedder, load_embedder
from .generation import GenerationStats, Generator, make_generator
from .index import DenseIndex, content_hash, load_or_build
from .keyword import SYNONYMS_FILE, read_synonyms
from .prompt import Prompt, build_prompt
from .question import Query, QuestionError, parse, split_asks
from .records import Answer, Chunk, Hit, Item, Timings
from .retrieval import HybridRetriever
from .scope import load_scope
from .settings import Settings

__all__ = ["Answer", "AnswerStream", "Assistant", "QuestionError"]


class AnswerStream:
    """Iterate to receive the answer text as it is produced; ``.answer`` holds the final Answer.

    The pieces are exactly the final answer's text: each generated sentence is checked before it
    is yielded (see rag.compose)."""

    def __init__(self, pieces: Iterator[str]) -> None:
        self._pieces = pieces
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        return self._pieces


def index_inputs(s: Settings, items: list[Item]) -> tuple[list[Chunk], str]:
    """What the index holds for these items (answer pieces and ways to ask) and its content hash."""
    asked = phrasings.read(s.corpus_dir / phrasings.FILE_NAME) if s.index_phrasings else {}
    chunks = chunk_items(items, s.chunk_size, s.chunk_overlap, asked, s.index_questions)
    return chunks, content_hash(corpus_hash(s.corpus_dir), chunks)


ASK_MARKS = ("（一）", "（二）", "（三）")  # list numbering: the checks read no number in it
Ask = tuple[Query, list[Hit]]  # one ask of a message and its hits
OWN_DEPTH = 1  # a later ask read with the one before it: its item must come first by its own words


def joined_answer(query: Query, answers: list[Answer], total_s: float) -> Answer:
    """The answers to a message's asks as one: their texts under their numbers, in order."""
    marks = ASK_MARKS[: len(answers)]
    t = Timings(total_s=total_s, first_token_s=answers[0].timings.first_token_s,
                first_text_s=answers[0].timings.first_text_s)  # fmt: skip
    for a in answers:
        t.retrieval_s += a.timings.retrieval_s
        t.generation_s += a.timings.generation_s
        t.prompt_tokens += a.timings.prompt_tokens
        t.completion_tokens += a.timings.completion_tokens
        t.cached_tokens += a.timings.cached_tokens
        if a.timings.decode_s is not None:
            t.decode_s = (t.decode_s or 0.0) + a.timings.decode_s
    retrieved: list[Hit] = []  # each item once: the first ask's ranking, then what the later add
    for h in (h for a in answers for h in a.retrieved):
        if all(h.label != r.label for r in retrieved):
            retrieved.append(h)
    generated = [a for a in answers if not a.refused]
    return Answer(
        query.asked,
        "\n\n".join(m + a.text for m, a in zip(marks, answers, strict=True)),
        citations=list(dict.fromkeys(c for a in answers for c in a.citations)),
        refused=not generated,
        retrieved=retrieved,
        timings=t,
        mode=generated[0].mode if generated else "refused",
        notes=[*query.notes, *(f"{m} {n}" for m, a in zip(marks, answers, strict=True) for n in a.notes)],
        body="\n".join(m + (a.body or a.text.split("\n\n")[0]) for m, a in zip(marks, answers, strict=True)),
        evidence=[e for a in answers for e in a.evidence],
    )


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
        synonyms = read_synonyms(settings.corpus_dir / SYNONYMS_FILE) if settings.keyword_synonyms else {}
        self.synonyms = synonyms
        self.retriever = HybridRetriever(
            index, items, embedder, settings.candidates, settings.rrf_k, settings.bm25_weight,
            settings.asked_weight, settings.keyword_ngrams, dense_chars=settings.dense_query_chars,
            follow_up_weight=settings.follow_up_weight, synonyms=synonyms, dense_lead=settings.dense_lead,
        )  # fmt: skip
        self._generator = generator
        self.regional = {it.label: it.region for it in items if it.region}
        self.home = facts.region_places(set(self.regional.values()))
        self.scope, self.scope_status = load_scope(
            settings.corpus_dir, index.manifest.embedder_id, settings.refuse_below
        )

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
        embedder = load_embedder(s)
        chunks, digest = index_inputs(s, items)
        index, status = load_or_build(
            s.index_dir,
            chunks,
            embedder,
            digest,
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

    def refreshed(self) -> Assistant:
        """The assistant over the corpus as it is now (after ``rag docs add/remove``): the same
        embedder and generator; only new or changed chunks are embedded (see rag.index)."""
        s = self.settings
        items = load_items(s.corpus_dir)
        chunks, digest = index_inputs(s, items)
        embedder = self.retriever.embedder
        index, status = load_or_build(
            s.index_dir, chunks, embedder, digest, s.chunk_size, s.chunk_overlap,
            batch_size=s.embed_batch_size, progress=False,
        )  # fmt: skip
        return type(self)(s, items, index, embedder, self._generator, index_status=status)

    @property
    def generator(self) -> Generator:
        if self._generator is None:
            self._generator = make_generator(self.settings)
        return self._generator

    @cached_property
    def covered(self) -> frozenset[str]:
        """The kinds of insurance the documents name: a question about only others is refused."""
        return facts.covered_kinds(f"{it.question}\n{it.answer}" for it in self.items)

    @cached_property
    def characters(self) -> frozenset[str]:
        """Story characters of the documents (小王, 赵大爷…): masked in prompts, checked in answers."""
        return characters_of(self.items)

    def build_prompt(self, query: Query, context: list[Hit], examples: bool = True) -> Prompt:
        s = self.settings
        return build_prompt(
            query.asked, context, self.characters, previous=query.previous,
            top_chars=s.context_chars, other_chars=s.secondary_context_chars, examples=examples,
        )  # fmt: skip

    def fit_prompt(self, query: Query, context: list[Hit], notes: list[str]) -> Prompt | None:
        """The prompt, shrunk until it leaves room for the answer in the generator's window: context
        items are dropped, then the worked examples, then the question is shortened. None if nothing
        fits (the caller answers extractively): an over-long prompt must never crash the model."""
        s = self.settings
        n_ctx = getattr(self.generator, "n_ctx", 0) or s.n_ctx
        budget = n_ctx - s.max_tokens - 16  # a little slack for the chat template's own tokens
        reduced, examples = False, True
        while True:
            prompt = self.build_prompt(query, context, examples)
            size = self.generator.count_tokens("".join(m["content"] for m in prompt.messages))
            if size <= budget:
                if reduced:
                    notes.append(f"prompt reduced to {size} tokens to fit the {n_ctx}-token window")
                return prompt
            reduced = True
            if len(context) > 1:
                context = context[:-1]
            elif examples:
                examples = False
            elif len(query.asked) > 20:
                query = Query(query.asked[: len(query.asked) // 2], query.search, query.previous)
            else:
                notes.append(f"no prompt fits the {n_ctx}-token window: answered from the best item")
                return None

    # ---------------------------------------------------------------------------------- queries
    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        query = parse(question, None, self.settings.max_question_chars)
        return self.retriever.find(query, k or self.settings.top_k)

    def is_confident(self, hits: list[Hit]) -> bool:
        """Whether the question these hits were retrieved for is in scope (see rag.scope)."""
        return self.scope.in_scope(hits)

    def decide(self, query: Query, hits: list[Hit]) -> gate.Decision:
        s = self.settings
        return gate.decide(
            query, hits, scope=self.scope, max_items=s.context_items,
            min_ratio=s.context_min_ratio, regional=self.regional, near_scope=s.near_scope,
            characters=self.characters, covered=self.covered,
            everyday=self.synonyms if s.group_first else None,
        )  # fmt: skip

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
        query = parse(question, history, self.settings.max_question_chars)
        # A message of asks that need different items is answered ask by ask, in a batch too (its
        # planned ``hits`` are the whole message's).
        asks = self._asks(query, k or self.settings.top_k, history)
        if len(asks) > 1:
            return self._stream_asks(query, asks, t0)
        if hits is None:
            hits = self.retriever.find(query, k or self.settings.top_k)
        return self._stream(query, hits, t0)

    def _stream(self, query: Query, hits: list[Hit], t0: float) -> AnswerStream:
        timings = Timings(retrieval_s=time.perf_counter() - t0)
        notes = list(query.notes)
        holder = AnswerStream(iter(()))

        def done(text: str, mode: str, **fields: object) -> Answer:
            timings.total_s = time.perf_counter() - t0
            return Answer(query.asked, text, refused=mode == "refused", retrieved=hits, timings=timings,
                          mode=mode, notes=notes, **fields)  # type: ignore[arg-type]  # fmt: skip

        def run() -> Iterator[str]:
            decision = self.decide(query, hits)
            notes.extend(decision.notes)
            if decision.refused:
                # Quotes near the scope line are shown as such, not as what an answer rests on.
                cited = compose.citations_for(decision.evidence, hits)
                body = compose.UNSURE_TEXT if decision.evidence else ""
                holder.answer = done(
                    decision.refusal, "refused", citations=cited, evidence=decision.evidence, body=body
                )
                yield decision.refusal
                return
            prompt = self.fit_prompt(query, decision.context, notes)
            if prompt is None:
                holder.answer = self._extractive(decision.context[0], done)
                yield holder.answer.text
                return
            composer = compose.Composer(prompt, query.asked, self.characters, self.home, query.previous)
            stats = GenerationStats()
            shown: list[str] = []
            g0 = time.perf_counter()

            def first_token() -> None:
                timings.first_token_s = timings.first_token_s or time.perf_counter() - t0

            steps = compose.generate(
                self.generator, prompt, composer, stats, first_token,
                two_steps=self.settings.quote_before_concluding, retry=self.settings.retry_conclusion,
                judge_margin=self.settings.judge_margin, judge_asked=self.settings.judge_asked,
                judge_agree_margin=self.settings.judge_agree_margin,
            )  # fmt: skip
            for text in steps:
                timings.first_text_s = timings.first_text_s or time.perf_counter() - t0
                shown.append(text)
                yield text
            rest, composed = composer.finish()
            timings.generation_s = time.perf_counter() - g0
            timings.prompt_tokens, timings.completion_tokens = stats.prompt_tokens, stats.completion_tokens
            timings.cached_tokens, timings.decode_s = stats.cached_tokens, stats.decode_s
            notes.extend(composed.notes)
            if composed.mode == "model_refused":
                notes.append("the model found no sentence that answers the question")
                holder.answer = done(compose.refusal_text(hits), "refused", citations=[])
            elif composed.mode == "unparsed":
                notes.append("the model's reply had no usable evidence: answered from the best item")
                holder.answer = self._extractive(decision.context[0], done)
            else:
                note = compose.region_note([e.label for e in composed.evidence], self.regional)
                text = compose.join(shown + rest) + note
                holder.answer = done(
                    text, "generated", citations=compose.citations_for(composed.evidence, decision.context),
                    body=composed.body, evidence=composed.evidence,
                )  # fmt: skip
                yield from [*rest, note] if note else rest
                return
            yield holder.answer.text

        holder._pieces = run()
        return holder

    def _asks(self, query: Query, k: int, history: list[str] | None) -> list[Ask]:
        """The asks of a message, each with the hits it is answered from, when they need different
        items ("…钱怎么报？以后能不能不带卡直接用手机？": 问10 and 问21); none when it is one question,
        or its asks share their first item, or one of them is out of scope even read with the ask
        before it ("我看到了该去哪举报？" alone is; after "哪些做法算骗医保？" it is not): then the
        message is answered whole, as before. A later ask is read as a follow-up of the one before
        it (its words and the earlier ask's, rag.question.contextualize) when its own are not enough."""
        parts = split_asks(query.asked) if not query.invention else [query.asked]
        if len(parts) < 2:
            return []
        earlier, asks = list(history or []), []
        for part in parts:
            ask = parse(part, earlier, self.settings.max_question_chars)
            hits = self.retriever.find(ask, k)
            if not self.is_confident(hits) and len(earlier) > len(history or []):
                ask = Query(part, f"{earlier[-1]}（追问：{part}）", earlier[-1])
                hits = self.retriever.find(ask, k)
            if not hits or not self.is_confident(hits):
                return []
            # An ask read with the one before it must find its item by its own words too: "怎么用？" after
            # "医保电子凭证是什么？" found 问24 (read with the previous ask) and split a one-item message in
            # two; by its own words 问40 comes first, so it is answered with the message, whole.
            if ask.previous:
                own = self.retriever.find(parse(part, None, self.settings.max_question_chars), k)
                if hits[0].label not in {h.label for h in own[:OWN_DEPTH]}:
                    return []
            asks.append((ask, hits))
            earlier.append(part)
        return asks if len({hits[0].label for _, hits in asks}) > 1 else []

    def _stream_asks(self, query: Query, asks: list[Ask], t0: float) -> AnswerStream:
        """Each ask answered in turn under its number ("（一）", "（二）"), as one answer."""
        holder = AnswerStream(iter(()))

        def run() -> Iterator[str]:
            answers: list[Answer] = []
            for n, (ask, hits) in enumerate(asks):
                yield ("\n\n" if n else "") + ASK_MARKS[n]
                part = self._stream(ask, hits, time.perf_counter())
                yield from part
                assert part.answer is not None
                answers.append(part.answer)
            holder.answer = joined_answer(query, answers, time.perf_counter() - t0)

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
        query = parse(question, None, self.settings.max_question_chars)
        hits = self.retriever.search(query.search, k or self.settings.top_k)
        timings = Timings(retrieval_s=time.perf_counter() - t0)

        def done(text: str, mode: str, **fields: object) -> Answer:
            timings.total_s = time.perf_counter() - t0
            return Answer(query.asked, text, refused=mode == "refused", retrieved=hits, timings=timings,
                          mode=mode, notes=list(query.notes), **fields)  # type: ignore[arg-type]  # fmt: skip

        if not self.is_confident(hits):
            return done(compose.refusal_text(hits), "refused", citations=[])
        return self._extractive(hits[0], done)

    def _extractive(self, best: Hit, done: object) -> Answer:
        body = compose.extractive_answer(best)
        text = body + compose.region_note([best.label], self.regional)
        return done(text, "extractive", citations=[compose.citation(best)], body=body)  # type: ignore[operator]

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
        seen, prompts = set(), []
        by_key = {it.key: it for it in self.items}
        for c in self.index.chunks:
            if not c.is_answer:
                continue
            it = by_key[c.key]
            hit = Hit(it.source, it.qid, it.label, it.question, it.section, c.text, 0.0, 1.0, 0.0, it.answer)
            p = self.build_prompt(Query("", ""), [hit])
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
        if getattr(gen, "cache", None) is None:
            return counts
        if self._corpus_changed_for_heads() and (dropped := self.prune_heads()):
            counts["dropped"] = dropped  # states of heads whose items are gone or changed
        for p in tqdm(self.prompt_heads(), desc="warming", unit="head", disable=not progress):
            how = gen.warm(p.messages, p.cache_head) or "skipped"
            counts[how] = counts.get(how, 0) + 1
        return counts

    def _corpus_changed_for_heads(self) -> bool:
        """Whether the corpus changed since the head states on disk were last pruned (and note the
        current one). Only then can a state belong to a head no item has: pruning at every start
        also dropped the heads of questions that name a story character, which are valid but not
        among the standard heads, so each restart recomputed them (first token +3–5 s)."""
        directory = getattr(getattr(self.generator, "cache", None), "dir", None)
        if directory is None:
            return True
        marker = Path(directory) / "corpus.sha256"
        current = self.index.manifest.corpus_hash
        try:
            if marker.read_text(encoding="utf-8").strip() == current:
                return False
        except OSError:
            pass
        try:
            marker.write_text(current, encoding="utf-8")
        except OSError:
            pass  # a read-only cache directory: prune every time, as before
        return True

    def prune_heads(self) -> int:
        """Drop the cached KV states of heads no current item has (after a document was removed or
        changed); returns how many. A no-op without a head cache."""
        gen = self.generator
        cache = getattr(gen, "cache", None)
        if cache is None:
            return 0
        keep: set[str] = set()
        for p in self.prompt_heads():
            keep |= gen.head_keys(p.messages, p.cache_head)  # type: ignore[attr-defined]
        return cache.prune(keep)

    def item(self, label: str) -> Item | None:
        return next((it for it in self.items if it.label == label), None)

    @property
    def index_path(self) -> Path:
        return self.settings.index_dir
