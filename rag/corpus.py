"""Stage 1: parse the source documents in ``corpus/`` into citable :class:`Item` records.

Two documents, two parsers:

* ``hubei-faq.txt`` — a Hubei 医疗保障 Q&A booklet extracted from a PDF. Items are ``问题X`` headers
  (Chinese numerals), ``问 N.`` questions and ``答 N.`` answers. The header number wins: Q8's header
  says 问题八 while its answer says 答 9., and Q42's header is indented. Comic-strip captions and
  app-screen mock-ups are dropped; answers broken across pages are re-joined.
* ``yidi-web.txt`` — a scraped page on 跨省异地就医: items 6–10 of another FAQ, then a blog post whose
  sub-sections become items too, then boilerplate. Text is normalised first (see :func:`normalise`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .normalise import normalise
from .records import Item

PARSER_VERSION = "3"  # bump when parsing changes: it is part of the index's corpus hash

HUBEI_ID, YIDI_ID = "hubei-faq", "yidi-web"
DOC_TITLES = {
    HUBEI_ID: "湖北省医疗保障政策问答",
    YIDI_ID: "跨省异地就医备案问答（网页）",
}
FILES = {HUBEI_ID: "hubei-faq.txt", YIDI_ID: "yidi-web.txt"}

# Items whose answers state Hubei-only rules; any answer containing these words counts too.
HUBEI_SPECIFIC = {"12", "17", "35", "38", "39"}
_HUBEI_WORDS = ("湖北", "鄂政", "鄂办")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_numeral(text: str) -> int:
    """Chinese numeral up to 99 → int ("四十二" → 42, "十" → 10)."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


class CorpusError(ValueError):
    """The corpus is missing or does not parse into the expected items."""


# ------------------------------------------------------------------------------ hubei booklet
_SECTION = re.compile(r"^([一二三四五六七八九十]+)、(\S+)$")
_HEADER = re.compile(r"^问题([一二三四五六七八九十]+)$")
_QUESTION = re.compile(r"^问\s*(\d+)?\s*[.．]?\s*(.*)$")
_ANSWER = re.compile(r"^答\s*(\d+)\s*[.．]?\s*(.*)$")
_TERMINAL = "。！？；：…”’）)」』~～!?;:"
_LIST_ITEM = re.compile(r"^(\d+\s*[.、．]|方法[一二三四五六七八九十]|[（(]\d+[)）]|[一二三四五六]是)")
# Speech-bubble particles: a short line ending in one of these is dialogue from a comic strip.
_DIALOGUE = re.compile(r"(啊|呀|吧|咯|嘛|哦|呢|咋|吗|哈|啦|不)[~～！!？?…。]*$|[~～]$|……$")
# App-screen mock-ups: placeholder data, form fields ("备案类型: …"), tab bars ("全部 申办中 …").
_SCREEN = re.compile(
    r"XXX|X月X日|\*{3,}|^●|^[^\u4e00-\u9fff]*$|^[\u4e00-\u9fff]{2,8}: |^(\S{1,3} ){3,}\S{1,3}$"
)


@dataclass
class _Draft:
    number: int
    section: str
    question: str = ""
    answer_lines: list[str] = field(default_factory=list)
    in_answer: bool = False


@dataclass
class ParseReport:
    """What the parser dropped or repaired, so tests (and curious maintainers) can see it."""

    dropped: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _clean(line: str) -> str:
    return line.replace("**", "").strip(" \t\u3000\xa0\ufeff")


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


def _join_page_breaks(lines: list[str], report: ParseReport) -> list[str]:
    """Re-join paragraphs that a page break cut mid-sentence (long line, no closing punctuation)."""
    out: list[str] = []
    for line in lines:
        if out and len(out[-1]) >= 40 and out[-1][-1] not in _TERMINAL and not _LIST_ITEM.match(line):
            report.joined.append(f"{out[-1][-12:]}|{line[:12]}")
            out[-1] += line
        else:
            out.append(line)
    return out


def parse_hubei(text: str, report: ParseReport | None = None) -> list[Item]:
    report = report if report is not None else ParseReport()
    drafts: list[_Draft] = []
    section = ""
    pending_header: int | None = None
    for raw in text.splitlines():
        line = _clean(raw)
        if not line or "···" in line:  # blank, or the table of contents
            continue
        if m := _SECTION.match(line):
            section = m.group(2)
            continue
        if m := _HEADER.match(line):
            pending_header = cn_numeral(m.group(1))
            continue
        if (m := _QUESTION.match(line)) and (m.group(1) or pending_header is not None):
            written = int(m.group(1)) if m.group(1) else None
            number = pending_header if pending_header is not None else written
            if written is not None and number != written:
                report.warnings.append(f"问题{number}: its 问 line says {written}; header wins")
            assert number is not None
            drafts.append(_Draft(number=number, section=section, question=m.group(2).strip()))
            pending_header = None
            continue
        if not drafts:
            continue
        draft = drafts[-1]
        if m := _ANSWER.match(line):
            if int(m.group(1)) != draft.number:
                report.warnings.append(f"问题{draft.number}: its answer is labelled 答 {m.group(1)}")
            draft.in_answer = True
            draft.answer_lines.append(m.group(2).strip())
            continue
        if not draft.in_answer or is_caption(line):
            # Between a question and its answer there is only comic-strip text.
            report.dropped.append(line)
            continue
        draft.answer_lines.append(line)

    items = []
    for d in drafts:
        answer = "\n".join(_join_page_breaks([ln for ln in d.answer_lines if ln], report))
        qid = str(d.number)
        items.append(
            Item(
                source=HUBEI_ID,
                doc_title=DOC_TITLES[HUBEI_ID],
                section=d.section,
                qid=qid,
                label=f"问{qid}",
                question=d.question,
                answer=answer,
                hubei_specific=qid in HUBEI_SPECIFIC or any(w in answer for w in _HUBEI_WORDS),
            )
        )
    return items


# ------------------------------------------------------------------------------- yidi web page
_WEB_ITEM = re.compile(r"^(\d+)\s*[.:：、]\s*(.+?)\s*$")
_WEB_ANSWER = re.compile(r"^答\s*[:：]\s*(.*)$")
_BLOG_START = "提起医保报销"
_BOILERPLATE_START = ("异地就医真的越来越方便啦", "如果今天的文章对你有所帮助")
# The blog's implicit sections: (first words of the section, key, title). Numbered sub-sections
# (1、异地转诊…) are found by pattern; these unnumbered ones are told apart by their first words.
_BLOG_SECTIONS = [
    ("提起医保报销", "备案人群", "哪些人需要办理异地就医备案"),
    ("步骤 1", "定点医院", "步骤1：确定异地联网定点医院"),
    ("步骤 2", "备案办理", "步骤2：开始异地就医备案（小程序或社保局）"),
    ("成功办理完异地就医备案后", "报销标准", "异地就医能报多少、按哪里的政策报"),
]
_BLOG_NUMBERED = re.compile(r"^(\d)、(.+)$")
_BLOG_KEYS = {"1": "异地转诊", "2": "异地急诊", "3": "回参保地报销"}


def parse_yidi(text: str, report: ParseReport | None = None) -> list[Item]:
    report = report if report is not None else ParseReport()
    lines = [_clean(ln) for ln in normalise(text).splitlines()]
    lines = [ln.lstrip("•").strip() for ln in lines if ln]
    title = lines[0]
    items: list[Item] = []

    def add(qid: str, label: str, section: str, question: str, body: list[str]) -> None:
        items.append(
            Item(
                source=YIDI_ID,
                doc_title=DOC_TITLES[YIDI_ID],
                section=section,
                qid=qid,
                label=label,
                question=question,
                answer="\n".join(body).strip(),
            )
        )

    # Part 1: numbered FAQ items 6–10 (they keep their own numbers).
    i = 1
    current: tuple[str, str] | None = None
    body: list[str] = []
    while i < len(lines) and not lines[i].startswith(_BLOG_START):
        line = lines[i]
        m = _WEB_ITEM.match(line)
        if m and not _WEB_ANSWER.match(line):
            if current:
                add(current[0], f"异地就医·问{current[0]}", title, current[1], body)
            current, body = (m.group(1), m.group(2)), []
        elif a := _WEB_ANSWER.match(line):
            body.append(a.group(1))
        else:
            body.append(line)
        i += 1
    if current:
        add(current[0], f"异地就医·问{current[0]}", title, current[1], body)

    # Part 2: the blog post, split into sections; boilerplate at the end is dropped.
    section: tuple[str, str] | None = None
    body = []
    for line in lines[i:]:
        if line.startswith(_BOILERPLATE_START):
            report.dropped.extend(lines[lines.index(line) :])
            break
        starts = [s for s in _BLOG_SECTIONS if line.startswith(s[0])]
        numbered = _BLOG_NUMBERED.match(line)
        if starts or numbered:
            if section:
                add(section[0], f"异地就医·{section[0]}", "异地就医备案指南", section[1], body)
            if numbered:
                section = (_BLOG_KEYS[numbered.group(1)], numbered.group(2).strip())
                body = []
            else:
                section = (starts[0][1], starts[0][2])
                body = [line]
            continue
        body.append(line)
    if section:
        add(section[0], f"异地就医·{section[0]}", "异地就医备案指南", section[1], body)
    return items


# ------------------------------------------------------------------------------------ loading
def corpus_files(corpus_dir: Path) -> dict[str, Path]:
    return {doc: corpus_dir / name for doc, name in FILES.items()}


def corpus_hash(corpus_dir: Path) -> str:
    """Hash of every source file plus the parser version: a change in either makes the index stale."""
    h = hashlib.sha256(PARSER_VERSION.encode())
    for doc, path in sorted(corpus_files(corpus_dir).items()):
        h.update(doc.encode())
        h.update(_read(path).encode())
    return h.hexdigest()


def _read(path: Path) -> str:
    if not path.is_file():
        raise CorpusError(f"corpus file missing: {path} (copy it from the seeds; see README)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CorpusError(f"corpus file is not UTF-8: {path}: {e}") from e


def load_items(corpus_dir: Path, report: ParseReport | None = None) -> list[Item]:
    files = corpus_files(corpus_dir)
    items = parse_hubei(_read(files[HUBEI_ID]), report) + parse_yidi(_read(files[YIDI_ID]), report)
    hubei = [it for it in items if it.source == HUBEI_ID]
    if [int(it.qid) for it in hubei] != list(range(1, 43)):
        raise CorpusError(f"hubei-faq: expected questions 1..42, got {[it.qid for it in hubei]}")
    empty = [it.label for it in items if not it.answer or not it.question]
    if empty:
        raise CorpusError(f"items with an empty question or answer: {empty}")
    labels = [it.label for it in items]
    if len(set(labels)) != len(labels):
        raise CorpusError("citation labels are not unique")
    return items
