"""Structure detection (rag.documents.structure): the seeds through their manifest entries, and every
structure on small documents written here."""

import json
import tomllib
from pathlib import Path

import pytest

from rag.documents.blocks import Block, DocumentError, Draft, Extracted, Pair
from rag.documents.structure import ParseReport, StructureOptions, cn_numeral, detect

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TRIM = " \t\u3000\xa0\ufeff"


def plain_text(text: str) -> Extracted:
    """What the plain-text format produces: one block per non-empty, trimmed line."""
    return Extracted(blocks=[Block(line.strip(TRIM)) for line in text.splitlines() if line.strip(TRIM)])


def markdown(text: str) -> Extracted:
    """Headings ("## …") as heading blocks with their level, other lines as paragraphs."""
    blocks = []
    for line in text.strip().splitlines():
        line = line.strip()
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            blocks.append(Block(line.lstrip("# "), "heading", level))
        elif line:
            blocks.append(Block(line))
    return Extracted(blocks=blocks)


def run(extracted: Extracted, **options) -> tuple[list[tuple[str, str, str, str, str]], ParseReport]:
    report = ParseReport()
    drafts = detect(extracted, StructureOptions(**options), report)
    return [(d.qid, d.cite, d.question, d.answer, d.section) for d in drafts], report


# ------------------------------------------------------------------------------------- seeds
def manifest_entries() -> list[dict]:
    return tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["documents"]


def seed_items(structure: str | None = None) -> list[dict]:
    items = []
    for entry in manifest_entries():
        options = StructureOptions.model_validate(entry.get("options", {}))
        if structure:
            options = options.model_copy(update={"structure": structure})
        text = (CORPUS / entry["file"]).read_text(encoding="utf-8")
        for d in detect(plain_text(text), options, ParseReport()):
            label = f"{entry['label']}·{d.cite}" if entry["label"] else d.cite
            items.append(
                {
                    "source": entry["id"],
                    "qid": d.qid,
                    "label": label,
                    "question": d.question,
                    "answer": d.answer,
                    "section": d.section,
                }
            )
    return items


def test_seeds_parse_to_the_same_54_items():
    expected = json.loads((ROOT / "tests/data/seed_items.json").read_text(encoding="utf-8"))
    got = seed_items()
    assert len(got) == len(expected) == 54
    for g, e in zip(got, expected, strict=True):
        assert g == e, e["label"]


def test_seeds_need_no_structure_setting():
    """'auto' finds the structure the manifest names: the setting only pins it."""
    assert seed_items("auto") == seed_items()


def test_manifest_entries_and_file_hashes():
    import hashlib

    entries = {e["id"]: e for e in manifest_entries()}
    assert set(entries) == {"hubei-faq", "yidi-web"}
    for e in entries.values():
        assert e["file"] == e["id"] + ".txt"
        assert hashlib.sha256((CORPUS / e["file"]).read_bytes()).hexdigest() == e["sha256"]
    assert entries["hubei-faq"]["label"] == "" and entries["yidi-web"]["label"] == "异地就医"


# ---------------------------------------------------------------------------------- numerals
def test_numerals_as_written():
    written = [
        "一",
        "十",
        "十二",
        "二十",
        "四十二",
        "九十九",
        "一百",
        "一百零五",
        "一〇五",
        "两",
        "12",
        "１２",
    ]
    assert [cn_numeral(s) for s in written] == [1, 10, 12, 20, 42, 99, 100, 105, 105, 2, 12, 12]
    with pytest.raises(ValueError):
        cn_numeral("第一")


# ------------------------------------------------------------------------------------ 问/答
def test_wen_da_pairs_with_a_title():
    doc = (
        "医保常见问题\n问：职工医保怎么缴费？\n答：由单位和个人共同缴纳。\n"
        "问：退休后还要缴费吗？\n答：缴费年限够了就不用。"
    )
    items, report = run(plain_text(doc))
    assert report.structure == "qa"
    assert items == [
        ("1", "问1", "职工医保怎么缴费？", "由单位和个人共同缴纳。", "医保常见问题"),
        ("2", "问2", "退休后还要缴费吗？", "缴费年限够了就不用。", "医保常见问题"),
    ]


def test_numbered_wen_da_with_headers_sections_and_a_wrapped_question():
    doc = """
一、参保缴费
问题一
问 1. 灵活就业人员
能参加职工医保吗？
答 1. 可以，以个人身份参保。
问题二
问 3. 断缴三个月有影响吗？
答 3. 断缴期间发生的费用不能报销。
二、待遇
问题三
问 3. 门诊能报销吗？
答 4. 可以按门诊统筹报销。
"""
    items, report = run(plain_text(doc))
    assert items == [
        ("1", "问1", "灵活就业人员能参加职工医保吗？", "可以，以个人身份参保。", "参保缴费"),
        ("2", "问2", "断缴三个月有影响吗？", "断缴期间发生的费用不能报销。", "参保缴费"),
        ("3", "问3", "门诊能报销吗？", "可以按门诊统筹报销。", "待遇"),
    ]
    # The 问题X header wins over the numbers on the 问/答 lines, with a warning.
    assert "问题2: its 问 line says 3; header wins" in report.warnings
    assert "问题3: its answer is labelled 答 4" in report.warnings


def test_q_and_a_markers():
    doc = (
        "Q1: 什么是医保电子凭证？\nA1: 医保的线上身份凭证。\n"
        "Q2: 怎么激活？\nA2: 在国家医保APP激活。\n也可以用微信激活。"
    )
    items, report = run(plain_text(doc))
    assert report.structure == "qa"
    assert items == [
        ("1", "Q1", "什么是医保电子凭证？", "医保的线上身份凭证。", ""),
        ("2", "Q2", "怎么激活？", "在国家医保APP激活。\n也可以用微信激活。", ""),
    ]
    items, _ = run(plain_text(doc), cite_prefix="问")
    assert [i[1] for i in items] == ["问1", "问2"]


def test_booklet_captions_and_page_breaks():
    long_line = "不可以。理由是" + "这样的" * 11 + "，"  # ≥ 40 characters, cut by a page break
    doc = (
        f"一、参保缴费\n问题一\n问 1. 甲？\n领导啊，别这样吧！\n答 1. {long_line}\n"
        "下一页继续。\n猪肉便宜咯！\n备案人姓名 XXX\n"
    )
    items, report = run(plain_text(doc), drop_captions=True)
    assert items == [("1", "问1", "甲？", long_line + "下一页继续。", "参保缴费")]
    assert report.dropped == ["领导啊，别这样吧！", "猪肉便宜咯！", "备案人姓名 XXX"]
    assert report.joined == [f"{long_line[-12:]}|下一页继续。"]
    # Not a booklet: the line between question and answer continues the question; nothing is dropped,
    # and without page-break joining the lines stay apart.
    items, report = run(plain_text(doc), join_page_breaks=False)
    assert items[0][2] == "甲？领导啊，别这样吧！"
    assert items[0][3] == f"{long_line}\n下一页继续。\n猪肉便宜咯！\n备案人姓名 XXX"


def test_table_of_contents_and_bold_markers_are_dropped():
    doc = (
        "目录\n一、参保缴费·····\t1\n二、待遇········ 9\n"
        "一、参保缴费\n问：**怎么**参保？\n答：到**社保**窗口办理。"
    )
    items, report = run(plain_text(doc))
    assert items == [("1", "问1", "怎么参保？", "到社保窗口办理。", "参保缴费")]
    assert report.dropped[:3] == ["目录", "一、参保缴费·····\t1", "二、待遇········ 9"]


# ---------------------------------------------------------------------------------- numbered
@pytest.mark.parametrize(
    ("first", "second"),
    [("1. ", "2. "), ("1、", "2、"), ("一、", "二、"), ("（一）", "（二）"), ("(1)", "(2)")],
)
def test_numbered_questions(first, second):
    doc = (
        f"门诊报销问答\n{first}门诊费用能报销吗？\n可以，按当地门诊统筹政策报销。\n"
        f"{second}住院押金怎么交\n入院时在医院窗口缴纳押金，出院结算时多退少补，不用另行办理。"
    )
    items, report = run(plain_text(doc))
    assert report.structure == "numbered"
    assert items == [
        ("1", "问1", "门诊费用能报销吗？", "可以，按当地门诊统筹政策报销。", "门诊报销问答"),
        (
            "2",
            "问2",
            "住院押金怎么交",  # no ？, but a paragraph answers it
            "入院时在医院窗口缴纳押金，出院结算时多退少补，不用另行办理。",
            "门诊报销问答",
        ),
    ]


@pytest.mark.parametrize(("first", "second"), [("问题一：", "问题二："), ("第一问 ", "第二问 ")])
def test_question_numbered_in_words(first, second):
    doc = f"{first}异地就医要备案吗？\n需要，出发前办理备案。\n{second}备案后多久生效？\n一般即时生效。"
    items, _ = run(plain_text(doc))
    assert items == [
        ("1", "问1", "异地就医要备案吗？", "需要，出发前办理备案。", ""),
        ("2", "问2", "备案后多久生效？", "一般即时生效。", ""),
    ]


def test_numbered_list_inside_an_answer_is_not_an_item_and_higher_numbering_is_a_section():
    doc = """
一、参保登记
1. 新生儿怎么参保？
出生后办理参保登记，材料如下：
(1) 出生医学证明
(2) 户口簿
2. 大学生在哪里参保？
在学校所在地参加居民医保。
二、待遇享受
3. 住院起付线是多少？
一级医院200元。
"""
    items, report = run(plain_text(doc), structure="numbered")
    assert items == [
        (
            "1",
            "问1",
            "新生儿怎么参保？",
            "出生后办理参保登记，材料如下：\n(1) 出生医学证明\n(2) 户口簿",
            "参保登记",
        ),
        ("2", "问2", "大学生在哪里参保？", "在学校所在地参加居民医保。", "参保登记"),
        ("3", "问3", "住院起付线是多少？", "一级医院200元。", "待遇享受"),
    ]
    assert report.warnings == []


def test_restarted_numbering_is_made_unique():
    doc = (
        "1. 怎么参保？\n到社保窗口办理。\n2. 怎么缴费？\n通过税务APP缴费。\n"
        "1. 怎么报销？\n出院时直接结算。\n2. 报销比例是多少？\n各地不同。"
    )
    items, report = run(plain_text(doc))
    assert [(qid, cite) for qid, cite, *_ in items] == [
        ("1", "问1"),
        ("2", "问2"),
        ("2.1", "问2.1"),
        ("2.2", "问2.2"),
    ]
    assert items[2][2:4] == ("怎么报销？", "出院时直接结算。")
    assert any("restarts 1 time" in w and "问2.1" in w for w in report.warnings)


def test_configured_sections_keys_and_boilerplate():
    """What the scraped seed page needs, as data: unnumbered sections by their first words,
    numbered sub-sections cited by key, boilerplate cut at the end, traditional characters fixed."""
    doc = """
异地就医问答
6:已经备案了怎么辦
答:到經办窗口变更
提起报销大家都头疼
一般要先备案。
1、异地转诊,怎么办理
长居外地的人群办理异地就医比较容易，提前备个案就行，转诊则要开转诊证明。
如果今天的文章对你有所帮助记得点赞
我要回帖
"""
    options = {
        "structure": "numbered",
        "join_page_breaks": False,
        "end_at": ["如果今天的文章"],
        "sections": [{"starts": "提起报销", "key": "备案人群", "title": "哪些人要备案", "section": "指南"}],
        "section_keys": {"1": "异地转诊"},
        "expect_numbers": "6",
    }
    items, report = run(plain_text(doc), **options)
    assert items == [
        ("6", "问6", "已经备案了怎么办", "到经办窗口变更", "异地就医问答"),
        ("备案人群", "备案人群", "哪些人要备案", "提起报销大家都头疼\n一般要先备案。", "指南"),
        (
            "异地转诊",
            "异地转诊",
            "异地转诊,怎么办理",
            "长居外地的人群办理异地就医比较容易，提前备个案就行，转诊则要开转诊证明。",
            "指南",
        ),
    ]
    assert report.dropped == ["如果今天的文章对你有所帮助记得点赞", "我要回帖"]


def test_start_at_drops_the_text_before():
    doc = "网站导航 首页 新闻\n登录 注册\n问：怎么参保？\n答：到窗口办理。"
    items, report = run(plain_text(doc), start_at=["问："])
    assert items == [("1", "问1", "怎么参保？", "到窗口办理。", "")]
    assert report.dropped == ["网站导航 首页 新闻", "登录 注册"]


# ---------------------------------------------------------------------------------- headings
def test_headings_are_questions_and_parent_headings_sections():
    doc = """
# 医保问答
## 参保缴费
### 灵活就业人员怎么参保？
到税务部门办理缴费登记。
可以按月缴费。
### 断缴有什么影响？
断缴期间不能享受待遇。
## 报销
### 门诊怎么报？
刷医保卡直接结算。
"""
    items, report = run(markdown(doc))
    assert report.structure == "headings"
    assert items == [
        ("1", "问1", "灵活就业人员怎么参保？", "到税务部门办理缴费登记。\n可以按月缴费。", "参保缴费"),
        ("2", "问2", "断缴有什么影响？", "断缴期间不能享受待遇。", "参保缴费"),
        ("3", "问3", "门诊怎么报？", "刷医保卡直接结算。", "报销"),
    ]


def test_numbered_headings_keep_their_numbers():
    doc = "# 问答\n## 问题三：怎么参保？\n到窗口办理。\n## 问题四：怎么报销？\n直接结算。"
    items, _ = run(markdown(doc))
    assert items == [
        ("3", "问3", "怎么参保？", "到窗口办理。", "问答"),
        ("4", "问4", "怎么报销？", "直接结算。", "问答"),
    ]


# ---------------------------------------------------------------------------------- articles
def test_articles_and_chapters():
    doc = """
某市医疗保障办法
第一章 总则
第一条 为了保障参保人员的基本医疗需求，制定本办法。
第二条【适用范围】本办法适用于本市行政区域内的基本医疗保险。
第二章 待遇
第三条 参保人员住院发生的费用，按规定报销。起付线以下由个人负担。
超过最高支付限额的部分，由大病保险支付。
第十二条 本办法自发布之日起施行。
"""
    items, report = run(plain_text(doc))
    assert report.structure == "articles"
    first = "为了保障参保人员的基本医疗需求，制定本办法。"
    assert items == [
        ("1", "第1条", first, first, "第一章 总则"),
        ("2", "第2条", "适用范围", "本办法适用于本市行政区域内的基本医疗保险。", "第一章 总则"),
        (
            "3",
            "第3条",
            "参保人员住院发生的费用，按规定报销。",
            "参保人员住院发生的费用，按规定报销。起付线以下由个人负担。\n超过最高支付限额的部分，由大病保险支付。",
            "第二章 待遇",
        ),
        ("12", "第12条", "本办法自发布之日起施行。", "本办法自发布之日起施行。", "第二章 待遇"),
    ]


# ---------------------------------------------------------------------------------- sections
def test_plain_text_without_questions_becomes_passages_with_a_warning():
    para = "各地要加强基金监管，严厉打击欺诈骗保行为，确保基金安全运行。" * 8  # ~240 characters
    doc = f"关于做好医保工作的通知\n{para}\n{para}\n{para}\n工作要求\n请各地做好宣传解释。"
    items, report = run(plain_text(doc))
    assert report.structure == "sections"
    assert [(qid, cite, q, s) for qid, cite, q, _, s in items] == [
        ("1", "段1", "关于做好医保工作的通知", "关于做好医保工作的通知"),
        (
            "2",
            "段2",
            "各地要加强基金监管，严厉打击欺诈骗保行为，确保基金安全运行。",
            "关于做好医保工作的通知",
        ),
        ("3", "段3", "工作要求", "关于做好医保工作的通知"),
    ]
    assert items[0][3] == f"{para}\n{para}" and items[1][3] == para and items[2][3] == "请各地做好宣传解释。"
    assert any("no question/answer structure" in w for w in report.warnings)


# ------------------------------------------------------------------------------------ tables
def test_table_pairs_keep_numbers_and_phrasings():
    extracted = Extracted(
        blocks=[Block("医保问答表")],
        pairs=[
            Pair("怎么参保？", "到窗口办理。", ("在哪参保", "参保去哪里"), number="1"),
            Pair("怎麼報銷？", "直接結算。", number="二"),  # traditional characters: normalised
            Pair("要带什么？", "医保卡。"),  # no number column: its row number
        ],
        title="医保问答表",
    )
    report = ParseReport()
    drafts = detect(extracted, StructureOptions(), report)
    assert drafts == [
        Draft("1", "问1", "怎么参保？", "到窗口办理。", "医保问答表", ("在哪参保", "参保去哪里")),
        Draft("2", "问2", "怎么报销？", "直接结算。", "医保问答表"),
        Draft("3", "问3", "要带什么？", "医保卡。", "医保问答表"),
    ]
    assert report.structure == "table"
    assert any("outside the question table" in w for w in report.warnings)


# ------------------------------------------------------------------------------------ errors
def test_expected_numbers_mismatch_is_an_error():
    doc = "问 1. 甲？\n答 1. 是。\n问 3. 乙？\n答 3. 否。"
    with pytest.raises(DocumentError, match=r"expected items 1\.\.3 .*missing \[2\]") as e:
        run(plain_text(doc), expect_numbers="1-3")
    assert e.value.code == "no_items"
    items, _ = run(plain_text(doc), expect_numbers="1,3")
    assert [i[0] for i in items] == ["1", "3"]


def test_nothing_found_is_an_error():
    with pytest.raises(DocumentError) as e:
        run(Extracted(blocks=[Block("目录")]))
    assert e.value.code == "no_items"


def test_options_reject_unknown_fields():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        StructureOptions.model_validate({"structure": "qa", "captions": True})
    with pytest.raises(ValidationError):
        StructureOptions(structure="faq")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        StructureOptions(expect_numbers="1 to 42")
    assert all(f.description for f in StructureOptions.model_fields.values())
    # What the manifest stores (non-defaults only) reads back the same.
    for entry in manifest_entries():
        options = StructureOptions.model_validate(entry["options"])
        assert StructureOptions.model_validate(options.model_dump(exclude_defaults=True)) == options
        assert options.model_dump(exclude_defaults=True) == entry["options"]
