package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest extends SpoolContractTest {
    static final SpoolBound ROOMY = new SpoolBound(1 << 20, 1000);

    @TempDir Path dir;

    @Override
    Spool create(SpoolBound bound) {
        return DiskSpool.open(dir.resolve("contract"), bound);
    }

    List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void aRestartFindsWhatWasNotRemovedAndCarriesOnNumbering() {
        long lastSeq;
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY, 64)) {
            spool.append(List.of(rec("a", 1), rec("b", 1), rec("a", 2)));
            spool.append(List.of(rec("b", 2), rec("a", 3)));
            List<Spool.Entry> all = spool.peek(10);
            spool.removeThrough(all.get(1).seq());
            lastSeq = all.get(4).seq();
        }
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY, 64)) {
            assertThat(values(spool.peek(10))).containsExactly("a2", "b2", "a3");
            assertThat(spool.depthRecords()).isEqualTo(3);
            assertThat(spool.depthBytes()).isEqualTo(3 * (SpoolBound.FRAME_OVERHEAD + 3));
            spool.append(List.of(rec("b", 3)));
            assertThat(spool.peek(10).get(3).seq()).isGreaterThan(lastSeq);
        }
    }

    @Test
    void rollsSegmentsAndDeletesThemOnceDelivered() throws IOException {
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY, 64)) {
            for (int i = 0; i < 10; i++) {
                spool.append(List.of(rec("a", i)));
            }
            assertThat(segments()).hasSizeGreaterThan(2);
            List<Spool.Entry> all = spool.peek(100);
            assertThat(all).hasSize(10);
            spool.removeThrough(all.get(9).seq());
            assertThat(segments()).isEmpty();
            spool.append(List.of(rec("a", 10)));
            assertThat(values(spool.peek(10))).containsExactly("a10");
        }
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY, 64)) {
            assertThat(values(spool.peek(10))).containsExactly("a10");
        }
    }

    @Test
    void dropsSurviveARestart() {
        try (DiskSpool spool = DiskSpool.open(dir, new SpoolBound(1 << 20, 2), 64)) {
            assertThat(spool.append(List.of(rec("a", 1), rec("a", 2), rec("a", 3)))).isEqualTo(1);
        }
        try (DiskSpool spool = DiskSpool.open(dir, new SpoolBound(1 << 20, 2), 64)) {
            assertThat(values(spool.peek(10))).containsExactly("a2", "a3");
        }
    }

    @Test
    void aTornTailIsTruncatedNotFatal() throws IOException {
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY)) {
            spool.append(List.of(rec("a", 1), rec("a", 2), rec("a", 3)));
        }
        Path segment = segments().get(0);
        long intact = Files.size(segment);
        // A crash in the middle of writing a fourth frame: its header and part of its payload.
        Files.write(segment, new byte[] {0, 0, 0, 20, 1, 2, 3, 4, 0, 0}, StandardOpenOption.APPEND);

        try (DiskSpool spool = DiskSpool.open(dir, ROOMY)) {
            assertThat(values(spool.peek(10))).containsExactly("a1", "a2", "a3");
            assertThat(Files.size(segment)).isEqualTo(intact);
            spool.append(List.of(rec("a", 4)));
        }
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY)) {
            assertThat(values(spool.peek(10))).containsExactly("a1", "a2", "a3", "a4");
        }
    }

    @Test
    void aCorruptFrameIsCutOffWithWhatFollowsIt() throws IOException {
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY)) {
            spool.append(List.of(rec("a", 1), rec("a", 2), rec("a", 3)));
        }
        Path segment = segments().get(0);
        long frame = SpoolBound.FRAME_OVERHEAD + 3;
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(frame + frame - 1); // last value byte of the second record
            f.write('X');
        }
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY)) {
            assertThat(values(spool.peek(10))).containsExactly("a1");
        }
        assertThat(Files.size(segment)).isEqualTo(frame);
    }

    @Test
    void aGarbledHeadFileReplaysEverythingRatherThanLosing() throws IOException {
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY)) {
            spool.append(List.of(rec("a", 1), rec("a", 2)));
            spool.removeThrough(spool.peek(1).get(0).seq());
        }
        Files.write(dir.resolve("head"), new byte[] {1, 2, 3});
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY)) {
            assertThat(values(spool.peek(10))).containsExactly("a1", "a2");
        }
    }

    @Test
    void oneCollectorPerSpool() {
        try (DiskSpool spool = DiskSpool.open(dir, ROOMY)) {
            assertThatThrownBy(() -> DiskSpool.open(dir, ROOMY)).hasMessageContaining("in use");
        }
    }
}
