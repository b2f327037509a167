"""Augur's invocation-sequence model: dataset readers, next-call LSTM, training, evaluation.

See docs/sequence-model.md (the exported model's contract and the scoring) and
docs/trace-format.md (the `augur` sequence dataset format).
"""

WINDOW = 10          # h: calls of history (DeepLog's h)
TOP_G = 9            # g: DeepLog's top-g
MAX_SCORE = 1e6      # anomaly of a call with p == 0 or outside the vocabulary
PAD, UNKNOWN = 0, 1  # reserved token ids; vocabulary[i] has id i + 2
FORMATS = ("adfa", "hdfs", "augur")
