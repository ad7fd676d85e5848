"""Retrieval alone: hit@k and MRR per split, and the refusal threshold's calibration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .evalset import REFUSE_SPLITS, EvalRecord

if TYPE_CHECKING:
    from ..assistant import Assistant


def retrieval_report(assistant: Assistant, records: list[EvalRecord], k: int = 10) -> dict[str, Any]:
    """hit@k/MRR per split and the refusal threshold's calibration (no generation)."""
    ranks: dict[str, list[int | None]] = {}
    best: dict[str, list[float]] = {}
    rows = []
    for rec in records:
        search = f"{rec.history[-1]}（追问：{rec.question}）" if rec.history else rec.question
        hits = assistant.retriever.search(search, k)
        labels = [h.label for h in hits]
        r = next((i for i, lb in enumerate(labels) if lb in rec.qids), None) if rec.qids else None
        if rec.qids:
            ranks.setdefault(rec.split, []).append(r)
        best.setdefault(rec.split, []).append(max((h.dense for h in hits), default=0.0))
        rows.append(
            {"id": rec.id, "question": rec.question, "gold": list(rec.qids), "top3": labels[:3], "rank": r}
        )
    s = assistant.settings
    metrics = {
        split: {
            "n": len(rs),
            "hit@1": sum(r == 0 for r in rs) / len(rs),
            "hit@3": sum(r is not None and r < 3 for r in rs) / len(rs),
            "mrr": sum(1 / (r + 1) for r in rs if r is not None) / len(rs),
        }
        for split, rs in ranks.items()
    }
    ins = np.asarray([b for sp, bs in best.items() if sp not in REFUSE_SPLITS for b in bs])
    outs = np.asarray(best.get("out_of_scope", []))
    sweep = [
        {
            "threshold": round(float(t), 2),
            "false_refusal_rate": float(np.mean(ins < t)),
            "oos_refusal_rate": float(np.mean(outs < t)),
        }
        for t in np.arange(0.40, 0.61, 0.02)
    ]
    return {
        "embedder": assistant.index.manifest.embedder_id,
        "settings": {
            "bm25_weight": s.bm25_weight,
            "rrf_k": s.rrf_k,
            "candidates": s.candidates,
            "chunk_size": s.chunk_size,
        },
        "retrieval": metrics,
        "calibration": {
            "threshold": s.refuse_below,
            "false_refusal_rate": float(np.mean(ins < s.refuse_below)),
            "oos_refusal_rate": float(np.mean(outs < s.refuse_below)),
            "in_scope_min": float(ins.min()),
            "out_of_scope_max": float(outs.max()),
            "sweep": sweep,
        },
        "questions": rows,
    }
