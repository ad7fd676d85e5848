"""Evaluation: the eval set, offline metrics, resumable runs and run comparisons.

Hand-written sources in ``eval/`` (reviewed as text, turned into ``eval/evalset.jsonl``):

* ``key_points.tsv`` — per FAQ item: the yes/no verdict (if any) and 2–5 key points an answer must
  state; ``a/b`` lists accepted wordings of one point.
* ``paraphrases.tsv`` — colloquial rewordings: target item, question, then every item that answers it.
* ``out_of_scope.txt`` — questions the documents do not answer (other insurance, other provinces'
  rates, medical advice, chit-chat, prompt injections): the right outcome is a refusal.

Matching is string matching after normalisation (NFKC, no spaces/punctuation, lower case): a key
point counts when any of its wordings occurs in the answer. No model judges another.
"""

from __future__ import annotations

import json
import os
import random
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from tqdm import tqdm

from .citations import MARKER, numbers_in

if TYPE_CHECKING:
    from .assistant import Assistant
    from .records import Answer

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"
SPLITS = ("faq", "paraphrase", "out_of_scope")
EXTRACTIVE = "extractive"  # the no-LLM baseline, usable wherever a generator name is

# Verdict words, checked in the answer's first sentence; negations first ("不可以" contains "可以").
_NO = (
    "不可以",
    "不行",
    "不能",
    "不会",
    "不需要",
    "不用",
    "不对",
    "错误",
    "不予",
    "无法",
    "没有",
    "不是",
    "尚未",
)
_YES = ("可以", "能", "会的", "需要", "对的", "正确", "有权", "有相应")


@dataclass(frozen=True)
class EvalRecord:
    id: str
    split: str
    question: str
    source: str  # document of the target item ("" for out-of-scope)
    qids: tuple[str, ...]  # gold citation labels; empty: should be refused
    gold_answer: str
    key_points: tuple[tuple[str, ...], ...]  # each point: its accepted wordings
    verdict: str | None  # "yes" | "no" | None


# ------------------------------------------------------------------------------------ the set
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


def build_evalset(assistant: Assistant, eval_dir: Path = EVAL_DIR) -> list[EvalRecord]:
    items = {it.label: it for it in assistant.items}
    kp = _read_key_points(eval_dir / "key_points.tsv")
    missing = sorted(set(items) - set(kp))
    if missing:
        raise ValueError(f"key_points.tsv lacks {missing}")
    records = []
    for label, it in items.items():
        verdict, points = kp[label]
        records.append(
            EvalRecord(f"faq-{label}", "faq", it.question, it.source, (label,), it.answer, points, verdict)
        )
    counts: dict[str, int] = {}
    for n, line in enumerate((eval_dir / "paraphrases.tsv").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        target, question, *gold = line.split("\t")
        unknown = [g for g in [target, *gold] if g not in items]
        if unknown:
            raise ValueError(f"paraphrases.tsv:{n}: unknown labels {unknown}")
        counts[target] = counts.get(target, 0) + 1
        verdict, points = kp[target]
        records.append(
            EvalRecord(
                f"para-{target}-{counts[target]}",
                "paraphrase",
                question,
                items[target].source,
                tuple(gold),
                items[target].answer,
                points,
                verdict,
            )
        )
    oos = [q.strip() for q in (eval_dir / "out_of_scope.txt").read_text(encoding="utf-8").splitlines()]
    for i, q in enumerate([q for q in oos if q], 1):
        records.append(EvalRecord(f"oos-{i:02d}", "out_of_scope", q, "", (), "", (), None))
    return records


def write_evalset(records: list[EvalRecord], path: Path) -> None:
    lines = [json.dumps(asdict(r), ensure_ascii=False) for r in records]
    _atomic_write(path, "\n".join(lines) + "\n")


def load_evalset(path: Path) -> list[EvalRecord]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        d["qids"] = tuple(d["qids"])
        d["key_points"] = tuple(tuple(p) for p in d["key_points"])
        out.append(EvalRecord(**d))
    return out


# ------------------------------------------------------------------------------------ metrics
def norm(text: str) -> str:
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFKC", text)).lower()


def prose(answer_text: str) -> str:
    """The answer without citation markers and the pipeline's Hubei note."""
    # A space, not nothing: "[问24]2. 根据…" must still read as list numbering after the marker.
    return MARKER.sub(" ", answer_text.split("\n\n注意：")[0])


def key_point_recall(answer_text: str, key_points: tuple[tuple[str, ...], ...]) -> float | None:
    if not key_points:
        return None
    text = norm(prose(answer_text))
    return sum(any(norm(w) in text for w in point) for point in key_points) / len(key_points)


def verdict_of(answer_text: str) -> str | None:
    first = re.split(r"[。！？!?\n]", prose(answer_text).removeprefix("根据资料：").strip(), maxsplit=1)[0]
    if any(w in first for w in _NO):
        return "no"
    if any(w in first for w in _YES):
        return "yes"
    return None


def citation_scores(cited: list[str], gold: tuple[str, ...], retrieved: list[str], known: set[str]) -> dict:
    c, g = set(cited), set(gold)
    fabricated = [x for x in cited if x not in retrieved or x not in known]
    return {
        "precision": len(c & g) / len(c) if c else None,
        "recall": len(c & g) / len(g) if g else None,
        "fabricated": len(fabricated),
    }


def number_faithfulness(answer_text: str, cited_texts: list[str]) -> tuple[int, int]:
    """(numbers in the answer found in the cited text, numbers in the answer)."""
    nums = numbers_in(prose(answer_text))
    source = set().union(*(numbers_in(t) for t in cited_texts)) if cited_texts else set()
    return len(nums & source), len(nums)


def score(rec: EvalRecord, ans: Answer, known: set[str]) -> dict[str, Any]:
    retrieved = [h.label for h in ans.retrieved]
    cited = [c.label for c in ans.citations]
    rank = next((i for i, lb in enumerate(retrieved) if lb in rec.qids), None) if rec.qids else None
    in_scope = bool(rec.qids)
    s: dict[str, Any] = {"rank": rank, "refused": ans.refused}
    s.update(
        citation_scores(cited, rec.qids, retrieved, known)
        if in_scope
        else {
            "precision": None,
            "recall": None,
            "fabricated": citation_scores(cited, (), retrieved, known)["fabricated"],
        }
    )
    answered = in_scope and not ans.refused
    s["key_point_recall"] = (
        key_point_recall(ans.text, rec.key_points) if answered else (0.0 if in_scope else None)
    )
    s["verdict_ok"] = (
        (verdict_of(ans.text) == rec.verdict)
        if (rec.verdict and answered)
        else (False if rec.verdict else None)
    )
    found, total = (
        number_faithfulness(ans.text, [c.text for c in ans.citations]) if not ans.refused else (0, 0)
    )
    s["numbers_found"], s["numbers_total"] = found, total
    # One yes/no per question for "flipped" lists: refused when it should be, else answered with a
    # gold citation and at least half the key points.
    s["ok"] = (
        ans.refused
        if not in_scope
        else bool(not ans.refused and set(cited) & set(rec.qids) and (s["key_point_recall"] or 0) >= 0.5)
    )
    return s


def _mean(xs: list[float]) -> float | None:
    return float(np.mean(xs)) if xs else None


def _pct(xs: list[float], q: float) -> float | None:
    return float(np.percentile(xs, q)) if xs else None


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ins = [r for r in rows if r["split"] != "out_of_scope"]
    oos = [r for r in rows if r["split"] == "out_of_scope"]
    sc = [r["scores"] for r in ins]
    ranks = [s["rank"] for s in sc]
    with_numbers = [r["scores"] for r in rows if r["scores"]["numbers_total"]]
    t = [r["timings"] for r in rows if r["timings"].get("first_token_s") is not None]
    m: dict[str, Any] = {
        "n": len(rows),
        "n_in_scope": len(ins),
        "n_out_of_scope": len(oos),
        "hit@1": _mean([float(r == 0) for r in ranks]),
        "hit@3": _mean([float(r is not None and r < 3) for r in ranks]),
        "mrr": _mean([1 / (r + 1) if r is not None else 0.0 for r in ranks]),
        "citation_precision": _mean([s["precision"] for s in sc if s["precision"] is not None]),
        "citation_recall": _mean([s["recall"] or 0.0 for s in sc]),
        "fabricated_citations": sum(r["scores"]["fabricated"] for r in rows),
        "key_point_recall": _mean([s["key_point_recall"] for s in sc if s["key_point_recall"] is not None]),
        "verdict_accuracy": _mean([float(s["verdict_ok"]) for s in sc if s["verdict_ok"] is not None]),
        # Per answer that states numbers: the share of them found in the text it cites.
        "number_faithfulness": _mean([s["numbers_found"] / s["numbers_total"] for s in with_numbers]),
        "answers_with_numbers": len(with_numbers),
        "oos_refusal_rate": _mean([float(r["scores"]["refused"]) for r in oos]),
        "false_refusal_rate": _mean([float(s["refused"]) for s in sc]),
        "ok_rate": _mean([float(r["scores"]["ok"]) for r in rows]),
    }
    # First token and speed over the answers the generator wrote; total time over every question.
    for key, source in (("first_token_s", t), ("tokens_per_s", t), ("total_s", [r["timings"] for r in rows])):
        vals = [x[key] for x in source if x.get(key) is not None]
        m[f"{key}_p50"], m[f"{key}_p90"] = _pct(vals, 50), _pct(vals, 90)
    return m


# -------------------------------------------------------------------------------------- runs
def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def run_eval(
    assistant: Assistant,
    records: list[EvalRecord],
    out_path: Path,
    generator_name: str,
    model_info: dict[str, Any],
    progress: bool = True,
) -> dict[str, Any]:
    """Answer every record, score it, write the run. Each finished question is appended to
    ``<out>.partial`` first, so an interrupted run resumes where it stopped."""
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
    known = {it.label for it in assistant.items}
    answer: Callable[[str], Answer] = (
        assistant.extractive if generator_name == EXTRACTIVE else assistant.answer
    )
    todo = [r for r in records if r.id not in done]
    t0 = time.perf_counter()
    with partial.open("a", encoding="utf-8") as f:
        for rec in tqdm(todo, desc=f"eval {generator_name}", unit="q", disable=not progress):
            ans = answer(rec.question)
            row = {
                "id": rec.id,
                "split": rec.split,
                "question": rec.question,
                "gold": list(rec.qids),
                "answer": ans.text,
                "mode": ans.mode,
                "citations": [c.label for c in ans.citations],
                "retrieved": [h.label for h in ans.retrieved],
                "timings": ans.timings.to_dict(),
                "notes": ans.notes,
                "scores": score(rec, ans, known),
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            f.flush()
            done[rec.id] = row
    rows = [done[r.id] for r in records if r.id in done]
    s = assistant.settings
    run = {
        "name": out_path.stem,
        "generator": generator_name,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "wall_seconds_this_session": round(time.perf_counter() - t0, 1),
        "models": model_info,
        "settings": json.loads(s.model_dump_json(exclude={"corpus_dir", "models_dir", "index_dir"})),
        "splits": sorted({r["split"] for r in rows}),
        "aggregate": aggregate(rows),
        "by_split": {
            sp: aggregate([r for r in rows if r["split"] == sp])
            for sp in SPLITS
            if any(r["split"] == sp for r in rows)
        },
        "questions": rows,
    }
    _atomic_write(out_path, json.dumps(run, ensure_ascii=False, indent=1) + "\n")
    partial.unlink(missing_ok=True)
    return run


# --------------------------------------------------------------------------------- comparing
def _rank(row: dict[str, Any]) -> int | None:
    return row["scores"]["rank"]


# (metric, higher is better, per-question value used for the paired bootstrap)
METRICS: list[tuple[str, bool, Callable[[dict[str, Any]], float | None]]] = [
    ("hit@1", True, lambda r: None if not r["gold"] else float(r["scores"]["rank"] == 0)),
    ("hit@3", True, lambda r: None if not r["gold"] else float(_rank(r) is not None and _rank(r) < 3)),
    ("citation_precision", True, lambda r: r["scores"]["precision"]),
    ("citation_recall", True, lambda r: None if not r["gold"] else (r["scores"]["recall"] or 0.0)),
    ("fabricated_citations", False, lambda r: float(r["scores"]["fabricated"])),
    ("key_point_recall", True, lambda r: r["scores"]["key_point_recall"]),
    (
        "verdict_accuracy",
        True,
        lambda r: None if r["scores"]["verdict_ok"] is None else float(r["scores"]["verdict_ok"]),
    ),
    (
        "number_faithfulness",
        True,
        lambda r: (
            (r["scores"]["numbers_found"] / r["scores"]["numbers_total"])
            if r["scores"]["numbers_total"]
            else None
        ),
    ),
    ("oos_refusal_rate", True, lambda r: float(r["scores"]["refused"]) if not r["gold"] else None),
    ("false_refusal_rate", False, lambda r: float(r["scores"]["refused"]) if r["gold"] else None),
    ("ok_rate", True, lambda r: float(r["scores"]["ok"])),
    ("first_token_s", False, lambda r: r["timings"].get("first_token_s")),
    ("total_s", False, lambda r: r["timings"].get("total_s")),
]


def paired_bootstrap(
    a: dict[str, float], b: dict[str, float], n: int = 2000, seed: int = 0
) -> tuple[float, float, float] | None:
    """Mean of b − a over the questions both have a value for, with a 95% percentile interval."""
    ids = sorted(set(a) & set(b))
    if not ids:
        return None
    diffs = np.array([b[i] - a[i] for i in ids])
    rng = random.Random(seed)
    means = [float(np.mean([diffs[rng.randrange(len(ids))] for _ in ids])) for _ in range(n)]
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(diffs.mean()), float(lo), float(hi)


def compare_runs(runs: list[dict[str, Any]], out_dir: Path) -> tuple[str, Path, Path]:
    """Markdown report + PNG chart of every metric across runs; the first run is the reference."""
    base = runs[0]
    per_q = [{r["id"]: r for r in run["questions"]} for run in runs]

    def values(i: int, fn: Callable[[dict[str, Any]], float | None]) -> dict[str, float]:
        return {q: v for q, r in per_q[i].items() if (v := fn(r)) is not None}

    names = [r["name"] for r in runs]
    lines = [
        f"# Eval comparison: {' vs '.join(names)}",
        "",
        f"Reference: **{base['name']}**. Δ = run − reference over shared questions, with a paired "
        "bootstrap 95% interval (2000 resamples). Fabricated citations are totals.",
        "",
    ]
    header = "| metric | " + " | ".join(names) + " | " + " | ".join(f"Δ {n}" for n in names[1:]) + " |"
    lines += [header, "|" + "---|" * (1 + len(names) + len(names) - 1)]
    table: dict[str, list[float | None]] = {}
    for metric, _, fn in METRICS:
        vals = []
        for i in range(len(runs)):
            v = values(i, fn)
            vals.append(
                sum(v.values())
                if metric == "fabricated_citations"
                else (float(np.mean(list(v.values()))) if v else None)
            )
        table[metric] = vals
        cells = [("—" if v is None else f"{v:.3f}") for v in vals]
        deltas = []
        for i in range(1, len(runs)):
            bs = paired_bootstrap(values(0, fn), values(i, fn))
            deltas.append("—" if bs is None else f"{bs[0]:+.3f} [{bs[1]:+.3f}, {bs[2]:+.3f}]")
        lines.append(f"| {metric} | " + " | ".join(cells) + " | " + " | ".join(deltas) + " |")
    lines += [
        "",
        "## Questions that flipped",
        "",
        "ok = refused when out of scope; else answered with a gold citation and ≥ half the key points.",
        "",
    ]
    for i in range(1, len(runs)):
        shared = sorted(set(per_q[0]) & set(per_q[i]))
        better = [q for q in shared if per_q[i][q]["scores"]["ok"] and not per_q[0][q]["scores"]["ok"]]
        worse = [q for q in shared if per_q[0][q]["scores"]["ok"] and not per_q[i][q]["scores"]["ok"]]
        lines.append(f"- **{names[i]}** vs {names[0]}: {len(better)} better, {len(worse)} worse")
        for tag, qs in (("better", better), ("worse", worse)):
            for q in qs[:40]:
                lines.append(f"  - {tag}: `{q}` {per_q[0][q]['question']}")
    lines.append("")
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "compare-" + "-vs-".join(n.replace("/", "_") for n in names)
    md_path, png_path = out_dir / f"{stem}.md", out_dir / f"{stem}.png"
    _chart(table, names, png_path)
    lines.insert(2, f"![chart]({png_path.name})\n")
    _atomic_write(md_path, "\n".join(lines))
    return "\n".join(lines), md_path, png_path


def _chart(table: dict[str, list[float | None]], names: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    quality = [m for m in table if m not in ("fabricated_citations", "first_token_s", "total_s")]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 1]})
    width = 0.8 / len(names)
    x = np.arange(len(quality))
    for i, n in enumerate(names):
        ax1.bar(x + i * width, [table[m][i] or 0 for m in quality], width, label=n)
    ax1.set_xticks(x + width * (len(names) - 1) / 2, quality, rotation=35, ha="right", fontsize=8)
    ax1.set_ylim(0, 1.05)
    ax1.set_title("quality (share, higher is better except false_refusal_rate)")
    ax1.legend(fontsize=8)
    x2 = np.arange(2)
    for i, n in enumerate(names):
        ax2.bar(x2 + i * width, [table["first_token_s"][i] or 0, table["total_s"][i] or 0], width, label=n)
    ax2.set_xticks(x2 + width * (len(names) - 1) / 2, ["first token s", "total s"])
    ax2.set_title("latency (mean seconds)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------------------- retrieval
def retrieval_report(assistant: Assistant, records: list[EvalRecord], k: int = 10) -> dict[str, Any]:
    """hit@k/MRR per split and the refusal threshold's calibration (no generation)."""
    ranks: dict[str, list[int | None]] = {}
    best: dict[str, list[float]] = {}
    rows = []
    for rec in records:
        hits = assistant.retriever.search(rec.question, k)
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
    ins = np.asarray(best["faq"] + best["paraphrase"])
    outs = np.asarray(best["out_of_scope"])
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
