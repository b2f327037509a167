package io.augur.actuator;

import io.augur.actuator.net.LinuxSplitNetworkEffector;
import io.augur.actuator.net.SplitNetworkEffector;
import io.augur.actuator.sandbox.SupervisedProfileStore;
import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.CommandLine;
import io.augur.launch.KafkaClients;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the node enforcer: plugs the real cgroups, journal and Kafka clients into {@link Enforcer}
 * and {@link EnforcementLoop}. See {@link EnforcerOptions#USAGE}.
 */
public final class EnforcerMain {
    private static final Logger LOG = LoggerFactory.getLogger(EnforcerMain.class);

    /** Printed on stdout once the enforcer consumes. */
    public static final String READY = "ENFORCER READY";

    /** Crash-test hook: halt after applying this decision id, before committing its ack. */
    public static final String HALT_AFTER_APPLYING = "augur.enforcer.haltAfterApplying";

    /** CPU use in acks is measured over this long right after applying. */
    private EnforcerMain() {}

    public static void main(String[] args) {
        EnforcerOptions options =
                CommandLine.parseOrExit(
                        "EnforcerMain", EnforcerOptions.USAGE, EnforcerOptions::parse, args);
        try {
            run(options);
        } catch (RuntimeException e) {
            LOG.error("enforcer stopped on an error", e);
            System.exit(1);
        }
    }

    /**
     * Split groups' network controls match sockets by their cgroup v2 group: on a v1 node the
     * unified hierarchy (if mounted) gets groups of its own for them; without one, a SPLIT that
     * restricts the network is FAILED with the reason.
     */
    static SplitNetworkEffector splitNetworks(TaskCgroups cgroups) {
        Optional<Path> unified = LinuxSplitNetworkEffector.cgroup2Mount();
        if (unified.isEmpty()) {
            LOG.warn("no cgroup2 hierarchy mounted: split groups keep their task's network");
            return SplitNetworkEffector.NONE;
        }
        return new LinuxSplitNetworkEffector(
                cgroups.rootName(), unified.get(), cgroups.version() == CgroupVersion.V1);
    }

    static void run(EnforcerOptions o) {
        Clock clock = Clock.systemUTC();
        TaskCgroups cgroups = TaskCgroups.detect(o.cgroupRoot());
        CollectorRegistry registry = new CollectorRegistry();
        EnforcerMetrics metrics = new EnforcerMetrics(registry);
        String id = "augur-enforcer-" + o.node();
        CountDownLatch stopped = new CountDownLatch(1);
        try (AppliedJournal journal = FileAppliedJournal.open(o.stateDir());
                HTTPServer http = metricsServer(o.metricsPort(), registry);
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(KafkaClients.readCommittedConsumer(o.bootstrap(), id));
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                KafkaClients.transactionalProducer(o.bootstrap(), id))) {
            Enforcer enforcer =
                    new Enforcer(
                            new DecisionValidator(o.bounds()),
                            DecisionLedger.restore(journal.replay()),
                            new CgroupEffector(cgroups, o.observeWindow()),
                            // Tasks started by ./augur run have a network of their own: on, off,
                            // shaped as decided; the others keep the host's, uncontrolled.
                            new io.augur.actuator.net.LinuxNetworkEffector(),
                            // Tasks ./augur run launched under supervision can change seccomp
                            // profile while they run; the others keep their launch profile.
                            new SupervisedProfileStore(SupervisedProfileStore.DEFAULT_DIR),
                            splitNetworks(cgroups),
                            journal,
                            clock);
            // The node's tasks together weigh as many busy processes as the node has cores for
            // them (not as one, the default): under host load their quotas can be met.
            try {
                cgroups.weighRoot(o.bounds().cpuCores());
            } catch (RuntimeException e) {
                LOG.warn(
                        "cannot set the managed root's cpu weight (its tasks compete as one"
                                + " process): {}",
                        e.toString());
            }
            // Before reading decisions: a restart must not leave a quarantined task thawed or a
            // terminated one running.
            int reasserted = enforcer.reassert();
            metrics.tasks(enforcer.taskCounts());
            LOG.info("re-asserted quarantine/termination on {} task(s)", reasserted);
            EnforcementLoop loop =
                    new EnforcementLoop(
                            o.node(),
                            consumer,
                            producer,
                            enforcer,
                            metrics,
                            clock,
                            System.getProperty(HALT_AFTER_APPLYING));
            producer.initTransactions();
            loop.subscribe();
            Thread main = Thread.currentThread();
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        LOG.info("SIGTERM: stopping");
                                        loop.stop();
                                        awaitQuietly(stopped, main);
                                    },
                                    "enforcer-shutdown"));
            LOG.info(
                    "enforcing node {} on cgroup {} root '{}', bounds {}",
                    o.node(),
                    cgroups.version(),
                    o.cgroupRoot(),
                    o.bounds());
            System.out.println(READY);
            System.out.flush();
            loop.run();
        } finally {
            // Log before releasing the SIGTERM hook: once it returns, the JVM exits.
            LOG.info("enforcer stopped");
            stopped.countDown();
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

    private static void awaitQuietly(CountDownLatch stopped, Thread main) {
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                LOG.warn(
                        "main loop did not stop within 30 s; exiting anyway ({})", main.getState());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
