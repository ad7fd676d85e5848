"""Question/answer tables (CSV, TSV, XLSX) → :class:`~rag.documents.blocks.Pair`\\ s.

The first non-empty row is the header; the question and answer columns are found by their names
(Chinese or English), optionally with a number column and a column of other phrasings. Other ways
people write phrasings are understood too: several lines (or "｜"-separated) in the question cell,
and consecutive rows that repeat one answer for different wordings of the question.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from ..blocks import DocumentError, Extracted, Pair
from ..encoding import decode
from .text import clean

QUESTION = {"问题", "问", "提问", "问句", "标准问题", "标准问", "常见问题", "question", "questions", "q"}
ANSWER = {"答案", "答", "回答", "解答", "答复", "标准答案", "answer", "answers", "a", "reply"}
NUMBER = {"编号", "序号", "题号", "问题编号", "no", "no.", "id", "number", "num", "#"}
PHRASINGS = {
    "相似问法",
    "其他问法",
    "其它问法",
    "相似问题",
    "同义问法",
    "相似问",
    "扩展问法",
    "扩展问",
    "phrasings",
    "alternatives",
    "alternative questions",
    "paraphrases",
    "similar questions",
    "variants",
}
EXPECTED = (
    "表格第一行应是表头，包含“问题”和“答案”两列"
    "（也认“问/提问/question”与“答/回答/解答/answer”），可另有“编号”“相似问法”列"
)

_BRACKETS = re.compile(r"[（(【\[].*?[)）】\]]")
_QUESTION_SPLIT = re.compile(r"\s*(?:\n|｜|\|)\s*")
_PHRASING_SPLIT = re.compile(r"\s*(?:\n|｜|\||；|;)\s*")
_MIN_MERGE_ANSWER = 8  # "可以。" answering two different questions is a coincidence, not a rephrasing


def _header_key(cell: str) -> str:
    """A header cell as compared with the known names: "问题（必填）" → "问题", "Question:" → "question"."""
    key = _BRACKETS.sub("", cell).strip().lower()
    return re.sub(r"[\s:：*＊]+", "", key) if key not in PHRASINGS else key


def _find(headers: list[str], names: set[str]) -> int | None:
    for i, cell in enumerate(headers):
        if _header_key(cell) in names or cell.strip().lower() in names:
            return i
    return None


@dataclass
class _Columns:
    question: int
    answer: int
    number: int | None = None
    phrasings: int | None = None


@dataclass
class _Draft:
    question: str
    answer: str
    number: str
    phrasings: list[str] = field(default_factory=list)

    def add_phrasings(self, texts: list[str]) -> None:
        for text in texts:
            if text and text != self.question and text not in self.phrasings:
                self.phrasings.append(text)


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    lines = [clean(line) for line in row[index].replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def pairs_from_rows(rows: list[list[str]], where: str) -> tuple[list[Pair], list[str]]:
    """The pairs of one table (``where`` names it in messages); DocumentError("no_items") if none."""
    rows = [row for row in rows if any(clean(c) for c in row)]
    if not rows:
        raise DocumentError("empty", f"{where} 是空的。")
    header = [clean(c) for c in rows[0]]
    warnings: list[str] = []
    q, a = _find(header, QUESTION), _find(header, ANSWER)
    if q is not None and a is not None and q != a:
        columns = _Columns(q, a, _find(header, NUMBER), _find(header, PHRASINGS))
        data = rows[1:]
    else:
        width = max(sum(1 for c in row if clean(c)) for row in rows)
        used = sorted({i for row in rows for i, c in enumerate(row) if clean(c)})
        if width != 2 or len(used) != 2:
            found = "、".join(c for c in header if c) or "（空）"
            message = f"{where} 找不到问题和答案列：{EXPECTED}。现在的第一行是：{found}。"
            raise DocumentError("no_items", message)
        # No header we know, but two columns: question | answer, the first row included.
        columns = _Columns(used[0], used[1])
        data = rows
        warnings.append(f"{where} 没有“问题/答案”表头，已按第 1 列为问题、第 2 列为答案读取。")
    drafts: list[_Draft] = []
    for row in data:
        question, answer = _cell(row, columns.question), _cell(row, columns.answer)
        number = _cell(row, columns.number).replace("\n", " ")
        phrasings = [p for p in _PHRASING_SPLIT.split(_cell(row, columns.phrasings)) if p]
        wordings = [w for w in _QUESTION_SPLIT.split(question) if w]
        previous = drafts[-1] if drafts else None
        if not wordings and not answer:
            continue
        if not wordings:  # the question cell was merged over several rows: the answer goes on
            if previous is None:
                warnings.append(f"{where} 有一行只有答案没有问题，已跳过：{answer[:30]}")
            else:
                previous.answer = f"{previous.answer}\n{answer}".strip()
                previous.add_phrasings(phrasings)
            continue
        if previous is not None and (
            # the answer cell was merged over several rows: another wording of the same question
            (not answer and not number)
            # or the same answer repeated for another wording
            or (
                answer == previous.answer
                and (not number or number == previous.number)
                and (len(answer) >= _MIN_MERGE_ANSWER or (number and number == previous.number))
            )
        ):
            previous.add_phrasings([*wordings, *phrasings])
            continue
        if not answer:
            warnings.append(f"{where} 的问题“{wordings[0][:30]}”没有答案，已跳过。")
            continue
        draft = _Draft(wordings[0], answer, number)
        draft.add_phrasings([*wordings[1:], *phrasings])
        drafts.append(draft)
    if not drafts:
        raise DocumentError("no_items", f"{where} 有表头但没有任何一行同时有问题和答案。")
    pairs = [Pair(d.question, d.answer, tuple(d.phrasings), d.number) for d in drafts]
    return pairs, warnings


def _delimiter(text: str, tsv: bool) -> str:
    """The separator the header line uses most: "," (Excel), tab, or ";" (Excel in some locales).

    Counting in the header beats csv.Sniffer, which can be swayed by semicolons inside answers.
    """
    if tsv:
        return "\t"
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in ",\t;"}
    best = max(counts, key=lambda d: counts[d])  # ties keep the comma
    return best if counts[best] else ","


def read_csv(path: Path) -> Extracted:
    text = decode(path.read_bytes())
    delimiter = _delimiter(text, path.suffix.lower() == ".tsv")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    pairs, warnings = pairs_from_rows(rows, path.name)
    return Extracted(pairs=pairs, warnings=warnings)


def _xlsx_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number column typed as numbers: 3.0 → "3"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path) -> Extracted:
    try:
        from openpyxl import load_workbook
    except ImportError as e:
        raise ImportError("openpyxl is required to read .xlsx files: pip install -e .") from e
    # data_only: the cached value of a formula cell, not the formula text.
    book = load_workbook(path, read_only=True, data_only=True)
    pairs: list[Pair] = []
    warnings: list[str] = []
    refused: list[DocumentError] = []
    empty: list[str] = []
    try:
        for sheet in book.worksheets:
            where = f"{path.name} 的工作表“{sheet.title}”"
            rows = [[_xlsx_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            try:
                found, notes = pairs_from_rows(rows, where)
            except DocumentError as e:
                refused.append(e)
                if e.code == "empty":
                    empty.append(f"“{sheet.title}”")
                else:
                    warnings.append(f"已跳过{where}：{e}")
                continue
            pairs += found
            warnings += notes
    finally:
        book.close()  # read-only workbooks keep the file open until closed
    if not pairs:
        worst = next((e for e in refused if e.code != "empty"), None)
        if worst is not None:
            raise DocumentError("no_items", str(worst))
        raise DocumentError("empty", f"{path.name} 的所有工作表都是空的。")
    if empty:
        warnings.append(f"{path.name}：已跳过空的工作表 {'、'.join(empty)}。")
    return Extracted(pairs=pairs, warnings=warnings)
