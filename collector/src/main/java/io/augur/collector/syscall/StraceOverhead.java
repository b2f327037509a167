package io.augur.collector.syscall;

import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much strace-based capture slows a native task down: each workload runs in a task group {@code
 * runs} times in every mode, modes alternating, and the median wall time of each mode is printed
 * with its ratio to the untraced run. Needs root. Part of {@code ./augur bench collector}.
 *
 * <p>Modes: {@code untraced}; {@code strace>null} (strace with the collector's flags writing to
 * /dev/null: strace's own cost); {@code capture all} and {@code capture file,net,proc} (the
 * production path: {@link SyscallCapture} reading strace, parsing, queueing to a counting sink).
 * Each process waits on its standard input until the tracer has attached, so only the workload is
 * timed, from releasing it to its exit.
 */
public final class StraceOverhead {
    private static final String REDUCED = "%file,%network,%process";

    private StraceOverhead() {}

    record Workload(String name, String script) {}

    enum Mode {
        UNTRACED("untraced"),
        STRACE_TO_NULL("strace>null"),
        CAPTURE_ALL("capture all"),
        CAPTURE_REDUCED("capture file,net,proc");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** Runs every workload in every mode {@code runs} times and prints the medians. */
    public static void run(int runs, long ddBytes) throws IOException, InterruptedException {
        List<Workload> workloads =
                List.of(
                        new Workload(
                                "dd bs=1 (" + ddBytes + " reads+writes)",
                                "dd if=/dev/zero of=/dev/null bs=1 count="
                                        + ddBytes
                                        + " 2>/dev/null"),
                        new Workload(
                                "find /usr/share -maxdepth 3",
                                "find /usr/share -maxdepth 3 > /dev/null"),
                        new Workload(
                                "300 x fork+exec cat",
                                "i=0; while [ $i -lt 300 ]; do cat /etc/hostname > /dev/null;"
                                        + " i=$((i+1)); done"));

        TaskCgroups cgroups =
                TaskCgroups.detect("augur-bench-" + UUID.randomUUID().toString().substring(0, 8));
        System.out.printf(
                "strace: %d runs per mode, %d cpus, load %.2f%n",
                runs,
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        try {
            for (Workload w : workloads) {
                Map<Mode, List<Double>> seconds = new LinkedHashMap<>();
                Map<Mode, long[]> events = new LinkedHashMap<>();
                for (int run = 0; run < runs; run++) {
                    for (Mode mode : Mode.values()) {
                        long[] counts = new long[2];
                        double s = once(cgroups, w, mode, counts);
                        seconds.computeIfAbsent(mode, m -> new ArrayList<>()).add(s);
                        events.merge(mode, counts, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                    }
                }
                double base = median(seconds.get(Mode.UNTRACED));
                System.out.printf("strace: %s%n", w.name());
                for (Mode mode : Mode.values()) {
                    double m = median(seconds.get(mode));
                    long[] e = events.get(mode);
                    System.out.printf(
                            "  %-22s median %8.3f s  x%6.1f  runs %s%s%n",
                            mode.label,
                            m,
                            m / base,
                            format(seconds.get(mode)),
                            mode == Mode.CAPTURE_ALL || mode == Mode.CAPTURE_REDUCED
                                    ? String.format(
                                            "  calls/run %d, dropped/run %d",
                                            e[0] / runs, e[1] / runs)
                                    : "");
                }
            }
        } finally {
            cgroups.destroyRoot();
        }
    }

    /** One run; {@code counts} receives calls captured and dropped. */
    static double once(TaskCgroups cgroups, Workload w, Mode mode, long[] counts)
            throws IOException, InterruptedException {
        TaskCgroup group = cgroups.create("bench");
        Process p =
                new ProcessBuilder(group.commandInside("sh -c 'read go; " + w.script() + "'"))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        await(() -> group.pids().contains(p.pid()), "the workload in its group");
        Process straceToNull = null;
        SyscallCapture capture = null;
        AtomicLong sunk = new AtomicLong();
        switch (mode) {
            case UNTRACED -> {}
            case STRACE_TO_NULL -> {
                List<String> argv =
                        new ArrayList<>(StraceCommand.defaults().attachTo(List.of(p.pid())));
                argv.set(argv.indexOf("/dev/stdout"), "/dev/null");
                straceToNull =
                        new ProcessBuilder(argv)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .redirectError(ProcessBuilder.Redirect.DISCARD)
                                .start();
            }
            case CAPTURE_ALL, CAPTURE_REDUCED -> {
                String set = mode == Mode.CAPTURE_ALL ? StraceCommand.ALL : REDUCED;
                capture =
                        new SyscallCapture(
                                SyscallSelection.ALL,
                                id -> "default",
                                TraceLauncher.strace(
                                        new StraceCommand(StraceCommand.DEBIAN_STRACE, set)),
                                ProcStatus.proc(),
                                batch -> sunk.addAndGet(batch.size()),
                                SyscallCaptureConfig.defaults());
                capture.sync(Map.of("bench", group.pids()));
            }
        }
        if (mode != Mode.UNTRACED) {
            await(() -> ProcStatus.proc().tracerOf(p.pid()).orElse(0) > 0, "strace attached");
        }
        long start = System.nanoTime();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("workload did not finish: " + w.name());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (straceToNull != null) {
            straceToNull.waitFor();
        }
        if (capture != null) {
            SyscallCapture c = capture;
            await(() -> c.tasksTraced() == 0, "strace ended");
            c.close();
            counts[0] = c.eventsCaptured();
            counts[1] = c.eventsDropped();
        }
        cgroups.destroy("bench");
        return seconds;
    }

    static void await(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within 30 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String format(List<Double> xs) {
        return Arrays.toString(xs.stream().map(x -> String.format("%.3f", x)).toArray());
    }
}
