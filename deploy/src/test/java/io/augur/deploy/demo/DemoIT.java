package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.actuator.net.TaskNetNames;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo scenario, shortened, end to end through every real component: real workloads started by
 * the sandbox launcher (own cgroup, own network namespace and veth, seccomp), the real broker, the
 * Flink job, the StateFun runtime and functions, the enforcer and the collector, which by default
 * traces the system calls of every workload not under the JVM agent (the demo's {@code
 * --trace-syscalls native}) and receives the JVM service's method calls from its agent. Needs root
 * (and strace).
 */
class DemoIT {

    @TempDir Path out;

    @Test
    void hostileTasksEndRestrictedTheBenignOneNeverAndNothingIsAppliedTwice() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream tee =
                new PrintStream(new TeeStream(console, System.out), true, StandardCharsets.UTF_8);
        Demo demo =
                new Demo(
                        new Demo.Options(
                                Duration.ofSeconds(75),
                                out,
                                Duration.ofSeconds(5),
                                false,
                                null,
                                null),
                        tee,
                        Clock.systemUTC());
        try {
            demo.run();
        } finally {
            demo.close();
        }

        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("tasks")).hasSize(3);
        for (JsonNode task : report.get("tasks")) {
            String id = task.get("taskId").asText();
            assertThat(task.get("duplicatesApplied").asLong()).as("%s duplicates", id).isZero();
            assertThat(task.get("decisionsApplied").asLong()).as("%s applied", id).isPositive();
            if (task.get("scenario").asText().equals("hostile")) {
                // Held under a cut to the end: the burner's first windows straddle the policy's
                // high-risk line with the 2-core node's contention (0.70-0.81), so it is either
                // restricted (high) or throttled (moderate); either way, capped, it must not win
                // its trust back from the calm its cap makes it look.
                assertThat(task.get("finalAction").asText())
                        .as("%s final action", id)
                        .isIn("THROTTLE", "RESTRICT", "QUARANTINE", "TERMINATE");
                assertThat(task.get("finalTrustLevel").asText())
                        .as("%s final trust", id)
                        .isIn("MEDIUM", "LOW");
            } else {
                assertThat(task.get("everRestricted").asBoolean())
                        .as("%s restricted", id)
                        .isFalse();
            }
            assertRanInItsOwnNetwork(task);
            if (id.startsWith("burner-")
                    && (task.at("/actions/RESTRICT").asLong() > 0
                            || task.at("/actions/QUARANTINE").asLong() > 0)) {
                // RESTRICT and QUARANTINE take the network away: the enforcer's ack reads the
                // task's link back as down. (The balloon may die of its memory limit while its
                // restriction is applied, its namespace going with it: not asserted there.)
                assertThat(task.get("networkCut").asBoolean()).as("%s network cut", id).isTrue();
            }
        }
        assertThat(report.at("/loopLatencyMs/count").asLong()).isPositive();
        assertThat(report.at("/loopLatencyMs/p50").asLong()).isPositive();
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("TASK", "SCENARIO", "ACTION", "CALLS");
        for (JsonNode task : report.get("tasks")) {
            assertNativeInvocationsCapturedAndScored(task);
        }

        // Nothing left behind: no demo cgroup under any controller, no task namespace or veth.
        assertNoDemoCgroup();
        assertNoTaskNetwork(report);
    }

    /**
     * {@code --with-jvm-service}: the sample JVM service runs under the JVM agent and the stack's
     * collector captures its method calls; after its turn the job's sequence branch scores them
     * HIGH and the task is isolated (that the hostile calls come only after the turn is proven in
     * RecordSequencesIT).
     */
    @Test
    void theJvmServiceRunsUnderTheAgentAndItsMethodCallsAreCaptured() throws Exception {
        Demo demo =
                new Demo(
                        new Demo.Options(
                                Duration.ofSeconds(55),
                                out,
                                Duration.ofSeconds(5),
                                false,
                                null,
                                null,
                                true),
                        System.out,
                        Clock.systemUTC());
        try {
            demo.run();
        } finally {
            demo.close();
        }
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("tasks")).hasSize(4);
        JsonNode shop = null;
        for (JsonNode task : report.get("tasks")) {
            if (task.get("taskId").asText().startsWith("shop-")) {
                shop = task;
            } else {
                assertThat(task.at("/invocationsByKind/METHOD").asLong())
                        .as("no agent in %s", task.get("taskId").asText())
                        .isZero();
                assertNativeInvocationsCapturedAndScored(task);
            }
        }
        assertThat(shop).as("the JVM service's task").isNotNull();
        assertThat(shop.at("/invocationsByKind/METHOD").asLong())
                .as("method calls captured")
                .isGreaterThan(100);
        assertThat(shop.get("topInvocations"))
                .allMatch(n -> n.get("name").asText().startsWith("io.augur.deploy.workload.shop."));
        // Its stream is its method calls only: the default tracing leaves a task under the agent
        // to the agent, so its windows are scored by the service's METHOD model alone.
        assertThat(shop.at("/invocationsByKind/SYSCALL").asLong())
                .as("no system calls traced in the JVM service")
                .isZero();
        assertThat(shop.get("decisionsApplied").asLong()).isPositive();
        // Its resources stay calm; its calls turn hostile (a third of the run after its start):
        // the profiler's sequence branch scores them with the service model, the anomaly goes
        // HIGH and the functions isolate the task (terminated later, after the policy's delay).
        assertThat(shop.get("finalAction").asText())
                .as("the JVM service after its calls turned hostile")
                .isIn("QUARANTINE", "TERMINATE");
        // Its exfiltration crossed its veth pair to the demo's sink on the host, and the collector
        // counted it as the task's own traffic; the quarantine cut its network.
        for (JsonNode task : report.get("tasks")) {
            assertRanInItsOwnNetwork(task);
        }
        long sunk = report.get("sinkBytes").asLong();
        assertThat(sunk).as("bytes the service streamed to the host's sink").isPositive();
        assertThat(shop.get("netTxBytes").asLong())
                .as("bytes the collector saw the service's namespace send")
                .isGreaterThanOrEqualTo(sunk);
        assertThat(shop.get("networkCut").asBoolean()).as("quarantine cut its network").isTrue();
        assertNoDemoCgroup();
        assertNoTaskNetwork(report);
    }

    /**
     * A native workload's system calls reached augur.telemetry.invocations and the profiler scored
     * them (with the {@code default} model, trained on recordings of the native workloads), and a
     * benign one never drew a sandbox decision above LOW from them: every window of it that ended
     * while the workloads ran stays at most LOW (the windows of its shutdown, once the demo stops
     * it, are reported apart: the launcher's wait4 there is a call no recording holds).
     */
    private static void assertNativeInvocationsCapturedAndScored(JsonNode task) {
        String id = task.get("taskId").asText();
        assertThat(task.at("/invocationsByKind/SYSCALL").asLong())
                .as("%s system calls on augur.telemetry.invocations", id)
                .isPositive();
        assertThat(task.get("invocations").asLong()).as("%s invocations", id).isPositive();
        JsonNode windows = task.get("sequenceWindows");
        long scored = 0;
        for (JsonNode n : windows) {
            scored += n.asLong();
        }
        assertThat(scored).as("%s sequence windows scored: %s", id, windows).isPositive();
        if (task.get("scenario").asText().equals("benign")) {
            assertThat(windows.path("MEDIUM").asLong() + windows.path("HIGH").asLong())
                    .as("%s windows above LOW: %s", id, windows)
                    .isZero();
            JsonNode decided = task.get("sequenceDecisions");
            assertThat(decided.path("MEDIUM").asLong() + decided.path("HIGH").asLong())
                    .as("%s decisions from a sequence anomaly above LOW: %s", id, decided)
                    .isZero();
        }
    }

    /**
     * The task ran in a network namespace of its own: the collector's samples carry its own
     * counters (null for a task sharing the node's), and the enforcer's acks read its network back
     * (null fields for a task without one).
     */
    private static void assertRanInItsOwnNetwork(JsonNode task) {
        String id = task.get("taskId").asText();
        assertThat(task.get("networkSamples").asLong())
                .as("%s samples with its network", id)
                .isPositive();
        // Of the samples taken while it had processes: a task whose last process ended (the
        // balloon's OOM kill) is sampled without a namespace until its launcher removes its
        // group, which took 8 samples once under load (CI, 2026-11-22).
        assertThat(task.get("networkSamples").asLong())
                .as("%s: every sample of a task in its own namespace carries it", id)
                .isGreaterThanOrEqualTo(task.get("processSamples").asLong() - 2);
        assertThat(task.get("networkAcks").asLong()).as("%s network controlled", id).isPositive();
    }

    /** No task's namespace, veth host end or shaping device is left. */
    private static void assertNoTaskNetwork(JsonNode report) {
        for (JsonNode task : report.get("tasks")) {
            TaskNetNames names = TaskNetNames.of(task.get("taskId").asText());
            assertThat(Path.of("/run/netns", names.namespace())).doesNotExist();
            assertThat(Path.of("/sys/class/net", names.hostInterface())).doesNotExist();
            assertThat(Path.of("/sys/class/net", names.ingressInterface())).doesNotExist();
        }
    }

    private static void assertNoDemoCgroup() throws java.io.IOException {
        for (String controller : new String[] {"cpu", "memory", "pids"}) {
            Path mount = Path.of("/sys/fs/cgroup", controller);
            if (Files.isDirectory(mount)) {
                try (Stream<Path> children = Files.list(mount)) {
                    assertThat(children.map(p -> p.getFileName().toString()))
                            .noneMatch(n -> n.startsWith("augur-demo-"));
                }
            }
        }
    }

    /** Writes to two streams, so the test keeps the console and a copy to assert on. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
