"""Document formats: a file → :class:`~rag.documents.blocks.Extracted`, by file suffix.

Each format lives in its own module and imports its library (python-docx, pypdf, …) only when it
reads a file, so a missing library says which ``pip install`` fixes it instead of breaking
``import rag``. :func:`extract` adds the checks every format shares: the file exists, is not too
large, has text, and the text is not mojibake.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..blocks import DocumentError, Extracted
from ..encoding import looks_garbled
from .docx import read_docx
from .html import read_html
from .markdown import read_markdown
from .pdf import read_pdf
from .table import read_csv, read_xlsx
from .text import read_text

FORMATS: dict[str, Callable[[Path], Extracted]] = {
    "text": read_text,
    "markdown": read_markdown,
    "html": read_html,
    "pdf": read_pdf,
    "docx": read_docx,
    "csv": read_csv,
    "xlsx": read_xlsx,
}

SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".htm": "html",
    ".html": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
}

# Formats people try that we do not read, and what to do instead.
_CONVERT: dict[str, str] = {
    ".doc": "请用 Word 或 WPS 另存为 .docx",
    ".wps": "请用 WPS 另存为 .docx",
    ".rtf": "请用 Word 另存为 .docx",
    ".odt": "请另存为 .docx",
    ".xls": "请用 Excel 或 WPS 另存为 .xlsx",
    ".et": "请用 WPS 另存为 .xlsx",
    ".ods": "请另存为 .xlsx",
    ".ppt": "请把文字复制到 .docx，或导出为带文字的 PDF",
    ".pptx": "请把文字复制到 .docx，或导出为带文字的 PDF",
    ".jpg": "图片需要先做文字识别（OCR），再把文字存为 .txt 或 .docx",
    ".jpeg": "图片需要先做文字识别（OCR），再把文字存为 .txt 或 .docx",
    ".png": "图片需要先做文字识别（OCR），再把文字存为 .txt 或 .docx",
}

MAX_BYTES = 50 * 2**20


def supported() -> str:
    return " ".join(SUFFIXES)


def format_for(path: Path) -> str:
    """The format name for ``path``'s suffix; DocumentError("unsupported") for any other file."""
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    hint = _CONVERT.get(suffix, "")
    what = f"“{suffix}”文件" if suffix else "没有扩展名的文件"
    raise DocumentError(
        "unsupported",
        f"{path.name}：不支持{what}。{hint + '。' if hint else ''}"
        f"支持的格式：{supported()}（旧版 .doc/.xls 与 .pptx 请先另存为 .docx/.xlsx）。",
    )


def check_file(path: Path, fmt: str | None = None, max_bytes: int = MAX_BYTES) -> str:
    """The checks that need no reading: the file exists, its format is known, its size is allowed.
    Returns the format name."""
    if not path.is_file():
        raise DocumentError("not_found", f"找不到文件：{path}")
    fmt = fmt or format_for(path)
    if fmt not in FORMATS:
        raise DocumentError("unsupported", f"{path.name}：未知格式“{fmt}”，可选：{', '.join(FORMATS)}。")
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(
            "too_large",
            f"{path.name} 有 {size / 2**20:.1f} MB，超过上限 {max_bytes / 2**20:.0f} MB。"
            "请拆分成几个文件再添加。",
        )
    if size == 0:
        raise DocumentError("empty", f"{path.name} 是空文件。")
    return fmt


def extract(path: Path, fmt: str | None = None, max_bytes: int = MAX_BYTES) -> Extracted:
    """Read ``path`` as ``fmt`` (default: by suffix) into blocks or question/answer pairs.

    Raises DocumentError: not_found, unsupported, too_large, empty, mojibake, unreadable, or what the
    format itself finds (needs_ocr, encrypted, no_items).
    """
    path = Path(path)
    fmt = check_file(path, fmt, max_bytes)
    try:
        extracted = FORMATS[fmt](path)
    except (DocumentError, ImportError):
        raise
    except Exception as e:  # a library's own error for a damaged or mislabelled file
        raise DocumentError(
            "unreadable",
            f"无法读取 {path.name}：文件可能已损坏，或并不是真正的 {path.suffix or fmt} 文件"
            f"（{type(e).__name__}: {e}）。",
        ) from e
    texts = [b.text for b in extracted.blocks]
    for pair in extracted.pairs:
        texts += [pair.question, pair.answer, *pair.phrasings]
    if not any(t.strip() for t in texts):
        raise DocumentError("empty", f"{path.name} 里没有可读的文字。")
    reason = looks_garbled("\n".join(texts))
    if reason:
        raise DocumentError(
            "mojibake",
            f"{path.name} 的文字看起来是乱码：{reason}。"
            "请用记事本或 WPS 打开确认，另存为 UTF-8 编码后再添加。",
        )
    return extracted
