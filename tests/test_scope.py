"""Issue 11's pure logic: question normalisation, keyword bigrams, ways-to-ask chunks, phrasings
file, the scope decision and its calibration — without models."""

import json

import pytest
from conftest import make_hit

from rag import phrasings
from rag.chunking import chunk_items
from rag.cli import SettingsError, build_parser, settings_from
from rag.evaluation.calibration import Sample, fit, held_out, rates, wilson
from rag.evaluation.evalset import EvalRecord
from rag.keyword import KeywordIndex, bigrams, tokenize
from rag.normalise import normalise_query
from rag.question import Query
from rag.records import Item
from rag.scope import FILE_NAME, CosineScope, LogisticScope, ScopeError, features, load_scope


def test_questions_are_normalised_like_the_documents():
    assert normalise_query("醫保卡可以借給老闆用嗎") == "医保卡可以借给老板用吗"
    assert normalise_query("ＭＥＤＩＣＡＬ保险１２３，") == "medical保险123，"  # punctuation kept
    assert normalise_query("异地僦医") == "异地就医"


def test_bigrams_keep_a_match_when_one_character_is_wrong():
    assert bigrams("医保卡 ok 就医") == ["#医保", "#保卡", "#就医"]
    docs = ["医保卡可以借给家人用吗", "异地就医备案怎么办理", "生育保险男职工要交吗"]
    words_only, with_bigrams = KeywordIndex(docs, ngrams=False), KeywordIndex(docs, ngrams=True)
    typo = "意地就医备按"  # two pinyin typos
    assert with_bigrams.scores(typo).argmax() == 1
    assert with_bigrams.scores(typo)[1] > words_only.scores(typo)[1]
    assert "#医保" not in tokenize("医保卡")  # words only unless asked


ITEMS = [
    Item("d", "D", "", "1", "问1", "小王能不能借医保卡？", "不可以。" * 5),
    Item("d", "D", "", "2", "问2", "男职工交生育保险吗？", "要交。"),
]


def test_items_are_indexed_by_every_way_they_can_be_asked():
    chunks = chunk_items(ITEMS, 320, 40, {"问1": ["医保卡能借人吗", "卡借给亲戚用行不行"]}, questions=True)
    kinds = [(c.label, c.kind) for c in chunks]
    assert kinds == [
        ("问1", "answer"), ("问2", "answer"), ("问1", "question"), ("问1", "phrasing"),
        ("问1", "phrasing"), ("问2", "question"),
    ]  # fmt: skip
    assert [c.chunk_id for c in chunks] == list(range(6))
    assert chunks[3].embed_text() == "医保卡能借人吗"  # a phrasing is embedded alone
    assert chunks[0].embed_text().startswith("小王能不能借医保卡？\n")  # an answer piece with its question
    assert [c.kind for c in chunk_items(ITEMS, 320, 40)] == ["answer", "answer"]


def test_phrasings_file_round_trip_and_cleaning(tmp_path):
    path = tmp_path / "phrasings.tsv"
    phrasings.write(path, {"问1": ["医保卡能借人吗"], "问2": ["男的交生育险吗"]})
    assert phrasings.read(path) == {"问1": ["医保卡能借人吗"], "问2": ["男的交生育险吗"]}
    assert path.read_text(encoding="utf-8").startswith("#")
    assert phrasings.read(tmp_path / "absent.tsv") == {}
    (tmp_path / "bad.tsv").write_text("问1 no tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:1"):
        phrasings.read(tmp_path / "bad.tsv")
    raw = [
        "1. 医保卡能借给家里人用吗？",
        "2、医保卡能借给家里人用吗",  # near duplicate of the first
        "小王的卡能借吗",  # a story character
        "医保卡可以外借吗" + "很长" * 30,  # too long
        "公司不给交医保算违法吗",  # an eval question
        "- 卡丢了还能报销吗",
    ]
    kept = phrasings.clean(raw, frozenset({"小王"}), avoid=["公司不给交医保，算违法吗？"])
    assert kept == ["医保卡能借给家里人用吗？", "卡丢了还能报销吗"]


def test_scope_features_and_the_logistic_decision(tmp_path):
    strong = [make_hit("问1", "x", dense=0.8), make_hit("问2", "y", dense=0.55)]
    weak = [make_hit("问1", "x", dense=0.45), make_hit("问2", "y", dense=0.44)]
    assert features(strong)[:2] == pytest.approx([0.8, 0.25])
    assert features([]) == [0.0, 0.0, 0.0, 0.0]
    model = LogisticScope("emb", [0.5, 0.05, 0.5, 0.5], [0.1, 0.05, 0.5, 0.5], [2.0, 1.0, 0.5, 0.5], 0.0, 0.5)
    assert model.in_scope(strong) and not model.in_scope(weak)
    assert not model.in_scope([])
    model.save(tmp_path / FILE_NAME)
    loaded, status = load_scope(tmp_path, "emb", 0.5)
    assert status == "calibrated" and loaded == model
    other, status = load_scope(tmp_path, "another-embedder", 0.5)
    assert isinstance(other, CosineScope) and "another-embedder" in status
    fallback, status = load_scope(tmp_path / "nowhere", "emb", 0.5)
    assert fallback == CosineScope(0.5) and "no scope.json" in status
    (tmp_path / FILE_NAME).write_text(json.dumps({"weights": "nonsense"}), encoding="utf-8")
    with pytest.raises(ScopeError, match="rag eval calibrate"):
        load_scope(tmp_path, "emb", 0.5)


def _sample(dense: float, gap: float, in_scope: bool, i: int) -> Sample:
    rec = EvalRecord(f"r{i}", "paraphrase" if in_scope else "out_of_scope", f"q{i}", "", (), "", (), None)
    hits = [make_hit("问1", "x", dense=dense), make_hit("问2", "y", dense=dense - gap)]
    return Sample(rec, Query(rec.question, rec.question), hits, in_scope, held_out=False)


def test_calibration_fits_a_threshold_within_the_false_refusal_budget():
    part = [_sample(0.55 + 0.003 * i, 0.05, True, i) for i in range(100)]
    part += [_sample(0.35 + 0.002 * i, 0.01, False, 100 + i) for i in range(50)]
    model = fit(part, "emb", max_false_refusal=0.01)
    r = rates(model, part)
    assert r["false_refusals"] <= 1 and r["oos_refused"] == 50
    assert rates(lambda x: True, part)["oos_refused"] == 50  # any rule can be measured
    assert r["oos_refusal_ci"][1] == 1.0 and r["false_refusal_ci"][1] < 0.06


def test_wilson_intervals_and_stable_halves():
    assert wilson(0, 0) is None
    lo, hi = wilson(50, 50)
    assert hi == 1.0 and 0.9 < lo < 0.95
    assert held_out("医保卡能借人吗") == held_out("医保卡能借人吗")
    halves = [held_out(f"问题{i}") for i in range(400)]
    assert 150 < sum(halves) < 250


def test_any_setting_can_be_set_from_the_command_line():
    args = build_parser().parse_args(["index", "--set", "asked_weight=0", "--set", "keyword_ngrams=false"])
    s = settings_from(args)
    assert s.asked_weight == 0.0 and s.keyword_ngrams is False
    for bad in (["--set", "no_such=1"], ["--set", "asked_weight"], ["--set", "top_k=many"]):
        with pytest.raises(SettingsError):
            settings_from(build_parser().parse_args(["index", *bad]))


def test_the_reviewed_phrasings_name_real_items_and_do_not_copy_the_eval():
    from rag.corpus import load_items
    from rag.evaluation.evalset import EVAL_DIR, load_evalset
    from rag.settings import Settings

    corpus = Settings().corpus_dir
    labels = {it.label for it in load_items(corpus)}
    asked = phrasings.read(corpus / phrasings.FILE_NAME)
    assert asked and set(asked) <= labels
    eval_questions = [r.question for r in load_evalset(EVAL_DIR / "evalset.jsonl")]
    for label, ps in asked.items():
        for p in ps:
            close = [q for q in eval_questions if phrasings.near(p, q) >= phrasings.NEAR_EVAL]
            assert not close, f"{label}: {p!r} is too close to eval question(s) {close}"


def test_the_keyword_side_also_searches_for_the_documents_words_for_the_askers():
    docs = ["异地就医回参保地住院需要办理手续吗", "用人单位必须为职工缴纳医保", "生育保险男职工要交吗"]
    plain = KeywordIndex(docs, ngrams=True)
    synonyms = KeywordIndex(docs, ngrams=True, synonyms={"老家": "参保地", "公司": "单位"})
    home = "回老家住院要办手续吗"
    assert synonyms.scores(home)[0] > plain.scores(home)[0]
    assert synonyms.scores("公司不交医保")[1] > plain.scores("公司不交医保")[1]
    # A question without those words scores as before.
    assert (synonyms.scores("生育保险") == plain.scores("生育保险")).all()


def test_synonyms_file_is_read_and_a_broken_line_is_reported(tmp_path):
    from rag.documents.blocks import DocumentError
    from rag.keyword import SYNONYMS_FILE, read_synonyms

    path = tmp_path / SYNONYMS_FILE
    assert read_synonyms(path) == {}  # no file: no synonyms
    path.write_text("# comment\n老家\t参保地\n外省\t异地 跨省\n", encoding="utf-8")
    assert read_synonyms(path) == {"老家": "参保地", "外省": "异地 跨省"}
    path.write_text("老家 参保地\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="1: expected"):  # the CLI prints it as "rag: error: …"
        read_synonyms(path)


def test_the_projects_synonyms_name_words_the_documents_use():
    from pathlib import Path

    from rag.keyword import SYNONYMS_FILE, read_synonyms

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    text = "".join(p.read_text(encoding="utf-8") for p in corpus.glob("*.txt"))
    for word, words in read_synonyms(corpus / SYNONYMS_FILE).items():
        assert all(w in text for w in words.split()), (word, words)
