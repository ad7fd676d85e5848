"""Small typed records that flow through the pipeline (no loose dicts)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Item:
    """One citable FAQ entry (a question and its answer) from a source document."""

    source: str  # short stable document id, e.g. "hubei-faq"
    doc_title: str
    section: str
    qid: str  # unique within the document: "12", or a blog section key such as "转诊"
    label: str  # citation label without brackets, unique across documents: "问12", "异地就医·问6"
    question: str
    answer: str
    region: str = ""  # the province or city whose rule this item states ("" for national rules)
    phrasings: tuple[str, ...] = ()  # other ways to ask it, given by the document (Q&A tables)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.qid}"

    @property
    def marker(self) -> str:
        return f"[{self.label}]"


@dataclass(frozen=True)
class Chunk:
    """What the index holds for an item: a piece of its answer (``kind="answer"``, carrying the
    question so it can be found by it), or a way to ask for it — its own question
    (``"question"``) or a reviewed phrasing (``"phrasing"``), whose ``text`` is that question."""

    chunk_id: int
    source: str
    qid: str
    label: str
    question: str
    text: str  # the answer piece, or the question/phrasing
    kind: str = "answer"

    @property
    def key(self) -> str:
        return f"{self.source}:{self.qid}"

    @property
    def is_answer(self) -> bool:
        return self.kind == "answer"

    def embed_text(self) -> str:
        return f"{self.question}\n{self.text}" if self.is_answer else self.text


@dataclass
class Hit:
    """One retrieved item, with the scores that retrieval, prompt and refusal logic use."""

    source: str
    qid: str
    label: str
    question: str
    section: str
    text: str  # best-matching chunk of the answer
    score: float  # fused (RRF) score, used for ranking
    dense: float  # best cosine similarity of a chunk of this item, used for refusal
    bm25: float
    full_text: str = ""  # the item's whole answer, for the sources panel

    @property
    def key(self) -> str:
        return f"{self.source}:{self.qid}"

    def brief(self) -> dict[str, Any]:
        return {"source": self.source, "qid": self.qid, "label": self.label, "score": round(self.score, 5)}


@dataclass(frozen=True)
class Evidence:
    """One source sentence an answer rests on, quoted exactly as the document writes it."""

    source: str
    qid: str
    label: str
    index: int  # 0-based position among the item's sentences (rag.sentences)
    text: str
    # As shown, when it differs from ``text``: a story character's name replaced by an editorial
    # "〔参保人〕" (the reply rests on that sentence; the asker did not name the character).
    shown: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    source: str
    qid: str
    label: str
    question: str = ""
    text: str = ""  # the item's whole answer, for the sources panel
    sentences: tuple[str, ...] = ()  # the sentences the answer quotes from it (highlighted)

    def brief(self) -> dict[str, str]:
        return {"source": self.source, "qid": self.qid, "label": self.label}


@dataclass
class Timings:
    retrieval_s: float = 0.0
    first_token_s: float | None = None  # the generator's first token
    decode_s: float | None = None  # first to last sampled token, as the generator measured it
    generation_s: float = 0.0
    total_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens whose KV state was reused rather than processed
    first_text_s: float | None = None  # the first character the asker sees (after the checks)

    @property
    def tokens_per_s(self) -> float | None:
        """Decoding speed: tokens after the first over the time from the first to the last token
        (the citation checks that finish the answer afterwards are not decoding)."""
        if self.completion_tokens < 2 or self.first_token_s is None:
            return None
        decode = self.decode_s or self.total_s - self.first_token_s
        return (self.completion_tokens - 1) / decode if decode > 0 else None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tokens_per_s"] = self.tokens_per_s
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in d.items()}


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation]
    refused: bool
    retrieved: list[Hit]
    timings: Timings = field(default_factory=Timings)
    mode: str = "generated"  # generated | extractive | refused
    notes: list[str] = field(default_factory=list)  # what the pipeline changed, for transparency
    body: str = ""  # the reply itself: text without the quoted evidence and the region note
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "body": self.body,
            "refused": self.refused,
            "mode": self.mode,
            "evidence": [e.to_dict() for e in self.evidence],
            "citations": [
                {
                    **c.brief(),
                    **(
                        {"question": c.question, "text": c.text, "sentences": list(c.sentences)}
                        if full
                        else {}
                    ),
                }
                for c in self.citations
            ],
            "retrieved": [h.brief() for h in self.retrieved],
            "timings": self.timings.to_dict(),
            "notes": self.notes,
        }
