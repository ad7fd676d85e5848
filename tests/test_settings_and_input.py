"""Settings precedence and question validation (pure logic, no models)."""

import pytest

from rag import QuestionError, Settings
from rag.cli import build_parser, settings_from
from rag.question import asking_part, clean_question


def test_environment_overrides_defaults_and_flags_override_environment(monkeypatch):
    monkeypatch.setenv("RAG_GENERATOR", "qwen2.5-coder-0.5b")
    monkeypatch.setenv("RAG_TOP_K", "3")
    s = Settings()
    assert s.generator == "qwen2.5-coder-0.5b" and s.top_k == 3
    args = build_parser().parse_args(["ask", "问题", "--top-k", "7"])
    s = settings_from(args)
    assert s.top_k == 7 and s.generator == "qwen2.5-coder-0.5b"


def test_settings_validate():
    with pytest.raises(ValueError):
        Settings(top_k=0)
    assert Settings().n_threads >= 1
    assert Settings().with_overrides(top_k=None) == Settings()


def test_clean_question():
    assert clean_question("  社保卡丢了？\x00\x07 ", 500) == ("社保卡丢了？", [])
    text, notes = clean_question("医" * 20_000, 500)
    assert len(text) == 500 and "20000" in notes[0]
    for bad in ["", "   ", "\x00\x1b"]:
        with pytest.raises(QuestionError, match="问题是空的"):
            clean_question(bad, 500)
    with pytest.raises(QuestionError, match="必须是文字"):
        clean_question(123, 500)  # type: ignore[arg-type]
    assert clean_question("😀😀", 500)[0] == "😀😀"  # emoji are text: retrieval decides (refusal)


def test_the_dense_side_reads_the_part_of_a_long_question_that_asks():
    short = "异地就医要备案吗？"
    assert asking_part(short, 100) == short and asking_part(short * 20, 0) == short * 20
    # Asked first, explained after: the ask and what follows it, not the end alone.
    first = "异地就医能报多少钱，和本地一样吗？" + "请详细说明。" * 60
    part = asking_part(first, 100)
    assert part.startswith("异地就医能报多少钱，和本地一样吗？") and len(part) <= 100
    # A story that ends in its question: the question and the story just before it.
    ask = "想问一下我在深圳住院的话，医保能直接结算吗？"
    story = "我今年六十岁，" + "在武汉上了三十年班，" * 8 + "去年搬到深圳跟女儿住，" + ask
    part = asking_part(story, 60)
    assert part.endswith(ask) and "深圳跟女儿住" in part
    assert len(part) <= 60 and part in story  # contiguous around the ask
    # Nothing asks: the end, as before.
    assert asking_part("医保" * 80, 100) == ("医保" * 80)[-100:]
