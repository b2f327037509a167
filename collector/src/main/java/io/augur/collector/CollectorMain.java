package io.augur.collector;

import io.augur.cgroup.TaskCgroups;
import io.augur.launch.CommandLine;
import io.augur.launch.KafkaClients;
import io.augur.schema.ResourceSample;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the node telemetry agent: learns tasks from augur.tasks, samples every task group each
 * interval with a {@link Sampler} and sends the samples to augur.telemetry.resources. See {@link
 * CollectorOptions#USAGE}.
 */
public final class CollectorMain {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorMain.class);

    /** Printed on stdout once the collector samples. */
    public static final String READY = "COLLECTOR READY";

    private CollectorMain() {}

    public static void main(String[] args) {
        CollectorOptions options =
                CommandLine.parseOrExit(
                        "CollectorMain", CollectorOptions.USAGE, CollectorOptions::parse, args);
        try {
            run(options);
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
        try (HTTPServer http = metricsServer(o.metricsPort(), registry);
                KafkaConsumer<byte[], byte[]> tasks =
                        new KafkaConsumer<>(KafkaClients.readCommittedReader(o.bootstrap()));
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(KafkaClients.idempotentProducer(o.bootstrap()))) {
            TaskEventFollower follower = new TaskEventFollower(tasks, directory);
            follower.catchUp(Duration.ofSeconds(30));
            Thread following = new Thread(follower, "task-events");
            following.setUncaughtExceptionHandler(
                    (t, e) ->
                            LOG.error(
                                    "following augur.tasks failed; users and roles are frozen", e));
            following.start();

            Sampler sampler =
                    new Sampler(UsageSource.of(cgroups), directory, new SampleBuilder(o.node()));
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
                                samples.forEach(s -> send(producer, metrics, s));
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
                    "sampling cgroup {} root '{}' every {} for node {}",
                    cgroups.version(),
                    o.cgroupRoot(),
                    o.interval(),
                    o.node());
            System.out.println(READY);
            System.out.flush();
            awaitUninterruptibly(stopRequested);
            // Stop in order: no new rounds, the current one finished, then the task follower,
            // so no client is closed while another thread still uses it.
            scheduler.shutdown();
            awaitScheduler(scheduler);
            follower.stop();
            joinQuietly(following);
            producer.flush();
        } finally {
            scheduler.shutdownNow();
            // Log before releasing the SIGTERM hook: once it returns, the JVM exits.
            LOG.info("collector stopped");
            stopped.countDown();
        }
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, CollectorMetrics metrics, ResourceSample s) {
        producer.send(
                new ProducerRecord<>(
                        Topics.RESOURCES.name(),
                        Topic.keyBytes(s.getTaskId()),
                        Topics.RESOURCES.codec().encode(s)),
                (meta, error) -> {
                    if (error != null) {
                        metrics.sendFailed();
                        LOG.warn("sample of {} not sent: {}", s.getTaskId(), error.toString());
                    } else {
                        metrics.emitted();
                    }
                });
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

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(10_000);
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
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                LOG.warn("collector did not stop within 30 s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
