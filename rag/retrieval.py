"""Stage 4: hybrid retrieval — dense (FAISS) + keyword (BM25), fused by reciprocal rank per item.

The question is normalised like the documents (traditional → simplified, look-alikes, full-width
letters). Chunks are scored, then grouped by the item they belong to, in three rankings: items by
their best answer piece (dense), by the closest way of asking for them — their own question or a
reviewed phrasing (dense), and by their best BM25 chunk of any kind. The rankings are fused by
weighted reciprocal rank. Raw scores stay on each :class:`Hit` for the scope decision
(:mod:`rag.scope`): RRF scores rank, cosines and BM25 scores say how close the match is.
"""

from __future__ import annotations

from collections.abc import Iterable

import faiss
import numpy as np

from .embedding import Embedder
from .index import DenseIndex
from .keyword import KeywordIndex
from .normalise import normalise_query
from .question import Query, asking_part
from .records import Chunk, Hit, Item

FOLLOW_UP_DEPTH = 10  # items of a follow-up's two searches that are fused
# Multi-threaded FAISS search of one query is slower than one thread (thread start-up dominates).
faiss.omp_set_num_threads(1)


def rrf(ranks: list[int | None], weights: list[float], k: int) -> float:
    """Weighted reciprocal-rank fusion of 0-based ranks; None: the retriever did not return it."""
    return sum(w / (k + r + 1) for r, w in zip(ranks, weights, strict=True) if r is not None)


def _best_per_item(chunks: list[Chunk], ranked: Iterable[tuple[float, int]]) -> dict[str, tuple[float, int]]:
    """The first (best) chunk of each item in a ranked list of (score, chunk id), in rank order."""
    best: dict[str, tuple[float, int]] = {}
    for score, i in ranked:
        if i >= 0:
            best.setdefault(chunks[i].key, (float(score), int(i)))
    return best


def lead_first(hits: list[Hit], lead: float) -> list[Hit]:
    """The hits with the item closest in meaning first when its cosine leads every other item's by
    at least ``lead`` (0: never): the fusion gives one strong vector no more than a first rank, and
    two middling ranks elsewhere outvote it ("转诊备案办好以后拖了小半年才去住院…" matched 异地就医·问9
    by 0.597 against 0.547, fused fourth; probe 88). Over the eval's retrieval splits and probes
    1–89, where the two firsts differ with a lead ≥ 0.03 (71 of 1,921 questions) the dense first is
    the gold item for 42 and the fused first for 21; each group of probes and the eval's splits
    gain. Only the order moves: scores, and so the scope decision's signals, are unchanged."""
    if len(hits) < 2 or not lead:
        return hits
    by_dense = sorted(hits, key=lambda h: -h.dense)
    top = by_dense[0]
    if top is hits[0] or top.dense - by_dense[1].dense < lead:
        return hits
    return [top, *(h for h in hits if h is not top)]


class HybridRetriever:
    def __init__(
        self,
        index: DenseIndex,
        items: list[Item],
        embedder: Embedder,
        candidates: int,
        rrf_k: int,
        bm25_weight: float,
        asked_weight: float = 1.0,
        keyword_ngrams: bool = True,
        normalise: bool = True,
        dense_chars: int = 0,
        follow_up_weight: float = 0.0,
        synonyms: dict[str, str] | None = None,
        dense_lead: float = 0.0,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.items = {it.key: it for it in items}
        texts = [c.embed_text() for c in index.chunks]
        self.keyword = KeywordIndex(texts, ngrams=keyword_ngrams, synonyms=synonyms)
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.bm25_weight = bm25_weight
        self.asked_weight = asked_weight
        self.normalise = normalise
        self.dense_chars = dense_chars
        self.follow_up_weight = follow_up_weight
        self.dense_lead = dense_lead
        self.first_answer: dict[str, int] = {}
        for c in index.chunks:
            if c.is_answer:
                self.first_answer.setdefault(c.key, c.chunk_id)

    def find(self, query: Query, k: int) -> list[Hit]:
        """The items for a parsed question. A follow-up is searched joined to its previous question
        (alone, "那要是吃低保呢？" says nothing about what "that" is); its items are then reordered by
        fusing in the ranking of the follow-up's own words, which name what is newly asked ("那我该
        找谁反映？" after a question about 诱导住院: the reporting item, not 住院 again). Only the joined
        search's items are kept, with their scores: the follow-up's words reorder, they add nothing."""
        if query.previous is None or not self.follow_up_weight:
            return self.search(query.search, k)
        depth = max(k, FOLLOW_UP_DEPTH)  # the item asked about may be below the joined top k
        hits = self.search(query.search, depth)
        own = {h.label: r for r, h in enumerate(self.search(query.asked, depth))}
        joined = {h.label: r for r, h in enumerate(hits)}
        weights = [1.0, self.follow_up_weight]
        hits.sort(key=lambda h: -rrf([joined[h.label], own.get(h.label)], weights, self.rrf_k))
        return hits[:k]

    def search(self, query: str, k: int) -> list[Hit]:
        chunks = self.index.chunks
        if self.normalise:
            query = normalise_query(query)
        # A long question is mostly its story: the dense side embeds the part that asks (embedding
        # time grows with length; BM25 still reads every word).
        qvec = self.embedder.embed_queries([asking_part(query, self.dense_chars)])[0]
        # Items have several vectors each (answer pieces, question, phrasings): look deep enough
        # that every kind contributes ``candidates`` items. Exact search over a few thousand
        # vectors takes well under a millisecond.
        depth = min(len(chunks), max(self.candidates * 20, 2000))
        d_scores, d_ids = self.index.search(qvec, depth)
        dense_hits = list(zip(d_scores, d_ids, strict=True))
        answer = _best_per_item(chunks, ((s, i) for s, i in dense_hits if i >= 0 and chunks[i].is_answer))
        asked = _best_per_item(chunks, ((s, i) for s, i in dense_hits if i >= 0 and not chunks[i].is_answer))
        b_all = self.keyword.scores(query)
        b_top = [int(i) for i in np.argsort(-b_all)[:depth] if b_all[i] > 0]
        bm25 = _best_per_item(chunks, ((b_all[i], i) for i in b_top))
        ranks = [{key: r for r, key in enumerate(list(m)[: self.candidates])} for m in (answer, asked, bm25)]
        weights = [1.0, self.asked_weight, self.bm25_weight]

        hits = []
        for key in set().union(*ranks):
            item = self.items[key]
            best_answer = answer.get(key)
            if best_answer is None and key in bm25 and chunks[bm25[key][1]].is_answer:
                best_answer = bm25[key]
            text_id = best_answer[1] if best_answer else self.first_answer[key]
            hits.append(
                Hit(
                    source=item.source,
                    qid=item.qid,
                    label=item.label,
                    question=item.question,
                    section=item.section,
                    text=chunks[text_id].text,
                    score=rrf([r.get(key) for r in ranks], weights, self.rrf_k),
                    dense=max(answer.get(key, (0.0,))[0], asked.get(key, (0.0,))[0]),
                    bm25=bm25[key][0] if key in bm25 else 0.0,
                    full_text=item.answer,
                )
            )
        # Fused ranks tie exactly when one item is first by its answer text and another first by
        # both its question and its words (1/61 + 0.5/62 + 0.5/62 either way): the tie goes to the
        # item leading by more, each side's score as a share of its best (probe 83: 问34 led 问33 by
        # 0.597 to 0.595 in cosine, 问33 led by 23.5 to 7.8 in BM25). On probes 1–83 and the eval's
        # retrieval splits 25 of 1,731 questions tie; the first item is right for 5 more than when
        # the higher cosine wins.
        top_dense = max((h.dense for h in hits), default=0.0) or 1.0
        top_bm25 = max((h.bm25 for h in hits), default=0.0) or 1.0
        hits.sort(key=lambda h: (-h.score, -(h.dense / top_dense + h.bm25 / top_bm25)))
        return lead_first(hits, self.dense_lead)[:k]
