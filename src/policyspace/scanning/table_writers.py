"""Write scan tables as CSV, JSON Lines and Parquet, each file atomically (temp file + rename).

CSV: lists joined with "; ", booleans as true/false, empty cell for no value; text cells that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) get a leading
apostrophe. JSON Lines keeps native types (lists as arrays). Parquet (optional extra `parquet`,
pyarrow) uses typed columns: int64, double, bool, date32, string, list<string>.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import PolicyspaceError
from ..output_files import write_atomically
from .tables import Table

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


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    cells = [(c.name, _csv_converter(c.type)) for c in table.columns]
    writer.writerows([[convert(row.get(name)) for name, convert in cells] for row in table.rows])
    return out.getvalue().encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def jsonl_bytes(table: Table) -> bytes:
    names = [c.name for c in table.columns]
    encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
    lines = [encode({name: row.get(name) for name in names}) for row in table.rows]
    return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")


def parquet_bytes(table: Table) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "date": pa.date32(), "list": pa.list_(pa.string())}
    schema = pa.schema([pa.field(c.name, types[c.type]) for c in table.columns])
    arrays = [pa.array([row.get(c.name) for row in table.rows], type=types[c.type]) for c in table.columns]
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), sink, compression="zstd")
    return sink.getvalue().to_pybytes()


_WRITERS = {"csv": csv_bytes, "jsonl": jsonl_bytes, "parquet": parquet_bytes}


def write_tables(tables: list[Table], outdir: Path, formats: list[str]) -> list[Path]:
    written = []
    for table in tables:
        for name in formats:
            path = outdir / f"{table.name}.{name}"
            write_atomically(path, _WRITERS[name](table))
            written.append(path)
    return written
