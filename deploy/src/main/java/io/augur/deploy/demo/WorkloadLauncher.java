package io.augur.deploy.demo;

import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.AugurHome;
import io.augur.launch.JavaProcess;
import io.augur.schema.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every workload the way a node runs tasks: through the sandbox launcher ({@code ./augur
 * run}, {@code io.augur.actuator.sandbox.RunMain}), each in a JVM of its own. The launcher
 * registers the task on {@code augur.tasks} (STARTED before the workload's first instruction, ENDED
 * after its cleanup), puts it in its own cgroup with the launch limits, its own network namespace
 * joined to the host by a veth pair (so the collector counts the task's own traffic and the
 * enforcer's network controls reach it) and under the {@value #LAUNCH_PROFILE} seccomp profile, and
 * removes all of it when the workload ends, whether on its own (e.g. killed by its memory limit),
 * by a TERMINATE decision or because the demo stops it.
 */
public final class WorkloadLauncher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadLauncher.class);

    /** The sandbox launcher's main class (module actuator). */
    public static final String RUN_MAIN = "io.augur.actuator.sandbox.RunMain";

    /**
     * The seccomp profile every demo task starts under: nothing is known of a task at launch, and
     * the stricter profiles a policy's decisions name ({@code sandbox.medium.profile}) take effect
     * only at a launch (a running task's filter cannot be tightened), which the demo does not redo.
     */
    static final String LAUNCH_PROFILE = "default";

    /** How long a launcher may take to put its task's first process in the task's cgroup. */
    public static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(60);

    /** How long a workload has to end after SIGTERM before its cgroup is killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /** How long a launcher has to clean up once its workload is gone. */
    public static final Duration CLEANUP_GRACE = Duration.ofSeconds(30);

    /** Keeps each launcher's JVM small: it only waits for its workload and cleans up. */
    public static final List<String> LAUNCHER_JVM =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-Xss512k");

    private final TaskCgroups cgroups;
    private final String bootstrap;
    private final String nodeId;
    private final Clock clock;
    private final Path logDir;
    private final Path agentSocket;
    private final SandboxLeftovers leftovers;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /**
     * A started workload.
     *
     * @param workload what runs
     * @param launcher its sandbox launcher's process (the workload runs under it)
     */
    public record Running(Workload workload, JavaProcess launcher) {}

    /**
     * @param cgroups the tasks' cgroup root (the launchers create the tasks' groups under it; the
     *     demo kills a group whose workload ignores SIGTERM, e.g. one frozen by a QUARANTINE)
     * @param bootstrap Kafka, for the launchers' TaskEvents
     * @param nodeId the node the tasks run on
     * @param logDir where each task's log goes ({@code TASK.log}: the launcher's and the workload's
     *     output)
     * @param agentSocket the collector's socket for JVM agents: a workload with {@link
     *     Workload#agentPackages} starts under {@code agent/target/augur-agent.jar} sending there;
     *     null when no collector listens (such a workload is then refused)
     */
    public WorkloadLauncher(
            TaskCgroups cgroups,
            String bootstrap,
            String nodeId,
            Clock clock,
            Path logDir,
            Path agentSocket) {
        this.cgroups = cgroups;
        this.bootstrap = bootstrap;
        this.nodeId = nodeId;
        this.clock = clock;
        this.logDir = logDir;
        this.agentSocket = agentSocket;
        this.leftovers = SandboxLeftovers.onThisHost(cgroups);
    }

    /** Starts {@code w} with the launch limits {@code initial} (cpu, memory, pids, network). */
    public Running start(Workload w, ResourceLimits initial) {
        List<String> command = TaskProcess.javaCommand(w.mainClass(), w.args(), agentFlags(w));
        List<String> args =
                runArgs(w, initial, bootstrap, nodeId, cgroups.rootName(), LAUNCH_PROFILE, command);
        JavaProcess.Builder b =
                JavaProcess.builder("actuator", RUN_MAIN)
                        .name(w.taskId())
                        .args(args)
                        .log(logDir.resolve(w.taskId() + ".log"));
        LAUNCHER_JVM.forEach(b::jvmArg);
        JavaProcess launcher = b.start();
        Running r = new Running(w, launcher);
        running.put(w.taskId(), r);
        launcher.process().onExit().thenRun(() -> ended(r));
        awaitInCgroup(r);
        LOG.info(
                "started {} ({}) as ./augur run {} (launcher pid {})",
                w.taskId(),
                w.scenario(),
                String.join(" ", args),
                launcher.pid());
        return r;
    }

    /**
     * Waits until the task's first process is in its cgroup: the launcher has registered the task
     * and set up its cgroup and network (one task's launch at a time, so launchers do not compete
     * for the CPU with each other and with the first seconds of the workloads already running).
     *
     * @throws IllegalStateException when the launcher exits first (e.g. a missing bubblewrap, the
     *     broker away) or does not get there within {@link #LAUNCH_TIMEOUT}, with its log's tail
     */
    private void awaitInCgroup(Running r) {
        String id = r.workload().taskId();
        try {
            awaitInCgroup(cgroups, id, r.launcher(), clock, leftovers);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    "cannot start "
                            + id
                            + ": "
                            + e.getMessage()
                            + "; log "
                            + r.launcher().log()
                            + ":\n"
                            + r.launcher().tail(),
                    e);
        }
    }

    /**
     * Waits until task {@code taskId}'s first process is in its cgroup under {@code cgroups},
     * started by {@code launcher} ({@code ./augur run}), and returns the group. A group being
     * created or removed meanwhile is looked at again.
     *
     * @param leftovers removes what the launcher leaves of the task's sandbox when it is killed
     * @throws IllegalStateException when the launcher exits first (whatever its status: the sandbox
     *     could not be set up, or the command ended before it was seen in its group; it cleaned up
     *     itself), or the task is not in its group within {@link #LAUNCH_TIMEOUT} (the launcher is
     *     then killed and what it left of the sandbox removed, see {@link #killLauncher}); the
     *     message says which, and what was removed
     */
    public static TaskCgroup awaitInCgroup(
            TaskCgroups cgroups,
            String taskId,
            JavaProcess launcher,
            Clock clock,
            SandboxLeftovers leftovers) {
        Instant deadline = clock.instant().plus(LAUNCH_TIMEOUT);
        while (true) {
            Optional<TaskCgroup> group = cgroups.find(taskId);
            boolean in = false;
            try {
                in = group.isPresent() && !group.get().pids().isEmpty();
            } catch (RuntimeException e) {
                // The group is being created or removed: look again.
            }
            if (in) {
                return group.get();
            }
            if (!launcher.isAlive()) {
                throw new IllegalStateException(
                        "its launcher exited with " + launcher.process().exitValue());
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new IllegalStateException(
                        "not in its cgroup after "
                                + LAUNCH_TIMEOUT
                                + "; "
                                + killLauncher(taskId, launcher, leftovers));
            }
            launcher.waitFor(Duration.ofMillis(50));
        }
    }

    /**
     * Kills task {@code taskId}'s launcher, which is stuck (its task not in its cgroup in time, or
     * its clean-up not done in time), and then removes what it leaves of the task's sandbox — its
     * cgroup, network namespace, veth pair — the way the launcher's own clean-up would have: a
     * killed launcher cannot. Its workload, if it started, dies with it (parent-death signal).
     *
     * @return what happened, for a message or a log line: what was removed, that nothing was left,
     *     or what is left and how to remove it
     */
    public static String killLauncher(
            String taskId, JavaProcess launcher, SandboxLeftovers leftovers) {
        return killLauncher(
                taskId,
                () -> {
                    launcher.kill();
                    return !launcher.isAlive();
                },
                leftovers);
    }

    /**
     * {@link #killLauncher(String, JavaProcess, SandboxLeftovers)} with the kill as a function:
     * {@code kill} kills the launcher and says whether it is dead. What it left is removed only
     * then: a launcher still alive owns its sandbox and may still be setting it up.
     */
    static String killLauncher(String taskId, BooleanSupplier kill, SandboxLeftovers leftovers) {
        String byHand = "./augur run --task " + taskId + " -- true removes it";
        if (!kill.getAsBoolean()) {
            return "its launcher survived SIGKILL, so its sandbox is left as it is (once the"
                    + " launcher is gone, "
                    + byHand
                    + ")";
        }
        List<String> removed;
        try {
            removed = leftovers.remove(taskId);
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot remove what its killed launcher left", taskId, e);
            return "its launcher was killed, and what it left could not be removed: "
                    + e.getMessage()
                    + " ("
                    + byHand
                    + ")";
        }
        return removed.isEmpty()
                ? "its launcher was killed; nothing of its sandbox was left"
                : "its launcher was killed and what it left removed: " + String.join(", ", removed);
    }

    /**
     * The {@code ./augur run} arguments that start a workload: its task id, owner, role, baseline
     * trust (HIGH unless its {@link Workload.Launch} says otherwise), launch limits (its own CPU if
     * it has one), network, sandbox profile, registration on {@code bootstrap}, cgroup root and
     * node, then {@code --} and the command. Pure.
     */
    static List<String> runArgs(
            Workload w,
            ResourceLimits initial,
            String bootstrap,
            String nodeId,
            String cgroupRoot,
            String profile,
            List<String> command) {
        List<String> a = new ArrayList<>();
        a.addAll(List.of("--task", w.taskId(), "--user", w.userId(), "--role", w.role()));
        // The demo's own workload library: a known source, so a HIGH baseline; whether a task
        // keeps it is the risk's (and the user's record's) to decide. At MEDIUM, every task asks
        // to keep its launch core while held, the node's pool (2 cores here) runs out in arrival
        // order, and a hostile task capped to 0.1 core reads as calm.
        // (The contention scenario's miner comes from an unknown source: MEDIUM, its Launch.)
        a.addAll(List.of("--trust", w.launch().trust()));
        Double cpu = w.launch().cpuCores() != null ? w.launch().cpuCores() : initial.getCpuCores();
        if (cpu != null) {
            a.addAll(List.of("--cpu", String.format(Locale.ROOT, "%.3f", cpu)));
        }
        if (initial.getMemoryBytes() != null) {
            a.addAll(List.of("--memory", Long.toString(initial.getMemoryBytes())));
        }
        if (initial.getPidsMax() != null) {
            a.addAll(List.of("--pids", Long.toString(initial.getPidsMax())));
        }
        a.addAll(List.of("--network", network(initial)));
        a.addAll(List.of("--profile", profile));
        a.addAll(List.of("--bootstrap", bootstrap, "--cgroup-root", cgroupRoot, "--node", nodeId));
        a.add("--");
        a.addAll(command);
        return a;
    }

    private static String network(ResourceLimits initial) {
        if (Boolean.FALSE.equals(initial.getNetworkEnabled())) {
            return "off";
        }
        Long rate = initial.getNetworkBandwidthBps();
        return rate == null ? "on" : Long.toString(rate);
    }

    /** The {@code -javaagent} flag of a workload under the JVM agent; none for the others. */
    private List<String> agentFlags(Workload w) {
        if (w.agentPackages() == null) {
            return List.of();
        }
        Path jar = AugurHome.resolve().resolve("agent/target/augur-agent.jar");
        if (agentSocket == null) {
            throw new IllegalArgumentException(
                    w.taskId() + " runs under the JVM agent but no agent socket was given");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    w.taskId()
                            + " runs under the JVM agent and "
                            + jar
                            + " is missing: build it (./augur build)");
        }
        // bubblewrap shows the task the host's whole file system: the socket's path is the same
        // inside, and a Unix socket bound to a path is reachable from any network namespace.
        return List.of(
                "-javaagent:" + jar + "=packages=" + w.agentPackages() + ";socket=" + agentSocket);
    }

    /** Whether the task's launcher (and so possibly its workload) is still running. */
    public boolean alive(String taskId) {
        Running r = running.get(taskId);
        return r != null && r.launcher().isAlive();
    }

    private void ended(Running r) {
        if (running.remove(r.workload().taskId(), r)) {
            LOG.info(
                    "{} ended: its launcher exited with {}",
                    r.workload().taskId(),
                    r.launcher().process().exitValue());
        }
    }

    /**
     * Stops every workload still running and waits for its launcher to clean up: SIGTERM to each
     * launcher (which forwards it to the workload); a workload still there after {@link
     * #STOP_GRACE} (one frozen by a QUARANTINE does not run its handler) has its cgroup killed, and
     * its launcher, seeing it end, removes the cgroup, namespace and veth and publishes ENDED.
     */
    public void stopAll() {
        List<Running> all = List.copyOf(running.values());
        for (Running r : all) {
            r.launcher().process().destroy();
        }
        Instant graceEnd = clock.instant().plus(STOP_GRACE);
        for (Running r : all) {
            waitUntil(r, graceEnd);
        }
        for (Running r : all) {
            if (r.launcher().isAlive()) {
                String id = r.workload().taskId();
                LOG.info("{} did not end on SIGTERM (frozen?): killing its cgroup", id);
                try {
                    cgroups.destroy(id);
                } catch (RuntimeException e) {
                    LOG.warn("cannot kill the cgroup of {}: {}", id, e.toString());
                }
            }
        }
        Instant cleanupEnd = clock.instant().plus(CLEANUP_GRACE);
        for (Running r : all) {
            waitUntil(r, cleanupEnd);
            if (r.launcher().isAlive()) {
                String id = r.workload().taskId();
                LOG.error(
                        "the launcher of {} did not clean up within {}: {}",
                        id,
                        CLEANUP_GRACE,
                        killLauncher(id, r.launcher(), leftovers));
            }
            ended(r);
        }
    }

    private void waitUntil(Running r, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (!left.isNegative() && !left.isZero()) {
            r.launcher().waitFor(left);
        }
    }

    @Override
    public void close() {
        stopAll();
    }
}
