"""Augur's resource forecaster: trace readers, LSTM quantile model, baselines and evaluation.

See docs/forecaster-model.md (the exported model's contract), docs/trace-format.md (the input
traces) and docs/forecaster-eval.md (the evaluation protocol this package implements).
"""

FEATURES = ["CPU", "MEMORY", "DISK_READ", "DISK_WRITE", "NET_RX", "NET_TX"]
"""Augur's Resource symbols, in the order of the feature axis everywhere in this package."""

FLOORS = {"CPU": 0.01, "MEMORY": 1048576.0, "DISK_READ": 1024.0, "DISK_WRITE": 1024.0,
          "NET_RX": 1024.0, "NET_TX": 1024.0}
"""Per-feature floor of the window-mean-scale normalisation (Augur units)."""

QUANTILES = [0.05, 0.1, 0.5, 0.9, 0.95]
WINDOW = 24
HORIZON = 5
LEVELS = ["0.8", "0.9"]
