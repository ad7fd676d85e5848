"""PDF: the text layer, page by page, one block per line, without running headers, footers and page numbers.

pypdf (pure Python) reads the text layer; there is no OCR, so a scanned PDF is refused with a
``needs_ocr`` error instead of being indexed as nothing. A line the layout wrapped (it fills the
page's width and does not end a sentence) is joined to the next, unless the next starts a new
numbered item; paragraphs split by a page break are left to structure detection.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

from ..blocks import Block, DocumentError, Extracted
from .text import clean

# Bare page numbers: "3", "- 3 -", "— 3 —", "第3页", "第 3 页 共 10 页", "3/10", "Page 3 of 10", "·3·".
_PAGE_NUMBER = re.compile(
    r"^[-–—·•\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:(?:/|of|共)\s*\d{1,4}\s*页?)?[-–—·•\s]*$"
    r"|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$",
    re.I,
)
_TERMINAL = "。！？；：…”’）)」』!?;:"
# A line opening a new item or list entry: "12." "3、" "（二）" "一、" "问" "答" "第5条" "Q:".
_STARTS_ITEM = re.compile(
    r"^(\d{1,3}\s*[.、．:：)）]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|问|答|第.{1,4}[条章节]|[QA]\d*[:：])"
)
_FULL = 0.85  # a line this share of the page's longest lines filled the width: it wrapped


def _unwrap(lines: list[str]) -> list[str]:
    """Join lines the layout wrapped mid-sentence."""
    if len(lines) < 2:
        return lines
    width = sorted(len(line) for line in lines)[int(0.9 * (len(lines) - 1))]
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        wrapped = prev and len(prev) >= _FULL * width and prev[-1] not in _TERMINAL
        if wrapped and width >= 15 and not _STARTS_ITEM.match(line):
            out[-1] = prev + line
        else:
            out.append(line)
    return out


_EDGE = 3  # running headers and footers sit in a page's first or last lines
_MIN_CHARS_PER_PAGE = 10  # below this on average, the pages are images (a scan)


def _edge(index: int, count: int) -> bool:
    return index < _EDGE or index >= count - _EDGE


def _repeat_key(line: str) -> str:
    # "某市医保局 第3页" and "某市医保局 第4页" are the same running footer.
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _strip_running(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and lines that repeat at the top or bottom of most pages."""
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_repeat_key(line) for i, line in enumerate(lines) if _edge(i, len(lines))})
    texty = sum(1 for lines in pages if lines)
    threshold = max(2, math.ceil(0.6 * texty))
    running = {key for key, n in seen.items() if n >= threshold} if texty >= 2 else set()
    kept: list[list[str]] = []
    for lines in pages:
        kept.append(
            [
                line
                for i, line in enumerate(lines)
                if not (
                    _edge(i, len(lines))
                    and (_PAGE_NUMBER.match(line) or (_repeat_key(line) in running and len(line) <= 80))
                )
            ]
        )
    return kept


def read_pdf(path: Path) -> Extracted:
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError
    except ImportError as e:
        raise ImportError("pypdf is required to read PDF files: pip install -e .") from e
    reader = PdfReader(path)
    if reader.is_encrypted:
        # Many PDFs are "encrypted" only to restrict printing or copying: they open with an empty
        # password. One that needs a real password cannot be read.
        try:
            opened = reader.decrypt("")
        except DependencyError as e:
            raise ImportError(f"{path.name} is AES-encrypted, which needs: pip install cryptography") from e
        if not opened:
            raise DocumentError(
                "encrypted", f"{path.name} 有打开密码，无法读取。请先在 PDF 阅读器里去掉密码，再添加。"
            )
    pages: list[list[str]] = []
    broken: list[str] = []
    for n, page in enumerate(reader.pages, 1):
        try:
            text = page.extract_text() or ""
        except FileNotDecryptedError as e:
            raise DocumentError("encrypted", f"{path.name} 已加密，无法读取。") from e
        except Exception:  # one damaged page's content stream should not cost the whole document
            broken.append(str(n))
            text = ""
        pages.append([line for raw in text.splitlines() if (line := clean(raw))])
    chars = sum(len(line) for lines in pages for line in lines)
    if not pages or chars < _MIN_CHARS_PER_PAGE * len(pages):
        raise DocumentError(
            "needs_ocr",
            f"{path.name} 几乎没有文字层，像是扫描件或图片：需要先做文字识别（OCR），"
            "再把识别出的文字存为 .docx 或 .txt 添加。",
        )
    warnings: list[str] = []
    if broken:
        warnings.append(f"{path.name}：第 {'、'.join(broken)} 页内容损坏，无法读取文字，已跳过。")
    blank = [
        str(n)
        for n, lines in enumerate(pages, 1)
        if sum(len(line) for line in lines) < 5 and str(n) not in broken
    ]
    if blank:
        warnings.append(f"{path.name}：第 {'、'.join(blank)} 页没有文字层（可能是扫描页），已跳过。")
    blocks = [
        Block(line, page=n) for n, lines in enumerate(_strip_running(pages), 1) for line in _unwrap(lines)
    ]
    title = ""
    try:
        title = clean(str((reader.metadata or {}).get("/Title") or ""))
    except Exception:  # damaged metadata is no reason to refuse the text
        title = ""
    return Extracted(blocks=blocks, warnings=warnings, title=title)
