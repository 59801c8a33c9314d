"""HTML: one self-contained file via jinja2 (templates inside the package). Works offline: no
scripts, fonts or stylesheets from anywhere; a Content-Security-Policy allows only the page's
own stylesheet (by hash), so even an injected tag could neither run nor load anything.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..output_files import write_atomically

if TYPE_CHECKING:
    from ..report import Report

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"


def score_class(score: float) -> str:
    return "score-good" if score >= 80 else "score-mid" if score >= 50 else "score-bad"


@functools.cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every template, whatever its extension: treaty text is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.globals["score_class"] = score_class
    return env


def stylesheet() -> tuple[str, str]:
    """The stylesheet and its CSP source expression ('sha256-...')."""
    css = (TEMPLATES_DIR / STYLESHEET).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return css, f"sha256-{digest}"


def render(report: Report) -> str:
    css, style_hash = stylesheet()
    template = _environment().get_template(TEMPLATE)
    return template.render(report=report, doc=report.document, css=css, style_hash=style_hash)


def write(report: Report, path: str | Path) -> None:
    write_atomically(path, render(report))
