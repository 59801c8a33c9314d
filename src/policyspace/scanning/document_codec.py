"""A compact, fast encoding of parsed documents for the scan cache.

Re-parsing the ToTA corpus costs about ten seconds of CPU; pickle or pydantic JSON of the same
documents loads barely faster (pydantic's per-object overhead dominates). This codec writes the
unit tree as nested tuples (marshal + zlib) and rebuilds it with the models' `trusted`
constructors, about five times faster than parsing. It knows the model's fields exactly: if
`Unit` or `Treaty` gains a field, `SUPPORTED` turns false and the scan simply re-parses.
"""

from __future__ import annotations

import marshal
import zlib
from typing import Any

from ..model import Annotation, SourceInfo, Span, Treaty, TreatyMeta, Unit, UnitKind
from .cache import DOCUMENT_CODEC_VERSION

#: Bump (in cache.py) when the encoding changes; part of the document-cache key.
CODEC_VERSION = DOCUMENT_CODEC_VERSION
_UNIT_FIELDS = ("kind", "number", "title", "text", "span", "text_span", "annotations", "children")
_TREATY_FIELDS = ("meta", "units", "annotations", "source")
SUPPORTED = tuple(Unit.model_fields) == _UNIT_FIELDS and tuple(Treaty.model_fields) == _TREATY_FIELDS
_KINDS = {kind.value: kind for kind in UnitKind}


def _span(span: Span | None) -> tuple[int, ...] | None:
    if span is None:
        return None
    return (span.start_line, span.start_column, span.start_offset, span.end_line, span.end_column, span.end_offset)


def _encode_unit(unit: Unit) -> tuple[Any, ...]:
    return (
        unit.kind.value, unit.number, unit.title, unit.text, _span(unit.span), _span(unit.text_span),
        [a.model_dump(mode="json") for a in unit.annotations] if unit.annotations else None,
        [_encode_unit(child) for child in unit.children],
    )


def _decode_unit(data: tuple[Any, ...]) -> Unit:
    kind, number, title, text, span, text_span, annotations, children = data
    unit = Unit.trusted(_KINDS[kind], number, title, Span.trusted(*span) if span is not None else None)
    values = unit.__dict__
    values["text"] = text
    if text_span is not None:
        values["text_span"] = Span.trusted(*text_span)
    if annotations:
        values["annotations"] = [Annotation.model_validate(a) for a in annotations]
    values["children"] = [_decode_unit(child) for child in children]
    return unit


def encode_treaty(treaty: Treaty) -> bytes:
    payload = (
        CODEC_VERSION,
        treaty.meta.model_dump(mode="json"),
        [_encode_unit(unit) for unit in treaty.units],
        [a.model_dump(mode="json") for a in treaty.annotations],
        treaty.source.format if treaty.source else None,
    )
    return zlib.compress(marshal.dumps(payload), 1)


def decode_treaty(blob: bytes, path: str) -> Treaty:
    """Rebuild the treaty; `path` is where the bytes live now (the cache is keyed by content)."""
    import gc

    version, meta, units, annotations, source_format = marshal.loads(zlib.decompress(blob))
    if version != CODEC_VERSION:
        raise ValueError(f"document codec {version} is not {CODEC_VERSION}")
    # Building a few hundred thousand objects triggers the cyclic collector over and over,
    # which costs more than the decoding itself; none of these objects forms a cycle.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        treaty = Treaty(
            meta=TreatyMeta.model_validate(meta),
            annotations=[Annotation.model_validate(a) for a in annotations],
            source=SourceInfo(path=path, format=source_format) if source_format else None,
        )
        treaty.units = [_decode_unit(unit) for unit in units]
    finally:
        if was_enabled:
            gc.enable()
    return treaty
