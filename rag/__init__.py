"""医保问答助手: offline retrieval-augmented answers from the 医保 FAQ documents.

Pipeline, one module per stage: corpus → chunking → embedding/index/keyword → retrieval → prompt →
generation → citations; :class:`Assistant` ties them together for every entry point.
"""

from .assistant import AnswerStream, Assistant, QuestionError
from .records import Answer, Chunk, Citation, Hit, Item, Timings
from .settings import Settings

__all__ = [
    "Answer",
    "AnswerStream",
    "Assistant",
    "Chunk",
    "Citation",
    "Hit",
    "Item",
    "QuestionError",
    "Settings",
    "Timings",
]
