"""Structure detection: a document's text blocks → citable :class:`~rag.documents.blocks.Draft` items.

Only general rules live here. What is particular to one document — its boilerplate, its
unnumbered sections, that it is an illustrated booklet — is data: :class:`StructureOptions` in the
document's entry of ``corpus/manifest.toml``.

Structures (``StructureOptions.structure``; ``"auto"`` runs every one whose markers occur and keeps
the one whose items cover most of the text, preferring them in this order on a near-tie):

* ``qa`` — marked questions: ``问：`` / ``问 12.`` / ``问题十二`` (a header line, or with the
  question after it) / ``第十二问`` / ``Q:`` ``Q3.``; answers marked ``答：`` / ``答 12.`` / ``A:``,
  or unmarked: the text up to the next question. A ``问题X`` header's number wins over the number
  on its 问 line (booklets misnumber; the header is what readers see), with a warning.
* ``articles`` — regulations: ``第十二条`` at a line start is an item cited ``第12条``; ``第一章``
  (节, 编) lines are sections. An article asks nothing: its bracketed title (``第五条【参保范围】``),
  else its first sentence, stands in for the question; the answer is the whole article.
* ``headings`` — headings from Markdown, Word or HTML (``Block.kind == "heading"``): a heading with
  text under it is an item; a heading with only sub-headings under it is their section.
* ``numbered`` — numbered lines (``1.`` ``1、`` ``(1)`` ``一、`` ``（一）``) that end in ？ or are
  followed by an answer (``答：`` or a paragraph). The numbering style with most such lines numbers
  the items; short lines of a higher style (``一、`` above ``1.``) are sections.
* ``sections`` — no Q&A structure: paragraphs grouped under heading-like lines, at most ~400
  characters a group, cited ``段1``…, with a warning.

Question/answer table rows (``Extracted.pairs``) become items directly, cited ``问{number}``.

Citations keep the document's numbering, Chinese numerals converted to arabic (``问12``, ``Q3``,
``第5条``): readers find ``第5条`` in the text whether it is written 第五条 or 第5条. When numbering
restarts (several numbered lists), the items of the 2nd, 3rd… list are cited ``问2.1``… and a
warning says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..normalise import normalise as normalise_text
from ..normalise import restore_separators
from .blocks import DocumentError, Draft, Extracted

Structure = Literal["auto", "qa", "numbered", "headings", "articles", "sections"]


class SectionRule(BaseModel):
    """An unnumbered section (of a blog post, say) that a detector cannot see: it starts at the line
    beginning with ``starts`` and becomes one item, that line included."""

    model_config = ConfigDict(extra="forbid")

    starts: str = Field(description="First words of the line that starts the section.")
    key: str = Field(description="Short citation key of the item (its qid too), e.g. '备案人群'.")
    title: str = Field(description="The item's question: what the section answers.")
    section: str = Field(
        "", description="If set, this item and the items after it are filed under this section name."
    )


class StructureOptions(BaseModel):
    """How a document's structure is read. The defaults suit a document nobody has configured."""

    model_config = ConfigDict(extra="forbid")

    structure: Structure = Field(
        "auto", description="Which structure to read; 'auto' tries each and keeps the best (see module doc)."
    )
    normalise: bool = Field(
        True, description="Traditional → simplified and look-alike characters fixed (rag.normalise)."
    )
    drop_captions: bool = Field(
        False,
        description=(
            "Illustrated booklets: drop comic-strip captions and app-screen mock-ups inside answers, "
            "and the text between a question and its 答 line."
        ),
    )
    join_page_breaks: bool = Field(
        True, description="Re-join an answer paragraph that a page break cut mid-sentence."
    )
    cite_prefix: str | None = Field(
        None,
        description=(
            "Prefix of numbered items' citations; None: as the document marks them (问12, Q3). "
            "Articles (第5条) and plain sections (段1) keep theirs."
        ),
    )
    expect_numbers: str | None = Field(
        None,
        pattern=r"^\s*\d+(\s*-\s*\d+)?(\s*[,，]\s*\d+(\s*-\s*\d+)?)*\s*$",
        description=(
            "The item numbers the document must have, in order, e.g. '1-42' or '1-5,7'; "
            "anything else is an error (catches a parse that lost or split items)."
        ),
    )
    start_at: list[str] = Field(
        default_factory=list, description="Text before the first line starting with one of these is dropped."
    )
    end_at: list[str] = Field(
        default_factory=list,
        description="Text from the first line starting with one of these on is boilerplate, dropped.",
    )
    sections: list[SectionRule] = Field(
        default_factory=list, description="Unnumbered sections found by their first words (see SectionRule)."
    )
    section_keys: dict[str, str] = Field(
        default_factory=dict,
        description="Item number → short key cited instead of 问N (for numbered sub-sections).",
    )
    lost_separator: str = Field(
        "",
        max_length=1,
        description=(
            "A character a scraped page shows where its encoding lost punctuation (often '?'): "
            "between Chinese characters, outside a question, it becomes '、' (rag.normalise)."
        ),
    )


@dataclass
class ParseReport:
    """What detection chose, dropped or repaired, so tests (and curious maintainers) can see it."""

    structure: str = ""
    dropped: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def merge(self, other: ParseReport, prefix: str = "") -> None:
        self.dropped.extend(other.dropped)
        self.joined.extend(other.joined)
        self.warnings.extend(prefix + w for w in other.warnings)


# ------------------------------------------------------------------------------------ numerals
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"[0-9０-９]+|[零〇一二两三四五六七八九十百千]+"


def cn_numeral(text: str) -> int:
    """An item number as written → int: "四十二" → 42, "十" → 10, "一百零五" / "一〇五" → 105, "12" → 12."""
    text = text.strip()
    if text.isdigit():
        return int(text)  # int() reads full-width digits too
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        raise ValueError(f"not a number: {text!r}")
    if not any(ch in _CN_UNITS for ch in text):  # digit by digit: 一〇五
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = digit = 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
    return total + digit


# ------------------------------------------------------------------------- booklet heuristics
_TERMINAL = "。！？；：…”’）)」』~～!?;:"
_LIST_ITEM = re.compile(r"^(\d+\s*[.、．]|方法[一二三四五六七八九十]|[（(]\d+[)）]|[一二三四五六]是)")
# Speech-bubble particles: a short line ending in one of these is dialogue from a comic strip.
_DIALOGUE = re.compile(r"(啊|呀|吧|咯|嘛|哦|呢|咋|吗|哈|啦|不)[~～！!？?…。]*$|[~～]$|……$")
# App-screen mock-ups: placeholder data, form fields ("备案类型: …"), tab bars ("全部 申办中 …").
_SCREEN = re.compile(
    r"XXX|X月X日|\*{3,}|^●|^[^\u4e00-\u9fff]*$|^[\u4e00-\u9fff]{2,8}: |^(\S{1,3} ){3,}\S{1,3}$"
)


def is_caption(line: str) -> bool:
    """A line inside an answer that is comic-strip caption or app-screen noise, not answer text.

    Body paragraphs are long sentences ending in 。; captions are short, dialogue-like, or mock
    app screens with placeholder data (XXX, 3*****2).
    """
    if _SCREEN.search(line):
        return True
    if _LIST_ITEM.match(line):
        return False
    if len(line) <= 40 and _DIALOGUE.search(line):
        return True
    # Short labels without sentence punctuation ("职工医保", "城乡居民医保", "挂号缴费").
    return len(line) <= 12 and not line.endswith(("。", "：", ":"))


def join_page_breaks(lines: list[str], report: ParseReport) -> list[str]:
    """Re-join paragraphs that a page break cut mid-sentence (long line, no closing punctuation)."""
    out: list[str] = []
    for line in lines:
        if out and len(out[-1]) >= 40 and out[-1][-1] not in _TERMINAL and not _LIST_ITEM.match(line):
            report.joined.append(f"{out[-1][-12:]}|{line[:12]}")
            out[-1] += line
        else:
            out.append(line)
    return out


# -------------------------------------------------------------------------------- line patterns
_TRIM = " \t\r\n\u3000\xa0\ufeff\u200b"
_BULLET = re.compile(r"^[•▪◦‣]+")
# Tables of contents: "一、参保缴费·····1", "第一章 总则........3", and the 目录 heading itself.
_TOC = re.compile(r"·{3,}|(?:\.{4,}|…{2,}|·{2,}|．{3,})\s*\d+$|^(?:目\s*录|CONTENTS|Contents)$")
_SEP = r"[.．:：、]"
_Q_HEADER = re.compile(rf"^问题\s*({_NUM})\s*{_SEP}?\s*(.*)$")  # 问题八 / 问题8：…
_Q_NTH = re.compile(rf"^第\s*({_NUM})\s*问\s*{_SEP}?\s*(.*)$")  # 第八问 …
# 问 8. … / 问：… / 问 …  ("问清楚…" is no question: a number, separator or space must follow 问)
_Q_WEN = re.compile(rf"^问(?:\s*([0-9]+)\s*{_SEP}?|\s*{_SEP}|\s+)\s*(.+)$")
_Q_LOOSE = re.compile(r"^问\s*(.+)$")  # right after a 问题X header, any 问 line
_Q_Q = re.compile(rf"^[QＱ]\s*([0-9]+)?\s*{_SEP}\s*(.+)$")
_ANSWER = re.compile(rf"^(?:答(?:\s*([0-9]+)\s*{_SEP}?|\s*{_SEP}|\s+)|[AＡ]\s*([0-9]+)?\s*{_SEP})\s*(.*)$")
_ARTICLE = re.compile(rf"^第\s*({_NUM})\s*条(?:\s*[【\[（(]([^】\]）)]{{1,20}})[】\]）)])?\s*(.*)$")
_CHAPTER = re.compile(rf"^第\s*({_NUM})\s*[章节编]\s*(.*)$")
# 一、参保缴费: a section of a Q&A document (in its answers, lists are 一是… or 1、…).
_CN_SECTION = re.compile(r"^([零〇一二两三四五六七八九十百]+)、\s*(\S+)$")
# Numbering styles of numbered lines, highest level first.
_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("cn", re.compile(r"^([零〇一二两三四五六七八九十百]+)\s*[、.．:：]\s*(.+)$")),
    ("cn_paren", re.compile(r"^[（(]\s*([零〇一二两三四五六七八九十百]+)\s*[)）]\s*(.+)$")),
    ("arabic", re.compile(r"^([0-9０-９]{1,3})\s*[.．、:：](?![0-9０-９])\s*(.+)$")),
    ("arabic_paren", re.compile(r"^[（(]\s*([0-9０-９]{1,3})\s*[)）]\s*(.+)$")),
    ("wenti", re.compile(rf"^问题\s*({_NUM})\s*{_SEP}?\s*(.+)$")),  # question styles: never sections
    ("nth", re.compile(rf"^第\s*({_NUM})\s*问\s*{_SEP}?\s*(.+)$")),
]
_NOT_HEADING_END = tuple("。；;，,：:、")
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_PASSAGE_CHARS = 400  # plain sections: paragraphs are grouped up to about this size


@dataclass(frozen=True)
class _Line:
    text: str
    kind: str = "para"
    level: int = 0


@dataclass
class _Raw:
    """An item while it is being read: its number as written (converted), or a configured key."""

    question: str
    section: str
    number: int | None = None
    key: str = ""
    template: str = "问{}"  # how the document cites it: 问{} Q{} 第{}条 段{}
    body: list[str] = field(default_factory=list)
    phrasings: tuple[str, ...] = ()


def _heading_like(text: str, limit: int = 40) -> bool:
    return len(text) <= limit and not text.endswith(_NOT_HEADING_END)


def _chapter(line: _Line) -> bool:
    """第一章 总则 / 第二节 …: a section of a regulation (or of any long document)."""
    return bool(_CHAPTER.match(line.text)) and _heading_like(line.text, 30)


def _first_sentence(text: str, limit: int = 60) -> str:
    m = _SENTENCE_END.search(text)
    return (text[: m.start() + 1] if m else text)[:limit]


def _marked(text: str) -> bool:
    """Whether a line carries an item or section marker of any structure."""
    return any(
        p.match(text) for p in (_Q_HEADER, _Q_NTH, _Q_WEN, _Q_Q, _ANSWER, _ARTICLE, _CHAPTER, _CN_SECTION)
    ) or any(p.match(text) for _, p in _STYLES)


def _prepare(extracted: Extracted, options: StructureOptions, report: ParseReport) -> list[_Line]:
    """Blocks → clean lines: normalised, Markdown bold and bullets removed, table of contents and
    text outside start_at/end_at dropped."""
    lines: list[_Line] = []
    for block in extracted.blocks:
        text = normalise_text(block.text) if options.normalise else block.text
        if options.lost_separator:
            text = restore_separators(text, options.lost_separator)
        text = _BULLET.sub("", text.replace("**", "").strip(_TRIM)).strip(_TRIM)
        if not text:
            continue
        if _TOC.search(text):
            report.dropped.append(text)
            continue
        lines.append(_Line(text, block.kind, block.level))
    if options.start_at:
        start = next((i for i, ln in enumerate(lines) if ln.text.startswith(tuple(options.start_at))), None)
        if start is None:
            report.warnings.append(f"no line starts with any of start_at {options.start_at}: nothing dropped")
        else:
            report.dropped.extend(ln.text for ln in lines[:start])
            lines = lines[start:]
    if options.end_at:
        end = next((i for i, ln in enumerate(lines) if ln.text.startswith(tuple(options.end_at))), None)
        if end is not None:
            report.dropped.extend(ln.text for ln in lines[end:])
            lines = lines[:end]
    return lines


class _Reader:
    """State shared by the detectors: the items so far, the current section, the configured
    section rules, and the answer-line filter."""

    def __init__(self, lines: list[_Line], title: str, options: StructureOptions, report: ParseReport):
        self.options, self.report = options, report
        self.raws: list[_Raw] = []
        self.cur: _Raw | None = None
        # Items before the first section heading are filed under the document's title.
        self.section = title
        self.title_line = 0 if lines and title == lines[0].text else -1

    def finish(self) -> None:
        if self.cur is not None:
            self.raws.append(self.cur)
        self.cur = None

    def start(self, raw: _Raw) -> None:
        self.finish()
        self.cur = raw

    def is_rule(self, line: _Line) -> bool:
        return any(line.text.startswith(r.starts) for r in self.options.sections)

    def rule(self, line: _Line) -> bool:
        """A configured unnumbered section starts here: it becomes an item, this line its first."""
        rule = next((r for r in self.options.sections if line.text.startswith(r.starts)), None)
        if rule is None:
            return False
        if rule.section:
            self.section = rule.section
        self.start(_Raw(question=rule.title, section=self.section, key=rule.key, body=[line.text]))
        return True

    def body(self, text: str) -> None:
        """A line after an item's question: answer text, unless it is a caption (booklets)."""
        assert self.cur is not None
        if self.options.drop_captions and is_caption(text):
            self.report.dropped.append(text)
        else:
            self.cur.body.append(text)

    def preamble(self, i: int, line: _Line) -> None:
        if i != self.title_line:
            self.report.dropped.append(line.text)


def _document_title(lines: list[_Line], extracted: Extracted) -> str:
    if extracted.title:
        return extracted.title
    if lines and lines[0].kind != "list" and _heading_like(lines[0].text, 50) and not _marked(lines[0].text):
        return lines[0].text
    return ""


# ----------------------------------------------------------------------------------- detectors
def _qa(lines: list[_Line], r: _Reader, forced: bool) -> list[_Raw] | None:
    def question(text: str) -> tuple[int | None, str, str] | None:
        """(number, question, citation template) if the line asks a marked question."""
        if m := _Q_HEADER.match(text) or _Q_NTH.match(text):
            return cn_numeral(m.group(1)), m.group(2), "问{}"
        if m := _Q_WEN.match(text):
            return (int(m.group(1)) if m.group(1) else None), m.group(2), "问{}"
        if m := _Q_Q.match(text):
            return (int(m.group(1)) if m.group(1) else None), m.group(2), "Q{}"
        return None

    asked = sum(question(ln.text) is not None for ln in lines)
    if not forced and (asked < 2 and not (asked and any(_ANSWER.match(ln.text) for ln in lines))):
        return None  # one 问 line alone, without any 答, is too little to go on
    header: tuple[int, str] | None = None  # a 问题X line alone: the question follows
    held: list[str] = []  # lines between a question and its 答 line
    answered = False

    def finish() -> None:
        nonlocal held
        if r.cur is not None and not answered:  # no 答 line: what follows the question answers it
            for text in held:
                r.body(text)
        held = []
        r.finish()

    for i, line in enumerate(lines):
        text = line.text
        if r.is_rule(line):
            finish()
            r.rule(line)
            answered = True
            continue
        section = _CN_SECTION.match(text) if _heading_like(text, 24) else None
        if line.kind == "heading" or section or _chapter(line):
            finish()
            r.section = section.group(2) if section else text
            continue
        q = question(text)
        if q and not q[1]:  # header line: 问题八
            finish()
            header = (q[0] or 0, q[2])
            continue
        if header is not None:  # the line after a 问题X header asks its question, marked or not
            loose = _Q_LOOSE.match(text)
            written = q[0] if q else None
            wording = q[1] if q else (loose.group(1) if loose else text)
            if written is not None and written != header[0]:
                r.report.warnings.append(f"问题{header[0]}: its 问 line says {written}; header wins")
            finish()
            r.start(_Raw(question=wording.strip(), section=r.section, number=header[0], template=header[1]))
            header, answered = None, False
            continue
        if q:
            finish()
            r.start(_Raw(question=q[1].strip(), section=r.section, number=q[0], template=q[2]))
            answered = False
            continue
        if r.cur is None:
            r.preamble(i, line)
            continue
        if a := _ANSWER.match(text):
            if not answered:
                # Between a question and its 答 line: the question's wrapped lines, or in a booklet
                # comic-strip text.
                if r.options.drop_captions:
                    r.report.dropped.extend(held)
                else:
                    r.cur.question += "".join(held)
                held, answered = [], True
            said = a.group(1) or a.group(2)
            if said and r.cur.number is not None and int(said) != r.cur.number:
                r.report.warnings.append(f"问题{r.cur.number}: its answer is labelled 答 {said}")
            r.cur.body.append(a.group(3).strip())
            continue
        if answered:
            r.body(text)
        else:
            held.append(text)
    finish()
    return r.raws


def _articles(lines: list[_Line], r: _Reader, forced: bool) -> list[_Raw] | None:
    if not forced and sum(bool(_ARTICLE.match(ln.text)) for ln in lines) < 2:
        return None
    for i, line in enumerate(lines):
        if r.rule(line):
            continue
        if _chapter(line) or line.kind == "heading":
            r.finish()
            r.section = line.text
            continue
        if m := _ARTICLE.match(line.text):
            title, text = m.group(2), m.group(3).strip()
            r.start(
                _Raw(
                    question=title or "", section=r.section, number=cn_numeral(m.group(1)), template="第{}条"
                )
            )
            if text:
                r.body(text)
            continue
        if r.cur is None:
            r.preamble(i, line)
        else:
            r.body(line.text)
    r.finish()
    for raw in r.raws:  # an article asks nothing: its first sentence stands in
        if not raw.question and raw.body:
            raw.question = _first_sentence(raw.body[0])
    return r.raws


def _split_number(text: str) -> tuple[int | None, str]:
    """A heading's own numbering ("问题三：…", "3. …", "（三）…") → (number, the rest)."""
    for p in (_Q_HEADER, _Q_NTH, _Q_WEN, _Q_Q, *(p for _, p in _STYLES)):
        if (m := p.match(text)) and m.group(1) and m.group(2):
            return cn_numeral(m.group(1)), m.group(2).strip()
    return None, text


def _headings(lines: list[_Line], r: _Reader, forced: bool) -> list[_Raw] | None:
    if not forced and not any(ln.kind == "heading" for ln in lines):
        return None
    stack: list[tuple[int, str]] = []  # open headings: (level, text)
    for i, line in enumerate(lines):
        if r.rule(line):
            continue
        if line.kind == "heading":
            r.finish()
            level = max(line.level, 1)
            while stack and stack[-1][0] >= level:
                stack.pop()
            number, text = _split_number(line.text)
            r.start(_Raw(question=text, section=stack[-1][1] if stack else r.section, number=number))
            stack.append((level, text))
        elif r.cur is None:
            r.preamble(i, line)
        else:
            r.body(line.text)
    r.finish()
    raws = [raw for raw in r.raws if raw.body]  # a heading with nothing under it only names a section
    if any(raw.number is None for raw in raws if not raw.key):
        for raw in raws:  # numbered and unnumbered headings mixed: cite them all in order
            raw.number = None
    return raws


def _numbered(lines: list[_Line], r: _Reader, forced: bool) -> list[_Raw] | None:
    found: dict[int, tuple[str, int, str]] = {}  # line index → (style, number, question)
    for i, line in enumerate(lines):
        for style, p in _STYLES:
            if m := p.match(line.text):
                found[i] = (style, cn_numeral(m.group(1)), m.group(2).strip())
                break

    def asks(i: int) -> bool:
        """A numbered line is a question if it ends in ？ or an answer follows: a 答 line, or a
        paragraph (a numbered list's entries are followed by more entries or short lines)."""
        question = found[i][2]
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if question.endswith(("？", "?")) or _ANSWER.match(nxt):
            return True
        return bool(nxt) and i + 1 not in found and _heading_like(question, 60) and len(nxt) >= 30

    questions = [i for i in found if asks(i) and not r.is_rule(lines[i])]
    ranks = [s for s, _ in _STYLES]
    counts = {s: sum(found[i][0] == s for i in questions) for s in ranks}
    style = max(ranks, key=lambda s: counts[s])  # ties: the higher level
    if not forced and counts[style] < 2:
        return None
    starts = {i for i in questions if found[i][0] == style}
    higher = set(ranks[: ranks.index(style)])
    for i, line in enumerate(lines):
        if r.rule(line):
            continue
        higher_style = i in found and found[i][0] in higher and _heading_like(line.text, 30)
        if line.kind == "heading" or _chapter(line) or higher_style:
            r.finish()
            r.section = found[i][2] if higher_style and line.kind != "heading" else line.text
            continue
        if i in starts:
            r.start(_Raw(question=found[i][2], section=r.section, number=found[i][1]))
        elif r.cur is None:
            r.preamble(i, line)
        elif a := _ANSWER.match(line.text):
            if a.group(3).strip():
                r.body(a.group(3).strip())
        else:
            r.body(line.text)
    r.finish()
    return r.raws


def _sections(lines: list[_Line], r: _Reader, forced: bool) -> list[_Raw] | None:
    for line in lines:
        if r.rule(line):
            continue
        if line.kind == "heading" or (
            _heading_like(line.text, 30) and not _SENTENCE_END.search(line.text[:-1])
        ):
            if r.cur is not None and not r.cur.body and r.cur.question:
                r.section = r.cur.question  # two headings in a row: the first is a section
                r.cur.section = r.section
                r.cur.question = line.text
            else:
                r.start(_Raw(question=line.text, section=r.section, template="段{}"))
            continue
        if r.cur is None or sum(map(len, r.cur.body)) >= _PASSAGE_CHARS:
            r.start(_Raw(question="", section=r.section, template="段{}"))
        r.body(line.text)
    r.finish()
    raws = [raw for raw in r.raws if raw.body or raw.key]
    for raw in raws:
        raw.number = None
        if not raw.question:
            raw.question = _first_sentence(raw.body[0])
    r.report.warnings.append(
        f"no question/answer structure found: the text is cited as {len(raws)} passage(s), 段1…"
    )
    return raws


_Detector = Callable[[list[_Line], _Reader, bool], "list[_Raw] | None"]
_DETECTORS: dict[str, _Detector] = {
    "qa": _qa,
    "articles": _articles,
    "headings": _headings,
    "numbered": _numbered,
    "sections": _sections,
}


# -------------------------------------------------------------------------------------- result
def _expected(spec: str) -> list[int]:
    numbers: list[int] = []
    for part in spec.replace("，", ",").split(","):
        lo, _, hi = part.strip().partition("-")
        numbers.extend(range(int(lo), int(hi or lo) + 1))
    return numbers


def _pairs(extracted: Extracted, r: _Reader) -> list[_Raw]:
    """Table rows: cited by their number column (问3, also when written 三 or Q3), else row order."""

    def clean(text: str) -> str:
        return (normalise_text(text) if r.options.normalise else text).strip(_TRIM)

    raws = []
    for i, pair in enumerate(extracted.pairs, 1):
        m = re.search(_NUM, pair.number)
        number = cn_numeral(m.group(0)) if m else i
        phrasings = tuple(clean(p) for p in pair.phrasings if clean(p))
        raws.append(
            _Raw(clean(pair.question), r.section, number, body=[clean(pair.answer)], phrasings=phrasings)
        )
    return raws


def _drafts(raws: list[_Raw], options: StructureOptions, report: ParseReport) -> list[Draft]:
    numbered = [raw for raw in raws if not raw.key and str(raw.number) not in options.section_keys]
    for raw in raws:
        if not raw.key and raw.number is not None and str(raw.number) in options.section_keys:
            raw.key = options.section_keys[str(raw.number)]
    unnumbered = [raw for raw in numbered if raw.number is None]
    for i, raw in enumerate(unnumbered, 1):  # "问：" without numbers, plain sections: in order
        raw.number = i
    if options.expect_numbers:
        want = _expected(options.expect_numbers)
        got = [raw.number or 0 for raw in numbered]
        if got != want:
            missing = sorted(set(want) - set(got))
            extra = sorted({n for n in got if got.count(n) > 1 or n not in want})
            spec = ", ".join(
                p.strip().replace("-", "..") for p in options.expect_numbers.replace("，", ",").split(",")
            )
            raise DocumentError(
                "no_items",
                f"expected items {spec} (expect_numbers), found {len(got)}: missing {missing}, "
                f"unexpected or repeated {extra}{'' if missing or extra else ', out of order'}",
            )
    # Numbering that restarts (several lists): the k-th list's items become k.n.
    ids: dict[int, str] = {}
    seen: set[tuple[str, int | None]] = set()
    run, last, repeats, example = 1, None, False, ""
    for raw in numbered:
        if last is not None and raw.number is not None and raw.number <= last:
            run += 1
            example = example or raw.template.format(f"{run}.{raw.number}")
        repeats = repeats or (raw.template, raw.number) in seen
        seen.add((raw.template, raw.number))
        last = raw.number
        ids[id(raw)] = f"{run}.{raw.number}" if run > 1 else str(raw.number)
    if repeats:
        report.warnings.append(
            f"item numbering restarts {run - 1} time(s): the items of later lists are cited "
            f"list.number, e.g. {example}"
        )
    drafts: list[Draft] = []
    taken: set[str] = set()
    for raw in raws:
        if raw.key:
            qid = cite = raw.key
        else:
            qid = ids[id(raw)] if repeats else str(raw.number)
            template = raw.template
            if options.cite_prefix is not None and template in ("问{}", "Q{}"):
                template = options.cite_prefix + "{}"
            cite = template.format(qid)
        if qid in taken:  # two section rules with one key, say
            n = 2
            while f"{qid}-{n}" in taken:
                n += 1
            report.warnings.append(f"item {cite} occurs twice: the second is {cite}-{n}")
            qid, cite = f"{qid}-{n}", f"{cite}-{n}"
        taken.add(qid)
        lines = [ln for ln in raw.body if ln]
        if options.join_page_breaks:
            lines = join_page_breaks(lines, report)
        answer = "\n".join(lines).strip()
        question = raw.question.strip() or _first_sentence(answer)
        if not answer:
            report.warnings.append(f"{cite} has no answer text: skipped")
            continue
        drafts.append(Draft(qid, cite, question, answer, raw.section, raw.phrasings))
    return drafts


def detect(extracted: Extracted, options: StructureOptions, report: ParseReport | None = None) -> list[Draft]:
    """The document's items, by the structure its options name or, for "auto", the one found best.

    Raises :class:`DocumentError` ``no_items`` if nothing becomes an item, or if the numbers found
    differ from ``options.expect_numbers``.
    """
    report = report if report is not None else ParseReport()
    if extracted.pairs:
        lines = _prepare(extracted, options, ParseReport())
        if lines:
            report.warnings.append(f"{len(lines)} paragraphs outside the question table are not used")
        reader = _Reader([], extracted.title, options, report)
        report.structure = "table"
        return _drafts(_pairs(extracted, reader), options, report)
    lines = _prepare(extracted, options, report)
    title = _document_title(lines, extracted)
    if options.structure != "auto":
        chosen = options.structure
        reader = _Reader(lines, title, options, report)
        raws = _DETECTORS[chosen](lines, reader, True) or []
    else:
        chosen, raws, scratch = _auto(lines, title, options)
        report.merge(scratch)
    report.structure = chosen
    if not raws:
        raise DocumentError(
            "no_items", "no questions, articles, headings or text found that could become items"
        )
    return _drafts(raws, options, report)


def _auto(lines: list[_Line], title: str, options: StructureOptions) -> tuple[str, list[_Raw], ParseReport]:
    """Each structure whose markers occur, scored by the share of the text its items hold."""
    total = sum(len(ln.text) for ln in lines) or 1
    found: list[tuple[float, str, list[_Raw], ParseReport]] = []
    for name, detector in _DETECTORS.items():
        if name == "sections":
            continue
        scratch = ParseReport()
        raws = detector(lines, _Reader(lines, title, options, scratch), False)
        if raws:
            covered = sum(len(raw.question) + sum(map(len, raw.body)) for raw in raws)
            found.append((covered / total, name, raws, scratch))
    # One item is a title over the whole text ("# 某市医保问答" above numbered questions), not a
    # structure: it loses to any reading that finds several.
    if any(len(f[2]) > 1 for f in found):
        found = [f for f in found if len(f[2]) > 1]
    if found:
        best = max(score for score, *_ in found)
        _, name, raws, scratch = next(f for f in found if f[0] >= best - 0.05)  # near-tie: the order
        return name, raws, scratch
    scratch = ParseReport()
    return "sections", _sections(lines, _Reader(lines, title, options, scratch), True) or [], scratch


__all__ = [
    "ParseReport",
    "SectionRule",
    "StructureOptions",
    "cn_numeral",
    "detect",
    "is_caption",
    "join_page_breaks",
]
