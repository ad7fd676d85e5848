"""Stage 3b: keyword search — BM25 (bm25s) over jieba search-mode tokens and character bigrams.

Why jieba + bm25s rather than hand-written code: jieba's dictionary segments Chinese words
(医保/报销/异地就医) far better than character n-grams, and bm25s scores with sparse matrices.
Character bigrams beside the words keep a match when one character is wrong (医宝卡 still shares
"卡" words and the bigram-free rest; 意地就医 keeps 就医) or when jieba cuts a terse question
differently from the document.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from .documents.blocks import DocumentError

# Function words and question fillers that every FAQ question shares; they only add noise.
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 是 在 我 你 他 她 们 我们 这 那 这个 那个 有 和 与 及 或 也 都 就 还 又 "
    "能 能够 可以 会 要 需要 怎么 怎么办 怎样 如何 什么 哪些 为什么 是否 请问 一下 一个 没有 不 "
    "给 把 被 让 对 从 到 吗？ 么 嘛 啥 咋 该 应该 行 行吗 可 多 少 个 之 其 而 等".split()
)
_WORD = re.compile(r"[\w\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs its dictionary build at INFO on first use
    jieba.initialize()
    return jieba


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of every run of Chinese characters, marked so they never
    collide with a two-character jieba word."""
    return ["#" + run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)]


def tokenize(text: str, ngrams: bool = False) -> list[str]:
    text = text.lower()
    words = _jieba().lcut_for_search(text)
    tokens = [t for t in words if t.strip() and _WORD.search(t) and t not in STOPWORDS]
    return tokens + bigrams(text) if ngrams else tokens


SYNONYMS_FILE = "synonyms.tsv"


def read_synonyms(path: Path) -> dict[str, str]:
    """The asker's everyday words → the documents' words for the same thing (``corpus/synonyms.tsv``,
    "word<TAB>words"); a missing file means none."""
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        word, sep, words = line.partition("\t")
        if not sep or not word.strip() or not words.strip():
            why = f"{path}:{n}: expected 'word<TAB>the documents' words', got {line!r}; fix or delete it"
            raise DocumentError("unreadable", why)
        out[word.strip()] = words.strip()
    return out


def documents_words(text: str, synonyms: dict[str, str]) -> str:
    """The documents' words for the everyday words in a text ("打零工" → "灵活就业"), space-separated."""
    return " ".join(words for word, words in synonyms.items() if word in text)


class KeywordIndex:
    def __init__(self, texts: list[str], ngrams: bool = True, synonyms: dict[str, str] | None = None) -> None:
        import bm25s

        self.ngrams = ngrams
        # A question says 老家 where the documents say 参保地, 公司 where they say 单位: the keyword
        # side also searches for the documents' words (the dense side knows neither well).
        self.synonyms = synonyms or {}
        self._bm25 = bm25s.BM25()
        self._bm25.index([tokenize(t, ngrams) for t in texts], show_progress=False)
        self._size = len(texts)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for the query (zeros when no token matches)."""
        extra = documents_words(query, self.synonyms)
        tokens = [t for t in tokenize(query, self.ngrams) if t in self._bm25.vocab_dict]
        tokens += [t for t in tokenize(extra, self.ngrams) if t in self._bm25.vocab_dict and t not in tokens]
        if not tokens:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
