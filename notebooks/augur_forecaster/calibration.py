"""The job's online recalibration of a task's intervals (jobs' `OnlineCalibrator`), replayed along
one trace so that the evaluation scores what the job would issue.

Adaptive conformal inference per feature and per lead: origins are the job's windows (`stride`
steps apart); a forecast issued at origin t is checked at each later origin t + k·stride it reaches
(k = 1..K, K = max(1, ⌊H / stride⌋) leads), its step ending there (index k·stride − 1, at most
H − 1) against the trace's value, and lead k's width multiplier moves by
m ← m · exp(γ · (miss − (1 − level))), kept within [1/4, 4]. Forecast step j (0-based) is scaled
by the multiplier of lead ⌈(j + 1) / stride⌉ (at most K): every band's distance from the point
forecast is multiplied by m, lower bounds clamped at 0. The 90 % interval is checked (level 0.9);
the 80 % one is scaled alike. A check needs a finite interval and a finite observation.
"""

from __future__ import annotations

import numpy as np

MAX_MULTIPLIER = 4.0
LEVEL = 0.9
GAMMA = 0.05   # the job's profiler.forecast.calibration-gamma


def leads(horizon: int, stride: int) -> int:
    return max(1, horizon // stride)


def multipliers(values: np.ndarray, origins: np.ndarray, point: np.ndarray, lo90: np.ndarray,
                hi90: np.ndarray, gamma: float = GAMMA, level: float = LEVEL) -> np.ndarray:
    """Per origin, step and feature, the multiplier the job would apply to that forecast:
    [N, H, F]. `values` [T, F] is the trace, `origins` [N] regular, the bands [N, H, F] raw."""
    n, h, f = point.shape
    stride = int(origins[1] - origins[0]) if len(origins) > 1 else 1
    k_max = leads(h, stride)
    lead_of = np.minimum(np.maximum(np.ceil((np.arange(h) + 1) / stride).astype(int), 1), k_max)
    check_step = [min(max(k * stride - 1, 0), h - 1) for k in range(1, k_max + 1)]
    m = np.ones((k_max, f))
    issued_lo = np.full((n, k_max, f), np.nan)
    issued_hi = np.full((n, k_max, f), np.nan)
    out = np.empty((n, h, f))
    alpha = 1.0 - level
    for i in range(n):
        y = values[origins[i]]
        seen = np.isfinite(y)
        for k in range(1, min(k_max, i) + 1):
            lo, hi = issued_lo[i - k, k - 1], issued_hi[i - k, k - 1]
            ok = seen & np.isfinite(lo)
            if not ok.any():
                continue
            miss = ~((y >= lo) & (y <= hi))
            moved = np.clip(m[k - 1] * np.exp(gamma * (miss - alpha)),
                            1 / MAX_MULTIPLIER, MAX_MULTIPLIER)
            m[k - 1] = np.where(ok, moved, m[k - 1])
        mi = m[lead_of - 1]                                        # [H, F]
        out[i] = mi
        for k in range(1, k_max + 1):
            s = check_step[k - 1]
            p, mk = point[i, s], mi[s]
            issued_lo[i, k - 1] = np.maximum(0.0, p - mk * (p - lo90[i, s]))
            issued_hi[i, k - 1] = p + mk * (hi90[i, s] - p)
    return out


def scale(point: np.ndarray, lower: np.ndarray, upper: np.ndarray, m: np.ndarray):
    """The band [lower, upper] with its distance from point multiplied by m, lower ≥ 0."""
    return np.maximum(0.0, point - m * (point - lower)), point + m * (upper - point)
