"""Write scan tables as CSV, JSON Lines and Parquet, incrementally and atomically (temp file + rename).

CSV: lists joined with "; ", booleans as true/false, empty cell for no value; text cells that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) get a leading
apostrophe. JSON Lines keeps native types (lists as arrays). Parquet (optional extra `parquet`,
pyarrow) uses typed columns: int64, double, bool, date32, string, list<string>.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PolicyspaceError

if TYPE_CHECKING:
    from .tables import Column, Table

FORMATS = ("csv", "parquet", "jsonl")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def check_formats(formats: list[str]) -> None:
    """Fail before scanning, not after, when a format is unknown or its library is missing."""
    for name in formats:
        if name not in FORMATS:
            raise PolicyspaceError(f"unknown table format {name!r}; choose from {', '.join(FORMATS)}")
    if "parquet" in formats:
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:  # importing it costs 0.3 s: only find it
            raise PolicyspaceError(
                "--format parquet needs pyarrow: pip install 'policyspace[parquet]' "
                "(or leave parquet out of --format)"
            ) from None


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_converter(column_type: str) -> Callable[[Any], str]:
    """One converter per column, chosen once: a table has hundreds of thousands of cells."""
    if column_type == "bool":
        return lambda value: "" if value is None else ("true" if value else "false")
    if column_type == "list":
        return lambda value: "" if value is None else _safe_text("; ".join(value))
    if column_type == "date":
        return lambda value: "" if value is None else value.isoformat()
    if column_type in ("int", "float"):
        return lambda value: "" if value is None else repr(value)
    return lambda value: "" if value is None else _safe_text(str(value))


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


class TableFiles:
    """One table in every requested format, written row batch by row batch into temporary files
    in OUTDIR and renamed into place by `commit()`: a crash or Ctrl-C never leaves half a table,
    and a table of any length never sits in memory at once."""

    #: Parquet row-group size. Fixed, so the same rows always give the same bytes.
    PARQUET_BATCH = 20_000

    def __init__(self, outdir: Path, name: str, columns: list[Column], formats: list[str]) -> None:
        self.columns = columns
        self.names = [c.name for c in columns]
        self.targets: dict[str, tuple[Path, Path]] = {}
        self._csv: Any = None
        self._jsonl: Any = None
        self._parquet: Any = None
        self._parquet_rows: list[dict[str, Any]] = []
        try:
            outdir.mkdir(parents=True, exist_ok=True)
            for fmt in formats:
                target = outdir / f"{name}.{fmt}"
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=outdir)
                os.close(fd)
                self.targets[fmt] = (Path(tmp), target)
            if "csv" in self.targets:
                self._csv_handle = open(self.targets["csv"][0], "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by commit/abort
                self._csv = csv.writer(self._csv_handle, lineterminator="\n")
                self._csv.writerow(self.names)
                self._cells = [(c.name, _csv_converter(c.type)) for c in columns]
            if "jsonl" in self.targets:
                self._jsonl = open(self.targets["jsonl"][0], "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed by commit/abort
                self._encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
        except OSError as exc:
            self.abort()
            raise _write_error(outdir, exc) from None

    def write(self, rows: list[dict[str, Any]]) -> None:
        try:
            if self._csv is not None:
                cells = self._cells
                self._csv.writerows([[convert(row.get(name)) for name, convert in cells] for row in rows])
            if self._jsonl is not None:
                names, encode = self.names, self._encode
                self._jsonl.writelines([encode({n: row.get(n) for n in names}) + "\n" for row in rows])
        except OSError as exc:
            self.abort()
            raise _write_error(next(iter(self.targets.values()))[1].parent, exc) from None
        if "parquet" in self.targets:
            self._parquet_rows.extend(rows)
            while len(self._parquet_rows) >= self.PARQUET_BATCH:
                self._flush_parquet(self._parquet_rows[: self.PARQUET_BATCH])
                del self._parquet_rows[: self.PARQUET_BATCH]

    def _flush_parquet(self, rows: list[dict[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._parquet is None:
            types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
                     "date": pa.date32(), "list": pa.list_(pa.string())}
            self._arrow_types = [types[c.type] for c in self.columns]
            self._schema = pa.schema([pa.field(c.name, t) for c, t in zip(self.columns, self._arrow_types)])
            self._parquet = pq.ParquetWriter(str(self.targets["parquet"][0]), self._schema, compression="zstd")
        arrays = [pa.array([row.get(c.name) for row in rows], type=t) for c, t in zip(self.columns, self._arrow_types)]
        self._parquet.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def commit(self) -> list[Path]:
        """Finish every file, fsync it and rename it over its final name."""
        try:
            if self._csv is not None:
                self._csv_handle.close()
            if self._jsonl is not None:
                self._jsonl.close()
            if "parquet" in self.targets:
                if self._parquet_rows or self._parquet is None:
                    self._flush_parquet(self._parquet_rows)  # an empty table still gets its schema
                self._parquet.close()
            mode = 0o666 & ~_umask()
            for tmp, target in self.targets.values():
                with open(tmp, "rb") as handle:
                    os.fsync(handle.fileno())
                os.chmod(tmp, mode)
                os.replace(tmp, target)
        except OSError as exc:
            self.abort()
            raise _write_error(next(iter(self.targets.values()))[1].parent, exc) from None
        return [target for _, target in self.targets.values()]

    def abort(self) -> None:
        for handle in (getattr(self, "_csv_handle", None), self._jsonl):
            if handle is not None:
                handle.close()
        for tmp, _ in self.targets.values():
            try:
                os.unlink(tmp)
            except OSError:
                pass


@functools.cache
def _umask() -> int:
    current = os.umask(0)  # the only way to read it; restored at once, before any file is made
    os.umask(current)
    return current


def _write_error(outdir: Path, exc: OSError) -> PolicyspaceError:
    return PolicyspaceError(
        f"cannot write the tables in {outdir}: {exc.strerror or exc}; the scan journal is kept, "
        "so run the same command with --resume once the problem is fixed"
    )


def write_table(table: Table, outdir: Path, formats: list[str]) -> list[Path]:
    files = TableFiles(outdir, table.name, table.columns, formats)
    files.write(table.rows)
    return files.commit()
