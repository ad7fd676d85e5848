"""Document formats: each test writes its own file (Word, Excel, CSV, PDF, HTML, Markdown, text)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rag.documents.blocks import Block, DocumentError, Pair
from rag.documents.encoding import decode, looks_garbled
from rag.documents.formats import FORMATS, SUFFIXES, extract, format_for
from rag.documents.formats.docx import format_number

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


def error(path: Path, **kwargs: int) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        extract(path, **kwargs)
    return info.value


# --- registry and common checks -------------------------------------------------------------------


def test_every_suffix_has_a_format() -> None:
    assert (
        set(SUFFIXES.values()) == set(FORMATS) == {"text", "markdown", "html", "pdf", "docx", "csv", "xlsx"}
    )
    assert format_for(Path("问答.TXT")) == "text"
    assert format_for(Path("a.tsv")) == "csv"


@pytest.mark.parametrize(
    ("name", "advice"), [("旧文件.doc", ".docx"), ("幻灯片.pptx", ".docx"), ("表.xls", ".xlsx")]
)
def test_old_office_files_are_unsupported_with_advice(tmp_path: Path, name: str, advice: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really office")
    e = error(path)
    assert e.code == "unsupported"
    assert name in str(e) and advice in str(e) and ".doc/.xls" in str(e)


def test_missing_empty_and_too_large(tmp_path: Path) -> None:
    assert error(tmp_path / "无此文件.txt").code == "not_found"
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    assert error(empty).code == "empty"
    blank = tmp_path / "空白.md"
    blank.write_text(" \n\u3000\n<!-- 只有注释 -->\n", encoding="utf-8")
    assert error(blank).code == "empty"
    big = tmp_path / "大.txt"
    big.write_text("医保" * 100, encoding="utf-8")
    e = error(big, max_bytes=100)
    assert e.code == "too_large" and "大.txt" in str(e)
    assert texts(extract(big).blocks) == ["医保" * 100]


def test_damaged_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "坏.docx"
    path.write_bytes(b"PK\x03\x04 this is not a zip")
    e = error(path)
    assert e.code == "unreadable" and "坏.docx" in str(e)


def test_missing_library_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ImportError
    with pytest.raises(ImportError, match="pip install"):
        extract(path)


# --- encodings and mojibake -----------------------------------------------------------------------

FAQ = "问1：异地就医需要备案吗？\n答：需要，参保人员跨省异地就医前应办理备案手续。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "utf-16", "big5"])
def test_decode(encoding: str) -> None:
    text = FAQ if encoding != "big5" else "問：異地就醫需要備案嗎？答：需要，請先辦理備案手續。"
    assert decode(text.encode(encoding)) == text


def test_text_in_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "问答.txt"
    body = (
        "\ufeff\u3000\u3000问1：门诊费用能报销吗？\r\n\r\n"
        "答：可以，按规定比例报销。\xa0\r\n   \r\n第二条  特殊字符：㐀\r\n"
    )
    path.write_bytes(body.encode("gb18030"))
    result = extract(path)
    assert result.blocks == [
        Block("问1：门诊费用能报销吗？"),
        Block("答：可以，按规定比例报销。"),
        Block("第二条  特殊字符：㐀"),
    ]


MOJIBAKE = {
    "latin-1": "医保报销需要备案吗？需要的。".encode().decode("latin-1"),
    "cp1252": "异地就医备案怎么办理".encode().decode("cp1252", errors="replace"),
    "gbk": "医保报销需要备案吗？需要的。".encode().decode("gbk", errors="replace"),
    "short gbk": "鍖讳繚鎶ラ攢",  # "医保报销" read as GBK
    "锟斤拷": "答：锟斤拷锟斤拷，报销比例",
    "question marks": "??????????????????? ????????",
    "replacement": "答：\ufffd\ufffd报销\ufffd\ufffd比例\ufffd\ufffd",
    "private use": "\ue001\ue002\ue003\ue004\ue005医保\ue006",
}


@pytest.mark.parametrize("text", MOJIBAKE.values(), ids=MOJIBAKE.keys())
def test_mojibake_is_refused(tmp_path: Path, text: str) -> None:
    assert looks_garbled(text)
    path = tmp_path / "乱码.txt"
    path.write_text(text, encoding="utf-8")
    e = error(path)
    assert e.code == "mojibake" and "乱码.txt" in str(e) and "UTF-8" in str(e)


NORMAL = [
    FAQ,
    "医保（Medical Insurance）报销比例为90%，起付线1,200元，封顶线30万元。",
    "问：门诊能报销吗? 答：可以。问：住院呢? 答：也可以?",
    "Q&A｜异地就医备案 — 2024版 · 第３页 ＃１２３，。；：？！“”（）【】《》",
    "問：異地就醫需要備案嗎？答：需要，請先辦理備案手續。",
    "The café's résumé: naïve coöperation — “quotes” and € 5 👍",
    "编号 | 问题 | 答案\n1 | 什么是DRG? | 按疾病诊断相关分组付费 (Diagnosis Related Groups)。",
    "医保电子凭证二维码：???（请以实际为准）",
    "龘靐齉 罕见字 㐀㐁 𠀀 と カタカナ",
]


@pytest.mark.parametrize("text", NORMAL)
def test_normal_text_is_not_garbled(text: str) -> None:
    assert looks_garbled(text) is None


# --- Markdown -------------------------------------------------------------------------------------


def test_markdown(tmp_path: Path) -> None:
    path = tmp_path / "faq.md"
    path.write_text(
        """---
title: 前言元数据
tags: [医保]
---
# 医保常见问题 #

<!-- 编辑备注：
不要发布 -->
参保缴费
========

## 一、**异地**就医

1. 怎么办理[备案](https://example.org/beian)？
2) 需要 `转诊证明` 吗？
- 带上 __身份证__
* [ ] 社保卡
> 答：请咨询 *当地* 医保局，电话 12393。

计算：3*4*5 与 snake_case_name 保持原样，<b>粗体</b>、~~删除~~、![图](x.png)图片

---
二、待遇
--------
""",
        encoding="utf-8",
    )
    assert extract(path).blocks == [
        Block("医保常见问题", "heading", 1),
        Block("参保缴费", "heading", 1),
        Block("一、异地就医", "heading", 2),
        Block("1. 怎么办理备案？", "list"),
        Block("2) 需要 转诊证明 吗？", "list"),
        Block("带上 身份证", "list"),
        Block("社保卡", "list"),
        Block("答：请咨询 当地 医保局，电话 12393。"),
        Block("计算：3*4*5 与 snake_case_name 保持原样，粗体、删除、图片"),
        Block("二、待遇", "heading", 2),
    ]


# --- HTML -----------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>异地就医常见问题_某市医疗保障局</title><style>p { color: red }</style>
<script>var menu = "首页";</script></head>
<body><form id="form1" method="post">
<div class="top">网站首页 | 政务公开 | 办事服务</div>
<header class="site-header"><img alt="logo">某市医疗保障局</header>
<nav><ul><li>首页</li><li>政策法规</li></ul></nav>
<div class="dqwz">当前位置：首页 &gt; 常见问题</div>
<ul class="breadcrumb"><li>首页</li><li>问答</li></ul>
<div id="mainContent" class="article position-relative border-bottom">
<h1>异地就医常见问题</h1>
<h3>1. 什么是异地就医？</h3>
<p>答：参保人员在参保地以外的
   医疗机构就医。</p>
<div>问：备案要多久？<br>答：一般<b>当天</b>办结。</div>
<ol start="3"><li>携带身份证</li><li><p>填写申请表</p></li></ol>
<table><tr><th>类别</th><th>比例</th></tr><tr><td>门诊</td><td>70%</td></tr></table>
<!-- 编辑注释 -->
<div class="share-box">分享到：微信 微博</div>
<div style="display: none">隐藏的文字</div>
</div>
<aside>热点问题</aside>
<div class="sidebar-right">相关链接 国家医保局</div>
<div id="footer">版权所有 © 某市医疗保障局 ICP备案号</div>
<footer>联系我们</footer>
</form></body></html>
"""


def test_html_main_text_only(tmp_path: Path) -> None:
    path = tmp_path / "faq.html"
    path.write_bytes(PAGE.encode("gb18030"))  # declared gb2312, has © (GB18030 only)
    result = extract(path)
    assert result.title == "异地就医常见问题_某市医疗保障局"
    assert result.blocks == [
        Block("异地就医常见问题", "heading", 1),
        Block("1. 什么是异地就医？", "heading", 3),
        Block("答：参保人员在参保地以外的医疗机构就医。"),
        Block("问：备案要多久？"),
        Block("答：一般当天办结。"),
        Block("3. 携带身份证", "list"),
        Block("4. 填写申请表", "list"),
        Block("类别"),
        Block("比例"),
        Block("门诊"),
        Block("70%"),
    ]


def test_html_meta_charset_that_lies(tmp_path: Path) -> None:
    path = tmp_path / "faq.htm"
    html = PAGE.replace("charset=gb2312", "charset=utf-8")
    path.write_bytes(html.encode("gb18030"))  # says UTF-8, is GB18030
    assert texts(extract(path).blocks)[:2] == ["异地就医常见问题", "1. 什么是异地就医？"]


# --- Word -----------------------------------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _abstract(aid: int, levels: list[tuple[str, str, int]]) -> str:
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text, start) in enumerate(levels)
    )
    kind = '<w:multiLevelType w:val="multilevel"/>'
    return f'<w:abstractNum {W} w:abstractNumId="{aid}">{kind}{lvls}</w:abstractNum>'


def _num(num_id: int, aid: int, restart: bool = False) -> str:
    override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    return f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{aid}"/>{override}</w:num>'


def _number(paragraph: Paragraph, num_id: int, ilvl: int = 0) -> None:
    from docx.oxml import parse_xml

    numpr = f'<w:numPr {W}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    paragraph._p.get_or_add_pPr().insert(0, parse_xml(numpr))


def test_docx_headings_tables_and_automatic_numbering(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    doc = docx.Document()
    doc.core_properties.title = "医保问答汇编"
    numbering = doc.part.numbering_part.element
    first_num = numbering.find(f"{{{numbering.nsmap['w']}}}num")
    # Custom lists: "（一）" with "1." below it, and "第五条" in chineseCountingThousand from 5.
    for xml in (
        _abstract(90, [("chineseCounting", "（%1）", 1), ("decimal", "%2.", 1)]),
        _abstract(91, [("chineseCountingThousand", "第%1条", 5)]),
        _abstract(92, [("upperLetter", "%1、", 1)]),
    ):
        first_num.addprevious(parse_xml(xml))
    for xml in (_num(90, 90), _num(91, 91), _num(93, 90, restart=True), _num(94, 90), _num(92, 92)):
        numbering.append(parse_xml(xml))
    # A paragraph style that carries numbering: its paragraphs have no w:numPr of their own.
    style = doc.styles.add_style("FAQ问题", WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().insert(0, parse_xml(f'<w:numPr {W}><w:numId w:val="92"/></w:numPr>'))

    doc.add_paragraph("医保问答汇编", style="Title")
    doc.add_heading("一、参保缴费", level=1)
    doc.add_paragraph("以下问题按顺序编号。")
    for text in ("灵活就业人员怎么参保？", "", "缴费基数怎么选？"):
        doc.add_paragraph(text, style="List Number")  # the empty one still takes number 2
    doc.add_paragraph("要点", style="List Bullet")
    doc.add_heading("二、待遇", level=2)
    for text, num_id, ilvl in (
        ("门诊报销", 90, 0),
        ("普通门诊", 90, 1),
        ("门诊慢特病", 90, 1),
        ("住院报销", 90, 0),
        ("起付线", 90, 1),
        ("重新开始的列表", 93, 0),  # "restart numbering": a w:num with a startOverride
        ("同一列表接着编号", 94, 0),  # another w:num over the same abstractNum continues it
        ("原来的编号也接着", 90, 0),
        ("参保人员异地就医，应当按规定办理备案。", 91, 0),
        ("未备案的，按规定降低报销比例。", 91, 0),
    ):
        _number(doc.add_paragraph(text), num_id, ilvl)
    doc.add_paragraph("门诊能报销吗？", style="FAQ问题")
    doc.add_paragraph("住院能报销吗？", style="FAQ问题")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "问题", "答案"
    table.cell(1, 0).text, table.cell(1, 1).text = "能用医保卡买药吗？", "可以。\n在定点药店。"
    merged = doc.add_table(rows=1, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格只读一次"
    doc.add_paragraph("结尾段落")
    path = tmp_path / "问答.docx"
    doc.save(str(path))

    result = extract(path)
    assert result.title == "医保问答汇编"
    assert result.blocks == [
        Block("医保问答汇编", "heading", 1),
        Block("一、参保缴费", "heading", 1),
        Block("以下问题按顺序编号。"),
        Block("1. 灵活就业人员怎么参保？", "list"),
        Block("3. 缴费基数怎么选？", "list"),
        Block("要点", "list"),  # a bullet: no prefix
        Block("二、待遇", "heading", 2),
        Block("（一）门诊报销", "list"),
        Block("1. 普通门诊", "list"),
        Block("2. 门诊慢特病", "list"),
        Block("（二）住院报销", "list"),
        Block("1. 起付线", "list"),  # the lower level restarts under a new upper-level item
        Block("（一）重新开始的列表", "list"),
        Block("（二）同一列表接着编号", "list"),
        Block("（三）原来的编号也接着", "list"),
        Block("第五条 参保人员异地就医，应当按规定办理备案。", "list"),
        Block("第六条 未备案的，按规定降低报销比例。", "list"),
        Block("A、门诊能报销吗？", "list"),
        Block("B、住院能报销吗？", "list"),
        Block("问题"),
        Block("答案"),
        Block("能用医保卡买药吗？"),
        Block("可以。"),
        Block("在定点药店。"),
        Block("合并单元格只读一次"),
        Block("结尾段落"),
    ]


@pytest.mark.parametrize(
    ("n", "fmt", "shown"),
    [
        (11, "chineseCounting", "十一"),
        (21, "chineseCounting", "二十一"),
        (105, "chineseCountingThousand", "一百零五"),
        (1010, "chineseCountingThousand", "一千零一十"),
        (3, "ideographTraditional", "丙"),
        (11, "chineseLegalSimplified", "壹拾壹"),
        (28, "upperLetter", "BB"),
        (14, "lowerRoman", "xiv"),
        (3, "decimalEnclosedCircle", "③"),
        (7, "decimalZero", "07"),
        (12, "someNewFormat", "12"),
    ],
)
def test_number_formats(n: int, fmt: str, shown: str) -> None:
    assert format_number(n, fmt) == shown


# --- tables ---------------------------------------------------------------------------------------


def test_xlsx_sheets_headers_and_phrasings(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "问答"
    sheet.append([None])  # a blank first row: the header is the first non-empty one
    sheet.append(["序号", "问题（必填）", "答案", "相似问法", "备注"])
    sheet.append(
        [
            1,
            "异地就医要备案吗？",
            "需要，跨省就医前先备案。",
            "去外地看病要备案吗｜异地看病需要备案吗；要不要备案",
            "x",
        ]
    )
    sheet.append([2, "门诊能报销吗？\n门诊费用可以报吗", "可以，按比例报销。", None, None])
    sheet.append([3, "备案怎么办？", "在国家医保服务平台APP上办理。", None, None])
    sheet.append([3, "在哪里备案？", "在国家医保服务平台APP上办理。", None, None])  # same answer: merged
    sheet.append([4, "个人账户能给家人用吗？", "可以，用于配偶、父母、子女。", None, None])
    sheet.append([None, "家里人能用我的个人账户吗？", None, None, None])  # a merged answer cell
    sheet.append([5, "没有答案的问题？", None, None, None])
    english = book.create_sheet("English")
    english.append(["No.", "Question", "Answer", "Alternatives"])
    english.append(["Q1", "What is DRG?", "Diagnosis Related Groups.", "What does DRG mean?"])
    other = book.create_sheet("说明")
    other.append(["填表说明", "版本", "日期"])
    other.append(["请按模板填写", "v1", "2024-01-01"])
    book.create_sheet("Sheet3")
    path = tmp_path / "问答.xlsx"
    book.save(path)

    result = extract(path)
    assert result.pairs == [
        Pair(
            "异地就医要备案吗？",
            "需要，跨省就医前先备案。",
            ("去外地看病要备案吗", "异地看病需要备案吗", "要不要备案"),
            "1",
        ),
        Pair("门诊能报销吗？", "可以，按比例报销。", ("门诊费用可以报吗",), "2"),
        Pair("备案怎么办？", "在国家医保服务平台APP上办理。", ("在哪里备案？",), "3"),
        Pair("个人账户能给家人用吗？", "可以，用于配偶、父母、子女。", ("家里人能用我的个人账户吗？",), "4"),
        Pair("What is DRG?", "Diagnosis Related Groups.", ("What does DRG mean?",), "Q1"),
    ]
    warnings = "\n".join(result.warnings)
    assert "没有答案的问题" in warnings
    assert "“说明”" in warnings and "问题" in warnings  # skipped, with the expected headers
    assert "Sheet3" in warnings


def test_xlsx_without_any_qa_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话", "地址"])
    book.active.append(["张三", "123", "武汉"])
    path = tmp_path / "通讯录.xlsx"
    book.save(path)
    e = error(path)
    assert e.code == "no_items" and "问题" in str(e) and "答案" in str(e) and "姓名" in str(e)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_and_gbk(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "问答.csv"
    rows = (
        "编号,问,答,其他问法\r\n"
        '1,"参保人死亡后个人账户怎么办？","可以依法继承，\r\n由继承人办理。","个人账户能继承吗;去世后账户余额怎么处理"\r\n'
        "2,生育津贴怎么领？,由单位申领，发放到单位账户。,\r\n"
    )
    path.write_bytes(rows.encode(encoding))
    assert extract(path).pairs == [
        Pair(
            "参保人死亡后个人账户怎么办？",
            "可以依法继承，\n由继承人办理。",
            ("个人账户能继承吗", "去世后账户余额怎么处理"),
            "1",
        ),
        Pair("生育津贴怎么领？", "由单位申领，发放到单位账户。", (), "2"),
    ]


def test_tsv_and_headerless_two_columns(tmp_path: Path) -> None:
    tsv = tmp_path / "qa.tsv"
    tsv.write_text("Q\tA\n医保卡丢了怎么办？\t到经办机构挂失补办。\n", encoding="utf-8")
    assert extract(tsv).pairs == [Pair("医保卡丢了怎么办？", "到经办机构挂失补办。")]
    bare = tmp_path / "bare.csv"
    bare.write_text("医保卡丢了怎么办？,到经办机构挂失补办。\n能异地补办吗？,可以。\n", encoding="utf-8")
    result = extract(bare)
    assert result.pairs == [
        Pair("医保卡丢了怎么办？", "到经办机构挂失补办。"),
        Pair("能异地补办吗？", "可以。"),
    ]
    assert "第 1 列为问题" in result.warnings[0]


def test_csv_without_qa_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("标题,内容,日期\n通知,明天停机,2024-01-01\n", encoding="utf-8")
    e = error(path)
    assert e.code == "no_items" and "x.csv" in str(e) and "问题" in str(e)


# --- PDF ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cjk_font(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A reportlab font name that writes Chinese pypdf can read back: the built-in STSong-Light CID
    font (no file needed), else a TrueType CJK font from fc-match, else skip."""
    pytest.importorskip("reportlab")
    from pypdf import PdfReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    probe = "医保报销需要备案吗"

    def reads_back(font: str) -> bool:
        path = tmp_path_factory.mktemp("font") / f"{font}.pdf"
        c = canvas.Canvas(str(path))
        c.setFont(font, 12)
        c.drawString(72, 720, probe)
        c.save()
        return probe in (PdfReader(path).pages[0].extract_text() or "")

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    if reads_back("STSong-Light"):
        return "STSong-Light"
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh:fontformat=TrueType"], capture_output=True, text=True
        ).stdout
        if found.lower().endswith((".ttf", ".ttc")):
            pdfmetrics.registerFont(TTFont("CJK", found))
            if reads_back("CJK"):
                return "CJK"
    pytest.skip("no CJK font that pypdf can read back (STSong-Light failed, no TrueType CJK font found)")


def _pdf(path: Path, font: str, pages: list[list[str]], header: str = "", footer: str = "") -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for n, lines in enumerate(pages, 1):
        c.setFont(font, 11)
        if header:
            c.drawString(72, 800, header)
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 18 * i, line)
        if footer:
            c.drawCentredString(300, 40, footer.format(n=n))
        c.showPage()
    c.save()


def test_pdf_chinese_text_by_page_without_running_header_and_numbers(tmp_path: Path, cjk_font: str) -> None:
    path = tmp_path / "问答.pdf"
    pages = [
        ["问1：异地就医需要备案吗？", "答：需要，参保人员跨省异地就医前", "应办理备案手续。"],
        ["问2：备案后多久生效？", "答：备案当日生效。", "2"],  # a "2" mid-page is content, not a page number
        ["问3：可以线上办理吗？", "答：可以，使用国家医保服务平台APP。"],
    ]
    _pdf(path, cjk_font, pages, header="某市医疗保障局 常见问题解答（2024年版）", footer="- {n} -")
    result = extract(path)
    assert [(b.text, b.page) for b in result.blocks] == [
        ("问1：异地就医需要备案吗？", 1),
        ("答：需要，参保人员跨省异地就医前", 1),
        ("应办理备案手续。", 1),
        ("问2：备案后多久生效？", 2),
        ("答：备案当日生效。", 2),
        ("问3：可以线上办理吗？", 3),
        ("答：可以，使用国家医保服务平台APP。", 3),
    ]
    assert {b.kind for b in result.blocks} == {"para"}


def test_pdf_two_pages_with_numbered_footer(tmp_path: Path, cjk_font: str) -> None:
    path = tmp_path / "两页.pdf"
    pages = [["第一条 本办法适用于本市参保人员。"], ["第二条 本办法自发布之日起施行。"]]
    _pdf(path, cjk_font, pages, header="医保经办规程", footer="第{n}页 共2页")
    assert texts(extract(path).blocks) == [
        "第一条 本办法适用于本市参保人员。",
        "第二条 本办法自发布之日起施行。",
    ]


def test_pdf_with_a_scanned_page_warns(tmp_path: Path, cjk_font: str) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "混合.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(cjk_font, 11)
    c.drawString(72, 760, "问：这一页有文字层吗？答：有，可以直接读取文字。")
    c.showPage()
    c.rect(72, 72, 400, 600, fill=1)  # a page that is only an image
    c.showPage()
    c.save()
    result = extract(path)
    assert [(b.text, b.page) for b in result.blocks] == [
        ("问：这一页有文字层吗？答：有，可以直接读取文字。", 1)
    ]
    assert "第 2 页" in result.warnings[0] and "扫描" in result.warnings[0]


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "扫描件.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(2):
        c.rect(72, 72, 400, 600, fill=1)
        c.showPage()
    c.save()
    e = error(path)
    assert e.code == "needs_ocr" and "扫描件.pdf" in str(e) and "OCR" in str(e)


def test_encrypted_pdf(tmp_path: Path, cjk_font: str) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    _pdf(plain, cjk_font, [["问：加密文件能读吗？", "答：只限制复制的可以读。"]])
    locked = tmp_path / "有密码.pdf"
    restricted = tmp_path / "限制复制.pdf"
    # Copy-restricted PDFs open with an empty password; AES needs the cryptography package.
    for path, user, algorithm in ((locked, "secret", "RC4-128"), (restricted, "", "AES-256")):
        writer = PdfWriter(clone_from=PdfReader(plain))
        writer.encrypt(user_password=user, owner_password="owner", algorithm=algorithm)
        writer.write(path)
    e = error(locked)
    assert e.code == "encrypted" and "有密码.pdf" in str(e)
    assert texts(extract(restricted).blocks) == ["问：加密文件能读吗？", "答：只限制复制的可以读。"]


def test_markdown_opening_rule_is_not_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "rule.md"
    path.write_text("---\n# 标题\n正文一行\n\n---\n## 第二节\n内容\n", encoding="utf-8")
    assert extract(path).blocks == [
        Block("标题", "heading", 1),
        Block("正文一行"),
        Block("第二节", "heading", 2),
        Block("内容"),
    ]
