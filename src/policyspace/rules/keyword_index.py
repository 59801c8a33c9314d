"""Multi-keyword prefilter: where many keywords occur in a text, in one pass.

Uses the Aho-Corasick automaton from pyahocorasick (C) when installed; otherwise falls back to
str.find per keyword, which gives the same answer, only slower.

Keywords are stems: `arbitra` finds "arbitration" and "arbitral". A short keyword (up to
four characters, such as `xi`, `tax` or `nada`) must start a word: `nada` then finds "nada" but
not "Canada", `xi` finds "Article XI" but not "existing".
"""

from __future__ import annotations

from collections.abc import Iterable


#: Keywords up to this long match only at the start of a word.
SHORT_KEYWORD = 4


def starts_word(text: str, position: int) -> bool:
    return position == 0 or not text[position - 1].isalnum()


class KeywordIndex:
    """Find where keywords (lower-case substrings) occur in lower-cased text."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self.keywords = sorted(set(keywords))
        self.short = {word for word in self.keywords if len(word) <= SHORT_KEYWORD}
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
        else:
            for word in self.keywords:
                start = lowered.find(word)
                while start >= 0:
                    found.setdefault(word, []).append(start)
                    start = lowered.find(word, start + 1)
        for word in self.short.intersection(found):
            kept = [p for p in found[word] if starts_word(lowered, p)]
            if kept:
                found[word] = kept
            else:
                del found[word]
        return found
