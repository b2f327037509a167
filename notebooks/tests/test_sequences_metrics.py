import math
import unittest

import numpy as np

from augur_sequences.metrics import (aggregate, confusion, detection_at_false_alarm,
                                     evaluate_scores, roc_auc, threshold_at_false_alarm)


class MetricsTest(unittest.TestCase):
    def test_auc_by_hand(self):
        self.assertEqual(roc_auc([1, 2, 3], [4, 5]), 1.0)
        self.assertEqual(roc_auc([4, 5], [1, 2, 3]), 0.0)
        # pairs (n, a): (1,2) win, (1,0.5) loss, (3,2) loss, (3,0.5) loss -> 1/4
        self.assertAlmostEqual(roc_auc([1, 3], [2, 0.5]), 0.25)
        self.assertAlmostEqual(roc_auc([1, 1], [1, 2]), (0.5 + 0.5 + 1 + 1) / 4)
        self.assertTrue(math.isnan(roc_auc([], [1])))

    def test_precision_recall_f1_flag_strictly_above(self):
        c = confusion([0.1, 0.2, 0.9], [0.5, 0.9, 2.0, 0.05], threshold=0.5)
        # abnormal > 0.5: 0.9, 2.0 (0.5 itself is not flagged); normal > 0.5: 0.9
        self.assertEqual((c["truePositives"], c["falsePositives"], c["falseNegatives"]), (2, 1, 2))
        self.assertAlmostEqual(c["precision"], 2 / 3)
        self.assertAlmostEqual(c["recall"], 0.5)
        self.assertAlmostEqual(c["f1"], 2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))

    def test_detection_at_one_percent_false_alarm(self):
        normal = list(range(200))            # 1 % of 200 = 2 may exceed: threshold 197
        self.assertEqual(threshold_at_false_alarm(normal, 0.01), 197)
        self.assertEqual(detection_at_false_alarm(normal, [197, 198, 300, 5]), 0.5)
        # fewer than 100 normals: no false alarm allowed, threshold = the largest normal
        self.assertEqual(threshold_at_false_alarm([3, 1, 2], 0.01), 3)
        self.assertEqual(detection_at_false_alarm([3, 1, 2], [3, 4]), 0.5)

    def test_evaluate_scores_keys(self):
        r = evaluate_scores([1, 2], [3, 4], 2.5)
        for k in ("auc", "precision", "recall", "f1", "detectionAt1pctFalseAlarm", "threshold",
                  "normalScored", "abnormalScored"):
            self.assertIn(k, r)
        self.assertEqual((r["auc"], r["f1"], r["normalScored"], r["abnormalScored"]),
                         (1.0, 1.0, 2, 2))

    def test_aggregations(self):
        a = np.array([1.0, math.e, math.e ** 3, 1.0])
        miss = np.array([False, False, True, False])
        self.assertAlmostEqual(aggregate("mean-log", a, miss), 1.0)
        self.assertAlmostEqual(aggregate("max-window-mean-log-2", a, miss), 2.0)
        self.assertAlmostEqual(aggregate("max-window-mean-log-10", a, miss), 1.0)
        self.assertEqual(aggregate("max", a, miss), math.e ** 3)
        self.assertEqual(aggregate("miss-rate", a, miss), 0.25)
        self.assertEqual(aggregate("misses", a, miss), 1)
        self.assertEqual(aggregate("mean-log", np.zeros(0), np.zeros(0, bool)), 0.0)
        with self.assertRaisesRegex(ValueError, "unknown aggregation"):
            aggregate("median", a, miss)


if __name__ == "__main__":
    unittest.main()
