"""Judged grades: a person reads each answer and says what it is worth to the asker.

Grades live in ``eval/judgments.jsonl``, one line per (question id, answer hash), so an unchanged
answer keeps its grade across runs and a changed one is listed as needing a read. Each line keeps
the question and the answer text too: the file can be reviewed (and disputed) on its own.

The rubric (README, "Evaluation"):

* ``direct``        states the right conclusion for the question as asked, supported, concise;
* ``indirect``      right facts, but not a reply to the asker: retold story, copied passage, odd
                    phrasing, or "the documents do not answer directly" with the right evidence;
* ``wrong``         wrong or contradictory conclusion, or a claim the source does not make;
                    for a question that must be refused: any answer that is not a refusal;
* ``broken``        fragment, copied question, useless text;
* ``false_refusal`` an answerable question refused;
* ``refused``       a question that must be refused (out of scope, invent/guess), refused.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .evalset import EVAL_DIR, REFUSE_SPLITS

GRADES = ("direct", "indirect", "wrong", "broken", "false_refusal", "refused")
KEYS = {"d": "direct", "i": "indirect", "w": "wrong", "b": "broken", "f": "false_refusal", "r": "refused"}
JUDGMENTS = EVAL_DIR / "judgments.jsonl"


def answer_sha(text: str) -> str:
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Judgment:
    id: str
    answer_sha: str
    grade: str
    note: str = ""
    by: str = ""
    at: str = ""
    question: str = ""
    answer: str = ""


class Judgments:
    """Every grade given so far; the last line for an (id, answer) wins."""

    def __init__(self, path: Path = JUDGMENTS) -> None:
        self.path = path
        self._by_key: dict[tuple[str, str], Judgment] = {}
        if path.exists():
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    j = Judgment(**json.loads(line))
                except (json.JSONDecodeError, TypeError) as e:
                    raise ValueError(f"{path}:{n}: not a judgment line: {e}") from e
                self._by_key[(j.id, j.answer_sha)] = j

    def __len__(self) -> int:
        return len(self._by_key)

    def grade(self, row: dict[str, Any]) -> str | None:
        j = self._by_key.get((row["id"], answer_sha(row["answer"])))
        return j.grade if j else None

    def pending(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in rows if self.grade(r) is None]

    def record(self, row: dict[str, Any], grade: str, note: str = "", by: str = "") -> Judgment:
        if grade not in GRADES:
            raise ValueError(f"unknown grade {grade!r}; one of {', '.join(GRADES)}")
        if row["split"] in REFUSE_SPLITS and grade not in ("refused", "wrong"):
            raise ValueError(f"{row['id']}: a question that must be refused is graded refused or wrong")
        j = Judgment(row["id"], answer_sha(row["answer"]), grade, note, by,
                     time.strftime("%Y-%m-%dT%H:%M:%S"), row["question"], row["answer"])  # fmt: skip
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(asdict(j), ensure_ascii=False) + "\n")
        self._by_key[(j.id, j.answer_sha)] = j
        return j


def judged_values(rows: list[dict[str, Any]], judgments: Judgments) -> dict[str, dict[str, float]]:
    """Per metric, per question id, the judged value (1/0) — only for judged questions."""
    out: dict[str, dict[str, float]] = {m: {} for m in JUDGED_METRICS}
    for r in rows:
        g = judgments.grade(r)
        if g is None:
            continue
        if r["split"] in REFUSE_SPLITS:
            out["judged_refused_when_required"][r["id"]] = float(g == "refused")
            continue
        out["judged_direct"][r["id"]] = float(g == "direct")
        out["judged_indirect"][r["id"]] = float(g == "indirect")
        out["judged_wrong_or_broken"][r["id"]] = float(g in ("wrong", "broken"))
        out["judged_false_refusal"][r["id"]] = float(g == "false_refusal")
    return out


JUDGED_METRICS = (
    "judged_direct",
    "judged_indirect",
    "judged_wrong_or_broken",
    "judged_false_refusal",
    "judged_refused_when_required",
)


def judged_summary(rows: list[dict[str, Any]], judgments: Judgments) -> dict[str, Any]:
    vals = judged_values(rows, judgments)
    out: dict[str, Any] = {m: (sum(v.values()) / len(v) if v else None) for m, v in vals.items()}
    out["judged_n"] = sum(1 for r in rows if judgments.grade(r) is not None)
    out["judged_pending"] = len(rows) - out["judged_n"]
    return out


def describe(row: dict[str, Any], gold_text: Callable[[str], str]) -> str:
    """What a judge needs on screen: the question (and its context), the gold items, the answer."""
    lines = [f"── {row['id']} ({row['split']})"]
    for h in row.get("history") or []:
        lines.append(f"   之前的问题：{h}")
    lines.append(f"   问题：{row['question']}")
    for lb in row.get("gold") or []:
        lines.append(f"   gold [{lb}] {gold_text(lb)[:300]}")
    lines.append("   回答：")
    lines += ["     " + ln for ln in row["answer"].splitlines()]
    return "\n".join(lines)
