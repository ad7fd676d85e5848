"""Fitting the scope decision (:mod:`rag.scope`) on one half of the eval and checking it on the other.

The halves are fixed by a hash of each question's text, so they do not move when questions are
added. Requests to invent are left out: the question parser refuses them whatever retrieval finds.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..question import Query, parse
from ..scope import FEATURES, LogisticScope, Scope, features
from .evalset import EvalRecord

if TYPE_CHECKING:
    from ..assistant import Assistant
    from ..records import Hit

MAX_FALSE_REFUSAL = 0.01  # the target on in-scope questions


@dataclass
class Sample:
    record: EvalRecord
    query: Query
    hits: list[Hit]
    in_scope: bool
    held_out: bool


def held_out(question: str) -> bool:
    return int(hashlib.sha1(question.encode("utf-8")).hexdigest(), 16) % 2 == 1


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """95% Wilson score interval of a proportion k/n (sane at 0 and 1, unlike the bootstrap)."""
    if n == 0:
        return None
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def samples(assistant: Assistant, records: list[EvalRecord], k: int = 10) -> list[Sample]:
    out = []
    for rec in records:
        if rec.split == "invent":
            continue
        query = parse(rec.question, list(rec.history), assistant.settings.max_question_chars)
        hits = assistant.retriever.find(query, k)
        out.append(Sample(rec, query, hits, rec.split != "out_of_scope", held_out(rec.question)))
    return out


def fit(part: list[Sample], embedder_id: str, max_false_refusal: float = MAX_FALSE_REFUSAL) -> LogisticScope:
    """Logistic regression on the features, then the highest threshold that refuses at most
    ``max_false_refusal`` of the in-scope questions of ``part``."""
    from sklearn.linear_model import LogisticRegression

    x = np.asarray([features(s.hits) for s in part], dtype=np.float64)
    y = np.asarray([s.in_scope for s in part], dtype=int)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0  # a constant feature (or float noise around one) carries no signal
    lr = LogisticRegression(class_weight="balanced", C=1.0).fit((x - mean) / scale, y)
    model = LogisticScope(
        embedder_id=embedder_id,
        mean=[round(float(v), 6) for v in mean],
        scale=[round(float(v), 6) for v in scale],
        weights=[round(float(v), 6) for v in lr.coef_[0]],
        bias=round(float(lr.intercept_[0]), 6),
        threshold=0.5,
        features=list(FEATURES),
        fitted_on={"in_scope": int(y.sum()), "out_of_scope": int(len(y) - y.sum())},
    )
    p_in = sorted(model.probability(s.hits) for s in part if s.in_scope)
    allowed = int(max_false_refusal * len(p_in))  # refusing the `allowed` least likely is within budget
    model.threshold = round(float(p_in[allowed]) - 1e-6, 6) if p_in else 0.5
    return model


def refuses_with(scope: Scope) -> Callable[[Sample], bool]:
    return lambda x: not scope.in_scope(x.hits)


def rates(refuses: Callable[[Sample], bool] | Scope, part: list[Sample]) -> dict[str, Any]:
    """False refusals of in-scope questions and refusals of out-of-scope ones, with intervals.
    ``refuses``: a scope decision, or any rule that says whether a sample is refused."""
    rule = refuses if callable(refuses) else refuses_with(refuses)
    ins = [s for s in part if s.in_scope]
    outs = [s for s in part if not s.in_scope]
    refused_in = [s.record.question for s in ins if rule(s)]
    answered_out = [s.record.question for s in outs if not rule(s)]
    fr, ref = len(refused_in), len(outs) - len(answered_out)
    return {
        "n_in_scope": len(ins),
        "false_refusals": fr,
        "false_refusal_rate": round(fr / len(ins), 4) if ins else None,
        "false_refusal_ci": wilson(fr, len(ins)),
        "n_out_of_scope": len(outs),
        "oos_refused": ref,
        "oos_refusal_rate": round(ref / len(outs), 4) if outs else None,
        "oos_refusal_ci": wilson(ref, len(outs)),
        "falsely_refused": refused_in,
        "oos_answered": answered_out,
    }
