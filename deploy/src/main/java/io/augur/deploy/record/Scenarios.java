package io.augur.deploy.record;

import io.augur.deploy.workload.BatchPhases;
import io.augur.deploy.workload.BurstyCompute;
import io.augur.deploy.workload.CpuBurner;
import io.augur.deploy.workload.DiskEncryptLike;
import io.augur.deploy.workload.ExfiltrationBurst;
import io.augur.deploy.workload.ForkStorm;
import io.augur.deploy.workload.Idle;
import io.augur.deploy.workload.MemoryBalloon;
import io.augur.deploy.workload.MiningBeacon;
import io.augur.deploy.workload.OrderService;
import io.augur.deploy.workload.SteadyService;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The scenario catalogue of {@code ./augur record}: every workload of this module with the
 * arguments it is recorded with and its label. Every workload is bounded (CPU threads, children,
 * memory, file sizes and disk rates) so that recording never harms the machine.
 */
public final class Scenarios {
    private Scenarios() {}

    /** The packages of the sample JVM service ({@link OrderService}) that the agent records. */
    public static final String SHOP_PACKAGES = "io.augur.deploy.workload.shop";

    /**
     * Where {@code jvm-service-hostile} turns hostile: the first call only the malicious request
     * makes (the calls that parse, validate and price it before are those of any order).
     */
    public static final String SHOP_TURN = SHOP_PACKAGES + ".CouponTemplates#expand";

    /** Seconds of normal traffic before {@code jvm-service-hostile} turns. */
    public static final int SHOP_TURN_AFTER_S = 3;

    public static final List<Scenario> ALL =
            List.of(
                    // hostile
                    new Scenario(
                            "cpu-mining-beacon",
                            Scenario.HOSTILE,
                            "worker",
                            "one thread hashing (double SHA-256) without pause; a small UDP"
                                    + " beacon to the recorder's sink at start and every 5 s",
                            MiningBeacon.class.getName(),
                            List.of("1", "5", Scenario.SINK_UDP)),
                    new Scenario(
                            "cpu-burner",
                            Scenario.HOSTILE,
                            "worker",
                            "one thread spinning forever (the demo's burner)",
                            CpuBurner.class.getName(),
                            List.of()),
                    new Scenario(
                            "memory-balloon",
                            Scenario.HOSTILE,
                            "worker",
                            "grows 16 MiB/s, every page touched, up to 768 MiB, then holds",
                            MemoryBalloon.class.getName(),
                            List.of("16", "768")),
                    new Scenario(
                            "fork-storm",
                            Scenario.HOSTILE,
                            "worker",
                            "starts 20 child processes (sleep) a second up to 200 alive, then"
                                    + " holds",
                            ForkStorm.class.getName(),
                            List.of("20", "200", "600")),
                    new Scenario(
                            "bulk-exfiltration",
                            Scenario.HOSTILE,
                            "batch",
                            "writes 128 MiB of files, then every 10 s of quiet reads them all"
                                    + " (direct I/O) and streams them over TCP to the"
                                    + " recorder's sink at full speed",
                            ExfiltrationBurst.class.getName(),
                            List.of("10", "128", Scenario.SINK_TCP)),
                    new Scenario(
                            "disk-encrypt-rmw",
                            Scenario.HOSTILE,
                            "batch",
                            "writes 64 MiB in 16 files, then encrypts them in place pass after"
                                    + " pass: read 1 MiB (direct I/O), AES-CTR, write it back,"
                                    + " fsync per file; 32 MiB/s",
                            DiskEncryptLike.class.getName(),
                            List.of("64", "16", "32")),
                    new Scenario(
                            "jvm-service-hostile",
                            Scenario.HOSTILE,
                            "service",
                            "the sample order service under the JVM agent: "
                                    + SHOP_TURN_AFTER_S
                                    + " s of normal traffic, then a malicious coupon opens its"
                                    + " attack path (read credentials, list directories, stream"
                                    + " them to the recorder's sink, run a shell) every second"
                                    + " beside the traffic",
                            OrderService.class.getName(),
                            List.of(
                                    "--rate",
                                    "50",
                                    "--turn-hostile-after",
                                    Integer.toString(SHOP_TURN_AFTER_S),
                                    "--sink",
                                    Scenario.SINK_TCP),
                            SHOP_PACKAGES,
                            SHOP_TURN),
                    // benign
                    new Scenario(
                            "bursty-compute",
                            Scenario.BENIGN,
                            "worker",
                            "150 ms of CPU time every second, small heap (the demo's benign"
                                    + " task)",
                            BurstyCompute.class.getName(),
                            List.of("150", "1000")),
                    new Scenario(
                            "steady-service",
                            Scenario.BENIGN,
                            "service",
                            "a loopback request/response service at 100 requests/s, 0.5 ms of"
                                    + " CPU each, flat memory",
                            SteadyService.class.getName(),
                            List.of("100", "500", "1024")),
                    new Scenario(
                            "batch-phases",
                            Scenario.BENIGN,
                            "batch",
                            "cycles of: read a 32 MiB input (direct I/O), 3 s of CPU, write a"
                                    + " 16 MiB output (fsync), sleep 4 s",
                            BatchPhases.class.getName(),
                            List.of("32", "3000", "4")),
                    new Scenario(
                            "idle",
                            Scenario.BENIGN,
                            "worker",
                            "does nothing: the idle cost of a JVM",
                            Idle.class.getName(),
                            List.of()),
                    new Scenario(
                            "jvm-service",
                            Scenario.BENIGN,
                            "service",
                            "the sample order service under the JVM agent: 50 requests/s"
                                    + " (orders, look-ups, bad requests), files per order,"
                                    + " housekeeping every 2 s",
                            OrderService.class.getName(),
                            List.of("--rate", "50"),
                            SHOP_PACKAGES,
                            null));

    public static Optional<Scenario> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(Scenario::name).toList();
    }

    /**
     * The scenarios of a comma-separated list, in its order, each once; {@code all} is the whole
     * catalogue.
     *
     * @throws IllegalArgumentException naming the unknown names and the known ones
     */
    public static List<Scenario> select(String list) {
        if (list.trim().equals("all")) {
            return ALL;
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                wanted.add(part.trim());
            }
        }
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException(
                    "no scenario named; known: " + String.join(",", names()));
        }
        List<String> unknown = new ArrayList<>();
        List<Scenario> chosen = new ArrayList<>();
        for (String name : wanted) {
            byName(name).ifPresentOrElse(chosen::add, () -> unknown.add(name));
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown scenario"
                            + (unknown.size() > 1 ? "s " : " ")
                            + String.join(", ", unknown)
                            + "; known: "
                            + String.join(",", names()));
        }
        return List.copyOf(chosen);
    }

    /** The catalogue as lines for --help: name, label, what it does (wrapped at 92). */
    static String table() {
        StringBuilder out = new StringBuilder();
        String indent = " ".repeat(30);
        for (Scenario s : ALL) {
            StringBuilder line =
                    new StringBuilder(String.format("  %-19s %-7s ", s.name(), s.label()));
            for (String word : s.description().split(" ")) {
                if (line.length() + word.length() + 1 > 92 && line.length() > indent.length()) {
                    out.append(line.toString().stripTrailing()).append('\n');
                    line = new StringBuilder(indent);
                }
                line.append(word).append(' ');
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
