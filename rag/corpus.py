"""Stage 1: the corpus — every document listed in ``corpus/manifest.toml``, as citable :class:`Item`\\ s.

How a file becomes items lives in :mod:`rag.documents` (format → blocks → structure → items); what
is special about one document (its region, its parse settings) is its manifest entry. This module
is the pipeline's entry point to it.
"""

from __future__ import annotations

from .documents.blocks import DocumentError
from .documents.library import corpus_hash
from .documents.library import load as load_items
from .documents.structure import ParseReport, cn_numeral, is_caption
from .normalise import normalise

__all__ = ["CorpusError", "ParseReport", "cn_numeral", "corpus_hash", "is_caption", "load_items", "normalise"]

CorpusError = DocumentError  # the corpus is missing, or a document does not parse into items
