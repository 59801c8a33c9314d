"""Every input is either read or refused with a clear one-line error: never a traceback or a hang.

A small sample runs in the suite; bench/fuzz_campaign.py runs the long campaign.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyspace.errors import PolicyspaceError
from policyspace.fuzzing import GENERATORS
from policyspace.importers import load_bytes


def read_or_refuse(kind: str, data: bytes) -> None:
    try:
        treaty = load_bytes(f"fuzz.{kind}", data)
    except PolicyspaceError as exc:
        first_line = exc.render().splitlines()[0]
        assert first_line.startswith("fuzz.") and "error:" in first_line
        assert "Traceback" not in exc.render()
    else:
        treaty.model_dump_json()  # the result is a valid, serialisable document


@pytest.mark.parametrize("kind", sorted(GENERATORS))
def test_generated_inputs_are_read_or_refused(kind):
    rng = random.Random(20261121)
    for _ in range(300):
        read_or_refuse(kind, GENERATORS[kind](rng))


@settings(max_examples=300, deadline=2000)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_as_annotated_text(data):
    read_or_refuse("treaty", data)


@settings(max_examples=300, deadline=2000)
@given(st.text(max_size=2000))
def test_arbitrary_unicode_as_annotated_text(text):
    read_or_refuse("treaty", text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=2000)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_as_xml(data):
    read_or_refuse("xml", data)
