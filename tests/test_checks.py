"""Answer checks and the facts they read (pure logic, no models)."""

import pytest

from rag import checks, compose, facts
from rag.characters import find_characters, mask

Q39 = [
    "2018年12月，国家医保局与财政部联合发文，建立了欺诈骗保举报奖励制度，提供欺诈骗保线索者最高奖励10万元。",
    "李大爷举报的线索真实、确凿，医保部门按照查实金额的2%进行奖励。",
]
SHENZHEN = "能报多少按深圳政策: (8 万 - 起付线400)* 报销比例90%≈7万约占总费用的70%;"


HUBEI = facts.region_places(["湖北省"])  # what the assistant derives from the documents' regions


def kinds(sentence, support, question="", characters=(), home=HUBEI):
    return {i.kind for i in checks.check_sentence(sentence, support, question, characters, home=home)}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("老板多发的一百块工资", {"100"}),
        ("两千元", {"2000"}),
        ("百分之九十", {"90%"}),
        ("报销比例为90%", {"90%"}),
        ("最高不超过10万元", {"100000"}),
        ("起付线为 1.2 万元", {"12000"}),
        ("20多万元", {"200000"}),
        ("三个月", {"3"}),
        ("１２万元，1,000元", {"120000", "1000"}),
        # List numbering, ordinals and words with 一 state no number.
        ("步骤：1. 办理备案；2、持卡就医（3）结算", set()),
        ("一是参加居民医保，第一次统一办理，一次性", set()),
        # 一年 of how much is paid in it is "per year"; a duration stays a number.
        ("一年最多报6倍，一个月能报多少", {"6"}),
        ("签订了一年的劳动合同，一年内有效", {"1"}),
    ],
)
def test_numbers_in_digits_and_chinese_numerals(text, values):
    assert facts.numbers(text) == values


def test_quantities_carry_the_kind_their_unit_names():
    assert facts.quantities("听说举报骗保最高能奖20万，是真的吗？") == {("200000", "money")}
    # 一年 before how much is paid in it is "per year" (stop 29), not a duration of 1.
    assert facts.quantities("统筹基金一年最多只能报平均工资的两倍吧") == {("2", "multiple")}
    assert facts.quantities("转诊备案有效期是一年吧") == {("1", "time")}
    assert facts.quantities("备案有效期为3个月，奖励不超过查实金额的3%") == {("3", "time"), ("3", "percent")}
    assert facts.quantities("百分之九十") == {("90", "percent")}
    assert facts.quantities("第1条 共收录药品2709个") == set()  # numbering, and a count of no listed kind


def test_bounds_are_read_around_the_number():
    assert facts.bounded("提供欺诈骗保线索者最高奖励10万元") == {"100000": "最高"}
    assert facts.bounded("3万元（含）以下部分赔付60%") == {"30000": "以下"}
    assert facts.bounded("按照查实金额的2%进行奖励") == {}


def test_a_number_the_cited_sentence_does_not_state_is_unsupported():
    assert "unsupported" in kinds("北京门诊报销比例为90%。", [Q39[0]])
    # 90% is in the 深圳 example, but a claim about 北京 names a place that sentence does not.
    assert "unsupported" in kinds("北京门诊报销比例为90%。", [SHENZHEN])
    assert "unsupported" not in kinds("深圳的报销比例是90%。", [SHENZHEN], "在深圳看病报销比例多少？")
    # A place the asker did not name comes from the source's example, not the asker's case.
    src = ["王阿姨这种情况，只需要备案到北京市。"]
    assert "unsupported" in kinds("去重庆看病只需要备案到北京市。", src, "去重庆看病备案要到哪家医院？")
    assert "unsupported" in kinds("住院按北京的标准报。", src, "在外地住院按哪边的标准报？")
    assert "unsupported" not in kinds(
        "湖北省没有对住院天数进行限制。", ["湖北省没有对住院天数进行限制。"], "住院天数有限制吗？"
    )
    # Without a document of that region, the place is the source's example, not the asker's case.
    hubei = ["湖北省没有对住院天数进行限制。"]
    assert "unsupported" in kinds(hubei[0], hubei, "住院天数有限制吗？", home=frozenset())
    # Chinese numerals are read: 一百块 is 100, which the source does not state.
    assert "unsupported" in kinds("老板多发的一百块工资可以抵医保。", Q39)


def test_an_order_of_size_is_a_claim_its_source_must_state():
    assert facts.approximate_amounts("职工医疗保险年均缴费要几千元，居民只有几百元") == {"几千", "几百"}
    assert facts.approximate_amounts("掏了十几万，还差几十万") == {"十几万", "几十万"}
    q13 = ["职工医疗保险年均缴费要几千元，居民医疗保险年人均缴费只有几百元。"]
    story = ["两个人参加的是不同类型的医保，职工基本医疗保险和城乡居民医疗保险。"]
    assert "unsupported" in kinds("职工基本医疗保险一年大概交几千元。", story, "职工医保一年大概交多少钱？")
    assert "unsupported" not in kinds("职工医疗保险一年大概交几千元。", q13, "职工医保一年大概交多少钱？")
    # The asker's own "几千" may be restated.
    assert "unsupported" not in kinds("医保一年交几千元是正常的。", story, "医保一年交几千元正常吗？")


def test_an_order_of_size_is_not_read_as_a_number():
    # "十几万" was read as 100000, "一两万" as 120000, "两三千" as 23: a number no source states, so a
    # reply restating the asker's "还剩十几万自付" was dropped (probe 49).
    for rough in ("还剩十几万自付", "还差几十万元", "一两万", "两三千元", "三四百元", "住了二十几天"):
        assert facts.numbers(rough) == frozenset(), rough
    assert facts.approximate_amounts("两三千元，一两万") == {"二三千", "一二万"}
    assert facts.numbers("十万元，一百块，二十多万，百分之九十") == {"100000", "100", "200000", "90%"}
    q12 = ["对参保居民经基本医保支付后，超出大病保险起付线的费用，按规定纳入大病保险支付范围。"]
    asked = "居民医保报完还剩十几万自付，大病保险能再报吗？"
    assert "unsupported" not in kinds("居民医保报完还剩十几万自付的，大病保险可以再报。", q12, asked)
    assert "unsupported" in kinds("大病保险能再报两三千元。", q12, asked)


def test_a_date_opening_its_sentence_dates_what_the_sentence_tells():
    reward = "提供欺诈骗保线索者最高奖励10万元。"
    src = ["2018年12月，国家医保局与财政部联合发文，建立了欺诈骗保举报奖励制度，" + reward]
    asked = "举报骗保的奖励制度是哪年建立的？"
    assert "unsupported" not in kinds("举报骗保的奖励制度是2018年12月建立的。", src, asked)
    # One shared pair ("建立") does not make it the date of something else.
    assert "unsupported" in kinds("生育保险是2018年12月建立的。", src, "生育保险是哪年建立的？")
    # A date inside a sentence keeps its window: "…10万元" is not the year's.
    assert facts.number_contexts(src[0])["100000"] == facts.number_contexts(reward)["100000"]


def test_a_bound_the_source_states_must_not_be_dropped():
    assert "unsupported" in kinds("举报查实能拿10万元。", Q39)
    assert "unsupported" not in kinds("举报骗保最高能拿10万元奖励。", Q39)


def test_the_askers_number_may_be_denied_but_not_asserted():
    q = "听说医保规定住院满14天必须出院，是吧？"
    src = ["湖北省没有对住院天数进行限制。"]
    assert "unsupported" in kinds("不是吧，医保规定住院满14天必须出院。", src, q)
    assert "unsupported" not in kinds("资料没有住院满14天必须出院的规定。", src, q)
    told = "医院说医保住院最多只能住14天，是真的吗？"
    assert "unsupported" not in kinds("医院说医保住院最多只能住14天是不正确的。", src, told)
    assert "unsupported" not in kinds("不是14天，湖北省没有对住院天数进行限制。", src, q)
    assert "unsupported" in kinds("是14天，不是20天。", src, "住院最多14天还是20天？")


def test_content_words_absent_from_the_source_are_unsupported():
    src = ["在基层医院报销比例比在大医院高。"]
    assert "unsupported" in kinds("参保人参加城乡居民医保，可以申请大病救助金。", src)
    assert "unsupported" not in kinds("基层医院报销比例比大医院高。", src)


def test_fragments_questions_turns_and_echoes():
    assert "unfinished" in kinds("医保报销的经济差是。", ["医保报销的经济差"])
    assert "unfinished" in kinds("医保报销的经济差", ["医保报销的经济差"])
    assert "unfinished" not in kinds("公司不给交医保是违法的。", ["不给员工缴纳医保是违法的。"])
    assert "copied_question" in kinds("赵大爷这种做法对吗？", ["赵大爷的做法是错误的。"])
    # A choice question's two options copied as the reply choose nothing; choosing one answers.
    choice = "在外省住院，报销比例看老家的还是看当地的"
    src = ["参保地政策是指执行参保地的起付线、支付比例和最高支付限额。"]
    assert "copied_question" in kinds("报销比例看老家的还是看当地的。", src, choice)
    assert "copied_question" not in kinds("报销比例看老家的。", src, choice)
    # Reworded options still choose nothing (probe 18); "still" (还是很贵) and "it depends on which"
    # are no choice.
    injury = ["属于工伤，因此产生的医疗费用属于“应当从工伤保险基金中支付的”。"]
    road = "上班路上被车撞了，医药费是走医保还是工伤？"
    assert "copied_question" in kinds("上班路上被车撞了，医药费是走工伤保险还是医保。", injury, road)
    assert "copied_question" not in kinds("上班路上被车撞了，医药费走工伤保险。", injury, road)
    assert not checks._keeps_both_options("报销按哪边要看是走医保还是工伤。", road)
    still = "得了癌症医保报完还是很贵，可以申请大病保险。"
    assert not checks._keeps_both_options(still, "医保报完还是很贵怎么办")
    assert "invented_turn" in kinds("问：小李想加入工会可以吗？答：不可以。", ["不可以。"])
    # Asked to confirm a claim, a restatement closer to the question than to the source agrees
    # whatever the source says; one that corrects a number or adds a negation does not.
    q = "被车撞了医保照样给报，对吧？"
    assert "echo" in kinds("被车撞了医保照样给报。", ["医保不能报销。"], q)
    assert "echo" not in kinds("被车撞了医保不给报。", ["医保不能报销。"], q)
    q = "贫困户的大病保险起付线跟普通人一样是1.2万吧？"
    assert "echo" in kinds("贫困户的大病保险起付线为1.2万元。", ["贫困人口大病保险起付线为5000元。"], q)
    assert "echo" not in kinds("贫困户的起付线为5000元。", ["贫困人口大病保险起付线为5000元。"], q)
    assert "echo" not in kinds("是的，备案信息变了要重新备案。", ["重新备案"], "备案信息变了要重新备案吧？")
    # Putting the other case of a pair where the asker had one corrects the asker (prem-14).
    q = "跨省住院报销比例是按就医地的政策算的吧？"
    src = ["跨省异地就医原则上执行参保地的支付政策。"]
    assert "echo" in kinds("跨省住院报销比例是按就医地的政策算的。", src, q)
    assert "echo" not in kinds("跨省住院报销比例是按参保地的政策算的。", src, q)
    # "是不是…" asks; it negates nothing: a reply that negates is an answer, one that does not agrees.
    q = "只要是医生开的药，是不是都能走医保？"
    assert "echo" not in kinds("只要是医生开的药，不一定都能走医保。", ["目录内的药才能报销。"], q)
    assert "echo" in kinds("只要是医生开的药，都能走医保。", ["目录内的药才能报销。"], q)
    # An ordinary yes/no question may be answered by restating it.
    assert "echo" not in kinds(
        "把医保卡借给别人用是违法的。", ["医保卡只限本人使用。"], "把医保卡借给别人用违法吗？"
    )
    # Whatever the question, a sentence made only of its words answers nothing (graded broken).
    story = "小王在一个私营企业工作。老板说不给你缴纳基本医疗保险了。这样可以吗？"
    for sentence, q in [
        ("医保报不报。", "出车祸医保报不报？"),
        ("诱导住院。", "诱导住院"),
        ("乙类药自付。", "乙类药 自付"),
        ("小王在一个私营企业工作。", story),
        ("像你这种情况，算不算要备案的人。", "我常驻成都，像你这种情况，算不算要备案的人？"),
        # …with 参保人 (the quotes' mask for a story character) as its subject: the asker's premise
        # restated, agreeing with it (probe 30, graded wrong).
        ("参保人身体好从来不看病，医保交了也是白交。", "我身体好从来不看病，医保交了也是白交，不交行不行？"),
    ]:
        assert "echo" in kinds(sentence, ["原文。"], q), sentence
    for sentence, q in [
        ("不可以。", story),  # a bare verdict is an answer
        ("异地就医备案去参保地医保中心办。", "异地就医备案去哪里办？"),
        ("只有社保卡，不能看病买药。", "只有社保卡，能看病买药吗？"),  # it commits to a verdict
        ("在基层医院看病报得更多。", "在基层医院看病是不是报得更多？"),  # restating the ask: "yes"
        ("跨省备案是备案到城市。", "跨省备案是备案到城市还是到医院？"),  # a choice made
    ]:
        assert "echo" not in kinds(sentence, ["原文。"], q), sentence


def test_markers_duplicate_and_dangling():
    issues = checks.check_markers("不可以[问2][问2]。", {"问2"})
    assert [i.kind for i in issues] == ["duplicate_marker"]
    assert {i.kind for i in checks.check_markers("[问2]不可以。", {"问2"})} == {"dangling_marker"}
    assert {i.kind for i in checks.check_markers("资料编号：[问5]", {"问5"})} == {"dangling_marker"}
    assert {i.kind for i in checks.check_markers("最高报[问6]中的金额。", {"问6"})} == {"dangling_marker"}
    assert checks.check_markers("不可以，这是违法的。[问2]", {"问2"}) == []
    assert checks.check_markers("不可以，这是违法的[问2]。", {"问2"}) == []


def test_story_characters_are_found_by_rule_and_masked():
    texts = [
        "小王在一个私营企业工作。如果小王生了重病，他个人的损失绝不是老板多发的一点工资能弥补的。",
        "赵大爷走在路上被撞倒了。冯先生在上班途中被车撞倒。打开小程序即可备案。",
        "李勇可以通过手机激活自己的医保电子凭证。李勇如果只需要购买非处方药，可以到药店扫码购药。",
    ]
    found = find_characters(texts)
    assert {"小王", "赵大爷", "冯先生", "李勇"} <= found
    assert "小程" not in found  # 小程序 is a word, not a name
    assert mask("如果小王生了重病", found) == "如果参保人生了重病"
    assert mask("小王说老板不给交医保", found, keep="我同事小王的老板") == "小王说老板不给交医保"
    assert "character" in kinds("小王不能同意老板的做法。", ["不可以。"], "老板不交医保行吗？", found)
    assert "character" not in kinds("小王不能同意。", ["不可以。"], "小王的老板不交医保行吗？", found)


def test_body_checks_and_length():
    body = "不可以。单位必须给职工缴纳医保，不缴是违法的。[问2]"
    issues = checks.check_body(body, "老板不交医保行吗？", lambda s, lbs: ["不给员工缴纳医保是违法的。"], [])
    assert issues == []
    assert checks.body_chars(body) == len("不可以。单位必须给职工缴纳医保，不缴是违法的。")


def test_a_number_and_a_place_must_come_from_one_source_sentence():
    support = [
        "举个例子:假设王奶奶医保交在深圳目前随子女长居北京。",
        "能报多少按深圳政策: (8 万 - 起付线400)* 报销比例90%≈7万约占总费用的70%;",
    ]
    q = "北京职工医保门诊报销比例是多少？"
    assert "unsupported" in kinds("北京职工医保门诊报销比例是90%。", support, q)
    assert "unsupported" not in kinds("按深圳政策，报销比例90%。", support, "深圳报销比例多少？")


def test_a_conclusion_that_reads_its_source_backwards_is_unsupported():
    pay = ["个人账户可以支付在定点医疗机构住院发生的由个人负担的医疗费用。"]
    assert checks.polarity_conflict("住院自己掏的那部分不能用这钱付。", pay) == ("不能", "能")
    assert "unsupported" in kinds("住院自己掏的那部分不能用这钱付。", pay)
    emergency = ["大部分城市异地急诊不需要提前备案，先救治后报销。"]
    assert checks.polarity_conflict("异地急诊需要提前备案。", emergency) == ("需要", "不需要")
    # Same polarity, other words for it, a source with both, or words that only contain a modal.
    assert checks.polarity_conflict("不能，医保卡只限本人使用。", ["医保卡只限本人使用，不得转借。"]) is None
    devices = ["个人账户可以用于购买家用医疗器械。"]
    assert checks.polarity_conflict("可以用个人账户买家用血压计。", devices) is None
    assert checks.polarity_conflict("不能直接结算。", ["门诊可以试点结算，住院以外的不能直接结算。"]) is None
    assert checks.polarity_conflict("不能报销。", ["这可能是功能性疾病。"]) is None
    # "可以" about one thing where the source says "不能" about another: no conflict.
    lost_card = ["参保人社保卡丢失的，不能直接刷卡结算。"]
    assert checks.polarity_conflict("可以先垫付，再手工报销。", lost_card) is None


def test_a_source_that_says_both_is_read_by_the_clause_the_answer_restates():
    emergency = [
        "对于异地急诊大部分城市都支持 “先救治,后报销”不需要提前备案。",
        "但有些城市会严格一点会要求临时电话备案,具体需要拨打12333咨询",
    ]
    assert checks.polarity_conflict("需要提前备案。", emergency) == ("需要", "不需要")
    assert checks.polarity_conflict("有些城市需要拨打12333咨询。", emergency) is None
    assert checks.polarity_conflict("大部分城市不需要提前备案。", emergency) is None
    transfer = ["转诊人员再次转往他院就医的,只需提供转诊转院证明,不需到市医保中心办理任何手续"]
    said = "再次转院需要到市医保中心办理手续。"
    assert checks.polarity_conflict(said, transfer) == ("需要", "不需要")
    # 不允许 is 不能; the asker's own premise ("又需要回参保地住院") is not the answer's claim.
    assert checks.polarity_conflict("这是不允许的，可以直接刷卡。", ["参保人可以直接刷卡。"]) is None
    account = ["个人账户可以支付住院自付费用。"]
    assert checks.polarity_conflict("个人账户不允许支付住院自付费用。", account) == ("不能", "能")
    # A source sentence naming neither case of a pair the answer names may be about the other case.
    drugs = ["参保人使用这类药品时，可以全额纳入报销范围，按规定比例报销。"]
    q = "乙类药的费用能全额纳入报销吗？"
    assert checks.polarity_conflict("乙类药的费用不能全额纳入报销。", drugs, q) is None
    back = ["转诊转院人员回参保地看病就医无需办理手续。"]
    q = "办理异地就医备案后又需要回参保地住院怎么办?"
    assert checks.polarity_conflict("办理异地就医备案后又需要回参保地住院，可以直接就医。", back, q) is None
    assert checks.polarity_conflict("回参保地就医需要办理手续。", back, q) == ("需要", "不需要")


def test_a_number_is_supported_only_where_the_source_says_it_of_the_same_thing():
    valid = [
        "参保人员持卡在备案有效期限内(异地长期居住人员不设有效期;转诊人员备案有效期为3个月)到定点医疗机构办理入院登记"
    ]
    q = "新生儿出生后多久内要办理参保？"
    assert "unsupported" in kinds("新生儿出生后3个月内要办理参保登记。", valid, q)
    assert "unsupported" not in kinds("转诊备案的有效期是3个月。", valid, "转诊备案多久有效？")
    reward = ["提供欺诈骗保线索者最高奖励10万元。"]
    assert "unsupported" not in kinds("举报骗保有奖励，最多可以拿10万元。", reward, "举报能拿多少钱？")
    # …or the question it answers does: "举报查实" is the asker's "举报骗保".
    assert "unsupported" not in kinds("举报查实最高能拿10万元。", reward, "举报骗保能拿多少钱？")
    # Numbers in a list share the words around the list.
    phones = ["（1）电话，拨打湖北省医疗保障局举报电话（027-87265900、027-87717662）或各市州举报电话；"]
    assert "unsupported" not in kinds("举报电话是027-87265900、027-87717662。", phones, "举报电话多少？")
    years = ["2017、2018、2019 年国家都调整扩大了药品目录，新增药品可以报销。"]
    assert "unsupported" not in kinds("2017、2018、2019年国家都调整扩大了药品目录。", years, "会进医保吗？")
    assert facts.number_contexts("从 2016 年起，全国都开始实施")["2016"] == ["从  ,全国都"]


def test_a_rate_of_a_table_of_tiers_is_supported_only_for_its_own_tier():
    # Probe 53: "超过十万的那部分报75%。" restates "10 万元以上赔付 75%" (the asker's 报 is the source's
    # 赔付); a rate said of another tier is not supported, though both numbers are the source's.
    tiers = [
        "湖北省贯彻落实国家部署确定起付线为 1.2 万元，起付线以上 3 万元（含）以下部分赔付 60%，"
        "3 万元以上 10 万元（含）以下部分赔付 65%，10 万元以上赔付 75%，"
        "年度最高支付限额原则上不低于 30 万元。"
    ]
    q = "大病保险花了十五万，超过十万的那部分报多少？"
    assert "unsupported" not in kinds("超过十万的那部分报75%。", tiers, q)
    assert "unsupported" not in kinds("十万以上报75%，三万到十万报65%。", tiers, q)
    assert "unsupported" in kinds("超过十万的那部分报65%。", tiers, q)
    assert "unsupported" in kinds("超过三万的那部分报75%。", tiers, q)
    # Right above the 起付线 the first tier's rate is paid (probe 56: "…超过起付线后报75%。").
    q2 = "城乡居民大病保险在湖北超过起付线后报多少？"
    assert "unsupported" in kinds("大病保险超过起付线后报75%。", tiers, q2)
    assert "unsupported" not in kinds("超过起付线的部分先报60%。", tiers, q2)
    assert facts.rate_tiers(tiers[0])[1] == ("65%", frozenset({("30000", "上"), ("100000", "下")}))
    assert facts.rate_tiers("不超过三万的报60%") == [("60%", frozenset({("30000", "下")}))]
    # 举报 is not 报销: the reward's date is still said of something else.
    assert checks._as_paid("举报骗保的奖励，超过的部分报") == "举报骗保的奖励，超过的部分报销"


def test_a_rule_of_some_places_restated_as_a_rule_of_all_is_unsupported():
    outpatient = ["对大部分地区来说,异地就医只能报销住院和急诊费用只有部分地区可以报销普通门诊,具体如下图:"]
    assert checks.dropped_qualifier("异地就医但不能报销普通门诊。", outpatient) == "部分地区"
    assert "unsupported" in kinds("异地就医能报住院和急诊费用，但不能报销普通门诊。", outpatient)
    clinic = ["跨省异地就医门诊费用直接结算尚未在全国全面开展。"]
    assert checks.dropped_qualifier("异地备案后门诊费用不能直接结算。", clinic) == "尚未"
    # The answer keeps a qualifier of its own, or shares only a topic with the qualified clause.
    assert checks.dropped_qualifier("大部分地区不能报销普通门诊。", outpatient) is None
    assert checks.dropped_qualifier("门诊费用目前不能在全国直接结算。", clinic) is None
    emergency = ["对于异地急诊大部分城市都支持 “先救治,后报销”不需要提前备案。"]
    assert checks.dropped_qualifier("出差遇到车祸需要异地急诊。", emergency) is None
    assert checks.dropped_qualifier("可以报销普通门诊。", ["普通门诊可以报销。"]) is None
    # A place's example, named at the end of the clause before: "…而像南昌等地,还需要去社保局办理".
    cancel = ["撤销的方法各地有所不同,比如广州通过小程序就可以在线撤销而像南昌等地,还需要去社保局办理"]
    assert checks.dropped_qualifier("撤销异地备案需要先去社保局办理。", cancel) is not None
    # The qualified clause's words reordered: few character pairs in common, most characters.
    phone = ["但有些城市会严格一点会要求临时电话备案,具体需要拨打12333咨询"]
    assert checks.dropped_qualifier("旅游时看了急诊，需要先打电话临时备案。", phone) == "有些"
    assert checks.dropped_qualifier("旅游时看了急诊，有的城市需要电话备案。", phone) is None
    assert checks.dropped_qualifier("急诊后需要先拨打电话咨询。", phone) is None


def test_a_consequence_restated_without_its_condition_is_unsupported():
    liable = ["如果冯先生在交通事故责任认定中承担主要责任，则应由他个人承担医疗费用。"]
    asked = "上班路上出车祸，医疗费该谁出？"
    reply = "上班路上出车祸，医疗费应由他个人承担。"
    condition = "冯先生在交通事故责任认定中承担主要责任"
    assert checks.dropped_condition(reply, liable, asked) == condition
    assert "unsupported" in kinds(reply, liable, asked)
    # The answer or the question states the condition: the rule is theirs to restate.
    stated = "如果事故中负主要责任，医疗费应由他个人承担。"
    assert checks.dropped_condition(stated, liable, asked) is None
    mine = "我在交通事故中承担主要责任呢？"
    assert checks.dropped_condition("医疗费应由他个人承担。", liable, mine) is None
    # …and in other words: "医药费应该由他个人承担" shares few character pairs, most characters.
    other = "被车撞了医药费应该由他个人承担。"
    assert checks.dropped_condition(other, liable, "被车撞了谁出钱？") == condition
    # Only the closest source sentence counts: this rests on the hit-and-run rule, asked of.
    run = [
        "如果是对方承担全部责任或主要责任，则由对方支付他的医疗费用；",
        "如果对方逃逸的，可由工伤保险先行支付他的医疗费用。",
    ]
    fled = "司机跑了，工伤保险能先付吗？"
    assert checks.dropped_condition("工伤保险可以先行支付他的医疗费用。", run, fled) is None
    # "如果X的，可由Y" too (probe 62: one who fell on the way to work told 工伤保险先行支付); the
    # asker's 跑了 is the source's 逃逸.
    fell = "上班路上摔了一跤自己受伤，医药费走工伤还是医保？"
    reply = "上班路上摔了一跤自己受伤，医药费应该由工伤保险先行支付。"
    assert checks.dropped_condition(reply, run[1:], fell) == "对方逃逸的"
    first = "工伤保险可以先行支付他的医疗费用。"
    assert checks.dropped_condition(first, run[1:], "对方跑了，谁先付？") is None
    # Only "如果…，则…": a clause after a condition without 则 is not taken for its consequence.
    phone = ["如果他使用智能手机，建议王大爷激活医保电子凭证，以后就不用带社保卡了。"]
    card = "有了医保电子凭证就不用带社保卡了。"
    assert checks.dropped_condition(card, phone, "有了电子凭证还要带卡吗") is None
    # "如果…，还可以…": a further leave for some people, said of everyone (probe 58); a word of the
    # group in the asker's own form (低保户 for 低保对象) states it.
    aid = ["如果老李是贫困人口或低保对象，还可以申请获得相应医疗救助。"]
    asked = "居民医保报完自己还得掏十几万，还有别的保障能用吗？"
    reply = "大病保险可以报销部分费用，还可以申请医疗救助。"
    assert checks.dropped_condition(reply, aid, asked) == "老李是贫困人口或低保对象"
    mine = "我是低保户，报完还能申请救助吗？"
    assert checks.dropped_condition("低保户可以申请医疗救助。", aid, mine) is None
    # "若X应Y", the documents' formal condition without 则 (probe 64: a changed phone number told to
    # cancel the filing); the asker's move states it (rob-62), 若干 is no condition.
    moved = [
        "已完成异地就医备案的人员,若异地居住城市发生变更应通过经办窗口向参保地经办机构注销之前办理的"
        "异地就医备案信息,经办人员对参保人员重新申请的信息再次审核确认后重新上传"
    ]
    cancel = "要通过经办窗口注销之前办理的异地就医备案信息，重新申请。"
    phone = "异地备案时填的手机号换了，要怎么改？"
    assert checks.dropped_condition(cancel, moved, phone) == "异地居住城市发生变更"
    assert checks.dropped_condition(cancel, moved, "今年搬到杭州住了，备案咋改？") is None
    transferred = "已经备案去了成都，后来工作调到重庆，备案要怎么改？"  # probe 69
    assert checks.dropped_condition(cancel, moved, transferred) is None
    assert checks.dropped_condition(cancel, moved, "我在外地长住的城市换了，备案怎么办？") is None
    some = ["关于进一步完善保障农村贫困人口基本医疗的若干措施应由各地自行确定"]
    assert checks.dropped_condition("各地自行确定补贴政策。", some, "贫困户有补贴吗") is None


def test_a_rule_of_one_group_of_people_restated_as_a_rule_of_all_is_unsupported():
    referred = ["转诊转院人员办理了跨省异地就医登记备案后,回参保地看病就医无需办理手续,按参保地规定报销"]
    reply = "办理异地就医备案后又需要回参保地住院，可以直接在参保地刷卡就医。"
    asked = "办理异地就医备案后又需要回参保地住院怎么办?"
    assert checks.dropped_group(reply, referred, asked) == "转诊转院人员"
    assert "unsupported" in kinds(reply, referred, asked)
    # The asker (or the answer) names the group: theirs to speak of.
    assert checks.dropped_group(reply, referred, "转诊转院的人回参保地住院怎么办?") is None
    # One moved on to a hospital elsewhere is one of the 转诊人员 (probe 74), in the asker's words.
    again = ["转诊人员在异地就医期间因病情需要再次转往他院就医的,…不需到市医保中心办理任何手续"]
    moved_on = "转到外地医院治疗一段时间后又要换一家医院，要不要回去重新办手续？"
    assert checks.dropped_group("不需要回去重新办手续。", again, moved_on) is None
    assert checks.dropped_group("不需要回去重新办手续。", again, "换医院要不要回去重新办手续？") == "转诊人员"
    # Everyone insured is no group; a group in brackets is an aside, not the subject.
    valid = ["参保人员持本人社会保障卡在备案有效期限内(异地长期居住和常驻异地工作人员不设有效期;"]
    assert checks.dropped_group("入院登记必须在备案有效期内。", valid, "入院要在有效期内吗?") is None
    closing = ["转诊人员备案有效期为3个月)到确定的异地就医定点医疗机构医保窗口办理登记就诊手续。"]
    assert checks.dropped_group("要到定点医疗机构医保窗口办理登记就诊手续。", closing, "怎么登记?") is None


def test_a_claim_restating_a_sentence_about_the_other_case_is_unsupported():
    # Probe 9: the judge settled "乙类药是全额报销的" on these two quotes; the rule is 甲类's.
    quotes = [
        "参保人使用这类〔甲类〕药品时，可以全额纳入报销范围，按规定比例报销。",
        "乙类药品是可供临床治疗选择使用、疗效好，同类药品中比甲类药品价格高的药品。",
    ]
    assert checks.restated_case("乙类药是全额报销的。", quotes) == ("乙类", "甲类")
    assert "unsupported" in kinds("乙类药是全额报销的。", quotes, "乙类药是全额报销的吧？")
    assert checks.restated_case("甲类药可以全额报销。", quotes) is None
    # A sentence about its own case that says it as closely leaves the claim alone.
    own = [*quotes, "参保人使用乙类药品时，要先自付一定比例，再纳入报销范围按规定比例报销。"]
    assert checks.restated_case("乙类药要先自付一部分再报销。", own) is None
    assert checks.restated_case("乙类药是全额报销的。", own) is None  # too close to call: not flagged


def test_what_the_source_says_of_one_payers_share_is_not_said_of_the_other():
    # Probe 57: "单位交的医保钱全部计入个人账户" — 问19 says that of the employee's own contribution;
    # the employer's is split, one part into the 个人账户 (an account, not a payer).
    quotes = [
        "职工个人缴纳的基本医疗保险费，全部计入个人账户。",
        "用人单位缴纳的基本医疗保险费又分为两部分，一部分用于建立统筹基金，一部分划入个人账户。",
    ]
    asked = "单位给我交的那部分医保钱，有多少进了我自己的个人账户？"
    assert "unsupported" in kinds("单位交的医保钱全部计入个人账户。", quotes, asked)
    assert "unsupported" not in kinds("单位交的医保钱一部分划入个人账户。", quotes, asked)
    assert "unsupported" not in kinds("个人交的医保钱全部计入个人账户。", quotes, asked)


def test_places_stand_for_the_role_the_question_gives_them():
    q = "我是外省参保的，在上海住院直接结算，报销比例按上海的算吗？"
    assert checks.place_roles(q) == {"外省": "参保地", "上海": "就医地"}
    q2 = "我在苏州上班，医保是老家安徽交的，在苏州住院按哪边的目录报？"
    assert checks.place_roles(q2) == {"老家": "参保地", "安徽": "参保地", "苏州": "就医地"}
    assert checks.place_roles("医保在成都交的，人在上海长住，在上海住院能报多少") == {
        "成都": "参保地",
        "上海": "就医地",
    }
    assert checks.place_roles("北京的门诊报销比例是多少") == {}  # no role given
    # the 参保 of "湖南参保在上海住院" is 湖南's: 上海 is where the asker is treated
    assert checks.place_roles("湖南参保在上海住院，哪些药能报是看湖南的目录还是上海的？") == {
        "湖南": "参保地", "上海": "就医地",
    }  # fmt: skip
    # Read against the cited item whole: pol-20 (graded wrong in every run) quoted a story sentence
    # and the 就医地目录 one; the item's 参保地政策 sentence gives it 比例.
    item = [
        "〔参保人〕的住院费用在直接结算时参照上海市的医保目录来看什么能报销，按照湖南的具体报销政策来计算报销比例。",
        "就医地目录是指参保人跨省就医原则上执行就医地支付范围，主要包括基本医疗保险药品目录、诊疗项目和医疗服务设施标准。",
        "参保地政策是指参保人跨省就医原则上执行参保地支付政策，包括参保地医保基金的起付线、支付比例和最高支付限额。",
    ]
    issue = checks.swapped_in_items("报销比例按上海的算。[问29]", q, item)
    assert issue is not None and issue.kind == "unsupported" and "参保地的比例" in issue.detail
    assert checks.swapped_in_items("报销比例按外省的算。[问29]", q, item) is None
    assert checks.swapped_in_items("按苏州的目录报。", q2, item) is None
    assert checks.swapped_in_items("按安徽的目录报。", q2, item) is not None


def test_a_contrast_that_says_of_each_case_what_its_item_says_of_the_other_is_unsupported():
    item = [
        "甲类药品是临床治疗必需、使用广泛、疗效好，同类药品中价格低的药品。",
        "参保人使用这类药品时，可以全额纳入报销范围，按规定比例报销。",
        "乙类药品是可供临床治疗选择使用、疗效好，同类药品中比甲类药品价格高的药品。",
        "参保人使用这类药品时，要先按比例扣除一定的个人自付费用后，将余下费用再纳入报销范围。",
    ]
    assert checks.this_kind(item[1], item[0]).startswith("参保人使用这类〔甲类〕药品时，可以全额")
    assert checks.this_kind(item[3], item[2]).startswith("参保人使用这类〔乙类〕")  # 乙类 is named first
    asked = "乙类药和甲类药报销有啥区别？"
    swapped = "乙类药品可以全额纳入报销范围，而甲类药需要先扣除一定的个人自付费用后，再纳入报销范围。[问30]"
    issue = checks.swapped_in_items(swapped, asked, item)  # probe 10, graded wrong
    assert issue is not None and issue.kind == "unsupported"
    right = "甲类药可以全额纳入报销范围，乙类药要先扣除一定的个人自付费用再报销。[问30]"
    assert checks.swapped_in_items(right, asked, item) is None
    # "目录是看参保地的": 看 rules a word as 按 does (probe 10, graded wrong).
    assert ("参保地", "目录") in checks._bindings("医保目录是看参保地的", ("就医地", "参保地"))


def test_a_rule_word_given_to_the_other_case_of_a_pair_is_unsupported():
    slogan = ["目前跨省异地就医住院费用直接结算主要报销政策可以概括为“就医地目录、参保地政策”。"]
    assert checks.swapped_case("按就医地的政策报销。", slogan) == ("就医地的政策", "参保地的政策")
    assert "unsupported" in kinds("在外地住院直接结算，按就医地的政策报销。", slogan, "按哪里的政策报销？")
    assert checks.swapped_case("按参保地的政策报销，用就医地的目录。", slogan) is None
    # "主要政策是…就医地": a rule word before a case is not given to it, unless the case rules it.
    assert checks._bindings("主要政策是“就医地目录参保地政策”", ("就医地", "参保地")) == {
        ("就医地", "目录"),
        ("参保地", "政策"),
    }
    assert ("参保地", "政策") in checks._bindings("医保报销政策按参保地相关规定执行", ("就医地", "参保地"))
    # What a bound word includes is bound too; "比例是按…" gives 比例 to the case (probe 9).
    policy = [
        "就医地目录是指参保人跨省就医原则上执行就医地支付范围，主要包括基本医疗保险药品目录、诊疗项目和医疗服务设施标准。",
        "参保地政策是指参保人跨省就医原则上执行参保地支付政策，包括参保地医保基金的起付线、支付比例和最高支付限额。",
    ]
    assert checks.swapped_case("起付线和比例是按就医地的来。", policy) == ("就医地的比例", "参保地的比例")
    assert checks.swapped_case("起付线和比例是按参保地的来。", policy) is None
    assert checks.swapped_case("在苏州住院，按就医地的目录报。", policy) is None
    # What is paid ("报销按…", "能报多少按…") follows a case as its 政策 and 比例 do (para-问29-2);
    # what is covered may follow the other ("能不能报销按就医地的目录").
    assert checks.swapped_case("异地住院报销按就医地的标准。", policy) == ("就医地的政策", "参保地的政策")
    assert checks.swapped_case("能报多少按就医地的规定。", policy) == ("就医地的政策", "参保地的政策")
    assert checks.swapped_case("异地住院报销按参保地的标准。", policy) is None
    assert checks.swapped_case("什么药能报销按就医地的目录。", policy) is None


def test_a_verdict_its_own_reason_contradicts_and_direct_settlement_from_a_claim_back_are_unsupported():
    asked = "异地就医能报多少钱，和本地一样吗？"
    quote = ["能报多少:以参保地的政策为准一般报的会比本地就医少一些。"]
    assert "unsupported" in kinds("不能，异地就医能报多少钱和本地一样。", quote, asked)
    # Probe 81: the clause asked is read on its own, past a long lead-in.
    filed = "我办了去广州的异地备案，是不是广州所有医院都能直接结算？"
    assert checks.contradicts("不是", "广州所有医院都能直接结算。", filed)
    assert not checks.contradicts("不是", "只有联网的定点医院才能直接结算。", filed)
    assert (
        checks.contradicts("不能", "打架受伤的医疗费用医保不予报销", "打架受伤医疗费用医保能报销吗") is False
    )
    assert "unsupported" not in kinds(
        "不能，打架受伤的医疗费用医保不予报销。", ["医保不予报销。"], "打架受伤能报销吗？"
    )
    claimed = ["可以。出院后可以凭医院开具的急诊证明材料和其他医疗费用相关票据回参保地手工报销。"]
    assert checks.other_case("去外地看病可以直接报销。", claimed) == ("直接", "手工")
    assert checks.other_case("可以回参保地手工报销。", claimed) is None
    # Probe 53: 处方药 is not 非处方药, though one word holds the other.
    otc = ["如果只需要购买非处方药，可以到药店进行医保电子凭证扫码购药。"]
    assert checks.other_case("电子凭证可以在药店用，能买处方药。", otc) == ("处方药", "非处方药")
    assert checks.other_case("电子凭证可以在药店买非处方药。", otc) is None
    assert checks.other_case("处方药和非处方药都能买。", otc) is None


def test_polarity_reads_obligations_and_everyday_words_for_the_same_act():
    card = ["〔参保人〕仍然可以用社保卡正常就医购药。"]
    asked = "只有社保卡没有电子凭证，能看病买药吗？"
    assert checks.polarity_conflict("只有社保卡没有电子凭证，不能看病买药。", card, asked) == ("不能", "能")
    assert checks.polarity_conflict("只有社保卡也可以看病买药。", card, asked) is None
    duty = ["在用人单位为职工参保缴费的同时，个人也有缴费的义务。"]
    said = checks.polarity_conflict("单位交了医保，自己不用再缴纳。", duty, "单位交了医保，自己还用交吗？")
    assert said == ("不需要", "需要")


def test_polarity_reads_the_askers_word_for_a_drugs_quality():
    # Probe 72: a drug's 效果 is its 质量 to 问31, which says 降价对药品质量不会有影响.
    source = ["降价对药品质量不会有影响。", "从目前实际情况来看，…且药品质量非常稳定。"]
    asked = "集采那种降价九成的药，效果会不会不如原来的？"
    assert checks.polarity_conflict("降价九成的药，效果可能会不如原来的。", source, asked) == ("会", "不会")
    assert checks.polarity_conflict("效果不会不如原来的。", source, asked) is None


def test_polarity_decides_by_what_the_modal_governs_when_source_clauses_say_both():
    # Probe 32: the claim copies the clause that says 需要 of 异地急诊 and adds 需要…备案; the clause
    # about 备案 says 不需要.
    urgent = [
        "如果在外地遭遇一些突发情况,就需要异地急诊比如临时出差发生车祸、旅游时突发疾病等等。",
        "对于异地急诊大部分城市都支持 “先救治,后报销”不需要提前备案。",
    ]
    claim = "在外地遭遇突发情况，比如临时出差发生车祸、旅游时突发疾病等需要先办备案。"
    assert checks.polarity_conflict(claim, urgent, "去外地看病，什么情况要先办备案？") == ("需要", "不需要")
    assert checks.polarity_conflict("突发疾病不需要先办备案。", urgent) is None
    # "不予报销" denies as "不能报销" does: the clause about 目录外 decides, not the one about 目录内.
    listed = ["如果属于“三个目录”内的，可以按规定进行报销；", "不属于“三个目录”内的，医保不予报销。"]
    assert checks.polarity_conflict("医保目录外的药不能报销。", listed, "医保目录外的药能报销吗？") is None
    assert checks.polarity_conflict("目录外的药可以报销。", listed[1:]) == ("能", "不能")
    # "只需要备案到省份" limits what is needed: it does not require 备案到具体区 (probe 6, direct).
    provinces = [
        "参保人备案时不需要指定具体的医院，只需要指定就医的地市。",
        "对于要去北京、天津、上海的参保人，只需要直接备案到这些省份。",
    ]
    asked = "去北京看病备案要备案到具体区吗"
    assert checks.polarity_conflict("不需要备案到具体区。", provinces, asked) is None


def test_a_rule_said_of_a_group_its_sentence_does_not_list_is_unsupported():
    # Probe 34: 全额资助 is for 特困/孤儿/低保; 建档立卡 has a rule of its own.
    aided = (
        "根据《…实施意见》的规定，对特困人员、孤儿、低保对象参加城乡居民基本医疗保险的个人缴费部分"
        "通过医疗救助给予全额资助。"
    )
    poor = "根据《…的通知》的规定，对农村建档立卡贫困人口参加居民医保的个人缴费部分实行差异参保补贴。"
    said = "建档立卡贫困户参加城乡居民基本医疗保险的个人缴费部分通过医疗救助给予全额资助。"
    asked = "建档立卡贫困户交居民医保有补贴吗？"
    assert checks.swapped_group(said, [aided, poor], asked) == ("贫困", "特困")
    assert "unsupported" in kinds(said, [aided, poor], "建档立卡贫困户交居民医保有补贴吗？")
    # A group the restated sentence lists is its own; and "个人缴费部分" limits nothing.
    orphan = "孤儿参加居民医保，个人缴费部分能全免。"
    assert checks.swapped_group(orphan, [aided, poor], "孤儿参加居民医保，个人那部分能全免吗？") is None
    assert "unsupported" not in kinds(orphan, [aided], "孤儿参加居民医保，个人那部分能全免吗？")


def test_a_conclusion_resting_on_the_other_case_of_a_pair_is_unsupported():
    inpatient = ["备案后只要携带社保卡就可以实现住院费用直接结算了。"]
    assert checks.other_case("看门诊也可以直接结算。", inpatient) == ("门诊", "住院")
    # A bare verdict names no case: the question's case is the one it answers.
    assert checks.other_case("可以。", inpatient, "备案后门诊看病能直接结算吗？") == ("门诊", "住院")
    assert "unsupported" in kinds("看门诊也可以直接结算。", inpatient)
    # The source speaks of both, the sentence of both, or the question asks about both: no conflict.
    both = ["住院费用已可直接结算，门诊费用直接结算尚在试点。"]
    assert checks.other_case("门诊费用直接结算尚在试点。", both) is None
    assert checks.other_case("乙类药品比甲类药品价格高。", ["甲类药品是临床必需的药品。"]) is None
    assert checks.other_case("可以。", inpatient, "住院可以直接结算，门诊呢？") is None
    assert checks.other_case("住院可以直接结算。", inpatient, "门诊能直接结算吗？") is None
    # 公立医院 and 民营医院 are such a pair (probe 49: the 集采 pilot in 公立医院 said of 民营医院's prices).
    pilot = ["2018年下半年,国家在“4+7”城市的公立医院开展国家组织药品集中采购和使用试点。"]
    claim = "民营医院的药价是国家组织药品集中采购和使用试点中选药品的价格。"
    assert checks.other_case(claim, pilot) == ("民营医院", "公立医院")
    assert "unsupported" in kinds(claim, pilot, "民营医院的药价是谁定的？")


def test_a_premise_the_asker_wants_confirmed_is_not_restated_as_fact():
    market = ["2015年6月,国家改革药品价格形成机制,除少数特殊管制药品外,绝大部分药品价格实行市场调节。"]
    asked = "药价都是国家统一定的，民营医院和公立医院必须一样吧？"
    reply = "药价是国家统一定的，但公立医院和民营医院采购渠道不同。"
    assert checks.confirmed_premise(reply, asked, market) == "药价是国家统一定的"
    assert "unsupported" in kinds(reply, market, asked)
    # Denying it, or restating the asker's situation rather than a rule, is no such restatement.
    assert checks.confirmed_premise("药价不是国家统一定的。", asked, market) is None
    lost = "社保卡丢了，这次看病的钱是不是只能自己全掏了？"
    paid = ["社会保障卡丢失时，参保患者可先行垫付，后需持相关材料进行手工报销。"]
    assert checks.confirmed_premise("这次看病的钱不是只能自己全掏了。", lost, paid) is None
    crash = "上班路上被车撞了，医药费医保全包吧？"
    assert (
        checks.confirmed_premise("上班路上被车撞了，属于工伤。", crash, ["上班途中发生交通事故属于工伤。"])
        is None
    )
    # A question that asks no confirmation states no premise to guard.
    assert checks.confirmed_premise(reply, "药价是谁定的？", market) is None
    # A source sentence that states it supports it.
    assert (
        checks.confirmed_premise("乙类药才是全额报。", "乙类药才是全额报，对吧？", ["乙类药才是全额报销。"])
        is None
    )
    # The judge's side, "不必一样", is not read as "一样" against a source saying they differ.
    differ = ["公立医院和民营医院采购渠道不同,成本费用构成存在差异是客观现象。"]
    assert "unsupported" not in kinds("民营医院和公立医院不必一样。", differ, asked)
    assert "unsupported" in kinds("民营医院和公立医院必须一样。", differ, asked)


def test_a_reply_in_traditional_characters_and_list_numbers_in_it_are_read_as_the_source():
    channels = ["可以通过以下 3 种方式举报：（1）电话…；（2）微信…；（3）写信，邮寄至湖北省医疗保障局。"]
    asked = "湖北这边可以透过哪些管道检举？"  # callers pass the question in simplified characters
    assert "unsupported" not in kinds("湖北這邊可以通過電話、微信或書面資料舉報。", channels, asked)
    pharmacy = ["定点药店的骗保行为有：1. 盗刷医疗保障身份凭证的；2. 为参保人员串换药品的；"]
    listed = "定点药店的骗保行为有1. 盗刷医疗保障身份凭证的；2. 串换药品的。"
    assert facts.numbers(listed) == frozenset() and facts.numbers("比例为1.5倍") == {"1.5"}
    assert "unsupported" not in kinds(listed, pharmacy)


def test_a_follow_ups_previous_question_is_the_askers_words_too():
    source = ["备案后可以在备案地区的所有异地联网定点医院直接结算。"]
    reply = "去成都看病备案后，可以在所有异地联网定点医院直接结算。"
    follow_up = "要是我去的医院不是备案时填的那家呢？"
    assert "unsupported" in kinds(reply, source, follow_up)  # 成都 from nowhere
    earlier = "去成都看病前怎么知道哪家医院能直接结算？"
    assert not checks.check_sentence(reply, source, follow_up, (), earlier=earlier)


def test_a_number_answers_a_question_about_another_region_only_if_said_of_it():
    national = ["统筹基金年最高支付限额分别达到当地职工年平均工资的6倍左右。"]
    q = "北京职工医保门诊报销比例是多少？"
    assert "unsupported" in kinds("住院保障比例为6倍左右。", national, q)
    limit = "最高支付限额为当地职工年平均工资的6倍左右。"
    assert "unsupported" not in kinds(limit, national, "最高支付限额是多少？")
    beijing = ["假设在北京就医，起付线为400元。"]
    assert "unsupported" not in kinds("在北京就医，起付线为400元。", beijing, "在北京看病起付线多少？")


def test_the_eval_counts_copies_of_the_asker_or_the_source_and_stories_in_the_quotes():
    asked = "走路上被电瓶车撞了，人家要带我去检查，我说有医保让他走了，回头自己拿医报去报，这样对不对"
    copy = "走路上被电瓶车撞了，人家要带我去检查，我说有医保让他走了，回头自己拿医报去报是错误的。"
    assert "copied_asker" in kinds(copy, ["赵大爷的做法是错误的。"], asked)
    reply = "这样做是错误的，应由撞人的一方承担。"
    assert "copied_asker" not in kinds(reply, ["赵大爷的做法是错误的。"], asked)
    source = (
        "个人账户基金用于支付在定点医疗机构或定点零售药店发生的，符合基本医疗保险药品目录范围内的医药费用。"
    )
    assert "copied_source" in kinds("个人账户里的钱" + source[6:], [source], "个人账户的钱能干什么？")
    assert "copied_source" not in kinds("可以支付定点药店的医药费用。", [source], "个人账户的钱能干什么？")
    # A word dropped on the way is still a copy (faq-问20).
    card = (
        "医保电子凭证是全国医保线上业务唯一身份凭证，医保参保人未来可以通过医保电子凭证扫码就医、购药，"
        "无需再携带其他实体卡。"
    )
    near = card.replace("医保参保人", "参保人")
    assert "copied_source" in kinds(near, [card], "医保电子凭证是什么？")
    quotes = ["赵大爷的做法是错误的。", "交通事故应由第三方责任人承担医疗费用。"]
    issues = checks.check_quotes(quotes, "被车撞了医保报吗", ["赵大爷"])
    assert [(i.kind, i.detail) for i in issues] == [("quoted_story", "赵大爷")]
    assert checks.check_quotes(quotes, "赵大爷被车撞了医保报吗", ["赵大爷"]) == []
    # A story sentence with the name left out is still the story; a list cut after its first item
    # reads as the whole list.
    masked = "〔参保人〕这种情况，只需要备案到北京市。"
    assert [i.kind for i in checks.check_quotes([masked], "去重庆要备案到哪", ["王阿姨"])] == ["masked_story"]
    cut = "定点药店的骗保行为有：1. 盗刷医疗保障身份凭证，为参保人员套取现金的；"
    whole = "定点药店的骗保行为有：1. 盗刷医疗保障身份凭证的；2. 为参保人员串换药品的。"
    assert [i.kind for i in checks.check_quotes([cut], "药店骗保", [])] == ["partial_list"]
    assert checks.check_quotes([whole, "参保人（1）可以报销；"], "药店骗保", []) == []
    # Counted, not enforced: the pipeline drops none of these kinds (yet).
    counted = {"copied_asker", "copied_source", "quoted_story", "masked_story", "partial_list"}
    assert not counted & compose.DROP


def test_a_case_the_source_does_not_name_is_unsupported():
    general = ["确认备案成功后就医时带好社保卡或使用医保电子凭证就可以异地结算医药费"]
    q = "备案了以后在外地看门诊能直接报吗？"
    assert checks.unnamed_case("备案后在外地看门诊可以直接报。", general) == "门诊"
    assert "unsupported" in kinds("备案后在外地看门诊可以直接报。", general, q)
    # The item's question says which case its answer speaks of ("…生病住院了，…可以用吗？" → "可以。").
    story = ["家在河北的参保人到广东出差，生病住院了，他的医保电子凭证可以用吗？"]
    said = "可以到外省出差住院使用。"
    asked = "到外省出差住院能用吗？"
    assert checks.unsupported(said, ["可以。医保电子凭证跨区域互认。"], asked, context=story) is None
    assert checks.unsupported(said, ["可以。医保电子凭证跨区域互认。"], asked) is not None
    # Naming both cases, or a source naming one: other rules decide.
    assert checks.unnamed_case("门诊和住院都可以。", general) is None
    assert checks.unnamed_case("住院可以直接结算。", ["跨省异地就医住院费用直接结算"]) is None
    # A source whose item asks of the other case only (probe 87, wrong: "…看门诊可以报" on 异地就医·问8).
    back = ["转诊转院人员办理了跨省异地医保报销比例就医登记备案后,回参保地看病就医无需办理手续"]
    home = ["办理异地就医备案后又需要回参保地住院怎么办?"]
    said = "在外地备案以后看门诊可以报。"
    asked = "在外地备案以后看门诊能报吗，还是只能报住院？"
    assert checks.sourced_other_case(said, back + home) == ("门诊", "住院")
    assert checks.unsupported(said, back, asked, context=home) is not None
    assert checks.unsupported(said, back, asked) is not None  # (a case neither names, as above)
    assert checks.sourced_other_case("住院回参保地看病无需办理手续。", back + home) is None


def test_a_rule_said_of_a_group_its_source_never_names_is_unsupported():
    # A rule of 小张's premiums is not one of 低保户 (para-问35-2, graded wrong).
    premium = ["2019年居民医保个人缴费标准为每人每年250元。"]
    q = "低保户参加居民医保个人要不要交钱？"
    assert checks.unnamed_group("低保户参加居民医保个人要交钱。", premium) == "低保"
    assert "unsupported" in kinds("低保户参加居民医保个人要交钱。", premium, q)
    # The group in other words ("没有工作" for 失业), or in the item's question, is theirs to speak of.
    assert checks.unnamed_group("失业了也可以自己接着交医保。", ["没有工作也可以参加医保。"]) is None
    quote = ["这种随子女在大城市长期居住的老年人都是可以办理异地就医的手续。"]
    story = ["老李退休后随子女到北京居住，他能办理异地就医吗？"]
    said, asked = "退休后跟着子女去外地住可以办理异地就医。", "退休后跟着子女去外地住能办异地就医吗"
    assert checks.unnamed_group(said, quote) == "退休"
    assert checks.unsupported(said, quote, asked, context=story) is None
    assert checks.unnamed_group("个人也要缴费。", premium) is None  # no group named
    # Those treated abroad, whom 问14 names apart (probe 60: 问8's 出差 story said of 出国).
    trip = ["可以。参保人出院后可以凭医院开具的急诊证明材料和其他医疗费用相关票据回参保地手工报销。"]
    assert checks.unnamed_group("出国旅游期间生病的医药费，国内医保可以报销。", trip) == "出国"
    abroad = ["下列医疗费用不纳入基本医疗保险基金支付范围：（一）…；（四）在境外就医的。"]
    assert checks.unnamed_group("在国外看病的钱医保不给报。", abroad) is None
    # "退休前…" in a story names someone not yet retired (probe 8: "退休以后…也需要缴纳…[问3]").
    before = ["…我都干了这么多年了，退休前的十几年我个人就不缴纳职工医保了？"]
    assert checks.unnamed_group("退休以后，个人也需要缴纳基本医疗保险费。", before) == "退休"
    assert checks.unnamed_group("退休前要缴够年限。", before) is None
    assert checks.unnamed_group("快退休了后面几年医保不能不交。", before) is None
    assert checks.unnamed_group("快到退休年龄了，个人也要继续交医保。", before) is None  # probe 10


def test_a_figure_only_a_story_states_is_its_example_not_a_rule():
    chars = ["李大爷"]
    reward = [
        "李大爷举报的线索真实、确凿，医保部门按照查实金额的2%进行奖励。",
        "举报人为定点医疗机构内部人员的，可适当提高奖励标准，最高不超过查实欺诈骗保金额的3%。",
    ]
    q = "我以前在医院做收费员，举报查实能拿多少奖励？"
    found = checks.check_sentence("像我这种原来在医院上班的人举报，能拿到2%的奖励。", reward, q, chars)
    assert [i.kind for i in found] == ["unsupported"] and "2%" in found[0].detail
    # The model reads the story with the name masked: that copy is the story's too.
    masked = [mask(s, chars, q) for s in reward]
    assert checks.story_number("能拿到2%的奖励。", reward + masked, q, chars)
    # A rule's figure, the asker's own character, and a grade that is no figure: no issue.
    assert not checks.check_sentence("内部人员举报最高不超过查实金额的3%。", reward, q, chars)
    assert not checks.check_sentence("李大爷能拿到2%的奖励。", reward, "李大爷能拿多少奖励？", chars)
    grade = ["杨光如果在二级医院就医，报销的钱要比在三级医院的更多。"]
    assert checks.story_number("在二级医院报得更多。", grade, "县医院报得多吗？", ["杨光"]) is None


def test_a_rule_of_inpatient_care_is_not_said_of_all_care():
    inpatient = ["目前跨省异地就医住院费用直接结算主要覆盖四类人群，一是异地安置退休人员。"]
    assert checks.general_case("看病能直接结算。", inpatient) == "住院"
    assert checks.unsupported("看病能直接结算。", inpatient, "退休了去外地跟孩子住，看病能直接结算吗")
    # Naming the case, or a question that names it, or a claim that is not about paying: no issue.
    assert checks.general_case("住院费能直接在当地结算。", inpatient) is None
    assert checks.general_case("能直接结算。", inpatient, "住院费能直接结算吗") is None
    complaint = ["住院时发现多收费可以投诉举报，门诊也一样。"]
    assert checks.general_case("应该向当地医保部门投诉举报。", complaint) is None
    # A source about paying that names neither case (or both) says it of all care.
    assert checks.general_case("看病能直接结算。", ["备案成功后就医时就可以直接结算医药费。"]) is None
    scope = ["住院保障方面，住院费用都可按规定报销。", "符合…目录范围的医疗费用，按照规定从基金中支付。"]
    assert checks.general_case("报销范围包括药品目录和诊疗项目。", scope) is None
    # A sentence about something else (the procedure, not paying) does not make it general.
    story = ["随子女长期居住的老年人都是可以办理异地就医的手续。", *inpatient]
    assert checks.general_case("看病能直接结算。", story) == "住院"


def test_a_clause_restating_what_its_source_denies_is_unsupported():
    transfer = ["转诊人员…再次转往他院就医的,只需由转出医院提供转诊转院证明,不需到市医保中心办理任何手续。"]
    q = "异地转诊期间再次转院要办什么手续？"
    denied = checks.dropped_negation("再次转院要办的手续是到市医保中心办理。", transfer, q)
    assert denied == "不需到市医保中心办理"
    assert "unsupported" in kinds("再次转院要办的手续是到市医保中心办理。", transfer, q)
    # Kept with its negation, or a source that also says it without one, or the asker's premise: no issue.
    assert checks.dropped_negation("不需要到市医保中心办理任何手续。", transfer, q) is None
    both = [*transfer, "首次转诊需到市医保中心办理备案。"]
    assert checks.dropped_negation("首次转诊要到市医保中心办理。", both, q) is None
    premise = "我听说要到市医保中心办理，是真的吗？"
    assert checks.dropped_negation("要到市医保中心办理", transfer, premise) is None


def test_a_flat_yes_or_no_where_the_source_says_it_differs_by_place_is_unsupported():
    cities = [
        "有些城市异地就医备案会有时限要求,比如1年或3个月在这期间只能异地使用,也不能撤销备案",
        "而有些城市异地就医备案则没有时限要求,可以随时撤销备案",
    ]
    assert checks.varies_by_place("办了异地就医备案，不能撤销备案。", cities) == "有些"
    assert "unsupported" in kinds("办了异地就医备案，不能撤销备案。", cities, "备案了还能撤销吗？")
    # Qualified itself, or a source sentence saying it of all, or sources that agree: no issue.
    assert checks.varies_by_place("有些城市的异地就医备案不能撤销。", cities) is None
    every = [*cities, "但无论有没有时限要求,撤销备案后都可以回参保地就医"]
    assert checks.varies_by_place("撤销备案后可以回参保地就医。", every) is None
    assert checks.varies_by_place("异地就医备案可以撤销。", cities[1:]) is None


def test_a_yes_that_drops_the_certainty_asked_about_is_an_echo():
    q = "开的都是医保目录里的药，就一定能报销吗？"
    catalogue = ["参保人员使用药品，如果属于“三个目录”内的，可以按规定进行报销；"]
    assert "echo" in kinds("开的都是医保目录里的药，可以报销。", catalogue, q)
    # Keeping or denying the certainty answers it; a question asking what (都能买些什么) asks no certainty.
    assert "echo" not in kinds("不一定能报销，还要看起付线。", catalogue, q)
    assert not checks.drops_certainty("目录里的药一定能报销。", q)
    shop = ["个人账户可在定点零售药店购买药品、家用医疗器械。"]
    what = "个人账户在药店都能买些什么？"
    assert "echo" not in kinds("个人账户可以在药店购买药品和家用医疗器械。", shop, what)


def test_a_claim_about_all_needs_a_source_that_speaks_of_all():
    inpatient = ["住院保障方面，职工医保和居民医保政策范围内住院费用都可按规定报销。"]
    q = "住院期间花的所有费用医保都能报吗？"
    assert checks.universal_claim("住院期间花的所有费用医保都能报。", inpatient) == "所有"
    assert "unsupported" in kinds("住院期间花的所有费用医保都能报。", inpatient, q)
    # A denied whole, or a source that speaks of all too: no issue.
    assert checks.universal_claim("不是所有费用都能报。", inpatient) is None
    cities = ["只需要指定就医的地市，就可以在该地所有的跨省异地就医定点医疗机构直接结算住院费用。"]
    assert checks.universal_claim("该地所有跨省定点医院都可以直接结算住院费用。", cities) is None


def test_all_of_a_sum_is_said_of_what_the_source_says_it_of():
    class_a = ["参保人使用这类〔甲类〕药品时，可以全额纳入报销范围，按规定比例报销。"]
    q = "医保目录里乙类药和甲类药报销有什么不一样？"
    said = "甲类药可以全额报销。"
    assert checks.whole_rebound(said, class_a) == ("全额报销", "可以全额纳入报销范围")
    assert "unsupported" in kinds(said, class_a, q)
    assert checks.whole_rebound("甲类药可以全额纳入报销范围。", class_a) is None
    assert checks.whole_rebound("甲类药不能全额报销。", class_a) is None  # denied
    # Paid in full by someone else is free to the person (pol-25's right answer).
    aided = ["对特困人员参加城乡居民医保的个人缴费部分给予全额资助。"]
    assert checks.whole_rebound("特困人员参加居民医保，个人缴费部分可以全免。", aided) is None


def test_a_list_of_the_source_is_not_glued_to_another_verb():
    consult = ["张大姐可以向户籍所在地民政部门、扶贫部门、医保部门咨询不同类别救助对象认定的具体标准和程序。"]
    q = "医疗救助的对象是谁认定的，去哪问？"
    said = "医疗救助的对象由户籍所在地民政部门、扶贫部门、医保部门认定。"  # probe 19
    assert checks.list_rebound(said, consult) == ("扶贫部门、医保部门认定", "扶贫部门、医保部门咨询")
    assert "unsupported" in kinds(said, consult, q)
    assert checks.list_rebound("可以向户籍所在地民政部门、扶贫部门、医保部门咨询。", consult) is None
    assert (
        checks.list_rebound("可以问民政部门、扶贫部门、医保部门。", consult) is None
    )  # list ends the clause
    # The list goes on past 等, or the reply keeps the words after the last item: a copy.
    papers = ["索取急诊证明、费用发票、药品处方和费用明细等报销所需的材料。"]
    assert checks.list_rebound("要带急诊证明、费用发票、药品处方和费用明细等材料。", papers) is None
    scope = ["符合基本医疗保险药品目录、诊疗项目范围、医疗服务设施标准所规定项目范围内的医药费用。"]
    assert (
        checks.list_rebound("符合药品目录、诊疗项目范围、医疗服务设施标准所规定项目的费用。", scope) is None
    )


def test_paying_is_not_said_of_a_group_whose_share_is_paid_for_them():
    aided = ["对特困人员、孤儿、低保对象参加城乡居民基本医疗保险的个人缴费部分通过医疗救助给予全额资助。"]
    q = "我是低保户，参加居民医保自己要掏钱吗？"
    assert checks.aided_but_pays("参加居民医保自己要掏钱。", aided, q) is not None
    assert "unsupported" in kinds("参加居民医保自己要掏钱。", aided, q)
    assert checks.aided_but_pays("低保户参加居民医保不需要自己掏钱。", aided, q) is None
    # Not the asker's group, or the costs of care: another matter.
    assert checks.aided_but_pays("参加居民医保自己要掏钱。", aided, "参加居民医保自己要掏钱吗？") is None
    assert checks.aided_but_pays("住院时起付线以下要自己掏钱。", aided, q) is None


def test_what_a_rate_follows_or_a_result_depends_on_must_be_in_the_source():
    serious = [
        "城乡居民大病患者发生的高额医疗费用在政策范围内的个人负担部分，可根据实际医疗费用负担情况，纳入城乡居民大病保险范围。"
    ]
    q = "大病保险是按什么比例赔的？"
    assert checks.unstated_basis("大病保险是按个人负担比例赔付的。", serious) == "按个人负担比例"
    assert "unsupported" in kinds("大病保险是按个人负担比例赔付的。", serious, q)
    rates = ["甲类药品可以全额纳入报销范围，按规定比例报销。"]
    assert checks.unstated_basis("甲类药按规定比例报销。", rates) is None
    tiers = ["在基层医院报销比例比在大医院高，所以在二级医院就医，报销的钱要比在三级医院的更多。"]
    made_up = "县医院和三甲医院都能做，但医保报多取决于个人病情、所在地区以及医保政策。"
    assert checks.unstated_basis(made_up, tiers) == "取决于个人病情、所在地区以及医保政策"
    assert checks.unstated_basis("报多少要看医院的级别。", ["报多少要看医院的级别和起付线。"]) is None


def test_the_askers_number_stays_a_claim_even_in_the_situation_they_tell():
    # "出院后一周内…，不算分解住院" (pol-28) rests on the asker's 一周, while "…多给我两百块是违法的"
    # (probe 19) merely restates theirs: no rule tells them apart, so a number needs its source.
    q = "出院后一周内又因为同一种病住院，算分解住院吗？"
    src = ["住院天数是医疗机构根据患者病情及医院管理规定来确定的。"]
    assert "unsupported" in kinds("出院后一周内又因为同一种病住院，不算分解住院。", src, q)


def test_probe_20_readings():
    # A comparison states a difference: "一样" against "…一般报的会比本地就医少一些".
    rates = ["能报多少:以参保地的政策为准,包括报销的起付线、报销比例、最高限额等一般报的会比本地就医少一些。"]
    same = "在外地看病，报销的比例是不是和在本地一样？"
    assert "unsupported" in kinds("报销的比例和在本地一样。", rates, same)
    # Advised is not required.
    advised = ["如果他使用智能手机，建议参保人在家人或者医院、药店工作人员帮助下，激活医保电子凭证。"]
    q = "电子凭证激活要本人去柜台吗，还是手机上自己就能弄？"
    assert "unsupported" in kinds("电子凭证激活需要家人或者医院、药店工作人员帮助。", advised, q)
    # Asked about not doing something, a reply about doing it answers another question.
    named = "举报骗保可以不留真名吗？"
    assert checks.dropped_asked_negation("可以留真名举报。", named) == "留真名"
    assert "unsupported" in kinds("可以留真名举报。", ["匿名举报，予以尊重。"], named)
    assert checks.dropped_asked_negation("可以不留真名。", named) is None
    # Asked to confirm a denial, dropping the 不 corrects the asker.
    assert checks.dropped_asked_negation("举报骗保的奖励有上限。", "举报骗保的奖励没有上限吧") is None
    assert checks.dropped_asked_negation("这算骗保。", "这算不算骗保？") is None  # asks both ways
    # Where / who: what the reply adds to the question must be in the source.
    duty = ["首先，用人单位有为职工参加职工医保的法定义务。"]
    where = "公司交医保的时候，我自己工资里扣的那部分是交到哪里的？"
    assert "unsupported" in kinds("公司交医保的时候，自己工资里扣的那部分是交给社保局的。", duty, where)
    # A long clause in the source run on without punctuation: the 不需 governs the trip, not the 证明.
    referral = [
        "只需由转出医院提供盖有医院公章的转诊转院证明,不需到市医保中心办理任何手续费用报销时携带相关报销材料"
        "和其转出医院的转诊转院证明即可办理。"
    ]
    again = "转诊到外地的病人再转到另一家医院，报销要带什么证明？"
    assert "unsupported" not in kinds("报销要带盖有医院公章的转诊转院证明。", referral, again)
    assert "unsupported" in kinds("转院要到市医保中心办理手续。", referral, "转院要到市医保中心办手续吗？")


def test_a_question_one_is_told_to_find_out_is_no_echo():
    q = "去外地看病之前，怎么查那边哪些医院能用医保？"
    src = [
        "异地就医需要去已经联网了的定点医院,否则是无法用医保报销的所以,我们第一步要确定你需要去的医院是不是已经联网了的定点医院。"
    ]
    told = "去外地看病之前，需要先确定你要去的医院是不是已经联网了的定点医院。"
    assert "echo" not in kinds(told, src, q)
    assert "echo" in kinds("医保报不报。", src, "出车祸医保报不报？")


def test_a_lists_heading_given_as_what_to_do_is_unsupported():
    kinds_of = [
        "一是分解收费：将一个项目收费分解成几个项目甚至是自立项目；",
        "二是重复计费：病人在使用某一诊疗项目后，反复多次收取该诊疗项目费用；",
    ]
    q = "出院发现没做的项目也收费了怎么办？"
    advice = "出院发现没做的项目也收费了，应该分解收费或重复计费。"
    assert checks.heading_as_advice(advice, kinds_of, q) == "分解收费"
    assert "unsupported" in kinds(advice, kinds_of, q)
    listed = "住院期间要掌握收费情况，一是分解收费，二是重复计费。"
    assert checks.heading_as_advice(listed, kinds_of, "住院期间患者要如何掌握收费情况？") is not None
    # Naming the kind a practice is, asked what it is, is the answer.
    named = "医院把一个项目拆成几个收费，属于分解收费。"
    assert checks.heading_as_advice(named, kinds_of, "医院把一个项目拆成几个收费算什么？") is None


def test_a_reference_to_groups_listed_elsewhere_is_no_group():
    listed = [
        "一般来说下面这四类人群会需要办理异地就医备案:",
        "常驻异地工作人员:由于工作原因,被单位派去外地常驻;",
    ]
    q = "我被公司派到外地常驻工作，需要办异地就医备案吗？"
    assert checks.dropped_group("常驻异地工作人员需要办理异地就医备案。", listed, q) is None
    assert checks.dropped_group("需要办理异地就医备案。", ["上述人员办理备案后可以直接结算。"], q) is None


def test_a_bare_verdict_needs_a_source_clause_about_what_was_asked():
    q = "办了异地备案，回老家看病还能直接用医保吗？"
    filing = ["如果参保人目前在辽宁老家，她可以携带社保卡到本人参保地的医保中心办理，直接备案到北京市。"]
    assert checks.unanchored_verdict("可以。", filing, q)
    assert "unsupported" in kinds("可以。", filing, q)
    # A clause about the act asked (the asker's words as the documents': 去医院 with 社保卡), or the
    # FAQ's own verdict, is what a bare verdict rests on.
    card = ["参保人仍然可以用社保卡正常就医购药。"]
    assert not checks.unanchored_verdict("可以。", card, "社保卡还没激活电子凭证，去医院能刷吗")
    employer = ["不可以。首先，用人单位有为职工参加职工医保的法定义务。"]
    assert not checks.unanchored_verdict("不可以。", employer, "老板说多发工资不交医保，可以吗？")


def test_a_limit_needs_a_source_sentence_that_states_one():
    card = [
        "医保电子凭证是全国医保线上业务唯一身份凭证，医保参保人未来可以通过医保电子凭证扫码就医、购药。",
        "目前在上述地区使用医保电子凭证和社保卡均可进行医保报销。",
    ]
    q = "医保电子凭证是什么东西，和社保卡有啥区别？"
    invented = "医保电子凭证可以办理所有的医保业务，而社保卡只能用于支付医疗费用。"
    assert checks.unstated_limit(invented, card) == "只能"  # "唯一" is said of something else
    assert "unsupported" in kinds(invented, card, q)
    # A limit the source states, in its words or by forbidding the rest; a limit denied.
    assert checks.unstated_limit("医保卡只能本人使用。", ["医保卡只限本人使用，不得转借他人。"]) is None
    linked = ["异地就医需要去已经联网了的定点医院,否则是无法用医保报销的"]
    assert checks.unstated_limit("只有在联网的定点医院才能报销。", linked) is None
    paid_first = ["参保患者可先行垫付，后需持相关材料进行手工报销。"]
    assert checks.unstated_limit("并不是钱只能自己认。", paid_first) is None


def test_a_bare_verdict_resting_only_on_one_groups_rule_is_unsupported():
    transfer = ["转诊转院人员办理了跨省异地就医登记备案后,回参保地看病就医无需办理手续"]
    q = "外地备案了，回本地看病还能刷医保卡吗？"
    assert checks.dropped_group("可以刷医保卡。", transfer, q) == "转诊转院人员"
    home = "在外地备案了，回老家住院还能用医保吗？"  # probe 22: a lone verdict word
    assert checks.dropped_group("可以。", transfer, home) == "转诊转院人员"
    # The asker names the group, or another source sentence speaks of everyone, or a longer reply.
    named = "转诊去外地的，回本地看病还能刷医保卡吗？"
    assert checks.dropped_group("可以刷医保卡。", transfer, named) is None
    everyone = [*transfer, "无论有没有时限要求,如果想回老家用医保报销都需要先撤销备案"]
    assert checks.dropped_group("可以刷医保卡。", everyone, q) is None


def test_sameness_is_read_like_a_modal():
    differ = ["两个险种在参保和筹资上有差别，与缴费相对应的待遇也有差别，所以报销的费用也不同。"]
    q = "我在公司交的医保和我妈在老家交的居民医保，报销一样多吗？"
    assert checks.polarity_conflict("报销一样多。", differ, q) == ("一样", "不一样")
    assert checks.polarity_conflict("报销的费用不一样。", differ, q) is None
    assert checks._polarities("两者没有区别", "同") == {"一样": {"两者", "者没", "没有"}}


def test_something_listed_for_the_other_case_only_is_not_said_of_this_one():
    papers = [
        "参保人员一般应提供加盖财政监制章的费用收据联、与收据相对应的明细清单；",
        "除此之外，门诊就医的还需提供与收据相对应的处方联、急诊诊断证明，住院就医的还需提供出院记录、诊断证明等。",
    ]
    wrong = "这次住院的钱先自己垫了，出院后要准备费用收据联、明细清单、处方联和急诊诊断证明。"
    assert checks.restated_case(wrong, papers) == ("住院", "门诊")
    # The case's own list, or the other case's list said of it, or a list both share: no issue.
    assert checks.restated_case("住院的要准备费用收据联、明细清单、出院记录和诊断证明。", papers) is None
    assert checks.restated_case("门诊的要准备处方联和急诊诊断证明。", papers) is None
    assert checks.restated_case("住院的也要准备费用收据联和明细清单。", papers) is None
    # A reply naming no case speaks of the one the question names (probe 26).
    q = "手工报销住院的钱，除了收据还要带什么？"
    assert checks.restated_case("除了收据，还需要带处方联、急诊诊断证明。", papers, q) == ("住院", "门诊")
    assert checks.restated_case("除了收据，还需要带出院记录、诊断证明。", papers, q) is None
    assert checks.restated_case("还需要带处方联、急诊诊断证明。", papers, "看门诊的钱怎么报？") is None


def test_a_follow_ups_reply_restating_the_question_it_follows_is_an_echo():
    earlier = "我被电动车撞了，对方说愿意赔，我还要走医保吗？"
    follow = "要是我是上班路上被撞的呢？"
    support = ["首先要按照事故的责任来确定医疗费用的支付主体。"]
    reply = "是的，我被电动车撞了，对方说愿意赔，我还要走医保。"
    found = checks.check_sentence(reply, support, follow, [], earlier=earlier)
    assert [i.kind for i in found] == ["echo"]
    # Restating the follow-up itself, or adding the answer, is not.
    assert not checks._restates_earlier("上班路上被撞属于工伤，医保不予支付。", earlier, follow)
    assert not checks._restates_earlier("是的，上班路上被撞的。", earlier, follow)


def test_a_reply_of_only_the_questions_words_agreeing_with_a_request_to_confirm_is_an_echo():
    # Probe 14: "乙类药不能报销。" agrees with the asker's false premise (问30: 乙类 is paid after a share).
    q = "医保目录里的乙类药，是不是就不能报销？"
    kind_b = ["乙类药品是可供临床治疗选择使用、疗效好，同类药品中比甲类药品价格高的药品。"]
    assert "echo" in kinds("乙类药不能报销。", kind_b, q)
    # Adding what the source says answers it.
    assert "echo" not in kinds("乙类药先自付一部分，余下的按比例报销。", kind_b, q)


def test_the_askers_own_story_turned_round_is_an_echo():
    # Probe 55: "…，我不同意了。" gives back the asker's "我同意了" with a 不 put in: no reply.
    q = "老板给我多发点钱不交医保，我同意了，这样行吗？"
    duty = ["不可以。首先，用人单位有为职工参加职工医保的法定义务。"]
    assert "echo" in kinds("老板给我多发点钱不交医保，我不同意了。", duty, q)
    # A 不 put into the ask is a reply to it, and the asker's words kept as they are no turn.
    assert "echo" not in kinds("老板给我多发点钱不交医保，这样不行。", duty, q)
    q2 = "打架受伤去医院，医保能报销吗？"
    fight = ["两人因打架斗殴产生的医疗费用属于应当由第三人负担的情形，因此不能予以基本医疗保险基金报销。"]
    assert "echo" not in kinds("打架受伤不能报销。", fight, q2)


def test_the_question_given_back_with_the_asker_as_参保人_is_an_echo():
    # Probe 60: "…对参保人自己掏钱有影响。" to "…对我自己掏钱有啥影响？" says only that it matters.
    q = "医保目录里药名后面标的甲乙，对我自己掏钱有啥影响？"
    kinds_ = ["甲类药品是临床治疗必需、使用广泛、疗效好，同类药品中价格低的药品。"]
    assert "echo" in kinds("医保目录里药名后面标的甲乙，对参保人自己掏钱有影响。", kinds_, q)
    # Saying how it matters is a reply.
    assert "echo" not in kinds("用乙类药要先按比例扣除一定的个人自付费用。", kinds_, q)


def test_the_askers_guess_hedged_back_is_an_echo():
    # Probe 14: "…可能是医院弄错了。" to "…是不是医院弄错了？" (问11: the bill was under the 起付线).
    q = "住院才花了几百块，医保一分没报，是不是医院弄错了？"
    line = ["起付线指的是医保基金的起付标准，自己要先承担起付标准以下的费用。"]
    assert "echo" in kinds("参保人住院花了几百块，医保一分没报，可能是医院弄错了。", line, q)
    assert checks._guesses("这可能是医院弄错了。", q)
    # A hedge that adds a reason of its own is not the asker's guess.
    assert not checks._guesses("可能是没达到起付线。", q)


def test_yao_before_a_step_reads_as_need():
    # Probe 14: "要办异地就医备案手续" against "…回参保地看病就医无需办理手续".
    back = ["转诊转院人员办理了跨省异地就医登记备案后,回参保地看病就医无需办理手续"]
    q = "备案去了外地，现在又想回老家住院，要办什么手续？"
    reply = "备案去了外地，现在又想回老家住院，要办异地就医备案手续。"
    assert checks.polarity_conflict(reply, back, q) == ("需要", "不需要")
    # 想要, 只要, 要是 are no need.
    assert checks._polarities("只要回参保地就医", "需") == {}
    assert checks._polarities("要是回参保地就医", "需") == {}


def test_a_modal_is_read_against_its_items_closest_clause_too():
    # rob-65: the quotes chosen say nothing of 会/不会; the item's "降价对药品质量不会有影响。" does.
    items = [
        "此外，国家各部门也采取了多项监管措施来保障所采购药品的质量。",
        "降价对药品质量不会有影响。",
        "中标药企的销量能够得到保证，因此有了比较大的降价空间。",
    ]
    q = "集采降价这么多的药，质量和效果真的会受影响吗？"
    found = checks.swapped_in_items("药品降价可能会对质量产生影响。", q, items)
    assert found is not None and "不会" in found.detail
    assert checks.swapped_in_items("药品降价不会影响质量。", q, items) is None
    # A clause sharing only a topic word with the claim ("报销") is no restatement of it.
    catalogue = ["参保人员使用“三个目录”内的药品，可以按规定进行报销。", "自费药品由个人负担。"]
    assert checks.swapped_in_items("医保不能报销自费药品。", "自费药能报吗？", catalogue) is None
    # Nor is a clause about the other case of a pair (甲类's rule is no rule of 乙类).
    kinds_ab = ["甲类药品是临床治疗必需的药品。", "参保人使用这类药品时，可以全额纳入报销范围。"]
    assert checks.swapped_in_items("乙类药的费用不能全额纳入报销。", "乙类药能全额报吗？", kinds_ab) is None


def test_a_clause_ending_in_ba_is_a_copied_question():
    # Probe 15: "借给亲戚用一下没关系吧，但要注意不要出借…" agreed with the asker's "…没关系吧？".
    q = "医保卡借给亲戚用一下没关系吧？"
    card = ["一是医保卡只限本人使用。"]
    assert "copied_question" in kinds("借给亲戚用一下没关系吧，但要注意不要出借或存放在他处。", card, q)


def test_encouraged_is_not_required():
    # Probe 15: "举报骗保必须实名。" above "提倡实名投诉举报。" (匿名举报，予以尊重).
    report = ["提倡实名投诉举报。", "匿名举报，予以尊重。"]
    q = "举报骗保必须实名吗？"
    assert checks.polarity_conflict("举报骗保必须实名。", report, q) == ("需要", "不需要")
    assert checks.polarity_conflict("举报骗保不一定要实名，提倡实名。", report, q) is None


def test_a_flat_yes_to_what_only_some_places_permit_is_unsupported():
    outpatient = ["对大部分地区来说,异地就医只能报销住院和急诊费用只有部分地区可以报销普通门诊,具体如下图:"]
    q = "在外地看普通门诊，医保能报吗？"
    assert checks.qualified_permission("医保能报。", outpatient, q) == "部分地区"
    assert "unsupported" in kinds("医保能报。", outpatient, q)
    # Qualified, denied, or about what the limit (只能) names: no issue.
    assert checks.qualified_permission("只有部分地区可以报销普通门诊。", outpatient, q) is None
    assert checks.qualified_permission("不一定能报。", outpatient, q) is None
    assert checks.qualified_permission("可以报。", outpatient, "在外地住院，医保能报吗？") is None
    # "一般能报" says most places do, where the source says only some (probe 36); "大部分地区可以"
    # would agree with it.
    mostly = "在外地看普通门诊，医保一般能报吗？"
    assert checks.qualified_permission("医保一般能报。", outpatient, mostly) == "部分地区"
    most = ["对大部分地区来说,异地就医可以报销普通门诊。"]
    assert checks.qualified_permission("医保一般能报。", most, mostly) is None
    assert checks.limits("有些城市要求电话备案") and not checks.limits("一般能报")


def test_a_yes_to_whether_any_one_will_do_claims_the_whole():
    q = "备案到上海，上海哪家医院都能直接结算吗？"
    rules = ["参保地政策是指参保人跨省就医原则上执行参保地支付政策。"]
    assert checks.universal_claim("上海的医院都可以直接结算。", rules, q) == "都可以"
    every = ["备案到北京市，则在北京市所有的跨省异地就医定点医疗机构发生的住院医疗费用都可以直接结算。"]
    assert checks.universal_claim("上海的定点医院都可以直接结算。", every, q) is None
    # Without the question asking whether any will do, "都可以" alone claims no whole.
    assert checks.universal_claim("上海的医院都可以直接结算。", rules, "上海的医院能直接结算吗？") is None


def test_a_clause_asking_whether_states_no_polarity():
    # Probe 28: the booklet's lead-in "…是否跟本地就医报销一样" had been read as saying 一样, so
    # "异地看病报的钱是跟在本地一样多。" found support in it against "…会比本地就医少一些".
    lead_in = "成功办理完异地就医备案后,大家最关心的应该就是异地就医到底能报多少钱是否跟本地就医报销一样。"
    rule = "能报多少:以参保地的政策为准,包括报销的起付线、报销比例、最高限额等一般报的会比本地就医少一些。"
    q = "异地看病报的钱是不是跟在本地一样多？"
    same = "异地看病报的钱是跟在本地一样多。"
    assert checks.polarity_conflict(same, [rule, lead_in], q) == ("一样", "不一样")
    assert checks.polarity_conflict("异地看病报的钱跟在本地一样多。", [lead_in]) is None
    # "不是…一样" is 不一样, and agrees with the rule.
    assert checks.polarity_conflict("异地看病报的钱不是跟在本地一样多。", [rule, lead_in], q) is None


def test_a_reply_that_insurance_pays_where_the_source_denies_it():
    # Probe 28: "医药费走医保报。" (no modal to read) above "…所以医保不予支付".
    injury = [
        "首先要按照事故的责任来确定医疗费用的支付主体。",
        "〔参保人〕因为是在上班途中发生交通事故，属于工伤，因此产生的医疗费用属于“应当从工伤保险基金中支付的”，"
        "不纳入基本医疗保险支付范围，所以医保不予支付。",
    ]
    q = "上班路上被车撞了，医药费走医保报吗？"
    assert checks.denied_payment("医药费走医保报。", injury) == "不纳入基本医疗保险支付范围"
    assert "unsupported" in kinds("医药费走医保报。", injury, q)
    # Denied in the reply, or said of what pays instead: no issue.
    assert checks.denied_payment("医保不报，工伤保险支付。", injury) is None
    assert checks.denied_payment("由工伤保险基金支付。", injury) is None
    # A source that also says 医保 pays (for another case) decides nothing by rule.
    both = ["属于“三个目录”内的，医保可以按规定报销；", "不属于“三个目录”内的，医保不予报销。"]
    assert checks.denied_payment("医保能报。", both) is None


def test_a_denial_no_source_sentence_states_is_unsupported():
    # Probe 63: a yes and a no in one sentence, the no resting on nothing (问6 says 门诊慢性病 is paid).
    inpatient = [
        "住院保障方面，职工医保和居民医保政策范围内住院费用都可按规定报销，统筹基金年最高支付限额分别达到当地"
        "职工年平均工资或居民年人均可支配收入的6倍左右。"
    ]
    q = "居民医保住院能报，那平时买降压药这种慢病药能报吗？"
    reply = "居民医保住院可以报，但平时买降压药这种慢病药不能报。"
    assert checks.unsourced_denial(reply, inpatient) == "不能报"
    assert "unsupported" in kinds(reply, inpatient, q)
    # A denial denied, the asker's 能不能, or a source that denies, limits or requires: no issue.
    assert checks.unsourced_denial("并不是看门诊一分都不报。", inpatient) is None
    assert checks.unsourced_denial("住院能不能报要看政策范围。", inpatient) is None
    own = ["自费药品医保基金不予支付。"]
    assert checks.unsourced_denial("这种药不能报。", own) is None
    duty = ["用人单位有为所有职工参加生育保险的法定义务。"]
    assert checks.unsourced_denial("单位不能不给你交。", duty) is None
    # Follow-14: 不允许 where 问40 permits 家用医疗器械.
    pharmacy = [
        "二是医保卡个人账户可在定点零售药店购买药品、食健字号的保健食品、经卫生部门批准的消杀类产品、家用医疗器械"
        "及耗材的费用，但购买生活用品将涉嫌串换项目等欺诈骗保行为；"
    ]
    assert checks.unsourced_denial("买个家用血压计是不允许的。", pharmacy) == "不允许"


def test_a_reply_telling_the_asker_to_use_the_card_they_lack_is_unsupported():
    # Probe 63: 问6's rule for everyone insured, copied to one whose card has not come.
    rule = ["参保人在参加医疗保险后，在正常享受待遇期内于定点医药机构就医的，持社会保障卡进行刷卡即时结算。"]
    q = "刚入职单位给办了医保但卡还没下来，这期间住院怎么结算？"
    reply = "参保人参加医疗保险后，持社会保障卡进行刷卡即时结算。"
    assert checks.uses_what_is_lacking(reply, q) == "持社会保障卡"
    assert "unsupported" in kinds(reply, rule, q)
    assert checks.uses_what_is_lacking(
        "小李社保卡丢失，应该先在门、急诊就医时刷卡结算。", "社保卡丢了怎么报销？"
    )
    # The asker's own circumstance restated, or an asker who has the card: no issue.
    assert (
        checks.uses_what_is_lacking("忘带医保卡，先垫付，再持相关材料手工报销。", "看病没带医保卡怎么报")
        is None
    )
    assert checks.uses_what_is_lacking(reply, "住院怎么结算？") is None
    # Probe 81: a smartphone made the condition for one who says they cannot use one.
    old_age = "我年纪大了不会弄手机，以后看病还能直接刷社保卡吗？"
    assert (
        checks.uses_what_is_lacking("可以，只要使用智能手机并激活医保电子凭证。", old_age)
        == "只要使用智能手机"
    )
    assert checks.uses_what_is_lacking("可以，仍然可以用社保卡正常就医购药。", old_age) is None
    # Probe 89: the phone's code the asker cannot work, and its use made the step before the card.
    code = "奶奶八十多了，那个手机上的医保码弄不明白，以后去医院是不是就刷不了她那张卡了？"
    step = "奶奶八十多了，可以使用智能手机激活医保电子凭证后，以后就可以刷她的社保卡了。"
    assert checks.uses_what_is_lacking(step, code) == "使用智能手机激活医保电子凭证后，"
    assert checks.uses_what_is_lacking("不是，仍然可以用社保卡正常就医购药。", code) is None
    assert checks.uses_what_is_lacking(step, "以后去医院还能刷社保卡吗？") is None


def test_a_claim_denied_where_its_source_says_how_to_claim_is_unsupported():
    # Probe 67: 问10 says one pays first and claims by hand; its list of cases has 未 (未发卡, 未持卡).
    by_hand = [
        "在新参保未发卡、急诊未持卡、社会保障卡丢失、异地突发急诊、社保卡挂失、异地就医未能直接结算等情况时，参保患者"
        "可先行垫付，后需持相关材料进行手工报销。"
    ]
    q = "医保卡落在家里了，今天看病的钱先自己付，能补报吗？"
    reply = "医保卡落在家里了，今天看病的钱先自己付，不能补报。"
    assert checks.denied_claim(reply, by_hand) == "不能补报"
    # The asker's words for it (probe 75).
    assert checks.denied_claim("先自己付了钱，这钱不能要回来。", by_hand) == "不能要回"
    assert "unsupported" in kinds(reply, by_hand, q)
    # A denial denied, or a source that itself denies a claim ("没有备案还是不能直接报销"): no issue.
    assert checks.denied_claim("并不是不能补报。", by_hand) is None
    filed = ["但异地就医费用可以直接报销有一个前提,需要提前做好异地就医备案!", "没有备案还是不能直接报销!"]
    assert checks.denied_claim("没有备案不能直接报销。", filed) is None


def test_the_other_level_of_hospital_said_to_pay_more_is_unsupported():
    # rob-32: 问18 says the lower level (基层, 二级) pays more; 比列 (a typo of 比例) compares nothing.
    levels = [
        "医保部门为了对患者起到引导作用，在基层医院报销比例比在大医院高，有些地方基层医院的起付线也设置得比在大医院"
        "更低，所以杨光如果在二级医院就医，报销的钱要比在三级医院的更多。"
    ]
    q = "小手术在县医院做还是去市里三甲做，哪边医保报的比列高点"
    reply = "医保报的比列高点在市里三甲医院。"
    assert checks.reversed_level(reply, levels) == "医保报的比列高点在市里三甲医院"
    assert "unsupported" in kinds(reply, levels, q)
    assert checks.reversed_level("市医院报销比例比县医院高。", levels) is not None
    # The source's side, said either way round, or denied: no issue.
    for right in (
        "在二级医院就医报的钱会比在三级医院多一些。",
        "县医院的报销比例比市医院高。",
        "三甲医院的报销比例比社区医院低。",
        "去小医院看病报得多。",
        "并不是在社区医院看病报销比例比三甲医院低。",
    ):
        assert checks.reversed_level(right, levels) is None, right


def test_a_comparison_no_source_sentence_denies_is_unsupported():
    # Probes 65 and 24: the asker's 少一点 / 多掏点 denied, where 问30 says 乙类 first takes off a share.
    kinds_b = [
        "乙类药品是可供临床治疗选择使用、疗效好，同类药品中比甲类药品价格高的药品。",
        "参保人使用这类药品时，要先按比例（各地不同）扣除一定的个人自付费用后，将余下费用再纳入报销范围，按规定比例报销。",
    ]
    q = "药品说明上写着乙类，意思是不是报得少一点？"
    reply = "药品说明上写着乙类，意思不是报得少一点。"
    assert checks.denied_comparison(reply, kinds_b) == "不是报得少"
    assert "unsupported" in kinds(reply, kinds_b, q)
    assert checks.denied_comparison("乙类药不是自己要多掏点，是需要先按比例扣除。", kinds_b) == "不是自己要多"
    # A source saying there is no change or no effect supports the denial; 最多 and 不一样多 deny no
    # comparison.
    kept = ["改革推进过程中确保职工生育期间生育保险待遇不变。"]
    assert checks.denied_comparison("合并以后，生孩子的待遇不会变少。", kept) is None
    # "No difference" where its sources give each case its own rule (probe 79, of 甲类 and 乙类).
    assert checks.denied_comparison("药单上有的标着乙，有的标着甲，对报销没有区别。", kinds_b) == "没有区别"
    assert (
        checks.denied_comparison("合并以后待遇没有区别。", ["两项保险合并实施，不会影响参保人员的待遇享受。"])
        is None
    )
    quality = ["降价对药品质量不会有影响。"]
    assert checks.denied_comparison("集采中标的药不会是质量差一点的便宜货。", quality) is None
    assert checks.denied_comparison("并不是医保规定住院最多只能住半个月。", kinds_b) is None
    assert checks.denied_comparison("不是，两种医保报的钱不一样多。", kinds_b) is None


def test_a_reply_saying_what_its_source_says_is_not_needed_is_unsupported():
    # Probe 66: "是不是只能去一两家指定的医院？" answered with the 指定 问28 says is not needed.
    filing = [
        "参保人备案时不需要指定具体的医院，只需要指定就医的地市，就可以在该地所有的跨省异地就医定点医疗机构直接结算住院费用。"
    ]
    q = "异地备案以后，是不是只能去一两家指定的医院？"
    reply = "异地备案以后，可以去指定的医院就医。"
    assert checks.denied_requirement(reply, filing) == "指定…医院"
    assert "unsupported" in kinds(reply, filing, q)
    # "任何一家" is the source's all of them (probe 56); a negated reply agrees; the object the source
    # does require (就医的地市) is not denied.
    assert checks.denied_requirement("备案到广州以后，可以去任何一家指定的医院。", filing) is None
    assert checks.denied_requirement("不需要指定具体的医院。", filing) is None
    assert checks.denied_requirement("备案时要指定就医的地市。", filing) is None
    # "先备案" is the source's "提前备案" (probe 73: 急诊 cases said to need one).
    emergency = [
        "如果在外地遭遇一些突发情况,就需要异地急诊比如临时出差发生车祸、旅游时突发疾病等等。",
        "对于异地急诊大部分城市都支持 “先救治,后报销”不需要提前备案。",
    ]
    listed = "在外地看病需要先备案的情况包括临时出差发生车祸、旅游时突发疾病等。"
    assert checks.denied_requirement(listed, emergency) == "提前…备案"
    assert checks.denied_requirement("出院时需要先垫付医疗费用。", emergency) is None


def test_a_list_of_places_said_of_what_its_source_sentence_does_not_name():
    # Probes 27 and 28: the provinces one files to, read as hospitals.
    filing = [
        "参保人备案时不需要指定具体的医院，只需要指定就医的地市，就可以在该地所有的跨省异地就医定点医疗机构直接结算住院费用。",
        "此外，对于要去北京、天津、上海、重庆、海南和西藏异地就医的参保人，只需要直接备案到这些省份。",
    ]
    hospitals = "外地可以使用医保的医院有北京、天津、上海、重庆、海南和西藏。"
    assert checks.places_of_another(hospitals, filing) == "外地、使用、医保、医院"
    assert "unsupported" in kinds(hospitals, filing, "外地哪些医院能用医保？")
    # The list said of what its sentence says, or with one word of paraphrase: no issue.
    filed = "去北京、天津、上海、重庆、海南和西藏就医，只需要备案到这些省份。"
    assert checks.places_of_another(filed, filing) is None
    pilot = ["长三角地区（江苏、浙江、安徽、上海）已经于2018年9月启动了跨省异地就医门诊费用直接结算试点；"]
    assert checks.places_of_another("长三角地区（江苏、浙江、安徽、上海）已经开始试点了。", pilot) is None


def test_a_bare_may_to_a_question_of_duty_answers_another_question():
    # Probe 28 and rob-19: "可以。" to "厂里该给我交职工医保吗" (the source: 用人单位应依法…).
    assert checks.permits_where_duty_asked("可以。", "进城在厂里签了合同上班，厂里该给我交职工医保吗？")
    assert checks.permits_where_duty_asked("不能。", "老板必须给我交医保吗？")
    assert not checks.permits_where_duty_asked("可以。", "农民工能参加职工医保吗？")
    # Whether one may only: "可以。" (the item's verdict on claiming back) answers another question.
    assert checks.permits_where_duty_asked("可以。", "出差时急病住院没备案，钱只能自己全出吗？")
    assert not checks.permits_where_duty_asked("需要。", "厂里该给我交吗？")
    assert not checks.permits_where_duty_asked("可以。", "我该怎么办？")
    # Whether a duty goes on (probe 41: "可以。" to whether one must keep paying at home).
    assert checks.permits_where_duty_asked("可以。", "从农村来城里打工签了合同，老家的医保还要接着交吗？")
    assert not checks.permits_where_duty_asked("可以。", "我还想去北京看病，能报吗？")


def test_a_clause_naming_the_circumstances_of_a_rule_states_no_polarity():
    # Probe 29: "…可以先垫付…" was dropped against "…异地就医未能直接结算等情况时" (未能 read as 不能).
    rule = (
        "在新参保未发卡、急诊未持卡、社会保障卡丢失、异地突发急诊、社保卡挂失、异地就医未能直接结算等情况时，"
        "参保患者可先行垫付，后需持相关材料进行手工报销。"
    )
    reply = "新参保的卡还没发下来就生病了，看病的钱可以先垫付，后需持相关材料进行手工报销。"
    assert checks.polarity_conflict(reply, [rule], "新参保的卡还没发下来就生病了，看病的钱怎么办？") is None
    # The rule after the circumstances is still read: "不能先垫付" conflicts with it.
    assert checks.polarity_conflict("看病的钱不能先垫付。", ["参保患者可以先行垫付。"]) == ("不能", "能")


SIDES = [
    "目前跨省异地就医住院费用直接结算主要报销政策可以概括为“就医地目录、参保地政策”。",
    "参保地政策是指参保人跨省就医原则上执行参保地支付政策，包括参保地医保基金的起付线、支付比例和最高支付限额。",
]


def test_which_side_decides_is_read_from_the_sources_bindings():
    rule = checks.side_rule("在外地住院报销，比例是按外地的算还是按老家的算？", SIDES)
    assert rule == checks.SideRule([("比例", "参保地")])
    rule = checks.side_rule("异地住院报销按就医地还是参保地的标准？", SIDES)  # vague: both
    assert rule == checks.SideRule([("目录", "就医地"), ("政策", "参保地")])
    rule = checks.side_rule("在外省看病，哪些药能报是看外省的目录还是老家的？", SIDES)
    assert rule == checks.SideRule([("目录", "就医地")])
    # A yes/no question proposing one side: 上海 is where the asker is treated, 外省 where insured.
    rule = checks.side_rule("我是外省参保的，在上海住院直接结算，报销比例按上海的算吗？", SIDES)
    assert rule == checks.SideRule([("比例", "参保地")], asked="就医地")
    for q in (
        "在外地看病能报销吗？",  # asks no side
        "我在外地住院，能直接结算吗？",
        "常驻外地已经备案了，这次回老家住院，报销按哪边的规定？",  # treated where insured
        "异地就医能报多少、按哪里的政策报？",  # names neither side
        "在外地急诊垫付了，回老家手工报销按哪里的目录？",  # a claim back home, not direct settlement
        "去外地住院要按外地的规定先交押金吗？",  # a 规定 of something else
    ):
        assert checks.side_rule(q, SIDES) is None, q
    # A word the sources bind to neither side, or to both: no rule.
    assert checks.side_rule("在外省住院，起付线按老家的还是外省的？", SIDES[:1]) is None


def test_a_size_of_difference_the_source_does_not_state_is_unsupported():
    src = ["所以如果在二级医院就医，报销的钱要比在三级医院的更多。"]
    q = "去二级医院和去三甲医院报的钱会差很多吗？"
    assert "unsupported" in kinds("去二级医院和去三甲医院报的钱会差很多。", src, q)
    assert "unsupported" in kinds("去二级医院和去三甲医院报的钱不会差很多。", src, q)
    assert "unsupported" not in kinds("在二级医院报的钱比在三级医院多。", src, q)
    cheaper = ["中选药品价格降幅很大。"]
    assert "unsupported" not in kinds("集采药品价格降幅很大。", cheaper, "集采药便宜很多吗？")


def test_a_payer_neither_the_source_nor_the_asker_names_is_unsupported():
    src = ["首先要按照事故的责任来确定医疗费用的支付主体。"]
    q = "被车撞了医药费该谁出？"
    assert "unsupported" in kinds("被车撞了医药费应由保险公司支付。", src, q)
    src = ["应由第三方责任人承担医疗费用，医保不能予以报销。"]
    assert "unsupported" not in kinds("医药费应由第三方责任人承担。", src, q)
    assert "unsupported" not in kinds("由对方出。", src, "对方全责，医药费由对方出吗？")  # the asker's word


def test_still_valid_where_the_source_ends_it():
    # Probe 27: "可以继续使用原来的备案信息。" above 问6's 注销之前办理的异地就医备案信息.
    moved = [
        "已完成异地就医备案的人员,若异地居住城市发生变更应通过经办窗口向参保地经办机构注销之前办理的"
        "异地就医备案信息,经办人员对参保人员重新申请的信息再次审核确认后重新上传"
    ]
    assert checks.ended_but_kept("可以继续使用原来的备案信息。", moved) == "注销"
    assert checks.ended_but_kept("原来的备案还能用。", moved) == "注销"
    assert "unsupported" in kinds("可以继续使用原来的备案信息。", moved, "换了城市住，原来的备案还能用吗？")
    # Denied, or about something the ending clause does not name: no issue.
    assert checks.ended_but_kept("原来的备案不能继续使用，需要注销。", moved) is None
    assert checks.ended_but_kept("社保卡还能用。", moved) is None


def test_a_cost_no_source_names_is_not_said_to_be_paid():
    # Probes 31 and 37 (out of scope): "住院伙食费医保能报销。" above 问6's general rule.
    general = ["住院保障方面，职工医保和居民医保政策范围内住院费用都可按规定报销。"]
    assert checks.unnamed_cost("住院伙食费医保能报销。", general) == "伙食费"
    assert checks.unnamed_cost("住院期间请护工的钱医保能报。", general) == "请护工"
    assert "unsupported" in kinds("住院伙食费医保能报销。", general, "住院伙食费医保能报吗？")
    # The cost the source names, a cost denied, or no cost: no issue.
    assert checks.unnamed_cost("住院费用可以报销。", general) is None
    assert checks.unnamed_cost("住院伙食费不能报。", general) is None
    assert checks.unnamed_cost("急诊没带社保卡，先自己垫钱了，可以报。", general) is None


def test_a_doubt_no_source_raises_is_unsupported():
    # Probe 37: "…报销待遇不一定比居民医保好。" above a sentence that limits nothing.
    differ = ["职工医疗保险年均缴费要几千元，居民医疗保险年人均缴费只有几百元，与缴费相对应的待遇也有差别。"]
    assert checks.unstated_doubt("职工医保交得多，报销待遇不一定比居民医保好。", differ)
    q = "职工医保报销待遇是不是比居民医保好？"
    assert "unsupported" in kinds("报销待遇不一定比居民医保好。", differ, q)
    # A source that limits the rule ("有些城市…") supports the doubt.
    some = ["对于异地急诊大部分城市都支持先救治后报销，但有些城市会要求临时电话备案。"]
    assert not checks.unstated_doubt("不一定，有些城市会要求临时电话备案。", some)


def test_a_home_rule_said_of_where_the_asker_now_lives():
    # rob-62: 杭州, where the asker moved, is where they are treated; the source's rule is for 回老家.
    q = "去年在苏州办的异地备案，今年搬到杭州住了，备案咋改，要先注消原来的吗"
    assert checks.place_roles(q) == {"杭州": "就医地"}
    assert checks.place_roles("在外地常住的，现在回老家长住了，备案怎么取消？") == {"外地": "就医地"}
    home = ["但无论有没有时限要求,如果想回老家用医保报销都需要先撤销备案,否则无法用医保进行报销"]
    assert "unsupported" in kinds("需要先撤销原来的备案，才能在杭州用医保报销。", home, q)
    # Said of home, it stands.
    assert "unsupported" not in kinds("回老家用医保报销要先撤销备案。", home, q)


def test_the_askers_short_form_states_the_condition():
    # Probe 37: "对方全责" is "对方承担全部责任", the condition of "则由对方支付".
    fault = ["如果是对方承担全部责任或主要责任，则由对方支付他的医疗费用；"]
    q = "上班路上出车祸，对方全责，医药费谁出？"
    assert checks.dropped_condition("因为对方全责，医药费由对方支付。", fault, q) is None
    condition = checks.dropped_condition("医药费由对方支付。", fault, "上班路上出车祸，医药费谁出？")
    assert condition == "是对方承担全部责任或主要责任"
    # The other party's fault is no condition of the asker's own share: the reply's 承担 (its
    # consequence) does not state "…承担主要责任".
    own = ["如果冯先生在交通事故责任认定中承担主要责任，则应由他个人承担医疗费用。"]
    said = checks.dropped_condition("因为对方全责，医药费应由他个人承担。", own, q)
    assert said == "冯先生在交通事故责任认定中承担主要责任"


def test_the_asker_said_to_pay_where_the_source_spares_them():
    # Probe 39: the judge's "自己工资里要扣。" above 职工不缴纳生育保险费.
    law = ["职工应当参加生育保险，由用人单位按照国家规定缴纳生育保险费，职工不缴纳生育保险费。"]
    assert checks.pays_where_spared("自己工资里要扣。", law) == "职工不缴纳"
    # The asker's own words denied (para-问34-2, "不可以。男职工不能不交…因为这是用人单位的法定义务"):
    # dropping it left no conclusion (stop 39, reverted).
    assert checks.pays_where_spared("男职工不能不交生育保险多发工资。", law) is None
    assert "unsupported" in kinds("自己工资里要扣。", law, "公司交的生育保险，我自己工资里要扣吗？")
    # The employer paying, or the asker spared: no issue.
    assert checks.pays_where_spared("男职工单位也要交生育保险。", law) is None
    assert checks.pays_where_spared("自己工资里不用扣。", law) is None


def test_a_cost_is_named_by_the_end_of_its_phrase():
    # Probe 39 (out of scope): "异地就医来回的路费" is 路费, which no source names; its 异地 is no cost.
    lead = ["异地就医报销因为涉及两地医保政策和本地就医报销规则略有不一样,具体如下:"]
    assert checks.unnamed_cost("异地就医来回的路费医保能报。", lead) == "回的路费"
    assert checks.unnamed_cost("异地就医的住院费用可以报销。", lead) is None


def test_a_flat_difference_the_source_gives_for_some_places_only():
    # Probe 39: "起付线不一样。" above "…有些地方基层医院的起付线也设置得比在大医院更低".
    tiers = ["在基层医院报销比例比在大医院高，有些地方基层医院的起付线也设置得比在大医院更低。"]
    assert checks.qualified_difference("起付线不一样。", tiers) == "有些"
    assert "unsupported" in kinds("起付线不一样。", tiers, "二级医院和三级医院的起付线一样吗？")
    # What the source compares without a qualifier, or a reply that keeps it: no issue.
    assert checks.qualified_difference("报销比例不一样。", tiers) is None
    assert checks.qualified_difference("有些地方起付线不一样。", tiers) is None


def test_a_kind_of_hospital_no_source_names_said_to_be_covered():
    # Probe 40: the judge's "北京的社区医院也能刷医保。" above 问28's rule for 定点 places only.
    designated = [
        "参保人备案时不需要指定具体的医院，只需要指定就医的地市，就可以在该地所有的跨省异地就医定点医疗机构"
        "直接结算住院费用。"
    ]
    assert checks.unnamed_facility("北京的社区医院也能刷医保。", designated) == "社区医院"
    assert checks.designated_only("北京的社区医院也能刷医保。", designated) == "定点"
    assert "unsupported" in kinds("北京的社区医院也能刷医保。", designated, "北京的社区医院也能刷医保吗？")
    # Denied, said of any hospital, about something else than 医保, or a kind the source names: no issue.
    assert checks.unnamed_facility("不是随便哪家医院都能报。", designated) is None
    assert checks.unnamed_facility("社区医院不能刷医保。", designated) is None
    # Probe 71: asking which names no kind.
    which = "备案后可以在国家医保局网站查询，查到哪家医院能直接结算。"
    assert checks.unnamed_facility(which, designated) is None
    assert checks.unnamed_facility("县医院和市中心医院都可以进行手术。", designated) is None
    assert checks.unnamed_facility("北京的定点医院都能直接结算。", designated) is None
    assert checks.designated_only("北京的社区医院也能刷医保。", ["社区医院的药价由市场决定。"]) is None


def test_a_choice_of_who_pays_that_no_source_names():
    # Probe 40 (with a phrasing later withdrawn): "…医药费应该找单位。" above a 问16 sentence naming
    # no 单位 (问16 says 工伤保险 pays).
    q = "在车间干活被机器弄伤，医药费找医保还是找单位？"
    subject = ["首先要按照事故的责任来确定医疗费用的支付主体。"]
    assert checks.unsourced_choice("在车间干活被机器弄伤，医药费应该找单位。", subject, q) == "找单位"
    assert "unsupported" in kinds("医药费应该找单位。", subject, q)
    # The option the source names, an answer that keeps both, or a choice of rule rather than party.
    fund = ["属于工伤的医疗费用应当从工伤保险基金中支付，医保不予支付，由单位申报。"]
    assert checks.unsourced_choice("医药费应该找单位。", fund, q) is None
    assert checks.unsourced_choice("要看是找医保还是找单位。", subject, q) is None
    q2 = "在外省住院，起付线是按老家的算还是按医院那边的算？"
    assert checks.unsourced_choice("起付线按老家的算。", subject, q2) is None
    # A payer named by what it does (probe 58): "商场出" rests on no sentence; "医保不出" on the
    # documents' 基本医疗保险基金.
    law = [
        "下列医疗费用不纳入基本医疗保险基金支付范围：（一）应当从工伤保险基金中支付的；"
        "（二）应当由第三人负担的。"
    ]
    q3 = "在商场因为地面湿滑没有提示摔伤了，医药费该商场出还是医保出？"
    assert checks.unsourced_choice("医药费应由商场出。", law, q3) == "该商场出"
    assert checks.unsourced_choice("医药费不能由医保出。", law, q3) is None
    # The asker's own option after 我, the act named on one side only (probe 62); the employer is the
    # documents' 用人单位, the asker the documents' 个人.
    q4 = "四十多岁进城打工，和劳务派遣公司签了约，医保是派遣公司负责还是我自己？"
    right = ["可以。进城务工的农村居民有权参加基本医疗保险。"]
    assert checks.unsourced_choice("医保是自己负责的。", right, q4) == "自己"
    duty = ["用人单位应依法按照国家规定明确缴费责任，为其参加职工基本医疗保险。"]
    assert checks.unsourced_choice("医保是派遣公司负责的。", duty, q4) is None
    own = ["职工个人缴纳的基本医疗保险费，全部计入个人账户。"]
    assert checks.unsourced_choice("是自己交的。", own, "个人账户里的钱是单位交的还是我自己交的？") is None


def test_a_choice_the_asker_does_not_know_is_no_choice_question():
    # Probe 40: "药盒上没写甲类还是乙类，怎么知道能不能报？" asks how, not which of two.
    q = "药盒上没写甲类还是乙类，怎么知道能不能报？"
    assert "copied_question" not in kinds("药盒上没写甲类还是乙类，要看它在不在医保目录里。", [], q)
    assert "copied_question" in kinds("甲类药还是乙类药。", [], "这个药是甲类还是乙类？")


def test_a_side_a_clause_before_the_ask_states_gets_no_yes_or_no():
    # Probe 41: "…上海能报但老家目录里没有，能报吗？" asks whether it is paid, not whether 老家's 目录
    # decides: "不是，…" read as no. The rule is read without 是的/不是.
    rule = checks.side_rule("在上海住院用的药，上海能报但老家目录里没有，能报吗？", SIDES)
    assert rule == checks.SideRule([("目录", "就医地")], asked="")
    rule = checks.side_rule("在上海住院，能报哪些药是按老家的目录吧？", SIDES)
    assert rule == checks.SideRule([("目录", "就医地")], asked="参保地")


def test_wrongdoing_denied_where_the_documents_only_list_what_is():
    # Probes 38 and 41: "…这不算骗保。" above sentences that say what is 骗保, and nothing of what is not.
    listed = ["二是医保卡个人账户可在定点零售药店购买药品…但购买生活用品将涉嫌串换项目等欺诈骗保行为；"]
    reply = "医生让我多开点药带回去给家里人吃，这不算骗保。"
    assert checks.denied_wrongdoing(reply, listed) == "不算骗保"
    assert "unsupported" in kinds(reply, listed, "医生让我多开点药带回去给家里人吃，这算骗保吗？")
    assert checks.denied_wrongdoing("购买生活用品涉嫌欺诈骗保。", listed) is None
    assert checks.denied_wrongdoing("这不算骗保。", ["合理用药不属于骗保行为。"]) is None
    # Called lawful outright (probe 59: "是合规的。" above 问42's 分解收费); saying it is not, or a
    # right (合法权益), is no such denial.
    split = ["一是分解收费：将一个项目收费分解成几个项目甚至是自立项目；"]
    assert checks.denied_wrongdoing("是合规的。", split) == "合规"
    assert "unsupported" in kinds("是合规的。", split, "医院把一次手术拆成好几项分别收费，这合规吗？")
    assert checks.denied_wrongdoing("这不合规。", split) is None
    assert checks.denied_wrongdoing("要维护自己的合法权益。", split) is None
    # Told they will come to no harm (probe 60: "…你去了没有事。" above 问41's 诱导住院); 没有事先备案
    # is no such claim.
    lured = ["一是诱导住院，通过虚假宣传、免费住院、赠送礼品等方式诱导参保人住院，进而套取医保基金行为；"]
    q = "有医院说住院免费还送东西，拉人去住，我去了有没有事？"
    assert checks.denied_wrongdoing("有医院说住院免费还送东西，拉人去住，你去了没有事。", lured) == "没有事"
    assert "unsupported" in kinds("你去了不会有事的。", lured, q)
    assert checks.denied_wrongdoing("没有事先备案的，要先垫付。", lured) is None
    assert checks.denied_wrongdoing("这属于诱导住院，是骗保行为。", lured) is None
    # Called reasonable as a predicate (probe 61: "合理。" to being discharged and readmitted, which 问41
    # lists as 分解住院); 合理用药 is no judgment.
    days = ["住院天数是医疗机构根据患者病情及医院管理规定来确定的，医保部门不得干涉临床诊疗行为。"]
    assert checks.denied_wrongdoing("合理。", days) == "合理"
    assert checks.denied_wrongdoing("这样是合理的。", days) == "合理"
    assert checks.denied_wrongdoing("不合理。", days) is None
    assert checks.denied_wrongdoing("医生要合理用药。", days) is None


def test_a_permission_said_as_a_duty_is_unsupported():
    # Probe 61: "…但需要将档案转到辖区街道社保所" from 问4's "…可以将档案转到辖区街道社保所".
    files = ["小李大学毕业因为暂时没有找到工作，可以将档案转到辖区街道社保所。"]
    reply = "研究生毕业可以参加城乡居民基本医疗保险，但需要将档案转到辖区街道社保所。"
    assert checks.upgraded_permission(reply, files) == "可以将档案转到辖区街道社保所"
    assert "unsupported" in kinds(reply, files, "研究生毕业一直待业，家里人说可以先交居民医保，是这样吗？")
    # A duty the source states, a 不需要, and a 要 that advises are not.
    cancel = ["如果想回老家用医保报销都需要先撤销备案，否则无法用医保进行报销"]
    assert checks.upgraded_permission("需要先撤销备案才能回老家报销。", cancel) is None
    assert checks.upgraded_permission("不需要将档案转到辖区街道社保所。", files) is None
    assert checks.upgraded_permission("要将档案转到辖区街道社保所。", files) is None


def test_no_limit_said_where_the_source_states_one_is_unsupported():
    # Probe 63: "…住院费用报销没有上限，统筹基金年最高支付限额…" denies the limit it then gives.
    cap = ["住院保障方面，…政策范围内住院费用都可按规定报销，统筹基金年最高支付限额分别达到…6倍左右。"]
    reply = "住院费用报销没有上限，统筹基金年最高支付限额达到6倍左右。"
    assert checks.denied_limit(reply, cap) == "最高支付限额"
    assert "unsupported" in kinds(reply, cap, "医保一年报销有没有个上限？")
    # A source that lifts the limit for some (pol-11: 全面取消建档立卡贫困人口封顶线) supports it.
    lifted = [*cap, "…并全面取消建档立卡贫困人口封顶线，进一步减轻大病患者、困难群众医疗负担。"]
    assert checks.denied_limit("建档立卡贫困户的大病保险没有封顶线。", lifted) is None
    assert checks.denied_limit("统筹基金有最高支付限额。", cap) is None


def test_a_negation_further_back_before_the_same_act_is_dropped():
    # Probe 61: "公司交的医保是违法的" from "…不给员工缴纳医保是违法的" (缴纳, not 不, stands right before
    # the shared words); "…买商业保险代替医保是违法的" (probe 47, right) denies the act in other words.
    law = ["所有用人单位…都要参加职工基本医疗保险，不给员工缴纳医保是违法的。"]
    assert checks.dropped_negation("因为公司交的医保是违法的，不能报。", law) == "不给员工缴纳医保是违法的"
    assert checks.dropped_negation("老板说给我买商业保险代替医保是违法的。", law) is None


def test_a_flat_yes_where_the_source_says_only_that_a_pilot_started():
    # Probe 41: "京津冀地区和西南地区可以跨省看门诊直接刷卡。" above the pilot sentence (wrong).
    q27 = [
        "目前跨省异地就医住院费用直接结算已经在全国普遍开展，跨省异地就医门诊费用直接结算尚未在全国全面开展。",
        "京津冀地区和西南地区分别于2019年6月和12月启动了相关试点工作。",
    ]
    assert checks.permitted_where_piloted("京津冀地区和西南地区可以跨省看门诊直接刷卡。", q27) == "试点"
    assert checks.permitted_where_piloted("京津冀那边跨省看门诊能直接刷卡。", q27) == "试点"
    # What is done everywhere, or a reply that keeps the pilot: no issue.
    assert checks.permitted_where_piloted("跨省住院能直接结算。", q27) is None
    assert checks.permitted_where_piloted("京津冀地区试点可以直接刷卡。", q27) is None


def test_a_reply_resolving_the_asked_either_or_is_no_echo():
    # Probe 41: "异地安置的退休人员，备案没有有效期。" answers "…备案有没有有效期？" (was dropped).
    q = "异地安置的退休人员，备案有没有有效期？"
    assert "echo" not in kinds("异地安置的退休人员，备案没有有效期。", [], q)
    assert "echo" in kinds("异地安置的退休人员。", [], q)


def test_a_step_said_of_everyone_that_its_source_says_of_one_group():
    # Probe 42: "…先要在本地医院办提前备个案。" above "长居外地的人群,…提前备个案就行": the asker's 外地
    # does not name 长居外地的人群, and what the clause adds to the question is that group's step.
    group = ["长居外地的人群,办理异地就医还是比较容易的提前备个案就行。"]
    q = "要转去外地医院看病，先要在本地医院办什么？"
    reply = "要转去外地医院看病，先要在本地医院办提前备个案。"
    assert checks.dropped_group(reply, group, q) == "长居外地的人群"
    # The asker naming the group keeps it theirs.
    assert checks.dropped_group("长期住在外地，先要办提前备个案。", group, "我长居外地，先要办什么？") is None


def test_a_reply_judging_the_claim_it_restates_is_no_echo():
    # Probe 43: "…老板说小店不用给员工交医保是违法的。" judges the asker's claim as its source does.
    law = ["根据《社会保险法》，所有用人单位…都要参加职工基本医疗保险，不给员工缴纳医保是违法的。"]
    q = "我在小饭馆打工，老板说小店不用给员工交医保，是这样吗？"
    assert not kinds("在小饭馆打工，老板说小店不用给员工交医保是违法的。", law, q) & {"echo", "unsupported"}


def test_leave_to_skip_a_duty_its_item_states():
    # Probe 43: "…包工头不给交医保是可以的。" where the item says 用人单位应依法…为其参加.
    duty = ["用人单位应依法按照国家规定明确缴费责任，为其参加职工基本医疗保险。"]
    assert checks.permits_skipping("农民工在工地干活，包工头不给交医保是可以的。", duty) is not None
    assert checks.permits_skipping("包工头不给交医保，可以", duty) is not None  # as the judge reads it
    # Denied or judged wrong, or no duty stated: no issue.
    assert checks.permits_skipping("个人那份不可以不交。", duty) is None
    assert checks.permits_skipping("老板说员工少可以不上医保的说法站不住。", duty) is None
    # Probe 52: 行不通 and 不可以 deny the leave.
    assert checks.permits_skipping("单位说只给交养老保险，不交医保是行不通的。", duty) is None
    assert checks.permits_skipping("不交医保是不可以的。", duty) is None
    assert checks.permits_skipping("不交医保不行。", duty) is None
    assert (
        checks.permits_skipping("包工头不给交医保是可以的。", ["进城务工的农村居民有权参加基本医疗保险。"])
        is None
    )
    # Probes 2 and 70: no need to pay one's own share, where 问3 says 由用人单位和职工共同缴纳 (both wrong).
    shared = ["所有用人单位及其职工，都应按属地原则参加职工基本医疗保险，由用人单位和职工共同缴纳。"]
    assert checks.permits_skipping("单位已经给你交了医保，自己工资里不需要再扣一部分。", shared) is not None
    assert checks.permits_skipping("单位交了医保，自己不用再缴纳。", shared) is not None
    assert checks.permits_skipping("单位交了医保，自己也需要缴纳。", shared) is None


def test_a_bare_yes_above_sources_with_no_modal_at_all():
    # Probe 43: "可以报。" above 问42's 多计医疗费用 sentence.
    billing = [
        "四是多计医疗费用：通过虚计患者诊疗次数、虚增诊疗部位、篡改计费方式等多计患者费用，骗取医保基金；"
    ]
    assert checks.unanchored_verdict("可以报。", billing, "医保目录里没有的检查项目，做了能报吗？")
    # A bare no may rest on a prohibition in other words.
    card = ["一是医保卡只限本人使用。"]
    assert not checks.unanchored_verdict("不可以。", card, "医保卡可以借给家里人用吗？")


def test_a_reply_or_question_naming_which_of_the_qualified_places():
    # Probe 43: "备案有时限的城市，时限内…" names the cities "有些城市…会有时限要求" speaks of.
    cities = [
        "有些城市异地就医备案会有时限要求,比如1年或3个月在这期间只能异地使用,也不能撤销备案",
        "而有些城市异地就医备案则没有时限要求,可以随时撤销备案",
    ]
    assert checks.varies_by_place("备案有时限的城市，时限内不能回老家看病报销。", cities) is None
    assert checks.names_the_case("备案有时限的城市，时限内能回老家看病报销吗？", cities[0], "有些")
    # A clause with its own modal is what is asked, not which places.
    outpatient = "只有部分地区可以报销普通门诊"
    assert not checks.names_the_case("在外地看普通门诊，医保能报吗？", outpatient, "部分")


def test_a_bare_yes_above_a_bare_leave_and_a_pending_rule_keep_their_readings():
    # The eval run after probe 43's fixes: pol-08's "可以。" above "就医者可向就医地医保部门进行投诉举报"
    # (a bare 可 is leave), and para-问27-1's "不一定。": 尚未 qualifies what is done, not which places.
    leave = ["如果就医机构拒不提供，就医者可向就医地医保部门进行投诉举报。"]
    assert not checks.unanchored_verdict(
        "可以。", leave, "外地医院不肯给我开急诊证明和费用明细，我能去投诉吗？"
    )
    pending = "跨省异地就医门诊费用直接结算尚未在全国全面开展"
    assert not checks.names_the_case("异地备案后门诊费用能直接结算吗？", pending, "尚未")
    # What is asked is no description of places (probe 39: "起付线一样吗" above "有些地方…起付线…更低").
    tiers = "在基层医院报销比例比在大医院高，有些地方基层医院的起付线也设置得比在大医院更低。"
    assert not checks.names_the_case("同一个病在二级医院和三级医院看，起付线一样吗？", tiers, "有些")


def test_a_yes_about_what_a_list_of_places_leaves_the_askers_out_of():
    # Probe 44: "能用小程序办异地备案。" to a 河南 asker, whose province the item's list leaves out.
    listed = [
        "打开小程序【国家异地就医备案】点击首页中间的“快速备案”按钮,进入备案如下图:",
        "目前已有 19个省开通了小程序备案,分别是山西、内蒙古、辽宁、吉林、黑龙江、江苏、浙江、安徽、福建、"
        "江西、山东、湖北、湖南、广西、海南、四川、陕西、宁夏和新疆其他省后续会开通。",
    ]
    reply = "能用小程序办异地备案。"
    assert checks.unlisted_place(reply, "我是河南的，能用小程序办异地备案吗？", listed)[0] == "河南"
    # A city is read as its province; a listed one, or a province with a listed city, is on the list.
    assert checks.unlisted_place(reply, "我在郑州，能用小程序办异地备案吗？", listed)[0] == "郑州"
    assert checks.unlisted_place(reply, "我是湖北的，能用小程序办异地备案吗？", listed) is None
    assert checks.unlisted_place(reply, "我在武汉，能用小程序办异地备案吗？", listed) is None
    cities = [
        "国家在“4+7”城市"
        "(北京、上海、天津、重庆、沈阳、大连、厦门、广州、深圳、西安、成都)的公立医院开展试点。"
    ]
    said = "广东的公立医院开展了试点。"
    assert checks.unlisted_place(said, "广东的公立医院开展试点了吗？", cities) is None
    assert checks.unlisted_place(said.replace("广东", "河南"), "河南的公立医院开展试点了吗？", cities)
    # A denial, no place asked, or a reply about something else than what is listed: no issue.
    henan = "我是河南的，能用小程序办异地备案吗？"
    assert checks.unlisted_place("河南不能用小程序备案。", henan, listed) is None
    assert checks.unlisted_place(reply, "能用小程序办异地备案吗？", listed) is None
    assert checks.unlisted_place("可以打12333咨询。", "我是河南的，能打电话问吗？", listed) is None


def test_a_comparison_keeps_the_qualifier_its_source_gives_it():
    src = ["在基层医院报销比例比在大医院高，有些地方基层医院的起付线也设置得比在大医院更低。"]
    assert checks.dropped_qualifier("社区医院的起付线比大医院低。", src) == "有些"
    assert checks.dropped_qualifier("有些地方社区医院的起付线比大医院低。", src) is None
    # The clause the source states without a qualifier stays a plain rule.
    assert checks.dropped_qualifier("基层医院报销比例比大医院高。", src) is None
    # A comparison going on from the clause before, with no 比 of its own (probe 72).
    said = "县医院做阑尾手术报销比例比市里三甲医院高，起付线也设置得更低。"
    assert checks.dropped_qualifier(said, src) == "有些"


def test_a_clause_with_no_subject_of_its_own_keeps_its_sentences_qualifier():
    limit = "有些城市异地就医备案会有时限要求,比如1年或3个月在这期间只能异地使用,也不能撤销备案"
    anytime = "而有些城市异地就医备案则没有时限要求,可以随时撤销备案"
    assert (
        checks.dropped_qualifier("不能提前撤销备案。", [limit]) == "有些"
    )  # probe 50: "不能" of every place
    assert checks.dropped_qualifier("可以随时撤销备案。", [anytime]) == "有些"
    assert checks.dropped_qualifier("有些城市不能提前撤销备案。", [limit]) is None
    # A clause naming its own subject is not governed by the sentence's first one.
    back = ["有些城市有时限要求,但无论有没有时限要求,回老家报销都需要先撤销备案"]
    assert checks.dropped_qualifier("回老家报销需要先撤销备案。", back) is None


def test_a_reply_restating_the_question_after_so_is_an_echo():
    asked = "医生说这药是乙类，那是不是医保不管？"
    src = ["乙类药品是可供临床治疗选择使用、疗效好，同类药品中比甲类药品价格高的药品。"]
    assert "echo" in kinds("所以医保不管。", src, asked)  # probe 50: after the 乙类 definition
    assert "echo" in kinds("医保不管。", src, asked)


def test_the_fund_named_in_full_is_the_asker_s_yibao():
    asked = "被人打伤了，对方已经赔了钱，医药费还能找医保报吗？"
    src = ["两人因打架斗殴产生的医疗费用属于“应当由第三人负担的”情形，因此不能予以基本医疗保险基金报销。"]
    assert "unsupported" in kinds("被打伤的参保人可以找医保报。", src, asked)  # probe 51: against its quote
    assert "unsupported" not in kinds("被打伤的参保人不能找医保报。", src, asked)


def test_english_words_no_one_used_are_garbled():
    asked = "住院花了五百，起付线八百，这次能报吗？"
    src = ["起付标准以上的部分再由医保基金按规定、按比例报销。"]
    assert "unfinished" in kinds("因为五 hundred元在起付线以上，所以医保未予报销。", src, asked)
    # The asker's English, an address and APP are no slip.
    mixed = "去上海 business trip 突然胃疼看了急诊，回来还能 claim 报销吗？"
    assert "unfinished" not in kinds("business trip 的急诊可以回参保地手工报销。", src, mixed)
    assert checks._foreign_words("可在国家医保局网站（www.nhsa.gov.cn）或国家医保APP查询", "") == []


def test_an_act_called_by_a_kind_its_source_says_is_something_else_is_caught():
    # Probes 51 and 54: the name of one kind of 问41/问42's lists given to an act it does not describe.
    fees = [
        "一是分解收费：将一个项目收费分解成几个项目甚至是自立项目，或一个诊疗行为分解成几个诊疗行为收费；",
        "二是重复计费：病人在使用某一诊疗项目（含药品）后，主要通过增加相近或包含在内的项目，反复多次收取该诊疗项目费用；",
        "三是自立项目收费：没有该项名称而编造该项目收费；",
        "四是多计医疗费用：通过虚计患者诊疗次数（含药品、器械数量）、虚增诊疗部位、篡改计费方式等多计患者费用，骗取医保基金；",
        "五是串换项目收费：将非医保项目串换为医保项目。",
    ]
    wrong = checks.misnamed_kind("医院编一个根本不存在的项目来收费，叫多计医疗费用。", fees)
    assert wrong is not None and wrong[0] == "多计医疗费用"
    assert checks.misnamed_kind("医院把一个检查拆成好几项来收费，这叫分解收费。", fees) is None
    # Naming without describing, or naming two kinds, is not read.
    assert checks.misnamed_kind("分解收费算骗保。", fees) is None
    # The generic words of every kind are no description either (probe 69: the pairs across them were).
    assert checks.misnamed_kind("分解收费属于欺诈骗保行为。", fees) is None
    # A list of kinds of people (probe 63): the asker's case told in words of their own, compared a
    # character at a time with each kind and its example.
    people = [
        "目前跨省异地就医住院费用直接结算主要覆盖四类人群，一是异地安置退休人员，也就是退休后在异地定居并迁入户籍的人员。",
        "比如回原籍居住的退休知青，退休前在工作地参保，现在退休回原籍居住了。",
        "二是异地长期居住人员，在异地居住生活且符合参保地规定的人员。",
        "比如王阿姨这种到北京这样的大城市，随子女居住，帮助带孩子的老年人。",
        "三是常驻异地工作人员，用人单位派驻异地工作的人员。",
        "比如有一些驻外的办事处，这些员工长期在外面工作。",
        "四是异地转诊人员，因当地医疗机构诊断不了或者可以诊断，但是治疗水平有限，需要到外省就医的患者。",
    ]
    wrong = checks.misnamed_kind("老人户口迁到外省，随子女住了，属于常驻异地工作人员。", people)
    assert wrong is not None and wrong[0] == "常驻异地工作人员"
    assert checks.misnamed_kind("老人户口迁到外省，属于异地安置退休人员。", people) is None
    assert checks.misnamed_kind("我在异地长期工作，属于常驻异地工作人员。", people) is None
    assert checks.misnamed_kind("跟女儿在北京带孩子，属于异地长期居住人员。", people) is None
    assert checks.misnamed_kind("出院时发现清单上有没做过的检查，可能是分解收费或重复计费。", fees) is None
    # No list of named kinds in the item: nothing to compare with.
    assert checks.misnamed_kind("医院编一个项目来收费，叫多计医疗费用。", fees[:2]) is None


def test_a_restated_question_without_the_askers_wo_is_still_an_echo():
    # Probe 56: the question back as a statement, with only its 我 left out, answered the asker's
    # "有影响吗" yes where 问31 says 降价对药品质量不会有影响.
    q = "集采以后药便宜了，对我以后看病的治疗效果有影响吗？"
    quality = ["从目前实际情况来看，25种集中采购药品的药价大幅下降，且药品质量非常稳定。"]
    assert "echo" in kinds("集采以后药便宜了，对以后看病的治疗效果有影响。", quality, q)
    assert "echo" not in kinds("集采以后药便宜了，对治疗效果没有影响。", quality, q)
    q2 = "交了医保的钱是存在我自己名下的吗？"
    pool = ["大家每人都拿出一小部分钱放到一起，汇成一个大的基金池，给有需要的人用。"]
    assert "echo" in kinds("交了医保的钱是存在自己名下的。", pool, q2)


def test_an_alternative_neither_the_asker_nor_the_source_says_is_caught():
    # Probe 69: a made-up contrast above 问1's 互助共济 sentences (问1 says 参加医保绝对不亏).
    fund = [
        "我们每个人都面临着不确定的疾病风险，医保就是用来防范化解医疗费用风险的。",
        "基本原则是互助共济，健康的人帮助生病的人，大家每人都拿出一小部分钱放到一起，汇成一个大的基金池。",
    ]
    asked = "这几年一次病都没看过，每年交两百多块居民医保是不是白交了？"
    made_up = "参保人参加医保是为了防范疾病风险，而不是为了个人的经济利益。"
    assert checks.unsourced_alternative(made_up, fund, asked) == "个人的经济利益"
    # The asker's own alternative (probe 14) and a source's (probe 27: 职工基本医疗保险) are theirs to deny.
    own = "交医保是为了防范疾病风险，而不是白交钱。"
    assert checks.unsourced_alternative(own, fund, "交医保是不是白交钱？") is None
    insured = ["职工基本医疗保险与城乡居民医疗保险这两个险种在参保和筹资上有差别。"]
    kind = "因为参加的是城乡居民医疗保险，而不是职工基本医疗保险。"
    assert checks.unsourced_alternative(kind, insured, "") is None


def test_a_reason_is_denied_only_where_a_source_denies_it():
    # 问13 gives the two 险种 and what each pays as one chain of reasons; probes 73 and 55 set one part
    # against the other. Its "有差别" denies nothing (别 is no negation there).
    q13 = [
        "由于职工基本医疗保险与城乡居民医疗保险这两个险种在参保和筹资上有差别，职工医疗保险年均缴费要几千元，"
        "居民医疗保险年人均缴费只有几百元，与缴费相对应的待遇也有差别，所以报销的费用也不同。"
    ]
    said = (
        "不是因为险种不一样，而是因为职工基本医疗保险年均缴费要几千元，居民医疗保险年人均缴费只有几百元，"
        "与缴费相对应的待遇也有差别。"
    )
    assert checks.denied_reason(said, q13) == "险种不一样"
    asked = "我和我妈买同样的药，我报的比她多，是因为险种不一样吗？"
    assert "险种不一样" in checks.unsupported(said, q13, asked)[0]
    assert checks.denied_reason("不是因为交得少，而是由于这两个险种在参保和筹资上有差别。", q13) == "交得少"
    # A source clause about it that denies (probe 6, right), and the asker's own "是不是因为…".
    assert checks.denied_reason("集采的药降价不是因为质量不行。", ["降价对药品质量不会有影响。"]) is None
    assert checks.denied_reason("是不是因为险种不一样。", q13) is None


def test_who_the_story_person_is_and_a_part_put_in_its_sibling_are_caught():
    # Probe 69: 问19's "〔小杨〕是公司职工…" and a misread 由…构成, to one whose mother-in-law pays 居民医保.
    asked = "我婆婆交的是居民医保，她的收费单上“个人账户支付”一栏是零，这是怎么回事？"
    assert checks.story_identity("参保人是公司职工，应该参加职工基本医疗保险。", asked) == "公司职工"
    assert checks.story_identity("参保人是居民医保参保人员。", asked) is None  # the asker said it
    assert checks.story_identity("不行，因为参保人是个人缴费的。", "能停掉自己那部分吗？") is None
    fund = ["职工医保基金由统筹基金和个人账户构成。"]
    wrong = "个人账户属于统筹基金的一部分，所以“个人账户支付”一栏应该是零的。"
    assert checks.sibling_as_part(wrong, fund) == "由统筹基金和个人账户构成"
    assert checks.sibling_as_part("个人账户是职工医保基金的一部分。", fund) is None
    assert any("构成" in i.detail for i in checks.check_sentence(wrong, fund, asked, ()))


def test_a_flat_no_where_the_source_says_some_places_can_is_caught():
    # Probe 69: "不能当场结算。" to a 门诊 question above "…只有部分地区可以报销普通门诊".
    some = ["对大部分地区来说,异地就医只能报销住院和急诊费用只有部分地区可以报销普通门诊,具体如下图:"]
    asked = "我爸备案到了深圳，平时在深圳社区医院看门诊拿药，门诊的钱能当场结算吗？"
    assert checks.denied_where_some("不能当场结算。", some, asked) == "部分地区"
    assert checks.denied_where_some("大部分地区不能当场结算门诊费用。", some, asked) is None
    assert checks.denied_where_some("不能当场结算。", some, "在外地住院能直接结算吗？") is None


def test_listed_factors_the_source_does_not_state_are_caught():
    # multi-09: 问9 says 采购渠道不同、成本费用构成存在差异, not 国家政策 or 市场供需关系.
    price = [
        "2015年6月,国家改革药品价格形成机制,除少数特殊管制药品外,绝大部分药品价格实行市场调节,由经营者自主确定价格。",
        "影响药品实际交易价格的因素很多,公立医院和民营医院采购渠道不同,成本费用构成存在差异是客观现象。",
    ]
    made_up = "药品价格受多种因素影响，包括国家政策、市场供需关系等。"
    assert checks.unstated_basis(made_up, price) == "因素影响，包括国家政策、市场供需关系等"
    told = "药品价格受多种因素影响，包括采购渠道不同、成本费用构成存在差异等。"
    assert checks.unstated_basis(told, price) is None
    # Two of three factors stated (faq-问9, graded direct): the list stands.
    mostly = "药品价格受多种因素影响，包括国家政策、市场调节和医院采购渠道等。"
    assert checks.unstated_basis(mostly, price) is None


def test_a_sources_condition_given_as_the_askers_case_is_unsupported():
    # Probe 76: the asker's other party is 全责; the reply takes 问16's 主要责任 case for theirs.
    liability = ["如果〔参保人〕在交通事故责任认定中承担主要责任，则应由他个人承担医疗费用。"]
    reply = "因为事故责任认定中是主要责任，所以应该由他个人承担医疗费用。"
    other = "下班路上被电动车剐了，对方全责，医药费可以先走我自己的医保吗？"
    assert checks.assumed_condition(reply, liability, other) == "〔参保人〕在交通事故责任认定中承担主要责任"
    assert "unsupported" in kinds(reply, liability, other)
    # The asker said it, or the reason says the condition is not known (probe 48): no issue.
    assert checks.assumed_condition(reply, liability, "上班路上出车祸，我负主要责任，医药费谁出？") is None
    assert checks.assumed_condition("不能先走医保，因为交通事故责任未定。", liability, other) is None


def test_the_askers_words_for_paying_oneself_are_read_as_the_documents_self_pay():
    # Probe 76: the judge's "不用先自己掏一部分" above 问30's 要先…扣除一定的个人自付费用.
    class_b = [
        "参保人使用这类〔乙类〕药品时，要先按比例（各地不同）扣除一定的个人自付费用后，将余下费用再纳入报销范围。"
    ]
    asked = "医保目录里的乙类药，要先自己掏一部分才能报吗？"
    assert checks.polarity_conflict("不用先自己掏一部分才能报。", class_b, asked) == ("不需要", "需要")
    assert checks.polarity_conflict("要先自己掏一部分才能报。", class_b, asked) is None
    # A bare 撤 is 撤销 (probe 75).
    limit = ["有些城市异地就医备案会有时限要求,比如1年或3个月在这期间只能异地使用,也不能撤销备案"]
    assert checks.polarity_conflict("可以撤。", limit, "备案了有时限的话，中途能不能撤了回老家看病？") == (
        "能",
        "不能",
    )


def test_a_sources_example_restated_as_its_rule_is_unsupported():
    # Probe 76: 问9 gives the 4+7 集采 试点 as an example; its rule is 市场调节.
    example = (
        "例如,2018年下半年,国家在“4+7”城市(北京、上海…)的公立医院开展国家组织药品集中采购和使用试点,"
        "试点的25个中选药品平均降价幅度达到52%。"
    )
    prices = [
        "2015年6月,国家改革药品价格形成机制,绝大部分药品价格实行市场调节,由经营者自主确定价格。",
        example,
    ]
    asked = "同一种药在不同医院价格不一样，医保是怎么管价格的？"
    reply = "医保是通过药品集中采购和使用试点来控制价格的。"
    assert checks.example_as_rule(reply, prices, asked) == example[:12]
    assert "unsupported" in kinds(reply, prices, asked)
    # Asked about the example itself, or said as one: no issue.
    assert (
        checks.example_as_rule("4+7试点的25个中选药品平均降价52%。", prices, "4+7试点的那批药平均降了多少？")
        is None
    )
    assert checks.example_as_rule("比如国家组织药品集中采购和使用试点，药价降了。", prices, asked) is None


def test_a_scheme_its_cited_items_never_name_is_unsupported():
    # Probe 76: right in fact (问12), but cited to 问6, which never names 大病保险.
    q6 = ["住院保障方面，职工医保和居民医保政策范围内住院费用都可按规定报销，…6倍左右。"]
    assert checks.unnamed_scheme("大病保险可以接着报。[问6]", q6) == "大病保险"
    assert checks.unnamed_scheme("住院费用可以按规定报销。[问6]", q6) is None
    # A claim the sentence judges is the asker's, not the sentence's (probe 47).
    assert (
        checks.unnamed_scheme("老板说给我买商业保险代替医保是违法的。", ["不给员工缴纳医保是违法的。"])
        is None
    )


def test_a_step_the_asker_says_is_done_is_not_asked_of_them_first():
    # Probe 78: the asker's mother has filed (办了…异地就医); 问27 rules on the filed, not 问26.
    filed = "我妈办了去深圳的异地就医，她平时去小诊所看个感冒，费用能直接刷吗？"
    assert checks.done_already("不能直接刷，需要先备案。", filed) == "备案"
    assert "unsupported" in kinds("不能直接刷，需要先备案。", ["参保人在完成备案手续后…直接结算。"], filed)
    assert checks.done_already("需要先到深圳的医保定点医院办理异地就医备案。", filed) == "备案"
    assert checks.done_already("需要先激活。", "电子凭证已经激活了，去药店能用吗？") == "激活"
    # Not done, or only asked about; another act first ("先撤销备案") is the documents' rule.
    for asked in ("去外地住院要先备案吗？", "我还没办异地备案，去外地住院能报吗？", "备案了吗？我也不清楚。"):
        assert checks.done_already("需要先备案。", asked) is None, asked
    assert checks.done_already("要先撤销备案。", "办了异地备案，回老家能报吗？") is None


def test_a_side_given_a_rule_its_source_binds_to_neither_side_is_unsupported():
    # multi-08: 异地就医·问9 says how one is treated there, not by whose rules one is paid (问29 does).
    treated = [
        "入院后执行就医地医疗机构就医流程和服务规范医疗机构不得拒绝为符合规定的异地就医人员提供医疗费用直接结算服务。"
    ]
    reply = "在外地办了备案，住院按就医地的标准报。"
    assert checks.unbound_side(reply, treated) == "就医地的标准"
    assert "unsupported" in kinds(reply, treated, "我在外地办了备案，住院按哪边的标准报？")
    paid = [
        "参保地政策是指参保人跨省就医原则上执行参保地支付政策，包括参保地医保基金的起付线、支付比例和最高支付限额。"
    ]
    assert checks.unbound_side("报销比例按参保地的政策算。", paid) is None


def test_admission_names_the_inpatient_case():
    # Probe 78: 异地就医·问9 asks about 入院登记; its sentence speaks of 登记就诊 only.
    item = ["入院登记必须在备案有效期内吗?", "参保人员持本人社会保障卡在备案有效期限内…办理登记就诊手续。"]
    assert checks.unnamed_case("下个月才住院，会因为备案有效期已过而无法办理登记就诊手续。", item) is None
    assert checks.unnamed_case("看门诊也要在有效期内登记。", item[1:]) == "门诊"


def test_a_deduction_judged_wrong_is_leave_to_skip_a_duty():
    # Probe 77: 问3 makes paying in the employee's duty too (由用人单位和职工共同缴纳).
    duty = [
        "所有用人单位及其职工，都应按属地原则参加…职工基本医疗保险，由用人单位和职工共同缴纳基本医疗保险费。"
    ]
    assert checks.permits_skipping("单位交了医保，工资里每个月还扣一笔医保是不合理的。", duty)
    assert checks.permits_skipping("工资里扣医保是合理的。", duty) is None


def test_one_place_changed_for_another_states_a_change_of_city():
    # Probe 77: "从杭州换成宁波" states 异地居住城市发生变更; a phone number changed does not (probe 64).
    moved = ["已完成异地就医备案的人员,若异地居住城市发生变更应通过经办窗口…注销之前办理的异地就医备案信息"]
    cancel = "需要通过经办窗口注销之前办理的异地就医备案信息。"
    assert checks.dropped_condition(cancel, moved, "我的异地备案地址从杭州换成宁波了，备案要怎么弄？") is None
    assert checks.dropped_condition(cancel, moved, "手机号换成新的了，备案怎么改？") == "异地居住城市发生变更"


def test_a_listed_thing_no_cited_item_names_is_unsupported():
    # Probe 83: 问24 names 医保电子凭证 and 身份 (确认参保人身份), neither 身份证 nor 手机号.
    item = [
        "〔参保人〕可以用手机通过国家医保 APP 或微信、支付宝等官方授权渠道激活医保电子凭证，"
        "确认参保人身份，然后进行异地就医备案。"
    ]
    asked = "我想自己在手机上办跨省就医备案，要准备些什么？"
    assert checks.unlisted_member("要准备医保电子凭证、身份证和手机号。", asked, item) == "身份证"
    assert checks.unlisted_member("可以通过国家医保 APP、微信或支付宝激活后备案。", asked, item) is None
    # The last member's first word is the listed thing; what follows is the sentence's predicate.
    assert checks.unlisted_member("可以用微信、支付宝自助激活。", asked, item) is None
    # The documents' long name supports the short one.
    aid = ["向户籍所在地民政部门、扶贫部门、医疗保障部门咨询。"]
    assert checks.unlisted_member("可以向民政部门、医保部门咨询。", "去哪问？", aid) is None


def test_things_listed_for_two_cases_are_not_one_list():
    # Probe 86 (wrong): 出院记录 is what 问10 asks of a 住院 claim, 处方联 of an outpatient one.
    item = [
        "需手工报销垫付的医疗费用时，参保人员一般应提供加盖地市级以上财政 / 税务监制章的费用收据联、与收据"
        "相对应的明细清单；除此之外，门诊就医的还需提供与收据相对应的处方联、急诊诊断证明，住院就医的还需"
        "提供出院记录、诊断证明等。"
    ]
    asked = "看急诊那天医保卡没带，钱全是自己掏的，事后拿哪些票据去报？"
    mixed = "事后拿费用收据联、处方联和出院记录去报。[问10]"
    assert checks.mixed_cases(mixed, asked, item) == ("处方", "出院")
    issue = checks.against_items(mixed, asked, item, item)
    assert issue is not None and issue.kind == "unsupported"
    # One case's list, or both cases each named, is what the source says.
    assert checks.mixed_cases("要带费用收据联、明细清单、处方联和急诊诊断证明。", asked, item) is None
    assert checks.mixed_cases("门诊要处方联、急诊诊断证明，住院要出院记录。", asked, item) is None
    # A clause on one case that lists nothing is not such a list (问19: 门诊 costs, 住院 co-payments).
    account = ["个人账户主要是解决参保职工的普通门诊医疗费用，也可以用来支付住院医疗费用的个人自付部分。"]
    assert checks.mixed_cases("个人账户可以付门诊费用和住院自付部分。", "个人账户能干啥？", account) is None


def test_half_the_words_from_nowhere_is_unsupported():
    # Probe 83: three of "生育险和医保是两个不同的保险，不能混用" 's six content words are in neither its
    # quotes nor the question (两个, 不同, 混用).
    src = ["用人单位有为所有职工参加生育保险的法定义务。"]
    asked = "我老婆单位说生育险并到医保里了，那以后生孩子的费用还管不管？"
    novel = checks.half_unsourced("生育险和医保是两个不同的保险，不能混用。", src, asked)
    assert novel == ["两个", "不同", "混用"]
    # Read last, after the checks whose reasons say more; more than half is caught first, as before.
    assert "unsupported" not in kinds("生育险和医保是两个不同的保险，不能混用。", src, asked)
    assert checks.half_unsourced("生育保险是用人单位的法定义务。", src, asked) is None


def test_a_general_denial_covers_the_case_the_asker_names():
    # Probe 83: "这种情况医保是不管的" names neither 门诊 nor 住院; the asker asked about 住院.
    src = ["〔参保人〕被别人撞了，这种情况医保是不管的，应该由撞他的肇事者承担责任。"]
    asked = "半道让货车给刮倒了，这住院的钱算医保的吗？"
    assert "unsupported" not in kinds("这住院的钱不算医保的，应该由肇事者承担责任。", src, asked)
    # A general permission does not settle one case, nor a case the asker did not name.
    allowed = ["备案成功后就医时就可以异地结算医药费。"]
    assert "unsupported" in kinds("门诊可以直接结算。", allowed, "备案后看门诊能直接结算吗？")
    assert "unsupported" in kinds("住院的钱不算医保的。", src, "被车撞了医保管不管？")


def test_a_yes_to_what_the_asker_heard_needs_a_source_that_says_it():
    # Probe 84: 问17 says 湖北省没有对住院天数进行限制; the quote says who decides, not that 医保 limits.
    src = ["住院天数是医疗机构根据患者病情及医院管理规定来确定的，医保部门不得干涉临床诊疗行为。"]
    heard = "医生让我住满两周先出院，过几天再住进来，说是医保的规定，真有这回事吗？"
    reply = "医生说的医保规定是正确的，住院天数是由医疗机构根据患者病情及医院管理规定来确定的。"
    assert checks.affirmed_hearsay(checks.prose(reply), heard, src) == "医生说的医保规定是正确的"
    assert "unsupported" in kinds(reply, src, heard)
    assert "unsupported" in kinds("有这个规定。", src, "医院说医保病人住院不能超过15天，有这个规定吗？")
    # Affirming a doubt while denying the rule is no yes to it; a source stating what was heard is one.
    assert checks.affirmed_hearsay("老张的疑问是正确的，医保对住院天数没有限制。", heard, src) is None
    merged = ["生育保险与职工医保合并实施后，生育保险作为一项社会保险独立险种仍将保留。"]
    told = "听说生育保险和职工医保合并实施了，是真的吗？"
    assert checks.affirmed_hearsay("是真的，两险合并实施了。", told, merged) is None


def test_a_sentence_announcing_what_never_follows_is_unfinished():
    # Probe 84: "…还要办以下手续。" and nothing after it.
    assert "unfinished" in kinds("现在要回老家住院治病，还要办以下手续。", ["x"], "还要办什么手续吗？")
    # The source's figure reference after steps that are given is no announcement (rob-61, indirect).
    steps = "选择城市就可以查到该城市的定点医院，以广州为例如下图。"
    assert "unfinished" not in kinds(steps, ["x"], "怎么查？")
    assert "unfinished" not in kinds("需要办理以下手续：填写申请表、医院盖章。", ["x"], "要办什么手续？")
    # An amount's 以下 announces nothing.
    assert "unfinished" not in kinds("自己要先承担起付标准以下的费用。", ["x"], "起付线是什么？")


def test_leave_not_to_pay_that_no_cited_sentence_gives_is_unsupported():
    # Probe 85: 问1 argues for paying (参保绝对不亏) and gives no one leave not to.
    why = [
        "我们每个人都面临着不确定的疾病风险，医保就是用来防范化解医疗费用风险的。",
        "所以小张参加医保绝对不亏。",
    ]
    reply = "如果明年的医药费没有花，说明自己健康，可以不交医保费用。"
    assert checks.unsourced_leave(reply, why) == "可以不交"
    # 问35 pays the 低保 share (全额资助): its 不用掏钱 has a source.
    aided = ["对特困人员、孤儿、低保对象参加城乡居民基本医疗保险的个人缴费部分通过医疗救助给予全额资助。"]
    assert checks.unsourced_leave("参加居民医保自己不用掏钱。", aided) is None
    assert checks.unsourced_leave("老板不给交医保是违法的。", why) is None


def test_a_reply_to_which_sides_rules_apply_must_name_a_side():
    # Probe 88 (wrong): the place where 问28's hospital list can be looked up, for which list decides.
    q = "老公单位在武汉交医保，人派驻北京好几年了也备过案，在北京住院用的药报不报，看哪里的规定？"
    assert checks.asks_which_side(q)
    assert checks.side_unanswered("看国家医保局网站查询（www.nhsa.gov.cn）的规定。[问28]", q)
    assert not checks.side_unanswered("用的药按北京的目录来定。", q)
    assert not checks.side_unanswered("按就医地的目录，报销比例按参保地的政策。", q)
    # The asker's own 外地 restated names their situation, not the side (probe 1).
    q1 = "在外地住院按哪里的目录报"
    assert checks.side_unanswered("在外地住院按备案有效期内的目录报。", q1)
    assert not checks.side_unanswered("在外地住院按外地的目录报。", q1)
    # Only the last ask counts, and a question asking no side is not read.
    assert not checks.asks_which_side("我在外地办了备案，住院按哪边的标准报？看门诊能不能也直接结算？")
    assert not checks.asks_which_side("在外地住院能报吗？")
    # The scorer reads the reply's first sentence with it.
    listed = ["名单可以在国家医保局网站查询。"]
    issues = checks.check_body("看国家医保局网站的规定。[问28]", q, lambda s, lbs: listed, [])
    assert any(i.detail == checks.SIDE_UNANSWERED for i in issues)


def test_a_reply_to_where_or_whom_must_name_a_body_place_or_channel():
    # Probes 82 and 73 (broken, wrong): who must file, and the asker's own words, for where and whom.
    q = "我爸退休后想去上海跟我住，异地就医备案在哪里办？"
    assert checks.where_unanswered("异地长期居住人员需要办理异地就医备案。[异地就医·备案人群]", q)
    assert not checks.where_unanswered("可以到参保地的医保经办机构办理，也可以在小程序上办。", q)
    q2 = "社保卡在补办，急诊先自己垫钱，事后找谁报？"
    assert checks.where_unanswered("社保卡丢失后，急诊先垫钱，事后找参保人员报。", q2)
    assert not checks.where_unanswered("事后带上票据到参保地医保部门手工报销。", q2)
    # Which hospitals, a yes/no question about where, and a message of two asks are not read.
    assert not checks.asks_where("办异地备案时要不要写清楚去哪几家医院看病？")
    assert not checks.asks_where("异地就医备案在哪儿办都行吗？")
    assert not checks.asks_where("哪些做法算骗医保？我看到了该去哪举报？")
    # Which side's rules is asked and read by side_unanswered.
    assert not checks.asks_where("在外地住院，哪些药能报是看哪里的医保目录？")
    # With the cited item's sentences: a body none of them names (probe 89: 问40's only 部门 is 司法部门).
    q3 = "发现药店拿医保卡给人换米换油，我该去哪举报？"
    fraud = [
        "以上行为一经发现，将参保人纳入失信人员黑名单。",
        "将定点药店违规基金追回，情节严重的还将移交司法部门。",
    ]
    assert checks.where_unanswered("应该向当地医疗保障部门举报。[问40]", q3, fraud)
    report = ["（1）电话，拨打湖北省医疗保障局举报电话或各市州医保保障部门举报投诉电话；"]
    assert not checks.where_unanswered("可以打湖北省医保局的举报电话。[问38]", q3, report)


def test_a_channel_named_after_a_linking_word_is_read_alone():
    # multi-05's second ask: 电话 and 微信 after 通过/或, where 问38 lists "（1）电话…（2）微信…".
    q = "我看到了该去哪举报？"
    report = ["可以通过以下 3 种方式举报：（1）电话，拨打举报电话；（2）微信，进入公众号进行举报；"]
    assert not checks.where_unanswered("可以通过电话或微信举报。[问38]", q, report)
    assert checks.where_unanswered("可以向司法机关举报。[问38]", q, report)
