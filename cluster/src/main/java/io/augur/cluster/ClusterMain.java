package io.augur.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code ./augur cluster up|down|status}, {@code ./augur submit} and {@code ./augur upgrade}: a
 * standalone Flink 2.2 cluster on this machine and the profiler job on it, through Flink's REST
 * API. Runs with this module's runtime classpath, which is also the cluster's lib/.
 */
public final class ClusterMain {

    static final String ENTRY_CLASS = "io.augur.jobs.BehaviorProfilerJob";
    static final String JOB_NAME = "augur_behavior_profiler";

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: ./augur cluster up [--statefun] [--dir DIR] [--rest-port N] [--rpc-port N]",
                    "                          [--slots N] [--state-backend hashmap|rocksdb]",
                    "                          [--taskmanager-memory SIZE] [--metrics-ports RANGE]",
                    "                          [--checkpoint-interval-ms N] [--timeout SECONDS]",
                    "       ./augur cluster down|status [--statefun] [--dir DIR]",
                    "       ./augur submit [--dir DIR] [--jobmanager HOST:PORT] [--jar JAR] [--parallelism N]",
                    "                      [--savepoint PATH] -- JOB-ARGS...",
                    "       ./augur upgrade [--dir DIR] [--jobmanager HOST:PORT] [--job ID] [--jar JAR]",
                    "                       [--savepoint-dir DIR] [-- JOB-ARGS...]",
                    "       ./augur statefun submit --bootstrap HOST:PORT --functions URL [--dir DIR]",
                    "                       [--jobmanager HOST:PORT] [--jar JAR] [--parallelism N]",
                    "                       [--savepoint PATH]",
                    "       ./augur statefun upgrade [--dir DIR] [--jobmanager HOST:PORT] [--job ID] [--jar JAR]",
                    "                       [--savepoint-dir DIR]",
                    "",
                    "cluster up    starts a standalone Flink 2.2 session cluster: one JobManager and one",
                    "              TaskManager process from Maven Central's jars (no Flink installation",
                    "              needed), in sessions of their own so they outlive this command. Prints",
                    "              `CLUSTER UP http://HOST:PORT` when the TaskManager's slots are registered.",
                    "              Defaults: --dir target/cluster (configuration, logs, checkpoints,",
                    "              savepoints, pid files), --rest-port 8081, --rpc-port 6123, --slots 2,",
                    "              --state-backend hashmap (rocksdb: large state on disk),",
                    "              --taskmanager-memory 1600m, --metrics-ports 9404-9405 (Prometheus",
                    "              reporter: JobManager and TaskManager), --timeout 120.",
                    "cluster up --statefun  the same with Flink 1.16.2 (statefun-dist's classpath) for the",
                    "              official StateFun 3.3.0 distribution: flink-conf.yaml with StateFun's",
                    "              parent-first classloading, exactly-once checkpoints every",
                    "              --checkpoint-interval-ms (default 1000; decisions are committed at",
                    "              this pace), retained on cancellation, fixed-delay restarts, uploads up",
                    "              to 256 MiB. Defaults: --dir target/statefun-cluster, --rest-port 8091,",
                    "              --rpc-port 6133, --state-backend rocksdb, --metrics-ports 9406-9407",
                    "              (Prometheus reporter 1.16.1; 0: none).",
                    "cluster down  stops both processes (SIGTERM, SIGKILL after 30 s). Running jobs end;",
                    "              take a savepoint first (./augur upgrade does) to keep their state.",
                    "cluster status  the processes, slots and jobs.",
                    "submit        uploads the job jar (default jobs/target/augur-jobs-*-job.jar) and runs",
                    "              the profiler job with JOB-ARGS (BehaviorProfilerJob's: at least",
                    "              --bootstrap HOST:PORT; --model-dir defaults to the checkout's",
                    "              models/forecaster). Prints `JOB RUNNING <job-id>` once every task runs.",
                    "              Records the submission in DIR/submission.json for upgrade.",
                    "upgrade       stops the running job with a savepoint (DIR/savepoints unless",
                    "              --savepoint-dir), prints `SAVEPOINT <location>`, then runs the jar",
                    "              (the newest build unless --jar) from it with the same arguments (or",
                    "              JOB-ARGS) and prints `JOB RUNNING <new-job-id>`. The operators' stable",
                    "              uid()s carry every task's state across. Without --job: the job of the",
                    "              last submission, else the one running profiler job.",
                    "statefun submit  writes the project's module.yaml (ingress augur.tasks, augur.risk,",
                    "              augur.anomalies, augur.acks from --bootstrap; endpoint augur.fn/* at",
                    "              --functions, the separately running function server; exactly-once",
                    "              egresses augur.decisions, augur.dlq, augur.security) into",
                    "              DIR/modules/, uploads the official statefun-flink-distribution",
                    "              3.3.0 jar (default statefun-dist/target/) and runs",
                    "              StatefulFunctionsJob with statefun.remote.module-name pointing at",
                    "              it. Prints `JOB RUNNING <job-id>` once every task runs.",
                    "              --savepoint PATH: start from a savepoint or a retained checkpoint",
                    "              (DIR/checkpoints/<job>/chk-N).",
                    "statefun upgrade  takes a savepoint of the StateFun job and cancels it (its Kafka",
                    "              source cannot stop with a savepoint), prints `SAVEPOINT",
                    "              <location>`, runs the distribution (or --jar) from it with the same",
                    "              module and prints `JOB RUNNING <new-job-id>`: the functions' state,",
                    "              delayed messages and Kafka offsets carry over.",
                    "--jobmanager  the REST address (default: the cluster in DIR, else 127.0.0.1:8081,",
                    "              or 127.0.0.1:8091 for the StateFun cluster).",
                    "",
                    "Bad arguments exit with 2; a failure (no cluster, a job that does not start, a",
                    "savepoint that fails) with 1 and Flink's reason.");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Thrown for bad arguments: exit code 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private ClusterMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("statefun")
                && (args.length == 1 || List.of("-h", "--help", "help").contains(args[1]))) {
            out.println(USAGE);
            return args.length == 1 ? 2 : 0;
        }
        try {
            Parsed p = parse(args);
            if (p.options.containsKey("help")) {
                out.println(USAGE);
                return 0;
            }
            return switch (p.command) {
                case "up" -> up(p, out, err);
                case "down" -> down(p, out, err);
                case "status" -> status(p, out);
                case "submit" -> submit(p, out, err);
                case "upgrade" -> upgrade(p, out, err);
                case STATEFUN_SUBMIT -> StatefunSubmission.submit(p, out, err);
                case STATEFUN_UPGRADE -> upgrade(p, out, err);
                default -> throw new UsageException("unknown command '" + p.command + "'");
            };
        } catch (UsageException | IllegalArgumentException e) {
            err.println("augur: " + e.getMessage());
            err.println("(./augur cluster --help)");
            return 2;
        } catch (FlinkRest.RestException | IllegalStateException | IOException e) {
            err.println("augur: " + e.getMessage());
            return 1;
        }
    }

    /** The flag that picks the Flink 1.16.2 cluster of the StateFun distribution. */
    static final String STATEFUN = "statefun";

    static final String STATEFUN_SUBMIT = "statefun submit";
    static final String STATEFUN_UPGRADE = "statefun upgrade";

    private static final Map<String, Set<String>> OPTIONS =
            Map.of(
                    "up",
                    Set.of(
                            "dir",
                            "rest-port",
                            "rpc-port",
                            "slots",
                            "state-backend",
                            "taskmanager-memory",
                            "metrics-ports",
                            "checkpoint-interval-ms",
                            "timeout",
                            STATEFUN),
                    "down",
                    Set.of("dir", STATEFUN),
                    "status",
                    Set.of("dir", "jobmanager", STATEFUN),
                    "submit",
                    Set.of("dir", "jobmanager", "jar", "parallelism", "savepoint"),
                    "upgrade",
                    Set.of("dir", "jobmanager", "job", "jar", "savepoint-dir"),
                    STATEFUN_SUBMIT,
                    Set.of(
                            "dir",
                            "jobmanager",
                            "jar",
                            "parallelism",
                            "savepoint",
                            "bootstrap",
                            "functions"),
                    STATEFUN_UPGRADE,
                    Set.of("dir", "jobmanager", "job", "jar", "savepoint-dir"));

    record Parsed(String command, Map<String, String> options, List<String> jobArgs) {
        ClusterSpec.Flavor flavor() {
            return options.containsKey(STATEFUN) || command.startsWith(STATEFUN + " ")
                    ? ClusterSpec.Flavor.STATEFUN
                    : ClusterSpec.Flavor.FLINK;
        }

        String get(String key, String fallback) {
            return options.getOrDefault(key, fallback);
        }

        int integer(String key, int fallback) throws UsageException {
            String v = options.get(key);
            if (v == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + key + " must be a whole number, got '" + v + "'");
            }
        }

        Path dir() {
            return Path.of(get("dir", home().resolve(flavor().defaultDir).toString()))
                    .toAbsolutePath();
        }
    }

    static Parsed parse(String[] args) throws UsageException {
        String command = args[0];
        int first = 1;
        if (command.equals(STATEFUN) && args.length > 1) {
            command = STATEFUN + " " + args[1];
            first = 2;
        }
        Set<String> known = OPTIONS.get(command);
        if (known == null) {
            throw new UsageException(
                    "unknown command '"
                            + command
                            + "' (up, down, status, submit, upgrade, statefun submit)");
        }
        Map<String, String> options = new HashMap<>();
        List<String> jobArgs = new ArrayList<>();
        for (int i = first; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                if (!command.equals("submit") && !command.equals("upgrade")) {
                    throw new UsageException(command + " takes no job arguments");
                }
                jobArgs.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (a.equals("-h") || a.equals("--help")) {
                options.put("help", "");
                continue;
            }
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new UsageException("unknown option '" + a + "' for " + command);
            }
            if (a.equals("--" + STATEFUN)) {
                options.put(STATEFUN, "");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new UsageException(a + " needs a value");
            }
            options.put(a.substring(2), args[++i]);
        }
        return new Parsed(command, options, jobArgs);
    }

    static ClusterSpec spec(Parsed p) throws UsageException {
        ClusterSpec.Flavor flavor = p.flavor();
        boolean statefun = flavor == ClusterSpec.Flavor.STATEFUN;
        if (!statefun && p.options().containsKey("checkpoint-interval-ms")) {
            throw new UsageException(
                    "--checkpoint-interval-ms is for --statefun (the profiler job sets its own)");
        }
        return new ClusterSpec(
                p.dir(),
                p.integer("rest-port", flavor.defaultRestPort),
                p.integer("rpc-port", flavor.defaultRpcPort),
                p.integer("slots", 2),
                // StateFun keeps its timers off the heap only with RocksDB.
                p.get("state-backend", statefun ? "rocksdb" : "hashmap"),
                p.get("taskmanager-memory", "1600m"),
                p.get("metrics-ports", flavor.defaultMetricsPorts),
                flavor,
                p.integer("checkpoint-interval-ms", 1000));
    }

    /**
     * The cluster's lib/: this JVM's classpath for Flink 2.2; for the StateFun flavour the Flink
     * 1.16.2 classpath statefun-dist resolved (it must not meet this JVM's Flink 2.2).
     */
    static String clusterClasspath(ClusterSpec.Flavor flavor) throws IOException {
        if (flavor == ClusterSpec.Flavor.FLINK) {
            return absolute(System.getProperty("java.class.path"));
        }
        Path file = home().resolve("statefun-dist/target/classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(
                    "no Flink 1.16 classpath at "
                            + file
                            + ": ./augur build (or mvn -pl statefun-dist package) first");
        }
        return Files.readString(file).trim();
    }

    private static int up(Parsed p, PrintStream out, PrintStream err)
            throws UsageException, IOException {
        ClusterSpec spec = spec(p);
        StandaloneCluster cluster = new StandaloneCluster(spec, clusterClasspath(spec.flavor()));
        cluster.start(Duration.ofSeconds(p.integer("timeout", 120)), err::println);
        Files.writeString(spec.dir().resolve("jobmanager.address"), spec.restAddress());
        out.println("CLUSTER UP http://" + spec.restAddress());
        return 0;
    }

    private static int down(Parsed p, PrintStream out, PrintStream err) {
        ClusterSpec spec = existing(p.dir());
        int stopped = new StandaloneCluster(spec, "").stop(Duration.ofSeconds(30), err::println);
        out.println(
                stopped == 0
                        ? "no cluster running in " + p.dir()
                        : "CLUSTER DOWN (" + stopped + " processes stopped)");
        return 0;
    }

    private static int status(Parsed p, PrintStream out) {
        ClusterSpec spec = existing(p.dir());
        StandaloneCluster cluster = new StandaloneCluster(spec, "");
        for (StandaloneCluster.Role role : StandaloneCluster.Role.values()) {
            out.println(
                    role.fileName()
                            + ": "
                            + cluster.process(role)
                                    .map(h -> "running, pid " + h.pid())
                                    .orElse("not running")
                            + " (log "
                            + cluster.log(role)
                            + ")");
        }
        FlinkRest rest = new FlinkRest(jobManager(p));
        Optional<int[]> slots = rest.slots();
        if (slots.isEmpty()) {
            out.println("REST http://" + rest.address() + ": not answering");
            return 1;
        }
        out.println(
                "REST http://"
                        + rest.address()
                        + ": "
                        + slots.get()[0]
                        + " taskmanager(s), "
                        + slots.get()[1]
                        + " slots");
        for (FlinkRest.JobSummary j : rest.jobs()) {
            out.println("job " + j.id() + " " + j.name() + " " + j.state());
        }
        return 0;
    }

    private static int submit(Parsed p, PrintStream out, PrintStream err)
            throws UsageException, IOException {
        if (p.jobArgs().isEmpty()) {
            throw new UsageException(
                    "give the job's arguments after --, at least --bootstrap HOST:PORT");
        }
        List<String> jobArgs = withModelDir(p.jobArgs());
        FlinkRest rest = new FlinkRest(jobManager(p));
        Path jar = jar(p);
        int parallelism = p.integer("parallelism", 1);
        err.println("uploading " + jar + " to http://" + rest.address());
        String jarId = rest.uploadJar(jar);
        err.println("running " + ENTRY_CLASS + " " + String.join(" ", jobArgs));
        String job =
                rest.runJar(jarId, ENTRY_CLASS, jobArgs, parallelism, p.options().get("savepoint"));
        rest.awaitRunning(job, Duration.ofMinutes(2));
        record(p.dir(), job, jobArgs, parallelism);
        out.println("JOB RUNNING " + job);
        return 0;
    }

    private static int upgrade(Parsed p, PrintStream out, PrintStream err)
            throws UsageException, IOException {
        FlinkRest rest = new FlinkRest(jobManager(p));
        Optional<JsonNode> last = submission(p.dir());
        boolean statefun = p.command().equals(STATEFUN_UPGRADE);
        String entry = statefun ? StatefunSubmission.ENTRY_CLASS : ENTRY_CLASS;
        String jobName = statefun ? StatefunSubmission.JOB_NAME : JOB_NAME;
        String recordedEntry =
                last.map(s -> s.path("entryClass").asText(ENTRY_CLASS)).orElse(ENTRY_CLASS);
        if (last.isPresent() && !recordedEntry.equals(entry)) {
            throw new IllegalStateException(
                    "the last submission in "
                            + p.dir()
                            + " runs "
                            + recordedEntry
                            + (statefun
                                    ? ": statefun upgrade handles the StateFun job only"
                                    : ": upgrade handles the profiler job only (./augur statefun"
                                            + " upgrade for StateFun's)"));
        }
        if (statefun && last.isEmpty()) {
            throw new IllegalStateException(
                    "no StateFun submission recorded in "
                            + p.dir()
                            + ": ./augur statefun submit first");
        }
        String job = p.options().get("job");
        if (job == null) {
            List<String> running =
                    rest.jobs().stream()
                            .filter(j -> j.state().equals("RUNNING"))
                            .map(FlinkRest.JobSummary::id)
                            .toList();
            String recorded = last.map(s -> s.path("jobId").asText()).orElse("");
            if (running.contains(recorded)) {
                job = recorded;
            } else {
                List<String> profilers =
                        rest.jobs().stream()
                                .filter(
                                        j ->
                                                j.state().equals("RUNNING")
                                                        && j.name().equals(jobName))
                                .map(FlinkRest.JobSummary::id)
                                .toList();
                if (profilers.size() != 1) {
                    throw new IllegalStateException(
                            profilers.size()
                                    + " "
                                    + jobName
                                    + " jobs are running on http://"
                                    + rest.address()
                                    + ": name one with --job ID (./augur cluster status)");
                }
                job = profilers.get(0);
            }
        }
        List<String> jobArgs = p.jobArgs();
        if (jobArgs.isEmpty()) {
            if (last.isEmpty() || !last.get().path("jobId").asText().equals(job)) {
                throw new UsageException(
                        "no recorded arguments for job "
                                + job
                                + (statefun
                                        ? ": ./augur statefun submit --savepoint PATH instead"
                                        : ": give them after --"));
            }
            jobArgs = new ArrayList<>();
            for (JsonNode a : last.get().path("args")) {
                jobArgs.add(a.asText());
            }
        }
        if (!statefun) {
            jobArgs = withModelDir(jobArgs);
        }
        int parallelism = last.map(s -> s.path("parallelism").asInt(1)).orElse(1);
        Path jar = statefun ? StatefunSubmission.jar(p) : jar(p);
        Path savepoints =
                Path.of(p.get("savepoint-dir", p.dir().resolve("savepoints").toString()))
                        .toAbsolutePath();
        err.println("stopping job " + job + " with a savepoint in " + savepoints);
        String savepoint =
                statefun
                        ? rest.cancelWithSavepoint(job, savepoints, Duration.ofMinutes(5))
                        : rest.stopWithSavepoint(job, savepoints, Duration.ofMinutes(5));
        out.println("SAVEPOINT " + savepoint);
        err.println("uploading " + jar);
        String jarId = rest.uploadJar(jar);
        String next = rest.runJar(jarId, entry, jobArgs, parallelism, savepoint);
        rest.awaitRunning(next, Duration.ofMinutes(2));
        record(p.dir(), next, jobArgs, parallelism, entry);
        out.println("JOB RUNNING " + next);
        return 0;
    }

    /** The job resolves a relative model directory against the JobManager's working directory. */
    static List<String> withModelDir(List<String> jobArgs) {
        if (jobArgs.contains("--model-dir")
                || jobArgs.stream().anyMatch(a -> a.startsWith("--profiler.forecast.model-dir"))) {
            return jobArgs;
        }
        List<String> with = new ArrayList<>(jobArgs);
        with.add("--model-dir");
        with.add(home().resolve("models/forecaster").toString());
        return with;
    }

    private static Path jar(Parsed p) throws UsageException, IOException {
        if (p.options().containsKey("jar")) {
            Path jar = Path.of(p.options().get("jar"));
            if (!Files.isRegularFile(jar)) {
                throw new UsageException("--jar " + jar + ": no such file");
            }
            return jar;
        }
        Path target = home().resolve("jobs/target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(f -> f.getFileName().toString().matches("augur-jobs-.*-job\\.jar"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "no job jar in "
                                                    + target
                                                    + ": ./augur build (or mvn -pl jobs package) first"));
        }
    }

    static String jobManager(Parsed p) {
        if (p.options().containsKey("jobmanager")) {
            return p.options().get("jobmanager");
        }
        Path recorded = p.dir().resolve("jobmanager.address");
        try {
            if (Files.isRegularFile(recorded)) {
                return Files.readString(recorded).trim();
            }
        } catch (IOException e) {
            // Fall back to Flink's default port.
        }
        return "127.0.0.1:" + p.flavor().defaultRestPort;
    }

    private static ClusterSpec existing(Path dir) {
        return new ClusterSpec(dir, 0, 0, 1, "hashmap", "1g", "0");
    }

    static void record(Path dir, String job, List<String> args, int parallelism)
            throws IOException {
        record(dir, job, args, parallelism, ENTRY_CLASS);
    }

    static void record(Path dir, String job, List<String> args, int parallelism, String entryClass)
            throws IOException {
        Files.createDirectories(dir);
        ObjectNode s = JSON.createObjectNode();
        s.put("jobId", job);
        s.put("entryClass", entryClass);
        s.put("parallelism", parallelism);
        s.putArray("args").addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
        Files.writeString(
                dir.resolve("submission.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
    }

    private static Optional<JsonNode> submission(Path dir) throws IOException {
        Path f = dir.resolve("submission.json");
        return Files.isRegularFile(f) ? Optional.of(JSON.readTree(f.toFile())) : Optional.empty();
    }

    /** The processes may start elsewhere: relative classpath entries are made absolute. */
    static String absolute(String classpath) {
        return java.util.Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(e -> !e.isBlank())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    static Path home() {
        return Path.of(System.getProperty("augur.home", ".")).toAbsolutePath().normalize();
    }
}
