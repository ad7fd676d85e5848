"""Per-answer scores and their aggregates, all offline and deterministic.

String metrics (key points, verdicts, citations, numbers) come from the first eval; the answer
checks of rag.checks count what a person reading the answer would count (story characters,
invented turns, copied questions, broken markers, unfinished and unsupported sentences, length).
Judged grades (rag.evaluation.judgments) are the human side; they are joined in by the reports.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import checks, facts
from ..characters import find_characters
from ..compose import FORMER_NO_CONCLUSION_TEXTS, NO_CONCLUSION_TEXT
from ..normalise import normalise
from ..question import is_follow_up
from ..records import Item
from ..sentences import split_sentences
from .evalset import REFUSE_SPLITS, EvalRecord

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
    "不算",
)
_YES = (
    "可以",
    "能",
    "会的",
    "需要",
    "对的",
    "正确",
    "有权",
    "有相应",
    "是的",
    "算",
    "是违法",
    "要交",
    "要参加",
)


@dataclass(frozen=True)
class EvalContext:
    """What scoring needs to know about the corpus."""

    items: dict[str, Item]
    sentences: dict[str, list[str]]
    characters: frozenset[str]
    home: frozenset[str] = frozenset()  # places of the documents' regions (rag.facts.region_places)

    @classmethod
    def of(cls, items: list[Item]) -> EvalContext:
        return cls(
            {it.label: it for it in items},
            {it.label: split_sentences(it.answer) for it in items},
            frozenset(find_characters(f"{it.question}\n{it.answer}" for it in items)),
            facts.region_places({it.region for it in items if it.region}),
        )


def norm(text: str) -> str:
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFKC", text)).lower()


def body_of(row: dict[str, Any]) -> str:
    """The reply a person reads first: without the quoted evidence and the region note."""
    if row.get("body"):
        return row["body"]
    text = row["answer"]
    for cut in ("\n\n依据：", "\n\n注意："):
        text = text.split(cut)[0]
    return text


def prose(answer_text: str) -> str:
    """The answer without citation markers and the pipeline's notes."""
    return checks.prose(answer_text.split("\n\n注意：")[0])


def key_point_recall(answer_text: str, key_points: tuple[tuple[str, ...], ...]) -> float | None:
    if not key_points:
        return None
    text = norm(prose(answer_text))
    return sum(any(norm(w) in text for w in point) for point in key_points) / len(key_points)


def verdict_of(answer_text: str) -> str | None:
    first = re.split(r"[。！？!?\n]", prose(answer_text).removeprefix("根据资料：").strip(), maxsplit=1)[0]
    if first.startswith("抱歉"):
        return None  # the pipeline's fixed texts ("抱歉，我没能从资料中得出…") conclude nothing
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
    """(numbers in the answer found in the cited text, numbers in the answer); Chinese numerals
    count (一百块 = 100)."""
    nums = facts.numbers(prose(answer_text))
    source = set().union(*(facts.numbers(t) for t in cited_texts)) if cited_texts else set()
    return len(nums & source), len(nums)


_RESOLVED = re.compile(r"(这类|此类|该类)(〔[^〕]+〕)")


def _resolved(text: str, shown: str) -> str:
    """The quote's text with the case its "这类" refers to, when the quote was shown with it."""
    m = _RESOLVED.search(shown)
    return text.replace(m.group(1), m.group(1) + m.group(2), 1) if m else text


def answer_issues(row: dict[str, Any], ctx: EvalContext) -> list[checks.Issue]:
    """The answer checks on the reply. A sentence is checked against the evidence sentences the
    answer quotes, or, for answers without quoted evidence, the sentences of its cited items that
    it most resembles (what it claims to restate)."""
    # The pipeline's own fixed sentence ("我没能从资料中得出可靠的结论…") states nothing to check.
    body = body_of(row)
    for fixed in (NO_CONCLUSION_TEXT, *FORMER_NO_CONCLUSION_TEXTS):
        body = body.replace(fixed, "")
    rows = row.get("evidence") or []
    shown = [e.get("shown") or e["text"] for e in rows]  # what the reader sees
    # As in the pipeline, a quote's "这类" is read as the case shown for it ("这类〔甲类〕药品").
    quoted = [(e.get("label", ""), _resolved(e["text"], e.get("shown") or "")) for e in rows]
    evidence = [t for _, t in quoted]
    cited = row.get("citations") or []

    def support_for(sentence: str, labels: list[str]) -> list[str]:
        if evidence:
            # A sentence is read against the quotes of the items it cites, as the pipeline read it:
            # one part of a two-ask answer does not rest on the other part's quotes (multi-06).
            own = [t for lb, t in quoted if lb in labels] or evidence
            pool = own + [s for lb in (labels or cited) for s in ctx.sentences.get(lb, [])]
            return own + checks.best_support(sentence, pool, n=2)
        pool = [s for lb in (labels or cited) for s in ctx.sentences.get(lb, [])]
        return checks.best_support(sentence, pool)

    stories = [ctx.items[lb].question for lb in cited if lb in ctx.items]
    history = row.get("history") or []
    # As in the pipeline: a follow-up's previous question is the asker's words too.
    earlier = normalise(history[-1]) if history and is_follow_up(row["question"]) else ""
    question = normalise(row["question"])
    issues = checks.check_body(
        body, question, support_for, ctx.characters, stories, allowed_labels=set(ctx.items),
        quotes=shown, home=ctx.home, earlier=earlier,
        cited=[t for lb in cited for t in ctx.sentences.get(lb, [])],
    )  # fmt: skip
    # As in the pipeline: which case of a pair decides what is read against the cited items whole,
    # and the checks read last (checks.against_items).
    flagged = {i.text for i in issues if i.kind == "unsupported"}
    for s in checks.sentences(body):
        if s in flagged:
            continue
        labels = [m.group(1) for m in checks.MARKER.finditer(s)] or cited
        items = [t for lb in labels for t in ctx.sentences.get(lb, [])]
        issue = checks.swapped_in_items(s, question, items) or checks.against_items(
            s, question, items, support_for(s, labels)
        )
        if issue:
            issues.append(issue)
    return issues


def score(rec: EvalRecord, row: dict[str, Any], ctx: EvalContext) -> dict[str, Any]:
    """Scores of one answer (a run row: answer, body, mode, refused, citations, evidence,
    retrieved)."""
    retrieved = row["retrieved"]
    cited = row["citations"]
    refused = bool(row["refused"])
    rank = next((i for i, lb in enumerate(retrieved) if lb in rec.qids), None) if rec.qids else None
    in_scope = bool(rec.qids)
    known = set(ctx.items)
    s: dict[str, Any] = {"rank": rank, "refused": refused}
    cs = citation_scores(cited, rec.qids, retrieved, known)
    if not in_scope:
        cs = {"precision": None, "recall": None, "fabricated": cs["fabricated"]}
    s.update(cs)
    answered = in_scope and not refused
    s["key_point_recall"] = (
        key_point_recall(row["answer"], rec.key_points) if answered else (0.0 if in_scope else None)
    )
    s["verdict_ok"] = (
        (verdict_of(body_of(row)) == rec.verdict)
        if (rec.verdict and answered)
        else (False if rec.verdict else None)
    )
    cited_texts = [ctx.items[lb].answer for lb in cited if lb in ctx.items]
    found, total = number_faithfulness(body_of(row), cited_texts) if not refused else (0, 0)
    s["numbers_found"], s["numbers_total"] = found, total
    issues = answer_issues(row, ctx) if not refused else []
    kinds = Counter(i.kind for i in issues)
    s["issues"] = {k: kinds[k] for k in checks.KINDS if kinds[k]}
    s["issue_details"] = [f"{i.kind}: {i.detail or i.text}"[:160] for i in issues]
    s["body_chars"] = checks.body_chars(body_of(row)) if not refused else None
    s["no_conclusion"] = row.get("mode") == "generated" and (
        body_of(row).startswith((NO_CONCLUSION_TEXT, *FORMER_NO_CONCLUSION_TEXTS))
    )
    # One yes/no per question for "flipped" lists: refused when it should be, else answered with a
    # gold citation, at least half the key points and no answer-check issue.
    s["ok"] = (
        refused
        if rec.split in REFUSE_SPLITS or not in_scope
        else bool(
            not refused and set(cited) & set(rec.qids) and (s["key_point_recall"] or 0) >= 0.5 and not issues
        )
    )
    return s


def _mean(xs: list[float]) -> float | None:
    return float(np.mean(xs)) if xs else None


def _pct(xs: list[float], q: float) -> float | None:
    return float(np.percentile(xs, q)) if xs else None


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    refuse = [r for r in rows if r["split"] in REFUSE_SPLITS]
    ins = [r for r in rows if r["split"] not in REFUSE_SPLITS and r["gold"]]
    sc = [r["scores"] for r in ins]
    ranks = [s["rank"] for s in sc]
    answered = [r for r in rows if not r["scores"]["refused"]]
    with_numbers = [r["scores"] for r in rows if r["scores"]["numbers_total"]]
    t = [r["timings"] for r in rows if r["timings"].get("first_token_s") is not None]
    m: dict[str, Any] = {
        "n": len(rows),
        "n_in_scope": len(ins),
        "n_refuse": len(refuse),
        "hit@1": _mean([float(r == 0) for r in ranks]),
        "hit@3": _mean([float(r is not None and r < 3) for r in ranks]),
        "mrr": _mean([1 / (r + 1) if r is not None else 0.0 for r in ranks]),
        "citation_precision": _mean([s["precision"] for s in sc if s["precision"] is not None]),
        "citation_recall": _mean([s["recall"] or 0.0 for s in sc]),
        "fabricated_citations": sum(r["scores"]["fabricated"] for r in rows),
        "key_point_recall": _mean([s["key_point_recall"] for s in sc if s["key_point_recall"] is not None]),
        "verdict_accuracy": _mean([float(s["verdict_ok"]) for s in sc if s["verdict_ok"] is not None]),
        "number_faithfulness": _mean([s["numbers_found"] / s["numbers_total"] for s in with_numbers]),
        "answers_with_numbers": len(with_numbers),
        "refusal_rate_should_refuse": _mean([float(r["scores"]["refused"]) for r in refuse]),
        "false_refusal_rate": _mean([float(s["refused"]) for s in sc]),
        "no_conclusion_rate": _mean([float(s.get("no_conclusion", False)) for s in sc]),
        "ok_rate": _mean([float(r["scores"]["ok"]) for r in rows]),
        "n_answered": len(answered),
    }
    # Answer checks: the share of answered questions with at least one issue of each kind.
    for kind in checks.KINDS:
        m[f"issue_{kind}"] = _mean([float(bool(r["scores"].get("issues", {}).get(kind))) for r in answered])
    m["issue_any"] = _mean([float(bool(r["scores"].get("issues"))) for r in answered])
    chars = [r["scores"]["body_chars"] for r in answered if r["scores"].get("body_chars") is not None]
    m["body_chars_p50"], m["body_chars_p90"] = _pct(chars, 50), _pct(chars, 90)
    # First token and speed over the answers the generator wrote; total time over every question.
    for key, source in (
        ("first_token_s", t),
        ("first_text_s", t),
        ("tokens_per_s", t),
        ("total_s", [r["timings"] for r in rows]),
    ):
        vals = [x[key] for x in source if x.get(key) is not None]
        m[f"{key}_p50"], m[f"{key}_p90"] = _pct(vals, 50), _pct(vals, 90)
    return m
