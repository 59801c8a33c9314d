"""Silence Python's FutureWarnings about regex syntax while rule patterns are compiled.

`re` warns ("Possible nested set", "Possible set difference") about patterns such as `[[a-z]]` whose
meaning may change in a future Python. They compile and match correctly today; a user's rule file
that contains them would otherwise print the same warning at every place a pattern is parsed.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_regex_warnings() -> Iterator[None]:
    """Run the block with FutureWarning ignored (the warning category `re` uses for these)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        yield
