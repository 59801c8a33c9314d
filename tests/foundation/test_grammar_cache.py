"""The parser tables cached on disk parse documents exactly as freshly built ones do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
_PARSE = (
    "import sys; from policyspace.importers import load_document; "
    "print(load_document(sys.argv[1]).model_dump_json())"
)


def _parse_in_fresh_process(path: Path, cache_dir: Path) -> str:
    env = {**os.environ, "POLICYSPACE_CACHE_DIR": str(cache_dir)}
    done = subprocess.run([sys.executable, "-c", _PARSE, str(path)], env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout


def test_cached_parser_tables_give_the_same_document(tmp_path):
    draft = CORPUS / "draft-2024-round3.treaty"
    fresh = _parse_in_fresh_process(draft, tmp_path)
    cache = tmp_path / "grammar" / "treaty.lark.cache"
    assert cache.is_file()  # written by the first run
    assert _parse_in_fresh_process(draft, tmp_path) == fresh


def test_a_damaged_table_cache_is_rebuilt(tmp_path):
    draft = CORPUS / "draft-2024-round3.treaty"
    fresh = _parse_in_fresh_process(draft, tmp_path)
    (tmp_path / "grammar" / "treaty.lark.cache").write_bytes(b"garbage")
    assert _parse_in_fresh_process(draft, tmp_path) == fresh
