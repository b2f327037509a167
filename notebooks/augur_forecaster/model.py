"""The LSTM quantile forecaster and the contract's "window-mean-scale" normalisation.

Model: input float32[B, W, F] (normalised), output float32[B, H, F, Q] (normalised), quantiles
non-decreasing along the last axis by construction: the head emits, per (step, feature), the
median as a residual on the last observed (normalised) value plus Q-1 raw deltas; the deltas go
through softplus and are summed outwards from the median (cumulative sums), so
q_0 <= ... <= q_median <= ... <= q_{Q-1}. Only nn.LSTM, Linear, softplus, cumsum, flip,
cat, reshape, sort (the window's order statistics), relu (and with the options a slice of the
window, clamp, log1p): scriptable with torch.jit.script and loadable by libtorch 2.x (DJL).
"""

from __future__ import annotations

from typing import Dict, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from . import FEATURES, FLOORS, HORIZON, QUANTILES, WINDOW


# ---------------------------------------------------------------------------------------------
# normalisation (docs/forecaster-model.md, "window-mean-scale")

def floors_array(floors: Dict[str, float] = None, features: Sequence[str] = FEATURES) -> np.ndarray:
    floors = FLOORS if floors is None else floors
    return np.array([float(floors[f]) for f in features], dtype=np.float64)


def window_scale(raw: np.ndarray, floors: np.ndarray) -> np.ndarray:
    """scale_f = mean(raw_f over the window) + floor_f. raw [..., W, F] -> [..., F].

    NaN steps are left out of the mean; a feature with no observation in the window gets floor_f.
    """
    with np.errstate(invalid="ignore"):
        count = np.sum(np.isfinite(raw), axis=-2)
        total = np.nansum(raw, axis=-2)
        mean = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    return mean + floors


def normalise(raw: np.ndarray, floors: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """raw [..., W, F] (Augur units, NaN = missing) -> (x float32 [..., W, F], scale [..., F]).

    x = raw / scale with NaN fed as 0.
    """
    scale = window_scale(raw, floors)
    x = raw / scale[..., None, :]
    x = np.where(np.isfinite(x), x, 0.0).astype(np.float32)
    return x, scale


def denormalise(y: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Model output y [..., H, F, Q] (normalised) -> Augur units, clamped at 0.

    scale is [..., F] (the input window's scale)."""
    return np.maximum(y * scale[..., None, :, None], 0.0)


def left_pad(raw: np.ndarray, window: int) -> np.ndarray:
    """A history [T, F] with T < window steps, left-padded with its oldest observation."""
    if raw.shape[0] >= window:
        return raw[-window:]
    pad = np.repeat(raw[:1], window - raw.shape[0], axis=0)
    return np.concatenate([pad, raw], axis=0)


# ---------------------------------------------------------------------------------------------
# model

class QuantileLSTM(nn.Module):
    def __init__(self, n_features: int = len(FEATURES), window: int = WINDOW,
                 horizon: int = HORIZON, quantiles: Sequence[float] = QUANTILES,
                 hidden: int = 64, layers: int = 1, dropout: float = 0.0,
                 sorted_window: bool = True, mlp: int = 128, lstm_steps: int = 0,
                 log_inputs: bool = False):
        super().__init__()
        qs = list(quantiles)
        if sorted(qs) != qs or 0.5 not in qs:
            raise ValueError("quantiles must be ascending and contain 0.5")
        self.n_features = n_features
        self.window = window
        self.horizon = horizon
        self.n_quantiles = len(qs)
        self.median_index = qs.index(0.5)
        self.hidden = hidden
        self.layers = layers
        self.sorted_window = sorted_window
        self.mlp = mlp
        # the LSTM reads only the last lstm_steps steps (0: the whole window); the order
        # statistics still see the whole window, so a long window costs little time
        self.lstm_steps = lstm_steps if 0 < lstm_steps < window else window
        # log_inputs: the LSTM and the order statistics see log1p(x) (spiky inputs compressed);
        # the median stays a residual on the last step in normalised units
        self.log_inputs = log_inputs
        self.lstm = nn.LSTM(n_features, hidden, num_layers=layers, batch_first=True,
                            dropout=dropout if layers > 1 else 0.0)
        # the head sees the last hidden state, the last observed step and (sorted_window) the
        # window's order statistics per feature: its empirical quantiles, which an LSTM
        # struggles to compute but which forecast spiky series well
        n_in = hidden + n_features + (window * n_features if sorted_window else 0)
        n_out = horizon * n_features * self.n_quantiles
        if mlp > 0:
            self.body = nn.Sequential(nn.Linear(n_in, mlp), nn.ReLU())
            n_in = mlp
        else:
            self.body = nn.Identity()
        self.head = nn.Linear(n_in, n_out)
        with torch.no_grad():
            self.head.weight.mul_(0.1)
            self.head.bias.zero_()
            b = self.head.bias.view(horizon, n_features, self.n_quantiles)
            # start with non-trivial spreads: softplus(-1) ~ 0.31
            b[:, :, : self.median_index] = -1.0
            b[:, :, self.median_index + 1:] = -1.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b = x.size(0)
        last_x = x[:, -1, :]
        if self.log_inputs:
            x = torch.log1p(torch.clamp(x, min=0.0))
        if self.lstm_steps < self.window:
            out, _state = self.lstm(x[:, self.window - self.lstm_steps:, :])
        else:
            out, _state = self.lstm(x)
        if self.sorted_window:
            ordered, _order = torch.sort(x, dim=1)
            z = torch.cat([out[:, -1, :], last_x, ordered.reshape(b, -1)], dim=1)
        else:
            z = torch.cat([out[:, -1, :], last_x], dim=1)
        y = self.head(self.body(z)).reshape(b, self.horizon, self.n_features, self.n_quantiles)
        m = self.median_index
        median = y[:, :, :, m:m + 1] + last_x.reshape(b, 1, self.n_features, 1)
        up = median + torch.cumsum(nn.functional.softplus(y[:, :, :, m + 1:]), dim=3)
        down_deltas = torch.flip(nn.functional.softplus(y[:, :, :, :m]), [3])
        down = median - torch.flip(torch.cumsum(down_deltas, dim=3), [3])
        return torch.cat([down, median, up], dim=3)

    def describe(self) -> str:
        extra = " + sorted window" if self.sorted_window else ""
        if self.lstm_steps < self.window:
            extra = f" over the last {self.lstm_steps} steps" + extra
        if self.log_inputs:
            extra = " on log1p(x)" + extra
        body = f" -> relu(linear({self.mlp}))" if self.mlp > 0 else ""
        return (f"lstm(hidden={self.hidden}, layers={self.layers}){extra}{body} -> "
                f"linear(H*F*Q), monotone quantiles")


def pinball_loss(pred: torch.Tensor, target: torch.Tensor, quantiles: torch.Tensor,
                 mask: torch.Tensor, weight: torch.Tensor = None) -> torch.Tensor:
    """Pinball loss averaged over quantiles (and the masked entries).

    pred [B, H, F, Q], target/mask [B, H, F], quantiles [Q], weight [B, 1, F] or None."""
    diff = target.unsqueeze(-1) - pred
    loss = torch.maximum(quantiles * diff, (quantiles - 1.0) * diff).mean(dim=-1)
    if weight is not None:
        loss = loss * weight
    loss = loss * mask
    return loss.sum() / mask.sum().clamp(min=1.0)
