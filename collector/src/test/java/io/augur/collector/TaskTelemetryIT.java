package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.augur.cgroup.Await;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.cgroup.Workloads;
import io.augur.collector.proc.ProcessTable;
import io.augur.schema.ProcessUsage;
import io.augur.schema.ResourceSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler on real task groups and real processes (root, cgroup v1): what {@code /proc} adds to
 * the cgroup counters, and network counters taken from a task's own namespace only.
 */
class TaskTelemetryIT {
    static final String PYTHON = "/usr/bin/python3";

    final String root = "augur-tt-" + UUID.randomUUID().toString().substring(0, 8);
    final Workloads workloads = new Workloads();
    final List<String> namespaces = new ArrayList<>();
    TaskCgroups cgroups;
    Sampler sampler;

    @TempDir Path dir;

    @BeforeEach
    void setUp() {
        assumeTrue(
                Files.isWritable(TaskCgroups.DEFAULT_MOUNT.resolve("cpu")),
                "needs root and a writable cgroup v1");
        cgroups = TaskCgroups.detect(root);
        sampler =
                new Sampler(
                        UsageSource.of(cgroups, ProcessTable.system()),
                        new TaskDirectory(),
                        new SampleBuilder("node-it", ProcessTable.clockTicksPerSecond(), 3),
                        new SamplingSchedule(Duration.ofSeconds(1)));
    }

    @AfterEach
    void tearDown() throws Exception {
        workloads.close();
        if (cgroups != null) {
            cgroups.destroyRoot();
        }
        for (String ns : namespaces) {
            run("ip", "netns", "del", ns); // takes its end of the veth pair, and so the pair
        }
    }

    @Test
    void aBusyTaskShowsItsThrottlingIoCharactersDescriptorsAndBusiestProcess() throws Exception {
        TaskCgroup group = cgroups.create("busy");
        group.setCpuCores(0.5);
        Path out = dir.resolve("out");
        // A burner, and a writer that keeps 5 extra descriptors open and copies 4 MB a round.
        workloads.start(
                group,
                "sh -c '(while :; do :; done) & exec 3>"
                        + out
                        + " 4</dev/zero 5</dev/zero 6</dev/zero 7</dev/zero; while :; do"
                        + " head -c 4000000 /dev/zero >&3; sleep 0.2; done'");
        sampler.sampleOnce();
        Thread.sleep(1500);

        ResourceSample s = byTask(sampler.sampleOnce()).get("busy");

        assertThat(s.getCpuCores()).isBetween(0.3, 0.6);
        assertThat(s.getCpuThrottledSeconds()).isPositive();
        // At least two rounds of 4 MB through head's read and write calls.
        assertThat(s.getIoReadChars()).isGreaterThan(8_000_000L);
        assertThat(s.getIoWriteChars()).isGreaterThan(8_000_000L);
        assertThat(s.getIoWriteCalls()).isPositive();
        assertThat(s.getOpenFds()).isGreaterThanOrEqualTo(3 + 5L);
        assertThat(s.getProcesses()).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        ProcessUsage busiest = s.getProcesses().get(0);
        assertThat(busiest.getCommand()).isEqualTo("sh");
        assertThat(busiest.getCpuCores()).isGreaterThan(0.2);
        assertThat(group.pids()).contains(busiest.getPid());
    }

    /**
     * The sampler keeps each task's files open between rounds: every round must still read what the
     * kernel holds now (a limit changed, a process added), and a task that is gone must leave no
     * file of its group or of its processes open (an open file would pin the removed group).
     */
    @Test
    void keptOpenFilesReadFreshValuesAndAreClosedWhenTheTaskIsGone() throws Exception {
        TaskCgroup group = cgroups.create("kept");
        group.setCpuCores(0.5);
        Process first = workloads.start(group, "sh -c 'while :; do :; done'");
        sampler.sampleOnce();
        Thread.sleep(400);
        ResourceSample before = byTask(sampler.sampleOnce()).get("kept");
        assertThat(before.getLimits().getCpuCores()).isEqualTo(0.5);
        assertThat(before.getPids()).isEqualTo(1L);

        group.setCpuCores(0.25);
        Process second = workloads.start(group, "sleep 600");
        Thread.sleep(400);
        ResourceSample after = byTask(sampler.sampleOnce()).get("kept");

        assertThat(after.getLimits().getCpuCores()).isEqualTo(0.25);
        assertThat(after.getPids()).isEqualTo(2L);
        assertThat(after.getProcesses())
                .extracting(ProcessUsage::getPid)
                .contains(first.pid(), second.pid());
        assertThat(openFilesMentioning(root + "/kept")).isNotEmpty();

        cgroups.destroy("kept");
        assertThat(byTask(sampler.sampleOnce())).doesNotContainKey("kept");
        assertThat(openFilesMentioning(root + "/kept")).isEmpty();
        assertThat(openFilesMentioning("/proc/" + first.pid() + "/")).isEmpty();
        assertThat(openFilesMentioning("/proc/" + second.pid() + "/")).isEmpty();
    }

    /** This JVM's open files whose path contains {@code part}. */
    static List<String> openFilesMentioning(String part) throws IOException {
        List<String> found = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.contains(part)) {
                        found.add(target);
                    }
                } catch (IOException e) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return found;
    }

    @Test
    void withoutProcStatsOnlyTheGroupsCountersAreRead() throws Exception {
        Sampler groupsOnly =
                new Sampler(
                        UsageSource.of(cgroups, null),
                        new TaskDirectory(),
                        new SampleBuilder("node-it", ProcessTable.clockTicksPerSecond(), 3),
                        new SamplingSchedule(Duration.ofSeconds(1)));
        workloads.start(cgroups.create("plain"), "sh -c 'while :; do :; done'");
        groupsOnly.sampleOnce();
        Thread.sleep(500);

        ResourceSample s = byTask(groupsOnly.sampleOnce()).get("plain");

        assertThat(s.getCpuCores()).isPositive();
        assertThat(s.getPids()).isPositive();
        assertThat(s.getOpenFds()).isNull();
        assertThat(s.getIoReadChars()).isNull();
        assertThat(s.getProcesses()).isEmpty();
        assertThat(groupsOnly.processes().get("plain")).isEmpty();
    }

    @Test
    void aSenderInItsOwnNamespaceShowsItsTrafficAndTheNodesTrafficIsNobodys() throws Exception {
        String ns = root; // unique per run
        namespaces.add(ns);
        int net = ThreadLocalRandom.current().nextInt(1, 250);
        String hostEnd = "ah" + ns.substring(ns.length() - 8);
        String taskEnd = "at" + ns.substring(ns.length() - 8);
        run("ip", "netns", "add", ns);
        run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", taskEnd);
        run("ip", "link", "set", taskEnd, "netns", ns);
        run("ip", "addr", "add", "10.213." + net + ".1/30", "dev", hostEnd);
        run("ip", "link", "set", hostEnd, "up");
        run(
                "ip",
                "netns",
                "exec",
                ns,
                "ip",
                "addr",
                "add",
                "10.213." + net + ".2/30",
                "dev",
                taskEnd);
        run("ip", "netns", "exec", ns, "ip", "link", "set", taskEnd, "up");

        Path go = dir.resolve("go");
        Path sent = dir.resolve("sent");
        int datagrams = 200;
        int payload = 1000;
        String sender =
                "import os,socket,time\\n"
                        + "while not os.path.exists(\""
                        + go
                        + "\"): time.sleep(0.02)\\n"
                        + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\\n"
                        + "for i in range("
                        + datagrams
                        + "):"
                        + " s.sendto(b\"x\"*"
                        + payload
                        + ",(\"10.213."
                        + net
                        + ".1\",9))\\n"
                        + "open(\""
                        + sent
                        + "\",\"w\").close()\\n"
                        + "time.sleep(600)\\n";
        TaskCgroup isolated = cgroups.create("isolated");
        Process p =
                workloads.start(
                        isolated,
                        "ip netns exec "
                                + ns
                                + " "
                                + PYTHON
                                + " -c \"$(printf '"
                                + sender
                                + "')\"");
        // The node's own traffic, much more of it, from a task in the node's namespace.
        TaskCgroup onHost = cgroups.create("on-host");
        workloads.start(
                onHost,
                PYTHON
                        + " -c 'import socket,time\n"
                        + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                        + "while True:\n"
                        + "  for i in range(100): s.sendto(b\"y\"*1400,(\"127.0.0.1\",9))\n"
                        + "  time.sleep(0.01)'");
        String hostNs = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        Await.until(
                "the sender in its namespace",
                Duration.ofSeconds(30),
                () -> isolated.pids().stream().anyMatch(pid -> !hostNs.equals(netns(pid))));
        sampler.sampleOnce();
        Files.createFile(go);
        Await.until("datagrams sent", Duration.ofSeconds(30), () -> Files.exists(sent));
        Thread.sleep(200);

        Map<String, ResourceSample> samples = byTask(sampler.sampleOnce());

        ResourceSample own = samples.get("isolated");
        long wire = (long) datagrams * (payload + 8 + 20 + 14); // UDP, IPv4, Ethernet headers
        assertThat(own.getNetTxPackets()).isBetween((long) datagrams, datagrams + 20L);
        // A few more (IPv6 neighbour discovery on a new link), never the node's megabytes.
        assertThat(own.getNetTxBytes()).isBetween(wire, wire + 20_000);
        assertThat(own.getNetRxBytes()).isNotNull();
        ResourceSample host = samples.get("on-host");
        assertThat(host.getCpuCores()).isPositive();
        assertThat(host.getNetTxBytes()).isNull();
        assertThat(host.getNetRxBytes()).isNull();
        assertThat(host.getNetTxPackets()).isNull();
        assertThat(p.isAlive()).isTrue();
    }

    @Test
    void theSameSamplerReadsTasksOnTheUnifiedHierarchy() throws Exception {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        assumeTrue(
                Files.isWritable(unified.resolve("cgroup.procs")),
                "needs root and a cgroup2 mount at " + unified);
        TaskCgroups v2 = TaskCgroups.detect(root + "-v2", unified, java.time.Clock.systemUTC());
        try {
            assertThat(v2.version()).isEqualTo(io.augur.cgroup.CgroupVersion.V2);
            Sampler onV2 =
                    new Sampler(
                            UsageSource.of(v2, ProcessTable.system()),
                            new TaskDirectory(),
                            new SampleBuilder("node-it", ProcessTable.clockTicksPerSecond(), 3),
                            new SamplingSchedule(Duration.ofSeconds(1)));
            workloads.start(v2.create("burner"), "sh -c 'while :; do :; done'");
            onV2.sampleOnce();
            Thread.sleep(1000);

            ResourceSample s = byTask(onV2.sampleOnce()).get("burner");

            // cpu.stat's usage is kept whatever controllers are delegated; /proc works the same.
            assertThat(s.getCpuCores()).isGreaterThan(0.3);
            assertThat(s.getProcesses()).extracting(ProcessUsage::getCommand).contains("sh");
            assertThat(s.getOpenFds()).isPositive();
            assertThat(s.getNetTxBytes()).isNull();
        } finally {
            workloads.close();
            v2.destroyRoot();
        }
    }

    static Map<String, ResourceSample> byTask(List<ResourceSample> samples) {
        return samples.stream()
                .collect(Collectors.toMap(ResourceSample::getTaskId, Function.identity()));
    }

    static String netns(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
        } catch (IOException e) {
            return null;
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
