package io.augur.actuator.sandbox;

import io.augur.actuator.net.NetworkEffector;
import io.augur.actuator.net.NetworkPolicy;
import io.augur.actuator.net.SystemCommands;
import io.augur.actuator.net.TaskNetNames;
import io.augur.actuator.net.TaskNetwork;
import io.augur.actuator.net.TaskNetworks;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.schema.ResourceLimits;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code ./augur run}: registers the task, sets up its cgroup, network and seccomp filter, runs
 * the command in the foreground and tears everything down again, whatever happens.
 */
public final class SandboxRun {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxRun.class);

    /** Exit status when the command is not found (as a shell's). */
    public static final int NOT_FOUND = 127;

    /** Environment the command gets: its task id, its own address and the host end's. */
    public static final String ENV_TASK_ID = "AUGUR_TASK_ID";

    private static final java.time.Duration SUPERVISOR_READY = java.time.Duration.ofSeconds(10);
    private static final java.time.Duration SUPERVISOR_EXIT = java.time.Duration.ofSeconds(5);

    public static final String ENV_TASK_ADDRESS = "AUGUR_TASK_ADDRESS";
    public static final String ENV_HOST_ADDRESS = "AUGUR_HOST_ADDRESS";

    private final RunOptions o;
    private final SandboxProfile profile;
    private final ProfileSupervision supervision;
    private final SupervisedProfileStore store;
    private final TaskCgroups cgroups;
    private final TaskNetworks networks;
    private final NetworkEffector effector;
    private final TaskRegistry registry;
    private final Clock clock;
    private final Path claimDir;
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private volatile Process process;
    private Path programFile;
    private Path supervisionFile;
    private Path supervisorSocket;
    private volatile SeccompSupervisor supervisor;
    private volatile boolean registered;
    private volatile boolean owner;

    /**
     * @param supervision the launch profile and the supervision that lets the enforcer move the
     *     running task to another profile (none when no profile denies more than the launch one)
     * @param store where the supervision state lives, shared with the enforcer
     */
    public SandboxRun(
            RunOptions o,
            ProfileSupervision supervision,
            SupervisedProfileStore store,
            TaskCgroups cgroups,
            TaskNetworks networks,
            NetworkEffector effector,
            TaskRegistry registry,
            Clock clock) {
        this(
                o,
                supervision,
                store,
                cgroups,
                networks,
                effector,
                registry,
                clock,
                TaskClaim.DEFAULT_DIR);
    }

    SandboxRun(
            RunOptions o,
            ProfileSupervision supervision,
            SupervisedProfileStore store,
            TaskCgroups cgroups,
            TaskNetworks networks,
            NetworkEffector effector,
            TaskRegistry registry,
            Clock clock,
            Path claimDir) {
        this.claimDir = claimDir;
        this.o = o;
        this.profile = supervision.launch();
        this.supervision = supervision;
        this.store = store;
        this.cgroups = cgroups;
        this.networks = networks;
        this.effector = effector;
        this.registry = registry;
        this.clock = clock;
    }

    /** A setup failure: the message is for the user as it is. */
    public static final class SetupException extends RuntimeException {
        public SetupException(String message) {
            super(message);
        }
    }

    /**
     * Runs the task and returns its exit status.
     *
     * @throws SetupException when the sandbox cannot be set up (after cleaning up)
     */
    public int run() {
        Optional<Path> executable = resolve(o.command().get(0));
        if (executable.isEmpty()) {
            System.err.println("augur run: " + o.command().get(0) + ": command not found");
            return NOT_FOUND;
        }
        String bwrap = SystemCommands.require("bwrap", "bubblewrap").toString();
        String ip = SystemCommands.require("ip", "iproute2").toString();
        Optional<TaskClaim> claim = TaskClaim.tryClaim(claimDir, o.taskId());
        if (claim.isEmpty()) {
            throw new SetupException(
                    "task "
                            + o.taskId()
                            + " is already running (launcher pid "
                            + TaskClaim.holder(claimDir, o.taskId())
                            + ")");
        }
        owner = true;
        try (TaskClaim held = claim.get()) {
            try {
                return runClaimed(ip, bwrap);
            } finally {
                // Still under the claim (try-with-resources releases it after this block): no
                // other launcher of this id can start meanwhile.
                cleanUp();
            }
        }
    }

    private int runClaimed(String ip, String bwrap) {
        if (cgroups.find(o.taskId()).isPresent()
                || TaskNetworks.namespaceExists(TaskNetNames.of(o.taskId()))) {
            // A launcher of this id died without cleaning up (and its command died with it).
            LOG.warn("task {}: removing what a dead launcher left behind", o.taskId());
            cgroups.destroy(o.taskId());
            networks.destroy(o.taskId());
            removeSplitSocketGroups();
        }
        try {
            TaskNetwork net = networks.create(o.taskId());
            registry.publish(event(TaskEventType.STARTED));
            registered = true;
            TaskCgroup group = cgroups.create(o.taskId());
            if (o.cpuCores() != null) {
                group.setCpuCores(o.cpuCores());
            }
            if (o.memoryBytes() != null) {
                group.setMemoryBytes(o.memoryBytes());
            }
            if (o.pidsMax() != null) {
                group.setPidsMax(o.pidsMax());
            }
            if (!o.network().equals(NetworkPolicy.open())) {
                effector.apply(o.taskId(), o.network());
            }
            programFile = writeProgram(profile.program().bytes());
            LaunchCommand.Supervised supervised = supervision.needed() ? supervise() : null;
            List<String> argv =
                    LaunchCommand.argv(
                            LaunchCommand.prefix(),
                            group.procsFiles(),
                            ip,
                            net.namespace(),
                            bwrap,
                            programFile,
                            supervised,
                            o.command());
            LOG.info(
                    "task {}: profile {}, {} (host {} / task {}), {}",
                    o.taskId(),
                    profile.name(),
                    net.namespace(),
                    net.hostAddress(),
                    net.taskAddress(),
                    o.network());
            ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
            pb.environment().put(ENV_TASK_ID, o.taskId());
            pb.environment().put(ENV_TASK_ADDRESS, net.taskAddress());
            pb.environment().put(ENV_HOST_ADDRESS, net.hostAddress());
            process = pb.start();
            int status = process.waitFor();
            LOG.info("task {} ended with exit status {}", o.taskId(), status);
            return status;
        } catch (IOException e) {
            throw new SetupException("cannot start " + o.command().get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted");
        }
    }

    /**
     * Writes the task's supervision state and filter and starts its supervisor, which waits for the
     * filter's listener from {@code augur-seccomp exec} inside the sandbox.
     */
    private LaunchCommand.Supervised supervise() throws IOException {
        Path helper =
                SeccompSupervisor.helper()
                        .orElseThrow(
                                () ->
                                        new SetupException(
                                                "augur-seccomp is not built (actuator/target/native;"
                                                        + " mvn package builds it with gcc) and -D"
                                                        + SeccompSupervisor.HELPER_PROPERTY
                                                        + " names none"));
        store.prepare(o.taskId(), supervision);
        supervisionFile = writeProgram(supervision.filter().bytes());
        supervisorSocket = claimDir.resolve("seccomp-" + shortHash(o.taskId()) + ".sock");
        supervisor =
                SeccompSupervisor.start(
                        helper,
                        o.taskId(),
                        supervisorSocket,
                        store.tableFile(o.taskId()),
                        store.stateFile(o.taskId()),
                        SUPERVISOR_READY);
        LOG.info(
                "task {}: seccomp supervisor pid {} for {} call(s) beyond profile {}",
                o.taskId(),
                supervisor.pid(),
                supervision.supervisedCalls().size(),
                profile.name());
        return new LaunchCommand.Supervised(helper, supervisionFile, supervisorSocket, store.dir());
    }

    /** 16 hex digits of SHA-256: a socket path stays under the kernel's 108 bytes for any id. */
    private static String shortHash(String s) {
        try {
            byte[] d =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a signal (INT, TERM) to the command: the children of bubblewrap's monitor, which is the
     * process this launcher started; to the monitor itself before it has forked.
     */
    public void forward(String signal) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<Long> targets = new ArrayList<>();
        cgroups.find(o.taskId())
                .ifPresent(
                        g -> {
                            for (long pid : g.pids()) {
                                if (parentOf(pid) == p.pid()) {
                                    targets.add(pid);
                                }
                            }
                        });
        if (targets.isEmpty()) {
            targets.add(p.pid());
        }
        for (long pid : targets) {
            LOG.info("forwarding SIG{} to pid {}", signal, pid);
            SystemCommands.run(List.of("kill", "-s", signal, Long.toString(pid)));
        }
    }

    /**
     * On a v1 node the enforcer gives split processes unified (v2) groups of their own to match
     * their sockets (see {@code LinuxSplitNetworkEffector}); once the task's processes are gone
     * they are empty and removed here. On a v2 node they are the task's groups, gone already.
     */
    private void removeSplitSocketGroups() {
        if (cgroups.version() != io.augur.cgroup.CgroupVersion.V1) {
            return;
        }
        try {
            io.augur.actuator.net.LinuxSplitNetworkEffector.cgroup2Mount()
                    .ifPresent(
                            m ->
                                    io.augur.actuator.net.LinuxSplitNetworkEffector.removeGroups(
                                            m, cgroups.rootName(), o.taskId()));
        } catch (RuntimeException e) {
            LOG.warn(
                    "task {}: cannot remove its split socket groups: {}", o.taskId(), e.toString());
        }
    }

    /** Removes the cgroup (killing what is left in it), the network and the filter; once. */
    public void cleanUp() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        if (owner) { // never touch a sandbox another launcher of the same task id holds
            try {
                cgroups.destroy(o.taskId());
            } catch (RuntimeException e) {
                failure = e;
            }
            try {
                networks.destroy(o.taskId());
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
            removeSplitSocketGroups();
        }
        SeccompSupervisor s = supervisor;
        if (s != null) {
            // The task's processes are gone (its cgroup was emptied): a supervisor holding the
            // listener ends by itself; one still waiting for it (the command never started) not.
            if (s.supervising() && !s.awaitExit(SUPERVISOR_EXIT)) {
                LOG.warn(
                        "task {}: the seccomp supervisor (pid {}) outlived the task: killed",
                        o.taskId(),
                        s.pid());
            }
            s.close();
        }
        if (owner && supervision.needed()) {
            try {
                store.remove(o.taskId());
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        for (Path f : new Path[] {supervisionFile, supervisorSocket}) {
            if (f != null) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", f, e.toString());
                }
            }
        }
        if (programFile != null) {
            try {
                Files.deleteIfExists(programFile);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", programFile, e.toString());
            }
        }
        if (registered) {
            try {
                registry.publish(event(TaskEventType.ENDED));
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        if (failure != null) {
            throw new SetupException(
                    "cleanup of task " + o.taskId() + " failed: " + failure.getMessage());
        }
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    TaskEvent event(TaskEventType type) {
        ResourceLimits.Builder limits = ResourceLimits.newBuilder();
        if (type == TaskEventType.STARTED) {
            limits.setCpuCores(o.cpuCores())
                    .setMemoryBytes(o.memoryBytes())
                    .setPidsMax(o.pidsMax())
                    .setNetworkEnabled(o.network().enabled())
                    .setNetworkBandwidthBps(o.network().bandwidthBytesPerSecond());
        }
        return TaskEvent.newBuilder()
                .setTaskId(o.taskId())
                .setUserId(o.userId())
                .setNodeId(o.node())
                .setRole(o.role())
                .setSource("augur-run:" + o.command().get(0))
                .setBaselineTrust(o.baselineTrust())
                .setInitialAllocation(limits.build())
                .setType(type)
                .setTimestamp(clock.instant())
                .build();
    }

    private static Path writeProgram(byte[] program) throws IOException {
        Path f =
                Files.createTempFile(
                        "augur-seccomp-",
                        ".bpf",
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
        Files.write(f, program);
        return f;
    }

    /** The executable a command name runs (PATH lookup for a bare name), as the shell would. */
    static Optional<Path> resolve(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isRegularFile(p) && Files.isExecutable(p)
                    ? Optional.of(p)
                    : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static long parentOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[1]);
        } catch (IOException | RuntimeException e) {
            return -1; // gone meanwhile
        }
    }
}
