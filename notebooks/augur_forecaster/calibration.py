"""The job's online recalibration of a task's intervals (jobs' `OnlineCalibrator`), replayed along
one trace so that the evaluation scores what the job would issue.

Adaptive conformal inference per feature and per lead. Every step of the trace from the first
origin to the last is one of the job's windows (the model's step is the window), so a forecast
issued at origin t is checked at each of the next H origins: at t + k (lead k = 1..H) its step k
(index k − 1) against the trace's value there, and lead k's width multiplier moves by
m ← m · exp(γ · (miss − (1 − level))), kept within [1/4, 4]. Step k of the forecast issued at t
is scaled by lead k's multiplier as it stands at t: every band's distance from the point forecast
is multiplied by m, lower bounds clamped at 0. The 90 % interval is checked (level 0.9); the 80 %
one is scaled alike. A check needs a finite interval and a finite observation.

The step factor exp(γ · (miss − α)) takes two values only; they come from `math.exp` (glibc's,
correctly rounded here, as Java's `Math.exp` is), not numpy's vectorised exp, which gives
exp(−0.005) one bit above them: over a trace's thousands of steps that bit moved a multiplier
across a coverage decision often enough that the Java and Python evaluators disagreed on a few
checks, and then on the intervals after them (EvalForecasterParityIT).
"""

from __future__ import annotations

import math

import numpy as np

MAX_MULTIPLIER = 4.0
LEVEL = 0.9
GAMMA = 0.05   # the job's profiler.forecast.calibration-gamma


def multipliers(values: np.ndarray, origins: np.ndarray, point: np.ndarray, lo90: np.ndarray,
                hi90: np.ndarray, gamma: float = GAMMA, level: float = LEVEL) -> np.ndarray:
    """Per origin, step and feature, the multiplier the job would apply to that forecast:
    [N, H, F]. `values` [T, F] is the trace, `origins` [N] consecutive steps, the bands
    [N, H, F] raw."""
    if len(origins) > 1 and not np.all(np.diff(origins) == 1):
        raise ValueError("the replay needs consecutive origins (one per window)")
    n, h, f = point.shape
    m = np.ones((h, f))
    issued_lo = np.full((n, h, f), np.nan)
    issued_hi = np.full((n, h, f), np.nan)
    out = np.empty((n, h, f))
    widen, narrow = step_factors(gamma, level)
    for i in range(n):
        y = values[origins[i]]
        seen = np.isfinite(y)
        for k in range(1, min(h, i) + 1):
            lo, hi = issued_lo[i - k, k - 1], issued_hi[i - k, k - 1]
            ok = seen & np.isfinite(lo)
            if not ok.any():
                continue
            miss = ~((y >= lo) & (y <= hi))
            moved = np.clip(m[k - 1] * np.where(miss, widen, narrow),
                            1 / MAX_MULTIPLIER, MAX_MULTIPLIER)
            m[k - 1] = np.where(ok, moved, m[k - 1])
        out[i] = m
        issued_lo[i], issued_hi[i] = scale(point[i], lo90[i], hi90[i], m)
    return out


def step_factors(gamma: float, level: float = LEVEL):
    """(after a miss, after a hit): exp(γ · (1 − α)) and exp(γ · (0 − α)), α = 1 − level,
    computed as the job's OnlineCalibrator.update computes them."""
    alpha = 1.0 - level
    return math.exp(gamma * (1.0 - alpha)), math.exp(gamma * (0.0 - alpha))


def scale(point: np.ndarray, lower: np.ndarray, upper: np.ndarray, m: np.ndarray):
    """The band [lower, upper] with its distance from point multiplied by m, lower ≥ 0."""
    return np.maximum(0.0, point - m * (point - lower)), point + m * (upper - point)
