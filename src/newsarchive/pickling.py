"""Frozen dataclasses pickled as a call of their constructor.

By default a frozen dataclass with slots pickles as its class and a tuple of
its fields, put back by the generated ``__setstate__``, which calls
:func:`dataclasses.fields` for every object: most of the time of unpickling the
cached light entries of a large archive (100,000 rows: 300,000 objects), and a
third of the time of unpickling a saved plan.  :func:`by_constructor` makes
the class pickle as ``cls(*fields)`` instead.  The fields are the same, in the
same order, so the cache keys that name them (``incremental.keys.pickled_format``)
still say when a cached pickle no longer fits the class.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

__all__ = ["by_constructor"]

T = TypeVar("T")


def by_constructor(cls: type[T]) -> type[T]:
    """Make the dataclass ``cls`` (at least two fields set by ``__init__``; any
    other made by its ``__post_init__``) pickle as a call of its constructor with
    its ``__init__`` fields in order."""
    every = fields(cls)  # type: ignore[arg-type]
    found = [f for f in every if f.init]
    derived = len(found) < len(every)
    if len(found) < 2 or (derived and not hasattr(cls, "__post_init__")):
        raise TypeError(f"{cls.__name__}: needs two or more fields set by __init__, "
                        "and a __post_init__ for any other")
    values = attrgetter(*(f.name for f in found))

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    setattr(cls, "__reduce__", __reduce__)  # noqa: B010 - a method of a class made already
    return cls
