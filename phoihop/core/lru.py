"""A bounded, thread-safe, in-process LRU: the store under the versioned caches
(`figures.cache`, `activities.cache`). What is kept under a key is never changed; a new
version of what it was built from gives a new key, and the old entry ages out."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0


class LRU:
    """At most `max_entries` values, and at most `max_weight` of their weights in all
    (a value heavier than that alone is not kept)."""

    def __init__(self, max_entries: int, max_weight: int | None = None) -> None:
        self.max_entries = max_entries
        self.max_weight = max_weight
        self.stats = Stats()
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.stats.misses += 1
                return None
            self._items.move_to_end(key)
            self.stats.hits += 1
            return found[0]

    def put(self, key: Hashable, value: Any, weight: int = 1) -> None:
        limit = self.max_weight
        if limit is not None and weight > limit:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._items[key] = (value, weight)
            self._weight += weight
            while len(self._items) > self.max_entries or (
                limit is not None and self._weight > limit
            ):
                _, (_, dropped) = self._items.popitem(last=False)
                self._weight -= dropped

    def get_or_build[T](
        self, key: Hashable, build: Callable[[], T], weight: Callable[[T], int] | None = None
    ) -> T:
        """The value kept under `key`, or `build()` kept under it with its `weight`."""
        found: T | None = self.get(key)
        if found is None:
            found = build()
            self.put(key, found, 1 if weight is None else weight(found))
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._items)
