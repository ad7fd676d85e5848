"""Items → evidence sentences: the units an answer rests on and quotes verbatim.

A sentence ends at 。！？； or a line break (the scraped page's unpunctuated lines are sentences of
their own), with any closing quote or bracket that follows. A very short sentence ("不可以。") is
joined to the next: alone it says nothing a reader can check. A numbered list under a heading line
that ends in "：" is one unit with its heading (a step of a procedure means little alone).
"""

from __future__ import annotations

import re

_LIST_LINE = re.compile(r"^\s*(\d{1,2}\s*[.、．]|[（(]\d{1,2}[)）])")
_END = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+$")
MIN_CHARS = 8


def _blocks(text: str) -> list[str]:
    """Lines, with a "…：" heading line and the numbered lines under it joined into one block."""
    blocks: list[str] = []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        in_list = (
            _LIST_LINE.match(line) and blocks and (blocks[-1].endswith(("：", ":")) or "\n" in blocks[-1])
        )
        prev_is_list = i > 0 and (_LIST_LINE.match(lines[i - 1]) or lines[i - 1].endswith(("：", ":")))
        if in_list and prev_is_list:
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return blocks


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, in order, each exactly as written (stripped of outer spaces)."""
    units: list[str] = []
    for block in _blocks(text):
        head, _, rest = block.partition("\n")
        parts = [m.group(0).strip() for m in _END.finditer(head) if m.group(0).strip()]
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
