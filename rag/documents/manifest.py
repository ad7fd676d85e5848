"""The 资料库 manifest: ``corpus/manifest.toml`` lists every document the assistant answers from.

Each entry says where the file is, how to cite it and what is special about it (its region, its
parse settings) — data a maintainer can read and edit, so no code names a document. ``rag docs``
edits it; writes are atomic (a temp file renamed over the old one), so a failed add leaves it as
it was.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .blocks import DocumentError
from .structure import StructureOptions

FILE_NAME = "manifest.toml"
HEADER = (
    "# 资料库: every document the assistant answers from. Edit with `rag docs add/remove`, or by hand\n"
    "# (then the index rebuilds what changed on the next start). Fields: see rag/documents/manifest.py.\n"
)


class DocumentEntry(BaseModel):
    """One document of the corpus."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable short id (ASCII), also the stem of the file in corpus/.")
    file: str = Field(description="File name, relative to the corpus folder.")
    title: str = Field(description="Shown with citations and in the sources panel.")
    label: str = Field(
        "",
        description=(
            "Citation prefix: '' cites items as the document numbers them ([问12]); '穗医保' "
            "gives [穗医保·问12]. Labels must be unique across documents."
        ),
    )
    region: str = Field("", description="Province or city whose rules the document states; '' if national.")
    region_items: list[str] = Field(
        default_factory=list,
        description="If set, only these items (by qid), and items naming region_words, carry the note.",
    )
    region_words: list[str] = Field(
        default_factory=list, description="Words that mark an item as regional (e.g. the province's name)."
    )
    format: str = Field("", description="Format name (rag.documents.formats); '' means by file suffix.")
    sha256: str = Field("", description="Of the file's bytes when it was added: finds duplicates.")
    added: str = Field("", description="Date the document was added (YYYY-MM-DD).")
    options: StructureOptions = Field(
        default_factory=StructureOptions, description="How its structure is read (non-defaults only)."
    )

    def path(self, corpus_dir: Path) -> Path:
        return corpus_dir / self.file

    def regional(self, qid: str, text: str) -> bool:
        """Whether an item states this document's regional rule."""
        if not self.region:
            return False
        if not self.region_items and not self.region_words:
            return True  # a regional document: every item is the region's rule
        return qid in self.region_items or any(w in text for w in self.region_words)

    def to_toml(self) -> dict[str, Any]:
        data = self.model_dump(exclude={"options"})
        options = self.options.model_dump(exclude_defaults=True)
        return {**data, "options": options} if options else data


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentEntry] = Field(default_factory=list)

    def get(self, doc: str) -> DocumentEntry:
        """By id, file name or title."""
        for d in self.documents:
            if doc in (d.id, d.file, d.title):
                return d
        known = ", ".join(d.id for d in self.documents) or "none"
        raise DocumentError("not_found", f"no document '{doc}' in the corpus (documents: {known})")


def read(corpus_dir: Path) -> Manifest:
    path = corpus_dir / FILE_NAME
    if not path.is_file():
        raise DocumentError(
            "not_found", f"{path} is missing: the corpus needs its manifest (see README, 'Documents')"
        )
    try:
        return Manifest.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValidationError) as e:
        raise DocumentError("unreadable", f"{path} cannot be read: {e}") from e


def write(corpus_dir: Path, manifest: Manifest) -> None:
    import tomli_w

    body = tomli_w.dumps({"documents": [d.to_toml() for d in manifest.documents]}, multiline_strings=True)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=corpus_dir, prefix=".manifest-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(HEADER + body)
        os.replace(tmp, corpus_dir / FILE_NAME)
    finally:
        Path(tmp).unlink(missing_ok=True)
