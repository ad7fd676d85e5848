"""Stage 4b: whether a question is answered, and from which items.

Decided before any generation, from what the question says and what retrieval found:

* a request to invent, guess or confirm without the documents is refused, whatever matches;
* a question that retrieval says is out of scope (:mod:`rag.scope`) is refused with the closest
  items as "可能相关";
* a question about another province or city is not answered from Hubei-only items: they are left
  out, and the question is refused if nothing else remains.

Otherwise the items that go into the prompt: the best by rank, and others only if nearly as close.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import compose
from .question import Query
from .records import Hit
from .scope import Scope


@dataclass
class Decision:
    context: list[Hit]  # items for the prompt; empty when refused
    refusal: str = ""  # the text of the refusal, when refused
    notes: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.refusal)


def context_hits(hits: list[Hit], max_items: int, min_ratio: float) -> list[Hit]:
    """The best item, and others whose dense score is at least ``min_ratio`` × the best."""
    if not hits:
        return []
    best = max(h.dense for h in hits)
    return [h for h in hits if h.dense >= min_ratio * best][:max_items]


def decide(
    query: Query,
    hits: list[Hit],
    *,
    scope: Scope,
    max_items: int,
    min_ratio: float,
    regional: set[str],
) -> Decision:
    """``regional``: labels of items whose rules hold only in Hubei."""
    if query.invention:
        return Decision([], compose.invention_text(hits), [f"asks to invent or guess: {query.invention}"])
    if not scope.in_scope(hits):
        return Decision([], compose.refusal_text(hits))
    context = context_hits(hits, max_items, min_ratio)
    region = compose.other_region(query.asked)
    if region and any(h.label in regional for h in context):
        # Hubei's amounts and rates do not answer a question about another region (the 1.5B once
        # answered "北京…比例为60%" from Hubei's rule): leave them out.
        kept = [h for h in context if h.label not in regional]
        if not kept:
            return Decision([], compose.region_refusal_text(region, context))
        return Decision(
            kept, notes=[f"Hubei-only items left out of the prompt: the question is about {region}"]
        )
    return Decision(context)
