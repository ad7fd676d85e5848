"""Stage 7: the answer a person reads, composed from the model's structured reply and checked.

The model writes "依据：A2、A3\\n结论：…" (its shape is enforced by the grammar in rag.prompt). The
composer turns that into

    不可以。单位必须为职工缴纳职工医保，不缴是违法的。[问2]

    依据：
    [问2]「根据《社会保险法》，所有用人单位……不给员工缴纳医保是违法的。」

as it streams: each conclusion sentence is checked (rag.checks) against the evidence sentences the
model chose before it is shown; a sentence that names a story character, restates a question, is
unfinished, or states a number, bound, place or claim its evidence does not is dropped. The
evidence is quoted by the pipeline, verbatim, never by the model. If no conclusion sentence
survives, the reply says so and shows the evidence; if the model chose no evidence ("无"), the
question is refused. What streams is exactly the final text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from . import checks, facts, verify
from .characters import MASK, mask
from .generation import GenerationStats, Generator
from .normalise import normalise
from .prompt import MAX_SENTENCE_CHARS, Prompt, Source, parse_evidence
from .question import asks_if_reported_true, claimed_part, is_confirmation, yes_no_words
from .records import Citation, Evidence, Hit
from .sentences import split_sentences

REFUSAL_TEXT = (
    "抱歉，现有资料中没有能回答这个问题的内容。为避免给出错误的政策建议，我不作推测；"
    "具体情况请咨询当地医保经办机构。"
)
INVENTION_TEXT = (
    "抱歉，我只根据资料回答，不能编造、猜测或替您确认资料里没有写明的政策、金额和比例。"
    "具体数字请以当地医保经办机构公布的为准。"
)
UNSURE_TEXT = (
    "抱歉，我不能确定资料是否回答了这个问题，不作推测。下面是资料中与您的问题最接近的原文，请对照判断；"
    "具体情况请咨询当地医保经办机构。"
)
# Said when every conclusion sentence was dropped. Not "资料没有直接回答" (what it said until stop 20):
# the quotes below it often do answer, and the reader should be sent to them, not away.
NO_CONCLUSION_TEXT = (
    "抱歉，我没能从资料中得出可靠的结论，不作推测。下面是资料中与您的问题最相关的原文，请对照阅读；"
    "具体情况请咨询当地医保经办机构。"
)
# What older runs said instead: the evaluation still reads their answers.
FORMER_NO_CONCLUSION_TEXTS = (
    "抱歉，资料没有直接回答这个问题，请咨询当地医保经办机构。资料中可能相关的原文如下。",
    "资料没有直接回答",
)
# Sentences shorter than this ("不可以。") are a verdict: shown joined to the reason that follows.
VERDICT_CHARS = 8
STORY_MASK = "〔参保人〕"  # a character's name left out of a quote (brackets: the quote was edited)
# Why a dropped conclusion is asked for again, in the model's terms.
# Phrased so that a model copying them says nothing the checks would let through.
RETRY_REASONS = {
    "copied_question": "不要重复问题，要根据原文回答",
    "echo": "不要重复问题，要根据原文判断",
    "unsupported": "只能说原文里写了的内容",
    "character": "不要提案例里的人",
    "unfinished": "要写完整的句子",
}
_SENTENCE_END = re.compile(r"[。！!]")
# "参保人这种做法是错误的" (probe 25, and probes 1, 3, 23): the story's verdict on its character's act,
# with the character masked. The act is the one the asker describes (retrieval matched it), so it is
# theirs: "这种做法是错误的".
_STORY_FRAME = re.compile(f"^{MASK}(?:的|这种|这样的|这样|此种)?做法")
# "参保人每年给爸妈交居民医保，…这钱不算打水漂。" (probe 66) to "我每年给爸妈交居民医保…": the mask
# copied as the subject, where the asker spoke of themselves — said to them as 您. Not when the
# asker asks about someone else ("我爸妈不会用智能手机…": 参保人 is the parents, not 您).
_MASKED_SUBJECT = re.compile(f"^{MASK}(?!员)")
_KIN = "[们爸妈父母家老儿女孩表堂哥姐弟妹爷奶外公婆亲朋同事邻]"  # after 我: someone else (我爸, 我们…)
_ASKER_SELF = re.compile(f"我(?!{_KIN})")
_SOMEONE_ELSE = re.compile(f"[他她]|我(?={_KIN})")


def to_asker(text: str, question: str) -> str:
    """A reply whose subject is the story's masked character said to the asker (您) when the asker
    asked about themselves only."""
    m = _MASKED_SUBJECT.match(text)
    if m is None or MASK in question:
        return text
    # The words after the mask are the asker's own after 我 ("我每年给爸妈交…"): the asker, whoever
    # else the question names.
    after = text[m.end() : m.end() + 3]
    echoed = len(after) == 3 and f"我{after}" in question
    if echoed or (_ASKER_SELF.search(question) and not _SOMEONE_ELSE.search(question)):
        return "您" + text[m.end() :]
    return text


# A quote is added for what a kept sentence states from its item's other sentences ("…费用发票、药品
# 处方和费用明细", probe 25's 问8, above a quote that names only the 急诊证明): this many of its
# character pairs, beyond the question's and the quotes', must come from that sentence.
MISSING_QUOTE_PAIRS = 4
# A reply made of the asker's words ("本地医院能治的病，医院不会给开转诊。", probe 47) states nothing
# beyond the question for MISSING_QUOTE_PAIRS to find, yet may rest on a sentence the model did not
# choose ("…如果当地医院能治,医院就不会开…") above one that does not speak of it (the three steps).
# The chosen items' sentence it shares the most character pairs with is quoted when it shares at
# least RESTS_ON_PAIRS and RESTS_ON_LEAD more than the closest quote, which shares at most
# RESTS_ON_QUOTED: a reply its quotes already state needs no more of them (probe 38's 参保地 reply).
RESTS_ON_PAIRS = 5
RESTS_ON_LEAD = 3
RESTS_ON_QUOTED = 4
# Leading clauses that are questions ("这样可以吗，"), as copied before a reply.
_ASKED_FIRST = re.compile(r"^(?:[^，,。！!]{2,}?[吗呢么][，,]\s*)+")
# A connective that opens a reply refers to a sentence before it ("但", "所以").
_DANGLING_LINK = re.compile(r"^(?:所以|因此|因而|但是|但(?!凡)|不过|然而|而且|此外)[，,]?\s*")
# A reply opening on a reference to the sentence before it ("如果是，则可以报；否则不能报。"): with that
# sentence dropped it points at nothing (probe 40).
_POINTS_BACK = re.compile(
    r"^(?:如果|若|要)(?:是|不是|没有|有)(?:的话)?[，,]|^(?:否则|反之|这样的话|那样的话)"
)
_BARE_YES = frozenset({"可以", "能", "行", "是", "是的", "对", "会", "需要", "有"})
# An opening clause restates the asker's situation when this share of its character pairs is the
# question's ("老板说不给我上医保了，每个月多给两百块自己看病，不能同意。", probe 78).
RESTATED_CLAUSE_SHARE = 0.75
# What the number check says when it finds one its source sentence does not state. Not a place: a
# place restated is the asker's case the reply holds for ("备案时选的是武汉，到了宜昌看病可以直接结算",
# probe 58, is wrong without it too, and was dropped for 武汉).
_FIGURE_ISSUE = re.compile(r"^(?:numbers|amounts) ")
# Kinds of issue that keep a generated sentence from being shown.
DROP = {"character", "invented_turn", "copied_question", "echo", "unfinished", "unsupported"}


# A quote's opening verdict sentence ("可以。进城务工的农村居民…"): the FAQ's answer to its own story
# question, not to the asker's. Under a reply that concludes nothing it reads as the answer (oos-85, a
# question about foreigners, showed "可以。…"); under a reply it can read as the opposite (pol-03's
# "职工医保是单位和个人都得交。" above 问3's "不行。…", said to one who wanted to stop paying). The reply
# says the verdict to the asker, so the quote as shown leaves it out (the record keeps it).
_OPENING_VERDICT = re.compile(
    r"^(?:是的|不是|可以|不可以|不行|行|能|不能|会的|不会|需要|不需要|有的|没有|对|不对|不对的)[。！!]\s*(?=\S)"
)


def asker_opening(sentence: str, question: str) -> tuple[str, str] | None:
    """The opening clauses of a sentence that restate the asker's situation in the asker's words and
    the reply after them: ("老板说不给我上医保了，每个月多给两百块自己看病，", "不能同意。"), or None.
    Not when what follows is a bare yes: that would confirm what the opening restates."""
    parts = re.split(r"(?<=[，,])", sentence)
    asked = checks.bigrams(question)
    n = 0
    while n < len(parts) - 1:
        grams = checks.bigrams(parts[n])
        if len(grams) < 3 or len(grams & asked) < RESTATED_CLAUSE_SHARE * len(grams):
            break
        n += 1
    rest = "".join(parts[n:]).strip()
    if n == 0 or len(checks.bigrams(rest)) < 1 or rest.strip("。！! ") in _BARE_YES:
        return None
    return "".join(parts[:n]), rest


def without_verdict(e: Evidence) -> Evidence:
    """The quote as shown without its opening verdict sentence, if it has one."""
    shown = e.shown or e.text
    cut = _OPENING_VERDICT.sub("", shown, count=1)
    return e if cut == shown else replace(e, shown=cut)


def quote_lines(evidence: list[Evidence]) -> str:
    """ "[问2]「…」" per quote, one per line, as the reader sees them (story names left out)."""
    return "\n".join(f"[{e.label}]「{e.shown or e.text}」" for e in evidence)


def quote_block(evidence: list[Evidence]) -> str:
    return "\n\n依据：\n" + quote_lines(evidence) if evidence else ""


def citation(hit: Hit, sentences: tuple[str, ...] = ()) -> Citation:
    return Citation(hit.source, hit.qid, hit.label, hit.question, hit.full_text or hit.text, sentences)


def join(parts: Iterable[str]) -> str:
    """The streamed pieces as one text, the way they are shown."""
    return "".join(parts).strip()


def citations_for(evidence: list[Evidence], hits: Iterable[Hit]) -> list[Citation]:
    by_label = {h.label: h for h in hits}
    out: dict[str, list[str]] = {}
    for e in evidence:
        out.setdefault(e.label, []).append(e.text)
    return [
        citation(h, tuple(sents)) for label, sents in out.items() if (h := by_label.get(label)) is not None
    ]


@dataclass
class Composed:
    body: str
    evidence: list[Evidence]
    mode: str  # generated | no_conclusion | model_refused | unparsed
    notes: list[str] = field(default_factory=list)


# The least a sentence cut at the length limit must keep before its last "；" to be shown.
MIN_CUT_CHARS = 20


@dataclass(frozen=True)
class Ruled:
    """A reply a rule reads from source sentences when the model's did not survive the checks."""

    reply: str
    sources: list[Evidence]
    why: str  # the note that says which rule answered
    # The sources say the reply whole ("…参保地政策…包括…支付比例"); a one-word reply ("不是。") is read
    # with the question's closest sentences quoted beside its own.
    whole: bool = False

    @property
    def text(self) -> str:
        """The reply as shown: its sentence and the markers of the items its sources come from."""
        labels = dict.fromkeys(e.label for e in self.sources)
        return self.reply + "。" + "".join(f"[{label}]" for label in labels)


class Composer:
    """Feed the model's text in pieces; get back the pieces of the answer that may be shown."""

    def __init__(
        self,
        prompt: Prompt,
        question: str,
        characters: Iterable[str],
        home: frozenset[str] = frozenset(),
        previous: str | None = None,
    ) -> None:
        self.prompt = prompt
        self.home = home
        # Checked in the documents' script: "廣州" and "小張" in the question are 广州 and 小张.
        self.question = normalise(question)
        # A follow-up's previous question: what the asker said there is theirs to have restated.
        self.earlier = normalise(previous or "")
        self.characters = frozenset(characters)
        self.story = [s.hit.question for s in prompt.sources]
        self.raw = ""
        self.evidence: list[Evidence] | None = None  # None until the "依据" line is complete
        self.model_refused = False
        self.ids: list[str] = []  # the valid sentence ids the model chose
        self.retried = False
        self._pos = 0  # how much of the conclusion has been split into sentences
        self._verdict = ""  # a short verdict sentence waiting for its reason
        self.kept: list[str] = []
        self.dropped: list[tuple[str, checks.Issue]] = []
        self.notes: list[str] = []
        self.restated: list[str] = []  # sentences dropped only for restating a yes/no question
        self.judged = False  # the conclusion is the judge's side of a restated question
        # A reply that turns the yes/no question round ("…这钱不能要回来。") is held back, not shown,
        # until the judge has read the question (see :meth:`release`); set by :func:`generate`.
        self.hold_negations = False
        self.held: list[str] = []
        self._before_held: list[Evidence] = []
        self.claimed = "restated"  # what the judge's statement was made from: the reply or the question
        self.preempted: Ruled | None = None  # a reply read by rule before the model was asked
        self._listing = ""  # a list of places a dropped sentence was about, without the asker's

    # -- evidence ---------------------------------------------------------------------------
    def _read_evidence(self, line: str) -> None:
        ids = parse_evidence(line)
        if ids is None:
            self.model_refused = True
            self.evidence = []
            return
        chosen: list[Evidence] = []
        self.ids = []
        for sid in dict.fromkeys(ids):
            found = self.prompt.sentence(sid)
            if found is None:
                self.notes.append(f"ignored an evidence id not in the prompt: {sid}")
                continue
            src, i = found
            self.ids.append(sid)
            chosen.append(src.evidence(i))
        self.evidence = chosen

    def _given(self, evidence: list[Evidence] | None) -> list[Evidence]:
        """``evidence`` when given (even empty), else the chosen evidence."""
        return (self.evidence or []) if evidence is None else evidence

    def _support(self, evidence: list[Evidence] | None = None) -> list[str]:
        # The model saw the masked text; the reader sees the original: either supports a claim.
        # A quote's "这类" is read as the case it refers to ("这类〔甲类〕药品"), as the reader sees it.
        texts = [self._resolved(e).shown or e.text for e in self._given(evidence)]
        return texts + [mask(t, self.characters, self.question) for t in texts]

    def _cited(self, evidence: list[Evidence] | None = None) -> list[Source]:
        """The prompt's items that ``evidence`` (by default the chosen evidence) quotes."""
        labels = {e.label for e in self._given(evidence)}
        return [src for src in self.prompt.sources if src.hit.label in labels]

    def _restated(self, sentence: str) -> list[Evidence]:
        """The sentences of the chosen items that a conclusion sentence restates: the model may
        write from a sentence of the right item without having chosen its id."""
        out = []
        for src in self._cited():
            shown = [src.sentences[i] for i in src.shown]
            masked = checks.in_documents_terms(mask(sentence, self.characters, self.question))
            picked = checks.best_support(masked, shown, n=2)
            # A sentence about one case of a pair ("…门诊看病可以报销") restates the item's sentence
            # about that case, however much closer in words one about the other is (probe 18: the
            # 住院 sentence was closer, and "门诊" was dropped as named by no source).
            for case in (c for pair in checks.CONTRASTS for c in pair if c in masked):
                if not any(case in t for t in picked):
                    picked += checks.best_support(masked, [t for t in shown if case in t], n=1)
            for text in dict.fromkeys(picked):
                out.append(src.evidence(src.sentences.index(text)))
        return out

    def _issues(self, sentence: str, evidence: list[Evidence]) -> list[checks.Issue]:
        support = self._support(evidence)
        found = checks.check_sentence(
            sentence, support, self.question, self.characters, self.story, self.home, self.earlier
        )
        if not any(i.kind == "unsupported" for i in found):
            closest = [e.text for e in self._restated(sentence) if e not in evidence]
            issue = self._against_closest(sentence, closest) if closest else None
            items = [t for src in self._cited(evidence) for t in src.sentences]
            issue = issue or checks.swapped_in_items(sentence, self.question, items)
            if issue is None and (kind := checks.misnamed_kind(sentence, items)):
                why = f"calls it “{kind[0]}”, which its item says is: {kind[1]}"
                issue = checks.Issue("unsupported", sentence, why, f"原文说{kind[0]}是“{kind[1]}”")
            if issue is None and (scheme := checks.unnamed_scheme(sentence, items)):
                why = f"speaks of {scheme}, which its cited items never name"
                issue = checks.Issue("unsupported", sentence, why, f"原文没有说{scheme}")
            if issue is None and (pending := checks.denied_where_pending(sentence, items)):
                # "安徽人在上海备案了，门诊费用不能直接结算。" cited to the 长三角 pilot sentence alone: its
                # item's "…尚未在全国全面开展" is no "nowhere" either (probe 55).
                why = f"says flatly 不能 where its item says “{pending}”"
                issue = checks.Issue("unsupported", sentence, why, f"原文说的是“{pending}”")
            if issue is None and (unlisted := checks.unlisted_place(sentence, self.question, items)):
                place, listed = unlisted
                why = f"speaks of what its item lists the places of, and “{place}” is not one of them"
                issue = checks.Issue("unsupported", sentence, why, f"原文列出的地方没有{place}")
                self._listing = listed
            issue = issue or checks.against_items(sentence, self.question, items, support)
            found += [issue] if issue else []
        return [i for i in found if i.kind in DROP]

    def _against_closest(self, sentence: str, closest: list[str]) -> checks.Issue | None:
        """The model may choose the one sentence that agrees with it ("有些城市…需要…备案") and leave
        out the closer one of the same item that says the opposite ("大部分城市…不需要提前备案"), or
        that gives the rule to one group of people or some places ("…驻外人员…在参保地即可刷卡就医",
        "…而像南昌等地,还需要去社保局办理"): ``closest`` (those sentences) are read for that too, as
        the evaluation reads them."""
        if flipped := checks.polarity_conflict(sentence, closest, self.question):
            why = f"says “{flipped[0]}” where its item's closest sentence says “{flipped[1]}”"
            return checks.Issue("unsupported", sentence, why, f"原文说的是“{flipped[1]}”")
        if unpaid := checks.denied_payment(sentence, closest):
            why = f"says 医保 pays where its item's closest sentence says “{unpaid}”"
            return checks.Issue("unsupported", sentence, why, f"原文说的是“{unpaid}”")
        text = checks.prose(sentence)
        limited = (
            checks.dropped_group(text, closest, self.question)
            or checks.dropped_qualifier(text, closest)
            or checks.dropped_condition(text, closest, self.question)
        )
        if limited:
            why = f"its item's closest sentence says this of “{limited}” only"
            return checks.Issue("unsupported", sentence, why, f"原文只说“{limited}”")
        return None

    # -- conclusion ---------------------------------------------------------------------------
    def _unquoted(self, sentence: str) -> list[Evidence]:
        """The chosen items' sentences a kept sentence restates that its quotes do not show: what it
        states beyond the question and the quotes (at least MISSING_QUOTE_PAIRS character pairs)
        comes from them."""
        ev = self.evidence or []
        own = checks.bigrams(sentence) - checks.bigrams(self.question)
        own -= checks.bigrams("".join(self._support(ev)))
        added = []
        for e in (e for e in self._restated(sentence) if e not in ev):
            new = own & checks.bigrams(e.text)
            if len(new) >= MISSING_QUOTE_PAIRS:
                added.append(e)
                own -= new
        return added

    def _rests_on(self, sentence: str) -> Evidence | None:
        """The chosen items' sentence a kept reply rests on when its quotes do not (RESTS_ON_PAIRS):
        counted over all its words, the asker's included. Not one about the other case of a pair
        the reply names: "乙类药的费用不能全额纳入报销" shares most with "…这类〔甲类〕药品…可以全额纳入
        报销范围"."""
        ev = self.evidence or []
        masked = mask(sentence, self.characters, self.question)
        quoted = max((checks.shared_pairs(masked, t) for t in self._support(ev)), default=0)
        if quoted > RESTS_ON_QUOTED:
            return None
        cases = [(c, o) for pair in checks.CONTRASTS for c, o in (pair, pair[::-1]) if c in masked]
        best, pairs = None, 0
        for e in (e for e in self._restated(sentence) if e not in ev):
            shown = self._resolved(e).shown or e.text
            if any(o in shown and c not in shown for c, o in cases):
                continue
            n = checks.shared_pairs(masked, mask(shown, self.characters, self.question))
            if n > pairs:
                best, pairs = e, n
        if best is None or pairs < RESTS_ON_PAIRS or pairs < quoted + RESTS_ON_LEAD:
            return None
        return best

    def _markers(self, sentence: str) -> str:
        ev = self.evidence or []
        best = checks.best_support(sentence, [e.text for e in ev], n=2) or [ev[0].text]
        labels = dict.fromkeys(e.label for e in ev if e.text in best)
        return "".join(f"[{lb}]" for lb in labels)

    def _take(self, sentence: str) -> list[str]:
        # "无，…": the model carrying the evidence line's "无" into a conclusion it did write.
        sentence = re.sub(r"^无[，,。]\s*", "", sentence.strip())
        # "这样可以吗，不可以。": the question copied before its verdict; the verdict is checked alone.
        # Only a verdict: a claim after a copied question ("那我该找谁反映呢，应该找医院的医保部门。")
        # was a guess the first time one was shown.
        asked = _ASKED_FIRST.match(sentence)
        if asked and sentence[asked.end() :].strip("。！! ") in checks.VERDICT_WORDS:
            self.notes.append(f"left out a copied question: {asked.group().rstrip('，,')}")
            sentence = sentence[asked.end() :]
        if not sentence:
            return []
        if not self.evidence:
            return []
        before = list(self.evidence)  # the quotes before this sentence added any of its own
        if MASK not in self.question and (frame := _STORY_FRAME.match(sentence)):
            self.notes.append(f"said the story's verdict of the asker's act: {frame.group()}")
            sentence = "这种做法" + sentence[frame.end() :]
        if len(sentence.rstrip("。！!")) >= MAX_SENTENCE_CHARS and "；" in sentence and not self.kept:
            # Cut at the length limit in a list of rules ("医疗机构的骗保行为有…；药店的…有…；参保人员
            # 的…将本人的医疗。"): the clauses before the last "；" are whole, the rest is not. Only
            # as the first conclusion: after one, a long second sentence was padding (rob-03).
            whole = sentence[: sentence.rindex("；")].rstrip("，,、 ")
            if len(whole) >= MIN_CUT_CHARS:
                self.notes.append(f"kept the whole clauses of a sentence cut at the length limit: {sentence}")
                sentence = whole + "。"
        if len(sentence) < VERDICT_CHARS and not self._verdict and not self.kept:
            self._verdict = sentence  # "不可以。": wait for the reason
            return []
        issues = self._issues(sentence, self.evidence)
        if issues and all(i.kind == "unsupported" for i in issues) and _FIGURE_ISSUE.match(issues[0].detail):
            # The asker's own number restated before the reply ("…每个月多给两百块自己看病，不能
            # 同意。"): no source sentence states it, but the reply after it may stand alone.
            opening = asker_opening(sentence, self.question)
            # Only a sum of money, and only where no sentence the model was given states a number: an
            # asker's period is what the rule turns on ("出院后一周内又…住院，不算分解住院。", pol-28, where
            # 问41 says 7天内), and so is a sum the documents bound.
            if (
                opening
                and verify.states_sum(opening[0])
                and not facts.numbers(opening[1])
                and not any(facts.numbers(t) for t in self._item_sentences())
                and not self._issues(opening[1], self.evidence)
            ):
                self.notes.append(f"left out the asker's words restated before the reply: {opening[0]}")
                sentence, issues = opening[1], []
        if self._verdict:
            # After an explicit verdict ("能。"), restating the question is its reason, not an echo:
            # whether the two agree is checked below.
            issues = [i for i in issues if i.kind != "echo"]
            if checks.drops_certainty(self._verdict + sentence, self.question):
                # "可以。…" to "随便哪家医院都能用医保吗？" (probe 25): a yes to whether any one
                # will do, which neither the verdict nor its reason says.
                why = "a yes to whether any or always, which the reply does not say"
                issues.append(checks.Issue("unsupported", sentence, why))
        if len(sentence.rstrip("。！!")) >= MAX_SENTENCE_CHARS:
            # The grammar ended it at its length limit: cut mid-phrase ("…按比。").
            issues.append(checks.Issue("unfinished", sentence, "cut at the length limit"))
        if issues and all(i.kind == "unsupported" for i in issues):
            extra = [e for e in self._restated(sentence) if e not in self.evidence]
            # One sentence that is enough before all of them: each added one is a quote to read.
            for added in [*([e] for e in extra), extra] if extra else []:
                if not self._issues(sentence, self.evidence + added):
                    self.evidence.extend(added)  # shown with the quotes: the reader sees what it rests on
                    self.notes.append(f"added evidence the sentence restates: {[e.label for e in added]}")
                    issues = []
                    break
        if not issues:
            # Leave to skip a duty is read against the whole item: the duty is often a story's
            # sentence the model did not choose ("…用人单位应依法…为其参加职工基本医疗保险", probe 43).
            if duty := checks.permits_skipping(sentence, self._item_sentences()):
                why = f"permits not doing what its item says “{duty}”"
                issues = [checks.Issue("unsupported", sentence, why)]
        if not issues and not self.kept:
            said = self._verdict + sentence
            if unanswered := checks.unanswered_ask(said, self.question, self._item_sentences()):
                issues = [checks.Issue("unsupported", sentence, *unanswered)]
        if not issues and self._verdict and self._affirms_unstated_number(self._verdict):
            issues = [checks.Issue("unsupported", sentence, f"{self._verdict} confirms a number not stated")]
        if not issues and self._verdict and checks.contradicts(self._verdict, sentence, self.question):
            issues = [checks.Issue("unsupported", sentence, f"contradicts the verdict {self._verdict}")]
        if not issues and self._verdict:
            flipped = checks.polarity_conflict(self._verdict + sentence, self._support(self.evidence))
            if flipped:
                issues = [checks.Issue("unsupported", sentence, f"verdict {flipped[0]}, source {flipped[1]}")]
        if issues and all(i.kind == "echo" for i in issues):
            self.restated.append(sentence)
        if issues:
            self._verdict = ""  # a verdict whose reason fails is not shown alone either
            self.dropped.append((sentence, issues[0]))
            self.notes.append(f"dropped a sentence ({issues[0].kind}: {issues[0].detail}): {sentence}")
            return []
        if not self.kept and self.dropped and not self._verdict and _POINTS_BACK.match(sentence):
            issue = checks.Issue("unfinished", sentence, "points back at a dropped sentence")
            self.dropped.append((sentence, issue))
            self.notes.append(f"dropped a sentence (unfinished: {issue.detail}): {sentence}")
            return []
        text = self._verdict + sentence
        self._verdict = ""
        if (said := to_asker(text, self.question)) != text:
            self.notes.append("said the masked subject to the asker: 您")
            text = said
        if not self.kept and (link := _DANGLING_LINK.match(text)):
            # "但需要先撤销备案。" (probe 32), "所以，不能答应…" (probe 31): the sentence the
            # connective answered was dropped, so it would open the reply pointing at nothing.
            self.notes.append(f"left out a connective with nothing before it: {link.group()}")
            text = text[link.end() :]
        if added := self._unquoted(text):
            self.evidence.extend(added)  # the reader is shown what the sentence states
            self.notes.append(f"quoted the sentence the reply restates: {[e.label for e in added]}")
        elif rests := self._rests_on(text):
            self.evidence.append(rests)
            self.notes.append(f"quoted the sentence the reply rests on: {rests.label}")
        shown = text + self._markers(text)
        holding = bool(self.held) or (
            self.hold_negations and not self.kept and checks.negated_restatement(sentence, self.question)
        )
        self.kept.append(shown)
        if holding:
            if not self.held:
                self._before_held = before
            self.held.append(shown)  # with what follows it, until the judge has read the question
            return []
        return [shown]

    def held_claim(self) -> verify.Negation | None:
        """The asker's question and its negation, for the judge to read a held reply against."""
        statement = verify.statement_of(self.question) if self.held else ""
        return verify.negate(statement) if statement else None

    def release(self, d: float | None) -> list[str]:
        """The held reply, shown unless the judge leans to the asker's side of the question it turns
        round (``d`` > 0). Measured on stored replies that restate the yes/no question negated
        (probes and eval runs, stops 30–47): 47 direct, 30 wrong, 23 indirect; where the judge leans
        to the asker (d > 0), 7 direct, 16 wrong and 5 indirect, so those are dropped and the
        question is left to the judge's usual margins (d ≤ 0: 33 direct, 11 wrong, 15 indirect)."""
        held, self.held = self.held, []
        if d is None or d <= 0:
            if held and d is not None:
                self.notes.append(f"the judge does not lean to the asker's side ({d:+.2f}): {held[0]}")
            return held
        self.kept = [k for k in self.kept if k not in held]
        self.evidence = self._before_held
        for text in held:
            issue = checks.Issue("unsupported", text, f"the judge leans to the asker's side ({d:+.2f})")
            self.dropped.append((text, issue))
            self.notes.append(f"dropped a sentence (unsupported: {issue.detail}): {text}")
        return []

    def claim(self, asked: bool = True) -> verify.Negation | None:
        """With nothing concluded, the yes/no question (and its negation) for the judge to settle:
        as the model restated it, else as the asker put it (the model's reply failed a check for
        another reason: unsupported, a dropped qualifier, cut off); None when the question is not
        a yes/no question or neither statement has anything to negate."""
        # A bare verdict that cannot stand alone ("可以。" above sources that say it of something else,
        # or to whether one must) is dropped now, so the judge may settle the question (probe 34:
        # "可以。" to "…退休后去外地…住院能直接报销吗？" was dropped only after the judge's turn).
        if self._verdict and self.evidence and not self.retried and not self.kept:
            self._check_verdict()
        # A retried verdict is not checked above (nor shown): "可以。" to whether one must still
        # leaves the question to the judge.
        off_point = checks.permits_where_duty_asked(self._verdict, self.question)
        pending = self.kept or (self._verdict and not off_point)
        if pending or not (self.evidence and yes_no_words(self.question)):
            return None
        if verify.compares_amounts(self.question):
            # "住院花了五百，起付线八百，这次能报吗？" (probe 50): the judge sided with "这次能报"; a yes
            # or no that turns on comparing numbers is not the small model's to settle.
            self.notes.append("the judge does not settle a question that compares the asker's numbers")
            return None
        restated = verify.negate(self.restated[0]) if self.restated else None
        if restated is not None or not asked:
            return restated
        statement = verify.statement_of(self.question)
        self.claimed = "asked"
        return verify.negate(statement) if statement else None

    def _check_verdict(self) -> bool:
        """Whether a bare verdict left without its reason may stand alone; one that may not is
        dropped (and noted)."""
        failed = self._issues(self._verdict, self.evidence or [])
        if not failed and self._affirms_unstated_number(self._verdict):
            why = "confirms a number the cited items do not state"
            failed = [checks.Issue("unsupported", self._verdict, why)]
        if not failed and checks.permits_where_duty_asked(self._verdict, self.question):
            why = "says one may where the question asks whether one must"
            failed = [checks.Issue("unsupported", self._verdict, why)]
        if not failed:
            return True
        self.dropped.append((self._verdict, failed[0]))
        self.notes.append(f"dropped a verdict ({failed[0].kind}: {failed[0].detail}): {self._verdict}")
        self._verdict = ""
        return False

    def judged_evidence(self) -> list[Evidence]:
        """What the judge reads: the quotes shown when nothing is concluded."""
        return self._closest_to_question(self.evidence or [])

    def settle(self, found: tuple[str, float] | None, evidence: list[Evidence], whole: str = "") -> list[str]:
        """Show the side of the restated question the judge found the documents take, after the
        same checks as any conclusion (but for restating the question: it is chosen, not echoed).
        ``whole``: that side as the whole statement, tried when its clause alone fails a check — the
        clause may have lost the asker's condition ("中途不能撤了回老家看病" from "备案了有时限的话，…",
        probe 75, which its source says of 有些城市 with a 时限 only)."""
        if found is None:
            self.notes.append("the judge could not tell the restated question from its negation")
            return []
        clause, margin = found
        held = self._held_back(clause)
        if held:
            self.notes.append(f"the judge's {held[0]} is not shown: {clause}")
            self.dropped.append((clause + "。", checks.Issue("unsupported", clause, held[1])))
            return []
        for said in dict.fromkeys(s for s in (clause, whole) if s):
            sentence = said + "。"
            issues = [i for i in self._issues(sentence, evidence) if i.kind != "echo"]
            if issues and all(i.kind == "copied_question" for i in issues):
                # The asker's whole question, judged right ("入院登记必须在备案有效期内。" to "…必须在
                # 备案有效期内吗?"): the reply, but it reads as a copy of the question unless it says yes.
                sentence = "是的，" + sentence
                issues = [i for i in self._issues(sentence, evidence) if i.kind != "echo"]
            if not issues:
                break
        if issues:
            self.notes.append(f"the judged reply failed a check ({issues[0].kind}): {sentence}")
            self.dropped.append((sentence, issues[0]))
            return []
        self.evidence = evidence
        self.judged = True
        shown = sentence + self._markers(sentence)
        self.kept.append(shown)
        why = f"settled the {self.claimed} question by the judge (margin {margin:+.2f})"
        self.notes.append(f"{why}: {sentence}")
        return [shown]

    def _held_back(self, clause: str) -> tuple[str, str] | None:
        """Why the judge's side may not be shown, as (what it is, the issue's detail), or None. Both
        are a yes to what the asker said, where only a sentence stating it could say yes:
        - leave to skip a duty the item states: "可以。" to "…包工头不给交医保，可以吗？" above 问5, whose
          item makes it the employer's duty (probe 43);
        - a rule the asker heard of: "有这规定。" to "医院说我的医保额度用完了让我出院，有这规定吗？" above
          "…医保部门不得干涉临床诊疗行为" (probe 42) — the guess the assistant must not make.
        A side that denies it ("老板说小店要给员工交医保" to "老板说小店不用给员工交医保，是这样吗？",
        probe 43) is shown."""
        said = verify.statement_of(self.question)
        agrees = clause in _BARE_YES or checks.negations(clause) == checks.negations(said or self.question)
        if not agrees:
            return None
        if verify.indefinite(clause):
            # "还要办什么手续。" (probe 84, to "…还要办什么手续吗？"): the question's indefinite 什么,
            # said without its 吗, reads as the question again, not as a yes.
            return "yes with the question's indefinite word", "reads as the question again"
        if said and checks.permits_skipping(said, self._item_sentences()):
            return "leave to skip a duty", "permits skipping a duty"
        if asks_if_reported_true(self.question):
            return "yes to a rule the asker heard of", "confirms a reported rule"
        return None

    def _stating_dropped_numbers(self) -> list[Evidence]:
        """With nothing concluded: the sentence of the top item (not a story's) that states a number a
        dropped sentence gave unquoted. "大病保险一年最多能报30万元。" was dropped, its number in no chosen
        quote, and the quotes shown did not have "…年度最高支付限额原则上不低于 30 万元" (probe 44): the
        asker should read where the number comes from, and what bounds it."""
        top = self.prompt.sources[0] if self.prompt.sources else None
        if top is None:
            return []
        quoted = facts.numbers("\n".join(self._support()))
        said = {v for sentence, _ in self.dropped for v in facts.numbers(checks.prose(sentence))} - quoted
        rules = [(e, facts.numbers(e.text)) for e in map(top.evidence, top.shown) if not self._is_story(e)]
        out: list[Evidence] = []
        for v in sorted(said):
            found = next((e for e, stated in rules if v in stated), None)
            if found is not None and found not in out:
                out.append(found)
        return out

    def _evidence_of(self, text: str) -> list[Evidence]:
        holding = (src for src in self.prompt.sources if text in src.sentences)
        return [src.evidence(src.sentences.index(text)) for src in holding][:1]

    def _item_sentences(self) -> list[str]:
        return [t for src in self.prompt.sources for t in src.sentences]

    def _correction(self) -> Evidence | None:
        """For a request to confirm a number ("最高能奖20万，是真的吗？"): the chosen sentence stating a
        number of the same kind (money, rate, time, multiple) when the cited items state the asker's
        number nowhere. The reply is then the question's own "no" above that sentence: a number the
        documents state otherwise is the one verdict a rule can read."""
        if not self._asks_unstated_number():
            return None
        kinds = {kind for _, kind in facts.quantities(claimed_part(self.question))}
        # From the model's choice and the top item's sentences closest to the question, a rule before
        # a story's example: the model often chose the story's figure ("李大爷…2%") over the rule the
        # asker asks about ("内部人员…最高不超过…3%").
        pool = self._closest_to_question(self.evidence)
        ranked = sorted(pool, key=lambda e: (self._is_story(e), -checks.similarity(e.text, self.question)))
        return next((e for e in ranked if any(k in kinds for _, k in facts.quantities(e.text))), None)

    def _by_rule(self) -> Ruled | None:
        """With nothing concluded, a reply a rule reads from the source sentences, or None. The
        model's reply (mostly the asker's number echoed, a flat yes or no, or the wrong side of
        就医地/参保地) did not survive the checks."""
        if (fix := self._correction()) is not None:
            why = f"the asker's number is not the documents': answered by rule from {fix.text}"
            return Ruled(self._no_word(), [fix], why)
        if (depends := self._depends()) is not None:
            why = f"the reply said flatly what its source says of some places: {depends.text}"
            return Ruled("不一定", [depends], why)
        return self._side()

    def preempt(self) -> list[str]:
        """Before the model is asked: the reply a rule reads whole from the prompt's items, which the
        model's could only restate or get wrong — which of 就医地/参保地 decides what is covered or paid
        (:meth:`_side`; the 1.5B's own replies to it were mostly dropped, partial or wrong: "药品能报的按照
        湖南的…政策来计算报销比例。医疗服务设施和诊疗项目不能报。"). The pieces to show, or [] when no rule
        applies and the model is asked."""
        ruled = self._side()
        if ruled is None:
            return []
        self.preempted = ruled
        self.evidence = list(ruled.sources)
        self.kept.append(ruled.text)
        self.notes.append(f"{ruled.why}, before the model was asked")
        return [ruled.text]

    def _side(self) -> Ruled | None:
        """Asked which of 就医地/参保地 decides what is covered or paid (or whether one does), the
        side the chosen items' sentences bind it to (rag.checks.side_rule): "能报哪些看就医地（外省）
        的目录，报销比例按参保地（老家）的政策算。" The model mostly named the wrong side (para-问29-2,
        pol-20) or the asker's 住院, which no sentence names; the slogan "就医地目录、参保地政策" it
        copied answered nothing. Each side's sentence is quoted; the reply passes the checks."""
        sources = self.prompt.sources
        rule = checks.side_rule(self.question, [t for src in sources for t in src.sentences])
        if rule is None:
            return None
        evidence: list[Evidence] = []
        for word, case in rule.decided:
            found = [
                src.evidence(i)
                for src in sources for i, t in enumerate(src.sentences) if checks.binds(t, case, word)
            ]  # fmt: skip
            if not found:
                return None
            # A rule before a story's example ("…参照上海市的医保目录…"), then the shortest.
            best = min(found, key=lambda e: (self._is_story(e) or bool(facts.places(e.text)), len(e.text)))
            if best not in evidence:
                evidence.append(best)
        reply = side_reply(rule, checks.roles_of(self.question))
        # The bracket only names the asker's word for a side ("参保地（湖北）"): the rule is checked without
        # it, since a place the documents' rules are about (湖北) is otherwise read as a claim (probe 35).
        issues = self._issues(_ASKERS_TERM.sub("", reply) + "。", evidence)
        if issues:
            issue = issues[0]
            self.notes.append(f"the reply by rule failed a check ({issue.kind}: {issue.detail}): {reply}")
            return None
        return Ruled(reply, evidence, f"answered by rule which side decides: {rule.decided}", whole=True)

    def _depends(self) -> Evidence | None:
        """With nothing concluded for a yes/no question: a reply dropped for saying flatly what its
        source says of some places only ("医保能报。" above "…只有部分地区可以报销普通门诊", probe 25),
        or a flat 不能 above what is not yet done everywhere ("…门诊费用直接结算尚未在全国全面开展",
        probe 34), tells what the answer is — it depends on the place. The source sentence with the
        qualifier, or None. Not when the question names the qualifier itself ("是不是有些城市得先…").
        """
        if not yes_no_words(self.question) or verify.asks_what(self.question) or checks.limits(self.question):
            return None
        pool = self._with_restated(self.evidence or [], [s for s, _ in self.dropped])
        support = [e.text for e in pool]
        # What is not yet done everywhere is read in the whole cited item, as the check that dropped
        # the flat 不能 read it (probe 55 cited the pilot sentence alone).
        whole = pool + [e for src in self._cited() for e in map(src.evidence, src.shown) if e not in pool]
        for sentence, _ in self.dropped:
            some = (
                checks.qualified_permission(sentence, support, self.question)
                or checks.varies_by_place(checks.prose(sentence), support)
                or checks.dropped_qualifier(checks.prose(sentence), support)
            )
            source = pool
            if not some and (some := checks.denied_where_pending(sentence, [e.text for e in whole])):
                source = whole
            some = (
                some
                or checks.qualified_difference(sentence, support)
                or checks.designated_only(sentence, support)
                or checks.permitted_where_piloted(sentence, support)
            )
            if some:
                # Of the sentences with the qualifier, the one the dropped reply restated.
                with_it = [e for e in source if some in e.text]
                found = max(with_it, key=lambda e: checks.shared_pairs(e.text, sentence), default=None)
                if found is not None and checks.names_the_case(self.question, found.text, some):
                    return None
                return found
        return None

    def _with_restated(self, evidence: list[Evidence], sentences: list[str]) -> list[Evidence]:
        pool = list(evidence)
        for sentence in sentences:
            pool += [e for e in self._restated(sentence) if e not in pool]
        return pool

    def _asks_unstated_number(self) -> bool:
        """A request to confirm a number ("…住院不能超过15天，有这个规定吗？") that no sentence of the
        cited items states."""
        if not self.evidence or not is_confirmation(self.question):
            return False
        asked = facts.quantities(claimed_part(self.question))
        stated = {q for src in self._cited() for s in src.sentences for q in facts.quantities(s)}
        return bool(asked) and not asked & stated

    def _affirms_unstated_number(self, verdict: str) -> bool:
        """ "是真的。" to "听说举报骗保最高能奖20万，是真的吗？" when no cited item states 20万: a yes to a
        number the documents do not state is a guess (the documents' number, when they state one
        of that kind, is then quoted by :meth:`_correction`). "有这个规定。" to "医院说住院不能超过15天，
        有这个规定吗？" above "住院天数是医疗机构根据患者病情…确定的" (probe 19) is such a yes too, though
        the item states no number of days to quote."""
        return not checks.negations(verdict) and self._asks_unstated_number()

    def _no_word(self) -> str:
        pairs = yes_no_words(self.question)
        return "不是" if ("是", "不是") in pairs or not pairs else pairs[0][1]

    def _closest_to_question(self, evidence: list[Evidence], n: int = 2) -> list[Evidence]:
        """With no conclusion to show, the quotes are what the asker gets: the model's choice, then
        the top item's sentences closest to the question (the model often chose poorly then)."""
        top = self.prompt.sources[0] if self.prompt.sources else None
        if top is None:
            return evidence
        shown = [top.sentences[i] for i in top.shown]
        closest = checks.best_support(self.question, shown, n=n)
        if checks.asks_how(self.question):
            # "…怎么办？" asks what to do: the closest sentence that says what one can or should
            # do, if the closest by words do not ("出院发现没做的项目也收费了怎么办？" is closest to 问42's
            # kinds of overcharging, not to its "…可以向当地医保部门投诉举报").
            advice = [t for t in shown if checks.advises(t)]
            if advice and not any(t in advice for t in closest):
                closest += checks.best_support(self.question, advice, n=1) or advice[-1:]
        extra = [top.evidence(top.sentences.index(t)) for t in closest]
        return evidence + [e for e in extra if all(e.text != x.text for x in evidence)]

    def _is_story(self, e: Evidence) -> bool:
        return bool(checks.check_quotes([e.text], self.question, self.characters))

    def _unnamed(self, e: Evidence) -> Evidence:
        """The quote as shown with the story characters' names left out."""
        return replace(e, shown=mask(e.text, self.characters, self.question, STORY_MASK))

    def _resolved(self, e: Evidence) -> Evidence:
        """The quote with "这类" resolved when the sentence before it in its item names one case of
        a pair the documents rule on differently: quoted alone, "参保人使用这类药品时，可以全额纳入
        报销范围" reads as a rule of any drug, and of 乙类 just as well as of 甲类. The case is inserted
        as an edit, "这类〔甲类〕药品", as a name left out is shown as 〔参保人〕."""
        src = next((s for s in self.prompt.sources if s.hit.label == e.label), None)
        if src is None or not 0 < e.index < len(src.sentences):
            return e
        shown = e.shown or e.text
        edited = checks.this_kind(shown, src.sentences[e.index - 1])
        return e if edited == shown else replace(e, shown=edited)

    def _without_stories(self, evidence: list[Evidence], conclusion: bool) -> list[Evidence]:
        """The quotes without the FAQ's stories: a quote naming a character the asker did not is
        left out ("「赵大爷的做法是错误的。」" under a question about an 电瓶车) unless the reply rests on
        it — it is the closest quote to a shown sentence — or it is its item's only quote, or
        nothing was concluded (then the quotes are the answer). A story sentence that stays is shown
        with the name as an editorial "〔参保人〕", as in any edited quotation; the record keeps the
        source text.

        Tried and read in an eval run: replacing such a quote by the item's closest plain sentence,
        or dropping it whenever the item had another quote, left replies above quotes that no longer
        said what the reply did ("打架受伤不能报销" above only "如果医院…使用了医保报销，则…违法的")."""
        if not any(self._is_story(e) for e in evidence):
            return evidence
        if not conclusion:
            # Nothing concluded: the quotes are the answer, so none is left out (one dropped
            # because another was closer to the question was the one that answered it).
            return [self._unnamed(e) if self._is_story(e) else e for e in evidence]
        said = [checks.prose(k) for k in self.kept]
        masked = [mask(e.text, self.characters, self.question) for e in evidence]
        needed = {
            masked.index(best)
            for sentence in said
            if sentence.strip()
            for best in checks.best_support(mask(sentence, self.characters, self.question), masked, n=1)
        }
        out: list[Evidence] = []
        for i, e in enumerate(evidence):
            if not self._is_story(e):
                out.append(e)
            elif i in needed or not any(x.label == e.label for j, x in enumerate(evidence) if j != i):
                out.append(self._unnamed(e))
            else:
                self.notes.append(f"left out a quote about a story character: {e.text}")
        # Leaving quotes out must not leave an item cited in the reply without any.
        for label in dict.fromkeys(e.label for e in evidence):
            if not any(e.label == label for e in out):
                first = next(i for i, e in enumerate(evidence) if e.label == label)
                out.insert(min(first, len(out)), self._unnamed(evidence[first]))
        return out

    def _conclusion(self) -> str | None:
        """The conclusion text so far (after the last "结论："), or None while it has not started."""
        start = self.raw.rfind("结论：")
        return None if start < 0 else self.raw[start + len("结论：") :]

    def retry(self) -> tuple[str, bool] | None:
        """When every conclusion sentence was dropped: tell the model why and ask again. Returns
        the reply so far (the prefill for the next step) and whether the new conclusion must open
        with a verdict word (after an echo of the question, which affirms it whether true or not);
        None when there is nothing to retry."""
        if self.kept or not self.dropped or not self.evidence or self.retried:
            return None
        self.retried = True
        _, issue = self.dropped[-1]
        verdict = issue.kind == "echo" and bool(yes_no_words(self.question))
        why = issue.hint or RETRY_REASONS.get(issue.kind, "它和原文不一致")
        self._verdict = ""
        self.inject(f"\n（这个结论不行：{why}。）\n结论：")
        return self.raw, verdict

    def inject(self, text: str) -> None:
        """Text the pipeline writes into the reply (quotes, a retry request): part of what the
        model reads next, never shown. A new "结论：" starts the conclusion afresh."""
        self.raw += text
        if "结论：" in text:
            self._pos = 0

    def feed(self, piece: str) -> list[str]:
        self.raw += piece
        if self.evidence is None and "\n" in self.raw:
            self._read_evidence(self.raw.partition("\n")[0])
        body = self._conclusion()
        out: list[str] = []
        while body is not None and (m := _SENTENCE_END.search(body, self._pos)) is not None:
            out += self._take(body[self._pos : m.end()])
            self._pos = m.end()
        return out

    def finish(self) -> tuple[list[str], Composed]:
        """The remaining pieces (the evidence quotes) and the composed answer."""
        if self.preempted is not None:
            quotes = self._without_stories(self.preempted.sources, conclusion=False)
            evidence = [self._resolved(e) for e in quotes]
            return [quote_block(evidence)], Composed("".join(self.kept), evidence, "generated", self.notes)
        out: list[str] = self.release(None)  # held and never judged (no judge): shown
        if self.evidence is None:  # the reply never got past the evidence line
            self._read_evidence(self.raw.strip())
        leftover = (self._conclusion() or "")[self._pos :].strip()
        if leftover:
            self.notes.append(f"dropped an unfinished last sentence: {leftover}")
        # A bare verdict ("是。") stands alone only when the model wrote it unprompted; one forced by
        # a retry whose reason failed the checks is a guess (they were mostly wrong when measured).
        if self._verdict and self.evidence and not self.retried and self._check_verdict():
            text = self._verdict + self._markers(self._verdict)
            self.kept.append(text)
            out.append(text)
        evidence = self.evidence or []
        if self.model_refused:
            return out, Composed("", [], "model_refused", self.notes)
        if not evidence:
            return out, Composed("", [], "unparsed", self.notes)
        mode = "generated"
        ruled = None if self.kept else self._by_rule()
        if ruled is not None:
            self.kept.append(ruled.text)
            out.append(ruled.text)
            texts = {e.text for e in ruled.sources}
            closest = [] if ruled.whole else self._closest_to_question(evidence)
            evidence = ruled.sources + [e for e in closest if e.text not in texts]
            self.notes.append(ruled.why)
        if not self.kept:
            mode = "no_conclusion"
            out.append(NO_CONCLUSION_TEXT)
            self.kept.append(NO_CONCLUSION_TEXT)
            evidence = self._closest_to_question(evidence)
            if self._listing and all(e.text != self._listing for e in evidence):
                # The list that leaves the asker's place out is what answers them (probe 44).
                evidence += self._evidence_of(self._listing)
            stating = self._stating_dropped_numbers()
            evidence += [e for e in stating if all(e.text != x.text for x in evidence)]
        # After a correction by rule or a judgment every quote stays (masked): the reply is one
        # short sentence, and the quotes the judge read are what it rests on.
        concluded = mode == "generated" and ruled is None and not self.judged
        evidence = [self._resolved(e) for e in self._without_stories(evidence, conclusion=concluded)]
        evidence = [without_verdict(e) for e in evidence]
        out.append(quote_block(evidence))
        return out, Composed("".join(self.kept), evidence, mode, self.notes)


# How a reply names what a side decides (rag.checks.side_rule's rule words).
_SIDE_NAMES = {
    "目录": "能报哪些", "比例": "报销比例", "起付线": "起付线", "限额": "最高支付限额", "政策": "报多少",
}  # fmt: skip


_ASKERS_TERM = re.compile(r"（[^（）]*）")


def side_reply(rule: checks.SideRule, roles: dict[str, str]) -> str:
    """The reply to which side decides: what is covered follows one side's 目录, what is paid
    (比例, 起付线…, or 政策 when nothing more precise was asked) the other's 政策 — each side named
    with the asker's word for it ("参保地（老家）"); to a yes/no question, 是的/不是 first."""
    paid = [w for w, _ in rule.decided if w not in ("目录", "政策")]
    parts: list[str] = []
    for kind in ("目录", "政策"):
        words = [
            (w, c) for w, c in rule.decided if (w == "目录") == (kind == "目录") and (w != "政策" or not paid)
        ]
        for case in dict.fromkeys(c for _, c in words):
            term = next((w for w, r in roles.items() if r == case and w != case), "")
            side = f"{case}（{term}）" if term else case
            names = "、".join(_SIDE_NAMES[w] for w, c in words if c == case)
            parts.append(f"{names}看{side}的目录" if kind == "目录" else f"{names}按{side}的政策算")
    reply = "，".join(parts)
    if rule.asked:
        agrees = all(c == rule.asked for _, c in rule.decided)
        reply = ("是的，" if agrees else "不是，") + reply
    return reply


def generate(
    generator: Generator,
    prompt: Prompt,
    composer: Composer,
    stats: GenerationStats,
    on_token: Callable[[], None],
    *,
    two_steps: bool = True,
    retry: bool = True,
    judge_margin: float = 0.0,
    judge_asked: bool = True,
    judge_agree_margin: float | None = None,
) -> Iterator[str]:
    """Run the model's reply through the composer, step by step, yielding what may be shown.

    1. The model writes "依据：…" (or, in one step, the whole reply).
    2. Two steps: the pipeline quotes the chosen sentences into the reply and the model writes its
       conclusion right after reading them (a small model loses them across a long prompt).
    3. If every conclusion sentence failed the checks, the model is told why and asked once more.
    4. If nothing was concluded for a yes/no question, the model judges it (as the model restated
       it, else with ``judge_asked`` as the asker put it) and its negation against the quotes
       (rag.verify); the side it prefers by ``judge_margin`` is shown (0: off) — the asker's own
       statement only by ``judge_agree_margin``, when given.
    Each step continues the same reply, so the KV cache of everything before it is reused. A reply a
    rule reads whole from the prompt's items (:meth:`Composer.preempt`) is shown instead, unasked."""
    if pieces := composer.preempt():
        yield from pieces
        return
    composer.hold_negations = judge_margin > 0 and hasattr(generator, "next_word_logprobs")
    first = prompt.evidence_grammar if two_steps else prompt.grammar
    steps: list[tuple[list[dict[str, str]], str]] = [(prompt.messages, first)]
    while steps:
        messages, grammar = steps.pop()
        step = GenerationStats()
        for piece in generator.stream(messages, step, prompt.cache_head, grammar):
            on_token()
            yield from composer.feed(piece)
        stats.add(step)
        reply = [*prompt.messages, {"role": "assistant", "content": ""}]
        if two_steps and len(messages) == len(prompt.messages) and composer.ids:
            composer.inject(prompt.quotes(composer.ids, composer.question, composer.characters))
            reply[-1]["content"] = composer.raw
            steps.append((reply, prompt.conclusion_grammar))
        elif retry and (again := composer.retry()) is not None:
            reply[-1]["content"] = again[0]
            grammar = prompt.verdict_grammar(composer.question) if again[1] else prompt.conclusion_grammar
            steps.append((reply, grammar))
            composer.notes.append("asked the model again for a conclusion")
    judge = getattr(generator, "next_word_logprobs", None)
    if composer.held:
        claim = composer.held_claim() if judge is not None else None
        d = verify.weigh(judge, [e.text for e in composer.judged_evidence()], claim) if claim else None
        yield from composer.release(d)
    if judge_margin > 0 and judge is not None and (claim := composer.claim(judge_asked)) is not None:
        evidence = composer.judged_evidence()
        d = verify.weigh(judge, [e.text for e in evidence], claim)
        found = verify.side(claim, d, judge_margin, judge_agree_margin)
        if found is None and d is not None and judge_margin <= d:
            composer.notes.append(f"the judge's yes ({d:+.2f}) is under the margin to agree with the asker")
            return
        whole = "" if found is None else claim.statement if found[1] > 0 else claim.negated
        yield from composer.settle(found, evidence, whole)


# ------------------------------------------------------------------------ answers without a model
def extractive_answer(hit: Hit, max_chars: int = 160) -> str:
    """The first sentences of the best item's answer, cited: the no-LLM baseline and fallback."""
    text = hit.full_text or hit.text
    first = text.split("\n")[0]
    cut = first if len(first) <= max_chars else first[:max_chars]
    end = max(cut.rfind(p) for p in "。！？；")
    excerpt = cut[: end + 1] if end > 0 else cut + "…"
    return f"根据资料：{excerpt}[{hit.label}]"


def related(hits: list[Hit], n: int = 3) -> str:
    lines = "\n".join(f"- [{h.label}] {h.question}" for h in hits[:n])
    return f"\n\n可能相关：\n{lines}" if lines else ""


def refusal_text(hits: list[Hit]) -> str:
    return REFUSAL_TEXT + related(hits)


def closest_quotes(hit: Hit, question: str, characters: Iterable[str], n: int = 2) -> list[Evidence]:
    """The ``n`` sentences of an item sharing the most character pairs with a question (at least
    two) and stating no number or place, in the item's order, as quotes with the story characters
    the asker did not name left out. Not greedy coverage (rag.checks.best_support): "起付线是啥意思"
    shares only 起付线 with any sentence; both the one naming it and the one defining it count."""
    sentences = split_sentences(hit.full_text or hit.text)
    asked = normalise(question)
    # A sentence stating a number or a place is an example's or a rule's figure: under an unsure
    # reply it would read as the answer ("哪些能报按北京政策: 比如有8万元…" for a question about 国外).
    shared = [0 if facts.numbers(t) or facts.places(t) else checks.shared_pairs(asked, t) for t in sentences]
    best = sorted(range(len(sentences)), key=lambda i: -shared[i])[:n]
    return [
        without_verdict(
            Evidence(
                hit.source,
                hit.qid,
                hit.label,
                i,
                sentences[i],
                mask(sentences[i], characters, question, STORY_MASK),
            )
        )
        for i in sorted(best)
        if shared[i] >= 2
    ]


def unsure_text(evidence: list[Evidence], hits: list[Hit]) -> str:
    """A refusal near the scope line: the closest sentences, quoted, for the asker to judge."""
    quotes = quote_lines(evidence)
    return UNSURE_TEXT + (f"\n\n最接近的原文：\n{quotes}" if quotes else "") + related(hits)


def invention_text(hits: list[Hit]) -> str:
    return INVENTION_TEXT + related(hits)


def other_region(question: str, region: str) -> str | None:
    """The first province or city a question names that is not (in) ``region``."""
    home = facts.region_places([region])
    return next((p for p in facts.places_in_order(question) if p not in home), None)


def region_refusal_text(place: str, region: str, hits: list[Hit]) -> str:
    labels = "".join(f"[{h.label}]" for h in hits[:3])
    return (
        f"资料中只有{region}的相关规定{labels}，不能用来回答{place}的情况。为避免给出错误的政策建议，"
        f"请咨询{place}当地医保经办机构。" + related(hits)
    )


# A question for a figure: an amount, a rate, a count, a date or a time limit.
_FIGURE = re.compile(
    r"多少|几(?:年|月|号|天|个月|倍|成|岁|万|千|百)|比例是|比例多|标准是|什么时候|哪天|截止|多久"
)
# Words of a question about care away from home, which the national 异地就医 rules answer.
_AWAY = re.compile(r"异地|跨省|外地|外省|备案|转诊|老家|当地|出差|旅游")


# More ways to ask for a figure ("…住院能报百分之几？").
_FIGURE_MORE = re.compile(r"百分之几|几成|哪一?年|哪个月|几几年")


def asks_figure(question: str) -> bool:
    """Whether a question asks for an amount, a rate, a count, a date or a time limit."""
    return bool(_FIGURE.search(question) or _FIGURE_MORE.search(question))


def local_figure_place(question: str, home: frozenset[str]) -> str | None:
    """The place whose own figure a question asks for ("广州城乡居民医保一年交多少钱"), when it names
    exactly one place, none of the documents' regions (``home``), and is not about care away
    from home ("在上海住院按哪里的比例" names two, or says 异地)."""
    named = set(facts.places_in_order(question))
    if len(named) != 1 or not asks_figure(question) or _AWAY.search(question):
        return None
    place = next(iter(named))
    return None if place in home else place


def local_figure_text(place: str, hits: list[Hit]) -> str:
    return (
        f"资料中没有{place}当地的具体标准（金额、比例、时间等各地不同），我不能替{place}给出数字。"
        f"为避免给出错误的政策建议，请咨询{place}当地医保经办机构。" + related(hits)
    )


def region_note(labels: Iterable[str], regional: dict[str, str]) -> str:
    """ "注意：[问12]是湖北省的规定…" for the cited items whose document states a region's rules."""
    by_region: dict[str, list[str]] = {}
    for lb in dict.fromkeys(labels):
        if lb in regional:
            by_region.setdefault(regional[lb], []).append(lb)
    notes = []
    for region, found in by_region.items():
        marks = "".join(f"[{lb}]" for lb in found)
        others = "其他省份" if region.endswith(("省", "自治区")) else "其他地区"
        notes.append(f"注意：{marks}是{region}的规定，{others}请以当地医保部门的政策为准。")
    return "\n\n" + "\n".join(notes) if notes else ""
