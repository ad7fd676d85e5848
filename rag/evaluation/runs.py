"""Eval runs: answer every record, score it, write ``eval/runs/NAME.json``; rescore a stored run.

Each finished question is appended to ``<run>.partial`` first, so an interrupted run resumes
where it stopped; the final JSON is written atomically.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from ._io import atomic_write
from .evalset import SPLITS, EvalRecord
from .metrics import EvalContext, aggregate, score

if TYPE_CHECKING:
    from ..assistant import Assistant
    from ..records import Answer

EXTRACTIVE = "extractive"  # the no-LLM baseline, usable wherever a generator name is


def answer_row(rec: EvalRecord, ans: Answer) -> dict[str, Any]:
    return {
        "id": rec.id,
        "split": rec.split,
        "question": rec.question,
        "history": list(rec.history),
        "gold": list(rec.qids),
        "answer": ans.text,
        "body": ans.body,
        "mode": ans.mode,
        "refused": ans.refused,
        "citations": [c.label for c in ans.citations],
        "evidence": [
            {"label": e.label, "text": e.text, **({"shown": e.shown} if e.shown else {})}
            for e in ans.evidence
        ],
        "retrieved": [h.label for h in ans.retrieved],
        "timings": ans.timings.to_dict(),
        "notes": ans.notes,
    }


def summarize(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    by_split = {
        sp: aggregate([r for r in rows if r["split"] == sp])
        for sp in SPLITS
        if any(r["split"] == sp for r in rows)
    }
    return aggregate(rows), by_split


def run_eval(
    assistant: Assistant,
    records: list[EvalRecord],
    out_path: Path,
    generator_name: str,
    model_info: dict[str, Any],
    progress: bool = True,
) -> dict[str, Any]:
    partial = out_path.with_suffix(out_path.suffix + ".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    done: dict[str, dict[str, Any]] = {}
    if partial.exists():
        for line in partial.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                done[row["id"]] = row
            except (json.JSONDecodeError, KeyError):
                continue  # a torn last line from an interrupted write: redone
    ctx = EvalContext.of(assistant.items)
    if generator_name == EXTRACTIVE:
        answer: Callable[[EvalRecord], Answer] = lambda r: assistant.extractive(r.question)  # noqa: E731
    else:
        answer = lambda r: assistant.answer(r.question, history=list(r.history) or None)  # noqa: E731
    todo = [r for r in records if r.id not in done]
    t0 = time.perf_counter()
    with partial.open("a", encoding="utf-8") as f:
        for rec in tqdm(todo, desc=f"eval {generator_name}", unit="q", disable=not progress):
            row = answer_row(rec, answer(rec))
            row["scores"] = score(rec, row, ctx)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            f.flush()
            done[rec.id] = row
    rows = [done[r.id] for r in records if r.id in done]
    s = assistant.settings
    agg, by_split = summarize(rows)
    run = {
        "name": out_path.stem,
        "generator": generator_name,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "wall_seconds_this_session": round(time.perf_counter() - t0, 1),
        "models": model_info,
        "settings": json.loads(
            s.model_dump_json(exclude={"corpus_dir", "models_dir", "index_dir", "kv_cache_dir"})
        ),
        "splits": sorted({r["split"] for r in rows}),
        "aggregate": agg,
        "by_split": by_split,
        "questions": rows,
    }
    atomic_write(out_path, json.dumps(run, ensure_ascii=False, indent=1) + "\n")
    partial.unlink(missing_ok=True)
    return run


def rescore_run(run: dict[str, Any], records: list[EvalRecord], ctx: EvalContext) -> dict[str, Any]:
    """Recompute every score of a stored run with today's metrics (the answers are not regenerated).
    Rows of older runs lack ``body``/``evidence``/``refused``: they are derived from the text."""
    by_id = {r.id: r for r in records}
    for row in run["questions"]:
        rec = by_id.get(row["id"])
        if rec is None:
            continue
        row.setdefault("refused", row.get("mode") == "refused")
        row.setdefault("history", list(rec.history))
        row.setdefault("evidence", [])
        row["scores"] = score(rec, row, ctx)
    run["aggregate"], run["by_split"] = summarize(run["questions"])
    run["rescored"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return run
