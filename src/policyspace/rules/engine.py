"""Run a ruleset over a treaty: clause findings per article, then treaty-level findings."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from ..findings import CarveOut, Finding, Highlight, Scope, Severity
from ..model import Annotation, AnnotationKind, Treaty, Unit, UnitKind
from .loader import Ruleset, load_ruleset
from .matcher import ArticleText, Piece, RuleMatch, is_definitions_title
from .schema import Rule

_EXCERPT_LIMIT = 600
# Enum members looked up once: attribute access on an Enum class is slow in hot loops.
_ARTICLE = UnitKind.ARTICLE
_PARAGRAPH = UnitKind.PARAGRAPH
_WS = re.compile(r"\s+")
_PREAMBLE_KIND = UnitKind.PREAMBLE
#: "Preamble", "Preámbulo", "Préambule" as a heading, or as the first word of the text.
PREAMBLE_HEADING = re.compile(r"^\W*(?:preamble|pre[áa]mbulo|pr[ée]ambule)\b", re.IGNORECASE)
#: A line that opens an article inside running text ("Artículo 3.- El Estado garantiza ...",
#: "Article 5 - The Parties ..."): text before the first heading that holds such lines is a
#: document whose article headings could not be read as headings, not a preamble of recitals.
_RUN_ON_ARTICLE = re.compile(
    r"^[ \t]*(?:ART[ÍI]CULO|Art[íi]culo|ARTICLE|Article|Art\.)[ \t]+\d+[ \t]*[°º]?[ \t]*(?:\.-|[.:\-–—][ \t])",
    re.MULTILINE,
)


# ---------------------------------------------------------------- articles


def evaluation_units(treaty: Treaty) -> list[tuple[tuple[Unit, ...], Unit]]:
    """The units rules are evaluated on: every article; in a document without articles, the
    top-level units; text outside any article (a chapter's own paragraphs) as its own unit."""
    out: list[tuple[tuple[Unit, ...], Unit]] = []

    def visit(path: tuple[Unit, ...], unit: Unit) -> bool:
        """Collect units under `unit`; True when the subtree holds an article."""
        if unit.kind is _ARTICLE:
            out.append((path, unit))
            return True
        mark = len(out)
        has_article = False
        for child in unit.children:
            has_article = visit(path + (unit,), child) or has_article
        if not has_article:
            del out[mark:]
            out.append((path, unit))
        elif unit.text:  # e.g. a chapter's introductory text before its first article
            out.insert(mark, (path, unit.model_copy(update={"children": []})))
        return has_article

    for unit in treaty.units:
        visit((), unit)
    return out


def heading_line(path: tuple[Unit, ...], unit: Unit) -> str:
    parts = []
    for u in (*path, unit):
        label = u.label
        parts.append(f"{label} {u.title}" if u.title and u.title != label else label)
    return " / ".join(parts)


def is_preamble(path: tuple[Unit, ...], article: Unit) -> bool:
    """Is this unit a treaty's preamble? Its recitals ("Recognising the right to regulate...",
    "Desiring to eliminate export duties...") guide interpretation but bind no one.

    A preamble unit, an article headed "Preamble", an unnumbered article directly under a
    "Preamble" heading (ToTA files the recitals so), or a text that opens with the word. A
    numbered article under a "Preamble" heading is not: some ToTA files put a whole treaty there.
    Nor is text before the first heading that holds run-on article lines ("Artículo 2.- El
    Estado ..."): that is a document whose headings could not be read as headings.
    """
    if article.kind is _PREAMBLE_KIND:
        return not any(u.text and _RUN_ON_ARTICLE.search(u.text) for u in article.walk())
    if article.title and PREAMBLE_HEADING.match(article.title):
        return True
    parent = path[-1] if path else None
    if (
        parent is not None
        and not article.number
        and (parent.kind is _PREAMBLE_KIND or PREAMBLE_HEADING.match(parent.title or parent.label))
    ):
        return True
    return bool(article.text and PREAMBLE_HEADING.match(article.text[:40]))


def article_text(path: tuple[Unit, ...], article: Unit) -> ArticleText:
    """Join the article's own text and its paragraphs' into one text, remembering each piece."""
    headings = lambda: heading_line(path, article)
    definitions = is_definitions_title(article.title)
    preamble = is_preamble(path, article)
    if not article.children:  # the common case in ToTA: one block of text per article
        text = article.text
        pieces = [Piece(0, len(text), article, path, -1)] if text else []
        return ArticleText(text, pieces, headings, definitions, preamble)
    texts: list[str] = []
    pieces: list[Piece] = []
    offset = 0
    counter = -1

    def visit(unit: Unit, ancestors: tuple[Unit, ...], paragraph: int) -> None:
        nonlocal offset, counter
        if unit.text:
            if texts:
                texts.append("\n")
                offset += 1
            texts.append(unit.text)
            pieces.append(Piece(offset, offset + len(unit.text), unit, ancestors, paragraph))
            offset += len(unit.text)
        for child in unit.children:
            if unit is article and child.kind is _PARAGRAPH:
                counter += 1  # a numbered paragraph opens a new window
                paragraph = counter
            visit(child, ancestors + (unit,), paragraph)

    visit(article, path, -1)
    return ArticleText("".join(texts), pieces, headings, definitions, preamble)


# ---------------------------------------------------------------- locations and excerpts


def _position(piece: Piece, offset: int) -> tuple[int, int, int]:
    """Source (line, column, offset) of character `offset` of the article text."""
    unit = piece.unit
    span = unit.text_span  # type: ignore[attr-defined]
    inside = max(0, min(offset - piece.start, piece.end - piece.start))
    if span is None:
        return 0, 0, inside
    text = unit.text  # type: ignore[attr-defined]
    newlines = text.count("\n", 0, inside)
    if newlines == 0:
        return span.start_line, span.start_column + inside, span.start_offset + inside
    column = inside - text.rindex("\n", 0, inside)
    return span.start_line + newlines, column, span.start_offset + inside


def _piece_at(article: ArticleText, offset: int) -> Piece:
    starts = [p.start for p in article.pieces]
    return article.pieces[max(0, bisect_right(starts, offset) - 1)]


def unit_path(piece: Piece) -> list[str]:
    return [u.label for u in (*piece.path, piece.unit)]  # type: ignore[attr-defined]


def excerpt_with_highlights(
    text: str, window: tuple[int, int], highlights: list[tuple[int, int]]
) -> tuple[str, list[Highlight]]:
    """The window's text, whitespace collapsed and cut around the first highlight if long."""
    start, end = window
    if end - start > _EXCERPT_LIMIT and highlights:
        start = max(start, highlights[0][0] - _EXCERPT_LIMIT // 3)
        end = min(end, start + _EXCERPT_LIMIT)
    raw = text[start:end]
    prefix = "…" if start > window[0] else ""
    excerpt = prefix + _WS.sub(" ", raw).strip() + ("…" if end < window[1] else "")

    def collapsed(offset: int) -> int:  # where raw[offset] lands in the excerpt
        return len(prefix) + len(_WS.sub(" ", raw[: offset - start]).lstrip())

    marks = []
    for s, e in highlights:
        if start <= s and e <= end:
            a, b = collapsed(s), collapsed(e)
            marks.append(Highlight(start=a, end=b, text=excerpt[a:b]))
    return excerpt, marks


# ---------------------------------------------------------------- findings


def _clause_finding(found: RuleMatch, article: ArticleText, file: str | None) -> Finding:
    rule = found.rule
    first, last = found.highlights[0], max(found.highlights, key=lambda s: s[1])
    start_piece = _piece_at(article, first[0])
    end_piece = _piece_at(article, max(first[0], last[1] - 1))
    start_line, start_column, start_offset = _position(start_piece, first[0])
    end_line, end_column, end_offset = _position(end_piece, last[1])
    excerpt, highlights = excerpt_with_highlights(article.text, found.window, found.highlights)
    severity = rule.severity
    carve_outs = []
    for hit in found.carve_outs:
        if hit.spec.effect == "downgrade":
            severity = severity.downgraded()
        words = " ".join(article.text[hit.span[0] : hit.span[1]].split())
        carve_outs.append(
            CarveOut(
                effect="downgraded" if hit.spec.effect == "downgrade" else "dropped",
                description=hit.spec.description,
                text=words[:300],
                unit_path=unit_path(_piece_at(article, hit.span[0])),
            )
        )
    return Finding(
        rule_id=rule.id, family=rule.family, severity=severity, title=rule.title, message=rule.message,
        scope=Scope.CLAUSE, file=file, unit_path=unit_path(start_piece),
        start_line=start_line, start_column=start_column, end_line=end_line, end_column=end_column,
        start_offset=start_offset, end_offset=end_offset, excerpt=excerpt, highlights=highlights,
        extracted=found.extracted, carve_outs=carve_outs,
    )


def clause_findings(treaty: Treaty, ruleset: Ruleset) -> list[tuple[Finding, tuple[Unit, ...]]]:
    """Findings of the clause rules, each with the chain of units it sits in (for annotations)."""
    compiled = ruleset.compiled
    file = treaty.source.path if treaty.source else None
    out = []
    for path, unit in evaluation_units(treaty):
        article = article_text(path, unit)
        if not article.text:
            continue
        matches = compiled.scan(article)
        if not matches:
            continue
        # tags anywhere in the article, or on a unit around it, count for the article
        tagged = {f.value for u in (*path, *unit.walk()) for f in u.tags}
        for found in matches:
            finding = _clause_finding(found, article, file)
            piece = _piece_at(article, found.highlights[0][0])
            finding.expected = found.rule.family.value in tagged
            out.append((finding, (*piece.path, piece.unit)))  # type: ignore[arg-type]
    return out


def _features(findings: list[Finding], ruleset: Ruleset) -> dict[str, list[Finding]]:
    """Rule ids and flag names -> the findings (not suppressed) that stand for them."""
    features: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.suppressed:
            continue
        features.setdefault(finding.rule_id, []).append(finding)
        rule = ruleset.get(finding.rule_id)
        for flag in rule.flags if rule else ():
            features.setdefault(flag, []).append(finding)
    return features


def treaty_findings(treaty: Treaty, clause: list[Finding], ruleset: Ruleset) -> list[Finding]:
    features = _features(clause, ruleset)
    file = treaty.source.path if treaty.source else None
    out = []
    for rule in ruleset.treaty_rules:
        condition = rule.treaty
        assert condition is not None
        if not all(name in features for name in condition.present):
            continue
        if any(name in features for name in condition.absent):
            continue
        evidence = [f for name in condition.present for f in features[name]]
        values: dict[str, list[str]] = {}
        reached = True
        for name, minimum in condition.at_least.items():
            hits = [
                (float(v), f) for f in clause if not f.suppressed for v in f.extracted.get(name, []) if _is_number(v)
            ]
            best = [pair for pair in hits if pair[0] >= minimum]
            if not best:
                reached = False
                break
            values[name] = sorted({_fmt(v) for v, _ in best})
            evidence.extend(f for _, f in best)
        if not reached:
            continue
        anchor = min(evidence, key=Finding.sort_key) if evidence else None
        out.append(
            Finding(
                rule_id=rule.id, family=rule.family, severity=rule.severity, title=rule.title,
                message=rule.message, scope=Scope.TREATY, file=file,
                unit_path=anchor.unit_path if anchor else [],
                start_line=anchor.start_line if anchor else None,
                start_column=anchor.start_column if anchor else None,
                end_line=anchor.end_line if anchor else None,
                end_column=anchor.end_column if anchor else None,
                start_offset=anchor.start_offset if anchor else None,
                end_offset=anchor.end_offset if anchor else None,
                excerpt=anchor.excerpt if anchor else "",
                extracted=values | {"evidence": sorted({f.rule_id for f in evidence})},
            )
        )
    return out


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


# ---------------------------------------------------------------- suppressions


def _suppressions(units: tuple[object, ...]) -> Iterator[Annotation]:
    for unit in units:
        for annotation in unit.annotations:  # type: ignore[attr-defined]
            if annotation.kind == AnnotationKind.SUPPRESS:
                yield annotation


def _apply_suppression(finding: Finding, annotations: Iterator[Annotation]) -> None:
    for annotation in annotations:
        if finding.rule_id in annotation.rule_ids:
            finding.suppressed = True
            finding.suppression_reason = annotation.text
            return


def check_treaty(treaty: Treaty, ruleset: Ruleset | None = None) -> list[Finding]:
    """All findings for one treaty, clause-level and treaty-level, in a deterministic order.

    Suppressed findings are included, marked `suppressed=True` with the reviewer's reason.
    """
    ruleset = ruleset or load_ruleset()
    clause = []
    chains: dict[int, tuple[object, ...]] = {}
    for finding, chain in clause_findings(treaty, ruleset):
        _apply_suppression(finding, _suppressions((treaty, *chain)))
        clause.append(finding)
        chains[id(finding)] = chain
    treaty_level = treaty_findings(treaty, clause, ruleset)
    by_location = {(f.start_offset, tuple(f.unit_path)): chains[id(f)] for f in clause}
    for finding in treaty_level:
        # a treaty-level finding points at its first evidence: suppressions there apply to it
        chain = by_location.get((finding.start_offset, tuple(finding.unit_path)), ())
        _apply_suppression(finding, _suppressions((treaty, *chain)))
    return sorted(clause + treaty_level, key=lambda f: (*f.sort_key(), f.scope.value))


def unused_suppressions(treaty: Treaty, findings: list[Finding]) -> list[Annotation]:
    """Suppressions that silenced nothing: some rule id they name has no suppressed finding."""
    used = {(f.rule_id, f.suppression_reason) for f in findings if f.suppressed}
    out = []
    for annotation in [*treaty.annotations, *(a for u in treaty.walk() for a in u.annotations)]:
        if annotation.kind != AnnotationKind.SUPPRESS:
            continue
        if any((rule_id, annotation.text) not in used for rule_id in annotation.rule_ids):
            out.append(annotation)
    return out


# ---------------------------------------------------------------- flags


def counts_as_present(finding: Finding) -> bool:
    """Informational findings (e.g. a promise to negotiate ISDS later) and suppressed ones do
    not make a family present (flags: see `raises_flags`)."""
    return not finding.suppressed and finding.severity != Severity.INFO


def raises_flags(finding: Finding, rule: Rule) -> bool:
    """Whether a finding raises its rule's treaty-level flags. Suppressed findings never do, nor
    findings lowered to info (by a carve-out or a severity override) from a rule that is not
    informational. An informational rule raises its own flags: a survival clause, a promise to
    negotiate ISDS later or an MFN clause that excludes dispute settlement is there even though
    it does not make a family present."""
    if finding.suppressed:
        return False
    return finding.severity != Severity.INFO or rule.severity == Severity.INFO


def flag_evidence(findings: list[Finding], ruleset: Ruleset | None = None) -> dict[str, list[str]]:
    """Treaty-level flag -> the rules (in finding order, each once) whose findings raise it."""
    ruleset = ruleset or load_ruleset()
    evidence: dict[str, list[str]] = {}
    for finding in findings:
        rule = ruleset.get(finding.rule_id)
        if rule is None or not raises_flags(finding, rule):
            continue
        for flag in rule.flags:
            rules = evidence.setdefault(flag, [])
            if finding.rule_id not in rules:
                rules.append(finding.rule_id)
    return evidence


def treaty_flags(findings: list[Finding], ruleset: Ruleset | None = None) -> dict[str, bool]:
    """Treaty-level flags (comparable to UNCTAD's IIA Mapping) from the rules' `flags` metadata."""
    ruleset = ruleset or load_ruleset()
    raised = flag_evidence(findings, ruleset)
    return {name: name in raised for name in ruleset.flag_names()}
