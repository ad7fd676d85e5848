"""The page's rendering helpers (pure). The page itself is exercised in issue #4's browser test."""

from pathlib import Path

from conftest import make_hit

from rag.records import Answer, Citation, Timings
from rag.web import link_citations, render_answer


def test_citations_become_links_and_text_is_escaped():
    html = link_citations("不可以<b>[问2]。见[异地就医·问6]")
    assert '<a class="cite" href="#src-问2">[问2]</a>' in html
    assert 'href="#src-异地就医-问6">[异地就医·问6]</a>' in html
    assert "&lt;b&gt;" in html


def test_render_shows_sources_and_marks_refusals():
    cite = Citation("hubei-faq", "2", "问2", "老板不交医保可以吗？", "不可以。用人单位有法定义务。")
    ans = Answer("q", "不可以[问2]。", [cite], False, [make_hit("问2", "x")], Timings(0.1, 1.0, 2.0, 2.1))
    html = render_answer(ans, {"问2": ("湖北省医疗保障政策问答", "")})  # titles come from the manifest
    assert (
        '<details id="src-问2" class="source">' in html
        and "用人单位有法定义务" in html
        and "湖北省医疗保障政策问答" in html
    )
    refused = Answer("q", "抱歉", [], True, [], Timings(), "refused")
    assert 'class="refusal"' in render_answer(refused)


def test_render_quotes_the_evidence_and_highlights_it_in_the_source():
    from rag.records import Evidence

    full = "不可以。用人单位有法定义务。不给员工缴纳医保是违法的。"
    ev = [Evidence("hubei-faq", "2", "问2", 2, "不给员工缴纳医保是违法的。")]
    cite = Citation("hubei-faq", "2", "问2", "老板不交医保可以吗？", full, ("不给员工缴纳医保是违法的。",))
    body = "不可以，不缴医保是违法的。[问2]"
    text = body + "\n\n依据：\n[问2]「不给员工缴纳医保是违法的。」"
    ans = Answer("q", text, [cite], False, [make_hit("问2", full)], Timings(), body=body, evidence=ev)
    html = render_answer(ans)
    assert html.index("不缴医保是违法的") < html.index('<blockquote class="evidence">')
    assert "<mark>不给员工缴纳医保是违法的。</mark>" in html
    assert html.count("「") == 0  # the quotes are drawn as blockquotes, not repeated as text


def test_library_tab_guards_changes_and_shows_items_before_they_go_live(tmp_path):
    from types import SimpleNamespace

    from rag.documents import library
    from rag.settings import Settings
    from rag.web import may_edit, parsed_markdown

    service = SimpleNamespace(base=SimpleNamespace(settings=Settings(admin_token="s3cret")))
    # A token configured: required from everyone (behind a proxy every request is from loopback).
    assert may_edit(service, "10.0.0.7", "s3cret") and may_edit(service, "127.0.0.1", "s3cret")
    assert not may_edit(service, "10.0.0.7", "") and not may_edit(service, "127.0.0.1", "wrong")
    open_service = SimpleNamespace(base=SimpleNamespace(settings=Settings()))
    assert may_edit(open_service, "127.0.0.1", "") and may_edit(open_service, "::1", "")
    assert not may_edit(open_service, "10.0.0.7", "")  # no token configured: loopback only

    src = tmp_path / "faq.md"
    src.write_text("# 某市医保问答\n\n## 医保卡丢了怎么办？\n\n到经办机构挂失补办。\n\n"
                   "## 断缴能补吗？\n\n三个月内可以补缴。\n", encoding="utf-8")  # fmt: skip
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    md = parsed_markdown(library.preview(corpus, src, label="某市"))
    assert "**《某市医保问答》**：2 条" in md and "| [某市·" in md and "医保卡丢了怎么办？" in md


def test_a_refusal_near_the_scope_line_shows_its_closest_sentences_as_such():
    from rag.compose import UNSURE_TEXT
    from rag.records import Evidence

    full = "一是医保卡只限本人使用。二是购买生活用品将涉嫌串换项目等欺诈骗保行为。"
    ev = [Evidence("hubei-faq", "40", "问40", 1, "二是购买生活用品将涉嫌串换项目等欺诈骗保行为。")]
    cite = Citation("hubei-faq", "40", "问40", "医保卡能买什么？", full, (ev[0].text,))
    text = UNSURE_TEXT + "\n\n最接近的原文：\n[问40]「" + ev[0].text + "」"
    ans = Answer("q", text, [cite], True, [], Timings(), "refused", body=UNSURE_TEXT, evidence=ev)
    html = render_answer(ans)
    assert html.startswith('<div class="refusal">⚠️ ' + UNSURE_TEXT)
    assert "<b>最接近的原文</b>" in html and "依据（原文）" not in html
    assert f"<mark>{ev[0].text}</mark>" in html


def test_an_answer_to_several_asks_keeps_each_region_note_and_no_note_swallows_the_next_ask():
    from rag.records import Evidence

    ev = [Evidence("hubei-faq", "38", "问38", 0, "拨打湖北省医疗保障局举报电话。"),
          Evidence("hubei-faq", "39", "问39", 0, "最高奖励10万元。")]  # fmt: skip
    note = "\n\n注意：[问38]是湖北省的规定，其他省份请以当地医保部门的政策为准。"
    text = (f"（一）打举报电话。[问38]\n\n依据：\n[问38]「{ev[0].text}」{note}"
            f"\n\n（二）最高奖励10万元。[问39]\n\n依据：\n[问39]「{ev[1].text}」")  # fmt: skip
    body = "（一）打举报电话。[问38]\n（二）最高奖励10万元。[问39]"
    ans = Answer("q", text, [], False, [], Timings(), body=body, evidence=ev)
    html = render_answer(ans)
    assert html.count('<p class="notice">注意：') == 1 and "（二）最高奖励10万元" in html.split("\n\n")[0]
    assert "（二）" not in html.split('<p class="notice">注意：')[1]
