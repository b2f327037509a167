package io.augur.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.collector.syscall.SyscallSelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/** {@code ./augur up}: starts the local stack and keeps it running until Ctrl-C. */
public final class UpMain {
    private UpMain() {}

    static final String USAGE =
            """
            usage: augur up [--dir DIR] [--cgroup-root NAME] [--metrics-ports F,E,C,P]
                            [--trace-syscalls SPEC] [--policy FILE] [--model-dir DIR]

            Starts the local stack on this machine — Kafka (KRaft), the StateFun function server,
            the StateFun runtime, the behaviour profiler job, the enforcer and the collector — each
            in its own JVM, waits until every one is ready, prints where to reach them, and keeps
            running until Ctrl-C, which stops them all.
            Tasks are the child cgroups of NAME: start a process in one (e.g. under
            /sys/fs/cgroup/cpu/NAME/TASK, ...) and register it on augur.tasks to see it assessed.
            The collector sends each task's invocations to augur.telemetry.invocations: the system
            calls of the tasks SPEC selects (traced with strace, which slows a task that makes
            many calls many times over), and the method calls of JVM tasks started with
            -javaagent:agent/target/augur-agent.jar=packages=PKG;socket=DIR/agents.sock

              --dir DIR           data and logs (default target/augur-stack)
              --cgroup-root NAME  managed cgroup root (default augur)
              --metrics-ports F,E,C,P  /metrics ports of the function server, the enforcer,
                                  the collector and the profiler job (default
                                  9401,9402,9403,9404: the ports
                                  deploy/prometheus/prometheus.yml scrapes)
              --trace-syscalls SPEC  whose system calls are traced: none (default), all, or
                                  role:NAME / task:ID, comma-separated
              --policy FILE       the decision policy (default deploy/policies/default.yaml;
                                  format: deploy/policies/README.md); edit it while the stack
                                  runs and the functions take the change within a second (an
                                  invalid change is logged and refused)
              --model-dir DIR     the forecaster's model versions, each a folder with model.pt
                                  and metadata.json (default models/forecaster: the LSTM
                                  trained on Augur's tasks at the job's 2 s window); the job
                                  serves the newest and picks up versions added while it runs.
                                  The sequence models stay models/sequences. A relative path
                                  is taken from the Augur checkout (./augur runs there).
            """;

    public static void main(String[] args) throws InterruptedException {
        StackConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("augur up: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.print(USAGE);
            return;
        }
        StackConfig.MetricsPorts metrics = config.metrics();
        String root = config.cgroupRoot();
        LocalStack stack = LocalStack.start(config, step -> System.out.println("  - " + step));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stack.close();
                                    stopped.countDown();
                                },
                                "stack-shutdown"));
        System.out.println("Augur is up.");
        System.out.println("  kafka bootstrap : " + stack.bootstrapServers());
        System.out.println("  functions       : " + stack.functionsUrl());
        System.out.println("  node / cgroups  : " + config.nodeId() + " / " + root);
        System.out.println(
                "  metrics         : functions :"
                        + metrics.functions()
                        + ", enforcer :"
                        + metrics.enforcer()
                        + ", collector :"
                        + metrics.collector()
                        + " (/metrics)");
        System.out.println(
                "  invocations     : system calls of "
                        + config.traceSyscalls()
                        + " tasks; JVM agents on "
                        + config.agentSocket());
        System.out.println("  policy          : " + config.policy() + " (reread on change)");
        System.out.println(
                "  forecaster      : newest version under "
                        + config.modelDir()
                        + " (new versions picked up)");
        System.out.println("  logs            : " + config.logs());
        System.out.println("Ctrl-C stops everything.");
        stopped.await();
    }

    /** The stack the arguments ask for; null for --help. Bad arguments throw, saying why. */
    static StackConfig parse(String[] args) {
        Path dir = Path.of("target", "augur-stack");
        String root = "augur";
        StackConfig.MetricsPorts metrics = StackConfig.MetricsPorts.SCRAPED;
        SyscallSelection traced = SyscallSelection.NONE;
        Path policy = null;
        Path models = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--dir" -> dir = Path.of(next(args, ++i, "--dir"));
                case "--cgroup-root" -> root = next(args, ++i, "--cgroup-root");
                case "--metrics-ports" -> metrics = ports(next(args, ++i, "--metrics-ports"));
                case "--trace-syscalls" -> traced = selection(next(args, ++i, "--trace-syscalls"));
                case "--policy" -> policy = Path.of(next(args, ++i, "--policy"));
                case "--model-dir" -> models = Path.of(next(args, ++i, "--model-dir"));
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        StackConfig config =
                StackConfig.defaults(dir.toAbsolutePath(), root)
                        .withMetrics(metrics)
                        .withTraceSyscalls(traced);
        if (policy != null) {
            if (!Files.isRegularFile(policy)) {
                throw new IllegalArgumentException("--policy: no such file: " + policy);
            }
            config = config.withPolicy(policy.toAbsolutePath());
        }
        if (models != null) {
            checkModelVersions(models);
            config = config.withModelDir(models.toAbsolutePath());
        }
        return config;
    }

    /** A directory of model versions holds at least one folder with model.pt and metadata.json. */
    static void checkModelVersions(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--model-dir: no such directory: " + dir);
        }
        if (isVersion(dir)) {
            throw new IllegalArgumentException(
                    "--model-dir: "
                            + dir
                            + " is one model version; give the directory of versions (its parent,"
                            + " "
                            + dir.toAbsolutePath().normalize().getParent()
                            + ")");
        }
        List<Path> versions;
        try (Stream<Path> children = Files.list(dir)) {
            versions = children.filter(UpMain::isVersion).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("--model-dir: cannot list " + dir + ": " + e);
        }
        if (versions.isEmpty()) {
            throw new IllegalArgumentException(
                    "--model-dir: no model version (a folder with model.pt and metadata.json) in "
                            + dir);
        }
        // The job serves only versions whose metadata parses: say so now, not after the broker
        // and the runtime have started.
        List<String> unreadable = new ArrayList<>();
        for (Path v : versions) {
            try {
                JsonNode meta = new ObjectMapper().readTree(v.resolve("metadata.json").toFile());
                if (!meta.isObject() || !meta.path("version").isTextual()) {
                    unreadable.add(v.getFileName() + " (no \"version\")");
                }
            } catch (IOException e) {
                unreadable.add(
                        v.getFileName()
                                + " ("
                                + e.getMessage().lines().findFirst().orElse("")
                                + ")");
            }
        }
        if (unreadable.size() == versions.size()) {
            throw new IllegalArgumentException(
                    "--model-dir: no version in "
                            + dir
                            + " has a metadata.json that parses (docs/forecaster-model.md): "
                            + unreadable);
        }
    }

    private static boolean isVersion(Path dir) {
        return Files.isRegularFile(dir.resolve("model.pt"))
                && Files.isRegularFile(dir.resolve("metadata.json"));
    }

    private static StackConfig.MetricsPorts ports(String spec) {
        String[] parts = spec.split(",");
        if (parts.length == 4) {
            try {
                int[] p = new int[4];
                for (int i = 0; i < 4; i++) {
                    p[i] = Integer.parseInt(parts[i].trim());
                    if (p[i] < 1 || p[i] > 65535) {
                        throw new NumberFormatException(parts[i]);
                    }
                }
                return new StackConfig.MetricsPorts(p[0], p[1], p[2], p[3]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--metrics-ports: not a port: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException(
                "--metrics-ports takes four ports F,E,C,P, got '" + spec + "'");
    }

    private static SyscallSelection selection(String spec) {
        try {
            return SyscallSelection.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--trace-syscalls: " + e.getMessage());
        }
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
