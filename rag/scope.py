"""Stage 4a: is the question about what the documents cover? A calibrated decision, not one cosine.

Retrieval knows more than its best cosine: how far the best item stands above the next one, how
well the keywords match, and whether the dense and the keyword rankings agree on the top item.
A logistic model over those signals gives the probability that the question is in scope; the
question is refused below a probability threshold. Both are fitted by ``rag eval calibrate`` on
one half of the eval questions (in scope vs. the out-of-scope split) and checked on the other
half, then written to ``<corpus_dir>/scope.json`` with the embedder they hold for.

Without that file, or when it was fitted for another embedder (the cosines differ), the decision
falls back to the best dense cosine against ``refuse_below``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from .records import Hit

FILE_NAME = "scope.json"
FEATURES = ("dense", "margin", "bm25", "agree")


def features(hits: list[Hit]) -> list[float]:
    """The signals of one retrieval: best cosine, its lead over the next item, log BM25 of the
    best keyword match, and whether the first fused, dense and keyword items are the same.
    (The share of the question's words the first item contains was tried: its fitted weight was
    ~0.06 and it refused no more out-of-scope questions.)"""
    if not hits:
        return [0.0] * len(FEATURES)
    dense = sorted((h.dense for h in hits), reverse=True)
    by_dense = max(hits, key=lambda h: h.dense)
    by_bm25 = max(hits, key=lambda h: h.bm25)
    # The first fused item by its score, not its place: a follow-up's items are reordered by its own
    # words (rag.retrieval.find) after the joined question's fusion, which is what this was fitted on.
    first = max(hits, key=lambda h: h.score)
    agree = float(first.label == by_dense.label == by_bm25.label and by_bm25.bm25 > 0)
    margin = dense[0] - (dense[1] if len(dense) > 1 else 0.0)
    return [dense[0], margin, math.log1p(by_bm25.bm25), agree]


class Scope(Protocol):
    def probability(self, hits: list[Hit]) -> float: ...

    def in_scope(self, hits: list[Hit]) -> bool: ...

    def near(self, hits: list[Hit], fraction: float) -> bool:
        """Refused, but within ``fraction`` of the way below the line: the decision is unsure."""
        ...

    def describe(self) -> str: ...


@dataclass
class CosineScope:
    """The fallback: in scope when the best dense cosine reaches ``refuse_below``."""

    refuse_below: float

    def probability(self, hits: list[Hit]) -> float:
        return max((h.dense for h in hits), default=0.0)

    def in_scope(self, hits: list[Hit]) -> bool:
        return bool(hits) and self.probability(hits) >= self.refuse_below

    def near(self, hits: list[Hit], fraction: float) -> bool:
        # Cosines of unrelated text are far above 0: a tenth of the line is already a wide margin.
        p = self.probability(hits)
        return bool(hits) and self.refuse_below * (1 - fraction / 5) <= p < self.refuse_below

    def describe(self) -> str:
        return f"best dense cosine ≥ {self.refuse_below}"


@dataclass
class LogisticScope:
    """p(in scope) = sigmoid(w · standardised(features) + b); in scope when p ≥ ``threshold``."""

    embedder_id: str
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    threshold: float
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    fitted_on: dict[str, int] = field(default_factory=dict)

    def probability(self, hits: list[Hit]) -> float:
        x = features(hits)
        z = self.bias + sum(
            w * (v - m) / s for w, v, m, s in zip(self.weights, x, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))

    def in_scope(self, hits: list[Hit]) -> bool:
        return bool(hits) and self.probability(hits) >= self.threshold

    def near(self, hits: list[Hit], fraction: float) -> bool:
        p = self.probability(hits)
        return bool(hits) and self.threshold * (1 - fraction) <= p < self.threshold

    def describe(self) -> str:
        return f"calibrated p(in scope) ≥ {self.threshold:.3f} over {', '.join(self.features)}"

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


class ScopeError(ValueError):
    """The scope file exists but cannot be read."""


def load_scope(corpus_dir: Path, embedder_id: str, refuse_below: float) -> tuple[Scope, str]:
    """The calibrated decision for this corpus and embedder, else the cosine fallback; and why."""
    path = corpus_dir / FILE_NAME
    if not path.is_file():
        return CosineScope(refuse_below), f"no {path.name}: refusing below cosine {refuse_below}"
    try:
        model = LogisticScope(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as e:
        raise ScopeError(f"{path} is not a scope calibration ({e}); run `rag eval calibrate`") from e
    if model.features != list(FEATURES) or len(model.weights) != len(FEATURES):
        return CosineScope(refuse_below), f"{path.name} has other features: run `rag eval calibrate`"
    if model.embedder_id != embedder_id:
        return CosineScope(refuse_below), (
            f"{path.name} was calibrated for {model.embedder_id}, not {embedder_id}: "
            f"refusing below cosine {refuse_below} (run `rag eval calibrate`)"
        )
    return model, "calibrated"
