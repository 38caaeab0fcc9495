"""PyTorch's ready queue: a binary max-heap on sequence number with libstdc++'s exact sifting.

Ties (several AccumulateGrad nodes share the largest sequence number) come out in whatever order
std::priority_queue's push_heap/pop_heap leave them; reproducing the same sifting makes gradviz run
tied nodes (and fire their hooks) in the same order as PyTorch.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ReadyQueue(Generic[T]):
    def __init__(self) -> None:
        self._keys: list[int] = []
        self._items: list[T] = []

    def __len__(self) -> int:
        return len(self._items)

    def push(self, key: int, item: T) -> None:
        self._keys.append(key)
        self._items.append(item)
        self._sift_up(len(self._keys) - 1, 0, key, item)

    def pop(self) -> T:
        keys, items = self._keys, self._items
        top = items[0]
        last_key, last_item = keys.pop(), items.pop()
        if keys:
            self._adjust(0, len(keys), last_key, last_item)
        return top

    def _sift_up(self, hole: int, top: int, key: int, item: Any) -> None:
        keys, items = self._keys, self._items
        parent = (hole - 1) // 2
        while hole > top and keys[parent] < key:
            keys[hole], items[hole] = keys[parent], items[parent]
            hole = parent
            parent = (hole - 1) // 2
        keys[hole], items[hole] = key, item

    def _adjust(self, hole: int, length: int, key: int, item: Any) -> None:
        # The hole goes down to a leaf along larger children, then the value sifts up (libstdc++).
        keys, items = self._keys, self._items
        top = hole
        child = hole
        while child < (length - 1) // 2:
            child = 2 * (child + 1)
            if keys[child] < keys[child - 1]:
                child -= 1
            keys[hole], items[hole] = keys[child], items[child]
            hole = child
        if (length & 1) == 0 and child == (length - 2) // 2:
            child = 2 * (child + 1)
            keys[hole], items[hole] = keys[child - 1], items[child - 1]
            hole = child - 1
        self._sift_up(hole, top, key, item)
