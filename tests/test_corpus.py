"""The two seed documents, read the way every document is: plain-text blocks → structure detection
with the options of their manifest entry (corpus/manifest.toml). The last tests load the corpus
through rag.corpus (the loader, hash and chunking)."""

import tomllib
from pathlib import Path

import pytest

from rag.chunking import chunk_items
from rag.corpus import corpus_hash, load_items
from rag.documents.blocks import Block, Draft, Extracted
from rag.documents.structure import ParseReport, StructureOptions, cn_numeral, detect, is_caption
from rag.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TRIM = " \t\u3000\xa0\ufeff"


def entries() -> dict[str, dict]:
    return {e["id"]: e for e in tomllib.loads((CORPUS / "manifest.toml").read_text("utf-8"))["documents"]}


def plain_text(text: str) -> Extracted:
    return Extracted(blocks=[Block(line.strip(TRIM)) for line in text.splitlines() if line.strip(TRIM)])


def parse(doc: str, text: str | None = None, **override) -> tuple[list[Draft], ParseReport]:
    """A seed document (or ``text`` instead of its file) with its manifest options."""
    entry = entries()[doc]
    options = StructureOptions.model_validate({**entry.get("options", {}), **override})
    report = ParseReport()
    text = text if text is not None else (CORPUS / entry["file"]).read_text("utf-8")
    return detect(plain_text(text), options, report), report


@pytest.fixture(scope="module")
def hubei() -> tuple[list[Draft], ParseReport]:
    return parse("hubei-faq")


@pytest.fixture(scope="module")
def yidi() -> tuple[list[Draft], ParseReport]:
    return parse("yidi-web")


def by_cite(drafts: list[Draft], cite: str) -> Draft:
    return next(d for d in drafts if d.cite == cite)


def test_all_42_questions_numbered_in_order(hubei):
    drafts, report = hubei
    assert report.structure == "qa"
    assert [d.qid for d in drafts] == [str(n) for n in range(1, 43)]
    assert [d.cite for d in drafts] == [f"问{n}" for n in range(1, 43)]
    assert all(d.question and d.answer for d in drafts)


def test_q8_takes_its_number_from_the_header_not_the_answer(hubei):
    drafts, report = hubei
    q8 = by_cite(drafts, "问8")
    assert q8.question.startswith("小张临时到上海出差")
    assert q8.answer.startswith("可以。小张出院后")
    assert by_cite(drafts, "问9").question.startswith("小李分别在一家公立社区医院")
    assert any("答 9" in w for w in report.warnings)


def test_q42_is_found_without_a_clean_header(hubei):
    drafts, _ = hubei
    q42 = by_cite(drafts, "问42")
    assert q42.question.startswith("小马因为眼睛问题")
    assert q42.answer.startswith("一是分解收费")
    assert "小马" not in by_cite(drafts, "问41").answer


def test_comic_captions_are_dropped(hubei):
    drafts, report = hubei
    all_answers = "\n".join(d.answer for d in drafts)
    for caption in ["猪肉便宜咯", "20多万的", "真是对不起", "暗中观察", "闺女啊", "哦，原来是这样"]:
        assert caption not in all_answers, caption
        assert any(caption in d for d in report.dropped), caption
    # App-screen mock-ups with placeholder data are dropped; the numbered steps stay.
    q24 = by_cite(drafts, "问24").answer
    assert "XXX" not in q24 and "备案人姓名" not in q24
    assert "1. 点击快速备案按钮" in q24
    # The table of contents is no item and no section.
    assert "目录" in report.dropped and not any("···" in d.answer for d in drafts)


def test_page_breaks_mid_sentence_are_rejoined(hubei):
    drafts, report = hubei
    assert "无雇工的个体工商户" in by_cite(drafts, "问4").answer
    assert "如果属于“三个目录”内的" in by_cite(drafts, "问7").answer
    assert "加大对贫困人口的支付倾斜力度" in by_cite(drafts, "问12").answer
    assert "全国各地的跨省异地就医定点医疗机构" in by_cite(drafts, "问28").answer
    assert "再次办理入院手续" in by_cite(drafts, "问41").answer
    assert len(report.joined) >= 5


def test_sections(hubei):
    drafts, _ = hubei
    assert by_cite(drafts, "问1").section == "参保缴费"
    assert by_cite(drafts, "问20").section == "医保电子凭证"
    assert by_cite(drafts, "问42").section == "基金监管"


def test_web_page_is_normalised():
    assert normalise("已经备案了如果信息变更怎么辦") == "已经备案了如果信息变更怎么办"
    assert normalise("看疒就医") == "看病就医"
    assert normalise("3个朤") == "3个月"
    assert normalise("支付政筞") == "支付政策"
    assert normalise("就医哋经办机构") == "就医地经办机构"
    assert normalise("异地僦医") == "异地就医"
    assert normalise("就昰") == "就是"
    assert normalise("拿着┅大堆") == "拿着一大堆"


def test_web_items_keep_their_numbers_and_blog_sections_become_items(yidi):
    drafts, report = yidi
    cites = [d.cite for d in drafts]
    assert cites[:5] == [f"问{n}" for n in range(6, 11)]
    assert cites[5:] == [
        "备案人群",
        "定点医院",
        "备案办理",
        "报销标准",
        "异地转诊",
        "异地急诊",
        "回参保地报销",
    ]
    assert {d.section for d in drafts[:5]} == {"手机上跨省异地医保报销比例就医备案流程是什么还需要转诊证明吗"}
    assert {d.section for d in drafts[5:]} == {"异地就医备案指南"}
    assert by_cite(drafts, "异地转诊").question == "异地转诊,怎么办理"
    assert by_cite(drafts, "备案人群").answer.startswith("提起医保报销")  # the first line is answer text
    q9 = by_cite(drafts, "问9")
    assert "3个月" in q9.answer and "參" not in q9.answer
    assert not q9.answer.startswith("答")
    text = "\n".join(d.question + d.answer for d in drafts)
    for bad in ["辦", "經", "參", "並", "疒", "朤", "筞", "哋", "僦", "昰", "┅"]:
        assert bad not in text, bad
    assert "我要回帖" not in text and "随机推荐" not in text  # boilerplate dropped
    assert any("随机推荐" in d for d in report.dropped)


def test_web_answers_keep_their_line_breaks(yidi):
    """A scraped page's paragraphs lack closing punctuation: they must not be joined as page breaks."""
    drafts, report = yidi
    assert "\n自办理异地就医登记起6个月以上" in by_cite(drafts, "问8").answer
    assert report.joined == []


def test_labels_unique_across_documents(hubei, yidi):
    docs = entries()
    labels = [d.cite for d in hubei[0]] + [f"{docs['yidi-web']['label']}·{d.cite}" for d in yidi[0]]
    assert len(labels) == len(set(labels)) == 54
    assert "问6" in labels and "异地就医·问6" in labels and "异地就医·异地转诊" in labels


def test_caption_heuristic():
    assert is_caption("猪肉便宜咯！")
    assert is_caption("职工医保")
    assert is_caption("备案人姓名 XXX")
    assert not is_caption("1. 点击医保电子凭证")
    assert not is_caption("如果老李是贫困人口或低保对象，还可以申请获得相应医疗救助。")


def test_cn_numerals():
    assert [cn_numeral(s) for s in ["一", "十", "十二", "二十", "四十二"]] == [1, 10, 12, 20, 42]


def test_hubei_options_on_a_minimal_document():
    long_line = "不可以。理由是" + "这样的" * 11 + "，"  # ≥ 40 characters, cut by a page break
    text = f"一、参保缴费\n问题一\n问 1. 甲？\n领导啊，别这样吧！\n答 1. {long_line}\n\n下一页继续。\n"
    drafts, report = parse("hubei-faq", text, expect_numbers="1")
    assert len(drafts) == 1 and drafts[0].section == "参保缴费"
    assert drafts[0].answer.endswith("这样的，下一页继续。")  # page break re-joined
    assert report.dropped == ["领导啊，别这样吧！"]


def test_a_truncated_booklet_is_an_error():
    with pytest.raises(ValueError, match=r"1\.\.42"):
        parse("hubei-faq", "问题一\n问 1. 只有一个问题？\n答 1. 是的。\n")


# ------------------------------------------------------------ through the loader (rag.corpus)
@pytest.fixture(scope="module")
def loaded() -> list:
    return load_items(CORPUS)


def by_label(items: list, label: str):
    return next(it for it in items if it.label == label)


def test_loader_gives_54_items_and_region_flags(loaded):
    assert len(loaded) == 54
    flagged = {it.qid for it in loaded if it.source == "hubei-faq" and it.region}
    assert {"12", "17", "35", "38", "39"} <= flagged
    assert not by_label(loaded, "问2").region
    assert not any(it.region for it in loaded if it.source == "yidi-web")


def test_missing_or_broken_corpus_is_a_clear_error(tmp_path):
    # CorpusError (rag.corpus) and DocumentError (rag.documents) are both ValueErrors.
    with pytest.raises(ValueError, match="missing"):
        load_items(tmp_path)
    (tmp_path / "manifest.toml").write_bytes((CORPUS / "manifest.toml").read_bytes())
    (tmp_path / "hubei-faq.txt").write_text("问题一\n问 1. 只有一个问题？\n答 1. 是的。\n", encoding="utf-8")
    (tmp_path / "yidi-web.txt").write_bytes((CORPUS / "yidi-web.txt").read_bytes())
    with pytest.raises(ValueError, match=r"1\.\.42"):
        load_items(tmp_path)


def test_corpus_hash_changes_with_the_text(tmp_path):
    for f in CORPUS.iterdir():
        if f.is_file():
            (tmp_path / f.name).write_bytes(f.read_bytes())
    h1 = corpus_hash(tmp_path)
    with (tmp_path / "yidi-web.txt").open("a", encoding="utf-8") as f:
        f.write("\n新增一行")
    assert corpus_hash(tmp_path) != h1


def test_chunks_keep_identity_and_only_long_answers_split(loaded):
    items = loaded
    chunks = chunk_items(items, 320, 40)
    per_item = {}
    for c in chunks:
        per_item.setdefault(c.label, []).append(c)
        assert len(c.text) <= 320
        assert c.question == by_label(items, c.label).question
        assert c.embed_text().startswith(c.question)
    assert len(per_item["问2"]) == 1 and per_item["问2"][0].text == by_label(items, "问2").answer
    assert len(per_item["问12"]) >= 2
    assert set(per_item) == {it.label for it in items}
