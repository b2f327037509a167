package io.augur.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker and controller in KRaft mode, tuned for one machine (replication 1, no
 * rebalance delay, a small cleaner buffer). Formats its directory on first start and keeps it, so a
 * restart on the same directory keeps every topic and committed offset.
 *
 * <p>Every record is stamped with the time it reached the broker ({@code LogAppendTime}), and
 * retention counts from there. Augur's records carry event times that may lie far in the past (a
 * collector replaying its spool, a job catching up, a recorded scenario, the tests' fixed clock);
 * stamped with those ({@code CreateTime}), the broker's retention check deletes them minutes after
 * they were written, before any reader sees them.
 *
 * <p>{@code --set KEY=VALUE} (repeatable) overrides any broker property.
 *
 * <p>Prints {@code READY <bootstrap>} on stdout once it serves requests, and shuts down cleanly on
 * SIGTERM.
 */
public final class LocalKafkaBroker {

    private LocalKafkaBroker() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> overrides = new TreeMap<>();
        Map<String, String> opts = parse(args, overrides);
        Path dir = Path.of(require(opts, "dir")).toAbsolutePath();
        int port = Integer.parseInt(require(opts, "port"));
        int controllerPort = Integer.parseInt(require(opts, "controller-port"));

        Properties props = properties(dir, port, controllerPort);
        props.putAll(overrides);
        Files.createDirectories(dir);
        Path config = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "written by Augur's LocalKafkaBroker");
        }
        if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
            format(config);
        }

        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "broker-shutdown"));
        server.startup();
        System.out.println("READY 127.0.0.1:" + port);
        System.out.flush();
        server.awaitShutdown();
    }

    static Properties properties(Path dir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("logs").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("transaction.max.timeout.ms", "900000");
        p.put("auto.create.topics.enable", "true");
        // Retention from arrival, not from the records' own (event) time: see the class comment.
        p.put("log.message.timestamp.type", "LogAppendTime");
        return p;
    }

    private static void format(Path config) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            rc =
                    StorageTool.execute(
                            new String[] {
                                "format",
                                "--cluster-id",
                                Uuid.randomUuid().toString(),
                                "--config",
                                config.toString(),
                                "--ignore-formatted"
                            },
                            out);
        }
        if (rc != 0) {
            throw new IllegalStateException(
                    "kafka storage format failed ("
                            + rc
                            + "): "
                            + buffer.toString(StandardCharsets.UTF_8));
        }
    }

    private static final String USAGE =
            "usage: LocalKafkaBroker --dir DIR --port PORT --controller-port PORT"
                    + " [--set BROKER-PROPERTY=VALUE ...]";

    static Map<String, String> parse(String[] args, Map<String, String> overrides) {
        Map<String, String> opts = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(USAGE);
            }
            String name = args[i].substring(2);
            String value = args[++i];
            if (name.equals("set")) {
                int eq = value.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(
                            "--set takes BROKER-PROPERTY=VALUE, got '" + value + "'");
                }
                overrides.put(value.substring(0, eq), value.substring(eq + 1));
            } else {
                opts.put(name, value);
            }
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String name) {
        String value = opts.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }
}
