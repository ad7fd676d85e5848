"""Text normalisation shared by documents and questions, so both sides of a match look alike.

* traditional → simplified (OpenCC ``t2s``): 醫保卡 → 医保卡, 老闆 → 老板;
* look-alike characters that OpenCC does not map (看疒 → 看病, 朤 → 月; found in the scraped page);
* for questions also full-width letters and digits (ＡＢＣ１２３ → abc123) and lower case, so
  "Medical Insurance" and "ＭＥＤＩＣＡＬ" hit the same keyword.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Look-alike characters in the scraped page that OpenCC does not map (seeds README + found by hand).
LOOKALIKES = {
    "看疒": "看病",
    "朤": "月",
    "筞": "策",
    "哋": "地",
    "僦": "就",
    "昰": "是",
    "┅": "一",
    "覀": "西",
    "洳": "如",
    "嘚": "的",
    "呮": "只",
    "鼡": "用",
    "伱": "你",
}

# Full-width ASCII letters and digits → half-width. Chinese punctuation (，。？) stays: the
# sentence splitter and the answer checks read it.
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}


@lru_cache(maxsize=1)
def _opencc():  # type: ignore[no-untyped-def]
    try:
        import opencc
    except ImportError as e:  # pragma: no cover - dependency of the package
        raise ImportError("opencc is required: pip install -e . (it is a core dependency)") from e
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Traditional → simplified plus the look-alike map; odd spaces become plain spaces."""
    text = _opencc().convert(text)
    for bad, good in LOOKALIKES.items():
        text = text.replace(bad, good)
    return text.replace("\u3000", " ").replace("\xa0", " ")


def normalise_query(text: str) -> str:
    """What retrieval searches for: :func:`normalise`, full-width letters/digits, lower case."""
    return normalise(text).translate(_FULLWIDTH_ALNUM).lower()


_INTERROGATIVE = re.compile(r"怎么|怎样|什么|吗|哪|如何|是否|多少|为何|为什么|呢|几")
_CLAUSE_START = re.compile(r"[，,。：:；;！!？、\n]")


def restore_separators(text: str, lost: str = "?") -> str:
    """A scraped page whose encoding lost punctuation shows ``lost`` in its place ("填写转诊申请表?
    首诊医院…出具意见?医院…审核"). Between two Chinese characters, one that ends a clause without a
    question word was a list separator: it becomes "、". A real question mark stays."""
    out = []
    for i, ch in enumerate(text):
        if ch == lost and 0 < i < len(text) - 1 and _is_han(text[i - 1]) and _is_han(text[i + 1]):
            clause = _CLAUSE_START.split(text[:i])[-1]
            if not _INTERROGATIVE.search(clause):
                ch = "、"
        out.append(ch)
    return "".join(out)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
