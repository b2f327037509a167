package io.augur.collector.bench;

import io.augur.cgroup.HeldFiles;
import io.augur.collector.syscall.StraceOverhead;
import io.augur.launch.Arguments;
import io.augur.launch.AugurHome;
import io.augur.launch.CommandLine;
import io.augur.launch.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./augur bench collector}: what the collector costs the node and its tasks, in stages:
 * sampling (CPU per 100 tasks at 1 Hz; goal at most 2 % of one core), agent (slowdown of a
 * method-heavy JVM workload under the agent; goal at most 10 %), strace (slowdown of native
 * workloads whose system calls are traced). Prints one line per run and stage; the sampling stage's
 * JSON summary is the last line.
 */
public final class CollectorBench {
    static final String USAGE =
            """
            usage: augur bench collector [--stages sampling,agent,strace] [--runs 3]
                                         [--tasks 100] [--processes 3] [--interval-ms 1000]
                                         [--proc-stats on] [--held-files default]
                                         [--rounds 30] [--agent-work 0,500] [--agent-args rate=1]
                                         [--agent-orders 400000] [--dd-bytes 50000]

            Measures what the collector costs (root; real cgroups and processes):
              sampling  CPU of the sampling thread (cgroup and /proc reads, samples built and
                        Avro-encoded; Kafka's producer excluded) for --tasks tasks of --processes
                        sleeping processes each, one round every --interval-ms, --rounds rounds;
                        per 100 tasks (goal: at most 2 % of a core). Median of --runs runs.
                        --proc-stats off measures the collector's --proc-stats off.
                        --held-files N keeps at most N files open between rounds (default: a
                        quarter of the descriptor limit, at most 8192); 0 opens every file per
                        read. A list (e.g. default,0) alternates the settings run by run and
                        prints each one's median and their ratios to the first. Each setting
                        gets one short, discarded warm-up run first (the JIT's).
              agent     a method-heavy JVM workload (18 recorded calls per order, --agent-orders
                        orders a round, 4 rounds, the first a warm-up) with and without
                        augur-agent.jar (--agent-args, e.g. rate=4 records one call in 4),
                        alternating, --runs times each, for every spin level of --agent-work
                        (iterations per call: chooses how long a call takes); median slowdown
                        (goal: at most 10 %).
              strace    native workloads (dd with 1-byte blocks over --dd-bytes, find, 300
                        fork+exec) untraced, under bare strace, and under the collector's capture
                        (all calls; file,network,process only), --runs times each; medians and
                        ratios.
            """;

    private CollectorBench() {}

    record Options(
            Set<String> stages,
            int runs,
            int tasks,
            int processes,
            Duration interval,
            int rounds,
            List<Integer> agentWork,
            String agentArgs,
            int agentOrders,
            long ddBytes,
            boolean procStats,
            List<Integer> heldFiles) {
        static Options parse(String[] args) throws UsageException {
            Arguments a =
                    CommandLine.arguments(
                            args,
                            Set.of(
                                    "stages",
                                    "runs",
                                    "tasks",
                                    "processes",
                                    "interval-ms",
                                    "rounds",
                                    "agent-work",
                                    "agent-args",
                                    "agent-orders",
                                    "dd-bytes",
                                    "proc-stats",
                                    "held-files"));
            Set<String> stages =
                    new LinkedHashSet<>(
                            Arrays.asList(
                                    a.getOrDefault("stages", "sampling,agent,strace").split(",")));
            for (String s : stages) {
                if (!Set.of("sampling", "agent", "strace").contains(s)) {
                    throw UsageException.bad(
                            "--stages: unknown stage '" + s + "' (sampling, agent, strace)");
                }
            }
            List<Integer> work = new ArrayList<>();
            for (String w : a.getOrDefault("agent-work", "0,500").split(",")) {
                try {
                    work.add(Integer.parseInt(w.trim()));
                } catch (NumberFormatException e) {
                    throw UsageException.bad("--agent-work: not a number: '" + w + "'");
                }
            }
            List<Integer> held = new ArrayList<>();
            for (String h : a.getOrDefault("held-files", "default").split(",")) {
                if (h.trim().equals("default")) {
                    held.add(HeldFiles.defaultCapacity());
                    continue;
                }
                try {
                    int n = Integer.parseInt(h.trim());
                    if (n < 0) {
                        throw new NumberFormatException();
                    }
                    held.add(n);
                } catch (NumberFormatException e) {
                    throw UsageException.bad(
                            "--held-files: not a count of files or 'default': '" + h + "'");
                }
            }
            return new Options(
                    stages,
                    (int) a.longAtLeast("runs", 3, 1),
                    (int) a.longAtLeast("tasks", 100, 1),
                    (int) a.longAtLeast("processes", 3, 1),
                    Duration.ofMillis(a.longAtLeast("interval-ms", 1000, 100)),
                    (int) a.longAtLeast("rounds", 30, 3),
                    work,
                    a.getOrDefault("agent-args", "rate=1"),
                    (int) a.longAtLeast("agent-orders", 400_000, 1000),
                    a.longAtLeast("dd-bytes", 50_000, 1000),
                    !a.getOrDefault("proc-stats", "on").equals("off"),
                    held);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = CommandLine.parseOrExit("augur bench collector", USAGE, Options::parse, args);
        if (o.stages().contains("agent")) {
            Path home = AugurHome.resolve();
            for (int work : o.agentWork()) {
                System.err.printf(
                        "agent: work %d, args '%s', %d runs%n", work, o.agentArgs(), o.runs());
                System.out.println(
                        AgentOverhead.line(
                                AgentOverhead.run(
                                        home, o.runs(), o.agentOrders(), 4, work, o.agentArgs())));
            }
        }
        if (o.stages().contains("strace")) {
            StraceOverhead.run(o.runs(), o.ddBytes());
        }
        if (o.stages().contains("sampling")) {
            sampling(o);
        }
    }

    private static void sampling(Options o) {
        Map<Integer, List<SamplingBench.Result>> runs = new LinkedHashMap<>();
        // The first run in a JVM would carry the JIT's warm-up on the sampling thread: one short,
        // discarded run of every setting first.
        for (int held : o.heldFiles()) {
            System.err.printf("warm-up, held files %d%n", held);
            SamplingBench.run(
                    o.tasks(), o.processes(), Duration.ofMillis(100), 20, o.procStats(), held);
        }
        for (int i = 0; i < o.runs(); i++) {
            for (int held : o.heldFiles()) {
                System.err.printf("sampling run %d/%d, held files %d%n", i + 1, o.runs(), held);
                SamplingBench.Result r =
                        SamplingBench.run(
                                o.tasks(),
                                o.processes(),
                                o.interval(),
                                o.rounds(),
                                o.procStats(),
                                held);
                System.out.println("held files " + held + ": " + SamplingBench.line(r));
                runs.computeIfAbsent(held, k -> new ArrayList<>()).add(r);
            }
        }
        SamplingBench.Result first = null;
        List<String> json = new ArrayList<>();
        for (Map.Entry<Integer, List<SamplingBench.Result>> e : runs.entrySet()) {
            SamplingBench.Result median =
                    e.getValue().stream()
                            .sorted(Comparator.comparingDouble(SamplingBench.Result::cores))
                            .toList()
                            .get(e.getValue().size() / 2);
            String ratio = "";
            if (first == null) {
                first = median;
            } else {
                ratio =
                        String.format(
                                Locale.ROOT,
                                " (%.2f × held files %d)",
                                median.cores() / first.cores(),
                                o.heldFiles().get(0));
            }
            System.out.println(
                    "median, held files " + e.getKey() + ": " + SamplingBench.line(median) + ratio);
            json.add(
                    String.format(
                            Locale.ROOT,
                            "{\"tasks\":%d,\"processesPerTask\":%d,\"procStats\":%b,"
                                    + "\"heldFiles\":%d,\"intervalMs\":%d,"
                                    + "\"cores\":%.5f,\"percentOfCorePer100Tasks\":%.3f,"
                                    + "\"medianRoundMs\":%.2f}",
                            median.tasks(),
                            o.processes(),
                            o.procStats(),
                            e.getKey(),
                            o.interval().toMillis(),
                            median.cores(),
                            median.coresPer100Tasks() * 100,
                            median.medianRoundMs()));
        }
        System.out.println(
                json.size() == 1
                        ? "{\"sampling\":" + json.get(0) + "}"
                        : "{\"sampling\":[" + String.join(",", json) + "]}");
    }
}
