"""Stage 4b: whether a question is answered, and from which items.

Decided before any generation, from what the question says and what retrieval found:

* a request to invent, guess or confirm without the documents is refused, whatever matches;
* a question about a kind of insurance the documents never name (养老保险, 公积金, 车险…) is
  refused, whatever its other words match ("在外省交了几年养老保险，回老家以后…" shares 外省 and 老家
  with the 异地就医 items);
* a question that retrieval says is out of scope (:mod:`rag.scope`) is refused with the closest
  items as "可能相关"; just below the line, where the decision is unsure either way, the refusal
  says so and quotes the top item's sentences closest to the question (no model, no claim);
* a question about another province or city is not answered from items that state one region's
  rules (their document's region, see rag.documents.manifest): they are left out, and the
  question is refused if nothing else remains;
* a question asking for one named place's own figure (its rate, amount, deadline) is refused
  unless a document states that place's rules: the national rules have no local figures, and
  the small model fills the gap with another place's example (the 深圳 90% for 北京).

Otherwise the items that go into the prompt: the best by rank, and others only if nearly as close —
unless the question names a group of people (低保, 个体…) that the best does not and one of the first
three does: that one goes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import checks, compose, facts
from .characters import in_text
from .keyword import documents_words
from .normalise import normalise
from .question import Query
from .records import Evidence, Hit
from .scope import Scope
from .sentences import split_sentences


@dataclass
class Decision:
    context: list[Hit]  # items for the prompt; empty when refused
    refusal: str = ""  # the text of the refusal, when refused
    notes: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)  # quoted in a refusal near the scope line

    @property
    def refused(self) -> bool:
        return bool(self.refusal)


def context_hits(hits: list[Hit], max_items: int, min_ratio: float) -> list[Hit]:
    """The best item, and others whose dense score is at least ``min_ratio`` × the best."""
    if not hits:
        return []
    best = max(h.dense for h in hits)
    return [h for h in hits if h.dense >= min_ratio * best][:max_items]


GROUP_DEPTH = 3  # how far down the ranking an item naming the asker's group is looked for


def group_first(
    asked: str, hits: list[Hit], context: list[Hit], depth: int = GROUP_DEPTH, characters: Iterable[str] = ()
) -> Hit | None:
    """An item among the first ``depth`` that names a group of people the question names (低保,
    个体…, rag.facts.GROUPS) when the first item of the context does not: "我是低保户，参加居民医保
    自己要掏钱吗？" retrieves 问1 (小张's premiums) before 问35 (低保对象…全额资助), and the answer from
    问1 told a 低保户 to pay. Such an item answers for the asker's group; the closer one by words
    speaks of everyone, or of someone else. None when there is nothing to move — or when the two
    items tell one story (a story character of ``characters`` in both): the first then speaks of
    the same person, whose group the other names ("婆婆退休了…在成都看病直接结算，得先办啥？" put
    问25, 王阿姨 退休, before 问26, how 王阿姨 files, and nothing said what to do; probe 88)."""
    named = facts.groups_named(asked)
    if not named or not context or named & facts.groups_named(_item_text(context[0])):
        return None
    moved = next((h for h in hits[:depth] if named & facts.groups_named(_item_text(h))), None)
    if moved is not None and set(in_text(_item_text(context[0]), characters)) & set(
        in_text(_item_text(moved), characters)
    ):
        return None
    return moved


# Cases the documents rule on apart (checks.CONTRASTS) that few items name: an item naming the
# asker's case answers for it ("…在北京的门诊看病费用能否直接结算？" retrieved 问26, about 住院, before
# 问27, about 门诊). Not 住院: most items name it in passing (moving items that name it put the gold
# item first for 8 eval and probe questions and took it away from 8), nor 就医地/参保地.
RARE_CASES = ("门诊", "甲类", "乙类")


def case_first(asked: str, hits: list[Hit], context: list[Hit], depth: int = GROUP_DEPTH) -> Hit | None:
    """An item among the first ``depth`` that names the one case of a pair in checks.CONTRASTS the
    question names, when that case is rare (RARE_CASES) and the first item of the context does not
    name it; None when there is nothing to move."""
    named = [c for pair in checks.CONTRASTS if sum(x in asked for x in pair) == 1 for c in pair if c in asked]
    rare = [c for c in named if c in RARE_CASES]
    if len(rare) != 1 or not context or rare[0] in _item_text(context[0]):
        return None
    return next((h for h in hits[:depth] if rare[0] in _item_text(h)), None)


def answered_by_rule(asked: str, hits: list[Hit]) -> bool:
    """Whether the top item's sentences answer the question by rule — which of 就医地/参保地 decides
    what is covered or paid (checks.side_rule): the documents then answer it, whatever the scope
    model's signals ("在外省看病，哪些药能报是看外省的目录还是老家的？", probe 30: p = 0.18, below the line,
    with 异地就医·问10 first). No out-of-scope question of the eval or the probes reaches the rule."""
    if not hits:
        return False
    top = max(hits, key=lambda h: h.score)
    return checks.side_rule(asked, split_sentences(top.full_text or top.text)) is not None


def _item_text(hit: Hit) -> str:
    return f"{hit.question}\n{hit.full_text or hit.text}"


def decide(
    query: Query,
    hits: list[Hit],
    *,
    scope: Scope,
    max_items: int,
    min_ratio: float,
    regional: dict[str, str],
    near_scope: float = 0.0,
    characters: Iterable[str] = (),
    covered: frozenset[str] = frozenset(),
    everyday: dict[str, str] | None = None,
) -> Decision:
    """``regional``: label → region of the items whose rules hold only in that region;
    ``near_scope``: see rag.settings; ``characters``: the story characters quotes leave out;
    ``covered``: the kinds of insurance the documents name (rag.facts.covered_kinds);
    ``everyday``: the asker's everyday words → the documents' (corpus/synonyms.tsv: 打零工 →
    灵活就业), read when the question's group is looked for; None: no group is looked for."""
    if query.invention:
        return Decision([], compose.invention_text(hits), [f"asks to invent or guess: {query.invention}"])
    asked = normalise(query.asked)  # places in the documents' script: 廣州 is 广州
    if kind := facts.uncovered_kind(normalise(query.search), covered):
        return Decision([], compose.refusal_text(hits), [f"asks about {kind}, which no document names"])
    in_scope = scope.in_scope(hits)
    by_rule = not in_scope and answered_by_rule(asked, hits)
    if not in_scope and not by_rule:
        top = max(hits, key=lambda h: h.score)
        # Another place matters only when the top item states one region's rules: a national rule
        # holds for 深圳 as for anywhere ("我备案去了深圳，现在想回武汉老家做手术…", probe 72: no quote
        # of 异地就医·问8's 需要先撤销备案 was shown).
        elsewhere = top.label in regional and compose.other_region(asked, regional[top.label])
        # Close to the line the decision is unsure either way; colloquial questions the documents
        # answer land here. The asker gets the closest sentences, not an answer — unless the
        # question asks for a figure or names a place a regional item's rule does not hold for: a
        # quoted number then reads as the answer ("上海居民医保交多少钱" above "…个人缴费为250元…").
        if near_scope and scope.near(hits, near_scope) and not compose.asks_figure(asked) and not elsewhere:
            quotes = compose.closest_quotes(top, query.asked, characters)
            if quotes:  # none shares a word with the question: nothing worth showing
                note = f"near the scope line (p={scope.probability(hits):.3f}): the closest sentences quoted"
                return Decision([], compose.unsure_text(quotes, hits), [note], quotes)
        return Decision([], compose.refusal_text(hits))
    context = context_hits(hits, max_items, min_ratio)
    notes: list[str] = []
    if by_rule:
        p = scope.probability(hits)
        notes.append(f"below the scope line (p={p:.3f}), but the top item answers it by rule")
    if everyday is not None:
        said = f"{asked} {documents_words(asked, everyday)}"
        if (moved := group_first(said, hits, context, characters=characters)) is not None:
            context = [moved, *(h for h in context if h is not moved)][:max_items]
            notes.append(f"{moved.label} names the asker's group: answered from it first")
        elif (moved := case_first(said, hits, context)) is not None:
            context = [moved, *(h for h in context if h is not moved)][:max_items]
            notes.append(f"{moved.label} names the asker's case: answered from it first")
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
            kept, notes=[*notes, f"{region}-only items left out of the prompt: the question is about {place}"]
        )
    place = compose.local_figure_place(asked, facts.region_places(set(regional.values())))
    if place:
        return Decision([], compose.local_figure_text(place, context), [f"asks for {place}'s own figure"])
    return Decision(context, notes=notes)
