package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.launch.AugurHome;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceSample;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingCsvTest {

    private static final Scenario MINING = Scenarios.byName("cpu-mining-beacon").orElseThrow();

    @TempDir Path dir;

    @Test
    void theHeaderIsTheOneDocsTraceFormatDocuments() throws Exception {
        String doc = Files.readString(AugurHome.resolve().resolve("docs/trace-format.md"));
        assertThat(doc.lines()).contains(RecordingCsv.HEADER);
        assertThat(RecordingCsv.COLUMNS)
                .hasSize(14)
                .startsWith("timestamp_ms", "task_id")
                .endsWith("pids");
    }

    @Test
    void countersBecomeRatesPerSecondOverTheInterval() {
        RecordingCsv.Row row =
                new RecordingCsv.Row(
                        1_700_000_000_123L,
                        "t-1",
                        "augur-record",
                        "worker",
                        "disk-encrypt-rmw",
                        "hostile",
                        500,
                        0.25,
                        64L << 20,
                        1_048_576L,
                        3000L,
                        null,
                        null,
                        17L);
        assertThat(RecordingCsv.format(row))
                .isEqualTo(
                        "1700000000123,t-1,augur-record,worker,disk-encrypt-rmw,hostile,500,0.25,"
                                + "67108864,2097152,6000,,,17");
        // 1000 bytes over 3 s: 333.333 per second, no exponent.
        assertThat(RecordingCsv.rate(1000L, 3000)).isEqualTo("333.333");
        assertThat(RecordingCsv.rate(0L, 1000)).isEqualTo("0");
    }

    @Test
    void unmeasuredIsEmptyNeverZero() {
        RecordingCsv.Row row =
                new RecordingCsv.Row(
                        1L, "t", "u", "r", "idle", "benign", 1000, null, null, null, null, null,
                        null, null);
        assertThat(RecordingCsv.format(row)).isEqualTo("1,t,u,r,idle,benign,1000,,,,,,,");
        assertThat(RecordingCsv.format(row).split(",", -1)).hasSize(14);
        assertThat(RecordingCsv.decimal(Double.NaN, 6)).isEmpty();
        assertThat(RecordingCsv.rate(5L, 0)).as("no time passed").isEmpty();
    }

    @Test
    void decimalsArePlainAndRounded() {
        assertThat(RecordingCsv.decimal(0.98765432, 6)).isEqualTo("0.987654");
        assertThat(RecordingCsv.decimal(1e-9, 6)).isEqualTo("0");
        assertThat(RecordingCsv.decimal(2.0, 6)).isEqualTo("2");
        assertThat(RecordingCsv.decimal(1.5e12, 3)).isEqualTo("1500000000000");
    }

    @Test
    void textWithCommasOrQuotesIsQuoted() {
        assertThat(RecordingCsv.text("plain-id")).isEqualTo("plain-id");
        assertThat(RecordingCsv.text("a,b")).isEqualTo("\"a,b\"");
        assertThat(RecordingCsv.text("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }

    @Test
    void aCollectorSampleBecomesALabelledRow() {
        ResourceSample s =
                ResourceSample.newBuilder()
                        .setTaskId("cpu-mining-beacon-1-abc123")
                        .setUserId("augur-record")
                        .setNodeId("n")
                        .setRole("worker")
                        .setTimestamp(Instant.ofEpochMilli(42_000))
                        .setIntervalMs(1000)
                        .setCpuCores(0.99)
                        .setMemoryBytes(30L << 20)
                        .setDiskReadBytes(0L)
                        .setDiskWriteBytes(0L)
                        .setNetRxBytes(null)
                        .setNetTxBytes(null)
                        .setPids(15L)
                        .setLimits(ResourceLimits.newBuilder().build())
                        .build();
        RecordingCsv.Row row = RecordingCsv.Row.of(s, MINING);
        assertThat(RecordingCsv.format(row))
                .isEqualTo(
                        "42000,cpu-mining-beacon-1-abc123,augur-record,worker,cpu-mining-beacon,"
                                + "hostile,1000,0.99,31457280,0,0,,,15");
        assertThat(RecordingCsv.format(row.withoutDisk()))
                .isEqualTo(
                        "42000,cpu-mining-beacon-1-abc123,augur-record,worker,cpu-mining-beacon,"
                                + "hostile,1000,0.99,31457280,,,,,15");
    }

    @Test
    void theFileStartsWithTheHeaderAndIsNeverOverwritten() throws Exception {
        Path file = dir.resolve("recording.csv");
        try (RecordingCsv csv = RecordingCsv.create(file)) {
            csv.append(
                    List.of(
                            new RecordingCsv.Row(
                                    1L, "t", "u", "r", "idle", "benign", 1000, 0.0, 1L, 0L, 0L,
                                    null, null, 1L)));
            assertThat(csv.rows()).isEqualTo(1);
            // Flushed per round: readable while the recording goes on.
            assertThat(Files.readAllLines(file))
                    .containsExactly(RecordingCsv.HEADER, "1,t,u,r,idle,benign,1000,0,1,0,0,,,1");
        }
        assertThatThrownBy(() -> RecordingCsv.create(file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot create " + file);
    }
}
