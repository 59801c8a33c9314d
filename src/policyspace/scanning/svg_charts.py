"""Small inline SVG charts for the corpus report: no script, no external resource, every label
escaped. Colours come with dash patterns and data tables, so no chart relies on colour alone."""

from __future__ import annotations

from markupsafe import Markup, escape

FAMILY_COLOURS = {
    "isds": "#b42318",
    "stabilization": "#9a6700",
    "local-content": "#1f4e99",
    "export-restriction": "#6b3fa0",
    "safeguard": "#1b7f3b",
}
FAMILY_DASHES = {"isds": "", "stabilization": "6 3", "local-content": "2 3", "export-restriction": "9 3 2 3",
                 "safeguard": "1 0"}
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    label = escape(title)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{label}"><title>{label}</title>' + "".join(body) + "</svg>"
    )


def _y_axis(left: int, top: int, plot_h: int, right: int) -> list[str]:
    parts = []
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h - plot_h * pct / 100
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5dae3"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT} fill="#566074">{pct}%</text>')
    return parts


def _legend(families: list[str], x: int, y: int) -> list[str]:
    parts = []
    for i, family in enumerate(families):
        lx = x + i * 140
        dash = FAMILY_DASHES.get(family, "")
        parts.append(f'<line x1="{lx}" x2="{lx + 24}" y1="{y}" y2="{y}" stroke="{FAMILY_COLOURS.get(family, "#333")}" '
                     f'stroke-width="3"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        parts.append(f'<text x="{lx + 30}" y="{y + 4}" {_FONT} fill="#1d2330">{escape(family)}</text>')
    return parts


def line_chart(title: str, labels: list[str], series: dict[str, list[float]]) -> Markup:
    """Shares (0-1) per label, one line per family."""
    width, height, left, top, bottom = 720, 300, 44, 34, 46
    plot_w, plot_h = width - left - 16, height - top - bottom
    body = _legend(list(series), left, 14) + _y_axis(left, top, plot_h, left + plot_w)
    step = plot_w / max(1, len(labels) - 1) if len(labels) > 1 else 0
    # Period labels such as "1990–1994" are shortened to their first year on the axis (the data
    # table under the chart has them in full), and thinned so that they never overlap.
    ticks = [label.split("–")[0] for label in labels]
    widest = max((len(t) for t in ticks), default=1) * 7 + 8
    every = max(1, int(widest // step) + 1) if step else 1
    for i, tick in enumerate(ticks):
        x = left + (i * step if len(labels) > 1 else plot_w / 2)
        if i % every == 0:
            body.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" {_FONT} '
                        f'fill="#566074">{escape(tick)}</text>')
    for family, values in series.items():
        colour = FAMILY_COLOURS.get(family, "#333")
        points = []
        for i, value in enumerate(values):
            x = left + (i * step if len(labels) > 1 else plot_w / 2)
            y = top + plot_h - plot_h * value
            points.append((x, y, value, labels[i]))
        dash = FAMILY_DASHES.get(family, "")
        body.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + ' points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points) + '"/>'
        )
        for x, y, value, label in points:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"><title>'
                        f'{escape(family)}, {escape(label)}: {value:.0%}</title></circle>')
    return _svg(width, height, title, body)


def grouped_bars(title: str, groups: list[str], series: dict[str, list[float]]) -> Markup:
    """Shares (0-1): one cluster per group, one bar per family."""
    width, height, left, top, bottom = 720, 300, 44, 34, 40
    plot_w, plot_h = width - left - 16, height - top - bottom
    body = _legend(list(series), left, 14) + _y_axis(left, top, plot_h, left + plot_w)
    families = list(series)
    cluster = plot_w / max(1, len(groups))
    bar = min(22.0, (cluster - 16) / max(1, len(families)))
    for g, group in enumerate(groups):
        x0 = left + g * cluster + (cluster - bar * len(families)) / 2
        body.append(f'<text x="{left + g * cluster + cluster / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                    f'{_FONT} fill="#566074">{escape(group)}</text>')
        for f, family in enumerate(families):
            value = series[family][g]
            h = plot_h * value
            body.append(f'<rect x="{x0 + f * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 2:.1f}" '
                        f'height="{h:.1f}" fill="{FAMILY_COLOURS.get(family, "#333")}"><title>{escape(family)}, '
                        f'{escape(group)}: {value:.0%}</title></rect>')
    return _svg(width, height, title, body)


def horizontal_bars(title: str, items: list[tuple[str, int, str]]) -> Markup:
    """(label, count, family) bars, longest first as given."""
    row, left, right_pad = 18, 120, 60
    width = 720
    height = 10 + row * max(1, len(items))
    peak = max((count for _, count, _ in items), default=1) or 1
    body = []
    for i, (label, count, family) in enumerate(items):
        y = 5 + i * row
        w = (width - left - right_pad) * count / peak
        body.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end" {_FONT} fill="#1d2330">{escape(label)}</text>')
        body.append(f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" '
                    f'fill="{FAMILY_COLOURS.get(family, "#333")}"><title>{escape(label)}: {count}</title></rect>')
        body.append(f'<text x="{left + w + 4:.1f}" y="{y + 12}" {_FONT} fill="#566074">{count}</text>')
    return _svg(width, height, title, body)
