"""Checkable facts in a sentence: numbers (in digits or Chinese numerals), their bounds, and places.

An answer may only state a number, a bound ("最高", "不超过") or a place that the source sentence it
rests on states too. Chinese numerals are read where they state an amount (一百块, 两千元, 百分之九十,
三个月, 10万元 = 100000); list numbering ("1.", "（2）", "一是") and words such as 统一/一次性 are not
numbers. cn2an does the numeral arithmetic (a well-kept library; hand-written numeral parsers get
两千零五 and 一万二 wrong).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_CN_DIGIT = "零〇一二两三四五六七八九十百千万亿"
# Units after which a Chinese numeral states an amount, a duration or a rate.
_UNITS = (
    "元|块|角|万|千|亿|%|％|个月|个工作日|个百分点|个年度|工作日|月|年|天|日|岁|倍|周|小时|次|家|种|项|类|人|"
    "名|张|份|册|级|甲"
)
# A numeral starts with a digit word: "几百元" and "上千块" state no number.
_CN_NUMBER = re.compile(
    f"百分之[{_CN_DIGIT}点]+|[零〇一二两三四五六七八九十][{_CN_DIGIT}点]*(?=(?:多|余|几)?(?:{_UNITS}))"
)
_ROUGH = re.compile("一两|两三|二三|三四|四五|五六|六七|七八|八九")  # a range said as two numerals
# A lone 一 before these is the article ("一个", "一次", "一种"), not a count worth checking; so is
# 一年/一个月 before how much is paid or allowed in it ("一年最多报多少": per year, not 1 year).
_ARTICLE = re.compile(
    "一(?=个(?!月|工作日|百分点|年度)|次|种|项|类|家|份|张|名|人"
    "|(?:年|个月)(?:最|能|可以|可|要|得|该|需要|需|报|交|缴|花|大概|一共|总共|下来))"
)
# List numbering: "1." "2、" "（3）" "一是" "（一）" "第一" (order, not a fact to check).
_ENUMERATION = re.compile(
    r"(?:^|(?<=[：:；;。，,\s\]】]))\d{1,2}\s*[.、](?!\d)|[（(]\d{1,2}[)）]|[（(][一二三四五六七八九十]{1,3}[)）]"
    # …and a point number run into the text before it ("骗保行为有1. 盗刷…"): no amount has a "." or
    # "、" followed by words.
    r"|\d{1,2}\s*[.、](?=\s*[\u4e00-\u9fff])"
    r"|[一二三四五六七八九十]是|第[一二三四五六七八九十\d]+"
)
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(?:多|余|几)?\s*(万|亿)?")
# Words that bound a number: "最高奖励10万元" is not "奖励10万元".
BOUNDS_BEFORE = ("最高", "最多", "至多", "不超过", "不高于", "超过", "至少", "最低", "不低于", "不少于",
                 "大约", "约", "近", "达到", "高达")  # fmt: skip
BOUNDS_AFTER = ("以下", "以上", "以内", "左右", "多", "余", "起")
PLACES = re.compile(
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|"
    "四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|深圳|广州|杭州|南京|成都|"
    "西安|苏州|青岛|厦门|济南|郑州|长沙|沈阳|大连|哈尔滨|昆明|合肥|福州|武汉|徐州|南昌|长三角|京津冀"
)


def _cn_value(text: str) -> str | None:
    import cn2an

    percent = text.startswith("百分之")
    body = text.removeprefix("百分之").replace("两", "二")
    try:
        value = cn2an.cn2an(body, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return _fmt(float(value)) + ("%" if percent else "")


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.4f}".rstrip("0").rstrip(".")


def _scaled(number: str, unit: str | None) -> float:
    """A number with its unit: ("1.2", "万") → 12000."""
    return float(number) * {"万": 1e4, "亿": 1e8}.get(unit or "", 1)


def _value(m: re.Match[str]) -> float:
    """A :data:`_NUMBER` match's value: "1.2万" → 12000."""
    return _scaled(m.group(1), m.group(2))


def _arabic(text: str) -> str:
    """The text with its amounts in digits ("两千元" → " 2000 元") and list numbering blanked."""
    text = unicodedata.normalize("NFKC", text)
    text = _ENUMERATION.sub(" ", text)
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)

    def cn(m: re.Match[str]) -> str:
        if m.group(0) == "一" and _ARTICLE.match(m.string, m.start()):
            return m.group(0)
        if (
            _ROUGH.search(m.group(0))
            or m.string[m.end() : m.end() + 1] == "几"
            or m.string[m.start() - 1 : m.start()] == "几"
        ):
            return m.group(0)  # "十几万", "几十万", "两三千": an order of size (_APPROXIMATE), not a number
        v = _cn_value(m.group(0))
        return f" {v} " if v is not None else m.group(0)

    return _CN_NUMBER.sub(cn, text)


@lru_cache(maxsize=4096)
def numbers(text: str) -> frozenset[str]:
    """The values a text states: "10万元" → 100000, "百分之九十" → 90%, "一百块" → 100, "1.2万" → 12000.
    Percentages keep their sign, so 90% and 90元 differ."""
    text = _arabic(text)
    out: set[str] = set()
    for m in _NUMBER.finditer(text):
        value = _value(m)
        pct = text[m.end() : m.end() + 1] in "%"
        out.add(_fmt(value) + ("%" if pct and m.end() < len(text) else ""))
    return frozenset(out)


# The kind of quantity a unit names: two numbers of one kind can answer the same question.
_KINDS = (
    ("percent", re.compile(r"%|％|个百分点")),
    ("money", re.compile(r"元|块")),
    ("multiple", re.compile(r"倍")),
    ("time", re.compile(r"个月|个工作日|工作日|个年度|年|月|天|日|周|小时")),
)


def quantities(text: str) -> frozenset[tuple[str, str]]:
    """(value, kind) for each number a text states with a unit: "最高奖励10万元" → (100000, money),
    "有效期为3个月" → (3, time), "两倍" → (2, multiple). Numbers without a unit are left out."""
    text = _arabic(text)
    found = set()
    for m in _NUMBER.finditer(text):
        value = _value(m)
        unit = re.sub(r"^[\s多余几]+", "", text[m.end() : m.end() + 6])
        kind = next((k for k, pattern in _KINDS if pattern.match(unit)), None)
        if kind is None and m.group(2):
            kind = "money"  # "20万" alone is an amount of money
        if kind:
            found.add((_fmt(value), kind))
    return frozenset(found)


# Amounts given as an order of size ("几千元", "十几万"): no number to compare (see _CN_NUMBER), but a
# claim all the same — "职工医保一年大概交几千元" must rest on a sentence that says 几千 (probe 46).
_APPROXIMATE = re.compile(rf"[一二两三四五六七八九十]?几[十百千万亿]+|(?:{_ROUGH.pattern})[十百千万亿]+")


def approximate_amounts(text: str) -> frozenset[str]:
    """The orders of size a text states: "年均缴费要几千元" → {"几千"}, "花了十几万" → {"十几万"}."""
    return frozenset(m.replace("两", "二") for m in _APPROXIMATE.findall(unicodedata.normalize("NFKC", text)))


def bounded(text: str) -> dict[str, str]:
    """Numbers stated with a bound ("最高…10万元", "3万元（含）以下", "20多万"): value → bound word."""
    text = unicodedata.normalize("NFKC", text)
    out: dict[str, str] = {}
    for m in _NUMBER.finditer(text):
        before, after = text[max(0, m.start() - 6) : m.start()], m.group(0)[1:] + text[m.end() : m.end() + 6]
        word = next((w for w in BOUNDS_BEFORE if w in before), None) or next(
            (w for w in BOUNDS_AFTER if w in after), None
        )
        if word:
            value = _value(m)
            out[_fmt(value)] = word
    return out


_SENTENCE_END = re.compile(r"[。!?！？\n]+")
_UNIT_AFTER = re.compile(rf"\s*(?:多|余|几)?\s*(?:{_UNITS})?")
_BOUND_WORDS = re.compile("|".join(sorted(set(BOUNDS_BEFORE + BOUNDS_AFTER), key=len, reverse=True)))
_LIST_PART = rf"(?:[\d.%％\s、,，\-－~～—()（）至到和或及]|{_UNITS})+"
_LIST_TAIL = re.compile(_LIST_PART + "$")
_LIST_HEAD = re.compile("^" + _LIST_PART)
_UNIT_AFTER_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:多|余|几)?\s*(?:万|亿)?" + _UNIT_AFTER.pattern)
NEAR = 10  # characters before a number that say what it is a number of (half as many after it)


_OPENING_DATE = re.compile(r"[\s,，]*(?:19|20)\d\d\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?")


def number_contexts(text: str) -> dict[str, list[str]]:
    """Each number a text states, with the words around it (within its sentence, ``NEAR``
    characters before it and half as many after; its digits, unit and bound words taken out):
    "转诊人员备案有效期为3个月)到确定的…" → {"3": ["转诊人员备案有效期为 确定的异地"]}. Percentages are
    keyed without their sign."""
    out: dict[str, list[str]] = {}
    for sentence in _SENTENCE_END.split(_arabic(text)):
        for m in _NUMBER.finditer(sentence):
            after = sentence[m.end() :]
            after = after[_UNIT_AFTER.match(after).end() :]  # type: ignore[union-attr]
            after = _LIST_HEAD.sub("", after)  # "2017、2018、2019 年国家都调整…": the words after the list
            # The words before a list of numbers are every number's: "电话（027-87265900、027-…）".
            before = _LIST_TAIL.sub("", sentence[: m.start()])
            near = before[-NEAR:] + " " + after[: NEAR // 2]
            if (opening := _OPENING_DATE.match(sentence)) and m.start() < opening.end():
                # "2018年12月，国家医保局…建立了欺诈骗保举报奖励制度": a date opening its sentence is the
                # date of what the sentence tells, however far on that is (probe 48).
                near = sentence
            out.setdefault(_fmt(_value(m)), []).append(without_quantities(near))
    return out


# An amount a rate is paid above or below ("10 万元以上赔付 75%", "超过十万的那部分报75%"): the tier.
_TIER_AFTER = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*元?\s*(?:\(含\))?\s*(以上|以下)")
_TIER_BEFORE = re.compile(r"(不超过|不到|不满|低于|超过|高于|多于)\s*(\d+(?:\.\d+)?)\s*(万|亿)?")
_TIER_CLAUSE = re.compile(r"[，,；;。!?！？\n]+")
_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def rate_tiers(text: str) -> list[tuple[str, frozenset[tuple[str, str]]]]:
    """Each rate a text states with the amounts its clause bounds it by, and which way: "3 万元以上 10
    万元（含）以下部分赔付 65%" → ("65%", {("30000", "上"), ("100000", "下")}); a rate with no bounded
    amount in its clause has an empty set."""
    out: list[tuple[str, frozenset[tuple[str, str]]]] = []
    for clause in _TIER_CLAUSE.split(_arabic(text)):
        rates = [_fmt(float(m.group(1))) + "%" for m in _RATE.finditer(clause)]
        plain = _RATE.sub(" ", clause)
        after = {
            (_fmt(_scaled(n, u)), "上" if way == "以上" else "下") for n, u, way in _TIER_AFTER.findall(plain)
        }
        before = {
            (_fmt(_scaled(n, u)), "下" if way[0] in "不低" else "上")
            for way, n, u in _TIER_BEFORE.findall(plain)
        }
        out += [(rate, frozenset(after | before)) for rate in rates]
    return out


def without_quantities(text: str) -> str:
    """The text with its numbers, their units and bound words blanked: what is left says what a
    number is of."""
    text = re.sub(r"[\d.%％]+", " ", _UNIT_AFTER_NUMBER.sub(" ", _arabic(text)))
    return _BOUND_WORDS.sub(" ", text)


def has_bound(text: str) -> bool:
    return any(w in text for w in BOUNDS_BEFORE + BOUNDS_AFTER)


# Groups of insured people the documents give their own rules (and the small model takes a general
# rule for theirs: "退休了也要交医保。" from "所有用人单位及其职工…个人也有缴费的义务"). Each entry is one
# group in the words people and documents use for it.
GROUPS = (
    ("退休", "离休"),
    ("学生",),
    ("儿童", "少儿", "未成年", "小孩"),
    ("新生儿", "婴儿"),
    ("低保",),
    ("特困", "五保"),
    ("孤儿",),
    ("贫困", "建档立卡"),
    ("残疾",),
    ("军人", "退役"),
    ("外国人", "外籍"),
    ("孕妇", "产妇"),
    ("失业", "无业", "待业", "没有工作", "没工作", "未就业"),
    ("个体",),
    ("灵活就业",),
    # Not a group of people but those treated abroad, whom 问14 names apart (在境外就医的 is not paid):
    # a rule said of them needs a source naming them, and an item naming them answers them first
    # ("出国旅游期间生病的医药费…" had been answered from 问8's 出差 story, probe 60).
    ("境外", "国外", "出国", "海外"),
)


# "退休前的10几年我个人不缴纳…", "快退休了" and "快到退休年龄了" speak of someone who has not retired
# yet: a group's word after 快/即将 or before 前 names a time before joining the group, not the group.
_GROUP_WORD = "(?:" + "|".join(n for names in GROUPS for n in names) + ")"
BEFORE_GROUP = re.compile(f"(?:快要?|快到|即将|临近|接近|马上就?要?|将要){_GROUP_WORD}|{_GROUP_WORD}之?前")


def groups_named(text: str) -> frozenset[int]:
    """The groups of GROUPS (their positions) a text names, not counting a time before joining one
    ("快退休了", "退休前的10几年")."""
    text = BEFORE_GROUP.sub("", text)
    return frozenset(i for i, names in enumerate(GROUPS) if any(n in text for n in names))


def places(text: str) -> set[str]:
    return set(PLACES.findall(text))


# The province of each city above: a question about 武汉 is about 湖北's rules (general knowledge).
CITY_PROVINCE = {
    "深圳": "广东", "广州": "广东", "杭州": "浙江", "南京": "江苏", "成都": "四川", "西安": "陕西",
    "苏州": "江苏", "青岛": "山东", "厦门": "福建", "济南": "山东", "郑州": "河南", "长沙": "湖南",
    "沈阳": "辽宁", "大连": "辽宁", "哈尔滨": "黑龙江", "昆明": "云南", "合肥": "安徽", "福州": "福建",
    "武汉": "湖北", "徐州": "江苏", "南昌": "江西",
}  # fmt: skip


def region_places(regions: Iterable[str]) -> frozenset[str]:
    """The place names a question may use for these regions: "湖北省" → 湖北 and its cities."""
    out: set[str] = set()
    for region in regions:
        for place in places(region):
            out.add(place)
            out |= {city for city, province in CITY_PROVINCE.items() if province == place}
    return frozenset(out)


def places_in_order(text: str) -> list[str]:
    return PLACES.findall(text)


# Kinds of insurance (and funds) people ask about. Which of them the documents cover is read from
# the documents (:func:`covered_kinds`); a question about only the others is not theirs to answer.
INSURANCE_KINDS = (
    "医保", "医疗保险", "大病保险", "生育保险", "工伤保险", "失业保险", "养老保险", "养老金", "社会保险",
    "补充医疗保险", "住房公积金", "公积金", "企业年金", "职业年金", "车险", "交强险", "商业保险",
    "商业医疗险", "百万医疗险", "医疗险", "重疾险", "意外险", "寿险", "护理保险", "长护险", "惠民保",
)  # fmt: skip


COVERED_ITEMS = 2  # items that must name a kind of insurance for the documents to cover it
_LIST_OF_KIND = re.compile(r"(?:医保|医疗保险)(?:药品)?目录")


def covered_kinds(items: Iterable[str]) -> frozenset[str]:
    """The kinds of insurance the documents speak about: named in at least ``COVERED_ITEMS`` items
    (one text per item). A kind named once in passing is not covered: "…可以通过参加补充医疗保险、
    商业医疗保险等办法解决" (问11) says nothing of how 补充医疗保险 pays, and "公司给交的补充医疗保险
    怎么报？" was answered from 问3's 职工医保 rule (probe 18)."""
    texts = list(items)
    return frozenset(k for k in INSURANCE_KINDS if sum(k in t for t in texts) >= COVERED_ITEMS)


def uncovered_kind(question: str, covered: frozenset[str]) -> str | None:
    """The kind of insurance a question is about when the documents name none it names
    ("在外省交了几年养老保险，回老家以后怎么转移接续？": 养老保险); a question that also names a kind
    they cover ("单位交了养老保险，医保也得交吗") is theirs."""
    # "医保目录" names the list of what 医保 pays, not the insurance asked about: "惠民保能报销医保目录外的药
    # 吗？" (oos-56) is about 惠民保.
    question = _LIST_OF_KIND.sub("", question)
    named = [k for k in INSURANCE_KINDS if k in question]
    # "医疗险" is inside "商业医疗险": a kind named only inside a longer named kind is not named.
    named = [k for k in named if not any(k != o and k in o for o in named)]
    if not covered or not named or any(k in covered for k in named):
        return None
    return named[0]
