"""Writers for `policyspace diff`: terminal text, JSON, and an HTML page in the report's template family.

The terminal text marks changed words as git's word diff does, `[-deleted-]{+inserted+}`, so the
changes read the same with or without colour (and in a CI log).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

    from ..diffing import DiffSegment, DraftDiff, FindingChange, UnitChange

_MARK = {"added": "+", "removed": "-", "changed": "~"}
_STYLE = {"added": "red", "removed": "green", "changed": "yellow"}  # a new finding costs policy space


def render_json(diff: DraftDiff) -> str:
    data = diff.model_dump(mode="json")
    data["summary"] = summary(diff)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_html(diff: DraftDiff, perspective: str | None = None, parties: list[str] | None = None) -> str:
    """One self-contained page extending the report's base template, with the report's stylesheet."""
    import base64
    import hashlib

    from .. import __version__
    from .html import TEMPLATES_DIR, _environment, score_class, stylesheet

    css = stylesheet()[0] + "\n" + (TEMPLATES_DIR / "diff.css").read_text(encoding="utf-8")
    style_hash = "sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    profiles, focus = _party_profiles(parties if parties is not None else diff.parties, perspective)
    return _environment().get_template("diff.html.j2").render(
        diff=diff, summary=summary(diff), css=css, style_hash=style_hash, version=__version__,
        parties=profiles, perspective=focus, score_class=score_class, excerpt_segments=excerpt_segments,
    )


def _party_profiles(codes: list[str], perspective: str | None) -> tuple[list[Any], Any]:
    from ..income_groups import classify_party

    profiles = [classify_party(code) for code in codes]
    focus = classify_party(perspective) if perspective else None
    return profiles, focus


def excerpt_segments(finding: Any) -> list[tuple[str, bool]]:
    """The finding's excerpt as (text, highlighted) pieces, from its highlight offsets."""
    text, pieces, at = finding.excerpt, [], 0
    for h in sorted(finding.highlights, key=lambda h: h.start):
        if h.start < at or h.end > len(text):
            continue
        if h.start > at:
            pieces.append((text[at:h.start], False))
        pieces.append((text[h.start:h.end], True))
        at = h.end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def summary(diff: DraftDiff) -> dict[str, Any]:
    """Counts a negotiator reads first; also printed at the top of the terminal output."""
    return {
        "findings_added": len(diff.findings_by_change("added")),
        "findings_removed": len(diff.findings_by_change("removed")),
        "findings_changed": len(diff.findings_by_change("changed")),
        "units_added": len(diff.added_units()),
        "units_removed": len(diff.removed_units()),
        "units_renumbered": len(diff.renumbered_units()),
        "units_moved": len(diff.moved_units()),
        "flagged_units_with_text_changes": len(diff.flagged_text_changes()),
        "other_units_with_text_changes": len(diff.other_text_changes()),
        "overall_score_delta": next((s.delta for s in diff.scores if s.family == "overall"), 0.0),
    }


def word_diff_text(segments: list[DiffSegment]) -> Text:
    """`… critical shortage of [-any product-]{+foodstuffs+} essential …`, styled for a terminal."""
    from rich.text import Text

    text = Text()
    for segment in segments:
        if text:
            text.append(" ")
        if segment.op == "delete":
            text.append(f"[-{segment.text}-]", style="red strike")
        elif segment.op == "insert":
            text.append(f"{{+{segment.text}+}}", style="green")
        elif segment.op == "skip":
            text.append("…", style="dim")
        else:
            text.append(segment.text)
    return text


def _signed(value: float) -> str:
    return f"{value:+.1f}" if value else "0"


def _finding_line(change: FindingChange) -> Text:
    from rich.text import Text

    severity = "safeguard" if change.family.value == "safeguard" else change.severity.value
    if change.change == "changed" and change.old is not None and change.old.severity != change.severity:
        severity = f"{change.old.severity.value}→{change.severity.value}"
    line = Text(f"  {_MARK[change.change]} ", style=_STYLE[change.change])
    line.append(f"{change.rule_id} [{severity}] ", style="bold")
    line.append(f"{change.title} — {change.unit}")
    for difference in change.differences:
        line.append(f"\n      {difference}", style="dim")
    return line


def _unit_names(changes: list[UnitChange], renumbered: bool = False) -> list[str]:
    if renumbered:
        return [f"{u.old.label} → {u.new.label}  {u.new.title or ''}".rstrip() for u in changes if u.old and u.new]
    return [u.name for u in changes]


def render_text(diff: DraftDiff, width: int = 100) -> str:
    """The diff as plain text (for a file or a CI log)."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    _write(Console(file=buffer, width=width, highlight=False, soft_wrap=True, color_system=None), diff)
    return buffer.getvalue()


def print_text(diff: DraftDiff) -> None:
    """Print to standard output, in colour when it is a terminal."""
    from rich.console import Console

    _write(Console(highlight=False, soft_wrap=True), diff)


def _write(console: Any, diff: DraftDiff) -> None:
    from rich.table import Table
    from rich.text import Text

    counts = summary(diff)
    console.print(Text(f"policyspace diff: {diff.old_file} → {diff.new_file}", style="bold"))
    added = counts["findings_added"]
    console.print(
        f"{added} finding{'' if added == 1 else 's'} added, {counts['findings_removed']} removed, "
        f"{counts['findings_changed']} changed; overall policy-space score "
        f"{_signed(counts['overall_score_delta'])}"
    )

    console.print(Text("\nPolicy-space score (100 = fully retained)", style="bold"))
    table = Table(show_edge=False, box=None, pad_edge=False)
    for column in ("family", "old", "new", "change"):
        table.add_column(column, justify="left" if column == "family" else "right")
    for score in diff.scores:
        style = "red" if score.delta < 0 else ("green" if score.delta > 0 else "")
        table.add_row(score.family, f"{score.old:g}", f"{score.new:g}", Text(_signed(score.delta), style=style))
    console.print(table)

    console.print(Text("\nFindings", style="bold"))
    if not diff.findings:
        console.print("  no finding added, removed or changed")
    for change in diff.findings:
        console.print(_finding_line(change))

    console.print(Text("\nText changes in flagged clauses", style="bold"))
    flagged = diff.flagged_text_changes()
    if not flagged:
        console.print("  none")
    for unit in flagged:
        console.print(Text(f"  {unit.name}", style="bold"))
        console.print(Text("    ").append_text(word_diff_text(unit.word_diff)))

    console.print(Text("\nStructure", style="bold"))
    rows = [
        ("added", _unit_names(diff.added_units())),
        ("removed", _unit_names(diff.removed_units())),
        ("renumbered", _unit_names(diff.renumbered_units(), renumbered=True)),
        ("moved", _unit_names(diff.moved_units())),
        ("text changed, no finding", _unit_names(diff.other_text_changes())),
    ]
    if not any(names for _, names in rows):
        console.print("  no unit added, removed, renumbered, moved or changed")
    for label, names in rows:
        if names:
            console.print(f"  {label}:")
            for name in names:
                console.print(f"    {name}")
