package io.augur.collector;

import io.augur.cgroup.TaskCgroups;
import io.augur.collector.proc.ProcessTable;
import io.augur.launch.CommandLine;
import io.augur.launch.KafkaClients;
import io.augur.schema.ResourceSample;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the node telemetry agent: learns tasks from augur.tasks, samples every task group each
 * interval with a {@link Sampler} and hands the samples to a {@link SampleDelivery}, which sends
 * them to augur.telemetry.resources or spools them while Kafka is unreachable. With {@code --once}
 * / {@code --follow} it prints samples as JSON lines instead, without Kafka. See {@link
 * CollectorOptions#USAGE}.
 */
public final class CollectorMain {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorMain.class);

    /** Printed on stdout once the collector samples. */
    public static final String READY = "COLLECTOR READY";

    /** How many spooled samples one replay step looks at. */
    static final int REPLAY_WINDOW = 4096;

    /** Pause after a failed send before the spool is tried again. */
    static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    /** The spool's drops are logged at most this often. */
    static final Duration DROP_REPORT_INTERVAL = Duration.ofSeconds(10);

    private CollectorMain() {}

    public static void main(String[] args) {
        CollectorOptions options =
                CommandLine.parseOrExit(
                        "CollectorMain", CollectorOptions.USAGE, CollectorOptions::parse, args);
        try {
            if (options.mode() == CollectorOptions.Mode.RUN) {
                run(options);
            } else {
                print(options, System.out);
            }
        } catch (RuntimeException e) {
            LOG.error("collector stopped on an error", e);
            System.exit(1);
        }
    }

    static void run(CollectorOptions o) {
        Clock clock = Clock.systemUTC();
        TaskCgroups cgroups = TaskCgroups.detect(o.cgroupRoot(), TaskCgroups.DEFAULT_MOUNT, clock);
        CollectorRegistry registry = new CollectorRegistry();
        CollectorMetrics metrics = new CollectorMetrics(registry);
        TaskDirectory directory = new TaskDirectory();
        CountDownLatch stopped = new CountDownLatch(1);
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sampler"));
        // The longest a send may stay unanswered: Kafka answers within delivery.timeout.ms.
        Duration ackTimeout = o.sendTimeout().plusSeconds(5);
        try (DiskSpool spool = DiskSpool.open(o.spoolDir(), o.spoolBound());
                HTTPServer http = metricsServer(o.metricsPort(), registry);
                KafkaConsumer<byte[], byte[]> tasks =
                        new KafkaConsumer<>(KafkaClients.readCommittedReader(o.bootstrap()));
                KafkaRecordSink sink = new KafkaRecordSink(o.bootstrap(), o.sendTimeout())) {
            SampleDelivery delivery =
                    new SampleDelivery(
                            spool,
                            sink,
                            metrics,
                            clock,
                            ackTimeout,
                            REPLAY_WINDOW,
                            DROP_REPORT_INTERVAL);
            DeliveryLoop loop = new DeliveryLoop(delivery, clock, RETRY_BACKOFF, o.sendTimeout());
            Thread delivering = new Thread(loop, "delivery");
            delivering.start();

            TaskEventFollower follower = new TaskEventFollower(tasks, directory);
            follower.catchUp(Duration.ofSeconds(30));
            Thread following = new Thread(follower, "task-events");
            following.setUncaughtExceptionHandler(
                    (t, e) ->
                            LOG.error(
                                    "following augur.tasks failed; users and roles are frozen", e));
            following.start();

            ProcessTable processes = ProcessTable.system();
            Sampler sampler =
                    new Sampler(
                            UsageSource.of(cgroups, processes),
                            directory,
                            new SampleBuilder(
                                    o.node(),
                                    ProcessTable.clockTicksPerSecond(),
                                    o.topProcesses()));
            Instant start = clock.instant();
            long intervalMs = o.interval().toMillis();
            Runnable round =
                    new Runnable() {
                        long n;

                        @Override
                        public void run() {
                            n++;
                            Instant due = start.plusMillis(n * intervalMs);
                            try {
                                List<ResourceSample> samples = sampler.sampleOnce();
                                metrics.round(
                                        Math.max(
                                                        0,
                                                        Duration.between(due, clock.instant())
                                                                .toMillis())
                                                / 1000.0,
                                        samples.size());
                                metrics.readErrors(processes.readErrors());
                                delivery.offer(samples.stream().map(KeyedRecord::of).toList());
                                delivery.reportDrops();
                            } catch (RuntimeException e) {
                                // A failed round must not cancel the schedule: log it and go on.
                                LOG.error("sampling round {} failed", n, e);
                            }
                        }
                    };
            CountDownLatch stopRequested = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        LOG.info("SIGTERM: stopping");
                                        stopRequested.countDown();
                                        awaitQuietly(stopped);
                                    },
                                    "collector-shutdown"));
            scheduler.scheduleAtFixedRate(round, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
            LOG.info(
                    "sampling cgroup {} root '{}' every {} for node {}; spool {}",
                    cgroups.version(),
                    o.cgroupRoot(),
                    o.interval(),
                    o.node(),
                    o.spoolDir());
            System.out.println(READY);
            System.out.flush();
            awaitUninterruptibly(stopRequested);
            // Stop in order: no new rounds, the current one finished, then delivery (it sends or
            // spools what is queued) and the task follower, so no client or the spool is closed
            // while another thread still uses it.
            scheduler.shutdown();
            awaitScheduler(scheduler);
            loop.stop();
            joinQuietly(delivering, ackTimeout.multipliedBy(2).plus(o.sendTimeout()));
            follower.stop();
            joinQuietly(following, Duration.ofSeconds(10));
        } finally {
            scheduler.shutdownNow();
            // Log before releasing the SIGTERM hook: once it returns, the JVM exits.
            LOG.info("collector stopped");
            stopped.countDown();
        }
    }

    /**
     * Prints samples as JSON lines without Kafka: one round after one interval ({@code --once}), or
     * a round every interval until SIGTERM ({@code --follow}). Users and roles are not known here:
     * every task shows as {@code unknown}/{@code default}.
     */
    static void print(CollectorOptions o, PrintStream out) {
        Clock clock = Clock.systemUTC();
        TaskCgroups cgroups = TaskCgroups.detect(o.cgroupRoot(), TaskCgroups.DEFAULT_MOUNT, clock);
        String node = o.node() != null ? o.node() : LocalNode.id();
        Sampler sampler =
                new Sampler(
                        UsageSource.of(cgroups, ProcessTable.system()),
                        new TaskDirectory(),
                        new SampleBuilder(
                                node, ProcessTable.clockTicksPerSecond(), o.topProcesses()));
        // A sample is the difference of two readings: the first round only reads.
        sampler.sampleOnce();
        long intervalMs = o.interval().toMillis();
        if (o.mode() == CollectorOptions.Mode.ONCE) {
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            printRound(sampler.sampleOnce(), out);
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stop.countDown();
                                    awaitQuietly(stopped);
                                },
                                "collector-shutdown"));
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sampler"));
        try {
            scheduler.scheduleAtFixedRate(
                    () -> {
                        try {
                            if (!printRound(sampler.sampleOnce(), out)) {
                                stop.countDown(); // the reader went away (e.g. "| head")
                            }
                        } catch (RuntimeException e) {
                            LOG.error("sampling round failed", e);
                        }
                    },
                    intervalMs,
                    intervalMs,
                    TimeUnit.MILLISECONDS);
            awaitUninterruptibly(stop);
            scheduler.shutdown();
            awaitScheduler(scheduler);
        } finally {
            scheduler.shutdownNow();
            stopped.countDown();
        }
    }

    /** Prints one round; false when stdout can no longer be written. */
    private static boolean printRound(List<ResourceSample> samples, PrintStream out) {
        for (ResourceSample s : samples) {
            out.println(SampleJson.line(s));
        }
        out.flush();
        return !out.checkError();
    }

    /** Only SIGTERM ends the collector; an interrupt is kept for after the orderly stop. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread, Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitScheduler(ScheduledExecutorService scheduler) {
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HTTPServer metricsServer(Integer port, CollectorRegistry registry) {
        if (port == null) {
            return null;
        }
        try {
            return new HTTPServer(new InetSocketAddress(port), registry, true);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve metrics on port " + port, e);
        }
    }

    private static void awaitQuietly(CountDownLatch stopped) {
        try {
            if (!stopped.await(60, TimeUnit.SECONDS)) {
                LOG.warn("collector did not stop within 60 s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
