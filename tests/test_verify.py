"""Settling a restated yes/no question: negation by rule, the composer's use of a judgment, and
reading a judgment from the real model."""

import math

import pytest
from conftest import make_hit

from rag import checks, compose, verify
from rag.generation import GenerationStats
from rag.prompt import build_prompt


def settle(judge, evidence, negation, margin, agree_margin=None):
    """The side the judge takes by the margin, as compose.generate reads it."""
    return verify.side(negation, verify.weigh(judge, evidence, negation), margin, agree_margin)


Q34 = (
    "不可以。用人单位有为所有职工参加生育保险的法定义务。《社会保险法》第五十三条规定“职工应当参加生育保险，"
    "由用人单位按照国家规定缴纳生育保险费，职工不缴纳生育保险费”。"
)


def _assert_negated(cases: dict[str, tuple[str, str]]) -> None:
    """Each sentence's shown clause and its negation, the negation inside the judged statement."""
    for sentence, (clause, negated) in cases.items():
        n = verify.negate(sentence)
        assert n is not None and (n.clause, n.negated_clause) == (clause, negated), sentence
        assert negated in n.negated and not n.statement.endswith(("。", "吧"))


def test_a_restated_question_is_negated_at_its_last_verdict_word():
    cases = {
        "生育保险是职工自己掏钱交的。": ("生育保险是职工自己掏钱交的", "生育保险不是职工自己掏钱交的"),
        "男的也要交生育保险。": ("男的也要交生育保险", "男的不用交生育保险"),
        "被车撞了，自己有医保，还要肇事方出钱。": ("还要肇事方出钱", "不用肇事方出钱"),
        "集中带量采购的药降价这么多，质量有保证。": ("质量有保证", "质量没有保证"),
        # The last verdict word of the clause is what it asserts, not one inside what someone said.
        "私企老板说小公司可以不给员工上医保是违法的。": (
            "私企老板说小公司可以不给员工上医保是违法的",
            "私企老板说小公司可以不给员工上医保不是违法的",
        ),
        "快退休了，个人那部分医保不能不交，只让单位交。": ("个人那部分医保不能不交", "个人那部分医保能不交"),
        "对，生育保险是给女职工的，男职工单位就不用交了吧。": ("男职工单位就不用交了", "男职工单位就要交了"),
        "药店拿医保卡刷了两桶油，这算违规。": ("这算违规", "这不算违规"),
        "农民工在城里上班，单位必须给交职工医保。": ("单位必须给交职工医保", "单位不必给交职工医保"),
        "确实可以报。": ("可以报", "不可以报"),
        # A double negative is said plainly: "能不交" is denied as "必须交", not "不能不交".
        "快退休了，我那份医保能不交。": ("我那份医保能不交", "我那份医保必须交"),
        "用医保电子凭证可以不排队缴费。": ("用医保电子凭证可以不排队缴费", "用医保电子凭证必须排队缴费"),
        # 该 of duty is a verdict word (probe 28: "我是农村户口" had been negated at its 是).
        "我是农村户口，进城在厂里签了合同上班，厂里该给我交职工医保": (
            "厂里该给我交职工医保",
            "厂里不该给我交职工医保",
        ),
        "公司该不该给我交医保": ("公司该给我交医保", "公司不该给我交医保"),
        # …not the determiner 该 (该地, 该项).
        "该地所有的医院都能结算": ("该地所有的医院都能结算", "并不是该地所有的医院都能结算"),
    }
    _assert_negated(cases)
    # Words that only contain a verdict word are not negated ("没有必要" is no "有").
    n = verify.negate("他没有必要参加。")
    assert n is not None and "必不用" not in n.negated_clause
    # "按就医地算" reckons: 算 there is no verdict, so the statement is denied whole.
    assert verify.negate("跨省住院报销比例按就医地算。") == verify.Negation(
        "跨省住院报销比例按就医地算",
        "并不是跨省住院报销比例按就医地算",
        "跨省住院报销比例按就医地算",
        "并不是跨省住院报销比例按就医地算",
    )


def test_a_question_form_an_adjective_a_quantifier_or_a_bare_statement_is_negated_whole():
    cases = {
        # A question's own "A不A" form: its two answers.
        "像你这种情况，算不算需要备案的人。": ("算需要备案的人", "不算需要备案的人"),
        "医保卡有没有用。": ("医保卡有用", "医保卡没有用"),
        "可不可以报。": ("可以报", "不可以报"),
        # An adjective of judgment, flipped.
        "民营医院的药比社区医院贵，正常。": ("正常", "不正常"),
        "职工医保和居民医保报销待遇一样。": (
            "职工医保和居民医保报销待遇一样",
            "职工医保和居民医保报销待遇不一样",
        ),
        # A quantified clause: "都给报" does not deny "都不给报"; "并不是都不给报" does.
        "新出的抗癌药医保都不给报。": ("新出的抗癌药医保都不给报", "并不是新出的抗癌药医保都不给报"),
        "低保户交居民医保，政府最多只补一半。": ("政府最多只补一半", "并不是政府最多只补一半"),
        # No verdict word at all: the statement denied.
        "在外地看病一般比在本地报得少。": (
            "在外地看病一般比在本地报得少",
            "并不是在外地看病一般比在本地报得少",
        ),
        # A numeral in a name (三甲医院, 一般) is no amount: denied whole all the same.
        "在社区医院看病报销比例比三甲医院低。": (
            "在社区医院看病报销比例比三甲医院低",
            "并不是在社区医院看病报销比例比三甲医院低",
        ),
    }
    _assert_negated(cases)
    # Nothing of its own to deny: a concession ("就是比例低点"), or a clause too short to say anything.
    assert verify.negate("对，打架受的伤医保也照样报，就是比例低点。") is None
    assert verify.negate("诱导住院。") is None
    # "A不A" of a verb that is no verdict word: the judge took the wrong side of "医保管不管" twice.
    assert verify.negate("打架受伤了医保管不管。") is None
    assert verify.negate("医保报不报。") is None
    # A number is right for one group and wrong for another: not denied whole.
    assert verify.negate("贫困户大病保险起付线为1.2万元。") is None
    assert verify.negate("2019年医保药品目录一共才几百种药。") is not None  # a year is no such number


class Judge:
    """Stands in for the model's 对/不 log-probabilities, per statement (pure logic under test)."""

    def __init__(self, leanings: dict[str, float]) -> None:
        self.leanings = leanings
        self.asked: list[str] = []

    def __call__(self, messages, words):
        statement = messages[-1]["content"].split("说法：")[1].split("\n")[0]
        self.asked.append(statement)
        return [self.leanings.get(statement, 0.0), 0.0]


def test_settle_takes_the_side_the_judge_prefers_by_the_margin():
    n = verify.negate("生育保险是职工自己掏钱交的。")
    assert n is not None
    judge = Judge({n.statement: 3.3, n.negated: 4.0})
    side, margin = settle(judge, ["职工不缴纳生育保险费"], n, 0.25) or ("", 0.0)
    assert side == n.negated_clause and math.isclose(margin, -0.7)
    assert judge.asked == [n.statement, n.negated]
    # Both statements look equally right to the model: no side is taken.
    assert settle(Judge({n.statement: 3.3, n.negated: 3.4}), ["…"], n, 0.25) is None


def test_a_question_asking_where_after_an_a_not_a_is_not_the_judges():
    # Probe 85: a judged "想先确认一下那家能异地直接结算。" to where one can check it is no reply.
    where = "我妈约了苏州一家医院做手术，想先确认一下那家能不能异地直接结算，在哪儿能查到？"
    assert verify.asks_what(where) and verify.statement_of(where) == ""
    assert verify.asks_what("能不能报，报多少？")
    # The A不A in the clause asked is what is asked.
    assert not verify.asks_what("在哪儿办，能不能网上办？")
    assert verify.statement_of("这个药能不能报？") == "这个药能不能报"


def _restating(question: str, leanings: dict[str, float]):
    p = build_prompt(question, [make_hit("问34", Q34)], frozenset())
    c = compose.Composer(p, question, frozenset())
    c.feed("依据：A2\n结论：生育保险是职工自己掏钱交的。")
    return p, c, Judge(leanings)


def test_the_composer_shows_the_judged_side_checked_and_cited_with_every_quote_it_read():
    question = "生育保险是职工自己掏钱交的吧？"
    _, c, judge = _restating(question, {"生育保险不是职工自己掏钱交的": 2.0})
    claim = c.claim()
    assert claim is not None and claim.statement == "生育保险是职工自己掏钱交的"
    evidence = c.judged_evidence()
    shown = c.settle(settle(judge, [e.text for e in evidence], claim, 0.25), evidence)
    _, composed = c.finish()
    assert shown == ["生育保险不是职工自己掏钱交的。[问34]"]
    assert composed.mode == "generated" and composed.body == shown[0]
    assert [e.text for e in composed.evidence] == [e.text for e in evidence]
    assert any("settled the restated question" in n for n in composed.notes)


def test_a_judged_side_failing_the_checks_or_no_side_leaves_nothing_concluded():
    question = "生育保险是职工自己掏钱交的吧？"
    _, c, judge = _restating(question, {})
    claim = c.claim()
    evidence = c.judged_evidence()
    assert c.settle(settle(judge, [e.text for e in evidence], claim, 0.25), evidence) == []
    _, composed = c.finish()
    assert composed.mode == "no_conclusion"
    # A side naming a number its source does not state is dropped like any conclusion sentence.
    _, c, _ = _restating(question, {})
    assert c.settle(("生育保险要交工资的2%", 1.0), c.judged_evidence()) == []
    assert c.finish()[1].mode == "no_conclusion"
    # Not a yes/no question, or a conclusion already shown: nothing to settle.
    p = build_prompt("生育保险谁交？", [make_hit("问34", Q34)], frozenset())
    other = compose.Composer(p, "生育保险谁交？", frozenset())
    other.feed("依据：A2\n结论：生育保险谁交。")
    assert other.claim() is None


def test_a_judged_yes_that_restates_the_whole_question_says_yes():
    rule = "参保人员持本人社会保障卡在备案有效期限内到确定的异地就医定点医疗机构医保窗口办理登记就诊手续。"
    question = "入院登记必须在备案有效期内吗?"
    # The FAQ's own question, asked as written: the reply restating it is the question copied.
    p = build_prompt(question, [make_hit("异地就医·问9", rule, question=question)], frozenset())
    c = compose.Composer(p, question, frozenset())
    c.feed("依据：A1\n结论：入院登记必须在备案有效期内。")  # the model's copy of the question: dropped
    assert not c.kept
    claim = c.claim()
    assert claim is not None and claim.clause == "入院登记必须在备案有效期内"
    evidence = c.judged_evidence()
    judge = Judge({claim.statement: 2.0})
    shown = c.settle(settle(judge, [e.text for e in evidence], claim, 0.25), evidence)
    assert shown == ["是的，入院登记必须在备案有效期内。[异地就医·问9]"]


def test_a_bare_verdict_that_cannot_stand_alone_leaves_the_question_to_the_judge():
    q25 = (
        "这种随子女在大城市长期居住的老年人都是可以办理异地就医的手续。"
        "目前跨省异地就医住院费用直接结算主要覆盖四类人群，一是异地安置退休人员。"
    )
    question = "我爸退休后去外地跟我住，他在那边住院能直接报销吗？"
    p = build_prompt(question, [make_hit("问25", q25)], frozenset())
    c = compose.Composer(p, question, frozenset())
    c.feed("依据：A1、A2\n结论：可以。")  # its sources say 可以 of 办理手续, not of 直接报销
    claim = c.claim()
    assert claim is not None and claim.clause.endswith("能直接报销")
    assert any(n.startswith("dropped a verdict") for n in c.notes)
    evidence = c.judged_evidence()
    found = settle(Judge({claim.statement: 2.0}), [e.text for e in evidence], claim, 0.25)
    shown = c.settle(found, evidence)
    _, composed = c.finish()
    assert shown and composed.body == shown[0] and not composed.body.startswith("可以")


def test_the_real_model_gives_a_judgment_as_log_probabilities(assistant):
    n = verify.negate("生育保险是职工自己掏钱交的。")
    assert n is not None
    source = ["《社会保险法》规定：由用人单位按照国家规定缴纳生育保险费，职工不缴纳生育保险费。"]
    messages = verify.judge_messages(source, n.statement)
    first = assistant.generator.next_word_logprobs(messages, verify.JUDGE_WORDS)
    assert first is not None and len(first) == 2
    assert all(math.isfinite(x) and x <= 0 for x in first) and math.exp(first[0]) + math.exp(first[1]) <= 1.0
    # The same prompt read again (its prefix now live in the context), or after another judgment
    # sharing most of it, gives the same judgment: it must not depend on what was read before.
    again = assistant.generator.next_word_logprobs(messages, verify.JUDGE_WORDS)
    assert again is not None and all(abs(a - b) < 1e-3 for a, b in zip(first, again, strict=True))
    assistant.generator.next_word_logprobs(verify.judge_messages(source, n.negated), verify.JUDGE_WORDS)
    after = assistant.generator.next_word_logprobs(messages, verify.JUDGE_WORDS)
    assert after is not None and all(abs(a - b) < 1e-3 for a, b in zip(first, after, strict=True))
    assert verify.leaning(assistant.generator.next_word_logprobs, source, n.statement) is not None


def test_a_yes_no_question_becomes_the_statement_it_asks_about():
    cases = {
        "异地急诊需要提前备案吗？": "异地急诊需要提前备案",
        # The lead-in and the confirmation tag are the asker's, not the claim.
        "听说生育保险是职工自己交的，是吧？": "生育保险是职工自己交的",
        "那住院自己掏的那部分能用这钱付吗？": "住院自己掏的那部分能用这钱付",
        # "是否" before a verdict word asks of that word; otherwise it is "是不是", which negate splits.
        "医保卡是否可以借给家人用？": "医保卡可以借给家人用",
        "这种情况是否算骗保？": "这种情况算骗保",
        "社保卡丢了，钱是否只能自己出？": "社保卡丢了，钱是不是只能自己出",
        # A closing 不 asks like 吗; only the last sentence is the question.
        "我刷了两桶油。会被拉黑名单不": "会被拉黑名单",
        # A figure is never judged (the judge sided with the asker on amounts).
        "听说住院满14天必须出院，是吧？": "",
        "贫困户的起付线是一万二吧": "",
        # Nor a question asking for more than yes or no.
        "在上海住院能报多少，跟本地一样吗？": "",
        # …but a question word in the clause asked is indefinite.
        "去重庆看病办跨省备案，要具体到哪家医院吗？": "去重庆看病办跨省备案，要具体到哪家医院",
        # …and without a closing 吗 it asks for what it names (probe 26: "医药费该谁出" was judged).
        "上班路上被车撞了，对方全责，医药费该谁出？": "",
        "手工报销住院的钱，除了收据还要带什么？": "",
        # An indefinite 几 after 了 asks nothing (probe 79).
        "喝多了跟人起了冲突，缝了几针，医保能报吗？": "喝多了跟人起了冲突，缝了几针，医保能报",
        # Whether an opinion is right: its 对 is what is asked, and "小张的想法" states nothing.
        "…所以不愿意缴费。小张的想法对吗？": "",
    }
    for question, statement in cases.items():
        assert verify.statement_of(question) == statement, question
    # A stated amount is never negated, by a flipped verdict word or whole.
    assert verify.negate("贫困户的大病保险起付线是1.2万元。") is None
    n = verify.negate(verify.statement_of("社保卡丢了，这次看病的钱是不是只能自己全掏了？"))
    assert n is not None and n.negated_clause == "这次看病的钱不是只能自己全掏了"


def test_with_nothing_restated_the_judge_gets_the_question_as_the_asker_put_it():
    question = "听说生育保险是职工自己掏钱交的，对吗？"
    p = build_prompt(question, [make_hit("问34", Q34)], frozenset())
    c = compose.Composer(p, question, frozenset())
    c.feed("依据：A2\n结论：生育保险要交工资的2%。")  # dropped as unsupported, not as an echo
    assert c.restated == [] and not c.kept
    claim = c.claim()
    assert claim is not None and (claim.clause, claim.negated_clause) == (
        "生育保险是职工自己掏钱交的",
        "生育保险不是职工自己掏钱交的",
    )
    evidence = c.judged_evidence()
    judge = Judge({claim.negated: 2.0})
    shown = c.settle(settle(judge, [e.text for e in evidence], claim, 0.25), evidence)
    assert shown == ["生育保险不是职工自己掏钱交的。[问34]"]
    assert any("settled the asked question" in n for n in c.finish()[1].notes)
    # Switched off (RAG_JUDGE_ASKED=false), only a restated question is judged.
    c = compose.Composer(p, question, frozenset())
    c.feed("依据：A2\n结论：生育保险要交工资的2%。")
    assert c.claim(asked=False) is None


@pytest.mark.models
@pytest.mark.parametrize("asked", [True, False])
def test_the_judge_settings_reach_the_composer(assistant, monkeypatch, asked):
    from rag import Assistant

    seen: list[object] = []
    real = compose.generate

    def spy(*args, **kwargs):  # the real generation, its options recorded on the way
        seen.append((kwargs.get("judge_asked"), kwargs.get("judge_agree_margin")))
        return real(*args, **kwargs)

    monkeypatch.setattr(compose, "generate", spy)
    s = assistant.settings.with_overrides(judge_asked=asked, judge_agree_margin=0.9)
    twin = Assistant(s, assistant.items, assistant.index, assistant.retriever.embedder)
    ans = twin.answer("男职工也要交生育保险吗？")
    assert ans.mode != "refused" and seen == [(asked, 0.9)]


def test_a_bare_may_to_a_question_of_duty_goes_to_the_judge_as_asked():
    # Probe 28: "可以。" to "厂里该给我交职工医保吗" answers whether one may; the judge settles whether
    # the employer should, negated at 该 (not at the premise's "我是农村户口").
    labour = "可以。进城务工的农村居民有权参加基本医疗保险。用人单位应依法为其参加职工基本医疗保险。"
    question = "我是农村户口，进城上班签了合同，厂里该给我交职工医保吗？"
    p = build_prompt(question, [make_hit("问5", labour)], frozenset())
    c = compose.Composer(p, question, frozenset())
    c.feed("依据：A1、A2\n结论：可以。")
    claim = c.claim()
    assert claim is not None and (claim.clause, claim.negated_clause) == (
        "厂里该给我交职工医保",
        "厂里不该给我交职工医保",
    )
    evidence = c.judged_evidence()
    judge = Judge({claim.statement: 2.0})
    shown = c.settle(settle(judge, [e.text for e in evidence], claim, 0.25), evidence)
    _, composed = c.finish()
    assert shown == ["厂里该给我交职工医保。[问5]"] and composed.body == shown[0]
    assert any("asks whether one must" in n for n in composed.notes)


def test_a_question_comparing_sums_of_money_is_not_the_judges():
    assert verify.compares_amounts("住院花了五百，起付线八百，这次能报吗？")  # probe 50: it said 能报
    assert verify.compares_amounts("住院花了3000元，起付线1200，能报多少？")
    # One sum, a year, an age or a distance: settled as any question.
    assert not verify.compares_amounts("听说举报骗保最高能奖20万，是真的吗？")
    assert not verify.compares_amounts("2019年医保药品目录一共才几百种药吧？")
    assert not verify.compares_amounts(
        "我妈今年六十八了，政务服务大厅离家二十多公里，电子凭证必须去大厅领吗？"
    )


def test_siding_with_the_askers_statement_needs_the_agree_margin():
    # The 1.5B leans to agreeing: a yes by less than agree_margin is not shown, a no by as much is.
    n = verify.negate("医保电子凭证能办参保登记。")
    assert n is not None
    yes = Judge({n.statement: 3.5, n.negated: 3.0})
    assert settle(yes, ["…"], n, 0.25) == (n.clause, 0.5)
    assert settle(yes, ["…"], n, 0.25, agree_margin=0.75) is None
    no = Judge({n.statement: 3.0, n.negated: 3.5})
    assert settle(no, ["…"], n, 0.25, agree_margin=0.75) == (n.negated_clause, -0.5)
    sure = Judge({n.statement: 4.0, n.negated: 3.0})
    assert settle(sure, ["…"], n, 0.25, agree_margin=0.75) == (n.clause, 1.0)


def test_a_yes_under_the_agree_margin_is_noted_and_not_shown():
    # The model restates the question (an echo, dropped); the judge leans to yes by 0.5: shown with
    # the plain margin, withheld with an agree margin of 0.75, and the note says why.
    asked = "男的也要交生育保险吗？"

    class Model:
        def __init__(self, yes: float) -> None:
            self.replies, self.yes = ["依据：A1\n", "男的也要交生育保险。"], yes

        def stream(self, *args, **kwargs):
            yield self.replies.pop(0)

        def next_word_logprobs(self, messages, words):
            return [self.yes, 0.0] if "不用交" not in messages[-1]["content"] else [0.0, 0.0]

    for agree, shown_yes in ((None, True), (0.75, False)):
        p = build_prompt(asked, [make_hit("问34", Q34)], frozenset())
        c = compose.Composer(p, asked, frozenset())
        shown = list(
            compose.generate(
                Model(0.5),
                p,
                c,
                GenerationStats(),
                lambda: None,
                retry=False,
                judge_margin=0.25,
                judge_agree_margin=agree,
            )
        )
        assert any("男的也要交生育保险" in s for s in shown) == shown_yes
        assert any("under the margin to agree" in n for n in c.notes) == (not shown_yes)


def test_a_reply_turning_the_question_round_is_held_until_the_judge_reads_it():
    # "…这钱不能要回来。" (probe 75, wrong) turned the question round in the asker's words; over the
    # stored replies that do so, the model's no was as often wrong as right where the judge leans to
    # the asker. Shown only when the judge does not; otherwise dropped, and the question left to the
    # judge's margins.
    asked = "异地备案的时候必须填好要去哪几家医院吗？"
    q28 = "参保人备案时不需要指定具体的医院，只需要指定就医的地市，就可以在该地所有的定点医疗机构直接结算。"
    reply = "异地备案的时候不需要填好要去哪几家医院。"
    assert checks.negated_restatement(reply, asked)
    assert not checks.negated_restatement("异地备案的时候必须填好要去哪几家医院。", asked)
    money = "看急诊忘带社保卡，先自己付了钱，这钱还能要回来吗？"
    assert checks.negated_restatement("看急诊忘带社保卡，先自己付了钱，这钱不能要回来。", money)

    class Model:
        def __init__(self, yes: float) -> None:
            self.replies, self.yes = ["依据：A1\n", reply], yes

        def stream(self, *args, **kwargs):
            yield self.replies.pop(0)

        def next_word_logprobs(self, messages, words):
            statement = messages[-1]["content"].split("说法：")[1].split("\n")[0]
            return [self.yes, 0.0] if "不" not in statement else [0.0, 0.0]

    for yes, kept in ((-0.5, True), (0.5, False), (1.0, False)):
        p = build_prompt(asked, [make_hit("问28", q28)], frozenset())
        c = compose.Composer(p, asked, frozenset())
        stream = compose.generate(
            Model(yes), p, c, GenerationStats(), lambda: None, retry=False, judge_margin=0.25,
            judge_agree_margin=0.75,
        )  # fmt: skip
        shown = "".join(stream)
        assert (reply in shown) == kept
        assert (reply in "".join(c.kept)) == kept
        assert any("leans to the asker's side" in n for n in c.notes) == (not kept)


def test_the_judges_side_keeps_the_askers_condition_when_its_clause_alone_fails():
    # Probe 75: "可以撤。" (wrong) is dropped against "…也不能撤销备案" (撤 read as 撤销); the judge sides
    # with the negation, whose last clause alone ("中途不能撤了回老家看病") states of every place what
    # the source says of 有些城市 with a 时限 — so the whole statement, with the asker's condition, is shown.
    asked = "备案了有时限的话，中途能不能撤了回老家看病？"
    source = (
        "有些城市异地就医备案会有时限要求,比如1年或3个月在这期间只能异地使用,也不能撤销备案。"
        "但无论有没有时限要求,如果想回老家用医保报销都需要先撤销备案,否则无法用医保进行报销。"
    )

    class Model:
        def __init__(self) -> None:
            self.replies = ["依据：A1,A2\n", "可以撤。"]

        def stream(self, *args, **kwargs):
            yield self.replies.pop(0)

        def next_word_logprobs(self, messages, words):
            statement = messages[-1]["content"].split("说法：")[1].split("\n")[0]
            return [1.0, 0.0] if "不能" in statement else [0.0, 0.0]

    p = build_prompt(asked, [make_hit("异地就医·回参保地报销", source)], frozenset())
    c = compose.Composer(p, asked, frozenset())
    shown = "".join(
        compose.generate(Model(), p, c, GenerationStats(), lambda: None, retry=False, judge_margin=0.25)
    )
    assert "可以撤" not in shown
    assert "备案了有时限的话，中途不能撤了回老家看病。" in shown
