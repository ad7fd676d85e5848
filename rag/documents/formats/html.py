"""HTML: the page's main text as blocks; navigation, headers, footers, sidebars and scripts dropped.

BeautifulSoup (with lxml) parses even broken government pages. Boilerplate is removed by tag
(nav, footer, …), by ARIA role, and by class/id names that mean navigation, footer, sidebar,
breadcrumb, share or comments — unless that element holds most of the page's text, which means a
site named its content wrapper badly. Readability-style article extractors were not used: they
are tuned for long articles and can drop a short FAQ page's question list as "boilerplate".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..blocks import Block, BlockKind, Extracted
from ..encoding import decode, looks_garbled
from .text import clean, clean_flow

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

# Never content, whatever their size.
_ALWAYS_DROP = {"script", "style", "noscript", "template", "iframe", "svg", "canvas", "head"}
# Page furniture by tag; an <article>'s own <header> is kept (it holds the article's title).
_DROP_TAGS = {"nav", "aside", "button", "select", "input", "textarea", "header", "footer"}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
# class/id tokens that mean boilerplate ("main-nav", "shareBox", "comment_list").
_NOISE_TOKENS = {
    "nav",
    "navi",
    "menu",
    "menus",
    "side",
    "foot",
    "crumb",
    "crumbs",
    "bread",
    "share",
    "sharing",
    "social",
    "comment",
    "comments",
    "related",
    "recommend",
    "ads",
    "advert",
    "pager",
    "pagination",
    "toolbar",
    "topbar",
    "copyright",
}
# Whole class/id values that mean boilerplate on Chinese government sites ("dqwz" = 当前位置);
# as tokens they would hit utility classes such as "border-bottom" or "position-relative".
_NOISE_NAMES = {"top", "head", "header", "bottom", "position", "location", "dqwz", "weizhi", "banner"}
# Substrings that mean boilerplate wherever they occur ("site-footer", "mainNavbar").
_NOISE_PARTS = ("breadcrumb", "footer", "sidebar", "navbar", "navigation", "copyright", "topnav")
_TOKEN_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Elements that start a new block; everything else is inline and flows into the current block.
_BLOCK_TAGS = {
    *_HEADINGS,
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "address",
    "hr",
    "details",
    "summary",
    "center",
    "body",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def decode_html(data: bytes) -> str:
    """Bytes → text, honouring ``<meta charset>`` unless it is wrong for these bytes."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) and (
        m := _META_CHARSET.search(data[:4096])
    ):
        declared = m.group(1).decode("ascii").lower()
        declared = "gb18030" if declared in _GB else declared  # GB18030 is a superset of both
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # unknown name, or a page that lies about its charset
        else:
            if looks_garbled(text) is None:
                return text
    return decode(data)


def _noise(tag: Tag) -> str:
    """Why ``tag`` is boilerplate: "tag" for page furniture by its tag or role, "name" for an
    element named like it (dropped unless it holds most of the page's text), "" for content."""
    if tag.name in _ALWAYS_DROP:
        return "tag"
    if tag.name in _DROP_TAGS:
        keep = tag.name == "header" and tag.find_parent(["article", "main"]) is not None
        return "" if keep else "tag"
    if (tag.get("role") or "") in _DROP_ROLES or tag.get("aria-hidden") == "true" or tag.has_attr("hidden"):
        return "tag"
    style = str(tag.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return "tag"
    if tag.name == "form":  # a search box, or (ASP.NET) the whole page: the size check decides
        return "name"
    values = [*(tag.get("class") or []), str(tag.get("id") or "")]
    for value in values:
        lowered = value.lower()
        if lowered in _NOISE_NAMES or any(part in lowered for part in _NOISE_PARTS):
            return "name"
        if any(token.lower() in _NOISE_TOKENS for token in _TOKEN_SPLIT.split(value) if token):
            return "name"
    return ""


def _strip_boilerplate(soup: BeautifulSoup) -> None:
    body = soup.body or soup
    for tag in body.find_all(list(_ALWAYS_DROP)):
        tag.decompose()  # first, so script text does not count towards the page's size
    total = len(body.get_text(strip=True)) or 1
    # Collect first: decomposing while iterating find_all would skip elements.
    doomed = [(tag, why) for tag in body.find_all(True) if (why := _noise(tag))]
    for tag, why in doomed:
        if tag.decomposed:
            continue  # inside an element already removed
        # A "sidebar"-named wrapper or an ASP.NET <form> around most of the page is the content.
        if why == "name" and len(tag.get_text(strip=True)) > 0.5 * total:
            continue
        tag.decompose()


class _Blocks:
    """Flows text into blocks: a block element ends the current block, <br> ends a line."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.kind: BlockKind = "para"
        self.level = 0
        self.prefix = ""  # an <ol> item's number, for the item's first line

    def flush(self) -> None:
        text = clean_flow("".join(self.parts))
        self.parts = []
        if text:
            self.blocks.append(Block(self.prefix + text, self.kind, self.level))
            self.prefix = ""

    def walk(self, node: Tag, kind: BlockKind = "para", level: int = 0, pre: bool = False) -> None:
        from bs4.element import NavigableString, PreformattedString, Tag

        for child in node.children:
            if isinstance(child, PreformattedString):  # comments, CDATA, doctype
                continue
            if isinstance(child, NavigableString):
                if pre:  # keep <pre>'s line breaks
                    lines = str(child).split("\n")
                    for i, line in enumerate(lines):
                        if i:
                            self.flush()
                        self.parts.append(line)
                else:
                    self.parts.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                self.flush()
                continue
            if name not in _BLOCK_TAGS:
                self.walk(child, kind, level, pre)
                continue
            self.flush()
            child_kind, child_level = kind, level
            if name in _HEADINGS:
                child_kind, child_level = "heading", _HEADINGS[name]
            elif name == "li":
                child_kind, child_level = "list", 0
                self.prefix = _ordinal(child)
            elif name in {"p", "td", "th", "dt", "dd"} and kind != "list":
                child_kind, child_level = "para", 0
            self.kind, self.level = child_kind, child_level
            self.walk(child, child_kind, child_level, pre or name == "pre")
            self.flush()
            self.prefix = ""
            self.kind, self.level = kind, level


def _ordinal(li: Tag) -> str:
    """The number a browser draws before an <ol> item ("3. "); it is not in the page's text."""
    parent = li.parent
    if parent is None or parent.name != "ol":
        return ""
    try:
        number = int(str(parent.get("start") or 1))
    except ValueError:
        number = 1
    for sibling in parent.find_all("li", recursive=False):
        if sibling is li:
            break
        number += 1
    if li.get("value"):
        try:
            number = int(str(li.get("value")))
        except ValueError:
            pass
    return f"{number}. "


def read_html(path: Path) -> Extracted:
    try:
        from bs4 import BeautifulSoup
    except ImportError as e:
        raise ImportError("beautifulsoup4 is required to read HTML: pip install -e .") from e
    try:
        import lxml  # noqa: F401
    except ImportError:
        parser = "html.parser"  # slower and less forgiving, but in the standard library
    else:
        parser = "lxml"
    soup = BeautifulSoup(decode_html(path.read_bytes()), parser)
    title = clean(soup.title.get_text()) if soup.title else ""
    _strip_boilerplate(soup)
    flow = _Blocks()
    flow.walk(soup.body or soup)
    flow.flush()
    return Extracted(blocks=flow.blocks, title=title)
