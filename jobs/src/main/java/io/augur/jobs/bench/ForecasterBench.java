package io.augur.jobs.bench;

import ai.djl.inference.Predictor;
import io.augur.jobs.BehaviorProfilerJob;
import io.augur.jobs.ProfilerOptions;
import io.augur.jobs.ProfilerSettings;
import io.augur.jobs.forecast.LstmModel;
import io.augur.jobs.forecast.ModelDirectory;
import io.augur.jobs.pipeline.ForecastFn;
import io.augur.jobs.pipeline.ForecastRequest;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.ResourceVector;
import io.augur.schema.Resource;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceSample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.SinkFunction;

/**
 * {@code ./augur bench forecaster}: the forecaster's throughput, raw and through Flink.
 *
 * <ol>
 *   <li>raw: batched DJL inference in a loop on one thread (the ceiling);
 *   <li>operator: the job's own {@link ForecastFn} (async I/O, micro-batches) on a MiniCluster in
 *       this JVM, fed task windows as fast as it takes them;
 *   <li>job: the whole profiler pipeline after decoding (windows, forecast, score, rolling risks)
 *       for N tasks, in samples per second.
 * </ol>
 *
 * Prints one line per stage and a JSON summary on the last line.
 */
public final class ForecasterBench {
    static final String USAGE =
            "usage: augur bench forecaster [--model DIR] [--tasks N] [--forecasts N]"
                    + " [--seconds-per-task N] [--batch-size N]\n\n"
                    + "Measures forecasts per second of raw batched DJL inference and of the"
                    + " job's ForecastFn operator\n"
                    + "(same process, same model; the ratio is the operator's overhead), then"
                    + " samples per second\n"
                    + "through the whole profiler pipeline (no Kafka) for N tasks.\n"
                    + "  --model DIR          model directory (default models/forecaster)\n"
                    + "  --tasks N            tasks in the pipeline stage (default 10000)\n"
                    + "  --forecasts N        forecasts per throughput stage (default 200000)\n"
                    + "  --seconds-per-task N samples per task in the pipeline stage (default 40)\n"
                    + "  --batch-size N       forward-pass batch size (default 256)\n"
                    + "  --latency-tasks N    tasks in the exactly-once latency stage (default 1000)\n"
                    + "  --latency-seconds N  length of that stage (default 60; 0 skips it)\n\n"
                    + "The latency stage starts a Kafka broker (forked JVM) and the production job with\n"
                    + "its exactly-once sinks, produces one sample per task per second stamped now, and\n"
                    + "measures from each assessment's newest sample to a read_committed consumer\n"
                    + "seeing it (p50, p99; the first 20 s are warm-up).\n"
                    + "  --kafka-throughput   also: --tasks tasks x --seconds-per-task samples produced\n"
                    + "                       at once through Kafka and the exactly-once job; samples/s\n"
                    + "                       until the last assessment is visible";

    /** Counts what reaches the sinks (MiniCluster: same JVM). */
    static final AtomicLong SUNK = new AtomicLong();

    /** When the sink saw its first record and its latest (System.nanoTime()). */
    static final AtomicLong FIRST = new AtomicLong();

    static final AtomicLong LAST = new AtomicLong();

    /** Records per second between the sink's first and last record: start-up excluded. */
    static double sinkRate() {
        return (SUNK.get() - 1) / ((LAST.get() - FIRST.get()) / 1e9);
    }

    static void resetSink() {
        SUNK.set(0);
        FIRST.set(0);
        LAST.set(0);
    }

    private ForecasterBench() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(System.getProperty("augur.home", "."), "models", "forecaster");
        int tasks = 10_000;
        int forecasts = 200_000;
        int secondsPerTask = 40;
        int batch = 256;
        int latencyTasks = 1000;
        int latencySeconds = 60;
        boolean kafkaThroughput = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                case "--model" -> model = Path.of(args[++i]);
                case "--tasks" -> tasks = Integer.parseInt(args[++i]);
                case "--forecasts" -> forecasts = Integer.parseInt(args[++i]);
                case "--seconds-per-task" -> secondsPerTask = Integer.parseInt(args[++i]);
                case "--batch-size" -> batch = Integer.parseInt(args[++i]);
                case "--latency-tasks" -> latencyTasks = Integer.parseInt(args[++i]);
                case "--latency-seconds" -> latencySeconds = Integer.parseInt(args[++i]);
                case "--kafka-throughput" -> kafkaThroughput = true;
                default -> {
                    System.err.println("unknown option " + args[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        Path modelDir = model;
        Path version =
                new ModelDirectory(modelDir)
                        .newest()
                        .orElseThrow(() -> new IllegalArgumentException("no model in " + modelDir))
                        .dir();
        LstmModel lstm = LstmModel.load(version, 0.9);
        int window = lstm.metadata().window();
        System.out.printf(
                "model %s, W=%d, batch %d, %d cores%n",
                lstm.version(), window, batch, Runtime.getRuntime().availableProcessors());

        double raw = raw(lstm, forecasts, batch, window);
        System.out.printf(Locale.ROOT, "raw DJL:     %,.0f forecasts/s%n", raw);
        lstm.release();

        double operator = operator(model, forecasts, batch, window);
        System.out.printf(
                Locale.ROOT,
                "ForecastFn:  %,.0f forecasts/s (%.2f of raw)%n",
                operator,
                operator / raw);

        double samples = pipeline(model, tasks, secondsPerTask, batch);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                Locale.ROOT,
                "pipeline:    %,.0f samples/s for %d tasks = %,.0f samples/s per core (%d cores)%n",
                samples,
                tasks,
                samples / cores,
                cores);
        long[] latency =
                latencySeconds > 0
                        ? latency(model, latencyTasks, latencySeconds)
                        : new long[] {-1, -1, 0};
        if (latencySeconds > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "latency:     sample -> assessment visible (exactly once, %d tasks): p50 %d ms,"
                            + " p99 %d ms over %d assessments%n",
                    latencyTasks,
                    latency[0],
                    latency[1],
                    latency[2]);
        }
        double viaKafka = kafkaThroughput ? kafkaThroughput(model, tasks, secondsPerTask) : -1;
        if (kafkaThroughput) {
            System.out.printf(
                    Locale.ROOT,
                    "via Kafka:   %,.0f samples/s for %d tasks, exactly once (= %,.0f per core)%n",
                    viaKafka,
                    tasks,
                    viaKafka / cores);
        }
        System.out.printf(
                Locale.ROOT,
                "{\"model\":\"%s\",\"batch\":%d,\"rawForecastsPerSecond\":%.0f,"
                        + "\"operatorForecastsPerSecond\":%.0f,\"ratio\":%.3f,\"tasks\":%d,"
                        + "\"pipelineSamplesPerSecond\":%.0f,\"samplesPerSecondPerCore\":%.0f,"
                        + "\"latencyTasks\":%d,\"latencyP50Ms\":%d,\"latencyP99Ms\":%d,"
                        + "\"kafkaSamplesPerSecond\":%.0f}%n",
                version.getFileName(),
                batch,
                raw,
                operator,
                operator / raw,
                tasks,
                samples,
                samples / cores,
                latencyTasks,
                latency[0],
                latency[1],
                viaKafka);
        System.exit(0);
    }

    static final int HISTORY_KINDS = 1000;

    /** Precomputed histories per window length, so generating requests costs the bench little. */
    static final java.util.Map<Integer, double[][]> HISTORIES =
            new java.util.concurrent.ConcurrentHashMap<>();

    static double[] BASELINE_STATE;

    static void precompute(int window, ProfilerSettings s) {
        double[][] h = new double[HISTORY_KINDS][];
        for (int i = 0; i < HISTORY_KINDS; i++) {
            h[i] = history(i, window);
        }
        HISTORIES.put(window, h);
        BASELINE_STATE = s.forecaster().initialState();
    }

    /** One second of task {@code prefix + task}'s plausible, task-specific use. */
    static ResourceSample sample(String prefix, long task, Instant at) {
        return ResourceSample.newBuilder()
                .setTaskId(prefix + task)
                .setUserId("u" + task % 100)
                .setNodeId("n")
                .setRole("worker")
                .setTimestamp(at)
                .setIntervalMs(1000)
                .setCpuCores(0.2 + 0.1 * (task % 5))
                .setMemoryBytes((64 + task % 200) << 20)
                .setDiskReadBytes(1000L)
                .setDiskWriteBytes(4096L)
                .setNetRxBytes(null)
                .setNetTxBytes(null)
                .setPids(3L)
                .setLimits(ResourceLimits.newBuilder().build())
                .build();
    }

    /** The launcher's STARTED event of the task {@link #sample} describes. */
    static io.augur.schema.TaskEvent started(String prefix, long task, Instant at) {
        return io.augur.schema.TaskEvent.newBuilder()
                .setTaskId(prefix + task)
                .setUserId("u" + task % 100)
                .setNodeId("n")
                .setRole("worker")
                .setSource("bench")
                .setBaselineTrust(io.augur.schema.TrustLevel.MEDIUM)
                .setInitialAllocation(ResourceLimits.newBuilder().build())
                .setType(io.augur.schema.TaskEventType.STARTED)
                .setTimestamp(at)
                .build();
    }

    /** A task's history: {@code steps} windows of plausible, task-specific use. */
    static double[] history(long task, int steps) {
        double[] h = new double[steps * ResourceVector.SIZE];
        for (int s = 0; s < steps; s++) {
            int o = s * ResourceVector.SIZE;
            double phase = Math.sin((task * 7 + s) / 3.0);
            h[o + Resource.CPU.ordinal()] = 0.2 + 0.1 * (task % 5) + 0.05 * phase;
            h[o + Resource.MEMORY.ordinal()] = (64 + task % 200) * 1048576.0;
            h[o + Resource.DISK_READ.ordinal()] = 1000 * (1 + phase);
            h[o + Resource.DISK_WRITE.ordinal()] = 4096;
            h[o + Resource.NET_RX.ordinal()] = 2000;
            h[o + Resource.NET_TX.ordinal()] = 500 + 100 * phase;
            h[o + Resource.PIDS.ordinal()] = 3;
        }
        return h;
    }

    static List<double[]> steps(double[] flat) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < flat.length; i += ResourceVector.SIZE) {
            out.add(java.util.Arrays.copyOfRange(flat, i, i + ResourceVector.SIZE));
        }
        return out;
    }

    static double raw(LstmModel model, int forecasts, int batch, int window) throws Exception {
        List<List<double[]>> histories = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            histories.add(steps(history(i, window)));
        }
        try (Predictor<List<List<double[]>>, List<Forecast>> p = model.newPredictor(2000)) {
            for (int i = 0; i < 20; i++) {
                p.predict(histories); // warm-up
            }
            long start = System.nanoTime();
            int done = 0;
            while (done < forecasts) {
                done += p.predict(histories).size();
            }
            return done / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        return env;
    }

    /**
     * The production job's local environment (as LocalJobRunner makes it): file checkpoints in
     * {@code dir} — 10,000 tasks' state is far beyond the JobManager's 5 MB memory checkpoints.
     */
    private static StreamExecutionEnvironment kafkaEnv(Path dir) {
        return StreamExecutionEnvironment.createLocalEnvironment(
                1, io.augur.jobs.LocalJobRunner.clusterConfiguration(dir.resolve("checkpoints")));
    }

    private static ProfilerSettings settings(Path model, int batch) {
        Configuration c = new Configuration();
        c.set(ProfilerOptions.MODEL_DIR, model.toString());
        c.set(ProfilerOptions.BATCH_SIZE, batch);
        c.set(ProfilerOptions.FORECAST_CAPACITY, Math.max(1000, 4 * batch));
        c.set(ProfilerOptions.HISTORY_STEPS, 24);
        // Every window through the model, young tasks too: the heavier path is the one measured.
        c.set(ProfilerOptions.MIN_HISTORY, 1);
        return ProfilerSettings.from(c);
    }

    static double operator(Path model, int forecasts, int batch, int window) throws Exception {
        ProfilerSettings s = settings(model, batch);
        precompute(window, s);
        StreamExecutionEnvironment env = env();
        DataStream<ForecastRequest> requests =
                env.fromSequence(0, forecasts - 1)
                        .map(
                                i -> {
                                    ForecastRequest r = new ForecastRequest();
                                    r.taskId = "t" + (i % 10_000);
                                    r.userId = "u";
                                    r.nodeId = "n";
                                    r.role = "worker";
                                    r.windowEndMs = i;
                                    r.newestSampleMs = i;
                                    r.history = HISTORIES.get(window)[(int) (i % HISTORY_KINDS)];
                                    r.baselineState = BASELINE_STATE;
                                    return r;
                                },
                                TypeInformation.of(ForecastRequest.class));
        AsyncDataStream.orderedWait(
                        requests,
                        new ForecastFn(s.assessor(), s.lstm(), 1),
                        60,
                        TimeUnit.SECONDS,
                        s.forecastCapacity())
                .addSink(new CountingSink<>());
        resetSink();
        env.execute("bench-forecast-operator");
        return sinkRate();
    }

    static double pipeline(Path model, int tasks, int secondsPerTask, int batch) throws Exception {
        ProfilerSettings s = settings(model, batch);
        StreamExecutionEnvironment env = env();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        long total = (long) tasks * secondsPerTask;
        DataStream<ResourceSample> samples =
                env.fromSequence(0, total - 1)
                        .map(
                                i -> sample("t", i % tasks, t0.plusSeconds(i / tasks)),
                                TypeInformation.of(ResourceSample.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<ResourceSample>forBoundedOutOfOrderness(
                                                Duration.ofSeconds(1))
                                        .withTimestampAssigner(
                                                (r, p) -> r.getTimestamp().toEpochMilli()));
        DataStream<io.augur.schema.TaskEvent> started =
                env.fromSequence(0, tasks - 1)
                        .map(
                                i -> started("t", i, t0),
                                TypeInformation.of(io.augur.schema.TaskEvent.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy
                                        .<io.augur.schema.TaskEvent>forMonotonousTimestamps()
                                        .withTimestampAssigner(
                                                (e, p) -> e.getTimestamp().toEpochMilli()));
        BehaviorProfilerJob.assess(samples, started, s, java.time.Clock.systemUTC())
                .addSink(new CountingSink<>());
        resetSink();
        long start = System.nanoTime();
        env.execute("bench-profiler-pipeline");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "pipeline:    %,d samples -> %,d assessments in %.1f s (job start-up included)%n",
                total,
                SUNK.get(),
                seconds);
        return total / seconds;
    }

    /**
     * The production job (Kafka source, exactly-once sinks, 1 s checkpoints) on a forked broker:
     * p50 and p99 from each assessment's newest sample to a read_committed consumer seeing it.
     *
     * @return {p50, p99, count} in ms
     */
    static long[] latency(Path model, int tasks, int seconds) throws Exception {
        try (KafkaJob k =
                KafkaJob.start(
                        model, "bench-latency", ProfilerOptions.MIN_HISTORY.defaultValue())) {
            List<Long> latencies = new ArrayList<>();
            long start = System.currentTimeMillis();
            long warmUpUntil = start + 20_000;
            long end = start + seconds * 1000L;
            long nextSecond = start;
            int seen = 0;
            while (System.currentTimeMillis() < end) {
                long now = System.currentTimeMillis();
                if (now >= nextSecond) {
                    Instant stamp = Instant.ofEpochMilli(now);
                    for (int t = 0; t < tasks; t++) {
                        if (nextSecond == start) { // first round: register
                            k.send(started("lat-", t, stamp));
                        }
                        k.send(sample("lat-", t, stamp));
                    }
                    k.producer.flush();
                    nextSecond += 1000;
                }
                List<io.augur.schema.RiskAssessment> all = k.risk.poll(Duration.ofMillis(50));
                long seenAt = System.currentTimeMillis();
                for (; seen < all.size(); seen++) {
                    long sampled = all.get(seen).getSourceTimestamp().toEpochMilli();
                    if (sampled >= warmUpUntil) {
                        latencies.add(seenAt - sampled);
                    }
                }
            }
            latencies.sort(null);
            if (latencies.isEmpty()) {
                return new long[] {-1, -1, 0};
            }
            return new long[] {
                latencies.get((int) Math.ceil(0.5 * latencies.size()) - 1),
                latencies.get((int) Math.ceil(0.99 * latencies.size()) - 1),
                latencies.size()
            };
        }
    }

    /**
     * {@code tasks × seconds} samples (event time an hour ago, one per task and second) produced at
     * once into Kafka, read by the production job with its exactly-once sinks: samples per second
     * from the first send to the last assessment a read_committed consumer sees (the count stops
     * growing for 15 s).
     */
    static double kafkaThroughput(Path model, int tasks, int seconds) throws Exception {
        try (KafkaJob k = KafkaJob.start(model, "bench-kafka-throughput", 1)) {
            Thread.sleep(5000); // the job is up and reading
            // On a window boundary (windows are aligned to the epoch): the expected count below
            // assumes the first window holds seconds 0 and 1. Started at an odd second, the first
            // two windows held the warm-up and every task came out one window short.
            long windowMs = ProfilerOptions.WINDOW_SIZE.defaultValue().toMillis();
            long hourAgo = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
            Instant t0 = Instant.ofEpochMilli(hourAgo - Math.floorMod(hourAgo, windowMs));
            long start = System.nanoTime();
            for (int t = 0; t < tasks; t++) {
                k.send(started("k", t, t0));
            }
            for (int second = 0; second < seconds; second++) {
                for (int t = 0; t < tasks; t++) {
                    ResourceSample sample = sample("k", t, t0.plusSeconds(second));
                    k.send(sample);
                }
            }
            k.producer.flush();
            // Windows that close: those ending at most at the newest sample - 1 s (the allowed
            // out-of-orderness); the first holds the warm-up samples and is not scored.
            long expected = (long) tasks * ((seconds - 2) / 2 - 1);
            int count = 0;
            long lastGrowth = System.nanoTime();
            long lastSeen = lastGrowth;
            while (count < expected && System.nanoTime() - lastGrowth < 120_000_000_000L) {
                int now = k.risk.poll(Duration.ofMillis(200)).size();
                if (now > count) {
                    count = now;
                    lastGrowth = System.nanoTime();
                    lastSeen = lastGrowth;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "via Kafka:   %,d samples -> %,d of %,d assessments in %.1f s%n",
                    (long) tasks * seconds,
                    count,
                    expected,
                    (lastSeen - start) / 1e9);
            if (count < expected) {
                // Which windows are missing, by window end (seconds after the first sample).
                java.util.Map<Long, Long> byEnd = new java.util.TreeMap<>();
                for (io.augur.schema.RiskAssessment a : k.risk.seen()) {
                    byEnd.merge(
                            (a.getWindowEnd().toEpochMilli() - t0.toEpochMilli()) / 1000,
                            1L,
                            Long::sum);
                }
                System.out.println("via Kafka:   assessments per window end (s): " + byEnd);
            }
            return (double) tasks * seconds / ((lastSeen - start) / 1e9);
        }
    }

    /**
     * A forked broker with Augur's topics and the production job (Kafka source, exactly-once sinks,
     * file checkpoints) on a MiniCluster in this JVM, a producer of samples and a read_committed
     * probe of augur.risk. Closing cancels the job and stops the broker.
     */
    static final class KafkaJob implements AutoCloseable {
        final io.augur.launch.ForkedKafka kafka;
        final org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer;
        final io.augur.launch.TopicProbe<io.augur.schema.RiskAssessment> risk;
        private org.apache.flink.core.execution.JobClient job;

        private KafkaJob(io.augur.launch.ForkedKafka kafka) {
            this.kafka = kafka;
            this.producer =
                    new org.apache.kafka.clients.producer.KafkaProducer<>(
                            io.augur.launch.KafkaClients.idempotentProducer(
                                    kafka.bootstrapServers()));
            this.risk =
                    new io.augur.launch.TopicProbe<>(
                            kafka.bootstrapServers(), io.augur.schema.Topics.RISK);
        }

        static KafkaJob start(Path model, String name, int minHistory) throws Exception {
            Path dir = java.nio.file.Files.createTempDirectory("augur-" + name);
            KafkaJob k =
                    new KafkaJob(
                            io.augur.launch.ForkedKafka.start(dir.resolve("kafka"))
                                    .createAugurTopics());
            try {
                Configuration c = new Configuration();
                c.set(ProfilerOptions.BOOTSTRAP_SERVERS, k.kafka.bootstrapServers());
                c.set(ProfilerOptions.MODEL_DIR, model.toString());
                c.set(ProfilerOptions.MIN_HISTORY, minHistory);
                k.job =
                        BehaviorProfilerJob.withKafka(
                                        ProfilerSettings.from(c), java.time.Clock.systemUTC())
                                .build(kafkaEnv(dir))
                                .executeAsync(name);
                return k;
            } catch (Exception | Error e) {
                k.close();
                throw e;
            }
        }

        void send(ResourceSample sample) {
            producer.send(
                    new org.apache.kafka.clients.producer.ProducerRecord<>(
                            io.augur.schema.Topics.RESOURCES.name(),
                            io.augur.schema.Topic.keyBytes(sample.getTaskId()),
                            io.augur.schema.Topics.RESOURCES.codec().encode(sample)));
        }

        void send(io.augur.schema.TaskEvent event) {
            producer.send(
                    new org.apache.kafka.clients.producer.ProducerRecord<>(
                            io.augur.schema.Topics.TASKS.name(),
                            io.augur.schema.Topic.keyBytes(event.getTaskId()),
                            io.augur.schema.Topics.TASKS.codec().encode(event)));
        }

        @Override
        public void close() throws Exception {
            try {
                if (job != null) {
                    job.cancel().get();
                }
            } finally {
                risk.close();
                producer.close(Duration.ofSeconds(5));
                kafka.close();
            }
        }
    }

    /** Counts records (the bench runs the MiniCluster in this JVM). */
    static final class CountingSink<T> implements SinkFunction<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(T value, Context context) {
            long now = System.nanoTime();
            if (SUNK.incrementAndGet() == 1) {
                FIRST.set(now);
            }
            LAST.set(now);
        }
    }
}
