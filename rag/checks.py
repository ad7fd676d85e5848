"""Answer checks: what a person reading the answer would count as broken, wrong or off-target.

One set of rules for two users: the pipeline (rag.compose) drops a generated sentence that fails
them before it is shown, and the evaluation (rag.evaluation) counts the failures in every answer,
whatever produced it. Each rule is plain code over the text:

* ``character``         a story character (小王, 赵大爷) the asker did not mention;
* ``invented_turn``     "问：… 答：…" or "用户：" — a dialogue the model made up;
* ``copied_question``   a question in the answer (the asker's, or the FAQ story's own);
* ``duplicate_marker``  "[问2][问2]";
* ``dangling_marker``   a marker that cites nothing: at the start, after "资料编号：", mid-phrase;
* ``unfinished``        a sentence without its end ("医保报销的经济差是[问18]");
* ``echo``              (pipeline only) a yes/no question restated as a statement ("被车撞了医保
  给报。"), which agrees with the asker whether or not the documents do;
* ``unsupported``       a sentence whose numbers, bounds, places or content words are not in the
  source sentence(s) it rests on — not the whole item, so "90%" from a 深圳 example cannot support
  a claim about 北京 — or that reads them backwards (不能 for 能), drops their qualifier (有些/部分
  地区, 南昌等地) or the group of people they speak of (转诊转院人员), speaks of the other case of a
  pair they rule on (门诊 for 住院; 就医地的政策 for 参保地政策; 直接 for 手工报销), says of all care
  what they say of 住院 or 门诊 only ("看病能直接结算"), or whose reason
  contradicts its own verdict ("不能，…和本地一样。").

Counted by the evaluation, not yet enforced by the pipeline (it shows such answers as they are):

* ``copied_asker``      a sentence that repeats a long run of the asker's own words ("走路上被电瓶车
  撞了，人家要带我去检查，…是错误的。") instead of replying in a few;
* ``copied_source``     a sentence that is a long source sentence copied whole, not a reply;
* ``quoted_story``      a quoted evidence sentence about a story character the asker did not
  mention ("赵大爷的做法是错误的。"): the story retold through the quotes;
* ``masked_story``      a story sentence quoted with the character's name left out ("〔参保人〕这种
  情况，只需要备案到北京市…" under a question about 重庆): no name, but still the story's case;
* ``partial_list``      a quote that opens a numbered list and stops at its first item ("定点药店的骗保
  行为有：1. 盗刷…的；"): read alone it looks like the whole list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from . import facts
from .characters import in_text, mask
from .keyword import STOPWORDS, _jieba, tokenize
from .normalise import normalise
from .question import CLAUSE, asks_if_reported_true, claimed_part, is_confirmation, yes_no_words

KINDS = (
    "character",
    "invented_turn",
    "copied_question",
    "duplicate_marker",
    "dangling_marker",
    "unfinished",
    "unsupported",
    "copied_asker",
    "copied_source",
    "quoted_story",
    "masked_story",
    "partial_list",
)
COPIED_ASKER_CHARS = 16  # a reply may restate the asker's condition; this many in a row is a copy
COPIED_SOURCE_CHARS = 40  # …and a source sentence this long, nearly whole, is a passage, not a reply
MARKER = re.compile(r"[\[【]\s*([^\[\]【】\n]{1,24}?)\s*[\]】]")
TERMINAL = "。！？!?…"
_INVENTED_TURN = re.compile(r"(?:^|[\n。！？!?\]】])\s*(?:问|答|Q|A|用户|助手|客服|提问|回答)\s*[:：]")
_LEAD_IN = re.compile(r"(资料编号|资料来源|出处|来源|参考资料|依据|根据资料)\s*[:：]?\s*$")
# A sentence whose last word is one of these is a fragment ("…的经济差是。").
_DANGLING_WORDS = frozenset(
    "是 为 和 与 及 或 在 对 把 被 向 从 将 等于 包括 如下 以下 由 因为 如果 但 而".split()
)
_DANGLING_MARKS = "：:，,、（(“"
# A sentence ending on one of these characters is cut off, unless its last word is a whole word
# that happens to end with it (jieba sometimes glues the cut: "经济差是").
_DANGLING_CHARS = "是和与及或把被向从将由"
_WHOLE_WORDS = frozenset("总和 参与 自由 理由 缘由 来由 经由 来不及 不及 于是 可是".split())
_SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+|$)")
# Words that frame a reply rather than state a fact: they need no support in the source.
FRAMING = frozenset(
    "可以 不可以 不能 能 不行 行 需要 不需要 不用 必须 是的 不是 算 不算 对 不对 没错 您 你 资料 根据 规定 "
    "说明 提到 情况 问题 这种 这样 因此 所以 因为 而且 但是 但 如果 就 也 会 都 还 没有 并 只 只要 就是 "
    "属于 一般 具体 可 即 才 再 已 已经 目前 现在 相关 有关 按 按照 依法 为 由 于 进行".split()
)
UNSUPPORTED_SHARE = 0.5
ECHO_VERBATIM = 0.85
_NEGATION = re.compile("不|没|无|非|未|别|勿|禁止")
VERDICT_WORDS = frozenset(
    "是 不是 是的 可以 不可以 能 不能 需要 不需要 要 不要 会 不会 算 不算 有 没有 行 不行 对 不对 用 不用 "
    "合法 不合法".split()
)
# Runs of dots or marks, or a sentence that opens with a closing mark: text that fell apart.
_GARBLED = re.compile(r"[.。…,，、]{3,}|^[」』”’）)】\]]")
_VERDICT_START = (
    "是的",
    "是，",
    "对，",
    "对的",
    "可以",
    "能，",
    "需要",
    "要的",
    "有的",
    "会的",
    "算的",
    "算，",
)
# Words with which a sentence denies a claim, so the asker's number in it is denied, not stated:
# "资料没有住院满14天必须出院的规定", "…最多只能住14天是不正确的", "不是2020年才开始的" (that number only).
DENIAL = re.compile(r"没有|并无|不存在|并非|未规定|没规定|从未|不正确|不属实|不是真的|是错误的|是假的")
_DENIED = re.compile(r"不是\s*([\d.一二三四五六七八九十两百千万]+\s*[万亿%％]?)")


@dataclass(frozen=True)
class Issue:
    kind: str
    text: str  # the sentence or marker concerned
    detail: str = ""  # for people reading logs and reports
    hint: str = ""  # for the model, when it is asked again (Chinese)


def prose(text: str) -> str:
    """Text without citation markers (a space keeps "[问24]2. …" reading as list numbering)."""
    return MARKER.sub(" ", text)


def sentences(body: str) -> list[str]:
    """The sentences of an answer body, each with the markers that follow it."""
    out: list[str] = []
    for m in _SENTENCE.finditer(body):
        s = m.group(0)
        if not s.strip():
            continue
        if MARKER.fullmatch(s.strip()) or (out and re.fullmatch(r"(\s*[\[【][^\]】]*[\]】])+\s*", s)):
            if out:
                out[-1] += s
                continue
        out.append(s.strip())
    # Markers right after a sentence end belong to that sentence: "…违法的。[问2]".
    merged: list[str] = []
    for s in out:
        lead = re.match(r"^((?:\s*[\[【][^\]】\n]{1,24}[\]】])+)(.*)$", s, re.S)
        if lead and merged and lead.group(2).strip():
            merged[-1] += lead.group(1)
            s = lead.group(2).strip()
        merged.append(s)
    return merged


# ---------------------------------------------------------------------------------- support
def content_words(text: str) -> list[str]:
    return [
        t for t in tokenize(prose(text))
        if t not in STOPWORDS and t not in FRAMING and (len(t) > 1 or not re.fullmatch(r"[\u4e00-\u9fff]", t))
        and not re.fullmatch(r"[\d.%]+", t)
    ]  # fmt: skip


# Where, who, which: the reply's answer is the words it adds to the question.
_ASKS_WHICH = re.compile(r"哪|谁|什么地方|什么部门|什么单位")


# The asker's 报 and the documents' 赔付 or 报销 are one act to the number check: "超过十万的那部分报75%。"
# restates "10 万元以上赔付 75%" (probe 53); 举报, 申报, 上报… are other acts.
_PAY_WORD = re.compile(r"赔付|报销|(?<![举申上预通汇填])报(?![销案名到告警道])")


def _as_paid(text: str) -> str:
    return _PAY_WORD.sub("报销", text)


DATED_PAIRS = 3  # character pairs a claim must share with a sentence to take its opening date


# A clause that states a rule or a fact, not the asker's situation ("药价是国家统一定的", "乙类药才是全额
# 报", "借给亲戚用一下没关系"; not "上班路上被车撞了").
_PREMISE_RULE = re.compile(r"都是|才是|是[^，。；]*的$|没关系|必须|一定|只能|只有|全额|全包|一分不|统一")
PREMISE_SHARE = 0.8  # of a clause's character pairs that come from the question: the asker's clause
PREMISE_PAIRS = 3  # pairs a source sentence must share with it to state it


def confirmed_premise(text: str, question: str, support: Iterable[str]) -> str | None:
    """The clause of a reply that restates, as fact, what the asker wants confirmed, when no source
    sentence states it: "药价是国家统一定的，但…" to "药价都是国家统一定的，…必须一样吧？" (prem-18; the
    documents: 绝大部分药品价格实行市场调节). Agreeing with what the asker heard is the guess the
    assistant must not make; a clause that denies it (a negation the question's lacks) is not one."""
    if not is_confirmation(question):  # "…必须一样吧？", "…对吧？", "听说…"
        return None
    asked, denied = bigrams(question), negations(ASKS_BOTH.sub("", question))  # 是不是 negates nothing
    for clause in CLAUSE.split(text):
        grams = bigrams(clause)
        if len(grams) < 4 or len(grams & asked) < PREMISE_SHARE * len(grams):
            continue
        if not _PREMISE_RULE.search(clause.strip().rstrip(TERMINAL)) or negations(clause) - denied:
            continue
        if max((shared_pairs(clause, s) for s in support), default=0) < PREMISE_PAIRS:
            return clause.strip().rstrip(TERMINAL)
    return None


# A sentence that ends announcing what follows, when nothing does: "…还要办以下手续。" (probe 84). Not
# an amount's 以下 ("起付标准以下的费用", "3万元以下"), nor the source's "如下图" after steps that are
# given (rob-61: "…选择城市就可以查到…定点医院，以广州为例如下图。", graded indirect: its steps reply).
_ANNOUNCES = re.compile(
    r"(?<![\d元万岁天月年%）)准线额度数])(?:以下|如下|下列|下面)(?:的|几|这些|几个|这几)?[\u4e00-\u9fff]{0,6}(?<![图表])$"
)


# A reply that says what the asker heard is true: "医生说的医保规定是正确的", "有这个规定".
_AFFIRMS = re.compile(
    r"(?<![不没非])(?:是|属)?(?:正确|真的|对的|属实|没错|确实|确有)"
    r"|(?<!没)有这(?:个|种|条|项|样的?)?(?:规定|说法|回事|政策)"
)
_HEARSAY = re.compile(r"听说|据说|说是")
AFFIRMED_PAIRS = 6  # pairs a source sentence must share with what the asker heard to state it


def affirmed_hearsay(text: str, question: str, support: Iterable[str]) -> str | None:
    """The clause of a reply, with no negation anywhere in it, that says a rule the asker heard of
    is true, when no source sentence restates what they heard: "医生说的医保规定是正确的，住院天数是由
    医疗机构…确定的。" to "…说是医保的规定，真有这回事吗？" (probe 84, wrong: 问17 says 湖北省没有对住院天数
    进行限制); "有这个规定。" (probes 19 and 42, wrong). The judge's yes to such a question is never
    shown (compose.Composer._held_back); the model's own is shown only above a sentence that says it."""
    if not (asks_if_reported_true(question) or (is_confirmation(question) and _HEARSAY.search(question))):
        return None
    if negations(text):  # "老张的疑问是正确的，医保对住院天数没有限制。" affirms a doubt, and denies
        return None
    heard = claimed_part(question)
    if any(shared_pairs(heard, s) >= AFFIRMED_PAIRS for s in support):
        return None
    return next((c for c in CLAUSE.split(text) if c and _AFFIRMS.search(c)), None)


_ABOVE_DEDUCTIBLE = re.compile(r"(?:超过|超出|过了|高于)起付线|起付线(?:以上|之上)")


def unsupported(
    sentence: str,
    support: Iterable[str],
    question: str = "",
    home: frozenset[str] = frozenset(),
    context: Iterable[str] = (),
) -> tuple[str, str] | None:
    """Why a sentence is not supported by its source sentence(s) — for people, and as a hint for the
    model — or None when it is. ``home``: places the documents' regional rules are about
    (rag.facts.region_places), which an answer may name without the asker having named them;
    ``context``: the questions of the items the sentences answer (what case they speak of)."""
    text = prose(sentence)
    support = list(support)
    source = "\n".join(support)
    # The asker's own number, in a sentence that says the documents have no such rule, is denied,
    # not claimed ("资料没有住院满14天必须出院的规定"); after "不是" only that number is ("是14天，不是20天").
    asker_numbers = facts.numbers(question)
    if DENIAL.search(text):
        denied = asker_numbers
    else:
        denied = asker_numbers & {v for m in _DENIED.finditer(text) for v in facts.numbers(m.group(1))}
    stated = facts.numbers(text) - denied
    missing = stated - facts.numbers(source)
    if missing:
        return (
            f"numbers {sorted(missing)} not in the source sentence",
            "只能用原文里出现的数字",
        )
    sized = facts.approximate_amounts(text) - facts.approximate_amounts(f"{question}\n{source}")
    if sized:
        return (
            f"amounts {sorted(sized)} not in the source sentence",
            "只能用原文里出现的数字",
        )
    source_bounds = facts.bounded(source)
    lost = [v for v in stated if v in source_bounds and not facts.has_bound(text)]
    if lost:
        words = "/".join(dict.fromkeys(source_bounds[v] for v in lost))
        return (
            f"the source bounds {lost} ({words}); the answer does not",
            f"原文的数字前有“{words}”，不能省掉",
        )
    if heard := affirmed_hearsay(text, question, support):
        return (
            f"says “{heard}” of what the asker heard, which its source does not state",
            "原文没有说提问人听到的说法是真的",
        )
    if premise := confirmed_premise(text, question, support):
        return (
            f"restates as fact the asker's premise “{premise}”, which its source does not state",
            "不能把提问人听说的说法当作事实复述",
        )
    # A number is the source's only where the source says it of the same thing: "新生儿出生后3个月内
    # 要办理参保" is not supported by "转诊人员备案有效期为3个月", though both say 3个月. The answer
    # sentence or the question it answers must share a character pair (not counting numbers and
    # bounds) with the words around the number where the source states it.
    said = bigrams(_as_paid(facts.without_quantities(f"{text}\n{question}")))
    contexts = {v: [_as_paid(c) for c in cs] for v, cs in facts.number_contexts(source).items()}
    # A context longer than the window around a number is a whole sentence its opening date dates
    # (rag.facts.number_contexts): one shared pair ("建立") is not yet the same thing.
    unanchored = sorted(
        v
        for v in stated
        if not any(
            len(said & bigrams(c)) >= (DATED_PAIRS if len(c) > 2 * facts.NEAR else 1)
            for c in contexts.get(v.rstrip("%"), [])
        )
    )
    if unanchored:
        return (
            f"numbers {unanchored} are said of something else in the source sentence",
            "原文的这个数字说的是别的事",
        )
    # A rate of a table of tiers said of another tier: "超过十万的那部分报65%" where 65% is paid from 3万 to
    # 10万 ("…10 万元以上赔付 75%"); both numbers are the source's, each said of 赔付.
    tiers = [(rate, bounds) for rate, bounds in facts.rate_tiers(source) if bounds]
    for rate, bounds in facts.rate_tiers(text):
        told = [b for r, b in tiers if r == rate]
        # "超过起付线后报75%" (probe 56): paid right above the 起付线 is the first tier's rate; one the
        # source pays only above another amount ("10 万元以上赔付 75%") is another tier's.
        above_other = all(any(way == "上" for _, way in b) for b in told)
        if not bounds and told and above_other and _ABOVE_DEDUCTIBLE.search(text):
            return (
                f"the rate {rate} is paid above another amount than the 起付线 in the source sentence",
                "原文的这个比例说的是另一段金额",
            )
        if bounds and told and not any(bounds <= b for b in told):
            return (
                f"the rate {rate} is paid on another amount in the source sentence",
                "原文的这个比例说的是另一段金额",
            )
    # A place the asker named may be restated ("在广州长期居住的…"); one from nowhere may not, nor
    # the documents' own region (``home``): a rule said of it must come from a sentence that says so.
    extra_places = facts.places(text) - facts.places(source) - (facts.places(question) - home)
    # A place the asker did not name, taken from a story in the source ("只需要备案到北京市" for a
    # question about 重庆): the source's example, not the asker's case. Lists of places are facts.
    named = facts.places(text) - facts.places(question) - home
    if not extra_places and named and len(facts.places(text)) < 3:
        extra_places = named
    if extra_places:
        return (
            f"places {sorted(extra_places)} not in the source sentence",
            "原文没有提到这个地方",
        )
    # A number said of a place must be said of it in one sentence: "北京…90%" is not supported by
    # "…北京" in one sentence and "…90%" in another (the 深圳 example).
    claimed = stated | facts.places(text)
    if (
        stated
        and facts.places(text)
        and not any(claimed <= facts.numbers(s) | facts.places(s) for s in support)
    ):
        return "its number and place come from different source sentences", "原文没有这样说"
    # Asked about another region ("北京…报销比例是多少"), a number answers it only if a source
    # sentence says it of that region: "6倍左右" from a national rule is not 北京's rate.
    asked = facts.places(question) - home
    said_of = [s for s in support if asked & facts.places(s)]
    if asked and stated and not any(stated <= facts.numbers(s) for s in said_of):
        return f"its numbers are not said of {sorted(asked)} in the source", "原文没有说这个地方的数字"
    words = content_words(text)
    novel = [w for w in words if w not in source and w not in question]
    if len(novel) >= 2 and len(novel) > UNSUPPORTED_SHARE * len(words):
        return f"content words not in the source: {novel}", "只能说原文里写了的内容"
    added = [w for w in words if w not in question]
    if (
        _ASKS_WHICH.search(question)
        and not yes_no_words(question)
        and added
        and not any(w in source for w in added)
    ):
        # All it adds to the question is its own: "…自己工资里扣的那部分是交给社保局的" (probe 20, above
        # quotes on the employer's duty) answers "交到哪里" with a word no source sentence has.
        return f"adds to the question only words not in the source: {added}", "只能说原文里写了的内容"
    flipped = polarity_conflict(text, support, question)
    if flipped:
        said, source_said = flipped
        return f"says “{said}” where its source says “{source_said}”", f"原文说的是“{source_said}”"
    case = (
        other_case(text, support, question)
        or swapped_case(in_roles(text, question), support)
        or restated_case(text, support, question)
        or _restated_home(text, support, question)
        or _restated_payer(text, support, question)
    )
    if case:
        said, source_said = case
        return f"says “{said}” where its source speaks of “{source_said}” only", f"原文说的是“{source_said}”"
    # The sentences and the questions of their items: what case or group they speak of.
    named = [*support, *context]
    unnamed = unnamed_case(text, named)
    # What the documents deny in general they deny of each case the asker names: "这住院的钱不算医保的"
    # to "…让货车给刮倒了，这住院的钱算医保的吗？" above "这种情况医保是不管的" (probe 83). What they
    # allow in general may still be ruled otherwise for one case (直接结算 of 门诊).
    if unnamed and unnamed in question and negations(text) and any(negations(s) for s in support):
        unnamed = None
    if unnamed:
        pair = "/".join(next(p for p in CONTRASTS if unnamed in p))
        return f"says “{unnamed}” where its source names neither of {pair}", f"原文没有说{unnamed}的情况"
    if case := sourced_other_case(text, named):
        said, source_said = case
        return f"says “{said}” where its item speaks of “{source_said}” only", f"原文说的是“{source_said}”"
    group = unnamed_group(text, named)
    if group:
        return f"says something of “{group}” where its source never names them", f"原文没有说{group}的情况"
    swapped = swapped_group(text, support, question)
    if swapped:
        why = f"says of “{swapped[0]}” what its source says of “{swapped[1]}”"
        return why, f"原文说的是{swapped[1]}的情况，{swapped[0]}另有规定"
    general = general_case(text, support, question)
    if general:
        return f"says generally what its source says of “{general}” only", f"原文只说{general}的情况"
    qualifier = dropped_qualifier(text, support) or dropped_group(text, support, question)
    if qualifier:
        why = f"the source says this of “{qualifier}” only; the answer says it of all"
        return why, f"原文只说“{qualifier}”"
    condition = dropped_condition(text, support, question)
    if condition:
        return f"the source says this only if “{condition}”", f"原文说的是“如果{condition}”的情况"
    example = example_as_rule(text, support, question)
    if example:
        return f"states as the rule what its source gives as an example (“{example}…”)", "原文这句只是举例"
    assumed = assumed_condition(text, support, question)
    if assumed:
        return (
            f"takes “{assumed}” for the asker's case, which the asker did not say",
            "提问人没有说是这种情况",
        )
    done = done_already(text, question)
    if done:
        return f"asks first for “{done}”, which the asker says is done", f"提问人已经{done}了"
    undone = dropped_asked_negation(text, question)
    if undone:
        return f"speaks of “{undone}” where the asker asks about not doing it", f"问的是“不{undone}”"
    denied = dropped_negation(text, support, question)
    if denied:
        return f"restates what its source denies: “{denied}”", f"原文说的是“{denied}”"
    for check, why, hint in _SOURCE_READINGS:
        found = check(text, support)
        if found:
            return why.format(found), hint.format(found)
    some = qualified_permission(text, support, question)
    if some:
        return f"says flatly what its source permits in “{some}” only", f"原文只说“{some}”可以"
    some = denied_where_some(text, support, question)
    if some:
        return f"says flatly 不能 where its source says “{some}” can", f"原文说的是“{some}”可以"
    every = universal_claim(text, support, question)
    if every:
        return f"says “{every}” where its source says it of no such whole", "原文没有说“所有/全部”"
    basis = unstated_basis(text, support)
    if basis:
        return f"says “{basis}”, which its source does not", f"原文没有说“{basis}”"
    identity = story_identity(text, question)
    if identity:
        return f"says the story's person is “{identity}”, which the asker did not say", "这是原文故事里的人"
    sibling = sibling_as_part(text, support)
    if sibling:
        return f"puts one part in another where its source says “{sibling}”", f"原文说的是“{sibling}”"
    alternative = unsourced_alternative(text, support, question)
    if alternative:
        return f"sets itself against “{alternative}”, which neither the asker nor its source says", (
            f"原文没有说“{alternative}”"
        )
    rebound = (
        whole_rebound(text, support) or aided_but_pays(text, support, question) or list_rebound(text, support)
    )
    if rebound:
        said, source_said = rebound
        return f"says “{said}” where its source says “{source_said}”", f"原文说的是“{source_said}”"
    if unanchored_verdict(text, support, question):
        return "a bare verdict above sources that say it of something else", "原文说的不是这件事"
    lacking = uses_what_is_lacking(text, question)
    if lacking:
        return f"tells the asker to use what they say they do not have (“{lacking}”)", "提问人说没有这个"
    option = unsourced_choice(text, support, question)
    if option:
        return f"chooses “{option}”, which its source does not name", f"原文没有说{option}"
    heading = heading_as_advice(text, support, question)
    if heading:
        why = f"gives the source's heading “{heading}” as what to do"
        return why, f"“{heading}”是原文列出的情形，不是做法"
    limit = unstated_limit(text, support)
    if limit:
        return f"says “{limit}” where its source states no such limit", f"原文没有说“{limit}”"
    degree = unstated_degree(text, support)
    if degree:
        return f"says how much (“{degree}”) where its source only compares", f"原文没有说“{degree}”"
    payer = unstated_payer(text, support, question)
    if payer:
        return f"names “{payer}” as who pays, which its source does not", f"原文没有说由{payer}支付"
    return None


# A card or code the asker says they do not have ("卡还没下来", "社保卡丢了", "没带医保卡").
_CARD = r"(?:社会保障卡|社保卡|医保卡|医保电子凭证|电子凭证|医保码|卡)"
_LACKS = re.compile(
    rf"{_CARD}(?:还|都|也)?(?:没有?|未)(?:下来|办|办好|到|拿到|领到|带|激活)|{_CARD}(?:弄)?(?:丢了|丢失|被偷|不见了)"
    rf"|(?:没有|没带|没拿到|没领到|忘带了?|丢了)(?:医保|社保)?{_CARD}"
)
_USES = re.compile(rf"(?<![没未不忘])(?:持|刷|用|带|凭|携带|使用){_CARD}|(?<![没未不忘])刷卡")
# A smartphone the asker says they cannot use ("我年纪大了不会弄手机"), and a reply making one the
# condition ("可以，只要使用智能手机并激活医保电子凭证", probe 81; 问21: 仍然可以用社保卡正常就医购药).
# Also one who cannot work the phone's code ("那个手机上的医保码弄不明白", probe 89), and a reply making
# its use the step before what is asked ("可以使用智能手机激活医保电子凭证后，以后就可以刷她的社保卡了").
_LACKS_PHONE = re.compile(
    r"(?:不会|没有|没|不用|用不了|不懂)(?:弄|用|使用|玩)?(?:智能)?手机|老年机"
    r"|(?:手机|医保码|电子凭证)[^，,。？?]{0,8}(?:弄不明白|弄不懂|弄不来|搞不懂|搞不明白|用不来|不会弄|不会用|玩不转)"
)
_NEEDS_PHONE = re.compile(
    r"(?:只要|必须|需要|得|要)(?:先)?(?:会)?(?:使用|用|有|弄)(?:智能)?手机"
    r"|(?:使用|用)(?:智能)?手机[^，,。]{0,16}?(?:后|之后|以后)[，,]"
)


def uses_what_is_lacking(text: str, question: str) -> str | None:
    """A reply telling the asker to use the card they say they do not have: "…持社会保障卡进行刷卡即时
    结算" to "…卡还没下来，这期间住院怎么结算？" (probe 63: 问6's rule for everyone insured, copied) — or
    making a smartphone the condition for one who says they cannot use one. The use, or None."""
    if _LACKS_PHONE.search(question) and (m := _NEEDS_PHONE.search(prose(text))):
        return m.group()
    if not _LACKS.search(question):
        return None
    m = _USES.search(prose(text))
    return m.group() if m else None


# Who pays: "医药费应由保险公司支付", "由单位来出".
_PAYER = re.compile(
    r"由([\u4e00-\u9fff]{1,8}?)(?:来|先行|负责)?(?:支付|承担|负担|出钱|出|赔偿|赔付|赔|买单|垫付)"
)


def unstated_payer(text: str, support: Iterable[str], question: str = "") -> str | None:
    """A payer the sentence names that neither its source nor the asker does: "被车撞了医药费应由保险
    公司支付" (multi-03) above "首先要按照事故的责任来确定医疗费用的支付主体" — one word only, too few for
    the share of unsupported words to catch. The payer, or None."""
    source = "\n".join(support)
    for m in _PAYER.finditer(text):
        payer = m.group(1)
        if payer not in source and payer not in question:
            return payer
    return None


# How large a difference is: "…报的钱会差很多", "贵不少", "差别很大". Said or denied ("不会差很多"),
# it claims a size the source must state.
_DEGREE = re.compile(
    r"(?:差|多|少|高|低|贵|便宜|大|小)(?:得)?(?:很多|不少|许多|好多|一大截|太多)|差(?:别|距|异)(?:很|非常|特别|太)?大"
)
_SOURCE_DEGREE = re.compile(r"很多|不少|许多|好多|很大|较大|大幅|明显|太多|一大截|悬殊")


def unstated_degree(text: str, support: Iterable[str]) -> str | None:
    """The size of a difference said where no source sentence states one: "去二级医院和去三甲医院报
    的钱会差很多" (the judge's yes to "…会差很多吗？", multi-07) above "…在二级医院就医，报销的钱要比在
    三级医院的更多" — more, not how much more. The words, or None."""
    m = _DEGREE.search(text)
    if m is None or any(_SOURCE_DEGREE.search(s) for s in support):
        return None
    return m.group()


# 医保 paying, said with or without a modal ("医药费走医保报"), and a source clause denying it.
_INSURANCE_PAYS = re.compile(r"(?<![举申汇上通预情电])报(?:销)?(?![名告案道到])|支付|走医保|用医保")
_NO_PAYMENT = re.compile(
    r"医保[^，。；,;]{0,6}?(?:不予以?|不能|不可以?|不得|无法|不会|不给|不)(?:报销|报|支付|管)"
    r"|不(?:纳入|属于)[^，。；,;]{0,12}(?:支付|报销)范围"
)


def denied_payment(text: str, support: Iterable[str]) -> str | None:
    """A reply that 医保 pays, unnegated, where a source clause says 医保 does not and none says it
    does: "医药费走医保报。" above "…属于工伤，…不纳入基本医疗保险支付范围，所以医保不予支付"
    (probe 28: no modal to read a polarity from, and the judge had sided with the asker)."""
    if not any(_says_insurance_pays(c) for c in CLAUSE.split(prose(text))):
        return None
    clauses = [c for s in support for c in CLAUSE.split(s)]
    denied = next((m.group() for c in clauses if (m := _NO_PAYMENT.search(c))), None)
    return None if any(_says_insurance_pays(c) for c in clauses) else denied


# A denial of payment or leave: "…慢病药不能报", "不可以用医保结算" (not the asker's 能不能报).
_DENIES = re.compile(
    r"(?<![能可会])(?:不能|不可以|不可|不予|不给|无法|没法|不让|不会)(?:报|用|支付|享受|结算|参加|办理|刷)"
    r"|(?<![能可会要])不(?:报销|报|管|赔)(?![险])"
    # "买个家用血压计是不允许的。" (follow-14; 问40: 个人账户可…购买…家用医疗器械)
    r"|不(?:被)?允许|不准"
)
_DENIED_DENIAL = re.compile(r"不是|并非|并不")
# What a denial may rest on: a negation, a duty (not doing it is what is denied) or a limit. Not
# _NEGATION: its 别 is in 分别 (问6's 住院 sentence, "…分别达到…"), which denies nothing.
_MAY_DENY = re.compile(r"不|没|无|非|未|禁止|严禁|须|应当|应|义务|只能|仅|只限|只有|除|自费|以外|之外")


def _first_denial(text: str, denial: re.Pattern[str]) -> str | None:
    """The first denial of a reply's clauses that no 不是/并非 before it denies in turn ("并不是看门诊一分
    都不报" denies the denial), or None."""
    for clause in CLAUSE.split(prose(text)):
        m = denial.search(clause)
        if m and not _DENIED_DENIAL.search(clause[: m.start()]):
            return m.group()
    return None


def unsourced_denial(text: str, support: Iterable[str]) -> str | None:
    """A denial where none of its source sentences denies, limits or requires anything: "居民医保住院
    可以报，但平时买降压药这种慢病药不能报。" above 问6's 住院 sentence (probe 63: 问6 says 门诊慢性病保障
    is 普遍开展). The sentence says both 可以 and 不能, so no polarity is read from it (polarity_conflict)
    and its first clause finds it a source. The denial, or None."""
    denied = _first_denial(text, _DENIES)
    if denied is None or any(_MAY_DENY.search(s) for s in support):
        return None
    return denied


# A cost the asker names, said to be paid: "住院伙食费医保能报销", "请护工的钱医保能报".
_PAID_COST = re.compile(
    r"([\u4e00-\u9fff]{0,8})(费用|费|的钱)(?:医保|也|都|就)?(?<![不没])(?:能|可以|可)(?:报|用医保|走医保)"
)
_COST_CHARS = 3  # the cost's own name ends its phrase: "异地就医来回的路费" is 路费
# Words that name when, where or what kind of care a cost is, not the cost itself.
_COST_FRAME = re.compile(
    r"住院|门诊|急诊|看病|就医|医疗|医药|治疗|期间|时候|以后|之后|这些|那些|所有|全部|个人|自己"
)


def unnamed_cost(text: str, support: Iterable[str]) -> str | None:
    """A cost said to be paid that no source sentence names: "住院伙食费医保能报销。" and "住院期间请
    护工的钱医保能报。" above 问6's "…政策范围内住院费用都可按规定报销" (probes 31 and 37, out of scope:
    no document names either cost). The general rule pays what is 政策范围内, and whether this cost
    is, the documents do not say. The cost, or None."""
    plain = prose(text)
    for m in _PAID_COST.finditer(plain):
        cost = _COST_FRAME.sub("", m.group(1))[-_COST_CHARS:]
        cost += "费" if m.group(2).startswith("费") and cost else ""
        grams = bigrams(cost)
        if grams and not any(grams & bigrams(s) for s in support):
            return cost
    return None


# A kind of place of care said to do something ("北京的社区医院也能刷医保"), unnegated: the kind is
# the words before the facility's head noun, after the last 的 (a place name is the asker's).
_FACILITY_CAN = re.compile(
    r"((?:(?!的)[\u4e00-\u9fff]){1,4}?)(医院|诊所|卫生院|卫生室|药店|药房)"
    r"(?:也|都|就|还)?(?<![不没])(?:能|可以|可)(?=[^，。；]{0,6}?(?:刷|报|结算|医保))"
)


_WHICH = re.compile(r"哪|什么")


def unnamed_facility(text: str, support: Iterable[str]) -> str | None:
    """A kind of hospital or pharmacy said to do something where no source sentence names that kind:
    the judge's "北京的社区医院也能刷医保。" above "…在该地所有的跨省异地就医定点医疗机构直接结算住院
    费用" (probe 40, wrong: a 社区医院 is covered only if it is 定点, and for 住院). Whether the
    asker's kind is one the rule covers, the documents do not say. The kind, or None."""
    plain = prose(text)
    for m in _FACILITY_CAN.finditer(plain):
        opening = re.split(r"[，。；,;]", plain[: m.start()])[-1]
        denied = re.search(r"[不没无未]", plain[m.end() : m.end() + 2])
        if denied or re.search(r"不|没|并非|随便|任何", opening):
            continue  # "不是随便哪家医院都能报" denies, and says so of any hospital
        kind = m.group(1)
        if _WHICH.search(kind):
            continue  # "…网站查询，查到哪家医院能直接结算" (probe 71) asks which: it names no kind
        grams = bigrams(kind)
        if grams and not any(grams & bigrams(s) for s in support):
            return kind + m.group(2)
    return None


def designated_only(text: str, support: Iterable[str]) -> str | None:
    """For :func:`unnamed_facility`'s case, the word that decides it when a source gives the rule for
    定点 places only ("…所有的跨省异地就医定点医疗机构直接结算"): whether the asker's kind is covered
    depends on that. "定点", or None."""
    support = list(support)
    found = unnamed_facility(text, support) and any("定点" in s for s in support)
    return "定点" if found else None


# Wrongdoing denied ("这不算骗保", "不属于欺诈骗保行为"): the documents list what is, and deny nothing.
# Called lawful outright ("是合规的。" to "医院把一次手术拆成好几项分别收费，这合规吗？", probe 59,
# where 问42 lists it as 分解收费) is such a denial too, and so is the asker told they will come to no
# harm ("…你去了没有事。" to "有医院说住院免费还送东西，拉人去住，我去了有没有事？", probe 60, above
# 问41's 诱导住院): no document says what happens to whom, and 没事 is no word of theirs. Not 事先/事后.
# Called reasonable ("合理。" to "住了十来天，护士催我们先结账出院过几天再来，合理吗？", probe 61, which
# 问41 lists as 分解住院; probe 11's "合理。" was wrong too) as a predicate, not 合理用药/合理控制.
_NOT_WRONG = re.compile(
    r"(?:不算|不属于|不是|不构成|不涉及|并非|没有)[^，。；]{0,4}?(?:欺诈|骗保|违规|违法)"
    r"|(?<![不非])(?:合规|合法)(?!权益|的权益)"
    r"|(?<![不非])合理(?=的?(?:[，。；！!]|$))"
    r"|(?:没有?|不会有?|没什么|没啥)事儿?(?=[了的吧呢，。！；,;!]|$)"
)


def denied_wrongdoing(text: str, support: Iterable[str]) -> str | None:
    """A reply that something is not 骗保 (or 违规, 违法) where no source sentence says so of anything:
    "…这不算骗保。" to "医院把该病人自己出的钱算到医保里，这算骗保吗？" above 问41's 诱导住院 (probe
    38) and to "医生让我多开点药带回去给家里人吃，这算骗保吗？" above 问40's 串换项目 (probe 41): lists of
    what is 骗保 say nothing of what is not. The denial, or None."""
    m = _NOT_WRONG.search(prose(text))
    if m is None or any(_NOT_WRONG.search(s) for s in support):
        return None
    return m.group()


# The asker paying ("自己工资里要扣", "个人也得交"), unnegated, and a source sparing them
# ("职工不缴纳生育保险费"). Not "男职工不能不交…" in the asker's words (stop 39: dropping it lost a right
# 不可以 to "男职工可以不交生育保险多发工资吗？" and left no conclusion).
_OWN_PAYS = re.compile(
    r"(?:自己|个人|职工|本人|工资)(?:(?!单位|公司|老板|企业)[^，。；,;]){0,6}?(?<![不没])"
    r"(?:要|需要|得|也要|还要)(?:扣|交|缴|出|掏)"
)
_SPARED = re.compile(r"(?:职工|个人|本人)(?:不缴纳|不缴|不用交|不需要?缴纳|无需缴纳|不交)")


# A limit denied where its source states one: "…住院费用报销没有上限，统筹基金年最高支付限额…6倍左右"
# (probe 63: it then gives the limit it denied). "全面取消建档立卡贫困人口封顶线" (问12) says there is none
# for them: pol-11's "…贫困户的大病保险没有封顶线" stands.
_NO_LIMIT = re.compile(r"(?:没有|没|无|不设)(?:上限|限额|封顶|最高限额)|不封顶|取消[^，。；]{0,12}封顶")
_LIMIT = re.compile(r"最高支付限额|最高限额|封顶线|上限|最高不超过|最高奖励|最高支付")


def denied_limit(text: str, support: Iterable[str]) -> str | None:
    """A reply saying there is no upper limit where a source sentence states one (and none says there is
    none). The source's limit, or None."""
    if not _NO_LIMIT.search(prose(text)):
        return None
    support = list(support)
    if any(_NO_LIMIT.search(s) for s in support):
        return None
    return next((m.group() for s in support if (m := _LIMIT.search(s))), None)


def pays_where_spared(text: str, support: Iterable[str]) -> str | None:
    """A reply that the asker pays where a source says they do not: the judge's "自己工资里要扣。" to "公司
    交的生育保险，我自己工资里要扣吗？" above "…由用人单位按照国家规定缴纳生育保险费，职工不缴纳生育保险费"
    (probe 39: no modal to read a polarity from). The sparing clause's words, or None."""
    if not _OWN_PAYS.search(prose(text)):
        return None
    return next((m.group() for s in support if (m := _SPARED.search(s))), None)


def unstated_doubt(text: str, support: Iterable[str]) -> str | None:
    """A reply that hedges ("不一定…") above sources that limit nothing: "职工医保交得多，报销待遇不一定比
    居民医保好。" above "…与缴费相对应的待遇也有差别" (probe 37), "…不一定都是快过期的便宜货" (probe 13):
    a doubt the documents do not raise reads as their answer. The hedge, or None."""
    doubts = "不一定" in prose(text) and not any(LIMITED.search(s) for s in support)
    return "不一定" if doubts else None


# Still in use or valid ("可以继续使用原来的备案信息"), unnegated, and what ends it.
_KEPT = re.compile(r"(?:继续|还能|还可以|仍然?(?:可以|能)?|照样|依然)(?:使用|用|有效)|(?:继续|仍然?|还)有效")
_ENDED = re.compile(r"注销|撤销|作废|失效|取消")


def ended_but_kept(text: str, support: Iterable[str]) -> str | None:
    """A reply that something stays in use where a source clause about it says it is ended: "可以继续
    使用原来的备案信息。" above "若异地居住城市发生变更应…注销之前办理的异地就医备案信息" (probes 27,
    35: no modal to read a polarity from). The word that ends it, or None."""
    plain = prose(text)
    m = _KEPT.search(plain)
    if m is None or re.search(r"[不没无未]", plain[max(0, m.start() - 3) : m.start()]):
        return None  # "不能继续使用" agrees
    about = bigrams(plain[: m.start()] + plain[m.end() :]) - _GENERIC_ACT
    for s in support:
        for clause in _SOURCE_CLAUSE.split(prose(s)):
            ended = _ENDED.search(clause)
            if ended and (bigrams(clause) & about) - _GENERIC_ACT:
                return ended.group()
    return None


def _says_insurance_pays(clause: str) -> bool:
    return "医保" in clause and bool(_INSURANCE_PAYS.search(clause)) and not _NEGATION.search(clause)


LISTED_PLACES = 3  # places named together: a list the source gives of one thing
OTHER_WORDS = 2


def places_of_another(text: str, support: Iterable[str]) -> str | None:
    """A list of places from a source sentence said of what that sentence does not name: "外地可以
    使用医保的医院有北京、天津、上海…" (probe 27) and "可以去北京、天津…定点医疗机构看病" (probe 28),
    both from "对于要去北京、天津、上海、重庆、海南和西藏异地就医的参保人，只需要直接备案到这些省份"
    — the provinces one files to, read as hospitals. The clause's other words must be that sentence's."""
    support = list(support)
    for clause in CLAUSE.split(prose(text)):
        listed = facts.places(clause)
        if len(listed) < LISTED_PLACES:
            continue
        sources = [s for s in support if listed <= facts.places(s)]
        if not sources:
            continue  # not one source's list: the number/place checks read it
        other = [w for w in content_words(clause) if not facts.places(w) and not any(w in s for s in sources)]
        if len(other) >= OTHER_WORDS:  # one new word is a paraphrase ("开始试点" for "启动…试点")
            return "、".join(other)
    return None


# What a source clause denies, right before the words a reply restates ("不需到市医保中心办理").
_NEGATOR = re.compile(r"(?:不|没有?|未|无需|无须|不必|不用|不得|不予|不需要?)$")
# The negation a few words back, before the act whose object the run begins with: "不给员工缴纳|医保是违法
# 的" said as "公司交的医保是违法的" (probe 61: 缴纳, not 不, stands right before the shared words).
_NEGATED_ACT = re.compile(r"(?:不|没有?|未)(?:给|为|帮|替)?[^，。；]{0,4}?(?:缴纳|缴|交|参加|参保|办理)$")
_ACT_BEFORE = re.compile(r"(?:缴纳|缴|交|参加|参保|办理)(?:的|了)?$")
NEGATED_RUN_CHARS = 5  # fewer shared characters in a row are a topic, not a restatement


def dropped_negation(text: str, support: Iterable[str], question: str = "") -> str | None:
    """A clause with no negation that restates, five or more characters in a row, what every source
    clause saying it denies: "…要办的手续是到市医保中心办理" above "…不需到市医保中心办理任何手续" (the
    small model reads a "不需" past). A clause copied from the question is the asker's premise; a
    source that also says it without the negation supports it. The denied words, or None."""
    parts = [p for s in support for p in _SOURCE_CLAUSE.split(prose(s)) if p]
    own = [c for c in _CLAUSE.split(normalise(question)) if len(c) >= 4] if question else []
    for clause in _CLAUSE.split(prose(text)):
        if len(clause) < NEGATED_RUN_CHARS or _NEGATION.search(ASKS_BOTH.sub("", clause)):
            continue
        if any(clause in q for q in own):
            continue
        run = max((_common_run(clause, p) for p in parts), key=len, default="")
        if len(run) < NEGATED_RUN_CHARS:
            continue
        said = [p[max(0, at - 10) : at] for p in parts if (at := p.find(run)) >= 0]
        # The act negated further back must be the reply's act too ("公司交的医保…"), not one it
        # denies in other words ("…买商业保险代替医保是违法的", probe 47, right).
        acts = bool(_ACT_BEFORE.search(clause[: clause.find(run)]))  # the run is the clause's own
        found = [_NEGATOR.search(b[-3:]) or (_NEGATED_ACT.search(b) if acts else None) for b in said]
        if said and all(found):
            return found[0].group() + run
    return None


# Levels of hospital, lower first: what the documents compare ("在基层医院报销比例比在大医院高").
LEVELS = (
    re.compile(r"基层|二级|县医院|县里|社区|乡镇|小医院|卫生院"),
    re.compile(r"三甲|三级|大医院|市里|市医院|市中心医院|省城"),
)
_HIGHER = re.compile(r"高|多|划算")
_LOWER = re.compile(r"低|少")
_THAN = re.compile(r"比(?![例列率重])")  # not 比例 (or its typo 比列)
_COST = re.compile(r"起付线|自付|自己掏|自费")


def _favoured_level(clause: str) -> int | None:
    """Which level of hospital a clause says pays more (0 lower, 1 higher), or None: "A比B高" favours
    A, "…比B多" the other one than B; a clause naming one level only and saying 高/多 of it favours
    it. A lower 起付线 or 自付 favours its level."""
    found = [(m.start(), i) for i, level in enumerate(LEVELS) if (m := level.search(clause))]
    more, less = bool(_HIGHER.search(clause)), bool(_LOWER.search(clause))
    if more == less or not found or _NEGATION.search(clause) or not _PAY_WORD.search(clause):
        return None
    if _COST.search(clause):
        more = not more
    than = _THAN.search(clause)
    first = min(found)[1]
    if than is not None and min(found)[0] > than.start():
        first = 1 - first  # "…比在三级医院的更多": the level after 比 is the one compared against
    elif len(found) == 2 and than is None:
        return None
    return first if more else 1 - first


def reversed_level(text: str, support: Iterable[str]) -> str | None:
    """A reply saying the other level of hospital pays more than its source says: "医保报的比列高点
    在市里三甲医院。" above 问18's "在基层医院报销比例比在大医院高" (rob-32). The reply's clause, or None."""
    clauses = [c for s in support for c in _SOURCE_CLAUSE.split(prose(s))]
    said = {f for c in clauses if (f := _favoured_level(c)) is not None}
    if len(said) != 1:
        return None
    for clause in CLAUSE.split(prose(text)):
        f = _favoured_level(clause)
        if f is not None and f not in said:
            return clause
    return None


# A comparison denied ("意思不是报得少一点", "不是因为交得少"), and what a source says to deny one: a
# negation before the compared word, or before a word for no change or no difference.
_DENIED_MORE_LESS = re.compile(
    r"(?:不是|并不是|并非|不会|没有)((?:(?!一样|同样)[^，。；]){0,8}?)(?<![最至])(少|多|低|高|贵|便宜|差)(?![少别异])"
)
_SAME_WORDS = "变|影响|一样|相同|区别|差别|降低|减少|增加"
# "对报销没有区别" (probe 79, of 甲类 and 乙类 above 问30's sentences giving each its own rule).
_DENIED_DIFFERENCE = re.compile(r"(?:没有|没|并无|无)(?:什么|任何)?(?:区别|差别|不同|差异)")
_SAID_SAME = re.compile(f"[不没无非未][^，。；]{{0,4}}?(?:{_SAME_WORDS}|不同|差异)")


def denied_comparison(text: str, support: Iterable[str]) -> str | None:
    """A clause denying more or less where no source sentence denies it: "药品说明上写着乙类，意思不是
    报得少一点。" above 问30's 乙类 sentences (probe 65, wrong: 乙类 first takes off a 个人自付 share),
    "乙类药不是自己要多掏点" (probe 24) — the small model denies the asker's comparison. Sources that say
    there is no change or difference ("待遇不变", "不会有影响") support "…不会变少". The denied words, or
    None."""
    for clause in CLAUSE.split(prose(text)):
        if m := _DENIED_DIFFERENCE.search(clause):
            if not any(_SAID_SAME.search(prose(s)) for s in support):
                return m.group()
            continue
        m = _DENIED_MORE_LESS.search(clause)
        if m is None:
            continue
        said = re.compile(f"[不没无非未][^，。；]{{0,4}}?(?:{re.escape(m.group(2))}|{_SAME_WORDS})")
        if not any(said.search(prose(s)) for s in support):
            return m.group()
    return None


# A claim denied ("…不能补报") where a source sentence says how it is claimed ("可先行垫付，后需持相关
# 材料进行手工报销") and none denies one.
# The asker's "这钱还能要回来吗" asks the same (probe 75: "…这钱不能要回来。" above that sentence, wrong).
_CLAIM_DENIED = re.compile(
    r"(?<![能可会])(?:不能|不可以|无法|没法)(?:补|再|直接)?(?:报销|报(?![名告案道到警])|(?:要|拿|退|讨)回)"
)
_CLAIM_PERMITTED = re.compile(r"(?<!不)(?:可以|可)[^。；]{0,40}?报销")
_CLAIM_DENIED_IN_SOURCE = re.compile(
    r"不予(?:报销|支付)|不能(?:予以|直接)?(?:报销|报)|不纳入|不属于|无法|不得|不可"
)


def denied_claim(text: str, support: Iterable[str]) -> str | None:
    """A flat "cannot claim" where a source sentence says one can and none says one cannot: "医保卡落在
    家里了，今天看病的钱先自己付，不能补报。" above 问10's "…急诊未持卡…等情况时，参保患者可先行垫付，后需持
    相关材料进行手工报销" (probe 67, wrong). unsourced_denial reads 报 only right after 不能, and takes
    that sentence's 未 (a case in its list) for a source that limits. The denial, or None."""
    sources = [prose(s) for s in support]
    if any(_CLAIM_DENIED_IN_SOURCE.search(s) for s in sources):
        return None
    if not any(_CLAIM_PERMITTED.search(s) for s in sources):
        return None
    return _first_denial(text, _CLAIM_DENIED)


# What a source says is not needed ("不需要指定具体的医院"), and a reply's universal word: "可以去任何一家
# 指定的医院" (probe 56) is the source's "all of them", not a requirement to choose one.
_NOT_NEEDED = re.compile(r"不需要|不需|无需|无须|不必|不用|不要求")
_ANY = re.compile(r"任何|所有|全部|随便|都")
NEEDED_GAP = 4  # characters between the denied verb and its object's last word ("指定具体的医院")


# "先备案" is the documents' "提前备案": "在外地看病需要先备案的情况包括临时出差发生车祸…" above
# "…异地急诊…不需要提前备案" (probe 73). Only before a step one files, not "先垫付" or "先自付".
_AHEAD = re.compile(r"(?:事先|预先|先)(?=备案|办理|申请|登记)")


def denied_requirement(text: str, support: Iterable[str]) -> str | None:
    """A clause that says, in other words, what its source says is not needed: "异地备案以后，可以去指定
    的医院就医。" above "参保人备案时不需要指定具体的医院" (probe 66: to "是不是只能去一两家指定的医院？",
    a yes). The shared words are too short for dropped_negation's run, so the verb and the last word
    of its object are matched with a few characters between; a source clause saying them without
    the negation ("只需要指定就医的地市" names another object) supports it. The verb…object, or None."""
    clauses = [c for s in support for c in _SOURCE_CLAUSE.split(prose(s)) if c]
    plain = [c for c in CLAUSE.split(prose(text)) if not _NEGATION.search(c) and not _ANY.search(c)]
    said = [_AHEAD.sub("提前", c) for c in plain]
    for c in clauses:
        for m in _NOT_NEEDED.finditer(c):
            denied = c[m.end() :]
            if len(denied) < 4:
                continue
            verb, obj = denied[:2], denied[-2:]
            pat = re.compile(f"{re.escape(verb)}[^，。；]{{0,{NEEDED_GAP}}}?{re.escape(obj)}")
            if not any(pat.search(r) for r in said):
                continue
            if any((f := pat.search(x)) and not _NOT_NEEDED.search(x[: f.start()][-4:]) for x in clauses):
                continue
            return f"{verb}…{obj}"
    return None


# A permission read as a duty: "…但需要将档案转到辖区街道社保所" from "…可以将档案转到辖区街道社保所"
# (probe 61, 问4): the words after the modal restated, the source's 可以 made 需要. Not a bare 要 or 得,
# which advise as often as they require ("要向户籍所在地民政部门…咨询" from "可以向…咨询").
_DUTY = re.compile(r"(?:需要|必须|一定要)(?=[\u4e00-\u9fff]{5})")
_PERMITS_BEFORE = re.compile(r"(?:可以|可)$")
_DUTY_BEFORE = re.compile(r"(?:需要|必须|应当|应该|应|要|得|需)$")


def upgraded_permission(text: str, support: Iterable[str]) -> str | None:
    """A clause saying one must do what every source clause restating it only permits (可以), five
    or more characters in a row after the modal. The source's permission, or None."""
    parts = [p for s in support for p in _SOURCE_CLAUSE.split(prose(s)) if p]
    for clause in _CLAUSE.split(prose(text)):
        for m in _DUTY.finditer(clause):
            if _NEGATION.search(clause[max(0, m.start() - 2) : m.start()]):
                continue  # "不需要…", "不必要…"
            rest = clause[m.end() :]
            runs = [(run, p) for p in parts if len(run := _common_run(rest, p)) >= NEGATED_RUN_CHARS]
            runs = [(run, p) for run, p in runs if rest.startswith(run[:2])]
            if not runs:
                continue
            before = [p[: p.find(run)] for run, p in runs]
            permits = all(_PERMITS_BEFORE.search(b) for b in before)
            if permits and not any(_DUTY_BEFORE.search(b) for b in before):
                return "可以" + runs[0][0]
    return None


_STATES_MODAL = re.compile(r"能|可以|需要|不用|无需|必须")
# Words any description of places shares with a question about them.
_PLACE_WORDS = re.compile(r"城市|地方|地区|各地|备案|医保|报销|异地|就医|有些|部分|有的")


def names_the_case(asked: str, source: str, some: str) -> bool:
    """Whether a question or reply names which of the places a source qualifies (有些, 部分…) it
    means: "备案有时限的城市，时限内能回老家看病报销吗？" above "有些城市异地就医备案会有时限要求…"
    (probe 43) asks of those cities, for which the source answers. Only a clause that describes the
    places (no 能/需要 of its own): "只有部分地区可以报销普通门诊" shares 门诊 with a question because
    that is what is asked."""
    if some not in ("有些", "有的", "部分", "个别"):
        return False  # 尚未, 目前, 一般… qualify what is done, not which places
    clause = next((c for c in re.split(r"[，,。；;]", source) if some in c), "")
    if not clause or _STATES_MODAL.search(clause):
        return False
    told = bigrams(_PLACE_WORDS.sub("，", clause))
    # Named in a clause of its own, not in the one that asks or rules ("…起付线一样吗" shares 起付线
    # with "有些地方基层医院的起付线也设置得…更低" because that is what is asked, probe 39).
    premise = [c for c in _CLAUSE.split(prose(asked)) if not _STATES_MODAL.search(c) and not yes_no_words(c)]
    return any(len(told & bigrams(c)) >= 2 for c in premise)


def varies_by_place(text: str, support: Iterable[str]) -> str | None:
    """A flat 能/不能 (or 需要/不需要) where every source sentence that says either says it of some
    places only, and they say both: "不能回老家用医保报销" above "有些城市…也不能撤销备案" and "而有些
    城市…可以随时撤销备案" — the answer is "it depends on the city", which the reply does not say.
    The qualifier, or None."""
    if LIMITED.search(text):
        return None
    grams = bigrams(text)
    for family in _MODALS:
        said = _polarities(text, family)
        if len(said) != 1:
            continue
        ruled = [(s, forms) for s in support if (forms := set(_polarities(s, family)))]
        if not ruled or len(grams & bigrams("".join(s for s, _ in ruled))) < 2:
            continue
        qualifiers = [_QUALIFIER.search(s) for s, _ in ruled]
        if all(qualifiers) and len(set().union(*(f for _, f in ruled))) > 1:
            named = zip(ruled, qualifiers, strict=True)
            if any(names_the_case(text, s, q.group()) for (s, _), q in named if q):
                continue  # "备案有时限的城市，时限内不能…" says which cities it means
            return qualifiers[0].group()  # type: ignore[union-attr]
    return None


def qualified_difference(text: str, support: Iterable[str]) -> str | None:
    """A flat 一样/不一样 about something every source clause compares only for some places: "起付线
    不一样。" to "同一个病在二级医院和三级医院看，起付线一样吗？" above "…有些地方基层医院的起付线也设置
    得比在大医院更低" (probe 39). The qualifier, or None."""
    plain = prose(text)
    if limits(plain) or len(_polarities(plain, "同")) != 1:
        return None
    about = bigrams(_MODALS["同"].sub("", plain)) - _GENERIC_ACT
    compared = [
        c
        for s in support
        for c in _SOURCE_CLAUSE.split(prose(s))
        if (_COMPARES.search(c) or _MODALS["同"].search(c)) and about & bigrams(c)
    ]
    qualifiers = [_QUALIFIER.search(c) for c in compared]
    if compared and all(qualifiers):
        return qualifiers[0].group()  # type: ignore[union-attr]
    return None


# "…门诊费用直接结算尚未在全国全面开展": not yet everywhere, which is not "nowhere".
_PENDING = re.compile(r"尚未[^，。；;]{0,6}?(?:全面|普遍|广泛)[^，。；;]{0,4}?(?:开展|实现|推行|覆盖|实施)")


def denied_where_pending(text: str, support: Iterable[str]) -> str | None:
    """A flat 不能/不可以 about what a source says is not yet done everywhere: "不能在北京备案看门诊刷
    医保" above "…门诊费用直接结算尚未在全国全面开展" (probe 34; the item names pilot regions). Only a
    clause without a qualifier of its own, sharing a character pair beyond the generic words with
    the source clause. The source's words, or None."""
    plain = prose(text)
    # The reply's own "…尚未在全国全面开展，社区医院开点药的钱不能当场报掉" (probe 74): the 不能 drawn from
    # the pending clause it restates, in the asker's words, which share nothing with the source's.
    restates_pending = bool(_PENDING.search(plain))
    for clause in _CLAUSE.split(plain):
        if LIMITED.search(clause) or set(_polarities(clause, "能")) != {"不能"}:
            continue
        about = bigrams(_same_act(clause)) - _GENERIC_ACT
        for source in _source_clauses(support):
            if (m := _PENDING.search(source)) and (
                restates_pending or about & bigrams(_same_act(source[: m.start()]))
            ):
                return m.group()
    return None


# Leave to skip paying in or joining ("包工头不给交医保是可以的", "可以不交"), and a duty to do it.
_MAY_SKIP = re.compile(
    # Not "…是行不通的" or "…是不可以的" (probe 52: a right 不行 had been dropped as leave to skip).
    r"(?:不|没)(?:给|帮)?(?:交|缴|缴纳|参加|上|买)[^，。；]{0,8}?(?:是)?(?<![不没])(?:可以|行(?!不)|没问题|合法)"
    r"|(?<!不)可以不(?:给|帮)?(?:交|缴|缴纳|参加|上|买)"
    # "单位已经给你交了医保，自己工资里不需要再扣一部分。" above 问3's 由用人单位和职工共同缴纳 (probe 70).
    r"|(?:不需要|不用|无需|不必)再?(?:交|缴|缴纳|扣|出钱|掏钱)"
    # "单位交了医保，工资里每个月还扣一笔医保是不合理的。" (probe 77): the deduction judged wrong.
    r"|(?:扣|交|缴)[^，。；]{0,10}?(?:是)?(?:不合理|不应该|不该)"
)
# The leave said and judged wrong ("…可以不上医保的说法站不住"), or denied ("不可以不交").
_LEAVE_DENIED = re.compile(r"站不住|不成立|不对|错误|违法|不合法|不可以不|不能不")
_DUTY_TO_JOIN = re.compile(r"(?:应当?|必须|义务|都要|依法)[^，。；]{0,20}?(?:参加|缴纳|缴费|参保)")


# An act a reply says must come first ("需要先备案"), and the asker's words saying it is done: "办了去
# 深圳的异地就医" (probe 78), "备了案", "已经激活了". Not "备案了吗" / "还没备案": asked or not done.
_FIRST_ACT = re.compile(
    r"(?:需要|要|得|必须|应该|应当|应)先(?:(?!撤销|注销|取消|变更)[^，,。；]){0,20}?(备案|激活|登记|申领)"
)
_DONE_OBJECTS = {"备案": "备案|异地就医|异地备案", "激活": "激活", "登记": "登记", "申领": "申领"}


def done_already(text: str, question: str) -> str | None:
    """An act a sentence says must be done first where the question says the asker has done it:
    "不能直接刷，需要先备案。" to "我妈办了去深圳的异地就医，她平时去小诊所看个感冒…" (probe 78, wrong:
    its source's rule for the filed is 问27's). The act, or None."""
    m = _FIRST_ACT.search(prose(text))
    if m is None:
        return None
    act, objects = m.group(1), _DONE_OBJECTS[m.group(1)]
    done = re.compile(
        rf"(?:已经?|办了|办好了?|做了|弄好了?)[^，,。？?！!]{{0,10}}?(?:{objects})"
        rf"|{act[0]}了{act[1]}|{act}(?:了|过|好了|完了)(?!吗|没|么)"
    )
    clauses = re.split(r"[，,。？?！!]", question)
    if any(done.search(c) and not re.search(r"没|未|还不|不用", c) for c in clauses):
        return act
    return None


def permits_skipping(text: str, support: Iterable[str]) -> str | None:
    """Leave not to pay in or join where a source clause makes it a duty: "农民工在工地干活，包工头不给
    交医保是可以的。" above 问5's "可以。…有权参加基本医疗保险" (probe 43, wrong: its 可以 is the right to
    join; 用人单位应依法…为其参加职工基本医疗保险). The duty's words, or None."""
    plain = re.sub(r"[，,]", "", prose(text))  # "包工头不给交医保，可以" as the judge reads it
    if not _MAY_SKIP.search(plain) or _LEAVE_DENIED.search(plain):
        return None
    return next((m.group() for c in _source_clauses(support) if (m := _DUTY_TO_JOIN.search(c))), None)


# A source sentence that gives leave not to pay, or pays one's share: "职工不缴纳生育保险费", "个人缴费部分
# 通过医疗救助给予全额资助".
_GIVES_LEAVE = re.compile(r"可以不|不用|不需要|无需|无须|不必|免|不缴|资助")


def unsourced_leave(text: str, item_sentences: Iterable[str]) -> str | None:
    """Leave not to pay in or join that no sentence of the cited items gives anyone: "如果明年的医药费
    没有花，说明自己健康，可以不交医保费用。[问1]" (probe 85, wrong: 问1 says 参加医保绝对不亏). Where an
    item makes paying a duty, ``permits_skipping`` says so; this is for items that only argue for it.
    The leave's words, or None."""
    plain = prose(text)
    m = _MAY_SKIP.search(plain)
    if m is None or _LEAVE_DENIED.search(plain) or any(_GIVES_LEAVE.search(s) for s in item_sentences):
        return None
    return m.group()


# Only tried so far ("…启动了相关试点工作"), not done everywhere ("已经在全国普遍开展").
_PILOT = re.compile(r"试点")
_EVERYWHERE = re.compile(r"普遍|全面|全国")


def permitted_where_piloted(text: str, support: Iterable[str]) -> str | None:
    """A flat 能/可以 where the source clause closest to it says only that a pilot has started:
    "京津冀地区和西南地区可以跨省看门诊直接刷卡。" above "京津冀地区和西南地区分别于2019年6月和12月启动了
    相关试点工作" (probe 41, wrong) — the reverse of :func:`denied_where_pending`. A clause whose
    closest source clause says it is done everywhere ("…住院费用直接结算已经在全国普遍开展") is not
    this. The source's word, or None."""
    clauses = _source_clauses(support)
    for clause in _CLAUSE.split(prose(text)):
        if LIMITED.search(clause) or _PILOT.search(clause) or set(_polarities(clause, "能")) != {"能"}:
            continue
        about = bigrams(_same_act(clause)) - _GENERIC_ACT
        shared = [(len(about & bigrams(_same_act(c))), c) for c in clauses]
        best = max((n for n, _ in shared), default=0)
        closest = [c for n, c in shared if n == best and n]
        # Closest to a pilot, or to what is not yet done everywhere (its twin in the same item).
        pilot = [c for c in closest if _PILOT.search(c) and not _EVERYWHERE.search(c)]
        if pilot and all(c in pilot or _PENDING.search(c) for c in closest):
            return "试点"
    return None


# "不是因为X": a reason denied. Not the asker's "是不是因为…" (the reply restating a question).
_DENIED_REASON = re.compile(r"(?<![是])(?:不是|并非|并不是)(?:因为|由于)([^，,。；;]{2,16})")
# A clause that denies: not _NEGATION, whose 别 is in 差别 ("…两个险种…有差别", which denies nothing).
_DENIES_REASON = re.compile(r"不|没|无|非|未")


def denied_reason(text: str, support: Iterable[str]) -> str | None:
    """A reason the reply denies where no source clause about it denies anything: "不是因为险种不一样，
    而是因为…缴费…" (probe 73) and "不是因为交得少，而是由于…两个险种…有差别" (probe 55) — 问13 gives the two
    险种 and what each pays as one chain of reasons, and the small model sets one part against the other.
    "集采的药降价不是因为质量不行" stands above 问31's "降价对药品质量不会有影响" (a clause sharing 质量
    that denies). The denied reason, or None."""
    m = _DENIED_REASON.search(prose(text))
    if m is None:
        return None
    about = bigrams(m.group(1)) - _GENERIC_ACT
    clauses = (c for s in support for c in _SOURCE_CLAUSE.split(prose(s)))
    if any(about & bigrams(c) and _DENIES_REASON.search(c) for c in clauses):
        return None
    return m.group(1)


def unbound_side(text: str, support: Iterable[str]) -> str | None:
    """A rule word given to 就医地 or 参保地 ("住院按就医地的标准报") where no source sentence gives any
    rule word to either: multi-08's reply above 异地就医·问9's "入院后执行就医地医疗机构就医流程和服务
    规范", which says how one is treated there, not by whose rules one is paid (问29 does). The
    binding, or None."""
    pair = ("就医地", "参保地")
    said = sorted(_bindings(text, pair))
    if not said or _source_bindings("\n".join(support), pair):
        return None
    case, word = said[0]
    return f"{case}的{word}"


# Readings of a sentence against its source sentences alone, in the order unsupported() tries them:
# (check, why for people, hint for the model), each message naming what the check found.
_SOURCE_READINGS: tuple[tuple[Callable[[str, list[str]], str | None], str, str], ...] = (
    (
        places_of_another,
        "says “{}” of places its source lists for something else",
        "原文列出这些地方说的不是“{}”",
    ),
    (pays_where_spared, "says the asker pays where its source says “{}”", "原文说的是“{}”"),
    (denied_limit, "says there is no limit where its source states a “{}”", "原文有“{}”"),
    (unstated_doubt, "hedges ({}) where its source limits nothing", "原文没有说{}"),
    (unnamed_cost, "says 医保 pays for “{}”, which its source does not name", "原文没有说{}能不能报"),
    (unnamed_facility, "says “{}” can where its source names no such place", "原文没有说{}"),
    (ended_but_kept, "says it is still valid where its source says “{}”", "原文说的是“{}”"),
    (denied_wrongdoing, "says “{}” where no source says what is not", "原文没有说什么不算"),
    (upgraded_permission, "says one must where its source says only “{}”", "原文只说“{}”，不是必须"),
    (denied_requirement, "says “{}” where its source says it is not needed", "原文说的是不需要“{}”"),
    (denied_comparison, "denies a comparison (“{}”) no source sentence denies", "原文没有说“{}”"),
    (reversed_level, "says “{}”, the other level of hospital than its source", "原文说的是另一级医院报得多"),
    (denied_claim, "says “{}” where its source says how it is claimed", "原文说的是可以报销"),
    (permits_skipping, "permits not doing what its source says “{}”", "原文说的是“{}”"),
    (permitted_where_piloted, "says flatly what its source says is only a “{}”", "原文只说在{}"),
    (denied_payment, "says 医保 pays where its source says “{}”", "原文说的是“{}”"),
    (varies_by_place, "states flatly what its source says only of “{}”", "原文只说“{}”，各地不同"),
    (qualified_difference, "states flatly a difference its source gives only for “{}”", "原文只说“{}”"),
    (denied_where_pending, "says 不能 where its source says only “{}”", "原文只说“{}”，不是都不能"),
    (unsourced_denial, "says “{}” where no source sentence denies anything", "原文没有说不能"),
    (denied_reason, "denies the reason “{}”, which no source clause denies", "原文没有说不是因为{}"),
    (unbound_side, "gives “{}” where its source binds no rule to either side", "原文没有说按哪边的规定"),
)


# Words that claim a whole ("所有费用", "全部报销", "任何医院都…", "什么药都…").
_ALL = re.compile(r"所有|全部|一切|任何|全都|统统|什么[^，。；]{0,6}都")


# A list's headings ("一是分解收费：…；二是重复计费：…"): in the documents, kinds of wrongdoing.
_HEADING = re.compile(r"[一二三四五六七八九十]是([^：:，,。；;]{2,10})[：:]")
_ADVICE = re.compile(r"应该|应当|应|要|需要|可以|得")
_HOW = re.compile(r"怎么|如何|怎样|咋")
_DO = re.compile(
    r"(?:可以|可|应当|应该|应|(?<![主只重想需])要|需要|需)"
    r"(?:及时|先|再|到|去|向|找|通过|拨打|携带|持|凭|办理|申请|提交|投诉|举报|咨询|询问)"
)


def asks_how(question: str) -> bool:
    """Whether the question asks what to do or how ("…该怎么办？", "如何掌握…")."""
    return bool(_HOW.search(question))


def advises(sentence: str) -> bool:
    """Whether a source sentence says what one can or should do: "…可以向当地医保部门投诉举报"."""
    return bool(_DO.search(sentence))


def heading_as_advice(text: str, support: Iterable[str], question: str) -> str | None:
    """A heading of the source's list given as what to do: "出院发现没做的项目也收费了，应该分解收费或
    重复计费" from "一是分解收费：…；二是重复计费：…" (问42's kinds of overcharging, named as the way
    to check one's charges — in the eval and probe 16), or named at all in reply to a how-question.
    The heading, or None."""
    headings = list(dict.fromkeys(m.group(1) for s in support for m in _HEADING.finditer(s)))
    how = asks_how(question)
    for clause in _CLAUSE.split(prose(text)):
        for heading in headings:
            at = clause.find(heading)
            if at >= 0 and heading not in question and (how or _ADVICE.search(clause[:at])):
                return heading
    return None


# A limit: "只能", "仅限", "只有…才". A source states one with these, by a bound (最高, 不超过) or by
# forbidding the rest ("不得转借").
_ONLY = re.compile(r"只能|只可|只限|只允许|仅限|仅能|仅可|只有[^，。；]{1,12}才")
_SOURCE_LIMIT = re.compile(
    r"只|仅|唯一|限|不得|不能|不可|无法|禁止|必须|否则|才能|才可|除[^，。；]{0,12}外|最高|最多|不超过|以内"
)
_NOT_LIMIT = re.compile(r"(?:不是|并非|不一定|未必)[^，。；]{0,6}$|不$")
_REPORTED = re.compile(r"说|认为|以为|声称")
_LIMIT_WORD = re.compile(r"只能|只可|只限|只允许|仅限|仅能|仅可|只有|才")
LIMIT_SHARED_PAIRS = 2  # character pairs a source sentence stating a limit shares with the claim


def unstated_limit(text: str, support: Iterable[str]) -> str | None:
    """A clause that limits something ("而社保卡只能用于支付医疗费用") where no source sentence about
    the same thing states a limit: the small model invents the contrast a comparison asks for
    (probe 16: "医保电子凭证…和社保卡有啥区别")."""
    limiting = [prose(s) for s in support if _SOURCE_LIMIT.search(prose(s))]
    for clause in _CLAUSE.split(prose(text)):
        m = _ONLY.search(clause)
        if not m or _NOT_LIMIT.search(clause[: m.start()]) or _REPORTED.search(clause[: m.start()]):
            continue  # "并不是钱只能自己认", "医院说…只能住14天是不正确的": a limit denied or reported
        claim = _LIMIT_WORD.sub("|", clause)
        if not any(shared_pairs(claim, s) >= LIMIT_SHARED_PAIRS for s in limiting):
            return m.group()
    return None


# A bare verdict of these families says yes or no to the act the question asks about.
_VERDICT_FAMILY = {"可以": "能", "不可以": "能", "能": "能", "不能": "能", "行": "能", "不行": "能",
                   "需要": "需", "不需要": "需"}  # fmt: skip
_ASK_PARTICLES = re.compile(r"[吗呢吧啊呀么？?！!。]")
VERDICT_ANCHOR_PAIRS = 2  # character pairs a source clause stating the modal shares with the asked act


def unanchored_verdict(text: str, support: Iterable[str], question: str) -> bool:
    """A bare "可以。" / "不需要。" above sources none of whose clauses stating that modal speaks of
    what was asked: "可以。[问26]" to "办了异地备案，回老家看病还能直接用医保吗？" above "…她可以携带社保卡到
    本人参保地的医保中心办理…备案" (probe 16) says yes to filing a 备案, not to using 医保 at home."""
    # "可以报。" is as bare as "可以。" (probe 43).
    family = _VERDICT_FAMILY.get(re.sub(r"(?<=[以能])(?:报销|报)$", "", prose(text).strip().rstrip(TERMINAL)))
    if family is None or not question:
        return False
    if not _MODALS[family].search(question):
        return False
    # The whole question: what the modal is about is often in a clause of its own ("社保卡还没激活
    # 电子凭证，去医院能刷吗").
    act = bigrams(_same_act(_MODALS[family].sub("", _ASK_PARTICLES.sub("", question))))
    clauses = [c for s in support for c in _SOURCE_CLAUSE.split(s) if _MODALS[family].search(c)]
    bare = prose(text).strip().rstrip(TERMINAL)
    no_leave = not any(_ANY_LEAVE.search(s) for s in support)
    if not clauses and support and no_leave and not bare.startswith("不"):
        # "可以报。" above a sentence with no 能/可以 at all (probe 43, a 多计医疗费用 item). A bare
        # no may rest on what a source forbids in other words ("医保卡只限本人使用").
        return True
    if not clauses or any(prose(c).strip() in VERDICT_WORDS for c in clauses):
        # No clause states it (other checks read such a verdict), or the FAQ's own verdict does
        # ("不可以。首先，…"): it answers the item's question, which retrieval matched to this one.
        return False
    shared = max(len(act & bigrams(_same_act(_MODALS[family].sub("", c)))) for c in clauses)
    return shared < VERDICT_ANCHOR_PAIRS


def universal_claim(text: str, support: Iterable[str], question: str = "") -> str | None:
    """A clause that says something of all ("住院期间花的所有费用医保都能报") where no source sentence
    it rests on speaks of all: "政策范围内住院费用都可按规定报销" limits it (probe 11, where the judge
    settled the asker's "所有费用…都能报吗" for the asker). A denied whole ("不是所有的药都能报",
    "不需要办理任何手续") claims no whole. Asked whether any one will do ("上海哪家医院都能直接结算
    吗？"), a reply keeping the 都 ("上海的医院都可以直接结算", probe 25, above sentences that say
    nothing of it) claims the whole too. The word, or None."""
    support = list(support)
    if any(_ALL.search(s) for s in support):
        return None
    asks_all = bool(_ANY_ONE.search(question))
    for clause in _CLAUSE.split(prose(text)):
        m = _ALL.search(clause) or (_CERTAIN.search(clause) if asks_all else None)
        if m and not _NEGATION.search(clause):
            return m.group()
    return None


_GENERIC_ACT = frozenset({"报销", "结算", "直接", "使用", "办理", "医保"})
SOME_SHARED_PAIRS = 2  # character pairs the asked act shares with what the source permits


def qualified_permission(text: str, support: Iterable[str], question: str = "") -> str | None:
    """A flat 能/可以 about what a source permits in some places only: "医保能报。" to "在外地看普通
    门诊，医保能报吗？" above "…只有部分地区可以报销普通门诊" (probe 25, where the judge had settled
    it). "一般能报" is no qualifier there: it says most places do, where the source says only some
    do (probe 36). The qualifier, or None."""
    plain = prose(text)
    if limits(plain) or set(_polarities(plain, "能")) != {"能"}:
        return None
    mostly = bool(MOSTLY.search(plain))
    for qualifier, shared in _permitted_in_some(plain, support, question):
        if mostly and MOSTLY.match(qualifier):
            continue  # "一般能" above "大部分地区可以": the same claim
        if len(shared) >= SOME_SHARED_PAIRS:
            return qualifier
    return None


def _permitted_in_some(plain: str, support: Iterable[str], question: str) -> Iterator[tuple[str, set[str]]]:
    """Each "有些/部分…可以X" of the sources: its qualifier and the character pairs X shares with
    what the reply speaks of (generic acts aside). A reply short enough to be a verdict speaks of
    what the question asks; a longer one of its own words."""
    about = bigrams(f"{plain}\n{question}" if len(plain) <= VERDICT_CHARS else plain) - _GENERIC_ACT
    for s in support:
        for m in _SOME_MAY.finditer(prose(s)):
            yield m.group(1), bigrams(m.group(2)) & about


def denied_where_some(text: str, support: Iterable[str], question: str = "") -> str | None:
    """A flat 不能 about what a source permits in some places: "不能当场结算。" to one whose father
    filed to 深圳 and asks whether his 门诊 bills settle there, above "…只有部分地区可以报销普通门诊"
    (probe 69). Not "nowhere", and the source does not say which: the reply may not decide it for
    the asker. The qualifier, or None."""
    plain = prose(text)
    if limits(plain) or set(_polarities(plain, "能")) != {"不能"} or MOSTLY.search(plain):
        return None
    for qualifier, shared in _permitted_in_some(plain, support, question):
        # "大部分地区可以": a flat no is the exception there, not the rule.
        if shared and not MOSTLY.match(qualifier):
            return qualifier
    return None


def _source_clauses(support: Iterable[str]) -> list[str]:
    """Every clause of the source sentences, as the reply's clauses are read."""
    return [c for s in support for c in _CLAUSE.split(prose(s))]


# "All of it" bound to what is done with the money: "全额纳入报销范围" (甲类药, 问30) puts the whole
# cost into the reimbursable part; "全额报销" pays all of it. Longer verbs first.
_WHOLE_OF = re.compile(
    r"(全额|全部|足额|全)(?:都|也|可以|可|能|会|给|予以|予|被)?"
    r"(报销|支付|承担|负担|资助|补助|补贴|免除|纳入|计入|划入|报|免|付|出)"
)

# Verbs that say the same of a whole: paid by the fund; paid for the person by someone else, so the
# person pays nothing ("全额资助" of the personal share is "个人缴费全免", pol-25); put into a part.
_WHOLE_KIND = {
    **dict.fromkeys(("报销", "报", "支付", "付"), "paid"),
    **dict.fromkeys(("资助", "补助", "补贴", "免除", "免"), "free"),
    **dict.fromkeys(("纳入", "计入", "划入"), "into"),
}


def _whole_kind(m: re.Match[str]) -> str:
    return _WHOLE_KIND.get(m.group(2), m.group(2))


def whole_rebound(text: str, support: Iterable[str]) -> tuple[str, str] | None:
    """(the claim, what the source says) when a clause says all of a sum is paid one way
    ("甲类药可以全额报销") and its source says all of it goes another ("可以全额纳入报销范围，按规定
    比例报销", probe 18): the small model keeps the word and drops what it was said of. A denied
    whole ("不能全额报销") claims nothing."""
    source_said: dict[str, str] = {}  # kind of verb → the source clause that says it of a whole
    for clause in _source_clauses(support):
        for m in _WHOLE_OF.finditer(clause):
            source_said.setdefault(_whole_kind(m), clause)
    for clause in _CLAUSE.split(prose(text)):
        m = _WHOLE_OF.search(clause)
        if not m or _NEGATION.search(clause[: m.end()]):
            continue
        if _whole_kind(m) not in source_said:
            return m.group(), next(iter(source_said.values()), "no such whole")
    return None


# Within a list: runs of this many characters between its 、 (longer is not one thing listed).
LIST_ITEM_MAX = 14
_HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
_PUNCT_OR_ETC = re.compile(r"^(?:等|$|[^\u4e00-\u9fff])")


def _list_tails(text: str) -> list[tuple[str, str]]:
    """For each list of three or more (…、…、…) in a clause: (its middle items joined by 、 with a
    、 either side, what follows its last 、): "由民政部门、扶贫部门、医保部门认定" →
    ("、扶贫部门、", "医保部门认定")."""
    out = []
    for clause in _CLAUSE.split(text):
        parts = clause.split("、")
        i = 1
        while i < len(parts) - 1:
            j = i
            while j < len(parts) - 1 and 1 <= len(parts[j]) <= LIST_ITEM_MAX and _HAN_ONLY.match(parts[j]):
                j += 1
            if j > i:
                out.append(("、" + "、".join(parts[i:j]) + "、", "、".join(parts[j:])))
            i = j + 1
    return out


def list_rebound(text: str, support: Iterable[str]) -> tuple[str, str] | None:
    """(the claim, what the source says) when a reply restates a list of its source and says of it
    something else than the source does: "医疗救助的对象由…民政部门、扶贫部门、医保部门认定" above
    "可以向…民政部门、扶贫部门、医保部门咨询" (probe 19; the source has 民政 认定 but 医保 only
    咨询). Read at the word after the list's last item: the small model keeps a list and glues it
    to a verb from elsewhere. A list ending the clause, or followed by 等, says nothing of it."""
    sources = [prose(s) for s in support]
    for middle, tail in _list_tails(prose(text)):
        longest = max(len(x) for x in middle.split("、"))
        said_after: list[tuple[str, str]] = []
        for source in sources:
            start = source.find(middle)
            while start >= 0:
                after = source[start + len(middle) :]
                n = 0
                while n < min(len(after), len(tail)) and after[n] == tail[n]:
                    n += 1
                # The shared run must be the last item alone: one that goes on past 等 or past an
                # item's length shares what comes after the list too.
                last_item = 2 <= n <= longest + 2 and "等" not in tail[:n] and bool(_HAN_ONLY.match(tail[:n]))
                said_after.append((tail[: n + 2], after[: n + 2]) if last_item else ("", ""))
                start = source.find(middle, start + 1)
        if not said_after:
            continue
        # Compared at the two characters after the shared last item (r/o: reply/source).
        nexts = [(r[len(r) - 2 :], o[len(r) - 2 :]) for r, o in said_after if r]
        if len(nexts) == len(said_after) and all(
            not _PUNCT_OR_ETC.match(r) and not _PUNCT_OR_ETC.match(o) and r[0] != o[0] for r, o in nexts
        ):
            said, source_said = said_after[0]
            return f"{middle.lstrip('、')}{said}", f"{middle.lstrip('、')}{source_said}"
    return None


# The person pays ("自己要掏钱"), against a source that has all of their share paid for them.
_PAYS = re.compile(
    r"(?:要|需要|得|还得|必须|应该|应当)(?:自己|个人)?(?:掏钱|出钱|交钱|付钱|缴费|交费|缴纳|掏|出|交|缴|付)"
)
_AIDED = re.compile(r"全额资助|全额补助|全额补贴|全免|免缴|免交|免除")
_CARE_COST = re.compile(r"住院|门诊|看病|就医|药|治疗|检查|起付线")


def aided_but_pays(text: str, support: Iterable[str], question: str) -> tuple[str, str] | None:
    """(the claim, the source clause) when a clause says the asker pays their contribution
    ("我是低保户，参加居民医保自己要掏钱吗？" → "参加居民医保自己要掏钱") and a source clause has it
    paid in full for a group the asker says they belong to ("对特困人员、孤儿、低保对象…个人缴费部分
    通过医疗救助给予全额资助", 问35). Costs of care (住院, 药…) are another matter."""
    groups = facts.groups_named(question)
    if not groups:
        return None
    clauses = _source_clauses(support)
    aided = [c for c in clauses if _AIDED.search(c) and facts.groups_named(c) & groups]
    if not aided:
        return None
    for clause in _CLAUSE.split(prose(text)):
        m = _PAYS.search(clause)
        if m and not _NEGATION.search(clause[: m.start()]) and not _CARE_COST.search(clause):
            return m.group(), aided[0]
    return None


# "X，而不是Y": the alternative a reply sets its answer against. The small model makes one up to
# sound balanced: "参保人参加医保是为了防范疾病风险，而不是为了个人的经济利益。" (probe 69; 问1 says 参加医保
# 绝对不亏). The asker's alternative ("而不是白交钱" to "是不是白交钱？") or the source's is theirs to deny.
_ALTERNATIVE = re.compile(r"(?:而不是|而非)(?:为了|因为|由于)?([^，。；！？]{2,20})")
ALTERNATIVE_PAIRS = 3  # character pairs an alternative needs before it is read


def unsourced_alternative(text: str, support: Iterable[str], question: str) -> str | None:
    """The alternative of "…，而不是Y" when more than half of its character pairs (those with 的
    aside) are in neither the question nor any source sentence; else None."""
    m = _ALTERNATIVE.search(prose(text))
    if m is None:
        return None
    pairs = {g for g in bigrams(m.group(1)) if "的" not in g}
    if len(pairs) < ALTERNATIVE_PAIRS:
        return None
    said = bigrams(question).union(*(bigrams(prose(s)) for s in support))
    return m.group(1) if 2 * len(pairs - said) > len(pairs) else None


# "参保人" is the story's masked person: "参保人是公司职工" says who 小杨 is, not who the asker is.
_STORY_IDENTITY = re.compile(r"参保人(?:是|属于)([^，。；！？、]{2,12})")


def story_identity(text: str, question: str) -> str | None:
    """Who the story's person is, said in the reply where the asker said nothing of it: "参保人是公司
    职工，应该参加职工基本医疗保险。" to one whose mother-in-law pays 居民医保 (probe 69, from 问19's
    "〔小杨〕是公司职工…"). What it says they are, or None."""
    m = _STORY_IDENTITY.search(prose(text))
    # "参保人是个人缴费的" (probe 63) says how one pays in, of anyone insured: "是…的" is no identity.
    if m is None or m.group(1).endswith("的") or bigrams(m.group(1)) & bigrams(question):
        return None
    return m.group(1)


# A part said to belong to what its source names beside it: "个人账户属于统筹基金的一部分" where the
# source says "职工医保基金由统筹基金和个人账户构成" (probe 69): two parts of one whole.
_PART_OF = re.compile(r"([\u4e00-\u9fff]{2,8}?)(?:属于|是)([\u4e00-\u9fff]{2,8}?)的(?:一)?(?:部分|组成部分)")
_MADE_OF = re.compile(r"由([^，。；]{2,30}?)(?:构成|组成)")


def sibling_as_part(text: str, support: Iterable[str]) -> str | None:
    """The whole a reply puts a part in, when a source names both as parts of something else; the
    source's words, or None."""
    m = _PART_OF.search(prose(text))
    if m is None:
        return None
    part, whole = m.group(1)[-4:], m.group(2)[-4:]
    for s in support:
        for made in _MADE_OF.finditer(prose(s)):
            if part in made.group(1) and whole in made.group(1):
                return made.group()
    return None


# What a rate or a rule is said to follow ("按个人负担比例赔付"), and what a result is said to depend on
# ("取决于个人病情、所在地区以及医保政策"): words the model glues to the source's 比例 or makes up.
_BASIS = re.compile(r"按照?([^，。；、按]{2,8}?)的?(比例|标准)")
_FOLLOWS_RULE = re.compile(r"规定|当地|各地|实际")
_DEPENDS = re.compile(r"(?:取决于|要看|得看|视)([^，。；]{2,30}?)(?:而定|而异|等情况|等因素|[，。；]|$)")
_FACTOR_SPLIT = re.compile(r"[、，,]|以及|及|和|与|或者|或")
# The factors a reply lists: "药品价格受多种因素影响，包括国家政策、市场供需关系等" (multi-09, above 问9's
# 采购渠道不同、成本费用构成存在差异): the small model fills a list with words that sound right.
_FACTORS = re.compile(
    r"(?:因素|原因)[^，。；]{0,6}?[，,]?(?:包括|比如|例如|如)[：:]?([^。；]{2,30}?)(?:等|。|；|$)"
)


def unstated_basis(text: str, support: Iterable[str]) -> str | None:
    """What the claim says a rate follows, or a result depends on, when no source sentence says it:
    "大病保险是按个人负担比例赔付的" (probe 19: the source's 个人负担部分 is what is paid *for*, its
    比例 are 60%/65%/75%), "医保报多取决于个人病情、所在地区以及医保政策" (probe 19: the source says 基层
    医院报得多). A basis that is a case of a pair (参保地, 就医地) is read by swapped_case; "按规定比例"
    follows the rules. The words, or None."""
    source = "\n".join(prose(s) for s in support)
    clauses = _source_clauses(support)
    said = prose(text)
    for m in _BASIS.finditer(said):
        basis, rule = m.groups()
        if _FOLLOWS_RULE.search(basis) or any(c in basis for pair in CONTRASTS for c in pair):
            continue
        # Said of that 比例 (标准) in one clause: "个人负担部分" alone is what is paid for, not a rate.
        if not any(basis in c and rule in c for c in clauses):
            return m.group()
    for m in _DEPENDS.finditer(said):
        for factor in _FACTOR_SPLIT.split(m.group(1)):
            factor = factor.strip().removeprefix("的")
            if len(factor) >= 2 and not bigrams(factor) & bigrams(source):
                return m.group().rstrip("，。；")
    # A listed factor is stated when most of its character pairs are in the source (one shared word,
    # 国家 of "国家政策" beside "国家改革药品价格形成机制", is not enough); a list is made up when most
    # of its factors are not: "国家政策、市场调节和医院采购渠道" (faq-问9, graded direct) names two of
    # 问9's, "国家政策、市场供需关系" (multi-09, wrong) none.
    for m in _FACTORS.finditer(said):
        factors = [bigrams(f.strip().removeprefix("的")) for f in _FACTOR_SPLIT.split(m.group(1))]
        factors = [pairs for pairs in factors if len(pairs) >= 2]
        unstated = [pairs for pairs in factors if 2 * len(pairs - bigrams(source)) > len(pairs)]
        if factors and 2 * len(unstated) > len(factors):
            return m.group().rstrip("，。；")
    return None


# The act the asker asks about not doing ("可以不留真名吗", "能不去窗口办吗"): the act after the
# negation, up to the end of the clause (particles off).
_ASKED_NOT = re.compile(r"(?:不|没有?|无需|不用)([\u4e00-\u9fff]{2,6}?)[吗呢吧么啊]*$")


def dropped_asked_negation(text: str, question: str) -> str | None:
    """A reply about doing what the asker asked about not doing: "可以留真名举报" to "举报骗保可以不留
    真名吗？" (probe 20) answers another question, and reads as a no to the one asked. Not for a
    request to confirm a denial, nor a question asking both ways (算不算). The act the reply drops
    the 不 of, or None."""
    asks = [c for c in _CLAUSE.split(question) if c and yes_no_words(c)]
    said = prose(text)
    # Asked to confirm a denial ("奖励没有上限吧"), the reply that drops the 不 corrects the asker.
    if not asks or _NEGATION.search(said) or is_confirmation(question):
        return None
    ask = ASKS_BOTH.sub("", asks[-1])  # "算不算骗保" asks both ways: no act asked about not doing
    m = _ASKED_NOT.search(ask)
    if m and m.group(1) in said:
        return m.group(1)
    return None


# Cases the documents give different rules for, which the small model takes one for the other: it
# answers a 门诊 question from a sentence about 住院 ("可以。" to "门诊能直接结算吗？" above "…实现住院
# 费用直接结算"), or says 就医地 where its source says 参保地.
CONTRASTS = (("门诊", "住院"), ("就医地", "参保地"), ("甲类", "乙类"), ("公立医院", "民营医院"))
# Settled on the spot or paid first and claimed back: "去外地看病可以直接报销" does not rest on "…回参保地
# 手工报销". Only for other_case: "直接" is too common a word to demand that a source name the pair.
SETTLEMENT = ("直接", "手工")
# Cases one of whose words holds the other's, read as patterns for other_case only: "能买处方药" does
# not rest on "…如果只需要购买非处方药，可以到药店…扫码购药" (probe 53).
_OTC = {"非处方药": re.compile("非处方药"), "处方药": re.compile("(?<!非)处方药")}


def _only_other(text: str, source: str, pair: tuple[str, str]) -> tuple[str, str] | None:
    """(the case of ``pair`` the text names, the other) when the source names only the other."""
    for said, other in (pair, pair[::-1]):
        if said in text and other not in text and other in source and said not in source:
            return said, other
    return None


def other_case(text: str, support: Iterable[str], question: str = "") -> tuple[str, str] | None:
    """(the case the sentence speaks of, the other case its source speaks of) when the sentence
    rests on a source about the other case of a pair in CONTRASTS: it names one case and its source
    names only the other, or — a bare verdict naming neither — the question asks about one case and
    the source speaks only of the other."""
    source = "\n".join(support)
    for pair in (*CONTRASTS, SETTLEMENT):
        if named := _only_other(text, source, pair):
            return named
        for said, other in (pair, pair[::-1]):
            if other in source and said not in source:
                if said in question and other not in question and not any(c in text for c in pair):
                    return said, other
    for said, other in (("处方药", "非处方药"), ("非处方药", "处方药")):
        names, denies = _OTC[said], _OTC[other]
        if (
            denies.search(source)
            and not names.search(source)
            and names.search(text)
            and not denies.search(text)
        ):
            return said, other
    return None


def _likeness(text: str, sentences: list[str], pair: tuple[str, str]) -> int:
    """The most character pairs the text shares with one of the sentences, the pair's names aside."""
    grams = bigrams(text.replace(pair[0], "|").replace(pair[1], "|"))
    return max(
        (len(grams & bigrams(x.replace(pair[0], "|").replace(pair[1], "|"))) for x in sentences), default=0
    )


def restated_case(
    text: str, support: Iterable[str], question: str = "", pairs: Iterable[tuple[str, str]] = CONTRASTS
) -> tuple[str, str] | None:
    """(the case the sentence names, the other case) when what it says of that case restates a
    source sentence about the other case only, and no sentence about its own case (or about
    neither) says it nearly as closely: "乙类药是全额报销的" from "参保人使用这类〔甲类〕药品时，可以
    全额纳入报销范围" beside "乙类药品是…价格高的药品" (probe 9: the judge took it for the asker).
    Case names are left out of the likeness, which is what the rest of the sentence shares.
    A reply naming no case speaks of the one its question names, for what the sources list:
    "除了收据，还需要带处方联、急诊诊断证明" to "手工报销住院的钱，除了收据还要带什么？" (probe 26)."""
    support = list(support)
    for pair in pairs:
        said = [c for c in pair if c in text]
        asked = [c for c in pair if c in question]
        if not said and len(asked) == 1:
            other = next(c for c in pair if c != asked[0])
            if _other_cases_item(text, support, asked[0], other):
                return asked[0], other
        if len(said) != 1:
            continue
        case, other = said[0], next(c for c in pair if c != said[0])
        about_other = [s for s in support if other in s and case not in s]
        best_other = _likeness(text, about_other, pair)
        best_own = _likeness(text, [s for s in support if s not in about_other], pair)
        if best_other >= 2 and 2 * best_own < best_other:
            return case, other
        if _other_cases_item(text, support, case, other):
            return case, other
    return None


# Who pays: what the source says of one payer's share said of the other's ("单位交的医保钱全部计入个人
# 账户" from "职工个人缴纳的…全部计入个人账户", probe 57). 个人账户 is an account, not a payer.
PAYERS = ("单位", "个人")


def _restated_payer(text: str, support: list[str], question: str) -> tuple[str, str] | None:
    """:func:`restated_case` for the payers of a contribution, the account's name read as no payer."""

    def hide(s: str) -> str:
        return s.replace("个人账户", "账户")

    return restated_case(hide(text), [hide(s) for s in support], hide(question), (PAYERS,))


def _restated_home(text: str, support: list[str], question: str) -> tuple[str, str] | None:
    """:func:`restated_case` with places read as their roles — the question's ("今年搬到杭州住了":
    杭州 is where one is treated) and the sources' home words (回老家: 参保地): "需要先撤销原来的备案，
    才能在杭州用医保报销。" restates "如果想回老家用医保报销都需要先撤销备案" (rob-62)."""
    # Named places only: the asker's own 外地/本地 are read by the checks above.
    roles = {p: r for p, r in place_roles(question).items() if facts.PLACES.fullmatch(p) and p in text}
    if not roles:
        return None
    home = {w: r for w, r in _HOME_ROLES.items() if w in _HOME_WORDS}
    return restated_case(in_roles(text, question, roles), [in_roles(s, "", home) for s in support])


_LIST_ITEM = re.compile(r"[、，,；;和及与]")
LIST_ITEM_CHARS = 4  # a shorter shared item ("证明") is a word, not something listed


def _other_cases_item(text: str, support: Iterable[str], case: str, other: str) -> bool:
    """Something listed in a clause about the other case only, and nowhere else in the sources,
    said of this case: "这次住院…要准备…处方联和急诊诊断证明" from "门诊就医的还需提供…处方联、急诊诊断
    证明，住院就医的还需提供出院记录、诊断证明等" (probe 13). Read clause by clause: one sentence
    often gives each case its own list."""
    clauses = [c for s in support for c in _SOURCE_CLAUSE.split(s) if c]
    theirs = [c for c in clauses if other in c and case not in c]
    rest = "".join(c for c in clauses if c not in theirs)
    for clause in theirs:
        for item in _LIST_ITEM.split(clause.split("提供")[-1]):
            item = item.strip().rstrip("等")
            if len(item) >= LIST_ITEM_CHARS and other not in item and item in text and item not in rest:
                return True
    return False


# What a case of a pair decides ("就医地目录、参保地政策"): the small model swaps them ("按就医地的政策报销").
_DECIDES = re.compile(r"政策|目录|标准|比例|起付线|限额|规定|范围")
_BOUND_CHARS = 4  # at most this many characters between a case and what it decides ("参保地的具体报销政策")
_RULED_BY = "(?:按照|按|执行|以|看|参照|依照|依据|跟|照)"  # "目录是看参保地的" (probe 10)


def _bindings(text: str, pair: tuple[str, str]) -> set[tuple[str, str]]:
    """(case, what it decides) for each rule word right after a case of the pair ("参保地的具体报销
    政策", with no other case between) or ruled by it ("政策按参保地…")."""
    found = set()
    cases = "|".join(pair)
    for clause in _SOURCE_CLAUSE.split(text):
        for m in re.finditer(rf"({cases})([^，、“”]{{0,{_BOUND_CHARS}}}?)({_DECIDES.pattern})", clause):
            if not any(c in m.group(2) for c in pair):
                found.add((m.group(1), m.group(3)))
        for m in re.finditer(rf"({_DECIDES.pattern})(?:是|都|也|要|均)?{_RULED_BY}({cases})", clause):
            found.add((m.group(2), m.group(1)))
    return found


def _source_bindings(source: str, pair: tuple[str, str]) -> set[tuple[str, str]]:
    """The source's bindings, and what a bound word is said to include: "…执行参保地的支付政策，这些
    支付政策包括医保基金的起付线、支付比例…" gives 起付线 and 比例 to 参保地 as well."""
    found = _bindings(source, pair)
    for sentence in re.split(r"[。\n]", source):
        if "包括" not in sentence:
            continue
        bound = _bindings(sentence, pair)
        cases = {case for case, _ in bound}
        if len(cases) == 1:
            (case,) = cases
            rest = sentence[sentence.index("包括") :]
            found |= {(case, m.group()) for m in _DECIDES.finditer(rest)}
    return found


# A place's role in the question: where the asker is insured or where they are treated ("我是外省参保的，
# 在上海住院…按上海的算吗" makes 上海 the 就医地), so that a reply's "按上海的算" reads as "按就医地的算".
_ROLE_PLACES = re.compile(f"{facts.PLACES.pattern}|老家|家乡|外地|外省|本地|当地")
_INSURED_AFTER = re.compile(r"^[^，。；]{0,6}?(?:参保|交的|缴的|交医保|缴医保|的医保|医保)")
_INSURED_BEFORE = re.compile(r"(?:医保|参保)(?:是|都)?(?:在|于)$")
_TREATED_BEFORE = re.compile(r"(?:在|去|到|来)$")
_CARE = re.compile(r"住院|看病|就医|门诊|急诊|治疗|手术|生病|看")
# Living in a place away from home makes it where one is treated ("今年搬到杭州住了"): the
# documents' 异地长期居住. Not a home word: "回老家住" is home.
_LIVES = re.compile(r"^(?:住|长住|常住|居住|生活|定居)")
_HOME_WORDS = ("老家", "家乡", "本地")


def _insured_before(before: str) -> bool:
    """ "医保在<place>" — unless that 参保 is another place's: "湖南参保在上海住院" (probe 16)."""
    m = _INSURED_BEFORE.search(before)
    return bool(m) and not re.search(f"(?:{_ROLE_PLACES.pattern})$", before[: m.start()])


def place_roles(question: str) -> dict[str, str]:
    """{place: "参保地" or "就医地"} for each place (or home word: 老家, 外地…) the question gives
    exactly one of the two roles: "医保是老家安徽交的" (参保地), "在苏州住院" (就医地)."""
    roles: dict[str, set[str]] = {}
    for clause in re.split(r"[，,。；;？?！!]", question):
        for m in _ROLE_PLACES.finditer(clause):
            before, after = clause[: m.start()], clause[m.end() :]
            if _INSURED_AFTER.match(after) or _insured_before(before):
                roles.setdefault(m.group(), set()).add("参保地")
            elif _TREATED_BEFORE.search(before) and _CARE.search(after):
                roles.setdefault(m.group(), set()).add("就医地")
            elif _TREATED_BEFORE.search(before) and _LIVES.match(after) and m.group() not in _HOME_WORDS:
                roles.setdefault(m.group(), set()).add("就医地")
    return {place: found.pop() for place, found in roles.items() if len(found) == 1}


def in_roles(text: str, question: str, roles: dict[str, str] | None = None) -> str:
    """The sentence with each place the question gave a role named by that role (``roles``: those
    roles when already read, e.g. with 老家/外地's usual ones, :func:`roles_of`)."""
    roles = place_roles(question) if roles is None else roles
    for place, role in sorted(roles.items(), key=lambda p: -len(p[0])):
        text = text.replace(place, role)
    return text


# "报销按就医地的标准": what is paid follows a case — the source's 政策/比例 (how much), unless the
# same clause gives that case what is covered (目录/范围: "能不能报销按就医地的目录").
_PAID_BY = "(?:报销|报)(?:比例|多少)?(?:是|都|也|要|均)?" + _RULED_BY
_PAID_WORDS = ("政策", "比例")
_COVERED_WORDS = ("目录", "范围")
_VAGUE_WORDS = ("标准", "规定")


def _paid_bindings(text: str, pair: tuple[str, str]) -> set[tuple[str, str]]:
    """(case, 政策) and (case, 比例) for each clause saying that what is paid follows the case."""
    found = set()
    for clause in _SOURCE_CLAUSE.split(text):
        for m in re.finditer(f"{_PAID_BY}({'|'.join(pair)})", clause):
            case = m.group(1)
            if not any((case, w) in _bindings(clause, pair) for w in _COVERED_WORDS):
                found |= {(case, w) for w in _PAID_WORDS}
    return found


def swapped_case(text: str, support: Iterable[str]) -> tuple[str, str] | None:
    """("就医地的政策", "参保地的政策") when a sentence gives a rule word (政策, 目录, 比例…) to one case
    of a pair in CONTRASTS and its source gives that word only to the other: the source says
    "就医地目录、参保地政策" and the answer "按就医地的政策报销" — or "报销按就医地的标准" (para-问29-2:
    how much is paid is the source's 政策 and 比例)."""
    source = "\n".join(support)
    for pair in CONTRASTS:
        stated = _source_bindings(source, pair)
        paid = _paid_bindings(text, pair)
        # "报销按参保地的标准": a 标准 or 规定 that what is paid follows is a 政策, not the 目录's 标准.
        vague = {(case, w) for case, _ in paid for w in _VAGUE_WORDS}
        for case, word in [*sorted(_bindings(text, pair) - vague), *sorted(paid)]:
            other = next(c for c in pair if c != case)
            if (case, word) not in stated and (other, word) in stated:
                return f"{case}的{word}", f"{other}的{word}"
    return None


# Asked which case of a pair decides what is paid or covered: "异地住院报销按就医地还是参保地的标准？",
# "…按哪里的政策报销？", "比例是按外地的算还是按老家的算？" (places read as their roles; 老家 and 外地 have
# theirs when the question gives them none).
_ASKS_SIDE = re.compile(r"还是|哪里|哪边|哪一边|哪个地方|什么地方|哪儿|哪方")
_HOME_ROLES = {"老家": "参保地", "家乡": "参保地", "外地": "就医地", "外省": "就医地"}
# Care, or a claim, where one is insured: no two sides to choose ("…这次回老家住院，报销按哪边的规定？";
# a 手工报销 back home, which the documents' 就医地目录、参保地政策 of direct settlement does not cover).
_CARE_AT_HOME = re.compile(
    r"回(?:老家|家乡|本地|参保地)|手工|[在到](?:老家|家乡|本地|参保地)[^，。？]{0,4}?(?:住院|看病|就医|门诊|治疗)"
)
# What the question asks a case decides, as the rule word a source binds to a case (rag.checks._bindings).
_ASKED_RULES = (
    ("目录", re.compile(r"目录|范围|(?:哪些|什么)[^，。？]{0,4}(?:能|可以)报|能报(?:哪些|什么)")),
    ("比例", re.compile(r"比例|报多少|报销多少")),
    ("起付线", re.compile(r"起付线")),
    ("限额", re.compile(r"限额|封顶")),
    ("政策", re.compile(r"政策")),
)
# Asked only which side's 标准/规定 reimbursement follows: both what is covered and what is paid.
_VAGUE_RULE = re.compile(r"标准|规定|报")


@dataclass(frozen=True)
class SideRule:
    """What the sources say decides each rule word asked about: [(word, case)]; ``asked``: the one
    case a yes/no question proposes ("报销比例按上海的算吗" → 就医地), else ""."""

    decided: list[tuple[str, str]]
    asked: str = ""


def roles_of(question: str) -> dict[str, str]:
    """The question's places and home words with their role (rag.checks.place_roles), 老家/外地
    taking their usual one where the question gives them none."""
    roles = place_roles(question)
    return {**{w: r for w, r in _HOME_ROLES.items() if w in question}, **roles}


def _in_sides(question: str) -> str | None:
    """The question with its places named by their roles, when it names 就医地 or 参保地 that way and
    is not about care where one is insured (_CARE_AT_HOME); else None."""
    if _CARE_AT_HOME.search(question):
        return None
    text = in_roles(question, question, roles_of(question))
    return text if any(c in text for c in ("就医地", "参保地")) else None


def _asked_rule_words(asked: str, text: str, vague: bool = True) -> list[str]:
    """The rule words (_ASKED_RULES) ``asked`` asks a side to decide; with ``vague``, a 标准/规定 of
    reimbursement (报 in ``text``) asks both which side's 目录 and 政策 it follows."""
    words = [w for w, pattern in _ASKED_RULES if pattern.search(asked)]
    if not words and vague and _VAGUE_RULE.search(asked) and "报" in text:
        words = ["目录", "政策"]
    return words


def side_rule(question: str, source: Iterable[str]) -> SideRule | None:
    """For a question asking which case of 就医地/参保地 decides what is covered or paid — or whether
    one case does ("…是按就医地的政策算的吧？") — what the source sentences bind each asked rule word
    to (the source's "就医地目录、参保地政策", and what its 政策 "包括": 起付线、支付比例…), when each
    is bound to exactly one case. None when the question asks no such thing or a word is unbound."""
    pair = ("就医地", "参保地")
    if (text := _in_sides(question)) is None:
        return None
    which = bool(_ASKS_SIDE.search(text))
    proposed = {case for case, _ in _bindings(text, pair) | _paid_bindings(text, pair)}
    if not which and len(proposed) != 1:
        return None  # a yes/no question that does not put one case as what decides
    # Not the vague 规定 of a yes/no question, which may be of anything ("去外地住院要按外地的规定先交
    # 押金吗？").
    words = _asked_rule_words(text, text, vague=which)
    if not words:
        return None
    stated = _source_bindings("\n".join(source), pair)
    decided = []
    for word in words:
        cases = {case for case, w in stated if w == word}
        if len(cases) != 1:
            return None
        decided.append((word, cases.pop()))
    # 是的/不是 answers the case the asking clause puts ("…是按就医地的政策算的吧？"), not one a clause
    # before it states ("…上海能报但老家目录里没有，能报吗？", probe 41: "不是，…" read as no).
    clauses = [c for c in _CLAUSE.split(prose(text)) if c.strip(TERMINAL + " ")]
    asking = clauses[-1] if clauses else ""
    put = {case for case, _ in _bindings(asking, pair) | _paid_bindings(asking, pair)}
    return SideRule(decided, "" if which or put != proposed else next(iter(proposed)))


# What names a side in a reply: the two roles, the asker's home words, or a place the question named.
_SIDE_WORDS = re.compile(r"就医地|参保地|老家|家乡|外地|外省|本地|当地|两地|异地|本省|参保")


def asks_which_side(question: str) -> bool:
    """Whether the question's last ask is which of 就医地/参保地 decides what is covered or paid
    ("…在北京住院用的药报不报，看哪里的规定？" with 武汉 insured), as :func:`side_rule` reads it but
    whatever the sources say. Not a clause before the last ask ("…住院按哪边的标准报？看门诊能不能也
    直接结算？": the reply answers the 门诊 ask)."""
    if (text := _in_sides(question)) is None:
        return False
    asks = [a for a in re.split(r"[？?]", text) if a.strip()]
    last = asks[-1] if asks else ""
    return bool(_ASKS_SIDE.search(last)) and bool(_asked_rule_words(last, text))


def side_unanswered(text: str, question: str) -> bool:
    """A reply to which side's rules apply that names no side nor any place of the question: "看国家
    医保局网站查询（www.nhsa.gov.cn）的规定。[问28]" to "…在北京住院用的药报不报，看哪里的规定？"
    (probe 88, wrong: 问29's 就医地目录) — whatever it says, it is not the answer asked for."""
    if not asks_which_side(question):
        return False
    # The asker's words restated ("在外地住院按备案有效期内的目录报。") name their situation, not the
    # side that decides: only what the reply adds is read.
    said = _added(text, question)
    return not _SIDE_WORDS.search(said) and not any(p in said for p in roles_of(question))


def _added(text: str, question: str) -> str:
    """The reply without the runs of four or more characters it repeats from the question."""
    said = prose(text)
    while (m := SequenceMatcher(None, said, question, autojunk=False).find_longest_match()).size >= 4:
        said = said[: m.a] + "｜" + said[m.a + m.size :]
    return said


# Asked where to go, whom to turn to, or by which channel (the asking clause, rag.checks.asks_where).
_ASKS_WHERE = re.compile(
    r"去哪(?:[儿里]|(?![几个些家所]))|到哪[儿里]|在哪[儿里]|哪[儿里](?:能|可以|办)|找谁|找哪|向谁|跟谁|"
    r"(?:哪些|什么)(?:途径|渠道)|(?:哪个|什么)部门"
)
# What answers where or to whom: a body, a place, a channel, a person of a body.
_WHERE_WORDS = re.compile(
    r"部门|机构|中心|窗口|网站|网上|线上|APP|App|app|小程序|电话|热线|医院|药店|社保局|医保局|政务|大厅|"
    r"当地|参保地|就医地|老家|经办|微信|信件|邮件|传真|邮寄|柜台|服务台|自助|手机|现场|单位|公安|法院|"
    r"派出所|民政|扶贫|科室|办公室|所在地|医生|护士|工作人员"
)


def asks_where(question: str) -> bool:
    """Whether the question's one ask ends in where to go, whom to turn to or by which channel
    ("…异地备案去哪办？", "…事后找谁报？", "…我想匿名反映，有哪些途径？"). Not which side's rules
    (:func:`asks_which_side`), nor a message of two asks, whose first the reply may answer first."""
    asks = [a for a in re.split(r"[？?]", question) if a.strip(" 。！!")]
    if len(asks) != 1:
        return False
    clause = [c for c in re.split(r"[，,。；;！!]", asks[0]) if c.strip()]
    last = clause[-1] if clause else ""
    # "…在哪儿办都行吗": a yes/no question about where.
    yes_no = bool(re.search(r"[吗吧嘛][\s。！!]*$", last))
    return bool(_ASKS_WHERE.search(last)) and not yes_no and not asks_which_side(question)


def where_unanswered(text: str, question: str, source: Iterable[str] = ()) -> bool:
    """A reply to where or to whom that names no body, place, channel or person beyond the asker's
    own words: "知青、支内支边这类人员需要办理异地就医备案。" to "…异地备案去哪办？", "…事后找参保人员报。"
    to "…事后找谁报？" (probes 82, 73): whatever it says, it is not the answer asked for. With
    ``source`` (the cited items' sentences), also one whose every such word is named there by no
    sentence, read with the character joined before it (医疗保障 as 医保): "…应该向当地医疗保障部门举报。
    [问40]"
    (probe 89: right in substance, but 问40 says nothing of reporting; its only 部门 is 司法部门)."""
    if not asks_where(question):
        return False
    said = _in_short(_added(text, question))
    found = list(_WHERE_WORDS.finditer(said))
    if not found:
        return True
    known = _in_short("".join(source))
    if not known:
        return False

    def named(m: re.Match[str]) -> bool:
        # A word joined to the one before it is read as that compound (保部门 is not 司法部门's 法部门);
        # after a linking word it stands alone ("可以通过电话或微信举报" above "（1）电话…（2）微信…").
        before = said[m.start() - 1 : m.start()]
        return m.group() in known and (before in _LINKING or before + m.group() in known)

    return not any(named(m) for m in found)


_LINKING = frozenset("｜过或和与及向到在去找打拨用经由、，,的上")


def _in_short(text: str) -> str:
    return re.sub(r"\s", "", text).replace("医疗保障", "医保")


SIDE_UNANSWERED = "asks which side's rules apply; the reply names neither side nor a place"
WHERE_UNANSWERED = "asks where or to whom; the reply names no body, place or channel that its source names"


def unanswered_ask(text: str, question: str, source: Iterable[str] = ()) -> tuple[str, str] | None:
    """(why, the hint for the model) when the first sentence of a reply does not give what its
    question asks for — a side (:func:`side_unanswered`), or where or to whom
    (:func:`where_unanswered`, ``source`` as there); None otherwise. The pipeline and the
    evaluation both read a reply's first sentence with it."""
    if side_unanswered(text, question):
        return SIDE_UNANSWERED, "问的是按哪一边的规定，要说是就医地还是参保地"
    if where_unanswered(text, question, source):
        return WHERE_UNANSWERED, "问的是去哪里、找谁，要说出原文里的部门、地方或渠道"
    return None


def binds(sentence: str, case: str, word: str) -> bool:
    """Whether a source sentence gives the rule word to the case ("参保地政策…包括…支付比例": 比例)."""
    pair = next(p for p in CONTRASTS if case in p)
    return (case, word) in _source_bindings(sentence, pair)


# Being admitted or discharged names the 住院 case: 异地就医·问9 asks "入院登记必须在备案有效期内吗?"
# and its sentence speaks of 登记就诊 only (probe 78's right "…下个月才住院…无法办理登记就诊手续" was
# dropped).
_ADMITTED = re.compile(r"入院|出院")


def unnamed_case(text: str, support: Iterable[str]) -> str | None:
    """The case of a pair in CONTRASTS a sentence speaks of when its source — the sentences, and the
    question of the item they answer ("…出差，生病住院了，…可以用吗？" → "可以。") — names neither
    case: a rule said of 就医 in general ("备案成功后就医时…就可以异地结算医药费") does not settle a
    门诊 question ("备案后在外地看门诊可以直接报"), since the documents rule on the two differently."""
    source = _ADMITTED.sub("住院", "\n".join(support))
    for pair in CONTRASTS:
        said = [c for c in pair if c in text]
        if len(said) == 1 and not any(c in source for c in pair):
            return said[0]
    return None


def sourced_other_case(text: str, support: Iterable[str]) -> tuple[str, str] | None:
    """(the case of a CONTRASTS pair a sentence names, the other case) when its source — the
    sentences and the question of the item they answer — names only the other: "在外地备案以后看门诊
    可以报。[异地就医·问8]" on an item asking "…又需要回参保地住院怎么办?" (probe 87, wrong: the
    documents pay 住院 and 急诊 away from home, not 门诊)."""
    source = _ADMITTED.sub("住院", "\n".join(support))
    return next((named for pair in CONTRASTS if (named := _only_other(text, source, pair))), None)


def unnamed_group(text: str, support: Iterable[str]) -> str | None:
    """A group of people in rag.facts.GROUPS a sentence states something of when its source — the sentences,
    and the question of the item they answer — never names that group: the source's rule is
    someone else's (or everyone's), not a rule of theirs. The group's word, or None. The item's
    question counts ("老人随子女异地居住…" supports "退休后跟着子女去外地住可以办理异地就医"), though
    it is a story and may name a group in passing; "退休前的10几年…" does not name retirees."""
    unnamed = sorted(facts.groups_named(text) - facts.groups_named("\n".join(support)))
    if not unnamed:
        return None
    said = facts.BEFORE_GROUP.sub("", text)
    return next(n for n in facts.GROUPS[unnamed[0]] if n in said)


def swapped_group(text: str, support: Iterable[str], question: str = "") -> tuple[str, str] | None:
    """A sentence naming a group (rag.facts.GROUPS) that restates what one source sentence says of
    other groups, where another sentence gives the named group a rule of its own: "建档立卡贫困户…个人
    缴费部分通过医疗救助给予全额资助" above "对特困人员、孤儿、低保对象…全额资助" and "对农村建档立卡
    贫困人口…实行差异参保补贴政策" (probe 34). The group said and the groups of the restated
    sentence, or None."""
    named = facts.groups_named(text)
    support = list(support)
    own = [s for s in support if named & facts.groups_named(s)]
    if not named or not own:
        return None  # no sentence names the group: unnamed_group's case
    # What the sentence states beyond the question decides which sentence it restates.
    grams = bigrams(prose(text)) - bigrams(question)
    closest = max(support, key=lambda s: len(grams & bigrams(s)))
    others = facts.groups_named(closest) - named
    if closest in own or not others:
        return None
    if len(grams & bigrams(closest)) <= max(len(grams & bigrams(s)) for s in own):
        return None
    word = next(n for i in sorted(named) for n in facts.GROUPS[i] if n in text)
    other = min((n for i in others for n in facts.GROUPS[i] if n in closest), key=closest.index)
    return word, other


# A claim about paying for care, which the documents rule on for 门诊 and 住院 separately; a source
# sentence about paying may also say who pays (…从基本医疗保险基金中支付).
_PAYMENT = re.compile(r"结算|报销|给报|能报|可以报")
_PAID = re.compile(_PAYMENT.pattern + r"|支付")


def general_case(text: str, support: Iterable[str], question: str = "") -> str | None:
    """The one case of 门诊/住院 that every source sentence about paying names, when a sentence
    about paying names neither and neither does the question: "看病能直接结算" from "…住院费用直接
    结算主要覆盖四类人群" says of all care what the documents say of 住院 only (门诊 is settled
    directly in some places only). A source sentence about paying that names neither case is a rule
    of all care ("…按照规定从基本医疗保险基金中支付"), and may support it."""
    pair = CONTRASTS[0]
    if any(c in text or c in question for c in pair) or not _PAYMENT.search(text):
        return None
    paying = [s for s in support if _PAID.search(s)]
    named = {c for s in paying for c in pair if c in s}
    if len(named) == 1 and all(any(c in s for c in pair) for s in paying):
        return named.pop()
    return None


# Words that limit a rule to some places or cases, and the answer's own ways of limiting a claim.
_QUALIFIER_PATTERN = (
    r"有些|有的(?:地|城|省)|(?:大|一|小)?部分(?:地区|城市|省|统筹)|大多数|多数(?:地|城)|个别|尚未|不一定"
    r"|[\u4e00-\u9fff]{2,4}等地"
)
_QUALIFIER = re.compile(_QUALIFIER_PATTERN)
# Qualified permission in a source clause: "只有部分地区可以报销普通门诊". Not 只能 (a limit: "大部分
# 地区…只能报销住院和急诊费用" says nothing about whether 住院 is paid).
_SOME_MAY = re.compile(
    f"({_QUALIFIER_PATTERN})[^，,。；;]{{0,6}}?(?<!只)(?:可以|能够|能)([^，,。；;]{{2,14}})"
)
_SUBJECT_CHARS = 8  # how much of the clause before can name what a qualified clause speaks of
_GOES_ON = re.compile(r"也|还|都|就|则|才|并|且|不|没|可以|能|需|只")
LIMITED = re.compile(r"一般|可能|视|各地|具体|有些|有的|(?<![费付])部分|大多|多数|个别|尚未|不一定|目前|暂")
# Words saying most places or cases do: a qualifier of their own, but no hedge against "only some".
MOSTLY = re.compile(r"一般|通常|大多数?|多数|大部分")


def limits(text: str) -> bool:
    """Whether a text hedges a rule as true of some places or cases only; "一般/大多…" says most."""
    return bool(LIMITED.search(MOSTLY.sub("", text)))


# "先要…办…" states a step as a rule too (probe 42: "…先要在本地医院办提前备个案").
# A comparison is a rule as well: "社区医院的起付线比大医院低" from "有些地方基层医院的起付线…比在大医院更低"
# (probe 47) says of every place what its source says of some.
_RULE = re.compile(
    r"能|可以|需|必须|不|没|无法|只|(?<![想只主重需])要(?=[^，。；]{0,8}办)"
    r"|比[^，。；]{1,12}?(?:更|还)?(?:高|低|多|少|贵|便宜)"
    # A comparison going on from the clause before: "…报销比例比市里三甲医院高，起付线也设置得更低" (probe 72,
    # from "有些地方基层医院的起付线也设置得比在大医院更低").
    r"|(?:更|还要)(?:高|低|多|少|贵|便宜)"
)
_SOURCE_CLAUSE = re.compile(r"[，,。；;！!？?]")


def dropped_qualifier(text: str, support: Iterable[str]) -> str | None:
    """A rule restated without the qualifier its source clause has: "不能报销普通门诊" from "只有部分
    地区可以报销普通门诊", "需要提前备案" from "有些城市会…要求临时电话备案". The small model drops these
    and turns a rule of some places into a rule of all; the qualifier found, or None. A clause is
    read against the source clause it restates most closely (a qualified one on a tie):
    "基层医院报销比例比大医院高" restates "在基层医院报销比例比在大医院高", not the qualified
    "有些地方基层医院的起付线…比在大医院更低" beside it."""
    if LIMITED.search(text):
        return None
    for grams in _rule_clauses(text):
        restated: list[tuple[int, str | None]] = []  # (shared pairs, the clause's qualifier)
        for s in support:
            parts = _SOURCE_CLAUSE.split(s)
            for i, part in enumerate(parts):
                if not (_restates(grams, part) or _restates_reordered(grams, part)):
                    continue
                # The end of the clause before may be its subject: "…而像南昌等地,还需要去社保局办理".
                before = parts[i - 1][-_SUBJECT_CHARS:] if i else ""
                m = _QUALIFIER.search(part) or _QUALIFIER.search(before)
                # A clause with no subject of its own goes on about the sentence's: "有些城市…有时限
                # 要求,比如…,也不能撤销备案" (probe 50: "不能提前撤销备案" of every place).
                if m is None and i and _GOES_ON.match(part.strip()):
                    m = _QUALIFIER.search(parts[0][: 2 * _SUBJECT_CHARS])
                restated.append((len(grams & bigrams(part)), m.group() if m else None))
        if restated and (qualifier := max(restated, key=lambda r: (r[0], r[1] is not None))[1]):
            return qualifier
    return None


def _rule_clauses(text: str) -> list[set[str]]:
    """The character pairs of each clause of a sentence that states a rule (能, 需, 不…)."""
    clauses = [c for c in _CLAUSE.split(text) if _RULE.search(c)]
    return [grams for c in clauses if len(grams := bigrams(c)) >= 3]


def _restates(grams: set[str], source: str) -> bool:
    """Whether a clause (its character pairs) restates a source text: more than a topic in common."""
    shared = len(grams & bigrams(source))
    return shared >= 4 and shared >= 0.4 * len(grams)


# "如果…，则…": a rule the documents give for one case only.
# A bare 若 is the documents' formal 如果 ("若异地居住城市发生变更应通过经办窗口…注销…", 异地就医·问6); 若干
# is a quantity.
_CONDITION = re.compile(r"如果|假如|倘若|若(?!干)")
# "如果X，还可以Y" (probe 58: "如果老李是贫困人口或低保对象，还可以申请获得相应医疗救助" restated as
# "…还可以申请医疗救助"): a further leave, its condition often a group the asker names in a word of
# their own (低保户 for 低保对象), so any word of it in the reply or question counts as stated.
# "如果对方逃逸的，可由工伤保险先行支付…" (问16) states its consequence with 可由, as "还可以" does (one word
# of the condition states it): "…应该由工伤保险先行支付" to one who fell on the way to work (probe 62) is
# that consequence without its condition; the asker's "对方跑了" states it (跑了 read as 逃逸).
# "若X应Y" states its consequence with 应 and no comma: "要通过经办窗口注销之前办理的异地就医备案信息" to
# one whose phone number changed (probe 64) is that consequence without its condition. Not 相应 (a
# further leave's "…还可以申请获得相应医疗救助") nor 应该 (a question's "那应该怎么报销呢").
_THEN = re.compile(r"[，,]\s*则|则|(?P<further>[，,])(?=[还也]可以|可由)|(?<!相)应(?!该)")


# The asker's short forms of the documents' words for fault in an accident: "对方全责" states the
# condition "对方承担全部责任" (probe 37: "因为对方全责，医药费由对方支付" was dropped as saying the
# consequence without it).
# A move is a change of the city one lives in ("今年搬到杭州住了" states 异地居住城市发生变更, rob-62).
_SHORT_FORMS = {
    "全责": "全部责任",
    "主责": "主要责任",
    "次责": "次要责任",
    "跑了": "逃逸了",
    "逃跑": "逃逸",
    "搬到": "居住城市变更到",
    "搬去": "居住城市变更到",
    # "已经备案去了成都，后来工作调到重庆" (probe 69) moved city for work.
    "调到": "居住城市变更到",
    "调去": "居住城市变更到",
    "城市换了": "城市发生变更了",
}
# "我的异地备案地址从杭州换成宁波了" (probe 77): one place changed for another is the city one lives in
# changed; not "手机号换成新的了" (probe 64's 手机号 change is no such condition).
_PLACE_CHANGED = re.compile(r"从\s*([\u4e00-\u9fff]{2,3}?)[市省]?\s*(?:换成|换到|改成|改到)")


def _spelled_out(text: str) -> str:
    for short, full in _SHORT_FORMS.items():
        text = text.replace(short, full)
    moved = _PLACE_CHANGED.search(text)
    if moved and facts.places(moved.group(1)):
        text = text[: moved.start()] + "居住城市变更到" + text[moved.end() :]
    return text


def dropped_condition(text: str, support: Iterable[str], question: str = "") -> str | None:
    """A consequence restated without its condition, which neither the answer nor the question
    states: "上班路上出车祸，医疗费应由他个人承担" from "如果…在交通事故责任认定中承担主要责任，则应由他
    个人承担医疗费用". Read against the source sentence closest to each clause only ("工伤保险可以先行
    支付他的医疗费用" rests on "如果对方逃逸的，可由工伤保险…", not on the "…则由对方支付他的医疗费用"
    beside it), and only in the explicit "如果…，则…" form: with any clause after 如果 as the
    consequence, replies resting on "如果他使用智能手机，建议…激活医保电子凭证，以后就不用带社保卡了"
    were flagged (measured on the eval's and probes' stored replies). The condition, or None."""
    pool = [(s, bigrams(s)) for s in support]
    said = bigrams(_spelled_out(f"{text}\n{question}"))
    for grams in (g for c in _CLAUSE.split(prose(text)) if len(g := bigrams(c)) >= 3):
        closest = max(pool, key=lambda p: len(grams & p[1]), default=("", set()))[0]
        m = _CONDITION.search(closest)
        then = _THEN.search(closest, m.end()) if m else None
        if m is None or then is None:
            continue
        condition, consequence = closest[m.end() : then.start()], closest[then.end() :]
        restated = _restates(grams, consequence) or _restates_reordered(grams, consequence)
        # The reply's own words for the consequence state no condition ("…应由他个人承担" shares 承担
        # with "…承担主要责任"); the asker's may ("封顶线以外…" to a question naming 封顶线).
        echoed = bigrams(consequence) - bigrams(_spelled_out(question))
        stated = 1 if then.group("further") else 2
        if restated and len((bigrams(condition) & said) - echoed) < stated:
            return condition.strip()
    return None


# A source sentence giving an example ("例如,2018年下半年,国家在“4+7”城市…开展…集中采购和使用试点…"), and
# a reply that says it gives one.
_EXAMPLE = re.compile(r"^\s*(?:例如|比如|举个例子|举例来说|譬如)")
_SAYS_EXAMPLE = re.compile(r"例如|比如|譬如|举例|像")
EXAMPLE_PAIRS = 4  # character pairs of its own a reply must take from the example to restate it


def example_as_rule(text: str, support: Iterable[str], question: str = "") -> str | None:
    """A source's example restated as its rule, the asker not having named it: "医保是通过药品集中采购和
    使用试点来控制价格的。" to "…医保是怎么管价格的？" (probe 76; probe 49 alike) from 问9's "例如,2018年
    下半年,国家在“4+7”城市…开展国家组织药品集中采购和使用试点…", where its rule is 绝大部分药品价格实行
    市场调节. The example's opening, or None."""
    plain = prose(text)
    support = list(support)
    if _SAYS_EXAMPLE.search(plain) or not support:
        return None
    best = best_support(plain, support, n=1)
    if not best or not _EXAMPLE.match(best[0]):
        return None
    example = best[0]
    others = set().union(*(bigrams(s) for s in support if s is not example))
    own = bigrams(example) - others - bigrams(question)
    asked = bigrams(example) & bigrams(question)
    if len(bigrams(plain) & own) >= EXAMPLE_PAIRS and len(asked) < EXAMPLE_PAIRS:
        return example[:12]
    return None


# A reason the reply gives: "因为事故责任认定中是主要责任，所以…".
_BECAUSE = re.compile(r"(?:因为|由于|既然)([^，,。；;]+)")


def assumed_condition(text: str, support: Iterable[str], question: str = "") -> str | None:
    """A source's condition given as the asker's case where the asker stated no such thing: "因为事故
    责任认定中是主要责任，所以应该由他个人承担医疗费用。" to one whose other party is 全责 (probe 76, from
    "如果…在交通事故责任认定中承担主要责任，则应由他个人承担医疗费用"). The reply picks the case of the
    source's "如果…，则…" it can answer and says it is the asker's. The condition, or None."""
    said = bigrams(_spelled_out(question))
    reasons = [(m.group(1), bigrams(m.group(1))) for m in _BECAUSE.finditer(prose(text))]
    if not reasons:
        return None
    for s in support:
        m = _CONDITION.search(s)
        then = _THEN.search(s, m.end()) if m else None
        if m is None or then is None:
            continue
        condition = s[m.end() : then.start()]
        for reason, grams in reasons:
            if negations(reason) - negations(condition):
                continue  # "因为交通事故责任未定" (probe 48) says the condition is not known
            stated = (bigrams(condition) & said) - _GENERIC_CONDITION
            if (_restates(grams, condition) or _restates_reordered(grams, condition)) and len(stated) < 2:
                return condition.strip()
    return None


# Pairs any condition about an accident or a case shares with any question about one.
_GENERIC_CONDITION = {"责任", "参保", "医保", "如果"}


def _restates_reordered(grams: set[str], source: str) -> bool:
    """Whether a clause restates a source text in its words reordered: "需要先打电话临时备案" from
    "…会要求…临时电话备案" shares 3 character pairs but 7 of its 10 characters. For dropped
    qualifiers only: for dropped groups it also matched a figure stated of everyone (measured on
    the eval's stored replies: it flagged a direct answer there, and only a wrong one here)."""
    chars = {c for g in grams for c in g}
    common = len(chars & set(prose(source)))
    return common >= 6 and common >= 0.6 * len(chars)


# A sentence's subject that is one group of people ("转诊转院人员办理了…备案后,回参保地看病就医无需
# 办理手续", "长居外地的人群,…提前备个案就行"): what it says holds for them only. Everyone insured
# (参保人员) is no group.
_GROUP = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:人员|人群)")
_EVERYONE = re.compile(r"参保人[员群]$|就医人员$")
# "下面这四类人群", "上述人员": a reference to groups listed elsewhere, not a group (probe 17).
_REFERENCE = re.compile(r"(?:这|那|此|该|下列|以下|上述|下面|如下)[\u4e00-\u9fff]{0,3}(?:人员|人群)$")
# "根据《…》的规定，对特困人员…": the law cited comes before the clause naming whom the rule is for.
_CITED = re.compile(r"^根据[^，,。；;]*?规定[，,]")
# Brackets, or the end of brackets a sentence split opened ("转诊人员备案有效期为3个月)到确定的…").
_ASIDE = re.compile(r"[（(][^）)]*(?:[）)]|$)|^[^（()）]*[）)]")


# The asker's words for a group the documents name: one moved on to a hospital elsewhere ("转到外地
# 医院治疗一段时间后又要换一家医院", probe 74) is one of the documents' 转诊人员.
_ASKER_GROUP = re.compile(r"转(?:到|去|往)[^，,。；;？?]{0,6}?医院")
_ASKER_GROUP_DOC = "转诊"

VERDICT_CHARS = 12  # a reply this short is a verdict ("可以刷医保卡。"): it rests on its sources whole


def _group_pairs(group: str) -> set[str]:
    """The character pairs that tell a group apart: not 人员/人群, 的, nor the everyday place words any
    asker uses ("长居外地的人群" is not named by "转去外地医院", probe 42). The documents' 异地 stays:
    their lists of groups ("异地安置退休人员、…常驻异地工作人员") are read as naming each."""
    return {g for g in bigrams(group) - {"人员", "人群", "外地", "本地", "当地"} if "的" not in g}


def dropped_group(text: str, support: Iterable[str], question: str = "") -> str | None:
    """A rule restated of everyone that its source sentence states of one group of people, named
    in its first clause, which neither the answer nor the question names (shares a character pair
    with): "可以直接在参保地刷卡就医" from "转诊转院人员…回参保地看病就医无需办理手续". The group, or
    None."""
    if LIMITED.search(text):
        return None
    asked = bigrams(f"{text}\n{question}")
    if _ASKER_GROUP.search(f"{text}\n{question}"):
        asked |= bigrams(_ASKER_GROUP_DOC)
    clauses = _rule_clauses(text)
    support = list(support)
    unasked = []
    for s in support:
        # A group in brackets is an aside ("在备案有效期限内(异地长期居住…人员不设有效期;…)"),
        # not the sentence's subject.
        first, *_ = _SOURCE_CLAUSE.split(_CITED.sub("", _ASIDE.sub("", normalise(s).strip())))
        groups = [g for g in _GROUP.findall(first) if not _EVERYONE.search(g) and not _REFERENCE.search(g)]
        if not groups or any(asked & _group_pairs(g) for g in groups):
            continue  # no group, or one the asker or the answer names: theirs to speak of
        if facts.groups_named(f"{text}\n{question}") & facts.groups_named(first):
            continue  # "特困人员、孤儿、低保对象…" names the 孤儿 the answer speaks of
        unasked.append(groups[0])
        # What the clause says beyond the asker's words decides what it restates (probe 42:
        # "要转去外地医院看病，先要在本地医院办提前备个案" is mostly the question).
        if any(_restates(grams, s) or _restates(grams - bigrams(question), s) for grams in clauses):
            return groups[0]
    # A bare verdict restates nothing, but it rests on its sources all the same: "可以刷医保卡。"
    # above only "转诊转院人员…回参保地看病就医无需办理手续" (probe 12), and a lone "可以。" (probe 22).
    rule = bool(clauses) or bool(_RULE.search(prose(text)))
    if rule and support and len(unasked) == len(support) and len(prose(text)) <= VERDICT_CHARS:
        return unasked[0]
    return None


# Modal verbs whose polarity decides an answer: "能/可以" and "需要/必须". Words that only contain
# them (可能, 功能, 能力…) are not modals.
# A bare 可 ("可在定点零售药店购买药品…，但购买生活用品将涉嫌…骗保") is left out: what it permits is
# a list the next clause limits, and reading it as 能 dropped right replies ("不能买洗发水").
# An obligation is a 需 form too ("个人也有缴费的义务", "职工应当参加生育保险").
# (Tried again in stop 25 for "买个家用血压计是不允许的": the same sentence then drops the true
# "不能在药店购买生活用品" and "不能买洗发水", whose closest clause is the permitting one.)
# Sameness is read the same way (stop 25: "报销一样多。" above "…待遇也有差别，所以报销的费用也不同").
# "能要回来" gets something back (probe 75): no duty.
_NEED_STEP = r"(?<![想只主重需能])要(?=办|交|缴|去|带|到|回|填|开|先|重新|再|申请|备案|登记)"
_MODALS = {
    "能": re.compile(r"可以|能够|能|允许|准许"),
    # "要办/还要交…" is 需要 ("要办异地就医备案手续" against "…无需办理手续"); 想要, 只要, 要是 are not.
    "需": re.compile(r"需要|必须|应当|义务|" + _NEED_STEP),
    "同": re.compile(r"不同|一样|相同|差别|区别|差异"),
    # Whether something happens: "药品降价可能会对质量产生影响" against "…对药品质量不会有影响".
    "会": re.compile(r"(?<![社工机委学体约协开])会(?![议员计诊儿同谈])"),
}
_FORMS = {"能": ("能", "不能"), "需": ("需要", "不需要"), "同": ("一样", "不一样"), "会": ("会", "不会")}
_DIFFERENT = ("不同", "差别", "区别", "差异")  # say "not the same" unless negated ("没有区别")
_NOT_MODAL = re.compile(r"可能|功能|智能|性能|技能|本能|才能|能力|能源|职能|不可能")
_NEGATED = ("不", "没", "未", "无", "非", "毋")
_NOT_SURE = ("不必", "未必", "不一定")
# A comparison states a difference: "A比B少" is "A和B不一样".
_COMPARES = re.compile(r"比[^，。；,;]{1,12}?(?:更|还|要)?(?:少|多|高|低|贵|便宜|大|小|快|慢)")
# Encouraged is not required: "提倡实名投诉举报" does not say 必须实名 (probe 15: the judge had said it did);
# advised is not required: "建议…在家人…帮助下激活" does not say one cannot do it alone (probe 20).
_NEGATIVE_ONLY = {
    "需": re.compile(r"无需|不必|不用|不需(?!要)|提倡|鼓励|倡导|建议"),
    # "医保不予报销" denies what "可以报销" permits (probe 33: "医保目录外的药不能报销。" was dropped
    # against "…三个目录内的，可以按规定进行报销" alone). Not 无法: "…否则无法用医保进行报销" is a
    # consequence, and reading it as a rule flagged right answers.
    "能": re.compile(r"不予"),
}


def _polarities(text: str, family: str) -> dict[str, set[str]]:
    """The forms of a modal family a text uses ("能" / "不能", "需要" / "不需要"), each with the
    character pairs of the clauses it governs (the modal itself left out)."""
    found: dict[str, set[str]] = {}
    for clause in _CLAUSE.split(_NOT_MODAL.sub("", text)):
        for form, grams in _clause_polarity(clause, family).items():
            found.setdefault(form, set()).update(grams)
    return found


ASKS_BOTH = re.compile(r"([\u4e00-\u9fff])[不没]\1")  # 是不是, 有没有: a question's form, not a negation
# A clause that asks whether ("…是否跟本地就医报销一样", the booklet's own lead-in) states neither form.
_WHETHER = re.compile(r"是否|能否|可否|" + ASKS_BOTH.pattern)
# A clause naming the circumstances a rule applies in ("…异地就医未能直接结算等情况时") states no rule.
_CIRCUMSTANCE = re.compile(r"等情况(?:时|下)$|的情况下$")


def _clause_polarity(clause: str, family: str) -> dict[str, set[str]]:
    if _WHETHER.search(clause) or _CIRCUMSTANCE.search(clause):
        return {}
    forms = set()
    yes, no = _FORMS[family]
    for m in _MODALS[family].finditer(clause):
        # "不必一样", "未必一样": not said to be so, as "不一样" is (prem-18's judged "…不必一样" was
        # read as 一样 against a source saying 不同).
        negated = clause[max(0, m.start() - 1) : m.start()] in _NEGATED or clause[: m.start()].endswith(
            _NOT_SURE
        )
        if family == "同" and re.search(r"不是|并非", clause[: m.start()]):
            negated = not negated  # "不是跟在本地一样多" is 不一样 (a 能 under 不是 is "not all": left alone)
        if m.group() in _DIFFERENT:  # "有差别" is 不一样, "没有差别" is 一样
            denied = clause[max(0, m.start() - 2) : m.start()] in ("没有", "并无", "毫无")
            negated = not (negated or denied)
        forms.add(no if negated else yes)
    if family in _NEGATIVE_ONLY and _NEGATIVE_ONLY[family].search(clause):
        forms.add(no)
    if family == "同" and _COMPARES.search(clause):
        forms.add("不一样")  # "一般报的会比本地就医少一些" says it is not the same
    rest = bigrams(_same_act(_MODALS[family].sub("", _governed(clause))))
    return {form: rest for form in forms}


GOVERNED_CHARS = 14  # how far past a modal a long clause's words are still what it governs


@lru_cache(maxsize=4096)
def _governed(clause: str) -> str:
    """A clause cut to what its modals govern when it runs on without punctuation: "不需到市医保中心
    办理任何手续费用报销时携带…转诊转院证明即可办理" (异地就医·问7, one clause in the source) denies
    the trip to the 医保中心, not carrying the 证明 (probe 20: "报销要带…转诊转院证明" had been dropped)."""
    ends = [m.end() for family in _MODALS.values() for m in family.finditer(clause)]
    ends += [m.end() for pattern in _NEGATIVE_ONLY.values() for m in pattern.finditer(clause)]
    if not ends or len(clause) <= max(ends) + GOVERNED_CHARS:
        return clause
    return clause[: max(ends) + GOVERNED_CHARS]


# The asker's everyday word and the documents' word for the same act: "不能看病买药" is about what
# "仍然可以用社保卡正常就医购药" is about.
_SAME_ACT = {
    "看病": "就医", "买药": "购药", "拿药": "购药", "交钱": "缴费", "缴纳": "缴费", "交费": "缴费",
    # …and who pays: "找医保报" is about what "不能予以基本医疗保险基金报销" is about (probe 51).
    "基本医疗保险基金": "医保", "基本医疗保险": "医保", "医疗保险基金": "医保",
}  # fmt: skip
_SAME_ACT_RE = re.compile("|".join(sorted(_SAME_ACT, key=len, reverse=True)))


def _same_act(text: str) -> str:
    return in_documents_terms(_SAME_ACT_RE.sub(lambda m: _SAME_ACT[m.group()], text))


# The asker's words for what the documents call otherwise, read with _SAME_ACT: a drug's 效果 is
# its 质量 to 问31 ("降价九成的药，效果可能会不如原来的" against "降价对药品质量不会有影响", probe 72; asked
# in probes 56, 64 and 72 alike). The documents never say 效果.
# A bare 撤 is the documents' 撤销 ("中途能不能撤了回老家看病", probe 75: "可以撤。" above "…也不能撤销备案").
# The asker's 自己掏/自己出 is the documents' 自付 ("乙类药要先自己掏一部分才能报吗" → "…不用先自己掏一部分"
# above 问30's "要先按比例…扣除一定的个人自付费用", probe 76).
_ASKER_TERMS = {
    re.compile("效果"): "质量",
    re.compile("撤(?![销銷回离退])"): "撤销",
    re.compile("自己(?:掏|出)(?:钱)?"): "自付",
}


def in_documents_terms(text: str) -> str:
    """A reply's words for what the documents name otherwise, in the documents' words (also where the
    item's closest sentence is looked for, which _SAME_ACT's everyday words do not change)."""
    for word, theirs in _ASKER_TERMS.items():
        text = word.sub(theirs, text)
    return text


def polarity_conflict(
    text: str, support: Iterable[str], question: str = "", min_shared: int = 1
) -> tuple[str, str] | None:
    """A sentence that says "不能" where the source clauses closest to it (sharing the most character
    pairs) say "能" about the same thing, or the reverse: the small model's commonest wrong answer
    is the right sentence read backwards. Clause by clause, so a source that says both ("大部分城市
    不需要提前备案…有些城市需要临时电话备案") still decides by the clause the answer restates. A
    clause copied from the question's premise ("办理备案后又需要回参保地住院，…") is the asker's, not
    a claim; one copied from what it asks ("需要提前备案吗" → "需要提前备案。") is the reply. A source
    sentence that names neither case of a pair the answer names ("乙类药…不能全额报销" against "使用
    这类药品时，可以全额纳入报销范围", where 这类 is 甲类) may be about the other case: no conflict."""
    support = list(support)
    judged = _JUDGES_CLAIM.search(prose(text))
    if judged and any(judged.group(1) in s for s in support):
        # "…不用给员工交医保是违法的。" (probe 43): the claim it restates is judged as its source
        # judges one, so its 不用 is the claim's, not the reply's.
        return None
    source = [(c, s) for s in support for c in _CLAUSE.split(_NOT_MODAL.sub("", s))]
    own = [c for c in _CLAUSE.split(normalise(question)) if not yes_no_words(c)] if question else []
    claims = "，".join(c for c in _CLAUSE.split(text) if not (len(c) >= 4 and any(c in q for q in own)))
    cases = [pair for pair in CONTRASTS if any(w in claims for w in pair)]
    for family in _MODALS:
        said = _polarities(claims, family)
        if len(said) != 1:
            continue
        form, about = next(iter(said.items()))
        stated = [
            (f, len(about & grams), s) for c, s in source for f, grams in _clause_polarity(c, family).items()
        ]
        best = max((n for _, n, _ in stated), default=0)
        if best < min_shared:
            continue
        closest = [(f, s) for f, n, s in stated if n == best]
        forms = {f for f, _ in closest}
        if form in forms:
            closest = _by_object(claims, family, form, closest, [(f, s) for f, _, s in stated])
            forms = {f for f, _ in closest}
        if form in forms or len(forms) != 1:
            continue
        if cases and any(not any(w in s for pair in cases for w in pair) for _, s in closest):
            continue
        if any(_names_other_case(claims, s, pair) for _, s in closest for pair in cases):
            continue  # "乙类药…不能全额纳入报销" against "这类〔甲类〕药品…可以全额纳入报销范围"
        return form, forms.pop()
    return None


@lru_cache(maxsize=4096)
def _objects(text: str, family: str) -> dict[str, set[str]]:
    """Each form's object: the character pairs of what follows its modal in the clause ("需要先办
    备案" → 先办备案), as far as a modal governs. Cached: the same source sentences are read for
    every sentence checked (callers only read the result)."""
    found: dict[str, set[str]] = {}
    for clause in _CLAUSE.split(_NOT_MODAL.sub("", text)):
        forms = _clause_polarity(clause, family)
        if len(forms) != 1:
            continue
        form = next(iter(forms))
        modals = list(_MODALS[family].finditer(clause))
        if family in _NEGATIVE_ONLY:
            modals += list(_NEGATIVE_ONLY[family].finditer(clause))
        for m in modals:
            if clause[max(0, m.start() - 1) : m.start()] in ("只", "仅"):
                continue  # "只需要备案到省份" limits what is needed; it does not require its object
            tail = clause[m.end() : m.end() + GOVERNED_CHARS]
            found.setdefault(form, set()).update(bigrams(_same_act(tail)))
    return found


def _by_object(
    claims: str, family: str, form: str, closest: list[tuple[str, str]], stated: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The closest source clauses agree with a claim, but none is about what its modal governs
    ("…旅游时突发疾病等需要先办备案" copies "…就需要异地急诊比如…旅游时突发疾病等等", probe 32): the
    clauses whose object is the claim's ("需要先办备案" is about 备案: "…不需要提前备案") decide, when
    those say one form only. Otherwise the closest stand."""
    own = _objects(claims, family).get(form, set())
    if any(own & _objects(s, family).get(f, set()) for f, s in closest):
        return closest
    shared = [(len(own & _objects(s, family).get(f, set())), f, s) for f, s in stated]
    best = max((n for n, _, _ in shared), default=0)
    kept = [(f, s) for n, f, s in shared if n == best]
    return kept if best > 0 and len({f for f, _ in kept}) == 1 else closest


def _names_other_case(claim: str, source: str, pair: tuple[str, str]) -> bool:
    """The source speaks of one case of a pair only, and the claim of the other only."""
    return any(
        a in claim and b not in claim and b in source and a not in source for a, b in (pair, pair[::-1])
    )


_CLAUSE = CLAUSE


def _copies_a_clause(text: str, question: str) -> bool:
    """A clause of the answer that is itself a question ("这样可以吗，不可以。")."""
    # "吧" too: "借给亲戚用一下没关系吧，但…" (probe 15) is the asker's "…没关系吧？" agreed with.
    return any(c.endswith(("吗", "呢", "么", "吧")) and len(c) >= 4 for c in _CLAUSE.split(prose(text)))


# 还是 that means "still" ("报完还是很贵", "还是不能直接报销") offers no choice.
_CHOICE = re.compile(r"还是(?!很|太|挺|比较|不|没|会|蛮|那么|这么|一样)")
_DEPENDS_ON = re.compile(r"(?:看|取决于|无论|不论|不管|区分|分清)[^，。；]{0,4}$")


# "没写甲类还是乙类" is what the asker does not know, not a choice they ask for (probe 40).
_UNKNOWN_CHOICE = re.compile(
    r"(?:没写|没有写|没说|没有说|不知道|不清楚|不确定|分不清|看不出|搞不清)[^，。；]{0,8}还是"
)


def _keeps_both_options(text: str, question: str) -> bool:
    """A choice question's "A还是B" copied as the reply ("报销比例看老家的还是看当地的。"): it chooses
    nothing, and a restated choice is otherwise let through as an answer. Each option may be
    reworded ("走工伤保险还是医保" to "走医保还是工伤", probe 18): a clause that still sets an option of
    the question against the other chooses nothing either, unless it says the answer depends on
    which ("要看是门诊还是住院")."""
    if "还是" not in question or "还是" not in text:
        return False
    if not any(_CHOICE.search(c) and not _UNKNOWN_CHOICE.search(c) for c in _CLAUSE.split(question)):
        return False  # "药盒上没写甲类还是乙类，怎么知道能不能报？" asks how, not which
    if _adds_nothing(text, question):
        return True
    choices = (c for c in _CLAUSE.split(question) if _CHOICE.search(c) and not _UNKNOWN_CHOICE.search(c))
    asked = next(choices, "")
    a, _, b = asked.partition("还是")
    for clause in _CLAUSE.split(prose(text)):
        before, found, after = clause.partition("还是")
        if not (asked and found and _CHOICE.search(clause)) or _DEPENDS_ON.search(before):
            continue
        sides = (bigrams(before), bigrams(after))
        options = (bigrams(a[-4:]), bigrams(b[:4]))
        # Both options of the question stay in the clause, one on each side of 还是, in either order.
        if any(sides[0] & x and sides[1] & y for x, y in (options, options[::-1])):
            return True
    return False


# Who is to pay or be turned to, as a choice question's option ("找医保还是找单位", "对方出还是自己出").
_PARTY = re.compile(
    r"(?:找|走|由|让|靠|归)?(?:医保|单位|公司|老板|对方|自己|个人|保险公司|工伤保险|工伤|政府|医院|司机|学校)"
)


# The asker's words and the documents' for the same party of a choice: the employer, and the asker.
_SAME_PARTY = (re.compile(r"单位|公司|老板|企业|厂"), re.compile(r"自己|个人|本人"))
_PAYER_BY_ACT = r"[\u4e00-\u9fff]{2}(?:出|赔|付)"  # a payer named by what it does: "商场出", "医保出"
_PAYS_END, _PAYS_START = re.compile(_PAYER_BY_ACT + "$"), re.compile(_PAYER_BY_ACT)


def unsourced_choice(text: str, support: Iterable[str], question: str) -> str | None:
    """A choice question's one option taken as the reply where no source sentence names it: "…医药费
    应该找单位。" to "…医药费找医保还是找单位？" above "首先要按照事故的责任来确定医疗费用的支付主体"
    (probe 40: 问16 says 工伤保险 pays, and 单位 nowhere). The option, or None."""
    choices = (c for c in _CLAUSE.split(question) if _CHOICE.search(c) and not _UNKNOWN_CHOICE.search(c))
    asked = next(choices, "")
    if not asked or "还是" in text:
        return None
    a, _, b = asked.partition("还是")
    if b.startswith(("我", "咱")):
        b = _ME.sub("", b, count=1)  # "…派遣公司负责还是我自己" (probe 62): 我 names no other party
    a, b = a[-4:], b[:4]
    # Either option may be any payer the asker names by what it does ("该商场出还是医保出", probe 58).
    if not ((_PARTY.search(a) or _PAYS_END.search(a)) and (_PARTY.match(b) or _PAYS_START.match(b))):
        return None  # which rule or amount ("按老家的算还是…", "一分不报还是…"): read by other checks
    options = (bigrams(a) - bigrams(b), bigrams(b) - bigrams(a))  # a shared verb (找) chooses nothing
    said = bigrams(text)
    chosen = [o for o in options if o & said]
    pa, pb = list(_PARTY.finditer(a)), _PARTY.match(b)
    if len(chosen) == 2 and pa and pb:
        # An act named on one side only ("派遣公司负责还是我自己") is the other's too: the parties decide.
        x, y = bigrams(pa[-1].group()), bigrams(pb.group())
        options = (x - y, y - x)
        chosen = [o for o in options if o & said]
    if len(chosen) != 1:
        return None
    named = chosen[0] & said
    option = a if chosen[0] is options[0] else b
    support = list(support)  # read more than once below
    # The documents name 医保 as 基本医疗保险(基金): "医保不出" rests on "…不纳入基本医疗保险基金支付范围".
    if any(named & bigrams(_same_act(s)) for s in support):
        return None
    # …an employer as 用人单位 ("医保是派遣公司负责的" rests on "用人单位应依法…为其参加…"), and the asker's
    # 自己 as 个人 ("职工个人缴纳的…").
    if any(p.search(option) and any(p.search(s) for s in support) for p in _SAME_PARTY):
        return None
    return option


# A verdict on the claim a sentence restates, at its end ("…是违法的。", "…是错误的").
_JUDGES_CLAIM = re.compile(
    r"(?:是|属于|都是)?(违法|违规|错误|不对|不合法|不正确|欺诈骗保|骗保)(?:的|行为)?[。！!]?$"
)


def _echoes(text: str, question: str, support: list[str]) -> bool:
    """The question turned into a statement, agreeing with the asker: for a request to confirm a
    claim ("…对吧？", "是不是…"), a reply closer to the question than to its source that keeps the
    question's negations and adds no number of its own (so it corrects nothing); for any yes/no
    question, a near-verbatim restatement (these were right about half the time when measured);
    for any question, a sentence made only of the question's own words ("医保报不报。", "诱导住院。",
    the FAQ story's first sentence), which answers nothing."""
    if any(not _FINDS_OUT.search(text[: m.start()]) for m in _A_NOT_A.finditer(text)):
        return True  # "医保报不报。": a question's form in a statement
    verdict = _JUDGES_CLAIM.search(prose(text))
    if verdict and verdict.group(1) not in question:
        # "…老板说小店不用给员工交医保是违法的。" to "…，是这样吗？" (probe 43) judges the claim it
        # restates: the reply, not the question back.
        return False
    bare = prose(text).rstrip(TERMINAL + "”’」』）) ")
    if _turns_round(text, question):
        return True
    if bare not in VERDICT_WORDS and "还是" not in question and _adds_nothing(text, question):
        # For a yes/no question, restating what it asks is an answer ("…报得更多。"); restating the
        # rest of it (the story around the ask) is not.
        asks = [c for c in _CLAUSE.split(question) if c and yes_no_words(c)]
        # Read whole, or by a clause that negates what the question only asks: "异地安置的退休人员，
        # 备案没有有效期。" restates the story's part too, but its last clause answers the asked "备案
        # 有没有有效期" no (probe 41). One that agrees ("…，都能走医保。") is read whole.
        plain = negations(ASKS_BOTH.sub(r"\1", question))
        clauses = [c for c in _CLAUSE.split(prose(text)) if len(c) >= 4 and negations(c) - plain]
        parts = [bigrams(text)] + [bigrams(c) for c in clauses]
        if not any(len(g & bigrams(c)) >= 0.5 * len(g) for c in asks for g in parts if g):
            return True
    asks_yes_no = bool(yes_no_words(question))
    if asks_yes_no and _guesses(text, question):
        return True
    if asks_yes_no and drops_certainty(text, question):
        return True
    if not asks_yes_no or "还是" in question or text.startswith(_VERDICT_START):
        return False  # "A还是B" restated chooses one; "是的，…" commits to an answer
    to_question = _closeness(text, question)
    # "是不是/有没有…" is no negation: a reply that negates ("…不一定都能走医保", "…不会没有生育保险")
    # where the question only asks "是不是" answers it, and is no echo.
    said = negations(text)
    agrees = (
        said == negations(question)
        and said == negations(ASKS_BOTH.sub(r"\1", question))
        and not facts.numbers(text) - facts.numbers(question)
        and not _corrects_case(text, question)
    )
    if is_confirmation(question):
        # Made only of the question's words, it agrees however short the question's share of it
        # ("乙类药不能报销。" to "医保目录里的乙类药，是不是就不能报销？").
        close = to_question >= 0.3 or _adds_nothing(text, question)
        return agrees and close and to_question > similarity(text, "".join(support))
    return agrees and to_question >= ECHO_VERBATIM


NEGATED_RESTATEMENT = 0.6  # how close to the question a reply must be to restate it turned round


def _closeness(text: str, question: str) -> float:
    """How nearly a reply restates the question; the asker's 我 left out is still their question
    ("…对以后看病的治疗效果有影响。", probe 56)."""
    return max(similarity(text, question), similarity(_ME.sub("", text), _ME.sub("", question)))


def negated_restatement(text: str, question: str) -> bool:
    """A yes/no question restated with a negation it does not ask ("这钱还能要回来吗？" →
    "…这钱不能要回来。"): the model's no, in the asker's words, which no check can read against the
    source's own (its 可先行垫付…手工报销). Not one opening on a verdict word (a reason follows)."""
    plain = prose(text)
    if not yes_no_words(question) or plain.startswith(_VERDICT_START):
        return False
    unasked = negations(plain) - negations(ASKS_BOTH.sub(r"\1", question))
    return _closeness(plain, question) >= NEGATED_RESTATEMENT and bool(unasked)


_CERTAIN = re.compile(r"(?:一定|肯定|保证|总是|都|全)(?:能|可以|会)")
# "随便哪家医院都能用医保吗？" asks whether any one will do, not which one.
_ANY_ONE = re.compile(r"(?:随便|不管|无论|不论)?哪[家个种所类些里儿]?[^，,。；？?]{0,8}?都(?:能|可以|会)")
_CERTAIN_REPLY = re.compile(r"一定|肯定|保证|总是|所有|只要|凡是")
_WH = re.compile(r"什么|哪|怎么|如何|多少|几")


def drops_certainty(text: str, question: str) -> bool:
    """ "…就一定能报销吗？" answered "…可以报销。": a yes to a weaker question than the one asked,
    which the asker reads as "yes, always" (pol-10: the source says 起付线 and 封顶线 still apply).
    The reply must keep the certainty word or deny it to be an answer."""
    if not _CERTAIN.search(question) or _WH.search(_ANY_ONE.sub("都能", question)):
        return False  # "都能买些什么？" asks what, not whether always
    if _CERTAIN.search(text) or _CERTAIN_REPLY.search(text) or _NEGATION.search(text):
        return False
    return bool(_MODALS["能"].search(_NOT_MODAL.sub("", text)))


_HEDGE = re.compile(r"^(?:这|那)?(?:很|也)?(?:可能|也许|或许|大概|估计|应该)(?:是|会|就是)?")


def _guesses(text: str, question: str) -> bool:
    """ "…可能是医院弄错了。" to "…是不是医院弄错了？": the asker's guess hedged back, which the source
    does not make (问11: the bill was under the 起付线)."""
    for clause in _CLAUSE.split(text):
        m = _HEDGE.match(clause)
        if m and _adds_nothing(clause[m.end() :], question):
            return True
    return False


def _restates_earlier(text: str, earlier: str, question: str) -> bool:
    """A follow-up's reply that only restates the question it follows, as a statement, after a
    verdict ("是的，我被电动车撞了，对方说愿意赔，我还要走医保。" to "要是我是上班路上被撞的呢？"): the
    previous question agreed with, not the follow-up answered."""
    rest = text[m.end() :] if (m := _LEADING_VERDICT.match(text)) else text
    return _adds_nothing(rest, f"{earlier}\n{question}") and not _adds_nothing(rest, question)


def _corrects_case(text: str, question: str) -> bool:
    """The reply puts the other case of a pair in CONTRASTS where the question has one ("…是按参保地
    的政策算的" to "…是按就医地的政策算的吧？"): it corrects the asker, whatever else it repeats."""
    return any(
        a in question and b not in question and b in text and a not in text
        for pair in CONTRASTS
        for a, b in (pair, pair[::-1])
    )


_A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")
# "要先确定医院是不是联网定点医院" (probe 19): the question is what one is told to find out, an answer.
_FINDS_OUT = re.compile(
    r"(?:确定|确认|查询|查一下|查看|查|看看|问清楚|问清|了解|核实|判断|弄清楚?)[^，。；]{0,12}$"
)


# Who a reply may name without adding anything: the asker, or 参保人 — the mask quotes put on a
# story's character, which the model copies as a subject ("参保人身体好从来不看病，医保交了也是白交。",
# probe 30, to "我身体好从来不看病，医保交了也是白交，不交行不行？").
_ANYONE = re.compile(r"〔?参保人员?〕?|您|你")
_NOT_WORD = re.compile("[不没]")
_ME = re.compile("我们?|咱们?")


def _turns_round(text: str, question: str) -> bool:
    """A clause of the asker's own story (not their ask) given back with a 不 or 没 put in: "…不交医保，
    我不同意了。" to "老板给我多发点钱不交医保，我同意了，这样行吗？" (probe 55) contradicts what the
    asker said of themselves and answers nothing."""
    told = [c for c in _CLAUSE.split(question) if len(c) >= 3 and not yes_no_words(c)]
    for clause in _CLAUSE.split(prose(text)):
        plain = _NOT_WORD.sub("", clause)
        if plain == clause:
            continue
        for own in told:
            if _NOT_WORD.sub("", own) == plain and len(own) < len(clause):
                return True
    return False


def _adds_nothing(text: str, question: str) -> bool:
    """At most one character pair of the sentence is not in the question (a joint between two
    copied phrases), the asker or 参保人 named aside — on both sides, so "…对参保人自己掏钱有影响。" to
    "…对我自己掏钱有啥影响？" (probe 60) is the question back: it restates the question instead of
    answering it."""
    grams = bigrams(_ANYONE.sub("，", _ME.sub("，", text)))
    return len(grams) >= 2 and len(grams - bigrams(_ANYONE.sub("，", _ME.sub("，", question)))) <= 1


def negations(text: str) -> set[str]:
    return set(_NEGATION.findall(text))


def bigrams(text: str) -> set[str]:
    """The character pairs of a text's words (punctuation and markers left out)."""
    chars = re.sub(r"[\W_]", "", prose(text))
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def shared_pairs(a: str, b: str) -> int:
    """How many character pairs two texts have in common."""
    return len(bigrams(a) & bigrams(b))


def similarity(a: str, b: str) -> float:
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def best_support(sentence: str, candidates: list[str], n: int = 3) -> list[str]:
    """The source sentences a sentence most likely restates: greedily, the one sharing the most
    character pairs with what is still uncovered, up to ``n``."""
    left, chosen = bigrams(sentence), []
    pool = [(c, bigrams(c)) for c in candidates]
    while left and pool and len(chosen) < n:
        c, grams = max(pool, key=lambda p: len(left & p[1]))
        if not left & grams:
            break
        chosen.append(c)
        left -= grams
        pool = [p for p in pool if p[0] is not c]
    return chosen


# ------------------------------------------------------------------------------------ checks
def contradicts(verdict: str, reason: str, question: str) -> bool:
    """ "没有。…以后还有生育保险。", "不能，异地就医能报多少钱和本地一样。": a reason that restates the
    question keeps or flips its polarity; that must agree with the verdict word's."""
    # The clause asked counts on its own: a long question's lead-in ("我办了去广州的异地备案，") kept
    # "不是，广州所有医院都能直接结算。" under the line (probe 81).
    asked = re.split(r"[，,。；;]", question.strip().rstrip("？?！!。"))[-1]
    if max(similarity(reason, question), similarity(reason, asked)) < 0.5:
        return False  # a reason in its own words: no reading of its polarity
    if facts.numbers(reason) - facts.numbers(question):
        return False  # "不能。…只能拿2%": it corrects the asker's number rather than negating
    flips = bool(negations(reason) - negations(question))
    return verdict.startswith(("不", "没")) != flips


# Any word of leave, the bare 可 included ("就医者可向就医地医保部门进行投诉举报").
_ANY_LEAVE = re.compile(r"可|能|允许|准")


_LEADING_VERDICT = re.compile(
    r"^(不是|不可以|不能|不行|不需要|不用|不会|不对|没有|是的|是|可以|能|需要|会|对)[，,]"
)
# Asked whether one must or should ("厂里该给我交职工医保吗"), or whether one may only ("钱只能自己全出
# 吗？", probe 34), "可以。" says only that one may.
_ASKS_DUTY = re.compile(
    r"(?<![应活])该(?=[\u4e00-\u9fff]{0,12}吗)|应该|应当|必须|要不要|需不需要|有没有义务"
    r"|只能(?=[\u4e00-\u9fff]{0,12}[吗吧])"
    # Whether a duty goes on: "可以。" to "…老家的医保还要接着交吗？" (probe 41) says one may.
    r"|还(?:要|得|需要?|用)(?=[\u4e00-\u9fff]{0,12}[吗吧])"
)
_PERMITS = re.compile(r"^(?:不)?(?:可以|能)[。！!]?$")


def permits_where_duty_asked(verdict: str, question: str) -> bool:
    """A bare 可以/能 (or its negation) to a question about duty: it answers whether one may, not
    whether one must (probe 28 and rob-19: "可以。" to "厂里该给我交职工医保吗", where the source
    says 用人单位应依法…为其参加职工基本医疗保险)."""
    return bool(_PERMITS.match(prose(verdict).strip())) and bool(_ASKS_DUTY.search(question))


_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9./@])[A-Za-z]{2,}(?![A-Za-z0-9./@])")  # not a piece of an address
_NAMES_OF_THINGS = frozenset({"app", "id", "ok", "vip", "pdf"})  # written so in Chinese text too


def _foreign_words(text: str, said: str) -> list[str]:
    """English words in a reply that neither the asker nor the sources used: the 1.5B slips into
    English mid-sentence ("因为五 hundred元在起付线以上", probe 50); the asker's own ("business trip")
    may be restated."""
    known = {w.lower() for w in _LATIN_WORD.findall(said)} | _NAMES_OF_THINGS
    return [w for w in dict.fromkeys(_LATIN_WORD.findall(text)) if w.lower() not in known]


# "所以医保不管。" after a sentence that does not say so (probe 50) restates the question as "医保不管。"
# does.
_LEADING_LINK = re.compile(r"^(?:所以|因此|因而|那么|总之|综上所述|综上)[，,]?\s*")


def check_sentence(
    sentence: str,
    support: list[str],
    question: str,
    characters: Iterable[str],
    story_questions: Iterable[str] = (),
    home: frozenset[str] = frozenset(),
    earlier: str = "",
) -> list[Issue]:
    """The issues of one answer sentence whose source sentences are ``support``. ``earlier``: the
    question a follow-up leans on; the places, numbers and names in it are the asker's own too
    ("去成都看病…" then "要是我去的医院不是备案时填的那家呢？")."""
    story_questions = list(story_questions)
    issues: list[Issue] = []
    # Read in the documents' script: a reply to a traditional-character question may be written
    # in traditional characters ("通過電話…"), and its words are the source's words.
    text = normalise(prose(sentence).strip())
    asker = f"{question}\n{earlier}" if earlier else question
    names = [c for c in in_text(text, characters) if c not in asker]
    if names:
        issues.append(Issue("character", sentence, "、".join(names)))
    if _INVENTED_TURN.search(sentence):
        issues.append(Issue("invented_turn", sentence))
    # A question in an answer is the asker's or the story's question copied (the grammar keeps
    # question marks out of generated sentences, so near-identity catches the rest).
    if (
        text.endswith(("？", "?"))
        or any(similarity(text, q) >= 0.9 for q in story_questions)
        or _copies_a_clause(text, question)
        or _keeps_both_options(text, question)
    ):
        issues.append(Issue("copied_question", sentence))
    elif _echoes(_LEADING_LINK.sub("", text), question, support) or (
        earlier and _restates_earlier(text, earlier, question)
    ):
        issues.append(Issue("echo", sentence))
    bare = text.rstrip(TERMINAL + "”’」』）) ")
    words = _jieba().lcut(bare) if bare else []
    last = words[-1] if words else ""
    if bare in VERDICT_WORDS:
        pass  # "是。" "不可以。": a whole reply to a yes/no question
    elif not text or text[-1] not in TERMINAL + "”’」』）)" or len(bare) < 2:
        issues.append(Issue("unfinished", sentence))
    elif _GARBLED.search(text):
        issues.append(Issue("unfinished", sentence, "garbled"))
    elif foreign := _foreign_words(text, f"{asker}\n" + "\n".join(support)):
        issues.append(Issue("unfinished", sentence, f"garbled: words “{'、'.join(foreign)}” no one used"))
    elif (
        bare[-1] in _DANGLING_MARKS
        or (last in _DANGLING_WORDS and bare.endswith(last))
        or (bare[-1] in _DANGLING_CHARS and last not in _WHOLE_WORDS)
    ):
        issues.append(Issue("unfinished", sentence, f"ends on “{bare[-1:]}”"))
    elif _ANNOUNCES.search(bare):
        issues.append(Issue("unfinished", sentence, "announces what it never gives"))
    why = unsupported(text, support, asker, home, story_questions) or story_number(
        text, support, asker, characters
    )
    verdict = _LEADING_VERDICT.match(text)
    if not why and verdict and contradicts(verdict.group(1), text[verdict.end() :], question):
        why = (f"its reason contradicts its verdict “{verdict.group(1)}”", "结论和理由要一致")
    if why:
        issues.append(Issue("unsupported", sentence, *why))
    run = _common_run(text, question)
    if len(run) >= COPIED_ASKER_CHARS:
        issues.append(Issue("copied_asker", sentence, run))
    if any(_copies_whole(text, s) for s in support):
        issues.append(Issue("copied_source", sentence))
    return issues


# A quote that speaks of "这类": the sentence before it names the case ("甲类药品是…。参保人使用这类药品时…").
ANAPHOR = re.compile(r"^[^，。；]{0,8}?(这类|此类|该类)")


def this_kind(sentence: str, before: str) -> str:
    """The sentence with its "这类" followed by the case of a pair the sentence before names first,
    as an edit ("这类〔甲类〕药品"); unchanged when there is no such reference."""
    m = ANAPHOR.match(sentence)
    named = [(before.find(c), c) for pair in CONTRASTS for c in pair if c in before]
    if m is None or not named:
        return sentence
    case = min(named)[1]  # the sentence's subject: "乙类药品是…比甲类药品价格高的药品"
    return sentence.replace(m.group(1), f"{m.group(1)}〔{case}〕", 1)


def swapped_contrast(text: str, item_sentences: list[str]) -> tuple[str, str] | None:
    """(case, other) when a sentence naming both cases of a pair says of each what its item says
    of the other: "乙类药品可以全额纳入报销范围，而甲类药需要先扣除一定的个人自付费用" (probe 10). Each clause
    goes with the case it names (a clause naming neither, with the one before); the likeness of the
    two clauses to their own case's sentences is weighed against their likeness to the other's."""
    for pair in CONTRASTS:
        said: dict[str, str] = {}
        current = ""
        for clause in _SOURCE_CLAUSE.split(text):
            named = [c for c in pair if c in clause]
            if len(named) == 2:
                current = ""
                continue
            current = named[0] if named else current
            if current:
                said[current] = said.get(current, "") + "|" + clause
        if len(said) < 2:
            continue
        a, b = pair
        by_case = {a: [x for x in item_sentences if a in x and b not in x]}
        by_case[b] = [x for x in item_sentences if b in x and a not in x]
        straight = _likeness(said[a], by_case[a], pair) + _likeness(said[b], by_case[b], pair)
        cross = _likeness(said[a], by_case[b], pair) + _likeness(said[b], by_case[a], pair)
        if cross >= 6 and cross >= 2 * straight:
            return a, b
    return None


ITEM_SHARED_PAIRS = 3  # read against a whole item, a clause sharing fewer pairs shares only a topic


def swapped_in_items(sentence: str, question: str, item_sentences: Iterable[str]) -> Issue | None:
    """A rule word given to the other case of a pair (swapped_case), read against every sentence of
    the items the answer cites, not only those quoted: which case decides what is the documents'
    rule, stated once per item ("参保地政策是指…包括…支付比例"). Places the question gave a role stand
    for it: "报销比例按上海的算" to "我是外省参保的，在上海住院…" says 就医地 (eval pol-20, graded wrong).
    A modal read backwards is read here too, against the item's closest clause that states one (stop
    26: "药品降价可能会对质量产生影响" above quotes that say neither, where the item says "降价对药品质量不会
    有影响"), when that clause shares ``ITEM_SHARED_PAIRS`` character pairs with the claim."""
    text = normalise(prose(sentence))
    items = list(item_sentences)
    items = [this_kind(x, items[i - 1]) if i else x for i, x in enumerate(items)]
    contrast = swapped_contrast(text, items)
    if contrast:
        a, b = contrast
        why = f"says of “{a}” what its item says of “{b}”, and the reverse"
        return Issue("unsupported", sentence, why, f"原文对{a}和{b}的说法正好相反")
    swapped = swapped_case(in_roles(text, question), items)
    if swapped is None:
        if flipped := polarity_conflict(text, items, question, min_shared=ITEM_SHARED_PAIRS):
            why = f"says “{flipped[0]}” where its item's closest clause says “{flipped[1]}”"
            return Issue("unsupported", sentence, why, f"原文说的是“{flipped[1]}”")
        return None
    said, stated = swapped
    why = f"says “{said}” where its item gives that to “{stated}” only"
    return Issue("unsupported", sentence, why, f"原文说的是“{stated}”")


# A list of named kinds, each with what it is: "一是分解收费：将一个项目收费分解成…；二是重复计费：…"
# (问41, 问42). The name, and what the source says it is.
_NAMED_ENTRY = re.compile(
    r"[一二三四五六七八九十]是([\u4e00-\u9fff]{2,8})(?:，又称“[^”]*”)?[：:，,]([^；;。]*(?:。比如[^；;。]*)?)"
)
_MIN_NAMED_ENTRIES = 3
# Words every kind of a list of wrongdoing shares: they tell no kind from another.
_KIND_GENERIC = frozenset(
    {"医保", "医院", "参保", "行为", "属于", "骗保", "欺诈", "基金", "保基", "医疗", "疗机", "机构", "患者"}
)
# A kind of people ("异地安置退休人员，也就是退休后在异地定居并迁入户籍的人员。比如回原籍居住的…": what it
# is and the example after it) is told by the asker's circumstances in words of their own ("户口迁到外省，
# 随子女住了" for 迁入户籍 and 随子女居住): compared a character at a time with every kind of the list,
# without the characters every such kind shares, it is misnamed when another kind tells it clearly
# better (probe 63's "…属于常驻异地工作人员").
_PEOPLE_KIND = re.compile(r"(?:人员|人群)$")
_PEOPLE_GENERIC = frozenset("人员群异地的了在是属于和或且也就这种类")
_CLOSER_BY = 2  # characters by which another kind must tell the asker's case better
_KIND_GENERIC_RE = re.compile("|".join(sorted(_KIND_GENERIC, key=len, reverse=True)))
_MIN_DESCRIBED = 3  # character pairs: "挂名住院算骗保。" describes nothing to compare


def misnamed_kind(sentence: str, item_sentences: Iterable[str]) -> tuple[str, str] | None:
    """A described act called by the name of one kind of a list whose source says that kind is
    something else: "医院把自费项目换成医保项目收费，属于诱导住院的行为。" (probe 51; 诱导住院 is 通过虚假
    宣传、免费体检…诱导参保人住院, and the act is 问42's 串换项目收费), "…编一个根本不存在的项目来收费，叫多计
    医疗费用。" (probe 54). Only a sentence naming one kind and describing the act in words of its
    own, none of which the kind's name or what the source says it is shares. (The kind it is cannot be
    picked by shared words: 分解收费 shares more with probe 54's act than 自立项目收费 does.) The name
    and what the source says it is, or None."""
    entries = _NAMED_ENTRY.findall("".join(item_sentences))
    if len(entries) < _MIN_NAMED_ENTRIES:
        return None
    text = prose(sentence)
    named = [(name, what) for name, what in dict(entries).items() if name in text]
    if len(named) != 1:
        return None
    name, what = named[0]
    rest = text.replace(name, "，")
    # The generic words go before the pairs are taken: "挂名住院属于欺诈骗保行为" describes nothing, yet
    # its pairs across words (于欺, 诈骗, 保行) were read as a description (probe 69).
    described = bigrams(_KIND_GENERIC_RE.sub("，", rest)) - _KIND_GENERIC
    if len(described) < _MIN_DESCRIBED:
        return None
    if _PEOPLE_KIND.search(name):
        told = {c for c in rest if "\u4e00" <= c <= "\u9fff"} - _PEOPLE_GENERIC
        shares = {n: len(told & set(n + w)) for n, w in dict(entries).items()}
        closer = max(v for n, v in shares.items() if n != name)
        return (name, what) if closer >= shares[name] + _CLOSER_BY else None
    return None if described & (bigrams(name + what) - _KIND_GENERIC) else (name, what)


# The schemes and accounts the documents each explain in an item of their own: a sentence saying
# something of one rests on an item that names it ("大病保险可以接着报。[问6]", probe 76: 问6 never
# names 大病保险; 问12 does).
SCHEMES = (
    "大病保险", "医疗救助", "生育保险", "工伤保险", "个人账户", "统筹基金", "补充医疗保险", "商业保险",
    "电子凭证", "起付线", "封顶线",
)  # fmt: skip


def unnamed_scheme(sentence: str, item_sentences: Iterable[str]) -> str | None:
    """A scheme (SCHEMES) a sentence speaks of that none of its cited items names: "大病保险可以接着报。
    [问6]" (probe 76), "除了个人账户，职工医保的门诊费用还可以报销。[问6]" (probe 58), "公司给交的补充医疗保险
    应该报到当地社保局。[问3]" (probe 18) — all three wrong. Not a claim the sentence judges ("老板说给我买
    商业保险代替医保是违法的"). The scheme, or None."""
    text = prose(sentence).strip()
    if _JUDGES_CLAIM.search(text):
        return None
    items = "".join(item_sentences)
    return next((w for w in SCHEMES if w in text and w not in items), None)


LISTED_PLACES = 3  # a sentence naming this many places lists where something holds


def _listed(place: str, listed: set[str]) -> bool:
    """Whether a list of places covers the asker's: by name, by its province, or (a province asked
    about) by one of its cities."""
    province = facts.CITY_PROVINCE.get(place)
    return place in listed or province in listed or any(facts.CITY_PROVINCE.get(c) == place for c in listed)


def unlisted_place(sentence: str, question: str, item_sentences: Iterable[str]) -> tuple[str, str] | None:
    """(the asker's place, the list) when a sentence that does not deny speaks of what one of its
    items' sentences lists the places of, and the asker's place is not on that list: "能用小程序办异地
    备案。" to "我是河南的，能用小程序办…吗？" above "目前已有19个省开通了小程序备案,分别是山西、…和新疆"
    (probe 44, wrong: 河南 is not one of them). The reply must share ``ITEM_SHARED_PAIRS`` character
    pairs, place names aside, with the list's sentence: a list of pilot cities says nothing of a reply
    about something else."""
    text = prose(sentence)
    asked = facts.places(question)
    if not asked or negations(text) or DENIAL.search(text):
        return None
    plain = bigrams(facts.PLACES.sub("", text))
    for source in item_sentences:
        listed = facts.places(source)
        shared = plain & bigrams(facts.PLACES.sub("", source))
        if len(listed) < LISTED_PLACES or len(shared) < ITEM_SHARED_PAIRS:
            continue
        if not any(_listed(p, listed) for p in asked):
            return min(asked), source
    return None


def half_unsourced(sentence: str, support: Iterable[str], question: str) -> list[str] | None:
    """The content words of a sentence in neither its source sentences nor the question, when they
    are half its words (``unsupported`` takes more than half): "生育险和医保是两个不同的保险，不能混用。
    [问34]" (probe 83, wrong: 两个, 不同, 混用). Read after every other check, whose reasons say more;
    a reply in traditional characters is read in the documents' simplified ones."""
    text = normalise(prose(sentence))
    source = "\n".join(support)
    words = content_words(text)
    novel = [w for w in words if w not in source and w not in question]
    return novel if len(novel) >= 2 and len(novel) >= UNSUPPORTED_SHARE * len(words) else None


# The documents' long name for 医保 supports the short one in a listed member ("医保部门").
_SHORT_NAMES = {"医保": ("医保", "医疗保障", "医疗保险")}


def _listed_words(member: str) -> list[str]:
    return [
        w for w in _jieba().lcut(member)
        if len(w) > 1 and re.fullmatch(r"[\u4e00-\u9fff]+", w) and w not in STOPWORDS and w not in FRAMING
    ]  # fmt: skip


def unlisted_member(sentence: str, question: str, item_sentences: Iterable[str]) -> str | None:
    """A member of a list the sentence enumerates ("A、B和C") that no sentence of its cited items nor
    the question names: "要准备医保电子凭证、身份证和手机号。[问24]" (probe 83, wrong: 问24 names neither
    身份证 nor 手机号). A share of unsupported words lets such a sentence through when the list's first
    member and the verb are the source's. Read are the members after the first and the first word of
    the last, up to its 和/及: the words after that are the sentence's predicate, not listed things."""
    text = prose(sentence)
    source = "\n".join(item_sentences)
    said = f"{source}\n{question}"
    for clause in CLAUSE.split(text):
        members = clause.split("、")
        if len(members) < 2:
            continue
        for j, member in enumerate(members[1:], 1):
            words = _listed_words(member)
            if j == len(members) - 1:
                words = words[:1]
            for w in words:
                if not any(name in said for name in _SHORT_NAMES.get(w, (w,))):
                    return w
    return None


def _case_lists(source: str, pair: tuple[str, str]) -> tuple[list[str], list[str]] | None:
    """The words only one case's list names, for each case of ``pair``, in a source sentence that lists
    things ("…提供A、B") for each case in a clause of its own; None unless both cases have one."""
    clauses = re.split(r"[，,；;。]", source)
    cases = (pair, pair[::-1])
    lists = [[c for c in clauses if case in c and "、" in c and other not in c] for case, other in cases]
    if not all(lists):
        return None
    rest = "".join(c for c in clauses if not any(case in c for case in pair))
    words = [{w for c in lists[k] for w in _listed_words(c.replace(pair[k], " "))} for k in (0, 1)]
    own = [sorted(w for w in words[k] - words[1 - k] if w not in rest) for k in (0, 1)]
    return own[0], own[1]


def mixed_cases(sentence: str, question: str, item_sentences: Iterable[str]) -> tuple[str, str] | None:
    """Two things a source sentence lists for the two cases of a CONTRASTS pair ("门诊就医的还需提供…处方联、
    急诊诊断证明，住院就医的还需提供出院记录、诊断证明"), listed together by a sentence naming at most one
    of the cases: "事后拿费用收据联、处方联和出院记录去报。[问10]" for an emergency visit (probe 86, wrong:
    出院记录 is for 住院). Read are the words only one case's list has; returns one of each."""
    text = prose(sentence)
    listing = "".join(c for c in CLAUSE.split(text) if re.search("[、和及]", c))
    for pair in CONTRASTS:
        if not listing or all(c in text or c in question for c in pair):
            continue
        for source in item_sentences:
            if (own := _case_lists(source, pair)) is None:
                continue
            said = [[w for w in ws if w in listing and w not in question] for ws in own]
            if all(said):
                return said[0][0], said[1][0]
    return None


def against_items(sentence: str, question: str, items: list[str], support: list[str]) -> Issue | None:
    """The checks read last, after every other (the pipeline's and the evaluation's alike): a listed
    thing its cited items never name, things they list for two different cases, leave not to pay they
    never give, then half its words in neither ``support`` (its source sentences) nor the question.
    ``items``: every sentence of the items the sentence cites."""
    if member := unlisted_member(sentence, question, items):
        why = f"lists “{member}”, which its cited items never name"
        return Issue("unsupported", sentence, why, f"原文没有提到{member}")
    if mixed := mixed_cases(sentence, question, items):
        why = f"lists “{mixed[0]}” and “{mixed[1]}”, which its source asks of two different cases"
        return Issue("unsupported", sentence, why, f"原文分情况说了{mixed[0]}和{mixed[1]}")
    if leave := unsourced_leave(sentence, items):
        why = f"gives leave “{leave}” that no sentence of its cited items gives"
        return Issue("unsupported", sentence, why, "原文没有说可以不交")
    if novel := half_unsourced(sentence, support, question):
        why = f"half its content words are in no source sentence: {novel}"
        return Issue("unsupported", sentence, why, "只能说原文里写了的内容")
    return None


def story_number(
    text: str, support: Iterable[str], asker: str, characters: Iterable[str]
) -> tuple[str, str] | None:
    """A number the sentence states (not the asker's) that only a story's sentences state — the
    example's figure, not a rule: "像我这种原来在医院里面上班的人…能拿到2%" from "李大爷举报的线索真实、
    确凿，医保部门按照查实金额的2%进行奖励", whose item gives insiders up to 3%. A story sentence names a
    character the asker did not; the model reads it with the name masked, so that copy is one too."""
    support = list(support)
    story = {s for s in support if any(c not in asker for c in in_text(s, characters))}
    story |= {mask(s, characters, asker) for s in story}
    # Amounts, rates, times and multiples only: "二级医院" is a grade, not a figure of the story.
    example = sorted(
        v
        for v in facts.quantities(text) - facts.quantities(asker)
        if (stating := [s for s in support if v in facts.quantities(s)]) and all(s in story for s in stating)
    )
    example = [value + ("%" if kind == "percent" else "") for value, kind in example]
    if example:
        return f"numbers {example} are a story's example, not a rule", "不要用案例里的数字"
    return None


def _common_run(a: str, b: str) -> str:
    """The longest run of characters two texts share."""
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return a[m.a : m.a + m.size]


COPIED_BLOCK_CHARS = 4  # shared runs this long count towards a copy; shorter ones are common words


def _copies_whole(text: str, source: str) -> bool:
    """Most of a long source sentence copied, in runs: a word dropped or changed on the way ("医保参保人"
    → "参保人", faq-问20) still leaves a copy, which one longest common run did not count."""
    said, source = prose(text), prose(source).strip()
    blocks = SequenceMatcher(None, said, source, autojunk=False).get_matching_blocks()
    copied = sum(b.size for b in blocks if b.size >= COPIED_BLOCK_CHARS)
    return copied >= COPIED_SOURCE_CHARS and copied >= 0.8 * len(source)


# The editorial mark where a quote left a name out (rag.compose.STORY_MASK). Only that one: the
# documents' own brackets (鄂政发〔2017〕9号) and a case a quote's 这类 refers to (这类〔甲类〕) are not.
_EDITED_NAME = re.compile(r"〔参保人〕")
# A list's heading and its first item, ending where the item does: "…有：1. …；".
_FIRST_ITEM_ONLY = re.compile(r"[：:]\s*[（(]?[1一][)）]?\s*[.、．]?[^；;]*[；;]\s*$")


def check_quotes(quotes: Iterable[str], question: str, characters: Iterable[str]) -> list[Issue]:
    """Quoted evidence sentences that name a story character the asker did not mention, that are a
    story's sentence with the name left out, or that cut a numbered list after its first item."""
    characters = list(characters)
    issues = []
    for quote in quotes:
        names = [c for c in in_text(quote, characters) if c not in question]
        if names:
            issues.append(Issue("quoted_story", quote, "、".join(names)))
        if _EDITED_NAME.search(quote):
            issues.append(Issue("masked_story", quote))
        if _FIRST_ITEM_ONLY.search(quote):
            issues.append(Issue("partial_list", quote))
    return issues


def check_markers(body: str, allowed: Iterable[str] | None = None) -> list[Issue]:
    issues: list[Issue] = []
    for m in re.finditer(r"(\[[^\]]+\])(\s*\1)+", body):
        issues.append(Issue("duplicate_marker", m.group(0)))
    allowed = set(allowed) if allowed is not None else None
    for m in MARKER.finditer(body):
        before = body[: m.start()].rstrip()
        after = body[m.end() :].lstrip(" ")
        at_start = not prose(before).strip()
        lead_in = bool(_LEAD_IN.search(prose(before)))
        # Well placed: after a sentence's text or end mark, followed by the end, a line break,
        # another marker or an end mark. Followed by more words of the same phrase: mid-phrase.
        mid_phrase = (
            bool(after)
            and after[0] not in "\n[【" + TERMINAL + "，,；;"
            and before[-1:] not in TERMINAL + "]】"
        )
        unknown = allowed is not None and m.group(1) not in allowed
        if at_start or lead_in or mid_phrase or unknown:
            issues.append(Issue("dangling_marker", m.group(0), "unknown item" if unknown else ""))
    return issues


def check_body(
    body: str,
    question: str,
    support_for: Callable[[str, list[str]], list[str]],
    characters: Iterable[str],
    story_questions: Iterable[str] = (),
    allowed_labels: Iterable[str] | None = None,
    quotes: Iterable[str] = (),
    home: frozenset[str] = frozenset(),
    earlier: str = "",
    cited: Iterable[str] = (),
) -> list[Issue]:
    """Every issue of an answer body and its quoted evidence. ``support_for(sentence,
    cited_labels)`` gives the source sentences a sentence rests on; ``earlier`` as for
    check_sentence; ``cited``: the sentences of the items the answer cites."""
    characters = list(characters)
    story = list(story_questions)
    issues = check_markers(body, allowed_labels) + check_quotes(quotes, question, characters)
    said = sentences(body)
    if said and (unanswered := unanswered_ask(said[0], question, cited)):
        issues.append(Issue("unsupported", said[0], unanswered[0]))
    for s in said:
        labels = [m.group(1) for m in MARKER.finditer(s)]
        issues += check_sentence(s, support_for(s, labels), question, characters, story, home, earlier)
    return issues


def body_chars(body: str) -> int:
    return len(re.sub(r"\s", "", prose(body)))
