package io.augur.actuator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.augur.actuator.net.SystemCommands;
import io.augur.actuator.net.TaskNetNames;
import io.augur.cgroup.Await;
import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.ForkedKafka;
import io.augur.launch.JavaProcess;
import io.augur.launch.TopicProbe;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import io.augur.schema.Topics;
import io.augur.schema.TrustLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./augur run} (RunMain as its own process, as root) on this machine's cgroups, network
 * namespaces, tc, nftables and bubblewrap: exit status, cgroup and namespace membership, signal
 * forwarding, network off/on, shaping, allow-list, seccomp profiles, cleanup, TaskEvents.
 */
class SandboxRunIT {
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    static final String ROOT = "augur-sbx-it-" + UUID.randomUUID().toString().substring(0, 8);
    static TaskCgroups cgroups;

    @TempDir static Path dir;
    final List<JavaProcess> launchers = new ArrayList<>();

    @BeforeAll
    static void needsRoot() {
        assumeTrue(
                Files.isWritable(TaskCgroups.DEFAULT_MOUNT.resolve("cpu")),
                "needs root and a writable cgroup v1");
        cgroups = TaskCgroups.detect(ROOT);
        assumeTrue(cgroups.version() == CgroupVersion.V1, "this node is not cgroup v1");
    }

    @AfterAll
    static void removeRoot() {
        if (cgroups != null) {
            cgroups.destroyRoot();
        }
    }

    @AfterEach
    void stopLaunchers() {
        launchers.forEach(JavaProcess::close);
    }

    static String taskId(String name) {
        return "sbx-" + UUID.randomUUID().toString().substring(0, 8) + "-" + name;
    }

    JavaProcess launch(String task, List<String> options, String... command) {
        List<String> args = new ArrayList<>(List.of("--task", task, "--cgroup-root", ROOT));
        args.addAll(options);
        args.add("--");
        args.addAll(List.of(command));
        JavaProcess p =
                JavaProcess.builder("actuator", RunMain.class.getName())
                        .name("run-" + task)
                        .log(dir.resolve(task + ".log"))
                        .args(args)
                        .start();
        launchers.add(p);
        return p;
    }

    static int exitStatus(JavaProcess p) {
        assertThat(p.waitFor(RUN_TIMEOUT)).as("launcher ended; log:\n%s", p.tail()).isTrue();
        return p.process().exitValue();
    }

    static void assertNothingLeft(String task) {
        TaskNetNames n = TaskNetNames.of(task);
        assertThat(Path.of("/run/netns", n.namespace())).doesNotExist();
        assertThat(Path.of("/sys/class/net", n.hostInterface())).doesNotExist();
        assertThat(Path.of("/sys/class/net", n.ingressInterface())).doesNotExist();
        assertThat(cgroups.find(task)).isEmpty();
        SystemCommands.Result table =
                SystemCommands.run(List.of("nft", "list", "table", "inet", n.filterTable()));
        assertThat(table.ok()).as("nft table %s left behind", n.filterTable()).isFalse();
    }

    static long pidFrom(JavaProcess p) {
        String line = p.awaitLogLine(l -> l.startsWith("PID "), RUN_TIMEOUT);
        return Long.parseLong(line.substring(4).strip());
    }

    @Test
    void theCommandsExitStatusIsTheLaunchersAndNothingIsLeftBehind() {
        String task = taskId("exit");
        JavaProcess p = launch(task, List.of(), "sh", "-c", "exit 7");
        assertThat(exitStatus(p)).isEqualTo(7);
        assertNothingLeft(task);
    }

    @Test
    void theCommandRunsInTheTasksCgroupAndNetnsAndGetsTheLaunchersSigterm() throws IOException {
        String task = taskId("ns");
        JavaProcess p = launch(task, List.of(), "bash", "-c", "echo PID $$; exec sleep 60");
        long pid = pidFrom(p);
        assertThat(cgroups.find(task)).isPresent();
        assertThat(cgroups.find(task).get().pids()).contains(pid);
        String hostNs = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        String taskNs =
                Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net"))
                        .toString();
        Object nsInode =
                Files.getAttribute(
                        Path.of("/run/netns", TaskNetNames.of(task).namespace()), "unix:ino");
        assertThat(taskNs).isNotEqualTo(hostNs).isEqualTo("net:[" + nsInode + "]");

        p.process().destroy(); // SIGTERM to the launcher, forwarded to the command
        assertThat(exitStatus(p)).isEqualTo(128 + 15);
        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertNothingLeft(task);
    }

    @Test
    void onCgroupV2TheCommandRunsInTheTasksUnifiedGroup() throws IOException {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        assumeTrue(Files.exists(unified.resolve("cgroup.controllers")), "no cgroup2 mount here");
        String root2 = "augur-sbx-v2-" + UUID.randomUUID().toString().substring(0, 8);
        TaskCgroups v2 = TaskCgroups.detect(root2, unified, java.time.Clock.systemUTC());
        try {
            assertThat(v2.version()).isEqualTo(CgroupVersion.V2);
            String task = taskId("v2");
            JavaProcess p =
                    launch(
                            task,
                            List.of("--cgroup-root", root2, "--cgroup-mount", unified.toString()),
                            "bash",
                            "-c",
                            "echo PID $$; exec sleep 60");
            long pid = pidFrom(p);
            assertThat(v2.find(task)).isPresent();
            assertThat(v2.find(task).get().pids()).contains(pid);
            assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "cgroup")))
                    .contains("0::/" + root2 + "/" + task + "\n");
            p.process().destroy();
            assertThat(exitStatus(p)).isEqualTo(143);
            assertThat(v2.find(task)).isEmpty();
            assertThat(Path.of("/run/netns", TaskNetNames.of(task).namespace())).doesNotExist();
        } finally {
            v2.destroyRoot();
        }
    }

    @Test
    void aLimitTheNodeCannotSetIsAClearErrorAndLeavesNothing() throws IOException {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        assumeTrue(Files.exists(unified.resolve("cgroup.controllers")), "no cgroup2 mount here");
        assumeTrue(
                !Files.readString(unified.resolve("cgroup.controllers")).contains("pids"),
                "pids is delegated to cgroup2 here");
        String root2 = "augur-sbx-v2-" + UUID.randomUUID().toString().substring(0, 8);
        TaskCgroups v2 = TaskCgroups.detect(root2, unified, java.time.Clock.systemUTC());
        try {
            String task = taskId("nopids");
            List<String> opts =
                    List.of(
                            "--cgroup-root",
                            root2,
                            "--cgroup-mount",
                            unified.toString(),
                            "--pids",
                            "50");
            JavaProcess p = launch(task, opts, "true");
            assertThat(exitStatus(p)).isEqualTo(1);
            assertThat(Files.readString(p.log()))
                    .contains("augur run: controller 'pids' is not delegated");
            assertThat(v2.find(task)).isEmpty();
            assertThat(Path.of("/run/netns", TaskNetNames.of(task).namespace())).doesNotExist();
            assertThat(Path.of("/sys/class/net", TaskNetNames.of(task).hostInterface()))
                    .doesNotExist();
        } finally {
            v2.destroyRoot();
        }
    }

    @Test
    void aKilledCommandIsReportedAs128PlusSignalAndCleanedUp() {
        String task = taskId("killed");
        JavaProcess p = launch(task, List.of(), "bash", "-c", "echo PID $$; exec sleep 60");
        long pid = pidFrom(p);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertThat(exitStatus(p)).isEqualTo(128 + 9);
        assertNothingLeft(task);
    }

    static final String CONNECT =
            "for port in \"$@\"; do timeout 3 bash -c \"echo hi > /dev/tcp/$AUGUR_HOST_ADDRESS/$port\""
                    + " && echo \"CONNECTED $port\" || echo \"FAILED $port\"; done";

    @Test
    void networkOnReachesTheHostEndAndOffDoesNot() throws IOException {
        try (HostServer server = new HostServer(100)) {
            String port = Integer.toString(server.port());
            String on = taskId("net-on");
            JavaProcess p =
                    launch(on, List.of("--network", "on"), "bash", "-c", CONNECT, "connect", port);
            assertThat(exitStatus(p)).isZero();
            assertThat(p.tail()).contains("CONNECTED " + port);
            Await.until(
                    "the host server saw the task",
                    Duration.ofSeconds(10),
                    () -> server.connections() == 1);

            String off = taskId("net-off");
            JavaProcess q =
                    launch(
                            off,
                            List.of("--network", "off"),
                            "bash",
                            "-c",
                            CONNECT,
                            "connect",
                            port);
            assertThat(exitStatus(q)).isZero();
            assertThat(q.tail()).contains("FAILED " + port).doesNotContain("CONNECTED");
            assertThat(server.connections()).isEqualTo(1);
            assertNothingLeft(on);
            assertNothingLeft(off);
        }
    }

    @Test
    void theAllowListLetsOneDestinationThroughAndDropsAnother() throws IOException {
        try (HostServer allowed = new HostServer(100);
                HostServer blocked = new HostServer(100)) {
            String a = Integer.toString(allowed.port());
            String b = Integer.toString(blocked.port());
            String task = taskId("allow");
            JavaProcess p =
                    launch(
                            task,
                            List.of("--allow", "10.231.0.0/16:" + a),
                            "bash",
                            "-c",
                            CONNECT,
                            "connect",
                            a,
                            b);
            assertThat(exitStatus(p)).isZero();
            assertThat(p.tail()).contains("CONNECTED " + a).contains("FAILED " + b);
            assertThat(allowed.connections()).isEqualTo(1);
            assertThat(blocked.connections()).isZero();
            assertNothingLeft(task);
        }
    }

    @Test
    void shapingHoldsTheTasksSenderNearItsRate() throws IOException {
        long rate = 1_000_000;
        try (HostServer server = new HostServer(3000)) {
            String task = taskId("shaped");
            JavaProcess p =
                    launch(
                            task,
                            List.of("--network", "1m"),
                            "bash",
                            "-c",
                            "head -c 100000000 /dev/zero > /dev/tcp/$AUGUR_HOST_ADDRESS/$1",
                            "send",
                            Integer.toString(server.port()));
            Await.until("3 s measured", Duration.ofSeconds(30), () -> server.measuredRate() >= 0);
            double measured = server.measuredRate();
            System.out.printf("shaped to %d B/s: measured %.0f B/s over 3 s%n", rate, measured);
            assertThat(measured).isBetween(0.75 * rate, 1.25 * rate);
            // The server closed: the sender dies of SIGPIPE/EPIPE, the launcher ends.
            exitStatus(p);
            assertNothingLeft(task);
        }
    }

    @Test
    void theRestrictedProfileDeniesUnshareWithEpermWhereDefaultAllowsIt() {
        String restricted = taskId("restricted");
        JavaProcess p =
                launch(restricted, List.of("--profile", "restricted"), "unshare", "-n", "true");
        assertThat(exitStatus(p)).isEqualTo(1);
        assertThat(p.tail()).contains("unshare failed: Operation not permitted");

        String def = taskId("default");
        JavaProcess q = launch(def, List.of("--profile", "default"), "unshare", "-n", "true");
        assertThat(exitStatus(q)).as(q.tail()).isZero();
        assertNothingLeft(restricted);
        assertNothingLeft(def);
    }

    @Test
    void theCommandSeesTheHostsFileSystemAndDevices() throws IOException {
        Files.writeString(dir.resolve("marker"), "MARKER-SEEN\n");
        String task = taskId("fs");
        JavaProcess p =
                launch(
                        task,
                        List.of("--profile", "restricted"),
                        "bash",
                        "-c",
                        "echo x > /dev/null && test -r /etc/os-release && cat "
                                + dir.resolve("marker"));
        assertThat(exitStatus(p)).as(p.tail()).isZero();
        assertThat(p.tail()).contains("MARKER-SEEN");
        assertNothingLeft(task);
    }

    @Test
    void aMissingCommandExits127AndLeavesNothing() {
        String task = taskId("missing");
        JavaProcess p = launch(task, List.of(), "no-such-command-here");
        assertThat(exitStatus(p)).isEqualTo(127);
        assertThat(p.tail()).contains("augur run: no-such-command-here: command not found");
        assertNothingLeft(task);
    }

    @Test
    void aSecondLauncherForARunningTaskRefusesAndLeavesTheFirstAlone() {
        String task = taskId("twice");
        JavaProcess first = launch(task, List.of(), "bash", "-c", "echo PID $$; exec sleep 60");
        long pid = pidFrom(first);
        JavaProcess second = launch(task, List.of(), "true");
        assertThat(exitStatus(second)).isEqualTo(1);
        assertThat(second.tail()).contains("already running");
        assertThat(ProcessHandle.of(pid)).isPresent();
        assertThat(Path.of("/run/netns", TaskNetNames.of(task).namespace())).exists();
        first.process().destroy();
        assertThat(exitStatus(first)).isEqualTo(143);
        assertNothingLeft(task);
    }

    @Test
    void aSigkilledLaunchersTaskDiesWithItAndTheNextRunOfTheIdCleansUp() {
        String task = taskId("orphan");
        JavaProcess p = launch(task, List.of(), "bash", "-c", "echo PID $$; exec sleep 60");
        long pid = pidFrom(p);
        p.process().destroyForcibly(); // SIGKILL: no cleanup, no forwarding
        Await.until(
                "the task died with its launcher",
                Duration.ofSeconds(20),
                () -> ProcessHandle.of(pid).isEmpty());
        // What the dead launcher created is still there ...
        assertThat(Path.of("/run/netns", TaskNetNames.of(task).namespace())).exists();
        // ... until the next run of the same id takes it over and removes it at its end.
        JavaProcess again = launch(task, List.of(), "sh", "-c", "exit 4");
        assertThat(exitStatus(again)).as(again.tail()).isEqualTo(4);
        assertNothingLeft(task);
    }

    @Test
    void badArgumentsExit2() throws IOException {
        JavaProcess p =
                JavaProcess.builder("actuator", RunMain.class.getName())
                        .log(dir.resolve("bad.log"))
                        .args("--task", "../etc", "--", "true")
                        .start();
        launchers.add(p);
        assertThat(exitStatus(p)).isEqualTo(2);
        assertThat(Files.readString(p.log()))
                .contains("augur run: --task: task id '../etc' must match");
    }

    @Test
    void taskEventsStartedAndEndedReachTheBroker() {
        try (ForkedKafka kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics()) {
            String task = taskId("events");
            JavaProcess p =
                    launch(
                            task,
                            List.of(
                                    "--bootstrap",
                                    kafka.bootstrapServers(),
                                    "--user",
                                    "alice",
                                    "--role",
                                    "batch",
                                    "--trust",
                                    "high",
                                    "--node",
                                    "node-7",
                                    "--cpu",
                                    "0.5",
                                    "--network",
                                    "2m"),
                            "true");
            assertThat(exitStatus(p)).as(p.tail()).isZero();
            try (TopicProbe<TaskEvent> probe =
                    new TopicProbe<>(kafka.bootstrapServers(), Topics.TASKS)) {
                List<TaskEvent> events =
                        probe.awaitUntil(
                                seen ->
                                        seen.stream()
                                                        .filter(e -> e.getTaskId().equals(task))
                                                        .count()
                                                >= 2,
                                Duration.ofSeconds(60));
                List<TaskEvent> mine =
                        events.stream().filter(e -> e.getTaskId().equals(task)).toList();
                assertThat(mine)
                        .extracting(TaskEvent::getType)
                        .containsExactly(TaskEventType.STARTED, TaskEventType.ENDED);
                TaskEvent started = mine.get(0);
                assertThat(started.getUserId()).isEqualTo("alice");
                assertThat(started.getRole()).isEqualTo("batch");
                assertThat(started.getNodeId()).isEqualTo("node-7");
                assertThat(started.getSource()).isEqualTo("augur-run:true");
                assertThat(started.getBaselineTrust()).isEqualTo(TrustLevel.HIGH);
                assertThat(started.getInitialAllocation().getCpuCores()).isEqualTo(0.5);
                assertThat(started.getInitialAllocation().getNetworkBandwidthBps())
                        .isEqualTo(2_000_000L);
                assertThat(mine.get(1).getTimestamp()).isAfterOrEqualTo(started.getTimestamp());
            }
            assertNothingLeft(task);
        }
    }
}
