"""The scan journal: one JSON line per finished document, appended and fsync'd as it finishes.

A killed scan (Ctrl-C, `kill`, even `kill -9` or a power cut after the fsync) keeps every line
it wrote; `--resume` reads them back and scans only the rest. The first line is a header naming
the tool and ruleset versions: lines written by another version are not reused. A last line cut
short by a kill is dropped, and the file truncated to the last whole line before appending.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from ..errors import PolicyspaceError

JOURNAL_FORMAT = 1


def journal_header(tool: str, ruleset: str) -> dict[str, object]:
    return {"policyspace_scan_journal": JOURNAL_FORMAT, "tool": tool, "ruleset": ruleset}


def read_journal(path: Path) -> tuple[dict[str, object] | None, list[tuple[int, bytes]], int]:
    """(header, [(offset, record line)], length in bytes of the whole lines); (None, [], 0) if absent."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [], 0
    except OSError as exc:
        raise PolicyspaceError(f"cannot read the scan journal {path}: {exc.strerror or exc}") from None
    end = data.rfind(b"\n") + 1  # anything after the last newline was cut short
    first = data.find(b"\n") + 1
    if first == 0:
        return None, [], 0
    try:
        header = json.loads(data[:first])
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("policyspace_scan_journal") != JOURNAL_FORMAT:
        return None, [], 0
    lines = []
    offset = first
    while offset < end:
        stop = data.index(b"\n", offset)
        lines.append((offset, data[offset:stop]))
        offset = stop + 1
    return header, lines, end


class Journal:
    """Append-only writer. Each record is one write() of a whole line, then fsync."""

    def __init__(self, path: Path, header: dict[str, object], resume_from: int | None) -> None:
        self.path = path
        self.size = 0  # bytes in the file: where the next line starts
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PolicyspaceError(f"cannot write the scan journal {path}: {exc.strerror or exc}") from None
        try:  # two scans writing into one OUTDIR would interleave their journals: lock before truncating
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise PolicyspaceError(
                f"another policyspace scan is writing into {path.parent}; wait for it or choose another -o folder"
            ) from None
        except OSError:
            pass  # a filesystem without locks: carry on
        try:
            os.ftruncate(self._fd, resume_from or 0)  # resuming: drop a line cut short by a kill
            os.lseek(self._fd, 0, os.SEEK_END)
            self.size = resume_from or 0
            if not resume_from:
                self._write(json.dumps(header, sort_keys=True).encode() + b"\n")
        except OSError as exc:
            os.close(self._fd)
            raise PolicyspaceError(f"cannot write the scan journal {path}: {exc.strerror or exc}") from None

    def _write(self, line: bytes) -> None:
        view = memoryview(line)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)
        self.size += len(line)

    def append(self, line: bytes) -> int:
        """Append one or more whole lines (a batch costs one fsync); returns where they start."""
        start = self.size
        try:
            self._write(line)
        except OSError as exc:
            raise PolicyspaceError(
                f"cannot write the scan journal {self.path}: {exc.strerror or exc}; "
                "the documents finished so far are kept: free space and run again with --resume"
            ) from None
        return start

    def close(self) -> None:
        try:
            os.close(self._fd)
        except OSError:
            pass
