"""Mutating real and generated files for the fuzz tests, within a time budget.

Each fuzz test runs for ``PARTNERHUB_FUZZ_SECONDS`` seconds (3 by default, which the test
command uses). A longer manual run, documented in docs/security.md:

    PARTNERHUB_FUZZ_SECONDS=600 .venv/bin/pytest tests/iati/test_fuzz.py tests/sheets/test_fuzz.py -n 0

Hypothesis has no time limit of its own, so ``keep_fuzzing`` starts round after round of
``fuzz_settings.max_examples`` fresh examples until the seconds are spent; a failing round
shrinks its example and prints how to reproduce it, as any hypothesis test does.
"""

import os
import time
from collections.abc import Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ_SECONDS = float(os.environ.get("PARTNERHUB_FUZZ_SECONDS", "3"))

fuzz_settings = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def keep_fuzzing(one_round: Callable[[], None], seconds: float = FUZZ_SECONDS) -> int:
    """Run ``one_round`` (a ``@given`` function) again and again for ``seconds``; returns the rounds run."""
    ends_at = time.monotonic() + seconds
    rounds = 0
    while True:
        one_round()
        rounds += 1
        if time.monotonic() >= ends_at:
            return rounds


# What breaks parsers: markup, entities, encodings, control bytes, very long runs.
HOSTILE_SNIPPETS = [
    b"<",
    b">",
    b"&",
    b"&lol;",
    b"&#0;",
    b"&#x110000;",
    b"]]>",
    b"<![CDATA[",
    b"<!DOCTYPE r [<!ENTITY x 'y'>]>",
    b'<!ENTITY xxe SYSTEM "file:///etc/passwd">',
    b"<?xml version='1.0' encoding='utf-16'?>",
    b"</iati-activity>",
    b"<iati-activity>",
    b"<iati-activities version='9.99'>",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b'"',
    b"'",
    b",",
    b";",
    b"\t",
    b"\r",
    b"\n",
    b"=",
    b"PK\x03\x04",
    b"9" * 400,
    b"-1e999",
    b"NaN",
]


@st.composite
def mutation(draw, size: int) -> tuple[str, int, int, bytes]:
    kind = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate"]))
    start = draw(st.integers(0, max(size - 1, 0)))
    length = draw(st.integers(1, 64))
    payload = draw(st.one_of(st.sampled_from(HOSTILE_SNIPPETS), st.binary(min_size=1, max_size=16)))
    return kind, start, length, payload


def mutate(data: bytes, mutations: list[tuple[str, int, int, bytes]]) -> bytes:
    for kind, start, length, payload in mutations:
        start = min(start, len(data))
        data = MUTATORS[kind](data, start, length, payload)
    return data


MUTATORS: dict[str, Callable[[bytes, int, int, bytes], bytes]] = {
    "flip": lambda data, start, length, payload: data[:start] + payload[:1] + data[start + 1 :],
    "delete": lambda data, start, length, payload: data[:start] + data[start + length :],
    "insert": lambda data, start, length, payload: data[:start] + payload + data[start:],
    "duplicate": lambda data, start, length, payload: data[: start + length] + data[start:],
    "truncate": lambda data, start, length, payload: data[:start],
}


def mutations_of(size: int):
    return st.lists(mutation(size), min_size=1, max_size=6)
