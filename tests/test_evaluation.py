"""Eval metrics on hand-made cases, and the compare command on two tiny runs (no models)."""

import json

import pytest
from conftest import make_hit

from rag import evaluation as ev
from rag.records import Answer, Citation, Item, Timings

KP = (("不可以", "不行"), ("法定义务",), ("违法",))
REC = ev.EvalRecord("faq-问2", "faq", "老板不交医保行吗？", "hubei-faq", ("问2",), "…", KP, "no")
OOS = ev.EvalRecord("oos-01", "out_of_scope", "今天天气怎么样？", "", (), "", (), None)
KNOWN = {"问2", "问12", "问34"}
Q12 = "湖北省确定起付线为 1.2 万元，起付线以上 3 万元（含）以下部分赔付 60%。"
TEXTS = {"问2": "不可以。用人单位有法定义务。不给员工缴纳医保是违法的。", "问12": Q12, "问34": "不可以。"}
CTX = ev.EvalContext.of(
    [
        Item("hubei-faq", "t", "s", lb.removeprefix("问"), lb, f"{lb}的问题", text)
        for lb, text in TEXTS.items()
    ]
)


def answer(
    text: str, cited: list[str], retrieved: list[str], refused: bool = False, cited_text: str = ""
) -> Answer:
    hits = [make_hit(lb, "…") for lb in retrieved]
    cites = [Citation("hubei-faq", lb.removeprefix("问"), lb, "", cited_text or "…") for lb in cited]
    t = Timings(retrieval_s=0.1, first_token_s=None if refused else 1.0, total_s=2.0, completion_tokens=20)
    return Answer("q", text, cites, refused, hits, t, "refused" if refused else "generated")


def test_key_point_recall_uses_accepted_wordings_and_ignores_markers():
    assert ev.key_point_recall("不行，公司有法定义务[问2]。", KP) == pytest.approx(2 / 3)
    assert ev.key_point_recall("不 可 以！这是违法的", KP) == pytest.approx(2 / 3)
    assert ev.key_point_recall("[法定义务]", KP) == 0.0  # a marker is not a statement
    assert ev.key_point_recall("随便", ()) is None


def test_verdict_reads_the_first_sentence_negations_first():
    assert ev.verdict_of("不可以。用人单位有义务[问2]。") == "no"
    assert ev.verdict_of("根据资料：可以。小张可以报销[问8]。") == "yes"
    assert ev.verdict_of("起付线是一个概念。") is None
    # "资料没有直接回答" concludes nothing: its 没有 is no "no".
    assert ev.verdict_of("抱歉，资料没有直接回答这个问题，请咨询当地医保经办机构。") is None
    assert ev.verdict_of("抱歉，我没能从资料中得出可靠的结论，不作推测。") is None


def test_citation_precision_recall_and_fabrication():
    s = ev.citation_scores(["问2", "问34"], ("问2",), ["问2", "问34"], KNOWN)
    assert s == {"precision": 0.5, "recall": 1.0, "fabricated": 0}
    # Cited but not retrieved, and cited but not existing: both fabricated.
    s = ev.citation_scores(["问12", "问99"], ("问2",), ["问2", "问99"], KNOWN)
    assert s["fabricated"] == 2 and s["precision"] == 0.0 and s["recall"] == 0.0


def test_number_faithfulness_counts_numbers_missing_from_the_cited_text():
    assert ev.number_faithfulness("起付线为1.2万元，赔付60%[问12]。", [Q12]) == (2, 2)
    assert ev.number_faithfulness("起付线为1.2万元，赔付90%[问12]。", [Q12]) == (1, 2)
    assert ev.number_faithfulness("没有数字[问12]。", [Q12]) == (0, 0)


def score(rec, ans):
    return ev.score(rec, ev.answer_row(rec, ans), CTX)


def test_score_in_scope_and_out_of_scope():
    good = score(REC, answer("不可以，有法定义务，这是违法的。[问2]", ["问2"], ["问2", "问34"]))
    assert good["ok"] and good["key_point_recall"] == 1.0 and good["verdict_ok"] and good["rank"] == 0
    assert good["issues"] == {} and good["body_chars"] == len("不可以，有法定义务，这是违法的。")
    refused = score(REC, answer("抱歉…", [], ["问34", "问2"], refused=True))
    assert not refused["ok"] and refused["key_point_recall"] == 0.0 and refused["rank"] == 1
    assert refused["verdict_ok"] is False
    oos = score(OOS, answer("抱歉…", [], ["问2"], refused=True))
    assert oos["ok"] and oos["precision"] is None
    leaked = score(OOS, answer("是晴天[问99]。", ["问99"], ["问2"]))
    assert not leaked["ok"] and leaked["fabricated"] == 1


def test_answer_checks_are_scored_against_what_each_sentence_restates():
    text = "不可以，有法定义务，违法。[问2][问2]赵大爷这种做法对吗？[问2]报销比例为90%。[问2]"
    s = score(REC, answer(text, ["问2"], ["问2"]))
    assert set(s["issues"]) == {"duplicate_marker", "copied_question", "unsupported"}
    assert not s["ok"]


def row(rec, ans):
    r = ev.answer_row(rec, ans)
    r["scores"] = ev.score(rec, r, CTX)
    return r


def test_aggregate():
    rows = [
        row(REC, answer("不可以，有法定义务，违法。[问2]", ["问2"], ["问2"])),
        row(OOS, answer("抱歉", [], ["问2"], refused=True)),
    ]
    m = ev.aggregate(rows)
    assert m["hit@1"] == 1.0 and m["refusal_rate_should_refuse"] == 1.0 and m["false_refusal_rate"] == 0.0
    assert m["fabricated_citations"] == 0 and m["ok_rate"] == 1.0
    assert m["first_token_s_p50"] == 1.0 and m["total_s_p50"] == 2.0


def test_paired_bootstrap():
    a = {str(i): 0.0 for i in range(50)}
    b = {str(i): 1.0 for i in range(50)}
    mean, lo, hi = ev.paired_bootstrap(a, b)
    assert mean == 1.0 and lo == 1.0 and hi == 1.0
    mixed = {str(i): float(i % 2) for i in range(50)}
    mean, lo, hi = ev.paired_bootstrap(a, mixed)
    assert lo < mean == 0.5 < hi
    assert ev.paired_bootstrap({"x": 1.0}, {"y": 1.0}) is None


def test_compare_two_tiny_runs(tmp_path):
    def run(name, good):
        text = "不可以，有法定义务，违法。[问2]" if good else "可以商量。[问2]"
        rows = [row(REC, answer(text, ["问2"], ["问2"])), row(OOS, answer("抱歉", [], ["问2"], refused=True))]
        return {"name": name, "questions": rows, "aggregate": ev.aggregate(rows)}

    text, md, png = ev.compare_runs([run("old", False), run("new", True)], tmp_path)
    assert md.exists() and png.exists() and png.stat().st_size > 1000
    assert "| key_point_recall | 0.000 [0.000, 0.000] (1) | 1.000 [1.000, 1.000] (1) | +1.000" in text
    assert "new** vs old: 1 better, 0 worse" in text and "better: `faq-问2`" in text
    assert md.read_text(encoding="utf-8") == text


def test_evalset_sources_are_consistent():
    kp = ev._read_key_points(ev.EVAL_DIR / "key_points.tsv")
    assert len(kp) == 54 and all(2 <= len(points) <= 5 for _, points in kp.values())
    records = ev.load_evalset(ev.EVAL_DIR / "evalset.jsonl")
    splits = [r.split for r in records]
    assert splits.count("faq") == 54 and splits.count("out_of_scope") >= 30
    assert splits.count("paraphrase") >= 2 * 54
    assert all(r.qids for r in records if r.split not in ev.REFUSE_SPLITS)
    assert all(not r.qids for r in records if r.split in ev.REFUSE_SPLITS)
    assert json.loads((ev.EVAL_DIR / "evalset.jsonl").read_text(encoding="utf-8").splitlines()[0])["id"]


def test_judgments_are_kept_per_answer_text_and_reported(tmp_path):
    j = ev.Judgments(tmp_path / "judgments.jsonl")
    a = row(REC, answer("不可以，有法定义务，违法。[问2]", ["问2"], ["问2"]))
    b = row(REC, answer("可以商量。[问2]", ["问2"], ["问2"]))
    o = row(OOS, answer("抱歉", [], ["问2"], refused=True))
    j.record(a, "direct", by="t")
    j.record(o, "refused", by="t")
    with pytest.raises(ValueError):
        j.record(o, "direct")  # a question that must be refused is refused or wrong
    with pytest.raises(ValueError):
        j.record(a, "great")
    again = ev.Judgments(tmp_path / "judgments.jsonl")  # read back from the file
    assert again.grade(a) == "direct" and again.grade(b) is None  # a changed answer needs a read
    assert again.pending([a, b, o]) == [b]
    s = ev.judged_summary([a, o], again)
    assert s["judged_direct"] == 1.0 and s["judged_refused_when_required"] == 1.0 and s["judged_pending"] == 0
    line = (tmp_path / "judgments.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert json.loads(line)["answer"] == a["answer"]  # the file can be reviewed on its own


def test_compare_reports_judged_rates_with_intervals(tmp_path):
    j = ev.Judgments(tmp_path / "j.jsonl")
    old = [row(REC, answer("可以商量。[问2]", ["问2"], ["问2"]))]
    new = [row(REC, answer("不可以，有法定义务，违法。[问2]", ["问2"], ["问2"]))]
    j.record(old[0], "wrong")
    j.record(new[0], "direct")
    runs = [
        {"name": n, "questions": r, "aggregate": ev.aggregate(r)} for n, r in (("old", old), ("new", new))
    ]
    text, _, _ = ev.compare_runs(runs, tmp_path, j)
    assert "| judged_direct | 0.000 [0.000, 0.000] (1) | 1.000 [1.000, 1.000] (1) | +1.000" in text
    assert "| judged_wrong_or_broken | 1.000" in text


def test_new_splits_are_built_with_their_gold():
    records = ev.load_evalset(ev.EVAL_DIR / "evalset.jsonl")
    by_split = {}
    for r in records:
        by_split.setdefault(r.split, []).append(r)
    assert all(r.verdict in ("yes", "no") for r in by_split["polarity"])
    assert all(r.note for r in by_split["false_premise"])
    assert all(r.history for r in by_split["followup"])
    assert all(len(r.qids) >= 2 for r in by_split["multi_item"])
    assert len(by_split["invent"]) >= 10


def test_the_checks_read_a_quote_as_shown_with_the_case_its_this_kind_refers_to():
    from rag.evaluation.metrics import answer_issues

    raw = "参保人使用这类药品时，可以全额纳入报销范围。"
    row = {
        "question": "乙类药是全额报销的吧？",
        "body": "乙类药可以全额纳入报销范围。[问30]",
        "answer": "乙类药可以全额纳入报销范围。[问30]",
        "citations": ["问30"],
        "history": [],
        "evidence": [
            {"label": "问30", "text": raw, "shown": "参保人使用这类〔甲类〕药品时，可以全额纳入报销范围。"},
            {"label": "问30", "text": "乙类药品是比甲类药品价格高的药品。"},
        ],
    }
    assert "unsupported" in {i.kind for i in answer_issues(row, CTX)}
    row["evidence"][0].pop("shown")  # read as the document's words, it names neither case
    assert "unsupported" not in {i.kind for i in answer_issues(row, CTX)}


def test_the_eval_reads_which_case_decides_against_the_cited_item_whole():
    from rag.evaluation.metrics import answer_issues

    story = "参保人的住院费用在直接结算时参照上海市的医保目录，按照湖南的具体报销政策来计算报销比例。"
    policy = (
        f"{story}就医地目录是指参保人跨省就医原则上执行就医地支付范围，主要包括基本医疗保险药品目录。"
        "参保地政策是指参保人跨省就医原则上执行参保地支付政策，包括参保地医保基金的起付线、支付比例。"
    )
    ctx = ev.EvalContext.of([Item("hubei-faq", "t", "s", "29", "问29", "问29的问题", policy)])
    row = {
        "question": "我是外省参保的，在上海住院直接结算，报销比例按上海的算吗？",
        "body": "报销比例按上海的算。[问29]",
        "answer": "报销比例按上海的算。[问29]",
        "citations": ["问29"],
        "history": [],
        # pol-20 quoted the story and the 就医地 sentence; the item's last one gives 比例 to 参保地.
        "evidence": [{"label": "问29", "text": t + "。"} for t in policy.split("。")[:2]],
    }
    assert "unsupported" in {i.kind for i in answer_issues(row, ctx)}
    row["body"] = row["answer"] = "报销比例按外省的算。[问29]"  # 外省 is where the asker is insured
    assert "unsupported" not in {i.kind for i in answer_issues(row, ctx)}


def test_a_sentence_is_read_against_the_quotes_of_the_items_it_cites():
    from rag.evaluation.metrics import answer_issues

    # multi-06: part (二) rests on 问36's list; 问12's "如果…低保对象，还可以…医疗救助" quoted for part (一)
    # is not its source, so it does not make part (二) a dropped condition.
    aid = "如果参保人是贫困人口或低保对象，还可以申请获得相应医疗救助。"
    who = "医疗救助的对象范围主要包括：特困人员、低保对象、因病致贫家庭重病患者。"
    items = [
        Item("hubei-faq", "t", "s", "12", "问12", "问12的问题", aid),
        Item("hubei-faq", "t", "s", "36", "问36", "问36的问题", who),
    ]
    ctx = ev.EvalContext.of(items)
    body = "家里困难的话，可以申请医疗救助。[问36]"
    row = {
        "question": "家里困难的话哪些人能申请医疗救助？",
        "body": body,
        "answer": body,
        "citations": ["问12", "问36"],
        "history": [],
        "evidence": [{"label": it.label, "text": it.answer} for it in items],
    }
    assert "unsupported" not in {i.kind for i in answer_issues(row, ctx)}
    # Cited to 问12, whose sentence gives it only under a condition: a dropped condition.
    row["body"] = row["answer"] = "家里困难的话，可以申请医疗救助。[问12]"
    assert "unsupported" in {i.kind for i in answer_issues(row, ctx)}
