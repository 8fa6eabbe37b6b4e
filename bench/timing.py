"""Timing shared by the benchmarks: medians and 95th percentiles of repeated calls."""

import statistics
import time


def timed(call, repeats: int) -> dict[str, float]:
    """Milliseconds of ``call()``, warmed once, then ``repeats`` times: wall-clock, and the
    processor time of this process (``cpu_``: what the work costs when others share the
    machine; a database server's own time is not in it)."""
    call()
    samples, cpu_samples = [], []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu_samples.append((time.process_time() - cpu) * 1000)
    return {**_summary(samples, ""), **_summary(cpu_samples, "cpu_")}


def _summary(samples: list[float], prefix: str) -> dict[str, float]:
    samples = sorted(samples)
    return {
        f"{prefix}median_ms": statistics.median(samples),
        f"{prefix}p95_ms": samples[min(len(samples) - 1, int(0.95 * len(samples)))],
    }
