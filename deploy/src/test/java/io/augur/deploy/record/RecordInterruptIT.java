package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.cgroup.Await;
import io.augur.launch.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on {@code ./augur record} mid-run: the recorder gets SIGINT while a fork storm (hundreds
 * of processes) and a disk scenario run, and must stop them all, remove their cgroups and files,
 * and leave a valid, partial recording whose manifest says so. Needs root.
 */
class RecordInterruptIT {

    @TempDir Path tmp;

    @Test
    void sigintStopsEveryWorkloadRemovesEveryCgroupAndKeepsWhatWasRecorded() throws Exception {
        Path out = tmp.resolve("rec");
        Path work = Files.createDirectories(tmp.resolve("work"));
        JavaProcess rec =
                RecordIT.record(
                        out,
                        "--duration",
                        "120",
                        "--parallel",
                        "2",
                        "--scenarios",
                        "fork-storm,disk-encrypt-rmw,idle",
                        "--work-dir",
                        work.toString());
        List<ProcessHandle> started;
        String runId;
        try {
            String header =
                    rec.awaitLogLine(l -> l.startsWith("Augur record "), Duration.ofSeconds(30));
            runId = header.substring("Augur record ".length(), header.indexOf(':'));
            Path csv = out.resolve("recording.csv");
            Await.until(
                    "rows of both runs",
                    Duration.ofSeconds(30),
                    () ->
                            lines(csv).stream().filter(l -> l.contains(",fork-storm,")).count() >= 3
                                    && lines(csv).stream()
                                            .anyMatch(l -> l.contains(",disk-encrypt-rmw,")));
            started = rec.process().descendants().toList();
            assertThat(started.size()).as("workloads and the storm's children").isGreaterThan(20);

            new ProcessBuilder("kill", "-INT", Long.toString(rec.pid())).start().waitFor();

            assertThat(rec.waitFor(Duration.ofSeconds(60)))
                    .as("recorder exits after SIGINT")
                    .isTrue();
        } finally {
            rec.kill();
        }
        assertThat(rec.process().exitValue()).isEqualTo(130);
        assertThat(started)
                .as("every process it started has stopped")
                .noneMatch(ProcessHandle::isAlive);
        RecordIT.assertNoCgroup("augur-record-" + runId);
        assertThat(work.resolve("augur-record-" + runId)).as("workload files").doesNotExist();

        List<java.util.Map<String, String>> rows = RecordIT.readCsv(out.resolve("recording.csv"));
        assertThat(rows).isNotEmpty().noneMatch(r -> r.get("scenario").equals("idle"));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.get("status").asText()).isEqualTo("interrupted");
        assertThat(manifest.get("rows").asLong()).isEqualTo(rows.size());
        assertThat(RecordIT.run(manifest, "fork-storm").get("outcome").asText())
                .isEqualTo("interrupted");
        assertThat(RecordIT.run(manifest, "idle").get("outcome").asText()).isEqualTo("not started");
        for (JsonNode r : manifest.get("runs")) {
            assertThat(Path.of("/run/netns/augur-task-" + r.get("task_id").asText()))
                    .as("the task's network namespace is removed")
                    .doesNotExist();
        }
        assertThat(Files.readString(rec.log())).doesNotContain("Exception");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
