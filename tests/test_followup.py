"""Multi-turn: a short follow-up is read with the previous question (pure logic)."""

from rag.question import contextualize


def test_follow_ups_are_joined_to_the_previous_question():
    history = ["社保卡丢了，看病的钱怎么报销？"]
    q = contextualize("那如果是在外地呢？", history)
    assert q.startswith("社保卡丢了，看病的钱怎么报销？") and "那如果是在外地呢？" in q
    assert contextualize("要带什么材料？", history).startswith("社保卡丢了")  # short: leans on context


def test_standalone_questions_are_left_alone():
    history = ["社保卡丢了，看病的钱怎么报销？"]
    q = "男职工可以不交生育保险而多发工资吗，公司这样说的？"
    assert contextualize(q, history) == q
    assert contextualize("那如果是在外地呢？", []) == "那如果是在外地呢？"
    assert contextualize("那如果是在外地呢？", None) == "那如果是在外地呢？"
