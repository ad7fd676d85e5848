"""Benchmark for bring-your-own-documents (``rag bench --documents``).

Two questions an office running this asks before adding its booklets:

* **How long does adding a 100-page PDF take?** A Chinese Q&A booklet is written with reportlab's
  built-in CJK font (4 numbered questions per page, a running header, page numbers), then added to a
  copy of the corpus: text extraction, structure detection, and the incremental index update (only
  the new document's chunks are embedded; the seeds' vectors come from the cache).
* **How fast is retrieval over 10,000 items?** Synthetic items (sentences of the real corpus
  recombined) with random unit vectors for the dense side (embedding 20,000 texts would take an hour
  here and does not change search time) and the real BM25 index; the questions are real eval
  questions, embedded by the real embedder.

Results go to ``eval/bench/documents.json`` and ``.md``.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from .settings import Settings

SYNTHETIC_DIM_SEED = 12


def _sentences(items: list[Any]) -> list[str]:
    from .sentences import split_sentences

    # Whole plain sentences: a list entry ("1. 点击…") would start a numbered item of its own, and a
    # short verdict joined to the next ("不可以。首先，…") could end a wrapped PDF line at its "。",
    # which reads as a paragraph's end.
    return [
        s for it in items for s in split_sentences(it.answer)
        if 12 <= len(s) <= 80 and "\n" not in s and not re.search(r"[。！？].", s)
        and not re.match(r"\s*[\d一二三四五六七八九十]+\s*[.、．]", s)
    ]  # fmt: skip


def write_booklet(path: Path, pages: int, sentences: list[str], per_page: int = 4) -> int:
    """A numbered Q&A booklet as a PDF with a text layer; returns the number of questions."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rng = random.Random(7)
    c = canvas.Canvas(str(path))
    n = 0
    for page in range(1, pages + 1):
        c.setFont("STSong-Light", 10)
        c.drawString(220, 810, "某市医疗保障政策问答（测试）")
        y = 770
        for _ in range(per_page):
            n += 1
            first, second = rng.sample(sentences, 2)
            c.setFont("STSong-Light", 11)
            c.drawString(60, y, f"{n}. 关于第{n}项待遇，{first[:18].rstrip('，。；')}怎么办？")
            y -= 20
            for line in _wrap(first + second, 38):
                c.drawString(72, y, line)
                y -= 16
            y -= 14
        c.setFont("STSong-Light", 9)
        c.drawString(290, 30, f"- {page} -")
        c.showPage()
    c.save()
    return n


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def add_pdf(s: Settings, pages: int) -> dict[str, Any]:
    from .assistant import Assistant
    from .documents import formats, library
    from .documents.blocks import Extracted
    from .documents.structure import ParseReport, StructureOptions, detect

    base = Assistant.load(s, progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus, index = root / "corpus", root / "index"
        shutil.copytree(s.corpus_dir, corpus)
        shutil.copytree(s.index_dir, index, ignore=shutil.ignore_patterns("kv"))
        pdf = root / "booklet.pdf"
        questions = write_booklet(pdf, pages, _sentences(base.items))
        t0 = time.perf_counter()
        extracted: Extracted = formats.extract(pdf)
        t_extract = time.perf_counter() - t0
        t0 = time.perf_counter()
        drafts = detect(extracted, StructureOptions(), ParseReport())
        t_detect = time.perf_counter() - t0
        t0 = time.perf_counter()
        parsed = library.add(corpus, pdf, label="测试手册")
        t_add = time.perf_counter() - t0
        settings = s.model_copy(update={"corpus_dir": corpus, "index_dir": index})
        a = Assistant(settings, base.items, base.index, base.retriever.embedder)
        t0 = time.perf_counter()
        fresh = a.refreshed()
        t_index = time.perf_counter() - t0
    return {
        "pages": pages,
        "questions_written": questions,
        "items_found": len(parsed.items),
        "drafts_found": len(drafts),
        "extract_s": round(t_extract, 2),
        "detect_s": round(t_detect, 3),
        "add_s": round(t_add, 2),
        "index_update_s": round(t_index, 1),
        "chunks_embedded": fresh.index.manifest.embedded,
        "chunks_total": fresh.index.manifest.n_chunks,
        "total_s": round(t_add + t_index, 1),
    }


def retrieval_at_scale(s: Settings, n_items: int, n_questions: int = 100) -> dict[str, Any]:
    """Retrieval latency over ``n_items`` synthetic items (two vectors each)."""
    import faiss

    from .corpus import load_items
    from .embedding import load_embedder
    from .evaluation.evalset import load_evalset
    from .index import DenseIndex, Manifest
    from .records import Chunk, Item
    from .retrieval import HybridRetriever

    seeds = load_items(s.corpus_dir)
    sentences = _sentences(seeds)
    rng = random.Random(SYNTHETIC_DIM_SEED)
    items, chunks = [], []
    for i in range(n_items):
        answer = "".join(rng.sample(sentences, 3))
        question = f"{rng.choice(sentences)[:20]}怎么办？"
        it = Item("synthetic", "合成", "", str(i), f"合成·问{i}", question, answer)
        items.append(it)
        chunks.append(Chunk(len(chunks), it.source, it.qid, it.label, question, answer))
        chunks.append(Chunk(len(chunks), it.source, it.qid, it.label, question, question, "question"))
    embedder = load_embedder(s)
    dim = len(embedder.embed_queries(["维度"])[0])
    vecs = np.random.default_rng(SYNTHETIC_DIM_SEED).standard_normal((len(chunks), dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    fi = faiss.IndexFlatIP(dim)
    fi.add(vecs)
    manifest = Manifest(0, "", embedder.model_id, 0, 0, dim, len(chunks))
    t0 = time.perf_counter()
    retriever = HybridRetriever(
        DenseIndex(manifest, chunks, fi), items, embedder, s.candidates, s.rrf_k, s.bm25_weight,
        s.asked_weight, s.keyword_ngrams,
    )  # fmt: skip
    t_bm25 = time.perf_counter() - t0
    questions = [r.question for r in load_evalset(Path("eval/evalset.jsonl"))][:n_questions]
    retriever.search(questions[0], 5)  # warm-up (jieba, torch)
    total, embed, dense = [], [], []
    for q in questions:
        t0 = time.perf_counter()
        qvec = embedder.embed_queries([q])[0]
        t1 = time.perf_counter()
        fi.search(qvec.reshape(1, -1), 2000)
        t2 = time.perf_counter()
        retriever.search(q, 5)
        total.append(time.perf_counter() - t2)
        embed.append(t1 - t0)
        dense.append(t2 - t1)

    def p(v: list[float], q: int) -> float:
        return round(float(np.percentile(v, q)) * 1000, 1)

    return {
        "items": n_items,
        "vectors": len(chunks),
        "keyword_index_build_s": round(t_bm25, 1),
        "retrieval_ms_p50": p(total, 50),
        "retrieval_ms_p99": p(total, 99),
        "query_embedding_ms_p50": p(embed, 50),
        "faiss_flat_search_ms_p50": p(dense, 50),
        "questions": len(questions),
    }


def run(s: Settings, out: Path, pages: int = 100, n_items: int = 10_000) -> dict[str, Any]:
    from .bench import _machine

    result = {
        "machine": _machine(),
        "add_pdf": add_pdf(s, pages),
        "retrieval_at_scale": retrieval_at_scale(s, n_items),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    return result


def markdown(r: dict[str, Any]) -> str:
    a, q = r["add_pdf"], r["retrieval_at_scale"]
    m = r["machine"]
    return "\n".join(
        [
            f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores.",
            "",
            "| Adding a document | |",
            "|---|---|",
            f"| {a['pages']}-page PDF, {a['questions_written']} numbered questions | "
            f"{a['items_found']} items found |",
            f"| text extraction (pypdf) | {a['extract_s']} s |",
            f"| structure detection | {a['detect_s']} s |",
            f"| `rag docs add` (checks, parse, copy, manifest) | {a['add_s']} s |",
            f"| index update: {a['chunks_embedded']} new chunks embedded of {a['chunks_total']} | "
            f"{a['index_update_s']} s |",
            f"| **total** | **{a['total_s']} s** |",
            "",
            "| Retrieval at scale | |",
            "|---|---|",
            f"| synthetic items / vectors | {q['items']} / {q['vectors']} |",
            f"| keyword index build | {q['keyword_index_build_s']} s |",
            f"| retrieval p50 / p99 ({q['questions']} eval questions) | "
            f"{q['retrieval_ms_p50']} / {q['retrieval_ms_p99']} ms |",
            f"| of which: question embedding p50 | {q['query_embedding_ms_p50']} ms |",
            f"| of which: exact FAISS search p50 | {q['faiss_flat_search_ms_p50']} ms |",
            "",
        ]
    )
