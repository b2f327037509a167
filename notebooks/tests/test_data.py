import gzip
import tempfile
import unittest
from pathlib import Path

import numpy as np

from augur_forecaster import FEATURES
from augur_forecaster.data import origins_for, read_traces, split_names

BITBRAINS = (
    "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\t"
    "CPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\t"
    "Disk read throughput [KB/s];\tDisk write throughput [KB/s];\t"
    "Network received throughput [KB/s];\tNetwork transmitted throughput [KB/s]\n"
    "1372629804;\t2;\t5851.9989;\t87.78;\t1.5;\t8218624.0;\t1000.0;\t160.5;\t21.0;\t0.25;\t1.5\n"
    "1372630104; 4 ;\t5851.9989;\t29.26;\t50;\t8218624.0;\t2.5;\t0.0;\t2.0;\t0.2;\t1.0\n"
    "1372630404;\t0;\t5851.9989;\t27.31;\t10;\t8218624.0;\t0;\t32;\t4.2;\t0.125;\t1.0\n"
)

AUGUR = (
    "timestamp_ms,task_id,user_id,role,scenario,label,interval_ms,cpu_cores,memory_bytes,"
    "disk_read_bps,disk_write_bps,net_rx_bps,net_tx_bps,pids\n"
    "1000,t-a,u1,web,steady-service,benign,2000,0.5,1048576,10,20,,40,3\n"
    "1000,t-b,u2,miner,cpu-mining-beacon,hostile,2000,1.9,2097152,0,0,,5,1\n"
    "3000,t-a,u1,web,steady-service,benign,2000,0.25,2097152,11,21,,41,3\n"
    "5000,t-a,u1,web,steady-service,benign,2000,0.75,1048576,12,22,,42,3\n"
    "3000,t-b,u2,miner,cpu-mining-beacon,hostile,2000,1.95,2097152,0,0,,6,1\n"
)


class ReaderTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_bitbrains_units_gz_and_recursion(self):
        sub = self.dir / "bitbrains" / "deeper"
        sub.mkdir(parents=True)
        with gzip.open(sub / "vm7.csv.gz", "wt") as f:
            f.write(BITBRAINS)
        (self.dir / "other.csv").write_text("Sequence,label\n1 2 3,0\n")   # neither format
        traces = read_traces(self.dir, verbose=False)
        self.assertEqual([t.name for t in traces], ["vm7"])
        t = traces[0]
        self.assertEqual(t.fmt, "bitbrains")
        self.assertEqual(t.values.shape, (3, len(FEATURES)))
        # CPU = usage % / 100 x cores
        np.testing.assert_allclose(t.values[:, 0], [0.03, 2.0, 0.0])
        # MEMORY = KB x 1024; disk and network KB/s x 1024
        np.testing.assert_allclose(t.values[:, 1], [1024000.0, 2560.0, 0.0])
        np.testing.assert_allclose(t.values[0, 2:], np.array([160.5, 21.0, 0.25, 1.5]) * 1024)
        self.assertEqual(t.step_seconds, 300.0)

    def test_augur_recording_tasks_and_missing(self):
        (self.dir / "rec1.csv").write_text(AUGUR)
        traces = read_traces(self.dir, verbose=False)
        self.assertEqual([t.name for t in traces], ["t-a", "t-b"])
        a, b = traces
        self.assertEqual(a.fmt, "augur")
        self.assertEqual(a.values.shape, (3, 6))
        np.testing.assert_allclose(a.values[:, 0], [0.5, 0.25, 0.75])
        np.testing.assert_allclose(a.values[:, 1], [1048576, 2097152, 1048576])
        self.assertTrue(np.isnan(a.values[:, 4]).all())          # NET_RX not measured
        np.testing.assert_allclose(a.values[:, 5], [40, 41, 42])
        self.assertEqual(a.meta["label"], "benign")
        self.assertEqual(b.meta["scenario"], "cpu-mining-beacon")
        np.testing.assert_allclose(b.values[:, 0], [1.9, 1.95])
        self.assertEqual(a.step_seconds, 2.0)

    def test_numbers_are_read_as_java_reads_them(self):
        # pandas' fast parser reads '90.26666666666667' as 90.26666666666668; Java's
        # Double.parseDouble and Python's float give the nearest double, and so must we.
        (self.dir / "vm1.csv").write_text(
            BITBRAINS.splitlines(keepends=True)[0]
            + "1;\t1;\t1;\t1;\t90.26666666666667;\t1;\t0.06666666666666667;\t1;\t1;\t1;\tx\n")
        (self.dir / "rec.csv").write_text(
            AUGUR.splitlines(keepends=True)[0]
            + "10000,t-c,u,web,s,benign,2000,0.9333333333333333,1,1,1,1,1,1\n"
            + "9000,t-c,u,web,s,benign,2000,0.06666666666666667,1,1,1,1,1,1\n")
        rec, bb = sorted(read_traces(self.dir, verbose=False), key=lambda t: t.fmt)
        self.assertEqual(rec.values[0, 0], float("0.06666666666666667"))  # 9000 before 10000
        self.assertEqual(rec.values[1, 0], float("0.9333333333333333"))
        self.assertEqual(bb.values[0, 0], float("90.26666666666667") / 100.0)
        self.assertEqual(bb.values[0, 1], float("0.06666666666666667") * 1024.0)
        self.assertTrue(np.isnan(bb.values[0, 5]))  # 'x' is no number

    def test_both_formats_side_by_side_and_name_filter(self):
        (self.dir / "vm1.csv").write_text(BITBRAINS)
        (self.dir / "rec.csv").write_text(AUGUR)
        names = [t.name for t in read_traces(self.dir, verbose=False)]
        self.assertEqual(names, ["t-a", "t-b", "vm1"])
        only = read_traces(self.dir, names=["vm1"], verbose=False)
        self.assertEqual([t.name for t in only], ["vm1"])

    def test_colliding_names_get_their_path(self):
        (self.dir / "a").mkdir()
        (self.dir / "b").mkdir()
        (self.dir / "a" / "vm1.csv").write_text(BITBRAINS)
        (self.dir / "b" / "vm1.csv").write_text(BITBRAINS)
        (self.dir / "a" / "r.csv").write_text(AUGUR)
        (self.dir / "b" / "r.csv").write_text(AUGUR)
        names = [t.name for t in read_traces(self.dir, verbose=False)]
        self.assertEqual(names, ["a/r:t-a", "a/r:t-b", "a/vm1", "b/r:t-a", "b/r:t-b", "b/vm1"])

    def test_missing_directory_is_a_clear_error(self):
        with self.assertRaises(FileNotFoundError) as cm:
            read_traces(self.dir / "nope", verbose=False)
        self.assertIn("does not exist", str(cm.exception))

    def test_directory_without_traces(self):
        (self.dir / "x.csv").write_text("a,b\n1,2\n")
        with self.assertRaises(FileNotFoundError):
            read_traces(self.dir, verbose=False)


class SplitTest(unittest.TestCase):
    def test_disjoint_complete_deterministic(self):
        names = [f"vm{i}" for i in range(1, 61)]
        s = split_names(names, seed=0)
        self.assertEqual((len(s["train"]), len(s["validation"]), len(s["test"])), (42, 6, 12))
        self.assertFalse(set(s["train"]) & set(s["test"]))
        self.assertFalse(set(s["train"]) & set(s["validation"]))
        self.assertFalse(set(s["validation"]) & set(s["test"]))
        self.assertEqual(set(s["train"]) | set(s["validation"]) | set(s["test"]), set(names))
        self.assertEqual(s, split_names(list(reversed(names)), seed=0))
        self.assertNotEqual(s["test"], split_names(names, seed=1)["test"])

    def test_small_sets_get_every_part(self):
        s = split_names(["a", "b", "c"])
        self.assertEqual(sorted(len(v) for v in s.values()), [1, 1, 1])


class OriginsTest(unittest.TestCase):
    def test_origins(self):
        np.testing.assert_array_equal(origins_for(29, 24, 5), [23])
        self.assertEqual(len(origins_for(28, 24, 5)), 0)
        np.testing.assert_array_equal(origins_for(40, 24, 5, 4), [23, 27, 31])
        self.assertEqual(len(origins_for(8260, 24, 5)), 8260 - 28)


if __name__ == "__main__":
    unittest.main()


class SyntheticTracesTest(unittest.TestCase):
    def test_synthetic_traces_read_back_in_the_bitbrains_format(self):
        import tempfile
        from augur_forecaster import synthetic
        from augur_forecaster.data import read_traces
        with tempfile.TemporaryDirectory() as d:
            synthetic.write_traces(Path(d), traces=3, steps=50)
            traces = read_traces(Path(d), verbose=False)
            self.assertEqual(3, len(traces))
            for t in traces:
                self.assertEqual((50, 6), t.values.shape)
                self.assertTrue((t.values >= 0).all())
