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


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("醫保卡可以借給朋友去藥店拿藥嗎？", {"问40"}),  # traditional characters
        ("老闆說不給我交醫保，多發工資，這樣合法嗎", {"问2"}),
        ("意地就医备按怎么办", {"异地就医·备案办理", "问26"}),  # two pinyin typos
        ("医宝卡丢了 看病怎么报", {"问10"}),
        ("生育险 男的", {"问34"}),  # terse keywords
        ("我的 medical insurance card 能借给同事用吗", {"问40"}),  # mixed Chinese and English
    ],
)
def test_questions_asked_the_hard_ways_find_their_item(assistant, question, gold):
    assert {h.label for h in assistant.retrieve(question, k=3)} & gold


def test_an_exact_tie_goes_to_the_item_leading_by_more(assistant):
    # Probe 83: 问34 was first by answer cosine (0.597 to 0.595), 问33 by question cosine and BM25
    # (23.5 to 7.8): the fused ranks tie exactly, and the tie went to the higher cosine.
    hits = assistant.retrieve("我老婆单位说生育险并到医保里了，那以后生孩子的费用还管不管？", k=2)
    assert hits[0].score == hits[1].score
    assert hits[0].label == "问33"


def test_a_long_story_is_searched_by_the_question_at_its_end(assistant):
    story = "我今年五十多了，在老家种了二十年地，孩子们都在外地打工，家里还有两头牛，" * 12
    hits = assistant.retrieve(story + "请问男的到底要不要交生育保险？", k=3)
    assert "问34" in {h.label for h in hits}


@pytest.mark.parametrize(
    ("previous", "follow_up", "gold"),
    [
        ("药店让我用医保卡买洗发水，这样行吗？", "那我该去哪举报？", "问38"),
        ("社保卡丢了看病怎么报销？", "那以后能不能直接用手机？", "问21"),
    ],
)
def test_a_follow_up_finds_what_it_newly_asks_about(assistant, previous, follow_up, gold):
    from rag.question import parse

    query = parse(follow_up, [previous], 1000)
    joined_hits, found_hits = assistant.retriever.search(query.search, 5), assistant.retriever.find(query, 5)
    joined, found = [h.label for h in joined_hits], [h.label for h in found_hits]
    assert found[0] == gold and joined[0] != gold  # the joined question alone stays on the old topic
    assert set(found) <= set(joined) | {h.label for h in assistant.retriever.search(query.search, 10)}
    # The scope decision was fitted on the joined question's fusion: reordering must not move it.
    assert assistant.scope.probability(found_hits) == assistant.scope.probability(joined_hits)


def test_the_index_holds_every_way_to_ask(assistant):
    kinds = {c.kind for c in assistant.index.chunks}
    assert {"answer", "question"} <= kinds
    hit = assistant.retrieve("男的也要交生育保险吗？", k=1)[0]
    assert hit.text in hit.full_text  # the shown chunk is a piece of the answer, never a phrasing


def test_int8_questions_keep_the_index_and_stay_close_to_full_precision(assistant, settings):
    import numpy as np

    from rag.embedding.pytorch import TorchEmbedder

    full = assistant.retriever.embedder
    q8 = TorchEmbedder(settings.embedder, settings.models_dir, settings.n_threads, int8_queries=True)
    assert q8.model_id == full.model_id  # documents are embedded as before: the index stays fresh
    docs = ["用人单位应当为职工缴纳职工基本医疗保险费。"]
    assert np.allclose(q8.embed_documents(docs), full.embed_documents(docs), atol=1e-5)
    questions = ["老板不给我交医保行吗？", "异地急诊需要提前备案吗？", "起付线是什么意思？"]
    cosines = (q8.embed_queries(questions) * full.embed_queries(questions)).sum(axis=1)
    # Close (0.92–0.95 measured), not equal: the drift is what moves the scope decision's scores.
    assert cosines.min() > 0.9, cosines


def test_bf16_questions_keep_the_index_and_match_float32_ones(settings):
    import numpy as np

    from rag.embedding.pytorch import TorchEmbedder, native_bf16

    f32 = TorchEmbedder(settings.embedder, settings.models_dir, settings.n_threads, bf16_queries=False)
    assert f32.query_model is f32.model
    if not native_bf16():
        pytest.skip("this CPU computes bfloat16 by emulation: questions stay float32")
    b16 = TorchEmbedder(settings.embedder, settings.models_dir, settings.n_threads, bf16_queries=True)
    assert b16.query_model is not b16.model and b16.model_id == f32.model_id  # the index stays fresh
    questions = ["老板不给我交医保行吗？", "異地急診需要提前備案嗎？", "起付线是什么意思？"]
    found = b16.embed_queries(questions)
    assert found.dtype == np.float32
    # Near-equal (≥ 0.9993 over 200 eval questions): the scope calibration holds without refitting.
    assert (found * f32.embed_queries(questions)).sum(axis=1).min() > 0.998


def test_the_onnx_export_gives_the_vectors_pytorch_gives(assistant, settings):
    import numpy as np

    from rag.embedding.ort import OnnxEmbedder
    from rag.embedding.pytorch import TorchEmbedder

    onnx = assistant.retriever.embedder
    assert isinstance(onnx, OnnxEmbedder)  # the default backend
    torch = TorchEmbedder(settings.embedder, settings.models_dir, settings.n_threads, bf16_queries=False)
    assert onnx.model_id == torch.model_id and onnx.dim == torch.dim  # the same index and scope fit
    questions = ["老板不给我交医保行吗？", "医保卡丢了怎么办", "异地就医能报多少钱，和本地一样吗？" * 3]
    found = onnx.embed_queries(questions)
    assert found.dtype == np.float32 and found.shape == (3, torch.dim)
    assert (found * torch.embed_queries(questions)).sum(axis=1).min() > 0.99999
    # A batch pads its shorter texts: padding must not move their vectors.
    docs = ["用人单位应当为职工缴纳职工基本医疗保险费。", "医保", "起付线以下的费用由个人负担。" * 20]
    padded = onnx.embed_documents(docs, batch_size=3)
    assert (padded * torch.embed_documents(docs)).sum(axis=1).min() > 0.99999


def test_a_damaged_onnx_export_is_caught_with_the_fix(assistant, settings, tmp_path):
    import json
    import shutil

    from rag.embedding.ort import GRAPH, META, OnnxEmbedder, export_dir
    from rag.models import ModelError

    onnx = assistant.retriever.embedder
    models = tmp_path / "models"
    models.mkdir()
    for entry in (settings.models_dir).glob(f"{settings.embedder}*"):
        (models / entry.name).symlink_to(entry.resolve())  # the provisioned weights, not a copy
    folder = export_dir(models, onnx.model_id)
    folder.mkdir(parents=True)
    meta = json.loads((onnx.folder / META).read_text(encoding="utf-8"))
    for f in onnx.folder.iterdir():
        if f.name != META:
            (folder / f.name).symlink_to(f)
    # Vectors that no longer match the model the export was made from.
    meta["probe_vector"] = [-x for x in meta["probe_vector"]]
    (folder / META).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match=r"other vectors.*rag provision embeddinggemma-300m --force"):
        OnnxEmbedder(settings.embedder, models, settings.n_threads)
    # A graph file that is not a graph.
    shutil.copy(onnx.folder / META, folder / META)
    (folder / GRAPH).unlink()
    (folder / GRAPH).write_bytes(b"not an onnx graph")
    with pytest.raises(ModelError, match=r"does not load.*--force"):
        OnnxEmbedder(settings.embedder, models, settings.n_threads)


def test_the_item_closest_in_meaning_goes_first_when_it_clearly_leads():
    from conftest import make_hit

    from rag.retrieval import lead_first

    # Probe 88: 异地就医·问9 led every item by 0.05 in cosine and was fused fourth.
    fused = [make_hit("异地就医·问8", "x", dense=0.545), make_hit("异地就医·异地转诊", "y", dense=0.492)]
    near = make_hit("异地就医·问9", "z", dense=0.597)
    assert lead_first([*fused, near], 0.03)[0] is near
    assert lead_first([*fused, near], 0.0)[0] is fused[0]  # off
    # A lead under the threshold, or the fused first already closest: the order stands.
    close = make_hit("异地就医·问9", "z", dense=0.560)
    assert lead_first([*fused, close], 0.03)[0] is fused[0]
    assert lead_first([near, *fused], 0.03) == [near, *fused]
