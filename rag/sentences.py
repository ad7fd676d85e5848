"""Items → evidence sentences: the units an answer rests on and quotes verbatim.

A sentence ends at 。！？； or a line break (the scraped page's unpunctuated lines are sentences of
their own), with any closing quote or bracket that follows — but not at a ； inside brackets. A very
short sentence ("不可以。") is joined to the next: alone it says nothing a reader can check. A numbered
list under a heading line that ends in "：" is one unit with its heading (a step of a procedure means
little alone), and so is a list written inside one line ("骗保行为有：1. …；2. …；3. …。"): split at
each "；", the heading would travel with the first point only, and a reply resting on it reads as if
that point were the whole list.
"""

from __future__ import annotations

import re

_LIST_LINE = re.compile(r"^\s*(\d{1,2}\s*[.、．]|[（(]\d{1,2}[)）])")
# A list point's number: "1." "2、" "（1）" "（一）" "一、" "一是".
_NUMERAL = "[一二三四五六七八九十]{1,3}"
_POINT = rf"(?:\d{{1,2}}\s*[.、．]|[（(](?:\d{{1,2}}|{_NUMERAL})[)）]|{_NUMERAL}[、是])"
_INLINE_HEAD = re.compile(r"[：:]\s*" + _POINT)
_INLINE_POINT = re.compile(r"\s*" + _POINT)
_END = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+$")
MIN_CHARS = 8
# What goes on with a list after its "；": "除此之外，…还需提供…".
_MORE = re.compile(r"\s*(?:除此之外|除此以外|此外|另外)")


def _blocks(text: str) -> list[str]:
    """Lines, with a "…：" heading line and the numbered (or labelled) lines under it joined into
    one block."""
    blocks: list[str] = []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        in_list = (
            _LIST_LINE.match(line) and blocks and (blocks[-1].endswith(("：", ":")) or "\n" in blocks[-1])
        )
        prev_is_list = i > 0 and (_LIST_LINE.match(lines[i - 1]) or lines[i - 1].endswith(("：", ":")))
        if (in_list and prev_is_list) or (blocks and _labelled_point(line, lines[i - 1], blocks[-1])):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return blocks


# A point of a list written as "label: what it is;" lines ("常驻异地工作人员:由于工作原因,被单位派去
# 外地常驻;" under "…下面这四类人群会需要办理异地就医备案:"): alone, it does not say what it is listed
# for (probe 25: "被公司派到外地常驻，看病要先备案吗？" was shown that line without its heading).
_LABEL_LINE = re.compile(r"^[\u4e00-\u9fff]{2,10}\s*[：:]")
_POINT_END = (";", "；")


def _labelled_point(line: str, previous: str, block: str) -> bool:
    """Whether ``line`` is a labelled point of the list ``block`` opens or goes on with: the first
    point under a "…：" heading must itself go on (end in "；"), a later one follow a point that did."""
    if not _LABEL_LINE.match(line):
        return False
    if block.endswith(("：", ":")):
        return line.endswith(_POINT_END)
    return "\n" in block and bool(_LABEL_LINE.match(previous)) and previous.endswith(_POINT_END)


def _line_units(line: str) -> list[str]:
    """One line's sentences, an inline list joined to its heading (sliced from the line, so the
    unit is verbatim whatever spacing sits between the points)."""
    spans = [(m.start(), m.end()) for m in _END.finditer(line) if m.group(0).strip()]
    merged: list[tuple[int, int]] = []
    in_list = False
    for start, end in spans:
        if in_list and _INLINE_POINT.match(line, start):
            merged[-1] = (merged[-1][0], end)
            continue
        if merged and line[: merged[-1][1]].endswith(("；", ";")) and _MORE.match(line, start):
            # "…应提供…费用收据联、…明细清单；除此之外，门诊就医的还需提供…处方联、急诊诊断证明" is one list
            # of what is required: cut at the "；", a reply resting on the first half reads as if it were
            # all (rob-60: "需要找医院要费用收据联、明细清单").
            merged[-1] = (merged[-1][0], end)
            continue
        if merged and _unclosed(line[merged[-1][0] : merged[-1][1]]):
            # A "；" inside brackets ends no sentence: "…有效期限内(异地安置退休…不设有效期;转诊人员备案
            # 有效期为3个月)到…" split there quoted a fragment opening inside the bracket (probe 15).
            merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
        in_list = bool(_INLINE_HEAD.search(line, start, end))
    return [line[a:b].strip() for a, b in merged]


def _unclosed(text: str) -> bool:
    return text.count("(") + text.count("（") > text.count(")") + text.count("）")


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, in order, each exactly as written (stripped of outer spaces)."""
    units: list[str] = []
    for block in _blocks(text):
        head, _, rest = block.partition("\n")
        parts = _line_units(head)
        if rest:  # a heading with its list: the heading's last sentence and the list are one unit
            parts[-1] += "\n" + rest
        units.extend(parts)
        units.append("")  # a line break: a short line without an end mark is not joined across it
    out: list[str] = []
    carry = ""
    for unit in units:
        if not unit:
            if carry and not re.search(r"[。！？；!?;]$", carry):
                out.append(carry)  # a short heading or list line stands alone
                carry = ""
            continue
        unit = carry + unit
        carry = ""
        if len(unit) < MIN_CHARS and "\n" not in unit:
            carry = unit
        else:
            out.append(unit)
    if carry:
        if out:
            out[-1] += carry
        else:
            out.append(carry)
    return out
