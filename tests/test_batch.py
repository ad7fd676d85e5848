"""Batch answering: output format, bad lines, and resume after a kill (real models)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from rag.batch import BatchError, done_ids, read_questions, run_batch

pytestmark = pytest.mark.models


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_bad_lines_are_reported_with_line_numbers_and_the_rest_processed(tmp_path, assistant):
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        '{"id": "a", "question": "社保卡丢了"}\n'.encode() + b"not json\n"
        b'{"id": "b", "question": "\xff\xfe broken utf-8"}\n'
        b'{"id": "c"}\n'
        b'{"id": "d", "question": "   "}\n'
        b'{"id": "a", "question": "duplicate id"}\n'
    )
    problems: list[str] = []
    assert [q.id for q in read_questions(src, problems)] == ["a", "d", "a"]
    assert any(":2: not valid JSON" in p for p in problems)
    assert any(":3: not valid UTF-8" in p for p in problems)
    assert any(":4: expected an object" in p for p in problems)

    out = tmp_path / "out.jsonl"
    counts = run_batch(assistant, src, out, retrieval_only=True)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "d"]
    assert rows[0]["answer"] is None and rows[0]["retrieved"][0]["label"] == "问10"
    assert rows[1]["error"].startswith("问题是空的")
    assert counts == {"answered": 1, "errors": 1, "skipped_done": 0, "bad_lines": 4}


def test_existing_output_is_never_overwritten_silently(tmp_path, assistant):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, [{"id": 1, "question": "社保卡丢了"}])
    out.write_text('{"id": "x"}\n')
    with pytest.raises(BatchError, match="--resume"):
        run_batch(assistant, src, out, retrieval_only=True)
    with pytest.raises(BatchError, match="must not be the input"):
        run_batch(assistant, src, src, overwrite=True)


def test_csv_in_and_out(tmp_path, assistant):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("id,question\nq1,男的也要交生育保险吗？\nq2,转诊证明怎么开？\n", encoding="utf-8")
    run_batch(assistant, src, out, retrieval_only=True)
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["q1", "q2"]
    assert json.loads(rows[0]["retrieved"])[0]["label"] == "问34"
    assert done_ids(out) == {"q1", "q2"}


def test_generated_batch_lines_have_the_documented_fields(tmp_path, assistant):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, [{"id": "g1", "question": "社保卡丢了看病的钱怎么报？"}])
    run_batch(assistant, src, out)
    row = json.loads(out.read_text(encoding="utf-8"))
    fields = {
        "id",
        "question",
        "answer",
        "body",
        "refused",
        "citations",
        "evidence",
        "retrieved",
        "timings",
        "error",
    }
    assert set(row) == fields
    assert row["answer"] and row["refused"] is False
    assert set(row["citations"][0]) == {"source", "qid", "label"}
    # The answer quotes its evidence verbatim from the cited item.
    assert row["evidence"] and all(set(e) == {"label", "text"} for e in row["evidence"])
    assert all(e["label"] in {c["label"] for c in row["citations"]} for e in row["evidence"])
    assert set(row["retrieved"][0]) == {"source", "qid", "label", "score"}


def test_killed_batch_resumes_without_losing_or_duplicating_lines(tmp_path, settings):
    questions = [f"第{i}个问题：社保卡丢了怎么报销？" for i in range(40)]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, [{"id": f"q{i}", "question": q} for i, q in enumerate(questions)])
    cmd = [sys.executable, "-m", "rag", "batch", str(src), "-o", str(out), "--retrieval-only",
           "--index-dir", str(settings.index_dir)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 5):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = out.read_text(encoding="utf-8").count("\n")
    assert 5 <= partial < 40
    with out.open("a", encoding="utf-8") as f:
        f.write('{"id": "q39", "quest')  # a torn line, as a kill mid-write leaves
    done = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == sorted(f"q{i}" for i in range(40))  # all there, none twice


def test_plan_groups_questions_by_top_item_and_answers_keep_input_order(assistant):
    qs = ["社保卡丢了怎么办？", "男的也要交生育保险吗？", "社保卡丢了，看病怎么报销？", "   "]
    plan = assistant.plan(qs)
    order = [i for i, _ in plan]
    assert sorted(order) == [0, 1, 2, 3]
    assert abs(order.index(0) - order.index(2)) == 1  # same top item: worked one after the other
    assert dict(plan)[3] is None  # the empty question stays in the plan, to fail when answered
    answers = assistant.answer_batch(qs[:3], progress=False)
    assert [a.question for a in answers] == qs[:3]
