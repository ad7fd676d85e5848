"""The prompt-head KV cache: RAM LRU, disk persistence, corrupt files (pure logic, no model)."""

from conftest import make_hit

from rag.generation.kvcache import PrefixCache, PrefixState, head_key
from rag.prompt import build_prompt


def state(tokens: list[int], size: int) -> PrefixState:
    return PrefixState(tuple(tokens), bytes(range(256)) * (size // 256))


def test_round_trip_through_disk_into_a_new_cache(tmp_path):
    c = PrefixCache(10 * 2**20, tmp_path)
    st = state([1, 2, 3], 1024)
    c.put(head_key(st.tokens), st)
    fresh = PrefixCache(10 * 2**20, tmp_path)  # a restart: nothing in RAM yet
    got = fresh.get(head_key([1, 2, 3]))
    assert got == st
    assert fresh.stats()["hits"] == 1 and len(fresh) == 1
    assert fresh.get(head_key([9])) is None and fresh.stats()["misses"] == 1


def test_least_recently_used_states_leave_ram_beyond_capacity(tmp_path):
    c = PrefixCache(3 * 1024 + 100, None)
    for i in range(3):
        c.put(head_key([i]), state([i], 1024))
    c.get(head_key([0]))  # 0 is now the most recent
    c.put(head_key([3]), state([3], 1024))
    assert c.get(head_key([1])) is None  # the least recent went
    assert all(c.get(head_key([i])) is not None for i in (0, 2, 3))
    assert c.stats()["bytes"] <= 3 * 1024 + 100


def test_a_corrupt_or_truncated_file_is_a_miss_and_is_removed(tmp_path):
    c = PrefixCache(2**20, tmp_path)
    key = head_key([5, 6])
    c.put(key, state([5, 6], 512))
    path = tmp_path / f"{key}.kv"
    path.write_bytes(path.read_bytes()[:-10])  # truncated by a crash or a full disk
    assert PrefixCache(2**20, tmp_path).get(key) is None
    assert not path.exists()
    (tmp_path / f"{key}.kv").write_bytes(b"garbage")
    assert PrefixCache(2**20, tmp_path).get(key) is None


def test_a_file_under_the_wrong_name_is_not_trusted(tmp_path):
    c = PrefixCache(2**20, tmp_path)
    c.put(head_key([1]), state([1], 256))
    (tmp_path / f"{head_key([1])}.kv").rename(tmp_path / f"{head_key([2])}.kv")
    assert PrefixCache(2**20, tmp_path).get(head_key([2])) is None


def test_discard_forgets_ram_and_disk(tmp_path):
    c = PrefixCache(2**20, tmp_path)
    key = head_key([7])
    c.put(key, state([7], 256))
    c.discard(key)
    assert c.get(key) is None and not (tmp_path / f"{key}.kv").exists()


def test_prompt_head_is_the_top_item_whole_and_depends_on_nothing_else():
    top = make_hit("问3", "甲" * 100 + "。" + "丙" * 100 + "。")
    other = make_hit("问4", "。".join("乙" * 80 for _ in range(8)) + "。")
    a = build_prompt("社保卡丢了怎么办？", [top, other], other_chars=300, other_sentences=3)
    b = build_prompt("另一个问题", [top])
    user_a, user_b = a.messages[-1]["content"], b.messages[-1]["content"]
    assert a.cache_head == b.cache_head
    assert user_a.startswith(a.cache_head) and user_b.startswith(b.cache_head)
    assert "A1 " + "甲" * 100 in a.cache_head and "A2 " + "丙" * 100 in a.cache_head  # the top item whole
    assert user_a.count("\nB") == 3  # others: only their sentences closest to the question
    assert user_a.index("[问4]") < user_a.index("【问题】社保卡丢了怎么办？")


def test_prune_drops_the_states_of_heads_that_no_longer_exist(tmp_path):
    c = PrefixCache(2**20, tmp_path)
    for i in range(3):
        c.put(head_key([i]), state([i], 512))
    assert c.prune({head_key([0]), head_key([2])}) == 1  # item 1's document was removed
    assert sorted(p.stem for p in tmp_path.glob("*.kv")) == sorted([head_key([0]), head_key([2])])
    assert c.get(head_key([1])) is None and c.get(head_key([0])) is not None
    assert c.stats()["bytes"] == 2 * (512 + 4)  # the kv bytes and one token each
