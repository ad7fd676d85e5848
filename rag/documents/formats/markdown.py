"""Markdown: headings and list entries keep their structure, inline markup is reduced to its text.

A line-based reader rather than a Markdown library: FAQ files use a small subset (headings, lists,
paragraphs, emphasis, links), and what matters is the block structure, not HTML rendering.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..blocks import Block, Extracted
from ..encoding import decode
from .text import clean

# YAML/TOML front matter: only at the very top, and only if it starts like "key: value", so a
# document that opens with a "---" rule keeps its text.
_FRONT_MATTER = re.compile(
    r"\A\s*(---|\+\+\+)[ \t]*\n[A-Za-z_][\w-]*[ \t]*[:=].*\n(?:.*\n)*?(?:---|\.\.\.|\+\+\+)[ \t]*(?:\n|\Z)"
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(?:\[[ xX]\][ \t]+)?(.*)$")
_ORDERED = re.compile(r"^[ \t]*(\d{1,9}[.)])[ \t]+(.*)$")
_QUOTE = re.compile(r"^[ \t]*>[ \t]?")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")

# Inline markup, applied in this order.
_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images: no text to index
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # <https://…>
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # `code`
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # **strong**, __strong__
    (re.compile(r"(?<![*A-Za-z0-9])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\*)"), r"\1"),  # *em*; "3*4*5" stays
    (re.compile(r"(?<![_A-Za-z0-9])_(?=\S)([^_\n]+?)(?<=\S)_(?![_A-Za-z0-9])"), r"\1"),  # snake_case stays
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tags; "<5岁" stays
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
)


def inline(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return clean(text)


def _ref_definition(line: str) -> bool:
    return re.match(r"^ {0,3}\[[^\]]+\]:\s*\S+", line) is not None


def read_markdown(path: Path) -> Extracted:
    text = decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    text = _COMMENT.sub("", _FRONT_MATTER.sub("", text, count=1))
    lines = text.split("\n")
    blocks: list[Block] = []
    fence = ""
    previous_para = False  # the last line was paragraph text: a following "===" / "---" underlines it
    for raw in lines:
        if fence:  # inside a fenced code block: keep its lines verbatim, as paragraphs
            if raw.strip().startswith(fence):
                fence = ""
            elif line := clean(raw):
                blocks.append(Block(line))
            continue
        if m := _FENCE.match(raw):
            fence = m.group(1)[:3]
            previous_para = False
            continue
        line = _QUOTE.sub("", raw) if _QUOTE.match(raw) else raw
        if not line.strip():
            previous_para = False
            continue
        if previous_para and (m := _SETEXT.match(line)):
            blocks[-1] = Block(blocks[-1].text, "heading", 1 if m.group(1)[0] == "=" else 2)
            previous_para = False
            continue
        previous_para = False
        if _RULE.match(line) or _TABLE_RULE.match(line) or _ref_definition(line):
            continue
        if m := _ATX.match(line):
            if title := inline(m.group(2) or ""):
                blocks.append(Block(title, "heading", len(m.group(1))))
            continue
        if m := _BULLET.match(line):
            if item := inline(m.group(1)):
                blocks.append(Block(item, "list"))
            continue
        if m := _ORDERED.match(line):
            if item := inline(m.group(2)):
                blocks.append(Block(f"{m.group(1)} {item}", "list"))
            continue
        if line.lstrip().startswith("|"):  # a table row: its cells, side by side
            cells = [inline(c) for c in line.strip().strip("|").split("|")]
            if row := " | ".join(c for c in cells if c):
                blocks.append(Block(row))
            continue
        if para := inline(line):
            blocks.append(Block(para))
            previous_para = True
    return Extracted(blocks=blocks)
