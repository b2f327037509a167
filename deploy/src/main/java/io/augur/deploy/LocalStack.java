package io.augur.deploy;

import io.augur.launch.ForkedKafka;
import io.augur.launch.FreePorts;
import io.augur.launch.JavaProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Augur on one machine: a Kafka broker, the StateFun function server, the StateFun runtime (Flink
 * 1.16), the behaviour profiler job (Flink 2.2 on a MiniCluster), the enforcer and the collector,
 * each in its own JVM with its own module's classpath. Started in dependency order, each awaited
 * until it says it is ready; closed in reverse order. The collector also captures invocations: the
 * system calls of the tasks {@link StackConfig#traceSyscalls()} selects, and the method calls of
 * JVM tasks whose agent connects to {@link StackConfig#agentSocket()}.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /** Linux's limit on a Unix socket's path (sun_path holds 108 bytes with the final NUL). */
    private static final int MAX_SOCKET_PATH = 107;

    private final StackConfig config;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private ForkedKafka kafka;
    private String functionsUrl;

    private LocalStack(StackConfig config) {
        this.config = config;
    }

    /**
     * Starts every component. On failure, whatever was started is stopped again and the error names
     * the component and its log.
     */
    public static LocalStack start(StackConfig config, Consumer<String> progress) {
        LocalStack stack = new LocalStack(config);
        try {
            stack.startAll(progress);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Consumer<String> progress) {
        Path work = config.workDir();
        Duration ready = config.readyTimeout();
        Path agentSocket = config.agentSocket().toAbsolutePath();
        // Checked before anything starts: the collector could only fail minutes later.
        if (agentSocket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new IllegalArgumentException(
                    "the JVM agents' socket "
                            + agentSocket
                            + " is longer than a Unix socket path may be ("
                            + MAX_SOCKET_PATH
                            + " bytes): choose a shorter working directory");
        }

        progress.accept("starting Kafka broker (KRaft)");
        kafka = ForkedKafka.start(work.resolve("kafka"));
        started.push(kafka);
        kafka.createAugurTopics();
        String bootstrap = kafka.bootstrapServers();

        progress.accept("starting StateFun function server");
        int functionsPort = FreePorts.next();
        JavaProcess functions =
                launch(
                        "functions",
                        JavaProcess.builder(
                                        "statefun-functions",
                                        "io.augur.functions.http.FunctionServer")
                                .jvmArg("-Xmx256m")
                                .args(
                                        "--port", Integer.toString(functionsPort),
                                        "--node-cpu-cores", fmt(config.nodeCpuCores()),
                                        "--node-memory-bytes",
                                                Long.toString(config.nodeMemoryBytes()),
                                        "--policy", config.policy().toString())
                                .args(metricsArgs(m -> m.functions())));
        functionsUrl =
                functions
                        .awaitLogLine(l -> l.startsWith("FUNCTIONS READY "), ready)
                        .substring("FUNCTIONS READY ".length())
                        .trim();

        progress.accept("starting StateFun runtime (Flink 1.16)");
        launch(
                        "statefun",
                        JavaProcess.builder("statefun-runtime", "io.augur.statefun.StatefunRuntime")
                                .jvmArg("-Xmx768m")
                                .args(
                                        "--bootstrap",
                                        bootstrap,
                                        "--functions",
                                        functionsUrl,
                                        "--checkpoint-dir",
                                        work.resolve("statefun-checkpoints").toString(),
                                        "--checkpoint-interval-ms",
                                        Long.toString(config.checkpointInterval().toMillis())))
                .awaitLogLine(l -> l.startsWith("STATEFUN RUNNING"), ready);

        progress.accept("starting behaviour profiler job (Flink 2.2)");
        launch(
                        "profiler",
                        JavaProcess.builder("jobs", "io.augur.jobs.LocalJobRunner")
                                .jvmArg("-Xmx1g")
                                .args(
                                        "--bootstrap", bootstrap,
                                        "--checkpoint-dir",
                                                work.resolve("job-checkpoints").toString(),
                                        "--window-ms", Long.toString(config.window().toMillis()),
                                        "--model-dir", config.modelDir().toString(),
                                        "--checkpoint-interval-ms",
                                                Long.toString(
                                                        config.checkpointInterval().toMillis()))
                                .args(sequenceModelArgs())
                                .args(metricsArgs(m -> m.profiler())))
                .awaitLogLine(l -> l.startsWith("JOB RUNNING"), ready);

        progress.accept("starting enforcer");
        launch(
                        "enforcer",
                        JavaProcess.builder("actuator", "io.augur.actuator.EnforcerMain")
                                .jvmArg("-Xmx256m")
                                .args(
                                        "--bootstrap", bootstrap,
                                        "--node", config.nodeId(),
                                        "--cgroup-root", config.cgroupRoot(),
                                        "--state-dir", work.resolve("enforcer").toString(),
                                        "--node-cpu-cores", fmt(config.nodeCpuCores()),
                                        "--node-memory-bytes",
                                                Long.toString(config.nodeMemoryBytes()))
                                .args(metricsArgs(m -> m.enforcer())))
                .awaitLogLine(l -> l.startsWith("ENFORCER READY"), ready);

        progress.accept(
                "starting collector (--trace-syscalls "
                        + config.traceSyscalls()
                        + ", JVM agents on "
                        + agentSocket
                        + ")");
        launch(
                        "collector",
                        JavaProcess.builder("collector", "io.augur.collector.CollectorMain")
                                .jvmArg("-Xmx256m")
                                .args(
                                        "--bootstrap", bootstrap,
                                        "--node", config.nodeId(),
                                        "--cgroup-root", config.cgroupRoot(),
                                        "--interval-ms",
                                                Long.toString(config.sampleInterval().toMillis()),
                                        "--spool-dir", work.resolve("collector-spool").toString(),
                                        "--trace-syscalls", config.traceSyscalls().toString(),
                                        "--invocation-socket", agentSocket.toString())
                                .args(metricsArgs(m -> m.collector())))
                .awaitLogLine(l -> l.startsWith("COLLECTOR READY"), ready);
        progress.accept("stack ready");
    }

    private JavaProcess launch(String name, JavaProcess.Builder builder) {
        JavaProcess process = builder.name(name).log(config.logs().resolve(name + ".log")).start();
        started.push(process);
        return process;
    }

    /**
     * The repository's sequence models (models/sequences), whatever forecaster directory is served:
     * the profiler's sequence branch is on when that registry holds a role.
     */
    private List<String> sequenceModelArgs() {
        Path dir = io.augur.launch.AugurHome.resolve().resolve("models").resolve("sequences");
        boolean hasRole;
        try (var roles = java.nio.file.Files.list(dir)) {
            hasRole = roles.anyMatch(java.nio.file.Files::isDirectory);
        } catch (java.io.IOException e) {
            hasRole = false;
        }
        return hasRole ? List.of("--sequence-model-dir", dir.toString()) : List.of();
    }

    private List<String> metricsArgs(ToIntFunction<StackConfig.MetricsPorts> port) {
        return config.metrics() == null
                ? List.of()
                : List.of("--metrics-port", Integer.toString(port.applyAsInt(config.metrics())));
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String functionsUrl() {
        return functionsUrl;
    }

    public StackConfig config() {
        return config;
    }

    /** The processes still running, for a health line. */
    public boolean allAlive() {
        return started.stream()
                .filter(c -> c instanceof JavaProcess)
                .allMatch(c -> ((JavaProcess) c).isAlive());
    }

    /** Names and logs of the processes that died. */
    public String deadProcesses() {
        StringBuilder sb = new StringBuilder();
        for (AutoCloseable c : started) {
            if (c instanceof JavaProcess p && !p.isAlive()) {
                sb.append(p.name()).append(" (log ").append(p.log()).append(") ");
            }
        }
        return sb.toString().trim();
    }

    /** Stops every component, newest first; the broker last. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", c, e.toString());
            }
        }
    }
}
