"""Timing shared by the benchmarks: medians and 95th percentiles of repeated calls."""

import statistics
import time


def timed(call, repeats: int) -> dict[str, float]:
    """Milliseconds of ``call()``, warmed once, then ``repeats`` times."""
    call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median_ms": statistics.median(samples), "p95_ms": samples[min(len(samples) - 1, int(0.95 * len(samples)))]}
