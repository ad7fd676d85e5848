"""Stage 4b: whether a question is answered, and from which items.

Decided before any generation, from what the question says and what retrieval found:

* a request to invent, guess or confirm without the documents is refused, whatever matches;
* a question that retrieval says is out of scope (:mod:`rag.scope`) is refused with the closest
  items as "可能相关";
* a question about another province or city is not answered from items that state one region's
  rules (their document's region, see rag.documents.manifest): they are left out, and the
  question is refused if nothing else remains;
* a question asking for one named place's own figure (its rate, amount, deadline) is refused
  unless a document states that place's rules: the national rules have no local figures, and
  the small model fills the gap with another place's example (the 深圳 90% for 北京).

Otherwise the items that go into the prompt: the best by rank, and others only if nearly as close.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import compose, facts
from .normalise import normalise
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
    regional: dict[str, str],
) -> Decision:
    """``regional``: label → region of the items whose rules hold only in that region."""
    if query.invention:
        return Decision([], compose.invention_text(hits), [f"asks to invent or guess: {query.invention}"])
    if not scope.in_scope(hits):
        return Decision([], compose.refusal_text(hits))
    context = context_hits(hits, max_items, min_ratio)
    asked = normalise(query.asked)  # places in the documents' script: 廣州 is 广州
    away = {
        h.label: (place, regional[h.label])
        for h in context
        if h.label in regional and (place := compose.other_region(asked, regional[h.label]))
    }
    if away:
        # One region's amounts and rates do not answer a question about another (the 1.5B once
        # answered "北京…比例为60%" from Hubei's rule): leave them out.
        place, region = next(iter(away.values()))
        kept = [h for h in context if h.label not in away]
        if not kept:
            return Decision([], compose.region_refusal_text(place, region, context))
        return Decision(
            kept, notes=[f"{region}-only items left out of the prompt: the question is about {place}"]
        )
    place = compose.local_figure_place(asked, facts.region_places(set(regional.values())))
    if place:
        return Decision([], compose.local_figure_text(place, context), [f"asks for {place}'s own figure"])
    return Decision(context)
