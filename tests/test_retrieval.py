"""Hybrid retrieval and the refusal threshold, with the real embedder."""

import pytest

from rag import QuestionError

pytestmark = pytest.mark.models


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("老板不给我交医保，多发工资行吗？", {"问2"}),
        ("出车祸医保报不报？", {"问15", "问16"}),
        ("男的也要交生育保险吗？", {"问34"}),
        ("异地备案信息要变更怎么处理？", {"异地就医·问6"}),
        ("转诊证明怎么开？", {"异地就医·异地转诊"}),
    ],
)
def test_gold_item_in_top_3(assistant, question, gold):
    hits = assistant.retrieve(question, k=5)
    assert {h.label for h in hits[:3]} & gold
    assert len(hits) == 5 and all(h.full_text and h.text in h.full_text for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_both_retrievers_contribute(assistant):
    hits = assistant.retrieve("起付线和封顶线是什么意思？", k=5)
    assert hits[0].label == "问11"
    assert hits[0].dense > 0.5 and hits[0].bm25 > 0


def test_confidence_separates_in_and_out_of_scope(assistant):
    assert assistant.is_confident(assistant.retrieve("社保卡丢了看病的钱怎么报？"))
    for q in ["今天天气怎么样？", "帮我写一首关于春天的诗", "车险理赔需要准备哪些材料？"]:
        assert not assistant.is_confident(assistant.retrieve(q)), q


def test_bad_questions(assistant):
    for bad in ["", "   \n\t", "\x00\x01"]:
        with pytest.raises(QuestionError, match="空"):
            assistant.retrieve(bad)
    with pytest.raises(QuestionError):
        assistant.retrieve(None)  # type: ignore[arg-type]
    # A 20,000-character paste is truncated, not an error.
    assert assistant.retrieve("医保" * 10_000)
