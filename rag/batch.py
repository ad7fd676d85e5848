"""Batch answering: questions in (JSONL or CSV), one result line each out, resumable.

Every finished answer is appended and flushed at once, so a batch killed at any point loses at
most the question it was working on; ``--resume`` skips the ids already in the output (a torn last
line is cut first). Bad input lines are reported with their line numbers and skipped; the rest are
processed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from .assistant import Assistant, QuestionError
from .records import Answer

CSV_FIELDS = [
    "id",
    "question",
    "answer",
    "body",
    "refused",
    "citations",
    "evidence",
    "retrieved",
    "timings",
    "error",
]


class BatchError(ValueError):
    pass


@dataclass
class Question:
    id: str
    question: Any  # validated by the Assistant, so a wrong type becomes an error line, not a crash
    line: int


def _fmt(path: Path) -> str:
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read_questions(path: Path, problems: list[str]) -> Iterator[Question]:
    """Questions from a JSONL or CSV file; bad lines go to ``problems`` with their line number."""
    if not path.is_file():
        raise BatchError(f"input file not found: {path}")
    raw = path.read_bytes()
    if _fmt(path) == "csv":
        text = raw.decode("utf-8-sig", errors="replace")
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "question" not in reader.fieldnames:
            raise BatchError(f"{path}: a CSV input needs a header with a 'question' column")
        for n, row in enumerate(reader, start=2):
            if "\ufffd" in (row.get("question") or ""):
                problems.append(f"{path}:{n}: not valid UTF-8; skipped")
                continue
            yield Question(str(row.get("id") or f"line-{n}"), row.get("question") or "", n)
        return
    for n, line_bytes in enumerate(raw.splitlines(), start=1):
        try:
            line = line_bytes.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"{path}:{n}: not valid UTF-8 ({e.reason}); skipped")
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{path}:{n}: not valid JSON ({e.msg}); skipped")
            continue
        if not isinstance(obj, dict) or "question" not in obj:
            problems.append(f"{path}:{n}: expected an object with a 'question' field; skipped")
            continue
        yield Question(str(obj.get("id", f"line-{n}")), obj["question"], n)


def record(qid: str, question: Any, answer: Answer | None, error: str | None = None) -> dict[str, Any]:
    if answer is None:
        return {"id": qid, "question": question, "answer": None, "body": None, "refused": None,
                "citations": [], "evidence": [], "retrieved": [], "timings": {}, "error": error}  # fmt: skip
    d = answer.to_dict()
    evidence = [{"label": e["label"], "text": e["shown"] or e["text"]} for e in d["evidence"]]  # as shown
    return {"id": qid, "question": question, "answer": d["answer"], "body": d["body"],
            "refused": d["refused"], "citations": d["citations"], "evidence": evidence,
            "retrieved": d["retrieved"], "timings": d["timings"], "error": error}  # fmt: skip


def _cut_torn_tail(path: Path) -> None:
    """A kill mid-write can leave a last line without its newline: remove it (it is redone)."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        path.write_bytes(data[: data.rfind(b"\n") + 1])


def done_ids(path: Path) -> set[str]:
    if not path.exists():
        return set()
    _cut_torn_tail(path)
    text = path.read_text(encoding="utf-8")
    if _fmt(path) == "csv":
        return {row["id"] for row in csv.DictReader(io.StringIO(text)) if row.get("id")}
    ids = set()
    for line in text.splitlines():
        try:
            ids.add(str(json.loads(line)["id"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            continue
    return ids


class Writer:
    def __init__(self, path: Path, append: bool) -> None:
        self.path = path
        self.fmt = _fmt(path)
        new = not (append and path.exists() and path.stat().st_size > 0)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f: TextIO = path.open("a" if append else "w", encoding="utf-8", newline="")
        if self.fmt == "csv":
            self.csv = csv.DictWriter(self.f, fieldnames=CSV_FIELDS)
            if new:
                self.csv.writeheader()

    def write(self, rec: dict[str, Any]) -> None:
        if self.fmt == "csv":
            row = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                   for k, v in rec.items()}  # fmt: skip
            self.csv.writerow(row)
        else:
            self.f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.f.flush()
        os.fsync(self.f.fileno())  # the line is on disk before the next question starts

    def close(self) -> None:
        self.f.close()


def run_batch(
    assistant: Assistant,
    in_path: Path,
    out_path: Path,
    resume: bool = False,
    overwrite: bool = False,
    retrieval_only: bool = False,
    keep_order: bool = False,
    log: TextIO = sys.stderr,
) -> dict[str, int]:
    """Answer ``in_path`` into ``out_path``. Unless ``keep_order``, questions are worked in the order
    of :meth:`Assistant.plan` (grouped by top item, so prompt heads are reused); every output line
    carries its id, so the file is complete and resumable in any order."""
    if out_path.resolve() == in_path.resolve():
        raise BatchError("the output file must not be the input file")
    if out_path.exists() and out_path.stat().st_size > 0 and not (resume or overwrite):
        raise BatchError(f"{out_path} exists: pass --resume to continue it or --overwrite to replace it")
    problems: list[str] = []
    questions = list(read_questions(in_path, problems))
    skip = done_ids(out_path) if resume else set()
    seen: set[str] = set()
    todo, already = [], 0
    for q in questions:
        if q.id in seen:
            problems.append(f"{in_path}:{q.line}: duplicate id {q.id!r}; skipped")
            continue
        seen.add(q.id)
        if q.id in skip:
            already += 1
        else:
            todo.append(q)
    for p in problems:
        print(p, file=log)
    writer = Writer(out_path, append=resume)
    counts = {"answered": 0, "errors": 0, "skipped_done": already, "bad_lines": len(problems)}
    if retrieval_only or keep_order:
        work = [(q, None) for q in todo]
    else:
        work = [(todo[i], hits) for i, hits in assistant.plan([q.question for q in todo])]
    try:
        for q, planned in tqdm(work, desc="batch", unit="q"):
            try:
                if retrieval_only:
                    hits = assistant.retrieve(q.question)
                    rec = record(q.id, q.question, None)
                    rec["retrieved"] = [h.brief() for h in hits]
                else:
                    rec = record(q.id, q.question, assistant.answer(q.question, hits=planned))
                counts["answered"] += 1
            except QuestionError as e:
                rec = record(q.id, q.question, None, error=str(e))
                counts["errors"] += 1
            writer.write(rec)
    finally:
        writer.close()
    return counts
