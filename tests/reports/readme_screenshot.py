"""Regenerate docs/img/report.png, the README's screenshot of the HTML report.

    python tests/reports/readme_screenshot.py

Runs the README's `policyspace report` command on corpus/raw-materials-chapter.treaty in a
temporary folder and photographs the first screen in headless Chromium (Debian's `chromium`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from chromium import Chromium, find_browser  # after the path tweak above


def main() -> int:
    binary = find_browser()
    if binary is None:
        print("no Chromium found: apt-get install chromium", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        (folder / "corpus").mkdir()
        shutil.copy(REPO / "corpus" / "raw-materials-chapter.treaty", folder / "corpus")
        subprocess.run(
            ["policyspace", "report", "corpus/raw-materials-chapter.treaty", "--html", "report.html",
             "--perspective", "COD", "--summary"],
            cwd=folder, check=True, stdout=subprocess.DEVNULL,
        )
        with Chromium(binary) as browser:
            page = browser.open(folder / "report.html", width=1100, height=1250)
            errors = page.console_errors()
            if errors:
                print("\n".join(errors), file=sys.stderr)
                return 1
            page.screenshot(REPO / "docs" / "img" / "report.png", full_page=False)
    print("wrote docs/img/report.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
