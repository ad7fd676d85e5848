"""Stage 7: citations and grounding checks, applied to the model's text as it streams.

Small models cite the wrong entry, invent numbers and repeat themselves, so the pipeline — not the
model — decides what reaches the user:

* Only retrieved items may be cited. Markers are matched leniently (``[问 12]``, ``【问12】``,
  ``[异地就医问6]``) to a retrieved item's label; anything else is removed.
* A sentence whose numbers (amounts, percentages, dates) do not appear in the text it cites is
  dropped. A sentence without a marker is checked against everything cited so far.
* Sentences are held back until the answer has a valid citation; an answer that never gets one
  is replaced by an extractive answer from the best item.
* A repeated sentence is dropped.

The guard works sentence by sentence, so what is streamed is exactly what the final answer holds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .records import Citation, Hit

MARKER = re.compile(r"[\[【]\s*([^\[\]【】\n]{1,24}?)\s*[\]】]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SENTENCE_END = "。！？!?\n"
# "资料编号：[问6]" / "来源：[问6]": a lead-in to a marker, not a statement.
_LEAD_IN = re.compile(r"(资料编号|资料来源|出处|来源|参考资料|依据)[:：]?\s*$")
# An uncited sentence that shares this much of its character bigrams with one context item is a
# restatement of it: the citation is repaired rather than the sentence dropped.
REPAIR_OVERLAP = 0.6
_PUNCT_FOLD = str.maketrans("", "", " ·・.-—_:：第题")
# Phrases with which a model says the documents do not answer the question.
MODEL_REFUSALS = ("资料中没有相关内容", "资料中没有相关", "没有相关内容", "资料未提及", "无法回答")

REFUSAL_TEXT = (
    "抱歉，现有资料中没有能回答这个问题的内容。为避免给出错误的政策建议，我不作推测；"
    "具体情况请咨询当地医保经办机构。"
)


def normalise_digits(text: str) -> str:
    # Full-width digits and the dots between them → ASCII, so "１２" and "12" compare equal.
    return unicodedata.normalize("NFKC", text)


# List numbering ("1. 办理", "2、", "（3）") orders items; it states no fact to check.
_ENUMERATION = re.compile(r"(?:^|(?<=[：:；;。，,\s\]】]))\d{1,2}\s*[.、](?!\d)|[（(]\d{1,2}[)）]")


def numbers_in(text: str) -> set[str]:
    """Numbers stated in a text (not list numbering), thousands separators removed."""
    text = _ENUMERATION.sub(" ", normalise_digits(text))
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in NUMBER.findall(text)}


def _fold(label: str) -> str:
    return normalise_digits(label).translate(_PUNCT_FOLD).replace("问题", "问")


class Resolver:
    """Maps a marker's text to one of the allowed (retrieved) items, or None."""

    def __init__(self, hits: list[Hit]) -> None:
        self.by_label = {h.label: h for h in hits}
        self.folded = {_fold(h.label): h for h in hits}
        self.by_number: dict[str, list[Hit]] = {}
        for h in hits:
            self.by_number.setdefault(h.qid, []).append(h)

    def resolve(self, raw: str) -> Hit | None:
        if raw in self.by_label:
            return self.by_label[raw]
        folded = _fold(raw)
        if folded in self.folded:
            return self.folded[folded]
        # "[12]" or "[问12]" when exactly one retrieved item has that number.
        m = re.fullmatch(r"问?(\d+)", folded)
        if m and len(self.by_number.get(m.group(1), [])) == 1:
            return self.by_number[m.group(1)][0]
        return None


@dataclass
class Sentence:
    text: str  # with canonical markers
    cited: list[Hit]


@dataclass
class Guard:
    """Feed model text in pieces; get back the validated sentences that may be shown."""

    hits: list[Hit]
    notes: list[str] = field(default_factory=list)
    cited: dict[str, Hit] = field(default_factory=dict)  # label → hit, in first-cited order
    _buffer: str = ""
    _held: list[Sentence] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _emitted: list[str] = field(default_factory=list)
    raw: str = ""

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.hits)

    # -- splitting ------------------------------------------------------------------------------
    def _split_point(self, final: bool) -> int | None:
        """End of the first complete sentence in the buffer (with the markers that follow it)."""
        buf = self._buffer
        ends = [i for i, ch in enumerate(buf) if ch in _SENTENCE_END]
        if not ends:
            return len(buf) if final and buf.strip() else None
        j = ends[0] + 1
        while True:
            while j < len(buf) and buf[j] in " \t":
                j += 1
            if j < len(buf) and buf[j] in "[【":
                close = min((k for k in (buf.find("]", j), buf.find("】", j)) if k != -1), default=-1)
                if close == -1:
                    return len(buf) if final else None  # marker still arriving
                j = close + 1
                continue
            break
        if j == len(buf) and not final:
            return None  # a marker may still follow the sentence end
        return j

    # -- checking ------------------------------------------------------------------------------
    def _check(self, raw: str) -> Sentence | None:
        cited: list[Hit] = []

        def repl(m: re.Match[str]) -> str:
            hit = self.resolver.resolve(m.group(1))
            if hit is None:
                self.notes.append(f"removed a citation of something not retrieved: [{m.group(1)}]")
                return ""
            if hit not in cited:
                cited.append(hit)
            return f"[{hit.label}]"

        text = MARKER.sub(repl, raw)
        # A marker repeated back to back ("[问2][问2]") reads as noise.
        text = re.sub(r"(\[[^\]]+\])(\1)+", r"\1", text).strip()
        prose = _LEAD_IN.sub("", MARKER.sub("", text)).strip(" \n，,。")
        if not prose:
            if cited and self._emitted_or_held():
                return Sentence(text=text, cited=cited)  # a marker that belongs to the last sentence
            return None
        key = re.sub(r"\W", "", prose)
        if key in self._seen:
            self.notes.append("dropped a repeated sentence")
            return None
        if not cited and (source := self._copied_from(prose)) is not None:
            cited.append(source)
            text = _attach(text, source.label)
            self.notes.append(f"added the missing citation [{source.label}] to a sentence copied from it")
        support = cited or list(self.cited.values()) or self.hits[:1]
        source_numbers = set().union(*(numbers_in(h.full_text or h.text) for h in support))
        unsupported = numbers_in(prose) - source_numbers
        if unsupported:
            self.notes.append(
                f"dropped a sentence whose numbers {sorted(unsupported)} are not in the cited text"
            )
            return None
        self._seen.add(key)
        return Sentence(text=text, cited=cited)

    def _copied_from(self, prose: str) -> Hit | None:
        grams = _bigrams(prose)
        if len(grams) < 4:
            return None
        best, share = None, 0.0
        for h in self.hits:
            source = _bigrams(h.full_text or h.text) | _bigrams(h.question)
            s = len(grams & source) / len(grams)
            if s > share:
                best, share = h, s
        return best if share >= REPAIR_OVERLAP else None

    def _emitted_or_held(self) -> bool:
        return bool(self._emitted or self._held)

    def _release(self, sentence: Sentence) -> list[str]:
        for h in sentence.cited:
            self.cited.setdefault(h.label, h)
        if not self.cited:
            self._held.append(sentence)  # nothing cited yet: wait, it may never be grounded
            return []
        out = [s.text for s in self._held] + [sentence.text]
        self._held.clear()
        self._emitted.extend(out)
        return out

    # -- public ----------------------------------------------------------------------------------
    def feed(self, piece: str) -> list[str]:
        self.raw += piece
        self._buffer += piece
        return self._drain(final=False)

    def finish(self, truncated: bool = False) -> list[str]:
        """Flush the rest; when generation hit its token limit, an unfinished last sentence is cut."""
        if truncated and self._buffer and self._buffer.rstrip()[-1:] not in _SENTENCE_END + "]】":
            self.notes.append("cut an unfinished last sentence (answer hit the token limit)")
            self._buffer = ""
        return self._drain(final=True)

    def _drain(self, final: bool) -> list[str]:
        out: list[str] = []
        while (j := self._split_point(final)) is not None:
            raw, self._buffer = self._buffer[:j], self._buffer[j:]
            sentence = self._check(raw)
            if sentence is not None:
                out.extend(self._release(sentence))
            if not self._buffer:
                break
        return out

    @property
    def grounded(self) -> bool:
        return bool(self.cited)

    def model_refused(self) -> bool:
        """The model said the documents do not answer, or asserted only unsupported numbers."""
        said_so = any(self.raw.strip().startswith(p) for p in MODEL_REFUSALS)
        only_unsupported = any("numbers" in n for n in self.notes)
        return not self.grounded and (said_so or only_unsupported)

    def citations(self) -> list[Citation]:
        return [to_citation(h) for h in self.cited.values()]


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[\W_]", "", text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def _attach(text: str, label: str) -> str:
    """Put a marker at the end of a sentence, after its closing punctuation."""
    body = text.rstrip()
    return f"{body}[{label}]" + text[len(body) :]


def to_citation(hit: Hit) -> Citation:
    return Citation(
        source=hit.source, qid=hit.qid, label=hit.label, question=hit.question, text=hit.full_text
    )


def join_sentences(parts: list[str]) -> str:
    """Concatenate streamed sentences the way they are shown."""
    return "".join(parts).strip()


def extractive_answer(hit: Hit, max_chars: int = 160) -> str:
    """The first sentences of the best item's answer, cited: the no-LLM fallback."""
    text = hit.full_text or hit.text
    first = text.split("\n")[0]
    cut = first if len(first) <= max_chars else first[:max_chars]
    end = max(cut.rfind(p) for p in "。！？；")
    excerpt = cut[: end + 1] if end > 0 else cut + "…"
    return f"根据资料：{excerpt}[{hit.label}]"


def refusal_text(hits: list[Hit]) -> str:
    related = "\n".join(f"- [{h.label}] {h.question}" for h in hits[:3])
    return f"{REFUSAL_TEXT}\n\n可能相关：\n{related}" if related else REFUSAL_TEXT


# Provinces and large cities other than Hubei: the documents' amounts and rates are Hubei's, so a
# question about one of these answered only from Hubei items would be wrong advice.
_OTHER_REGION = re.compile(
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖南|广东|海南|"
    "四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|深圳|广州|杭州|南京|成都|"
    "西安|苏州|天津|青岛|厦门|济南|郑州|长沙|沈阳|大连|哈尔滨|昆明|合肥|福州"
)


def other_region(question: str) -> str | None:
    """The first province or city other than Hubei that a question names."""
    m = _OTHER_REGION.search(question)
    return m.group(0) if m else None


def region_refusal_text(region: str, hits: list[Hit]) -> str:
    labels = "".join(f"[{h.label}]" for h in hits[:3])
    return (
        f"资料中只有湖北省的相关规定{labels}，不能用来回答{region}的情况。为避免给出错误的政策建议，"
        f"请咨询{region}当地医保经办机构。\n\n可能相关：\n"
        + "\n".join(f"- [{h.label}] {h.question}" for h in hits[:3])
    )


def hubei_note(cited: list[Hit], hubei_labels: set[str]) -> str:
    labels = [h.label for h in cited if h.label in hubei_labels]
    if not labels:
        return ""
    marks = "".join(f"[{lb}]" for lb in labels)
    return f"\n\n注意：{marks}是湖北省的规定，其他省份请以当地医保部门的政策为准。"
