"""Plain text: one block per non-empty line; which lines are questions is structure detection's call.

Also home to :func:`clean`, the whitespace rule every format applies to a block's text.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..blocks import Block, Extracted
from ..encoding import decode

# str.strip() already covers U+3000 (ideographic space) and U+00A0; BOMs and zero-width spaces are
# not whitespace to Python but are invisible in every editor.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]"
_CJK_GAP = re.compile(rf"(?<={_CJK})[ \t\r\n]+(?={_CJK})")
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0]+")


def clean(text: str) -> str:
    """Trim a line: surrounding whitespace (incl. \\u3000, \\xa0) and invisible BOM/zero-width marks."""
    for ch in _INVISIBLE:
        text = text.replace(ch, "")
    return text.strip()


def clean_flow(text: str) -> str:
    """Whitespace of reflowed text (HTML): runs become one space, and none is left between Chinese
    characters, where a source line break is not a word gap."""
    return clean(_CJK_GAP.sub("", _SPACES.sub(" ", clean(text))))


def read_text(path: Path) -> Extracted:
    text = decode(path.read_bytes())
    return Extracted(blocks=[Block(line) for raw in text.splitlines() if (line := clean(raw))])
