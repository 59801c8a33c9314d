"""Compile rules once; evaluate them on one article's text.

An article is scanned in two steps. A keyword prefilter (one Aho-Corasick pass for all rules)
finds where each rule's keywords occur; a rule's condition is then evaluated only on the windows
(sentence, numbered paragraph or article) that hold one of its keywords. Keywords are therefore
anchors: a rule can only match in a window that contains one of them. Regular expressions run
on a few short windows instead of the whole corpus, which keeps the rules pass within a couple of
seconds over 45 million characters of treaty text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .keyword_index import KeywordIndex
from .literals import all_required_literals, is_common, required_literals
from .regex_prefix import compile_with_prefix
from .regex_warnings import quiet_regex_warnings
from .schema import CarveOutSpec, Condition, Rule, Window

if TYPE_CHECKING:
    from .loader import Ruleset

Span = tuple[int, int]

_FLAGS = re.IGNORECASE
# A sentence ends at . ! ? followed by a capital (or the end of the text); a clause ending in
# ";" or ":" runs on into its sub-paragraphs, as it does in treaty drafting.
_SENTENCE_END = re.compile(
    r"[.!?]"
    # not after an abbreviation that takes a number: "No. 5", "Art. 3", "e.g. ..."
    r"(?<!\b[Nn]o\.)(?<!\b[Aa]rt\.)(?<!\b[Aa]rts\.)(?<!\b[Pp]ara\.)(?<!\b[Pp]p\.)(?<!\b[Cc]f\.)"
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bU\.S\.)"
    r"(?=[\"'”’)\]]*(?:\s+[\"“(¿¡]?[A-ZÁÉÍÓÚÑÀÂÈÊÎÔÛÇ]|[ \t]*\n|\s*$"
    # or a numbered paragraph that runs on in the same line: "... Party. (2) Nothing in ..."
    r"|\s+\(?(?:\d{1,3}|[a-z]|[ivx]{1,5})[.)]\s+[\"“(¿¡]?[A-ZÁÉÍÓÚÑÀÂÈÊÎÔÛÇ]"
    # or a footnote mark at the end of the line: "... for a Party.8\nExcept where ..." (not "Article 10.3\n")
    r"|(?<=[a-z)]\.)\d{1,3}[ \t]*\n)"
    r")"
)
#: A sentence that only defines a term: '"performance requirement" means ...'.
DEFINITION_SENTENCE = re.compile(
    r"^\W{0,6}(?:\(?[a-z0-9]{1,4}[.)]\s*)?(?:for (?:the )?purposes? of [^,:]{1,80}[,:]\s*|para (?:los )?efectos de [^,:]{1,80}[,:]\s*)?"
    r"(?:[\"“”'‘«][^\"“”'’»\n]{1,150}[\"”“'’»]\s*(?:\([^)]{0,80}\)\s*)?,?\s*"
    r"(?:means|includes|shall mean|shall include|refers to|has the meaning|significa|designa|incluye|"
    r"comprende|se entender[áa]|se entiende|se refiere|désigne|s'entend|signifie|comprend)\b"
    r"|(?:the )?(?:term )?\w+(?:[ -]\w+){0,4}\s+(?:means|shall mean|significa|se entender[áa]|désigne|signifie)\b)",
    re.IGNORECASE,
)
#: An article whose heading says it holds definitions: its sentences define, they do not bind.
DEFINITION_HEADING = re.compile(
    # "Interpretation" alone (or "Definitions and Interpretation"); not "Interpretation of Annexes"
    r"definition|definici|définition|^\W*(?:general |rules of )?interpreta(?:tion|ci[óo]n)\W*$",
    re.IGNORECASE,
)
#: "Scope and Definitions", "Ámbito de aplicación y definiciones": such an article also sets what the
#: chapter covers and excludes, so it is not a definitions article (its definition sentences are
#: still skipped one by one).
SCOPE_HEADING = re.compile(r"\b(?:scope|coverage|[áa]mbito|alcance|champ)\b", re.IGNORECASE)


def is_definitions_title(title: str | None) -> bool:
    """Is an article with this title a definitions article, skipped as a whole by rules that skip definitions?"""
    return bool(title and DEFINITION_HEADING.search(title) and not SCOPE_HEADING.search(title))


#: A sentence that only points elsewhere: "Article 10.9 (Performance Requirements) shall apply."
CROSS_REFERENCE_SENTENCE = re.compile(
    r"^\W{0,6}(?:the provisions of\s+|las disposiciones del?\s+|les dispositions de l'\s*)?"
    r"(?:articles?|chapters?|sections?|annex(?:es)?|paragraphs?|art[íi]culos?|cap[íi]tulos?|secci[óo]n)\s+"
    r"[\w.\-]+(?:\s*\([^)]{0,80}\))?(?:\s*(?:,|and|or|to|y|o|et)\s*[\w.\-]+(?:\s*\([^)]{0,80}\))?)*\s+"
    r"(?:of\s+[^.;]{0,80}?\s+)?(?:shall\s+)?(?:also\s+)?(?:apply|applies|se aplicar[áa]n?|s'appliquen?t?)\b",
    re.IGNORECASE,
)
#: A cross-reference that goes on to qualify what it refers to is not a pure cross-reference, and
#: one that says a provision does NOT apply ("paragraph 1 of this Article shall not apply to ...")
#: is a carve-out, not a pointer.
_QUALIFIED = re.compile(
    r"\b(?:except|provided|however|unless|but|salvo|excepto|sin embargo|sauf|toutefois|not|no|pas)\b", re.IGNORECASE
)
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
    paragraph: int  # index of the numbered paragraph holding this piece (-1: the article's own text)


class ArticleText:
    """An article's text (its own and its paragraphs'), with the windows rules match in.

    Sentences are split lazily: articles no rule looks at are never split.
    """

    __slots__ = (
        "_headings",
        "_ignorable",
        "_lowered",
        "_paragraphs",
        "_sentences",
        "is_definitions",
        "is_preamble",
        "memo",
        "pieces",
        "text",
    )

    def __init__(
        self, text: str, pieces: list[Piece], headings: object, is_definitions: bool = False, is_preamble: bool = False
    ) -> None:
        self.text = text
        self.pieces = pieces
        self._headings = headings  # a string, or a callable that builds it (most rules never ask)
        self.is_definitions = is_definitions
        self.is_preamble = is_preamble  # recitals: rules with skip_preamble (the default) pass over them
        # results of pattern searches on this article's windows, shared by all rules: many rules use
        # the same macros ({export}, {nothing_prevents}...) on the same sentence
        self.memo: dict[tuple[int, str], list[Span] | None] = {}
        self._lowered: str | None = None
        self._sentences: list[int] | None = None
        self._paragraphs: list[int] | None = None
        self._ignorable: dict[tuple[int, bool, bool], bool] = {}

    @property
    def headings(self) -> str:
        """The enclosing headings: "Chapter 10 Investment / Article 10.9 Performance Requirements"."""
        if callable(self._headings):
            self._headings = self._headings()
        return self._headings  # type: ignore[return-value]

    @property
    def lowered(self) -> str:
        """The text lower-cased, character for character (offsets stay valid)."""
        if self._lowered is None:
            lowered = self.text.lower()
            if len(lowered) != len(self.text):  # e.g. 'İ' lower-cases to two code points
                lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in self.text)
            self._lowered = lowered
        return self._lowered

    # ---- sentences
    def _sentence_starts(self) -> list[int]:
        """Where sentences start (computed once per article, only when a rule needs it)."""
        starts = self._sentences
        if starts is None:
            text = self.text
            starts = [0]
            starts.extend(m.end() for m in _SENTENCE_END.finditer(text) if m.end() < len(text))
            self._sentences = starts
        return starts

    def sentence_at(self, offset: int) -> Span:
        starts = self._sentence_starts()
        index = bisect_right(starts, offset) - 1
        return starts[index], starts[index + 1] if index + 1 < len(starts) else len(self.text)

    def sentences_in(self, window: Span) -> list[Span]:
        starts = self._sentence_starts()
        start, end = window
        first = max(bisect_right(starts, start) - 1, 0)
        out = []
        for index in range(first, len(starts)):
            s = starts[index]
            if s >= end:
                break
            e = starts[index + 1] if index + 1 < len(starts) else len(self.text)
            out.append((max(s, start), min(e, end)))
        return out

    # ---- paragraphs
    def _paragraph_starts(self) -> list[int]:
        if self._paragraphs is None:
            starts = [0]
            current = None
            for piece in self.pieces:
                if current is not None and piece.paragraph != current and piece.start > starts[-1]:
                    starts.append(piece.start)
                current = piece.paragraph
            self._paragraphs = starts
        return self._paragraphs

    def window_at(self, kind: Window, offset: int) -> Span:
        """The window of `kind` that holds character `offset`."""
        if kind == Window.SENTENCE:
            return self.sentence_at(offset)
        if kind == Window.ARTICLE:
            return 0, len(self.text)
        starts = self._paragraph_starts()
        index = max(bisect_right(starts, offset) - 1, 0)
        return starts[index], starts[index + 1] if index + 1 < len(starts) else len(self.text)

    def windows(self, kind: Window) -> list[Span]:
        """All windows of a kind, tiling the text."""
        if kind == Window.SENTENCE:
            return self.sentences_in((0, len(self.text)))
        if kind == Window.ARTICLE:
            return [(0, len(self.text))]
        starts = self._paragraph_starts()
        return [(s, starts[i + 1] if i + 1 < len(starts) else len(self.text)) for i, s in enumerate(starts)]

    # ---- definitions and cross-references
    def ignorable(self, sentence: Span, definitions: bool, cross_references: bool) -> bool:
        """Is this sentence a definition or a pure cross-reference?"""
        key = (sentence[0], definitions, cross_references)
        found = self._ignorable.get(key)
        if found is None:
            text = self.text[sentence[0] : sentence[1]]
            found = bool(
                (definitions and DEFINITION_SENTENCE.match(text))
                or (cross_references and len(text) < 250 and CROSS_REFERENCE_SENTENCE.match(text)
                    and not _QUALIFIED.search(text))
            )
            self._ignorable[key] = found
        return found

    def masked(self, window: Span, definitions: bool, cross_references: bool) -> str | None:
        """The window's lower-cased text with definition and cross-reference sentences blanked
        out (same length, so offsets hold); None when nothing is left to match."""
        start, end = window
        lowered = self.lowered
        if not (definitions or cross_references):
            return lowered[start:end]
        if definitions and self.is_definitions:
            return None
        pieces = []
        cursor = start
        for s, e in self.sentences_in(window):
            if self.ignorable((s, e), definitions, cross_references):
                pieces.append(lowered[cursor:s])
                pieces.append(" " * (e - s))
                cursor = e
        if not pieces:
            return lowered[start:end]
        pieces.append(lowered[cursor:end])
        masked = "".join(pieces)
        return None if not masked.strip() else masked


def flexible_spaces(pattern: str) -> str:
    """Let a literal space in a pattern match any run of whitespace, line breaks included.

    Treaty text is wrapped at arbitrary points (ToTA keeps the PDF's line breaks), so rule authors
    write "investment agreement" and the engine matches "investment\\n   agreement".
    An optional space ("non-tariff ?measures") takes any run of white space, or none.
    A class of just a hyphen and a space ("balance[- ]?of") takes a hyphen or any run of white space,
    so "balance of \\n payments" matches too. Inside any other character class a space stands for
    one white-space character ("[^ ]" excludes line breaks too).
    Inside a look-behind, which must keep a fixed width, a space matches one white-space
    character: "(?<!\\bno )" stays valid.
    """
    out: list[str] = []
    in_class = False
    groups: list[bool] = []  # open groups: True for a look-behind
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]" or (out and out[-1] == "[")
            # a space in a class is one white-space character: "[^ ]" also excludes a line break, and a
            # "[- ]" inside a look-behind (kept fixed-width) takes a no-break space
            out.append("\\s" if char == " " else char)
        elif pattern.startswith(("[- ]", "[ -]"), i) and not (groups and groups[-1]):
            # a hyphen or a space between two words: "balance[- ]?of" also takes "balance of \n payments"
            out.append("(?:-|\\s+)")
            i += 4
            continue
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "(":
            groups.append(pattern.startswith(("(?<=", "(?<!"), i) or (bool(groups) and groups[-1]))
            out.append(char)
        elif char == ")":
            if groups:
                groups.pop()
            out.append(char)
        elif char == " " and groups and groups[-1]:
            out.append("\\s")
        elif char == " ":
            j = i
            while j < len(pattern) and pattern[j] == " ":
                j += 1
            if j < len(pattern) and pattern[j] == "?":  # an optional space: any run of white space, or none
                out.append("\\s*")
                i = j + 1
                continue
            quantified = j < len(pattern) and pattern[j] in "*+{"
            out.append("\\s" if quantified else "\\s+")
            i = j
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


#: A rule's "[^.;]" gap keeps a match inside one clause; the full stop of a numbered reference
#: ("Article 10.3", "paragraph 2.1(b)") does not end a clause, so the gap lets it through.
_CLAUSE_GAP = re.compile(r"(?<!\\)((?:\\\\)*)\[\^\.;\]")  # "[^.;]", not escaped


def number_aware_gaps(pattern: str) -> str:
    """Rewrite each `[^.;]` character class to also match a full stop followed by a digit, as
    inside "Article 10.3"."""
    return _CLAUSE_GAP.sub(lambda m: m.group(1) + r"(?:[^.;]|\.(?=\d))", pattern)


def lower_pattern(pattern: str) -> str:
    """The pattern for lower-cased text: letters lower-cased, escapes (\\S, \\W, \\B...) kept.

    Matching lower-cased text without IGNORECASE is about twice as fast in Python's re.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


def compile_pattern(
    pattern: str, cache: dict[tuple[str, bool], re.Pattern[str]], lowered: bool = True
) -> re.Pattern[str]:
    """Compile once: for lower-cased text (default) or, case-insensitively, for the original."""
    key = (pattern, lowered)
    found = cache.get(key)
    if found is None:
        source = flexible_spaces(number_aware_gaps(pattern))
        with quiet_regex_warnings():
            found = cache[key] = compile_with_prefix(lower_pattern(source)) if lowered else re.compile(source, _FLAGS)
    return found


class _Node:
    """A compiled condition: `holds(text, article)` gives the matched spans in `text` (a window of
    `article`, lower-cased), or None if it does not hold. Nodes keep no state between calls:
    what one article's evaluation remembers lives on its ArticleText, so threads can share a
    compiled ruleset."""

    def holds(self, text: str, article: ArticleText) -> list[Span] | None:
        raise NotImplementedError

    def requirements(self) -> list[list[str]]:
        """Lists of strings, one string of each list occurs in any text where the condition holds."""
        return []


class _Pattern(_Node):
    """A regex searched in the window; a leading ^ anchors it at the start of the window."""

    def __init__(self, pattern: str, cache: dict[tuple[str, bool], re.Pattern[str]]) -> None:
        self.anchored = pattern.startswith("^")
        self.regex = compile_pattern(pattern[1:] if self.anchored else pattern, cache)
        # substrings every match contains: most windows are rejected by these `in` tests
        self.literals = required_literals(self.regex.pattern)
        self._requirements = all_required_literals(self.regex.pattern)

    def requirements(self) -> list[list[str]]:
        return self._requirements

    def holds(self, text: str, article: ArticleText) -> list[Span] | None:
        literals = self.literals
        if literals is not None:
            for literal in literals:
                if literal in text:
                    break
            else:
                return None
        memo = article.memo
        key = (id(self), text)
        if key in memo:
            return memo[key]
        if self.anchored:
            start = len(text) - len(text.lstrip())
            match = self.regex.match(text, start)
        else:
            match = self.regex.search(text)
        found = None if match is None or match.end() == match.start() else [match.span()]
        memo[key] = found
        return found

    def all_spans(self, text: str) -> list[Span]:
        return [m.span() for m in self.regex.finditer(text) if m.end() > m.start()]


class _All(_Node):
    def __init__(self, children: list[_Node]) -> None:
        # cheap, selective children first would be ideal; `not` children always last
        self.children = sorted(children, key=lambda c: isinstance(c, _Not))

    def holds(self, text: str, article: ArticleText) -> list[Span] | None:
        spans: list[Span] = []
        for child in self.children:
            found = child.holds(text, article)
            if found is None:
                return None
            spans.extend(found)
        return spans

    def requirements(self) -> list[list[str]]:
        return [r for child in self.children for r in child.requirements()]


class _Any(_Node):
    def __init__(self, children: list[_Node]) -> None:
        self.children = children

    def holds(self, text: str, article: ArticleText) -> list[Span] | None:
        for child in self.children:
            found = child.holds(text, article)
            if found is not None:
                return found
        return None

    def requirements(self) -> list[list[str]]:
        # one of the children holds: one string of the union of their most selective lists
        union: set[str] = set()
        for child in self.children:
            options = child.requirements()
            if not options:
                return []
            union.update(min(options, key=_selectivity))
        return [sorted(union)] if len(union) <= _MAX_ALTERNATIVES else []


class _Not(_Node):
    def __init__(self, child: _Node) -> None:
        self.child = child

    def holds(self, text: str, article: ArticleText) -> list[Span] | None:
        return [] if self.child.holds(text, article) is None else None


_WORD = re.compile(r"\S+")


class _Heading(_Node):
    """Holds when the article's headings match; contributes no highlighted words."""

    def __init__(self, pattern: str, cache: dict[tuple[str, bool], re.Pattern[str]]) -> None:
        self.regex = compile_pattern(pattern, cache, lowered=False)  # as a rule's `headings`

    def holds(self, text: str, article: ArticleText) -> list[Span] | None:
        return [] if self.regex.search(article.headings) else None


class _Near(_Node):
    def __init__(self, first: str, second: str, words: int, cache: dict[tuple[str, bool], re.Pattern[str]]) -> None:
        self.first = _Pattern(first, cache)
        self.second = _Pattern(second, cache)
        self.words = words

    def holds(self, text: str, article: ArticleText) -> list[Span] | None:
        """The first pair (in order of the first term, then the second) at most `words` words apart.

        Word counts come from the starts of the text's words and binary search, so a long window
        full of both terms (OCR text without full stops) costs O(n log n), not O(n^2).
        """
        if self.first.holds(text, article) is None or self.second.holds(text, article) is None:
            return None
        a = self.first.all_spans(text)
        b = self.second.all_spans(text)
        word_starts = [m.start() for m in _WORD.finditer(text)]

        def words_between(x: int, y: int) -> int:  # == len(text[x:y].split())
            if y <= x:
                return 0
            inside = bisect_left(word_starts, y) - bisect_right(word_starts, x)
            return inside + (0 if text[x].isspace() else 1)

        b_starts = [s for s, _ in b]
        b_ends = [e for _, e in b]
        for s1, e1 in a:
            # Second-term matches ending before this one: the word gap shrinks as they get closer,
            # so the first acceptable one is found by bisection.
            lo, hi = 0, bisect_right(b_ends, s1)
            while lo < hi:
                mid = (lo + hi) // 2
                if words_between(b_ends[mid], s1) <= self.words:
                    hi = mid
                else:
                    lo = mid + 1
            if lo < bisect_right(b_ends, s1):
                return [(s1, e1), b[lo]]
            # Otherwise the nearest match starting after this one (overlapping ones are skipped:
            # "claim" inside "claimant" is not two terms).
            after = bisect_left(b_starts, e1)
            if after < len(b) and words_between(e1, b_starts[after]) <= self.words:
                return [(s1, e1), b[after]]
        return None

    def requirements(self) -> list[list[str]]:
        return self.first.requirements() + self.second.requirements()


_ARTICLE_MIN = 5  # shortest string the article-wide pass looks for
_MAX_ALTERNATIVES = 48  # a longer list of strings rejects too little to pay for its tests


def _selectivity(literals: list[str]) -> tuple[bool, int, int]:
    """Sort key, most selective first: no common word, long strings, few alternatives."""
    return (is_common(literals), -min(len(x) for x in literals), len(literals))


def rule_requirements(node: _Node) -> list[list[str]]:
    """The strings a window must hold for `node` to hold there, most selective list first.

    Strings with white space are left out: in a masked window (definitions blanked out) a match
    can only contain characters of the original text, never a blank that replaced it.
    """
    out: list[list[str]] = []
    for option in node.requirements():
        option = sorted(set(option))
        if option not in out and not any(ch.isspace() for lit in option for ch in lit):
            out.append(option)
    return sorted(out, key=_selectivity)


_NODES: dict[str, _Pattern] = {}


def compile_condition(condition: Condition, cache: dict[tuple[str, bool], re.Pattern[str]]) -> _Node:
    if condition.pattern is not None:
        node = _NODES.get(condition.pattern)
        if node is None:
            node = _NODES[condition.pattern] = _Pattern(condition.pattern, cache)
        return node
    if condition.all is not None:
        return _All([compile_condition(c, cache) for c in condition.all])
    if condition.any is not None:
        return _Any([compile_condition(c, cache) for c in condition.any])
    if condition.not_ is not None:
        return _Not(compile_condition(condition.not_, cache))
    if condition.heading is not None:
        return _Heading(condition.heading, cache)
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


def _holds_all(requirements: list[list[str]], text: str) -> bool:
    """Does `text` hold one string of each list?"""
    for option in requirements:
        for literal in option:
            if literal in text:
                break
        else:
            return False
    return True


class CompiledRule:
    def __init__(self, rule: Rule, cache: dict[tuple[str, bool], re.Pattern[str]]) -> None:
        assert rule.match is not None
        self.rule = rule
        self.match = compile_condition(rule.match, cache)
        # strings a window must hold for the condition to hold there: tested before any regex
        self.requirements = rule_requirements(self.match)
        # the rarer of them are looked up in the whole article by the keyword prefilter's pass
        # (short strings such as "ent" would flood that pass with hits and reject nothing)
        self.article_requirements = [
            option for option in self.requirements if not is_common(option) and min(map(len, option)) >= _ARTICLE_MIN
        ]
        self.skips = (rule.skip_definitions, rule.skip_cross_references)
        self.skip_preamble = rule.skip_preamble
        self.headings = compile_pattern(rule.headings, cache, lowered=False) if rule.headings else None
        self.not_headings = compile_pattern(rule.not_headings, cache, lowered=False) if rule.not_headings else None
        self.carve_outs = [(spec, compile_condition(spec.when, cache)) for spec in rule.unless]
        # values are read from the original text, so 'ICSID' keeps its capitals
        self.extract = {name: compile_pattern(p, cache, lowered=False) for name, p in rule.extract.items()}

    def in_scope(self, article: ArticleText) -> bool:
        if self.headings is not None and not self.headings.search(article.headings):
            return False
        return not (self.not_headings is not None and self.not_headings.search(article.headings))

    def windows(self, article: ArticleText, anchors: list[int] | None) -> list[Span]:
        """The windows holding a keyword (all of them when keyword positions are unknown)."""
        kind = self.rule.window
        if kind == Window.ARTICLE:
            return [(0, len(article.text))]
        if anchors is None:
            return article.windows(kind)
        windows = set()
        last: Span = (-1, -1)
        for position in sorted(anchors):
            if last[0] <= position < last[1]:
                continue  # same window as the previous keyword
            last = article.window_at(kind, position)
            windows.add(last)
        return sorted(windows)

    def apply(self, article: ArticleText, anchors: list[int] | None = None) -> RuleMatch | None:
        """The first window where the rule holds and no carve-out drops it, or None."""
        if (self.skips[0] and article.is_definitions) or (self.skip_preamble and article.is_preamble):
            return None
        lowered = article.lowered
        requirements = self.requirements
        for window in self.windows(article, anchors):
            start, end = window
            text = lowered[start:end]
            if requirements and not _holds_all(requirements, text):
                continue
            found = self.match.holds(text, article)
            if found is not None and any(self.skips) and self._in_ignored(article, window, found):
                # some matched words sit in a definition or a cross-reference: match again
                # without those sentences
                masked = article.masked(window, *self.skips)
                found = None if masked is None else self.match.holds(masked, article)
            if found is None:
                continue
            highlights = sorted({(s + start, e + start) for s, e in found}) or [window]
            hits = []
            dropped = False
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

    def _in_ignored(self, article: ArticleText, window: Span, found: list[Span]) -> bool:
        for s, _ in found:
            sentence = article.sentence_at(window[0] + s)
            if article.ignorable(sentence, *self.skips):
                return True
        return False

    def _carve_out_span(
        self, article: ArticleText, spec: CarveOutSpec, node: _Node, window: Span, highlights: list[Span]
    ) -> Span | None:
        """Where the carve-out holds in a sentence/paragraph/article holding the match, if it does.

        For a match spread over a paragraph, "the sentence" means each sentence holding matched
        words, not every sentence of the paragraph. Carve-outs read the text as it is,
        definitions included: a definition can carve a measure out.
        """
        if spec.where == self.rule.window:
            candidates = [window]
        elif spec.where == Window.ARTICLE:
            candidates = [(0, len(article.text))]
        else:
            candidates = sorted({article.window_at(spec.where, start) for start, _ in highlights})
        for start, end in candidates:
            found = node.holds(article.lowered[start:end], article)
            if found is not None:
                return (min(found)[0] + start, min(found)[1] + start) if found else (start, end)
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
        cache: dict[tuple[str, bool], re.Pattern[str]] = {}
        self.rules = [CompiledRule(rule, cache) for rule in ruleset.clause_rules]
        keywords = {word for c in self.rules for word in c.rule.keywords}
        # one pass finds the keywords (anchors); the strings a candidate rule requires in the
        # article are then looked up with `in`, only for the few rules the keywords let through
        self.index = KeywordIndex(keywords)
        self.by_keyword: dict[str, list[int]] = {}
        for position, compiled in enumerate(self.rules):
            for word in compiled.rule.keywords:
                self.by_keyword.setdefault(word, []).append(position)

    def anchors(self, article: ArticleText) -> dict[int, list[int]]:
        """Candidate rules (by position) -> where their keywords start in the article text."""
        out: dict[int, list[int]] = {}
        found = self.index.positions(article.lowered)
        by_keyword = self.by_keyword
        for word, positions in found.items():
            for rule in by_keyword.get(word, ()):
                out.setdefault(rule, []).extend(positions)
        rules = self.rules
        lowered = article.lowered
        for rule in [r for r in out if rules[r].article_requirements]:
            for option in rules[rule].article_requirements:
                for literal in option:
                    if literal in lowered:
                        break
                else:
                    del out[rule]  # the article lacks a string the rule needs
                    break
        return out

    def candidates(self, article: ArticleText) -> list[CompiledRule]:
        return [self.rules[p] for p in sorted(self.anchors(article))]

    def scan(self, article: ArticleText) -> list[RuleMatch]:
        matches = []
        for position, anchors in sorted(self.anchors(article).items()):
            compiled = self.rules[position]
            if compiled.in_scope(article):
                found = compiled.apply(article, anchors)
                if found is not None:
                    matches.append(found)
        return matches
