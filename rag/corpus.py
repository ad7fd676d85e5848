"""Stage 1: the corpus — every document listed in ``corpus/manifest.toml``, as citable :class:`Item`\\ s.

How a file becomes items lives in :mod:`rag.documents` (format → blocks → structure → items); what
is special about one document (its region, its parse settings) is its manifest entry. This module
is the pipeline's entry point to it.
"""

from __future__ import annotations

from pathlib import Path

from .documents.blocks import DocumentError
from .documents.library import corpus_hash as _corpus_hash
from .documents.library import load
from .documents.structure import ParseReport, cn_numeral, is_caption
from .normalise import normalise
from .records import Item

__all__ = ["CorpusError", "ParseReport", "cn_numeral", "corpus_hash", "is_caption", "load_items", "normalise"]

CorpusError = DocumentError  # the corpus is missing, or a document does not parse into items


def load_items(corpus_dir: Path, report: ParseReport | None = None) -> list[Item]:
    """Every item of every document, labels unique across documents."""
    return load(corpus_dir, report)


def corpus_hash(corpus_dir: Path) -> str:
    """Of the manifest, the documents and the parser version: a change makes the index stale."""
    return _corpus_hash(corpus_dir)
