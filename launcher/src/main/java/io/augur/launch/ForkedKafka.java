package io.augur.launch;

import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A Kafka 4.2 broker (KRaft, single node) in its own JVM, on free loopback ports, with its data in
 * a directory of the caller's. {@link #stop()} and {@link #start()} again on the same directory and
 * ports keep every topic and offset: tests use this for "broker down, then up".
 */
public final class ForkedKafka implements AutoCloseable {

    /** How long a created topic may take to be served by its leader. */
    static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> brokerConfig;
    private JavaProcess process;

    private ForkedKafka(Path dir, int port, int controllerPort, Map<String, String> brokerConfig) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.brokerConfig = Map.copyOf(brokerConfig);
    }

    /** Starts a broker on free ports with its data under {@code dir}, and waits until it serves. */
    public static ForkedKafka start(Path dir) {
        return start(dir, FreePorts.next(), FreePorts.next());
    }

    public static ForkedKafka start(Path dir, int port, int controllerPort) {
        return start(dir, port, controllerPort, Map.of());
    }

    /**
     * Starts a broker on free ports with some of its properties overridden (e.g. a test's short
     * {@code log.retention.check.interval.ms}).
     */
    public static ForkedKafka start(Path dir, Map<String, String> brokerConfig) {
        return start(dir, FreePorts.next(), FreePorts.next(), brokerConfig);
    }

    public static ForkedKafka start(
            Path dir, int port, int controllerPort, Map<String, String> brokerConfig) {
        ForkedKafka kafka = new ForkedKafka(dir, port, controllerPort, brokerConfig);
        kafka.start();
        return kafka;
    }

    /** (Re)starts the broker process on this instance's directory and ports. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "--dir", dir.toString(),
                                "--port", Integer.toString(port),
                                "--controller-port", Integer.toString(controllerPort)));
        new java.util.TreeMap<>(brokerConfig)
                .forEach(
                        (key, value) -> {
                            args.add("--set");
                            args.add(key + "=" + value);
                        });
        process =
                JavaProcess.builder("kafka-broker", "io.augur.broker.LocalKafkaBroker")
                        .name("kafka")
                        .jvmArg("-Xmx768m")
                        .args(args.toArray(String[]::new))
                        .log(dir.resolve("broker.log"))
                        .start();
        try {
            process.awaitLogLine(line -> line.startsWith("READY "), Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            // Nobody else holds this process yet: a broker that failed to start must not leak.
            process.kill();
            throw e;
        }
    }

    /** Stops the broker gracefully; its data stays. */
    public synchronized void stop() {
        if (process != null) {
            process.close();
        }
    }

    /** Kills the broker (SIGKILL); its data stays. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    public Path log() {
        return dir.resolve("broker.log");
    }

    /** Creates every topic of Augur's catalogue (existing ones are left as they are). */
    public ForkedKafka createAugurTopics() {
        try {
            createTopics(Topics.all());
        } catch (RuntimeException e) {
            // Called in a chain right after start(): the caller never gets the instance to close.
            kill();
            throw e;
        }
        return this;
    }

    public void createTopics(Collection<? extends Topic<?>> topics) {
        createTopics(bootstrapServers(), topics);
    }

    /**
     * Creates the given catalogue topics on any cluster; existing ones are left alone. Each gets
     * the catalogue's cleanup policy and {@code message.timestamp.type=LogAppendTime}: retention
     * counts from a record's arrival, never from the event time it carries (a replayed spool or a
     * job catching up writes records whose own time is long past; stamped with it, they would be
     * deleted at the broker's next retention check).
     */
    public static void createTopics(String bootstrap, Collection<? extends Topic<?>> topics) {
        List<NewTopic> wanted =
                topics.stream()
                        .map(
                                t ->
                                        new NewTopic(t.name(), t.partitions(), (short) 1)
                                                .configs(
                                                        Map.of(
                                                                "cleanup.policy",
                                                                t.cleanupPolicy(),
                                                                "message.timestamp.type",
                                                                "LogAppendTime")))
                        .collect(Collectors.toList());
        createRaw(bootstrap, wanted);
    }

    /** Creates plain topics (tests' own), each with the given number of partitions. */
    public void createTopic(String name, int partitions) {
        createRaw(bootstrapServers(), List.of(new NewTopic(name, partitions, (short) 1)));
    }

    private static void createRaw(String bootstrap, List<NewTopic> wanted) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing =
                    wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList(), bootstrap);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot create topics on " + bootstrap + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until every partition of {@code topics} is served by its leader. The controller answers
     * a create once the topics are in its metadata; the broker takes leadership a moment later, and
     * a producer that writes in between gets NOT_LEADER_OR_FOLLOWER. With an idempotent producer
     * that can then loop on OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (a CI run of
     * BehaviorProfilerJobIT lost its task announcements that way). A leader's own answer to
     * ListOffsets is the proof: it fails with a retriable error until the broker leads.
     */
    private static void awaitLeaders(Admin admin, List<String> topics, String bootstrap)
            throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (TopicDescription d :
                        admin.describeTopics(topics).allTopicNames().get().values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        latest.put(
                                new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                    }
                }
                admin.listOffsets(latest).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new IllegalStateException(
                            "cannot check the leaders of new topics "
                                    + topics
                                    + " on "
                                    + bootstrap
                                    + ": "
                                    + e.getCause(),
                            e.getCause());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "new topics "
                                    + topics
                                    + " on "
                                    + bootstrap
                                    + " have no serving leader after "
                                    + LEADER_WAIT.toSeconds()
                                    + " s: "
                                    + e.getCause(),
                            e.getCause());
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
