"""Built PDFs in, bounded in total bytes: an in-memory least-recently-used cache keyed by a digest of the request.

Keys are SHA-256 digests of the content hash and the options, so the cache's keys hold no patient's name;
the PDFs (which do) live only in this process's memory and go when it stops.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from ..content import BuildOptions


def cache_key(content_digest: str, options: BuildOptions) -> str:
    return hashlib.sha256(f"{content_digest}\0{options!r}".encode()).hexdigest()


class PdfCache:
    """At most ``max_bytes`` of PDFs; the least recently used go first. A PDF larger than the bound is not kept."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[bytes, int]] = OrderedDict()
        self.bytes = 0
        self.hits = self.misses = 0

    def get(self, key: str) -> tuple[bytes, int] | None:
        item = self._items.get(key)
        if item is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return item

    def put(self, key: str, pdf: bytes, pages: int) -> None:
        if len(pdf) > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= len(old[0])
        self._items[key] = (pdf, pages)
        self.bytes += len(pdf)
        while self.bytes > self.max_bytes:
            _, (gone, _) = self._items.popitem(last=False)
            self.bytes -= len(gone)

    def __len__(self) -> int:
        return len(self._items)


class CountCache:
    """Page counts per (content digest, paper, large print, sections): a bounded table, oldest out first."""

    def __init__(self, max_items: int = 4096):
        self.max_items = max_items
        self._items: OrderedDict[tuple, int] = OrderedDict()

    def get(self, key: tuple) -> int | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: tuple, pages: int) -> None:
        self._items[key] = pages
        self._items.move_to_end(key)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
