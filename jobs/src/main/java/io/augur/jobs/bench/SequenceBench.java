package io.augur.jobs.bench;

import io.augur.jobs.BehaviorProfilerJob;
import io.augur.jobs.forecast.DjlRuntime;
import io.augur.jobs.sequence.CallScorer;
import io.augur.jobs.sequence.History;
import io.augur.jobs.sequence.NextCallModel;
import io.augur.jobs.sequence.SequenceModelRegistry;
import io.augur.jobs.sequence.SequenceSettings;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.InvocationEvent;
import io.augur.schema.InvocationKind;
import io.augur.schema.SequenceAnomaly;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./augur bench sequences}: invocations scored per second, raw and through the job.
 *
 * <ol>
 *   <li>raw: batched DJL next-call inference plus {@link CallScorer} in a loop on one thread (the
 *       ceiling: one core, one intra-op thread);
 *   <li>job: the job's own sequence branch ({@link BehaviorProfilerJob#scoreSequences}: keyed
 *       history, async micro-batched inference on one inference thread, windows, thresholds, user
 *       aggregation) on a MiniCluster in this JVM, parallelism 1, fed invocations of N tasks as
 *       fast as it takes them; rate = calls of the windows the sink saw between its first and last
 *       window.
 * </ol>
 *
 * The ratio is the operator path's cost over raw inference (goal ≥ 0.8). Prints one line per stage
 * and a JSON summary on the last line.
 */
public final class SequenceBench {
    static final String USAGE =
            "usage: augur bench sequences [--models DIR] [--role ROLE] [--calls N] [--tasks N]"
                    + " [--batch-size N]\n\n"
                    + "Invocations scored per second (per core: one inference thread, one intra-op"
                    + " thread) by raw batched\n"
                    + "DJL inference and through the job's sequence branch (same process, same"
                    + " model; the ratio is the\n"
                    + "operator path's overhead; goal >= 0.8). No Kafka.\n"
                    + "  --models DIR     sequence model registry (default models/sequences)\n"
                    + "  --role ROLE      the role whose model is used (default: the first role)\n"
                    + "  --calls N        invocations per stage (default 200000)\n"
                    + "  --tasks N        tasks the invocations are spread over (default 1000)\n"
                    + "  --batch-size N   forward-pass batch size (default 256)";

    private static final int WINDOW = 50;

    private SequenceBench() {}

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("augur.home", "."), "models", "sequences");
        String role = null;
        int calls = 200_000;
        int tasks = 1000;
        int batch = 256;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                case "--models" -> models = Path.of(args[++i]);
                case "--role" -> role = args[++i];
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--tasks" -> tasks = Integer.parseInt(args[++i]);
                case "--batch-size" -> batch = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        // Whole windows per task, so every call is in a window the sink sees.
        int perTask = Math.max(WINDOW, calls / tasks / WINDOW * WINDOW);
        calls = perTask * tasks;
        DjlRuntime.configure(1);
        String version;
        List<String> names;
        double raw;
        try (SequenceModelRegistry registry = SequenceModelRegistry.open(models)) {
            if (role == null) {
                role = registry.roles().get(0);
            }
            NextCallModel model = registry.forRole(role);
            version = model.qualifiedVersion();
            names = model.metadata().vocabulary();
            System.out.printf(
                    Locale.ROOT,
                    "model %s, h=%d, V=%d, batch %d, %d calls over %d tasks, %d cores%n",
                    version,
                    model.metadata().window(),
                    model.vocabulary().size(),
                    batch,
                    calls,
                    tasks,
                    Runtime.getRuntime().availableProcessors());
            raw = raw(model, names, calls, batch);
        }
        System.out.printf(Locale.ROOT, "raw DJL:        %,.0f calls/s%n", raw);
        double job = job(models, role, names, calls, tasks, perTask, batch);
        System.out.printf(
                Locale.ROOT, "sequence branch: %,.0f calls/s (%.2f of raw)%n", job, job / raw);
        System.out.printf(
                Locale.ROOT,
                "{\"model\":\"%s\",\"batch\":%d,\"calls\":%d,\"tasks\":%d,"
                        + "\"rawCallsPerSecond\":%.0f,\"jobCallsPerSecond\":%.0f,\"ratio\":%.3f}%n",
                version,
                batch,
                calls,
                tasks,
                raw,
                job,
                job / raw);
        System.exit(0);
    }

    /** The name of call {@code i} of a task: a fixed pseudo-random walk over the vocabulary. */
    static String call(List<String> names, long task, long i) {
        long h = (task * 0x9E3779B97F4A7C15L) ^ (i * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 31;
        // Mostly the first few names (a skewed, realistic distribution), sometimes any.
        int n = names.size();
        int k =
                (int) Math.floorMod(h, 16) < 14
                        ? (int) Math.floorMod(h >>> 8, Math.min(8, n))
                        : (int) Math.floorMod(h >>> 8, n);
        return names.get(k);
    }

    static double raw(NextCallModel model, List<String> names, int calls, int batch) {
        int h = model.metadata().window();
        SplittableRandom random = new SplittableRandom(7);
        List<String> stream = new ArrayList<>();
        for (int i = 0; i < 4096 + h; i++) {
            stream.add(call(names, 1, random.nextInt(1 << 20)));
        }
        long[][] histories = new long[4096][];
        for (int i = 0; i < histories.length; i++) {
            histories[i] = History.ids(stream.subList(i, i + h), model.vocabulary(), h);
        }
        // Warm-up.
        for (int i = 0; i < 20; i++) {
            model.nextCallProbabilities(java.util.Arrays.copyOfRange(histories, 0, batch));
        }
        long start = System.nanoTime();
        int done = 0;
        double sink = 0;
        while (done < calls) {
            int from = done % (histories.length - batch);
            long[][] b = java.util.Arrays.copyOfRange(histories, from, from + batch);
            float[][] p = model.nextCallProbabilities(b);
            for (int j = 0; j < p.length; j++) {
                sink +=
                        CallScorer.score(
                                        p[j],
                                        stream.get(from + j + h),
                                        model.vocabulary(),
                                        model.metadata().topG(),
                                        model.metadata().maxScore())
                                .anomaly();
            }
            done += batch;
        }
        double rate = done / ((System.nanoTime() - start) / 1e9);
        if (sink < 0) {
            System.out.println(sink);
        }
        return rate;
    }

    static double job(
            Path models,
            String role,
            List<String> names,
            int calls,
            int tasks,
            int perTask,
            int batch)
            throws Exception {
        SequenceSettings defaults = SequenceSettings.defaults(models.toString());
        SequenceSettings s =
                new SequenceSettings(
                        models.toString(),
                        defaults.historyLength(),
                        WINDOW,
                        Duration.ofHours(1),
                        Duration.ofHours(1),
                        defaults.thresholds(),
                        defaults.anomalousCall(),
                        defaults.attributionShare(),
                        defaults.attributionMinCalls(),
                        defaults.userAlpha(),
                        batch,
                        Duration.ofMillis(5),
                        1,
                        1,
                        0,
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(5),
                        Math.max(1000, 4 * batch),
                        Duration.ofHours(1));
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        long total = calls;
        final String r = role;
        final List<String> vocabulary = List.copyOf(names);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        // Calls interleaved across tasks: call i is task i % tasks's (i / tasks)-th call.
        DataStream<InvocationEvent> invocations =
                env.fromSequence(0, total - 1)
                        .map(
                                i -> {
                                    long task = i % tasks;
                                    long seq = i / tasks;
                                    return InvocationEvent.newBuilder()
                                            .setTaskId("bench-" + task)
                                            .setUserId("user-" + (task % 50))
                                            .setNodeId("bench")
                                            .setTimestamp(t0.plusMillis(seq))
                                            .setSequence(seq)
                                            .setKind(InvocationKind.SYSCALL)
                                            .setName(call(vocabulary, task, seq))
                                            .setRole(r)
                                            .setPid(1000 + task)
                                            .build();
                                })
                        .returns(TypeInformation.of(InvocationEvent.class))
                        .name("invocations");
        DataStream<AnalystVerdict> noVerdicts =
                env.fromSequence(0, 0)
                        .filter(i -> false)
                        .map(i -> (AnalystVerdict) null)
                        .returns(TypeInformation.of(AnalystVerdict.class));
        ForecasterBench.resetSink();
        BehaviorProfilerJob.scoreSequences(invocations, noVerdicts, s)
                .addSink(new ForecasterBench.CountingSink<SequenceAnomaly>())
                .name("count");
        env.execute("augur-sequence-bench");
        long windows = ForecasterBench.SUNK.get();
        if (windows != (long) tasks * (perTask / WINDOW)) {
            throw new IllegalStateException(
                    "expected " + tasks * (perTask / WINDOW) + " windows, the sink saw " + windows);
        }
        return ForecasterBench.sinkRate() * WINDOW;
    }
}
