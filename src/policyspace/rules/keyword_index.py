"""Multi-keyword prefilter: where many keywords occur in a text, in one pass.

Uses the Aho-Corasick automaton from pyahocorasick (C) when installed; otherwise falls back to
str.find per keyword, which gives the same answer, only slower.
"""

from __future__ import annotations

from collections.abc import Iterable


class KeywordIndex:
    """Find where keywords (lower-case substrings) occur in lower-cased text."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self.keywords = sorted(set(keywords))
        self._automaton = None
        try:
            import ahocorasick
        except ImportError:
            return
        automaton = ahocorasick.Automaton()
        for index, word in enumerate(self.keywords):
            automaton.add_word(word, (index, len(word)))
        if self.keywords:
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def accelerated(self) -> bool:
        return self._automaton is not None

    def positions(self, lowered: str) -> dict[str, list[int]]:
        """Keyword -> start offsets of its occurrences in `lowered` (lower-cased by the caller)."""
        found: dict[str, list[int]] = {}
        if self._automaton is not None:
            keywords = self.keywords
            for end, (index, length) in self._automaton.iter(lowered):
                found.setdefault(keywords[index], []).append(end - length + 1)
            return found
        for word in self.keywords:
            start = lowered.find(word)
            while start >= 0:
                found.setdefault(word, []).append(start)
                start = lowered.find(word, start + 1)
        return found

    def found(self, lowered: str) -> set[str]:
        """The keywords that occur in `lowered`."""
        return set(self.positions(lowered))
