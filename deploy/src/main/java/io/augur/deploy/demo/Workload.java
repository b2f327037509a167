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
 */
public record Workload(
        String taskId,
        String userId,
        String role,
        String scenario,
        String mainClass,
        List<String> args,
        String agentPackages) {

    public static final String BENIGN = "benign";
    public static final String HOSTILE = "hostile";

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
