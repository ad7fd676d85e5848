"""Stage 7b: a yes/no question the model only restated, settled by asking the model to judge.

Asked a yes/no question, the 1.5B model often restates it as a statement ("男的也要交生育保险。"):
that agrees with the asker whether or not the documents do (about half of them were wrong when
read), so the checks drop it as an ``echo`` and nothing is concluded. Asked whether such a
statement is right, the same model answers 对 to nearly everything — but asked about the statement
*and about its negation*, the one it finds more likely right is, measured on the eval's dropped
echoes, the documents' answer (22 of 24; the two misses had the smallest margins), and on new
questions 15 of its 17 settlements were read as direct replies (1 wrong). Comparing the two cancels
the model's bias towards 对.

So: the restated clause is negated by rule (:func:`negate`: 是/不是, 能/不能, 要/不用…), both
statements are scored against the quoted sentences (:func:`judge_messages`), and the winner is
shown — its clause only, cited, after the same checks as any conclusion — when it wins by
``margin``; otherwise nothing is concluded, as before. A statement with no verdict word to flip is
denied whole ("并不是在外地看病比在本地报得少"); one stating a number is left as it was (on dropped
echoes "贫困户起付线为1.2万元" / "…是1.2万元" the judge sided with the asker against the quotes).

When the model's reply failed the checks for another reason (unsupported, cut off) and it did not
restate the question, the statement judged is the question as the asker put it
(:func:`statement_of`: "异地急诊需要提前备案吗？" → "异地急诊需要提前备案"), never one asking for more
than yes or no ("…能报多少").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .checks import ASKS_BOTH, TERMINAL, prose

JUDGE_SYSTEM = "你是严谨的医保政策核对员，只根据给出的原文判断。"
JUDGE_ASK = "根据原文，这个说法对不对？只回答“对”或“不对”。"
# The first tokens of the two replies the judge may give ("不对" starts with 不).
JUDGE_WORDS = ("对", "不")

# A verdict word a statement's polarity turns on, and the word that negates it. The lookarounds
# keep out words that merely contain one (可能, 只能, 就是, 所有, 社会, 需要 inside 不需要…).
_FLIP = {
    "不可以": "可以",
    "可以": "不可以",
    "不需要": "需要",
    "需要": "不需要",
    "不能": "能",
    "能": "不能",
    "不用": "要",
    "不要": "要",
    "还要": "不用",
    "也要": "不用",
    "要": "不用",
    "不会": "会",
    "会": "不会",
    "不算": "算",
    "算": "不算",
    "没有": "有",
    "有": "没有",
    "不是": "是",
    "是": "不是",
    "不必": "必须",
    "必须": "不必",
    "不应该": "应该",
    "应该": "不应该",
    "不应当": "应当",
    "应当": "不应当",
    "不给": "给",
    "不该": "该",
    "该": "不该",
}
_MARKER = re.compile(
    r"不可以|(?<!不)可以|不需要|(?<![不只])需要|不能|(?<![不可功只才本智性])能(?![够力])"
    # "这钱还能要回来" gets it back: 能 is the verdict word there, not 要 (probe 75).
    r"|不用|不要|还要|也要|(?<![需不只主重想还也必能])要(?![求素点么是])"
    r"|不会|(?<![不机社开学大工协理体委领误])会(?![员议计])"
    r"|不算|(?<![不计结核预清打估合换])算(?![的了])"
    r"|没有(?!的)|(?<![所没具拥享含持只还占共已])有(?![些的关效限点时人利])"
    r"|不是|(?<![不就但还只于可要总真倒凡若或正才也])是(?!否)"
    r"|不必|(?<!不)必须|不应该|(?<!不)应该|不应当|(?<!不)应当|不给"
    # 该 of duty ("厂里该给我交吗"), not the determiner (该地, 该项).
    r"|不该|(?<![不应活])该(?=给|交|缴|让|由|替|为|出|付|赔|报|办|去)"
)
_CLAUSE = re.compile(r"[，,；;]")
_LEADING_VERDICT = re.compile(r"^(?:对|是的|是|没错)[，,]\s*")
_PARTICLES = "吧吗呢啊呀嘛"
_QUANTIFIER = re.compile(r"都|全|所有|一律|任何|一分|只|仅|才|最多|最少|至少")
_INDEED = re.compile(r"\s*(?:确实|的确|真的)")
# A question's own "A不A" (算不算, 有没有, 可不可以), and the answer of each that denies.
# Only verdict words: "医保管不管" made "医保管。" / "医保不管。", and the judge took the wrong side
# of both such probe questions ("打架受伤了医保管。" above a quote saying 不能予以…报销).
_BOTH = re.compile(r"可不可以|需不需要|应不应该|([是能要会算有用行该])([不没])\1")
_BOTH_SIDES = {"可不可以": ("可以", "不可以"), "需不需要": ("需要", "不需要"), "应不应该": ("应该", "不应该")}
_BOTH_NO = {"要": "不用", "有": "没有"}
# Words of judgment with no verdict word in the clause ("…贵，正常"), and their negations.
_ADJECTIVE_FLIP = {
    "不正常": "正常",
    "正常": "不正常",
    "不合理": "合理",
    "合理": "不合理",
    "不合法": "合法",
    "合法": "不合法",
    "违法": "不违法",
    "违规": "不违规",
    "不一样": "一样",
    "一样": "不一样",
}
_ADJECTIVE = re.compile(
    "不正常|(?<!不)正常|不合理|(?<!不)合理|不合法|(?<!不)合法|违法|违规|不一样|(?<![不都])一样"
)
_DENY = "并不是"
_DENIED_MIN_CHARS = 5
_YEAR = re.compile(r"\d{4}\s*年")
# An amount ("1.2万元", "两千块", "百分之九十"), not a numeral in a name (三甲医院, 二级医院).
_AMOUNT = re.compile(r"\d|百分之|[一二三四五六七八九十两百千万]+(?:元|块|万|倍|天|个月|岁)")
_CONCESSIVE = re.compile(r"就是|但|只是|不过|而且|并且|可是|而")


@dataclass(frozen=True)
class Negation:
    statement: str  # the restated question, cleaned: the claim as the asker put it
    negated: str  # the same with its verdict clause negated
    clause: str  # that clause as the asker put it: what is shown if the claim wins
    negated_clause: str  # …and if its negation wins


def negate(sentence: str) -> Negation | None:
    """The restated question and its negation, or None when there is nothing it could be negated at.

    In order: a question's own "A不A" form becomes its two answers ("算不算…" → "算…" / "不算…");
    the last verdict word of the last clause that has one is flipped ("要" → "不用"); with none, an
    adjective of judgment is ("正常" → "不正常"); a clause that quantifies ("都不给报", "最多只补一半")
    or has neither ("…比社区医院贵得多") is denied whole ("并不是…"), since flipping its verb ("都给
    报") denies nothing — unless it is a concession or a bare phrase. None for a statement of an
    amount, whichever way it would be negated."""
    text = _LEADING_VERDICT.sub("", prose(sentence).strip().rstrip(TERMINAL))
    text = text.rstrip(_PARTICLES).strip()
    if not text or _states_amount(text):
        # "贫困户的大病保险起付线是1.2万元": a number is right or wrong for one group, and the quotes
        # state it for another ("贫困人口…5000元"); the judge took the asker's side on such claims,
        # whether their verdict word was flipped or the clause denied whole.
        return None
    clauses = _CLAUSE.split(text)
    both = _asks_both(clauses)
    if both is not None or ASKS_BOTH.search(text):
        return both  # "医保报不报": asks of a verb that is no verdict word; nothing to deny
    for i in range(len(clauses) - 1, -1, -1):
        # "按就医地算" reckons, it does not classify: no verdict to flip there.
        found = [
            m
            for m in _MARKER.finditer(clauses[i])
            if not (m.group() == "算" and "按" in clauses[i][: m.start()])
        ]
        if found:
            break
    else:
        return _flip_adjective(clauses) or _deny(clauses, len(clauses) - 1)
    m = found[-1]
    if _QUANTIFIER.search(clauses[i][: m.start()]):
        return _deny(clauses, i)
    # "确实可以报" → "不可以报": an "indeed" before the verdict word would affirm its negation too.
    lead = _INDEED.match(clauses[i])
    start = lead.end() if lead and lead.end() <= m.start() else 0
    flipped = clauses[i][start : m.start()] + _FLIP[m.group()] + clauses[i][m.end() :]
    return _replaced(clauses, i, clauses[i][start:], flipped)


# A negation that lands before a 不 makes a double negative ("能不交" → "不能不交"), which the judge
# reads poorly (probe 14: no side won for "…医保能不交吗"); said plainly, it is "必须交".
_DOUBLE_NEGATIVE = re.compile(r"(?:不能|不可以|不可|不得)不")


def _replaced(clauses: list[str], i: int, clause: str, negated_clause: str) -> Negation:
    if not _DOUBLE_NEGATIVE.search(clause):
        negated_clause = _DOUBLE_NEGATIVE.sub("必须", negated_clause)
    statement = "，".join([*clauses[:i], clause, *clauses[i + 1 :]])
    negated = "，".join([*clauses[:i], negated_clause, *clauses[i + 1 :]])
    return Negation(statement, negated, clause.strip(), negated_clause.strip())


def _asks_both(clauses: list[str]) -> Negation | None:
    """A question's "A不A" as its two answers: "像你这种的，算不算需要备案的人" → "…算需要备案的
    人" / "…不算需要备案的人"."""
    for i in range(len(clauses) - 1, -1, -1):
        m = _BOTH.search(clauses[i])
        if m:
            c = m.group(1)
            yes, no = _BOTH_SIDES.get(m.group()) or (c, _BOTH_NO.get(c, f"{m.group(2)}{c}"))
            head, tail = clauses[i][: m.start()], clauses[i][m.end() :]
            return _replaced(clauses, i, head + yes + tail, head + no + tail)
    return None


def _flip_adjective(clauses: list[str]) -> Negation | None:
    """ "…比社区医院贵，正常" → "…，不正常": the last adjective of judgment, flipped."""
    for i in range(len(clauses) - 1, -1, -1):
        found = list(_ADJECTIVE.finditer(clauses[i]))
        if found:
            m = found[-1]
            flipped = clauses[i][: m.start()] + _ADJECTIVE_FLIP[m.group()] + clauses[i][m.end() :]
            return _replaced(clauses, i, clauses[i], flipped)
    return None


def _deny(clauses: list[str], i: int) -> Negation | None:
    """Clause ``i`` denied whole ("并不是…"), unless it is too short to say anything of its own or
    is a concession ("就是比例低点")."""
    clause = _INDEED.sub("", clauses[i]).strip()  # "并不是确实就是白交钱" denies nothing more
    if len(re.findall(r"[\u4e00-\u9fff]", clause)) < _DENIED_MIN_CHARS or _CONCESSIVE.match(clause):
        return None
    return _replaced(clauses, i, clause, _DENY + clause)


# What a question adds to its claim: a tag asking for confirmation ("…，对吧"), a lead-in ("听说…",
# "请问…"), its closing particle. Removed, the rest is the claim as the asker put it.
_TAG = re.compile(
    r"[，,\s]*(?:对吧|是吧|对吗|是吗|对不对|是不是真的|是真的吗|真的吗|是这样吗|有这回事吗|没错吧|没错吗)$"
)
_LEAD = re.compile(
    r"^(?:请问|问一下|我想问一下|我想问|想问一下|想问|听说|据说|听人说|有人说|那么|那|要是|如果)[，,\s]*"
)
# "是否/是不是" before a verdict word asks of that word: "是否可以借" is "可以借吗", "是不是算" "算吗".
_ASKS_MODAL = re.compile(r"(?:是否|是不是)(?=可以|能|需要|要|应该|应当|必须|会|算|有)")
_ASKED = (("是否", "是不是"), ("能否", "能不能"), ("可否", "可不可以"))
# Question words: "…能报多少，跟本地一样吗" asks for more than yes or no; its statement is no claim.
# Not "缝了几针", "好几万": an indefinite 几 after 了 or 好 asks nothing (probe 79).
_WH = re.compile(r"多少|什么|哪|怎么|怎样|如何|(?<![了好])几|谁|为什么|为何|多久|多长")
# A yes/no question's closing particle or tag: with one, a question word in the asked clause is
# indefinite ("要具体到哪个区哪家医院吗"); without one it asks for what it names.
_YES_NO_END = re.compile(
    r"(?:[吗吧嘛]|(?<![什怎这那多])么|是不是|对不对|行不行|好不好|可不可以|能不能|有没有)[啊呀呢]?$"
)


_OPINION = re.compile(r"(?:想法|做法|说法|看法|理解|观点|认识|意见)$")


def statement_of(question: str) -> str:
    """A yes/no question as the statement it asks about: its last sentence without the lead-in,
    the confirmation tag and the closing particle ("听说…住院满14天必须出院，是吧？" → "…住院满14天
    必须出院"; "是否/能否" as "是不是/能不能", whose two answers :func:`negate` gives). "" for a
    question stating an amount (the judge has sided with the asker on figures) or asking for more
    than yes or no ("…能报多少，跟本地一样吗")."""
    text = _last_sentence(question)
    if asks_what(question):
        return ""  # "…对方全责，医药费该谁出？" asks who, not whether (no 吗 makes 谁 indefinite)
    for _ in range(2):
        text = _TAG.sub("", text).rstrip(_PARTICLES + "，,")
        # "…会被拉黑名单不": a closing 不 asks, like 吗.
        text = re.sub(r"(?<=[\u4e00-\u9fff])不$", "", text)
    text = _ASKS_MODAL.sub("", _LEAD.sub("", text))
    for short, both in _ASKED:
        text = text.replace(short, both)
    # A question word in the clause asked ("要具体到哪个区哪家医院吗") is indefinite; in a clause
    # before it, it asks a question of its own ("…能报多少，跟本地一样吗").
    asks_more = any(_WH.search(c) for c in _CLAUSE.split(text)[:-1])
    # "小张的想法对吗？": its 对 is what is asked, not a tag; "小张的想法" is no statement to judge.
    opinion = _OPINION.search(text)
    return "" if _states_amount(text) or asks_more or opinion else text


def _last_sentence(question: str) -> str:
    text = re.sub(r"\s+", "", question).rstrip(TERMINAL + "~～")
    return re.split(r"[。！？!?；;]", text)[-1]


# How to find out whether ("怎么知道能不能报", probe 40): the whether is embedded in a how question.
_HOW_TO_TELL = re.compile(r"(?:怎么|怎样|如何|咋)(?:才能)?(?:知道|判断|确定|查|看出|区分|分辨|弄清|搞清)")


def indefinite(statement: str) -> bool:
    """Whether a statement made of a question keeps a question word ("还要办什么手续"): asked with
    吗 it is indefinite ("any"); said, it reads as the question again. "这几年" points, it does
    not ask ("肿瘤靶向药这几年有进医保。", probe 47)."""
    return bool(_WH.search(re.sub(r"(?<=[这那近前后头])几", "", statement)))


def asks_what(question: str) -> bool:
    """Whether a question's last clause asks who, what, where… rather than whether: "…去哪里办，
    要带什么？" (its 要 is no yes/no question); "要具体到哪个区哪家医院吗" asks whether."""
    text = _last_sentence(question)
    last = _CLAUSE.split(text)[-1]
    if _HOW_TO_TELL.search(last):
        return True
    # An "A不A" before it is asked about, not what is asked: "…那家能不能异地直接结算，在哪儿能查到？"
    # asks where (probe 85: a judged "那家能异地直接结算" would be no reply).
    return bool(_WH.search(last)) and not _YES_NO_END.search(text) and not ASKS_BOTH.search(last)


def compares_amounts(question: str) -> bool:
    """Whether a question states two or more sums of money (years aside): "住院花了五百，起付线八百，这次
    能报吗？" turns on comparing them, which the judge cannot do (an age and a distance are not such
    sums: "我妈今年六十八了…离家二十多公里…" is settled as any question)."""
    return len({a or b for a, b in _SUM.findall(_YEAR.sub("", question))}) >= 2


def states_sum(text: str) -> bool:
    """Whether a text states a sum of money ("每个月多给两百块")."""
    return bool(_SUM.search(_YEAR.sub("", text)))


# A sum of money: an amount after words that price something, or before 元/块. Bare numerals count
# ("起付线八百").
_NUMERAL = r"\d+(?:\.\d+)?\s*万?|[一二两三四五六七八九][十百千万][一二两三四五六七八九十百千万零]*"
_SUM = re.compile(
    rf"(?:花了|花费|起付线|封顶线|自付|报了|报销了|费用|交了|缴了|掏了)\s*(?:是|为|要|大概|约)?\s*({_NUMERAL})"
    rf"|({_NUMERAL})\s*(?:元|块)"
)


def _states_amount(text: str) -> bool:
    return bool(_AMOUNT.search(_YEAR.sub("", text)))


def judge_messages(evidence: list[str], statement: str) -> list[dict[str, str]]:
    """The judge's prompt: the quoted sentences, one statement, 对 or 不对."""
    source = "\n".join(evidence)
    return [
        {"role": "system", "content": JUDGE_SYSTEM},
        {"role": "user", "content": f"原文：\n{source}\n\n说法：{statement}\n\n{JUDGE_ASK}"},
    ]


# A generator's reading of a judgment: the log-probability of each word's first token as the first
# token of the reply to the messages (None: this generator cannot tell).
Judge = Callable[[list[dict[str, str]], tuple[str, ...]], list[float] | None]


def leaning(judge: Judge, evidence: list[str], statement: str) -> float | None:
    """How much more the model leans to 对 than to 不对 for one statement (log-odds)."""
    scores = judge(judge_messages(evidence, statement), JUDGE_WORDS)
    return None if scores is None else scores[0] - scores[1]


def weigh(judge: Judge, evidence: list[str], negation: Negation) -> float | None:
    """How much more the model takes the statement than its negation to be right (None: unread)."""
    said = leaning(judge, evidence, negation.statement)
    denied = leaning(judge, evidence, negation.negated) if said is not None else None
    return None if said is None or denied is None else said - denied


def side(
    negation: Negation, d: float | None, margin: float, agree_margin: float | None = None
) -> tuple[str, float] | None:
    """The clause the judge's weighing ``d`` sides with, and ``d``; None when it is smaller than
    ``margin`` (``agree_margin``, if given, for the asker's own statement: the small model leans
    to agreeing) or was not read."""
    if d is None or abs(d) < (agree_margin if d > 0 and agree_margin is not None else margin):
        return None
    return (negation.clause if d > 0 else negation.negated_clause), d
