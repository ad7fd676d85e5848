"""Bring your own documents: `rag docs add/list/show/remove` on documents the tests write
themselves (Word with automatic numbering, Excel Q&A tables, a Chinese PDF, regulations in
Markdown), and the incremental index with the real embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from rag.cli import main
from rag.corpus import load_items
from rag.documents import library, manifest
from rag.documents.blocks import DocumentError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ("manifest.toml", "hubei-faq.txt", "yidi-web.txt", "phrasings.tsv", "scope.json")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the corpus: the tests add and remove documents in it."""
    d = tmp_path / "corpus"
    d.mkdir()
    for name in SEEDS:
        shutil.copy(ROOT / "corpus" / name, d / name)
    return d


def snapshot(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def guangzhou_docx(path: Path) -> Path:
    """A city FAQ in Word whose question numbers are Word's automatic numbering (not in the text)."""
    doc = Document()
    doc.add_heading("广州市医保常见问题", level=1)
    answers = [
        ("灵活就业人员怎样参加职工医保？", "携带身份证到社保经办窗口办理，也可以在粤省事小程序申请。"),
        ("门诊特定病种怎么申请？", "由定点医院医生填写申请表，经医保经办机构审核后享受待遇。"),
        ("医保卡可以给家人用吗？", "个人账户可以支付配偶、父母、子女在定点机构的医疗费用。"),
    ]
    for q, a in answers:
        doc.add_paragraph(q, style="List Number")
        doc.add_paragraph(a)
    doc.save(path)
    return path


def hotline_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "问题", "答案", "相似问法"])
    ws.append(
        [
            1,
            "医保断缴后怎么补缴？",
            "断缴三个月内可以到经办机构申请补缴，逾期不能补缴。",
            "医保停了能补吗｜断交医保怎么办",
        ]
    )
    ws.append([2, "生孩子能报销多少？", "生育医疗费用按定额标准支付，顺产2000元，剖宫产3000元。", ""])
    wb.save(path)
    return path


def test_add_docx_with_automatic_numbering_then_show_and_remove(corpus: Path) -> None:
    src = guangzhou_docx(corpus.parent / "guangzhou.docx")
    parsed = library.add(corpus, src, label="穗医保", region="广州市")
    assert [it.label for it in parsed.items] == ["穗医保·问1", "穗医保·问2", "穗医保·问3"]
    assert parsed.items[1].question == "门诊特定病种怎么申请？"
    assert parsed.items[1].answer.startswith("由定点医院医生填写申请表")
    assert all(it.region == "广州市" for it in parsed.items)  # a regional document: every item
    entry = manifest.read(corpus).get("guangzhou")
    assert entry.file == "guangzhou.docx" and (corpus / "guangzhou.docx").is_file()
    assert entry.sha256 and entry.title == "广州市医保常见问题"  # the document's own heading
    items = load_items(corpus)
    assert len(items) == 54 + 3 and len({it.label for it in items}) == 57
    # The seeds are unchanged by the new document.
    assert sum(it.source == "hubei-faq" for it in items) == 42
    with pytest.raises(DocumentError) as e:
        library.add(corpus, src, label="另一个")
    assert e.value.code == "duplicate" and "guangzhou" in str(e.value)
    library.remove(corpus, "guangzhou")
    assert len(load_items(corpus)) == 54 and not (corpus / "guangzhou.docx").exists()


def test_xlsx_hotline_table_keeps_numbers_and_phrasings(corpus: Path) -> None:
    parsed = library.add(corpus, hotline_xlsx(corpus.parent / "hotline.xlsx"), label="热线")
    first = parsed.items[0]
    assert first.label == "热线·问1" and first.question == "医保断缴后怎么补缴？"
    assert first.phrasings == ("医保停了能补吗", "断交医保怎么办")
    assert first.region == ""  # no region given: national


def test_regulations_in_markdown_are_cited_by_article(corpus: Path) -> None:
    src = corpus.parent / "rules.md"
    src.write_text(
        "# 某市医疗保障办法\n\n## 第一章 总则\n\n第一条 为了保障参保人员的基本医疗需求，制定本办法。\n\n"
        "第二条 本办法适用于本市行政区域内的职工医保和居民医保。\n\n## 第二章 待遇\n\n"
        "第三条 参保人员住院发生的符合规定的费用，由统筹基金按比例支付。\n",
        encoding="utf-8",
    )
    parsed = library.add(corpus, src, label="某市办法")
    assert [it.label for it in parsed.items] == ["某市办法·第1条", "某市办法·第2条", "某市办法·第3条"]
    assert parsed.items[2].section.endswith("待遇") and "统筹基金按比例支付" in parsed.items[2].answer


def test_gbk_text_with_numbered_questions(corpus: Path) -> None:
    src = corpus.parent / "faq-gbk.txt"
    src.write_bytes(
        "一、异地就医需要备案吗？\n需要。参保人员跨省就医前应当办理备案。\n"
        "二、备案后多久生效？\n备案后即时生效，可以直接结算。\n".encode("gbk")
    )
    parsed = library.add(corpus, src, label="测试")
    assert [(it.label, it.question) for it in parsed.items] == [
        ("测试·问1", "异地就医需要备案吗？"),
        ("测试·问2", "备案后多久生效？"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("old.doc", b"\xd0\xcf\x11\xe0 binary", "unsupported"),
        ("garbled.txt", "医保报销需要备案吗？需要。".encode().decode("latin-1").encode(), "mojibake"),
        ("scan.pdf", None, "needs_ocr"),
    ],
)
def test_a_failed_add_changes_nothing(corpus: Path, name: str, content: bytes | None, code: str) -> None:
    src = corpus.parent / name
    if content is None:  # a PDF with a page but no text layer, as a scanner makes
        from reportlab.pdfgen import canvas

        c = canvas.Canvas(str(src))
        c.rect(100, 100, 300, 400, fill=1)
        c.showPage()
        c.save()
    else:
        src.write_bytes(content)
    before = snapshot(corpus)
    with pytest.raises(DocumentError) as e:
        library.add(corpus, src, label="坏文件")
    assert e.value.code == code, str(e.value)
    assert snapshot(corpus) == before


def test_label_clashes_and_size_limit_are_refused(corpus: Path) -> None:
    src = corpus.parent / "faq.txt"
    src.write_text("问1：医保卡丢了怎么办？\n答1：到经办机构挂失补办。\n", encoding="utf-8")
    before = snapshot(corpus)
    with pytest.raises(DocumentError, match="label"):
        library.add(corpus, src, label="异地就医")  # the seed page's prefix
    with pytest.raises(DocumentError) as e:
        library.add(corpus, src, label="新", max_bytes=10)
    assert e.value.code == "too_large"
    assert snapshot(corpus) == before
    # Only one document left: it cannot be removed.
    library.remove(corpus, "yidi-web")
    with pytest.raises(DocumentError, match="only document"):
        library.remove(corpus, "hubei-faq")


def test_a_broken_manifest_is_a_clear_error(corpus: Path) -> None:
    (corpus / "manifest.toml").write_text("[[documents]]\nid = 'x'\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"manifest\.toml cannot be read"):
        load_items(corpus)
    (corpus / "manifest.toml").unlink()
    with pytest.raises(DocumentError, match="missing"):
        load_items(corpus)


def test_cli_docs_add_list_show_remove(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = guangzhou_docx(corpus.parent / "guangzhou.docx")
    flags = ["--corpus-dir", str(corpus)]
    assert main(["docs", "add", str(src), "--label", "穗医保", "--dry-run", *flags]) == 0
    assert "[穗医保·问2] 门诊特定病种怎么申请？" in capsys.readouterr().out
    assert "guangzhou" not in (corpus / "manifest.toml").read_text(encoding="utf-8")
    assert (
        main(["docs", "add", str(src), "--label", "穗医保", "--region", "广州市", "--no-index", *flags]) == 0
    )
    assert main(["docs", "list", *flags]) == 0
    out = capsys.readouterr().out
    assert "hubei-faq" in out and "42 条" in out and "guangzhou" in out and "广州市" in out
    assert main(["docs", "show", "guangzhou", *flags]) == 0
    assert "[穗医保·问3] 医保卡可以给家人用吗？" in capsys.readouterr().out
    assert main(["docs", "remove", "guangzhou", "--no-index", *flags]) == 0
    assert main(["docs", "show", "guangzhou", *flags]) == 2  # an error message, not a traceback
    assert "no document 'guangzhou'" in capsys.readouterr().err


@pytest.mark.models
def test_adding_a_document_embeds_only_its_chunks_and_it_is_cited(
    assistant, settings, tmp_path: Path
) -> None:
    from rag import Assistant

    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    index_dir = tmp_path / "index"
    shutil.copytree(settings.index_dir, index_dir, ignore=shutil.ignore_patterns("kv"))
    s = settings.model_copy(update={"corpus_dir": corpus, "index_dir": index_dir})
    a = Assistant(s, assistant.items, assistant.index, assistant.retriever.embedder)

    parsed = library.add(corpus, guangzhou_docx(tmp_path / "guangzhou.docx"), label="穗医保", region="广州市")
    b = a.refreshed()
    new_chunks = [c for c in b.index.chunks if c.source == parsed.entry.id]
    assert b.index.manifest.embedded == len(new_chunks) > 0  # the seeds' vectors came from the cache
    assert f"embedded {len(new_chunks)} chunks" in b.index_status
    assert b.retrieve("广州灵活就业的人怎么参加职工医保")[0].label == "穗医保·问1"
    ans = b.answer("在广州，医保卡能给我爸妈看病用吗？")
    assert not ans.refused and "穗医保·问3" in [c.label for c in ans.citations], ans.text
    assert "注意：[穗医保·问3]是广州市的规定" in ans.text
    # Removing it drops its vectors; nothing is embedded again.
    library.remove(corpus, parsed.entry.id)
    c = b.refreshed()
    assert c.index.manifest.embedded == 0 and not [x for x in c.index.chunks if x.source == parsed.entry.id]
    assert c.index.manifest.n_chunks == a.index.manifest.n_chunks


def test_a_numbered_pdf_booklet_becomes_one_item_per_question(corpus: Path) -> None:
    """The benchmark's booklet, small: wrapped answer lines re-joined, header and page numbers gone."""
    from rag.bench_documents import _sentences, write_booklet

    pdf = corpus.parent / "booklet.pdf"
    written = write_booklet(pdf, 3, _sentences(load_items(corpus)))
    parsed = library.preview(corpus, pdf, label="手册")
    assert len(parsed.items) == written == 12
    assert [it.label for it in parsed.items[:2]] == ["手册·问1", "手册·问2"]
    assert all(
        "\n" not in it.answer and "某市医疗保障政策问答（测试）" not in it.answer for it in parsed.items
    )
    assert all(it.question.endswith("怎么办？") for it in parsed.items)


def test_a_writers_default_title_is_not_the_documents_title() -> None:
    from rag.documents.blocks import Block, Extracted
    from rag.documents.library import _title_of

    assert _title_of(Extracted(title="Microsoft Word - 广州医保问答.docx")) == "广州医保问答"
    assert _title_of(Extracted(title="untitled", blocks=[Block("正文")])) == ""
    assert _title_of(Extracted(blocks=[Block("某市医保问答", "heading", 1), Block("正文")])) == "某市医保问答"


def test_cli_adds_several_files_and_a_bad_one_does_not_stop_the_others(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = hotline_xlsx(corpus.parent / "hotline.xlsx")
    bad = corpus.parent / "empty.txt"
    bad.write_bytes(b"")
    rules = corpus.parent / "rules.md"
    rules.write_text(
        "# 某市办法\n\n第一条 本办法适用于本市。\n\n第二条 参保人员应按时缴费。\n", encoding="utf-8"
    )
    flags = ["--corpus-dir", str(corpus), "--no-index"]
    assert main(["docs", "add", str(good), str(bad), str(rules), *flags]) == 2
    out, err = capsys.readouterr()
    assert "empty.txt 是空文件" in err and "hotline" in out and "某市办法·第2条" in out
    assert {d.id for d in manifest.read(corpus).documents} == {"hubei-faq", "yidi-web", "hotline", "rules"}
    assert main(["docs", "add", str(good), str(rules), "--label", "x", *flags]) == 2  # a label names one file
    assert "add the files one by one" in capsys.readouterr().err
