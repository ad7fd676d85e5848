"""End to end with the real small generator (Qwen2.5-Coder-0.5B)."""

import json
import subprocess
import sys

import pytest

from rag.citations import REFUSAL_TEXT

pytestmark = pytest.mark.models


def test_answer_is_grounded_and_cites_only_retrieved_items(assistant):
    s = assistant.stream("出车祸了，医保给报销吗？")
    pieces = list(s)
    ans = s.answer
    assert ans is not None and not ans.refused
    assert "".join(pieces).strip() == ans.text  # streamed text is the final text
    retrieved = {h.label for h in ans.retrieved}
    assert ans.citations and {c.label for c in ans.citations} <= retrieved
    assert all(f"[{c.label}]" in ans.text for c in ans.citations)
    assert ans.citations[0].text  # the full source text travels with the citation
    t = ans.timings
    assert t.first_token_s is not None and 0 < t.first_token_s <= t.total_s
    assert t.prompt_tokens > 100 and t.completion_tokens > 0


def test_out_of_scope_is_refused_with_related_items(assistant):
    ans = assistant.answer("今天天气怎么样？")
    assert ans.refused and ans.mode == "refused" and not ans.citations
    assert ans.text.startswith(REFUSAL_TEXT) and "可能相关" in ans.text
    assert ans.timings.first_token_s is None  # the generator was not asked


def test_hubei_specific_answers_are_flagged(assistant):
    ans = assistant.extractive("湖北大病保险起付线是多少？")
    assert ans.citations[0].label == "问12"
    assert "湖北省的规定" in ans.text


def test_batch_of_answers_reuses_one_generator(assistant):
    gen = assistant.generator
    answers = assistant.answer_batch(["社保卡丢了怎么办？", "医保电子凭证怎么激活？"], progress=False)
    assert assistant.generator is gen and len(answers) == 2
    assert all(a.text for a in answers)


def test_cli_ask_json(settings):
    env_args = ["--index-dir", str(settings.index_dir), "--generator", settings.generator]
    proc = subprocess.run(
        [sys.executable, "-m", "rag", "ask", "--json", "老板不给我交医保，多发工资行吗？", *env_args],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= {"answer", "citations", "refused", "retrieved", "timings"}
    assert out["retrieved"][0]["label"] == "问2"
    assert all(c["label"] in {r["label"] for r in out["retrieved"]} for c in out["citations"])


def test_cli_reports_errors_without_a_traceback(settings):
    proc = subprocess.run(
        [sys.executable, "-m", "rag", "ask", "   ", "--index-dir", str(settings.index_dir)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "rag: error: 问题是空的" in proc.stderr and "Traceback" not in proc.stderr


def test_hubei_rates_are_not_given_as_another_regions(assistant):
    ans = assistant.answer("北京职工医保门诊报销比例是多少？")
    assert "问12" not in [c.label for c in ans.citations]  # Hubei's 60% rule is left out
    assert "60%" not in ans.text
    assert ans.refused or any("Hubei-only items left out" in n for n in ans.notes)
