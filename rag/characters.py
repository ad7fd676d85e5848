"""Story characters of the documents (小王, 赵大爷, 张师傅, 李勇…), found by general rules.

FAQ booklets explain rules through stories; an answer to a real person must not retell them. The
characters are found in the documents' own text, not listed by hand: a common surname with a
kinship or courtesy word (赵大爷, 王阿姨, 冯先生), 小/老/大 + surname (小王, 老李, 大汪), and full
names (李勇, 杨丽萍) that jieba tags as person names and that recur in one item. The prompt masks
them (see :func:`mask`), so the model cannot copy them; the answer checks count any that remain.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .keyword import _jieba

if TYPE_CHECKING:
    from .records import Item

# The ~120 most common Chinese surnames (single characters): general knowledge, not document data.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚"
)
_TITLES = "大爷|大妈|大娘|大婶|大伯|大叔|大姐|大哥|阿姨|叔叔|师傅|先生|女士|小姐|奶奶|爷爷|老人|老汉|老太"
_PATTERN = re.compile(
    f"[{SURNAMES}](?:{_TITLES})|(?<![\u4e00-\u9fff])[小老][{SURNAMES}]|[小老大][{SURNAMES}](?=[，。、：；是在的和与把被说也都因跟向对想去])"
)
# "老王" is a name, "老年" is not: the character after 小/老 must be a surname (checked above);
# words such as 小张 inside 缩小张力 are rare enough in this domain to accept.
MASK = "参保人"


def find_characters(texts: Iterable[str]) -> set[str]:
    """Names of story characters in these texts."""
    texts = list(texts)
    found: set[str] = set()
    for text in texts:
        # A name ends where a word ends: 小程 in 小程序 does not (jieba cuts 小程序 or 程序).
        ends = {end for _, _, end in _jieba().tokenize(text)}
        for m in _PATTERN.finditer(text):
            if m.end() in ends or len(m.group(0)) > 2:
                found.add(m.group(0))
    return found | _full_names(texts)


def _full_names(texts: list[str]) -> set[str]:
    """Two- or three-character names jieba tags as persons (nr) that recur within one text."""
    import jieba.posseg as pseg

    _jieba()  # initialised quietly
    names: set[str] = set()
    for text in texts:
        counts = Counter(w for w, flag in pseg.cut(text) if flag == "nr" and 2 <= len(w) <= 3)
        for word, n in counts.items():
            if n >= 2 and word[0] in SURNAMES and not word.startswith(("小", "老")):
                names.add(word)
    return names


def of_items(items: Iterable[Item]) -> frozenset[str]:
    """The story characters of a corpus: named in its items' questions and answers."""
    return frozenset(find_characters(f"{it.question}\n{it.answer}" for it in items))


def in_text(text: str, characters: Iterable[str]) -> list[str]:
    """The characters named in a text, longest first (杨丽萍 before 杨丽)."""
    return [c for c in sorted(characters, key=len, reverse=True) if c in text]


def mask(text: str, characters: Iterable[str], keep: str = "", word: str = MASK) -> str:
    """Replace character names with a neutral word, except names that ``keep`` (the asker's
    question) uses itself."""
    for name in in_text(text, characters):
        if name not in keep:
            text = text.replace(name, word)
    return text
