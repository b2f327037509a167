package io.augur.deploy.demo;

import java.time.Duration;
import java.util.List;

/**
 * A task the demo runs: who owns it, its role, whether it is meant to be benign or hostile, and the
 * Java main class (from this module) that does the work.
 *
 * @param taskId the task's id (also its cgroup's name)
 * @param userId the submitting user
 * @param role the task's declared role (selects its benign envelope)
 * @param scenario "benign" or "hostile": what the demo expects Augur to conclude
 * @param mainClass the workload's main class
 * @param args its arguments
 * @param agentPackages for a JVM task whose method calls the collector captures: the packages the
 *     JVM agent records (it is started with {@code -javaagent:...=packages=THESE;socket=...}); null
 *     for a task without the agent
 * @param launch how the task is launched: its baseline trust, its own launch CPU (or the demo's),
 *     and whether it waits for the others' first decisions
 */
public record Workload(
        String taskId,
        String userId,
        String role,
        String scenario,
        String mainClass,
        List<String> args,
        String agentPackages,
        Launch launch) {

    public static final String BENIGN = "benign";
    public static final String HOSTILE = "hostile";

    /**
     * How a task is launched.
     *
     * @param trust the baseline trust {@code ./augur run --trust} gives it: {@code high} (a known
     *     source) or {@code medium} / {@code low}
     * @param cpuCores its launch CPU limit, or null for the demo's (1 core)
     * @param afterOthersDecided started once the other tasks have their first decision (at most 20
     *     s in)
     */
    public record Launch(String trust, Double cpuCores, boolean afterOthersDecided) {
        /** HIGH baseline, the demo's launch limits, started at once. */
        public static final Launch DEFAULT = new Launch("high", null, false);
    }

    /** A workload launched as {@link Launch#DEFAULT}. */
    public Workload(
            String taskId,
            String userId,
            String role,
            String scenario,
            String mainClass,
            List<String> args,
            String agentPackages) {
        this(taskId, userId, role, scenario, mainClass, args, agentPackages, Launch.DEFAULT);
    }

    /** Whether the task starts only after the others' first decisions. */
    public boolean startsLater() {
        return agentPackages != null || launch.afterOthersDecided();
    }

    /** A workload without the JVM agent. */
    public Workload(
            String taskId,
            String userId,
            String role,
            String scenario,
            String mainClass,
            List<String> args) {
        this(taskId, userId, role, scenario, mainClass, args, null);
    }

    public boolean hostile() {
        return HOSTILE.equals(scenario);
    }

    /** The packages the sample JVM service's agent records. */
    public static final String SHOP_PACKAGES = "io.augur.deploy.workload.shop";

    /**
     * The demo's default mix and, with {@code shopTurnsHostileAfter} not null, the sample JVM
     * service ({@code OrderService}, role service, under the JVM agent) whose call pattern turns
     * hostile after that long: its resources stay those of a small service, only its method calls
     * change (credentials read, directories listed, data streamed out to {@code sink}, a shell
     * run).
     *
     * @param sink where the service streams what it steals: {@code HOST:PORT}, {@code gateway:PORT}
     *     (the host end of its own network) or {@code self}
     */
    public static List<Workload> defaultMix(
            String runId, Duration shopTurnsHostileAfter, String sink) {
        if (shopTurnsHostileAfter == null) {
            return defaultMix(runId);
        }
        return java.util.stream.Stream.concat(
                        defaultMix(runId).stream(),
                        java.util.stream.Stream.of(
                                new Workload(
                                        "shop-" + runId,
                                        "carol",
                                        "service",
                                        HOSTILE,
                                        "io.augur.deploy.workload.OrderService",
                                        // 10 requests/s, ~130 calls/s: every call also
                                        // crosses the collector, Kafka and the observer, CPU
                                        // a 2-core node's loop needs.
                                        List.of(
                                                "--rate",
                                                "10",
                                                "--turn-hostile-after",
                                                Long.toString(shopTurnsHostileAfter.toSeconds()),
                                                "--sink",
                                                sink),
                                        SHOP_PACKAGES)))
                .toList();
    }

    /** Launch CPU of the contention scenario's trusted task: less than it uses. */
    public static final double CONTENTION_TRUSTED_LAUNCH_CPU = 0.5;

    /** Launch CPU of its hostile task: under the point where its risk reads critical. */
    public static final double CONTENTION_HOSTILE_LAUNCH_CPU = 0.8;

    /**
     * The contention scenario ({@code ./augur demo --scenario contention}): "a trusted task gains
     * what a hostile one loses" (adaptive-trust-zones.md step 4). A CPU miner ({@code CpuBurner},
     * role worker, envelope 0.6 core) from an unknown source (baseline MEDIUM) launched with 0.8
     * core, and, once it has its first decision, a trusted steady task ({@code BurstyCompute} at 80
     * ms of CPU every 100 ms: 0.8 core of demand, role batch, HIGH) launched with only 0.5 core.
     * The trusted task uses all it is given, so its forecast saturates its limit and it asks for
     * more; on a node whose pool is smaller than both together the pool takes the cores from the
     * miner.
     */
    public static List<Workload> contentionMix(String runId) {
        return List.of(
                new Workload(
                        "miner-" + runId,
                        "mallory",
                        "worker",
                        HOSTILE,
                        "io.augur.deploy.workload.CpuBurner",
                        List.of(),
                        null,
                        new Launch("medium", CONTENTION_HOSTILE_LAUNCH_CPU, false)),
                new Workload(
                        "steady-" + runId,
                        "alice",
                        "batch",
                        BENIGN,
                        "io.augur.deploy.workload.BurstyCompute",
                        List.of("80", "100"),
                        null,
                        new Launch("high", CONTENTION_TRUSTED_LAUNCH_CPU, true)));
    }

    /** The demo's default mix: one benign task and two hostile ones, all of role "worker". */
    public static List<Workload> defaultMix(String runId) {
        return List.of(
                new Workload(
                        "bursty-" + runId,
                        "alice",
                        "worker",
                        BENIGN,
                        "io.augur.deploy.workload.BurstyCompute",
                        List.of("150", "1000")),
                new Workload(
                        "burner-" + runId,
                        "mallory",
                        "worker",
                        HOSTILE,
                        "io.augur.deploy.workload.CpuBurner",
                        List.of()),
                new Workload(
                        "balloon-" + runId,
                        "mallory",
                        "worker",
                        HOSTILE,
                        "io.augur.deploy.workload.MemoryBalloon",
                        List.of("16")));
    }
}
