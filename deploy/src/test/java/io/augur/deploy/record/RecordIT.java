package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.AugurHome;
import io.augur.launch.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./augur record} end to end on real cgroups: five scenarios for five seconds each, as a
 * user runs it, then what a user of the dataset cares about. Needs root.
 */
class RecordIT {
    static final List<String> CONTROLLERS =
            List.of("cpu", "cpuacct", "memory", "pids", "blkio", "freezer");

    @TempDir Path tmp;

    @Test
    void recordsLabelledTelemetryThatShowsEachBehaviourAndLeavesNothingBehind() throws Exception {
        Path out = tmp.resolve("rec");
        Path work = Files.createDirectories(tmp.resolve("work"));
        JavaProcess rec =
                record(
                        out,
                        "--duration",
                        "5",
                        "--scenarios",
                        "cpu-mining-beacon,fork-storm,memory-balloon,disk-encrypt-rmw,idle",
                        "--work-dir",
                        work.toString());
        Set<ProcessHandle> seen = new HashSet<>();
        String runId;
        try {
            String header =
                    rec.awaitLogLine(l -> l.startsWith("Augur record "), Duration.ofSeconds(30));
            runId = header.substring("Augur record ".length(), header.indexOf(':'));
            // Every process the recorder starts, while it runs.
            while (rec.isAlive()) {
                rec.process().descendants().forEach(seen::add);
                Thread.sleep(200);
            }
            assertThat(rec.waitFor(Duration.ofSeconds(90))).as("recorder ends").isTrue();
        } finally {
            rec.kill();
        }
        assertThat(rec.process().exitValue()).as("exit code; log:\n%s", rec.tail()).isZero();

        List<Map<String, String>> rows = readCsv(out.resolve("recording.csv"));
        Map<String, List<Map<String, String>>> byScenario =
                rows.stream()
                        .collect(
                                Collectors.groupingBy(
                                        r -> r.get("scenario"),
                                        LinkedHashMap::new,
                                        Collectors.toList()));
        assertThat(byScenario.keySet())
                .containsExactly(
                        "cpu-mining-beacon",
                        "fork-storm",
                        "memory-balloon",
                        "disk-encrypt-rmw",
                        "idle");
        for (var e : byScenario.entrySet()) {
            Scenario s = Scenarios.byName(e.getKey()).orElseThrow();
            assertThat(e.getValue())
                    .as("rows of %s: one a second for 5 s", s.name())
                    .hasSizeBetween(4, 5)
                    .allMatch(r -> r.get("label").equals(s.label()))
                    .allMatch(r -> r.get("role").equals(s.role()))
                    .allMatch(r -> r.get("user_id").equals(Recorder.USER))
                    .allMatch(r -> r.get("task_id").equals(s.name() + "-1-" + runId))
                    .allMatch(r -> Math.abs(Long.parseLong(r.get("interval_ms")) - 1000) < 300);
            // Every row after the first has the task's own network. The first may not: its
            // interval can begin while the group holds only the launcher's first process, still
            // in the host's namespace (bubblewrap's children enter the task's), so that reading
            // has no namespace counters and the collector leaves the row's network unmeasured,
            // not wrong (ProcessTable.net, ProcessActivity; seen once at load 20).
            assertThat(e.getValue().subList(1, e.getValue().size()))
                    .as("network of %s: measured in the task's own namespace", s.name())
                    .allMatch(
                            r -> !r.get("net_rx_bps").isEmpty() && !r.get("net_tx_bps").isEmpty());
        }
        // The miner's beacons are its own traffic; the idle task sends next to nothing.
        assertThat(sum(byScenario.get("cpu-mining-beacon"), "net_tx_bps"))
                .as("miner's beacon traffic")
                .isPositive();
        assertThat(sum(byScenario.get("idle"), "net_tx_bps"))
                .as("idle task's traffic (a few neighbour-discovery packets at most)")
                .isLessThan(2048.0);

        // The miner keeps one core busy (at least half of one: the 2-core machine is shared).
        double mining = median(byScenario.get("cpu-mining-beacon"), "cpu_cores");
        assertThat(mining).as("mining cpu_cores").isBetween(0.5, 1.2);
        double idle = median(byScenario.get("idle"), "cpu_cores");
        assertThat(idle).as("idle cpu_cores").isLessThan(0.05);

        // The fork storm's processes and threads climb far above an idle JVM's.
        double idlePids = max(byScenario.get("idle"), "pids");
        List<Double> stormPids = column(byScenario.get("fork-storm"), "pids");
        assertThat(stormPids.get(stormPids.size() - 1))
                .as("fork storm pids vs idle's %s", idlePids)
                .isGreaterThan(idlePids + 100);
        assertThat(stormPids.get(stormPids.size() - 1)).isGreaterThan(stormPids.get(0) + 50);

        // The balloon grows 16 MiB a second.
        List<Double> balloon = column(byScenario.get("memory-balloon"), "memory_bytes");
        assertThat(balloon.get(balloon.size() - 1) - balloon.get(0))
                .as("balloon growth in bytes")
                .isGreaterThan(32.0 * (1 << 20));

        // Disk: this kernel counts a v1 blkio group's I/O only once it has a throttle rule; the
        // recorder adds a never-reached one, and says so in the manifest.
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        JsonNode rmwRun = run(manifest, "disk-encrypt-rmw");
        List<Map<String, String>> rmw = byScenario.get("disk-encrypt-rmw");
        if (rmwRun.get("disk_counted_on").size() > 0) {
            assertThat(sum(rmw, "disk_write_bps")).as("rmw writes").isGreaterThan(16.0 * (1 << 20));
            assertThat(sum(rmw, "disk_read_bps"))
                    .as("rmw direct reads")
                    .isGreaterThan(16.0 * (1 << 20));
        } else {
            assertThat(rmw)
                    .as("disk not counted on this host: empty, never 0")
                    .allMatch(r -> r.get("disk_write_bps").isEmpty());
        }

        assertThat(manifest.get("status").asText()).isEqualTo("complete");
        assertThat(manifest.get("rows").asLong()).isEqualTo(rows.size());
        assertThat(manifest.get("interval_ms").asLong()).isEqualTo(1000);
        assertThat(manifest.get("host").get("processors").asInt()).isPositive();
        List<String> notMeasured = new ArrayList<>();
        manifest.get("not_measured").forEach(n -> notMeasured.add(n.get("column").asText()));
        assertThat(notMeasured).isEmpty();
        assertThat(manifest.at("/columns/net_tx_bps").asText()).contains("own network namespace");
        for (JsonNode r : manifest.get("runs")) {
            assertThat(r.get("outcome").asText())
                    .as(r.get("task_id").asText())
                    .isEqualTo("completed");
            assertThat(out.resolve(r.get("log").asText())).exists();
        }
        assertThat(manifest.get("sink").get("udp_datagrams").asLong())
                .as("the miner's beacon reached the sink")
                .isPositive();
        // The sink counts the tasks only (their addresses are the launcher's pool's); the tasks'
        // own traffic is never refused.
        assertThat(manifest.at("/sink/admitted_peers").asText()).isEqualTo("10.231.0.0/16");
        assertThat(manifest.at("/sink/refused_tcp_connections").asLong()).isZero();
        assertThat(manifest.at("/sink/refused_udp_datagrams").asLong()).isZero();

        // Nothing left: processes, cgroups, workload files.
        assertThat(seen).as("processes the recorder started").isNotEmpty();
        assertThat(seen)
                .as("every process it started has stopped")
                .noneMatch(ProcessHandle::isAlive);
        assertNoCgroup("augur-record-" + runId);
        for (JsonNode r : manifest.get("runs")) {
            assertThat(Path.of("/run/netns/augur-task-" + r.get("task_id").asText()))
                    .as("the task's network namespace is removed")
                    .doesNotExist();
        }
        assertThat(work.resolve("augur-record-" + runId)).doesNotExist();
        assertThat(Files.readString(rec.log())).doesNotContain("Exception");
    }

    @Test
    void refusesACgroupRootThatHoldsOtherTasksAndLeavesThemAlone() throws Exception {
        String root = "record-it-busy";
        TaskCgroups cgroups = TaskCgroups.detect(root);
        cgroups.create("someone-elses-task");
        try {
            Path out = tmp.resolve("busy");
            JavaProcess rec =
                    record(out, "--duration", "2", "--scenarios", "idle", "--cgroup-root", root);
            try {
                assertThat(rec.waitFor(Duration.ofSeconds(30))).isTrue();
            } finally {
                rec.kill();
            }
            assertThat(rec.process().exitValue()).isEqualTo(1);
            assertThat(Files.readString(rec.log()))
                    .contains("the cgroup root 'record-it-busy' already holds task groups")
                    .contains("someone-elses-task");
            assertThat(cgroups.taskIds()).containsExactly("someone-elses-task");
            assertThat(out.resolve("recording.csv")).doesNotExist();
        } finally {
            cgroups.destroyRoot();
        }
    }

    static JavaProcess record(Path out, String... args) {
        List<String> all = new ArrayList<>(List.of("--out", out.toString()));
        all.addAll(List.of(args));
        return JavaProcess.builder("deploy", RecordMain.class.getName())
                .name("record")
                .systemProperty("augur.home", AugurHome.resolve().toString())
                .args(all)
                .log(out.resolveSibling(out.getFileName() + ".log"))
                .start();
    }

    static void assertNoCgroup(String root) {
        for (String controller : CONTROLLERS) {
            assertThat(TaskCgroups.DEFAULT_MOUNT.resolve(controller).resolve(root))
                    .as("%s cgroup %s", controller, root)
                    .doesNotExist();
        }
    }

    static List<Map<String, String>> readCsv(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(RecordingCsv.HEADER);
        String[] header = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            assertThat(fields).as(line).hasSize(header.length);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], fields[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    static JsonNode run(JsonNode manifest, String scenario) {
        for (JsonNode r : manifest.get("runs")) {
            if (r.get("scenario").asText().equals(scenario)) {
                return r;
            }
        }
        throw new AssertionError("no run of " + scenario);
    }

    static List<Double> column(List<Map<String, String>> rows, String column) {
        return rows.stream().map(r -> Double.parseDouble(r.get(column))).toList();
    }

    static double median(List<Map<String, String>> rows, String column) {
        List<Double> v = column(rows, column).stream().sorted().toList();
        return v.get(v.size() / 2);
    }

    static double max(List<Map<String, String>> rows, String column) {
        return column(rows, column).stream().mapToDouble(d -> d).max().orElseThrow();
    }

    static double sum(List<Map<String, String>> rows, String column) {
        // Rates per second over ~1 s intervals: the sum is about the bytes moved.
        return rows.stream()
                .mapToDouble(
                        r ->
                                Double.parseDouble(r.get(column))
                                        * Long.parseLong(r.get("interval_ms"))
                                        / 1000.0)
                .sum();
    }
}
