package io.augur.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneClusterLogTest {

    @TempDir Path dir;

    @Test
    void theFirstErrorIsFoundAboveAClosingThreadDump() throws Exception {
        Path log = dir.resolve("jobmanager.log");
        Files.writeString(
                log,
                String.join(
                        "\n",
                        "2026-11-22 04:00:00,000 INFO  Starting StandaloneSessionClusterEntrypoint",
                        "2026-11-22 04:00:01,000 ERROR Could not start cluster entrypoint",
                        "java.net.BindException: Address already in use",
                        "\tat sun.nio.ch.Net.bind0(Native Method)",
                        "\"flink-16\" prio=5 Id=33 TIMED_WAITING",
                        "\tat java.lang.Thread.sleep(Native Method)"));

        assertThat(StandaloneCluster.firstError(log, 2))
                .isEqualTo(
                        "2026-11-22 04:00:01,000 ERROR Could not start cluster entrypoint\n"
                                + "java.net.BindException: Address already in use");
        assertThat(StandaloneCluster.tail(log, 2)).contains("TIMED_WAITING");
    }

    @Test
    void aLogWithoutAnErrorOrNoLogGivesNothing() throws Exception {
        Path log = dir.resolve("taskmanager.log");
        Files.writeString(log, "2026-11-22 04:00:00,000 INFO  all well\n");
        assertThat(StandaloneCluster.firstError(log, 5)).isEmpty();
        assertThat(StandaloneCluster.firstError(dir.resolve("missing.log"), 5)).isEmpty();
    }
}
