import gzip
import tempfile
import unittest
from pathlib import Path

from augur_sequences.data import DataError, load_i386_names, read


class ReadersTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text, gz=False):
        p = self.dir / name
        if gz:
            with gzip.open(p, "wt") as f:
                f.write(text)
        else:
            p.write_text(text)
        return p

    def test_adfa_plain_and_gzipped(self):
        text = "label\ttrace\tsyscalls\nnormal\ttraining/UTD-1.txt\t3 4 3\nattack\tA/1.txt\t11 3\n"
        for gz in (False, True):
            seqs = read("adfa", self.write("a.tsv" + (".gz" if gz else ""), text, gz))
            self.assertEqual([(s.name, s.label, s.kind, s.calls) for s in seqs],
                             [("training/UTD-1.txt", "normal", "SYSCALL", ["3", "4", "3"]),
                              ("A/1.txt", "abnormal", "SYSCALL", ["11", "3"])])

    def test_adfa_i386_names(self):
        unistd = self.write("unistd_32.h", "#define __NR_exit 1\n#define __NR_read 3\n"
                                           "#define __NR_write 4\n")
        p = self.write("a.tsv", "label\ttrace\tsyscalls\nnormal\tt\t3 4 1 999\n")
        seqs = read("adfa", p, map_i386=True, unistd=str(unistd))
        self.assertEqual(seqs[0].calls, ["read", "write", "exit", "i386_999"])

    def test_real_unistd_maps_read(self):
        try:
            names = load_i386_names()
        except DataError:
            self.skipTest("no /usr/include/x86_64-linux-gnu/asm/unistd_32.h")
        self.assertEqual((names["3"], names["5"], names["11"]), ("read", "open", "execve"))

    def test_missing_unistd_is_a_clear_error(self):
        p = self.write("a.tsv", "label\ttrace\tsyscalls\nnormal\tt\t3\n")
        with self.assertRaisesRegex(DataError, "nope.h: no such file"):
            read("adfa", p, map_i386=True, unistd=str(self.dir / "nope.h"))

    def test_hdfs_sessions_and_csv(self):
        s = read("hdfs", self.write("hdfs_train", "5 5 22 11 9 \n22 5\n"))
        self.assertEqual([(x.label, x.kind, x.calls) for x in s],
                         [("normal", "LOGKEY", ["5", "5", "22", "11", "9"]),
                          ("normal", "LOGKEY", ["22", "5"])])
        ab = read("hdfs", self.write("hdfs_test_abnormal", "5 22\n"))
        self.assertEqual([(x.label, x.calls) for x in ab], [("abnormal", ["5", "22"])])
        c = read("hdfs", self.write("t.csv", "Sequence,label\n5 22 11,0\n5 26,1\n", gz=True))
        self.assertEqual([(x.label, x.calls) for x in c],
                         [("normal", ["5", "22", "11"]), ("abnormal", ["5", "26"])])

    def test_augur_format_labels_and_roles(self):
        p = self.write("invocations.tsv",
                       "label\ttrace\trole\tkind\tcalls\n"
                       "benign\tt1\tweb\tMETHOD\tA#a B#b\n"
                       "hostile\tt2\tweb\tMETHOD\tA#a X#x\n"
                       "normal\tt3\tbatch\tSYSCALL\tread write\n"
                       "attack\tt4\tbatch\tSYSCALL\texecve\n")
        seqs = read("augur", p)
        self.assertEqual([s.label for s in seqs], ["normal", "abnormal", "normal", "abnormal"])
        self.assertEqual(seqs[1].calls, ["A#a", "X#x"])
        self.assertEqual([s.name for s in read("augur", p, role="batch")], ["t3", "t4"])

    def test_bad_headers_and_lines_are_clear_errors(self):
        cases = [("adfa", "trace\tlabel\tsyscalls\nnormal\tt\t1\n", "not the adfa format"),
                 ("augur", "label\ttrace\tsyscalls\nnormal\tt\t1\n", "not the augur format"),
                 ("hdfs", "Session,Label\n1 2,0\n", "neither the hdfs CSV header"),
                 ("adfa", "label\ttrace\tsyscalls\nweird\tt\t1\n", "label 'weird'"),
                 ("augur", "label\ttrace\trole\tkind\tcalls\nbenign\tt\tr\tFOO\ta\n", "kind 'FOO'")]
        for fmt, text, msg in cases:
            with self.subTest(fmt=fmt, msg=msg):
                with self.assertRaisesRegex(DataError, msg):
                    read(fmt, self.write("bad", text))

    def test_missing_file_and_unknown_format(self):
        with self.assertRaisesRegex(DataError, "no such file"):
            read("adfa", self.dir / "absent.tsv")
        with self.assertRaisesRegex(DataError, "unknown format"):
            read("csv", self.write("x", "a"))


if __name__ == "__main__":
    unittest.main()
