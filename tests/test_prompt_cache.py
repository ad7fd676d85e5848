"""Prompt-head KV states with the real small generator: a restored head answers exactly like one
computed from scratch, whatever was asked before; states survive a restart through disk; a corrupt
file is recomputed."""

import pytest

from rag import Assistant

pytestmark = pytest.mark.models

Q = "社保卡丢了怎么办？"
OTHER = "医保电子凭证怎么激活？"


def twin(assistant: Assistant, **overrides: object) -> Assistant:
    """Another assistant on the same corpus, index and embedder, with its own generator."""
    s = assistant.settings.with_overrides(**overrides)
    return Assistant(s, assistant.items, assistant.index, assistant.retriever.embedder)


@pytest.fixture(scope="module")
def first(assistant, tmp_path_factory):
    """Q asked first in a fresh process: its head is computed."""
    kv = tmp_path_factory.mktemp("kv")
    return twin(assistant, kv_cache_dir=kv).answer(Q), kv


def test_a_restored_head_answers_exactly_like_a_computed_one(assistant, first):
    reference, kv = first
    # Two states, in a folder per model file: the shared base (instructions and worked examples)
    # and the head of Q's top item computed on top of it.
    assert len(list(kv.rglob("*.kv"))) == 2
    restarted = twin(assistant, kv_cache_dir=kv)  # a new process: only the disk is shared
    restarted.answer(OTHER)  # the live context now holds another item
    again = restarted.answer(Q)
    assert again.text == reference.text
    # Everything up to the question came from the restored state.
    assert again.timings.cached_tokens > reference.timings.prompt_tokens // 2
    assert again.timings.prompt_tokens == reference.timings.prompt_tokens


def test_answers_do_not_depend_on_what_was_asked_before(assistant, first, tmp_path):
    reference, _ = first
    a = twin(assistant, kv_cache_dir=tmp_path)
    a.answer(OTHER)
    assert a.answer(Q).text == reference.text  # head computed after another question
    assert a.answer(Q).text == reference.text  # head still live from the previous call


def test_a_corrupt_state_file_is_recomputed(assistant, first, tmp_path):
    reference, _ = first
    twin(assistant, kv_cache_dir=tmp_path).answer(Q)
    path = max(tmp_path.rglob("*.kv"), key=lambda p: p.stat().st_size)  # the head (the base is shorter)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    fresh = twin(assistant, kv_cache_dir=tmp_path)
    assert fresh.answer(Q).text == reference.text
    assert path.is_file() and path.stat().st_size > 1000  # written again, whole


def test_warm_covers_every_head_once(assistant, tmp_path):
    a = twin(assistant, kv_cache_dir=tmp_path, kv_cache_mb=4096)
    heads = a.prompt_heads()
    assert len(heads) <= len(a.index.chunks)
    assert len({p.cache_head for p in heads}) == len(heads)
    counts = a.warm(progress=False)
    assert counts.get("computed", 0) + counts.get("live", 0) == len(heads)
    assert len(list(tmp_path.rglob("*.kv"))) == counts.get("computed", 0) + 1  # and the shared base
    assert a.warm(progress=False) == {"loaded": len(heads)}  # second time: nothing to compute
    # A state that is no standard head — a question naming a story character has its own — stays
    # while the corpus is unchanged: dropping it at every start made each restart recompute it.
    folder = next(tmp_path.rglob("*.kv")).parent
    other = folder / ("0" * 40 + ".kv")
    other.write_bytes(b"a head of a question naming a character")
    assert a.warm(progress=False) == {"loaded": len(heads)} and other.exists()
    # After the corpus changed (another hash noted), a head no item has any more is dropped.
    (folder / "corpus.sha256").write_text("an earlier corpus", encoding="utf-8")
    assert a.warm(progress=False) == {"dropped": 1, "loaded": len(heads)}
    assert not other.exists()
    assert (folder / "corpus.sha256").read_text(encoding="utf-8") == a.index.manifest.corpus_hash
