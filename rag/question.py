"""Stage 0: the question as asked → a :class:`Query` the pipeline can work with.

* validated and trimmed (empty, non-text, control characters, over-long);
* a short follow-up ("那如果是在外地呢？") is read with the previous question for retrieval, while
  the answer replies to the follow-up itself;
* requests to invent, guess or confirm without the documents ("请随便编一个北京门诊报销比例",
  "不用看资料，直接告诉我…对吧") are recognised: the assistant refuses them whatever retrieval finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class QuestionError(ValueError):
    """The question cannot be answered as given (empty, not text); the message is for the user."""


@dataclass(frozen=True)
class Query:
    asked: str  # the user's words (cleaned)
    search: str  # what retrieval looks for: the follow-up joined to its previous question
    previous: str | None = None  # the previous question, when this is a follow-up
    notes: list[str] = field(default_factory=list)
    invention: str | None = None  # the phrase that asks to invent/guess/confirm, if any


def clean_question(question: object, max_chars: int) -> tuple[str, list[str]]:
    """Validate and normalise a question; returns it and notes on what was changed."""
    if not isinstance(question, str):
        raise QuestionError(f"问题必须是文字（收到的是 {type(question).__name__}）。")
    # Control characters (other than newlines/tabs) come from broken files, not from people.
    text = "".join(ch for ch in question if ch in "\n\t" or ch.isprintable()).strip()
    if not text:
        raise QuestionError("问题是空的，请输入您想了解的医保问题。")
    notes = []
    if len(text) > max_chars:
        # People tell their story first and ask last: keep the end, where the question is.
        notes.append(f"问题过长（{len(text)} 字），只使用了最后 {max_chars} 字。")
        text = text[-max_chars:]
    return text, notes


# A follow-up leans on the previous question: "那如果是在外地呢？" says nothing about what "that" is.
_FOLLOW_UP_START = (
    "那",
    "那么",
    "如果",
    "要是",
    "假如",
    "还有",
    # "…报销时会有问题吗？还要回医保中心办手续吗？" (probe 55): 还 goes on about what was asked before.
    "还要",
    "还得",
    "还需",
    "还用",
    "另外",
    "这个",
    "这种",
    "那个",
    "它",
    "他",
    "她",
)
FOLLOW_UP_MAX_CHARS = 20


def is_follow_up(question: str) -> bool:
    q = question.strip()
    if len(q) > FOLLOW_UP_MAX_CHARS:
        return False
    return q.startswith(_FOLLOW_UP_START) or q.rstrip("？?。").endswith("呢") or len(q) <= 8


# Asks in one message ("社保卡丢了，钱怎么报？以后能不能不带卡直接用手机？"): each question sentence, its
# story with it. rag.assistant answers them one by one when they need different items.
_ASK_END = re.compile(r"(?<=[？?])")
MAX_ASKS = 3
MIN_ASK_CHARS = 3  # Chinese characters: "是吗？" alone asks nothing of its own; "门诊呢？" does


def split_asks(question: str) -> list[str]:
    """The question sentences of a message, each with the words before it; ``[question]`` unless
    it is two or three of them, each ending in a question mark."""
    parts = [p.strip() for p in _ASK_END.split(question.strip()) if p.strip()]
    if not 2 <= len(parts) <= MAX_ASKS or not all(p[-1] in "？?" for p in parts):
        return [question]
    if any(len(re.findall(r"[\u4e00-\u9fff]", p)) < MIN_ASK_CHARS for p in parts):
        return [question]
    return parts


def contextualize(question: str, history: list[str] | None) -> str:
    """A standalone question for retrieval: a short follow-up is joined to the previous question,
    so "那如果是在外地呢？" after "社保卡丢了怎么报销？" finds the same items."""
    if not history or not is_follow_up(question):
        return question
    return f"{history[-1].strip()}（追问：{question.strip()}）"


# Asking the assistant to make something up, to guess, or to confirm a claim without the documents.
_INVENTION = re.compile(
    # make something up
    # (not 举报, 报销, 来看病…: "随便举报一个就能拿10万吗" asks about a rule, probe 15)
    r"(随便|随意|胡乱|瞎|乱)(想|说|编|写|给|讲|猜|估|填|报(?!销|案|警|名|到|道|告)|举(?!报)|来(?=一|个|点|条))|"
    r"编(一个|个|一条|条|一下|一点|点|造|出|些)|捏造|虚构|"
    r"杜撰|假装|凭感觉|拍脑袋|猜(一下|一个|个|猜|测)|估(计|算)?一个|估(计|算)?一下|大概估|估个数|估摸|当真的|"
    # answer without the documents
    r"(不用|不要|别|无需|不需要|甭|不必)(看|查|管|翻|对照|参考|依据|根据|理会)(资料|文件|规定|文档|原文|政策|依据|了|怎么写)|"
    r"(抛开|撇开|忽略|无视)(资料|文件|规定|文档|依据)|不需要依据|没有依据也"
)


# Asking whether a rule or claim the asker heard of is real ("…，有这规定吗？", "…是真的吗？").
_HEARD_OF = r"是真的吗|是不是真的|是这样吗|有这回事吗|有这(?:个|种|条|项|样的?)?(?:规定|说法|政策|要求)吗"
_HEARD_OF_END = re.compile(rf"(?:{_HEARD_OF})[？?！!。]*$")
# Asking to have a claim confirmed: where a small model agrees by restating the claim.
_CONFIRMATION = re.compile(rf"(吧|对吧|是吧|对吗|对不对|没错吧|{_HEARD_OF})[？?！!。]*$|是不是|听说|据说")


def is_confirmation(question: str) -> bool:
    return bool(_CONFIRMATION.search(question.strip()))


def asks_if_reported_true(question: str) -> bool:
    """Whether the question asks if a rule or claim the asker heard of is real."""
    return bool(_HEARD_OF_END.search(question.strip()))


# Clauses of a question or a reply: what the checks (rag.checks) read one at a time.
CLAUSE = re.compile(r"[，。？！,?!；;：:\s]+")
_REPORTED = re.compile(r"说|听说|据说|称|认为|规定")
_REFERS_BACK = re.compile(r"^(?:这|那|此)|这个|这种|这样|这么|这条|这项|这回")
TAG_CHARS = 6  # a last clause this short ("是吧", "是真的吗") asks about the clauses before it


def claimed_part(question: str) -> str:
    """The clauses of a question that state what the asker wants confirmed: the clause that asks,
    a clause reporting what someone said ("医院说医保病人住院不能超过15天，有这个规定吗？"), and
    every clause when the ask is a tag or points back at them ("…20万，是真的吗？"). Not the
    asker's circumstances: "…签了一年的劳动合同，公司应该给他上职工医保吧？" asks about 职工医保,
    not about 一年 (rob-19)."""
    clauses = [c for c in CLAUSE.split(question.strip()) if c]
    if not clauses:
        return ""
    last = clauses[-1]
    if len(last) <= TAG_CHARS or _REFERS_BACK.search(last):
        return "，".join(clauses)
    return "，".join([*(c for c in clauses[:-1] if _REPORTED.search(c)), last])


# Someone else making something up, asked about, not asked for: "医院编一个根本不存在的项目来收费，叫什么？"
# (probe 54) — a third party before the phrase in its clause, and no 你/帮我/给我/请 asking.
_THIRD_PARTY = re.compile(r"医院|药店|诊所|医生|单位|公司|老板|企业|机构|别人|有人|对方|他们?|她们?")
_ADDRESSED = re.compile(r"你|您|帮我|给我|替我|请")


def invention_request(question: str) -> str | None:
    """The phrase with which a question asks to invent, guess or confirm without the documents."""
    m = _INVENTION.search(question)
    if m is None:
        return None
    clause = re.split(r"[，,。；;！？!?]", question[: m.start()])[-1]
    if _THIRD_PARTY.search(clause) and not _ADDRESSED.search(question):
        return None
    return m.group(0)


# The yes/no words a question invites: "能不能…", "能…吗" → 能 / 不能.
_YES_NO = [
    ("可以", "不可以"),
    ("需要", "不需要"),
    ("能", "不能"),
    ("算", "不算"),
    ("会", "不会"),
    ("有", "没有"),
    ("要", "不要"),
    ("用", "不用"),
    ("行", "不行"),
    ("对", "不对"),
    ("是", "不是"),
]
_YES_NO_QUESTION = re.compile(r"[吗吧么][？?！!。]*$|([\u4e00-\u9fff])不\1|是否|对不对|有没有")


def yes_no_words(question: str) -> list[tuple[str, str]]:
    """For a yes/no question, the verdict word pairs its own wording uses ([] for other questions):
    "能不能…" or "…能…吗" → 能 / 不能; "…对吧" → 对 / 不对 and 是 / 不是."""
    q = question.strip()
    if not _YES_NO_QUESTION.search(q):
        return []
    last = re.split(r"[，,；;。]", q.rstrip("？?！!。"))[-1]
    pairs = [(y, n) for y, n in _YES_NO if f"{y}不{y}" in q or (y in last and y != "对")]
    if re.search("对(吗|吧|不对|么)", q):
        pairs.append(("对", "不对"))
    if is_confirmation(q) and ("是", "不是") not in pairs:
        pairs.append(("是", "不是"))
    return pairs or [("能", "不能")]


# A clause asks when it ends in a question mark or particle or has a question word.
_ASKS = re.compile(
    r"[？?]|[吗呢么吧][。！!]*$|怎么|怎样|如何|什么|哪|多少|几[个天年月次]|是否|能否|([\u4e00-\u9fff])不\1"
)


def asking_part(text: str, limit: int) -> str:
    """At most ``limit`` characters of a long question for the dense side: the clauses that ask,
    then the clauses nearest to the last of them (those before it first: a story leads up to its
    question), in their original order. Embedding time grows with length; people ask both
    "…我的情况是这样…能报吗？" and "能报多少？我的情况是…", so neither end alone will do."""
    if limit <= 0 or len(text) <= limit:
        return text
    # Clauses, not sentences: spoken questions run on with commas ("…住院的话，医保能直接结算吗？").
    clauses = re.finditer(r"[^，,。！？!?；;\n]*[，,。！？!?；;\n]*", text)
    parts = [m.group() for m in clauses if m.group().strip()]
    asking = [i for i, x in enumerate(parts) if _ASKS.search(x.strip())]
    if not asking:
        return text[-limit:]
    last = asking[-1]
    # The asking clauses from the last one back, then its neighbours, nearest first.
    order = sorted(asking, reverse=True) + sorted(
        (i for i in range(len(parts)) if i not in asking), key=lambda i: (abs(i - last), i > last)
    )
    chosen: list[int] = []
    used = 0
    for i in order:
        if used + len(parts[i]) > limit:
            if not chosen:  # one asking clause longer than the limit: its end
                return parts[i][-limit:]
            if i in asking:
                continue  # another ask: a shorter one may still fit
            break  # neighbours stay contiguous around the ask
        chosen.append(i)
        used += len(parts[i])
    return "".join(parts[i] for i in sorted(chosen))


def parse(question: object, history: list[str] | None, max_chars: int) -> Query:
    text, notes = clean_question(question, max_chars)
    search = contextualize(text, history)
    previous = history[-1].strip() if history and search != text else None
    return Query(asked=text, search=search, previous=previous, notes=notes, invention=invention_request(text))
