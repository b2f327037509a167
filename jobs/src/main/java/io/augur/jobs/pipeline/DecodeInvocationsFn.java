package io.augur.jobs.pipeline;

import io.augur.jobs.pipeline.DecodeSamplesFn.Violation;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.DeadLetter;
import io.augur.schema.DeadLetters;
import io.augur.schema.InvocationEvent;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records of {@code augur.telemetry.invocations} into {@link InvocationEvent}s and of
 * {@code augur.verdicts} into {@link AnalystVerdict}s (to {@link #VERDICTS}), and validates them;
 * anything that does not decode or is not plausible goes to {@link #DEAD_LETTERS} with the reason.
 * Bad data never fails the job.
 */
public final class DecodeInvocationsFn extends ProcessFunction<RawRecord, InvocationEvent> {
    private static final long serialVersionUID = 1L;

    /** Name of this component in dead letters. */
    public static final String COMPONENT = "jobs.BehaviorProfilerJob.DecodeInvocationsFn";

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("invocation-dead-letters", TypeInformation.of(DeadLetter.class));

    public static final OutputTag<AnalystVerdict> VERDICTS =
            new OutputTag<>("verdicts", TypeInformation.of(AnalystVerdict.class));

    private final Clock clock;
    private final Duration maxFutureSkew;

    public DecodeInvocationsFn(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkew = maxFutureSkew;
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<InvocationEvent> out) {
        Instant now = clock.instant();
        String errorType;
        String error;
        try {
            if (Topics.VERDICTS.name().equals(raw.topic)) {
                AnalystVerdict v =
                        Topics.VERDICTS
                                .codec()
                                .decode(raw.value, raw.topic, raw.partition, raw.offset);
                Optional<Violation> bad = validate(v);
                if (bad.isEmpty()) {
                    ctx.output(VERDICTS, v);
                    return;
                }
                errorType = "validation." + bad.get().kind();
                error = bad.get().message();
            } else {
                InvocationEvent e =
                        Topics.INVOCATIONS
                                .codec()
                                .decode(raw.value, raw.topic, raw.partition, raw.offset);
                Optional<Violation> bad = validate(e, now, maxFutureSkew);
                if (bad.isEmpty()) {
                    out.collect(e);
                    return;
                }
                errorType = "validation." + bad.get().kind();
                error = bad.get().message();
            }
        } catch (SchemaDecodeException e) {
            errorType = "decode." + e.kind().name();
            error = String.valueOf(e.getMessage());
        }
        ctx.output(
                DEAD_LETTERS,
                DeadLetters.of(
                        raw.topic,
                        raw.partition,
                        raw.offset,
                        raw.key,
                        raw.value,
                        errorType,
                        error,
                        COMPONENT,
                        now));
    }

    /** Checks one decoded invocation; empty if it is plausible. Pure. */
    public static Optional<Violation> validate(
            InvocationEvent e, Instant now, Duration maxFutureSkew) {
        if (isBlank(e.getTaskId())) {
            return Optional.of(new Violation("MISSING_TASK_ID", "taskId is empty"));
        }
        if (isBlank(e.getUserId())) {
            return Optional.of(
                    new Violation("MISSING_USER_ID", "userId of " + e.getTaskId() + " is empty"));
        }
        if (isBlank(e.getName())) {
            return Optional.of(
                    new Violation(
                            "MISSING_NAME", "invocation name of " + e.getTaskId() + " is empty"));
        }
        if (isBlank(e.getRole())) {
            return Optional.of(
                    new Violation("MISSING_ROLE", "role of " + e.getTaskId() + " is empty"));
        }
        if (e.getSequence() < 0) {
            return Optional.of(
                    new Violation("BAD_SEQUENCE", "sequence must be >= 0: " + e.getSequence()));
        }
        if (e.getTimestamp().isAfter(now.plus(maxFutureSkew))) {
            return Optional.of(
                    new Violation(
                            "FUTURE_TIMESTAMP",
                            "timestamp "
                                    + e.getTimestamp()
                                    + " is more than "
                                    + maxFutureSkew
                                    + " ahead of "
                                    + now));
        }
        return Optional.empty();
    }

    /** Checks one decoded verdict; empty if usable. Pure. */
    public static Optional<Violation> validate(AnalystVerdict v) {
        if (isBlank(v.getTaskId())) {
            return Optional.of(new Violation("MISSING_TASK_ID", "taskId is empty"));
        }
        return Optional.empty();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
