"""Evaluation data and retrieval metrics (no model judge, all offline).

Splits: ``as-written`` (every FAQ item's own question), ``paraphrase`` (eval/paraphrases.tsv:
colloquial rewordings written by hand, with every item that answers them as gold) and
``out-of-scope`` (eval/out_of_scope.txt: questions the documents do not answer; the right outcome
is a refusal).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .assistant import Assistant

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    split: str
    question: str
    gold: tuple[str, ...]  # citation labels of the items that answer it; empty: should refuse


def load_eval_questions(assistant: Assistant, eval_dir: Path = EVAL_DIR) -> list[EvalQuestion]:
    qs = [EvalQuestion(f"item-{it.label}", "as-written", it.question, (it.label,)) for it in assistant.items]
    labels = {it.label for it in assistant.items}
    counts: dict[str, int] = {}
    for n, line in enumerate((eval_dir / "paraphrases.tsv").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        target, question, *gold = line.split("\t")
        unknown = [g for g in [target, *gold] if g not in labels]
        if unknown:
            raise ValueError(f"paraphrases.tsv:{n}: unknown labels {unknown}")
        counts[target] = counts.get(target, 0) + 1
        qs.append(EvalQuestion(f"para-{target}-{counts[target]}", "paraphrase", question, tuple(gold)))
    oos = (eval_dir / "out_of_scope.txt").read_text(encoding="utf-8").splitlines()
    qs += [EvalQuestion(f"oos-{i:02d}", "out-of-scope", q, ()) for i, q in enumerate(oos, 1) if q.strip()]
    return qs


def rank_of_gold(labels: list[str], gold: tuple[str, ...]) -> int | None:
    return next((i for i, lb in enumerate(labels) if lb in gold), None)


def retrieval_metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "n": n,
        "hit@1": sum(r == 0 for r in ranks) / n,
        "hit@3": sum(r is not None and r < 3 for r in ranks) / n,
        "mrr": sum(1 / (r + 1) for r in ranks if r is not None) / n,
    }


def calibrate(in_scope: list[float], out_scope: list[float], threshold: float) -> dict[str, Any]:
    """False-refusal and out-of-scope refusal rates at the threshold, and a sweep around it."""
    ins, outs = np.asarray(in_scope), np.asarray(out_scope)
    sweep = [
        {
            "threshold": round(float(t), 2),
            "false_refusal_rate": float(np.mean(ins < t)),
            "oos_refusal_rate": float(np.mean(outs < t)),
        }
        for t in np.arange(0.40, 0.61, 0.02)
    ]
    return {
        "threshold": threshold,
        "false_refusal_rate": float(np.mean(ins < threshold)),
        "oos_refusal_rate": float(np.mean(outs < threshold)),
        "in_scope_min": float(ins.min()),
        "out_of_scope_max": float(outs.max()),
        "sweep": sweep,
    }


def retrieval_report(assistant: Assistant, k: int = 10) -> dict[str, Any]:
    questions = load_eval_questions(assistant)
    ranks: dict[str, list[int | None]] = {}
    best: dict[str, list[float]] = {}
    rows = []
    for q in questions:
        hits = assistant.retriever.search(q.question, k)
        labels = [h.label for h in hits]
        r = rank_of_gold(labels, q.gold) if q.gold else None
        if q.gold:
            ranks.setdefault(q.split, []).append(r)
        best.setdefault(q.split, []).append(max((h.dense for h in hits), default=0.0))
        rows.append({"id": q.id, "question": q.question, "gold": list(q.gold), "top3": labels[:3], "rank": r})
    s = assistant.settings
    return {
        "embedder": assistant.index.manifest.embedder_id,
        "settings": {
            "bm25_weight": s.bm25_weight,
            "rrf_k": s.rrf_k,
            "candidates": s.candidates,
            "chunk_size": s.chunk_size,
        },
        "retrieval": {split: retrieval_metrics(r) for split, r in ranks.items()},
        "calibration": calibrate(
            best["paraphrase"] + best["as-written"], best["out-of-scope"], s.refuse_below
        ),
        "questions": rows,
    }
