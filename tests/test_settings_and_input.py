"""Settings precedence and question validation (pure logic, no models)."""

import pytest

from rag import QuestionError, Settings
from rag.cli import build_parser, settings_from
from rag.question import clean_question


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
