"""Timing helpers: warm-up, median of repeats, spread."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(fn: Callable[[], object], repeats: int, warmup: int = 2) -> dict:
    """Seconds per call: median, min and max over ``repeats`` timed calls after ``warmup``."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}


def spread(result: dict) -> str:
    """Spread as ± half the min–max range, in percent of the median."""
    return f"±{50 * (result['max_s'] - result['min_s']) / result['median_s']:.0f}%"
