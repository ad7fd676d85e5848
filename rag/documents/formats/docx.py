"""Word .docx: paragraphs and table cells in body order, headings by style, and list numbers rendered.

python-docx gives the XML; the text is read straight from it so that runs inside tracked insertions,
content controls and fields are not lost. Word draws automatic numbering ("1.", "（一）", "第五条")
from numbering.xml at display time, so it is not in the paragraph's text — yet in a FAQ that number
is often the only thing saying where a question starts. :class:`_Numbering` replays Word's counters
and prefixes each numbered paragraph with the number Word would show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..blocks import Block, BlockKind, Extracted
from .text import clean

if TYPE_CHECKING:
    from lxml.etree import _Element

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _w(name: str) -> str:
    return _W + name


def _val(el: _Element | None, path: str) -> str | None:
    """The w:val of ``el``'s descendant at ``path`` ("w:pPr/w:numPr/w:numId"), or None."""
    if el is None:
        return None
    found = el.find(path.replace("w:", _W))
    return None if found is None else found.get(_w("val"))


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- number formats (ECMA-376 ST_NumberFormat) --------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY = "子丑寅卯辰巳午未申酉戌亥"


def _chinese(
    n: int, digits: str = "零一二三四五六七八九", units: str = "十百千", short_ten: bool = True
) -> str:
    """123 → 一百二十三, 11 → 十一 (壹拾壹 with legal digits, which keep the leading one)."""
    if n <= 0:
        return digits[0]
    if n >= 10000:
        high, low = divmod(n, 10000)
        rest = _chinese(low, digits, units, short_ten=False) if low else ""
        return _chinese(high, digits, units, short_ten) + "万" + (digits[0] if 0 < low < 1000 else "") + rest
    out, zero = "", False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + ("" if power == 0 else units[power - 1])
    return out[1:] if short_ten and 10 <= n < 20 else out


def _roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, n = divmod(n, value)
        out += numeral * count
    return out


def format_number(n: int, fmt: str) -> str:
    """``n`` as Word shows it in number format ``fmt``; unknown formats fall back to decimal."""
    if fmt in {"chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "japaneseCounting"}:
        if fmt == "chineseCounting" and n >= 100:  # Word spells these digit by digit: 一〇一
            return "".join(_CN_DIGITS[int(d)] for d in str(n))
        return _chinese(n)
    if fmt in {"ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"}:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt in {"chineseLegalSimplified", "japaneseLegal"}:
        return _chinese(n, _CN_LEGAL, "拾佰仟", short_ten=False)
    if fmt == "ideographTraditional":
        return _HEAVENLY[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _EARTHLY[(n - 1) % 12]
    if fmt in {"upperLetter", "lowerLetter"}:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word: Z, AA, BB, …
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in {"upperRoman", "lowerRoman"}:
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in {"decimalFullWidth", "decimalFullWidth2"}:
        return str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    for name, symbols in (
        ("decimalEnclosedCircle", _CIRCLED),
        ("decimalEnclosedCircleChinese", _CIRCLED),
        ("decimalEnclosedParen", _PAREN),
        ("decimalEnclosedFullstop", _FULLSTOP),
    ):
        if fmt == name and 1 <= n <= len(symbols):
            return symbols[n - 1]
    return str(n)


# --- numbering.xml ------------------------------------------------------------------------------------


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    suffix: str = "tab"
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never
    legal: bool = False  # w:isLgl: show every level's number in decimal
    style: str = ""  # w:pStyle: the paragraph style tied to this level

    @classmethod
    def parse(cls, lvl: _Element) -> _Level:
        return cls(
            fmt=_val(lvl, "w:numFmt") or "decimal",
            text=_val(lvl, "w:lvlText") or "",
            start=_int(_val(lvl, "w:start"), 0) or 0,
            suffix=_val(lvl, "w:suff") or "tab",
            restart=_int(_val(lvl, "w:lvlRestart")),
            legal=lvl.find(_w("isLgl")) is not None and _val(lvl, "w:isLgl") not in {"0", "false"},
            style=_val(lvl, "w:pStyle") or "",
        )


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # w:lvlOverride/w:startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # w:lvlOverride/w:lvl


@dataclass
class _Style:
    name: str = ""
    based_on: str = ""
    num_id: str | None = None
    ilvl: int | None = None
    outline: int | None = None


_NO_SPACE_AFTER = tuple("）、．：】」』")  # full-width punctuation ends a label without a gap


class _Numbering:
    """numbering.xml and the paragraph styles, and Word's list counters as the body is read."""

    def __init__(self, numbering: _Element | None, styles: _Element | None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum → the numbering style it borrows from
        self.nums: dict[str, _Num] = {}
        self.styles: dict[str, _Style] = {}
        self.counters: dict[str, list[int | None]] = {}  # abstractNum → the value shown per level
        self.started: set[tuple[str, int]] = set()  # (numId, ilvl) seen: its startOverride is spent
        if styles is not None:
            for style in styles.iter(_w("style")):
                sid = style.get(_w("styleId")) or ""
                self.styles[sid] = _Style(
                    name=_val(style, "w:name") or sid,
                    based_on=_val(style, "w:basedOn") or "",
                    num_id=_val(style, "w:pPr/w:numPr/w:numId"),
                    ilvl=_int(_val(style, "w:pPr/w:numPr/w:ilvl")),
                    outline=_int(_val(style, "w:pPr/w:outlineLvl")),
                )
        if numbering is None:
            return
        for abstract in numbering.iter(_w("abstractNum")):
            aid = abstract.get(_w("abstractNumId")) or ""
            self.abstract[aid] = {
                _int(lvl.get(_w("ilvl")), 0) or 0: _Level.parse(lvl) for lvl in abstract.iter(_w("lvl"))
            }
            if link := _val(abstract, "w:numStyleLink"):
                self.style_link[aid] = link
        for num in numbering.iter(_w("num")):
            entry = _Num(abstract=_val(num, "w:abstractNumId") or "")
            for override in num.iter(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl")), 0) or 0
                if (start := _int(_val(override, "w:startOverride"))) is not None:
                    entry.starts[ilvl] = start
                if (lvl := override.find(_w("lvl"))) is not None:
                    entry.levels[ilvl] = _Level.parse(lvl)
            self.nums[num.get(_w("numId")) or ""] = entry

    def style_chain(self, style_id: str) -> Iterator[tuple[str, _Style]]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            yield style_id, self.styles[style_id]
            style_id = self.styles[style_id].based_on

    def abstract_id(self, num_id: str) -> str:
        aid = self.nums[num_id].abstract
        if aid in self.style_link:  # numStyleLink: the levels live with the numbering style's list
            for _, style in self.style_chain(self.style_link[aid]):
                if style.num_id and style.num_id in self.nums:
                    return self.nums[style.num_id].abstract
        return aid

    def levels(self, num_id: str) -> dict[int, _Level]:
        levels = dict(self.abstract.get(self.abstract_id(num_id), {}))
        levels.update(self.nums[num_id].levels)
        return levels

    def resolve(self, p: _Element, style_id: str) -> tuple[str, int] | None:
        """(numId, ilvl) of a paragraph's numbering, from its own w:numPr or its style's."""
        num_id = _val(p, "w:pPr/w:numPr/w:numId")
        ilvl = _int(_val(p, "w:pPr/w:numPr/w:ilvl"))
        styled_from = ""
        if num_id is None:
            for sid, style in self.style_chain(style_id):
                if style.num_id is not None:
                    num_id, styled_from = style.num_id, sid
                    if ilvl is None:
                        ilvl = style.ilvl
                    break
        if num_id is None or num_id == "0" or num_id not in self.nums:  # numId 0: numbering removed
            return None
        if ilvl is None:  # a level tied to the style by w:pStyle, else the top level
            ilvl = next((i for i, lvl in self.levels(num_id).items() if lvl.style == styled_from), 0)
        return num_id, ilvl

    def next_label(self, num_id: str, ilvl: int) -> str:
        """Advance the list's counter at ``ilvl`` and render its label ("1.", "（一）"); "" for bullets."""
        levels = self.levels(num_id)
        num = self.nums[num_id]
        # As in Word, the count runs per abstractNum: every w:num over it continues one sequence,
        # and a w:num with a startOverride ("restart numbering") restarts it where it first appears.
        counters = self.counters.setdefault(self.abstract_id(num_id), [None] * 9)
        ilvl = max(0, min(ilvl, 8))
        if ilvl in num.starts and (num_id, ilvl) not in self.started:
            counters[ilvl] = None
        self.started.add((num_id, ilvl))

        def start(level: int) -> int:
            lvl = levels.get(level, _Level())
            return num.starts.get(level, lvl.start)

        current = counters[ilvl]
        counters[ilvl] = start(ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels.get(deeper, _Level()).restart
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None
        lvl = levels.get(ilvl, _Level())
        if lvl.fmt in {"bullet", "none"} or not lvl.text:
            return ""

        def render(m: re.Match[str]) -> str:
            level = int(m.group(1)) - 1
            value = counters[level] if counters[level] is not None else start(level)
            fmt = levels.get(level, _Level()).fmt
            return format_number(value or 0, "decimal" if lvl.legal and level != ilvl else fmt)

        label = re.sub(r"%([1-9])", render, lvl.text)
        if not label.strip():
            return ""
        # Chinese typesetting puts no space after full-width punctuation: "（一）问题", "一、问题".
        if lvl.suffix == "nothing" or label.endswith(_NO_SPACE_AFTER):
            return label
        return label + " "


# --- the body -----------------------------------------------------------------------------------------

_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE_NAMES = {"title", "标题"}


def _heading_level(p: _Element, style_id: str, numbering: _Numbering) -> int:
    """1–9 for a heading paragraph (Heading N / Title style, or an outline level), 0 otherwise."""
    outline = _int(_val(p, "w:pPr/w:outlineLvl"))
    if outline is not None:
        return outline + 1 if outline < 9 else 0
    for _, style in numbering.style_chain(style_id):
        name = style.name.strip().lower()
        if m := _HEADING_NAME.match(name):
            return int(m.group(1))
        if name in _TITLE_NAMES:
            return 1
        if style.outline is not None:
            return style.outline + 1 if style.outline < 9 else 0
    return 0


_TEXT_TAGS = {_w("t"): None, _w("tab"): "\t", _w("br"): "\n", _w("cr"): "\n", _w("noBreakHyphen"): "-"}
_SKIP_INSIDE = {_w("txbxContent"), _w("del"), _w("moveFrom")}


def _paragraph_text(p: _Element) -> str:
    """Visible text of a paragraph, including runs inside insertions, fields and content controls."""
    parts: list[str] = []
    for el in p.iter(*_TEXT_TAGS):
        if any(a.tag in _SKIP_INSIDE for a in el.iterancestors() if a is not p):
            continue
        if el.tag == _w("t"):
            parts.append(el.text or "")
        else:
            parts.append(_TEXT_TAGS[el.tag] or "")
    return "".join(parts)


def _children(el: _Element, tag: str) -> Iterator[_Element]:
    """``el``'s children named ``tag``, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == _w("customXml"):
            yield from _children(child, tag)


def _paragraphs(container: _Element) -> Iterator[_Element]:
    """Paragraphs in reading order: body paragraphs, and table cells row by row, left to right."""
    for child in container:
        if child.tag == _w("p"):
            yield child
        elif child.tag == _w("tbl"):
            for row in _children(child, _w("tr")):
                for cell in _children(row, _w("tc")):
                    merge = cell.find(f"{_W}tcPr/{_W}vMerge")
                    if merge is not None and merge.get(_w("val"), "continue") == "continue":
                        continue  # the lower part of a vertically merged cell: its text is above
                    yield from _paragraphs(cell)
        elif child.tag in {_w("sdt"), _w("customXml")}:
            content = child.find(_w("sdtContent")) if child.tag == _w("sdt") else child
            if content is not None:
                yield from _paragraphs(content)


def read_docx(path: Path) -> Extracted:
    try:
        import docx
    except ImportError as e:
        raise ImportError("python-docx is required to read .docx files: pip install -e .") from e
    document = docx.Document(str(path))
    part = document.part
    numbering_el = None
    try:
        numbering_el = part.numbering_part.element
    except (KeyError, NotImplementedError):
        pass
    numbering = _Numbering(numbering_el, document.styles.element)
    blocks: list[Block] = []
    for p in _paragraphs(document.element.body):
        style_id = _val(p, "w:pPr/w:pStyle") or ""
        text = _paragraph_text(p)
        resolved = numbering.resolve(p, style_id)
        # Word numbers empty paragraphs too, so the counter advances before the emptiness check.
        label = numbering.next_label(*resolved) if resolved else ""
        lines = [line for raw in text.split("\n") if (line := clean(raw))]
        if not lines:
            continue
        level = _heading_level(p, style_id, numbering)
        kind: BlockKind = "heading" if level else "list" if resolved else "para"
        blocks.append(Block(label + lines[0], kind, level))
        blocks.extend(Block(line) for line in lines[1:])  # soft line breaks: the rest is body text
    title = clean(document.core_properties.title or "")
    return Extracted(blocks=blocks, title=title)
