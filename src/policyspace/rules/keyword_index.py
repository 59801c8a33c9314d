"""Multi-keyword prefilter: which of many keywords occur in a text, in one pass.

Uses the Aho-Corasick automaton from pyahocorasick (C) when installed; otherwise falls back to
one substring test per keyword, which gives the same answer, only slower.
"""

from __future__ import annotations

from typing import Iterable


class KeywordIndex:
    """Find which keywords (lower-case substrings) occur in lower-cased text."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self.keywords = sorted(set(keywords))
        self._automaton = None
        try:
            import ahocorasick
        except ImportError:
            return
        automaton = ahocorasick.Automaton()
        for index, word in enumerate(self.keywords):
            automaton.add_word(word, index)
        if self.keywords:
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def accelerated(self) -> bool:
        return self._automaton is not None

    def found(self, lowered: str) -> set[str]:
        """The keywords that occur in `lowered` (which the caller has lower-cased)."""
        if self._automaton is not None:
            keywords = self.keywords
            return {keywords[index] for _, index in self._automaton.iter(lowered)}
        return {word for word in self.keywords if word in lowered}
