"""Draft-to-draft diff: align the units of two drafts, then compare their findings and scores.

Alignment is what a negotiator does by eye: an article is the same article when its text is
the same or close, whatever its number now is. Units are matched (1) by identical text, (2) by
number when the text is still similar, (3) by a title found once in each draft (an article
rewritten under its old name), (4) by text similarity alone, best pairs first, for articles
that were renumbered or moved. Then the diff names findings added, removed and changed,
the words that changed inside flagged clauses, and the score delta per family.
Similarity is difflib's ratio over words (standard library; a few hundred articles align in
well under a second, so no fuzzy-matching dependency is needed).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from typing import Any, Literal

from pydantic import BaseModel, Field

from .findings import Finding, Scope, Severity
from .model import Family, Treaty, Unit, UnitKind

#: Below this word similarity two units are different units, even with the same number.
SAME_NUMBER_SIMILARITY = 0.5
#: Without the same number, units must be at least this similar to be the same unit.
MOVED_SIMILARITY = 0.6
#: Word-set overlap below which the (slower) sequence similarity is not computed.
_PREFILTER_OVERLAP = 0.3
#: Words of context kept around each change in a word diff.
CONTEXT_WORDS = 6

_BLOCK_KINDS = (UnitKind.ARTICLE, UnitKind.PREAMBLE)
_CONTAINER_KINDS = (UnitKind.PART, UnitKind.CHAPTER, UnitKind.SECTION, UnitKind.ANNEX)
_PARAGRAPH_KINDS = (UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM)
_WORD = re.compile(r"\S+")


class UnitRef(BaseModel):
    """A unit as a negotiator names it: 'Article 8.6 Critical Shortages', line 45."""

    kind: UnitKind
    number: str | None = None
    title: str | None = None
    label: str
    line: int | None = None

    @property
    def name(self) -> str:
        return f"{self.label} {self.title}" if self.title and self.title != self.label else self.label


class DiffSegment(BaseModel):
    """A stretch of a word diff: unchanged words, or words deleted from OLD or inserted in NEW."""

    op: Literal["equal", "delete", "insert", "skip"]  # skip: unchanged words left out ("…")
    text: str


class UnitChange(BaseModel):
    """One unit across the two drafts. `old` is None for an added unit, `new` for a removed one."""

    old: UnitRef | None = None
    new: UnitRef | None = None
    similarity: float = 0.0  # 0-1, words in common
    renumbered: bool = False
    retitled: bool = False
    moved: bool = False  # its place among the other units changed, not only its number
    text_changed: bool = False
    flagged: bool = False  # a finding (restrictive or safeguard) sits in it, in either draft
    word_diff: list[DiffSegment] = Field(default_factory=list)  # flagged units whose text changed
    text: str = ""  # the unit's text, for an added or removed flagged unit

    @property
    def status(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "modified" if self.text_changed else "unchanged"

    @property
    def name(self) -> str:
        """'Article 8.7 Critical Shortages (was Article 8.6)'."""
        if self.new is None:
            return f"{self.old.name} (removed)" if self.old else ""
        if self.old is not None and self.renumbered:
            return f"{self.new.name} (was {self.old.label})"
        return self.new.name


class FindingChange(BaseModel):
    """A finding that appeared, disappeared or changed between the drafts."""

    change: Literal["added", "removed", "changed"]
    rule_id: str
    family: Family
    title: str
    severity: Severity  # in the new draft (the old one for a removed finding)
    old: Finding | None = None
    new: Finding | None = None
    unit: str = ""  # where, as UnitChange.name, or "whole agreement" for treaty-level findings
    differences: list[str] = Field(default_factory=list)  # what changed, for a changed finding


class FamilyDelta(BaseModel):
    family: str  # a restrictive family, or "overall"
    old: float
    new: float
    delta: float


class DraftDiff(BaseModel):
    """Everything `policyspace diff` reports; `--format json` prints exactly this model."""

    old_file: str
    new_file: str
    old_title: str | None = None
    new_title: str | None = None
    parties: list[str] = Field(default_factory=list)  # the later draft's parties
    units: list[UnitChange]  # in the new draft's order; removed units where they stood
    findings: list[FindingChange]
    scores: list[FamilyDelta]

    def added_units(self) -> list[UnitChange]:
        return [u for u in self.units if u.status == "added"]

    def removed_units(self) -> list[UnitChange]:
        return [u for u in self.units if u.status == "removed"]

    def renumbered_units(self) -> list[UnitChange]:
        return [u for u in self.units if u.old and u.new and u.renumbered]

    def moved_units(self) -> list[UnitChange]:
        return [u for u in self.units if u.moved]

    def flagged_text_changes(self) -> list[UnitChange]:
        return [u for u in self.units if u.old and u.new and u.text_changed and u.flagged]

    def other_text_changes(self) -> list[UnitChange]:
        return [u for u in self.units if u.old and u.new and u.text_changed and not u.flagged]

    def findings_by_change(self, change: str) -> list[FindingChange]:
        return [f for f in self.findings if f.change == change]


# ---------------------------------------------------------------- units


class _Block:
    """A unit to align: an article (or preamble) with all its text, or a container's own text."""

    __slots__ = ("end", "index", "start", "text", "unit", "word_set", "words")

    def __init__(self, unit: Unit, text: str, index: int) -> None:
        self.unit = unit
        self.text = text
        self.words = _WORD.findall(text.lower())
        self.word_set = frozenset(self.words)
        self.start = unit.span.start_offset if unit.span else -1
        self.end = unit.span.end_offset if unit.span else -1
        self.index = index

    @property
    def key(self) -> tuple[UnitKind, str | None]:
        return self.unit.kind, self.unit.number

    def ref(self) -> UnitRef:
        u = self.unit
        return UnitRef(kind=u.kind, number=u.number, title=u.title, label=u.label,
                       line=u.span.start_line if u.span else None)


def _blocks(treaty: Treaty) -> list[_Block]:
    """Articles and the preamble with all their text; other units (chapters, sections, annexes
    without articles, stray paragraphs) with their own text only."""
    blocks: list[_Block] = []

    def visit(unit: Unit) -> None:
        has_articles = any(u.kind == UnitKind.ARTICLE for u in unit.walk() if u is not unit)
        if unit.kind in _BLOCK_KINDS or (unit.kind not in _CONTAINER_KINDS and not has_articles) or (
            unit.kind == UnitKind.ANNEX and not has_articles
        ):
            blocks.append(_Block(unit, _heading_and_text(unit, _numbered_text(unit)), len(blocks)))
            return
        blocks.append(_Block(unit, _heading_and_text(unit, unit.text), len(blocks)))
        for child in unit.children:
            visit(child)

    for unit in treaty.units:
        visit(unit)
    return blocks


def _numbered_text(unit: Unit) -> str:
    """The unit's text with its paragraphs' numbers ('1.', '(a)'), so a renumbered or deleted
    paragraph shows in a word diff."""
    lines = []
    for part in unit.walk():
        number = part.number if part.kind in _PARAGRAPH_KINDS and part is not unit else None
        if part.text or number:
            lines.append(f"{number} {part.text}" if number else part.text)
    return "\n".join(lines)


def _heading_and_text(unit: Unit, text: str) -> str:
    return f"{unit.title or ''}\n{text}".strip()


def _similarity(a: _Block, b: _Block) -> float:
    if not a.words and not b.words:
        return 1.0
    if not a.word_set or not b.word_set:
        return 0.0
    overlap = len(a.word_set & b.word_set) / len(a.word_set | b.word_set)
    if overlap < _PREFILTER_OVERLAP:
        return overlap / 2  # clearly different: no need for the sequence comparison
    return difflib.SequenceMatcher(None, a.words, b.words, autojunk=False).ratio()


def align(old: list[_Block], new: list[_Block]) -> list[tuple[_Block | None, _Block | None, float]]:
    """Pairs (old, new, similarity); unmatched units pair with None."""
    pairs: dict[int, tuple[int, float]] = {}  # old index -> (new index, similarity)
    taken: set[int] = set()

    def pair(i: int, j: int, score: float) -> None:
        pairs[i] = (j, score)
        taken.add(j)

    # 1. identical text (a unit moved or renumbered without a word changed)
    by_text: dict[tuple[UnitKind, tuple[str, ...]], list[int]] = defaultdict(list)
    for j, block in enumerate(new):
        by_text[(block.unit.kind, tuple(block.words))].append(j)
    for i, block in enumerate(old):
        candidates = [j for j in by_text.get((block.unit.kind, tuple(block.words)), []) if j not in taken]
        if candidates:  # prefer the one with the same number, then the nearest
            j = min(candidates, key=lambda j: (new[j].key != block.key, abs(j - i)))
            pair(i, j, 1.0)
    # 2. same number, still similar text
    by_key: dict[tuple[UnitKind, str | None], list[int]] = defaultdict(list)
    for j, block in enumerate(new):
        if block.unit.number is not None:
            by_key[block.key].append(j)
    for i, block in enumerate(old):
        if i in pairs or block.unit.number is None:
            continue
        for j in by_key.get(block.key, []):
            if j not in taken:
                score = _similarity(block, new[j])
                if score >= SAME_NUMBER_SIMILARITY:
                    pair(i, j, score)
                    break
    # 3. the same title, found once in each draft: an article rewritten under its old name (and
    #    the preamble, however much it changed)
    old_titles = _unique_titles(old)
    new_titles = _unique_titles(new)
    for title, i in old_titles.items():
        j = new_titles.get(title)
        if j is not None and i not in pairs and j not in taken and old[i].unit.kind == new[j].unit.kind:
            pair(i, j, _similarity(old[i], new[j]))
    # 4. similar text, best pairs first (renumbered, moved, or both)
    candidates: list[tuple[float, int, int]] = []
    for i, a in enumerate(old):
        if i in pairs:
            continue
        for j, b in enumerate(new):
            if j in taken or a.unit.kind != b.unit.kind:
                continue
            score = _similarity(a, b)
            if score >= MOVED_SIMILARITY:
                candidates.append((score, i, j))
    for score, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in pairs and j not in taken:
            pair(i, j, score)

    out: list[tuple[_Block | None, _Block | None, float]] = []
    for i, block in enumerate(old):
        if i in pairs:
            j, score = pairs[i]
            out.append((block, new[j], score))
        else:
            out.append((block, None, 0.0))
    out.extend((None, block, 0.0) for j, block in enumerate(new) if j not in taken)
    return out


def _unique_titles(blocks: list[_Block]) -> dict[str, int]:
    """Normalised title -> block index, for titles that occur once (the preamble counts as titled)."""
    seen: dict[str, list[int]] = defaultdict(list)
    for block in blocks:
        if block.unit.kind == UnitKind.PREAMBLE:
            seen["\0preamble"].append(block.index)
        elif block.unit.title:
            seen[" ".join(block.unit.title.lower().split())].append(block.index)
    return {title: indexes[0] for title, indexes in seen.items() if len(indexes) == 1}


def _moved(pairs: list[tuple[_Block, _Block]]) -> set[int]:
    """Old indexes of matched units whose relative order changed.

    The units that stayed in place are the heaviest increasing run of new positions (in old
    order); a unit that kept its number weighs more, so when Article 8.7 moves after 8.8, it is
    8.7 that moved, not 8.8.
    """
    ordered = sorted(pairs, key=lambda p: p[0].index)
    n = len(ordered)
    best = [0.0] * n
    back = [-1] * n
    for k, (a, b) in enumerate(ordered):
        weight = 2.0 if a.key == b.key else 1.0
        best[k] = weight
        for m in range(k):
            if ordered[m][1].index < b.index and best[m] + weight > best[k]:
                best[k], back[k] = best[m] + weight, m
    stay: set[int] = set()
    k = max(range(n), key=lambda k: best[k]) if n else -1
    while k >= 0:
        stay.add(ordered[k][0].index)
        k = back[k]
    return {a.index for a, _ in ordered if a.index not in stay}


def word_diff(old: str, new: str, context: int = CONTEXT_WORDS) -> list[DiffSegment]:
    """Changed words with `context` unchanged words around each change; the rest elided."""
    a, b = old.split(), new.split()
    segments: list[DiffSegment] = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for k, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            words = a[i1:i2]
            first, last = k == 0, k == len(opcodes) - 1
            keep_head = 0 if first else context
            keep_tail = 0 if last else context
            if len(words) > keep_head + keep_tail:
                if keep_head:
                    segments.append(DiffSegment(op="equal", text=" ".join(words[:keep_head])))
                segments.append(DiffSegment(op="skip", text="…"))
                if keep_tail:
                    segments.append(DiffSegment(op="equal", text=" ".join(words[-keep_tail:])))
            else:
                segments.append(DiffSegment(op="equal", text=" ".join(words)))
            continue
        if tag in ("delete", "replace"):
            segments.append(DiffSegment(op="delete", text=" ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(DiffSegment(op="insert", text=" ".join(b[j1:j2])))
    return segments


# ---------------------------------------------------------------- findings


def _block_of(finding: Finding, blocks: list[_Block]) -> _Block | None:
    """The innermost block whose span holds the finding (None for treaty-level findings, which
    point at one clause as an example but speak of the whole agreement)."""
    if finding.start_offset is None or finding.scope == Scope.TREATY:
        return None
    inside = [b for b in blocks if b.start <= finding.start_offset < b.end]
    return max(inside, key=lambda b: b.start) if inside else None


def _relative_path(finding: Finding, block: _Block | None) -> tuple[str, ...]:
    """The finding's place inside its block: ('2.', '(a)') in 'Article 8.6 > 2. > (a)'."""
    path = finding.unit_path
    if block is not None and block.unit.label in path:
        return tuple(path[path.index(block.unit.label) + 1 :])
    return tuple(path)


def _differences(old: Finding, new: Finding) -> list[str]:
    out = []
    if old.severity != new.severity:
        out.append(f"severity {old.severity.value} → {new.severity.value}")
    if old.suppressed != new.suppressed:
        out.append(
            f"now suppressed: {new.suppression_reason}" if new.suppressed else "no longer suppressed"
        )
    old_carve = {(c.effect, c.description) for c in old.carve_outs}
    new_carve = {(c.effect, c.description) for c in new.carve_outs}
    out += [f"carve-out no longer applies: {d} ({e})" for e, d in sorted(old_carve - new_carve)]
    out += [f"carve-out now applies: {d} ({e})" for e, d in sorted(new_carve - old_carve)]
    for name in sorted(set(old.extracted) | set(new.extracted)):
        before, after = old.extracted.get(name, []), new.extracted.get(name, [])
        if before != after:
            out.append(f"{name}: {', '.join(before) or 'none'} → {', '.join(after) or 'none'}")
    return out


def _compare_findings(
    old_findings: list[Finding],
    new_findings: list[Finding],
    old_blocks: list[_Block],
    new_blocks: list[_Block],
    partner: dict[int, _Block | None],
    changes_by_new: dict[int, UnitChange],
    changes_by_old: dict[int, UnitChange],
) -> list[FindingChange]:
    """Findings matched by rule and aligned unit, then by their place inside the unit."""
    groups: dict[tuple[Any, ...], tuple[list[Finding], list[Finding]]] = defaultdict(lambda: ([], []))
    where: dict[tuple[Any, ...], str] = {}
    # The group key names the unit in the new draft ("unit", index), a unit that is gone
    # ("gone", index), or the whole agreement ("treaty", None) for treaty-level findings.
    for finding in old_findings:
        block = _block_of(finding, old_blocks)
        counterpart = partner.get(block.index) if block is not None else None
        if block is None:
            key: tuple[str, Any] = ("treaty", None)
        else:
            key = ("unit", counterpart.index) if counterpart is not None else ("gone", block.index)
        groups[(finding.rule_id, *key)][0].append(finding)
        change = changes_by_old.get(block.index) if block is not None else None
        where[(finding.rule_id, *key)] = change.name if change else "whole agreement"
    for finding in new_findings:
        block = _block_of(finding, new_blocks)
        key = ("unit", block.index) if block is not None else ("treaty", None)
        groups[(finding.rule_id, *key)][1].append(finding)
        change = changes_by_new.get(block.index) if block is not None else None
        where[(finding.rule_id, *key)] = change.name if change else "whole agreement"

    out: list[FindingChange] = []
    for group, (before, after) in groups.items():
        pairs, gone, new = _pair_within(before, after, old_blocks, new_blocks)
        unit = where[group]
        for a, b in pairs:
            differences = _differences(a, b)
            if differences:
                out.append(_change("changed", b, unit, old=a, new=b, differences=differences))
        out += [_change("removed", a, unit, old=a) for a in gone]
        out += [_change("added", b, unit, new=b) for b in new]
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(out, key=lambda c: (order[c.change], -c.severity.rank, c.unit, c.rule_id))


def _pair_within(
    before: list[Finding], after: list[Finding], old_blocks: list[_Block], new_blocks: list[_Block]
) -> tuple[list[tuple[Finding, Finding]], list[Finding], list[Finding]]:
    """Pair findings of one rule in one unit: same place (paragraph path) first, then in order."""
    pairs: list[tuple[Finding, Finding]] = []
    rest_after = list(after)
    rest_before: list[Finding] = []
    for a in before:
        place = _relative_path(a, _block_of(a, old_blocks))
        match = next((b for b in rest_after if _relative_path(b, _block_of(b, new_blocks)) == place), None)
        if match is not None:
            pairs.append((a, match))
            rest_after.remove(match)
        else:
            rest_before.append(a)
    while rest_before and rest_after:
        pairs.append((rest_before.pop(0), rest_after.pop(0)))
    return pairs, rest_before, rest_after


def _change(kind: str, finding: Finding, unit: str, **fields: Any) -> FindingChange:
    return FindingChange(
        change=kind, rule_id=finding.rule_id, family=finding.family, title=finding.title,  # type: ignore[arg-type]
        severity=finding.severity, unit=unit, **fields,
    )


# ---------------------------------------------------------------- the diff


def diff_drafts(
    old: Treaty,
    new: Treaty,
    old_findings: list[Finding],
    new_findings: list[Finding],
    ruleset: Any = None,
) -> DraftDiff:
    """Compare two drafts and their findings (as `check_treaty` returns them, config applied)."""
    from .scoring import RESTRICTIVE_FAMILIES, score_findings

    old_blocks, new_blocks = _blocks(old), _blocks(new)
    aligned = align(old_blocks, new_blocks)
    matched = [(a, b) for a, b, _ in aligned if a is not None and b is not None]
    moved = _moved(matched)
    flagged_old = _flagged(old_findings, old_blocks)
    flagged_new = _flagged(new_findings, new_blocks)

    changes_by_old: dict[int, UnitChange] = {}
    changes_by_new: dict[int, UnitChange] = {}
    partner: dict[int, _Block | None] = {}
    for a, b, score in aligned:
        change = UnitChange(
            old=a.ref() if a else None,
            new=b.ref() if b else None,
            similarity=round(score, 3),
            flagged=(a is not None and a.index in flagged_old) or (b is not None and b.index in flagged_new),
        )
        if a is not None and b is not None:
            change.renumbered = a.unit.number != b.unit.number
            change.retitled = (a.unit.title or "") != (b.unit.title or "")
            change.moved = a.index in moved
            change.text_changed = a.words != b.words
            if change.text_changed and change.flagged:
                change.word_diff = word_diff(a.text, b.text)
        elif change.flagged:
            change.text = (a or b).text  # type: ignore[union-attr]
        if a is not None:
            changes_by_old[a.index] = change
            partner[a.index] = b
        if b is not None:
            changes_by_new[b.index] = change

    findings = _compare_findings(
        old_findings, new_findings, old_blocks, new_blocks, partner, changes_by_new, changes_by_old
    )
    old_score, new_score = score_findings(old_findings, ruleset), score_findings(new_findings, ruleset)
    scores = [
        FamilyDelta(family=f.value, old=old_score.family(f).score, new=new_score.family(f).score,
                    delta=round(new_score.family(f).score - old_score.family(f).score, 1))
        for f in RESTRICTIVE_FAMILIES
    ]
    scores.append(FamilyDelta(family="overall", old=old_score.overall, new=new_score.overall,
                              delta=round(new_score.overall - old_score.overall, 1)))
    return DraftDiff(
        old_file=old.source.path if old.source else "",
        new_file=new.source.path if new.source else "",
        old_title=old.meta.title,
        new_title=new.meta.title,
        parties=list(new.meta.parties),
        units=_in_new_order(aligned, changes_by_old, changes_by_new),
        findings=findings,
        scores=scores,
    )


def _flagged(findings: list[Finding], blocks: list[_Block]) -> set[int]:
    out = set()
    for finding in findings:
        if finding.suppressed:
            continue
        block = _block_of(finding, blocks)
        if block is not None:
            out.add(block.index)
    return out


def _in_new_order(
    aligned: list[tuple[_Block | None, _Block | None, float]],
    changes_by_old: dict[int, UnitChange],
    changes_by_new: dict[int, UnitChange],
) -> list[UnitChange]:
    """Units in the new draft's order; a removed unit follows the unit that preceded it in the old draft."""
    ordered = [changes_by_new[j] for j in sorted(changes_by_new)]
    position = {id(change): k for k, change in enumerate(ordered)}
    inserts: list[tuple[float, UnitChange]] = []
    previous = -1.0
    for a, b, _ in sorted((p for p in aligned if p[0] is not None), key=lambda p: p[0].index):  # type: ignore[union-attr]
        if b is not None:
            previous = float(position[id(changes_by_new[b.index])])
        else:
            previous += 0.001
            inserts.append((previous, changes_by_old[a.index]))  # type: ignore[union-attr]
    keyed = [(float(k), change) for k, change in enumerate(ordered)] + inserts
    return [change for _, change in sorted(keyed, key=lambda kc: kc[0])]
