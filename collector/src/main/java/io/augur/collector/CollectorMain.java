package io.augur.collector;

import io.augur.cgroup.TaskCgroups;
import io.augur.collector.invocation.AgentReceiver;
import io.augur.collector.invocation.InvocationBuffer;
import io.augur.collector.invocation.InvocationSink;
import io.augur.collector.invocation.InvocationStamper;
import io.augur.collector.invocation.ProcTaskResolver;
import io.augur.collector.proc.ProcessTable;
import io.augur.collector.syscall.SyscallCapture;
import io.augur.launch.CommandLine;
import io.augur.launch.KafkaClients;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.ResourceSample;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topics;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the node telemetry agent: learns tasks from augur.tasks, samples every task group each
 * interval with a {@link Sampler} and hands the samples to a {@link SampleDelivery}, which sends
 * them to augur.telemetry.resources or spools them while Kafka is unreachable; publishes ENDED for
 * the tasks of this node whose launcher died without it ({@link TaskReaper}). With {@code --once} /
 * {@code --follow} it prints samples as JSON lines instead, without Kafka. See {@link
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

    /**
     * How far back augur.decisions is read at start, for the monitoring intervals of tasks already
     * running.
     */
    static final Duration DECISION_LOOKBACK = Duration.ofHours(1);

    /** How often captured invocations are stamped and handed to delivery. */
    static final Duration INVOCATION_FLUSH = Duration.ofMillis(200);

    /** How often system-call tracing is brought in line with the tasks' processes. */
    static final Duration TRACE_SYNC = Duration.ofMillis(500);

    /** How often the reaper looks at the groups of the tasks it tracks. */
    static final Duration REAP_SCAN = Duration.ofSeconds(1);

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
        SamplingSchedule schedule = new SamplingSchedule(o.interval());
        CountDownLatch stopped = new CountDownLatch(1);
        // The longest a send may stay unanswered: Kafka answers within delivery.timeout.ms.
        Duration ackTimeout = o.sendTimeout().plusSeconds(5);
        InvocationMetrics invocationMetrics = new InvocationMetrics(registry);
        try (DiskSpool spool = DiskSpool.open(o.spoolDir(), o.spoolBound());
                DiskSpool invocationSpool =
                        DiskSpool.open(
                                o.spoolDir().resolve("invocations"),
                                new SpoolBound(o.invocationSpoolMaxBytes(), Long.MAX_VALUE));
                HTTPServer http = metricsServer(o.metricsPort(), registry);
                KafkaConsumer<byte[], byte[]> tasks =
                        new KafkaConsumer<>(KafkaClients.readCommittedReader(o.bootstrap()));
                KafkaConsumer<byte[], byte[]> decisionReader =
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
            SampleDelivery invocationDelivery =
                    new SampleDelivery(
                            invocationSpool,
                            sink.to(Topics.INVOCATIONS.name()),
                            invocationMetrics,
                            clock,
                            ackTimeout,
                            REPLAY_WINDOW,
                            DROP_REPORT_INTERVAL);
            DeliveryLoop invocationLoop =
                    new DeliveryLoop(invocationDelivery, clock, RETRY_BACKOFF, o.sendTimeout());
            Thread deliveringInvocations = new Thread(invocationLoop, "invocation-delivery");
            deliveringInvocations.start();
            InvocationPipeline invocations =
                    new InvocationPipeline(
                            new InvocationBuffer(o.invocationBuffer()),
                            new InvocationStamper(
                                    o.node(), directory, clock, ZoneId.systemDefault()),
                            invocationDelivery,
                            invocationMetrics,
                            INVOCATION_FLUSH,
                            cgroups::taskIds);
            Thread flushing = new Thread(invocations, "invocation-flush");
            flushing.start();

            TaskReaper reaper =
                    o.reapAfter() == null ? null : new TaskReaper(o.node(), o.reapAfter());
            TopicFollower<TaskEvent> taskEvents =
                    new TopicFollower<>(
                            tasks,
                            Topics.TASKS,
                            null,
                            clock,
                            e -> {
                                directory.learn(e);
                                if (reaper != null) {
                                    reaper.learn(e);
                                }
                            });
            taskEvents.catchUp(Duration.ofSeconds(30));
            Thread following =
                    follow(
                            taskEvents,
                            "task-events",
                            "users and roles are frozen, and no task is reaped");
            TaskReaping reaping =
                    reaper == null
                            ? null
                            : new TaskReaping(
                                    reaper,
                                    TaskReaping.groupsOf(cgroups),
                                    sink.to(Topics.TASKS.name()),
                                    ackTimeout,
                                    metrics,
                                    clock,
                                    taskEvents::caughtUp,
                                    REAP_SCAN);
            Thread reapingThread = reaping == null ? null : new Thread(reaping, "reaper");
            TopicFollower<EnforcementDecision> decisions =
                    new TopicFollower<>(
                            decisionReader,
                            Topics.DECISIONS,
                            DECISION_LOOKBACK,
                            clock,
                            d -> takeInterval(d, o.node(), schedule));
            decisions.catchUp(Duration.ofSeconds(10));
            Thread deciding = follow(decisions, "decisions", "monitoring intervals are frozen");

            ProcessTable processes = ProcessTable.system();
            Sampler sampler =
                    new Sampler(
                            UsageSource.of(cgroups, o.procStats() ? processes : null),
                            directory,
                            new SampleBuilder(
                                    o.node(), ProcessTable.clockTicksPerSecond(), o.topProcesses()),
                            schedule);
            AtomicBoolean stopping = new AtomicBoolean();
            AtomicReference<Map<String, List<Long>>> taskProcesses =
                    new AtomicReference<>(Map.of());
            AgentReceiver agents = startAgentReceiver(o, invocations);
            Thread sampling =
                    new Thread(
                            () ->
                                    sampleUntilStopped(
                                            sampler,
                                            schedule,
                                            delivery,
                                            metrics,
                                            processes,
                                            clock,
                                            stopping,
                                            () -> {
                                                taskProcesses.set(sampler.processes());
                                                agentMetrics(agents, invocationMetrics);
                                            }),
                            "sampler");
            SyscallCapture syscalls =
                    o.traceSyscalls().isNone()
                            ? null
                            : SyscallCapture.withStrace(
                                    o.traceSyscalls(),
                                    task -> directory.infoOf(task).role(),
                                    invocations);
            Thread tracing =
                    syscalls == null
                            ? null
                            : new Thread(
                                    () ->
                                            traceUntilStopped(
                                                    syscalls,
                                                    taskProcesses,
                                                    invocationMetrics,
                                                    stopping),
                                    "syscall-sync");
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
            sampling.start();
            if (reapingThread != null) {
                reapingThread.start();
            }
            if (tracing != null) {
                tracing.start();
            }
            LOG.info(
                    "sampling cgroup {} root '{}' every {} (or as decisions say) for node {};"
                            + " spool {}",
                    cgroups.version(),
                    o.cgroupRoot(),
                    o.interval(),
                    o.node(),
                    o.spoolDir());
            if (reaper == null) {
                LOG.info("reaping is off (--reap-after-ms 0)");
            } else {
                LOG.info(
                        "reaping tasks of node {} whose group is absent or empty for {}",
                        o.node(),
                        o.reapAfter());
            }
            System.out.println(READY);
            System.out.flush();
            awaitUninterruptibly(stopRequested);
            // Stop in order: no new rounds, the current one finished, then delivery (it sends or
            // spools what is queued) and the followers, so no client or the spool is closed
            // while another thread still uses it.
            stopping.set(true);
            schedule.wakeUp();
            joinQuietly(sampling, Duration.ofSeconds(10));
            if (reaping != null) {
                reaping.stop();
                joinQuietly(reapingThread, ackTimeout.plusSeconds(5));
            }
            if (tracing != null) {
                joinQuietly(tracing, Duration.ofSeconds(10));
                syscalls.close(); // detaches: the traced tasks go on untraced
            }
            closeQuietly(agents); // agents buffer, then drop and count, until it is back
            invocations.stop();
            joinQuietly(flushing, Duration.ofSeconds(10));
            loop.stop();
            invocationLoop.stop();
            joinQuietly(delivering, ackTimeout.multipliedBy(2).plus(o.sendTimeout()));
            joinQuietly(deliveringInvocations, ackTimeout.multipliedBy(2).plus(o.sendTimeout()));
            taskEvents.stop();
            decisions.stop();
            joinQuietly(following, Duration.ofSeconds(10));
            joinQuietly(deciding, Duration.ofSeconds(10));
        } finally {
            // Log before releasing the SIGTERM hook: once it returns, the JVM exits.
            LOG.info("collector stopped");
            stopped.countDown();
        }
    }

    /**
     * The sampling thread: reads the tasks that are due, hands their samples to delivery, sleeps
     * until the next reading is due (or an interval request moves it), until {@code stopping}.
     */
    private static void sampleUntilStopped(
            Sampler sampler,
            SamplingSchedule schedule,
            SampleDelivery delivery,
            CollectorMetrics metrics,
            ProcessTable processes,
            Clock clock,
            AtomicBoolean stopping,
            Runnable afterRound) {
        Instant planned = clock.instant();
        while (!stopping.get()) {
            Instant now = clock.instant();
            try {
                List<ResourceSample> samples = sampler.sampleDue(now);
                metrics.round(
                        Math.max(0, Duration.between(planned, now).toMillis()) / 1000.0,
                        sampler.tasks());
                metrics.readErrors(processes.readErrors());
                afterRound.run();
                if (!samples.isEmpty()) {
                    delivery.offer(samples.stream().map(KeyedRecord::of).toList());
                }
                delivery.reportDrops();
            } catch (RuntimeException e) {
                // A failed round must not stop sampling: log it and go on.
                LOG.error("sampling round failed", e);
            }
            planned = schedule.nextWake(clock.instant());
            try {
                schedule.sleepUntil(planned, clock);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The tracing thread: every {@link #TRACE_SYNC} brings system-call tracing in line with the
     * tasks' processes as the sampler last saw them (a tracer's start or stop may take seconds, so
     * not on the sampling thread).
     */
    private static void traceUntilStopped(
            SyscallCapture syscalls,
            AtomicReference<Map<String, List<Long>>> taskProcesses,
            InvocationMetrics metrics,
            AtomicBoolean stopping) {
        while (!stopping.get()) {
            try {
                syscalls.sync(taskProcesses.get());
                metrics.tracedTasks(syscalls.tasksTraced());
                metrics.droppedTotal(InvocationMetrics.Drop.TRACER, syscalls.eventsDropped());
            } catch (RuntimeException e) {
                LOG.error("system-call tracing round failed", e);
            }
            try {
                Thread.sleep(TRACE_SYNC.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The JVM agents' receiver on {@code --invocation-socket}; null when it is off. */
    private static AgentReceiver startAgentReceiver(CollectorOptions o, InvocationSink sink) {
        if (o.invocationSocket() == null) {
            return null;
        }
        try {
            AgentReceiver receiver =
                    AgentReceiver.start(
                            o.invocationSocket(),
                            new ProcTaskResolver(ProcTaskResolver.PROC, o.cgroupRoot()),
                            sink);
            LOG.info("accepting JVM agents on {}", o.invocationSocket());
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot accept JVM agents on " + o.invocationSocket() + ": " + e.getMessage(),
                    e);
        }
    }

    private static void agentMetrics(AgentReceiver agents, InvocationMetrics metrics) {
        if (agents != null) {
            metrics.agentConnections(agents.openConnections());
            metrics.droppedTotal(
                    InvocationMetrics.Drop.AGENT,
                    agents.droppedByTask().values().stream().mapToLong(Long::longValue).sum());
        }
    }

    private static void closeQuietly(AgentReceiver agents) {
        if (agents == null) {
            return;
        }
        try {
            agents.close();
        } catch (IOException e) {
            LOG.warn("closing the agents' socket: {}", e.toString());
        }
    }

    /** Takes a decision's monitoring interval for a task of this node. */
    static void takeInterval(EnforcementDecision d, String node, SamplingSchedule schedule) {
        if (!node.equals(d.getNodeId())) {
            return;
        }
        Duration before = schedule.intervalOf(d.getTaskId());
        if (schedule.request(
                        d.getTaskId(),
                        Duration.ofMillis(d.getMonitoringIntervalMs()),
                        d.getSequence())
                && !before.equals(schedule.intervalOf(d.getTaskId()))) {
            LOG.info(
                    "task {}: sampling every {} (was {}) by decision {}",
                    d.getTaskId(),
                    schedule.intervalOf(d.getTaskId()),
                    before,
                    d.getDecisionId());
        }
    }

    private static Thread follow(TopicFollower<?> follower, String name, String ifItFails) {
        Thread thread = new Thread(follower, name);
        thread.setUncaughtExceptionHandler(
                (t, e) -> LOG.error("following {} failed; {}", name, ifItFails, e));
        thread.start();
        return thread;
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
                        UsageSource.of(cgroups, o.procStats() ? ProcessTable.system() : null),
                        new TaskDirectory(),
                        new SampleBuilder(
                                node, ProcessTable.clockTicksPerSecond(), o.topProcesses()),
                        new SamplingSchedule(o.interval()));
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
