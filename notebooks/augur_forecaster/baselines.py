"""The baseline forecasters of docs/forecaster-eval.md: last, ewma, vpa-p90, crane-p99.

Every forecaster maps (trace values [T, F], origins [N]) to a ``Forecast`` of arrays
[N, H, F]: point, 80 % and 90 % intervals (clamped at 0), the limit (the replayed allocation,
constant over the horizon here), and the five quantiles the pinball metric scores
(0.05/0.95 and 0.1/0.9 from the intervals, 0.5 the point; for the LSTM too, i.e. its
calibrated intervals; its raw quantiles are scored separately as pinballModelQuantiles).
A forecaster at origin t only reads values[0..t].

Quantile rule (all of them): among the finite values, sorted ascending, with weights w_i (1 for
the empirical quantiles), the smallest value whose cumulative weight reaches q of the total.
"Reaches" allows for rounding: with equal weights the k-th smallest of n values,
k = ceil(q·n - 1e-9) (so q·n = 0.1·20, which rounds to 2.0000000000000004, picks the 2nd);
with weights, cumulative weight >= q·total - 1e-12·total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence
import warnings

import numpy as np

from . import HORIZON, WINDOW

TOL = 1e-9           # equal weights: k = ceil(q·n - TOL)
WTOL = 1e-12         # weights: cumulative >= (q - WTOL)·total
ALPHA = 0.3          # ewma
HALF_LIFE = 48.0     # vpa decaying histogram, steps
REACH = 480          # vpa decaying histogram: the past steps it weighs (ten half-lives)
CRANE_L = 96         # crane window, steps
HEADROOM = 1.15      # vpa / crane limit margin


@dataclass
class Forecast:
    point: np.ndarray      # [N, H, F]
    lo80: np.ndarray
    hi80: np.ndarray
    lo90: np.ndarray
    hi90: np.ndarray
    limit: np.ndarray      # [N, H, F]
    quantiles: np.ndarray  # [N, H, F, 5]: q0.05, q0.1, q0.5, q0.9, q0.95 for the pinball metric
    model_quantiles: Optional[np.ndarray] = None   # lstm: its own (uncalibrated) quantiles

    def take(self, index) -> "Forecast":
        """The forecasts at `index` (an index or mask over the origins)."""
        return Forecast(*(None if a is None else a[index] for a in (
            self.point, self.lo80, self.hi80, self.lo90, self.hi90, self.limit, self.quantiles,
            self.model_quantiles)))


def from_intervals(point, lo80, hi80, lo90, hi90, limit) -> Forecast:
    lo80, hi80, lo90, hi90 = (np.maximum(a, 0.0) for a in (lo80, hi80, lo90, hi90))
    q = np.stack([lo90, lo80, point, hi80, hi90], axis=-1)
    return Forecast(point, lo80, hi80, lo90, hi90, limit, q)


def empirical_quantiles(a: np.ndarray, qs: Sequence[float], axis: int) -> List[np.ndarray]:
    """Per the module's rule, along `axis`, ignoring NaN (NaN where no finite value)."""
    s = np.sort(a, axis=axis)                       # NaN sort last
    n = np.sum(np.isfinite(a), axis=axis, keepdims=True)
    out = []
    for q in qs:
        k = np.ceil(q * n - TOL).astype(np.int64)
        k = np.clip(k, 1, np.maximum(n, 1))
        v = np.take_along_axis(s, k - 1, axis=axis)
        v = np.where(n > 0, v, np.nan)
        out.append(np.squeeze(v, axis=axis))
    return out


def history_windows(values: np.ndarray, origins: np.ndarray, length: int) -> np.ndarray:
    """values[t-length+1 .. t] per origin: [N, length, F]; steps before 0 are NaN."""
    idx = origins[:, None] + np.arange(-length + 1, 1)[None, :]
    w = values[np.clip(idx, 0, None)]
    w[idx < 0] = np.nan
    return w


class Forecaster:
    name = "?"

    def __init__(self, window: int = WINDOW, horizon: int = HORIZON):
        self.window = window
        self.horizon = horizon

    def forecast(self, values: np.ndarray, origins: np.ndarray) -> Forecast:
        raise NotImplementedError


def _last_finite(hist: np.ndarray) -> np.ndarray:
    """The most recent finite value per (origin, feature) of hist [N, W, F]."""
    fin = np.isfinite(hist)
    pos = hist.shape[1] - 1 - np.argmax(fin[:, ::-1, :], axis=1)
    v = np.take_along_axis(hist, pos[:, None, :], axis=1)[:, 0, :]
    return np.where(fin.any(axis=1), v, np.nan)


class Last(Forecaster):
    """x_t for every step; interval x_t + empirical quantiles of the h-step changes
    x_{s+h} - x_s within the last W steps (both ends inside the window)."""
    name = "last"

    def forecast(self, values, origins):
        hist = history_windows(values, origins, self.window)
        xt = _last_finite(hist)
        n, f = xt.shape
        H = self.horizon
        point = np.repeat(xt[:, None, :], H, axis=1)
        lo80, hi80, lo90, hi90 = (np.empty((n, H, f)) for _ in range(4))
        for h in range(1, H + 1):
            d = hist[:, h:, :] - hist[:, :-h, :]
            q05, q10, q90, q95 = empirical_quantiles(d, [0.05, 0.1, 0.9, 0.95], axis=1)
            lo90[:, h - 1], lo80[:, h - 1] = xt + q05, xt + q10
            hi80[:, h - 1], hi90[:, h - 1] = xt + q90, xt + q95
        fc = from_intervals(point, lo80, hi80, lo90, hi90, None)
        fc.limit = np.repeat(fc.hi90.max(axis=1, keepdims=True), H, axis=1)
        return fc


class Ewma(Forecaster):
    """EWMA (alpha 0.3) over the last W steps, started at the window's first value; interval
    EWMA + empirical quantiles of the residuals x_s - ewma_{s-1} (s = 2nd..W-th step of the
    window) times sqrt(h)."""
    name = "ewma"

    def __init__(self, window=WINDOW, horizon=HORIZON, alpha: float = ALPHA):
        super().__init__(window, horizon)
        self.alpha = alpha

    def forecast(self, values, origins):
        hist = history_windows(values, origins, self.window)
        e = hist[:, 0, :].copy()
        resid = np.full((hist.shape[0], self.window - 1, hist.shape[2]), np.nan)
        for s in range(1, self.window):
            x = hist[:, s, :]
            resid[:, s - 1, :] = x - e
            upd = np.where(np.isnan(e), x, self.alpha * x + (1 - self.alpha) * e)
            e = np.where(np.isfinite(x), upd, e)
        q05, q10, q90, q95 = empirical_quantiles(resid, [0.05, 0.1, 0.9, 0.95], axis=1)
        H = self.horizon
        root = np.sqrt(np.arange(1, H + 1, dtype=np.float64))[None, :, None]
        point = np.repeat(e[:, None, :], H, axis=1)
        fc = from_intervals(point, point + q10[:, None] * root, point + q90[:, None] * root,
                            point + q05[:, None] * root, point + q95[:, None] * root, None)
        fc.limit = np.repeat(fc.hi90.max(axis=1, keepdims=True), H, axis=1)
        return fc


def _constant(n_h: int, *arrays):
    return [np.repeat(a[:, None, :], n_h, axis=1) for a in arrays]


class CraneP99(Forecaster):
    """Quantiles of the last L = 96 steps (fewer at the start of a trace): p50 point,
    [p10, p90] / [p5, p95] intervals, limit p99 x 1.15."""
    name = "crane-p99"

    def __init__(self, window=WINDOW, horizon=HORIZON, length: int = CRANE_L):
        super().__init__(window, horizon)
        self.length = length

    def forecast(self, values, origins):
        hist = history_windows(values, origins, self.length)
        p05, p10, p50, p90, p95, p99 = empirical_quantiles(
            hist, [0.05, 0.1, 0.5, 0.9, 0.95, 0.99], axis=1)
        point, lo80, hi80, lo90, hi90, limit = _constant(
            self.horizon, p50, p10, p90, p05, p95, p99 * HEADROOM)
        return from_intervals(point, lo80, hi80, lo90, hi90, limit)


def decaying_quantiles(x: np.ndarray, origins: np.ndarray, qs: Sequence[float],
                       half_life: float = HALF_LIFE, reach: int = REACH) -> np.ndarray:
    """Weighted quantiles of x[t-reach+1..t] with weights 0.5^((t - s)/half_life), for each
    origin t (docs/forecaster-eval.md: the past 480 steps).

    The weights are proportional to 2^(s/half_life), so one Fenwick tree over the value ranks,
    filled one step at a time (and emptied of the step that leaves the reach), answers every
    origin in O(log T). Returns [N, len(qs)].
    """
    T = len(x)
    out = np.full((len(origins), len(qs)), np.nan)
    finite = np.isfinite(x)
    key = np.where(finite, x, np.inf)
    order = np.argsort(key, kind="stable")
    rank = np.empty(T, dtype=np.int64)
    rank[order] = np.arange(T)
    sorted_vals = x[order].tolist()
    rank_l = (rank + 1).tolist()
    fin_l = finite.tolist()
    tree = [0.0] * (T + 1)
    top = 1
    while top * 2 <= T:
        top *= 2
    total = 0.0
    base = 0
    origins_l = origins.tolist()
    oi = 0
    targets = [q - WTOL for q in qs]         # cumulative weight reaches q·total
    for s in range(T):
        if s - base > 16 * 1024:              # keep 2^((s-base)/half_life) far from overflow
            factor = 2.0 ** (-(s - base) / half_life)
            tree = [v * factor for v in tree]
            total *= factor
            base = s
        if fin_l[s]:
            w = 2.0 ** ((s - base) / half_life)
            i = rank_l[s]
            while i <= T:
                tree[i] += w
                i += i & (-i)
            total += w
        gone = s - reach
        if gone >= 0 and fin_l[gone]:
            w = 2.0 ** ((gone - base) / half_life)
            i = rank_l[gone]
            while i <= T:
                tree[i] -= w
                i += i & (-i)
            total -= w
        while oi < len(origins_l) and origins_l[oi] == s:
            if total > 0:
                for qi, q in enumerate(targets):
                    target = q * total
                    pos, rem, step = 0, target, top
                    while step:                # largest pos with prefix(pos) < target
                        nxt = pos + step
                        if nxt <= T and tree[nxt] < rem:
                            pos = nxt
                            rem -= tree[nxt]
                        step >>= 1
                    out[oi, qi] = sorted_vals[min(pos, T - 1)]
            oi += 1
    return out


class VpaP90(Forecaster):
    """VPA-like decaying histogram over the past 480 steps (half-life 48): p50 point,
    [p10, p90] / [p5, p95] intervals, limit p90 x 1.15."""
    name = "vpa-p90"

    def forecast(self, values, origins):
        qs = [0.05, 0.1, 0.5, 0.9, 0.95]
        per_f = [decaying_quantiles(values[:, f], origins, qs) for f in range(values.shape[1])]
        a = np.stack(per_f, axis=2)             # [N, 5, F]
        p05, p10, p50, p90, p95 = (a[:, i, :] for i in range(5))
        point, lo80, hi80, lo90, hi90, limit = _constant(
            self.horizon, p50, p10, p90, p05, p95, p90 * HEADROOM)
        return from_intervals(point, lo80, hi80, lo90, hi90, limit)


BASELINES = {c.name: c for c in (Last, Ewma, VpaP90, CraneP99)}


class HorizonMedianOracle(Forecaster):
    """Not a forecaster: it is told the future. Its point forecast for every step is the median
    of the H actual future values (the best constant forecast for MAE), its intervals and limit
    that same value. Its MAE is a floor for any forecast that cannot foresee the path within the
    horizon: how far the data lets MAE fall (docs/benchmarks.md)."""
    name = "oracle-horizon-median"

    def future(self, values, origins):
        """The actual values of steps t+1..t+H of every origin t: [N, H, F]."""
        return values[origins[:, None] + np.arange(1, self.horizon + 1)[None, :]]

    def forecast(self, values, origins):
        with np.errstate(all="ignore"):
            med = np.nanmedian(self.future(values, origins), axis=1, keepdims=True)
        point = np.repeat(med, self.horizon, axis=1)
        fc = from_intervals(point, point, point, point, point, None)
        fc.limit = point.copy()
        return fc


class HorizonPeakOracle(HorizonMedianOracle):
    """Not a forecaster: it is told the future. Its limit is the peak of the H actual future
    values, so it never under-provisions, and its slack is the least any one limit per origin
    that covers the whole horizon can leave: the slack goal's floor at zero misses
    (docs/benchmarks.md).
    Its point forecast and intervals are HorizonMedianOracle's."""
    name = "oracle-horizon-peak"

    def forecast(self, values, origins):
        fc = super().forecast(values, origins)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)     # a feature never observed: NaN
            peak = np.nanmax(self.future(values, origins), axis=1, keepdims=True)   # [N, 1, F]
        fc.limit = np.repeat(peak, self.horizon, axis=1)
        return fc


# Selectable by name in evaluate.py, never in the default set, never a baseline.
ANALYSIS = {c.name: c for c in (HorizonMedianOracle, HorizonPeakOracle)}


def make_baselines(window: int = WINDOW, horizon: int = HORIZON,
                   names: Sequence[str] = tuple(BASELINES)) -> Dict[str, Forecaster]:
    return {n: BASELINES[n](window, horizon) for n in names}
