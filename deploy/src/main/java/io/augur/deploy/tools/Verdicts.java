package io.augur.deploy.tools;

import io.augur.schema.AnalystVerdict;
import io.augur.schema.VerdictSubject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The pure part of {@code ./augur verdict}: which record is judged, and the verdict written. */
public final class Verdicts {
    private Verdicts() {}

    /** Why no verdict can be written; the message is for the analyst. */
    public static final class NothingToJudge extends Exception {
        NothingToJudge(String message) {
            super(message);
        }
    }

    /** {@code taskId@windowEnd}: how a verdict names the record it judges. */
    public static String assessmentRef(String taskId, long windowEndMs) {
        return taskId + "@" + windowEndMs;
    }

    /**
     * The verdict for {@code options} on a task known as {@code task}.
     *
     * @throws NothingToJudge when the task is unknown, has no record of the subject, or has none
     *     with the asked windowEnd
     */
    public static AnalystVerdict verdict(
            VerdictOptions options, JudgedTask task, Instant now, String verdictId)
            throws NothingToJudge {
        String id = options.taskId();
        if (task.role().isEmpty()) {
            throw new NothingToJudge(
                    "unknown task '"
                            + id
                            + "': augur.tasks has no TaskEvent for it (check the id: ./augur tail"
                            + " --bootstrap ... augur.tasks --from-beginning)");
        }
        String topic =
                options.subject() == VerdictSubject.SEQUENCE ? "augur.anomalies" : "augur.risk";
        String what =
                options.subject() == VerdictSubject.SEQUENCE ? "SequenceAnomaly" : "RiskAssessment";
        List<Long> ends = task.windowEnds();
        if (ends.isEmpty()) {
            throw new NothingToJudge(
                    "task '"
                            + id
                            + "' has no "
                            + what
                            + " on "
                            + topic
                            + ": nothing to judge"
                            + (options.subject() == VerdictSubject.SEQUENCE
                                    ? " (a quarantine or restriction for resource risk is judged"
                                            + " with --subject risk)"
                                    : ""));
        }
        long windowEnd;
        if (options.windowEnd().isPresent()) {
            windowEnd = options.windowEnd().getAsLong();
            if (!ends.contains(windowEnd)) {
                throw new NothingToJudge(
                        String.format(
                                Locale.ROOT,
                                "task '%s' has no %s with windowEnd %d on %s (its latest: %d)",
                                id,
                                what,
                                windowEnd,
                                topic,
                                ends.get(ends.size() - 1)));
            }
        } else {
            windowEnd = ends.get(ends.size() - 1);
        }
        return AnalystVerdict.newBuilder()
                .setVerdictId(verdictId)
                .setTaskId(id)
                .setAssessmentRef(assessmentRef(id, windowEnd))
                .setLabel(options.label())
                .setAnalyst(options.analyst())
                .setNote(options.note().orElse(null))
                .setTimestamp(now)
                .setRole(task.role().get())
                .setSubject(options.subject())
                .build();
    }
}
