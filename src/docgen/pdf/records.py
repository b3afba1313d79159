"""Dataclass objects made from their field values without ``__init__``.

A frozen dataclass's ``__init__`` makes one ``object.__setattr__`` call per field; on the
engine's hot paths (a text frame per run of every line, a frame moved to its page, a
paragraph's layout or a run's properties reused) the values are already known to be
right — they are an existing object's, or were built field by field for it.  These give
the object its instance dict directly.  The result is equal to what the constructor
would make, and is a new object (layout tells some objects apart by identity).
"""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = ["copied", "instance"]

T = TypeVar("T")


def instance(cls: type[T], fields: dict[str, Any]) -> T:
    """An object of the dataclass ``cls`` whose instance dict is ``fields`` (every field
    given; the dict is taken, not copied)."""
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)  # frozen classes: past their __setattr__
    return obj


def copied(value: T, **changes: Any) -> T:
    """A new object equal to the dataclass object ``value`` but for ``changes``
    (``dataclasses.replace`` without ``__init__``)."""
    return instance(type(value), {**value.__dict__, **changes})
