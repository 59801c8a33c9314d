"""Pause Python's cyclic garbage collector while a document tree is built.

Parsing creates hundreds of thousands of small, acyclic objects (spans, units); each
allocation burst triggers a collection that walks every live object, so parse time grew with
the size of the heap. Reference counting still frees everything as usual while paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
