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
 * @param metricsPorts Prometheus reporter port range, one port per process (JobManager first)
 */
public record ClusterSpec(
        Path dir,
        int restPort,
        int rpcPort,
        int slots,
        String stateBackend,
        String taskManagerMemory,
        String metricsPorts) {

    public static final String DEFAULT_REST_PORT = "8081";

    public ClusterSpec {
        dir = dir.toAbsolutePath().normalize();
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

    /** The configuration as Flink's {@code config.yaml} (flat keys, values quoted). */
    public String configYaml() {
        StringBuilder yaml =
                new StringBuilder("# Written by ./augur cluster up; rewritten on every start.\n");
        flinkConfiguration()
                .forEach(
                        (k, v) ->
                                yaml.append(k)
                                        .append(": '")
                                        .append(v.replace("'", "''"))
                                        .append("'\n"));
        return yaml.toString();
    }
}
