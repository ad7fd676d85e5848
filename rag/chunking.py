"""Stage 2: items → chunks. Only long answers are split; every chunk keeps its item's identity.

Beside the answer pieces, an item gets one chunk per way to ask for it: its own question and its
reviewed phrasings (see :mod:`rag.phrasings`). Retrieval ranks items by each kind and fuses.
"""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from .records import Chunk, Item

# Paragraphs first, then Chinese sentence ends, then clause marks: a chunk should end where a
# sentence does, so the prompt and the sources panel never show half a sentence.
CHINESE_SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", "、", " ", ""]


def make_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=CHINESE_SEPARATORS,
        keep_separator="end",  # "。" stays with the sentence it ends
        strip_whitespace=True,
    )


def chunk_items(
    items: list[Item],
    chunk_size: int,
    chunk_overlap: int,
    phrasings: dict[str, list[str]] | None = None,
    questions: bool = False,
) -> list[Chunk]:
    """Answer pieces of every item, then (if asked) its question and its phrasings by label."""
    splitter = make_splitter(chunk_size, chunk_overlap)
    chunks: list[Chunk] = []
    for item in items:
        pieces = [item.answer] if len(item.answer) <= chunk_size else splitter.split_text(item.answer)
        for piece in pieces:
            chunks.append(
                Chunk(
                    chunk_id=len(chunks),
                    source=item.source,
                    qid=item.qid,
                    label=item.label,
                    question=item.question,
                    text=piece,
                )
            )
    for item in items:
        given = [*item.phrasings, *(phrasings or {}).get(item.label, [])]  # the document's, then reviewed
        asked = ([item.question] if questions else []) + list(dict.fromkeys(given))
        for i, text in enumerate(asked):
            kind = "question" if questions and i == 0 else "phrasing"
            chunks.append(Chunk(len(chunks), item.source, item.qid, item.label, item.question, text, kind))
    return chunks
