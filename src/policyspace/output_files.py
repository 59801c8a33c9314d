"""Write output files atomically: a crash or a full disk never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import PolicyspaceError


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: str | Path, content: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over `path`."""
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise PolicyspaceError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        # mkstemp creates the file readable by its owner only; give it the mode a plain open()
        # would (or keep the mode of the file it replaces), so a report can be shared or served.
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise PolicyspaceError(f"cannot write {target}: {exc.strerror or exc}") from None
