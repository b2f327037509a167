package io.augur.deploy.tools;

import io.augur.schema.AnalystVerdict;
import io.augur.schema.InvocationEvent;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./augur export --verdicts}: the retraining dataset. Reads augur.verdicts (the asked time
 * range), then only the partitions of augur.telemetry.invocations that hold a judged task, and
 * writes DIR/invocations.tsv ({@link RetrainingRows}).
 */
final class VerdictExport {
    private VerdictExport() {}

    /** What an export wrote. */
    record Result(Path file, int rows, int verdicts, int withoutInvocations, long undecodable) {}

    static Result run(ExportOptions options, PrintStream progress) throws IOException {
        Files.createDirectories(options.out());
        long[] bad = new long[1];
        List<AnalystVerdict> all = new ArrayList<>();
        Map<String, List<InvocationEvent>> byTask = new HashMap<>();
        Map<String, AnalystVerdict> judged;
        try (TopicScan scan = new TopicScan(options.bootstrap())) {
            scan.scan(
                    scan.partitions(Topics.VERDICTS.name()),
                    options.since(),
                    options.until(),
                    r -> decode(Topics.VERDICTS, r.value(), bad).ifPresent(all::add),
                    Topics.VERDICTS.name(),
                    progress);
            judged = RetrainingRows.latestSequenceVerdicts(all);
            Set<String> tasks = new HashSet<>();
            judged.values().forEach(v -> tasks.add(v.getTaskId()));
            if (!tasks.isEmpty()) {
                List<TopicPartition> partitions = scan.partitions(Topics.INVOCATIONS.name());
                Set<TopicPartition> holding = new LinkedHashSet<>();
                for (String t : tasks) {
                    holding.add(
                            new TopicPartition(
                                    Topics.INVOCATIONS.name(),
                                    TaskHistory.partitionOf(Topic.keyBytes(t), partitions.size())));
                }
                scan.scan(
                        holding,
                        Optional.empty(),
                        Optional.empty(),
                        r -> {
                            String key = Topic.keyString(r.key());
                            if (key != null && tasks.contains(key)) {
                                decode(Topics.INVOCATIONS, r.value(), bad)
                                        .ifPresent(
                                                e ->
                                                        byTask.computeIfAbsent(
                                                                        key, k -> new ArrayList<>())
                                                                .add(e));
                            }
                        },
                        Topics.INVOCATIONS.name(),
                        progress);
            }
        }
        Path file = options.out().resolve("invocations.tsv");
        Path partial = options.out().resolve("invocations.tsv.partial");
        int rows = 0;
        int empty = 0;
        try (BufferedWriter w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            w.write(RetrainingRows.HEADER);
            w.write('\n');
            for (AnalystVerdict v : judged.values()) {
                List<String> lines =
                        RetrainingRows.rows(v, byTask.getOrDefault(v.getTaskId(), List.of()));
                if (lines.isEmpty()) {
                    empty++;
                    progress.println(
                            "no invocations of "
                                    + v.getAssessmentRef()
                                    + " on "
                                    + Topics.INVOCATIONS.name()
                                    + " (expired?): verdict skipped");
                }
                for (String line : lines) {
                    w.write(line);
                    w.write('\n');
                    rows++;
                }
            }
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        return new Result(file, rows, judged.size(), empty, bad[0]);
    }

    private static <V extends org.apache.avro.specific.SpecificRecordBase> Optional<V> decode(
            Topic<V> topic, byte[] value, long[] bad) {
        try {
            return Optional.of(topic.codec().decode(value));
        } catch (SchemaDecodeException e) {
            bad[0]++;
            return Optional.empty();
        }
    }
}
