package io.augur.deploy.demo;

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
 */
public record Workload(
        String taskId,
        String userId,
        String role,
        String scenario,
        String mainClass,
        List<String> args) {

    public static final String BENIGN = "benign";
    public static final String HOSTILE = "hostile";

    public boolean hostile() {
        return HOSTILE.equals(scenario);
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
