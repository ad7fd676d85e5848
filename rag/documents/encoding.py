"""Bytes → text for user documents, and a check for text that was decoded with the wrong encoding.

Chinese files arrive in UTF-8 (with or without a BOM), in GB18030/GBK/GB2312 (government sites, Excel's
"CSV" on a Chinese Windows), now and then in UTF-16 or Big5. :func:`decode` tries the likely ones in
that order and keeps the first that decodes cleanly *and* does not read as mojibake;
:func:`looks_garbled` says why a text looks like mojibake (UTF-8 read as Latin-1 or GBK, replacement
characters, "锟斤拷", "????"), so a garbled document is refused instead of indexed as noise.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

# BOMs, longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> str:
    """Decode a document's bytes: BOM, then UTF-8, then GB18030, then charset-normalizer's guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    # Text that is valid UTF-8 is UTF-8: other encodings practically never form valid sequences
    # (and UTF-8 that is already mojibake stays mojibake in any decoding, for extract() to refuse).
    # NULs mean UTF-16 without a BOM, which is byte-wise valid UTF-8 too.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" not in text:
            return text
    try:
        gb: str | None = data.decode("gb18030")
    except UnicodeDecodeError:
        gb = None
    if gb is not None and looks_garbled(gb) is None:
        return gb
    # Not GB18030, or it reads as nonsense (Big5 bytes are valid GBK, but land in its private-use
    # area): let charset-normalizer weigh the other encodings.
    guessed = _guess(data)
    if guessed is not None and (gb is None or looks_garbled(guessed) is None):
        return guessed
    return gb if gb is not None else data.decode("utf-8", errors="replace")


def _guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError as e:  # it comes with requests, but say so if it is missing
        raise ImportError("charset-normalizer is required: pip install -e .") from e
    best = from_bytes(data).best()
    return None if best is None else str(best)


# --- mojibake ---------------------------------------------------------------------------------------

_GARBLED_MARKERS = ("锟斤拷", "烫烫烫", "屯屯屯")  # GBK views of U+FFFD pairs / uninitialised memory
_QUESTION_RUN = re.compile(r"\?{3,}")
_SPACE = re.compile(r"\s+")


@cache
def _latin_bytes() -> dict[str, int]:
    """Each character a byte 0x80–0xFF turns into under Latin-1 or Windows-1252 → that byte."""
    table = {chr(b): b for b in range(0x80, 0x100)}
    for b in range(0x80, 0xA0):
        ch = bytes([b]).decode("cp1252", errors="ignore")
        if ch:
            table[ch] = b
    return table


@cache
def _latin_runs() -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(_latin_bytes())) + "]{2,}")


_UTF8_ANY = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_UTF8_LONG = re.compile(rb"[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _recover(data: bytes, min_size: int = 2) -> str:
    """The characters that ``data``'s valid UTF-8 sequences of ``min_size`` or more bytes decode to."""
    pattern = _UTF8_ANY if min_size <= 2 else _UTF8_LONG
    # errors="ignore" drops the few byte patterns the regex lets through (overlongs, surrogates).
    return "".join(m.group().decode("utf-8", errors="ignore") for m in pattern.finditer(data))


def _latin_mojibake(text: str) -> int:
    """Characters of ``text`` that are UTF-8 bytes shown as Latin-1/cp1252 ("å»ä¿" for "医保")."""
    table = _latin_bytes()
    count = 0
    for run in _latin_runs().findall(text):
        recovered = _recover(bytes(table[ch] for ch in run))
        count += len(recovered.encode("utf-8"))  # one character of ``text`` per byte
    return count


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\ufffd]{2,}")  # U+FFFD ends a run: it has no GBK bytes


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _gbk_mojibake(text: str) -> tuple[int, int]:
    """(bytes that re-read as common Chinese in UTF-8, all non-ASCII bytes) for ``text`` in GB18030.

    UTF-8 shown as GBK ("鍖讳繚" for "医保") goes back to 3-byte UTF-8 almost byte for byte, and to
    common characters. Real GBK text forms such sequences only by chance (a few percent of its
    bytes), and then mostly to rare characters.
    """
    valid = total = 0
    for run in _NON_ASCII_RUN.findall(text):
        data = run.encode("gb18030", errors="ignore")
        total += len(data)
        valid += sum(len(ch.encode("utf-8")) for ch in _recover(data, min_size=3) if _in_gb2312(ch))
    return valid, total


def _is_rare(ch: str) -> bool:
    """Private-use, CJK compatibility and half-width-Katakana characters: rare in real Chinese text."""
    cp = ord(ch)
    return (
        0xE000 <= cp <= 0xF8FF  # private use (GBK's user-defined area, broken fonts)
        or 0xF900 <= cp <= 0xFAFF  # CJK compatibility ideographs
        or 0x2F800 <= cp <= 0x2FA1F
        or 0xFF61 <= cp <= 0xFF9F  # half-width katakana: Shift-JIS confusion
        or 0xF0000 <= cp
    )


_SAMPLE = 60_000


def _sample(text: str) -> str:
    """Start, middle and end of a long text: mojibake runs through a whole file, and a 50 MB
    document should not take a minute to check."""
    if len(text) <= 3 * _SAMPLE:
        return text
    middle = len(text) // 2 - _SAMPLE // 2
    return "\n".join((text[:_SAMPLE], text[middle : middle + _SAMPLE], text[-_SAMPLE:]))


def looks_garbled(text: str) -> str | None:
    """Why ``text`` looks like mojibake (decoded with the wrong encoding), or None when it reads fine.

    Thresholds are shares of the text, so one stray symbol, a "?" used as a separator or an English
    word with an accent in a Chinese document does not condemn it.
    """
    text = _sample(text)
    body = _SPACE.sub("", text)
    if not body:
        return None
    n = len(body)
    for marker in _GARBLED_MARKERS:
        if marker in body:
            return f"它含有“{marker}”，这是编码转换出错留下的乱码"
    replacement = body.count("\ufffd")
    if (replacement >= 3 and replacement / n >= 0.005) or replacement / n >= 0.1:
        return f"{replacement} 个字符无法解码（显示为 �），文件编码可能不对"
    latin = _latin_mojibake(text)  # not ``body``: U+00A0 and U+0085 are mojibake bytes here
    if latin >= 6 and latin / n >= 0.05:
        return "UTF-8 文字被当作西文（Latin-1）读出，出现了“å»ä¿”一类乱码"
    valid, total = _gbk_mojibake(body)
    if valid >= 9 and valid / total >= 0.5:
        return "UTF-8 文字被当作 GBK 读出，出现了“鍖讳繚”一类乱码"
    rare = sum(1 for ch in body if _is_rare(ch))
    if rare >= 5 and rare / n >= 0.1:
        return f"{rare} 个罕见字符（私用区、兼容汉字），文件编码可能不对"
    questions = sum(len(m) for m in _QUESTION_RUN.findall(body))
    if questions >= 9 and questions / n >= 0.1:
        return "大量文字变成了“???”，保存时编码丢失了中文"
    return None
