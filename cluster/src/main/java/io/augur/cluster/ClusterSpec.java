package io.augur.cluster;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a standalone cluster on this machine looks like: where it keeps its state and which ports
 * and resources it uses. {@link #flinkConfiguration()} turns it into Flink's {@code config.yaml}
 * entries (pure, so a test can read what the cluster will be told).
 *
 * @param dir the cluster's directory: conf/, log/, checkpoints/, savepoints/, uploads/, pid files
 * @param restPort the JobManager's REST and web port
 * @param rpcPort the JobManager's RPC port
 * @param slots task slots of the one TaskManager (at least the job's parallelism)
 * @param stateBackend {@code hashmap} (state on the heap) or {@code rocksdb} (large state on disk)
 * @param taskManagerMemory {@code taskmanager.memory.process.size}, e.g. {@code 1600m}
 * @param metricsPorts Prometheus reporter port range, one port per process (JobManager first); for
 *     the StateFun cluster {@code 0} means no reporter
 * @param flavor which Flink the cluster runs: Flink 2.2 for the profiler job, or Flink 1.16.2 for
 *     the official StateFun 3.3.0 distribution
 * @param checkpointIntervalMs the StateFun cluster's checkpoint interval (its job takes Flink
 *     settings only from the cluster's configuration); unused by the Flink 2.2 cluster, whose job
 *     sets its own
 */
public record ClusterSpec(
        Path dir,
        int restPort,
        int rpcPort,
        int slots,
        String stateBackend,
        String taskManagerMemory,
        String metricsPorts,
        Flavor flavor,
        long checkpointIntervalMs) {

    public static final String DEFAULT_REST_PORT = "8081";

    /** The Flink a cluster runs, and how that version wants its configuration file. */
    public enum Flavor {
        /** Flink 2.2 (the cluster module's classpath): {@code config.yaml}, values quoted. */
        FLINK("config.yaml", "target/cluster", 8081, 6123, "9404-9405"),
        /**
         * Flink 1.16.2 (statefun-dist's classpath) for the StateFun 3.3.0 distribution: {@code
         * flink-conf.yaml}, flat {@code key: value} lines that 1.16 reads without unquoting.
         */
        STATEFUN("flink-conf.yaml", "target/statefun-cluster", 8091, 6133, "9406-9407");

        final String configFile;
        final String defaultDir;
        final int defaultRestPort;
        final int defaultRpcPort;
        final String defaultMetricsPorts;

        Flavor(
                String configFile,
                String defaultDir,
                int defaultRestPort,
                int defaultRpcPort,
                String defaultMetricsPorts) {
            this.configFile = configFile;
            this.defaultDir = defaultDir;
            this.defaultRestPort = defaultRestPort;
            this.defaultRpcPort = defaultRpcPort;
            this.defaultMetricsPorts = defaultMetricsPorts;
        }

        public String configFile() {
            return configFile;
        }
    }

    /**
     * StateFun loads its own classes, Kafka's and protobuf's parent-first, and its job refuses a
     * cluster configured otherwise ({@code StatefulFunctionsConfigValidator}).
     */
    static final String STATEFUN_PARENT_FIRST =
            "org.apache.flink.statefun;org.apache.kafka;com.google.protobuf";

    /** The official distribution jar is 107 MB, over the REST server's default 100 MiB limit. */
    static final String STATEFUN_MAX_UPLOAD = "268435456";

    /** A Flink 2.2 cluster (the profiler job's). */
    public ClusterSpec(
            Path dir,
            int restPort,
            int rpcPort,
            int slots,
            String stateBackend,
            String taskManagerMemory,
            String metricsPorts) {
        this(
                dir,
                restPort,
                rpcPort,
                slots,
                stateBackend,
                taskManagerMemory,
                metricsPorts,
                Flavor.FLINK,
                0);
    }

    public ClusterSpec {
        dir = dir.toAbsolutePath().normalize();
        if (flavor == Flavor.STATEFUN && checkpointIntervalMs < 10) {
            throw new IllegalArgumentException(
                    "--checkpoint-interval-ms must be at least 10, got " + checkpointIntervalMs);
        }
        if (slots < 1) {
            throw new IllegalArgumentException("--slots must be at least 1, got " + slots);
        }
        if (!stateBackend.equals("hashmap") && !stateBackend.equals("rocksdb")) {
            throw new IllegalArgumentException(
                    "--state-backend must be hashmap or rocksdb, got '" + stateBackend + "'");
        }
        if (!taskManagerMemory.matches("\\d+[kmgKMG]?")) {
            throw new IllegalArgumentException(
                    "--taskmanager-memory must be a size such as 1600m or 2g, got '"
                            + taskManagerMemory
                            + "'");
        }
    }

    public Path confDir() {
        return dir.resolve("conf");
    }

    public Path logDir() {
        return dir.resolve("log");
    }

    public Path savepointDir() {
        return dir.resolve("savepoints");
    }

    public String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    /**
     * The cluster's configuration. Loopback only; checkpoints and savepoints under the cluster's
     * directory; the user's {@code System.exit} in a job's main is turned into an exception (a job
     * with bad arguments must not stop the JobManager that runs its main); DJL loads parent-first
     * from the cluster's classpath (libtorch is a JNI library: once per JVM).
     */
    public Map<String, String> flinkConfiguration() {
        return flavor == Flavor.STATEFUN ? statefunConfiguration() : flinkConfiguration22();
    }

    private Map<String, String> flinkConfiguration22() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(restPort));
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        c.put("taskmanager.memory.process.size", taskManagerMemory);
        c.put("parallelism.default", "1");
        c.put("state.backend.type", stateBackend);
        c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", savepointDir().toUri().toString());
        c.put("web.upload.dir", dir.resolve("uploads").toString());
        c.put("web.submit.enable", "true");
        c.put("cluster.intercept-user-system-exit", "THROW");
        c.put("classloader.parent-first-patterns.additional", "ai.djl.");
        c.put(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.put("metrics.reporter.prom.port", metricsPorts);
        return c;
    }

    /**
     * The Flink 1.16.2 cluster that runs the official StateFun distribution (Flink 1.16 keys). The
     * distribution's job reads its Flink settings only from here — REST submission in 1.16 takes no
     * per-job configuration — so checkpointing (exactly-once, which the Kafka egresses need to
     * commit decisions), retention and restarts are the cluster's, as in StateFun's own images.
     */
    private Map<String, String> statefunConfiguration() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(restPort));
        c.put("rest.server.max-content-length", STATEFUN_MAX_UPLOAD);
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        c.put("taskmanager.memory.process.size", taskManagerMemory);
        c.put("parallelism.default", "1");
        c.put("classloader.parent-first-patterns.additional", STATEFUN_PARENT_FIRST);
        c.put("state.backend", stateBackend);
        c.put("state.checkpoints.dir", dir.resolve("checkpoints").toUri().toString());
        c.put("state.savepoints.dir", savepointDir().toUri().toString());
        c.put("state.checkpoints.num-retained", "2");
        c.put("execution.checkpointing.interval", checkpointIntervalMs + " ms");
        c.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        c.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        // The functions or Kafka may be away for a moment: restart from the last checkpoint
        // rather than fail the job for good.
        c.put("restart-strategy", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "1000");
        c.put("restart-strategy.fixed-delay.delay", "2 s");
        c.put("web.upload.dir", dir.resolve("uploads").toString());
        c.put("web.submit.enable", "true");
        // Flink's Prometheus reporter (1.16.1's, statefun-dist), as deploy/k8s's StateFun runtime
        // has it: the ingress's Kafka consumer lag is what AugurStatefunLagging watches.
        if (!metricsPorts.isBlank() && !metricsPorts.equals("0")) {
            c.put(
                    "metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            c.put("metrics.reporter.prom.port", metricsPorts);
        }
        // No cluster.intercept-user-system-exit here (the distribution's main throws on bad
        // settings, it never exits): it installs Flink's SecurityManager, under which Java's
        // common ForkJoinPool runs innocuous threads that refuse setContextClassLoader, and the
        // StateFun job then fails in its TaskManager with SecurityException: setContextClassLoader.
        return c;
    }

    /**
     * The configuration file's text: Flink 2.2's {@code config.yaml} (flat keys, values quoted), or
     * Flink 1.16's {@code flink-conf.yaml} (flat {@code key: value}, values as they are: 1.16 would
     * keep quotes as part of the value).
     */
    public String configYaml() {
        StringBuilder yaml =
                new StringBuilder("# Written by ./augur cluster up; rewritten on every start.\n");
        flinkConfiguration()
                .forEach(
                        (k, v) -> {
                            if (flavor == Flavor.STATEFUN) {
                                if (v.contains("#") || v.contains("\n")) {
                                    throw new IllegalArgumentException(
                                            "flink-conf.yaml cannot hold " + k + ": " + v);
                                }
                                yaml.append(k).append(": ").append(v).append('\n');
                            } else {
                                yaml.append(k)
                                        .append(": '")
                                        .append(v.replace("'", "''"))
                                        .append("'\n");
                            }
                        });
        return yaml.toString();
    }
}
