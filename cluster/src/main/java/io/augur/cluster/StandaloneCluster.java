package io.augur.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A standalone Flink session cluster on this machine: one JobManager and one TaskManager process,
 * started from a classpath of Maven Central's Flink jars (there is no flink-dist there), each in a
 * session of its own so they outlive the command that started them. The Flink is the classpath's:
 * 2.2 (the cluster module's) or 1.16.2 for the StateFun distribution (statefun-dist's), as the
 * spec's {@link ClusterSpec.Flavor} says. Their pids are kept in the cluster's directory; {@link
 * #stop} ends them.
 */
public final class StandaloneCluster {

    static final String JOB_MANAGER =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    /** What Flink's own scripts pass on Java 17 (env.java.opts.all of its default config). */
    static final List<String> JAVA_17_OPENS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /** One of the cluster's two processes. */
    public enum Role {
        JOBMANAGER(JOB_MANAGER, "-Xmx768m"),
        /** Its JVM sizes come from its memory configuration. */
        TASKMANAGER(TASK_MANAGER, "");

        final String mainClass;
        final String heap;

        Role(String mainClass, String heap) {
            this.mainClass = mainClass;
            this.heap = heap;
        }

        String fileName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final ClusterSpec spec;
    private final String classpath;

    /**
     * @param classpath the cluster's lib/: this module's runtime classpath
     */
    public StandaloneCluster(ClusterSpec spec, String classpath) {
        this.spec = spec;
        this.classpath = classpath;
    }

    public ClusterSpec spec() {
        return spec;
    }

    public FlinkRest rest() {
        return new FlinkRest(spec.restAddress());
    }

    /**
     * Writes the configuration, starts both processes and waits until the TaskManager has
     * registered its slots.
     *
     * @throws IllegalStateException when a process of this cluster is already running, one dies
     *     while starting (its log's tail is in the message), or the slots do not appear in time
     */
    public void start(Duration timeout, Consumer<String> progress) throws IOException {
        for (Role role : Role.values()) {
            Optional<ProcessHandle> running = process(role);
            if (running.isPresent()) {
                throw new IllegalStateException(
                        "a "
                                + role.fileName()
                                + " of this cluster is running (pid "
                                + running.get().pid()
                                + "): ./augur cluster down --dir "
                                + spec.dir()
                                + " first");
            }
        }
        Files.createDirectories(spec.confDir());
        Files.createDirectories(spec.logDir());
        Files.createDirectories(spec.savepointDir());
        Files.createDirectories(spec.dir().resolve("uploads"));
        Files.writeString(spec.confDir().resolve(spec.flavor().configFile()), spec.configYaml());
        Files.writeString(spec.confDir().resolve("log4j.properties"), LOG4J);
        List<Process> started = new ArrayList<>();
        for (Role role : Role.values()) {
            Process p = launch(role);
            started.add(p);
            Files.writeString(pidFile(role), Long.toString(p.pid()));
            progress.accept(role.fileName() + " started, pid " + p.pid());
        }
        Instant deadline = Instant.now().plus(timeout);
        FlinkRest rest = rest();
        while (true) {
            for (Role role : Role.values()) {
                if (!started.get(role.ordinal()).isAlive()) {
                    // A dying JVM often ends its log with a thread dump: the cause is earlier.
                    String first = firstError(log(role), 20);
                    String tail = tail(log(role), 40);
                    stop(Duration.ofSeconds(10), s -> {});
                    throw new IllegalStateException(
                            role.fileName()
                                    + " exited while starting ("
                                    + log(role)
                                    + "):\n"
                                    + (first.isEmpty() ? "" : "first error:\n" + first + "\n")
                                    + "last lines:\n"
                                    + tail);
                }
            }
            Optional<int[]> slots = rest.slots();
            if (slots.isPresent() && slots.get()[0] >= 1 && slots.get()[1] >= spec.slots()) {
                progress.accept(
                        "taskmanager registered: "
                                + slots.get()[1]
                                + " slots; web and REST at http://"
                                + spec.restAddress());
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                stop(Duration.ofSeconds(10), s -> {});
                throw new IllegalStateException(
                        "the cluster did not offer "
                                + spec.slots()
                                + " slots within "
                                + timeout.toSeconds()
                                + " s; logs in "
                                + spec.logDir());
            }
            sleep(250);
        }
    }

    private Process launch(Role role) throws IOException {
        List<String> command = new ArrayList<>();
        // As launcher's JavaProcess.ownSession(); the launcher is not on this module's runtime
        // classpath, which is the cluster's lib/ and must stay free of its Kafka client.
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                command.add(setsid);
                break;
            }
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> dynamic = new ArrayList<>();
        if (role == Role.TASKMANAGER && spec.flavor() == ClusterSpec.Flavor.STATEFUN) {
            // Another Flink version than this JVM's: its own BashJavaUtils sizes it.
            List<String> resources = bashJavaUtils("GET_TM_RESOURCE_PARAMS");
            command.addAll(split(resources.get(0)));
            dynamic.addAll(split(resources.get(1)));
        } else if (role == Role.TASKMANAGER) {
            // What Flink's scripts compute with BashJavaUtils: the TaskManager's memory pools and
            // CPU as dynamic properties, and JVM sizes that match them.
            TaskExecutorProcessSpec resources =
                    TaskExecutorProcessUtils.processSpecFromConfig(
                            GlobalConfiguration.loadConfiguration(spec.confDir().toString()));
            command.addAll(split(ProcessMemoryUtils.generateJvmParametersStr(resources)));
            dynamic.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(resources)));
        } else {
            command.add(role.heap);
        }
        command.addAll(JAVA_17_OPENS);
        command.add("-Dlog.file=" + log(role));
        command.add("-Dlog4j.configurationFile=" + spec.confDir().resolve("log4j.properties"));
        // Models are loaded from disk only: DJL must never try to download libtorch.
        command.add("-Dai.djl.offline=true");
        command.add("-cp");
        command.add(classpath);
        command.add(role.mainClass);
        command.add("--configDir");
        command.add(spec.confDir().toString());
        command.addAll(dynamic);
        Path out = spec.logDir().resolve(role.fileName() + ".out");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /**
     * Runs the cluster's own {@code BashJavaUtils} (what Flink's {@code taskmanager.sh} runs) on
     * its configuration and returns its result lines: for {@code GET_TM_RESOURCE_PARAMS} the JVM
     * parameters, then the dynamic properties of the memory pools.
     */
    private List<String> bashJavaUtils(String command) throws IOException {
        List<String> cmd =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        classpath,
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        command,
                        "--configDir",
                        spec.confDir().toString());
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("BashJavaUtils " + command + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
        List<String> results =
                out.lines()
                        .filter(l -> l.startsWith(BASH_JAVA_UTILS_RESULT))
                        .map(l -> l.substring(BASH_JAVA_UTILS_RESULT.length()))
                        .toList();
        if (p.exitValue() != 0 || results.size() < 2) {
            throw new IllegalStateException(
                    "cannot size the taskmanager from "
                            + spec.confDir().resolve(spec.flavor().configFile())
                            + " (BashJavaUtils "
                            + command
                            + " exited with "
                            + p.exitValue()
                            + "):\n"
                            + out.strip());
        }
        return results;
    }

    private static final String BASH_JAVA_UTILS_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";

    private static List<String> split(String args) {
        return List.of(args.trim().split("\\s+"));
    }

    /**
     * Ends both processes (SIGTERM, then SIGKILL after the timeout) and removes their pid files.
     *
     * @return how many processes were running
     */
    public int stop(Duration timeout, Consumer<String> progress) {
        int stopped = 0;
        for (Role role : List.of(Role.TASKMANAGER, Role.JOBMANAGER)) {
            Optional<ProcessHandle> p = process(role);
            if (p.isPresent()) {
                stopped++;
                ProcessHandle h = p.get();
                h.destroy();
                try {
                    h.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    progress.accept(role.fileName() + " (pid " + h.pid() + ") stopped");
                } catch (java.util.concurrent.TimeoutException e) {
                    h.destroyForcibly();
                    progress.accept(
                            role.fileName() + " (pid " + h.pid() + ") killed after the timeout");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    h.destroyForcibly();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }
            try {
                Files.deleteIfExists(pidFile(role));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stopped;
    }

    /** The running process of a role, if its pid file names a live process of this cluster. */
    public Optional<ProcessHandle> process(Role role) {
        Path pid = pidFile(role);
        if (!Files.isRegularFile(pid)) {
            return Optional.empty();
        }
        try {
            long id = Long.parseLong(Files.readString(pid).trim());
            // A stale pid file may name a pid the kernel has given to another program since.
            return ProcessHandle.of(id)
                    .filter(ProcessHandle::isAlive)
                    .filter(
                            h ->
                                    h.info()
                                            .arguments()
                                            .map(a -> List.of(a).contains(role.mainClass))
                                            .orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Path log(Role role) {
        return spec.logDir().resolve(role.fileName() + ".log");
    }

    private Path pidFile(Role role) {
        return spec.dir().resolve(role.fileName() + ".pid");
    }

    /**
     * The log's first line that reports an error or an exception and the {@code lines - 1} after
     * it; empty when there is none or the log cannot be read.
     */
    static String firstError(Path file, int lines) {
        try {
            if (!Files.isRegularFile(file)) {
                return "";
            }
            List<String> all = Files.readAllLines(file);
            for (int i = 0; i < all.size(); i++) {
                String line = all.get(i);
                if (line.contains(" ERROR ") || line.matches(".*\\w+(Exception|Error)\\b.*")) {
                    return String.join("\n", all.subList(i, Math.min(all.size(), i + lines)));
                }
            }
            return "";
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.isRegularFile(file)) {
                return "(no log at " + file + ")";
            }
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static final String LOG4J =
            String.join(
                    "\n",
                    "# Written by ./augur cluster up: each process logs to its own file.",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.file.ref = MainAppender",
                    "appender.main.name = MainAppender",
                    "appender.main.type = RollingFile",
                    "appender.main.append = true",
                    "appender.main.fileName = ${sys:log.file}",
                    "appender.main.filePattern = ${sys:log.file}.%i",
                    "appender.main.layout.type = PatternLayout",
                    "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                    "appender.main.policies.type = Policies",
                    "appender.main.policies.size.type = SizeBasedTriggeringPolicy",
                    "appender.main.policies.size.size = 100MB",
                    "appender.main.strategy.type = DefaultRolloverStrategy",
                    "appender.main.strategy.max = 5",
                    "logger.kafka.name = org.apache.kafka",
                    "logger.kafka.level = WARN",
                    "");
}
