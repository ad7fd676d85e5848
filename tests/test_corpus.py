from pathlib import Path

import pytest

from rag.chunking import chunk_items
from rag.corpus import (
    CorpusError,
    ParseReport,
    cn_numeral,
    corpus_hash,
    is_caption,
    load_items,
    normalise,
    parse_hubei,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def parsed() -> tuple[list, ParseReport]:
    report = ParseReport()
    return load_items(CORPUS, report), report


def by_label(items: list, label: str):
    return next(it for it in items if it.label == label)


def test_all_42_questions_numbered_in_order(parsed):
    items, _ = parsed
    hubei = [it for it in items if it.source == "hubei-faq"]
    assert [it.qid for it in hubei] == [str(n) for n in range(1, 43)]
    assert all(it.question and it.answer for it in items)


def test_q8_takes_its_number_from_the_header_not_the_answer(parsed):
    items, report = parsed
    q8 = by_label(items, "问8")
    assert q8.question.startswith("小张临时到上海出差")
    assert q8.answer.startswith("可以。小张出院后")
    assert by_label(items, "问9").question.startswith("小李分别在一家公立社区医院")
    assert any("答 9" in w for w in report.warnings)


def test_q42_is_found_without_a_clean_header(parsed):
    items, _ = parsed
    q42 = by_label(items, "问42")
    assert q42.question.startswith("小马因为眼睛问题")
    assert q42.answer.startswith("一是分解收费")
    assert "小马" not in by_label(items, "问41").answer


def test_comic_captions_are_dropped(parsed):
    items, report = parsed
    all_answers = "\n".join(it.answer for it in items)
    for caption in ["猪肉便宜咯", "20多万的", "真是对不起", "暗中观察", "闺女啊", "哦，原来是这样"]:
        assert caption not in all_answers, caption
        assert any(caption in d for d in report.dropped), caption
    # App-screen mock-ups with placeholder data are dropped; the numbered steps stay.
    q24 = by_label(items, "问24").answer
    assert "XXX" not in q24 and "备案人姓名" not in q24
    assert "1. 点击快速备案按钮" in q24


def test_page_breaks_mid_sentence_are_rejoined(parsed):
    items, _ = parsed
    assert "无雇工的个体工商户" in by_label(items, "问4").answer
    assert "如果属于“三个目录”内的" in by_label(items, "问7").answer
    assert "加大对贫困人口的支付倾斜力度" in by_label(items, "问12").answer
    assert "全国各地的跨省异地就医定点医疗机构" in by_label(items, "问28").answer
    assert "再次办理入院手续" in by_label(items, "问41").answer


def test_sections_and_hubei_flags(parsed):
    items, _ = parsed
    assert by_label(items, "问1").section == "参保缴费"
    assert by_label(items, "问42").section == "基金监管"
    flagged = {it.qid for it in items if it.hubei_specific}
    assert {"12", "17", "35", "38", "39"} <= flagged
    assert not by_label(items, "问2").hubei_specific


def test_web_page_is_normalised():
    assert normalise("已经备案了如果信息变更怎么辦") == "已经备案了如果信息变更怎么办"
    assert normalise("看疒就医") == "看病就医"
    assert normalise("3个朤") == "3个月"
    assert normalise("支付政筞") == "支付政策"
    assert normalise("就医哋经办机构") == "就医地经办机构"
    assert normalise("异地僦医") == "异地就医"
    assert normalise("就昰") == "就是"
    assert normalise("拿着┅大堆") == "拿着一大堆"


def test_web_items_keep_their_numbers_and_blog_sections_become_items(parsed):
    items, report = parsed
    web = [it for it in items if it.source == "yidi-web"]
    labels = [it.label for it in web]
    assert labels[:5] == [f"异地就医·问{n}" for n in range(6, 11)]
    assert "异地就医·异地转诊" in labels and "异地就医·异地急诊" in labels
    assert "异地就医·回参保地报销" in labels
    q9 = by_label(items, "异地就医·问9")
    assert "3个月" in q9.answer and "參" not in q9.answer
    text = "\n".join(it.question + it.answer for it in web)
    for bad in ["辦", "經", "參", "並", "疒", "朤", "筞", "哋", "僦", "昰", "┅"]:
        assert bad not in text, bad
    assert "我要回帖" not in text and "随机推荐" not in text  # boilerplate dropped
    assert any("随机推荐" in d for d in report.dropped)


def test_labels_unique_across_documents(parsed):
    items, _ = parsed
    labels = [it.label for it in items]
    assert len(labels) == len(set(labels))
    assert "问6" in labels and "异地就医·问6" in labels


def test_caption_heuristic():
    assert is_caption("猪肉便宜咯！")
    assert is_caption("职工医保")
    assert is_caption("备案人姓名 XXX")
    assert not is_caption("1. 点击医保电子凭证")
    assert not is_caption("如果老李是贫困人口或低保对象，还可以申请获得相应医疗救助。")


def test_cn_numerals():
    assert [cn_numeral(s) for s in ["一", "十", "十二", "二十", "四十二"]] == [1, 10, 12, 20, 42]


def test_missing_or_broken_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="missing"):
        load_items(tmp_path)
    (tmp_path / "hubei-faq.txt").write_text("问题一\n问 1. 只有一个问题？\n答 1. 是的。\n", encoding="utf-8")
    (tmp_path / "yidi-web.txt").write_bytes((CORPUS / "yidi-web.txt").read_bytes())
    with pytest.raises(CorpusError, match=r"1\.\.42"):
        load_items(tmp_path)
    (tmp_path / "hubei-faq.txt").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CorpusError, match="UTF-8"):
        load_items(tmp_path)


def test_corpus_hash_changes_with_the_text(tmp_path):
    for f in CORPUS.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    h1 = corpus_hash(tmp_path)
    with (tmp_path / "yidi-web.txt").open("a", encoding="utf-8") as f:
        f.write("\n新增一行")
    assert corpus_hash(tmp_path) != h1


def test_parse_hubei_minimal_document():
    long_line = "不可以。理由是" + "这样的" * 11 + "，"  # ≥ 40 characters, cut by a page break
    text = f"一、参保缴费\n问题一\n问 1. 甲？\n领导啊，别这样吧！\n答 1. {long_line}\n\n下一页继续。\n"
    items = parse_hubei(text)
    assert len(items) == 1 and items[0].section == "参保缴费"
    assert items[0].answer.endswith("这样的，下一页继续。")  # page break re-joined


def test_chunks_keep_identity_and_only_long_answers_split(parsed):
    items, _ = parsed
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
