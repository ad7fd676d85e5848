"""Multi-turn: a short follow-up is read with the previous question; a message of several asks is
answered ask by ask (pure logic)."""

from conftest import make_hit

from rag import checks, facts
from rag.assistant import joined_answer
from rag.compose import REFUSAL_TEXT
from rag.question import Query, contextualize, split_asks
from rag.records import Answer, Citation, Evidence, Timings


def test_follow_ups_are_joined_to_the_previous_question():
    history = ["社保卡丢了，看病的钱怎么报销？"]
    q = contextualize("那如果是在外地呢？", history)
    assert q.startswith("社保卡丢了，看病的钱怎么报销？") and "那如果是在外地呢？" in q
    assert contextualize("要带什么材料？", history).startswith("社保卡丢了")  # short: leans on context


def test_an_ask_going_on_with_hai_leans_on_the_one_before():
    # Probe 55: "还要回医保中心办手续吗？" after a question about a 转院 proof found 问26 (备案 at a
    # 医保中心) by its own words and was answered from it.
    history = ["转院证明上没盖医院的章，报销时会有问题吗？"]
    assert contextualize("还要回医保中心办手续吗？", history).startswith("转院证明上没盖医院的章")
    assert contextualize("还得带身份证吗？", history).startswith("转院证明")
    # 还是 is no going on: "还是说…" may ask anew.
    assert contextualize("还是去医保中心办理比较快吗？", history) == "还是去医保中心办理比较快吗？"


def test_standalone_questions_are_left_alone():
    history = ["社保卡丢了，看病的钱怎么报销？"]
    q = "男职工可以不交生育保险而多发工资吗，公司这样说的？"
    assert contextualize(q, history) == q
    assert contextualize("那如果是在外地呢？", []) == "那如果是在外地呢？"
    assert contextualize("那如果是在外地呢？", None) == "那如果是在外地呢？"


def test_a_message_of_several_asks_is_split_at_its_question_marks():
    msg = "社保卡丢了又急着看病，钱怎么报？以后能不能不带卡直接用手机？"
    assert split_asks(msg) == ["社保卡丢了又急着看病，钱怎么报？", "以后能不能不带卡直接用手机？"]
    # One ask, a statement after the ask, a bare "是吗？", or more than three: left whole.
    assert split_asks("社保卡丢了怎么报销？") == ["社保卡丢了怎么报销？"]
    assert split_asks("社保卡丢了怎么报销？我在武汉。") == ["社保卡丢了怎么报销？我在武汉。"]
    assert split_asks("住院满14天必须出院，是吗？") == ["住院满14天必须出院，是吗？"]
    assert split_asks("住院满14天必须出院。是吗？") == ["住院满14天必须出院。是吗？"]
    assert split_asks("备案以后哪些医院能住院结算？门诊呢？") == ["备案以后哪些医院能住院结算？", "门诊呢？"]
    four = "门诊能报吗？住院能报吗？药店能刷吗？急诊能报吗？"
    assert split_asks(four) == [four]


def test_the_answers_to_several_asks_are_joined_under_their_numbers():
    query = Query("怎么报？能用手机吗？", "怎么报？能用手机吗？")
    ev = Evidence("hubei-faq", "问10", "问10", 0, "参保患者可先行垫付。")
    cited = [Citation("hubei-faq", "问10", "问10")]
    timings = Timings(retrieval_s=0.1, first_token_s=0.5, generation_s=1.0, prompt_tokens=900)
    reply = "先垫付再报销。[问10]"
    first = Answer("怎么报？", f"{reply}\n\n依据：…", cited, False, [make_hit("问10", "…")], timings,
                   body=reply, evidence=[ev])  # fmt: skip
    second = Answer("能用手机吗？", REFUSAL_TEXT, [], True, [make_hit("问21", "…")], Timings(retrieval_s=0.1),
                    mode="refused", notes=["out of scope"])  # fmt: skip
    joined = joined_answer(query, [first, second], 2.0)
    assert joined.text == f"（一）{first.text}\n\n（二）{REFUSAL_TEXT}"
    assert joined.body.splitlines() == ["（一）先垫付再报销。[问10]", f"（二）{REFUSAL_TEXT}"]
    assert not joined.refused and joined.mode == "generated"  # one ask was answered
    assert [h.label for h in joined.retrieved] == ["问10", "问21"]
    assert joined.citations == first.citations and joined.evidence == [ev]
    assert joined.notes == ["（二） out of scope"]
    t = joined.timings
    assert (t.first_token_s, t.prompt_tokens, t.total_s) == (0.5, 900, 2.0)
    assert abs(t.retrieval_s - 0.2) < 1e-9
    # The list numbering is not read as a number the answer states.
    assert not facts.numbers(checks.prose(joined.body.splitlines()[0]))
