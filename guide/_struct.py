"""Equality and hash for a record (a msgspec Struct) over all its fields but some.

A field that is derived from the others (a theme's styles) or that differs between two runs of the
same thing (how long a check took) is left out; Structs compare every field by default.
"""

from __future__ import annotations


def compared_without(*left_out: str):
    """``__eq__`` and ``__hash__`` over every field but ``left_out``: in a class body,
    ``__eq__, __hash__ = compared_without("seconds")``."""

    def compared(self) -> tuple:
        return tuple(getattr(self, f) for f in self.__struct_fields__ if f not in left_out)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return compared(self) == compared(other)

    def __hash__(self) -> int:
        return hash(compared(self))

    return __eq__, __hash__
