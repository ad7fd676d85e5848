"""Retrieval alone: hit@k and MRR per split, what each component adds, latency, and the scope
decision's calibration on the fitted and the held-out half (no generation)."""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING, Any

import faiss
import numpy as np

from ..index import DenseIndex
from ..question import parse
from ..retrieval import HybridRetriever
from ..scope import CosineScope
from .calibration import Sample, rates, samples, wilson
from .evalset import REFUSE_SPLITS, EvalRecord

if TYPE_CHECKING:
    from ..assistant import Assistant

# Each ablation switches one component off (or, for "before", everything this stage added).
ABLATIONS: dict[str, dict[str, Any]] = {
    "default": {},
    "- phrasings": {"kinds": {"answer", "question"}},
    "- question vectors": {"kinds": {"answer", "phrasing"}},
    "- ways to ask (answer pieces only)": {"kinds": {"answer"}},
    "- BM25": {"bm25_weight": 0.0},
    "- character bigrams": {"ngrams": False},
    "- synonyms (corpus/synonyms.tsv)": {"synonyms": False},
    "- question normalisation": {"normalise": False},
    "- follow-up's own words": {"follow_up_weight": 0.0},
    "before (answer pieces, BM25 words, raw question)": {
        "kinds": {"answer"},
        "ngrams": False,
        "synonyms": False,
        "normalise": False,
        "follow_up_weight": 0.0,
    },
}


class _CachedEmbedder:
    """The same questions are embedded once for all ablations."""

    def __init__(self, embedder: Any) -> None:
        self._embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._cache]
        if missing:
            for t, v in zip(missing, self._embedder.embed_queries(missing), strict=True):
                self._cache[t] = v
        return np.stack([self._cache[t] for t in texts])


def variant(assistant: Assistant, embedder: Any, **kw: Any) -> HybridRetriever:
    """A retriever over a subset of the index's vectors (no re-embedding) with other settings."""
    s, idx = assistant.settings, assistant.index
    kinds = kw.get("kinds")
    keep = [c for c in idx.chunks if kinds is None or c.kind in kinds]
    vectors = idx.faiss_index.reconstruct_n(0, idx.faiss_index.ntotal)[[c.chunk_id for c in keep]]
    fi = faiss.IndexFlatIP(vectors.shape[1])
    fi.add(np.ascontiguousarray(vectors))
    chunks = [dataclasses.replace(c, chunk_id=i) for i, c in enumerate(keep)]
    sub = DenseIndex(dataclasses.replace(idx.manifest, n_chunks=len(chunks)), chunks, fi)
    return HybridRetriever(
        sub, assistant.items, embedder, s.candidates, s.rrf_k,
        kw.get("bm25_weight", s.bm25_weight), kw.get("asked_weight", s.asked_weight),
        kw.get("ngrams", s.keyword_ngrams), kw.get("normalise", True), s.dense_query_chars,
        kw.get("follow_up_weight", s.follow_up_weight),
        assistant.retriever.keyword.synonyms if kw.get("synonyms", True) else None,
        kw.get("dense_lead", s.dense_lead),
    )  # fmt: skip


def _rank(retriever: HybridRetriever, rec: EvalRecord, max_chars: int, k: int) -> int | None:
    query = parse(rec.question, list(rec.history), max_chars)
    labels = [h.label for h in retriever.find(query, k)]
    return next((i for i, lb in enumerate(labels) if lb in rec.qids), None)


def split_metrics(ranks: dict[str, list[int | None]]) -> dict[str, dict[str, Any]]:
    out = {}
    for split, rs in ranks.items():
        h1, h3 = sum(r == 0 for r in rs), sum(r is not None and r < 3 for r in rs)
        out[split] = {
            "n": len(rs),
            "hit@1": round(h1 / len(rs), 4),
            "hit@1_ci": wilson(h1, len(rs)),
            "hit@3": round(h3 / len(rs), 4),
            "hit@3_ci": wilson(h3, len(rs)),
            "mrr": round(sum(1 / (r + 1) for r in rs if r is not None) / len(rs), 4),
        }
    return out


def retrieval_report(assistant: Assistant, records: list[EvalRecord], k: int = 10) -> dict[str, Any]:
    """hit@k/MRR per split for the default and every ablation, search latency, and the scope
    decision (the loaded one and the plain cosine threshold) on both halves."""
    s = assistant.settings
    answerable = [r for r in records if r.split not in REFUSE_SPLITS]
    embedder = _CachedEmbedder(assistant.retriever.embedder)
    ablations = {}
    rows: list[dict[str, Any]] = []
    for name, kw in ABLATIONS.items():
        retriever = variant(assistant, embedder, **kw)
        ranks: dict[str, list[int | None]] = {}
        for rec in answerable:
            r = _rank(retriever, rec, s.max_question_chars, k)
            ranks.setdefault(rec.split, []).append(r)
            if name == "default":
                rows.append({"id": rec.id, "split": rec.split, "question": rec.question,
                             "gold": list(rec.qids), "rank": r})  # fmt: skip
        ablations[name] = split_metrics(ranks)

    # Latency of the product path: a fresh question each time (no embedding cache).
    times = []
    for rec in answerable[:200]:
        t0 = time.perf_counter()
        assistant.retriever.search(rec.question + "？", k)
        times.append(time.perf_counter() - t0)

    all_samples = samples(assistant, records, k)
    halves: dict[str, list[Sample]] = {
        "fitted": [x for x in all_samples if not x.held_out],
        "held_out": [x for x in all_samples if x.held_out],
    }
    cosine = CosineScope(s.refuse_below)

    def gate_refuses(x: Sample) -> bool:
        return assistant.decide(x.query, x.hits).refused

    return {
        "embedder": assistant.index.manifest.embedder_id,
        "n_vectors": len(assistant.index.chunks),
        "vectors_by_kind": {
            kind: sum(c.kind == kind for c in assistant.index.chunks)
            for kind in ("answer", "question", "phrasing")
        },
        "settings": {
            key: getattr(s, key)
            for key in (
                "bm25_weight",
                "asked_weight",
                "rrf_k",
                "candidates",
                "chunk_size",
                "keyword_ngrams",
                "keyword_synonyms",
            )
        },
        "retrieval": ablations["default"],
        "ablations": ablations,
        "latency_s": {
            "n": len(times),
            "p50": round(float(np.percentile(times, 50)), 4),
            "p99": round(float(np.percentile(times, 99)), 4),
        },
        "scope": {
            "decision": assistant.scope.describe(),
            "status": assistant.scope_status,
            **{half: rates(assistant.scope, part) for half, part in halves.items()},
            "cosine_baseline": {
                "decision": cosine.describe(),
                **{half: rates(cosine, part) for half, part in halves.items()},
            },
            # What a user gets before any generation: the scope decision plus the gate's rules
            # (another region's question with only Hubei-only items; requests to invent).
            "pipeline": {
                "decision": "scope + the gate's invention, insurance-kind, region and local-figure rules",
                **{half: rates(gate_refuses, part) for half, part in halves.items()},
            },
        },
        "questions": rows,
    }


def _ci(ci: list[float] | tuple[float, float] | None) -> str:
    return f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""


def retrieval_markdown(report: dict[str, Any]) -> str:
    """The report as the tables the README shows."""
    splits = list(report["retrieval"])
    lines = [
        "# Retrieval report",
        "",
        f"Embedder {report['embedder']}; {report['n_vectors']} vectors {report['vectors_by_kind']}; "
        f"settings {report['settings']}. Written by `rag eval retrieval`.",
        "",
        "## hit@1 / hit@3 per split (default), 95% Wilson intervals",
        "",
        "| split | n | hit@1 | hit@3 | MRR |",
        "|---|---:|---|---|---:|",
    ]
    for split, m in report["retrieval"].items():
        lines.append(
            f"| {split} | {m['n']} | {m['hit@1']:.3f} {_ci(m['hit@1_ci'])} | "
            f"{m['hit@3']:.3f} {_ci(m['hit@3_ci'])} | {m['mrr']:.3f} |"
        )
    lines += ["", "## What each component adds: hit@1 with one component off", ""]
    lines.append("| variant | " + " | ".join(splits) + " |")
    lines.append("|---|" + "---:|" * len(splits))
    for name, metrics in report["ablations"].items():
        cells = [f"{metrics[sp]['hit@1']:.3f}" if sp in metrics else "" for sp in splits]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lat = report["latency_s"]
    lines += [
        "",
        f"Search latency over {lat['n']} questions (embedding + FAISS + BM25 + fusion): "
        f"p50 {lat['p50'] * 1000:.1f} ms, p99 {lat['p99'] * 1000:.1f} ms.",
        "",
        "## Scope decision: fitted half vs held-out half",
        "",
        "| decision | half | false refusals (in scope) | out of scope refused |",
        "|---|---|---|---|",
    ]
    sc = report["scope"]
    blocks = [(sc["decision"], sc)] + [(sc[b]["decision"], sc[b]) for b in ("cosine_baseline", "pipeline")]
    for name, block in blocks:
        for half in ("fitted", "held_out"):
            r = block[half]
            fr = f"{r['false_refusals']}/{r['n_in_scope']} = {r['false_refusal_rate']:.3f}"
            oos = f"{r['oos_refused']}/{r['n_out_of_scope']} = {r['oos_refusal_rate']:.3f}"
            lines.append(
                f"| {name} | {half} | {fr} {_ci(r['false_refusal_ci'])} | {oos} {_ci(r['oos_refusal_ci'])} |"
            )
    held = sc["held_out"]
    if held["falsely_refused"] or held["oos_answered"]:
        lines += ["", "Held-out mistakes of the default decision:", ""]
        lines += [f"- refused, but answerable: {q}" for q in held["falsely_refused"]]
        lines += [f"- answered, but out of scope: {q}" for q in held["oos_answered"]]
    return "\n".join(lines) + "\n"
