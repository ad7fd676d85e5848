"""Stage 1 in detail: any document becomes citable items.

    file ──formats/──▶ Extracted (text blocks, or Q&A table pairs)
         ──structure──▶ Draft items (问/答, Q:/A:, numbered questions, headings, 第N条, sections)
         ──library────▶ Item records, labelled and given a region by the document's manifest entry

``manifest`` reads and writes ``corpus/manifest.toml``; ``library`` adds, previews and removes
documents (a failed add changes nothing); ``blocks`` holds the records and :class:`DocumentError`.
"""

from .blocks import DocumentError
from .library import Parsed, add, load, preview, remove

__all__ = ["DocumentError", "Parsed", "add", "load", "preview", "remove"]
