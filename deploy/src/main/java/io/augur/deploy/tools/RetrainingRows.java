package io.augur.deploy.tools;

import io.augur.schema.AnalystVerdict;
import io.augur.schema.InvocationEvent;
import io.augur.schema.InvocationKind;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The pure part of {@code ./augur export --verdicts}: judged sequence windows joined with the
 * task's invocations, as lines of the augur sequence format ({@code
 * label<TAB>trace<TAB>role<TAB>kind<TAB>calls}, docs/trace-format.md).
 */
public final class RetrainingRows {
    private RetrainingRows() {}

    /** The header line of invocations.tsv. */
    public static final String HEADER = "label\ttrace\trole\tkind\tcalls";

    /** A judged window: the task and the windowEnd of {@code taskId@windowEnd}. */
    public record Ref(String taskId, long windowEndMs) {
        /** Parses {@code taskId@windowEnd}; empty when it is not of that form. */
        public static Optional<Ref> parse(String ref) {
            int at = ref.lastIndexOf('@');
            if (at <= 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(
                        new Ref(ref.substring(0, at), Long.parseLong(ref.substring(at + 1))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * The verdicts that count, in the order given: SEQUENCE subject only, with a parseable ref, and
     * the last verdict on a window replacing earlier ones (an analyst who changes their mind).
     */
    public static Map<String, AnalystVerdict> latestSequenceVerdicts(List<AnalystVerdict> all) {
        Map<String, AnalystVerdict> byRef = new LinkedHashMap<>();
        for (AnalystVerdict v : all) {
            if (v.getSubject() != VerdictSubject.SEQUENCE
                    || Ref.parse(v.getAssessmentRef()).isEmpty()) {
                continue;
            }
            byRef.remove(v.getAssessmentRef());
            byRef.put(v.getAssessmentRef(), v);
        }
        return byRef;
    }

    /**
     * The rows of one verdict: one per invocation kind the task has up to the window's end, calls
     * in sequence order. None when the task has no invocation up to then.
     *
     * @param invocations the task's invocations, any order
     */
    public static List<String> rows(AnalystVerdict verdict, List<InvocationEvent> invocations) {
        Ref ref = Ref.parse(verdict.getAssessmentRef()).orElseThrow();
        String label = verdict.getLabel() == VerdictLabel.TRUE_POSITIVE ? "hostile" : "benign";
        Map<InvocationKind, List<InvocationEvent>> byKind = new EnumMap<>(InvocationKind.class);
        for (InvocationEvent e : invocations) {
            if (e.getTaskId().equals(ref.taskId())
                    && e.getTimestamp().toEpochMilli() <= ref.windowEndMs()) {
                byKind.computeIfAbsent(e.getKind(), k -> new ArrayList<>()).add(e);
            }
        }
        List<String> rows = new ArrayList<>();
        for (Map.Entry<InvocationKind, List<InvocationEvent>> e : byKind.entrySet()) {
            List<InvocationEvent> calls = e.getValue();
            calls.sort(Comparator.comparingLong(InvocationEvent::getSequence));
            String role = verdict.getRole() != null ? verdict.getRole() : calls.get(0).getRole();
            rows.add(
                    String.join(
                            "\t",
                            label,
                            clean(verdict.getAssessmentRef()),
                            clean(role),
                            e.getKey().name(),
                            calls.stream()
                                    .map(c -> clean(c.getName()))
                                    .collect(Collectors.joining(" "))));
        }
        return rows;
    }

    /** Names never hold whitespace in the format: it separates fields and calls. */
    private static String clean(String s) {
        return s.isEmpty() ? "_" : s.replaceAll("\\s", "_");
    }
}
