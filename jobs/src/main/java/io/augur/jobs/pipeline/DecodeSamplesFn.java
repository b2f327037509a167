package io.augur.jobs.pipeline;

import io.augur.schema.DeadLetter;
import io.augur.schema.DeadLetters;
import io.augur.schema.ResourceSample;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records of {@code augur.telemetry.resources} into {@link ResourceSample}s and of
 * {@code augur.tasks} into {@link TaskEvent}s, and validates them. Good samples go to the main
 * output, good task events to {@link #TASK_EVENTS}; anything that does not decode or is not
 * plausible goes to {@link #DEAD_LETTERS} with the reason. Bad data never fails the job.
 */
public final class DecodeSamplesFn extends ProcessFunction<RawRecord, ResourceSample> {
    private static final long serialVersionUID = 1L;

    /** Name of this component in dead letters. */
    public static final String COMPONENT = "jobs.BehaviorProfilerJob.DecodeSamplesFn";

    /** Side output of everything rejected. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** Side output of the valid task life-cycle events. */
    public static final OutputTag<TaskEvent> TASK_EVENTS =
            new OutputTag<>("task-events", TypeInformation.of(TaskEvent.class));

    private final Clock clock;
    private final Duration maxFutureSkew;

    /**
     * @param clock for the dead letters' timestamps and the "far in the future" check
     * @param maxFutureSkew how far ahead of the clock a sample may be stamped
     */
    public DecodeSamplesFn(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkew = maxFutureSkew;
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ResourceSample> out) {
        Instant now = clock.instant();
        if (raw.sample == null && raw.taskEvent == null && raw.errorType == null) {
            check(raw, now, maxFutureSkew); // not checked by the source's deserializer
        }
        if (raw.sample != null) {
            out.collect(raw.sample);
            return;
        }
        if (raw.taskEvent != null) {
            ctx.output(TASK_EVENTS, raw.taskEvent);
            return;
        }
        ctx.output(
                DEAD_LETTERS,
                DeadLetters.of(
                        raw.topic,
                        raw.partition,
                        raw.offset,
                        raw.key,
                        raw.value,
                        raw.errorType,
                        raw.error,
                        COMPONENT,
                        now));
    }

    /**
     * Decodes and validates {@code raw} in place: sets its sample (or task event, for a record of
     * {@code augur.tasks}) and event time, or its error type and error. Pure but for the record it
     * fills in.
     */
    public static void check(RawRecord raw, Instant now, Duration maxFutureSkew) {
        if (Topics.TASKS.name().equals(raw.topic)) {
            TaskEvent event =
                    decodeAndValidate(raw, Topics.TASKS, e -> validate(e, now, maxFutureSkew));
            if (event != null) {
                raw.taskEvent = event;
                raw.eventTimeMs = event.getTimestamp().toEpochMilli();
            }
            return;
        }
        ResourceSample sample =
                decodeAndValidate(raw, Topics.RESOURCES, s -> validate(s, now, maxFutureSkew));
        if (sample != null) {
            raw.sample = sample;
            raw.eventTimeMs = sample.getTimestamp().toEpochMilli();
        }
    }

    /** The record decoded as {@code topic}'s type if it decodes and is valid, else null and why. */
    private static <T extends SpecificRecordBase> T decodeAndValidate(
            RawRecord raw, Topic<T> topic, Function<T, Optional<Violation>> validation) {
        T value;
        try {
            value = topic.codec().decode(raw.value, raw.topic, raw.partition, raw.offset);
        } catch (SchemaDecodeException e) {
            raw.errorType = "decode." + e.kind().name();
            raw.error = String.valueOf(e.getMessage());
            return null;
        }
        Optional<Violation> violation = validation.apply(value);
        if (violation.isPresent()) {
            raw.errorType = "validation." + violation.get().kind();
            raw.error = violation.get().message();
            return null;
        }
        return value;
    }

    /** Checks one decoded task event; empty if it is plausible. Pure. */
    public static Optional<Violation> validate(TaskEvent e, Instant now, Duration maxFutureSkew) {
        if (isBlank(e.getTaskId())) {
            return Optional.of(new Violation("MISSING_TASK_ID", "taskId is empty"));
        }
        if (isBlank(e.getUserId())) {
            return Optional.of(
                    new Violation("MISSING_USER_ID", "userId of " + e.getTaskId() + " is empty"));
        }
        if (isBlank(e.getRole())) {
            return Optional.of(
                    new Violation("MISSING_ROLE", "role of " + e.getTaskId() + " is empty"));
        }
        return future(e.getTimestamp(), now, maxFutureSkew);
    }

    private static Optional<Violation> future(
            Instant timestamp, Instant now, Duration maxFutureSkew) {
        if (timestamp.isAfter(now.plus(maxFutureSkew))) {
            return Optional.of(
                    new Violation(
                            "FUTURE_TIMESTAMP",
                            "timestamp "
                                    + timestamp
                                    + " is more than "
                                    + maxFutureSkew
                                    + " ahead of "
                                    + now));
        }
        return Optional.empty();
    }

    /**
     * Why a decoded sample is not a plausible measurement.
     *
     * @param kind short machine-readable kind (becomes the dead letter's errorType suffix)
     * @param message what exactly is wrong
     */
    public record Violation(String kind, String message) {}

    /** Checks one decoded sample; empty if it is plausible. Pure. */
    public static Optional<Violation> validate(
            ResourceSample s, Instant now, Duration maxFutureSkew) {
        if (isBlank(s.getTaskId())) {
            return Optional.of(new Violation("MISSING_TASK_ID", "taskId is empty"));
        }
        if (isBlank(s.getUserId())) {
            return Optional.of(
                    new Violation("MISSING_USER_ID", "userId of " + s.getTaskId() + " is empty"));
        }
        if (s.getIntervalMs() <= 0) {
            return Optional.of(
                    new Violation("BAD_INTERVAL", "intervalMs must be > 0: " + s.getIntervalMs()));
        }
        Optional<Violation> future = future(s.getTimestamp(), now, maxFutureSkew);
        if (future.isPresent()) {
            return future;
        }
        Optional<Violation> cpu = notAFiniteAmount("cpuCores", s.getCpuCores());
        if (cpu.isPresent()) {
            return cpu;
        }
        Optional<Violation> throttled =
                notAFiniteAmount("cpuThrottledSeconds", s.getCpuThrottledSeconds());
        if (throttled.isPresent()) {
            return throttled;
        }
        String[] names = {
            "memoryBytes", "diskReadBytes", "diskWriteBytes", "netRxBytes", "netTxBytes", "pids"
        };
        Long[] values = {
            s.getMemoryBytes(),
            s.getDiskReadBytes(),
            s.getDiskWriteBytes(),
            s.getNetRxBytes(),
            s.getNetTxBytes(),
            s.getPids()
        };
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null && values[i] < 0) {
                return Optional.of(new Violation("NEGATIVE", names[i] + " " + values[i]));
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> notAFiniteAmount(String name, Double v) {
        if (v != null && (v.isNaN() || v.isInfinite() || v < 0)) {
            String kind = v.isNaN() ? "NAN" : v.isInfinite() ? "INFINITE" : "NEGATIVE";
            return Optional.of(new Violation(kind, name + " " + v));
        }
        return Optional.empty();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
