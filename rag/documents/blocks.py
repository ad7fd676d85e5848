"""What a document format hands to structure detection, and the errors a document can raise.

A format (``rag.documents.formats``) turns a file into :class:`Extracted`: text blocks in reading
order (paragraphs, headings, list entries) or, for question/answer tables, ready :class:`Pair`\\ s.
Structure detection (``rag.documents.structure``) turns those into :class:`Draft` items; the
document's manifest entry then gives them their labels and metadata (``rag.records.Item``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["para", "heading", "list"]


@dataclass(frozen=True)
class Block:
    """One paragraph, heading or list entry, whitespace-trimmed, in reading order.

    Automatic numbering a format renders (Word's "1." / "（一）") is already part of ``text``.
    """

    text: str
    kind: BlockKind = "para"
    level: int = 0  # heading level (1 = top), 0 for paragraphs
    page: int = 0  # 1-based page of a PDF, 0 when the format has no pages


@dataclass(frozen=True)
class Pair:
    """A question/answer pair read from a table; ``phrasings`` are other ways to ask it."""

    question: str
    answer: str
    phrasings: tuple[str, ...] = ()
    number: str = ""  # the row's number as written, if the table has a number column


@dataclass
class Extracted:
    blocks: list[Block] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title: str = ""  # a title found in the file (HTML <title>, Word core properties), if any


@dataclass(frozen=True)
class Draft:
    """An item as found in a document, before the manifest entry labels it.

    ``cite`` is its number as the document writes it ("问12", "第5条", "Q3", "一"), or a short
    section key; the item's label is ``cite`` or ``"{document label}·{cite}"``.
    """

    qid: str  # unique within the document
    cite: str
    question: str
    answer: str
    section: str = ""
    phrasings: tuple[str, ...] = ()


ErrorCode = Literal[
    "unsupported",
    "needs_ocr",
    "encrypted",
    "empty",
    "no_items",
    "duplicate",
    "too_large",
    "mojibake",
    "unreadable",
    "not_found",
]


class DocumentError(ValueError):
    """A document that cannot be added: ``code`` says why, the message says what to do."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
