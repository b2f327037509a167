package io.augur.collector.bench;

import io.augur.launch.Arguments;
import io.augur.launch.CommandLine;
import io.augur.launch.UsageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./augur bench collector}: what the collector costs the node. Stage 1, sampling: CPU of the
 * sampling thread per 100 tasks at 1 Hz (goal: at most 2 % of one core). Prints one line per run
 * and stage, and a JSON summary on the last line.
 */
public final class CollectorBench {
    static final String USAGE =
            """
            usage: augur bench collector [--tasks 100] [--processes 3] [--interval-ms 1000]
                                         [--rounds 30] [--runs 3]

            Measures what the collector costs the node (root; real cgroups and processes):
              sampling   CPU of the sampling thread (cgroup and /proc reads, samples built and
                         Avro-encoded; Kafka's producer excluded) for --tasks tasks of
                         --processes sleeping processes each, one round every --interval-ms,
                         --rounds rounds; reported per 100 tasks (goal: at most 2 % of a core).
            Each stage runs --runs times; the median run is reported.
            """;

    private CollectorBench() {}

    record Options(int tasks, int processes, Duration interval, int rounds, int runs) {
        static Options parse(String[] args) throws UsageException {
            Arguments a =
                    CommandLine.arguments(
                            args, Set.of("tasks", "processes", "interval-ms", "rounds", "runs"));
            return new Options(
                    (int) a.longAtLeast("tasks", 100, 1),
                    (int) a.longAtLeast("processes", 3, 1),
                    Duration.ofMillis(a.longAtLeast("interval-ms", 1000, 100)),
                    (int) a.longAtLeast("rounds", 30, 3),
                    (int) a.longAtLeast("runs", 3, 1));
        }
    }

    public static void main(String[] args) {
        Options o = CommandLine.parseOrExit("augur bench collector", USAGE, Options::parse, args);
        List<SamplingBench.Result> runs = new ArrayList<>();
        for (int i = 0; i < o.runs(); i++) {
            System.err.printf("sampling run %d/%d%n", i + 1, o.runs());
            SamplingBench.Result r =
                    SamplingBench.run(o.tasks(), o.processes(), o.interval(), o.rounds());
            System.out.println(SamplingBench.line(r));
            runs.add(r);
        }
        SamplingBench.Result median =
                runs.stream()
                        .sorted(Comparator.comparingDouble(SamplingBench.Result::cores))
                        .toList()
                        .get(runs.size() / 2);
        System.out.println("median " + SamplingBench.line(median));
        System.out.println(
                String.format(
                        Locale.ROOT,
                        "{\"sampling\":{\"tasks\":%d,\"processesPerTask\":%d,\"intervalMs\":%d,"
                                + "\"cores\":%.5f,\"percentOfCorePer100Tasks\":%.3f,"
                                + "\"medianRoundMs\":%.2f}}",
                        median.tasks(),
                        o.processes(),
                        o.interval().toMillis(),
                        median.cores(),
                        median.coresPer100Tasks() * 100,
                        median.medianRoundMs()));
    }
}
