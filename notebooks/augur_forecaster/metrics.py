"""The metrics of docs/forecaster-eval.md, accumulated over traces.

Per trace, every value is scaled by that trace's scale: the mean of the feature over the whole
trace (NaN left out) plus the feature's floor. Means and coverages are pooled over every
counted (trace, origin, step, feature) entry; an entry counts when the actual value and the
forecaster's point forecast are finite.

- maePerResource[f] = mean |point - actual| / scale over origins and steps; maeMean = mean of the 6
- pinball = mean over entries and the quantiles (0.05, 0.1, 0.5, 0.9, 0.95) of
  max(q·(y - p), (q - 1)·(y - p)) on scaled values y, p; the quantiles are the forecaster's
  interval bounds (q.05/q.95 the 90 %, q.1/q.9 the 80 %) and its point (q.5)
- coverage80/90 = fraction of entries with lower <= actual <= upper
- slack = mean over CPU and MEMORY of  sum max(0, limit - actual) / sum actual  in Augur units,
  the sums over every trace, origin and step (the doc's formula has no scale, unlike MAE and
  pinball; extra key slackScaled: the same on scaled values, where every trace weighs alike)
- underProvisionedSteps = count of (origin, step, feature in {CPU, MEMORY}) with actual > limit
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import FEATURES

PINBALL_QUANTILES = np.array([0.05, 0.1, 0.5, 0.9, 0.95])
ALLOCATED = ("CPU", "MEMORY")


def pinball(pred: np.ndarray, actual: np.ndarray, q) -> np.ndarray:
    """Element-wise pinball loss of quantile q forecast pred for actual."""
    d = actual - pred
    return np.maximum(q * d, (q - 1.0) * d)


def covered(lo: np.ndarray, hi: np.ndarray, actual: np.ndarray) -> np.ndarray:
    return (lo <= actual) & (actual <= hi)


def slack_terms(limit: np.ndarray, actual: np.ndarray):
    """(sum max(0, limit - actual), sum actual) over finite entries."""
    ok = np.isfinite(limit) & np.isfinite(actual)
    return float(np.sum(np.maximum(limit[ok] - actual[ok], 0.0))), float(np.sum(actual[ok]))


def trace_scale(values: np.ndarray, floors: np.ndarray) -> np.ndarray:
    fin = np.isfinite(values)
    total = np.where(fin, values, 0.0).sum(axis=0)
    cnt = fin.sum(axis=0)
    mean = np.where(cnt > 0, total / np.maximum(cnt, 1), 0.0)
    return mean + floors


class MetricAccumulator:
    def __init__(self, floors: np.ndarray, features: Sequence[str] = FEATURES):
        self.features = list(features)
        self.floors = np.asarray(floors, dtype=np.float64)
        f = len(self.features)
        self.abs_sum = np.zeros(f)
        self.count = np.zeros(f)
        self.pin_sum = 0.0
        self.pin_count = 0
        self.pin_model_sum = None
        self.cov80 = 0
        self.cov90 = 0
        self.slack_num = {r: 0.0 for r in ALLOCATED}
        self.slack_den = {r: 0.0 for r in ALLOCATED}
        self.slack_num_scaled = {r: 0.0 for r in ALLOCATED}
        self.slack_den_scaled = {r: 0.0 for r in ALLOCATED}
        self.under = 0
        self.origins = 0
        self.traces = 0

    def add(self, fc, actual: np.ndarray, scale: np.ndarray) -> None:
        """fc: a baselines.Forecast of arrays [N, H, F]; actual [N, H, F]; scale [F]."""
        s = scale[None, None, :]
        ok = np.isfinite(actual) & np.isfinite(fc.point)
        y = actual / s
        p = fc.point / s
        err = np.where(ok, np.abs(p - y), 0.0)
        self.abs_sum += err.sum(axis=(0, 1))
        self.count += ok.sum(axis=(0, 1))
        qs = fc.quantiles / s[..., None]
        pl = pinball(qs, y[..., None], PINBALL_QUANTILES).mean(axis=-1)
        self.pin_sum += float(np.where(ok, pl, 0.0).sum())
        self.pin_count += int(ok.sum())
        if getattr(fc, "model_quantiles", None) is not None:
            pm = pinball(fc.model_quantiles / s[..., None], y[..., None], PINBALL_QUANTILES)
            self.pin_model_sum = (self.pin_model_sum or 0.0) + float(
                np.where(ok, pm.mean(axis=-1), 0.0).sum())
        with np.errstate(invalid="ignore"):
            self.cov80 += int((covered(fc.lo80, fc.hi80, actual) & ok).sum())
            self.cov90 += int((covered(fc.lo90, fc.hi90, actual) & ok).sum())
            for r in ALLOCATED:
                f = self.features.index(r)
                lim, act = fc.limit[:, :, f], actual[:, :, f]
                okf = ok[:, :, f] & np.isfinite(lim)
                num, den = slack_terms(np.where(okf, lim, np.nan), act)
                self.slack_num[r] += num
                self.slack_den[r] += den
                self.slack_num_scaled[r] += num / scale[f]
                self.slack_den_scaled[r] += den / scale[f]
                self.under += int((act[okf] > lim[okf]).sum())
        self.origins += int(actual.shape[0])
        self.traces += 1

    def result(self) -> dict:
        mae = {f: (float(self.abs_sum[i] / self.count[i]) if self.count[i] else None)
               for i, f in enumerate(self.features)}
        vals = [v for v in mae.values() if v is not None]
        n = max(self.pin_count, 1)
        def ratio(num, den):
            r = {k: (num[k] / den[k] if den[k] > 0 else None) for k in ALLOCATED}
            v = [x for x in r.values() if x is not None]
            return r, (float(np.mean(v)) if v else None)

        slack_r, slack = ratio(self.slack_num, self.slack_den)
        slack_rs, slack_s = ratio(self.slack_num_scaled, self.slack_den_scaled)
        return {
            "maePerResource": mae,
            "maeMean": float(np.mean(vals)) if vals else None,
            "pinball": self.pin_sum / n,
            "coverage80": self.cov80 / n,
            "coverage90": self.cov90 / n,
            "slack": slack,
            "underProvisionedSteps": self.under,
            "slackPerResource": slack_r,
            "slackScaled": slack_s,
            **({"pinballModelQuantiles": self.pin_model_sum / n}
               if self.pin_model_sum is not None else {}),
            "origins": self.origins,
            "entries": self.pin_count,
        }
