package io.augur.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small hand-made files in each format, plain and gzipped, and files in none of them. */
class SequenceFormatTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private Path gzip(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void adfaTracesWithTheirLabelsPlainOrGzipped() throws Exception {
        String text =
                "label\ttrace\tsyscalls\n"
                        + "normal\ttraining/UTD-0001.txt\t6 6 63 6\n"
                        + "attack\tAdduser_1/UAD-1.txt\t3 4 11\n";
        for (Path p :
                List.of(write("a.tsv", text), gzip("a.tsv.gz", text), gzip("no-suffix", text))) {
            List<SequenceItem> items = SequenceFormat.ADFA.read(p);
            assertThat(items)
                    .containsExactly(
                            new SequenceItem(
                                    "training/UTD-0001.txt",
                                    false,
                                    "default",
                                    List.of("6", "6", "63", "6")),
                            new SequenceItem(
                                    "Adduser_1/UAD-1.txt",
                                    true,
                                    "default",
                                    List.of("3", "4", "11")));
        }
    }

    @Test
    void hdfsSessionLinesTakeTheirLabelFromTheFileNameAndTheCsvFromItsColumn() throws Exception {
        List<SequenceItem> normal =
                SequenceFormat.HDFS.read(write("hdfs_train", "5 5 22 \n22 5 11\n"));
        assertThat(normal).extracting(SequenceItem::abnormal).containsExactly(false, false);
        assertThat(normal.get(0).calls()).containsExactly("5", "5", "22");
        assertThat(normal.get(1).name()).isEqualTo("hdfs_train:2");
        assertThat(SequenceFormat.HDFS.read(gzip("hdfs_test_abnormal.gz", "5 22 5\n")))
                .singleElement()
                .satisfies(i -> assertThat(i.abnormal()).isTrue());
        List<SequenceItem> csv =
                SequenceFormat.HDFS.read(
                        write("robust.csv", "Sequence,label\n5 5 22,0\n5 4 4,1\n"));
        assertThat(csv).extracting(SequenceItem::abnormal).containsExactly(false, true);
        assertThat(csv.get(1).calls()).containsExactly("5", "4", "4");
    }

    @Test
    void augurLinesKeepRoleAndAcceptBothLabelSpellings() throws Exception {
        Path p =
                write(
                        "invocations.tsv",
                        "label\ttrace\trole\tkind\tcalls\n"
                                + "benign\tt1@5\tbatch\tSYSCALL\topenat read\n"
                                + "hostile\tt2@9\tbatch\tMETHOD\tA#b C#d\n"
                                + "normal\tt3\tweb\tSYSCALL\t\n");
        List<SequenceItem> items = SequenceFormat.AUGUR.read(p);
        assertThat(items).extracting(SequenceItem::abnormal).containsExactly(false, true, false);
        assertThat(items.get(1).calls()).containsExactly("A#b", "C#d");
        assertThat(items.get(2).calls()).isEmpty();
        assertThat(items.get(0).role()).isEqualTo("batch");
    }

    @Test
    void aFileInNoneOfTheFormatsIsAnErrorNamingItAndTheLine() throws Exception {
        Path csv = write("vm1.csv", "timestamp;cpu\n1;2\n");
        assertThatThrownBy(() -> SequenceFormat.ADFA.read(csv))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(csv.toString())
                .hasMessageContaining("not in the adfa format")
                .hasMessageContaining("label<TAB>trace<TAB>syscalls");
        assertThatThrownBy(() -> SequenceFormat.HDFS.read(csv))
                .hasMessageContaining("not in the hdfs format: line 1");
        assertThatThrownBy(() -> SequenceFormat.AUGUR.read(csv))
                .hasMessageContaining("not in the augur format");
        Path adfa = write("a.tsv", "label\ttrace\tsyscalls\nnormal\tx\t1 2\nmaybe\ty\t3\n");
        assertThatThrownBy(() -> SequenceFormat.ADFA.read(adfa))
                .hasMessageContaining(
                        adfa + ":3: label is normal/benign or attack/hostile, got 'maybe'");
        assertThatThrownBy(() -> SequenceFormat.AUGUR.read(write("e", "")))
                .hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> SequenceFormat.ADFA.read(dir.resolve("missing.tsv")))
                .hasMessageContaining("missing.tsv");
        assertThatThrownBy(() -> SequenceFormat.parse("csv"))
                .hasMessageContaining("adfa, hdfs or augur");
    }
}
