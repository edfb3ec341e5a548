"""Exact answers kept while the service runs: a least-recently-used map bounded in bytes.

The graph a service opens is read-only until the next build, and a new build is a new store (and a
new service run), so the answer to the same request against the same open build never changes: a
kept answer is exact, never stale, and needs no expiry. Researchers' scripts repeat their queries,
and pages are visited again and again; an answer kept here costs a dictionary look-up instead of a
query. The bound is on the bytes held (``limit``); an answer larger than ``limit // 8`` is not kept,
so one large answer cannot push out many small ones. Thread-safe (the event loop and the threads of
sync routes share it).
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class AnswerCache:
    def __init__(self, limit: int):
        self.limit = limit
        self.largest = limit // 8
        self.size = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep ``value`` (``size`` bytes), dropping the least recently used answers to make room."""
        if size > self.largest:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (value, size)
            self.size += size
            while self.size > self.limit:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.size -= dropped

    def __len__(self) -> int:
        return len(self._entries)
