"""Compile rules once; evaluate them on one article's text.

An article is scanned in two steps: a keyword prefilter (one pass for all rules) picks the
candidate rules, then only those rules' patterns run. Each pattern runs once per article; its
matches are bucketed into windows (sentences, numbered paragraphs or the whole article), and the
any/all/not/near combinators work on those buckets, so a condition such as "a prohibition and a
performance requirement in the same sentence" costs two regex scans, not one per sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .keyword_index import KeywordIndex
from .schema import CarveOutSpec, Condition, Rule, Window

if TYPE_CHECKING:
    from .loader import Ruleset

Span = tuple[int, int]
Buckets = dict[int, list[Span]]  # window index -> matched spans in that window

_FLAGS = re.IGNORECASE
# A sentence ends at . ! ? followed by a capital (or the end of the text); a clause ending in
# ";" or ":" runs on into its sub-paragraphs, as it does in treaty drafting.
_SENTENCE_END = re.compile(
    r"[.!?](?=[\"'”’)\]]*(?:\s+[\"“(¿¡]?[A-ZÁÉÍÓÚÑÀÂÈÊÎÔÛÇ]|[ \t]*\n|\s*$))"
)
_NUMBER_IN_SENTENCE = re.compile(r"\b(?:no|art|arts|para|paras|p|pp|cf|u\.s|e\.g|i\.e)$", re.IGNORECASE)
#: A sentence that only defines a term: '"performance requirement" means ...'.
DEFINITION_SENTENCE = re.compile(
    r"^\W{0,6}(?:\(?[a-z0-9]{1,4}[.)]\s*)?(?:for (?:the )?purposes? of [^,]{1,80},\s*|para (?:los )?efectos de [^,]{1,80},\s*)?"
    r"(?:[\"“”'‘«][^\"“”'’»\n]{1,150}[\"”“'’»]\s*(?:\([^)]{0,80}\)\s*)?,?\s*"
    r"(?:means|includes|shall mean|shall include|refers to|has the meaning|significa|designa|incluye|"
    r"comprende|se entender[áa]|se entiende|se refiere|désigne|s'entend|signifie|comprend)\b"
    r"|(?:the )?(?:term )?\w+(?:[ -]\w+){0,4}\s+(?:means|shall mean|significa|se entender[áa]|désigne|signifie)\b)",
    re.IGNORECASE,
)
#: An article whose heading says it holds definitions: its sentences define, they do not bind.
DEFINITION_HEADING = re.compile(r"definition|definici|définition|interpretation|interpretaci", re.IGNORECASE)
#: A sentence that only points elsewhere: "Article 10.9 (Performance Requirements) shall apply."
CROSS_REFERENCE_SENTENCE = re.compile(
    r"^\W{0,6}(?:the provisions of\s+|las disposiciones del?\s+|les dispositions de l'\s*)?"
    r"(?:articles?|chapters?|sections?|annex(?:es)?|paragraphs?|art[íi]culos?|cap[íi]tulos?|secci[óo]n)\s+"
    r"[\w.\-]+(?:\s*\([^)]{0,80}\))?(?:\s*(?:,|and|or|to|y|o|et)\s*[\w.\-]+(?:\s*\([^)]{0,80}\))?)*\s+"
    r"(?:of\s+[^.;]{0,80}?\s+)?(?:shall\s+)?(?:also\s+)?(?:apply|applies|se aplicar[áa]n?|s'appliquen?t?)\b",
    re.IGNORECASE,
)
#: A cross-reference that goes on to qualify what it refers to is not a pure cross-reference.
_QUALIFIED = re.compile(r"\b(?:except|provided|however|unless|but|salvo|excepto|sin embargo|sauf|toutefois)\b", re.I)
_NUMBER_WORDS = {
    word: str(value)
    for value, words in {
        1: "one uno una un une", 2: "two dos deux", 3: "three tres trois", 4: "four cuatro quatre",
        5: "five cinco cinq", 6: "six seis", 7: "seven siete sept", 8: "eight ocho huit", 9: "nine nueve neuf",
        10: "ten diez dix", 12: "twelve doce douze", 15: "fifteen quince quinze", 18: "eighteen dieciocho",
        20: "twenty veinte vingt", 24: "twenty-four", 25: "twenty-five", 30: "thirty treinta trente",
        90: "ninety noventa", 180: "one hundred and eighty",
    }.items()
    for word in words.split()
}


def normalize_value(name: str, value: str) -> str:
    """Collapse whitespace; turn number words into digits for counts (`*_months`, `*_years`, ...)."""
    value = " ".join(value.split()).strip(" ,;:.")
    if name.endswith(("_months", "_years", "_days")):
        lowered = value.lower().strip("()")
        return _NUMBER_WORDS.get(lowered, lowered if lowered.isdigit() else value)
    return value


# ---------------------------------------------------------------- the text of one article


@dataclass(slots=True)
class Piece:
    """The own text of one unit inside the article's joined text."""

    start: int
    end: int
    unit: object  # policyspace.model.Unit
    path: tuple[object, ...]  # ancestors from the document root, the unit excluded
    paragraph: int  # index of the article's child holding this piece (-1: the article's own text)


@dataclass
class ArticleText:
    """An article's text (its own and its paragraphs'), with the windows rules match in."""

    text: str
    pieces: list[Piece]
    headings: str  # "Chapter 10 Investment / Article 10.9 Performance Requirements"
    is_definitions: bool = False
    _windows: dict[Window, list[Span]] = field(default_factory=dict)
    _starts: dict[Window, list[int]] = field(default_factory=dict)
    _matches: dict[tuple[int, bool, bool], list[Span]] = field(default_factory=dict)
    _buckets: dict[tuple[int, bool, bool, Window], Buckets] = field(default_factory=dict)
    _ignored: dict[tuple[bool, bool], list[Span]] = field(default_factory=dict)
    _lowered: str | None = None

    @property
    def lowered(self) -> str:
        if self._lowered is None:
            self._lowered = self.text.lower()
        return self._lowered

    def windows(self, kind: Window) -> list[Span]:
        if kind not in self._windows:
            self._windows[kind] = self._make_windows(kind)
            self._starts[kind] = [s for s, _ in self._windows[kind]]
        return self._windows[kind]

    def _make_windows(self, kind: Window) -> list[Span]:
        text = self.text
        if kind == Window.ARTICLE:
            return [(0, len(text))]
        if kind == Window.PARAGRAPH:
            out: list[Span] = []
            current = None
            for piece in self.pieces:
                if out and piece.paragraph == current:
                    out[-1] = (out[-1][0], piece.end)
                else:
                    out.append((piece.start, piece.end))
                current = piece.paragraph
            # windows must tile the text: stretch each to the next one's start
            return [(s, out[i + 1][0] if i + 1 < len(out) else len(text)) for i, (s, _) in enumerate(out)] or [
                (0, len(text))
            ]
        spans: list[Span] = []
        start = 0
        for match in _SENTENCE_END.finditer(text):
            end = match.end()
            if _NUMBER_IN_SENTENCE.search(text, max(0, match.start() - 5), match.start()):
                continue  # "No. 5", "Art. 3": not the end of a sentence
            spans.append((start, end))
            start = end
        if start < len(text) or not spans:
            spans.append((start, len(text)))
        return spans

    def window_of(self, kind: Window, offset: int) -> int:
        self.windows(kind)
        return bisect_right(self._starts[kind], offset) - 1

    def ignored(self, definitions: bool, cross_references: bool) -> list[Span]:
        """Sentences that rules skip: definitions and pure cross-references."""
        key = (definitions, cross_references)
        if key not in self._ignored:
            spans: list[Span] = []
            if definitions and self.is_definitions:
                spans = [(0, len(self.text))]
            elif definitions or cross_references:
                for s, e in self.windows(Window.SENTENCE):
                    sentence = self.text[s:e]
                    if (definitions and DEFINITION_SENTENCE.match(sentence)) or (
                        cross_references
                        and len(sentence) < 250
                        and CROSS_REFERENCE_SENTENCE.match(sentence)
                        and not _QUALIFIED.search(sentence)
                    ):
                        spans.append((s, e))
            self._ignored[key] = spans
        return self._ignored[key]

    def matches(self, regex: re.Pattern[str], definitions: bool, cross_references: bool) -> list[Span]:
        key = (id(regex), definitions, cross_references)
        found = self._matches.get(key)
        if found is None:
            found = [m.span() for m in regex.finditer(self.text) if m.end() > m.start()]
            ignored = self.ignored(definitions, cross_references) if found else []
            if ignored:
                starts = [s for s, _ in ignored]
                kept = []
                for span in found:
                    i = bisect_right(starts, span[0]) - 1
                    if i < 0 or span[0] >= ignored[i][1]:
                        kept.append(span)
                found = kept
            self._matches[key] = found
        return found

    def buckets(self, regex: re.Pattern[str], kind: Window, skips: tuple[bool, bool]) -> Buckets:
        key = (id(regex), skips[0], skips[1], kind)
        found = self._buckets.get(key)
        if found is None:
            found = {}
            spans = self.matches(regex, *skips)
            if spans:
                self.windows(kind)
                starts = self._starts[kind]
                for span in spans:
                    found.setdefault(bisect_right(starts, span[0]) - 1, []).append(span)
            self._buckets[key] = found
        return found


    def anchored_buckets(self, regex: re.Pattern[str], kind: Window) -> Buckets:
        """Matches of `regex` at the very start of each window (leading whitespace allowed)."""
        key = (id(regex), True, True, kind)
        found = self._buckets.get(key)
        if found is None:
            found = {}
            text = self.text
            for index, (start, end) in enumerate(self.windows(kind)):
                while start < end and text[start].isspace():
                    start += 1
                match = regex.match(text, start, end)
                if match and match.end() > match.start():
                    found[index] = [match.span()]
            self._buckets[key] = found
        return found


# ---------------------------------------------------------------- compiled conditions


def flexible_spaces(pattern: str) -> str:
    """Let a literal space in a pattern match any run of whitespace, line breaks included.

    Treaty text is wrapped at arbitrary points (ToTA keeps the PDF's line breaks), so rule authors
    write "investment agreement" and the engine matches "investment\\n   agreement".
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]" or (out and out[-1] == "[")
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == " ":
            j = i
            while j < len(pattern) and pattern[j] == " ":
                j += 1
            quantified = j < len(pattern) and pattern[j] in "?*+{"
            out.append("\\s" if quantified else "\\s+")
            i = j
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


def compile_pattern(pattern: str, cache: dict[str, re.Pattern[str]]) -> re.Pattern[str]:
    found = cache.get(pattern)
    if found is None:
        found = cache[pattern] = re.compile(flexible_spaces(pattern), _FLAGS)
    return found


class _Node:
    def evaluate(self, article: ArticleText, kind: Window, skips: tuple[bool, bool]) -> Buckets:
        raise NotImplementedError


class _Pattern(_Node):
    """A regex searched in the article; a leading ^ anchors it at the start of each window."""

    def __init__(self, pattern: str, cache: dict[str, re.Pattern[str]]) -> None:
        self.anchored = pattern.startswith("^")
        self.regex = compile_pattern(pattern[1:] if self.anchored else pattern, cache)

    def evaluate(self, article: ArticleText, kind: Window, skips: tuple[bool, bool]) -> Buckets:
        if self.anchored:
            return article.anchored_buckets(self.regex, kind)
        return article.buckets(self.regex, kind, skips)


class _All(_Node):
    def __init__(self, children: list[_Node]) -> None:
        # `not` children filter what the others found; evaluate them last
        self.children = sorted(children, key=lambda c: isinstance(c, _Not))

    def evaluate(self, article: ArticleText, kind: Window, skips: tuple[bool, bool]) -> Buckets:
        result: Buckets | None = None
        for child in self.children:
            if isinstance(child, _Not) and result is not None:
                excluded = child.child.evaluate(article, kind, skips)
                result = {w: s for w, s in result.items() if w not in excluded}
            else:
                found = child.evaluate(article, kind, skips)
                if result is None:
                    result = dict(found)
                else:
                    result = {w: result[w] + found[w] for w in result if w in found}
            if not result:
                return {}
        return result or {}


class _Any(_Node):
    def __init__(self, children: list[_Node]) -> None:
        self.children = children

    def evaluate(self, article: ArticleText, kind: Window, skips: tuple[bool, bool]) -> Buckets:
        result: Buckets = {}
        for child in self.children:
            for window, spans in child.evaluate(article, kind, skips).items():
                result.setdefault(window, []).extend(spans)
        return result


class _Not(_Node):
    def __init__(self, child: _Node) -> None:
        self.child = child

    def evaluate(self, article: ArticleText, kind: Window, skips: tuple[bool, bool]) -> Buckets:
        excluded = self.child.evaluate(article, kind, skips)
        return {i: [] for i in range(len(article.windows(kind))) if i not in excluded}


class _Near(_Node):
    def __init__(self, first: str, second: str, words: int, cache: dict[str, re.Pattern[str]]) -> None:
        self.first = _Pattern(first, cache)
        self.second = _Pattern(second, cache)
        self.words = words

    def evaluate(self, article: ArticleText, kind: Window, skips: tuple[bool, bool]) -> Buckets:
        a = self.first.evaluate(article, kind, skips)
        if not a:
            return {}
        b = self.second.evaluate(article, kind, skips)
        text = article.text
        result: Buckets = {}
        for window in a.keys() & b.keys():
            for s1, e1 in a[window]:
                for s2, e2 in b[window]:
                    gap = text[e1:s2] if e1 <= s2 else text[e2:s1] if e2 <= s1 else ""
                    if len(gap.split()) <= self.words:
                        result.setdefault(window, []).extend([(s1, e1), (s2, e2)])
        return result


def compile_condition(condition: Condition, cache: dict[str, re.Pattern[str]]) -> _Node:
    if condition.pattern is not None:
        return _Pattern(condition.pattern, cache)
    if condition.all is not None:
        return _All([compile_condition(c, cache) for c in condition.all])
    if condition.any is not None:
        return _Any([compile_condition(c, cache) for c in condition.any])
    if condition.not_ is not None:
        return _Not(compile_condition(condition.not_, cache))
    assert condition.near is not None and condition.words is not None
    return _Near(condition.near[0], condition.near[1], condition.words, cache)


# ---------------------------------------------------------------- compiled rules


@dataclass(slots=True)
class CarveOutHit:
    spec: CarveOutSpec
    span: Span  # where the carving words are, in the article text


@dataclass(slots=True)
class RuleMatch:
    """A rule that holds in an article: the window it matched, its highlights and carve-outs."""

    rule: Rule
    window: Span
    highlights: list[Span]
    carve_outs: list[CarveOutHit]
    extracted: dict[str, list[str]]


class CompiledRule:
    def __init__(self, rule: Rule, cache: dict[str, re.Pattern[str]]) -> None:
        assert rule.match is not None
        self.rule = rule
        self.match = compile_condition(rule.match, cache)
        self.skips = (rule.skip_definitions, rule.skip_cross_references)
        self.headings = compile_pattern(rule.headings, cache) if rule.headings else None
        self.not_headings = compile_pattern(rule.not_headings, cache) if rule.not_headings else None
        self.carve_outs = [(spec, compile_condition(spec.when, cache)) for spec in rule.unless]
        self.extract = {name: compile_pattern(p, cache) for name, p in rule.extract.items()}

    def in_scope(self, article: ArticleText) -> bool:
        if self.headings is not None and not self.headings.search(article.headings):
            return False
        return not (self.not_headings is not None and self.not_headings.search(article.headings))

    def apply(self, article: ArticleText) -> RuleMatch | None:
        """The first window where the rule holds and no carve-out drops it, or None."""
        kind = self.rule.window
        found = self.match.evaluate(article, kind, self.skips)
        if not found:
            return None
        windows = article.windows(kind)
        for index in sorted(found):
            window = windows[index]
            hits = []
            dropped = False
            highlights = sorted(set(found[index])) or [window]
            for spec, node in self.carve_outs:
                span = self._carve_out_span(article, spec, node, window, highlights)
                if span is not None:
                    hits.append(CarveOutHit(spec, span))
                    if spec.effect == "drop":
                        dropped = True
                        break
            if dropped:
                continue
            return RuleMatch(self.rule, window, highlights, hits, self._extract(article))
        return None

    def _carve_out_span(
        self, article: ArticleText, spec: CarveOutSpec, node: _Node, window: Span, highlights: list[Span]
    ) -> Span | None:
        """Where the carve-out holds in a sentence/paragraph/article holding the match, if it does.

        For a match spread over a paragraph, "the sentence" means each sentence holding matched
        words, not every sentence of the paragraph.
        """
        # carve-outs look at the whole text, definitions included: a definition can carve out
        found = node.evaluate(article, spec.where, (False, False))
        if not found:
            return None
        where = article.windows(spec.where)
        if spec.where == Window.ARTICLE or self.rule.window == spec.where:
            candidates = range(
                article.window_of(spec.where, window[0]), article.window_of(spec.where, max(window[0], window[1] - 1)) + 1
            )
        else:
            candidates = sorted({article.window_of(spec.where, start) for start, _ in highlights})
        for index in candidates:
            if index in found:
                spans = found[index]
                return min(spans) if spans else where[index]
        return None

    def _extract(self, article: ArticleText) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        for name, regex in self.extract.items():
            seen: list[str] = []
            for match in regex.finditer(article.text):
                raw = next((g for g in match.groups() if g), None)
                if raw is None:
                    continue
                value = normalize_value(name, raw)
                value = self.rule.normalize.get(value.lower(), value)
                if value and value not in seen:
                    seen.append(value)
            if seen:
                values[name] = seen
        return values


class CompiledRuleset:
    """Every clause rule compiled once, with one keyword prefilter over all of them."""

    def __init__(self, ruleset: Ruleset) -> None:
        cache: dict[str, re.Pattern[str]] = {}
        self.rules = [CompiledRule(rule, cache) for rule in ruleset.clause_rules]
        self.index = KeywordIndex(word for c in self.rules for word in c.rule.keywords)
        self.by_keyword: dict[str, list[int]] = {}
        for position, compiled in enumerate(self.rules):
            for word in compiled.rule.keywords:
                self.by_keyword.setdefault(word, []).append(position)

    def candidates(self, article: ArticleText) -> list[CompiledRule]:
        hits = self.index.found(article.lowered)
        if not hits:
            return []
        positions = sorted({p for word in hits for p in self.by_keyword[word]})
        return [self.rules[p] for p in positions]

    def scan(self, article: ArticleText) -> list[RuleMatch]:
        matches = []
        for compiled in self.candidates(article):
            if compiled.in_scope(article):
                found = compiled.apply(article)
                if found is not None:
                    matches.append(found)
        return matches
