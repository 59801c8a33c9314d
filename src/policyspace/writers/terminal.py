"""Terminal (rich): the scorecard table, findings grouped by family, clause excerpts with the
matched words highlighted. `render` gives plain text (for files and tests); `print_report`
writes to a console with colour when it is a terminal.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from ..output_files import write_atomically

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..report import FamilySection, Report, ReportFinding, TextSegment

SEVERITY_STYLES = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
#: Characters of clause text shown around the matched words in the terminal (the HTML shows all).
EXCERPT_CHARS = 320


def _score_style(score: float) -> str:
    return "green" if score >= 80 else "yellow" if score >= 50 else "red"


def _excerpt(finding: ReportFinding) -> Text:
    from rich.text import Text

    segments = finding.excerpt_segments()
    text = Text()
    for segment in segments:
        text.append(segment.text, style="bold underline magenta" if segment.highlighted else None)
    plain = text.plain
    if len(plain) <= EXCERPT_CHARS:
        return text
    first = next((i for i, _ in _highlight_starts(segments)), 0)
    start = max(0, min(first - EXCERPT_CHARS // 3, len(plain) - EXCERPT_CHARS))
    clipped = text[start : start + EXCERPT_CHARS]
    out = Text("… " if start else "")
    out.append_text(clipped)
    if start + EXCERPT_CHARS < len(plain):
        out.append(" …")
    return out


def _highlight_starts(segments: list[TextSegment]) -> list[tuple[int, str]]:
    starts, offset = [], 0
    for segment in segments:
        if segment.highlighted:
            starts.append((offset, segment.text))
        offset += len(segment.text)
    return starts


def _scorecard(report: Report) -> Table:
    from rich.table import Table

    table = Table(
        title="Policy-space scorecard (100 = policy space fully retained)", title_justify="left",
        caption="lost: points lost to findings; back: points given back by safeguards", caption_justify="left",
    )
    table.add_column("family", min_width=18, ratio=1)
    table.add_column("score", justify="right")
    table.add_column("rating")
    table.add_column("lost", justify="right")
    table.add_column("back", justify="right")
    table.add_column("found", justify="right")
    for section in report.families:
        score = section.score
        assert score is not None
        table.add_row(
            section.label,
            f"[{_score_style(score.score)}]{score.score:g}[/]",
            score.rating,
            f"{score.deducted:g}",
            f"{score.credited:g}",
            str(len(section.findings)),
        )
    overall = report.scorecard.overall
    table.add_row(
        "[bold]overall[/bold]", f"[bold {_score_style(overall)}]{overall:g}[/]", f"[bold]{report.scorecard.rating}[/bold]",
        "", "", str(report.summary.restrictive),
    )
    return table


def _header(report: Report, console: Console) -> None:
    from rich.markup import escape

    doc = report.document
    console.print(f"[bold]{escape(doc.title or doc.file or 'Untitled agreement')}[/bold]")
    facts = [x for x in (doc.file, doc.type, doc.date_signed and f"signed {doc.date_signed}", doc.language) if x]
    console.print(escape(" · ".join(str(x) for x in facts)), style="dim")
    for party in report.parties:
        line = f"  {party.display}"
        if party.is_bloc and party.members:
            groups: dict[str, int] = {}
            for member in party.members:
                groups[member.income_group.label] = groups.get(member.income_group.label, 0) + 1
            line += ": " + ", ".join(f"{n} {label}" for label, n in groups.items())
        elif party.note:
            line += f" — {party.note}"
        console.print(escape(line), style="bold" if party.is_lmic else None)
    if report.perspective:
        console.print(f"Perspective: {escape(report.perspective.display)}", style="bold cyan")
    elif report.summary.lmic_parties:
        console.print(
            "Low- and middle-income parties: " + escape(", ".join(report.summary.lmic_parties)), style="bold"
        )
    console.print(f"Income groups: {escape(report.tool.income_classification)}", style="dim")


def _finding(finding: ReportFinding, console: Console, remedy_shown_in: dict[str, str]) -> None:
    from rich.markup import escape
    from rich.padding import Padding

    safeguard = finding.family.value == "safeguard"
    style = "green" if safeguard else SEVERITY_STYLES.get(finding.severity.value, "")
    label = "SAFEGUARD" if safeguard else finding.severity.value.upper()
    mark = "" if finding.counted else " (not counted)"
    console.print(
        f"[{style}]{label:9}[/] [bold]{finding.id} {finding.rule_id}[/bold] "
        f"{escape(finding.title)}{mark}  [dim]{escape(finding.location_label)}[/dim]"
    )

    def detail(markup: str) -> None:  # indented, and wrapped lines keep the indent
        console.print(Padding(markup, (0, 0, 0, 4)))

    if finding.excerpt:
        console.print(Padding(_excerpt(finding), (0, 0, 0, 4)))
    for carve in finding.carve_outs:
        detail(f"[dim]carve-out ({carve.effect}): {escape(carve.description)}[/dim]")
    for key, values in sorted(finding.extracted.items()):
        detail(f"[dim]{escape(key.replace('_', ' '))}: {escape(', '.join(values))}[/dim]")
    for note in finding.notes:
        detail(f"[dim]reviewer's note: {escape(note)}[/dim]")
    if finding.binds:
        detail("[dim]binds: " + escape(", ".join(f"{b.name} ({b.income_group.label})" for b in finding.binds)) + "[/dim]")
    if finding.remediation:
        if finding.rule_id in remedy_shown_in:
            detail(f"[green]use instead:[/green] as for {remedy_shown_in[finding.rule_id]}")
        else:
            remedy_shown_in[finding.rule_id] = finding.id
            detail(f"[green]use instead:[/green] {escape(finding.remediation)}")


def _section(section: FamilySection, console: Console) -> None:
    from rich.markup import escape
    from rich.rule import Rule

    score = f" — score {section.score.score:g} ({section.score.rating})" if section.score else ""
    console.print(Rule(f"{escape(section.label)}{score}", align="left"))
    if section.why_it_matters and section.findings:
        console.print(escape(section.why_it_matters), style="italic")
    if not section.findings:
        console.print("  nothing found", style="dim")
    remedy_shown_in: dict[str, str] = {}
    for finding in section.findings:
        _finding(finding, console, remedy_shown_in)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def print_report(report: Report, console: Console | None = None, summary_only: bool = False) -> None:
    """Print the report; `summary_only` stops after the scorecard and the counts."""
    from rich.console import Console

    console = console or Console(highlight=False)
    _header(report, console)
    console.print()
    console.print(_scorecard(report))
    s = report.summary
    console.print(
        f"{_plural(s.findings, 'finding')}: {s.restrictive} narrowing policy space, {_plural(s.safeguards, 'safeguard')}"
        + (f"; {s.suppressed} suppressed" if s.suppressed else "")
    )
    if summary_only:
        return
    for section in [*report.families, report.safeguards]:
        console.print()
        _section(section, console)
    if report.suppressed:
        console.print()
        console.print(f"Suppressed ({len(report.suppressed)}):", style="bold")
        from rich.markup import escape

        for finding in report.suppressed:
            console.print(
                f"  {finding.id} {finding.rule_id} {escape(finding.location_label)}: "
                f"{escape(finding.suppression_reason or 'no reason given')}"
            )


def render(report: Report, width: int = 100) -> str:
    """Plain text (no colour codes), as the terminal would show it."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, force_terminal=False)
    print_report(report, console)
    return buffer.getvalue()


def write(report: Report, path: str | Path) -> None:
    write_atomically(path, render(report))
