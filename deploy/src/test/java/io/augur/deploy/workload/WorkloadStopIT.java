package io.augur.deploy.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.cgroup.Await;
import io.augur.launch.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every new workload, run on its own (no cgroup), stops cleanly on SIGTERM: it exits at once, its
 * children are gone and its files deleted. Starts real processes, hence an IT.
 */
class WorkloadStopIT {

    @TempDir Path tmp;

    @Test
    void sigtermStopsEachWorkloadAndLeavesNoChildOrFile() throws Exception {
        Map<String, List<String>> workloads = new LinkedHashMap<>();
        workloads.put("MiningBeacon", List.of("1", "1"));
        workloads.put("ForkStorm", List.of("50", "40", "600"));
        workloads.put("ExfiltrationBurst", List.of("1", "8", "self"));
        workloads.put("DiskEncryptLike", List.of("8", "4", "16"));
        workloads.put("SteadyService", List.of("50", "200", "256"));
        workloads.put("BatchPhases", List.of("4", "200", "1"));
        workloads.put("Idle", List.of());
        // Turned hostile at once: its attack path runs (shell children, a socket) when stopped.
        workloads.put("OrderService", List.of("--rate", "100", "--turn-hostile-after", "0"));
        Map<String, JavaProcess> running = new LinkedHashMap<>();
        Map<String, Path> dirs = new LinkedHashMap<>();
        try {
            for (var w : workloads.entrySet()) {
                Path dir = Files.createDirectories(tmp.resolve(w.getKey()));
                dirs.put(w.getKey(), dir);
                running.put(
                        w.getKey(),
                        JavaProcess.builder("deploy", "io.augur.deploy.workload." + w.getKey())
                                .name(w.getKey())
                                .systemProperty("java.io.tmpdir", dir.toString())
                                .args(w.getValue())
                                .log(tmp.resolve(w.getKey() + ".log"))
                                .start());
            }
            // Each is at work: announced itself, the fork storm has its children.
            for (var p : running.values()) {
                if (!p.name().equals("Idle")) {
                    p.awaitLogLine(l -> !l.isBlank(), Duration.ofSeconds(30));
                }
            }
            JavaProcess storm = running.get("ForkStorm");
            Await.until(
                    "40 children",
                    Duration.ofSeconds(30),
                    () -> storm.process().children().count() >= 40);
            assertThat(running.values()).allMatch(JavaProcess::isAlive);
            List<ProcessHandle> children = new ArrayList<>();
            running.values().forEach(p -> p.process().descendants().forEach(children::add));

            running.values().forEach(p -> p.process().destroy()); // SIGTERM

            for (JavaProcess p : running.values()) {
                assertThat(p.waitFor(Duration.ofSeconds(10))).as("%s stops", p.name()).isTrue();
                assertThat(p.process().exitValue()).as("%s exit code", p.name()).isEqualTo(143);
                assertThat(Files.readString(p.log()))
                        .as("%s log", p.name())
                        .doesNotContain("Exception");
            }
            Await.until(
                    "every child gone",
                    Duration.ofSeconds(10),
                    () -> children.stream().noneMatch(ProcessHandle::isAlive));
            for (var d : dirs.entrySet()) {
                try (Stream<Path> left = Files.list(d.getValue())) {
                    assertThat(left.toList()).as("files %s left", d.getKey()).isEmpty();
                }
            }
        } finally {
            running.values().forEach(JavaProcess::kill);
        }
    }

    @Test
    void theOrderServiceRefusesBadOptionsWithItsUsage() throws Exception {
        for (List<String> bad :
                List.of(
                        List.of("--rate", "0"),
                        List.of("--turn-hostile-after", "soon"),
                        List.of("--sink", "nowhere"),
                        List.of("--colour", "red"))) {
            JavaProcess p =
                    JavaProcess.builder("deploy", OrderService.class.getName())
                            .args(bad)
                            .log(tmp.resolve("order-bad-" + bad.get(0).substring(2) + ".log"))
                            .start();
            assertThat(p.waitFor(Duration.ofSeconds(30))).as("%s", bad).isTrue();
            assertThat(p.process().exitValue()).as("%s", bad).isEqualTo(2);
            assertThat(Files.readString(p.log())).as("%s", bad).contains("usage: OrderService");
        }
        // The host end of its own network is known only inside a sandbox (./augur run sets it).
        JavaProcess p =
                JavaProcess.builder("deploy", OrderService.class.getName())
                        .args("--sink", "gateway:9")
                        .log(tmp.resolve("order-bad-gateway.log"))
                        .start();
        assertThat(p.waitFor(Duration.ofSeconds(30))).isTrue();
        assertThat(p.process().exitValue()).isEqualTo(2);
        assertThat(Files.readString(p.log()))
                .contains("--sink gateway:PORT needs AUGUR_HOST_ADDRESS (set by ./augur run)");
    }

    @Test
    void badArgumentsExit2WithTheUsage() throws Exception {
        JavaProcess p =
                JavaProcess.builder("deploy", ForkStorm.class.getName())
                        .args("20", "100000")
                        .log(tmp.resolve("bad.log"))
                        .start();
        assertThat(p.waitFor(Duration.ofSeconds(30))).isTrue();
        assertThat(p.process().exitValue()).isEqualTo(2);
        assertThat(Files.readString(p.log()))
                .contains("cap must be in 1..256, got 100000")
                .contains("usage: ForkStorm");
    }
}
