"""Locate the grammar and rulesets: inside the installed package, or in a source checkout."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_DIR = _PACKAGE_DIR.parent.parent  # src/policyspace -> repository root


def data_dir(name: str) -> Path:
    """`grammar` or `rulesets`: bundled copy in a wheel, else the checkout's top-level folder."""
    bundled = _PACKAGE_DIR / "_data" / name
    if bundled.is_dir():
        return bundled
    checkout = _CHECKOUT_DIR / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"policyspace data folder {name!r} is missing from the installation")


def grammar_path() -> Path:
    return data_dir("grammar") / "treaty.lark"


def rulesets_dir() -> Path:
    return data_dir("rulesets")


def default_tota_dir() -> Path | None:
    """$POLICYSPACE_TOTA, else ../shared/tota/xml beside the repository (or the working folder)."""
    env = os.environ.get("POLICYSPACE_TOTA")
    if env:
        return Path(env)
    for base in (_CHECKOUT_DIR, Path.cwd()):
        candidate = base.parent / "shared" / "tota" / "xml"
        if candidate.is_dir():
            return candidate
    return None
