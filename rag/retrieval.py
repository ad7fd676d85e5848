"""Stage 4: hybrid retrieval — dense (FAISS) + keyword (BM25), fused by reciprocal rank per item.

Chunks are scored, then grouped by the item they belong to: an item is as relevant as its best
chunk. Both raw scores are kept on each :class:`Hit`: the fused score ranks, the dense cosine
decides refusals (it is comparable across questions, RRF scores are not).
"""

from __future__ import annotations

import faiss
import numpy as np

from .embedding import Embedder
from .index import DenseIndex
from .keyword import KeywordIndex
from .records import Hit, Item

# Multi-threaded FAISS search of one query is slower than one thread (thread start-up dominates).
faiss.omp_set_num_threads(1)


def rrf(ranks: list[int | None], weights: list[float], k: int) -> float:
    """Weighted reciprocal-rank fusion of 0-based ranks; None: the retriever did not return it."""
    return sum(w / (k + r + 1) for r, w in zip(ranks, weights, strict=True) if r is not None)


class HybridRetriever:
    def __init__(
        self,
        index: DenseIndex,
        items: list[Item],
        embedder: Embedder,
        candidates: int,
        rrf_k: int,
        bm25_weight: float,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.items = {it.key: it for it in items}
        self.keyword = KeywordIndex([c.embed_text() for c in index.chunks])
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.bm25_weight = bm25_weight

    def search(self, query: str, k: int) -> list[Hit]:
        chunks = self.index.chunks
        qvec = self.embedder.embed_queries([query])[0]
        d_scores, d_ids = self.index.search(qvec, self.candidates)
        b_all = self.keyword.scores(query)
        b_ids = [i for i in np.argsort(-b_all)[: self.candidates] if b_all[i] > 0]

        # Best chunk per item for each retriever, in rank order.
        dense: dict[str, tuple[float, int]] = {}
        for s, i in zip(d_scores, d_ids, strict=True):
            if i >= 0:
                dense.setdefault(chunks[i].key, (float(s), int(i)))
        bm25: dict[str, tuple[float, int]] = {}
        for i in b_ids:
            bm25.setdefault(chunks[i].key, (float(b_all[i]), int(i)))
        d_rank = {key: r for r, key in enumerate(dense)}
        b_rank = {key: r for r, key in enumerate(bm25)}

        hits = []
        for key in set(dense) | set(bm25):
            item = self.items[key]
            best = dense.get(key, bm25.get(key))
            assert best is not None
            hits.append(
                Hit(
                    source=item.source,
                    qid=item.qid,
                    label=item.label,
                    question=item.question,
                    section=item.section,
                    text=chunks[best[1]].text,
                    score=rrf([d_rank.get(key), b_rank.get(key)], [1.0, self.bm25_weight], self.rrf_k),
                    dense=dense[key][0] if key in dense else 0.0,
                    bm25=bm25[key][0] if key in bm25 else 0.0,
                    full_text=item.answer,
                )
            )
        hits.sort(key=lambda h: (-h.score, -h.dense))
        return hits[:k]
