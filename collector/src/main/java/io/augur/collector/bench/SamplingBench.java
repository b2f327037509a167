package io.augur.collector.bench;

import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.collector.KeyedRecord;
import io.augur.collector.SampleBuilder;
import io.augur.collector.Sampler;
import io.augur.collector.SamplingSchedule;
import io.augur.collector.TaskDirectory;
import io.augur.collector.UsageSource;
import io.augur.collector.proc.ProcessTable;
import io.augur.schema.ResourceSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The collector's own cost: CPU time of the sampling thread (cgroup and {@code /proc} reads,
 * samples built and Avro-encoded, as the agent does before handing them to Kafka) for N tasks of P
 * processes each at a fixed rate, in cores per 100 tasks. Kafka's producer is not included.
 */
final class SamplingBench {
    /**
     * One run's figures.
     *
     * @param tasks tasks sampled
     * @param rounds sampling rounds
     * @param cores CPU of the sampling thread over the run, in cores
     * @param userShare the share of that CPU spent in user space (the rest is the kernel's)
     * @param medianRoundMs median wall time of one round
     */
    record Result(int tasks, int rounds, double cores, double userShare, double medianRoundMs) {
        double coresPer100Tasks() {
            return cores * 100.0 / tasks;
        }
    }

    private SamplingBench() {}

    static Result run(
            int tasks,
            int processesPerTask,
            Duration interval,
            int rounds,
            boolean procStats,
            int heldFiles) {
        String root = "augur-bench-" + UUID.randomUUID().toString().substring(0, 8);
        TaskCgroups cgroups = TaskCgroups.detect(root);
        List<Process> started = new ArrayList<>();
        try {
            System.err.printf("starting %d tasks of %d processes%n", tasks, processesPerTask);
            // P-1 sleepers in the background, then the shell becomes the last one: P processes.
            String sleepers =
                    "sleep 3600 & ".repeat(Math.max(0, processesPerTask - 1)) + "exec sleep 3600";
            for (int t = 0; t < tasks; t++) {
                TaskCgroup group = cgroups.create(String.format("bench-%05d", t));
                started.add(
                        new ProcessBuilder(group.commandInside("sh -c '" + sleepers + "'"))
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .redirectError(ProcessBuilder.Redirect.DISCARD)
                                .start());
            }
            Thread.sleep(1000); // let every shell fork its sleepers
            Sampler sampler =
                    new Sampler(
                            UsageSource.of(
                                    cgroups,
                                    procStats ? ProcessTable.system(heldFiles) : null,
                                    heldFiles),
                            new TaskDirectory(),
                            new SampleBuilder(
                                    "bench",
                                    ProcessTable.clockTicksPerSecond(),
                                    SampleBuilder.DEFAULT_TOP_PROCESSES),
                            new SamplingSchedule(interval));
            sampler.sampleOnce();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long userStart = threads.getCurrentThreadUserTime();
            long wallStart = System.nanoTime();
            double[] roundMs = new double[rounds];
            long encoded = 0;
            for (int r = 0; r < rounds; r++) {
                long due = wallStart + (r + 1) * interval.toNanos();
                long sleep = due - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
                long t0 = System.nanoTime();
                List<ResourceSample> samples = sampler.sampleOnce();
                for (ResourceSample s : samples) {
                    encoded += KeyedRecord.of(s).value().length;
                }
                roundMs[r] = (System.nanoTime() - t0) / 1e6;
                if ((r + 1) % 10 == 0) {
                    System.err.printf(
                            "  round %d/%d: %d samples, %.1f ms%n",
                            r + 1, rounds, samples.size(), roundMs[r]);
                }
            }
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            double user = (threads.getCurrentThreadUserTime() - userStart) / 1e9;
            double wall = (System.nanoTime() - wallStart) / 1e9;
            Arrays.sort(roundMs);
            if (encoded == 0) {
                throw new IllegalStateException("no samples were taken");
            }
            return new Result(tasks, rounds, cpu / wall, user / cpu, roundMs[rounds / 2]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            for (Process p : started) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            cgroups.destroyRoot();
        }
    }

    static String line(Result r) {
        return String.format(
                Locale.ROOT,
                "sampling: %d tasks, %d rounds: %.4f cores (%.2f %% of a core per 100 tasks,"
                        + " %.0f %% of it in user space), median round %.1f ms",
                r.tasks(),
                r.rounds(),
                r.cores(),
                r.coresPer100Tasks() * 100,
                r.userShare() * 100,
                r.medianRoundMs());
    }
}
