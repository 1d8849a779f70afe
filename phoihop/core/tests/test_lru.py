"""The bounded store under the versioned caches."""

from phoihop.core.lru import LRU


def test_the_least_recently_read_entry_goes_first():
    store = LRU(max_entries=2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == 1  # "b" is now the oldest read
    store.put("c", 3)
    assert store.get("b") is None
    assert store.get("a") == 1
    assert store.get("c") == 3
    assert len(store) == 2


def test_weights_bound_what_is_kept_and_a_replaced_entry_gives_its_weight_back():
    store = LRU(max_entries=10, max_weight=10)
    store.put("a", "A", 4)
    store.put("b", "B", 4)
    store.put("a", "A2", 1)  # replaces: 5 in all, nothing dropped
    assert store.get("a") == "A2"
    assert store.get("b") == "B"
    store.put("c", "C", 6)  # 11 > 10: the oldest read ("a") goes
    assert store.get("a") is None
    assert (store.get("b"), store.get("c")) == ("B", "C")
    store.put("huge", "H", 11)  # heavier than the whole store: not kept, nothing dropped
    assert store.get("huge") is None
    assert len(store) == 2


def test_get_or_build_builds_once_and_counts_hits_and_misses():
    store = LRU(max_entries=4)
    built = []

    def build():
        built.append(1)
        return "value"

    assert store.get_or_build("k", build) == "value"
    assert store.get_or_build("k", build) == "value"
    assert built == [1]
    assert (store.stats.hits, store.stats.misses) == (1, 1)
    store.clear()
    assert store.get_or_build("k", build) == "value"
    assert built == [1, 1]
