"""The corpus report: one self-contained HTML file (jinja2, inline SVG, the report stylesheet,
no scripts, nothing fetched) and a terminal summary, both from `corpus_stats`."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from .corpus_stats import CorpusStats

TEMPLATE = "corpus_report.html.j2"
_STYLESHEETS = ("report.css", "corpus_report.css")


def _templates_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "templates"


def _stylesheet() -> tuple[str, str]:
    """The reports' stylesheet plus the corpus report's own, and its CSP hash."""
    folder = _templates_dir()
    css = "\n".join((folder / name).read_text(encoding="utf-8") for name in _STYLESHEETS if (folder / name).exists())
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return css, f"sha256-{digest}"


def _charts(stats: CorpusStats) -> dict[str, Any]:
    from .svg_charts import grouped_bars, horizontal_bars, line_chart

    families = stats.families
    charts: dict[str, Any] = {}
    if stats.by_period:
        charts["period"] = line_chart(
            "Share of treaties with each family, by signing period",
            [p.label for p in stats.by_period],
            {f: [p.share(f) for p in stats.by_period] for f in families},
        )
    if stats.by_income:
        charts["income"] = grouped_bars(
            "Share of treaties with each family, by income group of the parties",
            [p.label for p in stats.by_income],
            {f: [p.share(f) for p in stats.by_income] for f in families},
        )
    if stats.rule_hits:
        charts["rules"] = horizontal_bars(
            "Findings per rule", [(h.rule_id, h.findings, h.family) for h in stats.rule_hits[:30]]
        )
    return charts


def render_corpus_report(stats: CorpusStats) -> str:
    import jinja2

    from .. import __version__

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_templates_dir()),
        autoescape=True,  # treaty titles and rule text are untrusted
        undefined=jinja2.StrictUndefined,
    )
    css, style_hash = _stylesheet()
    return env.get_template(TEMPLATE).render(
        stats=stats, charts=_charts(stats), css=css, style_hash=style_hash, version=__version__,
    )


def print_terminal_summary(stats: CorpusStats, console: Any, top: int = 10) -> None:
    """A few rich tables: prevalence per family, the most restrictive treaties, top rules."""
    from rich.markup import escape
    from rich.table import Table as RichTable

    overview = RichTable(title=f"{stats.scanned} treaties scanned" + (f", {stats.failed} failed" if stats.failed else ""))
    overview.add_column("family")
    overview.add_column("treaties with it", justify="right")
    overview.add_column("share", justify="right")
    overview.add_column("mean score", justify="right")
    for family in stats.families:
        count = stats.overall.present.get(family, 0)
        mean = stats.mean_scores.get(family)
        overview.add_row(family, f"{count:,}", f"{stats.overall.share(family):.0%}",
                         f"{mean:.1f}" if mean is not None else "–")
    console.print(overview)
    if stats.most_restrictive:
        worst = RichTable(title="Most restrictive treaties (lowest overall score)")
        worst.add_column("score", justify="right")
        worst.add_column("treaty", overflow="fold")
        worst.add_column("signed")
        worst.add_column("findings", justify="right")
        for row in stats.most_restrictive[:top]:
            worst.add_row(f"{row['overall_score']:g}", escape(row.get("title") or row["file"]),
                          str(row.get("year_signed") or ""), str(row["findings"]))
        console.print(worst)
    if stats.rule_hits:
        rules = RichTable(title="Rules that fired most")
        for name, justify in (("rule", "left"), ("family", "left"), ("findings", "right"), ("treaties", "right")):
            rules.add_column(name, justify=justify)  # type: ignore[arg-type]
        for hit in stats.rule_hits[:top]:
            rules.add_row(hit.rule_id, hit.family, f"{hit.findings:,}", f"{hit.treaties:,}")
        console.print(rules)
