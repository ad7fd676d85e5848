"""Stage 5: the prompt and the shape of the reply.

The model sees the retrieved items as numbered sentences (A1, A2… for the top item, B1… for the
next) and must reply in a fixed shape, enforced by a llama.cpp grammar (see :func:`grammar`):

    依据：A2、A3
    结论：不可以。单位必须为职工缴纳职工医保，不缴是违法的。

The evidence is chosen from a closed set of sentence ids and quoted verbatim by the pipeline; the
conclusion is one to three short sentences that cannot contain a line break, a citation marker, a
colon (no "问：/答：" turns) or a question mark (no copied questions). Story characters are masked in
the prompt (see rag.characters), so the model cannot retell them.

Instructions and worked examples come first and are the same for every question; with the top
item's block they form the prompt's *head*, whose KV state the generator caches (so they cost
nothing at question time). The examples use an invented library's rules, so that nothing in them
can answer a real question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .characters import mask
from .checks import best_support
from .question import yes_no_words
from .records import Evidence, Hit
from .sentences import split_sentences

SYSTEM = (
    "你是医保问答助手，只根据【资料】中编号的句子回答提问的人。\n"
    "回答格式：\n"
    "依据：最能回答问题的句子编号，1到3个，用顿号隔开；资料回答不了这个问题时写“无”。\n"
    "原文：依据句子的原文。\n"
    "结论：一到两句简短的话，每句不超过40个字。\n"
    "规则：\n"
    "1. 结论第一句直接回答提问的人问的事，用完整的陈述句，把问题里的事说全，"
    "例如问“单位不给交医保算违法吗”，答“单位不给职工缴纳医保是违法的。”\n"
    "2. 结论只说依据句子里写明的事，不添加资料没有的金额、比例、日期、地名和规定。\n"
    "3. 不复述资料里的案例故事，不提案例里的人，不照抄整句资料。\n"
    "4. 提问的人的说法和资料不一致时，以资料为准，直接指出资料的规定。"
)

# (user, assistant) pairs in the same shape as real prompts, about an invented library.
EXAMPLES: list[tuple[str, str]] = [
    (
        "【资料】\n[馆规·问3]（参保人想把借书证借给同学用，可以吗？）\n"
        "A1 不可以。借书证仅限本人使用，不得转借他人。\n"
        "A2 参保人如果把借书证借给同学，一经发现将暂停其借书证三个月。\n\n"
        "【问题】借书证能给我室友用吗？",
        "依据：A1、A2\n原文：「不可以。借书证仅限本人使用，不得转借他人。」「参保人如果把借书证借给同学，一经发现将暂停其借书证三个月。」\n"
        "结论：借书证只能本人使用，不能给室友用。转借给别人会被暂停三个月。",
    ),
    (
        "【资料】\n[馆规·问5]（参保人还书晚了，该怎么办？）\n"
        "A1 逾期归还图书的，每册每天收取0.1元滞纳金。\n"
        "A2 滞纳金可以在自助机或服务台缴纳。\n"
        "A3 因住院等特殊原因逾期的，凭证明可以免收。\n\n"
        "【问题】书还晚了要交多少钱，在哪交？",
        "依据：A1、A2\n原文：「逾期归还图书的，每册每天收取0.1元滞纳金。」「滞纳金可以在自助机或服务台缴纳。」\n"
        "结论：每本书每逾期一天收0.1元滞纳金，可以在自助机或服务台缴纳。",
    ),
    (
        "【资料】\n[馆规·问8]（一张借书证能借几本书？）\n"
        "A1 每张借书证最多可同时借阅10册图书，借期为30天。\n"
        "A2 到期前可以在网上续借一次。\n\n"
        "【问题】听说借的书三天内就必须还，是这样吗？",
        "依据：A1\n原文：「每张借书证最多可同时借阅10册图书，借期为30天。」\n结论：不是这样，借期是30天。",
    ),
    (
        "【资料】\n[馆规·问2]（参保人在阅览室占座，对吗？）\n"
        "A1 参保人的做法是错误的。\n"
        "A2 在阅览室大声喧哗、占座的，属于违反馆规的行为。\n\n"
        "【问题】在阅览室帮朋友占座算违规吗？",
        "依据：A2\n原文：「在阅览室大声喧哗、占座的，属于违反馆规的行为。」\n结论：在阅览室占座属于违反馆规的行为。",
    ),
]

LETTERS = "ABCDEFGH"
QUOTE_CHARS = 100


@dataclass(frozen=True)
class Source:
    """One retrieved item as the model sees it: its sentences, numbered from 1 in the item."""

    letter: str
    hit: Hit
    sentences: tuple[str, ...]  # every sentence of the item, as written
    shown: tuple[int, ...]  # 0-based indexes of the sentences in the prompt

    def sid(self, index: int) -> str:
        return f"{self.letter}{index + 1}"

    def evidence(self, index: int) -> Evidence:
        """The item's sentence at ``index`` as a quote of it."""
        h = self.hit
        return Evidence(h.source, h.qid, h.label, index, self.sentences[index])


@dataclass(frozen=True)
class Prompt:
    messages: list[dict[str, str]]
    # The start of the last message that depends only on the top item (its block): with the
    # instructions and examples before it, the part of the prompt whose KV state is cached.
    cache_head: str
    sources: tuple[Source, ...] = ()

    @property
    def ids(self) -> list[str]:
        return [s.sid(i) for s in self.sources for i in s.shown]

    def sentence(self, sid: str) -> tuple[Source, int] | None:
        for s in self.sources:
            if sid[:1] == s.letter and sid[1:].isdigit() and int(sid[1:]) - 1 in s.shown:
                return s, int(sid[1:]) - 1
        return None

    @property
    def grammar(self) -> str:
        """The whole reply in one generation: evidence ids, then the conclusion (the model does
        not read the chosen sentences again before it concludes)."""
        return (
            'root ::= "依据：" evidence "\\n结论：" conclusion\n'
            + _evidence_rules(self.ids)
            + CONCLUSION_RULES
        )

    @property
    def evidence_grammar(self) -> str:
        """Step 1 of two: only the "依据：" line."""
        return 'root ::= "依据：" evidence "\\n"\n' + _evidence_rules(self.ids)

    @property
    def conclusion_grammar(self) -> str:
        """Step 2 of two: only the conclusion, after the pipeline has quoted the chosen sentences."""
        return "root ::= conclusion\n" + CONCLUSION_RULES

    def verdict_grammar(self, question: str) -> str:
        """A conclusion that opens with a yes/no word of the question's own kind ("算吗" → 算 /
        不算), then its reason."""
        words = " | ".join(f'"{w}"' for pair in (yes_no_words(question) or [("是", "不是")]) for w in pair)
        return f'root ::= verdict "。" conclusion\nverdict ::= {words}\n' + CONCLUSION_RULES

    def quotes(self, ids: list[str], question: str, characters: frozenset[str]) -> str:
        """Step 2's prefill: the chosen sentences as the model saw them, then "结论：". Each is cut
        to ``QUOTE_CHARS`` characters: these tokens are processed at question time."""
        texts = []
        for sid in ids:
            found = self.sentence(sid)
            if found is not None:
                src, i = found
                text = mask(src.sentences[i], characters, question)
                texts.append(f"「{text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + '…'}」")
        return "原文：" + "".join(texts) + "\n结论："


def _evidence_rules(ids: list[str]) -> str:
    alternatives = " | ".join(f'"{i}"' for i in ids) or '"A1"'
    return f'evidence ::= id ("、" id)? ("、" id)? | "无"\nid ::= {alternatives}\n'


MAX_SENTENCE_CHARS = 120  # the composer drops a sentence cut at this length
# One to three sentences; none may hold a line break, a marker, a colon (an invented "问：/答：" turn)
# or a question mark (a copied question).
CONCLUSION_RULES = (
    "conclusion ::= sentence sentence? sentence?\n"
    f"sentence ::= [^\\n\\[\\]【】：:？?。！!]{{2,{MAX_SENTENCE_CHARS}}} [。！]\n"
)


def _block(source: Source, question: str, characters: frozenset[str]) -> str:
    h = source.hit
    lines = [f"{source.sid(i)} {mask(source.sentences[i], characters, question)}" for i in source.shown]
    return f"[{h.label}]（{mask(h.question, characters, question)}）\n" + "\n".join(lines)


def _shown(sentences: list[str], hit: Hit, question: str, limit_chars: int, max_sentences: int) -> list[int]:
    """Which sentences of an item the prompt shows: all if they fit, else the ones closest to the
    question and to the chunk retrieval matched, in their original order."""
    if sum(len(s) for s in sentences) <= limit_chars and len(sentences) <= max_sentences:
        return list(range(len(sentences)))
    picked = best_support(question, sentences, n=max_sentences)
    in_chunk = [i for i, s in enumerate(sentences) if s in hit.text]
    order = [sentences.index(s) for s in picked] + in_chunk
    keep: list[int] = []
    total = 0
    for i in order:
        if i not in keep and len(keep) < max_sentences and total + len(sentences[i]) <= limit_chars:
            keep.append(i)
            total += len(sentences[i])
    return sorted(keep) or [0]


def build_prompt(
    question: str,
    hits: list[Hit],
    characters: frozenset[str] = frozenset(),
    *,
    previous: str | None = None,
    top_chars: int = 900,
    other_chars: int = 300,
    other_sentences: int = 4,
    examples: bool = True,
) -> Prompt:
    """Instructions and examples, then the top item's sentences (its KV state is cached), then the
    other items' most relevant sentences, then the question (and the one it follows up)."""
    sources = []
    for n, h in enumerate(hits[: len(LETTERS)]):
        sentences = split_sentences(h.full_text or h.text)
        limit, most = (top_chars, 40) if n == 0 else (other_chars, other_sentences)
        # The top item's selection must not depend on the question: its block is the cached head.
        shown = _shown(sentences, h, question if n else "", limit, most)
        sources.append(Source(LETTERS[n], h, tuple(sentences), tuple(shown)))
    blocks = [_block(s, question, characters) for s in sources]
    head = f"【资料】\n{blocks[0]}" if blocks else "【资料】\n"
    ask = (
        f"【之前的问题】{previous}\n【问题】{question}（只回答这个追问）"
        if previous
        else f"【问题】{question}"
    )
    user = "\n\n".join([head, *blocks[1:], ask])
    messages = [{"role": "system", "content": SYSTEM}]
    for u, a in EXAMPLES if examples else []:
        messages += [{"role": "user", "content": u}, {"role": "assistant", "content": a}]
    messages.append({"role": "user", "content": user})
    return Prompt(messages, head, tuple(sources))


_IDS = re.compile(r"[A-H]\d{1,2}")


def parse_evidence(line: str) -> list[str] | None:
    """The sentence ids of an "依据：" line; None when it says the documents do not answer."""
    body = line.removeprefix("依据：").strip()
    if body.startswith("无"):
        return None
    return _IDS.findall(body)
