"""Bounded process-wide memos of the PDF engine, and one switch to empty them all.

A :class:`Memo` keeps at most two generations of ``size`` entries: when the
newer one is full it becomes the older one and the oldest generation goes.
An entry found in the older generation moves to the newer, so what a build
uses survives the next build; nothing grows without bound and no entry costs
more than a dictionary slot to keep or to drop.

The engine memoises pure functions only (the same inputs give the same
result, down to the object), keyed by content or by the identity of objects
the entry itself keeps alive — so a hit can never return something that was
computed from other inputs.  :func:`forget` empties every memo (benchmarks
that measure a build with nothing reused, tests).
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["Hashed", "Memo", "forget", "forgotten", "recurring"]

_ALL: list[Any] = []  # every memo (anything with clear()) that forget() empties


class Memo:
    """A two-generation bounded dictionary (see the module's docstring)."""

    __slots__ = ("size", "new", "old")

    def __init__(self, size: int) -> None:
        self.size = size
        self.new: dict[Any, Any] = {}
        self.old: dict[Any, Any] = {}
        _ALL.append(self)

    def get(self, key: Any) -> Any:
        hit = self.new.get(key)
        if hit is None:
            hit = self.old.pop(key, None)
            if hit is not None:
                self.put(key, hit)
        return hit

    def put(self, key: Any, value: Any) -> None:
        new = self.new
        if len(new) >= self.size:
            self.old = new
            self.new = new = {}
        new[key] = value

    def clear(self) -> None:
        self.new = {}
        self.old = {}

    def __len__(self) -> int:
        return len(self.new) + len(self.old)


class Hashed:
    """A value with its hash computed once, equal to the value itself (and hashing as it
    does): a memo key that is looked up again and again without being hashed again."""

    __slots__ = ("value", "_hash")

    def __init__(self, value: Any) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if type(other) is Hashed:
            return self._hash == other._hash and self.value == other.value
        return self.value == other


_SEEN = Memo(256)  # names of the documents read lately


def recurring(name: str) -> bool:
    """Whether a document of this file name was read before in this process (and note
    that it has been now).

    The memos of reading, placing and drawing cost a little on every build (a
    paragraph's XML key, keeping the frames) and pay only when the same document is
    built again — the web preview after an edit, page planning's rounds, the next
    build of a batch's document.  So they are used for a document read before: its
    second build fills them, the builds after it reuse them, and a one-off build (a
    fresh ``docgen build``) pays nothing.  The name decides only what is memoised,
    never what a memo returns (keys are the content).
    """
    seen = _SEEN.get(name) is not None
    _SEEN.put(name, True)
    return seen


def forgotten(store: T) -> T:
    """``store`` (a mapping of another shape than :class:`Memo`: the composed paragraphs of
    :mod:`docgen.pdf.layout`, per font book) emptied by :func:`forget` too."""
    _ALL.append(store)
    return store


def forget() -> None:
    """Empty every memo of the engine: the next build computes everything again."""
    for memo in _ALL:
        memo.clear()
