package io.augur.deploy.demo;

import io.augur.collector.syscall.SyscallSelection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code ./augur demo}: the closed loop on this machine, with a report. */
public final class DemoMain {
    private DemoMain() {}

    static final String USAGE =
            """
            usage: augur demo [--duration SECONDS] [--out DIR] [--refresh SECONDS] [--model-dir DIR]
                              [--trace-syscalls SPEC] [--with-jvm-service]
                              [--scenario default|contention]

            Starts Kafka, the behaviour profiler (Flink 2.2), the StateFun runtime and functions,
            the enforcer and the collector on this machine, runs one benign and two hostile
            workloads (with --with-jvm-service also, once they have their first decision, a JVM
            order service whose method calls turn hostile a third of the run later: it runs
            under the JVM agent, its resources stay calm), shows a live table of risk, actions,
            limits and invocations, then stops everything and writes DIR/report.json.
            Every workload is started as ./augur run starts a task (the sandbox launcher, one
            per task): its own cgroup with launch limits (1 core, 1 GiB, 512 processes), its own
            network namespace joined to the host by a veth pair (the collector counts the task's
            own traffic; the enforcer's RESTRICT and QUARANTINE cut it), the default seccomp
            profile under bubblewrap, STARTED/ENDED on augur.tasks. The JVM service streams what
            it steals to a sink of the demo's on the host, across its veth. The collector traces
            the native workloads' system calls with strace and accepts JVM agents on
            DIR/stack/agents.sock (augur.telemetry.invocations); the report counts each task's
            invocations, lists its most frequent ones and sums its network counters.
            Needs root (cgroups, namespaces) and ip, tc, nft, bwrap (./augur demo installs
            them). Ctrl-C stops it cleanly: each task's launcher removes its cgroup, namespace
            and veth.

              --duration SECONDS  how long the workloads run (default 90)
              --out DIR           output folder (default target/augur-demo)
              --refresh SECONDS   how often the table is printed (default 2)
              --model-dir DIR     the forecaster's model versions (default models/forecaster:
                                  the shipped LSTM)
              --trace-syscalls SPEC  whose system calls the collector traces with strace:
                                  native (default: every workload not under the JVM agent,
                                  so each task's invocation stream is captured: system calls
                                  of the native workloads, method calls of the JVM service),
                                  none, all, or role:NAME / task:ID, comma-separated (the
                                  workloads' role is worker). Their calls are scored by the
                                  default model (models/sequences/default, trained on
                                  recordings of the native workloads)
              --with-jvm-service  add the sample JVM order service (task shop-RUNID) under the
                                  JVM agent: the collector captures its method calls, which
                                  turn hostile a third of the run after it starts. Off by
                                  default: on a loaded 2-core node its extra load kept the
                                  burner from being restricted
              --scenario NAME     default (above), or contention: "a trusted task gains what a
                                  hostile one loses" on a node pool of 0.8 core. A CPU miner
                                  (task miner-RUNID, role worker, unknown source: MEDIUM trust,
                                  launched with 0.8 core) and, once it has its first decision, a
                                  trusted steady task (steady-RUNID, role batch, HIGH trust, 0.8
                                  core of demand, launched with 0.5 core). The trusted task uses
                                  all it has, asks for more, and the pool reclaims the cores from
                                  the miner (THROTTLE/RESTRICT "under contention: reclaimed ...").
                                  The end prints both tasks' CPU limits over time, the reclaims,
                                  the pool's granted total and the trusted task's measured CPU;
                                  report.json has them under "contention". Not with
                                  --with-jvm-service
            """;

    public static void main(String[] args) {
        long duration = 90;
        Path out = Path.of("target", "augur-demo");
        long refresh = 2;
        Path modelDir = null;
        SyscallSelection traced = null; // native
        boolean jvmService = false;
        Demo.Scenario scenario = Demo.Scenario.DEFAULT;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    System.out.print(USAGE);
                    return;
                }
                case "--duration" -> duration = positive(args, ++i, "--duration");
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--refresh" -> refresh = positive(args, ++i, "--refresh");
                case "--model-dir" -> modelDir = Path.of(value(args, ++i, "--model-dir"));
                case "--trace-syscalls" -> traced = selection(value(args, ++i, "--trace-syscalls"));
                case "--with-jvm-service" -> jvmService = true;
                case "--scenario" -> scenario = scenario(value(args, ++i, "--scenario"));
                default -> fail("unknown argument: " + args[i]);
            }
        }
        if (jvmService && scenario != Demo.Scenario.DEFAULT) {
            fail(
                    "--with-jvm-service belongs to the default scenario, not to --scenario contention");
        }
        boolean ansi = System.console() != null && System.getenv("CI") == null;
        Demo demo =
                new Demo(
                        new Demo.Options(
                                Duration.ofSeconds(duration),
                                out,
                                Duration.ofSeconds(refresh),
                                ansi,
                                modelDir,
                                traced,
                                jvmService,
                                scenario),
                        System.out,
                        Clock.systemUTC());
        CountDownLatch closedByMain = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    // Ctrl-C: the main thread leaves its loop and closes the demo;
                                    // only if it does not within the grace does this thread
                                    // close it (say, SIGINT while the stack is starting).
                                    demo.requestStop();
                                    try {
                                        if (!closedByMain.await(
                                                HOOK_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                                            demo.close();
                                        }
                                    } catch (InterruptedException e) {
                                        demo.close();
                                    }
                                },
                                "demo-shutdown"));
        try {
            demo.run();
        } catch (RuntimeException e) {
            if (!demo.stopRequested()) {
                throw e;
            }
            // Interrupted while starting or stopping: what failed is the interruption's doing.
            System.out.println("interrupted: " + e);
        } finally {
            demo.close();
            closedByMain.countDown();
        }
    }

    /** How long Ctrl-C waits for the main thread to stop the demo before stopping it itself. */
    static final Duration HOOK_GRACE = Duration.ofSeconds(90);

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    static Demo.Scenario scenario(String name) {
        return switch (name) {
            case "default" -> Demo.Scenario.DEFAULT;
            case "contention" -> Demo.Scenario.CONTENTION;
            default -> {
                fail("--scenario is default or contention, got '" + name + "'");
                yield null;
            }
        };
    }

    /** The spec, or null for {@code native}: the workloads not under the JVM agent. */
    private static SyscallSelection selection(String spec) {
        if ("native".equals(spec.trim())) {
            return null;
        }
        try {
            return SyscallSelection.parse(spec);
        } catch (IllegalArgumentException e) {
            fail("--trace-syscalls: " + e.getMessage());
            return null;
        }
    }

    private static long positive(String[] args, int i, String flag) {
        String v = value(args, i, flag);
        try {
            long n = Long.parseLong(v);
            if (n <= 0) {
                fail(flag + " must be positive: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            fail(flag + " must be a whole number of seconds: " + v);
            return 0;
        }
    }

    private static void fail(String message) {
        System.err.println("augur demo: " + message);
        System.err.print(USAGE);
        System.exit(2);
    }
}
