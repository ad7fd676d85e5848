"""The document library: every manifest entry parsed into citable items; add, preview, remove.

A document goes format → blocks → structure → drafts → items; the entry gives the items their
labels, title and region. An add is checked completely (type, size, duplicate, text, items,
labels) on the uploaded file before anything in ``corpus/`` changes, so a failed add changes
nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..records import Item
from . import formats, manifest
from .blocks import DocumentError, Extracted
from .manifest import DocumentEntry, Manifest
from .structure import ParseReport, StructureOptions, detect

PARSER_VERSION = "4"  # bump when parsing changes: it is part of the index's corpus hash
LABEL_SEP = "·"
_NO_TITLE = {"untitled", "无标题", "title", "document", "文档", "anonymous"}


@dataclass
class Parsed:
    entry: DocumentEntry
    items: list[Item]
    report: ParseReport


def parse_entry(
    entry: DocumentEntry, corpus_dir: Path, path: Path | None = None, extracted: Extracted | None = None
) -> Parsed:
    """Items of one document (``path`` overrides the entry's file: a file not yet added)."""
    path = path or entry.path(corpus_dir)
    if not path.is_file():
        raise DocumentError("not_found", f"{entry.id}: file missing: {path}")
    if extracted is None:
        extracted = formats.extract(path, entry.format or None)
    report = ParseReport()
    report.warnings.extend(extracted.warnings)
    drafts = detect(extracted, entry.options, report)
    if not drafts:
        raise DocumentError("no_items", f"{path.name}: no text found that could become items")
    items = [
        Item(
            source=entry.id,
            doc_title=entry.title,
            section=d.section,
            qid=d.qid,
            label=f"{entry.label}{LABEL_SEP}{d.cite}" if entry.label else d.cite,
            question=d.question,
            answer=d.answer,
            region=entry.region if entry.regional(d.qid, d.answer) else "",
            phrasings=d.phrasings,
        )
        for d in drafts
    ]
    empty = [it.label for it in items if not it.answer or not it.question]
    if empty:
        raise DocumentError("no_items", f"{entry.id}: items with an empty question or answer: {empty}")
    labels = [it.label for it in items]
    if len(set(labels)) != len(labels):
        dup = sorted({lb for lb in labels if labels.count(lb) > 1})
        raise DocumentError("no_items", f"{entry.id}: citation labels repeat within the document: {dup}")
    return Parsed(entry, items, report)


def load(corpus_dir: Path, report: ParseReport | None = None) -> list[Item]:
    """Every item of every document in the manifest; labels unique across documents."""
    m = manifest.read(corpus_dir)
    items: list[Item] = []
    for entry in m.documents:
        parsed = parse_entry(entry, corpus_dir)
        if report is not None:
            report.merge(parsed.report, prefix=f"{entry.id}: " if len(m.documents) > 1 else "")
        clash = {it.label for it in items} & {it.label for it in parsed.items}
        if clash:
            raise DocumentError(
                "duplicate", f"{entry.id}: citation labels already used by another document: {sorted(clash)}"
            )
        items.extend(parsed.items)
    if not items:
        raise DocumentError("no_items", f"the corpus at {corpus_dir} has no documents")
    return items


def corpus_hash(corpus_dir: Path) -> str:
    """Of the manifest, every document's bytes and the parser version: a change makes the index stale."""
    m = manifest.read(corpus_dir)
    h = hashlib.sha256(PARSER_VERSION.encode())
    for entry in m.documents:
        h.update(entry.model_dump_json().encode())
        path = entry.path(corpus_dir)
        h.update(path.read_bytes() if path.is_file() else b"\x00missing")
    return h.hexdigest()


# ------------------------------------------------------------------------------------- editing
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _new_id(stem: str, digest: str, taken: set[str]) -> str:
    """An ASCII id from the file name; a Chinese name gives "doc-" and the start of its hash."""
    base = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or f"doc-{digest[:8]}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _title_of(extracted: Extracted) -> str:
    """The file's own title: its metadata, else a short top-level heading that opens it."""
    # Writers' defaults are not titles: "untitled", "Microsoft Word - 文件名.docx".
    title = re.sub(
        r"^Microsoft (Word|Excel) - |\.(docx?|xlsx?|pdf)$", "", extracted.title.strip(), flags=re.I
    )
    if title and title.lower() not in _NO_TITLE:
        return title
    first = extracted.blocks[0] if extracted.blocks else None
    if first is not None and first.kind == "heading" and first.level <= 1 and len(first.text) <= 40:
        return first.text
    return ""


def preview(
    corpus_dir: Path,
    src: Path,
    *,
    title: str = "",
    label: str = "",
    region: str = "",
    fmt: str = "",
    options: StructureOptions | None = None,
    max_bytes: int = formats.MAX_BYTES,
) -> Parsed:
    """Parse a file as it would be added, checking everything an add checks; changes nothing."""
    fmt = formats.check_file(src, fmt or None, max_bytes)  # before hashing a file that may be huge
    m = manifest.read(corpus_dir)
    digest = _sha256(src)
    same = [d for d in m.documents if d.sha256 == digest]
    if same:
        raise DocumentError("duplicate", f"{src.name} is already in the corpus as '{same[0].id}'")
    doc_id = _new_id(src.stem, digest, {d.id for d in m.documents})
    extracted = formats.extract(src, fmt, max_bytes)
    title = title or _title_of(extracted) or src.stem
    entry = DocumentEntry(
        id=doc_id,
        file=doc_id + src.suffix.lower(),
        title=title,
        label=label or title[:8],
        region=region,
        format=fmt,
        sha256=digest,
        added=time.strftime("%Y-%m-%d"),
        options=options or StructureOptions(),
    )
    if entry.label in {d.label for d in m.documents}:
        raise DocumentError("duplicate", f"the citation label '{entry.label}' is taken: give another --label")
    parsed = parse_entry(entry, corpus_dir, src, extracted)
    clash = {it.label for it in load(corpus_dir)} & {it.label for it in parsed.items}
    if clash:
        raise DocumentError(
            "duplicate", f"citation labels already used: {sorted(clash)[:5]}; give another --label"
        )
    return parsed


def add(corpus_dir: Path, src: Path, **kwargs: object) -> Parsed:
    """Check the file as :func:`preview` does, then copy it into the corpus and list it."""
    parsed = preview(corpus_dir, src, **kwargs)  # type: ignore[arg-type]
    m = manifest.read(corpus_dir)
    dest = parsed.entry.path(corpus_dir)
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(src, tmp)
    try:
        os.replace(tmp, dest)
        manifest.write(corpus_dir, Manifest(documents=[*m.documents, parsed.entry]))
    except BaseException:
        dest.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
        raise
    return parsed


def remove(corpus_dir: Path, doc: str) -> DocumentEntry:
    """Unlist a document and delete its file (the manifest first: a crash leaves a stray file, not
    a listed document without one)."""
    m = manifest.read(corpus_dir)
    entry = m.get(doc)
    if len(m.documents) == 1:
        raise DocumentError("not_found", f"{entry.id} is the only document: the assistant needs at least one")
    manifest.write(corpus_dir, Manifest(documents=[d for d in m.documents if d.id != entry.id]))
    entry.path(corpus_dir).unlink(missing_ok=True)
    return entry
