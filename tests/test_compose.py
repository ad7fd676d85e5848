"""Prompt shape, grammar, and answer composition from a structured reply (pure logic: the reply
text is given, as the model would stream it)."""

import pytest
from conftest import make_hit

from rag import checks, compose, facts, gate, verify
from rag.generation import GenerationStats
from rag.prompt import build_prompt, parse_evidence
from rag.question import Query, claimed_part, invention_request, parse
from rag.scope import CosineScope
from rag.sentences import split_sentences

Q2 = (
    "不可以。首先，用人单位有为职工参加职工医保的法定义务。根据《社会保险法》，所有用人单位及其职工，"
    "都要参加职工基本医疗保险，不给员工缴纳医保是违法的。其次，如果小王生了重病，无法享受医保待遇。"
)
Q39 = "提供欺诈骗保线索者最高奖励10万元。李大爷举报的线索真实、确凿，医保部门按照查实金额的2%进行奖励。"
CHARS = frozenset({"小王", "李大爷"})


def prompt_for(question, *hits):
    return build_prompt(question, list(hits), CHARS)


def composer_for(question, *hits):
    return compose.Composer(prompt_for(question, *hits), question, CHARS)


def feed(composer, text, step=3):
    out = []
    for i in range(0, len(text), step):
        out += composer.feed(text[i : i + step])
    rest, composed = composer.finish()
    return compose.join(out + rest), composed


def test_sentences_are_exact_and_short_verdicts_join_the_next():
    s = split_sentences(Q2)
    assert s[0] == "不可以。首先，用人单位有为职工参加职工医保的法定义务。"
    assert all(x in Q2 for x in s)
    listed = split_sentences("激活步骤：\n1.立即激活\n2.身份验证\n提交后两个工作日内完成审核")
    assert listed == ["激活步骤：\n1.立即激活\n2.身份验证", "提交后两个工作日内完成审核"]
    # A list written inside one line stays with its heading, verbatim, whatever the point numbers.
    inline = "骗保行为有：1. 虚构医药服务的；2. 挂名住院的；3. 其他行为。举报时要提供证据。"
    points = "骗保行为有：1. 虚构医药服务的；2. 挂名住院的；3. 其他行为。"
    assert split_sentences(inline) == [points, "举报时要提供证据。"]
    law = "下列费用不纳入支付范围：（一）工伤保险基金支付的；（二）应当由第三人负担的。打架的费用不能报销。"
    assert split_sentences(law)[0].endswith("（二）应当由第三人负担的。")
    # "label: what it is;" lines under a "…：" heading are a list too: a point alone does not say
    # what it is listed for.
    groups = (
        "一般来说下面这四类人群会需要办理异地就医备案:\n异地转诊人员: 当地医疗条件有限需要转到外地的大医院;\n"
        "常驻异地工作人员:由于工作原因,被单位派去外地常驻;\n异地安置退休人员: 户籍已迁入当地的户籍人员。"
    )
    assert split_sentences(groups) == [groups]
    # A labelled line that does not go on ("；") under the heading is no list: "举个例子:…" stays apart.
    example = "具体如下:\n哪些能报:以就医地的医保目录为准\n能报多少:以参保地的政策为准。"
    assert len(split_sentences(example)) == 3
    # A "；" without a list still ends a sentence.
    paid = split_sentences("参保人可以先行垫付；后需持相关材料手工报销。")
    assert paid == ["参保人可以先行垫付；", "后需持相关材料手工报销。"]


def test_prompt_numbers_sentences_masks_characters_and_caches_the_head():
    p = prompt_for("老板不给我交医保行吗？", make_hit("问2", Q2, question="小王的老板不给交医保，可以吗？"))
    user = p.messages[-1]["content"]
    assert "A1 不可以。首先" in user and "小王" not in user and "参保人" in user
    assert user.startswith(p.cache_head) and "【问题】老板不给我交医保行吗？" in user
    assert p.ids == ["A1", "A2", "A3"]
    assert p.sentence("A2")[1] == 1 and p.sentence("A9") is None and p.sentence("B1") is None
    # The head does not depend on the question (unless the asker names a character).
    assert (
        prompt_for("别的问题", make_hit("问2", Q2, question="小王的老板不给交医保，可以吗？")).cache_head
        == p.cache_head
    )


def test_grammars_are_valid_gbnf():
    llama_cpp = pytest.importorskip("llama_cpp")
    p = prompt_for("q", make_hit("问2", Q2), make_hit("问39", Q39))
    for g in (p.grammar, p.evidence_grammar, p.conclusion_grammar, p.verdict_grammar("算违法吗？")):
        assert llama_cpp.LlamaGrammar.from_string(g, verbose=False) is not None
    assert '"B2"' in p.grammar and '"无"' in p.grammar


def test_evidence_line_parsing():
    assert parse_evidence("依据：A1、B2") == ["A1", "B2"]
    assert parse_evidence("依据：无") is None


def test_a_structured_reply_becomes_a_cited_conclusion_with_quoted_evidence():
    p = prompt_for("老板不给我交医保行吗？", make_hit("问2", Q2))
    c = compose.Composer(p, "老板不给我交医保行吗？", CHARS)
    text, composed = feed(c, "依据：A2\n结论：不可以。单位不给员工缴纳医保是违法的。")
    assert composed.mode == "generated"
    assert composed.body == "不可以。单位不给员工缴纳医保是违法的。[问2]"
    assert text.startswith(composed.body)
    assert "依据：\n[问2]「根据《社会保险法》" in text  # quoted verbatim from the source
    assert [e.label for e in composed.evidence] == ["问2"]


def test_a_question_copied_before_its_reply_is_left_out_and_the_reply_kept():
    asked = "老板多发工资，就不给交医保了。这样可以吗？"
    p = prompt_for(asked, make_hit("问2", Q2))
    _, composed = feed(compose.Composer(p, asked, CHARS), "依据：A1\n结论：这样可以吗，不可以。")
    assert composed.mode == "generated" and composed.body == "不可以。[问2]"
    assert any("left out a copied question: 这样可以吗" in n for n in composed.notes)
    # A sentence that is only the question, or the question and a claim, is still dropped.
    for reply in ("这样可以吗。", "这样可以吗，单位不给员工缴纳医保是违法的。"):
        _, composed = feed(compose.Composer(p, asked, CHARS), f"依据：A1\n结论：{reply}")
        assert composed.mode == "no_conclusion" and composed.body == compose.NO_CONCLUSION_TEXT


def test_the_askers_number_restated_before_a_reply_is_left_out_and_the_reply_kept():
    # Probe 78: "两百块" is the asker's, stated by no source sentence; the reply after it stands alone.
    asked = "老板说不给我上医保了，每个月多给两百块自己看病，我能同意吗？"
    p = prompt_for(asked, make_hit("问2", Q2))
    reply = "老板说不给我上医保了，每个月多给两百块自己看病，不能同意。"
    _, composed = feed(compose.Composer(p, asked, CHARS), f"依据：A1\n结论：{reply}")
    assert composed.mode == "generated" and composed.body == "不能同意。[问2]"
    assert any("left out the asker's words restated before the reply" in n for n in composed.notes)
    # A bare yes after them would confirm what they restate; a number in the reply itself still fails.
    yes = "老板说不给我上医保了，每个月多给两百块自己看病，可以。"
    for reply in (yes, "老板说不给我上医保了，多给的两百块可以自己看病。"):
        _, composed = feed(compose.Composer(p, asked, CHARS), f"依据：A1\n结论：{reply}")
        assert composed.mode == "no_conclusion", reply
    # A period is what a rule turns on (pol-28: 问41 says 出院后7天内); only a sum of money is left out.
    asked = "出院后一周内又因为同一种病住院，算分解住院吗？"
    q17 = "住院天数是医疗机构根据患者病情及医院管理规定来确定的，医保部门不得干涉临床诊疗行为。"
    p = prompt_for(asked, make_hit("问17", q17))
    reply = "出院后一周内又因为同一种病住院，不算分解住院。"
    _, composed = feed(compose.Composer(p, asked, CHARS), f"依据：A1\n结论：{reply}")
    assert composed.mode == "no_conclusion"


def test_a_quotes_opening_verdict_is_left_out():
    # oos-85: "可以。进城务工的农村居民…" under "no conclusion" read as the answer to the asker's question.
    asked = "外国人在中国上班，单位要给交医保吗？"
    p = prompt_for(asked, make_hit("问2", Q2))
    text, composed = feed(compose.Composer(p, asked, CHARS), "依据：A1\n结论：外国人在中国上班。")
    assert composed.mode == "no_conclusion"
    assert "「首先，用人单位有为职工参加职工医保的法定义务。」" in text and "「不可以。" not in text
    assert composed.evidence[0].text.startswith("不可以。")  # the record keeps the source sentence
    # Under a reply too: the verdict answers the FAQ's own question (pol-03: "不行。" under a yes).
    text, composed = feed(compose.Composer(p, asked, CHARS), "依据：A1\n结论：单位要给职工缴纳医保。")
    assert composed.mode == "generated" and "「首先，用人单位" in text and "「不可以。" not in text


def test_sentences_failing_the_checks_are_dropped_and_the_reply_says_so():
    p = prompt_for("举报骗保能拿多少钱？", make_hit("问39", Q39))
    c = compose.Composer(p, "举报骗保能拿多少钱？", CHARS)
    c.feed("依据：A1\n结论：举报查实能拿10万元。")
    prefill, verdict_first = c.retry()  # every sentence failed: the model is told why, once
    assert "原文的数字前有“最高”" in prefill and prefill.endswith("结论：") and not verdict_first
    assert c.retry() is None
    text, composed = feed(c, "李大爷拿到了奖励。")
    assert composed.mode == "no_conclusion" and "10万元" not in composed.body
    assert text.startswith(compose.NO_CONCLUSION_TEXT) and "「提供欺诈骗保线索者最高奖励10万元。」" in text
    assert any("unsupported" in n for n in composed.notes) and any("character" in n for n in composed.notes)


def test_a_question_in_traditional_characters_is_checked_in_simplified():
    # "廣州" in the question is the asker naming 广州: a reply may name it (the check once read it
    # as a place only the reply named, and dropped the sentence).
    item = "在异地长期居住的，办理异地就医备案后可以直接结算住院费用。"
    question = "我媽在廣州長住，住院能直接結算嗎？"
    c = composer_for(question, make_hit("问25", item))
    _, composed = feed(c, "依据：A1\n结论：在广州长期居住的，办理异地就医备案后可以直接结算住院费用。")
    assert composed.mode == "generated", composed.notes
    assert composed.body.startswith("在广州长期居住的")


def test_a_yes_to_a_number_no_cited_sentence_states_is_dropped():
    # "有这个规定。" to a reported rule with a number (15天) that the cited item never states: the
    # item says the hospital decides by the illness; a yes would confirm the asker's number.
    item = "住院天数是医疗机构根据患者病情及医院管理规定来确定的，医保部门不得干涉临床诊疗行为。"
    question = "医院说医保病人住院不能超过15天，有这个规定吗？"
    c = composer_for(question, make_hit("问17", item))
    _, composed = feed(c, "依据：A1\n结论：有这个规定。")
    assert composed.mode == "no_conclusion", composed.notes
    # Since stop 49 a yes to what the asker heard is read first, whatever its number.
    assert any("of what the asker heard" in n for n in composed.notes)
    # The asker's circumstances are not what they ask to confirm (rob-19: 一年的劳动合同).
    labour = "进城务工的农村居民有权参加基本医疗保险，用人单位应为其参加职工基本医疗保险。"
    question = "我表哥农村户口，在城里签了一年的劳动合同，公司应该给他上职工医保吧？"
    assert claimed_part(question) == "公司应该给他上职工医保吧"
    c = composer_for(question, make_hit("问5", labour))
    _, composed = feed(c, "依据：A1\n结论：可以。")
    assert not any("confirms a number" in n for n in composed.notes)
    # Its "可以。" is dropped all the same, since stop 31: it says one may where the asker asks whether
    # the employer must (the judge, absent here, settles "公司应该给他上职工医保").
    assert composed.mode == "no_conclusion"
    assert any("asks whether one must" in n for n in composed.notes)


def test_a_sentence_about_one_case_rests_on_its_items_sentence_about_that_case():
    # The model chose the 住院 sentence; its reply is about 门诊, which another sentence of the same
    # item states: that one sentence is added to the quotes, not every sentence it resembles.
    item = (
        "参保人在参加医疗保险后，持社会保障卡进行刷卡即时结算。"
        "住院保障方面，职工医保和居民医保政策范围内住院费用都可按规定报销。"
        "门诊保障方面，职工医保和居民医保普遍开展了门诊慢性病保障，居民医保还普遍开展了门诊费用统筹。"
    )
    question = "参加了居民医保，在门诊看病能报销吗？"
    c = composer_for(question, make_hit("问6", item))
    _, composed = feed(c, "依据：A2\n结论：参加居民医保在门诊看病可以报销。")
    assert composed.mode == "generated", composed.notes
    assert [e.text[:4] for e in composed.evidence] == ["住院保障", "门诊保障"]


def test_a_number_the_documents_state_otherwise_is_denied_by_rule():
    # The model echoes the asker's 20万; the check drops it; the quote states 10万元 of the same kind.
    question = "听说举报骗保最高能奖20万，是真的吗？"
    c = composer_for(question, make_hit("问39", Q39))
    text, composed = feed(c, "依据：A1、A2\n结论：是的，举报骗保最高能奖20万。")
    assert composed.mode == "generated" and composed.body == "不是。[问39]"
    assert composed.evidence[0].text.endswith("最高奖励10万元。")
    assert text.startswith("不是。[问39]\n\n依据：\n[问39]「提供欺诈骗保线索者最高奖励10万元。」")
    # A bare yes to that number, alone or before a reason, is no answer either: the rule denies it.
    for reply in ("是真的。", "是真的。举报骗保有奖励。"):
        c = composer_for(question, make_hit("问39", Q39))
        _, composed = feed(c, f"依据：A2\n结论：{reply}")
        assert composed.body == "不是。[问39]", reply
    # A rule before a story's example of the same kind: the 2% of 李大爷's case is not the rule.
    question = "内部人员举报骗保，能拿查实金额的10%吧？"
    item = Q39 + "内部人员举报的，可适当提高奖励标准，最高不超过查实欺诈骗保金额的3%。"
    c = composer_for(question, make_hit("问39", item))
    _, composed = feed(c, "依据：A2\n结论：内部人员举报骗保能拿查实金额的10%。")
    assert composed.body == "不是。[问39]" and composed.evidence[0].text.endswith("3%。")
    # The asker's number is in the documents (2% of the recovered amount), or not of a kind the
    # quotes state, or not asked to be confirmed: nothing is decided by rule.
    for q in ("举报能拿查实金额的2%吧？", "听说举报要等20天才有结果，是吗？", "举报骗保能奖20万元吗？"):
        c = composer_for(q, make_hit("问39", Q39))
        _, composed = feed(c, "依据：A1、A2\n结论：李大爷拿到了奖励。")
        assert composed.mode == "no_conclusion", q


def test_model_refusal_and_unusable_replies():
    p = prompt_for("q", make_hit("问2", Q2))
    _, composed = feed(compose.Composer(p, "q", CHARS), "依据：无\n结论：资料没有说明。")
    assert composed.mode == "model_refused"
    _, composed = feed(compose.Composer(p, "q", CHARS), "")
    assert composed.mode == "unparsed"


def test_a_conclusion_restating_an_unchosen_sentence_of_the_item_brings_it_as_evidence():
    p = prompt_for("违法吗？", make_hit("问2", Q2))
    c = compose.Composer(p, "违法吗？", CHARS)
    _, composed = feed(c, "依据：A1\n结论：所有用人单位及其职工都要参加职工基本医疗保险。")
    assert composed.mode == "generated"
    assert {e.index for e in composed.evidence} >= {0, 1}


def test_a_check_given_other_evidence_reads_that_evidence():
    # "self.evidence or [] if evidence is None else evidence" read the chosen evidence whenever any
    # was chosen, so a sentence checked against the sentences it restates was checked against others.
    p = prompt_for("违法吗？", make_hit("问2", Q2))
    c = compose.Composer(p, "违法吗？", CHARS)
    c._read_evidence("依据：A1")
    chosen, other = c.evidence[0], p.sources[0].evidence(2)
    assert chosen.text != other.text
    assert other.text in c._support([other]) and chosen.text not in c._support([other])
    assert chosen.text in c._support()
    assert c._support([]) == []


ZHUANZHEN = (
    "转诊证明怎么开？简单来说分为3步：填写转诊申请表、首诊医院主诊医生出具意见、医院审核并加盖医院公章。"
    "但是，转诊证明并不容易申请，如果当地医院能治，医院就不会开，否则都去大城市就医。"
)


def test_a_reply_in_the_askers_words_is_quoted_with_the_sentence_it_rests_on():
    asked = "本地医院能治的病，医院还会给开转诊吗？"
    c = composer_for(asked, make_hit("异地就医·异地转诊", ZHUANZHEN))
    text, composed = feed(c, "依据：A2\n结论：本地医院能治的病，医院不会给开转诊。")
    # The reply states nothing beyond the question and the three steps; it rests on A3.
    assert text.startswith("本地医院能治的病，医院不会给开转诊。")
    assert "如果当地医院能治，医院就不会开" in text
    assert {e.index for e in composed.evidence} == {1, 2}
    assert any("rests on" in n for n in composed.notes)
    # A reply its quote already states gets no more quotes.
    c = composer_for(asked, make_hit("异地就医·异地转诊", ZHUANZHEN))
    _, composed = feed(c, "依据：A3\n结论：当地医院能治的病，医院不会开转诊证明。")
    assert [e.index for e in composed.evidence] == [2]


def test_an_order_of_size_brings_the_sentence_that_states_it():
    q13 = (
        "因为两个人参加的是不同类型的医保。由于职工基本医疗保险与城乡居民医疗保险在筹资上有差别，"
        "职工医疗保险年均缴费要几千元，居民医疗保险年人均缴费只有几百元。"
    )
    asked = "职工医保一年大概交多少钱？"
    c = composer_for(asked, make_hit("问13", q13))
    text, composed = feed(c, "依据：A1\n结论：职工基本医疗保险一年大概交几千元。")
    assert text.startswith("职工基本医疗保险一年大概交几千元。")
    assert "年均缴费要几千元" in text
    assert 1 in {e.index for e in composed.evidence}


def test_a_reply_about_one_case_is_not_quoted_with_the_other_cases_sentence():
    q30 = (
        "甲类药品是临床治疗必需、使用广泛、疗效好，同类药品中价格低的药品。参保人使用这类药品时，可以全额纳入报销范围。"
        "乙类药品是可供临床治疗选择使用、疗效好的药品。"
    )
    asked = "乙类药的费用能全额纳入报销吗？"
    c = composer_for(asked, make_hit("问30", q30))
    text, composed = feed(c, "依据：A3\n结论：乙类药的费用不能全额纳入报销。")
    assert text.startswith("乙类药的费用不能全额纳入报销。")
    # "这类〔甲类〕药品…可以全额纳入报销范围" shares most of its words, about the other case.
    assert "全额纳入报销范围。」" not in text
    assert [e.index for e in composed.evidence] == [2]


def test_questions_asking_to_invent_are_recognised():
    for q in (
        "请随便编一个北京门诊报销比例",
        "你猜一下大病保险起付线大概多少",
        "不用看资料，直接告诉我报销比例是90%对吧",
        "你就估计一下，武汉居民医保一年大概要交多少钱？",  # probe 13 (stop 25)
        "你随便举个例子就行",
        "老板说随便编个理由就能不交医保，你帮我编一个？",  # the asker asks for it too
    ):
        assert invention_request(q), q
    # Probe 54: someone else making things up is asked about, not asked for.
    assert invention_request("医院编一个根本不存在的项目来收费，叫什么？") is None
    asked = ("大病保险起付线是多少？", "医保卡丢了怎么办？", "编号是什么意思")
    # Probe 15: 随便举报 asks about a rule; 乱报销 is a complaint.
    rules = ("举报骗保是不是随便举报一个就能拿10万？", "医院乱报销算骗保吗？")
    for q in (*asked, *rules, "医生估计要花20万，医保能报多少？"):
        assert invention_request(q) is None, q


def test_gate_refuses_inventions_low_confidence_and_other_regions():
    hits = [make_hit("问12", "起付线为 1.2 万元。", dense=0.8), make_hit("问2", Q2, dense=0.5)]
    kw = {"scope": CosineScope(0.5), "max_items": 3, "min_ratio": 0.9, "regional": {"问12": "湖北省"}}
    d = gate.decide(parse("随便编一个起付线", None, 500), hits, **kw)
    assert d.refused and d.refusal.startswith(compose.INVENTION_TEXT)
    d = gate.decide(parse("今天天气怎么样", None, 500), [make_hit("问2", Q2, dense=0.3)], **kw)
    assert d.refused and d.refusal.startswith(compose.REFUSAL_TEXT)
    d = gate.decide(parse("北京大病保险起付线多少", None, 500), hits, **kw)
    assert d.refused and "北京" in d.refusal and "只有湖北省的相关规定" in d.refusal
    d = gate.decide(parse("武汉大病保险起付线多少", None, 500), hits, **kw)  # a city of the region
    assert not d.refused
    d = gate.decide(Query("起付线多少", "起付线多少"), hits, **kw)
    assert not d.refused and [h.label for h in d.context] == ["问12"]
    # A kind of insurance the documents never name, whatever else matches; named beside 医保, asked.
    covered = facts.covered_kinds(["医保…生育保险…大病保险", "医保…生育保险…大病保险…补充医疗保险"])
    assert "补充医疗保险" not in covered  # named once in passing: not what the documents speak of
    pension = parse("在外省交了几年养老保险，回老家以后怎么转移接续？", None, 500)
    d = gate.decide(pension, hits, **kw, covered=covered)
    assert d.refused and "养老保险" in d.notes[0]
    d = gate.decide(parse("单位交了养老保险，医保也得交吗", None, 500), hits, **kw, covered=covered)
    assert not d.refused
    assert facts.uncovered_kind("买的百万医疗险怎么报销", covered) == "百万医疗险"
    assert facts.uncovered_kind("大病保险怎么报", covered) is None
    assert facts.uncovered_kind("公司给交的补充医疗保险怎么报？", covered) == "补充医疗保险"
    # "医保目录" is the list of what 医保 pays, not the insurance asked about.
    assert facts.uncovered_kind("惠民保能报销医保目录外的药吗？", covered) == "惠民保"
    assert facts.uncovered_kind("医保目录外的药能报销吗？", covered) is None
    # Another place's own figure, from national items only: not in the documents.
    national = [make_hit("问2", Q2, dense=0.8)]
    d = gate.decide(parse("广州城乡居民医保一年个人要交多少钱？", None, 500), national, **kw)
    assert d.refused and "广州" in d.refusal and "不能替广州给出数字" in d.refusal
    d = gate.decide(parse("廣州城鄉居民醫保一年個人要交多少錢？", None, 500), national, **kw)  # traditional
    assert d.refused and "广州" in d.refusal
    d = gate.decide(parse("四川城乡居民医保在乡镇卫生院住院能报百分之几？", None, 500), national, **kw)
    assert d.refused and "不能替四川给出数字" in d.refusal
    for q in (
        "医保在成都交的，人在上海住院能报多少？",  # two places: care away from home
        "去北京异地就医备案后能报多少？",
        "武汉职工医保起付线是多少？",  # a place of the documents' region
        "广州怎么撤销异地备案？",  # no figure asked
    ):
        assert not gate.decide(parse(q, None, 500), national, **kw).refused, q


def test_region_notes_and_region_names():
    regional = {"问12": "湖北省", "穗·第3条": "广州市"}
    note = compose.region_note(["问12", "问2", "穗·第3条"], regional)
    assert "注意：[问12]是湖北省的规定，其他省份请" in note and "[穗·第3条]是广州市的规定，其他地区请" in note
    assert compose.region_note(["问2"], regional) == ""
    assert compose.other_region("北京职工医保门诊报销比例是多少？", "湖北省") == "北京"
    assert compose.other_region("湖北省的门诊报销比例是多少？", "湖北省") is None
    assert compose.other_region("武汉的门诊报销比例是多少？", "湖北省") is None
    assert compose.other_region("武汉的门诊报销比例是多少？", "广州市") == "武汉"


def test_a_verdict_its_own_reason_denies_is_not_shown():
    q = "生育保险和职工医保合并了，以后还有生育保险吗？"
    src = "这种理解是错误的。生育保险和职工医保合并实施以后，生育保险作为独立险种仍将保留。"
    p = prompt_for(q, make_hit("问33", src))
    c = compose.Composer(p, q, CHARS)
    _, composed = feed(c, "依据：A1\n结论：没有。生育保险和职工医保合并以后还有生育保险。")
    assert composed.mode == "no_conclusion" and not composed.body.startswith("没有。")
    assert any("contradicts" in n for n in composed.notes)
    c = compose.Composer(p, q, CHARS)
    _, composed = feed(c, "依据：A1\n结论：有。生育保险作为独立险种仍将保留。")
    assert composed.body.startswith("有。生育保险作为独立险种仍将保留。")


def test_after_an_explicit_verdict_a_restatement_is_its_reason():
    q = "医院内部员工举报骗保，奖励能比一般人高吗？"
    src = "举报人为定点医疗机构内部人员的，可适当提高奖励标准。"
    p = prompt_for(q, make_hit("问39", src))
    _, composed = feed(
        compose.Composer(p, q, CHARS), "依据：A1\n结论：医院内部员工举报骗保，奖励能比一般人高。"
    )
    assert composed.mode == "no_conclusion"  # a bare restatement of a yes/no question is not trusted
    _, composed = feed(
        compose.Composer(p, q, CHARS), "依据：A1\n结论：能。医院内部员工举报骗保，奖励能比一般人高。"
    )
    assert composed.body.startswith("能。医院内部员工举报骗保")
    q2 = "医院内部的人举报骗保，能拿查实金额的10%吧？"
    p2 = prompt_for(q2, make_hit("问39", "内部人员举报的，最高不超过查实欺诈骗保金额的3%。"))
    _, composed = feed(
        compose.Composer(p2, q2, CHARS),
        "依据：A1\n结论：不能。医院内部的人举报骗保，最高只能拿查实金额的3%。",
    )
    assert composed.body.startswith("不能。")  # a corrected number is not a contradiction


def test_quotes_about_story_characters_are_left_out_or_replaced():
    q = "举报骗保能拿多少钱？"
    p = prompt_for(q, make_hit("问39", Q39))
    # The model chose both sentences: the one about 李大爷 is left out, the other still supports it.
    text, composed = feed(compose.Composer(p, q, CHARS), "依据：A1、A2\n结论：举报骗保最高奖励10万元。")
    assert composed.body == "举报骗保最高奖励10万元。[问39]"
    assert [e.text for e in composed.evidence] == ["提供欺诈骗保线索者最高奖励10万元。"]
    assert "李大爷" not in text
    # Only the story sentence chosen, nothing concluded: the item's sentence without a character
    # is quoted instead.
    text, composed = feed(compose.Composer(p, q, CHARS), "依据：A2\n结论：")
    assert composed.mode == "no_conclusion" and "李大爷" not in text
    assert "「提供欺诈骗保线索者最高奖励10万元。」" in text
    # The asker named the character: the quote stays.
    q2 = "李大爷举报骗保拿了多少奖励？"
    p2 = prompt_for(q2, make_hit("问39", Q39))
    _, composed = feed(compose.Composer(p2, q2, CHARS), "依据：A2\n结论：按查实金额的2%奖励。")
    assert any("李大爷" in e.text for e in composed.evidence)


def test_a_story_sentence_the_reply_rests_on_is_quoted_without_the_name():
    q40 = "一是医保卡只限本人使用。小王把医保卡借给同事，会造成冒名住院、敛卡盗刷等欺诈骗保行为。"
    q = "医保卡能借给别人用吗？"
    p = prompt_for(q, make_hit("问40", q40))
    reply = "依据：A2\n结论：把医保卡借给别人会造成冒名住院等欺诈骗保行为。"
    text, composed = feed(compose.Composer(p, q, CHARS), reply)
    assert composed.body == "把医保卡借给别人会造成冒名住院等欺诈骗保行为。[问40]"
    assert "「〔参保人〕把医保卡借给同事，会造成冒名住院、敛卡盗刷等欺诈骗保行为。」" in text
    assert "小王" not in text and composed.evidence[0].text.startswith("小王")  # the record keeps the source
    # A figure only the story states is its example, not the rule the asker asked for: dropped.
    q = "举报骗保奖励按什么比例？"
    p = prompt_for(q, make_hit("问39", Q39))
    _, composed = feed(compose.Composer(p, q, CHARS), "依据：A2\n结论：按查实金额的2%进行奖励。")
    assert composed.mode == "no_conclusion" and any("story's example" in n for n in composed.notes)


def test_a_story_quote_the_reply_rests_on_stays_even_when_the_item_has_another():
    q14 = (
        "老王和小刘打架受伤，两人的医疗费用属于应当由第三人负担的情形，因此不能予以医保报销。"
        "如果医院在他俩的治疗费用结算时使用了医保报销，则医院的行为是违法的。"
    )
    q = "跟人打架打伤了，治疗费能走医保吗？"
    p = build_prompt(q, [make_hit("问14", q14)], frozenset({"老王", "小刘"}))
    text, _ = feed(compose.Composer(p, q, frozenset({"老王", "小刘"})), "依据：A1、A2\n结论：不能报销。")
    assert (
        "「〔参保人〕和〔参保人〕打架受伤，两人的医疗费用属于应当由第三人负担的情形，因此不能予以医保报销。」"
        in text
    )
    assert "老王" not in text


def test_a_conclusion_is_read_against_its_items_closest_sentence_not_only_the_chosen_one():
    # The model chose the one sentence that agrees with its "需要" and left out the closer one.
    emergency = (
        "对于异地急诊大部分城市都支持“先救治,后报销”不需要提前备案。"
        "但有些城市会严格一点会要求临时电话备案,具体需要拨打12333咨询。"
    )
    q = "异地急诊需要提前备案吗？"
    p = prompt_for(q, make_hit("异地就医·异地急诊", emergency))
    text, composed = feed(compose.Composer(p, q, CHARS), "依据：A2\n结论：需要提前备案。")
    assert "需要提前备案。[" not in text
    assert any("closest sentence" in n for n in composed.notes)
    # What the dropped verdict said flatly the source says of some cities: it depends (stop 30).
    assert composed.body == "不一定。[异地就医·异地急诊]" and "有些城市" in composed.evidence[0].text
    # The reply that agrees with the closest sentence stays.
    p = prompt_for(q, make_hit("异地就医·异地急诊", emergency))
    text, composed = feed(compose.Composer(p, q, CHARS), "依据：A1\n结论：大部分城市不需要提前备案。")
    assert composed.mode == "generated" and text.startswith("大部分城市不需要提前备案。")


def test_a_refusal_near_the_scope_line_quotes_the_closest_sentences():
    q40 = (
        "一是医保卡只限本人使用。二是小王的医保卡个人账户可在定点零售药店购买药品、家用医疗器械的费用，"
        "但购买生活用品将涉嫌串换项目等欺诈骗保行为；三是以上行为一经发现，将纳入失信人员黑名单。"
    )
    kw = {"scope": CosineScope(0.5), "max_items": 1, "min_ratio": 0.9, "regional": {}, "characters": CHARS}
    near = [make_hit("问40", q40, dense=0.48), make_hit("问2", Q2, dense=0.3)]
    question = parse("医保卡能在药店买洗发水吗？", None, 500)
    d = gate.decide(question, near, near_scope=0.5, **kw)
    assert d.refused and d.refusal.startswith(compose.UNSURE_TEXT) and "最接近的原文" in d.refusal
    # The closest sentences, in the item's order, with the story character left out.
    assert [e.index for e in d.evidence] == [0, 1] and "〔参保人〕的医保卡个人账户" in d.refusal
    assert "小王" not in d.evidence[1].shown and d.evidence[1].text.startswith("二是小王")
    # Off, far below the line, or nothing sharing a word with the question: the plain refusal.
    assert gate.decide(question, near, near_scope=0, **kw).refusal.startswith(compose.REFUSAL_TEXT)
    far = [make_hit("问40", q40, dense=0.2)]
    assert gate.decide(question, far, near_scope=0.5, **kw).refusal.startswith(compose.REFUSAL_TEXT)
    d = gate.decide(parse("今天天气怎么样", None, 500), near, near_scope=0.5, **kw)
    assert d.refusal.startswith(compose.REFUSAL_TEXT) and not d.evidence
    # A question for a figure, or about a place a regional item's rule does not hold for: a quoted
    # number would read as the answer.
    regional = {**kw, "regional": {"问40": "湖北省"}}
    cases = (("医保卡在药店一年能买多少钱的东西？", kw), ("上海医保卡能在药店买洗发水吗？", regional))
    for asked, k in cases:
        d = gate.decide(parse(asked, None, 500), near, near_scope=0.5, **k)
        assert d.refusal.startswith(compose.REFUSAL_TEXT) and not d.evidence, asked
    # A national rule holds anywhere: a place the asker names does not keep its sentences back
    # (probe 72: "我备案去了深圳，现在想回武汉老家做手术…" got no quote of 异地就医·问8).
    d = gate.decide(parse("上海医保卡能在药店买洗发水吗？", None, 500), near, near_scope=0.5, **kw)
    assert d.refusal.startswith(compose.UNSURE_TEXT) and [e.index for e in d.evidence] == [0, 1]
    d = gate.decide(parse("武汉医保卡能在药店买洗发水吗？", None, 500), near, near_scope=0.5, **regional)
    assert d.refusal.startswith(compose.UNSURE_TEXT), "a place inside the item's region"


def test_a_rule_its_items_closest_sentence_gives_one_group_is_not_said_of_everyone():
    # The model quoted the 转诊 sentence (whose clause it does not restate); the item's sentence it
    # does restate ("…在参保地即可刷卡就医") is said of 驻外人员 who cancelled their filing.
    back = (
        "转诊转院人员办理了跨省异地就医登记备案后,回参保地看病就医无需办理手续。"
        "自办理异地就医登记起6个月以上的驻外人员返回参保地长期居住的,办理注销后在参保地即可刷卡就医。"
    )
    q = "办了异地备案后想回参保地住院怎么办？"
    p = prompt_for(q, make_hit("异地就医·问8", back, question="办理异地就医备案后又需要回参保地住院怎么办?"))
    text, composed = feed(
        compose.Composer(p, q, CHARS),
        "依据：A1\n结论：办了异地备案后想回参保地住院，可以直接在参保地刷卡就医。",
    )
    assert composed.mode == "no_conclusion" and "可以直接在参保地刷卡就医。[" not in text
    assert any("驻外人员" in n for n in composed.notes)


def test_a_rule_its_items_closest_sentence_gives_some_places_is_not_said_of_everyone():
    # The model quoted the sentence saying one must cancel; the one it restates names 南昌等地.
    back = (
        "如果想回老家用医保报销都需要先撤销备案,否则无法用医保进行报销。"
        "撤销的方法各地有所不同,比如广州通过小程序就可以在线撤销而像南昌等地,还需要去社保局办理。"
    )
    q = "撤销异地备案"
    p = prompt_for(q, make_hit("异地就医·回参保地报销", back, question="办了异地就医,还能回老家用医保报销吗"))
    text, composed = feed(compose.Composer(p, q, CHARS), "依据：A1\n结论：撤销异地备案需要先去社保局办理。")
    assert composed.mode == "no_conclusion" and "社保局办理。[" not in text
    assert any("南昌等地" in n for n in composed.notes)


def test_a_quote_about_this_kind_names_the_case_the_sentence_before_it_names():
    q30 = (
        "甲类药品是临床治疗必需、使用广泛、疗效好，同类药品中价格低的药品。参保人使用这类药品时，可以全额纳入报销范围。"
        "乙类药品是可供临床治疗选择使用、疗效好，同类药品中比甲类药品价格高的药品。参保人使用这类药品时，要先扣除个人自付费用。"
    )
    p = prompt_for("乙类药怎么报销？", make_hit("问30", q30))
    c = compose.Composer(p, "乙类药怎么报销？", CHARS)
    text, composed = feed(c, "依据：A4、A2\n结论：乙类药要先扣除个人自付费用。")
    # The sentence before names 乙类 first (and 甲类 only in comparison): the quote is about 乙类.
    assert "「参保人使用这类〔乙类〕药品时，要先扣除个人自付费用。」" in text
    assert "「参保人使用这类〔甲类〕药品时，可以全额纳入报销范围。」" in text
    # The record keeps the document's words; only what is shown is edited.
    assert all("〔" not in e.text for e in composed.evidence)
    edited = ["参保人使用这类〔乙类〕药品时…", "鄂政发〔2017〕9号"]
    assert not checks.check_quotes(edited, "乙类药怎么报销？", CHARS)  # no story mask in either
    # The checks read the quotes as shown: a claim about 乙类 resting on 甲类's sentence is dropped.
    asked = "乙类药是全额报销的吧？"
    c = composer_for(asked, make_hit("问30", q30))
    _, composed = feed(c, "依据：A2、A3\n结论：乙类药可以全额纳入报销范围。")
    assert composed.mode == "no_conclusion"
    assert any("甲类" in n for n in composed.notes)


def test_a_list_cut_at_the_length_limit_keeps_its_whole_clauses():
    q37 = (
        "定点医疗机构的骗保行为有虚构医药服务，伪造医疗文书和票据，骗取医疗保障基金。"
        "定点药店的骗保行为有盗刷医疗保障身份凭证，为参保人员套取现金或购买保健食品、化妆品、生活用品。"
        "参保人员的骗保行为有伪造假医疗服务票据，将本人的医疗保障凭证转借他人就医。"
    )
    asked = "哪些行为属于欺诈骗保？"
    p = prompt_for(asked, make_hit("问37", q37))
    cut = (
        "定点医疗机构的骗保行为有虚构医药服务，伪造医疗文书和票据，骗取医疗保障基金；"
        "定点药店的骗保行为有盗刷医疗保障身份凭证，为参保人员套取现金或购买保健食品、化妆品、生活用品；"
        "参保人员的骗保行为有伪造假医疗服务票据，将本人的医疗保障凭证转借他人就医的"
    )
    assert len(cut) >= compose.MAX_SENTENCE_CHARS  # where the grammar ends a sentence
    _, composed = feed(compose.Composer(p, asked, CHARS), f"依据：A1、A2、A3\n结论：{cut}。")
    assert composed.mode == "generated"
    assert composed.body.startswith("定点医疗机构的骗保行为有虚构医药服务")
    assert composed.body.endswith("生活用品。[问37]")
    assert "参保人员的骗保行为" not in composed.body
    # Cut with no whole clause before it, the sentence is dropped.
    _, composed = feed(compose.Composer(p, asked, CHARS), f"依据：A1\n结论：{cut.replace('；', '，')}。")
    assert composed.mode == "no_conclusion"
    # After a first conclusion, a list cut at the limit is padding: dropped whole (rob-03).
    first = "定点药店的骗保行为有盗刷医疗保障身份凭证。"
    _, composed = feed(compose.Composer(p, asked, CHARS), f"依据：A1、A2、A3\n结论：{first}{cut}。")
    assert composed.body == first + "[问37]"


def test_which_case_decides_is_read_against_the_cited_item_whole():
    q29 = (
        "就医地目录是指参保人跨省就医原则上执行就医地支付范围，主要包括基本医疗保险药品目录、诊疗项目和医疗服务设施标准。"
        "参保地政策是指参保人跨省就医原则上执行参保地支付政策，包括参保地医保基金的起付线、支付比例和最高支付限额。"
    )
    asked = "我是外省参保的，在上海住院直接结算，报销比例按上海的算吗？"
    p = prompt_for(asked, make_hit("问29", q29))
    # The model chose the 就医地 sentence only; the item's other sentence gives 比例 to 参保地.
    # That reply is dropped, and the side the item binds 比例 to is the answer, by rule (stop 32).
    _, composed = feed(compose.Composer(p, asked, CHARS), "依据：A1\n结论：报销比例按上海的算。")
    assert any("参保地的比例" in n for n in composed.notes)
    assert composed.body == "不是，报销比例按参保地（外省）的政策算。[问29]"
    assert [e.text[:6] for e in composed.evidence] == ["参保地政策是"]
    _, composed = feed(compose.Composer(p, asked, CHARS), "依据：A2\n结论：报销比例按参保地的政策算。")
    assert composed.mode == "generated" and composed.body.startswith("报销比例按参保地的政策算。")


def test_which_side_decides_is_answered_by_rule_when_the_reply_was_dropped():
    q10 = (
        "跨省异地就医直接结算的主要政策,是“就医地目录参保地政策、就医地管理”。"
        "参保地政策就是参保人员跨省就医原则上执行参保地的支付政策这些支付政策包括医保基金的起付线、支付比例和最高支付限额,等等"
    )
    asked = "醫保是在老家繳的，人在外省住院，哪些藥能報、報銷比例多少，分別是照哪一邊的規定？"
    c = composer_for(asked, make_hit("异地就医·问10", q10))
    _, composed = feed(c, "依据：A1\n结论：报销比例按就医地的政策算。")
    both = "能报哪些看就医地（外省）的目录，报销比例按参保地（老家）的政策算"
    assert composed.body == both + "。[异地就医·问10]"
    assert len(composed.evidence) == 2  # the slogan (目录) and the 政策…包括…支付比例 sentence
    # Nothing dropped (a reply kept), or a question about something else: no rule.
    c = composer_for("在外地看病能报销吗？", make_hit("异地就医·问10", q10))
    _, composed = feed(c, "依据：A1\n结论：在外地看病能报销吗。")
    assert composed.mode == "no_conclusion"


def test_which_side_is_answered_by_rule_before_the_model_is_asked():
    class Unasked:  # the rule answers whole: the model must not be asked at all
        def stream(self, *args, **kwargs):
            raise AssertionError("the model was asked")

    q10 = (
        "跨省异地就医直接结算的主要政策,是“就医地目录参保地政策、就医地管理”。"
        "参保地政策就是参保人员跨省就医原则上执行参保地的支付政策这些支付政策包括医保基金的起付线、支付比例和最高支付限额,等等"
    )
    asked = "我老家在湖南，在广州住院，报销比例看哪边？"
    p = prompt_for(asked, make_hit("异地就医·问10", q10))
    c = compose.Composer(p, asked, CHARS)
    shown = list(compose.generate(Unasked(), p, c, GenerationStats(), lambda: None, judge_margin=0.25))
    rest, composed = c.finish()
    assert shown == ["报销比例按参保地（老家）的政策算。[异地就医·问10]"] == [composed.body]
    assert composed.mode == "generated" and composed.evidence[0].text.startswith("参保地政策就是")
    assert "\n\n依据：" in rest[0]
    # The asker's place in the bracket may be the documents' own region (湖北): the rule is checked
    # without the asker's words for the sides (probe 35 had no conclusion).
    hubei = "医保在湖北交的，在广州住院，起付线看哪边？"
    home = facts.region_places({"湖北"})
    c = compose.Composer(prompt_for(hubei, make_hit("异地就医·问10", q10)), hubei, CHARS, home)
    shown = list(compose.generate(Unasked(), c.prompt, c, GenerationStats(), lambda: None))
    assert shown == ["起付线按参保地（湖北）的政策算。[异地就医·问10]"]
    # A question the rule does not read is the model's.
    other = "在外地看病能报销吗？"
    c = compose.Composer(prompt_for(other, make_hit("异地就医·问10", q10)), other, CHARS)
    with pytest.raises(AssertionError, match="the model was asked"):
        list(compose.generate(Unasked(), c.prompt, c, GenerationStats(), lambda: None))


def test_side_replies_name_each_side_with_the_askers_word():
    rule = checks.SideRule([("目录", "就医地"), ("比例", "参保地"), ("政策", "参保地")])
    roles = {"老家": "参保地", "外省": "就医地"}
    both = "能报哪些看就医地（外省）的目录，报销比例按参保地（老家）的政策算"
    assert compose.side_reply(rule, roles) == both
    rule = checks.SideRule([("起付线", "参保地"), ("比例", "参保地")], asked="参保地")
    assert compose.side_reply(rule, {}) == "是的，起付线、报销比例按参保地的政策算"
    rule = checks.SideRule([("政策", "参保地")], asked="就医地")
    assert compose.side_reply(rule, {}) == "不是，报多少按参保地的政策算"


def test_a_semicolon_inside_brackets_ends_no_sentence():
    # Probe 15: split there, a quote opened inside the bracket ("转诊人员备案有效期为3个月)到…").
    first = "参保人员在备案有效期限内(长居人员不设有效期;转诊人员备案有效期为3个月)到医保窗口办理登记。"
    assert split_sentences(first + "入院后执行就医地流程。") == [first, "入院后执行就医地流程。"]


def test_a_list_going_on_after_its_semicolon_is_one_sentence():
    # rob-60: cut at the "；", the quote and a reply resting on it left out 处方联 and 急诊诊断证明.
    needed = "参保人员一般应提供费用收据联、明细清单；除此之外，门诊就医的还需提供处方联、急诊诊断证明。"
    rest = "具体情况按照各参保地政策执行。"
    assert split_sentences(needed + rest) == [needed, rest]
    # A "；" before anything else still ends a sentence.
    two = "一是医保卡只限本人使用；二是个人账户可在定点零售药店购买药品。"
    assert split_sentences(two) == ["一是医保卡只限本人使用；", "二是个人账户可在定点零售药店购买药品。"]


def test_a_how_question_with_no_conclusion_is_shown_what_to_do():
    q42 = (
        "一是分解收费：将一个项目收费分解成几个项目甚至是自立项目收费；二是重复计费：病人在使用某一诊疗项目后，"
        "主要通过增加相近的项目，反复多次收取该诊疗项目费用；"
        "住院时对每日清单的内容中不清楚的地方要及时向医生或护士询问，发现有以上情况，可以向当地医保部门投诉举报。"
    )
    q = "出院发现没做的项目也收费了怎么办？"
    p = prompt_for(q, make_hit("问42", q42))
    # The kinds of overcharging named as what to do are dropped; nothing is concluded, and the
    # sentence saying what one can do is quoted, though the kinds share more words with the question.
    reply = "依据：A1、A2\n结论：出院发现没做的项目也收费了，应该分解收费或重复计费。"
    text, composed = feed(compose.Composer(p, q, CHARS), reply)
    assert composed.mode == "no_conclusion"
    assert "可以向当地医保部门投诉举报。」" in text
    assert checks.advises("发现有以上情况，可以向当地医保部门投诉举报。")
    assert not checks.advises("主要通过增加相近的项目，反复多次收取该诊疗项目费用；")


def test_an_item_naming_the_askers_group_goes_first():
    premiums = make_hit("问1", "城乡居民医保实行政府补贴和个人缴费相结合的筹资机制。", dense=0.65)
    other = make_hit("问6", "参保人在参加医疗保险后持社会保障卡刷卡即时结算。", dense=0.59)
    paid = "对特困人员、孤儿、低保对象参加城乡居民基本医疗保险的个人缴费部分给予全额资助。"
    subsidy = make_hit("问35", paid, dense=0.57)
    hits = [premiums, other, subsidy]
    kw = {"scope": CosineScope(0.5), "max_items": 1, "min_ratio": 0.9, "regional": {}}
    q = parse("我是低保户，参加居民医保自己要掏钱吗？", None, 500)
    # Below the dense ratio, but the one of the first three that speaks of the asker's group.
    assert gate.decide(q, hits, **kw, everyday={}).context == [subsidy]
    assert gate.decide(q, hits, **kw).context == [premiums]  # off
    # The asker's everyday word read as the documents' (吃低保 → 低保), and a time before joining
    # a group names none (快退休了).
    assert gate.group_first("家里吃低保 低保", hits, [premiums]) is subsidy
    # 困难户 names no group until read as the documents' 贫困 (corpus/synonyms.tsv).
    poor = make_hit("问35", "农村建档立卡贫困人口参加居民医保的个人缴费部分给予补贴。", dense=0.57)
    q2 = parse("我家是困难户，参加居民医保还要掏钱吗？", None, 500)
    assert gate.decide(q2, [premiums, other, poor], **kw, everyday={"困难户": "贫困"}).context == [poor]
    assert gate.decide(q2, [premiums, other, poor], **kw, everyday={}).context == [premiums]
    retiring = [make_hit("问3", "职工个人也有缴费的义务。"), make_hit("问25", "异地安置退休人员可以备案。")]
    assert gate.group_first("快退休了，医保能不交吗？", retiring, retiring[:1]) is None
    assert gate.group_first("退休了还要交医保吗？", retiring, retiring[:1]) is retiring[1]
    # Those treated abroad (probe 60): 问14 names them, 问8's 出差 story does not.
    trip = [make_hit("问8", "出院后可以凭急诊证明材料回参保地手工报销。"), make_hit("问24", "出差生病住院。")]
    law = make_hit("问14", "下列医疗费用不纳入基本医疗保险基金支付范围：…（四）在境外就医的。")
    assert gate.group_first("出国旅游生病的医药费医保给不给出 境外", [*trip, law], trip[:1]) is law
    # Two items of one story speak of one person: the first, about what 王阿姨 does, is not passed
    # over for the one saying she is retired (probe 88: nothing then said what to do).
    how = make_hit("问26", "持卡就医。", question="王阿姨的异地就医直接结算手续该怎么办？")
    who = make_hit("问25", "王阿姨是辽宁人，在辽宁退休后可以办理异地就医。")
    asked = "婆婆退休了，想在成都看病直接结算，得先办啥？"
    assert gate.group_first(asked, [how, who], [how]) is who
    assert gate.group_first(asked, [how, who], [how], characters={"王阿姨"}) is None


def test_an_item_naming_the_askers_rare_case_goes_first():
    inpatient = make_hit("问26", "完成备案手续后就可以实现住院费用直接结算了。", dense=0.62)
    outpatient = make_hit("问27", "跨省异地就医门诊费用直接结算尚未在全国全面开展。", dense=0.58)
    hits = [inpatient, outpatient]
    kw = {"scope": CosineScope(0.5), "max_items": 1, "min_ratio": 0.9, "regional": {}}
    q = parse("办了异地备案，在北京的门诊看病费用能否直接结算？", None, 500)
    decided = gate.decide(q, hits, **kw, everyday={})
    assert decided.context == [outpatient] and "names the asker's case" in decided.notes[0]
    assert gate.decide(q, hits, **kw).context == [inpatient]  # off
    # 住院 is not rare (most items name it in passing), and a question naming both cases asks of both.
    assert gate.case_first("门诊和住院都能直接结算吗？", hits, [inpatient]) is None
    assert gate.case_first("住院能直接结算吗？", hits[::-1], [outpatient]) is None


def test_a_question_the_top_item_answers_by_rule_is_in_scope_below_the_line():
    q10 = make_hit(
        "异地就医·问10", "跨省异地就医直接结算的主要政策,是“就医地目录参保地政策、就医地管理”。", dense=0.45
    )
    kw = {"scope": CosineScope(0.5), "max_items": 1, "min_ratio": 0.9, "regional": {}}
    q = parse("在外省看病，哪些药能报是看外省的目录还是老家的？", None, 500)
    decided = gate.decide(q, [q10], **kw)
    assert not decided.refused and decided.context == [q10]
    assert "answers it by rule" in decided.notes[0]
    # Below the line and asking something the rule does not read: refused as before.
    assert gate.decide(parse("在外省看病能报销吗？", None, 500), [q10], **kw).refused


def test_a_kept_sentence_gets_the_quote_it_restates():
    q8 = (
        "可以。出院后可以凭医院开具的急诊证明材料和其他医疗费用相关票据回参保地手工报销。"
        "需要注意的是，就医者一定记得及时向就诊地医疗机构索取急诊证明、费用发票、药品处方和费用明细等报销所需的材料。"
    )
    q = "出差急诊没备案，回去报销要准备哪些材料？"
    p = prompt_for(q, make_hit("问8", q8))
    reply = "依据：A1\n结论：要准备急诊证明、费用发票、药品处方和费用明细。"
    _, composed = feed(compose.Composer(p, q, CHARS), reply)
    assert composed.body == "要准备急诊证明、费用发票、药品处方和费用明细。[问8]"
    assert [e.index for e in composed.evidence] == [0, 1]  # the list's sentence is shown too
    # A reply the chosen quote already states gets nothing more.
    _, composed = feed(compose.Composer(p, q, CHARS), "依据：A1\n结论：可以凭急诊证明材料回参保地手工报销。")
    assert [e.index for e in composed.evidence] == [0]


def test_a_connective_left_at_the_start_of_the_reply_is_left_out():
    back = "但无论有没有时限要求,如果想回老家用医保报销都需要先撤销备案,否则无法用医保进行报销。"
    q = "备了案在外地常住，现在想回老家看病，医保还能用吗？"
    p = prompt_for(q, make_hit("异地就医·回参保地报销", back))
    # The sentence the "但" answered was never written (or was dropped): the reply opens on the rest.
    _, composed = feed(compose.Composer(p, q, CHARS), "依据：A1\n结论：但需要先撤销备案。")
    assert composed.body == "需要先撤销备案。[异地就医·回参保地报销]"
    assert any("connective" in n for n in composed.notes)
    # After a kept sentence the connective has something to point at, and stays.
    reply = "依据：A1\n结论：想回老家用医保报销需要先撤销备案。但各地撤销的方法不同。"
    _, composed = feed(compose.Composer(p, q, CHARS), reply)
    assert not any("connective" in n for n in composed.notes)


def test_the_storys_verdict_on_its_characters_act_is_said_of_the_askers_act():
    q15 = "小王的做法是错误的。交通事故等存在第三方责任人的情况，应由第三方承担医疗费用，医保不能予以报销。"
    q = "被人撞了，我说不用对方管，自己用医保看行吗？"
    p = prompt_for(q, make_hit("问15", q15))
    reply = "依据：A1、A2\n结论：参保人这种做法是错误的。医保不能予以报销。"
    _, composed = feed(compose.Composer(p, q, CHARS), reply)
    assert composed.body.startswith("这种做法是错误的。[问15]")
    assert "参保人" not in composed.body


def test_the_masked_character_as_the_askers_subject_is_said_as_you():
    q1 = "参保人参加医保绝对不亏。医保就是用来防范化解医疗费用风险的。"
    q = "我身体一直挺好，好几年没去过医院，今年居民医保能不能先不交？"  # probe 64
    p = prompt_for(q, make_hit("问1", q1))
    reply = "依据：A1\n结论：参保人参加医保绝对不亏。"
    _, composed = feed(compose.Composer(p, q, CHARS), reply)
    assert composed.body == "您参加医保绝对不亏。[问1]"
    # The words after the mask are the asker's after 我: the asker, though the question names others.
    q66 = "我每年给爸妈交居民医保，他们身体好从没报过，这钱算不算打水漂？"
    said = "参保人每年给爸妈交居民医保，这钱不算打水漂。"
    assert compose.to_asker(said, q66) == "您每年给爸妈交居民医保，这钱不算打水漂。"
    assert compose.to_asker("参保人参加医保绝对不亏。", q66).startswith("参保人")
    # Asked about someone else, or a 参保人员 rule: left as written.
    parents = "那我爸妈不会用智能手机，还能接着用社保卡吗？"
    assert compose.to_asker("参保人仍然可以用社保卡正常就医购药。", parents).startswith("参保人")
    assert compose.to_asker("参保人员应当按时缴费。", "我要按时交吗？").startswith("参保人员")
    assert compose.to_asker("参保人可以向民政部门咨询。", "医疗救助找哪个部门？").startswith("参保人")


def test_a_yes_to_whether_any_one_will_do_must_say_so():
    q24 = "可以。参保人可以用手机激活医保电子凭证，然后进行异地就医备案。医保电子凭证全国统一，跨区域互认。"
    q = "去外地看病，随便哪家医院都能用医保吗？"
    p = prompt_for(q, make_hit("问24", q24))
    reply = "依据：A1\n结论：可以。参保人可以用手机激活医保电子凭证。"
    _, composed = feed(compose.Composer(p, q, CHARS), reply)
    assert composed.mode == "no_conclusion"
    assert any("any or always" in n for n in composed.notes)
    # Denied, or asked which one (not whether any), a yes stands.
    _, composed = feed(compose.Composer(p, q, CHARS), "依据：A1\n结论：不是。参保人要先进行异地就医备案。")
    assert composed.mode == "generated"
    which = "去外地看病，哪家医院能用医保？"
    assert not checks.drops_certainty("可以。参保人可以激活医保电子凭证。", which)


def test_a_flat_yes_or_no_about_what_some_places_allow_becomes_it_depends():
    costs = (
        "对大部分地区来说,异地就医只能报销住院和急诊费用只有部分地区可以报销普通门诊,具体如下图:\n"
        "能报多少:以参保地的政策为准。"
    )
    q = "在外地看普通门诊，医保能报吗？"
    p = prompt_for(q, make_hit("异地就医·报销标准", costs))
    _, composed = feed(compose.Composer(p, q, CHARS), "依据：A1\n结论：医保能报。")
    assert composed.body == "不一定。[异地就医·报销标准]"
    assert composed.evidence[0].text.startswith("对大部分地区来说")
    # The asker names the qualifier ("是不是有些地方…"): no rule-made reply.
    q2 = "在外地看普通门诊，是不是有些地方能报？"
    p2 = prompt_for(q2, make_hit("异地就医·报销标准", costs))
    _, composed = feed(compose.Composer(p2, q2, CHARS), "依据：A1\n结论：医保能报。")
    assert not composed.body.startswith("不一定")
    # A flat 不能 above what is not yet done everywhere (probe 34): it depends on the place too.
    outpatient = (
        "目前跨省异地就医住院费用直接结算已经在全国普遍开展，跨省异地就医门诊费用直接结算尚未在全国全面开展。"
        "长三角地区已经启动了跨省异地就医门诊费用直接结算试点工作。"
    )
    q3 = "在北京备案了，看门诊能直接刷医保吗？"
    p3 = prompt_for(q3, make_hit("问27", outpatient))
    _, composed = feed(compose.Composer(p3, q3, CHARS), "依据：A1\n结论：不能在北京备案看门诊刷医保。")
    assert composed.body == "不一定。[问27]"
    # The same, cited to the pilot sentence alone (probe 55): the item's 尚未 sentence is read too.
    q6 = "我是安徽人在上海备案了，门诊费用能直接结算吗？"
    pilots = (
        outpatient[: outpatient.index("长三角")]
        + "长三角地区（江苏、浙江、安徽、上海）已经于2018年9月启动了跨省异地就医门诊费用直接结算试点工作；"
        "京津冀地区和西南地区分别于2019年6月和12月启动了相关试点工作。"
    )
    p6 = prompt_for(q6, make_hit("问27", pilots))
    _, composed = feed(
        compose.Composer(p6, q6, CHARS), "依据：A2\n结论：安徽人在上海备案了，门诊费用不能直接结算。"
    )
    assert composed.body == "不一定。[问27]"
    assert checks.denied_where_pending("门诊费用还不能直接结算。", [outpatient]) == "尚未在全国全面开展"
    assert checks.denied_where_pending("部分地区门诊费用不能直接结算。", [outpatient]) is None
    assert checks.denied_where_pending("打架受伤不能报销。", [outpatient]) is None
    # The reply's own pending clause, then a 不能 in the asker's words drawn from it (probe 74).
    drawn = "门诊费用直接结算尚未在全国全面开展，社区医院开点药的钱不能当场报掉。"
    assert checks.denied_where_pending(drawn, [outpatient]) == "尚未在全国全面开展"
    assert checks.denied_where_pending("门诊费用直接结算尚未在全国全面开展。", [outpatient]) is None
    # "一般能报" is no hedge against "只有部分地区可以" (probe 36).
    q4 = "在外地看普通门诊，医保一般能报吗？"
    p4 = prompt_for(q4, make_hit("异地就医·报销标准", costs))
    _, composed = feed(compose.Composer(p4, q4, CHARS), "依据：A1\n结论：医保一般能报。")
    assert composed.body == "不一定。[异地就医·报销标准]"
    # A question asking where or what is no yes/no question, whatever its 要 (para-问26-2 had
    # become "不一定。" above "…大部分城市只需要一个小程序就可以了").
    filing = "异地就医备案现在也非常方便大部分城市只需要一个小程序就可以了。"
    q5 = "异地就医备案去哪里办，要带什么？"
    p5 = prompt_for(q5, make_hit("异地就医·备案人群", filing))
    _, composed = feed(
        compose.Composer(p5, q5, CHARS), "依据：A1\n结论：异地就医备案可以在微信小程序上办理。"
    )
    assert not composed.body.startswith("不一定")


def test_a_reply_that_insurance_pays_is_read_against_its_items_closest_sentence():
    # para-问15-2: "出车祸医保报。" above the chosen "首先要按照事故的责任来确定…" while the item's
    # closest sentence says 医保不予支付.
    item = (
        "首先要按照事故的责任来确定医疗费用的支付主体。"
        "参保人因为是在上班途中发生交通事故，属于工伤，不纳入基本医疗保险支付范围，所以医保不予支付。"
    )
    q = "出车祸医保报不报？"
    _, composed = feed(composer_for(q, make_hit("问16", item)), "依据：A1\n结论：出车祸医保报。")
    assert composed.mode == "no_conclusion"
    assert any("says 医保 pays" in n for n in composed.notes)


def test_a_reply_pointing_back_at_a_dropped_sentence_is_dropped_too():
    # Probe 40: "如果是，则可以报；否则不能报。" was left alone once the sentence it pointed at was dropped.
    q30 = "基本医疗保险出于管理需要，将医保药品目录内的药品分为甲、乙两类。"
    q = "药盒上没写甲类还是乙类，怎么知道能不能报？"
    p = prompt_for(q, make_hit("问30", q30))
    # (Its "否则不能报" is dropped on its own now: no source sentence denies anything.)
    reply = "依据：A1\n结论：小王要看药品是否标注。如果是，则可以报。"
    _, composed = feed(compose.Composer(p, q, CHARS), reply)
    assert "如果是" not in composed.body
    assert any("points back" in n for n in composed.notes)
    # How to find out whether is no yes/no question: no judge's "怎么知道能报。".
    assert verify.asks_what(q) and verify.statement_of(q) == ""
    # After a kept sentence "如果是" has something to point at, and stays.
    reply = "依据：A1\n结论：医保药品目录内的药品分为甲、乙两类。如果是，则可以报。"
    _, composed = feed(compose.Composer(p, q, CHARS), reply)
    assert "如果是" in composed.body


def test_a_kind_of_hospital_the_source_covers_only_if_designated_depends():
    # Probe 40: "北京的社区医院也能刷医保。" above 问28's 所有的跨省异地就医定点医疗机构 (wrong).
    q28 = (
        "参保人备案时不需要指定具体的医院，只需要指定就医的地市，就可以在该地所有的跨省异地就医定点医疗机构"
        "直接结算住院费用。"
    )
    q = "备案到北京以后，北京的社区医院也能刷医保吗？"
    p = prompt_for(q, make_hit("问28", q28))
    _, composed = feed(compose.Composer(p, q, CHARS), "依据：A1\n结论：北京的社区医院也能刷医保。")
    assert composed.body == "不一定。[问28]"
    assert "定点" in composed.evidence[0].text


def test_a_flat_yes_about_a_pilot_depends():
    q27 = (
        "目前跨省异地就医住院费用直接结算已经在全国普遍开展，跨省异地就医门诊费用直接结算尚未在全国全面开展。"
        "长三角地区（江苏、浙江、安徽、上海）已经于2018年9月启动了跨省异地就医门诊费用直接结算试点工作；"
        "京津冀地区和西南地区分别于2019年6月和12月启动了相关试点工作。"
    )
    q = "京津冀那边跨省看门诊能直接刷卡吗？"
    p = prompt_for(q, make_hit("问27", q27))
    _, composed = feed(
        compose.Composer(p, q, CHARS), "依据：A3\n结论：京津冀地区和西南地区可以跨省看门诊直接刷卡。"
    )
    assert composed.body == "不一定。[问27]"
    assert composed.evidence[0].text.startswith("京津冀地区")  # the pilot the reply restated


def test_the_judges_yes_to_a_rule_the_asker_heard_of_is_not_shown():
    # Probe 42: the judge's "有这规定。" above "…医保部门不得干涉临床诊疗行为" (wrong).
    q17 = "住院天数是医疗机构根据患者病情及医院管理规定来确定的，医保部门不得干涉临床诊疗行为。"
    q = "医院说我的医保额度用完了让我出院，有这规定吗？"
    p = prompt_for(q, make_hit("问17", q17))
    composer = compose.Composer(p, q, CHARS)
    feed(composer, "依据：A1\n结论：医院说医保额度用完了让我出院，有这规定。")
    assert composer.settle(("有这规定", 0.37), composer.judged_evidence()) == []
    assert any("heard of" in n for n in composer.notes)
    # Its no is shown: it denies what no sentence states.
    composer = compose.Composer(p, q, CHARS)
    feed(composer, "依据：A1\n结论：医院说医保额度用完了让我出院，有这规定。")
    assert composer.settle(("没有这规定", 0.37), composer.judged_evidence()) == ["没有这规定。[问17]"]


def test_a_yes_for_a_place_its_item_does_not_list_is_not_shown_and_the_list_is():
    # Probe 44: the judge's "能用小程序办异地备案。" to a 河南 asker: dropped; the list is quoted.
    text = (
        "打开小程序【国家异地就医备案】点击首页中间的“快速备案”按钮,进入备案。"
        "目前已有 19个省开通了小程序备案,分别是山西、内蒙古、辽宁、吉林、黑龙江、江苏、浙江、安徽、福建、"
        "江西、山东、湖北、湖南、广西、海南、四川、陕西、宁夏和新疆其他省后续会开通。"
    )
    asked = "我是河南的，能用小程序办异地备案吗？"
    c = composer_for(asked, make_hit("异地就医·备案办理", text))
    _, composed = feed(c, "依据：A1\n结论：能用小程序办异地备案。")
    assert composed.mode == "no_conclusion"
    assert any("河南" in n for n in composed.notes)
    assert any("19个省" in e.text for e in composed.evidence)
    c = composer_for("我是湖北的，能用小程序办异地备案吗？", make_hit("异地就医·备案办理", text))
    _, composed = feed(c, "依据：A1\n结论：能用小程序办异地备案。")
    assert composed.mode == "generated"


def test_with_nothing_concluded_the_sentence_stating_a_dropped_number_is_quoted():
    # Probe 44: "大病保险一年最多能报30万元。" dropped (its number in no chosen quote); the sentence with
    # "…年度最高支付限额原则上不低于 30 万元" is shown, so the asker reads the number and its bound.
    text = (
        "大病保险是基本医疗保障制度的拓展和延伸。"
        "李大爷住院花了 30 万元。"
        "湖北省确定起付线为 1.2 万元，年度最高支付限额原则上不低于 30 万元。"
    )
    c = composer_for("大病保险一年最多能报多少？", make_hit("问12", text))
    _, composed = feed(c, "依据：A1\n结论：大病保险一年最多能报30万元。")
    assert composed.mode == "no_conclusion"
    shown = [e.text for e in composed.evidence]
    assert any("不低于 30 万元" in t for t in shown)
    assert not any("李大爷" in t for t in shown)  # a story's number is not where a rule comes from


def test_the_judges_yes_keeping_the_questions_indefinite_word_is_not_shown():
    # Probe 84: "还要办什么手续。" was shown to "…还要办什么手续吗？": the question again, not a yes.
    q26 = "二是持卡就医，〔参保人〕在完成备案手续后，只要携带社保卡就可以…实现住院费用直接结算了。"
    q = "我在外地备了案，现在要回老家住院治病，还要办什么手续吗？"
    p = prompt_for(q, make_hit("问26", q26))
    composer = compose.Composer(p, q, CHARS)
    feed(composer, "依据：A1\n结论：还要办以下手续。")
    assert composer.settle(("还要办什么手续", 1.17), composer.judged_evidence()) == []
    assert any("indefinite" in n for n in composer.notes)
    assert verify.indefinite("还要办什么手续") and not verify.indefinite("还要办手续")
    assert not verify.indefinite("肿瘤靶向药这几年有进医保")  # probe 47, direct


def test_a_reply_naming_no_side_to_which_sides_rules_apply_is_dropped():
    q = "老公单位在武汉交医保，人派驻北京也备过案，在北京住院用的药报不报，看哪里的规定？"
    src = "全国各地的跨省异地就医定点医疗机构的名单可以在国家医保局网站查询（www.nhsa.gov.cn）。"
    p = prompt_for(q, make_hit("问28", src))
    _, composed = feed(
        compose.Composer(p, q, CHARS), "依据：A1\n结论：看国家医保局网站查询（www.nhsa.gov.cn）的规定。"
    )
    assert composed.mode == "no_conclusion"
    assert any("names neither side" in n for n in composed.notes)
