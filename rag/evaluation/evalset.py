"""The eval set: hand-written sources in ``eval/``, reviewed as text, built into ``evalset.jsonl``.

* ``key_points.tsv``      per FAQ item: the yes/no verdict (if any) and 2–5 key points;
* ``paraphrases.tsv``     colloquial rewordings: target item, question, every item that answers it;
* ``robustness.tsv``      the same format, asked the hard ways: traditional characters, typos,
                          terse keywords, mixed Chinese and English, long stories ending in a question;
* ``polarity.tsv``        yes/no questions whose polarity differs from the FAQ's own question
                          (公司不给交医保**算违法吗** → yes): target, question, verdict, more gold;
* ``false_premise.tsv``   questions asserting a rule the documents contradict: target, question,
                          what the documents actually say;
* ``invent.txt``          requests to invent, guess or confirm a number or rule: always refused;
* ``followups.tsv``       a question, its gold, a short follow-up, the follow-up's gold;
* ``multi_item.tsv``      questions whose answer needs two items;
* ``out_of_scope.txt``    questions the documents do not answer: refused.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._io import atomic_write

if TYPE_CHECKING:
    from ..records import Item

EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "eval"
SPLITS = (
    "faq",
    "paraphrase",
    "robustness",
    "polarity",
    "false_premise",
    "followup",
    "multi_item",
    "invent",
    "out_of_scope",
)
# Splits whose right outcome is a refusal.
REFUSE_SPLITS = ("invent", "out_of_scope")


@dataclass(frozen=True)
class EvalRecord:
    id: str
    split: str
    question: str
    source: str  # document of the target item ("" when none)
    qids: tuple[str, ...]  # gold citation labels; empty: should be refused
    gold_answer: str
    key_points: tuple[tuple[str, ...], ...]  # each point: its accepted wordings
    verdict: str | None  # "yes" | "no" | None
    history: tuple[str, ...] = ()  # earlier questions of the conversation (follow-ups)
    note: str = ""  # what a right answer must say, where a key point list does not fit


def _read_key_points(path: Path) -> dict[str, tuple[str | None, tuple[tuple[str, ...], ...]]]:
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, verdict, points = line.split("\t")
        kps = tuple(tuple(w.strip() for w in p.split("/") if w.strip()) for p in points.split("|"))
        if not 2 <= len(kps) <= 5:
            raise ValueError(f"{path.name}:{n}: {label} needs 2–5 key points, has {len(kps)}")
        out[label] = (None if verdict == "-" else verdict, kps)
    return out


def _rows(path: Path, min_cols: int) -> list[tuple[int, list[str]]]:
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < min_cols:
            raise ValueError(f"{path.name}:{n}: expected at least {min_cols} tab-separated columns")
        out.append((n, cols))
    return out


def _labels(text: str) -> list[str]:
    return [x.strip() for x in text.replace("，", ",").split(",") if x.strip()]


def build_evalset(items: list[Item], eval_dir: Path = EVAL_DIR) -> list[EvalRecord]:
    by_label = {it.label: it for it in items}
    kp = _read_key_points(eval_dir / "key_points.tsv")
    missing = sorted(set(by_label) - set(kp))
    if missing:
        raise ValueError(f"key_points.tsv lacks {missing}")

    def check(path: str, n: int, labels: list[str]) -> None:
        unknown = [g for g in labels if g not in by_label]
        if unknown or not labels:
            raise ValueError(f"{path}:{n}: unknown or missing labels {unknown}")

    def rec(
        rid: str, split: str, question: str, gold: list[str], verdict: str | None, **kw: object
    ) -> EvalRecord:
        target = by_label[gold[0]]
        _, points = kp[gold[0]]
        return EvalRecord(
            rid, split, question, target.source, tuple(gold), target.answer, points, verdict, **kw
        )  # type: ignore[arg-type]

    records = [
        EvalRecord(f"faq-{lb}", "faq", it.question, it.source, (lb,), it.answer, kp[lb][1], kp[lb][0])
        for lb, it in by_label.items()
    ]
    counts: dict[str, int] = {}
    for n, (target, question, *gold) in _rows(eval_dir / "paraphrases.tsv", 2):
        check("paraphrases.tsv", n, [target, *gold])
        counts[target] = counts.get(target, 0) + 1
        records.append(
            rec(f"para-{target}-{counts[target]}", "paraphrase", question, gold or [target], kp[target][0])
        )
    rob = eval_dir / "robustness.tsv"
    for i, (n, (target, question, *gold)) in enumerate(_rows(rob, 2) if rob.exists() else [], 1):
        check("robustness.tsv", n, [target, *gold])
        records.append(rec(f"rob-{i:02d}", "robustness", question, gold or [target], kp[target][0]))
    for i, (n, (target, question, verdict, *more)) in enumerate(_rows(eval_dir / "polarity.tsv", 3), 1):
        gold = [target, *_labels(",".join(more))]
        check("polarity.tsv", n, gold)
        if verdict not in ("yes", "no"):
            raise ValueError(f"polarity.tsv:{n}: verdict must be yes or no, not {verdict!r}")
        records.append(rec(f"pol-{i:02d}", "polarity", question, gold, verdict))
    for i, (n, (target, question, correction, *_)) in enumerate(_rows(eval_dir / "false_premise.tsv", 3), 1):
        check("false_premise.tsv", n, [target])
        records.append(rec(f"prem-{i:02d}", "false_premise", question, [target], "no", note=correction))
    for i, (n, (first, first_gold, follow, follow_gold, *_)) in enumerate(
        _rows(eval_dir / "followups.tsv", 4), 1
    ):
        gold = _labels(follow_gold)
        check("followups.tsv", n, _labels(first_gold) + gold)
        records.append(rec(f"follow-{i:02d}", "followup", follow, gold, None, history=(first,)))
    for i, (n, (question, gold_text, *_)) in enumerate(_rows(eval_dir / "multi_item.tsv", 2), 1):
        gold = _labels(gold_text)
        check("multi_item.tsv", n, gold)
        records.append(rec(f"multi-{i:02d}", "multi_item", question, gold, None))
    for split, name in (("invent", "invent.txt"), ("out_of_scope", "out_of_scope.txt")):
        path = eval_dir / name
        lines = [q.strip() for q in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
        prefix = "oos" if split == "out_of_scope" else split
        for i, q in enumerate([q for q in lines if q and not q.startswith("#")], 1):
            records.append(EvalRecord(f"{prefix}-{i:02d}", split, q, "", (), "", (), None))
    ids = [r.id for r in records]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate eval record ids")
    return records


def write_evalset(records: list[EvalRecord], path: Path) -> None:
    lines = [json.dumps(asdict(r), ensure_ascii=False) for r in records]
    atomic_write(path, "\n".join(lines) + "\n")


def load_evalset(path: Path) -> list[EvalRecord]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        d["qids"] = tuple(d["qids"])
        d["key_points"] = tuple(tuple(p) for p in d["key_points"])
        d["history"] = tuple(d.get("history", ()))
        out.append(EvalRecord(**d))
    return out
