package io.augur.deploy;

import io.augur.collector.syscall.SyscallSelection;
import io.augur.launch.AugurHome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the local stack is laid out: its working directory (broker data, checkpoints, journals, logs,
 * the JVM agents' socket), the node it plays, the cgroup root its tasks live under, the timings of
 * the loop, and whose invocations the collector captures.
 *
 * @param workDir every process's data and log folder
 * @param nodeId the node this machine plays
 * @param cgroupRoot the managed cgroup root (tasks are its children)
 * @param nodeCpuCores capacity the resource pool hands out
 * @param nodeMemoryBytes capacity the resource pool hands out
 * @param sampleInterval the collector's sampling interval
 * @param window the profiler's window
 * @param checkpointInterval the Flink job's and the StateFun runtime's checkpoint interval (the
 *     exactly-once sinks commit on checkpoints, so this bounds the loop's latency)
 * @param readyTimeout how long each process may take to become ready
 * @param metrics where the daemons serve /metrics, or null for nowhere
 * @param modelDir the forecaster's model versions (docs/forecaster-model.md)
 * @param traceSyscalls the tasks whose system calls the collector traces with strace ({@code
 *     --trace-syscalls}; {@link SyscallSelection#NONE} by default: strace slows a traced task that
 *     makes many calls many times over, and its CPU is the loop's on a small node)
 * @param policy the decision policy file the function server runs and rereads when it changes
 *     ({@code deploy/policies/default.yaml} by default)
 */
public record StackConfig(
        Path workDir,
        String nodeId,
        String cgroupRoot,
        double nodeCpuCores,
        long nodeMemoryBytes,
        Duration sampleInterval,
        Duration window,
        Duration checkpointInterval,
        Duration readyTimeout,
        MetricsPorts metrics,
        Path modelDir,
        SyscallSelection traceSyscalls,
        Path policy) {

    public StackConfig {
        Objects.requireNonNull(traceSyscalls, "traceSyscalls");
        Objects.requireNonNull(policy, "policy");
    }

    /**
     * Ports of the daemons' Prometheus endpoints.
     *
     * @param functions the function server's
     * @param enforcer the enforcer's
     * @param collector the collector's
     * @param profiler the profiler job's (Flink's Prometheus reporter)
     */
    public record MetricsPorts(int functions, int enforcer, int collector, int profiler) {
        /** The ports deploy/prometheus/prometheus.yml scrapes. */
        public static final MetricsPorts SCRAPED = new MetricsPorts(9401, 9402, 9403, 9404);
    }

    public static StackConfig defaults(Path workDir, String cgroupRoot) {
        return new StackConfig(
                workDir,
                "node-1",
                cgroupRoot,
                Runtime.getRuntime().availableProcessors(),
                4L << 30,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofMinutes(3),
                null,
                AugurHome.resolve().resolve("models").resolve("forecaster"),
                SyscallSelection.NONE,
                AugurHome.resolve().resolve("deploy").resolve("policies").resolve("default.yaml"));
    }

    /** The same stack serving /metrics on {@code ports}. */
    public StackConfig withMetrics(MetricsPorts ports) {
        return with(ports, modelDir, traceSyscalls, policy);
    }

    /** The same stack serving the forecaster versions of {@code dir}. */
    public StackConfig withModelDir(Path dir) {
        return with(metrics, dir, traceSyscalls, policy);
    }

    /** The same stack tracing the system calls of the tasks {@code selection} selects. */
    public StackConfig withTraceSyscalls(SyscallSelection selection) {
        return with(metrics, modelDir, selection, policy);
    }

    /** The same stack with a node pool (and enforcer node bound) of {@code cores}. */
    public StackConfig withNodeCpuCores(double cores) {
        return new StackConfig(
                workDir,
                nodeId,
                cgroupRoot,
                cores,
                nodeMemoryBytes,
                sampleInterval,
                window,
                checkpointInterval,
                readyTimeout,
                metrics,
                modelDir,
                traceSyscalls,
                policy);
    }

    /** The same stack deciding by the policy in {@code file}. */
    public StackConfig withPolicy(Path file) {
        return with(metrics, modelDir, traceSyscalls, file);
    }

    private StackConfig with(
            MetricsPorts ports, Path dir, SyscallSelection selection, Path policyFile) {
        return new StackConfig(
                workDir,
                nodeId,
                cgroupRoot,
                nodeCpuCores,
                nodeMemoryBytes,
                sampleInterval,
                window,
                checkpointInterval,
                readyTimeout,
                ports,
                dir,
                selection,
                policyFile);
    }

    public Path logs() {
        return workDir.resolve("logs");
    }

    /**
     * The Unix socket on which the collector accepts JVM agents: a task started with {@code
     * -javaagent:agent/target/augur-agent.jar=packages=PKG;socket=THIS} sends its method calls.
     */
    public Path agentSocket() {
        return workDir.resolve("agents.sock");
    }
}
