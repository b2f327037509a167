package io.augur.collector.invocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.augur.cgroup.Await;
import io.augur.cgroup.CgroupUnavailableException;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.schema.InvocationKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM agent end to end (needs root): sample programs run in forked JVMs under {@code
 * agent/target/augur-agent.jar}, inside real task cgroups, and this process receives their
 * invocations with an {@link AgentReceiver} that finds each task from {@code /proc/PID/cgroup}.
 */
class InvocationCaptureIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Path HOME = Path.of(System.getProperty("augur.home", "..")).toAbsolutePath();
    static final Path AGENT_JAR = HOME.resolve("agent/target/augur-agent.jar");
    static final Path SAMPLES = HOME.resolve("collector/target/test-classes");
    static final String PACKAGE = "io.augur.workload.orders";

    @TempDir Path dir;
    final String root = "augur-it-" + UUID.randomUUID().toString().substring(0, 8);
    final List<Invocation> received = new CopyOnWriteArrayList<>();
    final List<Process> started = new ArrayList<>();
    TaskCgroups cgroups;
    AgentReceiver receiver;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (cgroups)");
        try {
            cgroups = TaskCgroups.detect(root);
        } catch (CgroupUnavailableException e) {
            assumeTrue(false, "no usable cgroup hierarchy: " + e.getMessage());
        }
        assertThat(AGENT_JAR).as("the agent module's shaded jar (mvn package)").exists();
        receiver =
                AgentReceiver.start(
                        dir.resolve("invocations.sock"),
                        new ProcTaskResolver(ProcTaskResolver.PROC, root),
                        received::addAll);
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            for (Process p : started) {
                p.destroyForcibly();
            }
            if (receiver != null) {
                receiver.close();
            }
        } finally {
            if (cgroups != null) {
                cgroups.destroyRoot();
            }
        }
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    List<String> javaCommand(String agentArgs, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-javaagent:" + AGENT_JAR + "=" + agentArgs);
        cmd.add("-cp");
        cmd.add(SAMPLES.toString());
        cmd.add(PACKAGE + "." + mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    String agentArgs(String extra) {
        return "packages=" + PACKAGE + ";socket=" + receiver.socket() + extra;
    }

    /** Runs a Java program inside the task's cgroup from its first instruction; its output file. */
    Path runInTask(String taskId, List<String> javaCommand) throws Exception {
        TaskCgroup group = cgroups.create(taskId);
        String shell =
                javaCommand.stream()
                        .map(InvocationCaptureIT::quote)
                        .collect(Collectors.joining(" "));
        return run(taskId, group.commandInside(shell));
    }

    Path run(String name, List<String> command) throws Exception {
        Path out = dir.resolve(name + ".out");
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        started.add(p);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(name + " finished").isTrue();
        assertThat(p.exitValue())
                .as(name + " exit code; output: " + Files.readString(out))
                .isZero();
        return out;
    }

    List<Invocation> of(String taskId) {
        return received.stream().filter(i -> i.taskId().equals(taskId)).toList();
    }

    void awaitConnectionsClosed(long accepted) {
        Await.until(
                accepted + " agent connection(s) served and closed",
                WAIT,
                () ->
                        receiver.acceptedConnections() == accepted
                                && receiver.openConnections() == 0);
    }

    @Test
    void aJavaProgramUnderTheAgentYieldsItsMethodSequence() throws Exception {
        Path out = runInTask("orders", javaCommand(agentArgs(""), "OrderService"));
        assertThat(out).content().contains("ORDERS DONE").doesNotContain("augur-agent");
        awaitConnectionsClosed(1);

        List<Invocation> orders = of("orders");
        String service = PACKAGE + ".OrderService";
        assertThat(orders)
                .extracting(Invocation::name)
                .containsExactly(
                        service + "#main",
                        service + "#placeOrder",
                        service + "#validate",
                        PACKAGE + ".PaymentGateway#charge",
                        PACKAGE + ".Shipping#ship",
                        service + "#placeOrder",
                        service + "#validate",
                        PACKAGE + ".PaymentGateway#charge",
                        PACKAGE + ".Shipping#ship");
        assertThat(orders)
                .extracting(Invocation::thread)
                .containsExactly(
                        "main",
                        "main",
                        "main",
                        "main",
                        "main",
                        "order-worker",
                        "order-worker",
                        "order-worker",
                        "order-worker");
        assertThat(orders)
                .allSatisfy(
                        i -> {
                            assertThat(i.kind()).isEqualTo(InvocationKind.METHOD);
                            assertThat(i.argsDigest()).matches("[0-9a-f]{16}");
                            assertThat(i.timestampMillis())
                                    .isCloseTo(
                                            System.currentTimeMillis(),
                                            org.assertj.core.data.Offset.offset(120_000L));
                        });
        Set<Long> pids = orders.stream().map(Invocation::pid).collect(Collectors.toSet());
        assertThat(pids).hasSize(1).doesNotContain(ProcessHandle.current().pid());

        // Equal arguments, equal digests: both orders charge the same card the same amount.
        assertThat(orders.get(3).argsDigest()).isEqualTo(orders.get(7).argsDigest());
        // Different order ids, different digests.
        assertThat(orders.get(1).argsDigest()).isNotEqualTo(orders.get(5).argsDigest());
        // No raw argument value anywhere.
        assertThat(orders.toString())
                .doesNotContain("4111111111111111", "order-1", "order-2", "EXPRESS");
        assertThat(receiver.droppedByTask().getOrDefault("orders", 0L)).isZero();
        assertThat(receiver.rejectedConnections()).isZero();
        assertThat(receiver.garbledFrames()).isZero();
    }

    @Test
    void aProcessOutsideEveryTaskIsRejected() throws Exception {
        run("stranger", javaCommand(agentArgs(""), "OrderService"));
        Await.until("rejected", WAIT, () -> receiver.rejectedConnections() >= 1);
        assertThat(received).isEmpty();
        assertThat(receiver.acceptedConnections()).isZero();
    }

    @Test
    void theApplicationRunsAndExitsWithoutACollector() throws Exception {
        String args = "packages=" + PACKAGE + ";socket=" + dir.resolve("nobody-listens.sock");
        long start = System.nanoTime();
        Path out = runInTask("alone", javaCommand(args, "OrderService"));
        assertThat(out).content().contains("ORDERS DONE").doesNotContain("augur-agent");
        // The exit hook tries once and does not wait for a collector that is not there.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void badAgentArgumentsLeaveTheApplicationRunningUninstrumented() throws Exception {
        Path out =
                runInTask(
                        "badargs",
                        javaCommand("socket=" + receiver.socket() + ";buffer=-1", "OrderService"));
        assertThat(Files.readAllLines(out))
                .containsExactly(
                        "augur-agent: packages=... is required; the application runs without"
                                + " recording",
                        "ORDERS DONE");
        assertThat(receiver.acceptedConnections()).isZero();
    }

    @Test
    void aTinyBufferDropsAndCountsInsteadOfSlowingTheApplication() throws Exception {
        int calls = 200_000;
        Path out =
                runInTask(
                        "storm",
                        javaCommand(
                                agentArgs(";buffer=16;batch=8"),
                                "CallStorm",
                                Integer.toString(calls)));
        assertThat(out).content().contains("STORM DONE");
        awaitConnectionsClosed(1);

        long dropped = receiver.droppedByTask().getOrDefault("storm", 0L);
        assertThat(dropped).isPositive();
        // Every call (and main) was either delivered or counted as dropped: the exit flush sends
        // what the buffer held and the final count.
        assertThat(of("storm").size() + dropped).isEqualTo(calls + 1L);
        assertThat(of("storm"))
                .first()
                .extracting(Invocation::name)
                .isEqualTo(PACKAGE + ".CallStorm#main");
    }
}
