package io.augur.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java process of one Augur module, started with that module's classpath. Its stdout and stderr
 * go to a log file; {@link #awaitLogLine} waits for a readiness line in it. {@link #close()} stops
 * it gracefully (SIGTERM, then SIGKILL after a grace period); {@link #kill()} is SIGKILL at once,
 * for crash tests.
 */
public final class JavaProcess implements AutoCloseable {

    /** Flags every Augur JVM gets: the StateFun runtime needs them, the rest do no harm. */
    public static final List<String> ADD_OPENS =
            List.of(
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED");

    private final String name;
    private final Process process;
    private final Path log;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static Builder builder(String module, String mainClass) {
        return new Builder(module, mainClass);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    /**
     * Waits until a line of the log matches, the process dies (an error naming its log) or the
     * timeout passes (an error naming its log).
     */
    public String awaitLogLine(Predicate<String> match, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            for (String line : readLog()) {
                if (match.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name
                                + " exited with "
                                + process.exitValue()
                                + " before it was ready; log: "
                                + log
                                + "\n"
                                + tail());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        name + " not ready after " + timeout + "; log: " + log + "\n" + tail());
            }
            sleep(100);
        }
    }

    /** The last lines of the log, for error messages. */
    public String tail() {
        List<String> lines = readLog();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private List<String> readLog() {
        try {
            return Files.exists(log)
                    ? Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8)
                    : List.of();
        } catch (IOException e) {
            // A partly written multi-byte character at the end; read again next round.
            return List.of();
        } catch (UncheckedIOException e) {
            return List.of();
        }
    }

    /**
     * SIGKILL, no shutdown hooks: a crash. The process dies first, then the descendants it had: a
     * process that saw its children die first could start its own clean-up in the gap.
     */
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGTERM, then SIGKILL if still alive after 45 s (a Flink job's cancel may take 30 s). */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(Duration.ofSeconds(45))) {
            kill();
        }
    }

    public boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The prefix that starts a command in a session of its own ({@code setsid}, where the machine
     * has it): a terminal's Ctrl-C then reaches only the process that started it, which stops its
     * children in order, instead of every process at once (a broker dying before the processes that
     * still write to it). Empty where there is no setsid.
     */
    public static List<String> ownSession() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return List.of(candidate);
            }
        }
        return List.of();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Builds a {@link JavaProcess}. */
    public static final class Builder {
        private final String module;
        private final String mainClass;
        private final List<String> jvmArgs = new ArrayList<>(ADD_OPENS);
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String name;
        private Path log;
        private String classpath;

        private Builder(String module, String mainClass) {
            this.module = module;
            this.mainClass = mainClass;
            this.name = module;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        public Builder systemProperty(String key, String value) {
            jvmArgs.add("-D" + key + "=" + value);
            return this;
        }

        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        public Builder args(List<String> more) {
            args.addAll(more);
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Overrides the module's classpath (e.g. to add test classes). */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder log(Path log) {
            this.log = log;
            return this;
        }

        public JavaProcess start() {
            String cp = classpath != null ? classpath : ModuleClasspath.of(module);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(ownSession());
            command.add(java);
            command.addAll(jvmArgs);
            command.add("-cp");
            command.add(cp);
            command.add(mainClass);
            command.addAll(args);
            try {
                Path logFile = log != null ? log : Files.createTempFile("augur-" + name, ".log");
                Files.createDirectories(logFile.toAbsolutePath().getParent());
                ProcessBuilder pb =
                        new ProcessBuilder(command)
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                                .redirectInput(
                                        ProcessBuilder.Redirect.from(
                                                new java.io.File("/dev/null")));
                pb.environment().putAll(env);
                return new JavaProcess(name, pb.start(), logFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name, e);
            }
        }
    }
}
