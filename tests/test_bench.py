"""Benchmark helpers: statistics, bandwidth, question sampling, the report table (no models)."""

import json

import pytest

from rag.bench import _ratios, markdown, measure_bandwidth, pct, sample_questions


def test_percentiles_skip_missing_values():
    assert pct([1.0, None, 3.0, 2.0], 50) == 2.0  # type: ignore[list-item]
    assert pct([], 50) is None


def test_bandwidth_is_measured_in_gb_per_second():
    bw = measure_bandwidth(threads=2, mb=64, repeats=2)
    assert 0.5 < bw["single_thread_gb_s"] < 1000
    assert bw["read_gb_s"] >= bw["single_thread_gb_s"]


def test_sample_spreads_over_in_scope_questions(tmp_path):
    path = tmp_path / "set.jsonl"
    split = ["out_of_scope", "faq", "faq"]
    rows = [{"id": f"q{i}", "split": split[i % 3], "question": f"问题{i}"} for i in range(30)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    qs = sample_questions(path, 5)
    assert len(qs) == 5 and all(q.split == "faq" for q in qs)
    assert len({q.id for q in qs}) == 5 and qs[0].id == "q1" and qs[-1].id != "q5"


def test_ratios_and_table_from_measurements():
    row = {"first_token_s_p90": 2.0, "total_s_p50": 5.0, "total_s_p90": 9.0, "prompt_tokens_p50": 400,
           "decode_tok_s_p50": 27.0, "cold_start_s": 12.0, "batch_q_per_min": 15.0,
           "peak_rss_mb": 3000}  # fmt: skip
    e = {"bound_tok_s": 30.0, "ours": {**row, "first_token_s_p50": 0.5, "cached_tokens_p50": 300,
         "warm_up": {"loaded": 70}, "warm_up_s": 1.0},
         "langchain": {**row, "first_token_s_p50": 4.0, "batch_q_per_min": 5.0}}  # fmt: skip
    _ratios(e)
    assert e["decode_vs_bound"] == pytest.approx(0.9)
    assert e["langchain_over_ours"]["first_token_s_p50"] == 8.0
    assert e["langchain_over_ours"]["batch_q_per_min"] == 3.0
    r = {"created": "now", "machine": {"cpu": "x", "cores": 2, "ram_gib": 24},
         "bandwidth": {"read_gb_s": 33.0, "single_thread_gb_s": 20.0, "threads": 2,
                       "multi_thread_gb_s": 33.0},
         "questions": [1, 2], "retrieval": {"index_build_s": 40.0, "chunks": 73, "retrieval_s_p50": 0.02,
         "retrieval_s_p99": 0.05, "retrieval_n": 194}, "generators": {"g": e}}  # fmt: skip
    md = markdown(r)
    assert "| g | ours | 0.50 / 2.00 s" in md and "| g | langchain | 4.00 / 2.00 s" in md
    assert "first token p50 ×8.00" in md and "90%" in md
