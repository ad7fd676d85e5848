from conftest import make_hit

from rag import citations as cit
from rag.retrieval import rrf

Q2 = "不可以。首先，用人单位有为职工参加职工医保的法定义务。不给员工缴纳医保是违法的。"
Q12 = "湖北省确定起付线为 1.2 万元，起付线以上 3 万元（含）以下部分赔付 60%。"
W6 = "若异地居住城市发生变更应通过经办窗口注销之前办理的异地就医备案信息。"


def run(text: str, hits, pieces: int = 3, truncated: bool = False) -> tuple[str, cit.Guard]:
    """Feed the text in small pieces, as a model would stream it."""
    g = cit.Guard(hits)
    out = []
    step = max(1, len(text) // pieces)
    for i in range(0, len(text), step):
        out += g.feed(text[i : i + step])
    out += g.finish(truncated=truncated)
    return cit.join_sentences(out), g


def test_valid_citations_pass_and_fabricated_ones_are_removed():
    hits = [make_hit("问2", Q2), make_hit("问12", Q12)]
    text, g = run("不可以，这是违法的[问2]。还可以看看别的[问99]。", hits)
    assert "[问2]" in text and "问99" not in text
    assert [c.label for c in g.citations()] == ["问2"]
    assert any("问99" in n for n in g.notes)


def test_lenient_markers_map_to_retrieved_labels():
    hits = [make_hit("问2", Q2), make_hit("异地就医·问6", W6)]
    text, _g = run("不可以【问 2】。要去经办窗口注销[异地就医问6]。", hits)
    assert text == "不可以[问2]。要去经办窗口注销[异地就医·问6]。"
    # A bare number is accepted only when it names exactly one retrieved item.
    text, _ = run("不可以[2]。", hits)
    assert "[问2]" in text
    both = [make_hit("问6", "参保后刷卡结算。"), make_hit("异地就医·问6", W6)]
    assert cit.Resolver(both).resolve("6") is None


def test_marker_after_the_full_stop_belongs_to_that_sentence():
    hits = [make_hit("问2", Q2)]
    g = cit.Guard(hits)
    assert g.feed("不可以。") == []  # a marker may still follow
    assert g.feed("[问2") == []
    assert g.feed("]这是违法的。") == ["不可以。[问2]"]
    assert g.finish() == ["这是违法的。[问2]"]  # copied from 问2: citation repaired


def test_numbers_not_in_the_cited_text_drop_the_sentence():
    hits = [make_hit("问12", Q12)]
    text, g = run("起付线为1.2万元[问12]。报销比例是90%[问12]。", hits)
    assert "1.2万元" in text and "90%" not in text
    assert any("['90']" in n for n in g.notes)


def test_uncited_sentences_wait_for_a_citation_and_are_checked_against_it():
    hits = [make_hit("问2", Q2)]
    g = cit.Guard(hits)
    assert g.feed("这件事要注意。") == [] and g.feed("另外") == []
    out = g.feed("老板不能这样做[问2]。") + g.finish()
    assert out == ["这件事要注意。", "另外老板不能这样做[问2]。"]


def test_an_answer_with_no_valid_citation_is_not_grounded():
    hits = [make_hit("问2", Q2)]
    text, g = run("我觉得可以商量。", hits)
    assert text == "" and not g.grounded and not g.model_refused()
    fallback = cit.extractive_answer(hits[0])
    assert fallback.startswith("根据资料：不可以。") and fallback.endswith("[问2]")


def test_copied_sentence_gets_its_missing_citation():
    hits = [make_hit("问2", Q2), make_hit("问12", Q12)]
    text, g = run("用人单位有为职工参加职工医保的法定义务。", hits)
    assert text == "用人单位有为职工参加职工医保的法定义务。[问2]"
    assert g.grounded


def test_repeated_sentences_are_dropped():
    hits = [make_hit("问2", Q2)]
    text, g = run("不可以[问2]。不可以[问2]。不可以[问2]。", hits)
    assert text == "不可以[问2]。"
    assert g.notes.count("dropped a repeated sentence") == 2


def test_unfinished_last_sentence_is_cut_when_the_token_limit_hit():
    hits = [make_hit("问2", Q2)]
    text, _g = run("不可以[问2]。其次如果", hits, truncated=True)
    assert text == "不可以[问2]。"


def test_model_refusal_and_unsupported_numbers_are_refusals():
    hits = [make_hit("问12", Q12)]
    _, g = run("资料中没有相关内容。", hits)
    assert g.model_refused()
    _, g = run("北京门诊报销比例为90%。", hits)
    assert g.model_refused()


def test_numbers_normalised():
    assert cit.numbers_in("１２万元，1,000元，60.0%，2019年") == {"12", "1000", "60", "2019"}
    # List numbering is not a stated number; a decimal is.
    assert cit.numbers_in("步骤：1. 办理备案；2、持卡就医（3）结算，起付线1.2万") == {"1.2"}


def test_refusal_text_lists_related_items():
    hits = [make_hit("问2", Q2, question="老板不交医保可以吗？")]
    text = cit.refusal_text(hits)
    assert text.startswith(cit.REFUSAL_TEXT) and "可能相关" in text and "[问2] 老板不交医保可以吗？" in text


def test_hubei_note():
    hits = [make_hit("问12", Q12), make_hit("问2", Q2)]
    note = cit.hubei_note(hits, {"问12"})
    assert "[问12]是湖北省的规定" in note
    assert cit.hubei_note([hits[1]], {"问12"}) == ""


def test_rrf_fuses_weighted_ranks():
    assert rrf([0, 0], [1.0, 0.5], 60) == 1 / 61 + 0.5 / 61
    assert rrf([None, 2], [1.0, 0.5], 60) == 0.5 / 63


def test_other_regions_are_recognised_and_hubei_is_not():
    from rag.citations import other_region, region_refusal_text

    assert other_region("北京职工医保门诊报销比例是多少？") == "北京"
    assert other_region("深圳少儿医保怎么交？") == "深圳"
    assert other_region("湖北省的门诊报销比例是多少？") is None
    assert other_region("异地就医需要备案吗？") is None
    text = region_refusal_text("北京", [make_hit("问12", "职工医保门诊报销比例为60%")])
    assert text.startswith("资料中只有湖北省的相关规定[问12]，不能用来回答北京的情况")
    assert "- [问12]" in text and "60%" not in text
